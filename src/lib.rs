//! # despin
//!
//! Find and repair *synonym-spun* text: articles pushed through "article spinners" that swap
//! words for thesaurus synonyms without looking at context ("Center East" for "Middle East",
//! "final yr" for "last year", "counterfeit consciousness" for "artificial intelligence").
//!
//! This crate is the `despin` command line and its policy. The engine (normalisation, the
//! entry format, dictionaries, the context model, scanning, case transfer and repair) is the
//! `despin-core` crate, re-exported here under the same module names; the default
//! dictionaries are the `despin-dicts` crate. See `despin_core`'s crate documentation for a
//! runnable example. One concept per module:
//!
//! * [`normalize`], [`scan`], [`case`], [`repair`], [`lm`], [`error`]: the engine (re-exported);
//! * [`dict`]: the engine's dictionaries, the embedded defaults, and the dictionary tools
//!   (checking, importing, learning, pairs, statistics);
//! * [`report`]: CSV / JSON Lines rows for review;
//! * [`input`] / [`output`]: decoding input text and atomic output files;
//! * [`review`] / [`apply`]: reading reviewed reports back and applying the accepted rows;
//! * [`review_page`]: the self-contained HTML page for reviewing findings in a browser;
//! * [`config`]: `despin.toml` settings and where each came from;
//! * [`format`](mod@format): which parts of a text, Markdown, HTML or JSON Lines file are prose;
//! * [`pipeline`]: one file through the formats, whole or streamed in pieces;
//! * [`walk`]: which files a run reads (the one directory walker) and where they go in a mirror;
//! * [`batch`]: processing many files in parallel, in a deterministic order;
//! * [`align`] / [`eval`]: aligning texts and evaluation;
//! * [`jsonl_filter`]: repairing JSON Lines records one line in, one line out (`despin filter`).
//!
//! With the embedded dictionaries (the README's example):
//!
//! ```
//! use despin::{scan::{Scanner, ScanOptions}, repair::repair};
//!
//! let scanner = Scanner::new(despin::dict::defaults().expect("embedded dictionaries"), ScanOptions::default());
//! let text = "Talks in the Center East stalled final yr.";
//! let result = scanner.scan(text);
//! let fixed = repair(text, &result.findings, 0.5);
//! assert_eq!(fixed.text, "Talks in the Middle East stalled last year.");
//! ```

pub use despin_core::{case, error, lm, normalize, repair, scan};

pub mod align;
pub mod apply;
pub mod batch;
pub mod config;
pub mod dict;
pub mod eval;
pub mod format;
pub mod input;
pub mod jsonl_filter;
pub mod output;
pub mod pipeline;
pub mod report;
pub mod review;
pub mod review_page;
pub mod walk;

pub use error::{Error, Result};
