//! Phrase dictionaries: sources, compilation, loading and layering.
//!
//! A [`Dictionary`] is an `fst::Map` from normalised spun phrases to entries in a side table
//! (see [`compiled`] for the byte layout). It can come from three places, all giving the
//! same findings for the same entries:
//!
//! * embedded in the program ([`Embedded`]: the dictionaries listed in
//!   `dictionaries/MANIFEST.csv`, compiled by the `despin-dicts` crate's build script),
//!   selected by name;
//! * a CSV source file, compiled in memory when loaded;
//! * a compiled file written by `despin dict build`, opened through a memory map and
//!   verified against its checksum once (one pass over the file, no parsing).
//!
//! A [`DictSet`] stacks dictionaries in layers: later layers (user dictionaries) take
//! precedence over earlier ones (the defaults) on the same span. The embedded dictionaries
//! are layered in the order of the manifest, lowest first.

pub mod compiled;
pub mod condition;
pub(crate) mod fxhash;
pub mod inflect;
pub mod source;
pub mod walk;

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

pub use compiled::EntryRef;
pub use source::{EntryKind, SourceEntry};

use crate::error::{Error, Result};

/// A dictionary compiled into the program (by `despin-dicts`), as listed in
/// `dictionaries/MANIFEST.csv`.
#[derive(Debug)]
pub struct Embedded {
    /// Name used to select it (`--dicts`).
    pub name: &'static str,
    /// Its source file in `dictionaries/`.
    pub file: &'static str,
    /// Licence of its data (SPDX expression).
    pub licence: &'static str,
    /// Attribution its licence requires wherever it is shipped; empty when none is required.
    pub attribution: &'static str,
    /// Its compiled bytes ([`compiled`] format), written by the same build.
    pub bytes: &'static [u8],
}

/// Owner of a dictionary's bytes: static (embedded), memory-mapped or heap.
#[derive(Clone)]
enum Backing {
    Static(&'static [u8]),
    Mapped(Arc<memmap2::Mmap>),
    Owned(Arc<[u8]>),
}

/// A cheap-to-clone byte range of a dictionary's backing bytes (static, mapped or owned),
/// as the FST wants it.
#[derive(Clone)]
pub struct Bytes {
    backing: Backing,
    start: usize,
    end: usize,
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        let all: &[u8] = match &self.backing {
            Backing::Static(b) => b,
            Backing::Mapped(m) => m,
            Backing::Owned(o) => o,
        };
        &all[self.start..self.end]
    }
}

/// One compiled dictionary.
#[derive(Clone)]
pub struct Dictionary {
    /// Unique per loaded dictionary (shared by its clones): keys per-thread memos of walks.
    id: u64,
    name: String,
    origin: PathBuf,
    fst: fst::Map<Bytes>,
    table: Bytes,
    len: usize,
    /// The manifest row, for an embedded dictionary.
    embedded: Option<&'static Embedded>,
}

impl std::fmt::Debug for Dictionary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dictionary")
            .field("name", &self.name)
            .field("len", &self.len)
            .finish()
    }
}

impl Dictionary {
    /// `verify`: check the checksum first (bytes from outside this process).
    fn from_backing(backing: Backing, origin: PathBuf, verify: bool) -> Result<Dictionary> {
        let all = Bytes {
            backing,
            start: 0,
            end: 0,
        };
        let len_all = match &all.backing {
            Backing::Static(b) => b.len(),
            Backing::Mapped(m) => m.len(),
            Backing::Owned(o) => o.len(),
        };
        let whole = Bytes {
            end: len_all,
            ..all
        };
        let bad = |reason: compiled::CompiledError| Error::Compiled {
            path: origin.clone(),
            reason,
        };
        if verify {
            compiled::verify(whole.as_ref()).map_err(bad)?;
        }
        let layout = compiled::layout(whole.as_ref()).map_err(bad)?;
        let fst_bytes = Bytes {
            start: layout.fst.start,
            end: layout.fst.end,
            ..whole.clone()
        };
        let fst = fst::Map::new(fst_bytes)
            .map_err(|e| bad(compiled::CompiledError::Fst(e.to_string())))?;
        let table = Bytes {
            start: layout.table.start,
            end: layout.table.end,
            ..whole
        };
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Ok(Dictionary {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            name: layout.name,
            origin,
            fst,
            table,
            len: layout.len,
            embedded: None,
        })
    }

