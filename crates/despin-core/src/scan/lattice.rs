//! Joint decoding of a table profile's matches, sentence by sentence.
//!
//! A spinner replaces about a quarter of the words, so a match's neighbours are often spun
//! themselves, and adjacent spun words decide each other: "man place" reads as "wall street"
//! only when both are read back together. Matches whose trigram contexts touch (fewer than two
//! tokens as written between them, no paragraph break) form one lattice: each match is read as
//! written or as one of its originals, and a path through the lattice is scored by its
//! readings' priors ([`super::table_readings`]) plus the trigram model over the whole stretch
//! with those readings in place, weighted [`super::TABLE_LM_WEIGHT`], less each reading's own
//! probability (the model judges how a reading fits its context, as a single decision does;
//! how common a reading is belongs to its prior), less [`super::TABLE_BLOCKED`] for an
//! original that would put back a wording the spinner searches on an earlier line. A bounded
//! beam keeps the [`super::TABLE_BEAM`] best paths after each match, so decoding costs at most
//! that many times the readings of each match; a reading's posterior is the probability of the
//! beam's paths through it.

use super::{
    log_sum_exp, table_left, table_left_trim, Doc, Searched, TableReadings, Toks, Window,
    TABLE_BEAM as BEAM, TABLE_BLOCKED,
};
use crate::lm::ContextModel;
use crate::normalize::Sep;

/// One match of a lattice: its tokens and readings.
pub(super) struct Slot<'d> {
    /// First token of the match.
    pub first: usize,
    /// Last token of the match.
    pub last: usize,
    /// The text as written and each original, with their priors.
    pub readings: TableReadings<'d>,
}

/// Per slot (`slots` in text order, not overlapping), the posterior of each reading: the text
/// as written first, then each original in the entry's order; `None` for a match no other
/// touches (its context holds no other match, so a decision of its own sees the same).
pub(super) fn decode(
    doc: &Doc<'_>,
    slots: &[Slot<'_>],
    weight: f32,
    searched: &Searched,
) -> Vec<Option<Vec<f32>>> {
    let mut out = Vec::with_capacity(slots.len());
    let mut a = 0;
    while a < slots.len() {
        let mut b = a + 1;
        while b < slots.len() && touch(doc, &slots[b - 1], &slots[b]) {
            b += 1;
        }
        if b - a == 1 {
            out.push(None);
        } else {
            out.extend(
                decode_run(doc, &slots[a..b], weight, searched)
                    .into_iter()
                    .map(Some),
            );
        }
        a = b;
    }
    out
}

/// Whether two successive matches condition each other in a trigram model.
fn touch(doc: &Doc<'_>, prev: &Slot<'_>, next: &Slot<'_>) -> bool {
    next.first > prev.last
        && next.first - prev.last <= 2
        && !(prev.last + 1..=next.first).any(|i| doc.tokens[i].sep == Sep::Break)
}

/// The last two tokens after `hist` is followed by `toks` (empty strings for none).
fn push<'a>(hist: [&'a str; 2], toks: &[&'a str]) -> [&'a str; 2] {
    match toks {
        [] => hist,
        [t] => [hist[1], t],
        [.., a, b] => [a, b],
    }
}

/// `hist` as a left context (nearest last), without its empty places.
fn left<'h, 'a>(hist: &'h [&'a str; 2]) -> &'h [&'a str] {
    &hist[hist.iter().take_while(|t| t.is_empty()).count()..]
}

/// A path of the beam: its score, its last two tokens and its last choice (an index into the
/// decoder's choices).
struct Path<'a> {
    score: f32,
    hist: [&'a str; 2],
    choice: usize,
}

/// No choice made yet.
const ROOT: usize = usize::MAX;

