//! Configuration: `despin.toml`, found in the current directory or its parents (or named with
//! `--config`), in the spirit of `typos.toml`.
//!
//! ```toml
//! min_confidence = 0.6               # default threshold of `fix` (and `apply`-free runs)
//!
//! [scan]
//! min_confidence = 0.0               # default threshold of `scan` reports
//!
//! [dictionaries]
//! embedded = ["news"]                # embedded dictionaries to use (default: all)
//! extra = ["dicts/team.csv"]         # layered above the embedded ones
//! allow = ["dicts/allow.csv"]        # allow lists, layered above `extra`
//! user = "dicts/learned.csv"         # where `dict learn` / `dict add` write; loaded if it exists
//!
//! [files]                            # for directory runs, before --glob / --exclude
//! globs = ["*.txt", "*.md"]          # only these files (as --glob)
//! exclude = ["vendor/**"]            # never these (as --exclude)
//! types = { md = ["*.markdown"] }    # formats by glob, before the extension
//!
//! [report]
//! format = "csv"                     # default `scan --format`: brief, csv or json
//! path = "despin-report.csv"         # default --report of directory runs
//! ```
//!
//! Relative paths are relative to the directory of the config file. Every setting resolves
//! with the precedence command line > config file > default, and [`Effective`] remembers
//! where each value came from ([`Origin`]) for `despin config --show`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// The file name searched for.
pub const FILE_NAME: &str = "despin.toml";

/// Default threshold of `fix`.
pub const DEFAULT_FIX_MIN_CONFIDENCE: f32 = 0.5;
/// Default threshold of `scan`.
pub const DEFAULT_SCAN_MIN_CONFIDENCE: f32 = 0.0;
/// Default user dictionary (relative to the config file, or the current directory).
pub const DEFAULT_USER_DICTIONARY: &str = "despin-user.csv";

/// The contents of a `despin.toml`, as written.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ConfigFile {
    /// Default threshold of `fix`.
    pub min_confidence: Option<f32>,
    /// `[scan]`.
    pub scan: ScanSection,
    /// `[dictionaries]`.
    pub dictionaries: DictSection,
    /// `[files]`.
    pub files: FilesSection,
    /// `[report]`.
    pub report: ReportSection,
}

/// `[scan]`: settings of `despin scan`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ScanSection {
    /// Default threshold of scan reports.
    pub min_confidence: Option<f32>,
}

/// `[dictionaries]`: which dictionaries to use.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct DictSection {
    /// Embedded dictionaries by name (default: all of them).
    pub embedded: Option<Vec<String>>,
    /// User dictionaries (CSV or compiled), layered above the embedded ones.
    pub extra: Vec<PathBuf>,
    /// Allow lists: dictionaries of `allow` rows, layered above `extra`.
    pub allow: Vec<PathBuf>,
    /// The learned/user dictionary: written by `dict learn` and `dict add`, loaded when it
    /// exists.
    pub user: Option<PathBuf>,
}

/// `[files]`: which files batch runs take; command-line `--glob` / `--exclude` add to these.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct FilesSection {
    /// Globs of files to include.
    pub globs: Vec<String>,
    /// Globs of files to exclude.
    pub exclude: Vec<String>,
    /// File types by name, each a list of globs (`md = ["*.markdown"]`).
    pub types: BTreeMap<String, Vec<String>>,
}

/// `[report]`: report defaults.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ReportSection {
    /// `brief`, `csv` or `json`: the default of `scan --format`.
    pub format: Option<crate::report::Format>,
    /// Where batch runs write their report when `--report` is not given.
    pub path: Option<PathBuf>,
}

/// A loaded config file, with its paths resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// The file it was read from.
    pub path: PathBuf,
    /// Its contents, with relative paths made relative to the file's directory.
    pub file: ConfigFile,
}

