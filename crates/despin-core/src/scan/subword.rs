//! Sub-word discovery: repairing non-words a spinner made by replacing a *piece* of a word.
//!
//! Why it exists: some spinners search their synonym table inside words, not only for whole
//! words, and keep the rest of the word: "said" becomes "shelp" (aid -> help), "winning"
//! becomes "triumphning" (win -> triumph). No dictionary key and no thesaurus form is such a
//! non-word, so neither matching nor whole-word [`discover`](super::discover) sees it, and a
//! document spun only this way scores as clean.
//!
//! A *sub-word token* is a word written in lower-case ASCII letters, at least
//! [`MIN_LETTERS`] long, that the context model does not know, that is no thesaurus form,
//! that no dictionary key covers and that touches no hyphen, apostrophe, digit or dot-joined
//! word (compounds, contractions, codes, domains). Only such tokens are examined, so clean
//! text costs one model look-up per uncovered lower-case word. For each piece of the token
//! of at least [`MIN_PIECE`] letters that the thesaurus knows as a word form, each common
//! word it may stand for is put back in its place (prefix + original + suffix); a rebuilt
//! word the model knows with Zipf frequency at least [`MIN_ZIPF`] is a candidate. The best
//! candidate is the one whose neighbours fit it best ([`ContextModel::fit_each`], as
//! discovery weighs originals), ties to the shortest rebuilt word.
//!
//! Typos and rare words occur in clean text, so one such token proves little: findings are
//! reported only in a document with at least [`MIN_DISTINCT`] distinct sub-word tokens, more
//! than its length explains by chance ([`CHANCE_WORDS`]). Not
//! even in a document already known to be spun: there a lone token is as likely a real word
//! the model lacks (a compound, a trade term) as a spin. The number of distinct tokens is
//! itself evidence ([`evidence`]) and raises the document's spin score. A finding's
//! confidence is that evidence times the best candidate's share of the candidates' context
//! probability: `fix` (default `--min-confidence` 0.5) applies it only in a document with at
//! least three distinct tokens and a rebuild the context clearly prefers.

use std::collections::HashSet;
use std::hash::BuildHasherDefault;

use super::discover::Thesaurus;
use super::{Candidate, Doc, Finding, FindingKind, Window, MAX_EVIDENCE};
use crate::case;
use crate::dict::fxhash::FxHasher;
use crate::lm::ContextModel;
use crate::normalize::Sep;

/// Name written as the `dictionary` of a sub-word finding (`subword:LINE` in reports).
pub const DICTIONARY: &str = "subword";
/// Fewest letters of a sub-word token.
pub const MIN_LETTERS: usize = 4;
/// Fewest letters of the piece a spinner replaced (shorter pieces are in every word).
pub const MIN_PIECE: usize = 3;
/// Least Zipf frequency of a rebuilt word: the spinner rewrote ordinary words, and a rare
/// rebuilt word is more likely a coincidence.
pub const MIN_ZIPF: f32 = 3.0;
/// Fewest distinct sub-word tokens that make a document's findings reportable on their own.
pub const MIN_DISTINCT: usize = 2;
/// Words of clean text per chance sub-word token (a rare word or typo the rebuild happens to
/// explain): a document of `words` words is expected to hold `words / CHANCE_WORDS` of them.
/// Clean nineteenth-century prose shows about one per three thousand words; the spinner
/// rewrites one word in a few dozen.
pub const CHANCE_WORDS: f32 = 500.0;
/// How strongly distinct sub-word tokens convince: with strength = `distinct - 1 - words /`
/// [`CHANCE_WORDS`], evidence = `1 - exp(-strength / EVIDENCE_SCALE)` (0 where strength is
/// not positive; 0.39 for two tokens and 0.63 for three, in a very short text), at most
/// [`MAX_EVIDENCE`].
pub const EVIDENCE_SCALE: f32 = 2.0;

