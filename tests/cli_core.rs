//! End-to-end tests of `despin scan` and `despin fix` on single files and stdin.

mod common;

use assert_cmd::Command;
use predicates::prelude::*;

const DICT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dict.csv");
const SPUN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/spun.txt");
const CLEAN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/clean.txt");

fn despin(args: &[&str]) -> Command {
    let mut c = common::despin();
    c.args(args).args(["--no-default-dict", "--dict", DICT]);
    c
}

fn fix_stdin(input: &[u8]) -> (i32, Vec<u8>, String) {
    let out = despin(&["fix"])
        .write_stdin(input.to_vec())
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn fix_repairs_spun_file_to_stdout() {
    let out = despin(&["fix", SPUN]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    // "Prime" and "area" are swaps entered at prior 0.6: repaired only because the context
    // model clearly prefers their originals here ("Top diplomats from", "the region said").
    assert_eq!(
        text,
        "Officials said that talks in the Middle East stalled last year, when the\n\
         national security adviser asked for an immediate ceasefire. Top diplomats from the\n\
         region said an agreement was agreed in principle.\n"
    );
}

#[test]
fn clean_text_is_untouched_and_exits_zero() {
    let original = std::fs::read(CLEAN).unwrap();
    let out = despin(&["fix", CLEAN]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, original);
    despin(&["scan", CLEAN]).assert().code(0).stdout("");
}

#[test]
fn bytes_outside_repairs_are_preserved() {
    let input = "\u{FEFF}Final yr\r\n\tthe  Center  East,\r\n\r\nFINAL YR  ";
    let (code, out, _) = fix_stdin(input.as_bytes());
    assert_eq!(code, 0);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "\u{FEFF}Last year\r\n\tthe  Middle  East,\r\n\r\nLAST YEAR  "
    );
}

#[test]
fn phrases_do_not_cross_paragraph_breaks_but_do_cross_line_breaks() {
    let (_, out, _) = fix_stdin(b"final\nyr and final\n\nyr");
    // The line break inside the repaired phrase is kept.
    assert_eq!(out, b"last\nyear and final\n\nyr");
}

#[test]
fn word_boundaries_are_respected() {
    // "area" inside "areas", "final yr" inside "final yrs", "prime" inside "primer".
    let input = "Several areas. A primer for diplomats. The final yrs.";
    let (code, out, _) = fix_stdin(input.as_bytes());
    assert_eq!(code, 0);
    assert_eq!(out, input.as_bytes());
}

#[test]
fn longest_match_wins() {
    let out = despin(&["scan", "-", "--format", "csv"])
        .write_stdin("The nationwide safety adviser and nationwide safety.")
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[1].contains(",nationwide safety adviser,national security adviser,"),
        "{csv}"
    );
    assert!(
        lines[2].contains(",nationwide safety,national security,"),
        "{csv}"
    );
}

#[test]
fn curly_quotes_dashes_and_case_normalise() {
    let (code, out, _) = fix_stdin("The MOST UP–TO–DATE figures.".as_bytes());
    assert_eq!(code, 0);
    assert_eq!(String::from_utf8(out).unwrap(), "The MOST RECENT figures.");
}

#[test]
fn csv_report_has_the_contract_columns() {
    let out = despin(&["scan", SPUN, "--format", "csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let mut rdr = csv::Reader::from_reader(&out.stdout[..]);
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        "path,line,column,byte_start,byte_end,spun,suggestion,alternatives,confidence,dictionary,context,decision"
            .split(',')
            .collect::<Vec<_>>()
    );
    let text = std::fs::read_to_string(SPUN).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert!(rows.len() >= 8);
    for r in &rows {
        let (s, e): (usize, usize) = (r[3].parse().unwrap(), r[4].parse().unwrap());
        assert_eq!(&text[s..e], &r[5], "byte range slices to the spun text");
        assert_eq!(&r[11], "", "decision left empty");
    }
    let mentioned = rows.iter().find(|r| &r[5] == "mentioned").unwrap();
    assert_eq!((&mentioned[1], &mentioned[2]), ("1", "11"));
    assert_eq!((&mentioned[6], &mentioned[7]), ("said", "stated"));
    let region = rows.iter().find(|r| &r[5] == "area").unwrap();
    assert_eq!((&region[1], &region[2]), ("3", "1"));
}

#[test]
fn json_output_is_one_object_per_finding() {
    let out = despin(&["scan", "--format", "json"])
        .write_stdin("Final yr in the Center East.")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let objs: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objs.len(), 2);
    assert_eq!(objs[0]["spun"], "Final yr");
    assert_eq!(objs[0]["suggestion"], "Last year");
    assert_eq!(objs[1]["byte_start"], 16);
    assert_eq!(objs[1]["column"], 17);
    assert!(objs[1]["doc_score"].as_f64().unwrap() > 0.5);
    // The same fields as the CSV report, in its order, plus `doc_score`.
    let keys: Vec<&str> = objs[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "path",
            "line",
            "column",
            "byte_start",
            "byte_end",
            "spun",
            "suggestion",
            "alternatives",
            "confidence",
            "dictionary",
            "context",
            "decision",
            "doc_score"
        ]
    );
}

