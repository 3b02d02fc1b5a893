//! Writing output files atomically: a temporary file in the same directory, then a rename.
//!
//! A reader (or a crash, or `kill -9`) never sees a half-written file: the target either
//! keeps its old content or holds the complete new one. A replaced file keeps its permissions
//! (and, when running as root, its owner); a copy takes those of its source; a new file gets
//! the usual mode (0666 less the umask), not the temporary file's 0600.
//!
//! Temporary files are named `.despin-tmp-PID-RANDOM`. One left behind by a killed run is
//! recognised by [`is_stale_temp`] (its process is gone) and removed by the next batch run
//! that walks its directory.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};

use crate::error::{Error, Result};

/// Write `data` to `path` atomically, creating parent directories as needed, and flush it to
/// disk before the rename (safe against power loss as well as crashes).
pub fn write_atomic(path: &Path, data: &[u8]) -> Result<()> {
    write_atomic_with(path, data, true)
}

/// [`write_atomic`], with the flush to disk optional: without it the file is still never seen
/// half-written after a crash or `kill -9`, but a power loss may leave it empty. Regenerable
/// output (a mirrored tree) skips it: one fsync per file costs more than the repair.
pub fn write_atomic_with(path: &Path, data: &[u8], sync: bool) -> Result<()> {
    write_atomic_like(path, data, sync, None)
}

/// [`write_atomic_with`], giving a new file the permissions (and, as root, the owner) of
/// `like` (the input a mirrored or backup file stands for).
pub fn write_atomic_like(path: &Path, data: &[u8], sync: bool, like: Option<&Path>) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.sync = sync;
    f.like = like.map(Path::to_path_buf);
    f.write_all(data).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    f.commit()
}

/// Copy `from` to `to` atomically, streaming (for files too large to hold in memory).
pub fn copy_atomic(from: &Path, to: &Path) -> Result<()> {
    let mut src = std::fs::File::open(from).map_err(|source| Error::Io {
        path: from.to_path_buf(),
        source,
    })?;
    let mut f = AtomicFile::create(to)?;
    f.sync = false;
    f.like = Some(from.to_path_buf());
    std::io::copy(&mut src, &mut f).map_err(|source| Error::Io {
        path: to.to_path_buf(),
        source,
    })?;
    f.commit()
}

/// Make sure files can be written in `dir` (creating it if needed), so that a run that would
/// fail on every file fails once, up front, naming the directory.
pub fn check_writable_dir(dir: &Path) -> Result<()> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
        .tempfile_in(dir)
        .map_err(io)?;
    Ok(())
}

/// The file an in-place rewrite of `path` replaces: the file a symbolic link names (so that
/// the link stays a link and its target is repaired, as an editor saving through it would),
/// else `path` itself.
pub fn in_place_target(path: &Path) -> PathBuf {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    match is_link {
        true => std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
        false => path.to_path_buf(),
    }
}

/// Refuse to write `out` when it is one of `inputs` (the same file, however it is spelled):
/// a report, page or compiled dictionary written there would replace what it was made from.
/// Checked before anything is written.
pub fn check_not_input<'a>(out: &Path, inputs: impl IntoIterator<Item = &'a Path>) -> Result<()> {
    let Some(input) = inputs.into_iter().find(|i| same_file(out, i)) else {
        return Ok(());
    };
    let spelled = if input == out {
        String::new()
    } else {
        format!(" (as {})", input.display())
    };
    Err(Error::Invalid(format!(
        "{} is also an input{spelled}: writing it would replace that input; nothing was \
         written (choose another output)",
        out.display()
    )))
}