/// Spin evidence of `distinct` distinct sub-word tokens in a document of `words` words.
pub fn evidence(distinct: usize, words: usize) -> f32 {
    let strength = distinct as f32 - 1.0 - words as f32 / CHANCE_WORDS;
    if distinct == 0 || strength <= 0.0 {
        return 0.0;
    }
    let e = 1.0 - (-strength / EVIDENCE_SCALE).exp();
    e.min(MAX_EVIDENCE)
}

/// The sub-word findings of one document before the gate: findings (confidence holds the
/// best candidate's share until [`Found::finish`]) and the number of distinct tokens.
#[derive(Default)]
pub(super) struct Found {
    findings: Vec<Finding>,
    distinct: usize,
    words: usize,
}

impl Found {
    /// Evidence of the distinct tokens found ([`evidence`]).
    pub(super) fn evidence(&self) -> f32 {
        evidence(self.distinct, self.words)
    }

    /// The findings to report: none unless the document holds at least [`MIN_DISTINCT`]
    /// distinct sub-word tokens, more than chance explains ([`evidence`]), each with its
    /// final confidence.
    pub(super) fn finish(self) -> Vec<Finding> {
        if self.distinct < MIN_DISTINCT {
            return Vec::new();
        }
        let doc = self.evidence();
        let mut out = self.findings;
        for f in &mut out {
            f.confidence = (f.confidence * doc * 1000.0).round() / 1000.0;
        }
        out.retain(|f| f.confidence > 0.0);
        out
    }
}

/// Rebuilt words for `word` (lower case): for each piece the thesaurus knows, each original
/// put in its place, kept if the model knows the result with Zipf at least [`MIN_ZIPF`].
/// Distinct, in order of discovery; with the thesaurus line of the piece.
pub fn rebuilds(lm: &ContextModel, thesaurus: &Thesaurus, word: &str) -> Vec<(String, u32)> {
    let mut out: Vec<(String, u32)> = Vec::new();
    let n = word.len();
    // Each rebuilt word is written into one buffer and copied out only when kept: most are
    // no word the model knows.
    let mut rebuilt = String::with_capacity(n + 16);
    for start in 0..n {
        for end in start + MIN_PIECE..=n {
            if start == 0 && end == n {
                continue;
            }
            let Some((line, originals)) = thesaurus.candidates(&word[start..end]) else {
                continue;
            };
            for o in originals {
                if !o.bytes().all(|b| b.is_ascii_lowercase()) {
                    continue;
                }
                rebuilt.clear();
                rebuilt.push_str(&word[..start]);
                rebuilt.push_str(o);
                rebuilt.push_str(&word[end..]);
                if rebuilt == word || out.iter().any(|(r, _)| *r == rebuilt) {
                    continue;
                }
                if lm.zipf(&rebuilt) >= MIN_ZIPF {
                    out.push((rebuilt.clone(), line));
                }
            }
        }
    }
    out
}

