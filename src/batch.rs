//! Batch runs: scan or repair whole directory trees in parallel, deterministically.
//!
//! * **Walking** uses the `ignore` crate with ripgrep's rules: hidden files and paths listed in
//!   `.gitignore` / `.ignore` files are skipped unless asked for ([`WalkOptions`]); `--glob` /
//!   `--exclude` patterns are ripgrep overrides. Symlinks are not followed unless asked; when
//!   they are, a loop is skipped with a reason, never walked twice. The walk is sequential and
//!   sorted by file name, so files come out in path order without holding the list.
//!   A walk for an output directory also yields what it leaves out (hidden, ignored or
//!   excluded paths, symbolic links), so the mirror's gaps are named, never silent.
//! * **Processing** reads each file whole, classifies it ([`crate::input::as_text`]), runs
//!   the format pipeline ([`crate::format::process`]) and writes its output atomically. Files
//!   are processed in sorted chunks on a `rayon` pool; results are handed to the caller in
//!   path order, so reports are the same at any thread count, and memory is bounded by one
//!   chunk's findings plus the files in flight, whatever the size of the corpus.
//! * **Nothing lost:** with an output directory every input file lands there (files that are
//!   not text are copied unchanged); a file that cannot be read or written is a per-file
//!   failure and the run goes on. despin never reads what it writes: the output directory and
//!   its own temporary files are kept out of the walk.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use ignore::overrides::{Override, OverrideBuilder};
use ignore::WalkBuilder;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::format::{self, FileType, FormatOptions, Warning};
use crate::input::{self, NotText};
use crate::output::{self, AtomicFile, TEMP_PREFIX};
use crate::pipeline::{self, FileError};
use crate::report::Row;
use crate::scan::{DocEvidence, Finding, Scanner};

/// Which files a walk yields.
#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    /// Include hidden files and directories (names starting with `.`).
    pub hidden: bool,
    /// Do not apply `.gitignore`, `.ignore` and git exclude rules.
    pub no_ignore: bool,
    /// Follow symbolic links.
    pub follow_links: bool,
    /// Include only paths matching one of these globs (ripgrep `-g` syntax; `!glob` excludes).
    pub globs: Vec<String>,
    /// Exclude paths matching these globs.
    pub excludes: Vec<String>,
    /// Directories never read (the output directory), as given.
    pub skip_dirs: Vec<PathBuf>,
    /// Skip files whose name is another file's name plus this (in-place backups: with
    /// `.orig`, `a.txt.orig` beside `a.txt`).
    pub skip_suffix: Option<String>,
    /// Also yield, as [`Input::Omitted`], the paths the walk leaves out (for a mirror).
    pub report_omitted: bool,
    /// Remove stale temporary files of killed runs ([`output::is_stale_temp`]) from every
    /// directory walked (for runs that write into the walked tree).
    pub clear_stale_temps: bool,
}

/// One file to process: where it is, and where it goes in a mirrored tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    /// The file.
    pub path: PathBuf,
    /// Its path relative to the output directory.
    pub rel: PathBuf,
}

/// What the walk produces: a file, or a path it could not walk.
#[derive(Debug)]
pub enum Input {
    /// A file to process.
    File(InputFile),
    /// A symlink loop, skipped.
    Loop(PathBuf),
    /// A path the walk leaves out (only with [`WalkOptions::report_omitted`]).
    Omitted(PathBuf, SkipReason),
    /// A path that could not be walked.
    Error(Error),
}

impl Input {
    fn sort_key(&self) -> &Path {
        match self {
            Input::File(f) => &f.path,
            Input::Loop(p) | Input::Omitted(p, _) => p,
            Input::Error(_) => Path::new(""),
        }
    }
}

fn overrides(root: &Path, opts: &WalkOptions) -> Result<Override> {
    let mut b = OverrideBuilder::new(root);
    let bad = |e: ignore::Error| Error::Invalid(format!("bad glob: {e}"));
    for g in &opts.globs {
        b.add(g).map_err(bad)?;
    }
    for g in &opts.excludes {
        let g = g.strip_prefix('!').unwrap_or(g);
        b.add(&format!("!{g}")).map_err(bad)?;
    }
    b.build().map_err(bad)
}

