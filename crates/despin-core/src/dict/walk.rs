//! Walking a dictionary's FST token by token, the way the scanner matches text.
//!
//! The scanner starts a walk at every token of a text, so the step from the root over a
//! whole first token is by far the most frequent one. Texts reuse a small vocabulary over and
//! over ("the", "of", "said"...), so a [`Walker`] memoises that step per distinct token: a hit
//! costs one hash instead of decoding an FST node per byte. (Memoising the later steps too,
//! keyed by node and token, was measured: they repeat much less, and the memo costs more than
//! it saves.) The memo lives in a thread-local slot per dictionary and survives from one
//! document to the next, so a batch run's worker threads warm it once; it is bounded
//! ([`MEMO_TOKENS`] tokens, [`MEMO_DICTS`] dictionaries per thread), so memory stays flat
//! however large the corpus.
//!
//! Walks read the FST through a plain byte slice, so stepping never goes back through the
//! dictionary's owner (static, memory-mapped or heap bytes).

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use fst::raw::{CompiledAddr, Fst, Node, Output};

use super::fxhash::FxHasher;
use super::Dictionary;

/// Most first tokens memoised per dictionary and thread; the memo is emptied when it is
/// full (rare: texts reuse a vocabulary much smaller than this).
pub const MEMO_TOKENS: usize = 1 << 16;
/// Most dictionaries whose memo a thread keeps; the least recently used goes first.
pub const MEMO_DICTS: usize = 8;

/// Where a walk stands: an FST node and the output gathered on the way to it.
#[derive(Clone, Copy)]
pub struct Cursor<'d> {
    node: Node<'d>,
    out: Output,
}

impl Cursor<'_> {
    /// The FST value when the walk ends on a key here.
    #[inline]
    pub fn value(&self) -> Option<u64> {
        self.node
            .is_final()
            .then(|| self.out.cat(self.node.final_output()).value())
    }
}

/// Where a walk stands after a whole first token, with what the scanner asks next: is the
/// token a key by itself, and where does a following space lead. Memoised per token.
#[derive(Clone, Copy)]
pub struct FirstStep {
    /// The FST value when the token alone is a key.
    pub value: Option<u64>,
    /// Node address and output after the token.
    end: (CompiledAddr, u64),
    /// Node address and output after the token and one space, when some key goes on so.
    spaced: Option<(CompiledAddr, u64)>,
}

/// The first-token memo of one dictionary (`None`: no key starts with that token).
type FirstSteps = HashMap<TokenKey, Option<FirstStep>, BuildHasherDefault<FxHasher>>;

/// A token of at most [`TokenKey::MAX`] bytes packed into integers, so the memo hashes and
/// compares it without a loop or a call to `memcmp`. Two overlapping reads cover all bytes of
/// a token of up to twice the read width; with the length alongside, the packing is
/// one-to-one.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(crate) struct TokenKey(u64, u64, u8);

impl TokenKey {
    pub(crate) const MAX: usize = 16;

    #[inline]
    pub(crate) fn new(t: &[u8]) -> Option<TokenKey> {
        let n = t.len();
        let u64_at = |i: usize| u64::from_le_bytes(t[i..i + 8].try_into().unwrap());
        let u32_at = |i: usize| u32::from_le_bytes(t[i..i + 4].try_into().unwrap()) as u64;
        let (lo, hi) = match n {
            0 => (0, 0),
            1..=3 => (
                t[0] as u64 | (t[n / 2] as u64) << 8 | (t[n - 1] as u64) << 16,
                0,
            ),
            4..=7 => (u32_at(0), u32_at(n - 4)),
            8..=Self::MAX => (u64_at(0), u64_at(n - 8)),
            _ => return None,
        };
        Some(TokenKey(lo, hi, n as u8))
    }

    /// A hash of the key for a direct-mapped table of `1 << bits` slots.
    #[inline]
    pub(crate) fn slot(&self, bits: u32) -> usize {
        let k = self.0 ^ self.1.rotate_left(29) ^ u64::from(self.2) << 56;
        (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
    }
}

thread_local! {
    /// Memos by dictionary id, most recently used last.
    static MEMOS: RefCell<Vec<(u64, FirstSteps)>> = const { RefCell::new(Vec::new()) };
}

/// Walks one dictionary's FST. Holds this thread's first-token memo for the dictionary while it
/// lives and hands it back when dropped.
pub struct Walker<'d> {
    fst: Fst<&'d [u8]>,
    dict: u64,
    memo: RefCell<FirstSteps>,
}

