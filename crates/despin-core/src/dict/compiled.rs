//! The compiled dictionary format: an FST of keys plus a compact side table of entries.
//!
//! Layout (all integers little-endian):
//!
//! ```text
//! magic    8 bytes  b"DESPIN\0" + format version (2)
//! checksum u32 CRC-32 (IEEE) of every byte after it
//! name     u32 length + UTF-8 bytes (the dictionary's name)
//! fst      u64 length + bytes of an fst::Map (key -> first_entry << 8 | entry_count)
//! table    u32 entry count N, (N+1) u32 record offsets, then the records
//! record   f32 prior, u8 kind, u32 source line, then 7 length-prefixed (u32) strings:
//!          spun, originals (joined by `|`), context, requires (joined by `|`),
//!          tags (joined by `;`), note, source file name
//! ```
//!
//! Invariants: entries are sorted by key, so the entries of one key are contiguous and the
//! FST value locates all of them; one key has at most 255 entries. The table is decoded
//! lazily, one record at a time, so a memory-mapped dictionary of millions of entries opens
//! without parsing. A file read from disk is checked against its checksum once, at load
//! ([`verify`]), before the FST is touched: `fst` trusts its bytes and can panic on damaged
//! ones. Every read of the side table is bounds-checked as well: a damaged record yields no
//! entry, never a panic.
//!
//! `despin-dicts`'s build script embeds the default dictionaries in this format.

use std::ops::Range;

use crate::dict::source::{EntryKind, SourceEntry};

/// First bytes of every compiled dictionary, of any format version.
pub const MAGIC_PREFIX: &[u8; 7] = b"DESPIN\0";
/// The format version this code writes and reads.
pub const FORMAT_VERSION: u8 = 2;
/// First bytes of a compiled dictionary of this format version.
pub const MAGIC: &[u8; 8] = b"DESPIN\0\x02";
/// Bytes before the checksummed part: magic and the checksum itself.
const CHECKED_FROM: usize = 12;

/// Why bytes are not a usable compiled dictionary (defined with the other errors, so that
/// [`crate::error`] depends on nothing above it).
pub use crate::error::CompiledError;

/// Most entries one key may have.
pub const MAX_ENTRIES_PER_KEY: usize = 255;

/// Compile entries (any order) into the binary format. `source` names the file they came from.
pub fn encode(name: &str, source: &str, entries: &[SourceEntry]) -> Result<Vec<u8>, String> {
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by(|&a, &b| entries[a].key.cmp(&entries[b].key).then(a.cmp(&b)));

    let mut builder = fst::MapBuilder::memory();
    let mut i = 0;
    while i < order.len() {
        let key = &entries[order[i]].key;
        let mut j = i + 1;
        while j < order.len() && entries[order[j]].key == *key {
            j += 1;
        }
        if j - i > MAX_ENTRIES_PER_KEY {
            return Err(format!(
                "key {key:?} has {} entries (at most {MAX_ENTRIES_PER_KEY})",
                j - i
            ));
        }
        builder
            .insert(key.as_bytes(), ((i as u64) << 8) | (j - i) as u64)
            .map_err(|e| e.to_string())?;
        i = j;
    }
    let fst_bytes = builder.into_inner().map_err(|e| e.to_string())?;

    let mut records = Vec::new();
    let mut offsets = Vec::with_capacity(order.len() + 1);
    for &k in &order {
        offsets.push(u32::try_from(records.len()).map_err(|_| "dictionary too large".to_string())?);
        let e = &entries[k];
        records.extend_from_slice(&e.prior.to_le_bytes());
        records.push(e.kind.code());
        records.extend_from_slice(&(e.line.min(u32::MAX as u64) as u32).to_le_bytes());
        for s in [
            e.spun.as_str(),
            &e.originals.join("|"),
            &e.context,
            &e.requires.join("|"),
            &e.tags.join(";"),
            &e.note,
            source,
        ] {
            records.extend_from_slice(&(s.len() as u32).to_le_bytes());
            records.extend_from_slice(s.as_bytes());
        }
    }
    offsets.push(u32::try_from(records.len()).map_err(|_| "dictionary too large".to_string())?);

    let mut out =
        Vec::with_capacity(32 + name.len() + fst_bytes.len() + records.len() + 4 * offsets.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[0; 4]); // the checksum, filled in below
    out.extend_from_slice(&(name.len() as u32).to_le_bytes());
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(&(fst_bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(&fst_bytes);
    out.extend_from_slice(&(order.len() as u32).to_le_bytes());
    for o in offsets {
        out.extend_from_slice(&o.to_le_bytes());
    }
    out.extend_from_slice(&records);
    let sum = crc32fast::hash(&out[CHECKED_FROM..]);
    out[8..CHECKED_FROM].copy_from_slice(&sum.to_le_bytes());
    Ok(out)
}

/// Check the header and the checksum of a compiled dictionary: any damage to its bytes
/// (a flipped bit, a truncation) is caught here. One pass over the bytes.
pub fn verify(bytes: &[u8]) -> Result<(), CompiledError> {
    check_magic(bytes)?;
    let stored = u32_at(bytes, 8).ok_or(CompiledError::Truncated("header"))?;
    let computed = crc32fast::hash(&bytes[CHECKED_FROM..]);
    if stored != computed {
        return Err(CompiledError::Checksum { stored, computed });
    }
    Ok(())
}

fn check_magic(bytes: &[u8]) -> Result<(), CompiledError> {
    if bytes.get(..7) != Some(&MAGIC_PREFIX[..]) {
        return Err(CompiledError::NotCompiled);
    }
    match bytes.get(7) {
        Some(&FORMAT_VERSION) => Ok(()),
        Some(&found) => Err(CompiledError::Version {
            found,
            expected: FORMAT_VERSION,
        }),
        None => Err(CompiledError::Truncated("header")),
    }
}

/// Where the parts of a compiled dictionary lie in its bytes.
#[derive(Clone, Debug)]
pub struct Layout {
    /// The dictionary's name.
    pub name: String,
    /// Byte range of the FST.
    pub fst: Range<usize>,
    /// Byte range of the side table.
    pub table: Range<usize>,
    /// Number of entries.
    pub len: usize,
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at.checked_add(4)?)
        .map(|s| u32::from_le_bytes(s.try_into().unwrap()))
}

/// Check the header of a compiled dictionary and locate its parts. Does not read the
/// checksum: call [`verify`] first on bytes that may be damaged.
pub fn layout(bytes: &[u8]) -> Result<Layout, CompiledError> {
    use CompiledError::{Malformed, Truncated};
    check_magic(bytes)?;
    let name_len = u32_at(bytes, CHECKED_FROM).ok_or(Truncated("header"))? as usize;
    let name_start = CHECKED_FROM + 4;
    let name = bytes
        .get(name_start..name_start + name_len)
        .ok_or(Truncated("name"))?;
    let name = std::str::from_utf8(name)
        .map_err(|_| Malformed("name is not UTF-8"))?
        .to_string();
    let at = name_start + name_len;
    let fst_len = bytes
        .get(at..at + 8)
        .map(|s| u64::from_le_bytes(s.try_into().unwrap()))
        .ok_or(Truncated("FST length"))?;
    let fst_start = at + 8;
    let fst_end = usize::try_from(fst_len)
        .ok()
        .and_then(|l| fst_start.checked_add(l))
        .ok_or(Malformed("bad FST length"))?;
    if fst_end > bytes.len() {
        return Err(Truncated("FST"));
    }
    let len = u32_at(bytes, fst_end).ok_or(Truncated("entry table"))? as usize;
    let table_end_of_offsets = fst_end + 4 + 4 * (len + 1);
    if table_end_of_offsets > bytes.len() {
        return Err(Truncated("entry table"));
    }
    // The last offset is the length of the record area: a cheap check for truncation.
    let records_len =
        u32_at(bytes, table_end_of_offsets - 4).ok_or(Truncated("entry table"))? as usize;
    if table_end_of_offsets + records_len != bytes.len() {
        return Err(Malformed("truncated or padded entry table"));
    }
    Ok(Layout {
        name,
        fst: fst_start..fst_end,
        table: fst_end..bytes.len(),
        len,
    })
}

/// One entry of a compiled dictionary, borrowed from its bytes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EntryRef<'a> {
    /// Index of the entry in its dictionary.
    pub index: usize,
    /// Confidence prior.
    pub prior: f32,
    /// Fingerprint, swap or allow.
    pub kind: EntryKind,
    /// 1-based line in the source file.
    pub line: u32,
    /// The spun phrase as written in the source.
    pub spun: &'a str,
    /// Original wordings, `|`-separated, best first.
    pub originals: &'a str,
    /// Context condition source.
    pub context: &'a str,
    /// Document condition alternatives, `|`-separated.
    pub requires: &'a str,
    /// Tags, `;`-separated.
    pub tags: &'a str,
    /// Free note.
    pub note: &'a str,
    /// File the entry was compiled from.
    pub source: &'a str,
}

