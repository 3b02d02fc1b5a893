//! HTML: only text nodes are prose. Tags, attributes, comments, entities and the content of
//! `<script>`, `<style>`, `<code>`, `<pre>`, `<textarea>` and `<title>` are never touched.
//!
//! The file is tokenised with `lol_html` (a streaming HTML rewriter used only for reading
//! here), which reports each text chunk with its byte range in the source. Only chunks of
//! ordinary text (`TextType::Data`) outside the protected elements become segments, cut
//! around character references (`&amp;`, `&#8217;`), so a repair can never split or rewrite
//! one; replacements are HTML-escaped. An element closed implicitly (no end tag) keeps its
//! protection to the end of the file: leaving prose alone is the safe mistake.
//!
//! If the tokenizer gives up on a file, no segment is returned and the file passes through.

use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;

use lol_html::html_content::TextType;
use lol_html::{doc_text, element, end_tag, HtmlRewriter, Settings};

use super::{Escape, Segment};

/// Elements whose text is not prose.
const PROTECTED: &str = "script, style, code, pre, textarea, title, kbd, samp, var";

/// The text-node segments of an HTML file.
pub fn segments(file: &str) -> Vec<Segment<'_>> {
    let ranges = text_ranges(file).unwrap_or_default();
    let mut out = Vec::new();
    for r in ranges {
        push_between_references(file, r, &mut out);
    }
    out
}

/// Byte ranges of prose text chunks, in order; adjacent chunks joined.
fn text_ranges(file: &str) -> Option<Vec<Range<usize>>> {
    let depth = Rc::new(RefCell::new(0usize));
    let ranges: RefCell<Vec<Range<usize>>> = RefCell::new(Vec::new());
    let d_el = depth.clone();
    let d_text = depth.clone();
    let settings = Settings::new()
        .append_element_content_handler(element!(PROTECTED, move |el| {
            let d = d_el.clone();
            if el.can_have_content() && !el.is_self_closing() {
                *d.borrow_mut() += 1;
                el.on_end_tag(end_tag!(move |_| {
                    let mut v = d.borrow_mut();
                    *v = v.saturating_sub(1);
                    Ok(())
                }))?;
            }
            Ok(())
        }))
        .append_document_content_handler(doc_text!(|t| {
            if t.text_type() != TextType::Data || *d_text.borrow() > 0 || t.as_str().is_empty() {
                return Ok(());
            }
            let r = t.source_location().bytes();
            // lol_html hands out the source text verbatim; trust only ranges that match.
            if file.get(r.clone()) != Some(t.as_str()) {
                return Ok(());
            }
            let mut v = ranges.borrow_mut();
            match v.last_mut() {
                Some(last) if last.end == r.start => last.end = r.end,
                _ => v.push(r),
            }
            Ok(())
        }))
        .with_strict(false);
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    rewriter.write(file.as_bytes()).ok()?;
    rewriter.end().ok()?;
    Some(ranges.into_inner())
}

/// Push `file[r]` as segments, leaving out character references.
fn push_between_references<'a>(file: &'a str, r: Range<usize>, out: &mut Vec<Segment<'a>>) {
    let mut pos = r.start;
    let bytes = file.as_bytes();
    let mut i = r.start;
    while i < r.end {
        if bytes[i] == b'&' {
            let len = reference_len(&file[i..r.end]);
            if len > 0 {
                if i > pos {
                    out.push(Segment::verbatim(&file[pos..i], pos, Escape::Html));
                }
                i += len;
                pos = i;
                continue;
            }
        }
        i += 1;
    }
    if r.end > pos {
        out.push(Segment::verbatim(&file[pos..r.end], pos, Escape::Html));
    }
}

/// Length of a character reference at the start of `s` (`&name;`, `&#123;`, `&#x1F;`, or a
/// legacy reference without `;`), or 0 if `&` is a literal ampersand.
fn reference_len(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 1;
    if b.get(1) == Some(&b'#') {
        i = 2;
        if matches!(b.get(2), Some(b'x' | b'X')) {
            i = 3;
        }
    }
    let body = i;
    while i < b.len() && b[i].is_ascii_alphanumeric() {
        i += 1;
    }
    if i == body {
        return 0;
    }
    if b.get(i) == Some(&b';') {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(html: &str) -> Vec<String> {
        segments(html)
            .into_iter()
            .map(|s| s.text.into_owned())
            .collect()
    }

    #[test]
    fn only_prose_text() {
        let html = "<html><head><title>final yr</title><style>p{}</style></head><body>\
            <p title=\"final yr\">Hello <b>final</b> yr &amp; more</p>\
            <script>var x = 'final yr';</script><pre>final yr</pre><code>a</code>\
            <p>after</p><!-- final yr --></body></html>";
        assert_eq!(texts(html), ["Hello ", "final", " yr ", " more", "after"]);
    }

    #[test]
    fn segments_are_file_slices() {
        let html = "<p>caf\u{e9} &eacute; x & y <i>z</i></p>";
        for s in segments(html) {
            let at = s.anchors[0].1;
            assert_eq!(&html[at..at + s.text.len()], &*s.text);
        }
        assert_eq!(texts(html), ["caf\u{e9} ", " x & y ", "z"]);
    }

    #[test]
    fn references() {
        assert_eq!(reference_len("&amp; x"), 5);
        assert_eq!(reference_len("&#8217;"), 7);
        assert_eq!(reference_len("&#x27;"), 6);
        assert_eq!(reference_len("& x"), 0);
        assert_eq!(reference_len("&copy x"), 5);
    }
}
