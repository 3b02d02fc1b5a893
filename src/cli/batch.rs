//! Options and driver for directory runs of `scan` and `fix`: walking, report file, progress
//! bar and summary. The work itself is `despin::batch`.

use std::io::{ErrorKind, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use despin::batch::{self, Batch, BatchOptions, Destination, FileResult, Outcome, Summary};
use despin::config::{FilesSection, ReportSection};
use despin::format::{FileType, FormatOptions};
use despin::output::{self, AtomicFile};
use despin::report::{write_summary, DocSummary, Format, ReportWriter, Row, Status};
use despin::scan::Scanner;
use despin::walk::{self, Input, WalkOptions};
use indicatif::{ProgressBar, ProgressStyle};

use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FOUND};

/// Options for walking directories and processing many files.
#[derive(clap::Args, Debug, Clone)]
#[command(next_help_heading = "Directories and batches")]
pub struct BatchArgs {
    /// Skip files larger than SIZE bytes (suffixes K, M, G), copying them unchanged with
    /// --out. Default 1G.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "1G")]
    pub max_filesize: u64,

    /// Only files matching GLOB (ripgrep syntax; `!GLOB` excludes). Repeatable; added to
    /// `files.globs` of despin.toml.
    #[arg(short = 'g', long = "glob", value_name = "GLOB")]
    pub globs: Vec<String>,

    /// Skip files and directories matching GLOB. Repeatable; added to `files.exclude` of
    /// despin.toml.
    #[arg(long = "exclude", value_name = "GLOB")]
    pub excludes: Vec<String>,

    /// Include hidden files and directories.
    #[arg(long)]
    pub hidden: bool,

    /// Do not respect .gitignore / .ignore files.
    #[arg(long)]
    pub no_ignore: bool,

    /// Follow symbolic links (loops are detected and skipped).
    #[arg(short = 'L', long)]
    pub follow: bool,

    /// Read the paths to process from FILE (one per line; `-` for stdin).
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<PathBuf>,

    /// Worker threads (default: one per core).
    #[arg(
        short = 'j',
        long,
        value_name = "N",
        default_value = "0",
        hide_default_value = true
    )]
    pub threads: usize,

    /// Treat every file as this format instead of choosing by extension (stdin: instead of
    /// text): text, markdown, html or jsonl.
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_type)]
    pub file_type: Option<FileType>,

    /// JSON Lines: string field(s) to repair. Repeatable.
    #[arg(long = "field", value_name = "NAME", default_value = "text")]
    pub fields: Vec<String>,

    /// Write every finding of the run (applied and suggested), and a row for each file not
    /// scanned (skipped or failed, with the reason), to FILE, atomically: CSV for `.csv`, JSON
    /// Lines otherwise. Default: `report.path` in despin.toml, if set.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// No progress bar and no summary.
    #[arg(short, long)]
    pub quiet: bool,
}

fn parse_type(s: &str) -> Result<FileType, String> {
    FileType::parse(s).ok_or_else(|| format!("unknown type `{s}` (text, markdown, html, jsonl)"))
}

impl BatchArgs {
    /// Whether these arguments ask for a batch run on their own.
    pub fn wants_batch(&self, paths: &[PathBuf]) -> bool {
        self.files_from.is_some() || self.report.is_some() || paths.iter().any(|p| p.is_dir())
    }

    /// The walk these options ask for: `[files]` of despin.toml, then the command line.
    pub fn walk_options(&self, files: &FilesSection) -> WalkOptions {
        WalkOptions {
            hidden: self.hidden,
            no_ignore: self.no_ignore,
            follow_links: self.follow,
            globs: files.globs.iter().chain(&self.globs).cloned().collect(),
            excludes: files
                .exclude
                .iter()
                .chain(&self.excludes)
                .cloned()
                .collect(),
            ..WalkOptions::default()
        }
    }
}

/// What the caller does besides scanning.
pub struct Run<'a> {
    pub scanner: &'a Scanner,
    pub roots: &'a [PathBuf],
    pub args: &'a BatchArgs,
    pub options: BatchOptions,
    pub walk: WalkOptions,
    /// Rows to stdout in this format (scan), or nothing (fix).
    pub stdout: Option<Format>,
    /// Instead of rows, print files ranked by spin score (scan --summary).
    pub summary: bool,
    /// When repairing, exit 1 if any fix was applied (`fix --exit-code`).
    pub exit_on_change: bool,
    /// `[files]` and `[report]` of despin.toml.
    pub files: FilesSection,
    pub report: ReportSection,
}

