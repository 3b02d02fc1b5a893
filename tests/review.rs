//! The review loop end to end: scan -> reviewer decisions -> apply / learn, and the
//! dictionary tools. Every test uses its own small dictionary, never the embedded ones.

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
}

impl Work {
    fn new() -> Work {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("dict.csv"), DICT).unwrap();
        std::fs::create_dir(dir.path().join("docs")).unwrap();
        std::fs::write(dir.path().join("docs/a.txt"), TEXT_A).unwrap();
        std::fs::write(dir.path().join("b.txt"), TEXT_B).unwrap();
        Work { dir }
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

    /// `despin ARGS` run in the work directory, ignoring any despin.toml around it.
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::cargo_bin("despin").unwrap();
        c.current_dir(self.dir.path()).args(args);
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
    let (code, _, err) = work.run(&["apply", "review.csv", "--in-place"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(work.read("docs/a.txt"), EXPECTED_A);
    assert_eq!(work.read("b.txt"), EXPECTED_B);

    let (code, _, err) = work.run(&["apply", "review.csv", "--in-place"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("4 already applied"), "{err}");
    assert_eq!(work.read("docs/a.txt"), EXPECTED_A);
    assert_eq!(work.read("b.txt"), EXPECTED_B);
}

#[test]
fn apply_out_mirrors_paths_and_leaves_inputs() {
    let work = Work::new();
    work.write("review.csv", &reviewed(&work).to_csv());
    let (code, _, err) = work.run(&["apply", "review.csv", "--out", "clean"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(work.read("clean/docs/a.txt"), EXPECTED_A);
    assert_eq!(work.read("clean/b.txt"), EXPECTED_B);
    assert_eq!(work.read("docs/a.txt"), TEXT_A);
    assert_eq!(work.read("b.txt"), TEXT_B);
}

#[test]
fn dry_run_prints_a_diff_and_writes_nothing() {
    let work = Work::new();
    work.write("review.csv", &reviewed(&work).to_csv());
    let (code, out, err) = work.run(&["apply", "review.csv", "--dry-run"]);
    assert_eq!(code, 1, "{err}");
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

#[test]
fn accept_empty_matches_fix_at_zero_confidence() {
    let work = Work::new();
    work.write("review.csv", &work.scan_report());
    let (code, _, err) = work.run(&["apply", "review.csv", "--accept-empty", "--out", "out"]);
    assert_eq!(code, 1, "{err}");
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
    assert_eq!(code, 1, "{err}");
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
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        work.read("docs/a.txt"),
        EXPECTED_A.replace("Machine learning", "-AI-")
    );
}

/// LibreOffice opens the report and saves it again as CSV; the result still applies.
#[test]
fn libreoffice_round_trip() {
    let Some(soffice) = find_soffice() else {
        eprintln!(
            "SKIPPED libreoffice_round_trip: `soffice` not found \
             (install the Debian package libreoffice-calc to run it)"
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
    assert_eq!(code, 1, "{err}\n{saved}");
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
    let work = Work::new();
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
         the moment,this instant,0.5,\n",
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

#[test]
fn config_threshold_and_dictionaries_with_command_line_precedence() {
    let work = Work::new();
    work.write(
        "despin.toml",
        "min_confidence = 0.96\n[dictionaries]\nembedded = []\nextra = [\"dict.csv\"]\n",
    );
    // Only "final yr" (0.97) passes the configured threshold.
    let (code, out, err) = work.run(&["fix", "b.txt"]);
    assert_eq!(code, 1, "{err}");
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