impl<'d> Walker<'d> {
    /// A walker over `dict`, with this thread's memo for it.
    pub fn new(dict: &'d Dictionary) -> Walker<'d> {
        // The bytes were accepted as an FST when the dictionary was opened, and `Fst::new`
        // only reads the fixed-size footer again.
        let fst = Fst::new(dict.fst().as_fst().as_bytes()).expect("FST checked at load");
        let memo = MEMOS.with(|m| {
            let mut m = m.borrow_mut();
            m.iter()
                .position(|(id, _)| *id == dict.id)
                .map(|i| m.remove(i).1)
                .unwrap_or_default()
        });
        Walker {
            fst,
            dict: dict.id,
            memo: RefCell::new(memo),
        }
    }

    /// The walk over the whole of `token` from the root, or `None` when no key starts with
    /// it.
    #[inline]
    pub fn first(&self, token: &[u8]) -> Option<FirstStep> {
        let walk = || {
            let root = Cursor {
                node: self.fst.root(),
                out: Output::zero(),
            };
            let end = self.step(root, token)?;
            Some(FirstStep {
                value: end.value(),
                end: (end.node.addr(), end.out.value()),
                spaced: self.step(end, b" ").map(|c| (c.node.addr(), c.out.value())),
            })
        };
        // Long tokens are rare; they are walked without the memo.
        let Some(key) = TokenKey::new(token) else {
            return walk();
        };
        let mut memo = self.memo.borrow_mut();
        if let Some(&hit) = memo.get(&key) {
            return hit;
        }
        let step = walk();
        if memo.len() >= MEMO_TOKENS {
            memo.clear();
        }
        memo.insert(key, step);
        step
    }

    /// The cursor right after a first token (to go on with a token that touches it).
    #[inline]
    pub fn after(&self, first: &FirstStep) -> Cursor<'_> {
        self.cursor(first.end)
    }

    /// The cursor after a first token and one space, or `None` when no key goes on so.
    #[inline]
    pub fn after_space(&self, first: &FirstStep) -> Option<Cursor<'_>> {
        first.spaced.map(|at| self.cursor(at))
    }

    #[inline]
    fn cursor(&self, (addr, out): (CompiledAddr, u64)) -> Cursor<'_> {
        Cursor {
            node: self.fst.node(addr),
            out: Output::new(out),
        }
    }

    /// The cursor after `bytes` from `at`, or `None` when no key continues that way.
    #[inline]
    pub fn step<'w>(&'w self, mut at: Cursor<'w>, bytes: &[u8]) -> Option<Cursor<'w>> {
        for &b in bytes {
            let t = at.node.transition(at.node.find_input(b)?);
            at = Cursor {
                node: self.fst.node(t.addr),
                out: at.out.cat(t.out),
            };
        }
        Some(at)
    }
}

impl Drop for Walker<'_> {
    fn drop(&mut self) {
        let memo = std::mem::take(self.memo.get_mut());
        let dict = self.dict;
        MEMOS.with(|m| {
            let mut m = m.borrow_mut();
            if m.len() >= MEMO_DICTS {
                m.remove(0);
            }
            m.push((dict, memo));
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn token_keys_are_one_to_one() {
        let mut seen = HashMap::new();
        for n in 0..=TokenKey::MAX {
            // Tokens of each length that differ in one position only, anywhere.
            for pos in 0..n {
                for b in [b'a', b'b'] {
                    let mut t = vec![b'x'; n];
                    t[pos] = b;
                    let k = TokenKey::new(&t).unwrap();
                    if let Some(other) = seen.insert(k, t.clone()) {
                        assert_eq!(other, t, "two tokens share a key");
                    }
                }
            }
        }
        assert!(TokenKey::new(&[b'a'; TokenKey::MAX + 1]).is_none());
    }

    #[test]
    fn memoised_first_steps_agree_with_fresh_walks() {
        let long = "a".repeat(TokenKey::MAX + 3);
        let csv =
            format!("spun,original\nfinal yr,last year\nfinal,last\nx {long},y\n{long} z,w\n");
        let d = Dictionary::from_csv_bytes("t", Path::new("t.csv"), csv.as_bytes()).unwrap();
        let value_after = |w: &Walker<'_>, tokens: &[&str]| {
            let first = w.first(tokens[0].as_bytes())?;
            if tokens.len() == 1 {
                return first.value;
            }
            let mut at = w.after_space(&first)?;
            // The memoised cursor is where a plain walk over "first " ends.
            let plain = w.step(w.after(&first), b" ").unwrap();
            assert_eq!((at.node.addr(), at.out), (plain.node.addr(), plain.out));
            for (k, t) in tokens[1..].iter().enumerate() {
                if k > 0 {
                    at = w.step(at, b" ")?;
                }
                at = w.step(at, t.as_bytes())?;
            }
            at.value()
        };
        for round in 0..3 {
            // The first round fills the memo, the next ones read it (through a new walker).
            let w = Walker::new(&d);
            assert!(value_after(&w, &["final"]).is_some(), "round {round}");
            assert!(value_after(&w, &["final", "yr"]).is_some());
            assert!(value_after(&w, &["fin"]).is_none());
            assert!(w.first(b"finals").is_none());
            assert!(w.first(b"yr").is_none());
            assert!(value_after(&w, &["x", &long]).is_some());
            assert!(value_after(&w, &[&long, "z"]).is_some());
            assert!(value_after(&w, &[&long]).is_none());
        }
    }
}
