//! One input through the format pipeline, whole or streamed: the path `scan` and `fix` take
//! for every file, in batch runs and for single files alike.
//!
//! * A file is processed **whole** ([`crate::format::scan_and_repair`]) when it is small enough to
//!   scan as one text, or when its format needs the whole file (HTML, Markdown, JSON Lines).
//! * A **plain-text** file larger than the scanner's piece size ([`Scanner::chunk_limit`])
//!   is **streamed** ([`stream_text`]): read in the very pieces a scan of the whole text in
//!   memory would cut (paragraph breaks, else line breaks, else spaces, never inside a
//!   character), scanned (as many side by side as a given thread pool has threads), then
//!   repaired and written out in order. Memory is a few pieces per thread, whatever the size
//!   of the file, and the output is byte for byte
//!   what processing the file whole would give: the end of a piece that may still change
//!   (an indefinite article before a repair in the next piece) is held back until the next
//!   piece is done (up to [`MAX_HOLD`] bytes, far beyond any real text).

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::path::Path;

use rayon::prelude::*;

use crate::format::FileType;
use crate::input::{self, NotText};
use crate::repair::{self, Edit};
use crate::report::{Row, CONTEXT_BYTES};
use crate::scan::{piece_len, DocEvidence, Finding, Locator, ScanResult, Scanner};

/// Does a file of type `ty` and `len` bytes get streamed rather than read whole?
pub fn streams(scanner: &Scanner, ty: FileType, len: u64) -> bool {
    ty == FileType::Text && len > scanner.chunk_limit() as u64
}

/// One finding as a streamed file hands it out.
#[derive(Clone, Copy, Debug)]
pub struct Found<'a> {
    /// The finding, in file offsets, lines and columns.
    pub finding: &'a Finding,
    /// Whether it was applied.
    pub applied: bool,
    /// The part of the file around it, which starts at file offset `base`.
    pub window: &'a str,
    /// File offset of `window`.
    pub base: usize,
    /// The spin score of the piece it was found in: evidence of a text scanned in pieces
    /// is per piece (a multi-megabyte "document" is usually many documents).
    pub score: f32,
}

impl Found<'_> {
    /// The report row for this finding in the file `path` (context as for the whole file).
    pub fn row(&self, path: &str) -> Row {
        Row::in_window(path, self.window, self.base, self.finding)
    }
}

/// What streaming one file did.
#[derive(Clone, Debug, Default)]
pub struct Streamed {
    /// Findings handed out.
    pub findings: usize,
    /// Findings applied.
    pub fixes: usize,
    /// Whether the output differs from the input.
    pub changed: bool,
    /// Evidence as [`Scanner::scan`] reports it for a text scanned in pieces.
    pub evidence: DocEvidence,
    /// Bytes read.
    pub bytes: u64,
}

/// Why streaming stopped.
#[derive(Debug)]
pub enum StreamError<E> {
    /// Reading the input failed (or it stopped being UTF-8 after it was checked).
    Read(std::io::Error),
    /// Writing the output failed.
    Write(std::io::Error),
    /// The caller's handler of findings failed.
    Found(E),
}

/// Bytes kept on each side of a piece: report contexts reach [`CONTEXT_BYTES`] (and up to a
/// character) beyond a finding, which may sit at the edge of its piece.
const MARGIN: usize = 2 * CONTEXT_BYTES + 8;

/// At most this many bytes before a piece are held back for a repair in it: an article
/// further than that before the word it goes with (a megabyte of spaces) is not adjusted.
pub const MAX_HOLD: usize = 1 << 20;

/// The largest character boundary at or below `i` in `b` (valid UTF-8 from `b[0]`).
fn floor_char(b: &[u8], mut i: usize) -> usize {
    while i > 0 && i < b.len() && (b[i] & 0xC0) == 0x80 {
        i -= 1;
    }
    i
}