/// Decode one run of touching matches.
fn decode_run(doc: &Doc<'_>, slots: &[Slot<'_>], w: f32, searched: &Searched) -> Vec<Vec<f32>> {
    let lm = ContextModel::embedded();
    // Per slot, each reading's tokens and its prior less its own probability.
    let reads: Vec<Vec<(Toks, f32)>> = slots
        .iter()
        .map(|s| {
            let r = &s.readings;
            // Copied, not cloned: a `Toks` of the slot's lifetime would not shorten to this one.
            let mut v: Vec<(Toks, f32)> = vec![(r.spun.iter().copied().collect(), r.as_written)];
            v.extend(r.originals.iter().map(|(t, p)| (t.words(), *p)));
            for (toks, prior) in &mut v {
                *prior -= w * lm.score(&[], toks, &[]);
            }
            v
        })
        .collect();
    let last = slots.last().map_or(0, |s| s.last);
    let window = Window::around(doc, slots[0].first, last, None);
    let l = window.left();
    let start = [
        if l.len() > 1 { l[l.len() - 2] } else { "" },
        l.last().copied().unwrap_or(""),
    ];
    // Every choice made: (the path's previous choice, slot's reading).
    let mut choices: Vec<(usize, usize)> = Vec::new();
    let mut beam = vec![Path {
        score: 0.0,
        hist: start,
        choice: ROOT,
    }];
    let mut gap: Vec<&str> = Vec::new();
    let mut key = String::new();
    for (j, s) in slots.iter().enumerate() {
        if j > 0 {
            gap.clear();
            gap.extend((slots[j - 1].last + 1..s.first).map(|i| doc.norm_str(i)));
            if !gap.is_empty() {
                for p in &mut beam {
                    p.score += w * lm.score(left(&p.hist), &gap, &[]);
                    p.hist = push(p.hist, &gap);
                }
            }
        }
        let mut next = Vec::with_capacity(beam.len() * reads[j].len());
        // The words after the match as written (the next match may still change them).
        let after: Toks = (s.last + 1..doc.tokens.len().min(s.last + 3))
            .take_while(|&i| doc.tokens[i].sep != Sep::Break)
            .map(|i| doc.norm_str(i))
            .collect();
        // What may block each original (the text as written, first, is never blocked).
        let blockers: Vec<_> = reads[j]
            .iter()
            .enumerate()
            .map(|(k, (toks, _))| (k > 0).then(|| searched.blockers(toks, &mut key)))
            .collect();
        for p in &beam {
            for (k, (toks, prior)) in reads[j].iter().enumerate() {
                // An article just before the match is read as the one this reading takes.
                let ctx = table_left(left(&p.hist), toks.first());
                let fit = lm.score(&ctx[table_left_trim(&ctx)..], toks, &[]);
                // Originals (after the text as written) that would put back a longer
                // searched wording with their neighbours.
                let blocked = blockers[k]
                    .as_ref()
                    .is_some_and(|b| b.hold(left(&p.hist), &after));
                let penalty = if blocked { TABLE_BLOCKED } else { 0.0 };
                choices.push((p.choice, k));
                next.push(Path {
                    score: p.score + prior + w * fit - penalty,
                    hist: push(p.hist, toks),
                    choice: choices.len() - 1,
                });
            }
        }
        next.sort_by(|a, b| b.score.total_cmp(&a.score));
        next.truncate(BEAM);
        beam = next;
    }
    let right = window.right();
    if !right.is_empty() {
        for p in &mut beam {
            p.score += w * lm.score(left(&p.hist), &[], right);
        }
    }
    let z = log_sum_exp(beam.iter().map(|p| p.score));
    let mut post: Vec<Vec<f32>> = reads.iter().map(|r| vec![0.0; r.len()]).collect();
    for p in &beam {
        let share = (p.score - z).exp();
        let (mut c, mut j) = (p.choice, slots.len());
        while c != ROOT {
            j -= 1;
            let (prev, k) = choices[c];
            post[j][k] += share;
            c = prev;
        }
    }
    post
}

#[cfg(test)]
mod tests {
    use super::super::OriginalToks;
    use super::*;

