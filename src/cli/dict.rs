//! `despin dict ...`: tools for people who extend dictionaries.

use std::path::PathBuf;

use anyhow::Result;

use super::learn_pairs;

/// Dictionary tools.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub command: DictCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum DictCommand {
    /// Propose entries from aligned spun/original pairs (review them before use).
    Learn(LearnArgs),
}

/// `dict learn`.
#[derive(clap::Args, Debug)]
pub struct LearnArgs {
    #[command(flatten)]
    pub pairs: learn_pairs::PairArgs,

    /// Write the proposals to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub into: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<i32> {
    match args.command {
        DictCommand::Learn(a) => learn_pairs::run(&a.pairs, a.into.as_deref()),
    }
}
