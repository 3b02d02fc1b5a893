//! `despin dict ...`: tools for people who extend dictionaries.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use despin::config::Overrides;
use despin::dict::check::{check_sources, fires_on_clean, Problem, ProblemKind};
use despin::dict::source::{self, parse_source, EntryKind, SourceEntry};
use despin::dict::stats::Stats;
use despin::dict::{learn_review as learn, Dictionary};
use despin::{output, review};
use despin_core::located_csv::LocatedCsv;

use super::common::read_source;

use super::common::{parse_confidence, ConfigArgs, DictArgs};
use super::{EXIT_CLEAN, EXIT_FOUND};

/// Dictionary tools: learn from reviews, check, build, import a spinner's table, look up, add, count, inflect.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Learn from a reviewed report: accepted rows become entries, rejected rows allow
    /// entries (in their context), in a user dictionary.
    Learn(LearnArgs),
    /// Check dictionary sources: malformed rows, conflicting originals, cycles, impossible
    /// inflections ("howevers", "ats"), and with --clean entries that fire on known-clean text. Exit 0 clean, 1 problems, 2 error.
    Check(CheckArgs),
    /// Compile dictionary sources into one memory-mappable file, loadable with --dict.
    Build(BuildArgs),
    /// Show what a phrase would match and why: the key, each dictionary's entries, and
    /// what scanning the phrase alone finds.
    Lookup(LookupArgs),
    /// Append an entry to a dictionary source (created with a header if missing).
    Add(AddArgs),
    /// Count entries per dictionary, kind and tag.
    Stats(StatsArgs),
    /// Turn a spinner's synonym table into a compiled profile for --dict: each spun form
    /// maps back to the wordings it replaces (with --inflect, inflected forms too); one-member lines become
    /// `{word}` leak fingerprints. A malformed table is refused (file and line), nothing written.
    Import(ImportArgs),
    /// Print the word forms despin's engine makes of a phrase, of a pair (PHRASE --original
    /// ORIGINAL: the forms both sides have, as `dict import` adds them), or of every row of a
    /// CSV with `spun` and `original` columns, as CSV:
    /// spun,original,form,spun_form,original_form.
    Inflect(super::inflect::InflectArgs),
}

/// Where learned or added entries go.
#[derive(clap::Args, Debug)]
struct IntoArgs {
    /// The user dictionary to write (default: `dictionaries.user` in despin.toml, else
    /// despin-user.csv).
    #[arg(long, value_name = "FILE")]
    into: Option<PathBuf>,

    #[command(flatten)]
    config: ConfigArgs,
}

impl IntoArgs {
    fn path(&self) -> Result<PathBuf> {
        let config = self.config.load()?;
        let o = Overrides {
            user_dictionary: self.into.clone(),
            ..Overrides::default()
        };
        let e = despin::config::Effective::resolve(config.as_ref(), &o, &[]);
        Ok(e.user_dictionary.value)
    }
}

#[derive(clap::Args, Debug)]
struct LearnArgs {
    /// The reviewed report (`decision` column filled in).
    #[arg(
        long,
        value_name = "REPORT.csv",
        required_unless_present = "spun",
        conflicts_with = "spun"
    )]
    from_report: Option<PathBuf>,

    /// Or learn from spun/original document pairs (writes proposals to --into, or stdout).
    #[command(flatten)]
    pairs: super::learn_pairs::PairArgs,

    /// With --from-report: dictionaries the scan that made the report used besides the
    /// embedded and configured ones, so each accepted row keeps the kind and conditions of
    /// the entry that produced it. Repeatable.
    #[arg(long = "dict", value_name = "PATH", requires = "from_report")]
    dicts: Vec<PathBuf>,

    #[command(flatten)]
    into: IntoArgs,
}

#[derive(clap::Args, Debug)]
struct CheckArgs {
    /// Dictionary sources (CSV) to check together.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,

    /// Also scan the text files under DIR (symbolic links not followed), known to be clean,
    /// with these dictionaries only, and report every entry that fires there.
    #[arg(long, value_name = "DIR")]
    clean: Option<PathBuf>,

    /// With --clean, count only findings with at least this confidence.
    #[arg(long, default_value = "0", value_parser = parse_confidence, value_name = "X")]
    min_confidence: f32,
}

