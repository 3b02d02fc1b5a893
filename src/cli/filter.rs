//! `despin filter`: JSON Lines in, JSON Lines out, one line per line, for cluster engines.

use std::io::{BufRead, Write};

use anyhow::{Context, Result};
use despin::jsonl_filter::Filter;
use rayon::prelude::*;

use super::common::{parse_confidence, DictArgs, Threshold};
use super::EXIT_CLEAN;

/// Lines read before a parallel batch is processed and written, in order.
const CHUNK_LINES: usize = 4096;

/// Repair the text field of JSON Lines records from stdin to stdout: exactly one output line
/// per input line, in order, with findings and the spin score added under `despin`; every
/// other byte of a record is kept. Lines that can't be processed come back as
/// `{"despin_error": ...}` records holding the input. Exits 0 unless reading or writing
/// fails, so it can run as a Spark `RDD.pipe` or Hadoop Streaming stage.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Name of the string field holding the text.
    #[arg(long, default_value = "text", value_name = "NAME")]
    pub field: String,

    /// Apply findings with at least this confidence (default 0.5, or `min_confidence` in
    /// despin.toml).
    #[arg(long, value_parser = parse_confidence, value_name = "X")]
    pub min_confidence: Option<f32>,

    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    #[command(flatten)]
    pub dict: DictArgs,
}

pub fn run(args: Args) -> Result<i32> {
    let scanner = args.dict.scanner()?;
    let min_confidence = args
        .dict
        .min_confidence(args.min_confidence, Threshold::Fix)?;
    let filter = Filter::new(&scanner, &args.field, min_confidence);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()?;
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut lines = stdin.split(b'\n');
    let mut line_no = 0usize;
    loop {
        let mut chunk = Vec::with_capacity(CHUNK_LINES);
        for l in lines.by_ref().take(CHUNK_LINES) {
            chunk.push(l.context("cannot read stdin")?);
        }
        if chunk.is_empty() {
            break;
        }
        let first = line_no + 1;
        line_no += chunk.len();
        let results: Vec<(String, bool)> = pool.install(|| {
            chunk
                .par_iter()
                .enumerate()
                .map(|(i, raw)| {
                    // A CRLF line end comes back as CRLF.
                    let (raw, crlf) = match raw.strip_suffix(b"\r") {
                        Some(r) => (r, true),
                        None => (&raw[..], false),
                    };
                    (filter.process_line(raw, first + i), crlf)
                })
                .collect()
        });
        for (r, crlf) in results {
            out.write_all(r.as_bytes()).context("cannot write stdout")?;
            let end: &[u8] = if crlf { b"\r\n" } else { b"\n" };
            out.write_all(end).context("cannot write stdout")?;
        }
    }
    out.flush().context("cannot write stdout")?;
    Ok(EXIT_CLEAN)
}