/// Names of files listed after the summary line; the report has them all.
const NAMES_SHOWN: usize = 20;

/// Complete `options` from the command line and `[files]`, check an output directory, and
/// list the inputs: `--files-from`, or a walk of `roots`. `outputs` are the files the run
/// writes besides repaired files (report, review page): refused when named as inputs, and
/// left out of the walk, so a run never reads what it (or the run before) wrote.
pub fn prepare(
    roots: &[PathBuf],
    args: &BatchArgs,
    walk: &WalkOptions,
    options: &mut BatchOptions,
    files: &FilesSection,
    outputs: &[PathBuf],
) -> Result<Box<dyn Iterator<Item = Input>>> {
    options.file_type = args.file_type;
    options.type_rules = batch::type_rules(&files.types)?;
    options.max_filesize = args.max_filesize;
    options.format = FormatOptions {
        fields: args.fields.clone(),
    };
    let out_dir = match &options.target {
        Some(Destination::OutDir(d)) => Some(d.clone()),
        _ => None,
    };

    let inputs: Box<dyn Iterator<Item = Input>> = match &args.files_from {
        Some(list) => {
            if !roots.is_empty() {
                bail!("give either paths or --files-from, not both");
            }
            let text = read_list(list)?;
            let inputs = walk::from_list(&text, walk)?;
            if out_dir.is_some() {
                walk::check_mirror_list(&inputs)?;
            }
            let listed = inputs.iter().filter_map(|i| match i {
                Input::File(f) => Some(f.path.as_path()),
                _ => None,
            });
            for o in outputs {
                output::check_not_input(o, listed.clone())?;
            }
            Box::new(inputs.into_iter())
        }
        None if roots.is_empty() => bail!("no input: give a directory, files or --files-from"),
        // The walker would take `-` for a special file and leave it out: nothing read, and
        // "nothing found".
        None if roots.iter().any(|r| r.as_os_str() == "-") => bail!(
            "stdin (`-`) cannot be read in a batch run (--out, --in-place, --report, \
             directories); save it to a file, or read it alone without those options"
        ),
        None => {
            if out_dir.is_some() {
                walk::check_mirror_roots(roots)?;
            }
            for o in outputs {
                output::check_not_input(o, roots.iter().map(PathBuf::as_path))?;
                output::check_not_in_tree(o, roots.iter().map(PathBuf::as_path))?;
            }
            let walk = WalkOptions {
                skip_dirs: walk.skip_dirs.iter().chain(outputs).cloned().collect(),
                ..walk.clone()
            };
            Box::new(walk::walk(roots, &walk)?)
        }
    };
    if let Some(d) = &out_dir {
        // One clear error up front rather than the same one for every file.
        despin::output::check_writable_dir(d).context("cannot write to the output directory")?;
    }
    Ok(inputs)
}

/// A report file being written (atomically: it appears at `path` on [`commit_report`]):
/// CSV for `.csv`, JSON Lines otherwise, with the batch columns.
pub fn open_report(path: &Path) -> Result<ReportWriter<std::io::BufWriter<AtomicFile>>> {
    let fmt = match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("csv") => Format::Csv,
        _ => Format::Json,
    };
    let f = AtomicFile::create(path)
        .with_context(|| format!("cannot create report {}", path.display()))?;
    Ok(ReportWriter::new(std::io::BufWriter::new(f), fmt, true))
}

/// Finish a report from [`open_report`] and put it in place.
pub fn commit_report(w: ReportWriter<std::io::BufWriter<AtomicFile>>, path: &Path) -> Result<()> {
    let f = w
        .finish()
        .with_context(|| format!("cannot write report {}", path.display()))?;
    let f = f
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("cannot write report {}", path.display()))?;
    f.commit()
        .with_context(|| format!("cannot write report {}", path.display()))?;
    Ok(())
}

/// Where the rows of a run go: stdout (scan) and the report file (`--report`).
struct Sinks {
    stdout: Option<ReportWriter<std::io::BufWriter<std::io::StdoutLock<'static>>>>,
    report: Option<(ReportWriter<std::io::BufWriter<AtomicFile>>, PathBuf)>,
}

impl Sinks {
    fn open(stdout: Option<Format>, report: Option<PathBuf>) -> Result<Sinks> {
        let report = match report {
            Some(p) => Some((open_report(&p)?, p)),
            None => None,
        };
        let stdout = stdout
            .map(|f| ReportWriter::new(std::io::BufWriter::new(std::io::stdout().lock()), f, true));
        Ok(Sinks { stdout, report })
    }

