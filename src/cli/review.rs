//! `despin review`: write the review page for the findings in files, or for a CSV report.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use despin::batch::{Batch, BatchOptions, FileResult};
use despin::config::{Effective, Overrides};
use despin::dict::DictSet;
use despin::input;
use despin::output;
use despin::report::{label_path, path_label, Row};
use despin::review_page::{self, ReviewDoc, ReviewItem};
use indicatif::ProgressBar;

use super::batch::{self, BatchArgs};
use super::common::{parse_confidence, DictArgs, Threshold};
use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FOUND};

/// Write a self-contained HTML page to review findings in a browser.
///
/// The page (one file: no network, works offline from file://) lists the files by spin
/// score and shows each with its findings highlighted by confidence. Accept, reject or edit
/// each finding with the mouse or the keyboard (j/k next/previous, a accept, r reject,
/// e edit, u undo, ? all keys); decisions are kept in the browser's local storage. "Export
/// decisions" downloads a CSV scan report with `decision` filled in, for `despin apply`.
///
/// Files are read as in `despin scan DIR`: format by extension (or --type), the same
/// dictionaries and options.
///
/// Exit codes: 0 no findings, 1 findings, 2 error (a file that failed is named; the page is
/// still written with the others).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files or directories to scan (stdin cannot be reviewed: `despin apply` needs files).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Write the page to FILE (atomically).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,

    /// Build the page from this CSV report (`despin scan --format csv`, or a batch
    /// `--report`) instead of scanning; decisions already in it are shown. The files it
    /// names are read to show their text.
    #[arg(long, value_name = "REPORT.csv", conflicts_with_all = ["paths", "min_confidence"])]
    pub from_report: Option<PathBuf>,

    /// With --from-report: the directory relative paths in the report are relative to
    /// (default: the current directory, as for `despin apply`).
    #[arg(long, value_name = "DIR", requires = "from_report")]
    pub base: Option<PathBuf>,

    /// Only findings with at least this confidence (default 0, or `scan.min_confidence` in
    /// despin.toml).
    #[arg(long, value_parser = parse_confidence, value_name = "X")]
    pub min_confidence: Option<f32>,

    #[command(flatten)]
    pub dict: DictArgs,

    #[command(flatten)]
    pub batch: BatchArgs,
}

pub fn run(args: Args) -> Result<i32> {
    let started = Instant::now();
    let settings = args.dict.effective(Overrides::default())?;
    let scanner = args.dict.scanner_for(&settings)?;
    let (docs, items, failed) = match &args.from_report {
        Some(report) => {
            output::check_not_input(&args.output, [report.as_path()])?;
            let (d, i) = from_report(report, args.base.as_deref(), scanner.dicts())?;
            (d, i, false)
        }
        None => scan(&args, &settings, &scanner)?,
    };
    let html = review_page::render(&docs, &items)?;
    output::write_atomic(&args.output, html.as_bytes())
        .with_context(|| format!("cannot write the review page {}", args.output.display()))?;
    if !args.batch.quiet {
        eprintln!(
            "despin: wrote {} ({} findings in {} files, {:.1} MB) in {:.2} s",
            args.output.display(),
            items.len(),
            docs.len(),
            html.len() as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(if failed {
        EXIT_ERROR
    } else if items.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FOUND
    })
}

/// Scan as `despin scan` does in batch mode; keep the files with findings and their text.
fn scan(
    args: &Args,
    settings: &Effective,
    scanner: &despin::scan::Scanner,
) -> Result<(Vec<ReviewDoc>, Vec<ReviewItem>, bool)> {
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        bail!("stdin (`-`) cannot be reviewed: `despin apply` needs the findings' files; save it to a file first");
    }
    let min_confidence = args
        .dict
        .min_confidence(args.min_confidence, Threshold::Scan)?;
    let mut options = BatchOptions {
        target: None,
        min_confidence: 1.0,
        report_min_confidence: min_confidence,
        file_type: None,
        type_rules: Vec::new(),
        format: Default::default(),
        max_filesize: despin::batch::DEFAULT_MAX_FILESIZE,
    };
    let walk = args.batch.walk_options(&settings.files.value);
    let outputs: Vec<PathBuf> = std::iter::once(args.output.clone())
        .chain(args.batch.report.clone())
        .collect();
    let inputs = batch::prepare(
        &args.paths,
        &args.batch,
        &walk,
        &mut options,
        &settings.files.value,
        &outputs,
    )?;
    let mut report = args
        .batch
        .report
        .as_deref()
        .map(batch::open_report)
        .transpose()?;
    let runner = Batch::new(scanner, options, args.batch.threads)?;
    let mut docs = Vec::new();
    let mut items = Vec::new();
    let quiet = ProgressBar::hidden();
    // A file's rows come before its result.
    let pending = std::cell::RefCell::new(Vec::new());
    let summary = runner.run(
        inputs,
        |row: &Row| -> Result<()> {
            if let Some(w) = report.as_mut() {
                w.write(row).context("cannot write the report")?;
            }
            pending.borrow_mut().push(row.clone());
            Ok(())
        },
        |f: &FileResult| -> Result<()> {
            batch::tell(&quiet, f);
            let rows = std::mem::take(&mut *pending.borrow_mut());
            if rows.is_empty() {
                return Ok(());
            }
            // The text as it is now: the rows' offsets refer to it.
            let text = std::fs::read(&f.path)
                .ok()
                .and_then(|b| input::as_text(&b).ok().map(str::to_string));
            docs.push(ReviewDoc {
                path: path_label(&f.path),
                text,
                spin_score: f.evidence.as_ref().map(|e| e.score),
            });
            items.extend(rows.into_iter().map(|row| ReviewItem {
                kind: review_page::entry_kind(scanner.dicts(), &row),
                row,
            }));
            Ok(())
        },
    )?;
    if let (Some(w), Some(p)) = (report, &args.batch.report) {
        batch::commit_report(w, p)?;
    }
    Ok((docs, items, summary.failed > 0))
}

fn item(dicts: &DictSet, row: &Row) -> ReviewItem {
    ReviewItem {
        kind: review_page::entry_kind(dicts, row),
        row: row.clone(),
    }
}

/// Read a report and the files it names (relative to `base`).
fn from_report(
    report: &Path,
    base: Option<&Path>,
    dicts: &DictSet,
) -> Result<(Vec<ReviewDoc>, Vec<ReviewItem>)> {
    if report.as_os_str() == "-" {
        bail!("give the report as a file (it is read twice)");
    }
    let data = std::fs::read(report)
        .with_context(|| format!("cannot read report {}", report.display()))?;
    let rows = review_page::read_report(report, &data)?;
    let base = base.unwrap_or(Path::new("."));
    let mut scores: BTreeMap<&str, Option<f32>> = BTreeMap::new();
    for r in &rows {
        let s = scores.entry(&r.path).or_insert(None);
        *s = s.or(r.doc_score);
    }
    let mut stderr = std::io::stderr().lock();
    let docs = scores
        .into_iter()
        .map(|(path, spin_score)| {
            let text = match input::read_file(&base.join(label_path(path))) {
                Ok(t) => Some(t),
                Err(e) => {
                    let _ = writeln!(
                        stderr,
                        "despin: {}: {e}; its findings are shown without the text",
                        report.display()
                    );
                    None
                }
            };
            ReviewDoc {
                path: path.to_string(),
                text,
                spin_score,
            }
        })
        .collect();
    let items = rows.iter().map(|r| item(dicts, r)).collect();
    Ok((docs, items))
}
