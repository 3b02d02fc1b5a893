//! The review loop end to end: scan -> reviewer decisions -> apply / learn, and the
//! dictionary tools. Every test uses its own small dictionary, never the embedded ones.

mod common;

use std::path::PathBuf;

use assert_cmd::Command;

const DICT: &str = "spun,original,prior,kind,context,requires,tags,note
final yr,last year,0.97,fingerprint,,,test,
Center East,Middle East,0.95,fingerprint,,,test,
direct,immediate,0.3,fingerprint,,,test,low prior: fix leaves it by default
counterfeit consciousness,artificial intelligence,0.95,fingerprint,,,test,
beneath manner,under way,0.9,fingerprint,,,test,
";

const TEXT_A: &str = "Talks in the Center East stalled final yr.\r\n\
We want a direct ceasefire beneath manner.\r\n\r\n\
Counterfeit consciousness is here.\r\n";

const TEXT_B: &str = "\u{FEFF}Final yr was  hard.\tThe Center East waits.\n";

/// A temporary working directory with the test dictionary and two spun files.
struct Work {
    dir: tempfile::TempDir,
    /// Let despin find the despin.toml of the work directory (tests of the configuration).
    discover_config: bool,
}

impl Work {
    fn new() -> Work {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("dict.csv"), DICT).unwrap();
        std::fs::create_dir(dir.path().join("docs")).unwrap();
        std::fs::write(dir.path().join("docs/a.txt"), TEXT_A).unwrap();
        std::fs::write(dir.path().join("b.txt"), TEXT_B).unwrap();
        Work {
            dir,
            discover_config: false,
        }
    }

    /// A work directory whose despin.toml despin reads.
    fn with_config() -> Work {
        Work {
            discover_config: true,
            ..Work::new()
        }
    }

    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    fn read(&self, p: &str) -> String {
        std::fs::read_to_string(self.path(p)).unwrap()
    }

    fn write(&self, p: &str, s: &str) {
        std::fs::write(self.path(p), s).unwrap();
    }

    /// `despin ARGS` run in the work directory, ignoring any despin.toml around it unless
    /// the work directory is [`Work::with_config`].
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = common::despin();
        c.current_dir(self.dir.path()).args(args);
        if self.discover_config {
            common::with_config(&mut c);
        }
        c
    }

    /// Run and return (exit code, stdout, stderr).
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.cmd(args).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// `despin scan` of both files with the test dictionary, as CSV.
    fn scan_report(&self) -> String {
        let (code, out, err) = self.run(&[
            "scan",
            "docs/a.txt",
            "b.txt",
            "--format",
            "csv",
            "--no-default-dict",
            "--dict",
            "dict.csv",
        ]);
        assert_eq!(code, 1, "{err}");
        out
    }
}

/// A report as header + rows of cells, edited programmatically as a reviewer would.
struct Report {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Report {
    fn parse(csv_text: &str) -> Report {
        let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
        let header = rdr.headers().unwrap().iter().map(String::from).collect();
        let rows = rdr
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        Report { header, rows }
    }

    fn col(&self, name: &str) -> usize {
        self.header.iter().position(|h| h == name).unwrap()
    }

    /// The row whose `spun` cell is `spun` (and whose path contains `path`).
    fn row(&mut self, path: &str, spun: &str) -> &mut Vec<String> {
        let (p, s) = (self.col("path"), self.col("spun"));
        self.rows
            .iter_mut()
            .find(|r| r[p].contains(path) && r[s] == spun)
            .unwrap_or_else(|| panic!("no row {path} {spun}"))
    }

    fn set(&mut self, path: &str, spun: &str, column: &str, value: &str) {
        let c = self.col(column);
        self.row(path, spun)[c] = value.to_string();
    }

    fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&self.header).unwrap();
        for r in &self.rows {
            w.write_record(r).unwrap();
        }
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }
}

/// The reviewer's decisions used by several tests: accept some, reject one, edit one
/// suggestion, leave one undecided, and reorder the rows.
fn reviewed(work: &Work) -> Report {
    let mut r = Report::parse(&work.scan_report());
    assert_eq!(r.rows.len(), 7, "{}", r.to_csv());
    r.set("a.txt", "Center East", "decision", "accept");
    r.set("a.txt", "final yr", "decision", "reject");
    r.set("a.txt", "direct", "decision", "Accept");
    r.set(
        "a.txt",
        "Counterfeit consciousness",
        "suggestion",
        "Machine learning",
    );
    r.set("a.txt", "Counterfeit consciousness", "decision", "accept");
    r.set("b.txt", "Final yr", "decision", "accept");
    r.set("b.txt", "Center East", "decision", "reject");
    // "beneath manner" stays undecided.
    r.rows.reverse();
    r
}

const EXPECTED_A: &str = "Talks in the Middle East stalled final yr.\r\n\
We want an immediate ceasefire beneath manner.\r\n\r\n\
Machine learning is here.\r\n";
const EXPECTED_B: &str = "\u{FEFF}Last year was  hard.\tThe Center East waits.\n";

