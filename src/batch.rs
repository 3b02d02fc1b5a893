//! Batch runs: scan or repair whole directory trees in parallel, deterministically.
//!
//! * **Inputs** come from [`crate::walk`] (the one walker: ignore rules, globs, one rule for
//!   symbolic links) or a file list, in path order.
//! * **Processing** reads each file whole, classifies it ([`crate::input::as_text`]), runs
//!   the format pipeline ([`crate::format::scan_and_repair`]) and writes its output
//!   atomically. Files are processed in sorted chunks on a `rayon` pool (within a chunk, the
//!   largest first, each by the next free thread); results are handed to the caller in path
//!   order, so reports are the same at any thread count, and memory is bounded by one
//!   chunk's findings plus the files in flight, whatever the size of the corpus.
//! * **Nothing lost:** with an output directory every input file lands there (files that are
//!   not text are copied unchanged); a file that cannot be read or written is a per-file
//!   failure and the run goes on. despin never reads what it writes: the output directory and
//!   its own temporary files are kept out of the walk.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::format::{self, FileType, FormatOptions, Warning};
use crate::input::{self, NotText};
use crate::output::{self, AtomicFile};
use crate::pipeline::{self, FileError};
use crate::report::{Row, Status};
use crate::scan::{DocEvidence, Finding, Scanner};
use crate::walk::{Input, InputFile, Omission};

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

