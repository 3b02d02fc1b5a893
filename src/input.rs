//! Reading input text: UTF-8 validation with a located error, and binary detection.
//!
//! despin only ever edits text it can decode exactly; anything else is refused with a reason
//! (so batch runs can skip it and copy it unchanged) rather than lossily converted.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

/// Why a file is not treated as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NotText {
    /// Holds NUL bytes in its first 8 KiB (as git and ripgrep judge binary files).
    Binary,
    /// Is not valid UTF-8.
    InvalidUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
        /// 1-based line of it.
        line: usize,
    },
}

impl std::fmt::Display for NotText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotText::Binary => write!(f, "binary file (NUL bytes)"),
            NotText::InvalidUtf8 { offset, line } => {
                write!(
                    f,
                    "not valid UTF-8 (first bad byte at offset {offset}, line {line})"
                )
            }
        }
    }
}

/// Whether bytes starting a file make it binary: NUL bytes in the first 8 KiB.
fn looks_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(8192)].contains(&0)
}

/// Classify bytes as text (returning the `&str`) or say why not.
pub fn as_text(bytes: &[u8]) -> std::result::Result<&str, NotText> {
    if looks_binary(bytes) {
        return Err(NotText::Binary);
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let line = 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count();
        NotText::InvalidUtf8 { offset, line }
    })
}

/// [`as_text`] for a reader, without holding its content: reads it to the end, in blocks,
/// and says whether all of it is text (and where it is not).
pub fn check_reader(mut r: impl Read) -> std::io::Result<std::result::Result<(), NotText>> {
    const BLOCK: usize = 1 << 20;
    let mut buf: Vec<u8> = Vec::with_capacity(BLOCK + 4);
    // Bytes checked so far, and the line breaks among them.
    let (mut offset, mut lines) = (0usize, 0usize);
    let mut first = true;
    loop {
        let carried = buf.len();
        let n = r.by_ref().take(BLOCK as u64).read_to_end(&mut buf)?;
        if first {
            if looks_binary(&buf) {
                return Ok(Err(NotText::Binary));
            }
            first = false;
        }
        let bad = |valid: usize, buf: &[u8]| NotText::InvalidUtf8 {
            offset: offset + valid,
            line: 1 + lines + buf[..valid].iter().filter(|&&b| b == b'\n').count(),
        };
        match std::str::from_utf8(&buf) {
            Ok(_) => {}
            // A character cut by the block end: carry its bytes into the next block.
            Err(e) if e.error_len().is_none() && n > 0 => {
                let valid = e.valid_up_to();
                lines += buf[..valid].iter().filter(|&&b| b == b'\n').count();
                offset += valid;
                buf.drain(..valid);
                continue;
            }
            Err(e) => return Ok(Err(bad(e.valid_up_to(), &buf))),
        }
        if n == 0 && carried == buf.len() {
            return Ok(Ok(()));
        }
        lines += buf.iter().filter(|&&b| b == b'\n').count();
        offset += buf.len();
        buf.clear();
    }
}

/// Read all of stdin as UTF-8 text (binary input refused, as in [`as_text`]).
pub fn read_stdin() -> Result<String> {
    let mut buf = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut buf)
        .map_err(|source| Error::Io {
            path: "-".into(),
            source,
        })?;
    into_text(Path::new("-"), buf)
}

/// Read a file as UTF-8 text (a binary file refused, as in [`as_text`]).
pub fn read_file(path: &Path) -> Result<String> {
    let buf = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    into_text(path, buf)
}

fn into_text(path: &Path, buf: Vec<u8>) -> Result<String> {
    if looks_binary(&buf) {
        return Err(Error::Binary {
            path: path.to_path_buf(),
        });
    }
    String::from_utf8(buf).map_err(|e| {
        let bytes = e.as_bytes();
        let offset = e.utf8_error().valid_up_to();
        let line = 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count();
        Error::InvalidUtf8 {
            path: path.to_path_buf(),
            offset,
            line,
        }
    })
}