#[test]
fn apply_in_place_gives_exact_files_and_reapply_is_a_no_op() {
    let work = Work::new();
    work.write("review.csv", &reviewed(&work).to_csv());
    let (code, _, err) = work.run(&["apply", "review.csv", "--in-place", "--exit-code"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(work.read("docs/a.txt"), EXPECTED_A);
    assert_eq!(work.read("b.txt"), EXPECTED_B);

    let (code, _, err) = work.run(&["apply", "review.csv", "--in-place", "--exit-code"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("4 already applied"), "{err}");
    assert_eq!(work.read("docs/a.txt"), EXPECTED_A);
    assert_eq!(work.read("b.txt"), EXPECTED_B);
}

/// `apply --in-place` rewrites only the files that change: a file whose rows are all
/// rejected keeps its inode (it was not replaced).
#[cfg(unix)]
#[test]
fn apply_in_place_leaves_unchanged_files_alone() {
    use std::os::unix::fs::MetadataExt;
    let work = Work::new();
    let mut r = reviewed(&work);
    r.set("b.txt", "Final yr", "decision", "reject");
    work.write("review.csv", &r.to_csv());
    let ino = |p: &str| std::fs::metadata(work.path(p)).unwrap().ino();
    let (a, b) = (ino("docs/a.txt"), ino("b.txt"));
    let (code, _, err) = work.run(&["apply", "review.csv", "--in-place"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(work.read("docs/a.txt"), EXPECTED_A);
    assert_ne!(ino("docs/a.txt"), a, "a changed file is replaced whole");
    assert_eq!(work.read("b.txt"), TEXT_B);
    assert_eq!(ino("b.txt"), b, "an unchanged file is not rewritten");
}

#[test]
fn apply_out_mirrors_paths_and_leaves_inputs() {
    let work = Work::new();
    work.write("review.csv", &reviewed(&work).to_csv());
    let (code, _, err) = work.run(&["apply", "review.csv", "--out", "clean"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(work.read("clean/docs/a.txt"), EXPECTED_A);
    assert_eq!(work.read("clean/b.txt"), EXPECTED_B);
    assert_eq!(work.read("docs/a.txt"), TEXT_A);
    assert_eq!(work.read("b.txt"), TEXT_B);
}

/// `--out` naming the directory the report's files are in would write each repaired "copy"
/// over its original: refused before anything is written.
#[test]
fn apply_out_onto_the_reports_own_files_is_refused() {
    let work = Work::new();
    work.write("review.csv", &reviewed(&work).to_csv());
    let (code, _, err) = work.run(&["apply", "review.csv", "--out", "."]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("b.txt") && err.contains("nothing was written"),
        "{err}"
    );
    assert_eq!(work.read("docs/a.txt"), TEXT_A);
    assert_eq!(work.read("b.txt"), TEXT_B);
}

#[test]
fn dry_run_prints_a_diff_and_writes_nothing() {
    let work = Work::new();
    work.write("review.csv", &reviewed(&work).to_csv());
    let (code, out, err) = work.run(&["apply", "review.csv", "--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("--- a/docs/a.txt"), "{out}");
    assert!(
        out.contains("+Talks in the Middle East stalled final yr."),
        "{out}"
    );
    assert!(
        out.contains("-Talks in the Center East stalled final yr."),
        "{out}"
    );
    assert_eq!(work.read("docs/a.txt"), TEXT_A);
    assert_eq!(work.read("b.txt"), TEXT_B);
}

#[test]
fn apply_needs_a_target() {
    let work = Work::new();
    work.write("review.csv", &reviewed(&work).to_csv());
    let (code, _, err) = work.run(&["apply", "review.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("--in-place"), "{err}");
}

/// Every spelling of a decision the README lists, in any case: `accepted`, `yes`, `y`
/// accept; `rejected`, `no`, `n` reject.
#[test]
fn decision_synonyms_in_any_case() {
    let work = Work::new();
    let mut r = Report::parse(&work.scan_report());
    r.set("a.txt", "Center East", "decision", "ACCEPTED");
    r.set("a.txt", "final yr", "decision", "N");
    r.set("a.txt", "direct", "decision", "Yes");
    r.set("a.txt", "Counterfeit consciousness", "decision", "y");
    r.set("a.txt", "beneath manner", "decision", "Rejected");
    r.set("b.txt", "Final yr", "decision", "NO");
    r.set("b.txt", "Center East", "decision", "accepted");
    work.write("review.csv", &r.to_csv());
    let (code, _, err) = work.run(&["apply", "review.csv", "--in-place"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        work.read("docs/a.txt"),
        "Talks in the Middle East stalled final yr.\r\n\
         We want an immediate ceasefire beneath manner.\r\n\r\n\
         Artificial intelligence is here.\r\n"
    );
    assert_eq!(
        work.read("b.txt"),
        "\u{FEFF}Final yr was  hard.\tThe Middle East waits.\n"
    );
}

/// Relative paths in a report are relative to the current directory; `--base DIR` makes
/// them relative to DIR, for `apply` and for `review --from-report`.
#[test]
fn base_dir_resolves_the_reports_relative_paths() {
    let work = Work::new();
    let para = "Zebra crossings stay closed all week, the council said in a long statement.\n";
    work.write(
        "docs/a.txt",
        &format!("{TEXT_A}\n{}Quokkas were seen.\n", para.repeat(4)),
    );
    let (code, out, err) = work.run(&[
        "scan",
        "docs/a.txt",
        "--format",
        "csv",
        "--no-default-dict",
        "--dict",
        "dict.csv",
    ]);
    assert_eq!(code, 1, "{err}");
    // The report as if scanned from inside docs/.
    let mut r = Report::parse(&out);
    let p = r.col("path");
    for row in &mut r.rows {
        assert_eq!(row[p], "docs/a.txt");
        row[p] = "a.txt".to_string();
    }
    r.set("a.txt", "Center East", "decision", "accept");
    work.write("review.csv", &r.to_csv());

    let (code, _, err) = work.run(&["review", "--from-report", "review.csv", "-o", "p.html"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("a.txt") && err.contains("without the text"),
        "{err}"
    );
    assert!(!work.read("p.html").contains("Quokkas"));
    let (code, _, err) = work.run(&[
        "review",
        "--from-report",
        "review.csv",
        "--base",
        "docs",
        "-o",
        "p.html",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(!err.contains("without the text"), "{err}");
    assert!(work.read("p.html").contains("Quokkas"));

    let (code, _, err) = work.run(&["apply", "review.csv", "--in-place"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("review.csv:2") && err.contains("a.txt"),
        "{err}"
    );
    let (code, _, err) = work.run(&["apply", "review.csv", "--in-place", "--base", "docs"]);
    assert_eq!(code, 0, "{err}");
    assert!(work
        .read("docs/a.txt")
        .starts_with("Talks in the Middle East stalled final yr.\r\n"));
}

/// `review` takes its threshold from `[scan] min_confidence` (default 0), as `scan` does.
#[test]
fn review_threshold_comes_from_the_scan_section() {
    let work = Work::with_config();
    work.write(
        "despin.toml",
        "[scan]\nmin_confidence = 0.5\n[dictionaries]\nembedded = []\nextra = [\"dict.csv\"]\n",
    );
    let (code, _, err) = work.run(&["review", "docs/a.txt", "-o", "p.html"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("(4 findings in 1 files"), "{err}");
    let (code, _, err) = work.run(&[
        "review",
        "docs/a.txt",
        "-o",
        "p.html",
        "--min-confidence",
        "0",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("(5 findings in 1 files"), "{err}");
}

/// `apply --out DIR` puts a file named by an absolute path at DIR + that path without its
/// leading `/`, as `tar` does.
#[test]
fn apply_out_strips_the_leading_slash_of_absolute_paths() {
    let work = Work::new();
    let mut r = reviewed(&work);
    let p = r.col("path");
    let root = work.dir.path().canonicalize().unwrap();
    for row in &mut r.rows {
        row[p] = root.join(&row[p]).to_str().unwrap().to_string();
    }
    work.write("review.csv", &r.to_csv());
    let (code, _, err) = work.run(&["apply", "review.csv", "--out", "clean"]);
    assert_eq!(code, 0, "{err}");
    let mirrored = work.path("clean").join(root.strip_prefix("/").unwrap());
    assert_eq!(
        std::fs::read_to_string(mirrored.join("docs/a.txt")).unwrap(),
        EXPECTED_A
    );
    assert_eq!(
        std::fs::read_to_string(mirrored.join("b.txt")).unwrap(),
        EXPECTED_B
    );
    assert_eq!(work.read("docs/a.txt"), TEXT_A);
}

#[test]
fn accept_empty_matches_fix_at_zero_confidence() {
    let work = Work::new();
    work.write("review.csv", &work.scan_report());
    let (code, _, err) = work.run(&["apply", "review.csv", "--accept-empty", "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    for f in ["docs/a.txt", "b.txt"] {
        let out = work
            .cmd(&[
                "fix",
                f,
                "--min-confidence",
                "0",
                "--no-default-dict",
                "--dict",
                "dict.csv",
            ])
            .output()
            .unwrap();
        assert_eq!(work.read(&format!("out/{f}")).as_bytes(), out.stdout, "{f}");
    }
}

/// `scan` then `apply --accept-empty` gives what `fix --min-confidence 0` gives in every
/// format, also for a suggestion with characters to escape: written into HTML it is
/// HTML-escaped (never markup), into a JSON Lines string JSON-escaped (the line stays valid
/// JSON). Applying again is a no-op.
#[test]
fn accept_empty_matches_fix_when_suggestions_need_escaping() {
    let work = Work::new();
    work.write(
        "esc.csv",
        "spun,original,prior\nstudies and growth,\"R&D \"\"x\"\" <y>\",0.97\n",
    );
    let files = [
        ("a.html", "<p>Our studies and growth team &amp; co.</p>\n"),
        ("a.jsonl", "{\"text\":\"Our studies and growth team.\"}\n"),
        ("a.md", "Our studies and growth team.\n"),
        ("a.txt", "Our studies and growth team.\n"),
    ];
    let dict = ["--no-default-dict", "--dict", "esc.csv"];
    let mut scan = vec!["scan", "--format", "csv"];
    for (f, text) in files {
        work.write(f, text);
        scan.push(f);
    }
    scan.extend(dict);
    let (code, report, err) = work.run(&scan);
    assert_eq!(code, 1, "{err}");
    work.write("r.csv", &report);
    let (code, _, err) = work.run(&["apply", "r.csv", "--accept-empty", "--out", "applied"]);
    assert_eq!(code, 0, "{err}");
    for (f, _) in files {
        let mut fix = vec!["fix", f, "--min-confidence", "0"];
        fix.extend(dict);
        let (code, fixed, err) = work.run(&fix);
        assert_eq!(code, 0, "{err}");
        assert_eq!(work.read(&format!("applied/{f}")), fixed, "{f}");
    }
    assert_eq!(
        work.read("applied/a.html"),
        "<p>Our R&amp;D \"x\" &lt;y&gt; team &amp; co.</p>\n"
    );
    let v: serde_json::Value = serde_json::from_str(&work.read("applied/a.jsonl")).unwrap();
    assert_eq!(v["text"], "Our R&D \"x\" <y> team.");
    let (code, _, err) = work.run(&["apply", "r.csv", "--accept-empty", "--in-place"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = work.run(&["apply", "r.csv", "--accept-empty", "--in-place"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("4 already applied"), "{err}");
    assert_eq!(work.read("a.html"), work.read("applied/a.html"));
}

#[test]
fn moved_text_is_relocated_and_ambiguous_rows_are_refused() {
    let work = Work::new();
    work.write("review.csv", &reviewed(&work).to_csv());
    // The file changed since the scan: text inserted before everything, and a second
    // "Center East" at equal distance from the old offset of the first one.
    let start = TEXT_A.find("Center East").unwrap();
    let moved = format!("PREFACE. {TEXT_A}");
    work.write("docs/a.txt", &moved);
    let (code, _, err) = work.run(&["apply", "review.csv", "--in-place"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(work.read("docs/a.txt"), format!("PREFACE. {EXPECTED_A}"));

    let work = Work::new();
    work.write("review.csv", &reviewed(&work).to_csv());
    // Two candidates 12 bytes either side of the recorded offset (13): ambiguous.
    assert_eq!(start, 13);
    let ambiguous = format!("(Center East xxxxxxxxxxx Center East{}", &TEXT_A[24..]);
    work.write("docs/a.txt", &ambiguous);
    let (code, _, err) = work.run(&["apply", "review.csv", "--in-place"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("refused") && err.contains("equally near"),
        "{err}"
    );
    // The other rows were applied.
    let now = work.read("docs/a.txt");
    assert!(now.contains("Machine learning is here."), "{now}");
    assert!(
        now.starts_with("(Center East xxxxxxxxxxx Center East"),
        "{now}"
    );
    assert_eq!(work.read("b.txt"), EXPECTED_B);
}

#[test]
fn a_stale_row_with_no_nearby_match_is_refused() {
    let work = Work::new();
    work.write("review.csv", &reviewed(&work).to_csv());
    work.write("docs/a.txt", &TEXT_A.replace("Center East", "Near East  "));
    let (code, _, err) = work.run(&["apply", "review.csv", "--in-place"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("review.csv:") && err.contains("does not occur"),
        "{err}"
    );
}

/// A JSON Lines report (`scan --format json`, a `--report` not ending in `.csv`) given to
/// `apply` is named as such, with what to use instead, not "lacks the columns".
#[test]
fn a_json_report_is_named_as_such() {
    let work = Work::new();
    let (code, json, err) = work.run(&[
        "scan",
        "b.txt",
        "--format",
        "json",
        "--no-default-dict",
        "--dict",
        "dict.csv",
    ]);
    assert_eq!(code, 1, "{err}");
    work.write("r.json", &json);
    let (code, _, err) = work.run(&["apply", "r.json", "--in-place"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("r.json:1") && err.contains("JSON Lines"),
        "{err}"
    );
    assert!(err.contains("--format csv"), "{err}");
    assert_eq!(work.read("b.txt"), TEXT_B);
}

#[test]
fn bad_reports_are_refused_whole_naming_the_line() {
    let work = Work::new();
    let good = reviewed(&work);

    // An unknown decision.
    let mut r = Report::parse(&good.to_csv());
    r.set("b.txt", "Center East", "decision", "maybe");
    let line = 2 + r
        .rows
        .iter()
        .position(|row| row.contains(&"maybe".to_string()))
        .unwrap();
    work.write("review.csv", &r.to_csv());
    let (code, _, err) = work.run(&["apply", "review.csv", "--in-place"]);
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!("review.csv:{line}: unknown decision")),
        "{err}"
    );

    // Overlapping accepted rows (a duplicated row).
    let mut r = Report::parse(&good.to_csv());
    let dup = r.row("a.txt", "Center East").clone();
    r.rows.push(dup);
    work.write("review.csv", &r.to_csv());
    let (code, _, err) = work.run(&["apply", "review.csv", "--in-place"]);
    assert_eq!(code, 2);
    assert!(err.contains("overlaps the accepted row on line"), "{err}");

    // A missing file.
    let mut r = Report::parse(&good.to_csv());
    r.set("b.txt", "Final yr", "path", "gone.txt");
    work.write("review.csv", &r.to_csv());
    let (code, _, err) = work.run(&["apply", "review.csv", "--in-place"]);
    assert_eq!(code, 2);
    assert!(err.contains("gone.txt"), "{err}");

    // A missing column.
    let mut r = Report::parse(&good.to_csv());
    let c = r.col("byte_end");
    r.header[c] = "end".into();
    work.write("review.csv", &r.to_csv());
    let (code, _, err) = work.run(&["apply", "review.csv", "--in-place"]);
    assert_eq!(code, 2);
    assert!(err.contains("byte_end"), "{err}");

    // Nothing was written by any of these.
    assert_eq!(work.read("docs/a.txt"), TEXT_A);
    assert_eq!(work.read("b.txt"), TEXT_B);
}

#[test]
fn hand_edited_report_with_bom_crlf_extra_columns_and_neutralised_cells() {
    let work = Work::new();
    let mut r = reviewed(&work);
    // An extra column, a formula-like edited suggestion (neutralised as despin writes it).
    r.header.insert(0, "reviewer note".into());
    for row in &mut r.rows {
        row.insert(0, "ok".into());
    }
    r.set("a.txt", "Counterfeit consciousness", "suggestion", "'-AI-");
    let csv_text = format!("\u{FEFF}{}", r.to_csv().replace('\n', "\r\n"));
    work.write("review.csv", &csv_text);
    let (code, _, err) = work.run(&["apply", "review.csv", "--in-place"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        work.read("docs/a.txt"),
        EXPECTED_A.replace("Machine learning", "-AI-")
    );
}

/// LibreOffice opens the report and saves it again as CSV; the result still applies.
#[test]
fn libreoffice_round_trip() {
    let Some(soffice) = find_soffice() else {
        common::skip(
            "libreoffice_round_trip",
            "`soffice` was not found (install the Debian package libreoffice-calc to run it)",
        );
        return;
    };
    let work = Work::new();
    let mut r = reviewed(&work);
    r.set("a.txt", "Counterfeit consciousness", "suggestion", "'=AI");
    work.write("review.csv", &r.to_csv());
    std::fs::create_dir(work.path("lo")).unwrap();
    let profile = work.path("lo-profile");
    let status = std::process::Command::new(soffice)
        .current_dir(work.dir.path())
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--convert-to",
            "csv",
            "--outdir",
            "lo",
            "review.csv",
        ])
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    let saved = work.read("lo/review.csv");
    assert_ne!(
        saved,
        r.to_csv(),
        "LibreOffice should have rewritten the file"
    );
    let (code, _, err) = work.run(&["apply", "lo/review.csv", "--in-place"]);
    assert_eq!(code, 0, "{err}\n{saved}");
    assert_eq!(
        work.read("docs/a.txt"),
        EXPECTED_A.replace("Machine learning", "=AI")
    );
    assert_eq!(work.read("b.txt"), EXPECTED_B);
}

fn find_soffice() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("soffice"))
        .find(|p| p.is_file())
}

/// Findings of `scan` as (spun, suggestion) pairs, from its CSV output.
fn findings(work: &Work, file: &str, dict_args: &[&str]) -> Vec<(String, String)> {
    let mut args = vec!["scan", file, "--format", "csv", "--no-default-dict"];
    args.extend_from_slice(dict_args);
    let (code, out, err) = work.run(&args);
    assert!(code < 2, "{err}");
    let r = Report::parse(&out);
    let (s, g) = (r.col("spun"), r.col("suggestion"));
    r.rows
        .iter()
        .map(|row| (row[s].clone(), row[g].clone()))
        .collect()
}

#[test]
fn learned_decisions_change_the_next_scan() {
    let work = Work::new();
    work.write("review.csv", &reviewed(&work).to_csv());
    let (code, _, err) = work.run(&[
        "dict",
        "learn",
        "--from-report",
        "review.csv",
        "--into",
        "learned.csv",
        "--dict",
        "dict.csv",
    ]);
    assert_eq!(code, 0, "{err}");
    let learned = work.read("learned.csv");
    assert!(
        learned.contains("center east,middle east,0.75,fingerprint"),
        "{learned}"
    );
    assert!(
        learned.contains("counterfeit consciousness,machine learning,"),
        "{learned}"
    );
    assert!(
        learned.contains("center east,,0.75,allow,prev=the next=waits"),
        "{learned}"
    );
    assert!(
        learned.contains("final yr,,0.75,allow,prev=stalled"),
        "{learned}"
    );

    // A new file: the accepted phrase is found (with the learned dictionary alone), the
    // rejected one is no longer flagged in the context it was rejected in, even with the
    // original dictionary layered below.
    work.write(
        "new.txt",
        "Peace in the Center East is near. The Center East waits. It stalled final yr.\n",
    );
    let only_learned = findings(&work, "new.txt", &["--dict", "learned.csv"]);
    assert_eq!(
        only_learned,
        [("Center East".to_string(), "Middle East".to_string())]
    );
    let layered = findings(
        &work,
        "new.txt",
        &["--dict", "dict.csv", "--dict", "learned.csv"],
    );
    assert_eq!(layered, only_learned);

    // Learning the same report again counts the acceptances.
    let (code, _, err) = work.run(&[
        "dict",
        "learn",
        "--from-report",
        "review.csv",
        "--into",
        "learned.csv",
        "--dict",
        "dict.csv",
    ]);
    assert_eq!(code, 0, "{err}");
    let learned = work.read("learned.csv");
    assert!(
        learned.contains("center east,middle east,0.875,fingerprint,,,learned,accepted 2 times"),
        "{learned}"
    );

    // Without the dictionary that produced the findings, an accepted phrase is learned as a
    // swap: it needs spin evidence, so the learned file alone leaves the new file alone.
    let (code, _, err) = work.run(&[
        "dict",
        "learn",
        "--from-report",
        "review.csv",
        "--into",
        "unknown.csv",
        "--no-config",
    ]);
    assert_eq!(code, 0, "{err}");
    let learned = work.read("unknown.csv");
    assert!(
        learned.contains("center east,middle east,0.75,swap,,,learned,accepted 1 time"),
        "{learned}"
    );
    let (code, out, err) = work.run(&[
        "fix",
        "new.txt",
        "--no-default-dict",
        "--dict",
        "unknown.csv",
    ]);
    assert!(code < 2, "{err}");
    assert_eq!(out, work.read("new.txt"));
}

#[test]
fn learned_dictionary_from_config_is_loaded_by_later_runs() {
    let work = Work::with_config();
    work.write("review.csv", &reviewed(&work).to_csv());
    work.write(
        "despin.toml",
        "[dictionaries]\nembedded = []\nextra = [\"dict.csv\"]\nuser = \"learned.csv\"\n",
    );
    let (code, _, err) = work.run(&["dict", "learn", "--from-report", "review.csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(work.path("learned.csv").exists());
    work.write("new.txt", "The Center East waits.\n");
    let (code, out, err) = work.run(&["scan", "new.txt"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn dict_check_names_file_and_line_of_each_problem() {
    let work = Work::new();
    work.write(
        "bad.csv",
        "spun,original,prior,kind\n\
         final yr,last year,0.97,\n\
         bad prior,x,1.5,\n\
         final  yr,past year,0.9,\n\
         last year,previous year,0.9,\n\
         \u{FEFF},nothing,0.9,\n\
         the moment,this instant,0.5,\n\
         howevers,buts,0.5,\n",
    );
    std::fs::create_dir_all(work.path("clean/sub")).unwrap();
    work.write("clean/sub/c.txt", "At the moment, all is well.\n");
    let (code, out, err) = work.run(&["dict", "check", "bad.csv", "--clean", "clean"]);
    assert_eq!(code, 1, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    let expect = [
        ("bad.csv:2: cycle", "\"last year\""),
        ("bad.csv:3: malformed", "prior"),
        ("bad.csv:4: conflict", "bad.csv:2"),
        ("bad.csv:6: malformed", "normalises to nothing"),
        (
            "bad.csv:8: impossible inflection",
            "\"howevers\" is \"however\"",
        ),
        ("bad.csv:7: fires on clean text", "c.txt:1"),
    ];
    assert_eq!(lines.len(), expect.len(), "{out}");
    for (l, (head, detail)) in lines.iter().zip(expect) {
        assert!(l.starts_with(head) && l.contains(detail), "{l:?} vs {head}");
    }
    let (code, out, err) = work.run(&["dict", "check", "dict.csv"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = work.run(&["dict", "check", "missing.csv"]);
    assert_eq!(code, 2, "{err}");
}

/// `dict check --clean DIR` reads hidden and ignored files too: a corpus is not a source
/// tree.
#[test]
fn dict_check_clean_reads_hidden_and_ignored_files() {
    let work = Work::new();
    work.write("plain.csv", "spun,original,prior\nplain,simple,0.9\n");
    std::fs::create_dir_all(work.path("clean/.hidden")).unwrap();
    work.write("clean/.hidden/x.txt", "A plain day.\n");
    work.write("clean/.ignore", "ignored.txt\n");
    work.write("clean/ignored.txt", "Another plain day.\n");
    let (code, out, err) = work.run(&["dict", "check", "plain.csv", "--clean", "clean"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("fired 2 time(s)"), "{out}");
}

#[test]
fn built_dictionary_gives_the_same_findings_as_its_source() {
    let work = Work::new();
    let (code, _, err) = work.run(&["dict", "build", "dict.csv", "-o", "dict.fst"]);
    assert_eq!(code, 0, "{err}");
    let scan = |d: &str| {
        work.run(&[
            "scan",
            "docs/a.txt",
            "b.txt",
            "--format",
            "csv",
            "--no-default-dict",
            "--dict",
            d,
        ])
    };
    let (c1, from_csv, _) = scan("dict.csv");
    let (c2, from_fst, e2) = scan("dict.fst");
    assert_eq!((c1, c2), (1, 1), "{e2}");
    assert_eq!(from_csv, from_fst);
    // A malformed source builds nothing.
    work.write("bad.csv", "spun,original,prior\nx,y,7\n");
    let (code, _, err) = work.run(&["dict", "build", "bad.csv", "-o", "bad.fst"]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.csv:2"), "{err}");
    assert!(!work.path("bad.fst").exists());
}

/// Without `--into` or `dictionaries.user`, `dict learn` and `dict add` both write
/// `despin-user.csv` in the current directory: learn creates it, add appends to it.
#[test]
fn learn_and_add_default_to_despin_user_csv() {
    let work = Work::new();
    work.write("review.csv", &reviewed(&work).to_csv());
    let (code, _, err) = work.run(&[
        "dict",
        "learn",
        "--from-report",
        "review.csv",
        "--dict",
        "dict.csv",
    ]);
    assert_eq!(code, 0, "{err}");
    let learned = work.read("despin-user.csv");
    assert!(
        learned.contains("center east,middle east,0.75,fingerprint,,,learned,"),
        "{learned}"
    );
    let (code, _, err) = work.run(&["dict", "add", "nationwide safety", "national security"]);
    assert_eq!(code, 0, "{err}");
    let after = work.read("despin-user.csv");
    assert!(after.starts_with(&learned), "{after}");
    assert_eq!(
        &after[learned.len()..],
        "nationwide safety,national security,0.9,fingerprint,,,,\n"
    );
    // Learning again merges with what the file holds: the added entry stays.
    let (code, _, err) = work.run(&[
        "dict",
        "learn",
        "--from-report",
        "review.csv",
        "--dict",
        "dict.csv",
    ]);
    assert_eq!(code, 0, "{err}");
    let merged = work.read("despin-user.csv");
    assert!(
        merged.contains("nationwide safety,national security,0.9,fingerprint,,,,\n"),
        "{merged}"
    );
    assert!(
        merged.contains("center east,middle east,0.875,fingerprint,,,learned,accepted 2 times"),
        "{merged}"
    );
}

/// `dict add` writes its row in the file's own column order (and line ending), so an
/// existing dictionary with reordered columns is extended, not corrupted.
#[test]
fn dict_add_follows_the_files_column_order() {
    let work = Work::new();
    work.write(
        "mine.csv",
        "original,kind,spun,prior\r\nlast year,fingerprint,final yr,0.9\r\n",
    );
    let (code, _, err) = work.run(&[
        "dict",
        "add",
        "Center East",
        "Middle East",
        "--into",
        "mine.csv",
        "--kind",
        "swap",
        "--prior",
        "0.8",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        work.read("mine.csv"),
        "original,kind,spun,prior\r\nlast year,fingerprint,final yr,0.9\r\n\
         Middle East,swap,Center East,0.8\r\n"
    );
    let (code, out, err) = work.run(&[
        "scan",
        "b.txt",
        "--no-default-dict",
        "--dict",
        "mine.csv",
        "--assume-spun",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("Center East -> Middle East"), "{out}");
}

/// `dict build --name` defaults to the stem of the single source, else of the output.
#[test]
fn built_dictionary_is_named_after_its_source_or_its_output() {
    let work = Work::new();
    work.write(
        "more.csv",
        "spun,original,prior\nnationwide safety,national security,0.9\n",
    );
    let dictionary_of = |fst: &str| {
        let (code, out, err) = work.run(&[
            "scan",
            "b.txt",
            "--format",
            "json",
            "--no-default-dict",
            "--dict",
            fst,
        ]);
        assert_eq!(code, 1, "{err}");
        let v: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
        let d = v["dictionary"].as_str().unwrap().to_string();
        d.split(':').next().unwrap().to_string()
    };
    let (code, _, err) = work.run(&["dict", "build", "dict.csv", "-o", "single.fst"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(dictionary_of("single.fst"), "dict");
    let (code, _, err) = work.run(&["dict", "build", "dict.csv", "more.csv", "-o", "both.fst"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(dictionary_of("both.fst"), "both");
    let (code, _, err) = work.run(&[
        "dict",
        "build",
        "dict.csv",
        "-o",
        "named.fst",
        "--name",
        "team",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(dictionary_of("named.fst"), "team");
}

#[test]
fn dict_add_lookup_and_stats() {
    let work = Work::new();
    let (code, _, err) = work.run(&[
        "dict",
        "add",
        "beneath manner",
        "under way",
        "--into",
        "mine.csv",
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = work.run(&[
        "dict",
        "add",
        "Center East",
        "Middle East",
        "--into",
        "mine.csv",
        "--tags",
        "news",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        work.read("mine.csv"),
        "spun,original,prior,kind,context,requires,tags,note\n\
         beneath manner,under way,0.9,fingerprint,,,,\n\
         Center East,Middle East,0.9,fingerprint,,,news,\n"
    );
    let (code, _, err) = work.run(&[
        "dict", "add", "x", "y", "--prior", "3", "--into", "mine.csv",
    ]);
    assert_eq!(code, 2, "{err}");

    let (code, out, err) = work.run(&[
        "dict",
        "lookup",
        "center  EAST",
        "--no-default-dict",
        "--dict",
        "dict.csv",
        "--dict",
        "mine.csv",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("key: \"center east\""), "{out}");
    assert!(out.contains("mine (mine.csv:3): fingerprint"), "{out}");
    assert!(out.contains("dict (dict.csv:3): fingerprint"), "{out}");

    let (code, out, err) = work.run(&["dict", "stats", "mine.csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("2 entries") && out.contains("news 1"), "{out}");
}

/// `dict stats` without files counts the dictionaries `scan` would use: the configured
/// embedded ones and layers, then `--dict`.
#[test]
fn dict_stats_defaults_to_the_dictionaries_scan_would_use() {
    let work = Work::with_config();
    work.write(
        "despin.toml",
        "[dictionaries]\nembedded = [\"science\"]\nextra = [\"dict.csv\"]\n",
    );
    work.write("mine.csv", "spun,original,prior\nx y,z,0.9\n");
    let (code, out, err) = work.run(&["dict", "stats", "--dict", "mine.csv"]);
    assert_eq!(code, 0, "{err}");
    let names: Vec<&str> = out
        .lines()
        .filter(|l| !l.starts_with(' '))
        .map(|l| l.split(" (").next().unwrap())
        .collect();
    assert_eq!(names, ["science", "dict", "mine"], "{out}");
}

/// `--dicts` chooses embedded dictionaries, layered in the order given (lowest first), and
/// beats `dictionaries.embedded`; an unknown name is an error naming it.
#[test]
fn dicts_option_layers_in_the_order_given_and_beats_the_config() {
    let work = Work::with_config();
    work.write("despin.toml", "[dictionaries]\nembedded = [\"science\"]\n");
    let layers = |args: &[&str]| {
        let mut a = vec!["dict", "stats"];
        a.extend_from_slice(args);
        let (code, out, err) = work.run(&a);
        assert_eq!(code, 0, "{err}");
        out.lines()
            .filter(|l| !l.starts_with(' '))
            .map(|l| l.split(" (").next().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(layers(&[]), ["science"]);
    assert_eq!(layers(&["--dicts", "news"]), ["news"]);
    assert_eq!(layers(&["--dicts", "science,news"]), ["science", "news"]);
    assert_eq!(layers(&["--dicts", "news,science"]), ["news", "science"]);
    // --no-default-dict drops the configured embedded ones too.
    assert_eq!(
        layers(&["--no-default-dict", "--dict", "dict.csv"]),
        ["dict"]
    );
    let (code, _, err) = work.run(&["scan", "b.txt", "--dicts", "bogus"]);
    assert_eq!(code, 2);
    assert!(err.contains("bogus"), "{err}");
}

#[test]
fn config_threshold_and_dictionaries_with_command_line_precedence() {
    let work = Work::with_config();
    work.write(
        "despin.toml",
        "min_confidence = 0.96\n[dictionaries]\nembedded = []\nextra = [\"dict.csv\"]\n",
    );
    // Only "final yr" (0.97) passes the configured threshold.
    let (code, out, err) = work.run(&["fix", "b.txt"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "\u{FEFF}Last year was  hard.\tThe Center East waits.\n"
    );
    let (_, out, _) = work.run(&["fix", "b.txt", "--min-confidence", "0.5"]);
    assert_eq!(
        out,
        "\u{FEFF}Last year was  hard.\tThe Middle East waits.\n"
    );
    let (_, out, _) = work.run(&["fix", "b.txt", "--no-config", "--no-default-dict"]);
    assert_eq!(out, TEXT_B);
    let (code, out, err) = work.run(&["config", "--show", "--min-confidence", "0.4"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("min_confidence = 0.4    # command line"),
        "{out}"
    );
    assert!(out.contains("dict.csv\"    # "), "{out}");
    assert!(
        out.contains("scan.min_confidence = 0.0    # default"),
        "{out}"
    );
    work.write("despin.toml", "min_confidence = 7\n");
    let (code, _, err) = work.run(&["fix", "b.txt"]);
    assert_eq!(code, 2);
    assert!(err.contains("despin.toml"), "{err}");
}

/// `[scan] min_confidence` is the default threshold of `scan` reports (not of `fix`), and
/// `--min-confidence` beats it.
#[test]
fn scan_threshold_comes_from_the_scan_section() {
    let work = Work::with_config();
    work.write(
        "despin.toml",
        "[scan]\nmin_confidence = 0.5\n[dictionaries]\nembedded = []\nextra = [\"dict.csv\"]\n",
    );
    let spuns = |args: &[&str]| {
        let mut a = vec!["scan", "docs/a.txt", "--format", "csv"];
        a.extend_from_slice(args);
        let (code, out, err) = work.run(&a);
        assert_eq!(code, 1, "{err}");
        let r = Report::parse(&out);
        let s = r.col("spun");
        r.rows.iter().map(|row| row[s].clone()).collect::<Vec<_>>()
    };
    // "direct" (prior 0.3) is below the configured scan threshold.
    assert!(!spuns(&[]).contains(&"direct".to_string()));
    assert_eq!(spuns(&[]).len(), 4);
    assert!(spuns(&["--min-confidence", "0"]).contains(&"direct".to_string()));
    // fix keeps its own default (0.5): [scan] does not lower or raise it.
    work.write(
        "despin.toml",
        "[scan]\nmin_confidence = 0.0\n[dictionaries]\nembedded = []\nextra = [\"dict.csv\"]\n",
    );
    let (code, out, err) = work.run(&["fix", "docs/a.txt"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("a direct ceasefire"), "{out}");
}

/// Dictionary layers, lowest first: embedded, `extra`, `allow`, `user`, then `--dict`; a
/// higher layer wins on the same span.
#[test]
fn config_layers_stack_extra_allow_user_then_command_line() {
    let work = Work::with_config();
    work.write(
        "allow.csv",
        "spun,original,prior,kind\ncenter east,,0.9,allow\n",
    );
    work.write(
        "user.csv",
        "spun,original,prior,kind\nCenter East,Central East,0.95,fingerprint\n",
    );
    work.write(
        "cli.csv",
        "spun,original,prior,kind\nCenter East,Mid East,0.95,fingerprint\n",
    );
    let base = "[dictionaries]\nembedded = []\nextra = [\"dict.csv\"]\nallow = [\"allow.csv\"]\n";
    let center = |args: &[&str]| {
        let mut a = vec!["scan", "b.txt"];
        a.extend_from_slice(args);
        let (code, out, err) = work.run(&a);
        assert!(code < 2, "{err}");
        out.lines().find(|l| l.contains("Center East")).map(|l| {
            l.split(" -> ")
                .nth(1)
                .unwrap()
                .split(" [")
                .next()
                .unwrap()
                .to_string()
        })
    };
    // The allow list sits above `extra`: "Center East" is no longer flagged.
    work.write("despin.toml", base);
    assert_eq!(center(&[]), None);
    // The user dictionary sits above the allow list.
    work.write("despin.toml", &format!("{base}user = \"user.csv\"\n"));
    assert_eq!(center(&[]).as_deref(), Some("Central East"));
    // --dict sits above everything from the config.
    assert_eq!(center(&["--dict", "cli.csv"]).as_deref(), Some("Mid East"));
}

/// Arbitrary reports applied to arbitrary text: bytes outside the accepted spans never
/// change, and each accepted span is exactly its row's suggestion.
mod apply_property {
    use despin::apply::{plan, ApplyOptions, Outcome};
    use despin::repair::keep_spacing;
    use despin::review::read_reviewed;
    use proptest::prelude::*;

    const WORDS: [&str; 12] = [
        "final", "yr", "a", "an", "An", "é", "xü", " ", "  ", "\n", ".", "final yr",
    ];
    const SPUNS: [&str; 6] = ["final yr", "yr", "é", "a", "", "x"];
    const SUGGESTIONS: [&str; 5] = ["last year", "year", "an owl", "Ü", "q r"];
    const WINDOW: usize = 8;

    /// How a row's `byte_start` is chosen.
    #[derive(Clone, Debug)]
    enum Offset {
        /// The k-th occurrence of `spun` in the text (the honest case).
        Occurrence(usize),
        /// That occurrence moved by d bytes (stale or garbage).
        Near(usize, i64),
        /// Anything up to a little past the end of the text.
        Any(usize),
        /// Huge numbers that overflow naive arithmetic.
        Huge(u64),
    }

    fn offset() -> impl Strategy<Value = Offset> {
        prop_oneof![
            4 => (0..4usize).prop_map(Offset::Occurrence),
            2 => (0..4usize, -12i64..12).prop_map(|(k, d)| Offset::Near(k, d)),
            2 => (0..200usize).prop_map(Offset::Any),
            1 => prop_oneof![
                Just(u64::MAX),
                Just(i64::MAX as u64),
                Just(i64::MAX as u64 + 1),
                any::<u64>()
            ]
            .prop_map(Offset::Huge),
        ]
    }

    fn start_of(text: &str, spun: &str, o: &Offset) -> u64 {
        let nth = |k: usize| -> i64 {
            let found: Vec<usize> = if spun.is_empty() {
                vec![]
            } else {
                text.match_indices(spun).map(|(i, _)| i).collect()
            };
            if found.is_empty() {
                (k * 7) as i64
            } else {
                found[k % found.len()] as i64
            }
        };
        match *o {
            Offset::Occurrence(k) => nth(k) as u64,
            Offset::Near(k, d) => (nth(k) + d).max(0) as u64,
            Offset::Any(n) => n as u64,
            Offset::Huge(n) => n,
        }
    }

    fn row() -> impl Strategy<Value = (usize, Offset, Option<u64>, usize, usize)> {
        (
            0..SPUNS.len(),
            offset(),
            // `byte_end`: usually start + len(spun), sometimes anything.
            prop_oneof![4 => Just(None), 1 => any::<u64>().prop_map(Some)],
            0..SUGGESTIONS.len(),
            0..3usize,
        )
    }

    /// After `a`/`an` correction, the gap before a replaced span may differ from the
    /// original only in that article: the length of `gap` as it reads in `after`.
    fn gap_in_after(gap: &str, after: &str) -> Option<usize> {
        if after.starts_with(gap) {
            return Some(gap.len());
        }
        let trimmed = gap.trim_end_matches([' ', '\t', '\u{a0}']);
        let spaces = &gap[trimmed.len()..];
        let head = trimmed.trim_end_matches(|c: char| c.is_alphanumeric());
        let article = &trimmed[head.len()..];
        if !["a", "an"].contains(&article.to_lowercase().as_str()) {
            return None;
        }
        ["a", "an", "A", "An", "AN"]
            .into_iter()
            .filter(|a| a.to_lowercase() != article.to_lowercase())
            .map(|a| format!("{head}{a}{spaces}"))
            .find(|g| after.starts_with(g.as_str()))
            .map(|g| g.len())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn only_accepted_spans_change(
            words in proptest::collection::vec(proptest::sample::select(WORDS.to_vec()), 0..40),
            rows in proptest::collection::vec(row(), 0..6),
        ) {
            let text: String = words.concat();
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("a.txt"), &text).unwrap();
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(["path", "byte_start", "byte_end", "spun", "suggestion", "decision"])
                .unwrap();
            for (s, off, end, g, d) in &rows {
                let spun = SPUNS[*s];
                let start = start_of(&text, spun, off);
                let end = end.unwrap_or(start.wrapping_add(spun.len() as u64));
                let (start, end) = (start.to_string(), end.to_string());
                let decision = ["accept", "reject", ""][*d];
                w.write_record(["a.txt", &start, &end, spun, SUGGESTIONS[*g], decision])
                    .unwrap();
            }
            let csv = w.into_inner().unwrap();
            let report = dir.path().join("r.csv");
            // Offsets a usize cannot hold are refused by the reader, naming the line.
            let reviewed = match read_reviewed(&report, &csv) {
                Ok(r) => r,
                Err(e) => {
                    let m = e.to_string();
                    prop_assert!(m.contains("r.csv:") && m.contains("byte"), "{m}");
                    return Ok(());
                }
            };
            let options = ApplyOptions { accept_empty: false, window: WINDOW };
            let planned = match plan(&report, &reviewed, dir.path(), &options) {
                Ok(p) => p,
                Err(e) => {
                    // Refused whole (overlaps, empty cells): every problem names its line.
                    let m = e.to_string();
                    prop_assert!(m.lines().all(|l| l.contains("r.csv:")), "{m}");
                    return Ok(());
                }
            };
            if reviewed.is_empty() {
                prop_assert!(planned.files.is_empty());
                return Ok(());
            }
            prop_assert_eq!(planned.files.len(), 1);
            let f = &planned.files[0];
            prop_assert_eq!(&f.before, &text);
            let by_line = |line: u64| reviewed.iter().find(|r| r.line == line).unwrap();
            let mut spans = Vec::new();
            let shifted = f.rows.iter().any(|r| r.outcome == Outcome::AlreadyApplied);
            for o in &f.rows {
                let r = by_line(o.line);
                let accepted = r.decision == despin::review::Decision::Accept;
                match (&o.outcome, &o.span) {
                    (Outcome::Applied | Outcome::Relocated { .. }, Some(span)) => {
                        prop_assert!(accepted);
                        // The replaced bytes held exactly `spun`.
                        prop_assert_eq!(&text[span.clone()], r.spun.as_str());
                        if !shifted {
                            prop_assert!(span.start.abs_diff(r.byte_start) <= WINDOW);
                        }
                        spans.push((span.clone(), keep_spacing(&r.spun, &r.suggestion)));
                    }
                    (Outcome::Applied | Outcome::Relocated { .. }, None) => {
                        prop_assert!(false, "applied row without a span")
                    }
                    (Outcome::Left, _) => prop_assert!(!accepted),
                    (_, span) => prop_assert!(accepted && span.is_none()),
                }
            }
            spans.sort_by_key(|s| s.0.start);
            let (mut b, mut a) = (0, 0);
            for (span, replacement) in &spans {
                prop_assert!(span.start >= b, "overlapping spans {spans:?}");
                let gap = &text[b..span.start];
                let g = gap_in_after(gap, &f.after[a..]);
                prop_assert!(g.is_some(), "{gap:?} changed: {:?} -> {:?}", text, f.after);
                a += g.unwrap_or_default();
                prop_assert!(
                    f.after[a..].starts_with(replacement.as_str()),
                    "{:?} -> {:?}: expected {replacement:?} at {a}", text, f.after
                );
                a += replacement.len();
                b = span.end;
            }
            prop_assert_eq!(&f.after[a..], &text[b..]);
        }
    }
}

#[test]
fn accepted_row_with_empty_spun_or_offsets_past_the_end_is_refused_naming_the_line() {
    let work = Work::new();
    let mut r = reviewed(&work);
    // Empty `spun`: would insert "last year" inside a word.
    r.set("b.txt", "Final yr", "spun", "");
    let line = 2 + r
        .rows
        .iter()
        .position(|row| row[r.col("spun")].is_empty())
        .unwrap();
    work.write("review.csv", &r.to_csv());
    let (code, _, err) = work.run(&["apply", "review.csv", "--in-place"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "review.csv:{line}: accepted row has an empty `spun`"
        )),
        "{err}"
    );
    assert_eq!(work.read("docs/a.txt"), TEXT_A);
    assert_eq!(work.read("b.txt"), TEXT_B);

    // Offsets past the end of the file: refused, not relocated to the phrase near the end.
    let mut r = reviewed(&work);
    let (s, e) = (r.col("byte_start"), r.col("byte_end"));
    let row = r.row("a.txt", "Center East");
    row[s] = "100000".into();
    row[e] = "100011".into();
    work.write("review.csv", &r.to_csv());
    let (code, _, err) = work.run(&["apply", "review.csv", "--in-place"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("review.csv:") && err.contains("beyond the end of the file"),
        "{err}"
    );
    assert!(work.read("docs/a.txt").contains("Center East"));
}

/// More problems with the report itself stop everything before any file is written, each
/// naming its CSV line: offsets that are not numbers, a finding read from stdin (`-`), an
/// accepted row with an empty `suggestion`, a row for a file that is not UTF-8.
#[test]
fn more_report_problems_stop_everything_naming_the_line() {
    let work = Work::new();
    std::fs::write(work.path("latin1.txt"), b"caf\xe9 final yr\n").unwrap();
    type Edit = fn(&mut Report);
    let edits: [(&str, Edit, &str); 4] = [
        (
            "Center East",
            |r| r.set("a.txt", "Center East", "byte_start", "twelve"),
            "byte_start",
        ),
        (
            "Center East",
            |r| r.set("a.txt", "Center East", "path", "-"),
            "stdin",
        ),
        (
            "Center East",
            |r| r.set("a.txt", "Center East", "suggestion", ""),
            "empty `suggestion`",
        ),
        (
            "Center East",
            |r| r.set("a.txt", "Center East", "path", "latin1.txt"),
            "UTF-8",
        ),
    ];
    for (spun, edit, why) in edits {
        let mut r = reviewed(&work);
        let line = 2 + r
            .rows
            .iter()
            .position(|row| row[r.col("path")].contains("a.txt") && row[r.col("spun")] == spun)
            .unwrap();
        edit(&mut r);
        work.write("review.csv", &r.to_csv());
        let (code, _, err) = work.run(&["apply", "review.csv", "--in-place"]);
        assert_eq!(code, 2, "{why}: {err}");
        assert!(
            err.contains(&format!("review.csv:{line}")) && err.contains(why),
            "{why}: {err}"
        );
        assert_eq!(work.read("docs/a.txt"), TEXT_A, "{why}");
        assert_eq!(work.read("b.txt"), TEXT_B, "{why}");
        assert_eq!(
            std::fs::read(work.path("latin1.txt")).unwrap(),
            b"caf\xe9 final yr\n"
        );
    }
}

#[test]
fn truncated_report_is_refused_naming_the_line() {
    let work = Work::new();
    let csv = reviewed(&work).to_csv();
    let lines = csv.lines().count();
    // Cut inside the last row's `suggestion`, and cut after its last comma.
    for cut in [csv.len() - 20, csv.len() - 1] {
        work.write("review.csv", &csv[..cut]);
        let (code, _, err) = work.run(&["apply", "review.csv", "--in-place", "--accept-empty"]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains(&format!("review.csv:{lines}: ")) && err.contains("truncated"),
            "{err}"
        );
        assert_eq!(work.read("docs/a.txt"), TEXT_A);
        assert_eq!(work.read("b.txt"), TEXT_B);
    }
}

#[cfg(unix)]
#[test]
fn non_utf8_file_names_round_trip_through_reports() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let work = Work::new();
    let odd = OsStr::from_bytes(b"odd/caf\xff 100%41.txt");
    std::fs::create_dir(work.path("odd")).unwrap();
    std::fs::write(work.dir.path().join(odd), "It rose final yr.\n").unwrap();
    let label = "odd/caf%FF 100%2541.txt";
    // A single-file scan and a directory (batch) scan name it the same lossless way.
    for target in [odd, OsStr::new("odd")] {
        let out = work
            .cmd(&[
                "scan",
                "--format",
                "csv",
                "--no-default-dict",
                "--dict",
                "dict.csv",
            ])
            .arg(target)
            .output()
            .unwrap();
        let mut r = Report::parse(&String::from_utf8(out.stdout).unwrap());
        assert_eq!(r.rows.len(), 1, "{}", r.to_csv());
        assert_eq!(r.rows[0][r.col("path")], label);
        r.set(label, "final yr", "decision", "accept");
        work.write("review.csv", &r.to_csv());
        let (code, _, err) = work.run(&["apply", "review.csv", "--out", "clean"]);
        assert_eq!(code, 0, "{err}");
        let copy = work.dir.path().join("clean").join(odd);
        assert_eq!(std::fs::read(&copy).unwrap(), b"It rose last year.\n");
        std::fs::remove_file(copy).unwrap();
    }
    let (code, _, err) = work.run(&["apply", "review.csv", "--in-place"]);
    assert_eq!(code, 0, "{err}");
    let fixed = std::fs::read(work.dir.path().join(odd)).unwrap();
    assert_eq!(fixed, b"It rose last year.\n");
}
