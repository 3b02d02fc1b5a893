//! Dictionary statistics (`despin dict stats`): entries per kind and per tag.

use std::collections::BTreeMap;

use crate::dict::Dictionary;

/// Counts for one dictionary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// The dictionary's name.
    pub name: String,
    /// Where it was loaded from.
    pub origin: String,
    /// Number of entries.
    pub entries: usize,
    /// Distinct keys.
    pub keys: usize,
    /// Entries per kind (`fingerprint`, `swap`, `allow`).
    pub kinds: BTreeMap<&'static str, usize>,
    /// Entries per tag.
    pub tags: BTreeMap<String, usize>,
    /// Entries with a context condition.
    pub with_context: usize,
    /// Entries with a document condition (`requires`).
    pub with_requires: usize,
}

impl Stats {
    /// Count the entries of `dict`.
    pub fn of(dict: &Dictionary) -> Stats {
        let mut s = Stats {
            name: dict.name().to_string(),
            origin: dict.origin().display().to_string(),
            entries: dict.len(),
            keys: dict.fst().len(),
            ..Stats::default()
        };
        for e in dict.entries() {
            *s.kinds.entry(e.kind.as_str()).or_default() += 1;
            for t in e.tags() {
                *s.tags.entry(t.to_string()).or_default() += 1;
            }
            s.with_context += usize::from(!e.context.is_empty());
            s.with_requires += usize::from(!e.requires.is_empty());
        }
        s
    }
}