#[derive(clap::Args, Debug)]
struct BuildArgs {
    /// Dictionary sources (CSV) to compile into one dictionary.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,

    /// The compiled file to write (atomically).
    #[arg(short, long, value_name = "X.fst")]
    output: PathBuf,

    /// Name of the dictionary, shown in findings (default: the stem of the single source,
    /// else of the output).
    #[arg(long)]
    name: Option<String>,
}

#[derive(clap::Args, Debug)]
struct LookupArgs {
    /// The phrase to look up.
    phrase: String,

    #[command(flatten)]
    dict: DictArgs,
}

#[derive(clap::Args, Debug)]
struct AddArgs {
    /// The spun phrase.
    spun: String,
    /// The original wording (alternatives separated by `|`, best first).
    original: String,
    /// Confidence prior, between 0 and 1.
    #[arg(long, default_value = "0.9", value_parser = parse_confidence)]
    prior: f32,
    /// fingerprint, swap or allow.
    #[arg(long, default_value = "fingerprint", value_parser = str::parse::<EntryKind>)]
    kind: EntryKind,
    /// Context condition (see dictionaries/README.md).
    #[arg(long, default_value = "")]
    context: String,
    /// Tags, `;`-separated.
    #[arg(long, default_value = "")]
    tags: String,
    /// Free note.
    #[arg(long, default_value = "")]
    note: String,

    #[command(flatten)]
    into: IntoArgs,
}

#[derive(clap::Args, Debug)]
struct StatsArgs {
    /// Dictionaries to count (default: the ones scan would use). Embedded dictionaries also
    /// show their licence and the attribution it requires.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,

    #[command(flatten)]
    dict: DictArgs,
}

/// Table syntaxes for `dict import`.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum TableFormatArg {
    /// `key|syn1|syn2` per line: the key is replaced by the others.
    Pipe,
    /// `{key|syn1|syn2}` per line.
    Spintax,
    /// One group per CSV row, key first (empty cells ignored).
    Csv,
}

#[derive(clap::Args, Debug)]
struct ImportArgs {
    /// The spinner's table.
    #[arg(value_name = "TABLE")]
    table: PathBuf,

    /// How the table is written.
    #[arg(long, value_enum)]
    format: TableFormatArg,

    /// The table is used in shuffle mode: any member may have replaced any other.
    #[arg(long)]
    shuffle: bool,

    /// Also map inflected forms of the table's wordings ("invoices -> bills" from
    /// `bill|invoice`), for a spinner that inflects what it writes. Off by default: a spinner
    /// that writes its table's wordings as they are never writes a form the table lacks, and
    /// inflected entries then only change original words.
    #[arg(long)]
    inflect: bool,

    /// Name of the dictionary and of its spinner profile (tag `spinner:NAME`); letters,
    /// digits, `-`, `_` (default: the table's file stem, any other character as `_`).
    #[arg(long)]
    name: Option<String>,

    /// The compiled file to write (atomically).
    #[arg(short, long, value_name = "OUT.fst")]
    output: PathBuf,
}

pub fn run(args: Args) -> Result<i32> {
    match args.command {
        Command::Learn(a) => run_learn(a),
        Command::Check(a) => run_check(a),
        Command::Build(a) => run_build(a),
        Command::Lookup(a) => run_lookup(a),
        Command::Add(a) => run_add(a),
        Command::Stats(a) => run_stats(a),
        Command::Import(a) => run_import(a),
        Command::Inflect(a) => super::inflect::run(a),
    }
}

