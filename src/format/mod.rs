//! File formats: which parts of a file are prose that despin may scan and repair.
//!
//! Every format does one thing: it maps a file to [`Segment`]s, runs of text together with the
//! byte ranges of the file they were read from. Everything else — scanning, repair, mapping
//! findings and edits back to file coordinates — is done once, here, in [`scan_and_repair`]:
//!
//! 1. the segments of one document are joined with a blank line between them (a paragraph
//!    break, which no phrase crosses) and scanned once, so document evidence covers the whole
//!    document: the whole file, or for JSON Lines each line (one article per record);
//! 2. findings and repair edits are mapped back to byte ranges of the file;
//! 3. replacements are encoded for the place they go (HTML-escaped in HTML text, JSON-escaped
//!    inside a JSON string), and every byte outside the edited ranges is kept as it was.
//!
//! Formats: [`text`] (the whole file), [`markdown`], [`html`], [`jsonl`].

pub mod html;
pub mod jsonl;
pub mod markdown;
pub mod text;

use std::borrow::Cow;
use std::path::Path;

use crate::repair::{self, Edit};
use crate::scan::{DocEvidence, Finding, Scanner};

/// The formats despin understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileType {
    /// Plain text: the whole file is prose.
    Text,
    /// Markdown: code, URLs and link targets are left alone.
    Markdown,
    /// HTML: only text nodes outside `<script>`, `<style>`, `<code>`, `<pre>`.
    Html,
    /// JSON Lines: named string fields of each object.
    Jsonl,
}

impl FileType {
    /// The type for a file name by its extension; unknown extensions are text.
    pub fn from_path(path: &Path) -> FileType {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("md" | "markdown" | "mdown" | "mkd") => FileType::Markdown,
            Some("html" | "htm" | "xhtml") => FileType::Html,
            Some("jsonl" | "ndjson") => FileType::Jsonl,
            _ => FileType::Text,
        }
    }

    /// Parse a `--type` value.
    pub fn parse(name: &str) -> Option<FileType> {
        match name {
            "text" | "txt" => Some(FileType::Text),
            "markdown" | "md" => Some(FileType::Markdown),
            "html" | "htm" => Some(FileType::Html),
            "jsonl" | "ndjson" => Some(FileType::Jsonl),
            _ => None,
        }
    }

    /// The canonical name.
    pub fn name(self) -> &'static str {
        match self {
            FileType::Text => "text",
            FileType::Markdown => "markdown",
            FileType::Html => "html",
            FileType::Jsonl => "jsonl",
        }
    }
}

/// How a replacement is written into the file where a segment came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escape {
    /// As is.
    None,
    /// HTML text: `&`, `<`, `>` as entities.
    Html,
    /// Inside a JSON string literal: `"`, `\` and control characters escaped.
    Json,
}

impl Escape {
    /// How a replacement is written into a file of type `t` (for `despin apply`, which writes
    /// a report's suggestions as `fix` writes its own).
    pub fn for_type(t: FileType) -> Escape {
        match t {
            FileType::Html => Escape::Html,
            FileType::Jsonl => Escape::Json,
            FileType::Text | FileType::Markdown => Escape::None,
        }
    }

    /// `s` written as this escape requires.
    pub fn encode<'a>(self, s: &'a str) -> Cow<'a, str> {
        match self {
            Escape::None => s.into(),
            Escape::Html if !s.contains(['&', '<', '>']) => s.into(),
            Escape::Html => s
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .into(),
            Escape::Json => {
                let quoted = serde_json::to_string(s).expect("strings always serialise");
                quoted[1..quoted.len() - 1].to_string().into()
            }
        }
    }
}

/// A run of text read from a file, with the map from its offsets to file offsets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment<'a> {
    /// The text (borrowed from the file when it is a verbatim slice of it).
    pub text: Cow<'a, str>,
    /// `(text offset, file offset)` pairs, sorted, the first at text offset 0. Between two
    /// anchors offsets advance together; a decoded escape gets an anchor at its start and one
    /// at its end, so every character boundary of `text` maps to a file offset.
    pub anchors: Vec<(usize, usize)>,
    /// How replacements are written back.
    pub escape: Escape,
}

