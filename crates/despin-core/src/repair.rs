//! Repair: turn findings into byte-exact edits of the text.
//!
//! Only the bytes of applied findings change (plus, where needed, the indefinite article
//! just before one, so that "a direct ceasefire" repaired to "immediate" reads "an immediate
//! ceasefire"). Every other byte is copied through untouched: line endings, byte order mark,
//! tabs, double spaces, markup.

use crate::scan::Finding;

/// One replacement of a byte range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// Byte offset where the replaced text starts.
    pub start: usize,
    /// Byte offset one past its end.
    pub end: usize,
    /// The new text.
    pub replacement: String,
}

/// Apply non-overlapping edits sorted by start.
///
/// # Panics
/// If edits overlap, are unsorted, or do not fall on character boundaries: callers build
/// them from findings, which never do.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len() + 16 * edits.len());
    let mut pos = 0;
    for e in edits {
        assert!(
            e.start >= pos && e.end >= e.start,
            "edits overlap or are unsorted"
        );
        out.push_str(&text[pos..e.start]);
        out.push_str(&e.replacement);
        pos = e.end;
    }
    out.push_str(&text[pos..]);
    out
}

/// Build the edit that replaces `start..end` with `replacement`, fixing a preceding
/// indefinite article when the replacement needs the other one. `floor` is the first byte
/// the edit may touch (the end of the previous edit).
pub fn edit_with_article(
    text: &str,
    start: usize,
    end: usize,
    replacement: &str,
    floor: usize,
) -> Edit {
    let replacement = &keep_spacing(&text[start..end], replacement);
    let plain = Edit {
        start,
        end,
        replacement: replacement.to_string(),
    };
    let before = &text[floor..start];
    let trimmed = before.trim_end_matches([' ', '\t', '\u{00A0}']);
    if trimmed.len() == before.len() {
        return plain; // the phrase is not separated from the previous word by spaces
    }
    let word_start = trimmed
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map_or(trimmed.len(), |(i, _)| i);
    let article = &trimmed[word_start..];
    let lower = article.to_ascii_lowercase();
    if lower != "a" && lower != "an" {
        return plain;
    }
    // The article must be a whole word.
    if trimmed[..word_start]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || c == '\'' || c == '-')
    {
        return plain;
    }
    let want_an = wants_an(replacement);
    if want_an == (lower == "an") {
        return plain;
    }
    let new_article = match (article, want_an) {
        ("A", true) => "An",
        ("AN", false) => "A",
        ("An", false) => "A",
        (_, true) if article.chars().all(|c| c.is_uppercase()) => "AN",
        (_, true) => "an",
        (_, false) => "a",
    };
    let abs = floor + word_start;
    Edit {
        start: abs,
        end,
        replacement: format!(
            "{new_article}{}{replacement}",
            &text[abs + article.len()..start]
        ),
    }
}

/// Give `replacement` the whitespace of `spun` when both have the same number of
/// whitespace gaps, so a phrase wrapped over two lines ("nationwide\nsafety") stays wrapped
/// ("national\nsecurity") and double spaces survive.
pub fn keep_spacing(spun: &str, replacement: &str) -> String {
    let gaps: Vec<&str> = spun
        .split(|c: char| !c.is_whitespace())
        .filter(|g| !g.is_empty())
        .collect();
    let words: Vec<&str> = replacement.split_whitespace().collect();
    let plain_gaps = replacement
        .split(|c: char| !c.is_whitespace())
        .filter(|g| !g.is_empty())
        .count();
    if gaps.is_empty() || words.len() != gaps.len() + 1 || plain_gaps != gaps.len() {
        return replacement.to_string();
    }
    let mut out = String::with_capacity(replacement.len() + 4);
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push_str(gaps[i - 1]);
        }
        out.push_str(w);
    }
    out
}

/// Does `phrase` take "an" rather than "a"? A spelling heuristic for the common cases.
pub fn wants_an(phrase: &str) -> bool {
    let word: String = phrase
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect();
    let Some(first) = word.chars().next() else {
        return false;
    };
    if first.is_ascii_digit() {
        // "an 8", "an 11", "an 18", "an 80-year-old"
        return first == '8'
            || (word.len() == 2 || word.len() == 5)
                && (word.starts_with("11") || word.starts_with("18"));
    }
    let is_acronym =
        word.len() <= 4 && word.chars().all(|c| c.is_ascii_uppercase()) && word.len() > 1;
    if is_acronym {
        return "AEFHILMNORSX".contains(first);
    }
    let w = word.to_lowercase();
    const AN_H: [&str; 5] = ["hour", "honest", "honor", "honour", "heir"];
    const A_VOWEL: [&str; 12] = [
        "uni", "use", "usu", "uti", "ura", "ure", "uro", "eu", "one", "once", "ewe", "ubiq",
    ];
    if AN_H.iter().any(|p| w.starts_with(p)) {
        return true;
    }
    if A_VOWEL.iter().any(|p| w.starts_with(p)) {
        return false;
    }
    matches!(w.chars().next(), Some('a' | 'e' | 'i' | 'o' | 'u'))
}