impl Config {
    /// Parse and validate a config file.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Config::parse(path, &text)
    }

    /// Parse config text; `path` locates relative paths and labels errors.
    pub fn parse(path: &Path, text: &str) -> Result<Config> {
        let bad = |message: String| Error::Config {
            path: path.to_path_buf(),
            message,
        };
        let mut file: ConfigFile = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        for (name, v) in [
            ("min_confidence", file.min_confidence),
            ("scan.min_confidence", file.scan.min_confidence),
        ] {
            if let Some(v) = v {
                if !(0.0..=1.0).contains(&v) {
                    return Err(bad(format!("{name} = {v} is not between 0 and 1")));
                }
            }
        }
        let f = &file.files;
        if let Some(name) = f
            .types
            .keys()
            .find(|n| crate::format::FileType::parse(n).is_none())
        {
            return Err(bad(format!(
                "files.types.{name}: unknown file type (text, markdown, html, jsonl)"
            )));
        }
        for g in f.types.values().flatten().chain(&f.globs).chain(&f.exclude) {
            globset::Glob::new(g.strip_prefix('!').unwrap_or(g))
                .map_err(|e| bad(format!("[files]: bad glob {g:?}: {e}")))?;
        }
        let dir = path.parent().unwrap_or(Path::new(""));
        let d = &mut file.dictionaries;
        for p in d
            .extra
            .iter_mut()
            .chain(d.allow.iter_mut())
            .chain(d.user.iter_mut())
        {
            *p = dir.join(&*p);
        }
        if let Some(p) = &mut file.report.path {
            *p = dir.join(&*p);
        }
        Ok(Config {
            path: path.to_path_buf(),
            file,
        })
    }

    /// The nearest `despin.toml` in `start` or its parents.
    pub fn discover(start: &Path) -> Result<Option<Config>> {
        for dir in start.ancestors() {
            let candidate = dir.join(FILE_NAME);
            if candidate.is_file() {
                return Config::load(&candidate).map(Some);
            }
        }
        Ok(None)
    }
}

/// Where a setting's value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Built-in default.
    Default,
    /// A config file.
    File(PathBuf),
    /// The command line.
    CommandLine,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Default => write!(f, "default"),
            Origin::File(p) => write!(f, "{}", p.display()),
            Origin::CommandLine => write!(f, "command line"),
        }
    }
}

/// A value and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting<T> {
    /// The value in force.
    pub value: T,
    /// Where it came from.
    pub origin: Origin,
}

/// Command-line values that override the config file.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// `fix --min-confidence`.
    pub fix_min_confidence: Option<f32>,
    /// `scan --min-confidence`.
    pub scan_min_confidence: Option<f32>,
    /// `--dicts NAMES`.
    pub embedded: Option<Vec<String>>,
    /// `--no-default-dict`: no embedded dictionary.
    pub no_default_dict: bool,
    /// `--dict PATH`, layered above everything from the config.
    pub dicts: Vec<PathBuf>,
    /// `--into FILE` of `dict learn` / `dict add`.
    pub user_dictionary: Option<PathBuf>,
}

/// The settings in force, each with its origin.
#[derive(Clone, Debug, PartialEq)]
pub struct Effective {
    /// The config file used, if any.
    pub config_path: Option<PathBuf>,
    /// Threshold of `fix`.
    pub fix_min_confidence: Setting<f32>,
    /// Threshold of `scan`.
    pub scan_min_confidence: Setting<f32>,
    /// Embedded dictionaries, lowest layer first (empty with `--no-default-dict`).
    pub embedded: Setting<Vec<String>>,
    /// Dictionary files layered above the embedded ones, lowest first.
    pub dictionaries: Vec<Setting<PathBuf>>,
    /// Where `dict learn` / `dict add` write.
    pub user_dictionary: Setting<PathBuf>,
    /// File selection for batch runs.
    pub files: Setting<FilesSection>,
    /// Report defaults.
    pub report: Setting<ReportSection>,
}

fn pick<T>(cli: Option<T>, file: Option<T>, path: Option<&Path>, default: T) -> Setting<T> {
    match (cli, file, path) {
        (Some(value), _, _) => Setting {
            value,
            origin: Origin::CommandLine,
        },
        (None, Some(value), Some(p)) => Setting {
            value,
            origin: Origin::File(p.to_path_buf()),
        },
        _ => Setting {
            value: default,
            origin: Origin::Default,
        },
    }
}

