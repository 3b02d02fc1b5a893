//! `despin scan`: list findings in files or stdin.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use despin::format::FormatOptions;
use despin::report::{write_summary, DocSummary, Format, ReportWriter};

use despin::batch::BatchOptions;
use despin::config::Overrides;

use super::batch::{self, BatchArgs};
use super::common::{parse_confidence, DictArgs, Threshold};
use super::single::Single;
use super::{EXIT_CLEAN, EXIT_FOUND};

/// List suspected spun phrases.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files or directories to scan; `-` or nothing reads stdin. Directories are walked
    /// (see the options below) and every file in them scanned, in parallel.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format: brief (one line per finding), csv (for review in a spreadsheet, then
    /// `despin apply`), json (JSON Lines, one object per finding). Default: brief, or
    /// `report.format` in despin.toml.
    #[arg(long, value_parser = str::parse::<Format>)]
    pub format: Option<Format>,

    /// Only report findings with at least this confidence (default 0, or
    /// `scan.min_confidence` in despin.toml).
    #[arg(long, value_parser = parse_confidence, value_name = "X")]
    pub min_confidence: Option<f32>,

    /// Instead of findings, print the files ranked by spin score (highest first), to triage
    /// a corpus: spin score, words, findings, most likely spinner profile, path.
    #[arg(long)]
    pub summary: bool,

    #[command(flatten)]
    pub dict: DictArgs,

    #[command(flatten)]
    pub batch: BatchArgs,
}

pub fn run(args: Args) -> Result<i32> {
    let settings = args.dict.effective(Overrides::default())?;
    let scanner = args.dict.scanner_for(&settings)?;
    let format = match (args.format, &settings.report.value.format) {
        (Some(f), _) => f,
        (None, Some(f)) => *f,
        (None, None) => Format::Brief,
    };
    let min_confidence = args
        .dict
        .min_confidence(args.min_confidence, Threshold::Scan)?;
    let from_stdin = args.paths.is_empty() || args.paths.iter().any(|p| p.as_os_str() == "-");
    if args.batch.wants_batch(&args.paths) || (args.summary && !from_stdin) {
        return batch::run(batch::Run {
            scanner: &scanner,
            roots: &args.paths,
            args: &args.batch,
            options: BatchOptions {
                target: None,
                min_confidence: 1.0,
                report_min_confidence: min_confidence,
                file_type: None,
                type_rules: Vec::new(),
                format: Default::default(),
                max_filesize: despin::batch::DEFAULT_MAX_FILESIZE,
            },
            walk: args.batch.walk_options(&settings.files.value),
            stdout: Some(format),
            summary: args.summary,
            exit_on_change: false,
            files: settings.files.value.clone(),
            report: settings.report.value.clone(),
        });
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.paths.clone()
    };
    let stdout = std::io::stdout().lock();
    // A summary replaces the findings, so no CSV header either.
    let format = if args.summary { Format::Brief } else { format };
    let mut writer = ReportWriter::new(std::io::BufWriter::new(stdout), format, false);
    let mut found = false;
    let mut docs = Vec::new();
    let single = Single {
        scanner: &scanner,
        file_type: args.batch.file_type,
        format: FormatOptions {
            fields: args.batch.fields.clone(),
        },
        repair_at: None,
    };
    for p in &paths {
        if p.is_dir() {
            bail!("{}: is a directory", p.display());
        }
        let json = format == Format::Json;
        let summary = args.summary;
        let done = single.run(Some(p), None, |mut row, _| {
            if summary || row.confidence < min_confidence {
                return Ok(());
            }
            if !json {
                row.doc_score = None;
            }
            found = true;
            writer.write(&row).context("cannot write to stdout")
        })?;
        if args.summary {
            let label = if p.as_os_str() == "-" {
                "-".to_string()
            } else {
                despin::report::path_label(p)
            };
            docs.push(DocSummary::new(&label, &done.evidence, done.findings));
            found |= done.findings > 0;
        }
    }
    let stdout = writer.finish().context("cannot write to stdout")?;
    if args.summary {
        write_summary(stdout, &mut docs).context("cannot write to stdout")?;
    }
    Ok(if found { EXIT_FOUND } else { EXIT_CLEAN })
}
