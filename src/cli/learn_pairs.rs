//! `despin dict learn --spun PATH --original PATH`: propose entries from aligned pairs.

use std::path::PathBuf;

use anyhow::{bail, Result};
use despin::dict::learn_pairs as learn;
use despin::eval::pair_files;
use despin::{input, output};

use super::EXIT_CLEAN;

/// Learning from spun/original pairs.
#[derive(clap::Args, Debug)]
pub struct PairArgs {
    /// Spun file, or directory of spun `*.txt` files.
    #[arg(long, value_name = "PATH", requires = "original")]
    pub spun: Option<PathBuf>,

    /// Its original, or a directory of originals with the same names (or the same directory,
    /// with `NAME.reference.txt` beside each `NAME.txt`).
    #[arg(long, value_name = "PATH", requires = "spun")]
    pub original: Option<PathBuf>,

    /// Clean text (files or directories of `*.txt`, symbolic links not followed): phrases that
    /// occur there become swaps, the rest fingerprints.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub clean: Vec<PathBuf>,

    /// Keep substitutions seen at least this many times.
    #[arg(long, default_value = "1", value_name = "N")]
    pub min_count: usize,

    /// Keep substitutions seen in at least N pairs.
    #[arg(long, default_value = "1", value_name = "N")]
    pub min_docs: usize,

    /// Swaps (phrases found in the clean text) must be seen in at least N pairs.
    #[arg(long, default_value = "3", value_name = "N")]
    pub min_swap_docs: usize,

    /// Drop swaps whose phrase occurs more than X times per 1,000 clean words (function
    /// words such as "of" or "at" need a hand-written context instead).
    #[arg(long, default_value = "0.5", value_name = "X")]
    pub max_swap_rate: f64,

    /// Spinner profile to tag the entries with (`spinner:NAME`).
    #[arg(long, default_value = "a", value_name = "NAME")]
    pub profile: String,

    /// The profile's spinner works in shuffle mode (any member of a synonym group replaces
    /// any other, as spinner B does): also propose every substitution in the other
    /// direction (`invoice -> bill` also gives the swap `bill -> invoice`).
    #[arg(long)]
    pub shuffle: bool,

    /// With --clean: phrases at least this common in English (Zipf frequency by the context
    /// model: 4 is once per 100,000 words) count as found in the clean text, so they become
    /// swaps, never fingerprints.
    #[arg(long, default_value_t = learn::COMMON_ZIPF, value_name = "ZIPF")]
    pub common_zipf: f32,

    /// Drop proposals the pairs show unchanged too often: estimated precision (replaced + 1)
    /// / (replaced + kept + 2) below P; the estimate also caps the prior.
    #[arg(long, default_value_t = learn::MIN_PRECISION, value_name = "P")]
    pub min_precision: f32,

    /// Dictionaries (CSV sources) whose pairs a person vouches for, such as the team's
    /// synonym table (`dictionaries/tools/inferred-pairs.csv`): a swap whose spun ->
    /// original pair is an entry there needs only --min-vouched-docs pairs, not
    /// --min-swap-docs, if the pairs mostly restore its spun phrase to that original.
    /// Repeatable.
    #[arg(long, value_name = "DICT.csv", num_args = 1..)]
    pub vouched: Vec<PathBuf>,

    /// Swaps vouched for by --vouched must be seen in at least N pairs (on the development
    /// set, vouched swaps seen in one pair were right 3 times in 4, in two pairs 6 in 7).
    #[arg(long, default_value_t = learn::MIN_VOUCHED_DOCS, value_name = "N")]
    pub min_vouched_docs: usize,

    /// Propose only what the pairs show (and, with --shuffle, its reversal): no forms derived
    /// by lemma or inflection. On the development set derived forms were mostly wrong (the
    /// spinner's table gives each word form its own synonyms).
    #[arg(long)]
    pub no_inflections: bool,
}

/// Run pair learning, writing the proposals to `into` (or stdout).
pub fn run(args: &PairArgs, into: Option<&std::path::Path>) -> Result<i32> {
    let (Some(spun), Some(original)) = (&args.spun, &args.original) else {
        bail!("give --spun and --original");
    };
    let mut pairs = Vec::new();
    let found = pair_files(spun, original)?;
    super::eval::warn_unpaired(&found);
    for (s, o) in found.pairs {
        pairs.push((input::read_file(&s)?, input::read_file(&o)?));
    }
    if pairs.is_empty() {
        bail!(
            "no spun/original pairs found under {} and {}",
            spun.display(),
            original.display()
        );
    }
    let mut proposals = learn::propose(&pairs);
    if args.no_inflections {
        proposals.retain(|p| !p.inflected);
    }
    if args.shuffle {
        let reversed = learn::reverse(&proposals);
        proposals.extend(reversed);
    }
    learn::count_kept(&mut proposals, &pairs);
    let mut selection = learn::Selection {
        min_count: args.min_count,
        min_docs: args.min_docs,
        min_swap_docs: args.min_swap_docs,
        max_swap_rate: args.max_swap_rate,
        profile: args.profile.clone(),
        common_zipf: args.common_zipf,
        min_precision: args.min_precision,
        min_vouched_docs: args.min_vouched_docs,
        ..learn::Selection::default()
    };
    for v in &args.vouched {
        selection
            .vouched
            .extend(learn::vouched(&super::common::read_source(v)?.entries));
    }
    if !args.clean.is_empty() {
        let mut clean = Vec::new();
        for c in &args.clean {
            for f in despin::walk::corpus_files(c, Some("txt"))? {
                clean.push(input::read_file(&f)?);
            }
        }
        selection.clean_words = learn::count_clean_hits(&mut proposals, &clean);
    }
    let entries = learn::to_entries(&proposals, &selection);
    let mut buf = Vec::new();
    learn::write_csv(&mut buf, &entries)?;
    match into {
        Some(p) => output::write_atomic(p, &buf)?,
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&buf)?;
        }
    }
    eprintln!(
        "despin: {} entries proposed from {} pairs",
        entries.len(),
        pairs.len()
    );
    Ok(EXIT_CLEAN)
}