    /// The dictionary called `name` among those compiled into the program (`table`, as
    /// `despin-dicts` provides it); [`Error::UnknownDictionary`] lists the others.
    pub fn embedded_in(table: &'static [Embedded], name: &str) -> Result<Dictionary> {
        let e = table
            .iter()
            .find(|e| e.name == name)
            .ok_or_else(|| Error::UnknownDictionary {
                name: name.to_string(),
                known: table.iter().map(|e| e.name).collect::<Vec<_>>().join(", "),
            })?;
        // Embedded bytes were written by build.rs in this build: nothing to verify.
        let mut dict = Dictionary::from_backing(
            Backing::Static(e.bytes),
            PathBuf::from(format!("<embedded {name}>")),
            false,
        )?;
        dict.embedded = Some(e);
        Ok(dict)
    }

    /// Compile entries in memory into a dictionary called `name`.
    pub fn from_entries(name: &str, origin: &Path, entries: &[SourceEntry]) -> Result<Dictionary> {
        let source = origin
            .file_name()
            .map_or_else(|| name.to_string(), |f| f.to_string_lossy().into_owned());
        let bytes = compiled::encode(name, &source, entries).map_err(|e| Error::Compiled {
            path: origin.to_path_buf(),
            reason: compiled::CompiledError::Encode(e),
        })?;
        Dictionary::from_backing(Backing::Owned(bytes.into()), origin.to_path_buf(), false)
    }

    /// Load a compiled dictionary (as written by `despin dict build`) held in memory.
    /// Its header and checksum are verified first, so damaged bytes give
    /// [`Error::Compiled`] naming `origin`, never a panic.
    pub fn from_compiled_bytes(origin: &Path, bytes: Vec<u8>) -> Result<Dictionary> {
        Dictionary::from_backing(Backing::Owned(bytes.into()), origin.to_path_buf(), true)
    }

    /// Parse and compile a CSV source held in memory. Any malformed row refuses the whole file.
    pub fn from_csv_bytes(name: &str, origin: &Path, data: &[u8]) -> Result<Dictionary> {
        let parsed = source::parse_source(origin, data);
        if !parsed.errors.is_empty() {
            return Err(Error::DictRows {
                rows: parsed.errors,
            });
        }
        Dictionary::from_entries(name, origin, &parsed.entries)
    }

    /// Load a user dictionary: a compiled file (memory-mapped) or a CSV source.
    ///
    /// Compiled files are recognised by their header, not their extension, and verified
    /// against their checksum once, here (one pass over the file), so a damaged file is an
    /// [`Error::Compiled`] naming it.
    pub fn open(path: &Path) -> Result<Dictionary> {
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let mut head = [0u8; 8];
        let is_compiled = {
            use std::io::Read;
            let mut f = &file;
            let n = f.read(&mut head).map_err(io)?;
            n == 8 && head.starts_with(compiled::MAGIC_PREFIX)
        };
        if is_compiled {
            // SAFETY: the map is read-only; despin never writes dictionary files in place
            // (it writes a temporary file and renames it), so the mapped bytes don't change
            // under us unless another program truncates the file, which all mmap users accept.
            // Populated up front: the checksum reads every page anyway, and faulting them in
            // one call halves the load time of a large dictionary.
            let map = unsafe { memmap2::MmapOptions::new().populate().map(&file) }.map_err(io)?;
            return Dictionary::from_backing(
                Backing::Mapped(Arc::new(map)),
                path.to_path_buf(),
                true,
            );
        }
        let data = std::fs::read(path).map_err(io)?;
        let name = path
            .file_stem()
            .map_or_else(|| "user".into(), |s| s.to_string_lossy().into_owned());
        Dictionary::from_csv_bytes(&name, path, &data)
    }

    /// Unique per loaded dictionary (shared by its clones), to key per-thread memos.
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// The dictionary's name (its file stem, or the embedded name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where it was loaded from.
    pub fn origin(&self) -> &Path {
        &self.origin
    }

    /// For an embedded dictionary, its manifest row (licence and attribution).
    pub fn embedded_info(&self) -> Option<&'static Embedded> {
        self.embedded
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the dictionary holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The FST of normalised keys; values encode `first_entry << 8 | count`.
    pub fn fst(&self) -> &fst::Map<Bytes> {
        &self.fst
    }

