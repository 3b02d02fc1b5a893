//! `despin fix`: repair one file or stdin.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use despin::{input, output, repair};

use super::common::{parse_confidence, DictArgs, Threshold};
use super::{EXIT_CLEAN, EXIT_FOUND};

/// Repair spun phrases at or above the confidence threshold.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// File to repair; `-` or nothing reads stdin.
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    /// Write the repaired text to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Apply findings with at least this confidence (0 applies every suggestion; default
    /// 0.5 or `min_confidence` in despin.toml).
    #[arg(long, value_parser = parse_confidence, value_name = "X")]
    pub min_confidence: Option<f32>,

    #[command(flatten)]
    pub dict: DictArgs,
}

pub fn run(args: Args) -> Result<i32> {
    let scanner = args.dict.scanner()?;
    let (label, text) = match &args.path {
        None => ("-".to_string(), input::read_stdin()?),
        Some(p) if p.as_os_str() == "-" => ("-".to_string(), input::read_stdin()?),
        Some(p) => (p.display().to_string(), input::read_file(p)?),
    };
    let result = scanner.scan(&text);
    let min_confidence = args
        .dict
        .min_confidence(args.min_confidence, Threshold::Fix)?;
    let repaired = repair::repair(&text, &result.findings, min_confidence);
    match &args.output {
        Some(out) => output::write_atomic(out, repaired.text.as_bytes())
            .with_context(|| format!("cannot write repaired {label}"))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(repaired.text.as_bytes())
                .context("cannot write to stdout")?;
            stdout.flush().context("cannot write to stdout")?;
        }
    }
    Ok(if repaired.applied.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FOUND
    })
}