/// Where `fix` writes repaired files (`apply` has its own [`crate::apply::Destination`],
/// without backups: its report is the record of what changed).
#[derive(Clone, Debug)]
pub enum Destination {
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
    pub target: Option<Destination>,
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

impl From<Omission> for SkipReason {
    fn from(o: Omission) -> SkipReason {
        match o {
            Omission::Hidden => SkipReason::Hidden,
            Omission::Ignored => SkipReason::Ignored,
            Omission::Symlink => SkipReason::Symlink,
            Omission::NotRegular => SkipReason::NotRegular,
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
    /// The input path (empty for a walk error that names none).
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

/// The size of an input's file (0 for anything else, or if it cannot be read now: its
/// processing reports that).
fn input_len(input: &Input) -> u64 {
    match input {
        Input::File(f) => std::fs::metadata(&f.path).map_or(0, |m| m.len()),
        _ => 0,
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
    /// file's result. Stops early only if a callback fails (the files being processed then,
    /// at most one chunk, are finished but not handed out).
    ///
    /// Files are processed in parallel, in chunks; while one chunk is processed, the rows of
    /// the one before are handed out. A plain-text file too large to scan whole is streamed
    /// ([`crate::pipeline`]) in its turn, its rows handed out as they are found.
    pub fn run<E>(
        &self,
        inputs: impl Iterator<Item = Input>,
        mut row: impl FnMut(&Row) -> std::result::Result<(), E>,
        mut each: impl FnMut(&FileResult) -> std::result::Result<(), E>,
    ) -> std::result::Result<Summary, E> {
        let chunk = CHUNK_PER_THREAD * self.pool.current_num_threads();
        let mut summary = Summary::default();
        let mut inputs = inputs.peekable();
        // Processed, not yet handed out.
        let mut done: Vec<Step> = Vec::new();
        while inputs.peek().is_some() || !done.is_empty() {
            let batch: Vec<Input> = inputs.by_ref().take(chunk).collect();
            // The pool processes the next chunk while this thread hands out the last one's
            // rows (formatting and writing them would otherwise leave the pool idle).
            let next = std::thread::scope(|s| {
                let worker = (!batch.is_empty()).then(|| {
                    s.spawn(|| {
                        self.pool.install(|| {
                            // Largest files first, each taken by the next free thread: split
                            // in halves, two large files next to each other went to one thread
                            // while the others waited at the end of the chunk.
                            let mut order: Vec<(usize, Input)> =
                                batch.into_iter().enumerate().collect();
                            order.sort_by_cached_key(|(_, i)| std::cmp::Reverse(input_len(i)));
                            let mut steps: Vec<(usize, Step)> = order
                                .into_iter()
                                .par_bridge()
                                .map(|(k, i)| (k, self.process(i)))
                                .collect();
                            steps.sort_unstable_by_key(|s| s.0);
                            steps.into_iter().map(|s| s.1).collect::<Vec<Step>>()
                        })
                    })
                });
                let handed =
                    self.hand_out(std::mem::take(&mut done), &mut row, &mut each, &mut summary);
                let next = match worker.map(|w| w.join()) {
                    None => Vec::new(),
                    Some(Ok(steps)) => steps,
                    Some(Err(panic)) => std::panic::resume_unwind(panic),
                };
                handed.map(|()| next)
            })?;
            done = next;
        }
        if let Some(Destination::OutDir(out)) = &self.options.target {
            crate::walk::clear_stale_temps_in_tree(out);
        }
        Ok(summary)
    }

    /// Hands out processed files in order: each file's rows to `row` (a file to be streamed is
    /// scanned now), then its result to `each`.
    fn hand_out<E>(
        &self,
        steps: Vec<Step>,
        row: &mut impl FnMut(&Row) -> std::result::Result<(), E>,
        each: &mut impl FnMut(&FileResult) -> std::result::Result<(), E>,
        summary: &mut Summary,
    ) -> std::result::Result<(), E> {
        for step in steps {
            let r = match step {
                Step::Done(r, rows) => {
                    for x in &rows {
                        row(x)?;
                    }
                    r
                }
                Step::Stream(file) => self.stream(file, row)?,
            };
            summary.add(&r);
            each(&r)?;
        }
        Ok(())
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
            Input::Omitted(path, why) => return done(bare(path, Outcome::Skipped(why.into()))),
            Input::Error(path, e) => return done(bare(path, Outcome::Failed(e))),
        };
        if let Ok(meta) = std::fs::metadata(&file.path) {
            // A FIFO or device named in a file list (the walker leaves them out): reading it
            // could wait for a writer forever, or never end (`/dev/zero`). A directory fails
            // below, with its reason.
            if !meta.is_file() && !meta.is_dir() {
                return done(bare(file.path, Outcome::Skipped(SkipReason::NotRegular)));
            }
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
        let p = format::scan_and_repair(self.scanner, ty, text, &self.options.format, repair_at);
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
        row.status = Some(if applied {
            Status::Applied
        } else {
            Status::Suggested
        });
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
            Some(Destination::OutDir(out)) => Some(out.join(&file.rel)),
            Some(Destination::InPlace { .. }) => Some(output::in_place_target(&file.path)),
        };
        let mut sink = match dest.as_deref().map(AtomicFile::create).transpose() {
            Ok(s) => s,
            Err(e) => {
                result.outcome = Outcome::Failed(e);
                return Ok(result);
            }
        };
        if let (Some(s), Some(Destination::OutDir(_))) = (sink.as_mut(), &self.options.target) {
            s.set_like(&file.path);
        }
        if let Some(s) = sink.as_mut() {
            s.set_sync(matches!(
                self.options.target,
                Some(Destination::InPlace { .. })
            ));
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
                Some(Destination::InPlace { backup }) => {
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
            Some(Destination::OutDir(out)) => output::copy_atomic(&file.path, &out.join(&file.rel)),
            _ => Ok(()),
        }
    }

    /// Write a file's output: `repaired` if it changed, else the original bytes.
    fn write(&self, file: &InputFile, original: &[u8], repaired: Option<&str>) -> Result<()> {
        match &self.options.target {
            None => Ok(()),
            Some(Destination::OutDir(out)) => {
                let data = repaired.map_or(original, str::as_bytes);
                output::write_atomic_like(&out.join(&file.rel), data, false, Some(&file.path))
            }
            Some(Destination::InPlace { backup }) => {
                let Some(new) = repaired else {
                    return Ok(());
                };
                if let Some(suffix) = backup {
                    let mut b = file.path.clone().into_os_string();
                    b.push(suffix);
                    output::write_atomic_like(Path::new(&b), original, true, Some(&file.path))?;
                }
                output::write_atomic(&output::in_place_target(&file.path), new.as_bytes())
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