impl<'a> Segment<'a> {
    /// A segment that is the verbatim slice `file[start..start + text.len()]`.
    pub fn verbatim(text: &'a str, start: usize, escape: Escape) -> Segment<'a> {
        Segment {
            text: text.into(),
            anchors: vec![(0, start)],
            escape,
        }
    }

    /// The file offset of a character boundary of the text.
    pub fn to_file(&self, offset: usize) -> usize {
        let i = self.anchors.partition_point(|a| a.0 <= offset) - 1;
        let (t, f) = self.anchors[i];
        f + (offset - t)
    }

    /// The text offset of a file offset that [`Segment::to_file`] gives for some character
    /// boundary of the text (its inverse).
    pub fn to_text(&self, file_offset: usize) -> usize {
        let i = self.anchors.partition_point(|a| a.1 <= file_offset).max(1) - 1;
        let (t, f) = self.anchors[i];
        t + file_offset.saturating_sub(f)
    }

    fn is_verbatim(&self) -> bool {
        self.anchors.len() == 1
    }

    fn file_start(&self) -> usize {
        self.anchors[0].1
    }

    fn file_end(&self) -> usize {
        self.to_file(self.text.len())
    }
}

/// Something about a file worth telling the user that did not stop it being processed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// 1-based line in the file.
    pub line: usize,
    /// What is wrong; the part concerned was passed through unchanged.
    pub message: String,
}

/// Per-format settings.
#[derive(Clone, Debug)]
pub struct FormatOptions {
    /// JSON Lines: the string fields to repair.
    pub fields: Vec<String>,
}

impl Default for FormatOptions {
    fn default() -> Self {
        FormatOptions {
            fields: vec!["text".to_string()],
        }
    }
}

/// The segments of a file in a format, in file order, never overlapping.
pub fn segments<'a>(
    ty: FileType,
    file: &'a str,
    options: &FormatOptions,
    warnings: &mut Vec<Warning>,
) -> Vec<Segment<'a>> {
    let segs = match ty {
        FileType::Text => text::segments(file),
        FileType::Markdown => markdown::segments(file),
        FileType::Html => html::segments(file),
        FileType::Jsonl => jsonl::segments(file, &options.fields, warnings),
    };
    merge_adjacent(file, segs)
}

/// Join verbatim segments separated only by spaces and single line breaks (a wrapped line in
/// Markdown, a text node split by the HTML tokenizer), so phrases may span them.
fn merge_adjacent<'a>(file: &'a str, segs: Vec<Segment<'a>>) -> Vec<Segment<'a>> {
    let mut out: Vec<Segment<'a>> = Vec::with_capacity(segs.len());
    for s in segs {
        if let Some(prev) = out.last_mut() {
            let (a, b) = (prev.file_end(), s.file_start());
            let gap = &file[a..b];
            if prev.is_verbatim()
                && s.is_verbatim()
                && prev.escape == s.escape
                && gap
                    .chars()
                    .all(|c| c == ' ' || c == '\t' || c == '\n' || c == '\r')
                && gap.matches('\n').count() <= 1
            {
                let start = prev.file_start();
                prev.text = file[start..s.file_end()].into();
                continue;
            }
        }
        out.push(s);
    }
    out
}

/// What processing one file found and, when repairing, the repaired file.
#[derive(Clone, Debug, Default)]
pub struct Processed {
    /// Findings in file coordinates (byte ranges, lines and columns of the file), in order.
    pub findings: Vec<Finding>,
    /// For each finding, whether it was applied.
    pub applied: Vec<bool>,
    /// For each finding, the spin score of the document it is in (its record, in JSON
    /// Lines).
    pub doc_scores: Vec<f32>,
    /// The repaired file, when repairing and something changed.
    pub output: Option<String>,
    /// The edits made, in file coordinates and order (replacements encoded); every byte
    /// outside them is the same in `output` as in the file.
    pub edits: Vec<Edit>,
    /// Document evidence of the file's text.
    pub evidence: DocEvidence,
    /// Parts passed through unchanged because they could not be read in the format.
    pub warnings: Vec<Warning>,
}

/// Scan one file of type `ty` and, with `repair_at = Some(min_confidence)`, repair it.
pub fn scan_and_repair(
    scanner: &Scanner,
    ty: FileType,
    file: &str,
    options: &FormatOptions,
    repair_at: Option<f32>,
) -> Processed {
    let mut warnings = Vec::new();
    let segs = segments(ty, file, options, &mut warnings);
    let mut done = Processed {
        findings: Vec::new(),
        applied: Vec::new(),
        doc_scores: Vec::new(),
        output: None,
        edits: Vec::new(),
        evidence: DocEvidence::default(),
        warnings: Vec::new(),
    };
    // Each document is scanned on its own, so its spin evidence is its own: a JSON Lines
    // file holds one article per line, every other format one document.
    let mut first = 0;
    while first < segs.len() {
        let mut last = first + 1;
        if ty == FileType::Jsonl {
            let line_end = file[segs[first].to_file(0)..]
                .find('\n')
                .map_or(file.len(), |i| segs[first].to_file(0) + i);
            while last < segs.len() && segs[last].to_file(0) < line_end {
                last += 1;
            }
        } else {
            last = segs.len();
        }
        let part = process_document(scanner, file, &segs[first..last], repair_at);
        let n = part.findings.len();
        done.doc_scores
            .extend(std::iter::repeat_n(part.evidence.score, n));
        done.findings.extend(part.findings);
        done.applied.extend(part.applied);
        done.edits.extend(part.edits);
        if part.evidence.score >= done.evidence.score {
            let words = done.evidence.words + part.evidence.words;
            done.evidence = part.evidence;
            done.evidence.words = words;
        } else {
            done.evidence.words += part.evidence.words;
        }
        first = last;
    }
    if !done.edits.is_empty() {
        let out = repair::apply_edits(file, &done.edits);
        if out != file {
            done.output = Some(out);
        }
    }
    if !(segs.len() == 1 && segs[0].is_verbatim() && segs[0].text.len() == file.len()) {
        crate::scan::locate(file, &mut done.findings);
    }
    done.warnings = warnings;
    done
}

