//! The context model: how likely a word sequence is in English, for judging findings in
//! their context.
//!
//! A spinner swaps words without looking at their neighbours, so where it swapped, the
//! original usually fits the neighbours far better than the spun form ("last year" against
//! "final yr"); where the text was never spun, the word as written usually fits best ("chief
//! executive", not "leader executive"). The scanner compares the two with [`ContextModel`].
//!
//! Two embedded models, both compiled by `build.rs` into tables by word id read in place
//! (opening them costs nothing; an n-gram is a search among the words listed after its
//! history: a binary search in a short list, a walk down a B-tree of cache-line nodes in a long
//! one):
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
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use crate::dict::walk::TokenKey;

/// Embedded bytes that start on a cache line (64 bytes): the models' arrays, so that each
/// node of a long run's search tree (see [`Ngrams`]) is one line.
#[repr(C, align(64))]
struct Aligned<T: ?Sized>(T);

#[allow(dead_code)] // the header's informative constants (`SCALE`) need not be used
mod table {
    include!(concat!(env!("OUT_DIR"), "/lm.rs"));
}

/// The trigram model (`dictionaries/lm/en-trigram.tsv.xz`, from CMU Sphinx's US English model).
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

/// How a window token joins its neighbours in the trigram model (words as ids of the
/// thread's [`GramMemo`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Joint {
    Word(u32),
    /// `.`, `!`, `?` (and a paragraph break, which the scanner passes as `.`): the words
    /// before end a sentence, the words after start one.
    SentenceEnd,
    /// A word the model does not know: no context crosses it, and inside a phrase it is
    /// scored at the floor (after backing off from its history).
    Unknown(u32),
    /// Other punctuation: no context crosses it.
    Cut,
}

/// Share of a word's probability an absent pair backs off to (as in "stupid back-off").
const BACKOFF: f32 = 0.4;

thread_local! {
    /// Both models' memo, per thread.
    static GRAMS: RefCell<GramMemo> = RefCell::new(GramMemo::new());
}

/// Word ids of [`SENTENCE_START`] and [`SENTENCE_END`] in every [`GramMemo`].
const START: u32 = 0;
const END: u32 = 1;

/// No word: an unused slot of an n-gram key.
const NO_WORD: u32 = (1 << ID_BITS) - 1;

/// Most words a thread's [`GramMemo`] interns; it is emptied (all of it, so word ids stay
/// consistent) when it holds more.
const GRAM_MEMO_WORDS: usize = 1 << 16;

/// The per-thread memo of both models' lookups. Texts reuse a small vocabulary, and
/// discovery and judging score many candidate words in the same context, so lookups are
/// made cheap where they repeat: words are interned once (an n-gram is then up to three
/// ids, no string is built), what the models say about a word alone (and its trigram model
/// id) is kept with the word, and n-grams sit in fixed direct-mapped caches. An n-gram of the
/// trigram model not met before costs a search among its history's continuations
/// ([`Ngrams`]). Most n-grams of a candidate's window are met once, so the caches are small
/// and overwrite instead of growing: memory stays fixed and the words' own entries, which
/// repeat, are never pushed out by them. What does repeat, repeats soon (the same context
/// for one candidate word after another): on spun text, a cache of 2^15 trigram-model
/// n-grams answered 48 % of lookups and one of 2^12 answers 45 %, so the caches are that
/// small. A slot is one `u64` (see [`Slots`]): the three caches take 64 KB and stay in cache
/// themselves, leaving the rest to the models' lines.
struct GramMemo {
    ids: HashMap<Box<str>, u32, BuildHasherDefault<IdHasher>>,
    /// What is known of each word id.
    words: Vec<WordMemo>,
    /// The text of each word id.
    texts: Vec<Box<str>>,
    /// The trigram model's listed two- and three-word n-grams by word ids (first slots first,
    /// [`NO_WORD`] after): the index of the n-gram's value in its order's table of values
    /// ([`Ngrams::bigram_value_of`], [`Ngrams::trigram_value_of`]), `None` when not listed.
    grams: GramSlots,
    /// The index of the trigram model's listed bigram `[a, b]`, if listed.
    bigrams: Slots<{ 2 * ID_BITS }, PAIR_BITS>,
    /// The word-pair model's ln P by pair `[a, b]` (as `f32` bits), if listed.
    costs: Slots<{ 2 * ID_BITS }, PAIR_BITS>,
    /// Whether the word-pair model knows a word, by the word's bytes (words of up to
    /// [`TokenKey::MAX`] bytes): sub-word discovery asks about every eligible word of every
    /// document, and this answers without interning the word or hashing it as a string.
    known: Box<[Option<(TokenKey, bool)>]>,
    /// Ids of recently met words, by the word's bytes (words of up to [`TokenKey::MAX`]
    /// bytes), in front of `ids`.
    recent: Box<[Option<(TokenKey, u32)>]>,
}

/// Bits of the slot index of [`GramMemo::recent`].
const RECENT_BITS: u32 = 12;

/// Bits of the slot index of [`GramMemo::known`].
const KNOWN_BITS: u32 = 13;

/// What the models say about one word, looked up on first need (the outer `None`); the
/// word's text is apart ([`GramMemo::texts`]), so that these 24 bytes are all a lookup reads.
struct WordMemo {
    /// The trigram model's id of the word, if listed.
    model: Option<Option<u32>>,
    /// The word-pair model's ln P (see [`GramMemo::ln_word`]), if listed.
    ln_word: Option<Option<f32>>,
    /// The word-pair model's id of the word, if listed.
    pair_model: Option<Option<u32>>,
}

const _: () = assert!(std::mem::size_of::<WordMemo>() == 24);

/// Bits of a word id in a packed key: ids stay below [`NO_WORD`].
const ID_BITS: u32 = 21;

/// Up to three word ids (first slots first, [`NO_WORD`] after) as one key.
fn pack(ids: &[u32]) -> u64 {
    ids.iter()
        .rev()
        .fold(0, |k, &id| k << ID_BITS | u64::from(id))
}

