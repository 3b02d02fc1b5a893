//! JSON Lines: one JSON object per line; the string fields named by `--field` (top-level
//! keys) are prose, everything else is kept byte for byte.
//!
//! A field's string literal is decoded in place: its segment records, for every escape
//! (`\n`, `\u00e9`, a surrogate pair), where it starts and ends in the file, so findings are
//! located in the file and a repair replaces only the escaped bytes of the repaired words
//! (the replacement JSON-escaped); the rest of the literal keeps its original escapes. A line
//! that is not a JSON object, or nests arrays and objects deeper than [`MAX_DEPTH`], is
//! reported by line number and passed through unchanged; blank lines pass silently. A UTF-8
//! byte order mark before the first line is kept and skipped.

use super::{Escape, Segment, Warning};

/// Records nested deeper than this are passed through unchanged with a warning: the limit
/// `serde_json` (and so `despin filter`) puts on nesting, far beyond any real article record.
pub const MAX_DEPTH: usize = 128;

/// The segments of the named fields of every line.
pub fn segments<'a>(
    file: &'a str,
    fields: &[String],
    warnings: &mut Vec<Warning>,
) -> Vec<Segment<'a>> {
    let mut out = Vec::new();
    let mut at = 0;
    for (n, line) in file.split_inclusive('\n').enumerate() {
        let mut start = at;
        at += line.len();
        let line = match line.strip_prefix('\u{FEFF}') {
            Some(rest) if n == 0 => {
                start += '\u{FEFF}'.len_utf8();
                rest
            }
            _ => line,
        };
        if line.trim().is_empty() {
            continue;
        }
        if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(line) {
            warnings.push(Warning {
                line: n + 1,
                message: format!("malformed JSON ({e}); line left unchanged"),
            });
            continue;
        }
        let depth = Lexer {
            s: line.as_bytes(),
            i: 0,
        }
        .max_depth();
        if depth > MAX_DEPTH {
            warnings.push(Warning {
                line: n + 1,
                message: format!(
                    "unsupported JSON: nested {depth} levels deep (at most {MAX_DEPTH}); \
                     line left unchanged"
                ),
            });
            continue;
        }
        let mut lex = Lexer {
            s: line.as_bytes(),
            i: 0,
        };
        lex.ws();
        if lex.peek() != Some(b'{') {
            warnings.push(Warning {
                line: n + 1,
                message: "not a JSON object; line left unchanged".to_string(),
            });
            continue;
        }
        lex.object_fields(|lex, key| {
            let wanted = fields
                .iter()
                .any(|f| decode(key).is_some_and(|k| k.0 == *f));
            if wanted && lex.peek() == Some(b'"') {
                let v = lex.string();
                if let Some(seg) = string_segment(line, v, start) {
                    out.push(seg);
                }
            } else {
                lex.value();
            }
        });
    }
    out
}

/// The top-level fields of a line holding one JSON object: each key (decoded) with the byte
/// range of its value, in line order. `Err` says why the line is not one JSON object.
pub fn object_fields(line: &str) -> Result<Vec<(String, std::ops::Range<usize>)>, String> {
    serde_json::from_str::<serde::de::IgnoredAny>(line)
        .map_err(|e| format!("malformed JSON: {e}"))?;
    let mut lex = Lexer {
        s: line.as_bytes(),
        i: 0,
    };
    lex.ws();
    if lex.peek() != Some(b'{') {
        return Err("not a JSON object".to_string());
    }
    let mut fields = Vec::new();
    lex.object_fields(|lex, key| {
        let start = lex.i;
        lex.value();
        let key = decode(key).map_or_else(|| key.to_string(), |k| k.0);
        fields.push((key, start..lex.i));
    });
    Ok(fields)
}

/// The segment of the string literal `line[lit]` (quotes included), at file offset `base`.
fn string_segment(line: &str, lit: std::ops::Range<usize>, base: usize) -> Option<Segment<'_>> {
    let inner = &line[lit.start + 1..lit.end - 1];
    let at = base + lit.start + 1;
    if !inner.contains('\\') {
        return Some(Segment::verbatim(inner, at, Escape::Json));
    }
    let (text, anchors) = decode(inner)?;
    Some(Segment {
        text: text.into(),
        anchors: anchors.into_iter().map(|(t, f)| (t, at + f)).collect(),
        escape: Escape::Json,
    })
}

/// Decode the inside of a JSON string literal: the text and its anchors (text offset,
/// literal offset) at the start and end of every escape. `None` for a lone surrogate, which
/// has no UTF-8 form.
fn decode(inner: &str) -> Option<(String, Vec<(usize, usize)>)> {
    let b = inner.as_bytes();
    let mut text = String::with_capacity(inner.len());
    let mut anchors = vec![(0, 0)];
    let mut i = 0;
    let mut plain = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        text.push_str(&inner[plain..i]);
        anchors.push((text.len(), i));
        let hex = |at: usize| {
            inner
                .get(at..at + 4)
                .and_then(|h| u32::from_str_radix(h, 16).ok())
        };
        let (c, len) = match b.get(i + 1)? {
            b'"' => ('"', 2),
            b'\\' => ('\\', 2),
            b'/' => ('/', 2),
            b'b' => ('\u{8}', 2),
            b'f' => ('\u{c}', 2),
            b'n' => ('\n', 2),
            b'r' => ('\r', 2),
            b't' => ('\t', 2),
            b'u' => {
                let hi = hex(i + 2)?;
                if (0xD800..0xDC00).contains(&hi) {
                    if b.get(i + 6) != Some(&b'\\') || b.get(i + 7) != Some(&b'u') {
                        return None;
                    }
                    let lo = hex(i + 8)?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return None;
                    }
                    (
                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?,
                        12,
                    )
                } else {
                    (char::from_u32(hi)?, 6)
                }
            }
            _ => return None,
        };
        text.push(c);
        i += len;
        plain = i;
        anchors.push((text.len(), i));
    }
    text.push_str(&inner[plain..]);
    Some((text, anchors))
}

