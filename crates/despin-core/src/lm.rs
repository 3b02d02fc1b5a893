//! The context model: how likely a word sequence is in English, for judging findings in
//! their context.
//!
//! A spinner swaps words without looking at their neighbours, so where it swapped, the
//! original usually fits the neighbours far better than the spun form ("last year" against
//! "final yr"); where the text was never spun, the word as written usually fits best ("chief
//! executive", not "leader executive"). The scanner compares the two with [`ContextModel`].
//!
//! The model is a bigram language model with back-off over word costs built by
//! `dictionaries/tools/build_lm.py` from the frequency lists of `symspellpy` (MIT; see
//! `dictionaries/NOTICE.md`), compiled by `build.rs` into an FST map embedded in the binary,
//! so opening it costs nothing. For a pair absent from the (pruned) pair list, the
//! probability backs off to a fraction of the word's own probability, capped by what the
//! pruning allows: an absent pair was rarer than the list's cut-off.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use crate::dict::fxhash::FxHasher;

#[allow(dead_code)] // the header's informative constants (`SCALE`) need not be used
mod table {
    include!(concat!(env!("OUT_DIR"), "/lm.rs"));
}

/// Share of a word's probability an absent pair backs off to (as in "stupid back-off").
const BACKOFF: f32 = 0.4;

/// Most words and pairs whose cost a thread remembers; the memo is emptied when full.
/// Texts reuse a small vocabulary, and the scanner asks about the same neighbours of the
/// same candidates over and over: a hit costs one hash instead of an FST walk.
const MEMO_KEYS: usize = 1 << 16;

type CostMemo = HashMap<Box<[u8]>, Option<f32>, BuildHasherDefault<FxHasher>>;

thread_local! {
    /// Costs of the embedded model (the only model) by key, per thread.
    static COSTS: RefCell<CostMemo> = RefCell::new(CostMemo::default());
}

/// An English bigram model over normalised (lower-case) word tokens.
pub struct ContextModel {
    fst: fst::Map<&'static [u8]>,
}

impl std::fmt::Debug for ContextModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContextModel")
            .field("entries", &self.fst.len())
            .finish()
    }
}

/// True for a token the model can see: a word (punctuation and symbols are boundaries).
fn is_word(t: &str) -> bool {
    t.chars().next().is_some_and(crate::normalize::is_word_char)
}

/// The embedded model's bytes (an FST map from word or word pair to cost), for benchmarks and
/// tools.
pub fn embedded_table() -> &'static [u8] {
    table::FST
}