/// A direct-mapped cache of `1 << BITS` slots by packed key of `KEY_BITS` bits, of `u32`
/// values or "not listed": each slot holds the last entry whose key hashed to it, so a lookup
/// is one probe and memory is fixed; an overwritten entry is looked up again when next needed.
///
/// A slot is one `u64`. The hash multiplies the key by an odd constant modulo
/// `1 << KEY_BITS`, which is one-to-one, so the slot index (the product's high `BITS` bits,
/// which depend on every bit of the key, as in Fibonacci hashing) and the rest of the product
/// (the tag) together tell the key: a slot keeps the tag in its high bits and the value in
/// the `64 - KEY_BITS + BITS` bits below, with [`Slots::NOT_LISTED`] for "not listed" and all
/// ones for an empty slot (so values must be below [`Slots::NOT_LISTED`]).
struct Slots<const KEY_BITS: u32, const BITS: u32> {
    slots: Box<[u64]>,
}

impl<const KEY_BITS: u32, const BITS: u32> Slots<KEY_BITS, BITS> {
    /// Bits of a slot's tag.
    const TAG_BITS: u32 = {
        assert!(KEY_BITS <= 64 && BITS < KEY_BITS && KEY_BITS - BITS < 64);
        KEY_BITS - BITS
    };
    /// Bits of a slot's value.
    const VALUE_BITS: u32 = 64 - Self::TAG_BITS;
    /// A slot's value bits, all ones.
    const VALUE_MASK: u64 = u64::MAX >> Self::TAG_BITS;
    /// The value held for "not listed".
    const NOT_LISTED: u64 = Self::VALUE_MASK - 1;

    fn new() -> Self {
        Slots {
            slots: vec![u64::MAX; 1 << BITS].into(),
        }
    }

    /// The slot index and tag of `key`.
    #[inline]
    fn split(key: u64) -> (usize, u64) {
        debug_assert!(KEY_BITS == 64 || key < 1 << KEY_BITS);
        let h = key.wrapping_mul(0x9E37_79B9_7F4A_7C15) & (u64::MAX >> (64 - KEY_BITS));
        (
            (h >> Self::TAG_BITS) as usize,
            h & (u64::MAX >> Self::VALUE_BITS),
        )
    }

    /// The value held for `key` (`Some(None)`: not listed), if held.
    #[inline]
    fn get(&self, key: u64) -> Option<Option<u32>> {
        let (i, tag) = Self::split(key);
        // This leaves the value alone exactly when the tag matches (else a high bit is set);
        // an empty slot's value (all ones) is above every value held.
        let v = self.slots[i] ^ tag << Self::VALUE_BITS;
        if v < Self::NOT_LISTED {
            Some(Some(v as u32))
        } else {
            (v == Self::NOT_LISTED).then_some(None)
        }
    }

    /// Holds `v` for `key`.
    #[inline]
    fn put(&mut self, key: u64, v: Option<u32>) {
        let v = v.map_or(Self::NOT_LISTED, u64::from);
        assert!(v <= Self::NOT_LISTED, "a value too large for a memo slot");
        let (i, tag) = Self::split(key);
        self.slots[i] = tag << Self::VALUE_BITS | v;
    }

    fn clear(&mut self) {
        self.slots.fill(u64::MAX);
    }
}

/// Bits of the slot index of [`GramMemo::grams`].
const GRAM_BITS: u32 = 12;

/// Bits of the slot index of [`GramMemo::bigrams`] and [`GramMemo::costs`].
const PAIR_BITS: u32 = 11;

/// The cache of [`GramMemo::grams`].
type GramSlots = Slots<{ 3 * ID_BITS }, GRAM_BITS>;

/// The index of a trigram-model value in its order's table of values fits a slot of
/// [`GramMemo::grams`].
const _: () = assert!(
    (trigram::BI_VALS.len() / 4) as u64 <= GramSlots::NOT_LISTED
        && (trigram::TRI_VALS.len() / 4) as u64 <= GramSlots::NOT_LISTED
);

