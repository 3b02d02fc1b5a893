//! Measuring accuracy: how much real spinning a repair undoes, and how much clean text it
//! touches.
//!
//! The measures are those of the project's reference scorer (`score.py`), over lower-cased
//! word and punctuation tokens aligned with [`crate::align`]:
//!
//! * precision: system changes that land on the reference / all system changes;
//! * recall: reference changes (spun -> original) the system reproduced / all of them;
//! * F0.5, weighing precision twice as much as recall;
//! * error reduction: `1 - dist(repaired, original) / dist(spun, original)`;
//! * on clean text: changed tokens per 1,000 words.
//!
//! Totals add up counts over documents (micro-averaging), never ratios.

use std::collections::HashSet;

use serde::Serialize;

use crate::align::{distance, opcodes, Tag};
use crate::normalize::Tokens;

/// Tokens as the scorer sees them: words and punctuation, lower-cased, `’` as `'`. The
/// scorer joins words only across `'` and `’`; another apostrophe the tokenizer accepts
/// inside a word (`‘`, `ʼ`) is a punctuation token of its own there.
pub fn score_tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for t in Tokens::new(text) {
        let tok = text[t.start..t.end].to_lowercase().replace('\u{2019}', "'");
        let mut piece = String::new();
        for ch in tok.chars() {
            if matches!(ch, '\u{2018}' | '\u{02BC}') {
                if !piece.is_empty() {
                    out.push(std::mem::take(&mut piece));
                }
                out.push(ch.to_string());
            } else {
                piece.push(ch);
            }
        }
        if !piece.is_empty() {
            out.push(piece);
        }
    }
    out
}

/// Counts from scoring one repaired document (or a sum of them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Tokens the system changed.
    pub sys_changes: usize,
    /// System changes that agree with the reference.
    pub sys_good: usize,
    /// Tokens the reference changes.
    pub gold_changes: usize,
    /// Reference changes the system reproduced.
    pub gold_hit: usize,
    /// Word edit distance spun -> reference.
    pub dist_before: usize,
    /// Word edit distance repaired -> reference.
    pub dist_after: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.sys_changes += o.sys_changes;
        self.sys_good += o.sys_good;
        self.gold_changes += o.gold_changes;
        self.gold_hit += o.gold_hit;
        self.dist_before += o.dist_before;
        self.dist_after += o.dist_after;
    }
}

