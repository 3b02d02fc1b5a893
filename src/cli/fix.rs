//! `despin fix`: repair one file or stdin.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use despin::batch::{BatchOptions, Destination};
use despin::config::Overrides;
use despin::format::FormatOptions;
use despin::output::AtomicFile;

use super::batch::BatchArgs;
use super::common::{parse_confidence, DictArgs, Threshold};
use super::single::Single;
use super::{EXIT_CLEAN, EXIT_FOUND};

/// Repair spun phrases at or above the confidence threshold.
///
/// Exit codes: 0 success (whether or not anything was repaired; 1 with --exit-code when
/// something was), 2 error (batch runs go on past a failing file and exit 2 at the end).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// File to repair (`-` or nothing reads stdin; the result goes to stdout), or files and
    /// directories to repair into --out OUTDIR or --in-place.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Mirror the inputs into OUTDIR: repaired files, and every other input file copied
    /// unchanged, each written atomically.
    #[arg(long, value_name = "OUTDIR", conflicts_with_all = ["in_place", "output"])]
    pub out: Option<PathBuf>,

    /// Rewrite the input files (atomically).
    #[arg(long, conflicts_with = "output")]
    pub in_place: bool,

    /// With --in-place, keep each changed file's original as PATH+SUFFIX (a file named like
    /// the backup of another, `a.txt.orig` beside `a.txt`, is not processed). The suffix must
    /// not be empty.
    #[arg(long, value_name = "SUFFIX", requires = "in_place")]
    pub backup: Option<String>,

    /// Write the repaired text to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Apply findings with at least this confidence (0 applies every suggestion; default
    /// 0.5 or `min_confidence` in despin.toml).
    #[arg(long, value_parser = parse_confidence, value_name = "X")]
    pub min_confidence: Option<f32>,

    /// Exit 1 when something was repaired (default: 0 on success, changed or not), for CI
    /// checks that want to fail on spun text.
    #[arg(long)]
    pub exit_code: bool,

    #[command(flatten)]
    pub dict: DictArgs,

    #[command(flatten)]
    pub batch: BatchArgs,
}

pub fn run(args: Args) -> Result<i32> {
    if let Some(b) = &args.backup {
        // `--backup "$SUFFIX"` with an unset variable must not mean "no backup".
        if b.is_empty() {
            bail!("--backup needs a non-empty suffix (such as .orig); nothing was written");
        }
        if b.contains('/') || b.contains(std::path::MAIN_SEPARATOR) {
            bail!("--backup {b:?}: a suffix cannot contain a path separator; nothing was written");
        }
    }
    let settings = args.dict.effective(Overrides::default())?;
    let scanner = args.dict.scanner_for(&settings)?;
    let min_confidence = args
        .dict
        .min_confidence(args.min_confidence, Threshold::Fix)?;
    let target = match (&args.out, args.in_place) {
        (Some(out), _) => Some(Destination::OutDir(out.clone())),
        (None, true) => Some(Destination::InPlace {
            backup: args.backup.clone(),
        }),
        (None, false) => None,
    };
    if let Some(target) = target {
        let mut walk = args.batch.walk_options(&settings.files.value);
        match &target {
            Destination::OutDir(out) => {
                despin::walk::check_out_dir(&args.paths, out, &walk)?;
                walk.skip_dirs = vec![out.clone()];
                walk.report_omitted = true;
            }
            Destination::InPlace { backup } => {
                walk.skip_suffix = backup.clone();
                walk.clear_stale_temps = true;
            }
        }
        return super::batch::run(super::batch::Run {
            scanner: &scanner,
            roots: &args.paths,
            args: &args.batch,
            options: BatchOptions {
                target: Some(target),
                min_confidence,
                report_min_confidence: 0.0,
                file_type: None,
                type_rules: Vec::new(),
                format: Default::default(),
                max_filesize: despin::batch::DEFAULT_MAX_FILESIZE,
            },
            walk,
            stdout: None,
            summary: false,
            exit_on_change: args.exit_code,
            files: settings.files.value.clone(),
            report: settings.report.value.clone(),
        });
    }
    if args.batch.wants_batch(&args.paths) || args.paths.len() > 1 {
        bail!("repairing several files or a directory needs --out OUTDIR or --in-place");
    }
    let single = Single {
        scanner: &scanner,
        file_type: args.batch.file_type,
        format: FormatOptions {
            fields: args.batch.fields.clone(),
        },
        repair_at: Some(min_confidence),
        threads: args.batch.threads,
    };
    let path = args.paths.first().map(PathBuf::as_path);
    let no_rows = |_, _| Ok(());
    let done = match &args.output {
        Some(out) => {
            let mut file = AtomicFile::create(out)
                .with_context(|| format!("cannot write {}", out.display()))?;
            // The repaired copy of a file takes its mode (and, as root, its owner), as the
            // copies of `--out` do.
            if let Some(p) = path.filter(|p| *p != Path::new("-")) {
                file.set_like(p);
            }
            let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
            let done = single.run(path, Some(&mut w), no_rows)?;
            let file = w
                .into_inner()
                .map_err(|e| e.into_error())
                .with_context(|| format!("cannot write {}", out.display()))?;
            file.commit()
                .with_context(|| format!("cannot write {}", out.display()))?;
            done
        }
        None => {
            let mut stdout = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
            let done = single.run(path, Some(&mut stdout), no_rows)?;
            stdout.flush().context("cannot write to stdout")?;
            done
        }
    };
    Ok(if args.exit_code && done.fixes > 0 {
        EXIT_FOUND
    } else {
        EXIT_CLEAN
    })
}
