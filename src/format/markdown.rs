//! Markdown: prose only. Code blocks (fenced and indented), inline code, raw HTML, autolinks,
//! bare URLs and link targets are left alone.
//!
//! Parsed with `pulldown-cmark`; a text event becomes a segment only when it is a verbatim
//! slice of the file (text holding backslash escapes or entities is left alone rather than
//! re-encoded), so every repair is a plain byte-range edit of the source.

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

use super::{Escape, Segment};

/// The prose segments of a Markdown file.
pub fn segments(file: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut code_depth = 0usize;
    let mut autolink_depth = 0usize;
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for (event, range) in Parser::new_ext(file, opts).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => code_depth += 1,
            Event::End(TagEnd::CodeBlock) => code_depth = code_depth.saturating_sub(1),
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => autolink_depth += 1,
            Event::End(TagEnd::Link) if autolink_depth > 0 => autolink_depth -= 1,
            // Text with escapes or entities is not a verbatim slice: left alone.
            Event::Text(t)
                if code_depth == 0
                    && autolink_depth == 0
                    && file.get(range.clone()) == Some(&*t) =>
            {
                push_without_urls(&file[range.clone()], range.start, &mut out);
            }
            _ => {}
        }
    }
    out
}

/// Push `text` (at file offset `at`) as segments, cut around bare URLs.
fn push_without_urls<'a>(text: &'a str, at: usize, out: &mut Vec<Segment<'a>>) {
    let mut pos = 0;
    while let Some((s, e)) = next_url(text, pos) {
        if s > pos {
            out.push(Segment::verbatim(&text[pos..s], at + pos, Escape::None));
        }
        pos = e;
    }
    if pos < text.len() {
        out.push(Segment::verbatim(&text[pos..], at + pos, Escape::None));
    }
}

/// The next bare URL (`scheme://...` or `www....`) at or after `from`: up to whitespace or
/// an angle bracket, less trailing punctuation.
fn next_url(text: &str, from: usize) -> Option<(usize, usize)> {
    let rest = &text[from..];
    let hit = [rest.find("://"), rest.find("www.")]
        .into_iter()
        .flatten()
        .min()?;
    // Walk back over the scheme letters.
    let start = rest[..hit]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
        .last()
        .map_or(hit, |(i, _)| i);
    let len = rest[hit..]
        .find(|c: char| c.is_whitespace() || c == '<' || c == '>')
        .unwrap_or(rest.len() - hit);
    let mut end = hit + len;
    while end > start && rest[..end].ends_with(['.', ',', ';', ':', '!', '?', ')', '"', '\'']) {
        end -= 1;
    }
    Some((from + start, from + end.max(hit + 3)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(md: &str) -> Vec<String> {
        segments(md)
            .into_iter()
            .map(|s| s.text.into_owned())
            .collect()
    }

    #[test]
    fn code_and_links_are_left_alone() {
        let md = "Some `final yr` text.\n\n```\nfinal yr\n```\n\n    indented yr\n\n[final yr](http://x/final-yr) <http://a.b/c> see https://e.x/final_yr now\n";
        let t = texts(md);
        assert!(
            t.iter()
                .all(|s| !s.contains("http") && !s.contains("indented")),
            "{t:?}"
        );
        assert!(t.contains(&"final yr".to_string()), "{t:?}");
        assert!(
            t.iter()
                .any(|s| s.ends_with(" now\n") || s.ends_with(" now")),
            "{t:?}"
        );
    }

    #[test]
    fn segments_are_file_slices() {
        let md = "# Title\n\nA *b* c \\* d &amp; e\nline two\n";
        for s in segments(md) {
            let at = s.anchors[0].1;
            assert_eq!(&md[at..at + s.text.len()], &*s.text);
        }
    }
}
