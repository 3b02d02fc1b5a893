//! Learning from review decisions (`despin dict learn`): a reviewed report becomes entries
//! of a user dictionary that later runs load with `--dict` (or from `despin.toml`).
//!
//! * An **accepted** row becomes (or strengthens) a `fingerprint` entry from its `spun`
//!   phrase to its `suggestion`, as the reviewer left it (edited suggestions are kept). The
//!   note counts acceptances (`accepted 3 times`) and the prior grows with the count:
//!   `1 - 0.5^(n+1)`, so 0.75 after one acceptance, 0.875 after two, at most 0.99.
//! * A **rejected** row becomes an `allow` entry, so the phrase is not flagged again *in
//!   that context*: the condition names the neighbouring words (`prev=the next=of`), taken
//!   from the file when `spun` is still at its offset, else from the report's `context`
//!   column. Without usable neighbours the phrase is allowed everywhere. The note counts
//!   rejections.
//!
//! Undecided rows teach nothing. Learned entries carry the tag `learned`.

use crate::case;
use crate::dict::source::{EntryKind, SourceEntry};
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

/// The prior of an entry accepted `n` times.
pub fn prior_for(n: u32) -> f32 {
    let p = 1.0 - 0.5f32.powi(n.min(30) as i32 + 1);
    ((p.min(MAX_PRIOR)) * 1000.0).round() / 1000.0
}

/// Update `entries` (an existing learned dictionary, possibly empty) with the decisions of
/// `rows`. `text_of(path)` gives a file's current text when it can be read; it only
/// sharpens the context of rejections.
pub fn learn(
    entries: &mut Vec<SourceEntry>,
    rows: &[ReviewedRow],
    text_of: &mut dyn FnMut(&str) -> Option<String>,
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
                let found = entries.iter_mut().find(|e| {
                    e.key == key
                        && e.kind == EntryKind::Fingerprint
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
                        entries.push(entry(&key, vec![original], EntryKind::Fingerprint, "", 1));
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
            decision,
        }
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
        let done = learn(&mut entries, &rows, &mut |_| Some(text.to_string()));
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
        );
        assert_eq!(e2[0].originals, ["last YEAR"]);
    }
}