/// Hashes a word by a folded multiply per eight bytes.
#[derive(Default, Clone, Copy)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for c in bytes.chunks(8) {
            let mut buf = [0u8; 8];
            buf[..c.len()].copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(buf));
        }
    }

    #[inline]
    fn write_u64(&mut self, k: u64) {
        let p = u128::from(self.0 ^ k) * 0x9E37_79B9_7F4A_7C15;
        self.0 = (p as u64) ^ (p >> 64) as u64;
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A model's value (see `build.rs`) as (ln P, ln back-off weight).
fn decode_gram(v: u32) -> (f32, f32) {
    let backoff = (v >> 16) as u16 as i16;
    ((v & 0xffff) as f32 / -10.0, f32::from(backoff) / -10.0)
}

/// An array of little-endian `u32` embedded by `build.rs` (read in place, whatever its
/// alignment).
#[derive(Clone, Copy)]
struct U32s(&'static [[u8; 4]]);

impl U32s {
    fn new(bytes: &'static [u8]) -> U32s {
        let (words, rest) = bytes.as_chunks();
        assert!(rest.is_empty(), "an embedded array of u32");
        U32s(words)
    }

    #[inline]
    fn get(self, i: usize) -> u32 {
        u32::from_le_bytes(self.0[i])
    }
}

/// Entries of a node of a long run's search tree (the same in both models).
const NODE: usize = trigram::NODE;

/// Runs of more n-grams than this are search trees (the same in both models).
const LONG_RUN: usize = trigram::LONG_RUN;

const _: () = assert!(table::NODE == NODE && table::LONG_RUN == LONG_RUN);

/// A model by word ids, as `build.rs` lays it out: listed words have ids in key order
/// (`words`), and each word's listed bigrams and each bigram's listed trigrams are runs of
/// packed continuations (word id in the low `next_bits` bits; the index of the n-gram's value
/// in its order's value table above), so an n-gram is found by a search in its history's run
/// ([`Ngrams::find`]): a run of up to [`LONG_RUN`] n-grams is sorted by word id; a longer one
/// is an implicit B-tree of [`NODE`]-entry nodes, one cache line each, after padding up to a
/// cache line. A bigram is known by its position in `bi` (which [`Ngrams::find`] returns).
/// Which bigrams have trigrams is a bit set with ranks, so the many bigrams without any cost a
/// bit each, not a run start.
struct Ngrams {
    words: fst::Map<&'static [u8]>,
    next_bits: u32,
    uni: U32s,
    bi_start: U32s,
    bi: U32s,
    bi_vals: U32s,
    tri_has: U32s,
    tri_rank: U32s,
    tri_start: U32s,
    tri: U32s,
    tri_vals: U32s,
}

/// The [`Ngrams`] of an embedded model's module (`table` or `trigram`).
macro_rules! embedded_ngrams {
    ($m:ident) => {
        Ngrams {
            words: fst::Map::new($m::WORDS).expect("an embedded model's words are a valid FST"),
            next_bits: $m::NEXT_BITS,
            uni: U32s::new($m::UNI),
            bi_start: U32s::new($m::BI_START),
            bi: U32s::new($m::BI),
            bi_vals: U32s::new($m::BI_VALS),
            tri_has: U32s::new($m::TRI_HAS),
            tri_rank: U32s::new($m::TRI_RANK),
            tri_start: U32s::new($m::TRI_START),
            tri: U32s::new($m::TRI),
            tri_vals: U32s::new($m::TRI_VALS),
        }
    };
}

impl Ngrams {
    /// The id of a listed word.
    fn id(&self, word: &str) -> Option<u32> {
        self.words.get(word).map(|v| v as u32)
    }

    /// Where `w` is in the run of packed continuations `grams[lo..hi]`. A run of up to
    /// [`LONG_RUN`] entries is sorted; a longer one is padding up to a multiple of [`NODE`]
    /// entries, then nodes of [`NODE`] ascending keys (padding, which is no word id, sorts
    /// last), node `i`'s child `j` being node `i * (NODE + 1) + 1 + j` with the keys between
    /// its keys `j - 1` and `j` (see `build.rs`, `lay_out`).
    #[inline]
    fn find(&self, grams: U32s, lo: usize, hi: usize, w: u32) -> Option<usize> {
        let mask = (1 << self.next_bits) - 1;
        let key = |x: &[u8; 4]| u32::from_le_bytes(*x) & mask;
        if hi - lo <= LONG_RUN {
            return grams.0[lo..hi]
                .binary_search_by(|x| key(x).cmp(&w))
                .ok()
                .map(|k| lo + k);
        }
        let start = lo.next_multiple_of(NODE);
        let (tree, _) = grams.0[start..hi].as_chunks::<NODE>();
        let mut i = 0;
        while let Some(node) = tree.get(i) {
            let below: usize = node.iter().map(|x| usize::from(key(x) < w)).sum();
            if node.get(below).is_some_and(|x| key(x) == w) {
                return Some(start + i * NODE + below);
            }
            i = i * (NODE + 1) + 1 + below;
        }
        None
    }

    /// The value (see [`decode_gram`]) of the packed n-gram `i` of `grams`.
    #[inline]
    fn value(&self, grams: U32s, vals: U32s, i: usize) -> (f32, f32) {
        decode_gram(vals.get((grams.get(i) >> self.next_bits) as usize))
    }

    /// (ln P, ln back-off weight) of the listed word `a`.
    fn unigram(&self, a: u32) -> (f32, f32) {
        decode_gram(self.uni.get(a as usize))
    }

    /// The index of the listed bigram `a b`.
    fn bigram(&self, a: u32, b: u32) -> Option<usize> {
        let a = a as usize;
        let (lo, hi) = (
            self.bi_start.get(a) as usize,
            self.bi_start.get(a + 1) as usize,
        );
        self.find(self.bi, lo, hi, b)
    }

    /// (ln P, ln back-off weight) of the listed n-gram of word ids `ids` (two or three).
    #[cfg(test)]
    fn get(&self, ids: &[u32]) -> Option<(f32, f32)> {
        let bi = self.bigram(ids[0], ids[1])?;
        if ids.len() == 2 {
            return Some(self.bigram_value(bi));
        }
        let tri = self.trigram(bi, ids[2])?;
        Some(self.value(self.tri, self.tri_vals, tri))
    }

    /// (ln P, ln back-off weight) of the bigram of index `bi`.
    fn bigram_value(&self, bi: usize) -> (f32, f32) {
        self.value(self.bi, self.bi_vals, bi)
    }

    /// The index in `bi_vals` of the value of the bigram of index `bi`.
    fn bigram_value_index(&self, bi: usize) -> u32 {
        self.bi.get(bi) >> self.next_bits
    }

    /// (ln P, ln back-off weight) of index `v` in `bi_vals`.
    fn bigram_value_of(&self, v: u32) -> (f32, f32) {
        decode_gram(self.bi_vals.get(v as usize))
    }

    /// The index in `tri_vals` of the value of the trigram of index `tri`.
    fn trigram_value_index(&self, tri: usize) -> u32 {
        self.tri.get(tri) >> self.next_bits
    }

    /// (ln P, ln back-off weight) of index `v` in `tri_vals`.
    fn trigram_value_of(&self, v: u32) -> (f32, f32) {
        decode_gram(self.tri_vals.get(v as usize))
    }

    /// The index (in `tri`) of the listed trigram of the bigram of index `bi` and the word
    /// `c`.
    fn trigram(&self, bi: usize, c: u32) -> Option<usize> {
        if self.tri.0.is_empty() {
            return None; // a model without trigrams
        }
        let (word, bit) = (bi / 32, bi % 32);
        let has = self.tri_has.get(word);
        if has & 1 << bit == 0 {
            return None;
        }
        let rank = (self.tri_rank.get(word) + (has & ((1 << bit) - 1)).count_ones()) as usize;
        let (lo, hi) = (
            self.tri_start.get(rank) as usize,
            self.tri_start.get(rank + 1) as usize,
        );
        self.find(self.tri, lo, hi, c)
    }
}

impl GramMemo {
    /// An empty memo with the sentence marks as words [`START`] and [`END`].
    fn new() -> GramMemo {
        let mut m = GramMemo {
            ids: HashMap::default(),
            words: Vec::new(),
            texts: Vec::new(),
            grams: Slots::new(),
            bigrams: Slots::new(),
            costs: Slots::new(),
            known: vec![None; 1 << KNOWN_BITS].into(),
            recent: vec![None; 1 << RECENT_BITS].into(),
        };
        m.id(SENTENCE_START);
        m.id(SENTENCE_END);
        m
    }

    /// Empties the memo if it holds too many words (only between lookups: ids are then
    /// renumbered).
    fn bound(&mut self) {
        if self.words.len() >= GRAM_MEMO_WORDS {
            self.ids.clear();
            self.words.clear();
            self.texts.clear();
            self.grams.clear();
            self.bigrams.clear();
            self.recent.fill(None);
            self.costs.clear();
            self.id(SENTENCE_START);
            self.id(SENTENCE_END);
        }
    }

    fn id(&mut self, word: &str) -> u32 {
        // Short words (nearly all) by their packed bytes first: one probe, no string hashing.
        let slot = TokenKey::new(word.as_bytes()).map(|k| (k, k.slot(RECENT_BITS)));
        if let Some((k, i)) = slot {
            if let Some((at, id)) = self.recent[i] {
                if at == k {
                    return id;
                }
            }
        }
        let id = self.intern(word);
        if let Some((k, i)) = slot {
            self.recent[i] = Some((k, id));
        }
        id
    }

    /// The id of `word`, interned if new.
    fn intern(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        let id = self.words.len() as u32;
        self.words.push(WordMemo {
            model: None,
            ln_word: None,
            pair_model: None,
        });
        self.texts.push(word.into());
        self.ids.insert(word.into(), id);
        id
    }

    fn text(&self, id: u32) -> &str {
        &self.texts[id as usize]
    }

    /// The trigram model's id of word `w`, if listed.
    fn model_id(&mut self, t: &Ngrams, w: u32) -> Option<u32> {
        if let Some(m) = self.words[w as usize].model {
            return m;
        }
        let m = t.id(self.text(w));
        self.words[w as usize].model = Some(m);
        m
    }

    /// (ln P, ln back-off weight) of a listed n-gram `key` of the trigram model (word ids,
    /// first slots first, [`NO_WORD`] after).
    fn gram(&mut self, t: &Ngrams, key: [u32; 3]) -> Option<(f32, f32)> {
        if key[1] == NO_WORD {
            return self.model_id(t, key[0]).map(|a| t.unigram(a));
        }
        let packed = pack(&key);
        let bigram = key[2] == NO_WORD;
        let v = match self.grams.get(packed) {
            Some(v) => v,
            None => {
                let bi = self.bigram_index(t, key[0], key[1]);
                let v = if bigram {
                    bi.map(|bi| t.bigram_value_index(bi as usize))
                } else {
                    let c = self.model_id(t, key[2]);
                    bi.zip(c)
                        .and_then(|(bi, c)| t.trigram(bi as usize, c))
                        .map(|tri| t.trigram_value_index(tri))
                };
                self.grams.put(packed, v);
                v
            }
        };
        v.map(|v| {
            if bigram {
                t.bigram_value_of(v)
            } else {
                t.trigram_value_of(v)
            }
        })
    }

    /// The index of the listed bigram `a b` in the trigram model (remembered: the history of
    /// a trigram recurs, one candidate word after another).
    fn bigram_index(&mut self, t: &Ngrams, a: u32, b: u32) -> Option<u32> {
        let key = pack(&[a, b]);
        if let Some(i) = self.bigrams.get(key) {
            return i;
        }
        let i = self
            .model_id(t, a)
            .zip(self.model_id(t, b))
            .and_then(|(a, b)| t.bigram(a, b))
            .map(|i| i as u32);
        self.bigrams.put(key, i);
        i
    }

    /// ln P(word | history) in the trigram model, backing off as an ARPA (Katz) model does:
    /// the longest listed n-gram ending in `word`, plus the back-off weights of the
    /// histories passed over. `history` holds at most two words, nearest last; an unknown
    /// word is at the model's floor.
    fn ln_cond(&mut self, tg: &Ngrams, history: &[u32], word: u32) -> f32 {
        let h = &history[history.len().saturating_sub(2)..];
        let mut alpha = 0.0;
        for start in 0..h.len() {
            let ctx = &h[start..];
            // Word by word: a copy of one or two ids is not worth a call to `memcpy`.
            let mut g = match *ctx {
                [a] => [a, word, NO_WORD],
                [a, b] => [a, b, word],
                _ => unreachable!("a history holds one or two words here"),
            };
            if let Some((lp, _)) = self.gram(tg, g) {
                return alpha + lp;
            }
            g[ctx.len()] = NO_WORD;
            alpha += self.gram(tg, g).map_or(0.0, |(_, bo)| bo);
        }
        alpha
            + self
                .gram(tg, [word, NO_WORD, NO_WORD])
                .map_or(trigram::FLOOR_COST as f32 / -10.0, |g| g.0)
    }

    /// The word-pair model's ln P of the pair `key`.
    fn cost(&mut self, pm: &Ngrams, key: [u32; 2]) -> Option<f32> {
        let [a, b] = key;
        let packed = pack(&key);
        if let Some(c) = self.costs.get(packed) {
            return c.map(f32::from_bits);
        }
        let c = self
            .pair_model_id(pm, a)
            .zip(self.pair_model_id(pm, b))
            .and_then(|(a, b)| pm.bigram(a, b))
            .map(|i| pm.bigram_value(i).0);
        self.costs.put(packed, c.map(f32::to_bits));
        c
    }

    /// The word-pair model's id of word `w`, if listed.
    fn pair_model_id(&mut self, pm: &Ngrams, w: u32) -> Option<u32> {
        if let Some(m) = self.words[w as usize].pair_model {
            return m;
        }
        let m = pm.id(self.text(w));
        self.words[w as usize].pair_model = Some(m);
        m
    }

    /// The word-pair model's ln P(word), `None` for a word it does not know (or a phrase).
    fn ln_word(&mut self, fst: &Ngrams, w: u32) -> Option<f32> {
        if let Some(c) = self.words[w as usize].ln_word {
            return c;
        }
        let c = if self.text(w).contains(' ') {
            None
        } else {
            self.pair_model_id(fst, w).map(|i| fst.unigram(i).0)
        };
        self.words[w as usize].ln_word = Some(c);
        c
    }

    /// [`GramMemo::ln_word`] with unknown words at the model's floor.
    fn ln_word_or_floor(&mut self, fst: &Ngrams, w: u32) -> f32 {
        self.ln_word(fst, w)
            .unwrap_or(table::FLOOR_COST as f32 / -10.0)
    }

    /// The word-pair model's ln P(word | prev) (see [`ContextModel::ln_next`]).
    fn ln_next(&mut self, fst: &Ngrams, prev: u32, word: u32) -> f32 {
        let Some(ln_prev) = self.ln_word(fst, prev) else {
            return self.ln_word_or_floor(fst, word);
        };
        if let Some(l) = self.cost(fst, [prev, word]) {
            return l;
        }
        let backoff = BACKOFF.ln() + self.ln_word_or_floor(fst, word);
        let cap = table::ABSENT_PAIR_CAP_LN - ln_prev;
        backoff.min(cap)
    }

    /// The history the tokens `left` (nearest last) leave for a phrase after them.
    fn left_history(&mut self, tg: &Ngrams, left: &[&str]) -> History {
        let mut hist = History::EMPTY;
        for &t in left.iter().rev().take(2) {
            match self.joint(tg, t) {
                Joint::Word(w) => hist.prepend(w),
                Joint::SentenceEnd => {
                    hist.prepend(START);
                    break;
                }
                Joint::Unknown(_) | Joint::Cut => break,
            }
        }
        hist
    }

    /// The joints of the first two tokens of `right`, and how many there are.
    fn right_joints(&mut self, tg: &Ngrams, right: &[&str]) -> ([Joint; 2], usize) {
        let mut joints = [Joint::Cut; 2];
        let n = right.len().min(2);
        for (j, &t) in joints.iter_mut().zip(right) {
            *j = self.joint(tg, t);
        }
        (joints, n)
    }

    /// The joints of the tokens of `phrase`, given to `f`.
    fn with_joints<R>(
        &mut self,
        tg: &Ngrams,
        phrase: &[&str],
        f: impl FnOnce(&mut GramMemo, &[Joint]) -> R,
    ) -> R {
        let mut small = [Joint::Cut; 8];
        let mut large = Vec::new();
        let joints: &mut [Joint] = if phrase.len() <= small.len() {
            &mut small[..phrase.len()]
        } else {
            large.resize(phrase.len(), Joint::Cut);
            &mut large
        };
        for (j, &t) in joints.iter_mut().zip(phrase) {
            *j = self.joint(tg, t);
        }
        f(self, joints)
    }

    /// ln P of the phrase of `joints` and of the words of `right` after it, given `hist`
    /// (see [`ContextModel::score`]).
    fn score(&mut self, tg: &Ngrams, mut hist: History, phrase: &[Joint], right: &[Joint]) -> f32 {
        let mut total = 0.0;
        for &j in phrase {
            match j {
                Joint::Word(w) => {
                    total += self.ln_cond(tg, hist.words(), w);
                    hist.push(w);
                }
                Joint::SentenceEnd => hist = History::of(START),
                Joint::Unknown(w) => {
                    total += self.ln_cond(tg, hist.words(), w);
                    hist = History::EMPTY;
                }
                Joint::Cut => hist = History::EMPTY,
            }
        }
        // Right-hand words count even where the phrase no longer conditions them (after an
        // unknown word): a phrase must not gain by cutting the window short.
        for &j in right {
            match j {
                Joint::Word(w) => {
                    total += self.ln_cond(tg, hist.words(), w);
                    hist.push(w);
                }
                Joint::SentenceEnd => {
                    total += self.ln_cond(tg, hist.words(), END);
                    break;
                }
                Joint::Unknown(_) | Joint::Cut => break,
            }
        }
        total
    }

    fn joint(&mut self, tg: &Ngrams, t: &str) -> Joint {
        if matches!(t, "." | "!" | "?") {
            Joint::SentenceEnd
        } else if is_word(t) {
            let id = self.id(t);
            if self.gram(tg, [id, NO_WORD, NO_WORD]).is_some() {
                Joint::Word(id)
            } else {
                Joint::Unknown(id)
            }
        } else {
            Joint::Cut
        }
    }
}

/// The last two words of a history (all the trigram model looks at), oldest first.
#[derive(Clone, Copy)]
struct History {
    words: [u32; 2],
    len: usize,
}

impl History {
    const EMPTY: History = History {
        words: [NO_WORD; 2],
        len: 0,
    };

    fn of(word: u32) -> History {
        History {
            words: [word, NO_WORD],
            len: 1,
        }
    }

    fn push(&mut self, word: u32) {
        if self.len < 2 {
            self.words[self.len] = word;
            self.len += 1;
        } else {
            self.words = [self.words[1], word];
        }
    }

    /// Puts `word` before the others (at most one word held).
    fn prepend(&mut self, word: u32) {
        self.words = [word, self.words[0]];
        self.len = (self.len + 1).min(2);
    }

    fn words(&self) -> &[u32] {
        &self.words[..self.len]
    }
}

/// English word, phrase and context probabilities over normalised (lower-case) word tokens.
pub struct ContextModel {
    pairs: Ngrams,
    trigrams: Ngrams,
}

impl std::fmt::Debug for ContextModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContextModel")
            .field("words", &self.pairs.words.len())
            .finish()
    }
}

