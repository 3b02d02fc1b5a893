//! Options shared by the subcommands that scan text: dictionary selection and thresholds.

use std::path::PathBuf;

use anyhow::{Context, Result};
use despin::dict::{default_names, DictSet, Dictionary};
use despin::scan::{ScanOptions, Scanner};

/// Dictionary selection and scanning options.
#[derive(clap::Args, Debug, Clone)]
pub struct DictArgs {
    /// Add a user dictionary (CSV source or compiled file from `despin dict build`),
    /// layered above the defaults; later --dict options take precedence. Repeatable.
    #[arg(long = "dict", value_name = "PATH")]
    pub dicts: Vec<PathBuf>,

    /// Embedded dictionaries to use, comma-separated (default: all embedded: news,science).
    #[arg(long = "dicts", value_name = "NAMES", value_delimiter = ',')]
    pub names: Option<Vec<String>>,

    /// Use no embedded dictionary, only those given with --dict.
    #[arg(long)]
    pub no_default_dict: bool,

    /// Treat every document as spun: swaps (common-word substitutions) get full document
    /// evidence instead of needing fingerprints in the same document.
    #[arg(long)]
    pub assume_spun: bool,
}

impl DictArgs {
    /// Load the dictionaries and build a scanner.
    pub fn scanner(&self) -> Result<Scanner> {
        let mut set = DictSet::new();
        if !self.no_default_dict {
            let names: Vec<String> = match &self.names {
                Some(n) => n
                    .iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
                None => default_names().iter().map(|s| s.to_string()).collect(),
            };
            for n in &names {
                set.push(Dictionary::embedded(n)?);
            }
        }
        for p in &self.dicts {
            let d = Dictionary::open(p)
                .with_context(|| format!("cannot load dictionary {}", p.display()))?;
            set.push(d);
        }
        Ok(Scanner::new(
            set,
            ScanOptions {
                assume_spun: self.assume_spun,
            },
        ))
    }
}

/// Parse a confidence threshold in [0,1].
pub fn parse_confidence(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("`{s}` is not a number between 0 and 1")),
    }
}