/// Where `rel` goes in the output tree when there are `n_roots` roots: a single directory's
/// contents are mirrored at the top; several inputs each get a subdirectory of their name.
fn mirrored(root: &Path, path: &Path, n_roots: usize) -> PathBuf {
    let name = root.file_name().map(PathBuf::from).unwrap_or_default();
    match path.strip_prefix(root) {
        Ok(r) if r.as_os_str().is_empty() => name, // the root is a file
        Ok(r) if n_roots == 1 => r.to_path_buf(),
        Ok(r) => name.join(r),
        Err(_) => path.to_path_buf(),
    }
}

fn is_loop(e: &ignore::Error) -> bool {
    match e {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => is_loop(err),
        ignore::Error::Partial(errs) => errs.iter().any(is_loop),
        _ => false,
    }
}

fn skipped_name(path: &Path, opts: &WalkOptions) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    // A backup is `NAME + suffix` beside NAME: with `--backup .txt`, `a.txt` is a file to
    // repair unless `a` exists too.
    let is_backup = |s: &str| {
        name.len() > s.len()
            && name.ends_with(s)
            && path.with_file_name(&name[..name.len() - s.len()]).is_file()
    };
    name.starts_with(TEMP_PREFIX)
        || opts
            .skip_suffix
            .as_deref()
            .is_some_and(|s| !s.is_empty() && is_backup(s))
}

/// Tracks, during a sorted depth-first walk, which entries of each open directory the walk
/// yielded, so the rest can be reported as left out when the directory is finished.
struct OmitTracker {
    hidden: bool,
    skip: Vec<PathBuf>,
    opts: WalkOptions,
    /// Open directories: depth, path, children not yet seen.
    stack: Vec<(usize, PathBuf, BTreeSet<OsString>)>,
}

impl OmitTracker {
    /// Close the directories at `depth` or deeper, yielding their unseen children.
    fn close_to(&mut self, depth: usize, out: &mut Vec<Input>) {
        while self.stack.last().is_some_and(|(d, _, _)| *d >= depth) {
            let (_, dir, rest) = self.stack.pop().unwrap();
            for name in rest {
                let path = dir.join(&name);
                let why = if !self.hidden && name.to_string_lossy().starts_with('.') {
                    SkipReason::Hidden
                } else {
                    SkipReason::Ignored
                };
                out.push(Input::Omitted(path, why));
            }
        }
    }

    /// The walk yielded `path` at `depth`.
    fn seen(&mut self, depth: usize, path: &Path, is_dir: bool, out: &mut Vec<Input>) {
        self.close_to(depth, out);
        if let (Some((_, _, rest)), Some(name)) = (self.stack.last_mut(), path.file_name()) {
            rest.remove(name);
        }
        if is_dir {
            let mut children = BTreeSet::new();
            for e in std::fs::read_dir(path).into_iter().flatten().flatten() {
                let p = e.path();
                // despin's own files and the output directory are not the user's to miss.
                if skipped_name(&p, &self.opts) || self.skip.contains(&p) {
                    continue;
                }
                children.insert(e.file_name());
            }
            self.stack.push((depth, path.to_path_buf(), children));
        }
    }
}

