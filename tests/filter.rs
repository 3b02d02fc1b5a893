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