/// The result of repairing one text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repaired {
    /// The repaired text.
    pub text: String,
    /// Indices (into the findings given) of the findings applied.
    pub applied: Vec<usize>,
    /// The edits made, in text order.
    pub edits: Vec<Edit>,
}

/// Apply every finding whose confidence is at least `min_confidence`, replacing it with its
/// first suggestion. Findings must come from one scan of `text` (sorted, non-overlapping).
pub fn repair(text: &str, findings: &[Finding], min_confidence: f32) -> Repaired {
    let (edits, applied) = plan(text, findings, min_confidence, 0);
    Repaired {
        text: apply_edits(text, &edits),
        applied,
        edits,
    }
}

/// The edits [`repair`] makes, and the indices of the findings applied, without building the
/// repaired text. No edit touches a byte before `floor`: a text repaired in consecutive
/// windows passes the end of what it has already written (or edited).
pub fn plan(
    text: &str,
    findings: &[Finding],
    min_confidence: f32,
    floor: usize,
) -> (Vec<Edit>, Vec<usize>) {
    let choices: Vec<(usize, &str)> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.confidence >= min_confidence)
        .filter_map(|(i, f)| f.suggestions.first().map(|s| (i, s.as_str())))
        .collect();
    let mut edits = Vec::with_capacity(choices.len());
    let mut applied = Vec::with_capacity(choices.len());
    let mut floor = floor;
    for (i, suggestion) in choices {
        let f = &findings[i];
        if f.start < floor || text.get(f.start..f.end) != Some(f.spun.as_str()) {
            continue;
        }
        let e = edit_with_article(text, f.start, f.end, suggestion, floor);
        floor = e.end;
        edits.push(e);
        applied.push(i);
    }
    (edits, applied)
}

/// Where the bytes an edit just after `text` could still change begin: an edit at the
/// start of the following text may rewrite the indefinite article before it
/// ([`edit_with_article`]), which it finds across the spaces before the edit, in the word
/// before them and one character before that word. Everything before the returned offset is
/// final.
pub fn settled_before(text: &str) -> usize {
    let trimmed = text.trim_end_matches([' ', '\t', '\u{00A0}']);
    let word_start = trimmed
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map_or(trimmed.len(), |(i, _)| i);
    trimmed[..word_start]
        .char_indices()
        .next_back()
        .map_or(0, |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spacing_is_kept() {
        assert_eq!(
            keep_spacing("nationwide\nsafety", "national security"),
            "national\nsecurity"
        );
        assert_eq!(keep_spacing("Center  East", "Middle East"), "Middle  East");
        assert_eq!(keep_spacing("final yr", "last year"), "last year");
        assert_eq!(keep_spacing("a  b", "one"), "one");
        assert_eq!(keep_spacing("one", "a b"), "a b");
    }

    #[test]
    fn an_or_a() {
        for w in ["immediate", "hour", "8-year", "FBI", "11", "apple", "MP"] {
            assert!(wants_an(w), "{w}");
        }
        for w in [
            "direct",
            "university",
            "one",
            "US",
            "European",
            "house",
            "12",
            "UN",
        ] {
            assert!(!wants_an(w), "{w}");
        }
    }

    #[test]
    fn article_follows_replacement() {
        let t = "We want a direct ceasefire.";
        let s = t.find("direct").unwrap();
        let e = edit_with_article(t, s, s + 6, "immediate", 0);
        assert_eq!(apply_edits(t, &[e]), "We want an immediate ceasefire.");
        let t = "An  settlement";
        let s = t.find("settlement").unwrap();
        let e = edit_with_article(t, s, t.len(), "agreement", 0);
        assert_eq!(apply_edits(t, &[e]), "An  agreement");
        let t = "A direct";
        let e = edit_with_article(t, 2, t.len(), "immediate", 0);
        assert_eq!(apply_edits(t, &[e]), "An immediate");
        let t = "an apple";
        let e = edit_with_article(t, 3, t.len(), "pear", 0);
        assert_eq!(apply_edits(t, &[e]), "a pear");
        // "banana" ends in "a" but is not an article.
        let t = "banana apple";
        let e = edit_with_article(t, 7, t.len(), "pear", 0);
        assert_eq!(apply_edits(t, &[e]), "banana pear");
    }
}
