//! Writing output files atomically: a temporary file in the same directory, then a rename.
//!
//! A reader (or a crash, or `kill -9`) never sees a half-written file: the target either
//! keeps its old content or holds the complete new one. Existing targets keep their
//! permissions.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Write `data` to `path` atomically, creating parent directories as needed.
pub fn write_atomic(path: &Path, data: &[u8]) -> Result<()> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".despin-tmp-")
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(data).map_err(io)?;
    tmp.as_file().sync_data().map_err(io)?;
    if let Ok(meta) = std::fs::metadata(path) {
        tmp.as_file()
            .set_permissions(meta.permissions())
            .map_err(io)?;
    }
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}