fn run_learn(a: LearnArgs) -> Result<i32> {
    let Some(from_report) = a.from_report else {
        return super::learn_pairs::run(&a.pairs, a.into.into.as_deref());
    };
    let into = a.into.path()?;
    let data = std::fs::read(&from_report)
        .with_context(|| format!("cannot read report {}", from_report.display()))?;
    let rows = review::read_reviewed(&from_report, &data)?;
    let mut entries = if into.exists() {
        read_source(&into)?.entries
    } else {
        Vec::new()
    };
    // The dictionaries a scan with this configuration uses: the report's `dictionary` cells
    // name their entries, whose kind and conditions the learned entries keep.
    let dicts = super::common::DictArgs {
        dicts: a.dicts,
        names: None,
        no_default_dict: false,
        assume_spun: false,
        no_discovery: false,
        config: a.into.config.clone(),
    }
    .scanner()?;
    let mut origins = learn::origins(dicts.dicts());
    if into.exists() {
        // Findings of the learned file itself (`despin-user:LINE`) when it was loaded.
        let own = Dictionary::open(&into)
            .with_context(|| format!("cannot load dictionary {}", into.display()))?;
        for (k, v) in learn::origins(&despin::dict::DictSet::from_iter([own])) {
            origins.entry(k).or_insert(v);
        }
    }
    let done = learn::learn(
        &mut entries,
        &rows,
        &mut |p| std::fs::read_to_string(despin::report::label_path(p)).ok(),
        &origins,
    );
    let text = source::to_csv(
        "Learned by `despin dict learn` from review decisions: accepted phrases, and\n\
         `allow` rows for rejected ones. Load it with --dict or dictionaries.user in despin.toml.",
        &entries,
    );
    output::write_atomic(&into, text.as_bytes())?;
    eprintln!(
        "despin: {}: {} accepted ({} new), {} rejected ({} new); use it with --dict {}",
        into.display(),
        done.accepted_new + done.accepted_again,
        done.accepted_new,
        done.rejected_new + done.rejected_again,
        done.rejected_new,
        into.display()
    );
    Ok(EXIT_CLEAN)
}

fn run_check(a: CheckArgs) -> Result<i32> {
    let mut sources = Vec::new();
    for p in &a.files {
        let data =
            std::fs::read(p).with_context(|| format!("cannot read dictionary {}", p.display()))?;
        if data.starts_with(despin::dict::compiled::MAGIC_PREFIX) {
            bail!(
                "{}: is a compiled dictionary; check its CSV sources instead",
                p.display()
            );
        }
        sources.push((p.clone(), parse_source(p, &data)));
    }
    let mut problems = check_sources(&sources);
    if let Some(dir) = &a.clean {
        let mut set = despin::dict::DictSet::new();
        for (p, parsed) in &sources {
            let name = p
                .file_stem()
                .map_or_else(|| "dict".into(), |s| s.to_string_lossy().into_owned());
            set.push(Dictionary::from_entries(&name, p, &parsed.entries)?);
        }
        let scanner = despin::scan::Scanner::new(set, Default::default());
        for hit in fires_on_clean(&scanner, dir, a.min_confidence)? {
            let path = a
                .files
                .iter()
                .find(|p| {
                    p.file_name()
                        .is_some_and(|f| f.to_string_lossy() == hit.source)
                })
                .cloned()
                .unwrap_or_else(|| PathBuf::from(&hit.source));
            problems.push(Problem {
                path,
                line: u64::from(hit.line),
                kind: ProblemKind::FiresOnClean,
                message: format!(
                    "{:?} fired {} time(s), first at {}:{}",
                    hit.spun,
                    hit.count,
                    hit.example.0.display(),
                    hit.example.1
                ),
            });
        }
    }
    let mut out = std::io::stdout().lock();
    for p in &problems {
        writeln!(out, "{p}").context("cannot write to stdout")?;
    }
    let entries: usize = sources.iter().map(|(_, p)| p.entries.len()).sum();
    eprintln!(
        "despin: {} file(s), {entries} valid entries, {} problem(s)",
        sources.len(),
        problems.len()
    );
    Ok(if problems.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FOUND
    })
}

fn run_build(a: BuildArgs) -> Result<i32> {
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    for p in &a.files {
        let data =
            std::fs::read(p).with_context(|| format!("cannot read dictionary {}", p.display()))?;
        let parsed = parse_source(p, &data);
        errors.extend(parsed.errors);
        entries.extend(parsed.entries);
    }
    if !errors.is_empty() {
        return Err(
            anyhow::Error::from(despin::Error::DictRows { rows: errors })
                .context("nothing was built (run `despin dict check` for details)"),
        );
    }
    // One source: keep its name and file so findings read exactly as with the CSV.
    let origin = match a.files.as_slice() {
        [one] => one.clone(),
        _ => a.output.clone(),
    };
    let name = a.name.clone().unwrap_or_else(|| {
        origin
            .file_stem()
            .map_or_else(|| "user".into(), |s| s.to_string_lossy().into_owned())
    });
    let dict = Dictionary::from_entries(&name, &origin, &entries)?;
    output::check_not_input(&a.output, a.files.iter().map(PathBuf::as_path))?;
    output::write_atomic(&a.output, &dict.to_bytes())?;
    eprintln!(
        "despin: wrote {} ({} entries, dictionary `{name}`)",
        a.output.display(),
        dict.len()
    );
    Ok(EXIT_CLEAN)
}