impl Effective {
    /// Resolve settings: `cli` over `config` over defaults. `default_embedded` is the list
    /// of embedded dictionaries used when neither names any.
    pub fn resolve(
        config: Option<&Config>,
        cli: &Overrides,
        default_embedded: &[&str],
    ) -> Effective {
        let path = config.map(|c| c.path.as_path());
        let empty = ConfigFile::default();
        let file = config.map_or(&empty, |c| &c.file);
        let from_file = || Origin::File(path.unwrap_or(Path::new("")).to_path_buf());

        let embedded = if cli.no_default_dict {
            Setting {
                value: vec![],
                origin: Origin::CommandLine,
            }
        } else {
            pick(
                cli.embedded.clone(),
                file.dictionaries.embedded.clone(),
                path,
                default_embedded.iter().map(|s| s.to_string()).collect(),
            )
        };
        let user_dictionary = pick(
            cli.user_dictionary.clone(),
            file.dictionaries.user.clone(),
            path,
            PathBuf::from(DEFAULT_USER_DICTIONARY),
        );
        let mut dictionaries: Vec<Setting<PathBuf>> = Vec::new();
        for p in file
            .dictionaries
            .extra
            .iter()
            .chain(&file.dictionaries.allow)
        {
            dictionaries.push(Setting {
                value: p.clone(),
                origin: from_file(),
            });
        }
        // The user dictionary is loaded only when the config names it and it exists yet.
        if let Some(u) = &file.dictionaries.user {
            if u.exists() {
                dictionaries.push(Setting {
                    value: u.clone(),
                    origin: from_file(),
                });
            }
        }
        dictionaries.extend(cli.dicts.iter().map(|p| Setting {
            value: p.clone(),
            origin: Origin::CommandLine,
        }));
        let section = |present: bool| {
            if present {
                from_file()
            } else {
                Origin::Default
            }
        };
        Effective {
            config_path: path.map(Path::to_path_buf),
            fix_min_confidence: pick(
                cli.fix_min_confidence,
                file.min_confidence,
                path,
                DEFAULT_FIX_MIN_CONFIDENCE,
            ),
            scan_min_confidence: pick(
                cli.scan_min_confidence,
                file.scan.min_confidence,
                path,
                DEFAULT_SCAN_MIN_CONFIDENCE,
            ),
            embedded,
            dictionaries,
            user_dictionary,
            files: Setting {
                value: file.files.clone(),
                origin: section(file.files != FilesSection::default()),
            },
            report: Setting {
                value: file.report.clone(),
                origin: section(file.report != ReportSection::default()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_and_relative_paths() {
        let text = "min_confidence = 0.7\n[dictionaries]\nextra = [\"d/team.csv\"]\n\
                    embedded = [\"news\"]\n[files]\nglobs = [\"*.txt\"]\n";
        let cfg = Config::parse(Path::new("/p/despin.toml"), text).unwrap();
        assert_eq!(
            cfg.file.dictionaries.extra,
            [PathBuf::from("/p/d/team.csv")]
        );
        let eff = Effective::resolve(Some(&cfg), &Overrides::default(), &["news", "science"]);
        assert_eq!(eff.fix_min_confidence.value, 0.7);
        assert_eq!(
            eff.fix_min_confidence.origin,
            Origin::File("/p/despin.toml".into())
        );
        assert_eq!(eff.scan_min_confidence.origin, Origin::Default);
        assert_eq!(eff.embedded.value, ["news"]);
        assert_eq!(eff.files.value.globs, ["*.txt"]);
        let cli = Overrides {
            fix_min_confidence: Some(0.2),
            dicts: vec!["x.csv".into()],
            ..Overrides::default()
        };
        let eff = Effective::resolve(Some(&cfg), &cli, &["news", "science"]);
        assert_eq!(eff.fix_min_confidence.value, 0.2);
        assert_eq!(eff.fix_min_confidence.origin, Origin::CommandLine);
        assert_eq!(eff.dictionaries.len(), 2);
        assert_eq!(eff.dictionaries[1].origin, Origin::CommandLine);
    }

    #[test]
    fn bad_configs_are_refused_with_the_file_named() {
        for bad in [
            "min_confidence = 2.0",
            "[report]\nformat = \"xml\"",
            "unknown_key = 1",
            "min_confidence = ",
        ] {
            let e = Config::parse(Path::new("x/despin.toml"), bad).unwrap_err();
            assert!(e.to_string().starts_with("x/despin.toml"), "{e}");
        }
    }
}
