//! Discovery: suggesting originals for words that no dictionary knows, in documents that are
//! clearly spun.
//!
//! Why it exists: a spinner's table is far larger than any dictionary despin ships, so a spun
//! article holds many substitutions no entry covers ("sufferers" for "patients"). Once the
//! document evidence says the text was spun, an ordinary word that a thesaurus spinner could
//! have written for a common word, and that fits its neighbours clearly worse than that
//! common word, is probably such a substitution. Discovery reports it as a finding of kind
//! `discovered`, with the common word as its suggestion; `fix` applies it only where the
//! context model's margin passed the calibrated [`APPLY_LR`], and a reviewer who accepts it
//! turns it into a dictionary entry with `despin dict learn --from-report`.
//!
//! Candidates come from a [`Thesaurus`] the caller gives the scanner
//! ([`Scanner::with_discovery`](super::Scanner::with_discovery)): word forms mapped to the
//! common words they may stand for. despin's command line gives it the embedded one
//! (`despin::dict::thesaurus`: pairs both the Moby Thesaurus and WordNet list, inflected).
//! A thesaurus also covers plain English, so the gate does the work: discovery runs only in
//! documents whose spin score is at least [`MIN_EVIDENCE`], costs nothing elsewhere (the
//! thesaurus is built on first use), and only touches words written in lower-case ASCII
//! letters (never capitalised words or proper nouns, digits; closed-class words are not in
//! the thesaurus), that no dictionary key covers and that touch no hyphen or apostrophe.
//!
//! Each candidate original is scored against the word as written by how much better its
//! neighbours fit it ([`ContextModel::fit`], two words each side); the best one's margin, in
//! nats, is the evidence. An original that occurs in the document itself (lower case) is
//! passed over: the spinner replaces every occurrence of the words it knows ("keys vanish"),
//! so a surviving word is not one of its keys.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use super::{sigmoid, Candidate, Doc, Finding, FindingKind, Window, MAX_EVIDENCE};
use crate::case;
use crate::dict::fxhash::FxHasher;
use crate::lm::ContextModel;
use crate::normalize::Sep;

/// Name written as the `dictionary` of a discovered finding (`discovered:LINE` in reports).
pub const DICTIONARY: &str = "discovered";
/// Least document spin score at which discovery runs: the thesaurus matches plain English
/// everywhere, so only a document already known to be spun is searched.
pub const MIN_EVIDENCE: f32 = 0.85;
/// Least margin (nats) by which the best original must fit its context better than the word
/// as written for the finding to be reported at all.
pub const REPORT_LR: f32 = 4.0;
/// Margin (nats) at which a discovered finding reaches confidence 0.5 (the default
/// `--min-confidence` of `fix`) in a document with the highest evidence: calibrated on the
/// dev articles with `benches/discover_dev.py` (see README, "Discovery").
pub const APPLY_LR: f32 = 9.0;

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// One row of a thesaurus: a word form, the line of its source it came from (named in
/// findings), and the common words it may stand for.
pub type ThesaurusRow = (String, u32, Vec<String>);

/// Candidate originals for word forms (a thesaurus reversed: the word a spinner may write ->
/// the common words it may stand for), built on first use.
pub struct Thesaurus {
    source: String,
    build: fn() -> Vec<ThesaurusRow>,
    map: OnceLock<FxMap<String, (u32, Vec<String>)>>,
}

impl std::fmt::Debug for Thesaurus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Thesaurus")
            .field("source", &self.source)
            .field("built", &self.map.get().map(HashMap::len))
            .finish()
    }
}

impl Thesaurus {
    /// A thesaurus whose rows `build` gives on first use; `source` names it in findings
    /// (`entry_source`). Rows with the same word form are merged (the first row's line).
    pub fn lazy(source: &str, build: fn() -> Vec<ThesaurusRow>) -> Thesaurus {
        Thesaurus {
            source: source.to_string(),
            build,
            map: OnceLock::new(),
        }
    }

    /// The name findings give as their entry source.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The source line and candidate originals of a word form (lower case), if any.
    pub fn candidates(&self, word: &str) -> Option<(u32, &[String])> {
        self.map
            .get_or_init(|| {
                let mut map: FxMap<String, (u32, Vec<String>)> = FxMap::default();
                for (form, line, originals) in (self.build)() {
                    let slot = map.entry(form).or_insert((line, Vec::new()));
                    for o in originals {
                        if !slot.1.contains(&o) {
                            slot.1.push(o);
                        }
                    }
                }
                map.retain(|form, (_, o)| {
                    o.retain(|x| x != form);
                    !o.is_empty()
                });
                map
            })
            .get(word)
            .map(|(line, o)| (*line, o.as_slice()))
    }
}

/// The best original for `word` between `left` and `right` (neighbouring tokens, normalised)
/// and its margin in nats over the word as written; `present(o)` says whether `o` occurs in
/// the document (such originals are passed over).
pub fn best_original<'a>(
    lm: &ContextModel,
    left: &[&str],
    word: &str,
    right: &[&str],
    originals: &'a [String],
    present: &dyn Fn(&str) -> bool,
) -> Option<(&'a str, f32)> {
    // The candidates are not collected: the best one is found again by its place among them.
    let candidate = |o: &&String| !present(o);
    let mut as_written = 0.0;
    let mut best: Option<(usize, f32)> = None;
    let words =
        std::iter::once(word).chain(originals.iter().filter(&candidate).map(String::as_str));
    lm.fit_each(left, right, words, |k, fit| {
        if k == 0 {
            as_written = fit;
            return;
        }
        let lr = fit - as_written;
        if best.is_none_or(|b| lr > b.1) {
            best = Some((k - 1, lr));
        }
    });
    let (k, lr) = best?;
    let best = originals.iter().filter(&candidate).nth(k)?;
    Some((best.as_str(), lr))
}