fn run_lookup(a: LookupArgs) -> Result<i32> {
    let scanner = a.dict.scanner()?;
    let key = despin::normalize::normalize_phrase(&a.phrase);
    let mut out = std::io::stdout().lock();
    let mut w = |s: String| writeln!(out, "{s}").context("cannot write to stdout");
    w(format!("key: {key:?}"))?;
    let mut any = false;
    // Top layer first: that is the order in which they win.
    for d in scanner.dicts().layers().iter().rev() {
        for e in d.lookup(&a.phrase) {
            any = true;
            let mut line = format!(
                "{} ({}:{}): {} {:?} -> {}  prior {}",
                d.name(),
                e.source,
                e.line,
                e.kind.as_str(),
                e.spun,
                if !e.kind.repairs() {
                    "(never flagged)".to_string()
                } else {
                    e.originals().collect::<Vec<_>>().join(" | ")
                },
                e.prior
            );
            if !e.context.is_empty() {
                line.push_str(&format!("  context: {}", e.context));
            }
            if !e.requires.is_empty() {
                line.push_str(&format!("  requires: {}", e.requires));
            }
            if !e.tags.is_empty() {
                line.push_str(&format!("  tags: {}", e.tags));
            }
            if !e.note.is_empty() {
                line.push_str(&format!("  note: {}", e.note));
            }
            w(line)?;
        }
    }
    if !any {
        w("no entry has exactly this key".into())?;
    }
    let found = scanner.scan(&a.phrase);
    if found.findings.is_empty() {
        w("scanning the phrase alone finds nothing (conditions may need more context)".into())?;
    }
    for f in &found.findings {
        w(format!(
            "scanning the phrase alone: {:?} -> {:?} [{:.2} {} {}:{}]",
            f.spun,
            f.suggestions.first().map_or("", |s| s.as_str()),
            f.confidence,
            f.kind,
            f.dictionary,
            f.entry_line
        ))?;
    }
    Ok(if any || !found.findings.is_empty() {
        EXIT_FOUND
    } else {
        EXIT_CLEAN
    })
}

fn run_add(a: AddArgs) -> Result<i32> {
    let into = a.into.path()?;
    let entry = SourceEntry {
        spun: a.spun.trim().to_string(),
        key: String::new(),
        originals: a
            .original
            .split('|')
            .map(|s| s.trim().to_string())
            .collect(),
        prior: a.prior,
        kind: a.kind,
        context: a.context.clone(),
        requires: vec![],
        tags: a
            .tags
            .split(';')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect(),
        note: a.note.clone(),
        line: 0,
    };
    // Validate with the real parser, then append the row as written.
    let row_csv = source::to_csv("", std::slice::from_ref(&entry));
    let check = parse_source(Path::new("<new entry>"), row_csv.as_bytes());
    if let Some(e) = check.errors.first() {
        bail!("entry refused: {}", e.message);
    }
    let existing = match std::fs::read(&into) {
        Ok(d) => Some(d),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", into.display())),
    };
    let new = match existing {
        None => row_csv.clone(),
        Some(mut data) => {
            let parsed = parse_source(&into, &data);
            if !parsed.errors.is_empty() {
                return Err(despin::Error::DictRows {
                    rows: parsed.errors,
                }
                .into());
            }
            let row = row_in_file_order(&into, &data, &row_csv)?;
            let crlf = data.windows(2).any(|w| w == b"\r\n");
            let eol = if crlf { "\r\n" } else { "\n" };
            if !data.is_empty() && !data.ends_with(b"\n") {
                data.extend_from_slice(eol.as_bytes());
            }
            data.extend_from_slice(row.trim_end().as_bytes());
            data.extend_from_slice(eol.as_bytes());
            String::from_utf8(data).context("dictionary is not UTF-8")?
        }
    };
    output::write_atomic(&into, new.as_bytes())?;
    eprintln!(
        "despin: added {:?} -> {:?} to {}",
        entry.spun,
        a.original,
        into.display()
    );
    Ok(EXIT_CLEAN)
}

