//! Context conditions: when an entry may fire, judged from the tokens around a match.
//!
//! A context is written in the dictionary as space-separated clauses that must all hold,
//! e.g. `next=that|on|in prev!=has`. See `dictionaries/README.md` for the syntax. Conditions
//! let a common-word swap ("mentioned" for "said") fire only where the spinner's output reads
//! differently from normal English.
//!
//! Also compiled into `build.rs` (to validate dictionaries), so it depends only on
//! `normalize`.

use crate::normalize::normalize_phrase;

/// How many tokens either side `near=` looks at.
pub const NEAR_WINDOW: usize = 8;

/// One clause of a context condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Clause {
    /// The token before the match is (or, negated, is not) one of the words.
    Prev { words: Vec<String>, negate: bool },
    /// The token after the match is (or is not) one of the words.
    Next { words: Vec<String>, negate: bool },
    /// The token before the match is (or is not) a capitalised word.
    PrevCap { negate: bool },
    /// The token after the match is (or is not) a capitalised word.
    NextCap { negate: bool },
    /// One of the words occurs within [`NEAR_WINDOW`] tokens of the match.
    Near { words: Vec<String> },
}

/// Read access to a document's tokens, as conditions need it.
#[allow(clippy::len_without_is_empty)] // a view of tokens, never built empty
pub trait TokenAccess {
    /// Number of tokens.
    fn len(&self) -> usize;
    /// Normalised text of token `i`.
    fn norm(&self, i: usize) -> &str;
    /// True when token `i` is a word starting with an upper-case letter.
    fn is_cap(&self, i: usize) -> bool;
}

/// Parse a context string into clauses. An empty string is the empty condition.
pub fn parse_context(src: &str) -> Result<Vec<Clause>, String> {
    let mut out = Vec::new();
    for part in src.split_whitespace() {
        let (name, negate, value) = if let Some((n, v)) = part.split_once("!=") {
            (n, true, v)
        } else if let Some((n, v)) = part.split_once('=') {
            (n, false, v)
        } else {
            return Err(format!("context clause `{part}` has no `=`"));
        };
        if value.is_empty() {
            return Err(format!("context clause `{part}` has no value"));
        }
        let clause = match (name, value) {
            ("prev", "@cap") => Clause::PrevCap { negate },
            ("next", "@cap") => Clause::NextCap { negate },
            ("prev", v) => Clause::Prev {
                words: words(v)?,
                negate,
            },
            ("next", v) => Clause::Next {
                words: words(v)?,
                negate,
            },
            ("near", _) if negate => return Err("`near!=` is not supported".into()),
            ("near", v) => Clause::Near { words: words(v)? },
            (n, _) => {
                return Err(format!(
                    "unknown context clause `{n}` (expected prev, next or near)"
                ))
            }
        };
        out.push(clause);
    }
    Ok(out)
}

fn words(v: &str) -> Result<Vec<String>, String> {
    v.split('|')
        .map(|w| {
            let n = normalize_phrase(w);
            if n.is_empty() || n.contains(' ') {
                Err(format!("context word `{w}` must be exactly one token"))
            } else {
                Ok(n)
            }
        })
        .collect()
}

impl Clause {
    /// Does this clause hold for a match covering tokens `first..=last`?
    pub fn holds<T: TokenAccess + ?Sized>(&self, doc: &T, first: usize, last: usize) -> bool {
        let prev = first.checked_sub(1);
        let next = if last + 1 < doc.len() {
            Some(last + 1)
        } else {
            None
        };
        let is_one_of = |i: Option<usize>, words: &[String]| {
            i.is_some_and(|i| words.iter().any(|w| w == doc.norm(i)))
        };
        match self {
            Clause::Prev { words, negate } => is_one_of(prev, words) != *negate,
            Clause::Next { words, negate } => is_one_of(next, words) != *negate,
            Clause::PrevCap { negate } => prev.is_some_and(|i| doc.is_cap(i)) != *negate,
            Clause::NextCap { negate } => next.is_some_and(|i| doc.is_cap(i)) != *negate,
            Clause::Near { words } => {
                let lo = first.saturating_sub(NEAR_WINDOW);
                let hi = (last + NEAR_WINDOW + 1).min(doc.len());
                (lo..first)
                    .chain(last + 1..hi)
                    .any(|i| words.iter().any(|w| w == doc.norm(i)))
            }
        }
    }
}

/// True when every clause holds.
pub fn all_hold<T: TokenAccess + ?Sized>(
    clauses: &[Clause],
    doc: &T,
    first: usize,
    last: usize,
) -> bool {
    clauses.iter().all(|c| c.holds(doc, first, last))
}
