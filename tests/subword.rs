//! Sub-word discovery (`despin_core::scan::subword`): non-words a spinner made by swapping a
//! piece of a word for a thesaurus neighbour ("weekfinish": end -> finish) are repaired in a
//! document that holds several of them, and raise its spin score; a lone unknown word is left
//! alone, and so is one whose rebuilt word is no known word.

mod common;

use common::despin_args;

/// Three invented sub-word spins of common words: weekend (end -> finish), shipment
/// (ship -> transport), partner (part -> component).
const SPUN: &str = "Over the weekfinish the firm confirmed that a large transportment of \
    parts had been delayed at the border.\nIts main business componentner told reporters the \
    plant would reopen soon.\n";

fn run(args: &[&str], stdin: &str) -> String {
    let out = despin_args(args).write_stdin(stdin).output().unwrap();
    let code = out.status.code().unwrap();
    assert!(code < 2, "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn json_rows(text: &str) -> Vec<serde_json::Value> {
    run(&["scan", "--format", "json", "-"], text)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn subword(rows: &[serde_json::Value]) -> Vec<&serde_json::Value> {
    rows.iter()
        .filter(|r| r["dictionary"].as_str().unwrap().starts_with("subword:"))
        .collect()
}

/// The spin score `scan --summary` gives a text (its first data row).
fn summary_score(text: &str) -> f64 {
    let out = run(&["scan", "--summary", "-"], text);
    let row = out
        .lines()
        .nth(1)
        .unwrap_or_else(|| panic!("no summary row: {out}"));
    row.split_whitespace().next().unwrap().parse().unwrap()
}

#[test]
fn several_sub_word_spins_are_repaired_and_raise_the_spin_score() {
    let rows = json_rows(SPUN);
    let found: Vec<(&str, &str)> = subword(&rows)
        .iter()
        .map(|r| {
            (
                r["spun"].as_str().unwrap(),
                r["suggestion"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("weekfinish", "weekend"),
            ("transportment", "shipment"),
            ("componentner", "partner")
        ],
        "{rows:#?}"
    );
    for r in subword(&rows) {
        assert!(r["confidence"].as_f64().unwrap() >= 0.5, "{r}");
    }
    let fixed = run(&["fix", "-"], SPUN);
    assert!(fixed.contains("Over the weekend the firm"), "{fixed}");
    assert!(fixed.contains("a large shipment of parts"), "{fixed}");
    assert!(fixed.contains("business partner told"), "{fixed}");
    // Everything else is byte-identical.
    assert_eq!(
        fixed
            .replace("weekend", "weekfinish")
            .replace("shipment", "transportment")
            .replace("partner", "componentner"),
        SPUN
    );

    let clean = "Over the weekend the firm confirmed that a large shipment of parts had been \
        delayed at the border.\nIts main business partner told reporters the plant would \
        reopen soon.\n";
    let (spun, plain) = (summary_score(SPUN), summary_score(clean));
    assert!(spun > 0.5 && spun > plain, "spun {spun}, clean {plain}");

    // Switched off with discovery.
    let out = run(&["fix", "--no-discovery", "-"], SPUN);
    assert_eq!(out, SPUN);
}

#[test]
fn a_lone_unknown_word_in_clean_text_is_left_alone() {
    // One rebuildable non-word, one rare word the model does not know: no evidence.
    let text = "We met at the garden over the weekfinish and admired the quincunx of \
        old pear trees beside the wall.\n";
    let rows = json_rows(text);
    assert!(subword(&rows).is_empty(), "{rows:#?}");
    assert_eq!(run(&["fix", "-"], text), text);
}

#[test]
fn a_token_whose_rebuilt_word_is_no_known_word_gets_nothing() {
    // "qqtransportzz" rebuilds only to non-words ("qqshipzz"); its neighbours in the same
    // document are still repaired.
    let text = format!("{SPUN}The qqtransportzz label was printed on each crate.\n");
    let rows = json_rows(&text);
    let found = subword(&rows);
    assert_eq!(found.len(), 3, "{rows:#?}");
    assert!(
        !rows.iter().any(|r| r["spun"] == "qqtransportzz"),
        "{rows:#?}"
    );
    let fixed = run(&["fix", "-"], &text);
    assert!(fixed.contains("The qqtransportzz label"), "{fixed}");
}