/// Walk `roots` (directories or files) in path order.
pub fn walk(roots: &[PathBuf], opts: &WalkOptions) -> Result<impl Iterator<Item = Input>> {
    let mut roots: Vec<PathBuf> = roots.to_vec();
    roots.sort();
    roots.dedup();
    let n = roots.len();
    let mut walks = Vec::with_capacity(n);
    for root in roots {
        let ov = overrides(&root, opts)?;
        let skip: Vec<PathBuf> = skip_paths_under(&root, &opts.skip_dirs);
        let mut b = WalkBuilder::new(&root);
        b.hidden(!opts.hidden)
            .ignore(!opts.no_ignore)
            .git_ignore(!opts.no_ignore)
            .git_global(!opts.no_ignore)
            .git_exclude(!opts.no_ignore)
            .parents(!opts.no_ignore)
            .follow_links(opts.follow_links)
            .overrides(ov)
            .sort_by_file_name(|a, b| a.cmp(b))
            .filter_entry(move |e| !skip.iter().any(|s| s == e.path()));
        let tracker = opts.report_omitted.then(|| {
            Rc::new(RefCell::new(OmitTracker {
                hidden: opts.hidden,
                skip: skip_paths_under(&root, &opts.skip_dirs),
                opts: opts.clone(),
                stack: Vec::new(),
            }))
        });
        if opts.clear_stale_temps && root.is_file() {
            let dir = root.parent().filter(|d| !d.as_os_str().is_empty());
            output::clear_stale_temps(dir.unwrap_or(Path::new(".")));
        }
        let opts = opts.clone();
        let root2 = root.clone();
        let t2 = tracker.clone();
        let entries = b.build().flat_map(move |r| {
            let mut out = Vec::new();
            match r {
                Ok(e) => {
                    let ft = e.file_type();
                    let is_dir = ft.is_some_and(|t| t.is_dir());
                    if let Some(t) = &t2 {
                        t.borrow_mut().seen(e.depth(), e.path(), is_dir, &mut out);
                    }
                    if is_dir && opts.clear_stale_temps {
                        output::clear_stale_temps(e.path());
                    }
                    let is_file = ft.is_some_and(|t| t.is_file());
                    if !is_file {
                        if t2.is_some() && !is_dir {
                            let why = if e.path_is_symlink() {
                                SkipReason::Symlink
                            } else {
                                SkipReason::NotRegular
                            };
                            out.push(Input::Omitted(e.into_path(), why));
                        }
                    } else if !skipped_name(e.path(), &opts) {
                        out.push(Input::File(InputFile {
                            rel: mirrored(&root2, e.path(), n),
                            path: e.into_path(),
                        }));
                    }
                }
                Err(e) if is_loop(&e) => out.push(Input::Loop(loop_path(&e).unwrap_or_default())),
                Err(e) => out.push(Input::Error(Error::Walk(e.to_string()))),
            }
            out
        });
        // When the walk ends, the directories still open are finished too.
        let rest = std::iter::once_with(move || {
            let mut out = Vec::new();
            if let Some(t) = tracker {
                t.borrow_mut().close_to(0, &mut out);
            }
            out
        })
        .flatten();
        walks.push(entries.chain(rest));
    }
    Ok(walks.into_iter().flatten())
}

/// The files of a corpus under `root` (or `root` itself if it is a file), in path order, as
/// the commands that read clean text or articles take them (`eval --clean`, `dict check
/// --clean`, `dict learn-pairs --clean`): [`walk`] with hidden files and ignore files
/// included (a corpus is not a source tree) and, as in every walk unless `--follow` is given,
/// symbolic links not followed, so a link loop cannot make a file count twice. With `ext`,
/// only files with that extension (the root itself is always taken).
pub fn corpus_files(root: &Path, ext: Option<&str>) -> Result<Vec<PathBuf>> {
    let opts = WalkOptions {
        hidden: true,
        no_ignore: true,
        globs: ext.map(|e| format!("*.{e}")).into_iter().collect(),
        ..WalkOptions::default()
    };
    let mut files = Vec::new();
    for input in walk(&[root.to_path_buf()], &opts)? {
        match input {
            Input::File(f) => files.push(f.path),
            Input::Error(e) => return Err(e),
            Input::Loop(_) | Input::Omitted(..) => {}
        }
    }
    Ok(files)
}

/// Refuse a mirror in which two inputs would be written to the same output path: several
/// roots with the same name (`a/data` and `b/data`), or a root without one (`.`) beside others.
/// Checked before anything is written.
pub fn check_mirror_roots(roots: &[PathBuf]) -> Result<()> {
    let mut roots: Vec<&PathBuf> = roots.iter().collect();
    roots.sort();
    roots.dedup();
    if roots.len() < 2 {
        return Ok(());
    }
    let mut by_name: HashMap<OsString, &PathBuf> = HashMap::new();
    for r in roots {
        let Some(name) = r.file_name() else {
            return Err(Error::Invalid(format!(
                "cannot mirror {} beside other inputs: it has no name to put in the output \
                 directory (give its path by name, or run it on its own)",
                r.display()
            )));
        };
        if let Some(other) = by_name.insert(name.to_os_string(), r) {
            return Err(Error::Invalid(format!(
                "inputs {} and {} would both be written to {} in the output directory; \
                 nothing was written (run them separately)",
                other.display(),
                r.display(),
                Path::new(name).display()
            )));
        }
    }
    Ok(())
}

/// Refuse a list of inputs (from `--files-from`) in which two files would be written to the
/// same output path (absolute paths with the same file name). Checked before anything is
/// written.
pub fn check_mirror_list(inputs: &[Input]) -> Result<()> {
    let mut seen: HashMap<&Path, &Path> = HashMap::new();
    for i in inputs {
        if let Input::File(f) = i {
            if let Some(other) = seen.insert(&f.rel, &f.path) {
                if other != f.path {
                    return Err(Error::Invalid(format!(
                        "inputs {} and {} would both be written to {} in the output directory; \
                         nothing was written",
                        other.display(),
                        f.path.display(),
                        f.rel.display()
                    )));
                }
            }
        }
    }
    Ok(())
}

