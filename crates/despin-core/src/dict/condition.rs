//! Context conditions: when an entry may fire, judged from the tokens around a match.
//!
//! A context is written in the dictionary as space-separated clauses that must all hold,
//! e.g. `next=that|on|in prev!=has`. See `dictionaries/README.md` for the syntax. Conditions
//! let a common-word swap ("mentioned" for "said") fire only where the spinner's output reads
//! differently from normal English.
//!
//! It depends only on `normalize`.

use crate::normalize::normalize_phrase;

/// How many tokens either side `near=` looks at.
pub const NEAR_WINDOW: usize = 8;

/// A class of token that a clause can ask for instead of a word list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenClass {
    /// `@cap`: a word starting with an upper-case letter.
    Cap,
    /// `@num`: a token starting with a digit.
    Num,
}

impl TokenClass {
    fn parse(s: &str) -> Option<TokenClass> {
        match s {
            "@cap" => Some(TokenClass::Cap),
            "@num" => Some(TokenClass::Num),
            _ => None,
        }
    }

    fn holds<T: TokenAccess + ?Sized>(self, doc: &T, i: usize) -> bool {
        match self {
            TokenClass::Cap => doc.is_cap(i),
            TokenClass::Num => doc.norm(i).starts_with(|c: char| c.is_ascii_digit()),
        }
    }
}

/// One clause of a context condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Clause {
    /// The token before the match is (or, negated, is not) one of the words.
    Prev {
        /// The words (normalised).
        words: Vec<String>,
        /// The clause holds when the test fails.
        negate: bool,
    },
    /// The token after the match is (or is not) one of the words.
    Next {
        /// The words (normalised).
        words: Vec<String>,
        /// The clause holds when the test fails.
        negate: bool,
    },
    /// The token before the match is (or is not) of a class.
    PrevClass {
        /// The class.
        class: TokenClass,
        /// The clause holds when the test fails.
        negate: bool,
    },
    /// The token after the match is (or is not) of a class.
    NextClass {
        /// The class.
        class: TokenClass,
        /// The clause holds when the test fails.
        negate: bool,
    },
    /// The first token of the match itself is (or is not) of a class (`self=@cap`: the
    /// spinner capitalised it, as in "Home" for "House").
    SelfClass {
        /// The class.
        class: TokenClass,
        /// The clause holds when the test fails.
        negate: bool,
    },
    /// One of the words occurs within [`NEAR_WINDOW`] tokens of the match.
    Near {
        /// The words (normalised).
        words: Vec<String>,
    },
}

/// Read access to a document's tokens, as conditions need it.
#[allow(clippy::len_without_is_empty)] // a view of tokens, never built empty
pub trait TokenAccess {
    /// Number of tokens.
    fn len(&self) -> usize;
    /// True when there is no token.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
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
        let clause = match (name, TokenClass::parse(value)) {
            ("prev", Some(class)) => Clause::PrevClass { class, negate },
            ("next", Some(class)) => Clause::NextClass { class, negate },
            ("self", Some(class)) => Clause::SelfClass { class, negate },
            ("self", None) => {
                return Err(format!(
                    "`self` takes a class (@cap or @num), not `{value}`"
                ))
            }
            ("prev", None) => Clause::Prev {
                words: words(value)?,
                negate,
            },
            ("next", None) => Clause::Next {
                words: words(value)?,
                negate,
            },
            ("near", _) if negate => return Err("`near!=` is not supported".into()),
            ("near", _) => Clause::Near {
                words: words(value)?,
            },
            (n, _) => {
                return Err(format!(
                    "unknown context clause `{n}` (expected prev, next, self or near)"
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
        // The token is read once, not once per listed word (lists run to dozens of words).
        let in_list = |t: &str, words: &[String]| words.iter().any(|w| w == t);
        let is_one_of =
            |i: Option<usize>, words: &[String]| i.is_some_and(|i| in_list(doc.norm(i), words));
        match self {
            Clause::Prev { words, negate } => is_one_of(prev, words) != *negate,
            Clause::Next { words, negate } => is_one_of(next, words) != *negate,
            Clause::PrevClass { class, negate } => {
                prev.is_some_and(|i| class.holds(doc, i)) != *negate
            }
            Clause::NextClass { class, negate } => {
                next.is_some_and(|i| class.holds(doc, i)) != *negate
            }
            Clause::SelfClass { class, negate } => class.holds(doc, first) != *negate,
            Clause::Near { words } => {
                let lo = first.saturating_sub(NEAR_WINDOW);
                let hi = (last + NEAR_WINDOW + 1).min(doc.len());
                (lo..first)
                    .chain(last + 1..hi)
                    .any(|i| in_list(doc.norm(i), words))
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
