//! Tokenisation and normalisation: the single definition of "the same phrase".
//!
//! Dictionary keys are built with [`normalize_phrase`] and text is scanned with [`Tokens`]
//! and [`fold_token`]; both go through the same code, so a key always matches the text it
//! was written from, whatever its case, quote style, dash style or spacing.
//!
//! A *token* is either a word (a run of alphanumeric characters, with internal apostrophes as
//! in `don't` or `Japan’s`) or a single punctuation character. Tokens are separated by
//! whitespace or by nothing (`up-to-date` is five adjacent tokens). In a normalised phrase,
//! tokens are joined by one ASCII space where the text had any whitespace and by nothing where
//! they were adjacent. A whitespace run holding a blank line is a paragraph break, which no
//! phrase crosses.
//!
//! This file is also compiled into `build.rs` (via `#[path]`), so it depends on nothing else
//! in the crate.

/// What separates a token from the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sep {
    /// Start of text, or a paragraph break (a blank line): phrases never cross it.
    Break,
    /// One or more whitespace characters inside a paragraph: normalised to one space.
    Space,
    /// Nothing: the token touches the previous one (`up-to-date`, `U.S.`).
    Adjacent,
}

/// One token of a text, by byte offsets into that text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// True for a word, false for a single punctuation or symbol character.
    pub is_word: bool,
    /// What separates this token from the previous one.
    pub sep: Sep,
}

/// True for the characters that make up words.
#[inline]
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[inline]
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}')
}

/// Iterator over the tokens of a text. Skips a leading byte order mark.
pub struct Tokens<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Tokens<'a> {
    /// Tokenise `text`.
    pub fn new(text: &'a str) -> Self {
        let pos = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
        Tokens { text, pos }
    }
}

impl Iterator for Tokens<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        let bytes = self.text.as_bytes();
        let mut newlines = 0u32;
        let mut saw_space = false;
        // Skip whitespace, counting line breaks to detect paragraph breaks.
        while self.pos < bytes.len() {
            let b = bytes[self.pos];
            if b < 0x80 {
                if b == b'\n' {
                    newlines += 1;
                } else if !(b == b' ' || b == b'\t' || b == b'\r' || b == 0x0B || b == 0x0C) {
                    break;
                }
                saw_space = true;
                self.pos += 1;
            } else {
                let c = self.text[self.pos..].chars().next().unwrap();
                if !c.is_whitespace() {
                    break;
                }
                if c == '\u{2029}' || c == '\u{2028}' {
                    newlines += 1;
                }
                saw_space = true;
                self.pos += c.len_utf8();
            }
        }
        if self.pos >= bytes.len() {
            return None;
        }
        let start = self.pos;
        let sep = if start == 0 || newlines >= 2 {
            Sep::Break
        } else if saw_space {
            Sep::Space
        } else {
            Sep::Adjacent
        };
        let first = next_char(self.text, self.pos);
        if !is_word_char(first) {
            self.pos += first.len_utf8();
            return Some(Token {
                start,
                end: self.pos,
                is_word: false,
                sep,
            });
        }
        // A word: word characters, plus apostrophes that sit between two word characters.
        let mut end = start;
        while end < bytes.len() {
            let c = next_char(self.text, end);
            if is_word_char(c) {
                end += c.len_utf8();
            } else if is_apostrophe(c) {
                let after = end + c.len_utf8();
                if after < bytes.len() && is_word_char(next_char(self.text, after)) {
                    end = after;
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        self.pos = end;
        Some(Token {
            start,
            end,
            is_word: true,
            sep,
        })
    }
}

#[inline]
fn next_char(text: &str, pos: usize) -> char {
    let b = text.as_bytes()[pos];
    if b < 0x80 {
        b as char
    } else {
        text[pos..].chars().next().unwrap()
    }
}

/// Fold one character to its normalised form: lower case, straight quotes, ASCII hyphen.
/// Appends the result to `out` (lower-casing can yield several characters).
#[inline]
pub fn fold_char(c: char, out: &mut Vec<u8>) {
    if c.is_ascii() {
        out.push((c as u8).to_ascii_lowercase());
        return;
    }
    let mapped = match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => '-',
        _ => {
            let mut buf = [0u8; 4];
            for l in c.to_lowercase() {
                out.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
            }
            return;
        }
    };
    out.push(mapped as u8);
}

/// Append the normalised form of one token's text to `out`. ASCII takes a fast path.
#[inline]
pub fn fold_token(token: &str, out: &mut Vec<u8>) {
    if token.is_ascii() {
        out.extend(token.bytes().map(|b| b.to_ascii_lowercase()));
    } else {
        for c in token.chars() {
            fold_char(c, out);
        }
    }
}

/// Normalise a whole phrase the way the scanner sees text: this is the dictionary key.
///
/// Returns an empty string when the phrase holds no token. Paragraph breaks inside the
/// phrase are treated as spaces (a key cannot hold a break).
pub fn normalize_phrase(phrase: &str) -> String {
    let mut out = Vec::with_capacity(phrase.len());
    for (i, t) in Tokens::new(phrase).enumerate() {
        if i > 0 && t.sep != Sep::Adjacent {
            out.push(b' ');
        }
        fold_token(&phrase[t.start..t.end], &mut out);
    }
    // Folding maps valid UTF-8 to valid UTF-8.
    String::from_utf8(out).expect("normalisation keeps UTF-8 valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<&str> {
        Tokens::new(s).map(|t| &s[t.start..t.end]).collect()
    }

    #[test]
    fn words_and_punctuation() {
        assert_eq!(
            toks("Japan’s up-to-date, don't"),
            vec!["Japan’s", "up", "-", "to", "-", "date", ",", "don't"]
        );
        assert_eq!(toks("'quoted'"), vec!["'", "quoted", "'"]);
    }

    #[test]
    fn normalisation_folds_case_quotes_dashes_space() {
        assert_eq!(normalize_phrase("  Final\u{00A0}YR "), "final yr");
        assert_eq!(normalize_phrase("Japan’s"), "japan's");
        assert_eq!(normalize_phrase("most up–to—date"), "most up-to-date");
        assert_eq!(normalize_phrase("“Center\r\n   East”"), "\"center east\"");
        assert_eq!(normalize_phrase("ÉTAT"), "état");
        assert_eq!(normalize_phrase(" \t "), "");
    }

    #[test]
    fn paragraph_breaks_are_marked() {
        let t: Vec<Sep> = Tokens::new("a b\nc\n\nd\r\n \r\ne")
            .map(|t| t.sep)
            .collect();
        assert_eq!(
            t,
            vec![Sep::Break, Sep::Space, Sep::Space, Sep::Break, Sep::Break]
        );
    }

    #[test]
    fn bom_is_skipped() {
        assert_eq!(toks("\u{FEFF}Hello"), vec!["Hello"]);
    }
}