fn loop_path(e: &ignore::Error) -> Option<PathBuf> {
    match e {
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } => loop_path(err),
        _ => None,
    }
}

/// The paths inside `root`, spelled from `root`, of those `dirs` that lie under it.
fn skip_paths_under(root: &Path, dirs: &[PathBuf]) -> Vec<PathBuf> {
    let Ok(root_c) = root.canonicalize() else {
        return Vec::new();
    };
    dirs.iter()
        .filter_map(|d| {
            let c = canonical_lenient(d);
            c.strip_prefix(&root_c).ok().map(|r| root.join(r))
        })
        .collect()
}

/// Canonicalise a path that may not exist yet: its deepest existing ancestor, canonicalised,
/// joined with the rest.
pub fn canonical_lenient(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut tail = Vec::new();
    let mut cur = abs.as_path();
    loop {
        if let Ok(c) = cur.canonicalize() {
            let mut out = c;
            for t in tail.iter().rev() {
                out.push(t);
            }
            return out;
        }
        match (cur.parent(), cur.file_name()) {
            (Some(parent), Some(name)) => {
                tail.push(name.to_os_string());
                cur = parent;
            }
            _ => return abs,
        }
    }
}

/// Refuse an output directory that is an input, or inside one without being excluded from
/// the walk (by `--exclude`, or by being hidden while hidden files are skipped).
pub fn check_out_dir(roots: &[PathBuf], out: &Path, opts: &WalkOptions) -> Result<()> {
    let out_c = canonical_lenient(out);
    for root in roots {
        let Ok(root_c) = root.canonicalize() else {
            continue;
        };
        if out_c == root_c || root_c.starts_with(&out_c) {
            return Err(Error::Invalid(format!(
                "output directory {} is, or contains, the input {}",
                out.display(),
                root.display()
            )));
        }
        let Ok(rel) = out_c.strip_prefix(&root_c) else {
            continue;
        };
        let hidden = !opts.hidden
            && rel
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        let excluded = overrides(root, opts)
            .map(|ov| ov.matched(root.join(rel), true).is_ignore())
            .unwrap_or(false);
        if !hidden && !excluded {
            return Err(Error::Invalid(format!(
                "output directory {} is inside the input {}; exclude it (--exclude '{}') or \
                 write elsewhere",
                out.display(),
                root.display(),
                rel.display()
            )));
        }
    }
    Ok(())
}

/// Files listed in `list` (one path per line), sorted, filtered by the globs. Relative
/// paths are mirrored as written; absolute ones by their file name.
pub fn from_list(list: &str, opts: &WalkOptions) -> Result<Vec<Input>> {
    let ov = overrides(Path::new("."), opts)?;
    let mut out: Vec<Input> = list
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.is_empty())
        .map(PathBuf::from)
        .filter(|p| !ov.matched(p, false).is_ignore() && !skipped_name(p, opts))
        .map(|path| {
            let rel: PathBuf = if path.is_absolute() {
                path.file_name().map(PathBuf::from).unwrap_or_default()
            } else {
                path.components()
                    .filter(|c| matches!(c, std::path::Component::Normal(_)))
                    .collect()
            };
            Input::File(InputFile { path, rel })
        })
        .collect();
    out.sort_by(|a, b| a.sort_key().cmp(b.sort_key()));
    Ok(out)
}

/// Compile `[files] types` of despin.toml (`md = ["*.markdown"]`): type name to globs.
pub fn type_rules(
    types: &BTreeMap<String, Vec<String>>,
) -> Result<Vec<(globset::GlobMatcher, FileType)>> {
    let mut rules = Vec::new();
    for (name, globs) in types {
        let ty = FileType::parse(name).ok_or_else(|| {
            Error::Invalid(format!(
                "unknown file type `{name}` (text, markdown, html, jsonl)"
            ))
        })?;
        for g in globs {
            let m = globset::Glob::new(g)
                .map_err(|e| Error::Invalid(format!("bad glob for type {name}: {e}")))?
                .compile_matcher();
            rules.push((m, ty));
        }
    }
    Ok(rules)
}