    /// A finding's row: to stdout and the report.
    fn finding(&mut self, row: &Row) -> Result<()> {
        if let Some(w) = self.stdout.as_mut() {
            match w.write(row) {
                // A reader that stopped early (`| head`) ends the listing, but a report is
                // "every finding of the run": the run goes on for it.
                Err(e) if e.kind() == ErrorKind::BrokenPipe && self.report.is_some() => {
                    self.stdout = None;
                }
                r => r.context("cannot write to stdout")?,
            }
        }
        self.unscanned(row)
    }

    /// The row of a file not scanned: to the report only.
    fn unscanned(&mut self, row: &Row) -> Result<()> {
        if let Some((w, _)) = self.report.as_mut() {
            w.write(row).context("cannot write the report")?;
        }
        Ok(())
    }

    /// Put the report in place, then finish stdout and print the triage table (`scan
    /// --summary`) if any: the report first, so that a closed stdout cannot lose it.
    fn finish(self, docs: Option<&mut [DocSummary]>) -> Result<()> {
        if let Some((w, p)) = self.report {
            commit_report(w, &p)?;
        }
        if let Some(w) = self.stdout {
            w.finish().context("cannot write to stdout")?;
        }
        if let Some(docs) = docs {
            write_summary(std::io::stdout().lock(), docs).context("cannot write to stdout")?;
        }
        Ok(())
    }
}

pub fn run(r: Run<'_>) -> Result<i32> {
    let args = r.args;
    let mut options = r.options;
    let report_path = args.report.clone().or_else(|| r.report.path.clone());
    let inputs = prepare(
        r.roots,
        args,
        &r.walk,
        &mut options,
        &r.files,
        report_path.as_slice(),
    )?;
    let has_report = report_path.is_some();
    // Rows of findings and rows of files not scanned both go to the report.
    let sinks = std::cell::RefCell::new(Sinks::open(r.stdout.filter(|_| !r.summary), report_path)?);
    let mut docs: Vec<DocSummary> = Vec::new();
    let mut unscanned: Vec<String> = Vec::new();
    let progress = if !args.quiet && std::io::stderr().is_terminal() {
        progress_bar(r.roots, &r.walk)
    } else {
        ProgressBar::hidden()
    };
    let batch = Batch::new(r.scanner, options, args.threads)?;
    let started = Instant::now();
    let mut seen = 0u64;
    let summary = batch.run(
        inputs,
        |row: &Row| sinks.borrow_mut().finding(row),
        |f: &FileResult| -> Result<()> {
            seen += 1;
            progress.inc(f.bytes);
            progress.set_message(format!("{seen} files"));
            tell(&progress, f);
            if let (true, Some(e)) = (r.summary, &f.evidence) {
                let path = despin::report::path_label(&f.path);
                docs.push(DocSummary::new(&path, e, f.findings));
            }
            if let Some(row) = unscanned_row(f) {
                if let Outcome::Skipped(why) = &f.outcome {
                    if unscanned.len() < NAMES_SHOWN {
                        unscanned.push(format!("{} ({})", f.path.display(), why.as_str()));
                    }
                }
                sinks.borrow_mut().unscanned(&row)?;
            }
            Ok(())
        },
    )?;
    progress.finish_and_clear();
    sinks
        .into_inner()
        .finish(r.summary.then_some(docs.as_mut_slice()))?;
    if !args.quiet {
        eprintln!(
            "{}",
            summary_line(&summary, started.elapsed().as_secs_f64())
        );
        if let Some(line) = skipped_line(&summary, &unscanned, has_report) {
            eprintln!("{line}");
        }
    }
    Ok(exit_code(&summary, r.stdout.is_some(), r.exit_on_change))
}

/// The names of skipped files after the summary line (the first [`NAMES_SHOWN`]), if any.
fn skipped_line(summary: &Summary, names: &[String], has_report: bool) -> Option<String> {
    let n: u64 = summary.skipped.values().sum();
    if n == 0 {
        return None;
    }
    let more = n.saturating_sub(names.len() as u64);
    let tail = match (more, has_report) {
        (0, _) => String::new(),
        (_, true) => format!(", and {more} more (all in the report)"),
        (_, false) => format!(", and {more} more"),
    };
    Some(format!("despin: skipped: {}{tail}", names.join(", ")))
}

