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

#[test]
fn inflected_forms_are_repaired_too() {
    let dir = tempfile::tempdir().unwrap();
    let table = write(dir.path(), "t.txt", TABLE_PIPE);
    let fst = import(dir.path(), &table, "pipe", &[]);
    let spun = "The nationwide safety advisers paid the invoices final yr.\n";
    assert_eq!(
        fix(&fst, spun, &[]),
        "The national security advisers paid the bills last year.\n"
    );
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
    let o = despin()
        .args([
            "dict",
            "lookup",
            "--no-default-dict",
            "--no-config",
            "--dict",
        ])
        .arg(&fst)
        .arg("final yr")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("plugin-x"), "{out}");
    assert!(out.contains("spinner:plugin-x"), "{out}");
    assert!(
        out.contains("fingerprint \"final yr\" -> last year"),
        "{out}"
    );
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
