//! Options shared by the subcommands that scan text: configuration, dictionary selection
//! and thresholds (command line > `despin.toml` > defaults).
//! Also the dictionary-source reader of the `dict` subcommands (`check`, `learn --vouched`).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use despin::config::{Config, Effective, Overrides};
use despin::dict::source::{parse_source, Parsed};
use despin::dict::{default_names, DictSet, Dictionary};
use despin::scan::{ScanOptions, Scanner};

/// Environment variable overriding the scanner's piece size in bytes (tests only).
pub const PIECE_BYTES_VAR: &str = "DESPIN_PIECE_BYTES";

/// Which configuration file to use.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ConfigArgs {
    /// Read settings from FILE instead of the nearest despin.toml (current directory or
    /// its parents).
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,

    /// Ignore despin.toml files (as does a non-empty DESPIN_NO_CONFIG in the environment,
    /// unless --config names a file).
    #[arg(long, global = true, conflicts_with = "config")]
    pub no_config: bool,
}

/// Environment variable that, set to anything but empty or `0`, makes despin ignore
/// `despin.toml` files it would discover (test harnesses and scripts that want hermetic runs).
pub const NO_CONFIG_ENV: &str = "DESPIN_NO_CONFIG";

impl ConfigArgs {
    /// The config file in force, if any: `--config FILE`, else none with `--no-config` or
    /// `DESPIN_NO_CONFIG`, else the nearest despin.toml.
    pub fn load(&self) -> Result<Option<Config>> {
        if let Some(p) = &self.config {
            return Ok(Some(Config::load(p)?));
        }
        let env_off = std::env::var_os(NO_CONFIG_ENV).is_some_and(|v| !v.is_empty() && v != "0");
        if self.no_config || env_off {
            return Ok(None);
        }
        let cwd = std::env::current_dir().context("cannot find the current directory")?;
        Ok(Config::discover(&cwd)?)
    }
}

/// Which threshold a command uses.
#[derive(Clone, Copy, Debug)]
pub enum Threshold {
    /// `despin fix`.
    Fix,
    /// `despin scan`.
    Scan,
}

/// Dictionary selection and scanning options.
#[derive(clap::Args, Debug, Clone)]
pub struct DictArgs {
    /// Add a user dictionary (CSV source or compiled file from `despin dict build`),
    /// layered above the defaults; later --dict options take precedence. Repeatable.
    #[arg(long = "dict", value_name = "PATH")]
    pub dicts: Vec<PathBuf>,

    /// Embedded dictionaries to use, comma-separated, layered in the order given (default:
    /// all embedded, lowest layer first: news-learned, news-inferred, news, science).
    #[arg(long = "dicts", value_name = "NAMES", value_delimiter = ',')]
    pub names: Option<Vec<String>>,

    /// Use no embedded dictionary, only those given with --dict.
    #[arg(long)]
    pub no_default_dict: bool,

    /// Treat every document as spun: swaps (common-word substitutions) get full document
    /// evidence instead of needing fingerprints in the same document.
    #[arg(long)]
    pub assume_spun: bool,

    /// Don't search spun documents for words a thesaurus explains (findings of kind
    /// `discovered`, dictionary `discovered`).
    #[arg(long)]
    pub no_discovery: bool,

    #[command(flatten)]
    pub config: ConfigArgs,
}

impl DictArgs {
    /// The settings in force, with `extra` command-line values layered in.
    pub fn effective(&self, extra: Overrides) -> Result<Effective> {
        let config = self.config.load()?;
        let cli = Overrides {
            embedded: self.names.as_ref().map(|n| {
                n.iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            }),
            no_default_dict: self.no_default_dict,
            dicts: self.dicts.clone(),
            ..extra
        };
        Ok(Effective::resolve(config.as_ref(), &cli, &default_names()))
    }

    /// Load the dictionaries and build a scanner.
    pub fn scanner(&self) -> Result<Scanner> {
        self.scanner_for(&self.effective(Overrides::default())?)
    }

    /// Build a scanner from resolved settings.
    pub fn scanner_for(&self, settings: &Effective) -> Result<Scanner> {
        let mut set = DictSet::new();
        for n in &settings.embedded.value {
            set.push(despin::dict::embedded(n)?);
        }
        for d in &settings.dictionaries {
            let p = &d.value;
            let d = Dictionary::open(p)
                .with_context(|| format!("cannot load dictionary {}", p.display()))?;
            set.push(d);
        }
        let scanner = Scanner::new(
            set,
            ScanOptions {
                assume_spun: self.assume_spun,
            },
        )
        .with_discovery((!self.no_discovery).then(despin::dict::thesaurus::embedded));
        // Undocumented, for tests: a small piece size makes small files take the paths of
        // huge ones (pieces, streaming).
        Ok(
            match std::env::var(PIECE_BYTES_VAR)
                .ok()
                .and_then(|v| v.parse().ok())
            {
                Some(n) => scanner.with_chunk_limit(n),
                None => scanner,
            },
        )
    }

    /// The threshold for `which`: `cli` if given, else the config's, else the default.
    pub fn min_confidence(&self, cli: Option<f32>, which: Threshold) -> Result<f32> {
        let o = match which {
            Threshold::Fix => Overrides {
                fix_min_confidence: cli,
                ..Overrides::default()
            },
            Threshold::Scan => Overrides {
                scan_min_confidence: cli,
                ..Overrides::default()
            },
        };
        let e = self.effective(o)?;
        Ok(match which {
            Threshold::Fix => e.fix_min_confidence.value,
            Threshold::Scan => e.scan_min_confidence.value,
        })
    }
}

/// Parse a confidence threshold in \[0,1\].
pub fn parse_confidence(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("`{s}` is not a number between 0 and 1")),
    }
}

/// Parse a dictionary source file, refusing it if any row is malformed.
pub fn read_source(path: &Path) -> Result<Parsed> {
    let data = std::fs::read(path)
        .with_context(|| format!("cannot read dictionary {}", path.display()))?;
    let parsed = parse_source(path, &data);
    if !parsed.errors.is_empty() {
        return Err(despin::Error::DictRows {
            rows: parsed.errors,
        }
        .into());
    }
    Ok(parsed)
}