    /// A one-token slot at `i` of `doc` with the given originals, each at the same prior.
    fn slot<'d>(doc: &'d Doc<'_>, i: usize, originals: &[&'d str]) -> Slot<'d> {
        let n = originals.len() as f32;
        Slot {
            first: i,
            last: i,
            readings: TableReadings {
                spun: [doc.norm_str(i)].into_iter().collect(),
                as_written: 0.2f32.ln(),
                originals: originals
                    .iter()
                    .map(|o| (OriginalToks::of(o, &mut Vec::new()), (0.8 / n).ln()))
                    .collect(),
            },
        }
    }

    #[test]
    fn adjacent_words_decide_each_other() {
        let doc = Doc::new("Shares fell on man place today.");
        let slots = [
            slot(&doc, 3, &["friend", "wall"]),
            slot(&doc, 4, &["site", "street"]),
        ];
        let post: Vec<Vec<f32>> = decode(&doc, &slots, 0.7, &Searched::default())
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(post.len(), 2);
        for p in &post {
            let sum: f32 = p.iter().sum();
            assert!((sum - 1.0).abs() < 1e-3, "{post:?}");
        }
        // "wall street" as a whole: each word's best reading is the one beside the other's.
        assert!(post[0][2] > post[0][1], "{post:?}");
        assert!(post[1][2] > post[1][1], "{post:?}");
    }

    #[test]
    fn matches_two_words_apart_are_decided_apart() {
        let doc = Doc::new("Shares fell on man place as traders sold yr stock.");
        let near = [
            slot(&doc, 3, &["friend", "wall"]),
            slot(&doc, 4, &["site", "street"]),
        ];
        let alone = decode(&doc, &near, 0.7, &Searched::default());
        let far = [
            slot(&doc, 3, &["friend", "wall"]),
            slot(&doc, 4, &["site", "street"]),
            slot(&doc, 8, &["year", "month"]),
        ];
        let with_far = decode(&doc, &far, 0.7, &Searched::default());
        assert_eq!(alone[..], with_far[..2]);
        // Alone in its run: left to its own decision.
        assert_eq!(with_far[2], None);
    }

    #[test]
    fn readings_that_restore_a_searched_wording_lose_belief() {
        let doc = Doc::new("She called the party on man place.");
        let slots = [
            slot(&doc, 3, &["council", "firm"]),
            slot(&doc, 5, &["wall"]),
            slot(&doc, 6, &["street"]),
        ];
        let free: Vec<Vec<f32>> = decode(&doc, &slots, 0.7, &Searched::default())
            .into_iter()
            .flatten()
            .collect();
        let mut searched = Searched::default();
        searched.add(&["the", "council"], 1);
        searched.add(&["council"], 2);
        searched.add(&["wall", "street", "today"], 3);
        let held: Vec<Vec<f32>> = decode(&doc, &slots, 0.7, &searched)
            .into_iter()
            .flatten()
            .collect();
        // "the" before "party": "council" would put back "the council".
        assert!(held[0][1] < free[0][1], "{free:?} {held:?}");
        assert!(held[0][2] > free[0][2], "{free:?} {held:?}");
        // A searched wording the text does not hold ("wall street today") penalises no
        // reading: the other matches move only as far as their context changed.
        for (f, h) in free[1..].iter().flatten().zip(held[1..].iter().flatten()) {
            assert!((f - h).abs() < 1e-5, "{free:?} {held:?}");
        }
    }

    #[test]
    fn a_long_run_of_matches_keeps_a_bounded_beam() {
        let text = "so ".repeat(60);
        let doc = Doc::new(&text);
        let slots: Vec<Slot<'_>> = (0..60)
            .map(|i| slot(&doc, i, &["thus", "therefore", "hence", "then"]))
            .collect();
        let post: Vec<Vec<f32>> = decode(&doc, &slots, 0.7, &Searched::default())
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(post.len(), 60);
        for p in &post {
            let sum: f32 = p.iter().sum();
            assert!(sum > 0.99 && sum < 1.01, "{p:?}");
        }
    }
}
