//! Case transfer: a replacement takes the case pattern of the text it replaces.
//!
//! Spinners keep the capitalisation of what they replace ("Center East", "Mentioned" at the
//! start of a sentence, "FINAL YR" in a headline), so the repair copies that pattern back:
//! lower case, first word capitalised, every word capitalised (Title Case), or UPPER CASE.
//! Letters written in upper case in the dictionary's original wording (proper nouns,
//! acronyms) stay upper case whatever the pattern.

/// The case pattern of a piece of text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CasePattern {
    /// No upper-case letters (or no letters at all).
    Lower,
    /// Only the first word starts with a capital.
    Capitalised,
    /// Every word starts with a capital, and there are at least two words.
    Title,
    /// Every letter is upper case, and there are at least two letters.
    Upper,
}

/// Classify the case pattern of `text`.
pub fn pattern(text: &str) -> CasePattern {
    let letters = text.chars().filter(|c| c.is_alphabetic());
    let (mut n, mut upper) = (0, 0);
    for c in letters {
        n += 1;
        if c.is_uppercase() {
            upper += 1;
        }
    }
    if upper == 0 {
        return CasePattern::Lower;
    }
    if upper == n && n >= 2 {
        return CasePattern::Upper;
    }
    // The words' capitals counted as they come, not collected.
    let words = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty());
    let (mut n, mut all_caps, mut first_cap) = (0, true, false);
    for w in words {
        let cap = w.chars().next().is_some_and(char::is_uppercase);
        if n == 0 {
            first_cap = cap;
        }
        all_caps &= cap;
        n += 1;
    }
    if n >= 2 && all_caps {
        CasePattern::Title
    } else if first_cap {
        CasePattern::Capitalised
    } else {
        CasePattern::Lower
    }
}

fn capitalise_first(word: &str, out: &mut String) {
    let mut chars = word.chars();
    if let Some(c) = chars.next() {
        out.extend(c.to_uppercase());
        out.push_str(chars.as_str());
    }
}

/// Rewrite `replacement` in the case pattern of `original_text`.
pub fn transfer(original_text: &str, replacement: &str) -> String {
    pattern(original_text).apply(replacement)
}

impl CasePattern {
    /// Rewrite `replacement` in this case pattern ([`transfer`] with the pattern known, for
    /// several replacements of one text).
    pub fn apply(self, replacement: &str) -> String {
        match self {
            CasePattern::Lower => replacement.to_string(),
            CasePattern::Upper => replacement.to_uppercase(),
            CasePattern::Capitalised => {
                let mut out = String::with_capacity(replacement.len());
                capitalise_first(replacement, &mut out);
                out
            }
            CasePattern::Title => {
                let mut out = String::with_capacity(replacement.len());
                let mut at_word_start = true;
                for c in replacement.chars() {
                    if c.is_alphanumeric() {
                        if at_word_start {
                            out.extend(c.to_uppercase());
                        } else {
                            out.push(c);
                        }
                        at_word_start = false;
                    } else {
                        out.push(c);
                        // Only whitespace starts a new word: "up-to-date" stays one word.
                        at_word_start = c.is_whitespace();
                    }
                }
                out
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert_eq!(pattern("final yr"), CasePattern::Lower);
        assert_eq!(pattern("Final yr"), CasePattern::Capitalised);
        assert_eq!(pattern("Center East"), CasePattern::Title);
        assert_eq!(pattern("FINAL YR"), CasePattern::Upper);
        assert_eq!(pattern("Home"), CasePattern::Capitalised);
        assert_eq!(pattern("A"), CasePattern::Capitalised);
        assert_eq!(pattern("123"), CasePattern::Lower);
    }

    #[test]
    fn transfers() {
        assert_eq!(transfer("final yr", "last year"), "last year");
        assert_eq!(transfer("Final yr", "last year"), "Last year");
        assert_eq!(transfer("Center East", "middle east"), "Middle East");
        assert_eq!(transfer("FINAL YR", "last year"), "LAST YEAR");
        assert_eq!(
            transfer("nationwide safety", "national security"),
            "national security"
        );
        // Capitals written in the dictionary survive a lower-case match.
        assert_eq!(transfer("center east", "Middle East"), "Middle East");
        assert_eq!(transfer("Most Up-To-Date", "most recent"), "Most Recent");
        assert_eq!(transfer("Éta", "état"), "État");
    }
}