#[test]
fn invalid_utf8_on_stdin_is_a_clear_error() {
    let (code, out, err) = fix_stdin(b"fine line\nbad \xff byte");
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("not valid UTF-8") && err.contains("line 2"),
        "{err}"
    );
}

/// A file with NUL bytes is binary for a single file and stdin as in a batch run (and as a
/// single file over 8 MiB already was): a clear error, nothing written, never "repaired".
#[test]
fn binary_input_is_a_clear_error_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("blob.dat");
    std::fs::write(&bin, b"PNG\0\x01 final yr Center East").unwrap();
    let out = dir.path().join("out.dat");
    let bin = bin.to_str().unwrap();
    for args in [
        vec!["fix", bin],
        vec!["fix", bin, "-o", out.to_str().unwrap()],
        vec!["scan", bin],
    ] {
        despin(&args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("blob.dat").and(predicate::str::contains("binary")));
    }
    assert!(!out.exists());
    let (code, out, err) = fix_stdin(b"final yr\0");
    assert_eq!((code, out.len()), (2, 0), "{err}");
    assert!(err.contains("binary"), "{err}");
}

#[test]
fn unreadable_file_is_a_clear_error() {
    despin(&["scan", "/nonexistent/article.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/nonexistent/article.txt"));
}

#[test]
fn empty_input_is_fine() {
    let (code, out, _) = fix_stdin(b"");
    assert_eq!((code, out.len()), (0, 0));
}

#[test]
fn fix_writes_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("clean.txt");
    despin(&["fix", SPUN, "-o", out.to_str().unwrap()])
        .assert()
        .code(0)
        .stdout("");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("Middle East"));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
}

#[test]
fn unwritable_output_is_an_error() {
    despin(&["fix", SPUN, "-o", "/proc/despin-cannot-write/x.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot write"));
}

#[test]
fn malformed_dictionary_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("bad.csv");
    std::fs::write(
        &d,
        "spun,original,prior\nok,fine,0.5\nbad,,0.5\nworse,x,7\n",
    )
    .unwrap();
    let out = common::despin()
        .args(["scan", "--no-default-dict", "--dict", d.to_str().unwrap()])
        .write_stdin("x")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.csv:3:") && err.contains("bad.csv:4:"),
        "{err}"
    );
}

#[test]
fn min_confidence_filters_what_fix_applies() {
    let input = "Final yr. Prime diplomats met in the Center East.";
    let out = despin(&["fix", "--min-confidence", "0.96"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "Last year. Prime diplomats met in the Center East."
    );
}

#[test]
fn bad_arguments_exit_two() {
    common::despin()
        .args(["scan", "--format", "xml"])
        .assert()
        .code(2);
    common::despin()
        .args(["fix", "--min-confidence", "3"])
        .assert()
        .code(2);
}

#[test]
fn embedded_dictionaries_work_without_files() {
    let out = common::despin()
        .args(["fix"])
        .write_stdin("It rose final yr.")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "It rose last year.");
}

#[test]
fn summary_ranks_files_by_spin_score() {
    let out = despin(&["scan", "--summary", CLEAN, SPUN])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].contains("spin") && lines[0].contains("path"));
    assert!(
        lines[1].ends_with("spun.txt") && lines[2].ends_with("clean.txt"),
        "{text}"
    );
    let score: f32 = lines[1].split_whitespace().next().unwrap().parse().unwrap();
    assert!(score > 0.5, "{text}");
    assert!(lines[2].trim_start().starts_with("0.00"), "{text}");
}