/// True for a token the model can see: a word (punctuation and symbols are boundaries).
fn is_word(t: &str) -> bool {
    t.chars().next().is_some_and(crate::normalize::is_word_char)
}

/// The embedded word-pair model's words (an FST map from word to word id), for benchmarks and
/// tools.
pub fn embedded_table() -> &'static [u8] {
    table::WORDS
}

impl ContextModel {
    /// The model embedded in this build (opened once; later calls are free).
    pub fn embedded() -> &'static ContextModel {
        static MODEL: OnceLock<ContextModel> = OnceLock::new();
        MODEL.get_or_init(|| ContextModel {
            pairs: embedded_ngrams!(table),
            trigrams: embedded_ngrams!(trigram),
        })
    }

    /// Runs `f` with this thread's memo and the trigram model.
    fn with_grams<R>(&self, f: impl FnOnce(&mut GramMemo, &Ngrams) -> R) -> R {
        GRAMS.with(|m| {
            let mut m = m.borrow_mut();
            m.bound();
            f(&mut m, &self.trigrams)
        })
    }

    /// ln P of `phrase` and of up to two words after it, given up to two words before it,
    /// in the trigram model: the score to compare one phrase with another in the same place
    /// (left-hand words' own terms are left out). `left` is nearest last, `right`
    /// nearest first; tokens are normalised (lower case). `.`, `!` and `?` end a sentence,
    /// other punctuation and unknown words cut the window (nothing is conditioned across
    /// them); a phrase word the model does not know is at its floor.
    pub fn score(&self, left: &[&str], phrase: &[&str], right: &[&str]) -> f32 {
        self.score_and_fit(left, phrase, right).0
    }

    /// How much the two words each side raise the phrase's probability (nats):
    /// `score(left, phrase, right) - score(&[], phrase, &[])`. The difference between an
    /// original's fit and the fit of the text as written is a log-likelihood ratio of the
    /// context, free of how common each wording is.
    pub fn fit(&self, left: &[&str], phrase: &[&str], right: &[&str]) -> f32 {
        self.score_and_fit(left, phrase, right).1
    }

    /// [`ContextModel::score`] and [`ContextModel::fit`] at once (the fit is the score less
    /// the phrase's score alone).
    pub fn score_and_fit(&self, left: &[&str], phrase: &[&str], right: &[&str]) -> (f32, f32) {
        self.with_grams(|m, tg| {
            let hist = m.left_history(tg, left);
            let (right, n) = m.right_joints(tg, right);
            m.with_joints(tg, phrase, |m, phrase| {
                let score = m.score(tg, hist, phrase, &right[..n]);
                (score, score - m.score(tg, History::EMPTY, phrase, &[]))
            })
        })
    }

    /// [`ContextModel::fit`] of each word of `words` as a one-word phrase between the same
    /// `left` and `right`, given to `each` with its position in `words`: the same numbers,
    /// with the context read once (discovery weighs every candidate original of a word in
    /// one place).
    pub fn fit_each<'w>(
        &self,
        left: &[&str],
        right: &[&str],
        words: impl IntoIterator<Item = &'w str>,
        mut each: impl FnMut(usize, f32),
    ) {
        self.with_grams(|m, tg| {
            let hist = m.left_history(tg, left);
            let (right, n) = m.right_joints(tg, right);
            for (k, w) in words.into_iter().enumerate() {
                let phrase = [m.joint(tg, w)];
                let fit = m.score(tg, hist, &phrase, &right[..n])
                    - m.score(tg, History::EMPTY, &phrase, &[]);
                each(k, fit);
            }
        })
    }

    /// Runs `f` with this thread's memo and the word-pair model.
    fn with_costs<R>(&self, f: impl FnOnce(&mut GramMemo, &Ngrams) -> R) -> R {
        GRAMS.with(|m| {
            let mut m = m.borrow_mut();
            m.bound();
            f(&mut m, &self.pairs)
        })
    }

    /// ln P(word), or `None` for a word the model does not know.
    pub fn ln_word(&self, word: &str) -> Option<f32> {
        self.with_costs(|m, fst| {
            let w = m.id(word);
            m.ln_word(fst, w)
        })
    }

    /// Whether the model knows each word of `words` ([`ContextModel::ln_word`] is `Some`),
    /// given to `each` in order: the per-thread memo is taken once for a pass over a text.
    pub fn knows_each<'w>(
        &self,
        words: impl IntoIterator<Item = &'w str>,
        mut each: impl FnMut(bool),
    ) {
        self.with_costs(|m, fst| {
            for word in words {
                let key = TokenKey::new(word.as_bytes());
                let slot = key.map(|k| (k, k.slot(KNOWN_BITS)));
                if let Some((k, i)) = slot {
                    if let Some((at, known)) = m.known[i] {
                        if at == k {
                            each(known);
                            continue;
                        }
                    }
                }
                let w = m.id(word);
                let known = m.ln_word(fst, w).is_some();
                if let Some((k, i)) = slot {
                    m.known[i] = Some((k, known));
                }
                each(known);
            }
        })
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
        self.with_costs(|m, fst| {
            let (p, w) = (m.id(prev), m.id(word));
            m.ln_next(fst, p, w)
        })
    }

    /// How much one neighbour each side raises the phrase's probability in the word-pair
    /// model (nats): `score_window(left, phrase, right) - score_window(&[], phrase, &[])`,
    /// from the two boundary terms only (the phrase's inner terms cancel). Swap density
    /// counts with it (see the scanner): the trigram model's [`ContextModel::fit`] is sharper
    /// for choosing, but scatters more around 0 on true swaps.
    pub fn context_fit(&self, left: Option<&str>, phrase: &[&str], right: Option<&str>) -> f32 {
        self.with_costs(|m, fst| {
            let mut fit = 0.0;
            if let (Some(l), Some(&first)) = (left.filter(|t| is_word(t)), phrase.first()) {
                if is_word(first) {
                    let (l, first) = (m.id(l), m.id(first));
                    fit += m.ln_next(fst, l, first) - m.ln_word_or_floor(fst, first);
                }
            }
            if let (Some(&last), Some(r)) = (phrase.last(), right) {
                if is_word(last) && is_word(r) {
                    let (last, r) = (m.id(last), m.id(r));
                    if m.ln_word(fst, r).is_some() {
                        fit += m.ln_next(fst, last, r);
                    }
                }
            }
            fit
        })
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

    /// A model's source table, `dictionaries/lm/{file}`: n-gram -> (ln P, ln back-off weight).
    fn read_table(file: &str) -> HashMap<String, (f32, f32)> {
        let path = format!(
            "{}/../../dictionaries/lm/{file}",
            env!("CARGO_MANIFEST_DIR")
        );
        let mut text = Vec::new();
        lzma_rs::xz_decompress(&mut &std::fs::read(&path).unwrap()[..], &mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        let mut table = HashMap::new();
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let mut f = line.split('\t');
            let key = f.next().unwrap().to_string();
            let mut number = || f.next().map_or(0.0, |x| x.parse::<i32>().unwrap() as f32);
            let (cost, backoff) = (number(), number());
            table.insert(key, (cost / -10.0, backoff / -10.0));
        }
        table
    }

    /// The trigram model's source table.
    fn source_table() -> &'static HashMap<String, (f32, f32)> {
        static TABLE: OnceLock<HashMap<String, (f32, f32)>> = OnceLock::new();
        TABLE.get_or_init(|| read_table("en-trigram.tsv.xz"))
    }

    /// The word-pair model's source table.
    fn pair_table() -> &'static HashMap<String, (f32, f32)> {
        static TABLE: OnceLock<HashMap<String, (f32, f32)>> = OnceLock::new();
        TABLE.get_or_init(|| read_table("en-bigram.tsv.xz"))
    }

    /// The trigram model's entry for `words`, from its source table.
    fn listed(words: &[&str]) -> Option<(f32, f32)> {
        source_table().get(&words.join(" ")).copied()
    }

    #[test]
    fn every_listed_ngram_is_found_by_word_ids() {
        let pairs = embedded_ngrams!(table);
        for (key, &want) in pair_table() {
            let ids: Vec<u32> = key.split(' ').map(|w| pairs.id(w).unwrap()).collect();
            let got = if ids.len() == 1 {
                pairs.unigram(ids[0])
            } else {
                pairs.bigram_value(pairs.bigram(ids[0], ids[1]).unwrap())
            };
            assert_eq!(got, want, "{key}");
        }
        assert!(pair_table().len() > 300_000);
        let t = embedded_ngrams!(trigram);
        let mut n = 0;
        for (key, &want) in source_table() {
            let ids: Vec<u32> = key.split(' ').map(|w| t.id(w).unwrap()).collect();
            let got = if ids.len() == 1 {
                Some(t.unigram(ids[0]))
            } else {
                t.get(&ids)
            };
            assert_eq!(got, Some(want), "{key}");
            n += 1;
        }
        assert!(n > 600_000, "{n} n-grams");
        // Unlisted n-grams of listed words are not found.
        let id = |w| t.id(w).unwrap();
        for key in [
            &["year", "of", "year"][..],
            &["year", "year", "year"],
            &["said", "said", "said"],
        ] {
            assert_eq!(listed(key), None, "{key:?}");
            assert_eq!(t.get(&key.iter().map(|w| id(w)).collect::<Vec<_>>()), None);
        }
        assert_eq!(t.id("qzxv"), None);
    }

    /// Checks the layout of `grams`' runs (`starts[h]..starts[h + 1]`, `runs` of them): a run
    /// of up to [`LONG_RUN`] entries holds ascending word ids; a longer one is padding up to a
    /// multiple of [`NODE`], then whole nodes whose in-order walk is the run's more than
    /// [`LONG_RUN`] word ids ascending, then padding.
    fn assert_laid_out(t: &Ngrams, grams: U32s, starts: U32s, runs: usize) {
        fn walk(t: &Ngrams, tree: &[[[u8; 4]; NODE]], i: usize, ids: &mut Vec<u32>) {
            if let Some(node) = tree.get(i) {
                for (j, x) in node.iter().enumerate() {
                    walk(t, tree, i * (NODE + 1) + 1 + j, ids);
                    ids.push(u32::from_le_bytes(*x) & ((1 << t.next_bits) - 1));
                }
                walk(t, tree, i * (NODE + 1) + 1 + NODE, ids);
            }
        }
        assert_eq!(grams.0.as_ptr() as usize % 64, 0, "aligned to a cache line");
        let padding = (1 << t.next_bits) - 1;
        let mut ids = Vec::new();
        for h in 0..runs {
            let (lo, hi) = (starts.get(h) as usize, starts.get(h + 1) as usize);
            ids.clear();
            if hi - lo <= LONG_RUN {
                ids.extend((lo..hi).map(|i| grams.get(i) & padding));
            } else {
                let start = lo.next_multiple_of(NODE);
                assert!((lo..start).all(|i| grams.get(i) == padding), "run {h}");
                let (tree, rest) = grams.0[start..hi].as_chunks::<NODE>();
                assert!(rest.is_empty(), "run {h}: whole nodes");
                walk(t, tree, 0, &mut ids);
                assert_eq!(ids.len(), hi - start, "run {h}: every node in the tree");
                while ids.last() == Some(&padding) {
                    ids.pop();
                }
                assert!(ids.len() > LONG_RUN, "run {h}: a long run");
            }
            assert!(ids.is_sorted_by(|a, b| a < b), "run {h}: {ids:?}");
        }
    }

    /// The words of a model by id.
    fn words_by_id(m: &Ngrams) -> Vec<String> {
        let mut words = vec![String::new(); m.words.len()];
        let mut stream = m.words.stream();
        while let Some((w, id)) = fst::Streamer::next(&mut stream) {
            words[id as usize] = String::from_utf8(w.to_vec()).unwrap();
        }
        words
    }

    #[test]
    fn runs_are_laid_out_to_find_exactly_the_listed_ngrams() {
        let pairs = embedded_ngrams!(table);
        let t = embedded_ngrams!(trigram);
        for m in [&pairs, &t] {
            assert_laid_out(m, m.bi, m.bi_start, m.bi_start.0.len() - 1);
            let tri_runs = m.tri_start.0.len().saturating_sub(1);
            assert_laid_out(m, m.tri, m.tri_start, tri_runs);
        }
        // Long runs (search trees, up to tens of thousands of entries) and short ones (sorted),
        // asked for every word of the model: an n-gram is found exactly when listed, and then
        // with its value at an entry of its word.
        let run_len = |starts: U32s, h: usize| starts.get(h + 1) - starts.get(h);
        let mask = |m: &Ngrams| (1 << m.next_bits) - 1;
        let mut lengths = Vec::new();
        for first in ["the", "said", "precept"] {
            let a = pairs.id(first).unwrap();
            lengths.push(run_len(pairs.bi_start, a as usize));
            for (w, word) in words_by_id(&pairs).iter().enumerate() {
                let got = pairs.bigram(a, w as u32);
                let want = pair_table().get(&format!("{first} {word}"));
                assert_eq!(got.is_some(), want.is_some(), "{first} {word}");
                if let Some(i) = got {
                    assert_eq!(pairs.bi.get(i) & mask(&pairs), w as u32);
                    assert_eq!(pairs.bigram_value(i), *want.unwrap());
                }
            }
        }
        let tri_run_len = |bi: usize| {
            let (word, bit) = (bi / 32, bi % 32);
            let has = t.tri_has.get(word);
            let rank = t.tri_rank.get(word) + (has & ((1 << bit) - 1)).count_ones();
            assert!(has & 1 << bit != 0);
            run_len(t.tri_start, rank as usize)
        };
        let words = words_by_id(&t);
        for history in [
            &["<s>"][..],
            &["the"],
            &["precept"],
            &["in", "the"],
            &["of", "the"],
            &["last", "year"],
        ] {
            let ids: Vec<u32> = history.iter().map(|w| t.id(w).unwrap()).collect();
            lengths.push(match ids[..] {
                [a] => run_len(t.bi_start, a as usize),
                [a, b] => tri_run_len(t.bigram(a, b).unwrap()),
                _ => unreachable!(),
            });
            for (w, word) in words.iter().enumerate() {
                let key = [history, &[word.as_str()]].concat();
                let mut gram = ids.clone();
                gram.push(w as u32);
                assert_eq!(t.get(&gram), listed(&key), "{key:?}");
            }
        }
        assert!(
            lengths.iter().any(|&n| n as usize > 10 * LONG_RUN),
            "{lengths:?}"
        );
        assert!(
            lengths.iter().any(|&n| n > 0 && n as usize <= LONG_RUN),
            "{lengths:?}"
        );
    }

    #[test]
    fn memoised_lookups_match_the_table() {
        let m = ContextModel::embedded();
        let words = [
            "last", "year", "the", "said", "he", "qzxv", "<s>", "</s>", "of", "in",
        ];
        // Twice: the first pass fills the memo, the second reads it.
        for _ in 0..2 {
            for a in words {
                for b in words {
                    for c in words {
                        for key in [&[a][..], &[a, b], &[a, b, c]] {
                            let got = m.with_grams(|g, tg| {
                                let mut ids = [NO_WORD; 3];
                                for (id, w) in ids.iter_mut().zip(key) {
                                    *id = g.id(w);
                                }
                                g.gram(tg, ids)
                            });
                            assert_eq!(got, listed(key), "{key:?}");
                        }
                    }
                }
                for b in words {
                    let want = pair_table().get(&format!("{a} {b}")).map(|c| c.0);
                    let got = m.with_costs(|g, fst| {
                        let (a, b) = (g.id(a), g.id(b));
                        g.cost(fst, [a, b])
                    });
                    assert_eq!(got, want, "{a} {b}");
                }
            }
        }
    }

    #[test]
    fn memo_slots_hold_values_and_not_listed_by_exact_key() {
        fn check<const KEY_BITS: u32, const BITS: u32>(values: &[Option<u32>]) {
            let mut s = Slots::<KEY_BITS, BITS>::new();
            let max = u64::MAX >> (64 - KEY_BITS);
            // Keys at both ends of the range (all-ones tags among them) and spread over it:
            // thousands, so that many share a slot and overwrite each other.
            let mut keys: Vec<u64> = vec![0, 1, max, max - 1, pack(&[NO_WORD; 3]) & max];
            keys.extend((0..1 << 12).map(|k: u64| k << (KEY_BITS - 12) | k));
            keys.extend((0..=max).rev().take(1 << 12));
            keys.sort_unstable();
            keys.dedup();
            assert!(keys.iter().all(|&k| s.get(k).is_none()), "an empty memo");
            // The last key and value put in each slot.
            let mut held = vec![None; 1 << BITS];
            for (n, &k) in keys.iter().enumerate() {
                let v = values[n % values.len()];
                s.put(k, v);
                held[Slots::<KEY_BITS, BITS>::split(k).0] = Some((k, v));
                assert_eq!(s.get(k), Some(v), "{k:#x}");
                // A key put before reads its value while no other key of its slot came after.
                for &other in &keys[..n] {
                    let want = held[Slots::<KEY_BITS, BITS>::split(other).0]
                        .and_then(|(at, v)| (at == other).then_some(v));
                    assert_eq!(s.get(other), want, "{other:#x} after {k:#x}");
                }
                let fresh = (k + 1) & max;
                if !keys.contains(&fresh) {
                    assert_eq!(s.get(fresh), None, "{fresh:#x}");
                }
            }
            s.clear();
            assert!(keys.iter().all(|&k| s.get(k).is_none()), "a cleared memo");
        }
        // Values up to the largest a slot of `grams` holds, and every `u32` in wider slots.
        let largest = GramSlots::NOT_LISTED as u32 - 1;
        check::<{ 3 * ID_BITS }, GRAM_BITS>(&[
            None,
            Some(0),
            Some(1),
            Some(largest),
            Some(largest - 1),
        ]);
        let wide = [
            None,
            Some(0),
            Some(u32::MAX),
            Some(u32::MAX - 1),
            Some(12345),
        ];
        check::<{ 2 * ID_BITS }, PAIR_BITS>(&wide);
    }

    #[test]
    fn batched_and_memoised_scores_are_the_plain_ones() {
        let m = ContextModel::embedded();
        let left = ["talks", "stalled"];
        let right = [".", "the"];
        let words = ["last", "final", "qzxv", ",", "year"];
        let mut fits = Vec::new();
        m.fit_each(&left, &right, words, |k, fit| fits.push((k, fit)));
        let plain: Vec<(usize, f32)> = words
            .iter()
            .enumerate()
            .map(|(k, w)| (k, m.fit(&left, &[w], &right)))
            .collect();
        assert_eq!(fits, plain);
        let (score, fit) = m.score_and_fit(&left, &["last", "year"], &right);
        assert_eq!(score, m.score(&left, &["last", "year"], &right));
        assert_eq!(fit, m.fit(&left, &["last", "year"], &right));
        // Numbers stay the same when the caches have been overwritten and when the memo
        // has been emptied for holding too many words.
        let before = m.score(&left, &["last", "year"], &right);
        let pair_before = m.context_fit(Some("stalled"), &["last", "year"], Some("."));
        for i in 0..GRAM_MEMO_WORDS + 10 {
            let w = format!("w{i}");
            m.score(&["the"], &[&w], &["of"]);
            m.context_fit(Some("the"), &[&w], Some("of"));
        }
        assert_eq!(m.score(&left, &["last", "year"], &right), before);
        assert_eq!(
            m.context_fit(Some("stalled"), &["last", "year"], Some(".")),
            pair_before
        );
    }

    #[test]
    fn knows_each_is_ln_word_also_from_its_cache() {
        let m = ContextModel::embedded();
        let mut words: Vec<String> = ["the", "qzxv", "year", "internationalisation", "a b", ""]
            .map(String::from)
            .to_vec();
        // More words than the cache has slots, so slots are overwritten; known and unknown
        // words, short and long.
        for i in 0..20_000 {
            words.push(format!("w{i}"));
            words.push(["said", "mentioned", "spokesperson", "characteristically"][i % 4].into());
        }
        let want: Vec<bool> = words.iter().map(|w| m.ln_word(w).is_some()).collect();
        assert!(want.iter().any(|&k| k) && want.iter().any(|&k| !k));
        for _ in 0..2 {
            let mut got = Vec::new();
            m.knows_each(words.iter().map(String::as_str), |k| got.push(k));
            assert_eq!(got, want);
        }
    }

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
        // ...unless someone "fought" it.
        prefers(&["fought", "a"], &["war"], &["fight"], &["with"]);
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