/// scan checks (1 = findings); fix acts, and succeeds with 0 unless asked otherwise
/// (`exit_on_change`: 1 when a fix was applied). Any failed file: 2.
fn exit_code(summary: &Summary, scanning: bool, exit_on_change: bool) -> i32 {
    let found = if scanning {
        summary.findings > 0
    } else {
        exit_on_change && summary.fixes > 0
    };
    if summary.failed > 0 {
        EXIT_ERROR
    } else if found {
        EXIT_FOUND
    } else {
        EXIT_CLEAN
    }
}

/// The report row of a file that was not scanned, if it was not.
fn unscanned_row(f: &FileResult) -> Option<Row> {
    // Labelled as finding rows are, so non-UTF-8 names survive the report.
    let path = despin::report::path_label(&f.path);
    match &f.outcome {
        Outcome::Skipped(why) => Some(Row::unscanned(&path, Status::Skipped, why.as_str())),
        Outcome::Failed(e) => Some(Row::unscanned(&path, Status::Failed, &e.to_string())),
        Outcome::Done { .. } => None,
    }
}

fn read_list(p: &PathBuf) -> Result<String> {
    let mut s = String::new();
    if p.as_os_str() == "-" {
        std::io::stdin()
            .read_to_string(&mut s)
            .context("cannot read the file list from stdin")?;
    } else {
        s = std::fs::read_to_string(p)
            .with_context(|| format!("cannot read the file list {}", p.display()))?;
    }
    Ok(s)
}

/// Per-file messages on stderr: failures, symlink loops, parts passed through.
pub fn tell(progress: &ProgressBar, f: &FileResult) {
    let path = f.path.display();
    progress.suspend(|| match &f.outcome {
        Outcome::Failed(e) => {
            let msg = e.to_string();
            // Name the input when the error is about another path (its output).
            if f.path.as_os_str().is_empty() || msg.starts_with(&path.to_string()) {
                eprintln!("despin: error: {msg}");
            } else {
                eprintln!("despin: error: {path}: {msg}");
            }
        }
        Outcome::Skipped(batch::SkipReason::SymlinkLoop) => {
            eprintln!("despin: {path}: symlink loop, skipped")
        }
        _ => {
            for w in &f.warnings {
                eprintln!("despin: {path}:{}: {}", w.line, w.message);
            }
        }
    });
}

/// A progress bar by bytes; its total is counted by a second walk in the background so the
/// run starts at once and the ETA appears when the count is known.
fn progress_bar(roots: &[PathBuf], walk: &WalkOptions) -> ProgressBar {
    let pb = ProgressBar::new_spinner();
    pb.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    let (pb2, roots) = (pb.clone(), roots.to_vec());
    // Only counts files: no report of left-out paths, no clean-up.
    let walk = WalkOptions {
        report_omitted: false,
        clear_stale_temps: false,
        ..walk.clone()
    };
    std::thread::spawn(move || {
        let Ok(files) = walk::walk(&roots, &walk) else {
            return;
        };
        let total: u64 = files
            .filter_map(|i| match i {
                Input::File(f) => std::fs::metadata(&f.path).ok().map(|m| m.len()),
                _ => None,
            })
            .sum();
        pb2.set_length(total);
    });
    pb
}

fn summary_line(s: &Summary, secs: f64) -> String {
    let mb = s.bytes as f64 / 1e6;
    let mut line = format!(
        "despin: {} files seen, {} changed, {} skipped",
        s.files,
        s.changed,
        s.skipped.values().sum::<u64>()
    );
    if !s.skipped.is_empty() {
        let parts: Vec<String> = s
            .skipped
            .iter()
            .map(|(r, n)| format!("{n} {}", r.as_str()))
            .collect();
        line.push_str(&format!(" ({})", parts.join(", ")));
    }
    line.push_str(&format!(
        ", {} failed, {} findings, {} fixes applied; {:.1} MB in {:.2} s ({:.1} MB/s)",
        s.failed,
        s.findings,
        s.fixes,
        mb,
        secs,
        if secs > 0.0 { mb / secs } else { 0.0 }
    ));
    if s.warnings > 0 {
        line.push_str(&format!(
            "; {} parts left unchanged (see above)",
            s.warnings
        ));
    }
    line
}

/// Parse a size such as `4096`, `64K`, `10M` or `2G` (powers of 1024).
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().last() {
        Some((i, 'K' | 'k')) => (&t[..i], 1u64 << 10),
        Some((i, 'M' | 'm')) => (&t[..i], 1 << 20),
        Some((i, 'G' | 'g')) => (&t[..i], 1 << 30),
        _ => (t, 1),
    };
    num.trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| format!("`{s}` is not a size (e.g. 4096, 64K, 10M, 2G)"))
}
