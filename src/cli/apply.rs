//! `despin apply`: apply the accepted rows of a reviewed report.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use despin::apply::{self, ApplyOptions, Destination, Outcome};
use despin::review;

use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FOUND};

/// Apply the rows of a reviewed CSV report whose `decision` is `accept`.
///
/// Exit codes: 0 success (files changed or not), 1 with --exit-code when files changed (or
/// would change), 2 error or refused rows.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The report (`despin scan --format csv`) with its `decision` column filled in; `-`
    /// reads it from stdin.
    #[arg(value_name = "REPORT.csv")]
    pub report: PathBuf,

    /// Write repaired copies under DIR, mirroring the report's paths (absolute paths lose
    /// their leading `/`).
    #[arg(long, value_name = "DIR", conflicts_with = "in_place")]
    pub out: Option<PathBuf>,

    /// Rewrite the files named in the report (atomically).
    #[arg(long)]
    pub in_place: bool,

    /// Treat rows with an empty decision as accepted.
    #[arg(long)]
    pub accept_empty: bool,

    /// Print a diff of what would change and write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Exit 1 when files changed (or, with --dry-run, would change), for CI checks.
    #[arg(long)]
    pub exit_code: bool,

    /// Directory that relative paths in the report are relative to (default: the current
    /// directory, where `despin scan` is normally run).
    #[arg(long, value_name = "DIR")]
    pub base: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<i32> {
    let target = match (&args.out, args.in_place) {
        (Some(dir), _) => Some(Destination::OutDir(dir.clone())),
        (None, true) => Some(Destination::InPlace),
        (None, false) => None,
    };
    if target.is_none() && !args.dry_run {
        bail!("say where to write: --in-place, --out DIR, or --dry-run to only see the changes");
    }
    let data = if args.report.as_os_str() == "-" {
        let mut d = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut d)
            .context("cannot read the report from stdin")?;
        d
    } else {
        std::fs::read(&args.report)
            .with_context(|| format!("cannot read report {}", args.report.display()))?
    };
    let rows = review::read_reviewed(&args.report, &data)?;
    let base = args.base.clone().unwrap_or_else(|| PathBuf::from("."));
    let options = ApplyOptions {
        accept_empty: args.accept_empty,
        ..ApplyOptions::default()
    };
    let plan = apply::plan(&args.report, &rows, &base, &options).context("nothing was written")?;

    let mut refused = 0;
    for (line, path, why) in plan.refused() {
        eprintln!(
            "despin: {}:{line}: {path}: refused: {why}",
            args.report.display()
        );
        refused += 1;
    }
    let applied = plan.count(|o| matches!(o, Outcome::Applied | Outcome::Relocated { .. }));
    let relocated = plan.count(|o| matches!(o, Outcome::Relocated { .. }));
    let already = plan.count(|o| *o == Outcome::AlreadyApplied);
    let changed = plan.files.iter().filter(|f| f.changed()).count();

    if args.dry_run {
        let mut out = std::io::stdout().lock();
        for f in &plan.files {
            out.write_all(f.unified_diff().as_bytes())
                .context("cannot write to stdout")?;
        }
        out.flush().context("cannot write to stdout")?;
    } else if let Some(target) = &target {
        apply::write_plan(&plan, target)?;
    }
    eprintln!(
        "despin: {applied} row(s) {}applied ({relocated} relocated), {already} already applied, \
         {refused} refused; {changed} file(s) {}",
        if args.dry_run { "would be " } else { "" },
        if args.dry_run {
            "would change"
        } else {
            "changed"
        },
    );
    Ok(if refused > 0 {
        EXIT_ERROR
    } else if args.exit_code && changed > 0 {
        EXIT_FOUND
    } else {
        EXIT_CLEAN
    })
}