/// Confidence of a discovered finding with margin `lr` in a document of spin score
/// `evidence`: 0.5 at [`APPLY_LR`] in a document with the highest evidence, lower as the
/// evidence falls, never above [`MAX_EVIDENCE`].
pub fn confidence(lr: f32, evidence: f32) -> f32 {
    let c = sigmoid(lr - APPLY_LR) * (evidence / MAX_EVIDENCE).min(1.0);
    (c.min(MAX_EVIDENCE) * 1000.0).round() / 1000.0
}

/// Findings of kind `discovered` in `doc` (document spin score `evidence`): eligible words
/// (see the module doc) that no candidate of `cands` covers.
pub(super) fn discover(
    doc: &Doc<'_>,
    cands: &[Candidate],
    evidence: f32,
    thesaurus: &Thesaurus,
) -> Vec<Finding> {
    let n = doc.tokens.len();
    let mut covered = vec![false; n];
    for c in cands {
        covered[c.first..=c.last].fill(true);
    }
    let bytes = doc.text.as_bytes();
    let lower = |i: usize| {
        let t = doc.tok(i);
        t.is_word && bytes[t.start..t.end].iter().all(u8::is_ascii_lowercase)
    };
    let joins = |i: usize| matches!(doc.norm_bytes(i), b"-" | b"'");
    let mut present: Option<HashSet<&str, BuildHasherDefault<FxHasher>>> = None;
    let lm = ContextModel::embedded();
    let mut out = Vec::new();
    for (i, &cov) in covered.iter().enumerate() {
        if cov || !lower(i) {
            continue;
        }
        let word = doc.norm_str(i);
        let Some((line, originals)) = thesaurus.candidates(word) else {
            continue;
        };
        let adjacent_before = doc.tokens[i].sep == Sep::Adjacent && i > 0 && joins(i - 1);
        let adjacent_after = i + 1 < n && doc.tokens[i + 1].sep == Sep::Adjacent && joins(i + 1);
        if adjacent_before || adjacent_after {
            continue;
        }
        let present = present.get_or_insert_with(|| {
            (0..n)
                .filter(|&k| lower(k))
                .map(|k| doc.norm_str(k))
                .collect()
        });
        let w = Window::around(doc, i, i, None);
        let Some((original, lr)) = best_original(lm, w.left(), word, w.right(), originals, &|o| {
            present.contains(o)
        }) else {
            continue;
        };
        if lr < REPORT_LR {
            continue;
        }
        let t = doc.tok(i);
        let spun = &doc.text[t.start..t.end];
        out.push(Finding {
            start: t.start,
            end: t.end,
            line: 0,
            column: 0,
            spun: spun.to_string(),
            suggestions: vec![case::transfer(spun, original)],
            confidence: confidence(lr, evidence),
            kind: FindingKind::Discovered,
            dictionary: DICTIONARY.to_string(),
            entry_source: thesaurus.source.clone(),
            entry_line: line,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_of_one_form_are_merged_and_a_word_never_stands_for_itself() {
        fn rows() -> Vec<ThesaurusRow> {
            vec![
                ("story".into(), 3, vec!["report".into(), "story".into()]),
                ("story".into(), 7, vec!["tale".into(), "report".into()]),
                ("same".into(), 9, vec!["same".into()]),
            ]
        }
        let t = Thesaurus::lazy("t.tsv", rows);
        let (line, o) = t.candidates("story").unwrap();
        assert_eq!(line, 3);
        assert_eq!(o, ["report".to_string(), "tale".to_string()]);
        assert!(t.candidates("same").is_none());
        assert!(t.candidates("tale").is_none());
    }

    #[test]
    fn confidence_passes_one_half_at_the_apply_margin() {
        assert!(confidence(APPLY_LR + 0.1, MAX_EVIDENCE) >= 0.5);
        assert!(confidence(APPLY_LR - 0.1, MAX_EVIDENCE) < 0.5);
        // Less evidence, less confidence; never above the cap.
        assert!(confidence(APPLY_LR + 0.1, MIN_EVIDENCE) < 0.5);
        assert!(confidence(100.0, 1.0) <= MAX_EVIDENCE);
    }

    #[test]
    fn an_original_present_in_the_document_is_passed_over() {
        let lm = ContextModel::embedded();
        let originals = vec!["reports".to_string(), "tales".to_string()];
        let all = best_original(
            lm,
            &["the", "news"],
            "stories",
            &["say", "that"],
            &originals,
            &|_| false,
        );
        assert_eq!(all.map(|b| b.0), Some("reports"));
        let without = best_original(
            lm,
            &["the", "news"],
            "stories",
            &["say"],
            &originals,
            &|o| o == "reports",
        );
        assert_ne!(without.map(|b| b.0), Some("reports"));
    }
}
