//! Library-level tests of the engine: evidence, conditions, layering, compiled dictionaries,
//! and a property test of the scanner and repair invariants.

use std::path::Path;

use despin::dict::{DictSet, Dictionary};
use despin::repair::repair;
use despin::scan::{ScanOptions, Scanner};
use proptest::prelude::*;

fn dict(name: &str, csv: &str) -> Dictionary {
    Dictionary::from_csv_bytes(name, Path::new(&format!("{name}.csv")), csv.as_bytes()).unwrap()
}

fn scanner(layers: &[Dictionary]) -> Scanner {
    let mut set = DictSet::new();
    for d in layers {
        set.push(d.clone());
    }
    Scanner::new(set, ScanOptions::default())
}

const PROFILE: &str = "spun,original,prior,kind,context,requires,tags
final yr,last year,0.97,fingerprint,,,spinner:a
international locations,countries,0.95,fingerprint,,,spinner:a
center east,Middle East,0.95,fingerprint,,,spinner:a
mentioned,said,0.8,swap,next=that,,spinner:a
individuals,people,0.8,swap,,,spinner:a
bosom,breast,0.9,fingerprint,,breast,science
";

#[test]
fn swaps_need_document_evidence() {
    let s = scanner(&[dict("p", PROFILE)]);
    let sentence = "The minister mentioned that individuals would vote.";
    // Alone (a clean document), the swaps don't fire.
    let clean = s.scan(sentence);
    assert!(clean.findings.is_empty(), "{:?}", clean.findings);
    assert_eq!(clean.evidence.score, 0.0);
    // The same sentence inside a document with fingerprints of the same spinner is repaired.
    let spun = format!("Trade between international locations fell final yr. {sentence}");
    let r = s.scan(&spun);
    assert!(r.evidence.score > 0.7, "{:?}", r.evidence);
    let fixed = repair(&spun, &r.findings, 0.5);
    assert_eq!(
        fixed.text,
        "Trade between countries fell last year. The minister said that people would vote."
    );
}

#[test]
fn swaps_never_fire_on_words_written_in_capitals() {
    let s = scanner(&[dict(
        "p",
        &format!("{PROFILE}pc,computer,0.8,swap,,,spinner:a\n"),
    )]);
    let spun = "Trade between international locations fell final yr. Individuals bought a pc. \
                INDIVIDUALS BOUGHT A PC.";
    let fixed = repair(spun, &s.scan(spun).findings, 0.5);
    assert_eq!(
        fixed.text,
        "Trade between countries fell last year. People bought a computer. \
         INDIVIDUALS BOUGHT A PC."
    );
}

#[test]
fn swap_confidence_grows_with_evidence() {
    let s = scanner(&[dict("p", PROFILE)]);
    let conf = |t: &str| {
        s.scan(t)
            .findings
            .iter()
            .find(|f| f.spun == "individuals")
            .map(|f| f.confidence)
    };
    let one = conf("It fell final yr for individuals.").unwrap();
    let two = conf("It fell final yr for individuals in the Center East.").unwrap();
    assert!(one < two && two <= 0.8, "{one} {two}");
}

#[test]
fn context_conditions_gate_swaps() {
    // One fingerprint: the document is probably spun, not overwhelmingly so.
    let s = scanner(&[dict("p", PROFILE)]);
    let r = s.scan("Final yr he mentioned that. It was mentioned before.");
    let spun: Vec<&str> = r.findings.iter().map(|f| f.spun.as_str()).collect();
    assert_eq!(spun, vec!["Final yr", "mentioned"]);
    assert_eq!(r.findings[1].start, 12);
}

#[test]
fn document_conditions_require_another_phrase() {
    let s = scanner(&[dict("p", PROFILE)]);
    assert!(s.scan("The bosom of the family.").findings.is_empty());
    let r = s.scan("Bosom cancer screening finds breast tumours early.");
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].suggestions, vec!["Breast"]);
}

#[test]
fn later_layers_and_allow_entries_take_precedence() {
    let base = dict(
        "base",
        "spun,original\nfinal yr,last year\ncenter east,Middle East\n",
    );
    let user = dict(
        "user",
        "spun,original,kind\nfinal yr,previous year,\ncenter east,,allow\n",
    );
    let s = scanner(&[base, user]);
    let r = s.scan("Final yr in the Center East.");
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].suggestions, vec!["Previous year"]);
    assert_eq!(r.findings[0].dictionary, "user");
}

