//! `despin filter`: one JSON line out per line in, in order, repaired as `fix` would.

mod common;

const DICT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dict.csv");

fn filter(input: &str, extra: &[&str]) -> (i32, Vec<serde_json::Value>) {
    let out = common::despin()
        .args(["filter", "--no-default-dict", "--dict", DICT])
        .args(extra)
        .write_stdin(input.to_string())
        .output()
        .unwrap();
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (out.status.code().unwrap(), lines)
}

#[test]
fn one_line_out_per_line_in_even_for_bad_lines() {
    let input = "{\"id\":1,\"text\":\"It fell final yr.\",\"z\":[1,2]}\nnot json\n\n{\"id\":3}\n[1]\n{\"id\":5,\"text\":\"Nothing here.\"}";
    let (code, out) = filter(input, &[]);
    assert_eq!(code, 0);
    assert_eq!(out.len(), 6);
    assert_eq!(out[0]["text"], "It fell last year.");
    assert_eq!(out[0]["z"], serde_json::json!([1, 2]));
    assert_eq!(out[0]["despin"]["repairs"], 1);
    assert_eq!(out[0]["despin"]["findings"][0]["spun"], "final yr");
    for (i, n) in [(1, 2), (2, 3), (3, 4), (4, 5)] {
        assert_eq!(out[i]["line"], n, "{:?}", out[i]);
        assert!(out[i]["despin_error"].is_string());
    }
    assert_eq!(out[5]["text"], "Nothing here.");
    assert_eq!(out[5]["despin"]["repairs"], 0);
}

#[test]
fn filter_repairs_like_fix_and_keeps_order_across_chunks() {
    let texts: Vec<String> = (0..10_000)
        .map(|i| format!("Record {i} rose final yr in the Center East."))
        .collect();
    let input: String = texts
        .iter()
        .map(|t| serde_json::json!({ "body": t }).to_string() + "\n")
        .collect();
    let (code, out) = filter(&input, &["--field", "body", "--threads", "2"]);
    assert_eq!(code, 0);
    assert_eq!(out.len(), texts.len());
    for (i, o) in out.iter().enumerate() {
        assert_eq!(
            o["body"],
            format!("Record {i} rose last year in the Middle East.")
        );
    }
}

/// `despin filter` on raw bytes: the raw output.
fn filter_bytes(input: &[u8]) -> Vec<u8> {
    let out = common::despin()
        .args(["filter", "--no-default-dict", "--dict", DICT])
        .write_stdin(input.to_vec())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    out.stdout
}

/// An output line without the `despin` object despin added (it is serialised compactly).
fn without_summary(line: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(line.trim_start_matches('\u{FEFF}')).unwrap();
    line.replacen(&format!(",\"despin\":{}", v["despin"]), "", 1)
}

#[test]
fn records_keep_every_byte_but_the_repaired_words_as_fix_does() {
    let records = "{\"id\":1e2,\"n\":123456789012345678901234567890, \"text\":\"It fell final yr in the caf\\u00e9 \\\"here\\\".\",\"f\":1.50 }\r\n\
                   {\"z\":-0.0,\"text\":\"Center East talks.\\nNothing else.\"}\n";
    let out = String::from_utf8(filter_bytes(records.as_bytes())).unwrap();
    let lines: Vec<&str> = out.split_inclusive('\n').collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(
        without_summary(lines[0]),
        "{\"id\":1e2,\"n\":123456789012345678901234567890, \"text\":\"It fell last year in the caf\\u00e9 \\\"here\\\".\",\"f\":1.50 }\r\n"
    );
    let v: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(v["despin"]["repairs"], 1);
    // Offsets are in the field's text, where "final yr" starts at byte 8.
    assert_eq!(v["despin"]["findings"][0]["byte_start"], 8);
    assert_eq!(v["despin"]["findings"][0]["byte_end"], 16);

    // The same bytes as `despin fix` writes for a .jsonl file.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("in")).unwrap();
    std::fs::write(dir.path().join("in/a.jsonl"), records).unwrap();
    let fixed = common::despin()
        .current_dir(dir.path())
        .args([
            "fix",
            "in",
            "--out",
            "out",
            "--no-default-dict",
            "--dict",
            DICT,
        ])
        .output()
        .unwrap();
    assert_eq!(fixed.status.code(), Some(0), "{fixed:?}");
    let fixed = std::fs::read_to_string(dir.path().join("out/a.jsonl")).unwrap();
    let filtered: String = lines.iter().map(|l| without_summary(l)).collect();
    assert_eq!(filtered, fixed);
}

#[test]
fn byte_order_mark_is_kept_and_the_first_record_repaired() {
    let out =
        filter_bytes(b"\xEF\xBB\xBF{\"text\":\"It fell final yr.\"}\n{\"text\":\"final yr\"}\n");
    let out = String::from_utf8(out).unwrap();
    let first = out.lines().next().unwrap();
    let record = first.strip_prefix('\u{FEFF}').expect("BOM kept");
    let v: serde_json::Value = serde_json::from_str(record).unwrap();
    assert_eq!(v["text"], "It fell last year.", "{first}");
    assert!(!out.contains("despin_error"), "{out}");
}

#[test]
fn a_line_that_is_not_utf8_comes_back_with_its_exact_bytes() {
    let bad: &[u8] = b"{\"text\":\"caf\xe9 final yr 100%41\"}";
    let mut input = bad.to_vec();
    input.extend_from_slice(b"\n{\"text\":\"final yr\"}\n");
    let out = String::from_utf8(filter_bytes(&input)).unwrap();
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["line"], 1);
    assert!(lines[0]["despin_error"].as_str().unwrap().contains("UTF-8"));
    let escaped = lines[0]["input_escaped"].as_str().unwrap();
    assert_eq!(escaped, "{\"text\":\"caf%E9 final yr 100%2541\"}");
    assert_eq!(&*despin::report::unescape_bytes(escaped), bad);
    assert_eq!(lines[1]["text"], "last year");
}

#[test]
fn a_second_pass_replaces_the_despin_object() {
    let once = filter_bytes(b"{\"text\":\"It fell final yr.\",\"k\":[1, 2]}\n");
    let twice = String::from_utf8(filter_bytes(&once)).unwrap();
    assert_eq!(twice.matches("\"despin\":").count(), 1, "{twice}");
    let v: serde_json::Value = serde_json::from_str(&twice).unwrap();
    assert_eq!(v["despin"]["repairs"], 0);
    assert!(twice.starts_with("{\"text\":\"It fell last year.\",\"k\":[1, 2],\"despin\":{"));
}

/// `filter` applies findings at or above 0.5 by default (as `fix`); lower ones are listed,
/// not applied, until `--min-confidence` lowers the bar.
#[test]
fn default_threshold_is_one_half() {
    let dir = tempfile::tempdir().unwrap();
    let dict = dir.path().join("low.csv");
    std::fs::write(
        &dict,
        "spun,original,prior,kind\ndirect,immediate,0.3,fingerprint\nfinal yr,last year,0.97,fingerprint\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let out = common::despin()
            .args(["filter", "--no-default-dict", "--dict"])
            .arg(&dict)
            .args(extra)
            .write_stdin("{\"text\":\"A direct ceasefire final yr.\"}\n")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let v = run(&[]);
    assert_eq!(v["text"], "A direct ceasefire last year.");
    assert_eq!(v["despin"]["findings"][0]["spun"], "direct");
    assert_eq!(v["despin"]["findings"][0]["applied"], false);
    let v = run(&["--min-confidence", "0.3"]);
    assert_eq!(v["text"], "An immediate ceasefire last year.");
}