/// Read until `buf` holds `want` bytes or the input ends; whether it ended.
fn fill(input: &mut dyn Read, buf: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    while buf.len() < want {
        let n = (&mut *input)
            .take((want - buf.len()) as u64)
            .read_to_end(buf)?;
        if n == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Scan plain text read from `input` (valid UTF-8: check it first with
/// [`crate::input::check_reader`]) piece by piece; with `repair_at = Some(min_confidence)`
/// write the repaired text to `out` (with `None`, the text unchanged), and hand every finding
/// to `found`, in order. Findings, repairs, evidence and output are those of
/// [`crate::format::scan_and_repair`] on the whole text as [`FileType::Text`].
///
/// With a thread pool (`parallel`), as many pieces as it has threads are read ahead and
/// scanned side by side; repairs, output and findings still follow in order, and memory is
/// a few pieces per thread.
pub fn stream_text<E>(
    scanner: &Scanner,
    input: &mut dyn Read,
    repair_at: Option<f32>,
    mut out: Option<&mut dyn Write>,
    parallel: Option<&rayon::ThreadPool>,
    mut found: impl FnMut(Found<'_>) -> Result<(), E>,
) -> Result<Streamed, StreamError<E>> {
    let limit = scanner.chunk_limit();
    let at_once = parallel.map_or(1, |p| p.current_num_threads().max(1));
    let mut done = Streamed::default();
    let mut buf: Vec<u8> = Vec::new();
    // File offsets: of buf[0]; where the next piece starts; how far output is written (no
    // later edit starts before it, and every earlier edit ends before it).
    let (mut base, mut pos, mut written) = (0usize, 0usize, 0usize);
    let mut eof = false;
    let mut locator = Locator::default();
    let mut edits: Vec<Edit> = Vec::new();
    // Pieces cut and scanned ahead: file offsets of start and end, and the scan (`None` for
    // a piece that is not UTF-8: the window check below reports it).
    let mut ahead: VecDeque<(usize, usize, Option<ScanResult>)> = VecDeque::new();
    loop {
        if ahead.is_empty() {
            if !eof {
                let want = pos - base + at_once * limit + MARGIN + 4;
                eof = fill(input, &mut buf, want).map_err(StreamError::Read)?;
            }
            // The next pieces, cut as in a scan of the whole text: each cut sees the same
            // bytes (its piece and more, or the end of the text) as when read one by one.
            let mut cuts = Vec::with_capacity(at_once);
            let mut at = pos;
            while cuts.len() < at_once && at - base < buf.len() {
                let end = at + piece_len(&buf[at - base..], limit);
                cuts.push((at, end));
                at = end;
            }
            let scan = |&(s, e): &(usize, usize)| {
                std::str::from_utf8(&buf[s - base..e - base])
                    .ok()
                    .map(|t| scanner.scan_piece(t))
            };
            let scans: Vec<Option<ScanResult>> = match parallel {
                Some(pool) if cuts.len() > 1 => {
                    pool.install(|| cuts.par_iter().map(scan).collect())
                }
                _ => cuts.iter().map(scan).collect(),
            };
            ahead = cuts
                .into_iter()
                .zip(scans)
                .map(|((s, e), r)| (s, e, r))
                .collect();
        }
        let Some((start, piece_end, scanned)) = ahead.pop_front() else {
            break;
        };
        debug_assert_eq!(start, pos);
        let win_start = written.min(base + floor_char(&buf, (pos - base).saturating_sub(MARGIN)));
        let win_end = base + floor_char(&buf, (piece_end - base + MARGIN).min(buf.len()));
        let window = std::str::from_utf8(&buf[win_start - base..win_end - base]).map_err(|e| {
            StreamError::Read(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "not valid UTF-8 at offset {} (the file changed while it was read)",
                    win_start + e.valid_up_to()
                ),
            ))
        })?;
        let piece = &window[pos - win_start..piece_end - win_start];
        let mut r = scanned.unwrap_or_else(|| scanner.scan_piece(piece));
        let score = r.evidence.score;
        done.evidence.add_piece(r.evidence);
        // Findings in window offsets for repair, then file offsets for everyone else.
        for f in &mut r.findings {
            f.start += pos - win_start;
            f.end += pos - win_start;
        }
        let mut applied = vec![false; r.findings.len()];
        edits.clear();
        if let Some(min) = repair_at {
            let (e, a) = repair::plan(window, &r.findings, min, written - win_start);
            for i in a {
                applied[i] = true;
            }
            edits = e;
        }
        for f in &mut r.findings {
            f.start += win_start;
            f.end += win_start;
        }
        locator.locate(window, win_start, &mut r.findings);
        locator.advance(window, win_start, piece_end);
        for (f, &applied) in r.findings.iter().zip(&applied) {
            found(Found {
                finding: f,
                applied,
                window,
                base: win_start,
                score,
            })
            .map_err(StreamError::Found)?;
        }
        done.findings += r.findings.len();
        done.fixes += applied.iter().filter(|&&a| a).count();
        // Write up to the last edit, then what can no longer change.
        for e in &edits {
            let (s, t) = (e.start + win_start, e.end + win_start);
            done.changed |= e.replacement.as_bytes() != &buf[s - base..t - base];
            if let Some(o) = out.as_mut() {
                o.write_all(&buf[written - base..s - base])
                    .and_then(|()| o.write_all(e.replacement.as_bytes()))
                    .map_err(StreamError::Write)?;
            }
            written = t;
        }
        let last = eof && piece_end - base == buf.len();
        let settled = if last {
            piece_end
        } else {
            let tail = &window[written - win_start..piece_end - win_start];
            let held = written + repair::settled_before(tail);
            let cap = pos.saturating_sub(MAX_HOLD);
            if cap > held {
                base + floor_char(&buf, cap - base)
            } else {
                held
            }
        };
        if let Some(o) = out.as_mut() {
            o.write_all(&buf[written - base..settled - base])
                .map_err(StreamError::Write)?;
        }
        written = settled;
        done.bytes = piece_end as u64;
        pos = piece_end;
        if last {
            break;
        }
        // Keep what the next window needs: from the unwritten bytes or the context margin.
        let keep = written.min(base + floor_char(&buf, (pos - base).saturating_sub(MARGIN)));
        buf.drain(..keep - base);
        base = keep;
    }
    if let Some(o) = out.as_mut() {
        o.write_all(&buf[written - base..])
            .map_err(StreamError::Write)?;
    }
    if pos == 0 {
        // No piece at all: the evidence of an empty text, as a scan of it reports.
        done.evidence = scanner.scan_piece("").evidence;
    }
    Ok(done)
}

/// Why a file could not be streamed.
#[derive(Debug)]
pub enum FileError<E> {
    /// It is not text; nothing was handed out or written.
    NotText(NotText),
    /// It could not be opened or read.
    Read(std::io::Error),
    /// Writing the output failed.
    Write(std::io::Error),
    /// The caller's handler of findings failed.
    Found(E),
}

/// [`stream_text`] on the file at `path`, after checking that all of it is text: a file with
/// a bad byte at its end is refused before anything is handed out or written.
pub fn stream_file<E>(
    scanner: &Scanner,
    path: &Path,
    repair_at: Option<f32>,
    out: Option<&mut dyn Write>,
    parallel: Option<&rayon::ThreadPool>,
    found: impl FnMut(Found<'_>) -> Result<(), E>,
) -> Result<Streamed, FileError<E>> {
    let open = || std::fs::File::open(path).map_err(FileError::Read);
    input::check_reader(open()?)
        .map_err(FileError::Read)?
        .map_err(FileError::NotText)?;
    let mut f = std::io::BufReader::with_capacity(1 << 20, open()?);
    stream_text(scanner, &mut f, repair_at, out, parallel, found).map_err(|e| match e {
        StreamError::Read(e) => FileError::Read(e),
        StreamError::Write(e) => FileError::Write(e),
        StreamError::Found(e) => FileError::Found(e),
    })
}