#[test]
fn compiled_file_gives_the_same_findings_as_its_source() {
    let src = dict("p", PROFILE);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.fst");
    std::fs::write(&path, src.to_bytes()).unwrap();
    let mapped = Dictionary::open(&path).unwrap();
    assert_eq!(mapped.len(), src.len());
    let text = "Final yr, international locations said individuals mentioned that bosom breast.";
    assert_eq!(scanner(&[src]).scan(text), scanner(&[mapped]).scan(text));
}

#[test]
fn damaged_compiled_file_is_an_error_not_a_panic() {
    let src = dict("p", PROFILE);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.fst");
    let bytes = src.to_bytes();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let err = Dictionary::open(&path).unwrap_err().to_string();
    assert!(err.contains("p.fst"), "{err}");
}

/// Every single-byte change and every truncation of a compiled dictionary is a typed
/// `Error::Compiled` naming the origin, from memory and from a memory-mapped file.
#[test]
fn every_single_byte_damage_is_detected() {
    use despin::dict::compiled::CompiledError;
    use despin::error::Error;
    let good = dict("p", PROFILE).to_bytes();
    let origin = std::path::Path::new("mine.fst");
    assert!(Dictionary::from_compiled_bytes(origin, good.clone()).is_ok());
    let expect_error =
        |bytes: Vec<u8>, what: &str| match Dictionary::from_compiled_bytes(origin, bytes) {
            Err(Error::Compiled { path, reason }) => {
                assert_eq!(path, origin, "{what}");
                reason
            }
            other => panic!("{what}: {other:?}"),
        };
    let mut checksum = 0;
    for i in 0..good.len() {
        for flip in [0x01, 0x80, 0xff] {
            let mut bytes = good.clone();
            bytes[i] ^= flip;
            let reason = expect_error(bytes, &format!("byte {i} ^ {flip:#x}"));
            checksum += usize::from(matches!(reason, CompiledError::Checksum { .. }));
        }
    }
    // Past the 8-byte magic, damage is caught by the checksum.
    assert_eq!(checksum, 3 * (good.len() - 8));
    for cut in 0..good.len() {
        expect_error(good[..cut].to_vec(), &format!("cut at {cut}"));
    }

    // The same through `open` (memory-mapped).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.fst");
    let mut bytes = good.clone();
    bytes[good.len() / 2] ^= 0x10;
    std::fs::write(&path, &bytes).unwrap();
    match Dictionary::open(&path) {
        Err(Error::Compiled {
            path: p,
            reason: CompiledError::Checksum { .. },
        }) => assert_eq!(p, path),
        other => panic!("{other:?}"),
    }
}

/// A file of another format version is refused with advice to rebuild it.
#[test]
fn other_format_version_is_refused() {
    let mut bytes = dict("p", PROFILE).to_bytes();
    bytes[7] = 1;
    let err = Dictionary::from_compiled_bytes(std::path::Path::new("old.fst"), bytes)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("old.fst") && err.contains("format version 1") && err.contains("dict build"),
        "{err}"
    );
}

const WORDS: [&str; 12] = [
    "final", "yr", "center", "east", "prime", "primer", "area", "areas", "the", "Final", "YR", "an",
];
const SEPS: [&str; 8] = [" ", "  ", "\n", "\r\n", "\n\n", "-", ", ", "\u{2019}"];

fn text_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec((0..WORDS.len(), 0..SEPS.len()), 0..40).prop_map(|v| {
        v.into_iter()
            .map(|(w, s)| format!("{}{}", WORDS[w], SEPS[s]))
            .collect()
    })
}

