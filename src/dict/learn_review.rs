//! Learning from review decisions (`despin dict learn`): a reviewed report becomes entries
//! of a user dictionary that later runs load with `--dict` (or from `despin.toml`).
//!
//! * An **accepted** row becomes (or strengthens) an entry from its `spun` phrase to its
//!   `suggestion`, as the reviewer left it (edited suggestions are kept). The entry keeps the
//!   kind, spinner profile(s), context and document condition of the entry that produced
//!   the finding (the report's `dictionary` cell, `NAME:LINE`): accepting "Top" -> "Prime" in
//!   a spun article teaches a *swap* that still needs spin evidence, not a fingerprint that
//!   would rewrite "Prime Minister" in clean text. When the report names no entry that can
//!   be found, the learned entry is a `swap` without profile (it fires only in documents with
//!   spin evidence). The note counts acceptances (`accepted 3 times`) and the prior grows
//!   with the count: `1 - 0.5^(n+1)`, so 0.75 after one acceptance, 0.875 after two, at
//!   most 0.99.
//! * A **rejected** row becomes an `allow` entry, so the phrase is not flagged again *in
//!   that context*: the condition names the neighbouring words (`prev=the next=of`), taken
//!   from the file when `spun` is still at its offset, else from the report's `context`
//!   column. Without usable neighbours the phrase is allowed everywhere. The note counts
//!   rejections.
//!
//! A finding of kind `discovered` (a thesaurus suggestion, `discovered:LINE` in the report)
//! has no entry: accepted, it becomes a swap tagged `discovered`.
//!
//! Undecided rows teach nothing. Learned entries carry the tag `learned`.

use std::collections::HashMap;

use crate::case;
use crate::dict::source::{EntryKind, SourceEntry};
use crate::dict::{DictSet, EntryRef};
use crate::normalize::{normalize_phrase, Tokens};
use crate::report::CONTEXT_BYTES;
use crate::review::{Decision, ReviewedRow};

/// Tag on every learned entry.
pub const TAG: &str = "learned";

/// Highest prior learning gives.
pub const MAX_PRIOR: f32 = 0.99;

/// What a learning run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Learned {
    /// New entries from accepted rows.
    pub accepted_new: usize,
    /// Existing entries accepted again.
    pub accepted_again: usize,
    /// New allow entries from rejected rows.
    pub rejected_new: usize,
    /// Existing allow entries rejected again.
    pub rejected_again: usize,
}

/// What a learned entry keeps of the dictionary entry that produced the finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// Its kind (an accepted `allow` cannot happen; it is treated as a swap).
    pub kind: EntryKind,
    /// Its context condition.
    pub context: String,
    /// Its document condition alternatives.
    pub requires: Vec<String>,
    /// The tags the learned entry takes over: its `spinner:NAME` tags (and `discovered` for
    /// a finding of kind `discovered`).
    pub profiles: Vec<String>,
}

impl Origin {
    /// What a learned entry keeps of `e`.
    pub fn of(e: &EntryRef<'_>) -> Origin {
        Origin {
            kind: match e.kind {
                EntryKind::Allow | EntryKind::Key => EntryKind::Swap,
                k => k,
            },
            context: e.context.to_string(),
            requires: e.requires().map(String::from).collect(),
            profiles: e.profiles().map(|p| format!("spinner:{p}")).collect(),
        }
    }

    /// For a finding of kind `discovered` (report cell `discovered:LINE`, no dictionary
    /// entry): a swap tagged `discovered`, so like the finding it needs spin evidence in the
    /// document, and the reviewer's acceptance makes it an entry of its own.
    pub fn discovered() -> Origin {
        Origin {
            profiles: vec![crate::scan::FindingKind::Discovered.to_string()],
            ..Origin::unknown()
        }
    }

    /// For a finding whose entry cannot be found: a swap without profile, so it still
    /// needs spin evidence in the document.
    pub fn unknown() -> Origin {
        Origin {
            kind: EntryKind::Swap,
            context: String::new(),
            requires: Vec::new(),
            profiles: Vec::new(),
        }
    }
}

/// Every entry of `set` by the name a report writes for it (`NAME:LINE`, the `dictionary`
/// column).
pub fn origins(set: &DictSet) -> HashMap<String, Origin> {
    let mut map = HashMap::new();
    for d in set.layers() {
        // Key entries share their table line with the swaps of their group, but never
        // produce a finding.
        for e in d.entries().filter(|e| e.kind != EntryKind::Key) {
            map.insert(format!("{}:{}", d.name(), e.line), Origin::of(&e));
        }
    }
    map
}

/// The prior of an entry accepted `n` times.
pub fn prior_for(n: u32) -> f32 {
    let p = 1.0 - 0.5f32.powi(n.min(30) as i32 + 1);
    ((p.min(MAX_PRIOR)) * 1000.0).round() / 1000.0
}

