//! `scan` and `fix` on single files, several files and stdin take the same format path as
//! batch runs: HTML, Markdown and JSON Lines are read as such (by extension, `--type`
//! overrides; stdin is text unless `--type` says otherwise).

mod common;

use std::fs;
use std::path::Path;
use std::process::{Output, Stdio};

const DICT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dict.csv");

fn despin(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut c = common::command();
    c.current_dir(dir)
        .args(args)
        .args(["--no-config", "--no-default-dict", "--dict", DICT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    {
        use std::io::Write;
        let mut i = child.stdin.take().unwrap();
        if let Some(data) = stdin {
            i.write_all(data).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

const HTML: &str = "<html><head><title>It ended final yr</title>\n\
<style>.final-yr { color: red }</style></head>\n\
<body class=\"final-yr\"><p title=\"final yr\">Talks stalled final yr in the Center East.</p>\n\
<script>var final_yr = \"final yr\";</script></body></html>\n";

const HTML_FIXED: &str = "<html><head><title>It ended final yr</title>\n\
<style>.final-yr { color: red }</style></head>\n\
<body class=\"final-yr\"><p title=\"final yr\">Talks stalled last year in the Middle East.</p>\n\
<script>var final_yr = \"final yr\";</script></body></html>\n";

#[test]
fn fix_on_one_html_file_repairs_only_text_nodes() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("page.html"), HTML).unwrap();
    let out = despin(d.path(), &["fix", "page.html"], None);
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "{out:?}"
    );
    assert_eq!(text(&out.stdout), HTML_FIXED);
}

#[test]
fn fix_with_output_file_keeps_the_format() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("page.htm"), HTML).unwrap();
    let out = despin(d.path(), &["fix", "page.htm", "-o", "clean.htm"], None);
    assert!(out.stdout.is_empty());
    assert_eq!(
        fs::read_to_string(d.path().join("clean.htm")).unwrap(),
        HTML_FIXED,
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn stdin_is_text_unless_type_says_otherwise() {
    let d = tempfile::tempdir().unwrap();
    let out = despin(d.path(), &["fix", "--type", "html"], Some(HTML.as_bytes()));
    assert_eq!(text(&out.stdout), HTML_FIXED);
    let out = despin(d.path(), &["fix", "-"], Some(b"<b>final yr</b>"));
    assert_eq!(text(&out.stdout), "<b>last year</b>");
    // As text, the tag's name is prose too: `--type` overrides the extension.
    fs::write(d.path().join("page.html"), "<final yr>final yr</final yr>").unwrap();
    let out = despin(d.path(), &["fix", "page.html", "--type", "text"], None);
    assert_eq!(text(&out.stdout), "<last year>last year</last year>");
}

#[test]
fn markdown_code_and_link_targets_are_untouched() {
    let d = tempfile::tempdir().unwrap();
    let md =
        "# Report\n\nTalks stalled final yr, see [the Center East](https://x.org/final yr).\n\n\
```\nfinal yr\n```\n\nInline `final yr` too.\n";
    fs::write(d.path().join("a.md"), md).unwrap();
    let out = despin(d.path(), &["fix", "a.md"], None);
    assert_eq!(
        text(&out.stdout),
        "# Report\n\nTalks stalled last year, see [the Middle East](https://x.org/final yr).\n\n\
```\nfinal yr\n```\n\nInline `final yr` too.\n"
    );
}

#[test]
fn json_lines_keep_every_other_field() {
    let d = tempfile::tempdir().unwrap();
    let jl = "{\"id\":1e2,\"title\":\"final yr\",\"text\":\"It ended final yr.\",\"n\":12345678901234567890}\n";
    fs::write(d.path().join("a.jsonl"), jl).unwrap();
    let out = despin(d.path(), &["fix", "a.jsonl"], None);
    assert_eq!(
        text(&out.stdout),
        "{\"id\":1e2,\"title\":\"final yr\",\"text\":\"It ended last year.\",\"n\":12345678901234567890}\n"
    );
    // --field chooses the fields.
    let out = despin(d.path(), &["fix", "a.jsonl", "--field", "title"], None);
    assert_eq!(
        text(&out.stdout),
        "{\"id\":1e2,\"title\":\"last year\",\"text\":\"It ended final yr.\",\"n\":12345678901234567890}\n"
    );
    // --field is repeatable: every field named is repaired.
    let out = despin(
        d.path(),
        &["fix", "a.jsonl", "--field", "title", "--field", "text"],
        None,
    );
    assert_eq!(
        text(&out.stdout),
        "{\"id\":1e2,\"title\":\"last year\",\"text\":\"It ended last year.\",\"n\":12345678901234567890}\n"
    );
}

#[test]
fn scan_of_several_files_reads_each_in_its_format() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("page.html"), HTML).unwrap();
    fs::write(
        d.path().join("a.jsonl"),
        "{\"title\":\"final yr\",\"text\":\"x\"}\n",
    )
    .unwrap();
    let out = despin(
        d.path(),
        &["scan", "page.html", "a.jsonl", "--format", "csv"],
        None,
    );
    let csv = text(&out.stdout);
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    // Only the paragraph's two phrases; nothing from title, style, attributes, script, or
    // the JSON field that is not `text`.
    assert_eq!(rows.len(), 2, "{csv}");
    let at = HTML.find("final yr in").unwrap();
    assert!(
        rows[0].starts_with("page.html,3,") && rows[0].contains(&format!(",{at},")),
        "{}",
        rows[0]
    );
}