fn dict_strategy() -> impl Strategy<Value = String> {
    let key = prop::collection::vec(0..WORDS.len(), 1..4).prop_map(|v| {
        v.into_iter()
            .map(|w| WORDS[w])
            .collect::<Vec<_>>()
            .join(" ")
    });
    prop::collection::vec((key, 0..3usize, 0..10u8), 1..12).prop_map(|rows| {
        let mut s = String::from("spun,original,prior,kind\n");
        for (k, kind, p) in rows {
            let kind = ["fingerprint", "swap", "allow"][kind];
            s.push_str(&format!("{k},repl {p},0.{p},{kind}\n"));
        }
        s
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn text_outside_findings_is_untouched(text in text_strategy(), csv in dict_strategy()) {
        let s = Scanner::new(DictSet::from_iter([dict("p", &csv)]), ScanOptions { assume_spun: true });
        let r = s.scan(&text);
        let mut last_end = 0;
        for f in &r.findings {
            prop_assert_eq!(&text[f.start..f.end], f.spun.as_str());
            prop_assert!(f.start >= last_end, "findings overlap or are unsorted");
            last_end = f.end;
        }
        let fixed = repair(&text, &r.findings, 0.0);
        // Rebuild the input from the output and the edits: everything else is identical.
        let mut pos_in = 0;
        let mut pos_out = 0;
        for e in &fixed.edits {
            let len = e.start - pos_in;
            prop_assert_eq!(&fixed.text[pos_out..pos_out + len], &text[pos_in..e.start]);
            pos_out += len + e.replacement.len();
            pos_in = e.end;
        }
        prop_assert_eq!(&fixed.text[pos_out..], &text[pos_in..]);
    }
}

#[test]
fn token_classes_in_context_conditions() {
    let csv = "spun,original,kind,context
home,House,fingerprint,self=@cap next=@cap
greater than,more than,fingerprint,next=@num
nonetheless,still,fingerprint,prev=is|was
nonetheless,however,fingerprint,
";
    let s = scanner(&[dict("c", csv)]);
    let fixed = |t: &str| repair(t, &s.scan(t).findings, 0.5).text;
    assert_eq!(
        fixed("The Home Speaker went home."),
        "The House Speaker went home."
    );
    assert_eq!(
        fixed("greater than 10 and greater than ever"),
        "more than 10 and greater than ever"
    );
    // The row with a context is tried before the general one.
    assert_eq!(
        fixed("It is nonetheless true. Nonetheless, no."),
        "It is still true. However, no."
    );
}

#[test]
fn dense_swaps_are_evidence_without_fingerprints() {
    let csv = "spun,original,prior,kind,tags
mentioned,said,0.9,swap,spinner:a
individuals,people,0.9,swap,spinner:a
additionally,also,0.9,swap,spinner:a
nonetheless,however,0.9,swap,spinner:a
earlier than,before,0.9,swap,spinner:a
requested,asked,0.9,swap,spinner:a
final yr,last year,0.9,swap,spinner:a
nation's,country's,0.9,swap,spinner:a
in keeping with,according to,0.9,swap,spinner:a
commenced,began,0.9,swap,spinner:a
assembly,meeting,0.9,swap,spinner:a
stated,said,0.9,swap,spinner:a
authorities,officials,0.9,swap,spinner:a
";
    let s = scanner(&[dict("s", csv)]);
    // Thirteen distinct swaps in a short text: far denser than clean English.
    let spun = "Officials mentioned individuals additionally left earlier than noon. Nonetheless, \
                talks went on, in keeping with the nation's envoy, who requested calm final yr. \
                The assembly commenced late, and authorities stated little.";
    let r = s.scan(spun);
    assert!(r.evidence.score > 0.5, "{:?}", r.evidence);
    let fixed = repair(spun, &r.findings, 0.5).text;
    assert!(
        fixed.starts_with(
            "Officials said people also left before noon. However, talks went on, \
             according to the country's envoy"
        ),
        "{fixed}"
    );
    // A few of them in ordinary prose are no evidence at all, even in a short paragraph.
    let clean = "The report mentioned that individuals over sixty were most at risk, and the \
                 committee requested that the nation's hospitals publish their findings earlier \
                 than planned.";
    let r = s.scan(clean);
    assert_eq!(r.evidence.score, 0.0);
    assert!(r.findings.is_empty());
}

#[test]
fn huge_texts_are_scanned_in_pieces_at_paragraph_breaks() {
    let d = dict("p", PROFILE);
    let whole = Scanner::new(
        DictSet::from_iter([d.clone()]),
        ScanOptions { assume_spun: true },
    );
    let pieces = whole.clone().with_chunk_limit(64);
    let para = "Trade between international locations fell final yr, individuals said.\n\n";
    let text = para.repeat(50);
    let a = whole.scan(&text);
    let b = pieces.scan(&text);
    // Confidences may differ: evidence and the document's beliefs are per piece.
    let found =
        |r: &despin::scan::ScanResult| -> Vec<(usize, usize, usize, usize, String, Vec<String>)> {
            r.findings
                .iter()
                .map(|f| {
                    (
                        f.start,
                        f.end,
                        f.line,
                        f.column,
                        f.spun.clone(),
                        f.suggestions.clone(),
                    )
                })
                .collect()
        };
    assert_eq!(
        found(&a),
        found(&b),
        "paragraph-aligned pieces find the same"
    );
    assert_eq!(a.findings.len(), 150);
    assert_eq!(b.findings[149].line, 99);
    // Without any break, pieces end at spaces and every finding still slices to its text.
    let line = "final yr individuals final yr ".repeat(40);
    for f in &pieces.scan(&line).findings {
        assert_eq!(&line[f.start..f.end], f.spun);
    }
    // A "word" longer than the limit, with multi-byte characters, doesn't panic.
    let word = "é".repeat(100);
    assert!(pieces.with_chunk_limit(7).scan(&word).findings.is_empty());
}

#[test]
fn failed_contexts_are_waived_where_the_context_model_prefers_the_original() {
    let csv = "spun,original,prior,kind,context,tags
final yr,last year,0.97,fingerprint,,spinner:a
international locations,countries,0.97,fingerprint,,spinner:a
Center East,Middle East,0.97,fingerprint,,spinner:a
mentioned,said,0.9,swap,next=that,spinner:a
";
    let s = scanner(&[dict("w", csv)]);
    let doc = "Two international locations in the Center East agreed final yr. The envoy never \
               mentioned the plan. The spokesman mentioned in a statement that it held.";
    let r = s.scan(doc);
    let m: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.spun == "mentioned")
        .map(|f| &doc[f.start - 10..f.start])
        .collect();
    // "never mentioned the plan" reads as normal English; "spokesman mentioned in a statement" is
    // the spinner's "spokesman said in a statement".
    assert_eq!(m, ["spokesman "], "{:?}", r.findings);
}

/// The mission's examples, in a spun paragraph written for this test, are repaired by the
/// default (embedded) dictionaries; the same words in clean sentences are left alone.
#[test]
fn default_dictionaries_repair_the_mission_examples() {
    let s = Scanner::new(despin::dict::defaults().unwrap(), ScanOptions::default());
    let spun = "Prime US diplomats met the Center East envoy and the nationwide safety adviser \
                on Monday. The envoy said a deal was possible in precept, as it was final yr, \
                at talks in Geneva, the place the delegations got here together. He gave the \
                impression on television to announce that no one had signed to this point, while \
                thousands and thousands of individuals waited for a direct ceasefire.";
    let fixed = repair(spun, &s.scan(spun).findings, 0.5).text;
    for want in [
        "Top US diplomats",
        "Middle East envoy",
        "national security adviser",
        "in principle",
        "last year",
        "Geneva, where the delegations came together",
        "He appeared on television",
        "signed so far",
        "millions of people",
        "for an immediate ceasefire",
    ] {
        assert!(fixed.contains(want), "missing {want:?} in {fixed:?}");
    }
    // Clean English with the same common words is not touched.
    let clean = "She took her place at the table. Prices rose in the first quarter, and \
                 millions of investors watched as the market came back. The direct route \
                 to the city was closed to this point in the season.";
    let found = s.scan(clean).findings;
    assert!(
        found.iter().all(|f| f.confidence < 0.5),
        "{:?}",
        found
            .iter()
            .map(|f| (&f.spun, f.confidence))
            .collect::<Vec<_>>()
    );
}

/// The same document gets the same evidence, to the last bit, on every scan: fingerprint
/// priors are summed in a fixed order. (Summed in a hashed map's random order, two scans of
/// one document could differ in the last digits of `doc_score`, and a decision near a
/// threshold could flip from run to run.) Documents of three to six fingerprints of the
/// `news` dictionary keep the evidence below saturation, where the order shows.
#[test]
fn evidence_is_the_same_on_every_scan() {
    let csv = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("dictionaries/news.csv"),
    )
    .unwrap();
    let spun: Vec<&str> = csv
        .lines()
        .filter(|l| l.contains(",fingerprint,") && !l.starts_with('"'))
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert!(spun.len() > 1000, "{}", spun.len());
    let s = Scanner::new(despin::dict::defaults().unwrap(), ScanOptions::default());
    for d in 0..100 {
        let n = 3 + d % 4;
        let text: String = (0..n)
            .map(|k| {
                let phrase = spun[(d * 37 + k * 211) % spun.len()];
                format!("The {phrase} was noted in the long report about the city. ")
            })
            .collect();
        let first = s.scan(&text).evidence;
        for _ in 0..3 {
            let again = s.scan(&text).evidence;
            assert_eq!(again.score.to_bits(), first.score.to_bits(), "{text}");
        }
    }
}
