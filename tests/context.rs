//! The context model in the scanner's decisions and the document evidence that uses it:
//! vetoes where the text as written fits, alternatives chosen by context, context conditions
//! waived only where the model prefers the original, swaps judged again beside their repaired
//! neighbours, leaked templates and vanishing keys as evidence, and short clean paragraphs
//! left alone by the default dictionaries.

use std::path::Path;

use despin::dict::{DictSet, Dictionary};
use despin::repair::repair;
use despin::scan::{ScanOptions, Scanner};

fn scanner(csv: &str) -> Scanner {
    let d = Dictionary::from_csv_bytes("t", Path::new("t.csv"), csv.as_bytes()).unwrap();
    Scanner::new(DictSet::from_iter([d]), ScanOptions::default())
}

fn defaults() -> Scanner {
    Scanner::new(despin::dict::defaults().unwrap(), ScanOptions::default())
}

const PROFILE: &str = "spun,original,prior,kind,context,requires,tags
final yr,last year,0.97,fingerprint,,,spinner:a
international locations,countries,0.95,fingerprint,,,spinner:a
center east,Middle East,0.95,fingerprint,,,spinner:a
chief,leader,0.9,swap,,,spinner:a
mentioned,said,0.9,swap,next=that,,spinner:a
nonetheless,however|still,0.9,swap,,,spinner:a
struggle,fight|war,0.9,swap,,,spinner:a
";

/// Three fingerprints: a document spun by profile `a`.
const SPUN_LEAD: &str = "Trade between international locations fell final yr in the Center East.";

fn fixed(s: &Scanner, text: &str) -> String {
    repair(text, &s.scan(text).findings, 0.5).text
}

#[test]
fn swap_is_vetoed_where_the_spun_form_fits_its_context() {
    let s = scanner(PROFILE);
    let text = format!(
        "{SPUN_LEAD} The chief executive resigned on Monday. The opposition chief was arrested."
    );
    let r = s.scan(&text);
    assert!(r.evidence.score > 0.8, "{:?}", r.evidence);
    // "chief executive" is normal English: not even suggested. "opposition chief" is the
    // spinner's "opposition leader".
    let chiefs: Vec<_> = r.findings.iter().filter(|f| f.spun == "chief").collect();
    assert_eq!(chiefs.len(), 1, "{chiefs:?}");
    assert!(text[..chiefs[0].start].ends_with("opposition "));
    assert!(fixed(&s, &text)
        .ends_with("The chief executive resigned on Monday. The opposition leader was arrested."));
}

#[test]
fn alternatives_are_chosen_by_context() {
    let s = scanner(PROFILE);
    let text =
        format!("{SPUN_LEAD} It is nonetheless true. After the world struggle, trade recovered.");
    let out = fixed(&s, &text);
    // The dictionary lists "however" and "fight" first; the context says otherwise.
    assert!(
        out.ends_with("It is still true. After the world war, trade recovered."),
        "{out}"
    );
    let f = s
        .scan(&text)
        .findings
        .into_iter()
        .find(|f| f.spun == "struggle")
        .unwrap();
    assert_eq!(
        f.suggestions,
        ["war", "fight"],
        "the other original stays listed"
    );
}

#[test]
fn alternatives_are_chosen_with_two_words_of_context() {
    let s = scanner(PROFILE);
    // One word each side ("a _ with") favours "fight"; the word before that decides:
    // rebels fight a war, a boxer picks a fight.
    let text = format!(
        "{SPUN_LEAD} The rebels fought a struggle with the army. The boxer picked a struggle \
         with the referee."
    );
    let out = fixed(&s, &text);
    assert!(
        out.ends_with(
            "The rebels fought a war with the army. The boxer picked a fight with the referee."
        ),
        "{out}"
    );
}