/// The new row (`row_csv`: standard header + one row) rearranged into the column order of
/// the existing file `data`; refuses a value for a column the file does not have.
fn row_in_file_order(path: &Path, data: &[u8], row_csv: &str) -> Result<String> {
    let (header, _) = LocatedCsv::new(data, true, Some(b'#'))
        .headers()
        .with_context(|| format!("cannot read the header of {}", path.display()))?;
    let header: Vec<String> = header
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_ascii_lowercase())
        .collect();
    let mut new = csv::Reader::from_reader(row_csv.as_bytes());
    let values = new.records().next().context("no row")??;
    for (name, v) in source::COLUMNS.iter().zip(values.iter()) {
        if !v.is_empty() && !header.iter().any(|h| h == name) {
            bail!("{} has no `{name}` column for {v:?}", path.display());
        }
    }
    let cells: Vec<&str> = header
        .iter()
        .map(|h| {
            source::COLUMNS
                .iter()
                .position(|c| c == h)
                .and_then(|i| values.get(i))
                .unwrap_or("")
        })
        .collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&cells)?;
    Ok(String::from_utf8(w.into_inner()?)?)
}

fn run_stats(a: StatsArgs) -> Result<i32> {
    let dicts: Vec<Dictionary> = if a.files.is_empty() {
        a.dict.scanner()?.dicts().layers().to_vec()
    } else {
        a.files
            .iter()
            .map(|p| Dictionary::open(p).with_context(|| format!("cannot load {}", p.display())))
            .collect::<Result<_>>()?
    };
    let mut out = std::io::stdout().lock();
    for d in &dicts {
        let s = Stats::of(d);
        let kinds: Vec<String> = s.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        let tags: Vec<String> = s.tags.iter().map(|(k, n)| format!("{k} {n}")).collect();
        writeln!(
            out,
            "{} ({}): {} entries, {} keys; {}; {} with context, {} with requires\n  tags: {}",
            s.name,
            s.origin,
            s.entries,
            s.keys,
            kinds.join(", "),
            s.with_context,
            s.with_requires,
            if tags.is_empty() {
                "-".into()
            } else {
                tags.join(", ")
            }
        )
        .context("cannot write to stdout")?;
        if let Some(licence) = s.licence {
            writeln!(out, "  licence: {licence}").context("cannot write to stdout")?;
        }
        if let Some(a) = s.attribution.filter(|a| !a.is_empty()) {
            writeln!(out, "  attribution: {a}").context("cannot write to stdout")?;
        }
    }
    Ok(EXIT_CLEAN)
}

fn run_import(a: ImportArgs) -> Result<i32> {
    use despin::dict::import::{self, ImportOptions, TableFormat};
    let name = match &a.name {
        Some(n) => n.clone(),
        None => a.table.file_stem().map_or_else(
            || "imported".into(),
            |s| {
                s.to_string_lossy()
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect()
            },
        ),
    };
    if !import::valid_profile_name(&name) {
        bail!("--name {name:?}: use letters, digits, `-` and `_` only");
    }
    let data = std::fs::read(&a.table)
        .with_context(|| format!("cannot read table {}", a.table.display()))?;
    let opts = ImportOptions {
        format: match a.format {
            TableFormatArg::Pipe => TableFormat::Pipe,
            TableFormatArg::Spintax => TableFormat::Spintax,
            TableFormatArg::Csv => TableFormat::Csv,
        },
        shuffle: a.shuffle,
        profile: name.clone(),
        inflect: a.inflect,
    };
    let imported = import::import(&a.table, &data, &opts)
        .map_err(anyhow::Error::from)
        .with_context(|| format!("{}: nothing was imported", a.table.display()))?;
    let dict = Dictionary::from_entries(&name, &a.table, &imported.entries)?;
    output::check_not_input(&a.output, [a.table.as_path()])?;
    output::write_atomic(&a.output, &dict.to_bytes())?;
    eprintln!(
        "despin: wrote {} (dictionary and profile `{name}`): {} groups, {} entries \
         ({} fingerprints of which {} leaks, {} inflected, {} keys); use it with --dict {}",
        a.output.display(),
        imported.groups,
        dict.len(),
        imported.fingerprints,
        imported.leaks,
        imported.inflected,
        imported.keys,
        a.output.display()
    );
    Ok(EXIT_CLEAN)
}