#[test]
fn deeply_nested_record_is_reported_and_kept() {
    let d = tempfile::tempdir().unwrap();
    let deep = format!("{{\"x\":{}{}}}\n", "[".repeat(60_000), "]".repeat(60_000));
    let file = format!("{{\"text\":\"final yr\"}}\n{deep}{{\"text\":\"final yr\"}}\n");
    fs::write(d.path().join("a.jsonl"), &file).unwrap();
    let out = despin(d.path(), &["fix", "a.jsonl"], None);
    assert_eq!(
        text(&out.stdout),
        format!("{{\"text\":\"last year\"}}\n{deep}{{\"text\":\"last year\"}}\n")
    );
    let err = text(&out.stderr);
    assert!(
        err.contains("a.jsonl:2:") && err.contains("nested"),
        "{err}"
    );
}

/// Runs with a tiny piece size, so a small file is streamed as a huge one would be.
fn despin_pieces(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut c = common::command();
    c.current_dir(dir)
        .env("DESPIN_PIECE_BYTES", "97")
        .args(args)
        .args(["--no-config", "--no-default-dict", "--dict", DICT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    {
        use std::io::Write;
        let mut i = child.stdin.take().unwrap();
        if let Some(data) = stdin {
            i.write_all(data).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

fn big_text() -> String {
    let para = "\u{FEFF}Officials mentioned that talks in the Center East stalled final yr,\r\n\
when the nationwide safety adviser asked for a direct ceasefire. Prime diplomats \
said an settlement was agreed in precept — café.\r\n\r\n";
    let mut t = para.repeat(40);
    t.push_str(&"a direct ceasefire final yr ".repeat(30));
    t
}

#[test]
fn streamed_files_give_what_stdin_gives_whole() {
    let d = tempfile::tempdir().unwrap();
    let t = big_text();
    fs::write(d.path().join("big.txt"), &t).unwrap();
    // A file larger than a piece is streamed; stdin is read whole and scanned in the same
    // pieces, so both must agree byte for byte.
    let whole = despin_pieces(d.path(), &["fix", "-"], Some(t.as_bytes()));
    let streamed = despin_pieces(d.path(), &["fix", "big.txt", "-o", "fixed.txt"], None);
    assert!(streamed.stderr.is_empty(), "{}", text(&streamed.stderr));
    assert_ne!(whole.stdout, t.as_bytes());
    assert_eq!(fs::read(d.path().join("fixed.txt")).unwrap(), whole.stdout);
    let to_stdout = despin_pieces(d.path(), &["fix", "big.txt"], None);
    assert_eq!(to_stdout.stdout, whole.stdout);
    // `-j` sets how many pieces are scanned side by side; they come out in order all the same.
    for j in ["1", "3"] {
        let o = despin_pieces(d.path(), &["fix", "big.txt", "-j", j], None);
        assert!(o.stderr.is_empty(), "-j {j}: {}", text(&o.stderr));
        assert_eq!(o.stdout, whole.stdout, "-j {j}");
    }
    // Batch runs stream too.
    despin_pieces(d.path(), &["fix", "big.txt", "--out", "out", "-q"], None);
    assert_eq!(
        fs::read(d.path().join("out/big.txt")).unwrap(),
        whole.stdout
    );

    // The same findings at the same places, with the same contexts.
    let strip = |o: Output| -> Vec<String> {
        text(&o.stdout)
            .lines()
            .map(|l| l.split_once(',').unwrap().1.to_string())
            .collect()
    };
    let whole = strip(despin_pieces(
        d.path(),
        &["scan", "-", "--format", "csv"],
        Some(t.as_bytes()),
    ));
    let streamed = strip(despin_pieces(
        d.path(),
        &["scan", "big.txt", "--format", "csv"],
        None,
    ));
    assert!(whole.len() > 300, "{}", whole.len());
    assert_eq!(streamed, whole);
}

#[test]
fn a_bad_byte_at_the_end_of_a_streamed_file_is_found_first() {
    let d = tempfile::tempdir().unwrap();
    let mut t = big_text().into_bytes();
    let lines = 1 + t.iter().filter(|&&b| b == b'\n').count();
    let at = t.len();
    t.extend_from_slice(b" final yr \xff\n");
    fs::write(d.path().join("big.txt"), &t).unwrap();
    let out = despin_pieces(d.path(), &["fix", "big.txt", "-o", "fixed.txt"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!("offset {}", at + 10)) && err.contains(&format!("line {lines}")),
        "{err}"
    );
    assert!(!d.path().join("fixed.txt").exists());
    let out = despin_pieces(d.path(), &["fix", "big.txt"], None);
    assert!(out.stdout.is_empty(), "nothing written before the check");
    // In a batch run it is skipped and copied unchanged.
    let out = despin_pieces(d.path(), &["fix", "big.txt", "--out", "out"], None);
    assert_eq!(fs::read(d.path().join("out/big.txt")).unwrap(), t);
    assert!(
        text(&out.stderr).contains("1 not UTF-8"),
        "{}",
        text(&out.stderr)
    );
}

/// Every extension the README lists picks its format, in any case; anything else is text.
#[test]
fn every_listed_extension_picks_its_format() {
    let d = tempfile::tempdir().unwrap();
    let md = "Talks stalled `final yr` and final yr.\n";
    let md_fixed = "Talks stalled `final yr` and last year.\n";
    let jl = "{\"text\":\"It ended final yr\",\"note\":\"final yr\"}\n";
    let jl_fixed = "{\"text\":\"It ended last year\",\"note\":\"final yr\"}\n";
    let cases: [(&str, &str, &str); 9] = [
        ("a.html", HTML, HTML_FIXED),
        ("a.htm", HTML, HTML_FIXED),
        ("a.xhtml", HTML, HTML_FIXED),
        ("a.XHTML", HTML, HTML_FIXED),
        ("a.md", md, md_fixed),
        ("a.markdown", md, md_fixed),
        ("a.jsonl", jl, jl_fixed),
        ("a.ndjson", jl, jl_fixed),
        ("a.Markdown", md, md_fixed),
    ];
    for (name, input, want) in cases {
        fs::write(d.path().join(name), input).unwrap();
        let out = despin(d.path(), &["fix", name], None);
        assert_eq!(out.status.code(), Some(0), "{name}: {out:?}");
        assert_eq!(text(&out.stdout), want, "{name}");
    }
    // Plain text and unknown extensions: the whole file is text (inline code too).
    for name in ["a.txt", "a.xyz", "noext"] {
        fs::write(d.path().join(name), md).unwrap();
        let out = despin(d.path(), &["fix", name], None);
        assert_eq!(
            text(&out.stdout),
            "Talks stalled `last year` and last year.\n",
            "{name}"
        );
    }
}

/// `fix FILE -o FILE` is allowed: an in-place repair of one file, in its format.
#[test]
fn fix_with_output_onto_its_input_repairs_in_place() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("page.html"), HTML).unwrap();
    let out = despin(d.path(), &["fix", "page.html", "-o", "page.html"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    assert_eq!(
        fs::read_to_string(d.path().join("page.html")).unwrap(),
        HTML_FIXED
    );
}

/// Replacements are escaped for the format they land in: HTML-escaped in text nodes,
/// JSON-escaped in JSON Lines strings (the line stays valid JSON).
#[test]
fn replacements_are_escaped_for_their_format() {
    let d = tempfile::tempdir().unwrap();
    fs::write(
        d.path().join("esc.csv"),
        "spun,original,prior\nstudies and growth,\"R&D \"\"lab\"\" <x>\",0.97\n",
    )
    .unwrap();
    let run = |name: &str, input: &str| {
        fs::write(d.path().join(name), input).unwrap();
        let out = common::command()
            .current_dir(d.path())
            .args(["fix", name, "--no-default-dict", "--dict", "esc.csv"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}: {out:?}");
        text(&out.stdout)
    };
    assert_eq!(
        run(
            "a.html",
            "<p>The studies and growth team &amp; friends.</p>\n"
        ),
        "<p>The R&amp;D \"lab\" &lt;x&gt; team &amp; friends.</p>\n"
    );
    let line = run("a.jsonl", "{\"text\":\"The studies and growth team\"}\n");
    assert_eq!(line, "{\"text\":\"The R&D \\\"lab\\\" <x> team\"}\n");
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["text"], "The R&D \"lab\" <x> team");
    assert_eq!(
        run("a.txt", "The studies and growth team.\n"),
        "The R&D \"lab\" <x> team.\n"
    );
}

/// A UTF-8 byte order mark before the first JSON Lines record is kept, and that record is
/// still repaired (`fix` on a file, as `filter` does on stdin).
#[test]
fn json_lines_byte_order_mark_is_kept_by_fix() {
    let d = tempfile::tempdir().unwrap();
    let input = "\u{FEFF}{\"text\":\"It ended final yr\"}\r\n{\"text\":\"final yr\"}\r\n";
    fs::write(d.path().join("a.jsonl"), input).unwrap();
    let out = despin(d.path(), &["fix", "a.jsonl"], None);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        text(&out.stdout),
        "\u{FEFF}{\"text\":\"It ended last year\"}\r\n{\"text\":\"last year\"}\r\n"
    );
}

/// Every element the README lists as protected keeps its content byte for byte (code
/// samples, form contents, titles); comments and attributes too. Only the paragraph changes.
#[test]
fn every_protected_html_element_is_left_alone() {
    let d = tempfile::tempdir().unwrap();
    let mut page = String::from("<!-- final yr --><p title=\"final yr\">final yr</p>\n");
    for tag in [
        "script", "style", "code", "pre", "textarea", "title", "kbd", "samp", "var",
    ] {
        page.push_str(&format!("<{tag}>In the Center East final yr</{tag}>\n"));
        page.push_str(&format!("<{tag} class=x><b>final yr</b></{tag}>\n"));
    }
    fs::write(d.path().join("a.html"), &page).unwrap();
    let out = despin(d.path(), &["fix", "a.html"], None);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let want = page.replacen(
        "<p title=\"final yr\">final yr</p>",
        "<p title=\"final yr\">last year</p>",
        1,
    );
    assert_ne!(want, page);
    assert_eq!(text(&out.stdout), want);
}