/// Where repaired files go.
#[derive(Clone, Debug)]
pub enum Target {
    /// Mirror the inputs into this directory.
    OutDir(PathBuf),
    /// Rewrite the inputs, optionally keeping the original as `path + suffix`.
    InPlace {
        /// Backup suffix (`.orig`), if any.
        backup: Option<String>,
    },
}

/// What a batch run does with each file.
#[derive(Clone, Debug)]
pub struct BatchOptions {
    /// `None` scans only; `Some` repairs and writes there.
    pub target: Option<Target>,
    /// Findings at or above this confidence are applied when repairing.
    pub min_confidence: f32,
    /// Findings below this confidence are left out of the results.
    pub report_min_confidence: f32,
    /// Format of every file, instead of by extension.
    pub file_type: Option<FileType>,
    /// Formats by glob (`[files] types` in despin.toml), tried before the extension; the
    /// first match wins.
    pub type_rules: Vec<(globset::GlobMatcher, FileType)>,
    /// Per-format options.
    pub format: FormatOptions,
    /// Files larger than this many bytes are not scanned (with an output directory they are
    /// copied unchanged, streamed): a multi-gigabyte "article" is a dump, not prose.
    pub max_filesize: u64,
}

/// Default for [`BatchOptions::max_filesize`]: 1 GiB.
pub const DEFAULT_MAX_FILESIZE: u64 = 1 << 30;

/// Why a file was not scanned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipReason {
    /// NUL bytes: binary.
    Binary,
    /// Not valid UTF-8.
    NotUtf8,
    /// A symlink loop.
    SymlinkLoop,
    /// Larger than `--max-filesize`.
    TooLarge,
    /// Hidden (name starts with `.`), left out of a mirror.
    Hidden,
    /// Left out of a mirror by ignore files (`.gitignore`, `.ignore`) or `--glob`/`--exclude`.
    Ignored,
    /// A symbolic link (not followed without `--follow`), left out of a mirror.
    Symlink,
    /// Not a regular file (a FIFO, socket or device), left out of a mirror.
    NotRegular,
}

impl SkipReason {
    /// Short name for summaries.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::NotUtf8 => "not UTF-8",
            SkipReason::SymlinkLoop => "symlink loop",
            SkipReason::TooLarge => "too large",
            SkipReason::Hidden => "hidden",
            SkipReason::Ignored => "ignored or excluded",
            SkipReason::Symlink => "symlink",
            SkipReason::NotRegular => "not a regular file",
        }
    }
}

/// What happened to one file.
#[derive(Debug)]
pub enum Outcome {
    /// Scanned (and, when repairing, written).
    Done {
        /// The file's content changed.
        changed: bool,
        /// Fixes applied.
        fixes: usize,
    },
    /// Not scanned; with an output directory, copied unchanged.
    Skipped(SkipReason),
    /// Could not be read or written.
    Failed(Error),
}

/// The result for one file, in the order files are reported.
#[derive(Debug)]
pub struct FileResult {
    /// The input path (empty for a walk error).
    pub path: PathBuf,
    /// Its size in bytes (0 if unread).
    pub bytes: u64,
    /// What happened.
    pub outcome: Outcome,
    /// Findings reported (handed to the rows callback of [`Batch::run`] before this result).
    pub findings: usize,
    /// Parts passed through unchanged because they could not be parsed.
    pub warnings: Vec<Warning>,
    /// The file's spin evidence, when it was scanned.
    pub evidence: Option<DocEvidence>,
}

/// Totals of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files seen (processed, skipped or failed).
    pub files: u64,
    /// Files whose content changed.
    pub changed: u64,
    /// Files skipped, by reason.
    pub skipped: BTreeMap<SkipReason, u64>,
    /// Files (or paths) that failed.
    pub failed: u64,
    /// Findings reported.
    pub findings: u64,
    /// Fixes applied.
    pub fixes: u64,
    /// Bytes read.
    pub bytes: u64,
    /// Warnings (parts of files passed through).
    pub warnings: u64,
}

impl Summary {
    fn add(&mut self, r: &FileResult) {
        self.files += 1;
        self.bytes += r.bytes;
        self.findings += r.findings as u64;
        self.warnings += r.warnings.len() as u64;
        match &r.outcome {
            Outcome::Done { changed, fixes } => {
                self.changed += u64::from(*changed);
                self.fixes += *fixes as u64;
            }
            Outcome::Skipped(s) => *self.skipped.entry(*s).or_default() += 1,
            Outcome::Failed(_) => self.failed += 1,
        }
    }
}

