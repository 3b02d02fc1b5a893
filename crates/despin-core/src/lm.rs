//! The context model: how likely a word sequence is in English, for judging findings in
//! their context.
//!
//! A spinner swaps words without looking at their neighbours, so where it swapped, the
//! original usually fits the neighbours far better than the spun form ("last year" against
//! "final yr"); where the text was never spun, the word as written usually fits best ("chief
//! executive", not "leader executive"). The scanner compares the two with [`ContextModel`].
//!
//! Two embedded tables, both compiled by `build.rs` into FST maps read in place (opening them
//! costs nothing):
//!
//! * How well a wording fits its context ([`ContextModel::score`], [`ContextModel::fit`]) is
//!   judged by a trigram model with Katz back-off, pruned from CMU Sphinx's US English model
//!   by `dictionaries/tools/build_trigram.py` (BSD-2-Clause): two words each side, with the
//!   start and end of a sentence as context.
//! * How common a word or phrase is on its own ([`ContextModel::ln_word`],
//!   [`ContextModel::zipf`], [`ContextModel::ln_phrase`], [`ContextModel::score_window`]) comes
//!   from a bigram model over the frequency lists of `symspellpy` (MIT), built by
//!   `dictionaries/tools/build_lm.py`. For a pair absent from its (pruned) pair list, the
//!   probability backs off to a fraction of the word's own probability, capped by what the
//!   pruning allows: an absent pair was rarer than the list's cut-off.
//!
//! Sources and licences: `dictionaries/NOTICE.md`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use crate::dict::fxhash::FxHasher;

#[allow(dead_code)] // the header's informative constants (`SCALE`) need not be used
mod table {
    include!(concat!(env!("OUT_DIR"), "/lm.rs"));
}

/// The trigram model (`dictionaries/lm/en-trigram.tsv`, from CMU Sphinx's US English model).
mod trigram {
    include!(concat!(env!("OUT_DIR"), "/lm3.rs"));
}

/// Sources and licences of the context model, shown by `despin --version`.
pub const NOTICE: &str = "word and word-pair frequencies from symspellpy 6.10.1 (MIT; \
Copyright (c) 2025 mmb L, Copyright (c) 2021 Wolf Garbe); trigram model pruned from CMU Sphinx's \
en-us.lm.bin, Debian pocketsphinx-en-us 0.8+5prealpha+1-15 (BSD-2-Clause; Copyright 1995-2014 \
Carnegie Mellon University, 2014-2015 Alpha Cephei Inc.)";

/// The trigram model's marks of a sentence's start and end.
const SENTENCE_START: &str = "<s>";
const SENTENCE_END: &str = "</s>";

/// How a window token joins its neighbours in the trigram model.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Joint<'a> {
    Word(&'a str),
    /// `.`, `!`, `?` (and a paragraph break, which the scanner passes as `.`): the words
    /// before end a sentence, the words after start one.
    SentenceEnd,
    /// Other punctuation and words the model does not know: no context crosses it.
    Cut,
}

/// Share of a word's probability an absent pair backs off to (as in "stupid back-off").
const BACKOFF: f32 = 0.4;

/// Most words and pairs whose cost a thread remembers; the memo is emptied when full.
/// Texts reuse a small vocabulary, and the scanner asks about the same neighbours of the
/// same candidates over and over: a hit costs one hash instead of an FST walk.
const MEMO_KEYS: usize = 1 << 16;

type CostMemo = HashMap<Box<[u8]>, Option<f32>, BuildHasherDefault<FxHasher>>;

type GramMemo = HashMap<Box<[u8]>, Option<(f32, f32)>, BuildHasherDefault<FxHasher>>;

thread_local! {
    /// Costs of the embedded model (the only model) by key, per thread.
    static COSTS: RefCell<CostMemo> = RefCell::new(CostMemo::default());
    /// The trigram model's (ln P, ln back-off weight) by n-gram, per thread.
    static GRAMS: RefCell<GramMemo> = RefCell::new(GramMemo::default());
}

