//! Argument parsing and dispatch. Each subcommand lives in its own module and only wires the
//! library together; exit codes are decided here.

mod apply;
mod batch;
mod common;
mod config;
mod dict;
mod eval;
mod filter;
mod fix;
mod inflect;
mod learn_pairs;
mod review;
mod scan;
mod single;

use clap::{Parser, Subcommand};

/// Exit code: ran fine (`scan`: nothing found; `fix`/`apply`: done, changed or not).
pub const EXIT_CLEAN: i32 = 0;
/// Exit code: `scan` reported findings; `fix`/`apply --exit-code` changed (or would change)
/// something.
pub const EXIT_FOUND: i32 = 1;
/// Exit code: an error occurred (the message says which file and why).
pub const EXIT_ERROR: i32 = 2;
/// Exit code: interrupted by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: i32 = 130;

/// Find and repair synonym-spun text ("Center East" for "Middle East", "final yr" for
/// "last year", "counterfeit consciousness" for "artificial intelligence").
///
/// despin matches text against phrase dictionaries (embedded by default, layered lowest
/// first: `news-learned`, `news-inferred`, `news`, `science`; later layers win on the same
/// span) and suggests or applies the original wording. Everything it does not repair stays
/// byte-for-byte identical. `--version` shows the licences and required attributions of the data.
///
/// Exit codes: 0 success (scan: nothing found), 1 scan found something (or, with
/// --exit-code, fix/apply changed something), 2 error, 130 interrupted (Ctrl-C, SIGTERM:
/// outputs in progress are removed, finished ones kept).
#[derive(Parser, Debug)]
#[command(name = "despin", version = version_text(), about, long_about, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The version line, then the licence of despin and of each embedded dictionary with the
/// attribution it requires (CC BY data must be credited wherever it is shipped).
fn version_text() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        let mut t = format!(
            "{}\nLicence: {}\nEmbedded dictionaries (layer order, lowest first):",
            env!("CARGO_PKG_VERSION"),
            env!("CARGO_PKG_LICENSE")
        );
        for e in despin::dict::embedded_dicts() {
            t.push_str(&format!("\n  {} ({}): {}", e.name, e.file, e.licence));
            if !e.attribution.is_empty() {
                t.push_str(&format!("\n    Attribution: {}", e.attribution));
            }
        }
        t.push_str(&format!(
            "\nDiscovery thesaurus ({}): {}",
            despin::dict::thesaurus::SOURCE,
            despin::dict::thesaurus::NOTICE
        ));
        t.push_str(&format!(
            "\nContext model (dictionaries/lm): {}",
            despin::lm::NOTICE
        ));
        t
    })
}

const EXAMPLES: &str = "Examples:
  despin fix article.txt               print the repaired article
  despin fix article.txt -o clean.txt  write it to a file (atomically)
  cat article.txt | despin fix         repair stdin to stdout
  despin scan article.txt              list suspected spun phrases
  despin scan a.txt --format csv > report.csv   a report to review in a spreadsheet
  despin fix articles/ --out clean/ --report report.csv   clean a whole tree
  despin fix articles/ --in-place --backup .orig        rewrite files, keeping originals
  despin review articles/ -o review.html   review in the browser, export decisions
  despin apply report.csv --in-place   apply the rows a reviewer accepted
  despin dict learn --from-report report.csv    remember the decisions";

#[derive(Subcommand, Debug)]
enum Command {
    /// List suspected spun phrases with suggested originals.
    Scan(scan::Args),
    /// Repair spun phrases, writing the repaired text.
    Fix(fix::Args),
    /// Repair the text field of JSON Lines records, stdin to stdout (for Spark / Hadoop).
    Filter(filter::Args),
    /// Measure repairs against originals (precision, recall, F0.5) and clean-text changes.
    Eval(eval::Args),
    /// Write a self-contained HTML page to review findings in a browser and export the
    /// decisions for `despin apply`.
    Review(review::Args),
    /// Apply the accepted rows of a reviewed CSV report.
    Apply(apply::Args),
    /// Dictionary tools: learn (from reviews or spun/original pairs), check, build, lookup,
    /// add, stats.
    Dict(dict::Args),
    /// Show the effective configuration (despin.toml) and where each value came from.
    Config(config::Args),
}

/// Parse arguments, run, and return the process exit code.
pub fn main() -> i32 {
    // Outputs are renamed into place complete; on Ctrl-C or SIGTERM the ones in progress
    // are removed too, so an interrupted run leaves no partial file, not even a hidden one.
    // (Without a handler, e.g. if another is installed, a later run clears them.)
    let _ = ctrlc::set_handler(|| {
        despin::output::remove_live_temps();
        std::process::exit(EXIT_INTERRUPTED);
    });
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            };
            let _ = e.print();
            return code;
        }
    };
    let result = match cli.command {
        Command::Scan(a) => scan::run(a),
        Command::Fix(a) => fix::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Dict(a) => dict::run(a),
        Command::Filter(a) => filter::run(a),
        Command::Apply(a) => apply::run(a),
        Command::Review(a) => review::run(a),
        Command::Config(a) => config::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return EXIT_CLEAN;
            }
            eprintln!("despin: error: {}", message(&e));
            EXIT_ERROR
        }
    }
}

/// The error and its causes joined by `: `, leaving out a cause whose text the message already
/// ends with (library errors quote their source: "a.txt: No such file or directory").
fn message(e: &anyhow::Error) -> String {
    let mut m = String::new();
    for cause in e.chain() {
        let c = cause.to_string();
        if m.is_empty() {
            m = c;
        } else if !m.ends_with(&c) {
            m.push_str(": ");
            m.push_str(&c);
        }
    }
    m
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
