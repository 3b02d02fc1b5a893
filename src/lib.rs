//! # despin
//!
//! Find and repair *synonym-spun* text: articles pushed through "article spinners" that swap
//! words for thesaurus synonyms without looking at context ("Center East" for "Middle East",
//! "final yr" for "last year", "counterfeit consciousness" for "artificial intelligence").
//!
//! The engine, one concept per module:
//!
//! * [`normalize`]: tokenisation and the one normalisation used for keys and for text;
//! * [`dict`]: dictionary sources (CSV), the compiled FST format, loading and layering;
//! * [`scan`]: matching, document-level spin evidence and the findings;
//! * [`case`]: copying the case pattern of replaced text;
//! * [`repair`]: byte-exact edits with article agreement;
//! * [`report`]: CSV / JSON Lines rows for review;
//! * [`input`] / [`output`]: decoding input text and atomic output files;
//! * [`review`] / [`apply`]: reading reviewed reports back and applying the accepted rows;
//! * [`review_page`]: the self-contained HTML page for reviewing findings in a browser;
//! * [`config`]: `despin.toml` settings and where each came from.
//! * [`format`](mod@format): which parts of a text, Markdown, HTML or JSON Lines file are prose;
//! * [`input`] / [`output`]: decoding input text and atomic output files;
//! * [`pipeline`]: one file through the formats, whole or streamed in pieces;
//! * [`batch`]: walking trees and processing them in parallel, in a deterministic order.
//!
//! ```
//! use despin::{dict::{DictSet, Dictionary}, scan::{Scanner, ScanOptions}, repair::repair};
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

pub mod align;
pub mod apply;
pub mod batch;
pub mod case;
pub mod config;
pub mod dict;
pub mod error;
pub mod eval;
pub mod filter;
pub mod format;
pub mod input;
pub mod lm;
pub mod normalize;
pub mod output;
pub mod pipeline;
pub mod repair;
pub mod report;
pub mod review;
pub mod review_page;
pub mod scan;

pub use error::{Error, Result};
