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
//! `despin-dicts`'s build script normalises the default dictionaries' keys with it, so
//! build-time and run-time keys are identical.

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

/// [`Tokens::next_ascii`] met a byte of a multi-byte character where it had to decide
/// something, and leaves the token to the general path.
struct NotAscii;

/// Class of an ASCII byte for the tokenizer's fast path; bytes >= 0x80 start a multi-byte
/// character, which takes the general (`char`) path.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Space,
    Newline,
    Word,
    Other,
    NonAscii,
}

static CLASS: [Class; 256] = {
    let mut t = [Class::NonAscii; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c == b'\n' {
            Class::Newline
        } else if matches!(c, b' ' | b'\t' | b'\r' | 0x0B | 0x0C) {
            Class::Space
        } else if c.is_ascii_alphanumeric() || c == b'_' {
            Class::Word
        } else {
            Class::Other
        };
        b += 1;
    }
    t
};

impl Tokens<'_> {
    /// Is the character at byte `pos` a word character?
    #[inline]
    fn word_at(&self, pos: usize) -> bool {
        match CLASS[self.text.as_bytes()[pos] as usize] {
            Class::Word => true,
            Class::NonAscii => is_word_char(next_char(self.text, pos)),
            _ => false,
        }
    }
}

impl Iterator for Tokens<'_> {
    type Item = Token;

    // Inlined into the scanner's loop over tokens: a call per token is a measurable share.
    #[inline]
    fn next(&mut self) -> Option<Token> {
        let pos = self.pos;
        match self.next_ascii() {
            Ok(token) => token,
            Err(NotAscii) => {
                self.pos = pos;
                self.next_any()
            }
        }
    }
}

impl Tokens<'_> {
    /// The next token by the same rules as [`Tokens::next_any`], as long as the separator
    /// and the token are ASCII (one byte per character, classes from a table): most tokens
    /// of most text, and this is the scanner's hottest loop. Gives up on any other byte it
    /// has to judge; the caller then starts over on the general path.
    #[inline]
    fn next_ascii(&mut self) -> Result<Option<Token>, NotAscii> {
        let bytes = self.text.as_bytes();
        let len = bytes.len();
        let ws_start = self.pos;
        let mut pos = self.pos;
        let mut newlines = 0u32;
        while pos < len {
            match CLASS[bytes[pos] as usize] {
                Class::Space => {}
                Class::Newline => newlines += 1,
                Class::NonAscii => return Err(NotAscii),
                Class::Word | Class::Other => break,
            }
            pos += 1;
        }
        if pos >= len {
            self.pos = pos;
            return Ok(None);
        }
        let start = pos;
        let sep = if start == 0 || newlines >= 2 {
            Sep::Break
        } else if start > ws_start {
            Sep::Space
        } else {
            Sep::Adjacent
        };
        let mut end = start + 1;
        let is_word = match CLASS[bytes[start] as usize] {
            Class::Word => true,
            Class::Other => false,
            _ => return Err(NotAscii),
        };
        if is_word {
            loop {
                while end < len && CLASS[bytes[end] as usize] == Class::Word {
                    end += 1;
                }
                if end >= len {
                    break;
                }
                match bytes[end] {
                    // A multi-byte character may continue the word (a letter, a curly
                    // apostrophe).
                    0x80.. => return Err(NotAscii),
                    // An apostrophe between two word characters belongs to the word.
                    b'\'' if end + 1 < len => match CLASS[bytes[end + 1] as usize] {
                        Class::Word => end += 2,
                        Class::NonAscii => return Err(NotAscii),
                        _ => break,
                    },
                    _ => break,
                }
            }
        }
        self.pos = end;
        Ok(Some(Token {
            start,
            end,
            is_word,
            sep,
        }))
    }

    /// Tokens of any text.
    fn next_any(&mut self) -> Option<Token> {
        let bytes = self.text.as_bytes();
        let len = bytes.len();
        let mut pos = self.pos;
        let mut newlines = 0u32;
        let mut saw_space = false;
        // Skip whitespace, counting line breaks to detect paragraph breaks.
        while pos < len {
            match CLASS[bytes[pos] as usize] {
                Class::Space => pos += 1,
                Class::Newline => {
                    newlines += 1;
                    pos += 1;
                }
                Class::NonAscii => {
                    let c = next_char(self.text, pos);
                    if !c.is_whitespace() {
                        break;
                    }
                    if c == '\u{2029}' || c == '\u{2028}' {
                        newlines += 1;
                    }
                    pos += c.len_utf8();
                }
                Class::Word | Class::Other => break,
            }
            saw_space = true;
        }
        if pos >= len {
            self.pos = pos;
            return None;
        }
        let start = pos;
        let sep = if start == 0 || newlines >= 2 {
            Sep::Break
        } else if saw_space {
            Sep::Space
        } else {
            Sep::Adjacent
        };
        if !self.word_at(start) {
            self.pos = start + next_char(self.text, start).len_utf8();
            return Some(Token {
                start,
                end: self.pos,
                is_word: false,
                sep,
            });
        }
        // A word: word characters, plus apostrophes that sit between two word characters.
        // ASCII letters and digits, the bulk of most text, are consumed a byte at a time.
        let mut end = start;
        loop {
            while end < len && CLASS[bytes[end] as usize] == Class::Word {
                end += 1;
            }
            if end >= len {
                break;
            }
            let c = next_char(self.text, end);
            let after = end + c.len_utf8();
            let word_char = c as u32 >= 0x80 && is_word_char(c);
            if word_char || (is_apostrophe(c) && after < len && self.word_at(after)) {
                end = after;
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
        let from = out.len();
        out.extend_from_slice(token.as_bytes());
        out[from..].make_ascii_lowercase();
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
        assert_eq!(
            toks("naïve l’été, Ça_va 42x É' 'é x\u{2019}\u{2019}y"),
            vec![
                "naïve",
                "l’été",
                ",",
                "Ça_va",
                "42x",
                "É",
                "'",
                "'",
                "é",
                "x",
                "\u{2019}",
                "\u{2019}",
                "y"
            ]
        );
        assert_eq!(toks("\u{3000}日本語\u{2003}text"), vec!["日本語", "text"]);
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

    proptest::proptest! {
        #[test]
        fn ascii_fast_path_tokenises_like_the_general_one(
            text in "[aZ9_' \t\r\n.,\"-éÉ’‘“\u{00A0}\u{2029}\u{3000}日]{0,40}"
        ) {
            let fast: Vec<Token> = Tokens::new(&text).collect();
            let general: Vec<Token> =
                std::iter::from_fn({
                    let mut t = Tokens::new(&text);
                    move || t.next_any()
                })
                .collect();
            proptest::prop_assert_eq!(fast, general);
        }
    }

    #[test]
    fn bom_is_skipped() {
        assert_eq!(toks("\u{FEFF}Hello"), vec!["Hello"]);
    }
}
