//! Dictionary statistics (`despin dict stats`): entries per kind and per tag, and for an
//! embedded dictionary its licence and the attribution that licence requires.

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
    /// Licence of an embedded dictionary's data (from `dictionaries/MANIFEST.csv`).
    pub licence: Option<&'static str>,
    /// Attribution that licence requires (empty: none).
    pub attribution: Option<&'static str>,
}

impl Stats {
    /// Count the entries of `dict`.
    pub fn of(dict: &Dictionary) -> Stats {
        let mut s = Stats {
            name: dict.name().to_string(),
            origin: dict.origin().display().to_string(),
            entries: dict.len(),
            keys: dict.fst().len(),
            licence: dict.embedded_info().map(|e| e.licence),
            attribution: dict.embedded_info().map(|e| e.attribution),
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
