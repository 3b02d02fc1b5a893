//! `despin dict import`: synonym tables in each format become profiles that repair spun text;
//! malformed tables are refused with file and line; the spinner simulator round-trips.
//!
//! Every table and text here was written for these tests.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command as Std;

use assert_cmd::Command;

/// A small spinner table: keys first, one-member line for a leak.
const TABLE_PIPE: &str = "\
# a test table: key|spun forms
national security adviser|nationwide safety adviser
last year|final yr|closing yr
middle east|center east
top diplomats|prime diplomats
in principle|in precept
immediate ceasefire|direct ceasefire
said|mentioned
bill|invoice
people|individuals|folks
dollars
";

fn despin() -> Command {
    common::despin()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Import `table` (`format`, extra args) into dir/out.fst; panics with stderr on failure.
fn import(dir: &Path, table: &Path, format: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join("out.fst");
    let o = despin()
        .args(["dict", "import", "--format", format])
        .args(extra)
        .arg(table)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "import failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// `despin fix` of `text` with only the imported dictionary.
/// `despin dict lookup PHRASE` in the compiled `dict` alone: its output.
fn lookup(dict: &Path, phrase: &str) -> String {
    let o = despin()
        .args([
            "dict",
            "lookup",
            "--no-default-dict",
            "--no-config",
            "--dict",
        ])
        .arg(dict)
        .arg(phrase)
        .output()
        .unwrap();
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn fix(dict: &Path, text: &str, extra: &[&str]) -> String {
    let o = despin()
        .args(["fix", "--no-default-dict", "--no-config", "--dict"])
        .arg(dict)
        .args(extra)
        .write_stdin(text)
        .output()
        .unwrap();
    assert!(
        o.status.code().unwrap() < 2,
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

const SPUN_DOC: &str = "The nationwide safety adviser mentioned final yr that prime diplomats \
from the Center East had agreed in precept to a direct ceasefire. He mentioned the invoice \
would cost 40 {dollars} and that individuals were waiting.\n";

const REPAIRED_DOC: &str = "The national security adviser said last year that top diplomats \
from the Middle East had agreed in principle to an immediate ceasefire. He said the bill \
would cost 40 dollars and that people were waiting.\n";

#[test]
fn pipe_table_repairs_a_spun_document() {
    let dir = tempfile::tempdir().unwrap();
    let table = write(dir.path(), "plugin.txt", TABLE_PIPE);
    let fst = import(dir.path(), &table, "pipe", &[]);
    assert_eq!(fix(&fst, SPUN_DOC, &[]), REPAIRED_DOC);
}

#[test]
fn spintax_and_csv_tables_give_the_same_repairs() {
    let dir = tempfile::tempdir().unwrap();
    let spintax: String = TABLE_PIPE
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{{{l}}}\n"))
        .collect();
    let csv: String = TABLE_PIPE
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{},\n", l.replace('|', ",")))
        .collect();
    for (format, text) in [("spintax", spintax), ("csv", csv)] {
        let table = write(dir.path(), &format!("t.{format}"), &text);
        let fst = import(dir.path(), &table, format, &[]);
        assert_eq!(fix(&fst, SPUN_DOC, &[]), REPAIRED_DOC, "{format}");
    }
}

/// A spinner that writes its table's wordings as they are never writes "invoices" from
/// `bill|invoice`: by default the import maps only the table's own forms, and `--inflect`
/// adds inflected ones for spinners that inflect.
#[test]
fn inflected_forms_are_repaired_only_with_inflect() {
    let dir = tempfile::tempdir().unwrap();
    let table = write(dir.path(), "t.txt", TABLE_PIPE);
    let spun = "The nationwide safety advisers paid the invoices final yr.\n";
    let plain = import(dir.path(), &table, "pipe", &[]);
    assert_eq!(
        fix(&plain, spun, &["--min-confidence", "0.1"]),
        "The nationwide safety advisers paid the invoices last year.\n"
    );
    let inflected = import(dir.path(), &table, "pipe", &["--inflect"]);
    // An inflected form weighs a tenth of a listed one; here the trigram context ("paid the
    // bills last year") outweighs that, and the form is repaired at the default threshold too.
    assert_eq!(
        fix(&inflected, spun, &["--min-confidence", "0.1"]),
        "The national security advisers paid the bills last year.\n"
    );
    assert_eq!(
        fix(&inflected, spun, &[]),
        "The national security advisers paid the bills last year.\n"
    );
}

/// The spinner writes a wording as its table has it, one space between words: the same
/// words across a line break, or two spaces apart, are the original's.
#[test]
fn a_table_phrase_split_by_other_spacing_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let table = write(dir.path(), "t.txt", TABLE_PIPE);
    let fst = import(dir.path(), &table, "pipe", &[]);
    let args = ["--assume-spun", "--min-confidence", "0.1"];
    assert_eq!(
        fix(&fst, "They paid the bill final yr.\n", &args),
        "They paid the bill last year.\n"
    );
    for text in [
        "They paid the bill final\nyr.\n",
        "They paid the bill final  yr.\n",
    ] {
        assert_eq!(fix(&fst, text, &args), text);
    }
}

#[test]
fn shuffle_tables_let_every_member_stand_for_every_other() {
    let dir = tempfile::tempdir().unwrap();
    let table = write(
        dir.path(),
        "t.txt",
        "national security adviser|nationwide safety adviser\nfolks|people|individuals\n",
    );
    // "folks" is the key: used normally, the spinner never writes it; in shuffle mode it may
    // stand for "people" (the first other member).
    let text = "The nationwide safety adviser met folks.\n";
    let plain = import(dir.path(), &table, "pipe", &[]);
    assert_eq!(
        fix(&plain, text, &["--assume-spun"]),
        "The national security adviser met folks.\n"
    );
    let shuffled = import(dir.path(), &table, "pipe", &["--shuffle"]);
    assert_eq!(
        fix(&shuffled, text, &["--assume-spun"]),
        "The national security adviser met people.\n"
    );
}

#[test]
fn leak_lines_are_fingerprints_on_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let table = write(dir.path(), "t.txt", TABLE_PIPE);
    let fst = import(dir.path(), &table, "pipe", &[]);
    // No other sign of spinning: the `{word}` template alone is repaired.
    assert_eq!(
        fix(&fst, "It cost 40 {dollars} in all.\n", &[]),
        "It cost 40 dollars in all.\n"
    );
}

#[test]
fn swaps_stay_untouched_in_a_clean_document() {
    let dir = tempfile::tempdir().unwrap();
    let table = write(dir.path(), "t.txt", TABLE_PIPE);
    let fst = import(dir.path(), &table, "pipe", &[]);
    // The swap "mentioned" -> "said" fires in the spun document above, not here.
    let clean = "She mentioned the weather, and we walked home through the park.\n";
    assert_eq!(fix(&fst, clean, &[]), clean);
}

#[test]
fn malformed_tables_are_refused_with_file_and_line_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.fst");
    std::fs::write(&out, b"previous").unwrap();
    for (format, text, line) in [
        ("pipe", "said|mentioned\nlast year||final yr\n", 2),
        ("pipe", "said|mentioned\n\n{bill|invoice}\n", 3),
        ("spintax", "{said|mentioned}\nlast year|final yr\n", 2),
        ("spintax", "{said|mentioned}\n{a|{b}}\n", 2),
        ("csv", "said,mentioned\nbill,in|voice\n", 2),
    ] {
        let table = write(dir.path(), "bad-table.txt", text);
        let o = despin()
            .args(["dict", "import", "--format", format])
            .arg(&table)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{format}: {err}");
        assert!(
            err.contains(&format!("bad-table.txt:{line}:")),
            "{format} {text:?}: {err}"
        );
        assert_eq!(std::fs::read(&out).unwrap(), b"previous", "{format}");
    }
    let table = write(dir.path(), "t.txt", "said|mentioned\n");
    let o = despin()
        .args(["dict", "import", "--format", "pipe", "--name", "no spaces"])
        .arg(&table)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read(&out).unwrap(), b"previous");
}

#[test]
fn profile_name_tags_the_entries() {
    let dir = tempfile::tempdir().unwrap();
    let table = write(dir.path(), "t.txt", TABLE_PIPE);
    let fst = import(dir.path(), &table, "pipe", &["--name", "plugin-x"]);
    let out = lookup(&fst, "final yr");
    assert!(out.contains("plugin-x"), "{out}");
    assert!(out.contains("spinner:plugin-x"), "{out}");
    assert!(
        out.contains("fingerprint \"final yr\" -> last year"),
        "{out}"
    );
    // Without --name, the profile is named after the table's file stem (`-` kept, a character
    // a name cannot hold as `_`).
    let table = write(dir.path(), "my-table v2.txt", TABLE_PIPE);
    let fst = import(dir.path(), &table, "pipe", &[]);
    let out = lookup(&fst, "final yr");
    assert!(out.contains("my-table_v2 ("), "{out}");
    assert!(out.contains("spinner:my-table_v2"), "{out}");
}

/// The simulator spins a text with a table; importing the same table repairs it exactly.
#[test]
fn simulator_round_trip_on_a_small_table() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/simulate.py");
    if Std::new("python3").arg("--version").output().is_err() {
        common::skip(
            "simulator_round_trip_on_a_small_table",
            "python3 is not installed",
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let table = write(
        dir.path(),
        "t.txt",
        "national security adviser|nationwide safety adviser\nlast year|final yr\n\
         middle east|center east\nsaid|mentioned\npeople|individuals\ndollars\n",
    );
    let clean = "The national security adviser said last year that people in the Middle East \
                 paid 40 dollars. Said the officials: people said so.\n";
    let input = write(dir.path(), "clean.txt", clean);
    let out = dir.path().join("spun");
    let o = Std::new("python3")
        .arg(&script)
        .arg("--table")
        .arg(&table)
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let spun = std::fs::read_to_string(out.join("clean.txt")).unwrap();
    // Every key occurrence was replaced, the leak is literal, and "Middle East" is no variant of
    // the key "middle east" (only a capital first letter is).
    assert_eq!(
        spun,
        "The nationwide safety adviser mentioned final yr that individuals in the Middle East \
         paid 40 {dollars}. Mentioned the officials: individuals mentioned so.\n"
    );
    let fst = import(dir.path(), &table, "pipe", &[]);
    assert_eq!(fix(&fst, &spun, &[]), clean);
}

/// `standin_table.py --share-rate 0` never gives one synonym to two words; the default (1)
/// lets common synonyms be shared, as the first stand-in table did.
#[test]
fn standin_table_shares_synonyms_only_as_often_as_asked() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/standin_table.py");
    if Std::new("python3").arg("--version").output().is_err() {
        common::skip(
            "standin_table_shares_synonyms_only_as_often_as_asked",
            "python3 is not installed",
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Three keys with the same three common synonyms (which have no lines of their own).
    let moby = write(
        dir.path(),
        "moby.txt",
        "big,large,huge,great\nvast,large,huge,great\ngrand,large,huge,great\n",
    );
    let freq = write(
        dir.path(),
        "freq.txt",
        "big 90000000\nvast 80000000\ngrand 70000000\nlarge 60000000\nhuge 50000000\n\
         great 40000000\n",
    );
    let bigrams = write(dir.path(), "bigrams.txt", "big deal 100\n");
    // Each line's synonyms, for a run with `extra` arguments.
    let lines = |seed: u32, extra: &[&str]| -> Vec<Vec<String>> {
        let out = dir.path().join(format!("t-{seed}-{}.txt", extra.len()));
        let o = Std::new("python3")
            .arg(&script)
            .arg("--moby")
            .arg(&moby)
            .arg("--freq")
            .arg(&freq)
            .arg("--bigrams")
            .arg(&bigrams)
            .args(["--words", "3", "--phrases", "0", "--leaks", "0"])
            .args(["--seed", &seed.to_string()])
            .args(extra)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        std::fs::read_to_string(&out)
            .unwrap()
            .lines()
            .map(|l| l.split('|').skip(1).map(String::from).collect())
            .collect()
    };
    let shared = |table: &[Vec<String>]| {
        let mut seen = std::collections::HashSet::new();
        table.iter().flatten().any(|s| !seen.insert(s.clone()))
    };
    let mut any_shared = false;
    for seed in 1..=5 {
        let strict = lines(seed, &["--share-rate", "0"]);
        assert!(!strict.is_empty(), "seed {seed}: no line");
        assert!(!shared(&strict), "seed {seed}: {strict:?}");
        any_shared |= shared(&lines(seed, &[]));
    }
    assert!(any_shared, "the default never shared a synonym");
}

/// A table of common words, for keys-vanish evidence.
const COMMON_TABLE: &str = "\
said|stated|declared
people|folks|persons
year|twelvemonth
company|firm|enterprise
government|administration
city|metropolis
week|sennight
time|occasion
would|might
many|numerous
also|additionally
however|nonetheless
because|as a result of
new|novel
";

const CLEAN_NEWS: &str = "The company said on Monday that many people in the city had \
waited a week for the government to act. A year ago the company said the same, and people \
said they had no time for it because the new plan would cost too much. The government also \
said the city would get help this year. However, the company said it would hire many new \
people next week, because the new plant would open in time. Officials said the plan would \
take time, but many people in the city said they had heard it before, a year and a week ago, \
and would wait. The mayor also said the new budget would help, however long it took.\n";

/// CLEAN_NEWS as the spinner writes it: every key replaced by another member of its group.
const SPUN_NEWS: &str = "The firm stated on Monday that numerous folks in the metropolis had \
waited a sennight for the administration to act. A twelvemonth ago the enterprise declared the \
same, and persons stated they had no occasion for it as a result of the novel plan might cost \
too much. The administration additionally declared the metropolis might get help this \
twelvemonth. Nonetheless, the firm stated it might hire numerous novel folks next sennight, as \
a result of the novel plant might open in occasion. Officials declared the plan might take \
occasion, but numerous persons in the metropolis stated they had heard it before, a \
twelvemonth and a sennight ago, and might wait. The mayor additionally declared the novel \
budget might help, nonetheless long it took.\n";

fn imported_scanner(table: &str, shuffle: bool) -> despin::scan::Scanner {
    scanner_of(table, shuffle, Default::default())
}

/// A scanner with `table` imported (pipe format, profile `t`) and nothing else.
fn scanner_of(
    table: &str,
    shuffle: bool,
    options: despin::scan::ScanOptions,
) -> despin::scan::Scanner {
    use despin::dict::import::{import, ImportOptions, TableFormat};
    use despin::dict::{DictSet, Dictionary};
    let opts = ImportOptions {
        format: TableFormat::Pipe,
        shuffle,
        profile: "t".into(),
        inflect: false,
    };
    let i = import(Path::new("t.txt"), table.as_bytes(), &opts).unwrap();
    let d = Dictionary::from_entries("t", Path::new("t.txt"), &i.entries).unwrap();
    despin::scan::Scanner::new(DictSet::from_iter([d]), options)
}

/// The findings on `spun` in `text`, scanned as spun text with `table` imported (used
/// normally), in text order; at least one.
fn spun_findings(table: &str, text: &str, spun: &str) -> Vec<despin::scan::Finding> {
    let options = despin::scan::ScanOptions { assume_spun: true };
    let r = scanner_of(table, false, options).scan(text);
    let all = format!("{:?}", r.findings);
    let on: Vec<_> = r.findings.into_iter().filter(|f| f.spun == spun).collect();
    assert!(!on.is_empty(), "no finding for {spun:?}: {all}");
    on
}

/// The compiled profile records the table's keys (kind `key`), which `dict lookup` shows and
/// which survive writing and reading the compiled file.
#[test]
fn import_records_the_tables_keys() {
    let dir = tempfile::tempdir().unwrap();
    let table = write(dir.path(), "t.txt", COMMON_TABLE);
    let fst = import(dir.path(), &table, "pipe", &[]);
    let d = despin::dict::Dictionary::open(&fst).unwrap();
    let keys: Vec<&str> = d
        .entries()
        .filter(|e| e.kind == despin::dict::EntryKind::Key)
        .map(|e| e.spun)
        .collect();
    assert_eq!(keys.len(), 14, "{keys:?}");
    for k in [
        "said",
        "people",
        "year",
        "company",
        "government",
        "city",
        "week",
        "time",
    ] {
        assert!(keys.contains(&k), "{k} missing from {keys:?}");
    }
    // No group writes these keys: none is expected to survive.
    assert!(d
        .entries()
        .filter(|e| e.kind == despin::dict::EntryKind::Key)
        .all(|e| e.prior == 0.0));
    let out = lookup(&fst, "said");
    assert!(out.contains("key \"said\" -> (never flagged)"), "{out}");
    // A key is never a finding itself.
    assert_eq!(
        fix(&fst, CLEAN_NEWS, &["--min-confidence", "0"]),
        CLEAN_NEWS
    );
}

/// Keys vanish: the same spun forms are evidence in a text whose keys are missing and none in
/// a text full of them.
#[test]
fn vanished_keys_are_document_evidence() {
    let s = imported_scanner(COMMON_TABLE, false);
    let clean = s.scan(CLEAN_NEWS).evidence;
    let p = &clean.profiles;
    assert!(clean.score < 0.05, "{clean:?}");
    let spun = s.scan(SPUN_NEWS).evidence;
    let t = spun.profiles.iter().find(|p| p.profile == "t").unwrap();
    assert_eq!(t.keys_seen, 0, "{spun:?}");
    // Fourteen keys predict about one occurrence in 120 words (a whole table predicts dozens):
    // their absence is modest evidence, their abundance strong counter-evidence.
    assert!(t.keys_expected > 0.5, "{spun:?}");
    assert!(spun.score > 0.5, "{spun:?} (clean: {p:?})");
    // The clean text keeps its keys; the evidence says so.
    let ct = clean.profiles.iter().find(|p| p.profile == "t");
    assert!(ct.is_none_or(|p| p.keys_seen > 20), "{clean:?}");
    // Repaired in the spun text.
    let fixed = despin::repair::repair(SPUN_NEWS, &s.scan(SPUN_NEWS).findings, 0.3).text;
    assert_eq!(fixed, CLEAN_NEWS);
}

/// A spun form that is common English is repaired only where the document shows that its
/// keys vanished: "firm" in a clean text about firms stays.
#[test]
fn common_spun_forms_stay_in_clean_text() {
    let s = imported_scanner(COMMON_TABLE, false);
    let text = "The firm said the government of the city would pay people this year. The \
                company said the firm had time. People said a firm hand was needed every week.\n";
    let r = s.scan(text);
    assert!(r.evidence.score < 0.05, "{:?}", r.evidence);
    assert_eq!(despin::repair::repair(text, &r.findings, 0.5).text, text);
}

/// The first suggestion for `spun` in `text`, scanned as spun text with `table` imported.
fn first_suggestion(table: &str, text: &str, spun: &str) -> String {
    let last = spun_findings(table, text, spun).pop().unwrap();
    last.suggestions[0].clone()
}

/// The spinner writes a key as one of its forms at random: each of a key's five forms stands
/// for it a fifth as often as a key's only form. In a context that favours neither reading,
/// "dwelling" is read as "house" (its only form) rather than "home" (one of five), and as
/// "home" where the table writes each key as that one form.
#[test]
fn an_original_written_as_many_forms_is_less_likely_per_form() {
    let text = "It is a dwelling.\n";
    let many = "home|dwelling|abode|residence|domicile|habitation\nhouse|dwelling\n";
    assert_eq!(first_suggestion(many, text, "dwelling"), "house");
    assert_eq!(
        first_suggestion("home|dwelling\nhouse|dwelling\n", text, "dwelling"),
        "home"
    );
}

/// A document repeats its words, and the spinner writes each occurrence of a key as a random
/// form: other forms that only "home" explains, elsewhere in the document, make "dwelling" read
/// as "home" in the same sentence that alone reads as "house".
#[test]
fn the_rest_of_the_document_informs_which_original() {
    let many = "home|dwelling|abode|residence|domicile|habitation\nhouse|dwelling\n";
    assert_eq!(
        first_suggestion(many, "It is a dwelling.\n", "dwelling"),
        "house"
    );
    let text = "The abode was quiet. Her residence had a garden. It is a dwelling.\n";
    assert_eq!(first_suggestion(many, text, "dwelling"), "home");
}

/// Adjacent spun words decide each other: read one at a time (each beside the other as
/// written, then beside its repaired reading), "place" in "man place" reads as "site" and
/// "use" in "the use family" as "work"; read together with their neighbours' readings, as
/// "wall street" and "the common stock".
#[test]
fn adjacent_spun_words_are_read_back_together() {
    let table = "wall|man\nstreet|road|place\nfriend|man|pal\nhusband|man|spouse\n\
                 site|place|spot\nregard|place|thought\ncommon|use|shared\nwork|use|labour\n\
                 enjoy|use|like\nstock|family\nfolks|family|kin\ngenetic|family|inherited\n";
    let text = "Traders on man place sold shares.\n";
    assert_eq!(first_suggestion(table, text, "man"), "wall");
    assert_eq!(first_suggestion(table, text, "place"), "street");
    let text = "Holders of the use family got a dividend.\n";
    assert_eq!(first_suggestion(table, text, "use"), "common");
    assert_eq!(first_suggestion(table, text, "family"), "stock");
}

/// A reading that would put back, with its neighbours, a wording the spinner searches on an
/// earlier line cannot be how the text came about (the spinner would have replaced that
/// wording whole): "party" after "the" reads as "council" where nothing else is known, and as
/// "firm" once "the council" is searched before "council". Searched on a later line, it proves
/// nothing (a spinner taking lines in file order replaces "council" first).
#[test]
fn a_reading_that_restores_an_earlier_searched_wording_is_unlikely() {
    let table = "council|party\nfirm|party\n";
    let text = "She called the party on Friday.\n";
    assert_eq!(first_suggestion(table, text, "party"), "council");
    let earlier = format!("the council|the board\n{table}");
    assert_eq!(first_suggestion(&earlier, text, "party"), "firm");
    let later = format!("{table}the council|the board\n");
    assert_eq!(first_suggestion(&later, text, "party"), "council");
}

/// A table used in shuffle mode searches every member of a group, so the wording the original
/// used is replaced wherever it stood: a member the document shows as written elsewhere is a
/// less likely original. The rule holds for a table whose every written wording is searched
/// (here a shuffle table written out line by line), not for one that writes wordings it does
/// not search (the same lines and one more group).
#[test]
fn a_shuffle_table_reads_a_wording_shown_elsewhere_as_a_less_likely_original() {
    let shuffled = "stock|share|equity\nshare|stock|equity\nequity|stock|share\n";
    let normal = format!("{shuffled}cat|feline|kitty|moggy|puss\n");
    let text = "Investors bought the share on Monday. Later the equity fell again.\n";
    let finding = |table: &str| spun_findings(table, text, "share").remove(0);
    let (with_rule, without) = (finding(shuffled), finding(&normal));
    assert_eq!(with_rule.suggestions[0], "stock", "{with_rule:?}");
    assert!(
        without.suggestions[0] != "stock" || without.confidence < with_rule.confidence,
        "{with_rule:?} / {without:?}"
    );
}

/// Where a table writes an original in several forms and picks one at random each time, a
/// document that shows one form again and again gains no belief from its repeats: they count,
/// for each other, as one match (an original spun four times would show its other form too).
#[test]
fn repeats_of_one_form_do_not_raise_each_others_belief() {
    // "apt" stands for two originals (the document's beliefs weigh one against the other),
    // each written in two forms.
    let table = "intelligent|apt|clever\nsuitable|apt|fitting\nbook|volume\n";
    let first = "The apt student read the book.\n";
    let again = "Another apt answer came later.\nAn apt remark followed it.\nThen an apt reply.\n";
    let confidence = |text: &str| spun_findings(table, text, "apt")[0].confidence;
    let alone = confidence(first);
    let repeated = confidence(&format!("{first}{again}"));
    assert!(repeated <= alone + 0.01, "{repeated} against {alone} alone");
}

/// A spinner that takes its lines in file order replaces "council" (an earlier line) before
/// it reaches "the council", so it never writes "the board" for "the council"; one that takes
/// longer wordings first does. A document's confident phrase readings show which kind spun
/// it: here none of them holds an earlier-searched wording (file order), there all do
/// ("levy slash" for "tax cut", where "tax" is searched first: longer wordings first).
#[test]
fn a_phrase_holding_an_earlier_searched_wording_is_unlikely_in_a_file_order_document() {
    let table = "council|assembly\nthe council|the board\ntax|levy\ntax cut|levy slash\n\
budget|finances\nbudget deficit|finances shortfall\n\
national security adviser|nationwide safety adviser\ntop diplomats|prime diplomats\n\
middle east|center east\n";
    let board = "The board met in the town hall on Monday.\n";
    let file_order = format!(
        "{board}The nationwide safety adviser spoke first. Prime diplomats came from the \
         center east.\n"
    );
    let longer_first = format!(
        "{board}The levy slash came first. The finances shortfall grew, and a levy slash \
         followed.\n"
    );
    let finding = |text: &str| spun_findings(table, text, "The board").remove(0);
    let (fo, lf) = (finding(&file_order), finding(&longer_first));
    assert_eq!(lf.suggestions[0], "The council", "{lf:?}");
    // Odds of the original over the text as written fall by about e^3 in the file-order
    // document.
    assert!(fo.confidence * 4.0 < lf.confidence, "{fo:?} / {lf:?}");
}
