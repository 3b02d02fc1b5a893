//! Typed errors of the library. The CLI wraps them with `anyhow` context.
//!
//! `despin-dicts`'s build script reports malformed dictionary rows with [`RowError`].

use std::path::PathBuf;

/// Everything that can go wrong in the despin library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A dictionary source has malformed rows; each one names its line.
    #[error("{}", format_rows(rows))]
    DictRows {
        /// Every malformed row found, in file order.
        rows: Vec<RowError>,
    },
    /// A reviewed report has rows that cannot be applied or learned from; each names its
    /// CSV line. Nothing was written.
    #[error("{}", format_rows(rows))]
    ReportRows {
        /// Every problem found, in report order.
        rows: Vec<RowError>,
    },
    /// A compiled dictionary file is damaged or of another format.
    #[error("{}: not a usable compiled despin dictionary: {reason}", path.display())]
    Compiled {
        /// The file concerned.
        path: PathBuf,
        /// What is wrong with it.
        reason: CompiledError,
    },
    /// Input text is not valid UTF-8.
    #[error("{}: not valid UTF-8 (first bad byte at offset {offset}, line {line})", path.display())]
    InvalidUtf8 {
        /// The file concerned (`-` for stdin).
        path: PathBuf,
        /// Byte offset of the first invalid byte.
        offset: usize,
        /// 1-based line of the first invalid byte.
        line: usize,
    },
    /// Input holds NUL bytes near its start: binary, not text (as git and ripgrep judge).
    #[error("{}: binary file (NUL bytes)", path.display())]
    Binary {
        /// The file concerned (`-` for stdin).
        path: PathBuf,
    },
    /// A named dictionary is not embedded in this build.
    #[error("unknown dictionary `{name}` (embedded: {known})")]
    UnknownDictionary {
        /// The name asked for.
        name: String,
        /// Names that exist.
        known: String,
    },
    /// A configuration file is invalid.
    #[error("{}: {message}", path.display())]
    Config {
        /// The config file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Walking a directory tree failed at some path (permissions, a symlink loop...).
    #[error("{0}")]
    Walk(String),
    /// Any other invalid input, described.
    #[error("{0}")]
    Invalid(String),
}

/// One malformed row of a CSV file (dictionary source or report), located by file and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The CSV file.
    pub path: PathBuf,
    /// 1-based line number of the row.
    pub line: u64,
    /// Why the row was refused.
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
    }
}

fn format_rows(rows: &[RowError]) -> String {
    let mut s = String::new();
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        s.push_str(&r.to_string());
    }
    s
}

/// Shorthand for results of this library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why bytes are not a usable compiled dictionary.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CompiledError {
    /// The bytes do not start with the despin header.
    #[error("missing despin dictionary header (build one with `despin dict build`)")]
    NotCompiled,
    /// Written by a despin with another format version.
    #[error(
        "format version {found}, but this despin reads version {expected}: \
         rebuild it from its CSV sources with `despin dict build`"
    )]
    Version {
        /// The version byte found.
        found: u8,
        /// The version this despin reads (`dict::compiled::FORMAT_VERSION`).
        expected: u8,
    },
    /// The checksum in the header does not match the contents.
    #[error(
        "checksum mismatch (stored {stored:08x}, computed {computed:08x}): the file is damaged \
         or truncated; rebuild it with `despin dict build`"
    )]
    Checksum {
        /// The checksum the header holds.
        stored: u32,
        /// The checksum of the bytes as read.
        computed: u32,
    },
    /// A part is cut short or lies outside the file.
    #[error("truncated {0}")]
    Truncated(&'static str),
    /// A part is inconsistent with the rest.
    #[error("{0}")]
    Malformed(&'static str),
    /// The FST part is not an FST.
    #[error("corrupt FST: {0}")]
    Fst(String),
    /// The entries cannot be encoded (too many entries under one key, too large...).
    #[error("{0}")]
    Encode(String),
}