    /// Entry `index`, or `None` if the index is out of range or the record is damaged.
    pub fn entry(&self, index: usize) -> Option<EntryRef<'_>> {
        compiled::entry(self.table.as_ref(), index)
    }

    /// Every entry, in key order.
    pub fn entries(&self) -> impl Iterator<Item = EntryRef<'_>> {
        (0..self.len).filter_map(move |i| self.entry(i))
    }

    /// The parsed context condition of one of this dictionary's entries, or `None` when it
    /// does not parse (such an entry never fires).
    ///
    /// The scanner checks the same few entries' conditions over and over, so each is parsed
    /// once per thread and kept in a bounded per-thread memo.
    pub fn context(&self, entry: &EntryRef<'_>) -> Option<Rc<[condition::Clause]>> {
        /// Entries remembered per thread; the memo is emptied when full.
        const MEMO_ENTRIES: usize = 1 << 14;
        type Memo = HashMap<
            (u64, usize),
            Option<Rc<[condition::Clause]>>,
            BuildHasherDefault<fxhash::FxHasher>,
        >;
        thread_local! {
            static CONTEXTS: RefCell<Memo> = RefCell::new(Memo::default());
        }
        CONTEXTS.with(|m| {
            let mut m = m.borrow_mut();
            if let Some(c) = m.get(&(self.id, entry.index)) {
                return c.clone();
            }
            if m.len() >= MEMO_ENTRIES {
                m.clear();
            }
            let parsed = condition::parse_context(entry.context).ok().map(Rc::from);
            m.insert((self.id, entry.index), parsed.clone());
            parsed
        })
    }

    /// The entries stored under an FST value.
    pub fn entries_for(&self, value: u64) -> impl Iterator<Item = EntryRef<'_>> {
        let first = (value >> 8) as usize;
        let count = (value & 0xFF) as usize;
        (first..first + count).filter_map(move |i| self.entry(i))
    }

    /// The entries whose key is exactly the normalised form of `phrase`.
    pub fn lookup(&self, phrase: &str) -> Vec<EntryRef<'_>> {
        let key = crate::normalize::normalize_phrase(phrase);
        self.fst
            .get(key.as_bytes())
            .map(|v| self.entries_for(v).collect())
            .unwrap_or_default()
    }

    /// The raw bytes of the compiled dictionary (for writing it to a file).
    pub fn to_bytes(&self) -> Vec<u8> {
        let b = Bytes {
            start: 0,
            end: self.table.end,
            ..self.table.clone()
        };
        b.as_ref().to_vec()
    }
}

/// Dictionaries in layers: later layers win on the same span.
#[derive(Clone, Debug, Default)]
pub struct DictSet {
    layers: Vec<Dictionary>,
}

impl DictSet {
    /// An empty set (finds nothing).
    pub fn new() -> DictSet {
        DictSet::default()
    }

    /// Add a layer above the existing ones.
    pub fn push(&mut self, dict: Dictionary) {
        self.layers.push(dict);
    }

    /// The layers, lowest first.
    pub fn layers(&self) -> &[Dictionary] {
        &self.layers
    }
}

impl FromIterator<Dictionary> for DictSet {
    fn from_iter<I: IntoIterator<Item = Dictionary>>(iter: I) -> Self {
        DictSet {
            layers: iter.into_iter().collect(),
        }
    }
}

#[cfg(test)]
mod context_memo_tests {
    use super::*;

    #[test]
    fn parsed_contexts_are_kept_apart_per_dictionary() {
        // Same key and entry index in both, different conditions.
        let a = "spun,original,context\nmentioned,said,next=that\n";
        let b = "spun,original,context\nmentioned,said,prev=he\n";
        let a = Dictionary::from_csv_bytes("a", Path::new("a.csv"), a.as_bytes()).unwrap();
        let b = Dictionary::from_csv_bytes("b", Path::new("b.csv"), b.as_bytes()).unwrap();
        for _ in 0..2 {
            let ea = a.lookup("mentioned")[0];
            let eb = b.lookup("mentioned")[0];
            assert_eq!(ea.index, eb.index);
            assert_eq!(
                *a.context(&ea).unwrap(),
                condition::parse_context("next=that").unwrap()[..]
            );
            assert_eq!(
                *b.context(&eb).unwrap(),
                condition::parse_context("prev=he").unwrap()[..]
            );
        }
    }
}
