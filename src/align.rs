//! Token alignment, compatible with Python's `difflib.SequenceMatcher(autojunk=False)`.
//!
//! Both `despin eval` (which must agree with the project's reference scorer, `score.py`,
//! built on difflib) and `despin dict learn` (which reads substitutions off aligned
//! spun/original pairs) need the same alignment, so it is ported here once, keeping
//! difflib's tie-breaking: the longest matching block, earliest in `a`, then earliest in `b`,
//! recursively on both sides.

use std::collections::HashMap;

/// What an opcode does to turn `a[i1..i2]` into `b[j1..j2]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// The ranges are equal.
    Equal,
    /// `a[i1..i2]` is replaced by `b[j1..j2]`.
    Replace,
    /// `a[i1..i2]` is deleted.
    Delete,
    /// `b[j1..j2]` is inserted.
    Insert,
}

/// One step of an alignment, as difflib's `get_opcodes` returns it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opcode {
    /// The operation.
    pub tag: Tag,
    /// Start in `a`.
    pub i1: usize,
    /// End in `a`.
    pub i2: usize,
    /// Start in `b`.
    pub j1: usize,
    /// End in `b`.
    pub j2: usize,
}

fn longest_match<T: AsRef<str>>(
    a: &[T],
    b2j: &HashMap<&str, Vec<usize>>,
    (alo, ahi, blo, bhi): (usize, usize, usize, usize),
) -> (usize, usize, usize) {
    let (mut besti, mut bestj, mut bestsize) = (alo, blo, 0);
    let mut j2len: HashMap<usize, usize> = HashMap::new();
    for (i, ai) in a.iter().enumerate().take(ahi).skip(alo) {
        let mut new = HashMap::new();
        if let Some(js) = b2j.get(ai.as_ref()) {
            for &j in js {
                if j < blo {
                    continue;
                }
                if j >= bhi {
                    break;
                }
                let k = j
                    .checked_sub(1)
                    .and_then(|p| j2len.get(&p))
                    .copied()
                    .unwrap_or(0)
                    + 1;
                new.insert(j, k);
                if k > bestsize {
                    (besti, bestj, bestsize) = (i + 1 - k, j + 1 - k, k);
                }
            }
        }
        j2len = new;
    }
    (besti, bestj, bestsize)
}

/// Align `a` to `b` and return difflib-style opcodes.
pub fn opcodes<T: AsRef<str>>(a: &[T], b: &[T]) -> Vec<Opcode> {
    let mut b2j: HashMap<&str, Vec<usize>> = HashMap::new();
    for (j, t) in b.iter().enumerate() {
        b2j.entry(t.as_ref()).or_default().push(j);
    }
    let mut queue = vec![(0, a.len(), 0, b.len())];
    let mut blocks = Vec::new();
    while let Some(q) = queue.pop() {
        let (alo, ahi, blo, bhi) = q;
        let (i, j, k) = longest_match(a, &b2j, q);
        if k > 0 {
            blocks.push((i, j, k));
            if alo < i && blo < j {
                queue.push((alo, i, blo, j));
            }
            if i + k < ahi && j + k < bhi {
                queue.push((i + k, ahi, j + k, bhi));
            }
        }
    }
    blocks.sort_unstable();
    let mut merged: Vec<(usize, usize, usize)> = Vec::new();
    for (i, j, k) in blocks {
        match merged.last_mut() {
            Some(last) if last.0 + last.2 == i && last.1 + last.2 == j => last.2 += k,
            _ => merged.push((i, j, k)),
        }
    }
    merged.push((a.len(), b.len(), 0));
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    for (ai, bj, size) in merged {
        let tag = match (i < ai, j < bj) {
            (true, true) => Some(Tag::Replace),
            (true, false) => Some(Tag::Delete),
            (false, true) => Some(Tag::Insert),
            _ => None,
        };
        if let Some(tag) = tag {
            out.push(Opcode {
                tag,
                i1: i,
                i2: ai,
                j1: j,
                j2: bj,
            });
        }
        (i, j) = (ai + size, bj + size);
        if size > 0 {
            out.push(Opcode {
                tag: Tag::Equal,
                i1: ai,
                i2: i,
                j1: bj,
                j2: j,
            });
        }
    }
    out
}

/// Word edit distance as the reference scorer counts it: for each non-equal opcode, the
/// longer of its two sides.
pub fn distance<T: AsRef<str>>(a: &[T], b: &[T]) -> usize {
    opcodes(a, b)
        .iter()
        .filter(|o| o.tag != Tag::Equal)
        .map(|o| (o.i2 - o.i1).max(o.j2 - o.j1))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(a: &str, b: &str) -> Vec<(Tag, usize, usize, usize, usize)> {
        let a: Vec<&str> = a.split_whitespace().collect();
        let b: Vec<&str> = b.split_whitespace().collect();
        opcodes(&a, &b)
            .into_iter()
            .map(|o| (o.tag, o.i1, o.i2, o.j1, o.j2))
            .collect()
    }

    #[test]
    fn matches_difflib() {
        // Expected values printed by Python's difflib.SequenceMatcher(autojunk=False).
        assert_eq!(
            ops("the home handed the invoice", "the house passed the bill"),
            vec![
                (Tag::Equal, 0, 1, 0, 1),
                (Tag::Replace, 1, 3, 1, 3),
                (Tag::Equal, 3, 4, 3, 4),
                (Tag::Replace, 4, 5, 4, 5)
            ]
        );
        assert_eq!(
            ops("a b c", "a c"),
            vec![
                (Tag::Equal, 0, 1, 0, 1),
                (Tag::Delete, 1, 2, 1, 1),
                (Tag::Equal, 2, 3, 1, 2)
            ]
        );
        assert_eq!(ops("", "x"), vec![(Tag::Insert, 0, 0, 0, 1)]);
        assert_eq!(distance(&["a", "b"], &["c", "d", "e"]), 3);
    }
}