impl Counts {
    /// Precision (0 when the system changed nothing).
    pub fn precision(&self) -> f64 {
        ratio(self.sys_good, self.sys_changes)
    }
    /// Recall (0 when the reference changes nothing).
    pub fn recall(&self) -> f64 {
        ratio(self.gold_hit, self.gold_changes)
    }
    /// F0.5.
    pub fn f05(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            1.25 * p * r / (0.25 * p + r)
        }
    }
    /// Error reduction.
    pub fn error_reduction(&self) -> f64 {
        if self.dist_before == 0 {
            0.0
        } else {
            1.0 - self.dist_after as f64 / self.dist_before as f64
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn changed(src: &[String], dst: &[String]) -> (HashSet<usize>, HashSet<usize>) {
    let (mut new_dst, mut deleted_src) = (HashSet::new(), HashSet::new());
    for o in opcodes(src, dst) {
        if o.tag == Tag::Equal {
            continue;
        }
        new_dst.extend(o.j1..o.j2);
        if matches!(o.tag, Tag::Delete | Tag::Replace) && o.i2 - o.i1 > o.j2 - o.j1 {
            deleted_src.extend(o.i1 + (o.j2 - o.j1)..o.i2);
        }
    }
    (new_dst, deleted_src)
}

/// Score a repaired text against the spun input and the reference original.
pub fn score(spun: &str, reference: &str, repaired: &str) -> Counts {
    let (s, r, p) = (
        score_tokens(spun),
        score_tokens(reference),
        score_tokens(repaired),
    );
    let (sys_new, sys_del) = changed(&s, &p);
    let (gold_new, gold_del) = changed(&s, &r);
    let (mut rep_ok, mut ref_ok) = (HashSet::new(), HashSet::new());
    for o in opcodes(&p, &r) {
        if o.tag == Tag::Equal {
            rep_ok.extend(o.i1..o.i2);
            ref_ok.extend(o.j1..o.j2);
        }
    }
    Counts {
        sys_changes: sys_new.len() + sys_del.len(),
        sys_good: sys_new.intersection(&rep_ok).count() + sys_del.intersection(&gold_del).count(),
        gold_changes: gold_new.len() + gold_del.len(),
        gold_hit: gold_new.intersection(&ref_ok).count() + gold_del.intersection(&sys_del).count(),
        dist_before: distance(&s, &r),
        dist_after: distance(&p, &r),
    }
}

/// Changes a repair made to clean text: (words, changed tokens).
pub fn clean_changes(clean: &str, repaired: &str) -> (usize, usize) {
    let (a, b) = (score_tokens(clean), score_tokens(repaired));
    (a.len(), distance(&a, &b))
}

/// Pair spun files with their originals.
///
/// Two files pair with each other. For two directories, each `NAME.txt` under `spun` pairs
/// with `NAME.txt` under `original`; when both are the same directory (the layout of
/// despin's evaluation sets), `NAME.txt` pairs with `NAME.reference.txt`. Spun files without
/// an original are returned apart, for the caller to name; both lists are sorted by path.
pub fn pair_files(spun: &std::path::Path, original: &std::path::Path) -> crate::Result<Pairs> {
    use crate::Error;
    if spun.is_file() {
        return Ok(Pairs {
            pairs: vec![(spun.to_path_buf(), original.to_path_buf())],
            unpaired: Vec::new(),
        });
    }
    let io = |source| Error::Io {
        path: spun.to_path_buf(),
        source,
    };
    let same = std::fs::canonicalize(spun).map_err(io)?
        == std::fs::canonicalize(original).map_err(|source| Error::Io {
            path: original.to_path_buf(),
            source,
        })?;
    let mut pairs = Vec::new();
    let mut unpaired = Vec::new();
    for e in std::fs::read_dir(spun).map_err(io)? {
        let p = e.map_err(io)?.path();
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        let Some(stem) = name.strip_suffix(".txt") else {
            continue;
        };
        if stem.ends_with(".reference") {
            continue;
        }
        let orig = if same {
            original.join(format!("{stem}.reference.txt"))
        } else {
            original.join(&name)
        };
        if orig.is_file() {
            pairs.push((p, orig));
        } else {
            unpaired.push(p);
        }
    }
    pairs.sort();
    unpaired.sort();
    Ok(Pairs { pairs, unpaired })
}

/// Spun files matched with their originals by [`pair_files`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pairs {
    /// (spun, original), sorted by path.
    pub pairs: Vec<(std::path::PathBuf, std::path::PathBuf)>,
    /// Spun files without an original, sorted by path.
    pub unpaired: Vec<std::path::PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_partial_and_wrong_repairs() {
        let spun = "The Home handed the invoice final yr.";
        let reference = "The House passed the bill last year.";
        let perfect = score(spun, reference, reference);
        assert_eq!((perfect.precision(), perfect.recall()), (1.0, 1.0));
        let partial = score(spun, reference, "The House handed the invoice last year.");
        assert_eq!(partial.sys_changes, 3);
        assert_eq!(partial.sys_good, 3);
        assert!((partial.recall() - 3.0 / 5.0).abs() < 1e-9, "{partial:?}");
        let wrong = score(spun, reference, "The Home handed the check final yr.");
        assert_eq!((wrong.sys_changes, wrong.sys_good), (1, 0));
        assert_eq!(clean_changes("a b c d", "a x c d"), (4, 1));
    }

    #[test]
    fn tokens_join_words_across_straight_and_right_quotes_only() {
        // As the reference scorer's `[\w]+(?:['’][\w]+)*|[^\w\s]`.
        assert_eq!(
            score_tokens("Game’s game's Game\u{2018}s rock\u{02BC}n"),
            ["game's", "game's", "game", "\u{2018}", "s", "rock", "\u{02BC}", "n"]
        );
    }
}