/// Update `entries` (an existing learned dictionary, possibly empty) with the decisions of
/// `rows`. `text_of(path)` gives a file's current text when it can be read; it only
/// sharpens the context of rejections. `origins` maps a report's `dictionary` cell to the
/// entry that produced the finding (see [`origins`]).
pub fn learn(
    entries: &mut Vec<SourceEntry>,
    rows: &[ReviewedRow],
    text_of: &mut dyn FnMut(&str) -> Option<String>,
    origins: &HashMap<String, Origin>,
) -> Learned {
    let mut done = Learned::default();
    for r in rows {
        let key = normalize_phrase(&r.spun);
        if key.is_empty() {
            continue;
        }
        match r.decision {
            Decision::Undecided => {}
            Decision::Accept => {
                if r.suggestion.trim().is_empty() {
                    continue;
                }
                let original = uncased(&r.spun, r.suggestion.trim());
                let origin = r
                    .dictionary
                    .as_ref()
                    .and_then(|d| match origins.get(d) {
                        Some(o) => Some(o.clone()),
                        None => d
                            .strip_prefix(crate::scan::discover::DICTIONARY)
                            .is_some_and(|l| l.starts_with(':'))
                            .then(Origin::discovered),
                    })
                    .unwrap_or_else(Origin::unknown);
                let found = entries.iter_mut().find(|e| {
                    e.key == key
                        && e.kind == origin.kind
                        && e.context == origin.context
                        && e.requires == origin.requires
                        && e.tags.iter().any(|t| t == TAG)
                        && e.originals.first().is_some_and(|o| *o == original)
                });
                match found {
                    Some(e) => {
                        let n = count(&e.note, "accepted") + 1;
                        e.note = times("accepted", n);
                        e.prior = prior_for(n);
                        done.accepted_again += 1;
                    }
                    None => {
                        let mut e = entry(&key, vec![original], origin.kind, &origin.context, 1);
                        e.requires = origin.requires;
                        e.tags.splice(0..0, origin.profiles);
                        entries.push(e);
                        done.accepted_new += 1;
                    }
                }
            }
            Decision::Reject => {
                let context = neighbours(r, text_of);
                let found = entries
                    .iter_mut()
                    .find(|e| e.key == key && e.kind == EntryKind::Allow && e.context == context);
                match found {
                    Some(e) => {
                        let n = count(&e.note, "rejected") + 1;
                        e.note = times("rejected", n);
                        done.rejected_again += 1;
                    }
                    None => {
                        entries.push(entry(&key, vec![], EntryKind::Allow, &context, 1));
                        done.rejected_new += 1;
                    }
                }
            }
        }
    }
    done
}

fn entry(key: &str, originals: Vec<String>, kind: EntryKind, context: &str, n: u32) -> SourceEntry {
    let verb = if kind == EntryKind::Allow {
        "rejected"
    } else {
        "accepted"
    };
    SourceEntry {
        spun: key.to_string(),
        key: key.to_string(),
        originals,
        prior: prior_for(n),
        kind,
        context: context.to_string(),
        requires: vec![],
        tags: vec![TAG.to_string()],
        note: times(verb, n),
        line: 0,
    }
}

fn times(verb: &str, n: u32) -> String {
    format!("{verb} {n} time{}", if n == 1 { "" } else { "s" })
}