/// English word, phrase and context probabilities over normalised (lower-case) word tokens.
pub struct ContextModel {
    fst: fst::Map<&'static [u8]>,
    grams: fst::Map<&'static [u8]>,
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
            grams: fst::Map::new(trigram::FST).expect("the embedded trigram model is a valid FST"),
        })
    }

    /// (ln P, ln back-off weight) of a listed n-gram (words joined by one space).
    fn gram(&self, words: &[&str]) -> Option<(f32, f32)> {
        let mut key = [0u8; 96];
        let n = words.iter().map(|w| w.len() + 1).sum::<usize>() - 1;
        if n > key.len() {
            return None; // no n-gram of the model is this long
        }
        let mut at = 0;
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                key[at] = b' ';
                at += 1;
            }
            key[at..at + w.len()].copy_from_slice(w.as_bytes());
            at += w.len();
        }
        let key = &key[..n];
        GRAMS.with(|m| {
            let mut m = m.borrow_mut();
            if let Some(&v) = m.get(key) {
                return v;
            }
            if m.len() >= MEMO_KEYS {
                m.clear();
            }
            let v = self.grams.get(key).map(|v| {
                let z = v >> 16;
                let backoff = ((z >> 1) as i64) ^ -((z & 1) as i64);
                ((v & 0xffff) as f32 / -10.0, backoff as f32 / -10.0)
            });
            m.insert(key.into(), v);
            v
        })
    }

    /// ln P(word | history) in the trigram model, backing off as an ARPA (Katz) model does:
    /// the longest listed n-gram ending in `word`, plus the back-off weights of the histories
    /// passed over. `history` holds at most two words, nearest last; an unknown word is at
    /// the model's floor.
    fn ln_cond(&self, history: &[&str], word: &str) -> f32 {
        let h = &history[history.len().saturating_sub(2)..];
        let mut alpha = 0.0;
        for start in 0..h.len() {
            let ctx = &h[start..];
            let mut g: [&str; 3] = [""; 3];
            g[..ctx.len()].copy_from_slice(ctx);
            g[ctx.len()] = word;
            if let Some((lp, _)) = self.gram(&g[..=ctx.len()]) {
                return alpha + lp;
            }
            alpha += self.gram(ctx).map_or(0.0, |(_, bo)| bo);
        }
        alpha
            + self
                .gram(&[word])
                .map_or(trigram::FLOOR_COST as f32 / -10.0, |g| g.0)
    }

    fn joint<'a>(&self, t: &'a str) -> Joint<'a> {
        if matches!(t, "." | "!" | "?") {
            Joint::SentenceEnd
        } else if is_word(t) && self.gram(&[t]).is_some() {
            Joint::Word(t)
        } else {
            Joint::Cut
        }
    }

    /// ln P of `phrase` and of up to two words after it, given up to two words before it,
    /// in the trigram model: the score to compare one phrase with another in the same place
    /// (left-hand words' own terms are left out). `left` is nearest last, `right`
    /// nearest first; tokens are normalised (lower case). `.`, `!` and `?` end a sentence,
    /// other punctuation and unknown words cut the window (nothing is conditioned across
    /// them); a phrase word the model does not know is at its floor.
    pub fn score(&self, left: &[&str], phrase: &[&str], right: &[&str]) -> f32 {
        let mut hist: Vec<&str> = Vec::with_capacity(phrase.len() + 4);
        for &t in left.iter().rev().take(2) {
            match self.joint(t) {
                Joint::Word(w) => hist.insert(0, w),
                Joint::SentenceEnd => {
                    hist.insert(0, SENTENCE_START);
                    break;
                }
                Joint::Cut => break,
            }
        }
        let mut total = 0.0;
        for &t in phrase {
            match self.joint(t) {
                Joint::Word(w) => {
                    total += self.ln_cond(&hist, w);
                    hist.push(w);
                }
                Joint::SentenceEnd => hist = vec![SENTENCE_START],
                Joint::Cut if is_word(t) => {
                    total += self.ln_cond(&hist, t);
                    hist.clear();
                }
                Joint::Cut => hist.clear(),
            }
        }
        // Right-hand words count even where the phrase no longer conditions them (after an
        // unknown word): a phrase must not gain by cutting the window short.
        for &t in right.iter().take(2) {
            let h = &hist[hist.len().saturating_sub(2)..];
            match self.joint(t) {
                Joint::Word(w) => {
                    total += self.ln_cond(h, w);
                    hist.push(w);
                }
                Joint::SentenceEnd => {
                    total += self.ln_cond(h, SENTENCE_END);
                    break;
                }
                Joint::Cut => break,
            }
        }
        total
    }

    /// How much the two words each side raise the phrase's probability (nats):
    /// `score(left, phrase, right) - score(&[], phrase, &[])`. The difference between an
    /// original's fit and the fit of the text as written is a log-likelihood ratio of the
    /// context, free of how common each wording is.
    pub fn fit(&self, left: &[&str], phrase: &[&str], right: &[&str]) -> f32 {
        self.score(left, phrase, right) - self.score(&[], phrase, &[])
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

    /// ln P of a phrase of normalised tokens (words and punctuation, as
    /// [`crate::normalize::normalize_phrase`] separates them), or `None` when the model does
    /// not know one of its words.
    pub fn ln_phrase(&self, tokens: &[&str]) -> Option<f32> {
        let mut words = tokens.iter().filter(|t| is_word(t)).peekable();
        words.peek()?;
        if words.any(|w| self.ln_word(w).is_none()) {
            return None;
        }
        Some(self.score_window(&[], tokens, &[]))
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

    /// How much one neighbour each side raises the phrase's probability in the word-pair
    /// model (nats): `score_window(left, phrase, right) - score_window(&[], phrase, &[])`,
    /// from the two boundary terms only (the phrase's inner terms cancel). Swap density
    /// counts with it (see the scanner): the trigram model's [`ContextModel::fit`] is sharper
    /// for choosing, but scatters more around 0 on true swaps.
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
        let g = m.score(left, good, right);
        let b = m.score(left, bad, right);
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
    fn fit_is_the_score_with_context_less_the_score_alone() {
        let m = ContextModel::embedded();
        let fit = m.fit(&["talks", "stalled"], &["last", "year"], &[".", "the"]);
        let full = m.score(&["talks", "stalled"], &["last", "year"], &[".", "the"]);
        assert!((fit - (full - m.score(&[], &["last", "year"], &[]))).abs() < 1e-4);
        // Words beyond punctuation other than a sentence end never condition the phrase.
        assert_eq!(
            m.score(&["president", ","], &["said"], &[]),
            m.score(&[], &["said"], &[])
        );
        // Only the two nearest words each side count.
        assert_eq!(
            m.score(&["far", "away", "he"], &["said"], &["that", "it", "was"]),
            m.score(&["away", "he"], &["said"], &["that", "it"])
        );
    }

    #[test]
    fn two_words_of_context_decide_what_one_cannot() {
        let m = ContextModel::embedded();
        // "a _ with": a fight is likelier than a war...
        assert!(m.score(&["a"], &["fight"], &["with"]) > m.score(&["a"], &["war"], &["with"]));
        // ...unless someone "started" it.
        prefers(&["started", "a"], &["war"], &["fight"], &["with"]);
        // A sentence's start is context too: "however" opens sentences, "still" rarely.
        prefers(&["."], &["however"], &["still"], &[","]);
        prefers(&["it", "is"], &["still"], &["however"], &["true"]);
    }

    #[test]
    fn unknown_words_and_punctuation() {
        let m = ContextModel::embedded();
        // An unknown word to the right adds the same (nothing) to every phrase.
        assert_eq!(
            m.score(&[], &["year"], &["qzxv"]),
            m.score(&[], &["year"], &[])
        );
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
