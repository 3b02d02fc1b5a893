//! `despin config --show`: the effective configuration and where each value came from.

use std::io::Write;

use anyhow::{bail, Context, Result};
use despin::config::{Overrides, Setting};
use despin::report::Format;

use super::common::{parse_confidence, DictArgs};
use super::EXIT_CLEAN;

/// Show the settings in force (command line > despin.toml > defaults).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Print the effective configuration, each value with its origin.
    #[arg(long)]
    pub show: bool,

    /// A `fix` threshold given on the command line, to see how it combines.
    #[arg(long, value_parser = parse_confidence, value_name = "X")]
    pub min_confidence: Option<f32>,

    #[command(flatten)]
    pub dict: DictArgs,
}

fn line<T: std::fmt::Debug>(name: &str, s: &Setting<T>) -> String {
    format!("{name} = {:?}    # {}", s.value, s.origin)
}

pub fn run(args: Args) -> Result<i32> {
    if !args.show {
        bail!("nothing to do: use `despin config --show`");
    }
    let e = args.dict.effective(Overrides {
        fix_min_confidence: args.min_confidence,
        ..Overrides::default()
    })?;
    let mut lines = vec![match &e.config_path {
        Some(p) => format!("# config file: {}", p.display()),
        None => "# no config file (despin.toml) found".to_string(),
    }];
    lines.push(line("min_confidence", &e.fix_min_confidence));
    lines.push(line("scan.min_confidence", &e.scan_min_confidence));
    lines.push(line("dictionaries.embedded", &e.embedded));
    if e.dictionaries.is_empty() {
        lines.push("dictionaries.layers = []    # none above the embedded ones".into());
    }
    for (i, d) in e.dictionaries.iter().enumerate() {
        lines.push(format!(
            "dictionaries.layers[{i}] = {:?}    # {}",
            d.value.display().to_string(),
            d.origin
        ));
    }
    lines.push(format!(
        "dictionaries.user = {:?}    # {}",
        e.user_dictionary.value.display().to_string(),
        e.user_dictionary.origin
    ));
    let f = &e.files;
    lines.push(format!(
        "files.globs = {:?}    # {}",
        f.value.globs, f.origin
    ));
    lines.push(format!(
        "files.exclude = {:?}    # {}",
        f.value.exclude, f.origin
    ));
    lines.push(format!(
        "files.types = {:?}    # {}",
        f.value.types, f.origin
    ));
    let r = &e.report;
    lines.push(format!(
        "report.format = {:?}    # {}",
        r.value.format.unwrap_or(Format::Brief).as_str(),
        r.origin
    ));
    lines.push(format!(
        "report.path = {:?}    # {}",
        r.value.path.as_ref().map(|p| p.display().to_string()),
        r.origin
    ));
    let mut out = std::io::stdout().lock();
    for l in lines {
        writeln!(out, "{l}").context("cannot write to stdout")?;
    }
    Ok(EXIT_CLEAN)
}
