//! `despin fix`: repair one file or stdin.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use despin::batch::{self, BatchOptions, Target, WalkOptions};
use despin::format::FormatOptions;
use despin::output::AtomicFile;

use super::batch::BatchArgs;
use super::common::{parse_confidence, DictArgs, Threshold};
use super::single::Single;
use super::{EXIT_CLEAN, EXIT_FOUND};

/// Repair spun phrases at or above the confidence threshold.
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

    /// With --in-place, keep each changed file's original as PATH+SUFFIX (files ending in
    /// SUFFIX are not processed).
    #[arg(long, value_name = "SUFFIX", requires = "in_place")]
    pub backup: Option<String>,

    /// Write the repaired text to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Apply findings with at least this confidence (0 applies every suggestion; default
    /// 0.5 or `min_confidence` in despin.toml).
    #[arg(long, value_parser = parse_confidence, value_name = "X")]
    pub min_confidence: Option<f32>,

    #[command(flatten)]
    pub dict: DictArgs,

    #[command(flatten)]
    pub batch: BatchArgs,
}

pub fn run(args: Args) -> Result<i32> {
    let scanner = args.dict.scanner()?;
    let min_confidence = args
        .dict
        .min_confidence(args.min_confidence, Threshold::Fix)?;
    let target = match (&args.out, args.in_place) {
        (Some(out), _) => Some(Target::OutDir(out.clone())),
        (None, true) => Some(Target::InPlace {
            backup: args.backup.clone(),
        }),
        (None, false) => None,
    };
    if let Some(target) = target {
        let mut walk = WalkOptions::default();
        match &target {
            Target::OutDir(out) => {
                walk.hidden = args.batch.hidden;
                walk.globs = args.batch.globs.clone();
                walk.excludes = args.batch.excludes.clone();
                batch::check_out_dir(&args.paths, out, &walk)?;
                walk.skip_dirs = vec![out.clone()];
            }
            Target::InPlace { backup } => walk.skip_suffix = backup.clone(),
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
                format: Default::default(),
                max_filesize: despin::batch::DEFAULT_MAX_FILESIZE,
            },
            walk,
            stdout: None,
            summary: false,
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
    };
    let path = args.paths.first().map(PathBuf::as_path);
    let no_rows = |_, _| Ok(());
    let done = match &args.output {
        Some(out) => {
            let file = AtomicFile::create(out)
                .with_context(|| format!("cannot write {}", out.display()))?;
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
    Ok(if done.fixes == 0 {
        EXIT_CLEAN
    } else {
        EXIT_FOUND
    })
}