/// A batch run: a scanner, options and a thread pool.
pub struct Batch<'s> {
    scanner: &'s Scanner,
    options: BatchOptions,
    pool: rayon::ThreadPool,
}

/// Files processed per parallel chunk per thread: large enough to keep threads busy, small
/// enough that one chunk's findings are a small amount of memory.
const CHUNK_PER_THREAD: usize = 64;

impl<'s> Batch<'s> {
    /// A batch run on `threads` threads (0: one per core).
    pub fn new(scanner: &'s Scanner, options: BatchOptions, threads: usize) -> Result<Batch<'s>> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| Error::Invalid(format!("cannot start threads: {e}")))?;
        Ok(Batch {
            scanner,
            options,
            pool,
        })
    }

    /// Process every input, in input order calling `row` with each finding reported (as a
    /// report row: file coordinates, `status` and `doc_score` set), then `each` with the
    /// file's result. Stops early only if a callback fails.
    ///
    /// Files are processed in parallel; a plain-text file too large to scan whole is
    /// streamed ([`crate::pipeline`]) in its turn, its rows handed out as they are found.
    pub fn run<E>(
        &self,
        inputs: impl Iterator<Item = Input>,
        mut row: impl FnMut(&Row) -> std::result::Result<(), E>,
        mut each: impl FnMut(&FileResult) -> std::result::Result<(), E>,
    ) -> std::result::Result<Summary, E> {
        let chunk = CHUNK_PER_THREAD * self.pool.current_num_threads();
        let mut summary = Summary::default();
        let mut inputs = inputs.peekable();
        while inputs.peek().is_some() {
            let batch: Vec<Input> = inputs.by_ref().take(chunk).collect();
            let steps: Vec<Step> = self
                .pool
                .install(|| batch.into_par_iter().map(|i| self.process(i)).collect());
            for step in steps {
                let r = match step {
                    Step::Done(r, rows) => {
                        for x in &rows {
                            row(x)?;
                        }
                        r
                    }
                    Step::Stream(file) => self.stream(file, &mut row)?,
                };
                summary.add(&r);
                each(&r)?;
            }
        }
        if let Some(Target::OutDir(out)) = &self.options.target {
            clear_stale_temp_files(out);
        }
        Ok(summary)
    }

    /// The type of a file: `--type`, else the first matching `[files]` type rule, else by
    /// extension.
    fn file_type(&self, path: &Path) -> FileType {
        self.options.file_type.unwrap_or_else(|| {
            let rule = self
                .options
                .type_rules
                .iter()
                .find(|(g, _)| g.is_match(path));
            rule.map_or_else(|| FileType::from_path(path), |(_, t)| *t)
        })
    }

    /// Process one input whole, or say it is to be streamed.
    fn process(&self, input: Input) -> Step {
        let done = |r| Step::Done(r, Vec::new());
        let file = match input {
            Input::File(f) => f,
            Input::Loop(path) => {
                return done(bare(path, Outcome::Skipped(SkipReason::SymlinkLoop)))
            }
            Input::Omitted(path, why) => return done(bare(path, Outcome::Skipped(why))),
            Input::Error(e) => return done(bare(PathBuf::new(), Outcome::Failed(e))),
        };
        if let Ok(meta) = std::fs::metadata(&file.path) {
            if meta.len() > self.options.max_filesize {
                let outcome = match self.copy_unread(&file) {
                    Ok(()) => Outcome::Skipped(SkipReason::TooLarge),
                    Err(e) => Outcome::Failed(e),
                };
                return done(FileResult {
                    bytes: meta.len(),
                    ..bare(file.path, outcome)
                });
            }
            if pipeline::streams(self.scanner, self.file_type(&file.path), meta.len()) {
                return Step::Stream(file);
            }
        }
        let bytes = match std::fs::read(&file.path) {
            Ok(b) => b,
            Err(source) => {
                let e = Error::Io {
                    path: file.path.clone(),
                    source,
                };
                return done(bare(file.path, Outcome::Failed(e)));
            }
        };
        let mut result = FileResult {
            bytes: bytes.len() as u64,
            path: file.path.clone(),
            outcome: Outcome::Done {
                changed: false,
                fixes: 0,
            },
            findings: 0,
            warnings: Vec::new(),
            evidence: None,
        };
        let text = match input::as_text(&bytes) {
            Ok(t) => t,
            Err(nt) => {
                result.outcome = match self.write(&file, &bytes, None) {
                    Err(e) => Outcome::Failed(e),
                    Ok(()) => Outcome::Skipped(match nt {
                        NotText::Binary => SkipReason::Binary,
                        NotText::InvalidUtf8 { .. } => SkipReason::NotUtf8,
                    }),
                };
                return done(result);
            }
        };
        let ty = self.file_type(&file.path);
        let repair_at = self
            .options
            .target
            .as_ref()
            .map(|_| self.options.min_confidence);
        let p = format::process(self.scanner, ty, text, &self.options.format, repair_at);
        let label = crate::report::path_label(&file.path);
        let mut rows = Vec::new();
        for ((f, &applied), &doc_score) in p.findings.iter().zip(&p.applied).zip(&p.doc_scores) {
            // The score of the finding's own document (its record, in JSON Lines).
            if let Some(r) = self.row(&label, text, 0, f, applied, doc_score) {
                rows.push(r);
            }
        }
        result.findings = rows.len();
        result.warnings = p.warnings;
        result.evidence = Some(p.evidence);
        let fixes = p.applied.iter().filter(|&&a| a).count();
        let changed = p.output.is_some();
        result.outcome = match self.write(&file, &bytes, p.output.as_deref()) {
            Ok(()) => Outcome::Done { changed, fixes },
            Err(e) => Outcome::Failed(e),
        };
        Step::Done(result, rows)
    }

    /// The report row of a finding, unless it is below the reporting threshold. `window`
    /// holds the finding and starts at file offset `base`.
    fn row(
        &self,
        label: &str,
        window: &str,
        base: usize,
        f: &Finding,
        applied: bool,
        doc_score: f32,
    ) -> Option<Row> {
        if f.confidence < self.options.report_min_confidence && !applied {
            return None;
        }
        let mut row = Row::in_window(label, window, base, f);
        row.status = Some(if applied { "applied" } else { "suggested" }.to_string());
        row.doc_score = Some(doc_score);
        Some(row)
    }

    /// Stream a plain-text file too large to scan whole, handing its rows to `each_row` as
    /// they are found. Its output goes to a temporary file committed at the end, so the
    /// target never holds half a file.
    fn stream<E>(
        &self,
        file: InputFile,
        each_row: &mut impl FnMut(&Row) -> std::result::Result<(), E>,
    ) -> std::result::Result<FileResult, E> {
        let mut result = bare(
            file.path.clone(),
            Outcome::Done {
                changed: false,
                fixes: 0,
            },
        );
        let label = crate::report::path_label(&file.path);
        let repair_at = self
            .options
            .target
            .as_ref()
            .map(|_| self.options.min_confidence);
        let dest = match &self.options.target {
            None => None,
            Some(Target::OutDir(out)) => Some(out.join(&file.rel)),
            Some(Target::InPlace { .. }) => Some(file.path.clone()),
        };
        let mut sink = match dest.as_deref().map(AtomicFile::create).transpose() {
            Ok(s) => s,
            Err(e) => {
                result.outcome = Outcome::Failed(e);
                return Ok(result);
            }
        };
        if let (Some(s), Some(Target::OutDir(_))) = (sink.as_mut(), &self.options.target) {
            s.set_like(&file.path);
        }
        if let Some(s) = sink.as_mut() {
            s.set_sync(matches!(self.options.target, Some(Target::InPlace { .. })));
        }
        let mut writer = sink
            .as_mut()
            .map(|s| std::io::BufWriter::with_capacity(1 << 20, s));
        let mut found = 0usize;
        let streamed = pipeline::stream_file(
            self.scanner,
            &file.path,
            repair_at,
            writer.as_mut().map(|w| w as &mut dyn std::io::Write),
            Some(&self.pool),
            |x: pipeline::Found<'_>| match self
                .row(&label, x.window, x.base, x.finding, x.applied, x.score)
            {
                Some(r) => {
                    found += 1;
                    each_row(&r)
                }
                None => Ok(()),
            },
        );
        let io = |path: &Path, source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let flushed = match writer.map(|w| w.into_inner().map(|_| ())) {
            Some(Err(e)) => Err(e.into_error()),
            _ => Ok(()),
        };
        result.findings = found;
        let done = match streamed {
            Ok(d) => d,
            Err(FileError::Found(e)) => return Err(e),
            Err(FileError::NotText(nt)) => {
                drop(sink);
                result.bytes = std::fs::metadata(&file.path).map_or(0, |m| m.len());
                result.outcome = match self.copy_unread(&file) {
                    Ok(()) => Outcome::Skipped(match nt {
                        NotText::Binary => SkipReason::Binary,
                        NotText::InvalidUtf8 { .. } => SkipReason::NotUtf8,
                    }),
                    Err(e) => Outcome::Failed(e),
                };
                return Ok(result);
            }
            Err(FileError::Read(e)) => {
                result.outcome = Outcome::Failed(io(&file.path, e));
                return Ok(result);
            }
            Err(FileError::Write(e)) => {
                result.outcome = Outcome::Failed(io(dest.as_deref().unwrap_or(&file.path), e));
                return Ok(result);
            }
        };
        result.bytes = done.bytes;
        result.evidence = Some(done.evidence);
        let commit = || -> Result<()> {
            if let Err(e) = flushed {
                return Err(io(dest.as_deref().unwrap_or(&file.path), e));
            }
            let Some(sink) = sink else { return Ok(()) };
            match &self.options.target {
                Some(Target::InPlace { backup }) => {
                    if !done.changed {
                        return Ok(()); // dropped: the file stays as it is
                    }
                    if let Some(suffix) = backup {
                        let mut b = file.path.clone().into_os_string();
                        b.push(suffix);
                        output::copy_atomic(&file.path, Path::new(&b))?;
                    }
                    sink.commit()
                }
                _ => sink.commit(),
            }
        };
        result.outcome = match commit() {
            Ok(()) => Outcome::Done {
                changed: done.changed,
                fixes: done.fixes,
            },
            Err(e) => Outcome::Failed(e),
        };
        Ok(result)
    }

    /// With an output directory, copy a file that is not read (too large) by streaming it.
    fn copy_unread(&self, file: &InputFile) -> Result<()> {
        match &self.options.target {
            Some(Target::OutDir(out)) => output::copy_atomic(&file.path, &out.join(&file.rel)),
            _ => Ok(()),
        }
    }

    /// Write a file's output: `repaired` if it changed, else the original bytes.
    fn write(&self, file: &InputFile, original: &[u8], repaired: Option<&str>) -> Result<()> {
        match &self.options.target {
            None => Ok(()),
            Some(Target::OutDir(out)) => {
                let data = repaired.map_or(original, str::as_bytes);
                output::write_atomic_like(&out.join(&file.rel), data, false, Some(&file.path))
            }
            Some(Target::InPlace { backup }) => {
                let Some(new) = repaired else {
                    return Ok(());
                };
                if let Some(suffix) = backup {
                    let mut b = file.path.clone().into_os_string();
                    b.push(suffix);
                    output::write_atomic_like(Path::new(&b), original, true, Some(&file.path))?;
                }
                output::write_atomic(&file.path, new.as_bytes())
            }
        }
    }
}