/// Refuse to write `out` over an existing file inside one of the directories `roots` that
/// despin did not write (a report or review page of an earlier run may be replaced): inside
/// the tree being read, such a file is most likely one of the user's articles, which the
/// walk leaves out because it is the output. Checked before anything is written.
pub fn check_not_in_tree<'a>(out: &Path, roots: impl IntoIterator<Item = &'a Path>) -> Result<()> {
    let Ok(head) = read_head(out) else {
        return Ok(()); // nothing there (or not a file): nothing to lose
    };
    if is_despin_output(&head) {
        return Ok(());
    }
    let Ok(file) = out.canonicalize() else {
        return Ok(());
    };
    let Some(root) = roots
        .into_iter()
        .find(|r| r.is_dir() && r.canonicalize().is_ok_and(|r| file.starts_with(r)))
    else {
        return Ok(());
    };
    Err(Error::Invalid(format!(
        "{} already exists inside the input directory {} and is not a despin report or \
         page: writing it would replace that file; nothing was written (choose another \
         output, or remove the file first)",
        out.display(),
        root.display()
    )))
}

/// The first 4 KiB of a regular file.
fn read_head(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    if !std::fs::metadata(path)?.is_file() {
        return Err(std::io::ErrorKind::InvalidInput.into());
    }
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path)?
        .take(4096)
        .read_to_end(&mut head)?;
    Ok(head)
}

/// Whether a file starting with `head` is one despin writes as a report (CSV with the
/// report's header, JSON Lines rows with a path first) or review page, or is empty.
fn is_despin_output(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let csv_header = crate::report::COLUMNS.join(",");
    head.is_empty()
        || head.starts_with(csv_header.as_bytes())
        || head.starts_with(br#"{"path":"#)
        || (head.starts_with(b"<!DOCTYPE html>")
            && head
                .windows(crate::review_page::TITLE_PREFIX.len())
                .any(|w| w == crate::review_page::TITLE_PREFIX.as_bytes()))
}

/// Whether `a` and `b` name the same existing file (through links, `.` and `..`).
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(x), Ok(y)) => (x.dev(), x.ino()) == (y.dev(), y.ino()),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
    }
}

/// The temporary files of this process not yet committed or dropped, for
/// [`remove_live_temps`]. Creating one holds [`CREATING`] for reading, so that the removal,
/// which takes it for writing and never gives it back, misses none being created.
static LIVE: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);
static CREATING: RwLock<()> = RwLock::new(());

/// Remove the temporary files this process is writing, and stop it creating more: for an
/// interrupted run (Ctrl-C, SIGTERM) about to exit, so that it leaves no partial file behind,
/// not even a hidden one. Outputs already committed stay; those in progress never appear.
pub fn remove_live_temps() {
    // Held until the process exits: no temporary file is created after this.
    std::mem::forget(CREATING.write().unwrap_or_else(|e| e.into_inner()));
    let live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
    for p in live.iter().flatten() {
        let _ = std::fs::remove_file(p);
    }
    // The lock stays taken too: a commit racing with the exit must not unregister.
    std::mem::forget(live);
}

/// A temporary file's entry in [`LIVE`], removed when the file is committed or dropped.
struct Live(PathBuf);

impl Live {
    fn new(path: &Path) -> Live {
        let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        live.get_or_insert_with(HashSet::new)
            .insert(path.to_path_buf());
        Live(path.to_path_buf())
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(set) = live.as_mut() {
            set.remove(&self.0);
        }
    }
}

/// A file written in pieces that appears at its path, complete, only on [`AtomicFile::commit`].
/// Dropped without a commit (an error, a panic), it leaves the target untouched.
pub struct AtomicFile {
    path: PathBuf,
    tmp: tempfile::NamedTempFile,
    sync: bool,
    like: Option<PathBuf>,
    // Declared after `tmp`, so dropped after the file is deleted or renamed.
    _live: Live,
}