impl<'a> EntryRef<'a> {
    /// The original wordings, best first.
    pub fn originals(&self) -> impl Iterator<Item = &'a str> {
        self.originals.split('|').filter(|s| !s.is_empty())
    }

    /// The tags.
    pub fn tags(&self) -> impl Iterator<Item = &'a str> {
        self.tags.split(';').filter(|s| !s.is_empty())
    }

    /// The document-condition alternatives.
    pub fn requires(&self) -> impl Iterator<Item = &'a str> {
        self.requires.split('|').filter(|s| !s.is_empty())
    }

    /// Spinner profiles this entry belongs to (tags `spinner:x`).
    pub fn profiles(&self) -> impl Iterator<Item = &'a str> {
        self.tags().filter_map(|t| t.strip_prefix("spinner:"))
    }
}

/// `s` as text, if it is UTF-8. Entries are read again and again while scanning, and
/// their strings are almost always ASCII, which one vectorised check proves valid without
/// the general decoder.
#[inline]
fn text(s: &[u8]) -> Option<&str> {
    if s.is_ascii() {
        // SAFETY: ASCII bytes are valid UTF-8.
        Some(unsafe { std::str::from_utf8_unchecked(s) })
    } else {
        std::str::from_utf8(s).ok()
    }
}

/// Decode entry `index` from a table (the `table` range of a [`Layout`]).
pub fn entry(table: &[u8], index: usize) -> Option<EntryRef<'_>> {
    let len = u32_at(table, 0)? as usize;
    if index >= len {
        return None;
    }
    let records = 4 + 4 * (len + 1);
    let start = records + u32_at(table, 4 + 4 * index)? as usize;
    let end = records + u32_at(table, 8 + 4 * index)? as usize;
    let rec = table.get(start..end)?;
    let prior = f32::from_le_bytes(rec.get(0..4)?.try_into().ok()?);
    let kind = EntryKind::from_code(*rec.get(4)?)?;
    let line = u32_at(rec, 5)?;
    let mut at = 9;
    let mut next = || -> Option<&str> {
        let l = u32_at(rec, at)? as usize;
        let s = rec.get(at + 4..at + 4 + l)?;
        at += 4 + l;
        text(s)
    };
    Some(EntryRef {
        index,
        prior,
        kind,
        line,
        spun: next()?,
        originals: next()?,
        context: next()?,
        requires: next()?,
        tags: next()?,
        note: next()?,
        source: next()?,
    })
}