/// Sub-word tokens of `doc` (`words` words; see the module doc) that no candidate of `cands`
/// covers, with their best rebuilt word.
pub(super) fn find(
    doc: &Doc<'_>,
    words: usize,
    cands: &[Candidate],
    thesaurus: &Thesaurus,
) -> Found {
    let n = doc.tokens.len();
    let mut covered = vec![false; n];
    for c in cands {
        covered[c.first..=c.last].fill(true);
    }
    let bytes = doc.text.as_bytes();
    // A neighbour touching the word that makes it part of something larger.
    let binds = |i: usize| {
        let b = doc.norm_bytes(i);
        matches!(b, b"-" | b"'" | b"/" | b"@" | b"_" | b"." | b"&")
            || b.first().is_some_and(u8::is_ascii_digit)
            || b.starts_with("’".as_bytes())
    };
    let lm = ContextModel::embedded();
    // First the words the model does not know: unless enough of them are distinct to pass
    // the gate, the thesaurus is never consulted (nor built, in a clean document).
    let mut eligible: Vec<usize> = Vec::new();
    for (i, &cov) in covered.iter().enumerate() {
        if cov {
            continue;
        }
        let t = doc.tok(i);
        let raw = &bytes[t.start..t.end];
        if !t.is_word || raw.len() < MIN_LETTERS || !raw.iter().all(u8::is_ascii_lowercase) {
            continue;
        }
        let touches_before = doc.tokens[i].sep == Sep::Adjacent && i > 0 && binds(i - 1);
        let touches_after = i + 1 < n
            && doc.tokens[i + 1].sep == Sep::Adjacent
            && (binds(i + 1) || doc.tok(i + 1).is_word);
        if !touches_before && !touches_after {
            eligible.push(i);
        }
    }
    let mut unknown: Vec<usize> = Vec::new();
    let mut k = 0;
    lm.knows_each(eligible.iter().map(|&i| doc.norm_str(i)), |known| {
        if !known {
            unknown.push(eligible[k]);
        }
        k += 1;
    });
    let mut seen: HashSet<&str, BuildHasherDefault<FxHasher>> = HashSet::default();
    seen.extend(unknown.iter().map(|&i| doc.norm_str(i)));
    let mut found = Found {
        words,
        ..Found::default()
    };
    if seen.len() < MIN_DISTINCT || evidence(seen.len(), words) <= 0.0 {
        return found;
    }
    seen.clear();
    for i in unknown {
        let t = doc.tok(i);
        let word = doc.norm_str(i);
        if thesaurus.candidates(word).is_some() {
            continue;
        }
        let options = rebuilds(lm, thesaurus, word);
        if options.is_empty() {
            continue;
        }
        let w = Window::around(doc, i, i, None);
        let mut fits = Vec::with_capacity(options.len());
        lm.fit_each(
            w.left(),
            w.right(),
            options.iter().map(|(r, _)| r.as_str()),
            |_, fit| fits.push(fit),
        );
        let mut best = 0;
        for k in 1..options.len() {
            let (a, b) = (fits[k], fits[best]);
            if a > b || (a == b && options[k].0.len() < options[best].0.len()) {
                best = k;
            }
        }
        // The best candidate's share of the candidates' context probability.
        let total: f32 = fits.iter().map(|f| (f - fits[best]).exp()).sum();
        let share = 1.0 / total;
        if seen.insert(word) {
            found.distinct += 1;
        }
        let spun = &doc.text[t.start..t.end];
        let (rebuilt, line) = &options[best];
        found.findings.push(Finding {
            start: t.start,
            end: t.end,
            line: 0,
            column: 0,
            spun: spun.to_string(),
            suggestions: vec![case::transfer(spun, rebuilt)],
            confidence: share,
            kind: FindingKind::Discovered,
            dictionary: DICTIONARY.to_string(),
            entry_source: thesaurus.source().to_string(),
            entry_line: *line,
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<super::super::discover::ThesaurusRow> {
        vec![
            // "trot" may stand for "run"; "clever" for "smart".
            ("trot".into(), 1, vec!["run".into()]),
            ("clever".into(), 2, vec!["smart".into()]),
        ]
    }

    #[test]
    fn a_piece_is_put_back_only_where_the_result_is_a_common_word() {
        let t = Thesaurus::lazy("t.tsv", rows);
        let lm = ContextModel::embedded();
        // "runner" is common; "trotner" rebuilds to it.
        let r = rebuilds(lm, &t, "trotner");
        assert_eq!(r, vec![("runner".to_string(), 1)]);
        // "qqtrotzz" rebuilds to "qqrunzz", which is no word.
        assert!(rebuilds(lm, &t, "qqtrotzz").is_empty());
    }

    #[test]
    fn evidence_grows_with_distinct_tokens() {
        assert_eq!(evidence(0, 100), 0.0);
        assert_eq!(evidence(1, 100), 0.0);
        assert!(evidence(2, 100) > 0.0 && evidence(2, 100) < 0.5);
        assert!(evidence(3, 100) > 0.5);
        assert!(evidence(50, 100) <= MAX_EVIDENCE);
        // What chance explains in a long text is no evidence.
        assert_eq!(evidence(3, 3000), 0.0);
        assert!(evidence(10, 3000) > evidence(3, 100));
    }
}