impl AtomicFile {
    /// Start writing `path`: a temporary file in its directory (created if needed).
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let mut b = tempfile::Builder::new();
        let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
        b.prefix(&prefix);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // Created like any new file (the umask applies), not 0600.
            b.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let creating = CREATING.read().unwrap_or_else(|e| e.into_inner());
        let tmp = b.tempfile_in(dir).map_err(io)?;
        let live = Live::new(tmp.path());
        drop(creating);
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
            sync: true,
            like: None,
            _live: live,
        })
    }

    /// Whether [`AtomicFile::commit`] flushes to disk first (default yes; see
    /// [`write_atomic_with`]).
    pub fn set_sync(&mut self, sync: bool) {
        self.sync = sync;
    }

    /// Give a new file the permissions (and, as root, the owner) of `like` (see
    /// [`write_atomic_like`]).
    pub fn set_like(&mut self, like: &Path) {
        self.like = Some(like.to_path_buf());
    }

    /// Flush to disk and move into place, keeping the permissions (and, as root, the owner)
    /// of the file it replaces, or of the file it copies.
    pub fn commit(self) -> Result<()> {
        let path = self.path;
        // Errors name the real output, never the temporary file.
        let io = |source| Error::Io {
            path: path.clone(),
            source,
        };
        let mut tmp = self.tmp;
        tmp.as_file_mut().flush().map_err(io)?;
        if self.sync {
            tmp.as_file().sync_data().map_err(io)?;
        }
        let model = match &self.like {
            Some(src) => std::fs::metadata(src).ok(),
            None => std::fs::metadata(&path).ok(),
        };
        if let Some(meta) = model {
            tmp.as_file()
                .set_permissions(meta.permissions())
                .map_err(io)?;
            keep_owner(tmp.as_file(), &meta).map_err(io)?;
        }
        tmp.persist(&path).map_err(|e| io(e.error))?;
        Ok(())
    }
}

/// Give `file` the owner and group in `meta` when they differ: only root may, so for anyone
/// else a refusal is not an error (the file is theirs, as any file they write).
#[cfg(unix)]
fn keep_owner(file: &std::fs::File, meta: &std::fs::Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let mine = file.metadata()?;
    if (mine.uid(), mine.gid()) == (meta.uid(), meta.gid()) {
        return Ok(());
    }
    match std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid())) {
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Ok(()),
        r => r,
    }
}

#[cfg(not(unix))]
fn keep_owner(_: &std::fs::File, _: &std::fs::Metadata) -> std::io::Result<()> {
    Ok(())
}

impl Write for AtomicFile {
    // Through the plain file: the temporary file's own wrapper would put its path, not the
    // output's, into error messages.
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tmp.as_file_mut().write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.tmp.as_file_mut().flush()
    }
}

/// File names of temporary files despin writes, followed by the writing process's id (hidden,
/// so walks skip them by default; batch walks skip them always).
pub const TEMP_PREFIX: &str = ".despin-tmp-";

/// Whether `name` is a temporary file of despin's whose writer is gone: a run killed before
/// it could rename or delete it. Files of live processes (this one included) are not stale.
pub fn is_stale_temp(dir: &Path, name: &str) -> bool {
    let Some(rest) = name.strip_prefix(TEMP_PREFIX) else {
        return false;
    };
    let pid = rest
        .split_once('-')
        .and_then(|(p, _)| p.parse::<u32>().ok());
    match pid {
        Some(pid) if pid == std::process::id() => false,
        // Where /proc shows processes, a missing entry means the writer is dead.
        Some(pid) if Path::new("/proc/self").exists() => {
            !Path::new(&format!("/proc/{pid}")).exists()
        }
        // Elsewhere, or an unrecognised name: stale once a day old.
        _ => std::fs::metadata(dir.join(name))
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > std::time::Duration::from_secs(24 * 3600)),
    }
}

/// Remove the stale temporary files ([`is_stale_temp`]) directly in `dir`; returns how many.
pub fn clear_stale_temps(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut n = 0;
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        let is_file = e.file_type().is_ok_and(|t| t.is_file());
        if is_file && is_stale_temp(dir, name) && std::fs::remove_file(e.path()).is_ok() {
            n += 1;
        }
    }
    n
}
