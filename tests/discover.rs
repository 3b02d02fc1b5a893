//! Discovery (findings of kind `discovered`): thesaurus suggestions for words no dictionary
//! knows, only in documents that are clearly spun; reported with their kind, applied by `fix`
//! only above the calibrated margin, and learnable from a reviewed report.

mod common;

use common::despin_args;

/// Spinner fingerprints (embedded `news` dictionary) that make a paragraph clearly spun.
const SPUN_OPENING: &str = "Talks in the Center East stalled final yr, and the envoy \
    will return subsequent yr. Prices rose 5 % this 12 months after a 12 months in the past \
    they fell.\n\n";

/// A sentence whose word "misplace" no dictionary knows; the thesaurus neighbour "lose" fits
/// "would _ weight" far better.
const SENTENCE: &str = "Doctors expect that patients would misplace weight quickly on the plan.\n";

fn run(args: &[&str], stdin: &str) -> (i32, String) {
    let out = despin_args(args).write_stdin(stdin).output().unwrap();
    let code = out.status.code().unwrap();
    assert!(code < 2, "{}", String::from_utf8_lossy(&out.stderr));
    (code, String::from_utf8(out.stdout).unwrap())
}

fn json_rows(text: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["scan", "--format", "json"];
    args.extend_from_slice(extra);
    args.push("-");
    run(&args, text)
        .1
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn discovered(rows: &[serde_json::Value]) -> Vec<&serde_json::Value> {
    rows.iter()
        .filter(|r| r["dictionary"].as_str().unwrap().starts_with("discovered:"))
        .collect()
}

#[test]
fn a_spun_paragraph_gets_a_discovered_suggestion_and_fix_applies_it() {
    let text = format!("{SPUN_OPENING}{SENTENCE}");
    let rows = json_rows(&text, &[]);
    let found = discovered(&rows);
    assert_eq!(found.len(), 1, "{rows:#?}");
    let f = found[0];
    assert_eq!(f["spun"], "misplace");
    assert_eq!(f["suggestion"], "lose");
    assert!(f["confidence"].as_f64().unwrap() >= 0.5, "{f}");
    assert!(f["doc_score"].as_f64().unwrap() >= 0.85, "{f}");
    // The byte offsets point at the word in the input.
    let (s, e) = (
        f["byte_start"].as_u64().unwrap() as usize,
        f["byte_end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[s..e], "misplace");

    let (_, fixed) = run(&["fix", "-"], &text);
    assert!(
        fixed.contains("patients would lose weight quickly"),
        "{fixed}"
    );
    // Switched off, nothing is discovered and the word stays.
    assert!(discovered(&json_rows(&text, &["--no-discovery"])).is_empty());
    let (_, kept) = run(&["fix", "--no-discovery", "-"], &text);
    assert!(kept.contains("would misplace weight"), "{kept}");
}

#[test]
fn the_same_sentence_in_a_clean_document_is_left_alone() {
    let clean = format!(
        "The clinic opened a new wing this year. Nurses welcomed the extra beds.\n\n{SENTENCE}"
    );
    let rows = json_rows(&clean, &[]);
    assert!(discovered(&rows).is_empty(), "{rows:#?}");
    let (_, fixed) = run(&["fix", "-"], &clean);
    assert_eq!(fixed, clean);
}

#[test]
fn weak_suggestions_are_reported_but_not_applied() {
    // "danger" -> "risk" fits "higher _ of" better, but by less than the calibrated
    // margin: reported for review, not applied at the default threshold.
    let text =
        format!("{SPUN_OPENING}Experts warned of a higher danger of floods near the river.\n");
    let rows = json_rows(&text, &[]);
    let found = discovered(&rows);
    assert_eq!(found.len(), 1, "{rows:#?}");
    assert_eq!(found[0]["spun"], "danger");
    assert_eq!(found[0]["suggestion"], "risk");
    let confidence = found[0]["confidence"].as_f64().unwrap();
    assert!(confidence > 0.0 && confidence < 0.5, "{}", found[0]);
    let (_, fixed) = run(&["fix", "-"], &text);
    assert!(fixed.contains("higher danger of"), "{fixed}");
    // A threshold below its confidence applies it.
    let (_, fixed) = run(&["fix", "--min-confidence", "0.005", "-"], &text);
    assert!(fixed.contains("higher risk of"), "{fixed}");
}

#[test]
fn capitalised_words_digits_and_closed_class_words_are_never_discovered() {
    // "Misplace" starts a sentence (capitalised); "Lose" would fit as well, but discovery
    // never touches capitals.
    let text =
        format!("{SPUN_OPENING}Misplace weight quickly, doctors tell patients on the plan.\n");
    let rows = json_rows(&text, &[]);
    for r in discovered(&rows) {
        let spun = r["spun"].as_str().unwrap();
        assert!(
            spun.bytes().all(|b| b.is_ascii_lowercase()),
            "discovered a word that is not lower-case letters: {r}"
        );
        assert!(
            !despin::dict::inflect::is_closed_class(spun),
            "closed-class word: {r}"
        );
    }
    assert!(
        !discovered(&rows).iter().any(|r| r["spun"] == "Misplace"),
        "{rows:#?}"
    );
}

#[test]
fn reports_carry_the_kind_and_learning_turns_an_accepted_row_into_an_entry() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("article.txt");
    std::fs::write(&article, format!("{SPUN_OPENING}{SENTENCE}")).unwrap();
    let out = despin_args(["scan", "--format", "csv"])
        .arg(&article)
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let mut rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    let disc: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i][col("dictionary")].starts_with("discovered:"))
        .collect();
    assert_eq!(disc.len(), 1, "{csv}");
    assert_eq!(&rows[disc[0]][col("spun")], "misplace");

    // The review page names the kind.
    let page = dir.path().join("review.html");
    let report = dir.path().join("report.csv");
    std::fs::write(&report, &csv).unwrap();
    let st = despin_args(["review", "--from-report"])
        .arg(&report)
        .arg("-o")
        .arg(&page)
        .output()
        .unwrap();
    // Exit 1: findings to review.
    assert!(
        st.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("\"kind\":\"discovered\""), "kind missing");

    // Accept the discovered row only, learn, and the learned entry repairs the word in a new
    // spun document even with discovery switched off.
    for (i, r) in rows.iter_mut().enumerate() {
        let mut cells: Vec<String> = r.iter().map(String::from).collect();
        cells[col("decision")] = if i == disc[0] { "accept" } else { "" }.into();
        *r = csv::StringRecord::from(cells);
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&headers).unwrap();
    for r in &rows {
        w.write_record(r).unwrap();
    }
    std::fs::write(&report, w.into_inner().unwrap()).unwrap();
    let learned = dir.path().join("learned.csv");
    let st = despin_args(["dict", "learn", "--from-report"])
        .arg(&report)
        .arg("--into")
        .arg(&learned)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let entries = std::fs::read_to_string(&learned).unwrap();
    let row = entries
        .lines()
        .find(|l| l.starts_with("misplace,"))
        .unwrap_or_else(|| panic!("{entries}"));
    assert!(row.contains(",lose,"), "{row}");
    assert!(row.contains(",swap,"), "{row}");
    assert!(row.contains("discovered"), "{row}");

    let other = format!("{SPUN_OPENING}Runners often misplace water bottles along the way.\n");
    let mut args = vec!["scan", "--format", "json", "--no-discovery", "--dict"];
    let learned_s = learned.to_str().unwrap();
    args.push(learned_s);
    args.push("-");
    let rows: Vec<serde_json::Value> = run(&args, &other)
        .1
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let hit: Vec<_> = rows.iter().filter(|r| r["spun"] == "misplace").collect();
    assert_eq!(hit.len(), 1, "{rows:#?}");
    assert_eq!(hit[0]["suggestion"], "lose");
    // From the learned dictionary (discovery is off), as a swap of its own.
    assert!(!hit[0]["dictionary"]
        .as_str()
        .unwrap()
        .starts_with("discovered:"));
}

#[test]
fn the_library_discovers_only_with_a_thesaurus() {
    use despin::scan::{ScanOptions, Scanner};
    let text = format!("{SPUN_OPENING}{SENTENCE}");
    let kinds = |s: &Scanner| -> Vec<&'static str> {
        s.scan(&text)
            .findings
            .iter()
            .map(|f| f.kind.as_str())
            .collect()
    };
    let plain = Scanner::new(despin::dict::defaults().unwrap(), ScanOptions::default());
    assert!(!kinds(&plain).contains(&"discovered"));
    let with = plain.with_discovery(Some(despin::dict::thesaurus::embedded()));
    let found = with.scan(&text).findings;
    let d: Vec<_> = found
        .iter()
        .filter(|f| f.kind.as_str() == "discovered")
        .collect();
    assert_eq!(d.len(), 1, "{found:#?}");
    assert_eq!(d[0].suggestions, ["lose"]);
    assert_eq!(d[0].entry_source, despin::dict::thesaurus::SOURCE);
}