impl ContextModel {
    /// The model embedded in this build (opened once; later calls are free).
    pub fn embedded() -> &'static ContextModel {
        static MODEL: OnceLock<ContextModel> = OnceLock::new();
        MODEL.get_or_init(|| ContextModel {
            fst: fst::Map::new(table::FST).expect("the embedded context model is a valid FST"),
        })
    }

    fn cost(&self, key: &[u8]) -> Option<f32> {
        COSTS.with(|m| {
            let mut m = m.borrow_mut();
            if let Some(&c) = m.get(key) {
                return c;
            }
            if m.len() >= MEMO_KEYS {
                m.clear();
            }
            let c = self.fst.get(key).map(|c| c as f32 / -10.0);
            m.insert(key.into(), c);
            c
        })
    }

    /// ln P(word), or `None` for a word the model does not know.
    pub fn ln_word(&self, word: &str) -> Option<f32> {
        if word.contains(' ') {
            return None;
        }
        self.cost(word.as_bytes())
    }

    /// The word's Zipf frequency: log10 of its occurrences per billion words (about 7 for
    /// "the", 3 for a word met once in a newspaper's day, 0 when unknown).
    pub fn zipf(&self, word: &str) -> f32 {
        self.ln_word(word)
            .map_or(0.0, |l| (l / std::f32::consts::LN_10 + 9.0).max(0.0))
    }

    /// ln P(word) with unknown words at the model's floor.
    fn ln_word_or_floor(&self, word: &str) -> f32 {
        self.ln_word(word)
            .unwrap_or(table::FLOOR_COST as f32 / -10.0)
    }

    /// ln P(word | prev): the pair's own probability when listed, else the back-off.
    pub fn ln_next(&self, prev: &str, word: &str) -> f32 {
        let Some(ln_prev) = self.ln_word(prev) else {
            return self.ln_word_or_floor(word);
        };
        // Most pairs fit a stack buffer; the model is asked for every candidate's neighbours.
        let n = prev.len() + word.len() + 1;
        let mut buf = [0u8; 64];
        let mut heap = Vec::new();
        let key: &mut [u8] = if n <= buf.len() {
            &mut buf[..n]
        } else {
            heap.resize(n, 0);
            &mut heap
        };
        key[..prev.len()].copy_from_slice(prev.as_bytes());
        key[prev.len()] = b' ';
        key[prev.len() + 1..].copy_from_slice(word.as_bytes());
        if let Some(l) = self.cost(key) {
            return l;
        }
        let backoff = BACKOFF.ln() + self.ln_word_or_floor(word);
        let cap = table::ABSENT_PAIR_CAP_LN - ln_prev;
        backoff.min(cap)
    }

    /// How much the neighbours raise the phrase's probability (nats):
    /// `score_window(left, phrase, right) - score_window(&[], phrase, &[])`, computed from the
    /// two boundary terms only (the phrase's inner terms cancel), since the scanner asks it
    /// for every candidate.
    pub fn context_fit(&self, left: Option<&str>, phrase: &[&str], right: Option<&str>) -> f32 {
        let mut fit = 0.0;
        if let (Some(l), Some(&first)) = (left.filter(|t| is_word(t)), phrase.first()) {
            if is_word(first) {
                fit += self.ln_next(l, first) - self.ln_word_or_floor(first);
            }
        }
        if let (Some(&last), Some(r)) = (phrase.last(), right) {
            if is_word(last) && is_word(r) && self.ln_word(r).is_some() {
                fit += self.ln_next(last, r);
            }
        }
        fit
    }

    /// ln P of `phrase` followed by `right`, given `left`: the score to compare one phrase
    /// with another in the same place. Tokens are normalised (lower case); punctuation is a
    /// boundary (the next word is scored on its own). Words of `left` and `right` only
    /// condition or are conditioned on the phrase, so terms that don't depend on the phrase
    /// (an unknown right-hand word, words further out) are left out and scores of different
    /// phrases in the same window stay comparable.
    pub fn score_window(&self, left: &[&str], phrase: &[&str], right: &[&str]) -> f32 {
        let mut prev: Option<&str> = left.last().copied().filter(|t| is_word(t));
        let mut total = 0.0;
        for &t in phrase {
            if !is_word(t) {
                prev = None;
                continue;
            }
            total += match prev {
                Some(p) => self.ln_next(p, t),
                None => self.ln_word_or_floor(t),
            };
            prev = Some(t);
        }
        if let (Some(p), Some(&r)) = (prev, right.first()) {
            if is_word(r) && self.ln_word(r).is_some() {
                total += self.ln_next(p, r);
            }
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefers(left: &[&str], good: &[&str], bad: &[&str], right: &[&str]) -> f32 {
        let m = ContextModel::embedded();
        let g = m.score_window(left, good, right);
        let b = m.score_window(left, bad, right);
        assert!(
            g > b,
            "{good:?} ({g}) should beat {bad:?} ({b}) between {left:?} and {right:?}"
        );
        g - b
    }

    #[test]
    fn original_wording_beats_spun_wording_in_context() {
        prefers(
            &["talks", "stalled"],
            &["last", "year"],
            &["final", "yr"],
            &["."],
        );
        prefers(&["the"], &["top"], &["prime"], &["us", "diplomats"]);
        prefers(
            &["agreed"],
            &["in", "principle"],
            &["in", "precept"],
            &["to"],
        );
        prefers(&["the"], &["chief"], &["leader"], &["executive"]);
        prefers(&["he"], &["said"], &["mentioned"], &["on"]);
    }

    #[test]
    fn text_as_written_can_fit_better_than_a_suggestion() {
        // "chief executive" is normal English; the reading "leader" is not.
        prefers(&["the"], &["chief"], &["leader"], &["executive"]);
        prefers(&["as"], &["mentioned"], &["said"], &["above"]);
        prefers(&["the"], &["chief"], &["leader"], &["financial", "officer"]);
    }

    #[test]
    fn context_fit_is_the_difference_of_window_scores() {
        let m = ContextModel::embedded();
        for (l, p, r) in [
            (Some("the"), &["prime", "minister"][..], Some("said")),
            (Some("talks"), &["final", "yr"][..], Some(",")),
            (None, &["u", ".", "s"][..], Some("officials")),
            (Some("qzxv"), &["year"][..], None),
        ] {
            let (ls, rs) = (l.as_slice(), r.as_slice());
            let full = m.score_window(ls, p, rs) - m.score_window(&[], p, &[]);
            let fit = m.context_fit(l, p, r);
            assert!((full - fit).abs() < 1e-3, "{l:?} {p:?} {r:?}: {full} {fit}");
        }
    }

    #[test]
    fn unknown_words_and_punctuation() {
        let m = ContextModel::embedded();
        assert!(m.ln_word("qzxv").is_none());
        assert!(
            m.zipf("the") > 6.5 && m.zipf("the") < 8.0,
            "{}",
            m.zipf("the")
        );
        assert_eq!(m.zipf("qzxv"), 0.0);
        // Punctuation breaks the chain: the word after it is scored on its own.
        let alone = m.score_window(&[], &["year"], &[]);
        assert_eq!(m.score_window(&["last", ","], &["year"], &[]), alone);
        // An unknown word to the right adds the same (nothing) to every phrase.
        assert_eq!(m.score_window(&[], &["year"], &["qzxv"]), alone);
        // A listed pair is more likely than the back-off for the same words.
        assert!(m.ln_next("last", "year") > m.ln_word("year").unwrap());
    }
}