/// A minimal lexer over one line already known to be valid JSON.
struct Lexer<'s> {
    s: &'s [u8],
    i: usize,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    /// Skip a string literal; its range, quotes included.
    fn string(&mut self) -> std::ops::Range<usize> {
        let start = self.i;
        self.i += 1;
        while let Some(c) = self.peek() {
            self.i += 1;
            match c {
                b'\\' => self.i += 1,
                b'"' => break,
                _ => {}
            }
        }
        start..self.i
    }

    /// Skip any value. Iterative, so a record nested ten thousand deep cannot overflow the
    /// stack (such records are refused before, see [`MAX_DEPTH`], but skipping must not
    /// depend on that).
    fn value(&mut self) {
        self.ws();
        match self.peek() {
            Some(b'"') => {
                self.string();
            }
            Some(b'{' | b'[') => {
                let mut depth = 0usize;
                while let Some(c) = self.peek() {
                    match c {
                        b'"' => {
                            self.string();
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.i += 1;
                                return;
                            }
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
            }
            _ => {
                while let Some(c) = self.peek() {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
                        break;
                    }
                    self.i += 1;
                }
            }
        }
    }

    /// The deepest nesting of arrays and objects in the rest of the input.
    fn max_depth(&mut self) -> usize {
        let (mut depth, mut max) = (0usize, 0usize);
        while let Some(c) = self.peek() {
            match c {
                b'"' => {
                    self.string();
                    continue;
                }
                b'{' | b'[' => {
                    depth += 1;
                    max = max.max(depth);
                }
                b'}' | b']' => depth = depth.saturating_sub(1),
                _ => {}
            }
            self.i += 1;
        }
        max
    }

    /// Walk an object; `each(lexer, raw key)` must consume the value.
    fn object_fields(&mut self, mut each: impl FnMut(&mut Self, &str)) {
        self.i += 1; // '{'
        loop {
            self.ws();
            match self.peek() {
                Some(b'}') | None => {
                    self.i += 1;
                    return;
                }
                Some(b',') => self.i += 1,
                Some(b'"') => {
                    let k = self.string();
                    let s = self.s;
                    let key = std::str::from_utf8(&s[k.start + 1..k.end - 1]).unwrap_or("");
                    self.ws();
                    self.i += 1; // ':'
                    self.ws();
                    each(self, key);
                }
                _ => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_with_anchors() {
        let (t, a) = decode(r"a\u00e9\nb\ud83d\ude00c").unwrap();
        assert_eq!(t, "aé\nb😀c");
        assert_eq!(
            a,
            vec![(0, 0), (1, 1), (3, 7), (3, 7), (4, 9), (5, 10), (9, 22)]
        );
        assert!(decode(r"\ud800x").is_none());
    }

    #[test]
    fn fields_and_malformed_lines() {
        let file = "{\"id\":1,\"text\":\"x \\\"q\\\" y\",\"t\":{\"text\":\"no\"}}\n{bad\n[1]\n\n{\"text\":2}\n";
        let mut w = Vec::new();
        let segs = segments(file, &["text".to_string()], &mut w);
        assert_eq!(segs.len(), 1);
        assert_eq!(segs[0].text, "x \"q\" y");
        assert_eq!(segs[0].to_file(0), file.find("x \\").unwrap());
        assert_eq!(w.iter().map(|w| w.line).collect::<Vec<_>>(), [2, 3]);
    }

    #[test]
    fn bom_before_the_first_record_is_skipped() {
        let file = "\u{FEFF}{\"text\":\"a b\"}\n";
        let mut w = Vec::new();
        let segs = segments(file, &["text".to_string()], &mut w);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(segs[0].to_file(0), file.find('a').unwrap());
    }

    #[test]
    fn object_fields_give_raw_value_ranges() {
        let line = r#" {"id":1e2, "t\u0065xt" : "x\"y" ,"o":{"a":[1,2]}} "#;
        let f = object_fields(line).unwrap();
        let got: Vec<(&str, &str)> = f
            .iter()
            .map(|(k, r)| (k.as_str(), &line[r.clone()]))
            .collect();
        assert_eq!(
            got,
            [
                ("id", "1e2"),
                ("text", r#""x\"y""#),
                ("o", r#"{"a":[1,2]}"#)
            ]
        );
        assert!(object_fields("[1]")
            .unwrap_err()
            .contains("not a JSON object"));
        assert!(object_fields("{bad")
            .unwrap_err()
            .contains("malformed JSON"));
    }

    #[test]
    fn lone_surrogate_elsewhere_does_not_block_the_field() {
        // Found by fuzzing: valid JSON syntax, though not decodable to UTF-8.
        let file = "{\"text\":\"a b\",\"x\":\"\\ude00\"}\n";
        let mut w = Vec::new();
        let segs = segments(file, &["text".to_string()], &mut w);
        assert_eq!(segs.len(), 1);
        assert!(w.is_empty());
        // A lone surrogate in the field itself leaves the field alone.
        let file = "{\"text\":\"a \\ud800 b\"}\n";
        assert!(segments(file, &["text".to_string()], &mut w).is_empty());
    }
}
