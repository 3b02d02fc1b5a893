//! A streaming JSON Lines filter, for cluster engines (Spark `RDD.pipe`, Hadoop Streaming).
//!
//! Such engines pipe records through a program and expect exactly one output line per input
//! line, in order. [`Filter::process_line`] therefore never fails: a record whose text is
//! repaired comes back with the field repaired and a `despin` object added (findings, spin
//! score, repairs made); a line that is not a JSON object, or lacks the field, comes back as
//! a record with a `despin_error` explaining why and the input line, so nothing is silently
//! dropped.
//!
//! The record is repaired exactly as `despin fix --type jsonl` repairs a line (the one
//! [`crate::format`] path): only the escaped bytes of repaired words change, and every other
//! byte (numbers such as `1e2`, big integers, key order, spacing, other escapes) is kept. A
//! UTF-8 byte order mark before the first line is kept too.

use serde_json::{json, Value};

use crate::format::{self, jsonl, FileType, FormatOptions};
use crate::report::escape_bytes;
use crate::scan::Scanner;

const BOM: &str = "\u{FEFF}";

/// An f32 as the f64 a reader expects (0.97, not 0.9700000286102295).
fn round3(x: f32) -> f64 {
    (x as f64 * 1000.0).round() / 1000.0
}

/// Repairs one text field of JSON records.
pub struct Filter<'s> {
    scanner: &'s Scanner,
    options: FormatOptions,
    min_confidence: f32,
}

impl<'s> Filter<'s> {
    /// A filter repairing `field` with `scanner`, applying findings at or above
    /// `min_confidence`.
    pub fn new(scanner: &'s Scanner, field: &str, min_confidence: f32) -> Filter<'s> {
        Filter {
            scanner,
            options: FormatOptions {
                fields: vec![field.to_string()],
            },
            min_confidence,
        }
    }

    /// Process one input line (without its line terminator) into one output line (without
    /// a terminator). `line_no` is 1-based, for error records; on line 1 a byte order mark
    /// is kept and skipped.
    ///
    /// An error record holds the input: as the string `input` when the line is UTF-8, else
    /// as `input_escaped`, the line with every byte of an invalid sequence written `%XX` and
    /// a `%` followed by two hex digits written `%25` ([`crate::report::unescape_bytes`]
    /// gives the bytes back exactly).
    pub fn process_line(&self, raw: &[u8], line_no: usize) -> String {
        let line = match std::str::from_utf8(raw) {
            Ok(line) => line,
            Err(e) => {
                return json!({
                    "despin_error": format!("not valid UTF-8 at byte {}", e.valid_up_to()),
                    "line": line_no,
                    "input_escaped": escape_bytes(raw),
                })
                .to_string()
            }
        };
        let (bom, record) = match line.strip_prefix(BOM) {
            Some(rest) if line_no == 1 => (BOM, rest),
            _ => ("", line),
        };
        match self.process_record(record) {
            Ok(out) => format!("{bom}{out}"),
            Err(msg) => json!({ "despin_error": msg, "line": line_no, "input": line }).to_string(),
        }
    }

    /// Repair one record and add the `despin` object, or say why it can't be.
    fn process_record(&self, record: &str) -> Result<String, String> {
        let field = &self.options.fields[0];
        let fields = jsonl::object_fields(record)?;
        let Some((_, value)) = fields
            .iter()
            .rev()
            .find(|(k, v)| k == field && record[v.clone()].starts_with('"'))
        else {
            return Err(format!("no string field `{field}`"));
        };
        // Valid JSON may still hold a lone surrogate, which no UTF-8 text can.
        serde_json::from_str::<String>(&record[value.clone()])
            .map_err(|e| format!("field `{field}` cannot be read as text: {e}"))?;
        let p = format::scan_and_repair(
            self.scanner,
            FileType::Jsonl,
            record,
            &self.options,
            Some(self.min_confidence),
        );
        // Findings are located in the record; readers want offsets in the field's text.
        let segs = format::segments(FileType::Jsonl, record, &self.options, &mut Vec::new());
        let findings: Vec<Value> = p
            .findings
            .iter()
            .zip(&p.applied)
            .map(|(f, &applied)| {
                let seg = segs.iter().rev().find(|s| s.to_file(0) <= f.start);
                let in_text = |at: usize| seg.map_or(at, |s| s.to_text(at));
                json!({
                    "byte_start": in_text(f.start),
                    "byte_end": in_text(f.end),
                    "spun": f.spun,
                    "suggestions": f.suggestions,
                    "confidence": round3(f.confidence),
                    "dictionary": format!("{}:{}", f.dictionary, f.entry_line),
                    "applied": applied,
                })
            })
            .collect();
        let summary = json!({
            "spin_score": round3(p.evidence.score),
            "repairs": p.applied.iter().filter(|&&a| a).count(),
            "findings": findings,
        })
        .to_string();
        let mut out = p.output.unwrap_or_else(|| record.to_string());
        // Replace a `despin` object from an earlier pass, else add one after the last field.
        let fields = jsonl::object_fields(&out)?;
        match fields.iter().rev().find(|(k, _)| k == "despin") {
            Some((_, v)) => out.replace_range(v.clone(), &summary),
            None => {
                let end = fields.last().map_or(0, |(_, v)| v.end);
                out.insert_str(end, &format!(",\"despin\":{summary}"));
            }
        }
        Ok(out)
    }
}