#[test]
fn same_sentence_is_repaired_in_a_spun_document_and_untouched_in_a_clean_one() {
    let s = defaults();
    let sentence = "The envoy mentioned that individuals in the border towns had been \
                    requested to stay indoors.";
    assert_eq!(fixed(&s, sentence), sentence, "clean: unchanged");
    let spun = format!(
        "Talks in the Center East stalled final yr, and the nationwide safety adviser flew to \
         the area on Sunday. {sentence}"
    );
    let out = fixed(&s, &spun);
    assert!(
        out.starts_with(
            "Talks in the Middle East stalled last year, and the national security adviser"
        ),
        "{out}"
    );
    assert!(
        out.contains("The envoy said that people in the border towns"),
        "{out}"
    );
    assert!(out.contains(" asked "), "{out}");
}

#[test]
fn short_clean_news_paragraphs_are_not_changed() {
    let s = defaults();
    let text = include_str!("fixtures/clean-paragraphs.txt");
    let paragraphs: Vec<&str> = text.split("\n\n").map(str::trim).collect();
    assert_eq!(paragraphs.len(), 50);
    let mut changed = Vec::new();
    for (i, p) in paragraphs.iter().enumerate() {
        let words = p.split_whitespace().count();
        assert!((40..=150).contains(&words), "paragraph {i}: {words} words");
        // Each paragraph is its own document, as a JSON Lines record would be.
        let out = fixed(&s, p);
        if out != *p {
            changed.push(format!("paragraph {i}:\n  {p}\n  {out}"));
        }
    }
    assert!(changed.is_empty(), "{}", changed.join("\n"));
}

const SWAPS: &str = "spun,original,prior,kind,context,requires,tags
mentioned,said,0.9,swap,,,spinner:a
individuals,people,0.9,swap,,,spinner:a
firm,company,0.9,swap,,,spinner:a
additionally,also,0.9,swap,,,spinner:a
";

#[test]
fn leaked_templates_are_spinner_evidence() {
    let s = scanner(SWAPS);
    let text = "Officials mentioned the plan would cost {dollars} 40 million.";
    let r = s.scan(text);
    assert!(r.evidence.score > 0.5, "{:?}", r.evidence);
    let plain = "Officials mentioned the plan would cost 40 million dollars.";
    assert!(s.scan(plain).evidence.score < 0.05);
    // Braces around a non-word, or code-like text with spaces inside, are no template.
    assert!(s.scan("The set { } was empty and {1} too.").evidence.score < 0.05);
}

/// A swap the context model cannot judge rests below its prior; judged again once its spun
/// neighbour is repaired ("final yr" -> "final year"), the model sees "last year" against
/// "final year" and the swap gets its full prior. At prior 0.55 that is the difference
/// between suggested and applied at the default threshold.
#[test]
fn a_swap_is_judged_again_beside_its_repaired_neighbours() {
    let spun = ScanOptions { assume_spun: true };
    let alone = "spun,original,prior,kind,context,requires,tags\nfinal,last,0.55,swap,,,\n";
    let both = format!("{alone}yr,year,0.9,swap,,,\n");
    let text = "Sales dipped final yr in Europe.";
    let confidence = |csv: &str| {
        let d = Dictionary::from_csv_bytes("t", Path::new("t.csv"), csv.as_bytes()).unwrap();
        let s = Scanner::new(DictSet::from_iter([d]), spun.clone());
        let r = s.scan(text);
        let f = r
            .findings
            .iter()
            .find(|f| f.spun == "final")
            .expect("a finding");
        (f.confidence, repair(text, &r.findings, 0.5).text)
    };
    let (c_alone, fixed_alone) = confidence(alone);
    let (c_both, fixed_both) = confidence(&both);
    let cap = 0.55 * despin::scan::MAX_EVIDENCE;
    assert!(c_alone < 0.5, "{c_alone}");
    assert_eq!(fixed_alone, text);
    assert!((c_both - cap).abs() < 0.001, "{c_both} against {cap}");
    assert_eq!(fixed_both, "Sales dipped last year in Europe.");
}
