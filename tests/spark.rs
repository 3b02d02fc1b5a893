//! The Spark example (`examples/spark/despin_pipe.py`) on a real local Spark (`local[2]`):
//! every record comes back exactly once, repaired exactly as `despin fix` repairs its text.
//!
//! Needs `pyspark` (from PyPI) and Java; without them the test says so on stderr and skips,
//! so the rest of the suite works on machines without a JVM. In CI (`DESPIN_REQUIRE_TOOLS=1`,
//! where `.ci/run` installs them) a skip is a failure.

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_despin");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Why Spark can't run here, if it can't.
fn spark_missing() -> Option<String> {
    let ok = |cmd: &mut Command| {
        cmd.stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !ok(Command::new("java").arg("-version")) {
        return Some("java not found (Spark needs a JVM, e.g. openjdk-17)".into());
    }
    if !ok(Command::new("python3").args(["-c", "import pyspark"])) {
        return Some("python3 cannot import pyspark (pip install pyspark)".into());
    }
    None
}

/// Texts with spun phrases of the embedded and the fixture dictionaries, clean text,
/// non-ASCII text and line breaks inside a record.
fn record_text(i: usize) -> String {
    let spun = std::fs::read_to_string(Path::new(ROOT).join("tests/fixtures/spun.txt")).unwrap();
    let templates = [
        "Talks in the Center East stalled final yr, officials said.".to_string(),
        "Nothing spun here: the committee met on Tuesday.".to_string(),
        "The nationwide safety adviser called for a direct ceasefire.\r\nMore “soon”.".to_string(),
        "Les négociations ont repris — final yr was quieter in Zürich.".to_string(),
        "Researchers trained a profound learning model with counterfeit consciousness.".to_string(),
        spun,
    ];
    format!("Record {i}. {}", templates[i % templates.len()])
}

fn despin_fix(text: &str, dict: &Path) -> String {
    let mut child = common::command()
        .arg("fix")
        .arg("--dict")
        .arg(dict)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1), "fix failed");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn spark_pipe_returns_every_record_once_repaired_like_fix() {
    if let Some(why) = spark_missing() {
        common::skip(
            "spark_pipe_returns_every_record_once_repaired_like_fix",
            &why,
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("corpus.jsonl");
    let output = dir.path().join("out");
    let dict = Path::new(ROOT).join("tests/fixtures/dict.csv");
    let n = 120;
    let texts: Vec<String> = (0..n).map(record_text).collect();
    let jsonl: String = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            serde_json::json!({ "id": i, "text": t, "keep": [i, "x"] }).to_string() + "\n"
        })
        .collect();
    std::fs::write(&input, jsonl).unwrap();

    let run = Command::new("python3")
        // The despin processes Spark starts inherit this: no despin.toml around them counts.
        .env(common::NO_CONFIG_ENV, "1")
        .arg(Path::new(ROOT).join("examples/spark/despin_pipe.py"))
        .args(["--master", "local[2]", "--partitions", "3", "--despin", BIN])
        .arg("--dict")
        .arg(&dict)
        .arg(&input)
        .arg(&output)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "spark job failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );

    let mut seen: HashMap<usize, serde_json::Value> = HashMap::new();
    let mut parts: Vec<_> = std::fs::read_dir(&output)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("part-")
        })
        .collect();
    parts.sort();
    assert!(parts.len() >= 2, "expected several partitions: {parts:?}");
    for p in parts {
        for line in std::fs::read_to_string(&p).unwrap().lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(v.get("despin_error").is_none(), "{v}");
            let id = v["id"].as_u64().unwrap() as usize;
            assert_eq!(v["keep"], serde_json::json!([id, "x"]));
            assert!(seen.insert(id, v).is_none(), "record {id} came back twice");
        }
    }
    assert_eq!(seen.len(), n, "records lost");
    for (i, t) in texts.iter().enumerate() {
        let got = seen[&i]["text"].as_str().unwrap();
        assert_eq!(got, despin_fix(t, &dict), "record {i}");
    }
    // The corpus does contain repairs: the comparison is not between unchanged texts.
    let repairs: u64 = seen
        .values()
        .map(|v| v["despin"]["repairs"].as_u64().unwrap())
        .sum();
    assert!(repairs >= n as u64 / 2, "only {repairs} repairs");
}
