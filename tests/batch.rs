//! Batch mode end to end: real temporary trees, the real binary, a small dictionary of our own.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const DICT: &str = "spun,original,prior\n\
final yr,last year,0.97\n\
Center East,Middle East,0.95\n\
counterfeit consciousness,artificial intelligence,0.96\n\
bloody sports,=HYPERLINK(\"x\"),0.9\n";

struct Tree {
    dir: tempfile::TempDir,
}

impl Tree {
    fn new() -> Tree {
        let t = Tree {
            dir: tempfile::tempdir().unwrap(),
        };
        t.write("dict.csv", DICT.as_bytes());
        t
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, data: &[u8]) {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, data).unwrap();
    }

    fn read(&self, rel: &str) -> Vec<u8> {
        fs::read(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    fn text(&self, rel: &str) -> String {
        String::from_utf8(self.read(rel)).unwrap()
    }

    fn despin(&self, args: &[&str]) -> Output {
        common::command()
            .current_dir(self.dir.path())
            .args(args)
            .args(["--dict", "dict.csv", "--no-default-dict", "--quiet"])
            .output()
            .unwrap()
    }
}

const SPUN: &str = "Talks in the Center East stalled final yr.\r\n";
const FIXED: &str = "Talks in the Middle East stalled last year.\r\n";

fn sample_tree(t: &Tree) {
    t.write("in/a.txt", SPUN.as_bytes());
    t.write("in/sub/deeper/b.txt", b"Nothing spun here.\n");
    t.write("in/sub/c.txt", b"counterfeit consciousness is coming\n");
    t.write("in/img.bin", b"PNG\0\x01\x02final yr");
    t.write("in/latin1.txt", b"caf\xe9 final yr\n");
}

#[test]
fn mirrors_the_tree_and_copies_non_text_unchanged() {
    let t = Tree::new();
    sample_tree(&t);
    let o = t.despin(&["fix", "in", "--out", "out"]);
    common::assert_exit(&o, 0);
    assert_eq!(
        common::files_under(&t.path("in")),
        common::files_under(&t.path("out"))
    );
    assert_eq!(t.text("out/a.txt"), FIXED);
    assert_eq!(
        t.text("out/sub/c.txt"),
        "artificial intelligence is coming\n"
    );
    assert_eq!(
        t.read("out/sub/deeper/b.txt"),
        t.read("in/sub/deeper/b.txt")
    );
    assert_eq!(t.read("out/img.bin"), t.read("in/img.bin"));
    assert_eq!(t.read("out/latin1.txt"), t.read("in/latin1.txt"));
    // Inputs untouched.
    assert_eq!(t.text("in/a.txt"), SPUN);
}

/// Several inputs with `--out` each get a subdirectory named after them (a file lands under
/// its own name); one directory's contents go to the top of OUTDIR.
#[test]
fn several_inputs_each_get_a_subdirectory_named_after_them() {
    let t = Tree::new();
    sample_tree(&t);
    t.write("other/c.txt", SPUN.as_bytes());
    t.write("one.txt", SPUN.as_bytes());
    let o = t.despin(&["fix", "in/sub", "other", "one.txt", "--out", "out"]);
    common::assert_exit(&o, 0);
    assert_eq!(
        common::files_under(&t.path("out")),
        ["one.txt", "other/c.txt", "sub/c.txt", "sub/deeper/b.txt"].map(PathBuf::from)
    );
    assert_eq!(t.text("out/other/c.txt"), FIXED);
    assert_eq!(t.text("out/one.txt"), FIXED);
    let o = t.despin(&["fix", "in/sub", "--out", "out1"]);
    common::assert_exit(&o, 0);
    assert_eq!(
        common::files_under(&t.path("out1")),
        ["c.txt", "deeper/b.txt"].map(PathBuf::from)
    );
}

#[test]
fn summary_counts_skips_by_reason() {
    let t = Tree::new();
    sample_tree(&t);
    let o = common::command()
        .current_dir(t.dir.path())
        .args(["scan", "in", "--dict", "dict.csv", "--no-default-dict"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("5 files seen"), "{err}");
    assert!(err.contains("2 skipped (1 binary, 1 not UTF-8)"), "{err}");
    assert!(err.contains("3 findings"), "{err}");
}

#[test]
fn refuses_out_dir_inside_input_unless_excluded() {
    let t = Tree::new();
    sample_tree(&t);
    let o = t.despin(&["fix", "in", "--out", "in/clean"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("inside the input"));
    let o = t.despin(&["fix", "in", "--out", "in"]);
    assert_eq!(o.status.code(), Some(2));
    let o = t.despin(&["fix", "in", "--out", "in/clean", "--exclude", "clean"]);
    common::assert_exit(&o, 0);
    assert_eq!(t.text("in/clean/a.txt"), FIXED);
    // A second run does not read its own output.
    let o = t.despin(&["fix", "in", "--out", "in/clean", "--exclude", "clean"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!t.path("in/clean/clean").exists());
}

#[test]
fn in_place_with_backup() {
    let t = Tree::new();
    sample_tree(&t);
    let o = t.despin(&["fix", "in", "--in-place", "--backup", ".orig"]);
    common::assert_exit(&o, 0);
    assert_eq!(t.text("in/a.txt"), FIXED);
    assert_eq!(t.text("in/a.txt.orig"), SPUN);
    // Unchanged files get no backup.
    assert!(!t.path("in/sub/deeper/b.txt.orig").exists());
    // A second run changes nothing, and leaves the backups (the originals) alone.
    let o = t.despin(&["fix", "in", "--in-place", "--backup", ".orig"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(t.text("in/a.txt.orig"), SPUN);
    assert!(!t.path("in/a.txt.orig.orig").exists());
}

/// `--backup`: an existing backup is replaced by the original of this run (as `sed -i`
/// does), and only changed files get one.
#[test]
fn in_place_backup_replaces_an_existing_backup() {
    let t = Tree::new();
    t.write("in/a.txt", SPUN.as_bytes());
    t.write("in/a.txt.orig", b"a backup from long ago\n");
    let o = t.despin(&["fix", "in", "--in-place", "--backup", ".orig"]);
    common::assert_exit(&o, 0);
    assert_eq!(t.text("in/a.txt"), FIXED);
    assert_eq!(t.text("in/a.txt.orig"), SPUN);
}

/// `--files-from` with `--out`: relative paths are mirrored as written with `..` dropped,
/// absolute ones by file name.
#[test]
fn files_from_mirrors_relative_paths_without_dotdot_and_absolute_by_name() {
    let t = Tree::new();
    sample_tree(&t);
    fs::create_dir_all(t.path("work")).unwrap();
    let abs = t.path("in/sub/c.txt");
    t.write(
        "work/list.txt",
        format!("../in/a.txt\n{}\n", abs.display()).as_bytes(),
    );
    let o = common::command()
        .current_dir(t.path("work"))
        .args(["fix", "--files-from", "list.txt", "--out", "out", "--quiet"])
        .args(["--dict", "../dict.csv", "--no-default-dict"])
        .output()
        .unwrap();
    common::assert_exit(&o, 0);
    assert_eq!(
        common::files_under(&t.path("work/out")),
        [PathBuf::from("c.txt"), PathBuf::from("in/a.txt")]
    );
    assert_eq!(t.text("work/out/in/a.txt"), FIXED);
    assert_eq!(
        t.text("work/out/c.txt"),
        "artificial intelligence is coming\n"
    );
}

/// `fix --in-place` rewrites only changed files: an unchanged one keeps its inode.
#[cfg(unix)]
#[test]
fn in_place_leaves_unchanged_files_alone() {
    use std::os::unix::fs::MetadataExt;
    let t = Tree::new();
    sample_tree(&t);
    let ino = |p: &str| fs::metadata(t.path(p)).unwrap().ino();
    let (a, b) = (ino("in/a.txt"), ino("in/sub/deeper/b.txt"));
    let o = t.despin(&["fix", "in", "--in-place"]);
    common::assert_exit(&o, 0);
    assert_eq!(t.text("in/a.txt"), FIXED);
    assert_ne!(ino("in/a.txt"), a);
    assert_eq!(
        ino("in/sub/deeper/b.txt"),
        b,
        "an unchanged file is not rewritten"
    );
}

#[test]
fn fixing_twice_equals_fixing_once() {
    let t = Tree::new();
    sample_tree(&t);
    t.write("in/p.html", b"<p>final yr</p>");
    t.write("in/q.jsonl", b"{\"text\":\"final yr\"}\n");
    assert_eq!(
        t.despin(&["fix", "in", "--out", "once", "--exit-code"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        t.despin(&["fix", "once", "--out", "twice", "--exit-code"])
            .status
            .code(),
        Some(0)
    );
    for f in common::files_under(&t.path("once")) {
        let f = f.to_str().unwrap();
        assert_eq!(
            t.read(&format!("once/{f}")),
            t.read(&format!("twice/{f}")),
            "{f}"
        );
    }
}

#[test]
fn html_markup_is_byte_identical() {
    let t = Tree::new();
    let html = "<!DOCTYPE html>\n<html><head><title>final yr</title>\
        <style>.final-yr{x:1}</style><script>let s = \"final yr\";</script></head>\n\
        <body class=final-yr><p data-x='final yr'>In the  Center East &amp; final yr&nbsp;!</p>\n\
        <pre>final yr</pre><code>final yr</code><!-- final yr -->\n\
        <p>caf&eacute; <b>final</b> yr</P></body></html>\n";
    t.write("in/page.html", html.as_bytes());
    let o = t.despin(&["fix", "in", "--out", "out"]);
    assert_eq!(o.status.code(), Some(0));
    let want = html.replacen(
        "In the  Center East &amp; final yr",
        "In the  Middle East &amp; last year",
        1,
    );
    assert_eq!(t.text("out/page.html"), want);
    // Positions are reported in file coordinates.
    let o = t.despin(&["scan", "in", "--format", "json"]);
    let out = String::from_utf8(o.stdout).unwrap();
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    for r in &rows {
        let (s, e) = (
            r["byte_start"].as_u64().unwrap(),
            r["byte_end"].as_u64().unwrap(),
        );
        assert_eq!(&html[s as usize..e as usize], r["spun"].as_str().unwrap());
        assert_eq!(r["line"], 3);
    }
}

#[test]
fn markdown_code_and_links_untouched() {
    let t = Tree::new();
    let md = "# final yr\n\nSee `final yr` and [final yr](https://x.org/final yr) or \
        https://final.yr/final_yr here.\n\n```\nfinal yr\n```\n\n    final yr\n\nfinal\nyr ends.\n";
    t.write("in/a.md", md.as_bytes());
    t.despin(&["fix", "in", "--out", "out"]);
    let want = "# last year\n\nSee `final yr` and [last year](https://x.org/final yr) or \
        https://final.yr/final_yr here.\n\n```\nfinal yr\n```\n\n    final yr\n\nlast\nyear ends.\n";
    assert_eq!(t.text("out/a.md"), want);
}

#[test]
fn jsonl_fields_and_malformed_lines() {
    let t = Tree::new();
    let jl = "{\"id\": 1, \"text\": \"final yr \\u00e9 \\\"Center East\\\"\", \"title\": \"final yr\"}\n\
        {not json final yr}\n\
        \n\
        {\"title\":\"final yr\",\"text\":3,\"extra\":[1,{\"text\":\"final yr\"}]}\r\n\
        {\"text\":\"final yr\"}";
    t.write("in/a.jsonl", jl.as_bytes());
    let o = t.despin(&["fix", "in", "--out", "out"]);
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("a.jsonl:2: malformed JSON"), "{err}");
    // Only top-level `text` strings change, and only the repaired words' bytes.
    let want = "{\"id\": 1, \"text\": \"last year \\u00e9 \\\"Middle East\\\"\", \"title\": \"final yr\"}\n\
        {not json final yr}\n\
        \n\
        {\"title\":\"final yr\",\"text\":3,\"extra\":[1,{\"text\":\"final yr\"}]}\r\n\
        {\"text\":\"last year\"}";
    assert_eq!(t.text("out/a.jsonl"), want);
    // --field picks other fields.
    let o = t.despin(&["fix", "in", "--out", "out2", "--field", "title"]);
    assert_eq!(o.status.code(), Some(0));
    let out = t.text("out2/a.jsonl");
    assert!(out.starts_with("{\"id\": 1, \"text\": \"final yr \\u00e9"));
    assert!(out.contains("\"title\": \"last year\"}"));
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_reported_and_the_run_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let t = Tree::new();
    sample_tree(&t);
    t.write("in/secret.txt", b"final yr");
    fs::set_permissions(t.path("in/secret.txt"), fs::Permissions::from_mode(0o000)).unwrap();
    t.write("in/locked/x.txt", b"final yr");
    fs::set_permissions(t.path("in/locked"), fs::Permissions::from_mode(0o000)).unwrap();
    let o = if common::is_root() {
        // Root reads any file: run despin as `nobody` so that mode 000 blocks it (CI is root).
        if Command::new("setpriv").arg("--version").output().is_err() {
            common::skip(
                "unreadable_file_is_reported_and_the_run_goes_on",
                "running as root and setpriv (util-linux) is missing to drop privileges",
            );
            return;
        }
        fs::set_permissions(t.dir.path(), fs::Permissions::from_mode(0o777)).unwrap();
        for d in ["in", "in/sub", "in/sub/deeper"] {
            fs::set_permissions(t.path(d), fs::Permissions::from_mode(0o755)).unwrap();
        }
        let o = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_despin"))
            .args([
                "fix",
                "in",
                "--out",
                "out",
                "--report",
                "r.csv",
                "--dict",
                "dict.csv",
                "--no-default-dict",
            ])
            .current_dir(t.dir.path())
            .env(common::NO_CONFIG_ENV, "1")
            .output()
            .unwrap();
        assert!(
            fs::read(t.path("in/secret.txt")).is_ok(),
            "the test itself runs as root"
        );
        o
    } else {
        t.despin(&["fix", "in", "--out", "out", "--report", "r.csv"])
    };
    fs::set_permissions(t.path("in/locked"), fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("secret.txt"));
    assert_eq!(t.text("out/a.txt"), FIXED);
    // Both failures are named in the report by their paths (a directory that could not be
    // read had an empty path cell).
    let report = t.text("r.csv");
    let failed: Vec<&str> = report.lines().filter(|l| l.contains(",failed,")).collect();
    assert_eq!(failed.len(), 2, "{report}");
    assert!(failed[0].starts_with("in/locked,"), "{report}");
    assert!(failed[1].starts_with("in/secret.txt,"), "{report}");
}

#[test]
fn report_is_deterministic_across_thread_counts() {
    let t = Tree::new();
    for i in 0..300 {
        let body = format!("Doc {i}: the Center East, final yr.\n").repeat(1 + i % 7);
        t.write(&format!("in/d{}/f{i:03}.txt", i % 13), body.as_bytes());
    }
    t.despin(&[
        "fix",
        "in",
        "--out",
        "o1",
        "--threads",
        "1",
        "--report",
        "r1.csv",
    ]);
    t.despin(&[
        "fix",
        "in",
        "--out",
        "o4",
        "--threads",
        "4",
        "--report",
        "r4.csv",
    ]);
    let r1 = t.read("r1.csv");
    assert_eq!(r1, t.read("r4.csv"));
    let s1 = t
        .despin(&["scan", "in", "-j", "1", "--format", "csv"])
        .stdout;
    let s4 = t
        .despin(&["scan", "in", "-j", "4", "--format", "csv"])
        .stdout;
    assert_eq!(s1, s4);
    // Sorted by path, then offset.
    let mut rdr = csv::Reader::from_reader(&r1[..]);
    let keys: Vec<(String, u64)> = rdr
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[3].parse().unwrap())
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_by(|a, b| Path::new(&a.0).cmp(Path::new(&b.0)).then(a.1.cmp(&b.1)));
    assert_eq!(keys, sorted);
    assert!(String::from_utf8_lossy(&r1).starts_with(
        "path,line,column,byte_start,byte_end,spun,suggestion,alternatives,confidence,\
         dictionary,context,decision,status,doc_score"
    ));
}

#[test]
fn report_neutralises_formulas_and_marks_status() {
    let t = Tree::new();
    t.write("in/-evil.txt", b"=cmd| bloody sports final yr\n");
    let o = t.despin(&[
        "fix",
        "in",
        "--out",
        "out",
        "--report",
        "r.csv",
        "--min-confidence",
        "0.95",
    ]);
    common::assert_exit(&o, 0);
    let r = t.text("r.csv");
    // Exactly the README's columns.
    assert_eq!(
        r.lines().next().unwrap(),
        "path,line,column,byte_start,byte_end,spun,suggestion,alternatives,confidence,\
         dictionary,context,decision,status,doc_score,reason"
    );
    let mut rdr = csv::Reader::from_reader(r.as_bytes());
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 2);
    // The formula suggestion and the context starting with `=` get one apostrophe.
    assert_eq!(&rows[0][6], "'=HYPERLINK(\"x\")");
    assert!(rows[0][10].starts_with("'=cmd|"));
    assert_eq!(&rows[0][12], "suggested");
    assert_eq!(&rows[1][12], "applied");
    assert!(rows[0][0].ends_with("-evil.txt"));
    assert_eq!(despin::report::restore(&rows[0][6]), "=HYPERLINK(\"x\")");
    // JSON report for any other extension.
    t.despin(&["scan", "in", "--report", "r.json"]);
    let first = t.text("r.json");
    let v: serde_json::Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    assert_eq!(v["suggestion"], "=HYPERLINK(\"x\")");
    assert_eq!(v["status"], "suggested");
    assert!(v["doc_score"].is_number());
}

/// A FIFO or device in a `--files-from` list is skipped as "not a regular file", as the walker
/// leaves them out: reading one hung the run (a FIFO without writer) or filled memory
/// (`/dev/zero`).
#[cfg(unix)]
#[test]
fn files_from_skips_fifos_and_devices() {
    let t = Tree::new();
    t.write("a.txt", SPUN.as_bytes());
    let made = Command::new("mkfifo").arg(t.path("pipe")).status();
    if !made.is_ok_and(|s| s.success()) {
        common::skip("files_from_skips_fifos_and_devices", "mkfifo is missing");
        return;
    }
    t.write("list.txt", b"a.txt\npipe\n/dev/zero\n");
    let mut child = common::command()
        .current_dir(t.dir.path())
        .args([
            "fix",
            "--files-from",
            "list.txt",
            "--out",
            "out",
            "--report",
            "r.csv",
        ])
        .args(["--dict", "dict.csv", "--no-default-dict", "--quiet"])
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("despin hung on a FIFO or device in --files-from");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
    assert_eq!(t.text("out/a.txt"), FIXED);
    let report = t.text("r.csv");
    for name in ["pipe", "/dev/zero"] {
        let row = format!("{name},0,0,0,0,,,,0.000,,,,skipped,,not a regular file");
        assert!(report.contains(&row), "{report}");
    }
}

#[test]
fn files_from_and_globs() {
    let t = Tree::new();
    sample_tree(&t);
    t.write("list.txt", b"in/sub/c.txt\nin/a.txt\n");
    let o = t.despin(&["scan", "--files-from", "list.txt", "--format", "csv"]);
    let out = String::from_utf8(o.stdout).unwrap();
    let paths: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(paths, ["in/a.txt", "in/a.txt", "in/sub/c.txt"]);
    let o = t.despin(&[
        "scan",
        "in",
        "-g",
        "*.txt",
        "--exclude",
        "sub",
        "--format",
        "csv",
    ]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("in/a.txt") && !out.contains("c.txt"), "{out}");
}

/// `--files-from -` reads the list from stdin (the README's `find ... | despin scan
/// --files-from - --type html`), and `--type` then applies to every listed file.
#[test]
fn files_from_stdin_with_a_type_for_every_file() {
    let t = Tree::new();
    t.write("in/a.txt", b"<p title=\"final yr\">final yr</p>\n");
    t.write("in/b.txt", b"<b>Center East</b>\n");
    t.write("in/skip.txt", b"final yr\n");
    let o = common::command()
        .current_dir(t.dir.path())
        .args([
            "scan",
            "--files-from",
            "-",
            "--type",
            "html",
            "--format",
            "csv",
        ])
        .args(["--dict", "dict.csv", "--no-default-dict", "--quiet"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(b"in/a.txt\nin/b.txt\n")?;
            c.wait_with_output()
        })
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8(o.stdout).unwrap();
    let rows: Vec<(&str, &str)> = out
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[0], c[5])
        })
        .collect();
    // As HTML, the attribute is not scanned: one finding per file, none in skip.txt.
    assert_eq!(
        rows,
        [("in/a.txt", "final yr"), ("in/b.txt", "Center East")]
    );
}

#[test]
fn hidden_and_gitignored_files_like_ripgrep() {
    let t = Tree::new();
    t.write("in/.hidden/h.txt", b"final yr");
    t.write("in/.git/HEAD", b"ref: x");
    t.write("in/.gitignore", b"ignored.txt\n");
    t.write("in/ignored.txt", b"final yr");
    t.write("in/seen.txt", b"final yr");
    let scan = |extra: &[&str]| {
        let mut args = vec!["scan", "in", "--format", "csv"];
        args.extend_from_slice(extra);
        String::from_utf8(t.despin(&args).stdout).unwrap()
    };
    let out = scan(&[]);
    assert!(out.contains("seen.txt") && !out.contains("h.txt") && !out.contains("ignored"));
    let out = scan(&["--hidden", "--no-ignore"]);
    assert!(
        out.contains("h.txt") && out.contains("ignored.txt"),
        "{out}"
    );
}

/// `scan` and `review` follow symbolic links only with `-L`, as `fix` does.
#[cfg(unix)]
#[test]
fn scan_and_review_follow_links_only_with_follow() {
    let t = Tree::new();
    t.write("real/a.txt", SPUN.as_bytes());
    t.write("in/b.txt", b"Nothing spun here.\n");
    std::os::unix::fs::symlink("../real", t.path("in/linked")).unwrap();
    let cases: [(&[&str], i32); 4] = [
        (&["scan", "in"], 0),
        (&["scan", "in", "-L"], 1),
        (&["review", "in", "-o", "p.html"], 0),
        (&["review", "in", "-o", "p.html", "--follow"], 1),
    ];
    for (args, code) in cases {
        let o = t.despin(args);
        assert_eq!(
            o.status.code(),
            Some(code),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let o = t.despin(&["scan", "in", "-L"]);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("in/linked/a.txt:1:"));
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_harmless() {
    let t = Tree::new();
    t.write("in/a/x.txt", b"final yr");
    std::os::unix::fs::symlink("..", t.path("in/a/up")).unwrap();
    let o = t.despin(&["fix", "in", "--out", "out", "-L"]);
    assert_ne!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(t.text("out/a/x.txt"), "last year");
    // The loop is named once, as a loop (it was also listed as "ignored or excluded").
    let o = t.despin(&["fix", "in", "--out", "out2", "-L", "--report", "r.csv"]);
    common::assert_exit(&o, 0);
    let report = t.text("r.csv");
    let rows: Vec<&str> = report.lines().filter(|l| l.contains("a/up")).collect();
    assert_eq!(rows.len(), 1, "{report}");
    assert!(rows[0].ends_with(",skipped,,symlink loop"), "{report}");
}

/// `--in-place` writes through a symbolic link: the link stays a link and the file it names
/// is repaired (it used to be replaced by a regular file, leaving its target spun), for a link
/// given by name, one reached with `-L`, and `apply --in-place`.
#[cfg(unix)]
#[test]
fn in_place_repairs_through_symlinks_and_keeps_them() {
    let t = Tree::new();
    let is_link = |rel: &str| {
        fs::symlink_metadata(t.path(rel))
            .unwrap()
            .file_type()
            .is_symlink()
    };
    t.write("real/a.txt", SPUN.as_bytes());
    std::os::unix::fs::symlink("real/a.txt", t.path("l.txt")).unwrap();
    let o = t.despin(&["fix", "l.txt", "--in-place", "--backup", ".orig"]);
    common::assert_exit(&o, 0);
    assert!(is_link("l.txt"), "the link was replaced by a file");
    assert_eq!(t.text("real/a.txt"), FIXED);
    assert_eq!(t.text("l.txt.orig"), SPUN);

    t.write("in/b.txt", SPUN.as_bytes());
    std::os::unix::fs::symlink("b.txt", t.path("in/link.txt")).unwrap();
    let o = t.despin(&["fix", "in", "--in-place", "-L", "-j", "2"]);
    common::assert_exit(&o, 0);
    assert!(is_link("in/link.txt"), "the link was replaced by a file");
    assert_eq!(t.text("in/b.txt"), FIXED);

    t.write("real/a.txt", SPUN.as_bytes());
    let report = t.despin(&["scan", "l.txt", "--format", "csv"]).stdout;
    t.write("r.csv", &report);
    let o = common::command()
        .current_dir(t.dir.path())
        .args(["apply", "r.csv", "--in-place", "--accept-empty"])
        .output()
        .unwrap();
    common::assert_exit(&o, 0);
    assert!(is_link("l.txt"), "apply replaced the link by a file");
    assert_eq!(t.text("real/a.txt"), FIXED);
}

/// A file with other hard links is rewritten as a new file, as `sed -i` does (the README,
/// `--in-place`): the repair appears under the name given, the other names keep the text
/// as it was, and both stay whole.
#[test]
fn in_place_gives_a_hard_linked_file_a_new_inode() {
    use std::os::unix::fs::MetadataExt;
    let t = Tree::new();
    t.write("in/a.txt", SPUN.as_bytes());
    fs::hard_link(t.path("in/a.txt"), t.path("other.txt")).unwrap();
    let o = t.despin(&["fix", "in", "--in-place"]);
    common::assert_exit(&o, 0);
    assert_eq!(t.text("in/a.txt"), FIXED);
    assert_eq!(t.text("other.txt"), SPUN);
    let ino = |rel: &str| fs::metadata(t.path(rel)).unwrap().ino();
    assert_ne!(ino("in/a.txt"), ino("other.txt"));
}

/// A reader that stops early (`despin scan DIR --report r.csv | head`) ends the listing on
/// stdout, not the run: the report still gets every finding (it was silently not written,
/// exit 0).
#[cfg(unix)]
#[test]
fn a_closed_stdout_does_not_lose_the_report() {
    let t = Tree::new();
    let text = "Talks in the Center East stalled final yr. ".repeat(50);
    for i in 0..200 {
        t.write(&format!("in/f{i:03}.txt"), text.as_bytes());
    }
    for extra in [&[][..], &["--summary"][..]] {
        let mut child = common::command()
            .current_dir(t.dir.path())
            .args(["scan", "in", "--report", "r.csv", "-j", "2", "--quiet"])
            .args(extra)
            .args(["--dict", "dict.csv", "--no-default-dict"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader is gone before the first row
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_ne!(o.status.code(), Some(2), "{err}");
        let report = t.text("r.csv");
        assert_eq!(report.lines().count(), 1 + 200 * 100, "{extra:?}: {err}");
        fs::remove_file(t.path("r.csv")).unwrap();
    }
}

/// Report rows are in path order, the paths a mirror leaves out (hidden, ignored) included:
/// they came when their directory was finished, after the files that sort after them.
#[test]
fn left_out_paths_are_reported_in_path_order() {
    let t = Tree::new();
    t.write("in/.top", b"hidden");
    t.write("in/a/.h", b"hidden");
    t.write("in/a/x.txt", SPUN.as_bytes());
    t.write("in/a/y.log", b"excluded");
    t.write("in/a/z.txt", SPUN.as_bytes());
    t.write("in/b/y.txt", SPUN.as_bytes());
    let o = t.despin(&[
        "fix",
        "in",
        "--out",
        "out",
        "--exclude",
        "*.log",
        "--report",
        "r.csv",
    ]);
    common::assert_exit(&o, 0);
    let report = t.text("r.csv");
    let mut paths: Vec<PathBuf> = report
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().into())
        .collect();
    paths.dedup();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "{report}");
    assert_eq!(paths.len(), 6, "{report}");
}

#[test]
fn single_file_behaviour_is_unchanged() {
    let t = Tree::new();
    t.write("a.txt", SPUN.as_bytes());
    let o = t.despin(&["fix", "a.txt"]);
    assert_eq!(o.stdout, FIXED.as_bytes());
    let o = t.despin(&["fix", "in_missing_dir_or_many", "b"]);
    assert_eq!(o.status.code(), Some(2));
}

/// kill -9 in the middle of a run leaves every output file absent or complete, and a rerun
/// finishes the job.
#[cfg(unix)]
#[test]
fn killed_run_leaves_no_partial_file() {
    let t = Tree::new();
    let big = "Some words of the Center East, final yr. ".repeat(10_000);
    for i in 0..40 {
        t.write(&format!("in/f{i:02}.txt"), big.as_bytes());
    }
    let mut child = common::command()
        .current_dir(t.dir.path())
        .args(["fix", "in", "--out", "out", "-j", "2", "--quiet"])
        .args(["--dict", "dict.csv", "--no-default-dict"])
        .spawn()
        .unwrap();
    // Kill once the first output file exists (or the run ended), whatever the machine speed.
    for _ in 0..2000 {
        let started = t.path("out").exists();
        if started || child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    std::thread::sleep(std::time::Duration::from_millis(50));
    let _ = child.kill(); // SIGKILL
    child.wait().unwrap();
    let want = big
        .replace("Center East", "Middle East")
        .replace("final yr", "last year");
    if t.path("out").exists() {
        for f in common::files_under(&t.path("out")) {
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            if name.starts_with(".despin-tmp-") {
                continue; // a temporary file, never at an output path
            }
            assert_eq!(
                t.text(&format!("out/{}", f.display())),
                want,
                "{name} is partial"
            );
        }
    }
    let o = t.despin(&["fix", "in", "--out", "out"]);
    assert_eq!(o.status.code(), Some(0));
    let files = common::files_under(&t.path("out"));
    assert_eq!(files.len(), 40, "{files:?}");
    for f in files {
        assert_eq!(t.text(&format!("out/{}", f.display())), want);
    }
}

/// Ctrl-C (SIGINT) or SIGTERM in the middle of writing removes the temporary files of the
/// outputs being written, leaves every output absent or complete, and exits 130: a single
/// file's `-o` (never cleaned by a later run) as well as a batch run's mirror and report.
#[cfg(unix)]
#[test]
fn interrupted_run_removes_its_temporary_files() {
    let t = Tree::new();
    // Plain text over 8 MiB is streamed: its output is written for a while.
    let big = "Some words of the Center East, final yr.\n".repeat(600_000);
    t.write("in/big.txt", big.as_bytes());
    for i in 0..20 {
        t.write(&format!("in/f{i:02}.txt"), SPUN.as_bytes());
    }
    let temps = |dir: &str| -> Vec<PathBuf> {
        common::files_under(&t.path(dir))
            .into_iter()
            .filter(|f| f.to_string_lossy().contains(".despin-tmp-"))
            .collect()
    };
    let runs: [(&[&str], &str, &str); 2] = [
        (&["fix", "in/big.txt", "-o", "o/big.txt"], "o", "o/big.txt"),
        (
            &[
                "fix",
                "in",
                "--out",
                "m",
                "--report",
                "m-report/r.csv",
                "-j",
                "1",
            ],
            "m",
            "m-report/r.csv",
        ),
    ];
    for (signal, (args, dir, output)) in ["-INT", "-TERM"].into_iter().zip(runs) {
        fs::create_dir_all(t.path(dir)).unwrap();
        let mut child = common::command()
            .current_dir(t.dir.path())
            .args(args)
            .args(["--dict", "dict.csv", "--no-default-dict", "--quiet"])
            .spawn()
            .unwrap();
        // Signal once a temporary file is being written.
        let mut seen = false;
        for _ in 0..4000 {
            seen = !temps(dir).is_empty();
            if seen || child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert!(
            seen,
            "{args:?}: the run ended before it could be interrupted"
        );
        Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(130), "{args:?}");
        assert_eq!(temps(dir), Vec::<PathBuf>::new(), "{args:?}");
        assert!(
            !t.path(output).exists(),
            "{args:?}: {output} written after the signal"
        );
        for f in common::files_under(&t.path(dir)) {
            let name = f.to_string_lossy();
            let want = if name.ends_with("big.txt") {
                big.replace("Center East", "Middle East")
                    .replace("final yr", "last year")
            } else {
                FIXED.to_string()
            };
            assert_eq!(t.text(&format!("{dir}/{name}")), want, "{name} is partial");
        }
    }
}

/// A file that cannot be written (its output directory is blocked by a file) fails alone: the
/// error names it, the others are written, and the run exits 2. Works as root too.
#[test]
fn write_failure_is_per_file() {
    let t = Tree::new();
    sample_tree(&t);
    t.write("out/sub", b"a file where a directory should be");
    let o = t.despin(&["fix", "in", "--out", "out"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("sub"), "{err}");
    assert_eq!(t.text("out/a.txt"), FIXED);
    assert_eq!(t.read("out/img.bin"), t.read("in/img.bin"));
}

#[test]
fn files_over_max_filesize_are_skipped_and_copied_unchanged() {
    let t = Tree::new();
    let big = SPUN.repeat(200);
    t.write("in/big.txt", big.as_bytes());
    t.write("in/small.txt", SPUN.as_bytes());
    let o = common::command()
        .current_dir(t.dir.path())
        .args(["fix", "in", "--out", "out", "--max-filesize", "4K"])
        .args(["--dict", "dict.csv", "--no-default-dict"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("1 skipped (1 too large)"), "{err}");
    assert_eq!(
        t.read("out/big.txt"),
        big.as_bytes(),
        "copied byte for byte"
    );
    assert_ne!(t.text("out/small.txt"), SPUN, "small file repaired");
    let o = t.despin(&["scan", "in", "--max-filesize", "nonsense"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn jsonl_records_are_separate_documents_for_evidence() {
    let t = Tree::new();
    t.write(
        "swaps.csv",
        b"spun,original,prior,kind,tags\ninternational locations,countries,0.97,fingerprint,spinner:a\n\
          Jap Time,Eastern Time,0.95,fingerprint,spinner:a\nmentioned,said,0.9,swap,spinner:a\n",
    );
    // "officials mentioned." at a sentence's end: the context model clearly prefers "said".
    let jsonl =
        "{\"text\":\"Two international locations met at 9 Jap Time, officials mentioned.\"}\n\
                 {\"text\":\"The talks went well, officials mentioned.\"}\n";
    t.write("in/a.jsonl", jsonl.as_bytes());
    let o = t.despin(&["fix", "in", "--out", "out", "--dict", "swaps.csv"]);
    common::assert_exit(&o, 0);
    // The swap fires in the spun record only: evidence belongs to each article.
    assert_eq!(
        t.text("out/a.jsonl"),
        "{\"text\":\"Two countries met at 9 Eastern Time, officials said.\"}\n\
         {\"text\":\"The talks went well, officials mentioned.\"}\n"
    );
}

#[test]
fn a_deeply_nested_record_does_not_stop_the_batch() {
    let t = Tree::new();
    let deep = format!("{{\"x\":{}{}}}\n", "[".repeat(60_000), "]".repeat(60_000));
    t.write(
        "in/a.jsonl",
        format!("{{\"text\":\"final yr\"}}\n{deep}").as_bytes(),
    );
    t.write("in/b.txt", SPUN.as_bytes());
    let out = t.despin(&["fix", "in", "--out", "out", "--report", "r.csv"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("a.jsonl:2: unsupported JSON"), "{err}");
    assert_eq!(
        t.text("out/a.jsonl"),
        format!("{{\"text\":\"last year\"}}\n{deep}")
    );
    assert_eq!(t.text("out/b.txt"), FIXED);
    let report = t.text("r.csv");
    assert_eq!(report.lines().count(), 1 + 3, "{report}");
}

/// `--max-filesize` counts in bytes with K, M and G as powers of 1024 (either case), a file
/// of exactly SIZE is scanned, and the default is 1G (checked with a sparse file, which
/// takes no disk space: too large files are never read).
#[test]
fn max_filesize_suffixes_are_powers_of_1024_and_the_default_is_1g() {
    let t = Tree::new();
    let sized = |rel: &str, len: u64| {
        let mut data = SPUN.as_bytes().to_vec();
        data.resize(len as usize, b'x');
        t.write(rel, &data);
    };
    sized("in/k.txt", 4096);
    sized("in/k1.txt", 4097);
    sized("in/m.txt", 1 << 20);
    sized("in/m1.txt", (1 << 20) + 1);
    let too_large = |size: Option<&str>| {
        let mut args = vec!["scan", "in", "--report", "r.csv"];
        if let Some(s) = size {
            args.extend(["--max-filesize", s]);
        }
        let o = t.despin(&args);
        common::assert_exit(&o, 1);
        let report = t.read("r.csv");
        let mut r = csv::Reader::from_reader(report.as_slice());
        let reason = r.headers().unwrap().iter().position(|h| h == "reason");
        let reason = reason.unwrap();
        let mut names: Vec<String> = r
            .records()
            .map(|r| r.unwrap())
            .filter(|r| r.get(reason) == Some("too large"))
            .map(|r| r[0].trim_start_matches("in/").to_string())
            .collect();
        names.sort();
        names
    };
    assert_eq!(too_large(Some("4096")), ["k1.txt", "m.txt", "m1.txt"]);
    assert_eq!(too_large(Some("4K")), ["k1.txt", "m.txt", "m1.txt"]);
    assert_eq!(too_large(Some("4k")), ["k1.txt", "m.txt", "m1.txt"]);
    assert_eq!(too_large(Some("1M")), ["m1.txt"]);
    assert_eq!(too_large(Some("1G")), Vec::<String>::new());
    // The default: one byte over 1 GiB is too large, 2G lets it through to the (binary) check.
    let huge = fs::File::create(t.path("in/huge.txt")).unwrap();
    huge.set_len((1 << 30) + 1).unwrap();
    drop(huge);
    assert_eq!(too_large(None), ["huge.txt"]);
    assert_eq!(too_large(Some("2G")), Vec::<String>::new());
}