/// Scan (and with `repair_at`, repair) the segments of one document; findings and edits in
/// file coordinates, findings not yet located (lines, columns) unless the document is the
/// whole file verbatim.
fn process_document(
    scanner: &Scanner,
    file: &str,
    segs: &[Segment<'_>],
    repair_at: Option<f32>,
) -> Processed {
    // The scanned text: the file itself when it is one verbatim segment, otherwise the
    // segments joined by blank lines. `starts[i]` is where segment i begins in it.
    const JOIN: &str = "\n\n";
    let whole = segs.len() == 1 && segs[0].is_verbatim() && segs[0].text.len() == file.len();
    let joined: Cow<'_, str> = if whole {
        file.into()
    } else {
        let len = segs.iter().map(|s| s.text.len() + JOIN.len()).sum();
        let mut j = String::with_capacity(len);
        for s in segs {
            j.push_str(&s.text);
            j.push_str(JOIN);
        }
        j.into()
    };
    let mut starts = Vec::with_capacity(segs.len());
    let mut pos = 0;
    for s in segs {
        starts.push(pos);
        pos += s.text.len() + JOIN.len();
    }
    // Map a joined-text range (never spanning segments) to the file.
    let to_file = |a: usize, b: usize| -> (usize, usize, Escape) {
        let i = starts.partition_point(|&s| s <= a) - 1;
        let s = &segs[i];
        (s.to_file(a - starts[i]), s.to_file(b - starts[i]), s.escape)
    };

    let result = scanner.scan(&joined);
    let mut applied = vec![false; result.findings.len()];
    let mut file_edits = Vec::new();
    if let Some(min) = repair_at {
        let fixed = repair::repair(&joined, &result.findings, min);
        for &i in &fixed.applied {
            applied[i] = true;
        }
        file_edits = fixed
            .edits
            .iter()
            .map(|e| {
                let (start, end, escape) = to_file(e.start, e.end);
                Edit {
                    start,
                    end,
                    replacement: escape.encode(&e.replacement).into_owned(),
                }
            })
            .collect();
    }
    let mut findings = result.findings;
    if !whole {
        for f in &mut findings {
            let (start, end, _) = to_file(f.start, f.end);
            f.start = start;
            f.end = end;
        }
    }
    Processed {
        doc_scores: Vec::new(),
        findings,
        applied,
        output: None,
        edits: file_edits,
        evidence: result.evidence,
        warnings: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_map_offsets() {
        // Text "aéb" read from `a\u00e9b`: é is 2 bytes of text, 6 of file.
        let s = Segment {
            text: "aéb".into(),
            anchors: vec![(0, 10), (1, 11), (3, 17)],
            escape: Escape::Json,
        };
        assert_eq!(s.to_file(0), 10);
        assert_eq!(s.to_file(1), 11);
        assert_eq!(s.to_file(3), 17);
        assert_eq!(s.to_file(4), 18);
        for t in [0, 1, 3, 4] {
            assert_eq!(s.to_text(s.to_file(t)), t);
        }
    }

    #[test]
    fn escapes() {
        assert_eq!(Escape::Html.encode("a<b&c"), "a&lt;b&amp;c");
        assert_eq!(Escape::Json.encode("say \"hi\"\n"), "say \\\"hi\\\"\\n");
        assert_eq!(Escape::None.encode("<"), "<");
    }

    #[test]
    fn types_by_extension() {
        assert_eq!(FileType::from_path(Path::new("a/b.HTM")), FileType::Html);
        assert_eq!(FileType::from_path(Path::new("x.ndjson")), FileType::Jsonl);
        assert_eq!(FileType::from_path(Path::new("x.md")), FileType::Markdown);
        assert_eq!(FileType::from_path(Path::new("x")), FileType::Text);
    }
}