/// The count in a note written by [`times`] (0 if the note says something else).
fn count(note: &str, verb: &str) -> u32 {
    note.strip_prefix(verb)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The suggestion in lower case when the scanner's case transfer gives it back exactly
/// (it was only capitalised to match the spun text), else as the reviewer wrote it.
fn uncased(spun: &str, suggestion: &str) -> String {
    let lower = suggestion.to_lowercase();
    if case::transfer(spun, &lower) == suggestion {
        lower
    } else {
        suggestion.to_string()
    }
}

/// A context condition naming the word tokens right before and after the rejected phrase.
fn neighbours(r: &ReviewedRow, text_of: &mut dyn FnMut(&str) -> Option<String>) -> String {
    let from_file = text_of(&r.path).and_then(|t| {
        (t.get(r.byte_start..r.byte_end) == Some(r.spun.as_str()))
            .then(|| condition_around(&t, r.byte_start, r.byte_end))
    });
    if let Some(c) = from_file {
        return c;
    }
    let Some(ctx) = &r.context else {
        return String::new();
    };
    // The report's window starts about CONTEXT_BYTES before the phrase.
    let best = ctx
        .match_indices(r.spun.as_str())
        .map(|(i, _)| i)
        .min_by_key(|i| i.abs_diff(CONTEXT_BYTES));
    best.map_or_else(String::new, |i| condition_around(ctx, i, i + r.spun.len()))
}

fn condition_around(text: &str, start: usize, end: usize) -> String {
    let tokens: Vec<_> = Tokens::new(text).collect();
    let prev = tokens.iter().rev().find(|t| t.end <= start);
    let next = tokens.iter().find(|t| t.start >= end);
    let mut clauses = Vec::new();
    if let Some(t) = prev.filter(|t| t.is_word) {
        clauses.push(format!("prev={}", normalize_phrase(&text[t.start..t.end])));
    }
    if let Some(t) = next.filter(|t| t.is_word) {
        clauses.push(format!("next={}", normalize_phrase(&text[t.start..t.end])));
    }
    clauses.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(spun: &str, suggestion: &str, decision: Decision, start: usize) -> ReviewedRow {
        ReviewedRow {
            line: 2,
            path: "a.txt".into(),
            byte_start: start,
            byte_end: start + spun.len(),
            spun: spun.into(),
            suggestion: suggestion.into(),
            context: None,
            dictionary: None,
            decision,
        }
    }

    #[test]
    fn prior_grows_with_acceptances_up_to_the_cap() {
        let priors: Vec<f32> = (1..=6).map(prior_for).collect();
        assert_eq!(priors, [0.75, 0.875, 0.938, 0.969, 0.984, 0.99]);
        assert_eq!(prior_for(1000), MAX_PRIOR);
    }

    #[test]
    fn counts_acceptances_and_rejections_in_context() {
        let text = "The Center East. In the direct of travel.";
        let mut entries = Vec::new();
        let rows = [
            row("Center East", "Middle East", Decision::Accept, 4),
            row("direct", "immediate", Decision::Reject, 24),
            row("Center East", "Middle East", Decision::Accept, 4),
        ];
        let done = learn(
            &mut entries,
            &rows,
            &mut |_| Some(text.to_string()),
            &HashMap::new(),
        );
        assert_eq!(done.accepted_new, 1);
        assert_eq!(done.accepted_again, 1);
        assert_eq!(done.rejected_new, 1);
        assert_eq!(entries[0].originals, ["middle east"]);
        assert_eq!(entries[0].note, "accepted 2 times");
        assert_eq!(entries[0].prior, 0.875);
        assert_eq!(entries[1].kind, EntryKind::Allow);
        assert_eq!(entries[1].context, "prev=the next=of");
        // Edited, oddly cased suggestions are kept as written.
        let mut e2 = Vec::new();
        learn(
            &mut e2,
            &[row("final yr", "last YEAR", Decision::Accept, 0)],
            &mut |_| None,
            &HashMap::new(),
        );
        assert_eq!(e2[0].originals, ["last YEAR"]);
    }

    #[test]
    fn accepted_swaps_stay_swaps_with_their_profile_and_conditions() {
        use crate::dict::Dictionary;
        use crate::scan::{ScanOptions, Scanner};
        use std::path::Path;
        let source = "spun,original,prior,kind,context,requires,tags\n\
                      prime,top,0.8,swap,next=@cap,,spinner:a;news\n\
                      final yr,last year,0.95,fingerprint,,,spinner:a;news\n";
        let d =
            Dictionary::from_csv_bytes("news", Path::new("news.csv"), source.as_bytes()).unwrap();
        let origins = origins(&DictSet::from_iter([d]));
        let mut r1 = row("prime", "top", Decision::Accept, 4);
        r1.dictionary = Some("news:2".into());
        let mut r2 = row("final yr", "last year", Decision::Accept, 20);
        r2.dictionary = Some("news:3".into());
        let mut r3 = row("counterfeit", "fake", Decision::Accept, 30);
        r3.dictionary = Some("gone:9".into());
        let mut entries = Vec::new();
        learn(&mut entries, &[r1, r2, r3], &mut |_| None, &origins);
        assert_eq!(entries[0].kind, EntryKind::Swap);
        assert_eq!(entries[0].context, "next=@cap");
        assert_eq!(entries[0].tags, ["spinner:a", TAG]);
        assert_eq!(entries[1].kind, EntryKind::Fingerprint);
        assert_eq!(entries[1].tags, ["spinner:a", TAG]);
        // An entry the report names but no loaded dictionary has: a swap, no profile.
        assert_eq!(entries[2].kind, EntryKind::Swap);
        assert_eq!(entries[2].tags, [TAG]);

        // Loaded on its own, the learned file leaves clean text alone and still repairs
        // a document known to be spun.
        let learned = Dictionary::from_entries("user", Path::new("u.csv"), &entries).unwrap();
        let confident = |text: &str, assume_spun: bool| -> Vec<String> {
            let set = DictSet::from_iter([learned.clone()]);
            let scanner = Scanner::new(set, ScanOptions { assume_spun });
            scanner
                .scan(text)
                .findings
                .into_iter()
                .filter(|f| f.confidence >= 0.5)
                .map(|f| f.suggestions[0].clone())
                .collect()
        };
        assert!(confident("The Prime Minister spoke on Monday.", false).is_empty());
        assert!(confident("Prime US diplomats spoke on Monday.", false).is_empty());
        assert_eq!(
            confident("Prime US diplomats spoke on Monday.", true),
            ["Top"]
        );
    }
}
