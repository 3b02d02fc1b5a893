//! A streaming JSON Lines filter, for cluster engines (Spark `RDD.pipe`, Hadoop Streaming).
//!
//! Such engines pipe records through a program and expect exactly one output line per input
//! line, in order. [`Filter::process_line`] therefore never fails: a record whose text is
//! repaired comes back with the field replaced and a `despin` object added (findings, spin
//! score, repairs made); a line that is not a JSON object, or lacks the field, comes back as
//! a record with a `despin_error` explaining why, so nothing is silently dropped.

use serde_json::{json, Map, Value};

use crate::repair::repair;
use crate::scan::Scanner;

/// An f32 as the f64 a reader expects (0.97, not 0.9700000286102295).
fn round3(x: f32) -> f64 {
    (x as f64 * 1000.0).round() / 1000.0
}

/// Repairs one text field of JSON records.
pub struct Filter<'s> {
    scanner: &'s Scanner,
    field: String,
    min_confidence: f32,
}

impl<'s> Filter<'s> {
    /// A filter repairing `field` with `scanner`, applying findings at or above
    /// `min_confidence`.
    pub fn new(scanner: &'s Scanner, field: &str, min_confidence: f32) -> Filter<'s> {
        Filter {
            scanner,
            field: field.to_string(),
            min_confidence,
        }
    }

    /// Process one input line (without its line terminator) into one output line (without
    /// a terminator). `line_no` is 1-based, for error records.
    pub fn process_line(&self, line: &str, line_no: usize) -> String {
        let err = |msg: String| {
            json!({ "despin_error": msg, "line": line_no, "input": line }).to_string()
        };
        let mut obj: Map<String, Value> = match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(o)) => o,
            Ok(_) => return err("not a JSON object".into()),
            Err(e) => return err(format!("malformed JSON: {e}")),
        };
        let Some(Value::String(text)) = obj.get(&self.field) else {
            return err(format!("no string field `{}`", self.field));
        };
        let result = self.scanner.scan(text);
        let fixed = repair(text, &result.findings, self.min_confidence);
        let findings: Vec<Value> = result
            .findings
            .iter()
            .enumerate()
            .map(|(i, f)| {
                json!({
                    "byte_start": f.start,
                    "byte_end": f.end,
                    "spun": f.spun,
                    "suggestions": f.suggestions,
                    "confidence": round3(f.confidence),
                    "dictionary": format!("{}:{}", f.dictionary, f.entry_line),
                    "applied": fixed.applied.contains(&i),
                })
            })
            .collect();
        obj.insert(self.field.clone(), Value::String(fixed.text));
        obj.insert(
            "despin".into(),
            json!({
                "spin_score": round3(result.evidence.score),
                "repairs": fixed.applied.len(),
                "findings": findings,
            }),
        );
        Value::Object(obj).to_string()
    }
}