fn bare(path: PathBuf, outcome: Outcome) -> FileResult {
    FileResult {
        path,
        bytes: 0,
        outcome,
        findings: 0,
        warnings: Vec::new(),
        evidence: None,
    }
}

/// A file processed whole (with its rows), or one to stream in its turn.
enum Step {
    Done(FileResult, Vec<Row>),
    Stream(InputFile),
}

/// Remove temporary files that an interrupted run (kill -9) left in an output tree.
fn clear_stale_temp_files(out: &Path) {
    let walk = WalkBuilder::new(out).standard_filters(false).build();
    for e in walk.flatten() {
        if e.file_type().is_some_and(|t| t.is_dir()) {
            output::clear_stale_temps(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirror_paths() {
        let r = Path::new("in");
        assert_eq!(
            mirrored(r, Path::new("in/a/b.txt"), 1),
            Path::new("a/b.txt")
        );
        assert_eq!(
            mirrored(r, Path::new("in/a/b.txt"), 2),
            Path::new("in/a/b.txt")
        );
        assert_eq!(
            mirrored(Path::new("d/f.txt"), Path::new("d/f.txt"), 1),
            Path::new("f.txt")
        );
    }

    #[test]
    fn list_is_sorted_and_filtered() {
        let opts = WalkOptions {
            excludes: vec!["*.bin".into()],
            ..Default::default()
        };
        let l = from_list("b/x.txt\na.txt\nc.bin\n./d/../e.txt\n/abs/f.txt\n", &opts).unwrap();
        let rels: Vec<PathBuf> = l
            .iter()
            .map(|i| match i {
                Input::File(f) => f.rel.clone(),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(rels.len(), 4);
        assert!(rels.contains(&PathBuf::from("f.txt")));
    }
}
