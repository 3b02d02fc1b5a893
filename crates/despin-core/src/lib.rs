//! # despin-core
//!
//! The engine of despin, which finds and repairs *synonym-spun* text: articles pushed through
//! "article spinners" that swap words for thesaurus synonyms without looking at context
//! ("Center East" for "Middle East", "final yr" for "last year", "counterfeit consciousness"
//! for "artificial intelligence").
//!
//! This crate reads no directories, prints nothing and knows no command line: it turns text
//! and dictionaries into findings and repaired text. The default dictionaries are in the
//! `despin-dicts` crate; the `despin` crate is the command line and its policy (files,
//! batches, reports, review).
//!
//! The engine, one concept per module, in pipeline order:
//!
//! * [`normalize`]: tokenisation and the one normalisation used for keys and for text;
//! * [`dict`]: the dictionary entry format (CSV source and compiled FST format, one codec),
//!   entry conditions, loading, layering and walking;
//! * [`lm`]: the context model that judges a finding in its context;
//! * [`scan`]: matching, document-level spin evidence and the findings;
//! * [`case`]: copying the case pattern of replaced text;
//! * [`repair`]: byte-exact edits with article agreement;
//! * [`located_csv`]: the CSV reader that knows each record's line, for every CSV input;
//! * [`error`]: the typed errors of all of the above.
//!
//! ```
//! use despin_core::{dict::{DictSet, Dictionary}, scan::{Scanner, ScanOptions}, repair::repair};
//! use std::path::Path;
//!
//! let csv = "spun,original,prior\nfinal yr,last year,0.97\nCenter East,Middle East,0.95\n";
//! let mut dicts = DictSet::new();
//! dicts.push(Dictionary::from_csv_bytes("mine", Path::new("mine.csv"), csv.as_bytes()).unwrap());
//! let scanner = Scanner::new(dicts, ScanOptions::default());
//! let text = "Talks in the Center East stalled final yr.\r\n";
//! let found = scanner.scan(text);
//! assert_eq!(found.findings.len(), 2);
//! let fixed = repair(text, &found.findings, 0.5);
//! assert_eq!(fixed.text, "Talks in the Middle East stalled last year.\r\n");
//! ```
#![deny(missing_docs)]
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod case;
pub mod dict;
pub mod error;
pub mod lm;
pub mod located_csv;
pub mod normalize;
pub mod repair;
pub mod scan;

pub use error::{Error, Result};
