//! `despin dict inflect`: the engine's word forms of a phrase, a pair, or every row of a CSV;
//! bad rows are refused with file and line; `dictionaries/tools/gen_inferred.py --inflect`
//! takes its forms from the binary.
//!
//! Every phrase and table here was written for these tests.

mod common;

use std::path::Path;
use std::process::Command as Std;

use common::despin_args;

/// Run `despin dict inflect ARGS` and return its CSV rows (header checked, then left out).
fn inflect(args: &[&str], stdin: &str) -> Vec<Vec<String>> {
    let mut c = despin_args(["dict", "inflect"]);
    c.args(args).write_stdin(stdin);
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("spun,original,form,spun_form,original_form")
    );
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    rdr.records()
        .skip(1)
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

fn row(cells: [&str; 5]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

#[test]
fn a_pair_gets_the_forms_both_sides_have() {
    let rows = inflect(&["invoice", "--original", "bill"], "");
    assert!(rows.contains(&row(["invoice", "bill", "plural", "invoices", "bills"])));
    assert!(rows.contains(&row(["invoice", "bill", "past", "invoiced", "billed"])));
    assert!(rows.contains(&row(["invoice", "bill", "ing", "invoicing", "billing"])));
    // Already inflected, or a function word: nothing.
    assert!(inflect(&["mentioned", "--original", "said"], "").is_empty());
    assert!(inflect(&["however"], "").is_empty());
}

#[test]
fn a_phrase_alone_inflects_its_head_word_and_keeps_its_case() {
    assert_eq!(
        inflect(&["chief of staff"], ""),
        [row(["chief of staff", "", "plural", "chiefs of staff", ""])]
    );
    let went = inflect(&["Go"], "");
    assert!(
        went.contains(&row(["Go", "", "past", "Went", ""])),
        "{went:?}"
    );
    assert!(went.contains(&row(["Go", "", "participle", "Gone", ""])));
}

#[test]
fn every_row_and_alternative_of_a_csv_in_order() {
    let csv = "\u{feff}# a comment\nspun,original,kind\nnation,country|state,swap\n\n\
               security adviser,,allow\nmentioned,said,fingerprint\n";
    let rows = inflect(&["--csv", "-"], csv);
    assert!(rows.contains(&row([
        "nation",
        "country",
        "plural",
        "nations",
        "countries"
    ])));
    assert!(rows.contains(&row(["nation", "state", "plural", "nations", "states"])));
    // An empty original: the spun phrase alone, its head word inflected.
    assert!(rows.contains(&row([
        "security adviser",
        "",
        "plural",
        "security advisers",
        ""
    ])));
    assert!(!rows.iter().any(|r| r[0] == "mentioned"));
    // Input order: all of `nation -> country` before `nation -> state`.
    let nation: Vec<&str> = rows
        .iter()
        .filter(|r| r[0] == "nation")
        .map(|r| r[1].as_str())
        .collect();
    let first_state = nation.iter().position(|o| *o == "state").unwrap();
    assert!(first_state > 0);
    assert!(nation[..first_state].iter().all(|o| *o == "country"));
    assert!(nation[first_state..].iter().all(|o| *o == "state"));
}

#[test]
fn bad_rows_are_refused_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pairs.csv");
    std::fs::write(
        &path,
        b"spun,original\r\nnation,country\r\n\xff\xfe,state\r\n,empty\r\n".as_slice(),
    )
    .unwrap();
    let out = despin_args(["dict", "inflect", "--csv"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let name = path.display().to_string();
    assert!(err.contains(&format!("{name}:3: not valid UTF-8")), "{err}");
    assert!(
        err.contains(&format!("{name}:4: empty `spun` phrase")),
        "{err}"
    );
    assert!(out.stdout.is_empty(), "nothing printed for a refused file");

    std::fs::write(&path, "phrase,original\nnation,country\n").unwrap();
    let out = despin_args(["dict", "inflect", "--csv"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`spun` column"));
}

/// `gen_inferred.py --inflect` writes the engine's forms: one implementation of English word
/// forms for the binary and the dictionary tools.
#[test]
fn gen_inferred_takes_its_inflections_from_the_binary() {
    if Std::new("python3").arg("--version").output().is_err() {
        common::skip(
            "gen_inferred_takes_its_inflections_from_the_binary",
            "python3 is not installed",
        );
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("table.txt");
    std::fs::write(
        &table,
        "n:country|nation\nv:announce|introduce\nsaid|mentioned\n",
    )
    .unwrap();
    // Every form frequent enough, but "introducing" (too rare: its pair is left out).
    let freq = dir.path().join("freq.txt");
    let mut words = String::new();
    for w in [
        "country",
        "countries",
        "nation",
        "nations",
        "announce",
        "announces",
        "announced",
        "announcing",
        "introduce",
        "introduces",
        "introduced",
        "said",
        "mentioned",
    ] {
        words.push_str(&format!("{w} 500000\n"));
    }
    words.push_str("introducing 5\n");
    std::fs::write(&freq, words).unwrap();
    let out_csv = dir.path().join("out.csv");
    let o = Std::new("python3")
        .arg(root.join("dictionaries/tools/gen_inferred.py"))
        .arg(&table)
        .arg(&out_csv)
        .arg("--freq")
        .arg(&freq)
        .arg("--inflect")
        .arg("--despin")
        .arg(common::BIN)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let written = std::fs::read_to_string(&out_csv).unwrap();
    let spun_original: Vec<(String, String)> = written
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("spun,"))
        .map(|l| {
            let mut c = l.split(',');
            (c.next().unwrap().into(), c.next().unwrap().into())
        })
        .collect();
    let has = |s: &str, o: &str| spun_original.contains(&(s.into(), o.into()));
    assert!(has("nation", "country"), "{written}");
    assert!(has("nations", "countries"), "{written}");
    assert!(has("introduce", "announce"), "{written}");
    assert!(has("introduces", "announces"), "{written}");
    assert!(has("introduced", "announced"), "{written}");
    assert!(
        !has("introducing", "announcing"),
        "rare form kept: {written}"
    );
    // Only n:/v: lines inflect, and never a past participle line of their own.
    assert!(!spun_original
        .iter()
        .any(|(s, _)| s.starts_with("mentioned") && s != "mentioned"));
    assert!(written.contains("inflected"), "{written}");
}
