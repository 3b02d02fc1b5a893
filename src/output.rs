//! Writing output files atomically: a temporary file in the same directory, then a rename.
//!
//! A reader (or a crash, or `kill -9`) never sees a half-written file: the target either
//! keeps its old content or holds the complete new one. Existing targets keep their
//! permissions.

use std::io::Write;
use std::path::{Path, PathBuf};

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
    let mut f = AtomicFile::create(path)?;
    f.sync = sync;
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
    std::io::copy(&mut src, &mut f).map_err(|source| Error::Io {
        path: to.to_path_buf(),
        source,
    })?;
    f.commit()
}

/// A file written in pieces that appears at its path, complete, only on [`AtomicFile::commit`].
/// Dropped without a commit (an error, a panic), it leaves the target untouched.
pub struct AtomicFile {
    path: PathBuf,
    tmp: tempfile::NamedTempFile,
    sync: bool,
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
        let tmp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(dir)
            .map_err(io)?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
            sync: true,
        })
    }

    /// Whether [`AtomicFile::commit`] flushes to disk first (default yes; see
    /// [`write_atomic_with`]).
    pub fn set_sync(&mut self, sync: bool) {
        self.sync = sync;
    }

    /// Flush to disk and move into place, keeping the permissions of a file it replaces.
    pub fn commit(self) -> Result<()> {
        let path = self.path;
        let io = |source| Error::Io {
            path: path.clone(),
            source,
        };
        let mut tmp = self.tmp;
        tmp.flush().map_err(io)?;
        if self.sync {
            tmp.as_file().sync_data().map_err(io)?;
        }
        if let Ok(meta) = std::fs::metadata(&path) {
            tmp.as_file()
                .set_permissions(meta.permissions())
                .map_err(io)?;
        }
        tmp.persist(&path).map_err(|e| io(e.error))?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tmp.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.tmp.flush()
    }
}

/// File names of temporary files despin writes (hidden, so walks skip them by default;
/// batch walks skip them always, and clear those an interrupted run left in an output tree).
pub const TEMP_PREFIX: &str = ".despin-tmp-";
