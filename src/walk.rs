//! Which files a run reads: the one directory walker of despin, and where each file goes in a
//! mirrored output tree.
//!
//! * **Walking** uses the `ignore` crate with ripgrep's rules: hidden files and paths listed in
//!   `.gitignore` / `.ignore` files are skipped unless asked for ([`WalkOptions`]); `--glob` /
//!   `--exclude` patterns are ripgrep overrides. Symlinks are not followed unless asked; when
//!   they are, a loop is skipped with a reason, never walked twice. The walk is sequential and
//!   sorted by file name, so files come out in path order without holding the list.
//!   A walk for an output directory also yields what it leaves out (hidden, ignored or
//!   excluded paths, symbolic links: [`Omission`]), so the mirror's gaps are named, never
//!   silent.
//! * **Corpora** (clean text for `eval --clean`, `dict check --clean`, `dict learn --clean`)
//!   are walked by the same walker with one rule for links ([`corpus_files`]).
//! * **Mirroring**: [`InputFile::rel`] is a file's place in the output directory; the
//!   `check_*` functions refuse, before anything is written, inputs that would collide there
//!   or an output directory inside an input.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use ignore::overrides::{Override, OverrideBuilder};
use ignore::WalkBuilder;

use crate::error::{Error, Result};
use crate::output::{self, TEMP_PREFIX};

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
    /// Paths never read (the output directory, the report file), as given.
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

/// Why a walk for a mirror left a path out (see [`WalkOptions::report_omitted`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Omission {
    /// Hidden (name starts with `.`).
    Hidden,
    /// Left out by ignore files (`.gitignore`, `.ignore`) or `--glob`/`--exclude`.
    Ignored,
    /// A symbolic link (not followed without `--follow`).
    Symlink,
    /// Not a regular file (a FIFO, socket or device).
    NotRegular,
}

/// What the walk produces: a file, or a path it could not walk.
#[derive(Debug)]
pub enum Input {
    /// A file to process.
    File(InputFile),
    /// A symlink loop, skipped.
    Loop(PathBuf),
    /// A path the walk leaves out (only with [`WalkOptions::report_omitted`]).
    Omitted(PathBuf, Omission),
    /// A path that could not be walked (empty when the walker did not say which).
    Error(PathBuf, Error),
}

impl Input {
    fn sort_key(&self) -> &Path {
        match self {
            Input::File(f) => &f.path,
            Input::Loop(p) | Input::Omitted(p, _) => p,
            Input::Error(p, _) => p,
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
    fn omitted(&self, dir: &Path, name: &OsStr) -> Input {
        let why = if !self.hidden && name.to_string_lossy().starts_with('.') {
            Omission::Hidden
        } else {
            Omission::Ignored
        };
        Input::Omitted(dir.join(name), why)
    }

    /// Close the directories at `depth` or deeper, yielding their unseen children.
    fn close_to(&mut self, depth: usize, out: &mut Vec<Input>) {
        while self.stack.last().is_some_and(|(d, _, _)| *d >= depth) {
            let (_, dir, rest) = self.stack.pop().unwrap();
            out.extend(rest.iter().map(|name| self.omitted(&dir, name)));
        }
    }

    /// The walk reached `path` (yielded, or reported as a loop): yield the children of its
    /// directory that sort before it and were left out, so that every path comes in order
    /// (the walk is sorted by name), and account for `path` itself.
    fn reached(&mut self, path: &Path, out: &mut Vec<Input>) {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return;
        };
        // Directories walked before `path` that do not hold it are finished.
        while let Some((_, open, rest)) = self.stack.pop_if(|(_, d, _)| !path.starts_with(d)) {
            out.extend(rest.iter().map(|name| self.omitted(&open, name)));
        }
        let Some((_, open, rest)) = self.stack.last_mut().filter(|(_, d, _)| d == dir) else {
            return;
        };
        let open = open.clone();
        let mut earlier = std::mem::take(rest);
        *rest = earlier.split_off(name);
        rest.remove(name);
        out.extend(earlier.iter().map(|n| self.omitted(&open, n)));
    }

    /// The walk yielded `path` at `depth`.
    fn seen(&mut self, depth: usize, path: &Path, is_dir: bool, out: &mut Vec<Input>) {
        self.close_to(depth, out);
        self.reached(path, out);
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
                                Omission::Symlink
                            } else {
                                Omission::NotRegular
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
                Err(e) if is_loop(&e) => {
                    let path = error_path(&e).unwrap_or_default();
                    if let Some(t) = &t2 {
                        t.borrow_mut().reached(&path, &mut out);
                    }
                    out.push(Input::Loop(path));
                }
                Err(e) => out.push(Input::Error(
                    error_path(&e).unwrap_or_default(),
                    Error::Walk(error_reason(&e)),
                )),
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
            Input::Error(_, e) => return Err(e),
            Input::Loop(_) | Input::Omitted(..) => {}
        }
    }
    Ok(files)
}

/// Remove the temporary files that an interrupted run (kill -9) left anywhere in the tree
/// under `root` (hidden directories and ignored paths included, links not followed).
pub fn clear_stale_temps_in_tree(root: &Path) {
    let opts = WalkOptions {
        hidden: true,
        no_ignore: true,
        clear_stale_temps: true,
        ..WalkOptions::default()
    };
    // The walk clears each directory as it enters it; the files it yields are not needed.
    if let Ok(inputs) = walk(&[root.to_path_buf()], &opts) {
        inputs.for_each(drop);
    }
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

/// The path a walk error is about: the link that loops, or the path that could not be read.
fn error_path(e: &ignore::Error) -> Option<PathBuf> {
    match e {
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } => error_path(err),
        _ => None,
    }
}

/// The reason of a walk error, without the path [`error_path`] takes from it: the message
/// names the file once ("a.txt: No such file or directory", not "a.txt: IO error for
/// operation on a.txt: ...").
fn error_reason(e: &ignore::Error) -> String {
    if error_path(e).is_none() {
        return e.to_string();
    }
    fn reason(e: &ignore::Error) -> String {
        match e {
            ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
                reason(err)
            }
            // walkdir's error inside the io::Error names the path again; its cause does not.
            ignore::Error::Io(io) => io
                .get_ref()
                .and_then(|w| w.source())
                .map_or_else(|| io.to_string(), ToString::to_string),
            _ => e.to_string(),
        }
    }
    reason(e)
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
