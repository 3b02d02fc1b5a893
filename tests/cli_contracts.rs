//! Contracts of the command line that issue 9 found untrue: exit codes, refusals before
//! anything is written, stale temporary files, configuration of batch runs, skipped files
//! named, permissions kept, messages, and the test harness's own isolation.

mod common;

use std::fs;
use std::path::PathBuf;
use std::process::Output;

const DICT: &str = "spun,original,prior,kind,context,requires,tags,note\n\
final yr,last year,0.97,fingerprint,,,spinner:a,\n\
Center East,Middle East,0.95,fingerprint,,,spinner:a,\n\
nationwide safety adviser,national security adviser,0.95,fingerprint,,,spinner:a,\n\
direct ceasefire,immediate ceasefire,0.9,fingerprint,,,spinner:a,\n\
in precept,in principle,0.95,fingerprint,,,spinner:a,\n";

const SPUN: &str = "Talks in the Center East stalled final yr.\n";
const FIXED: &str = "Talks in the Middle East stalled last year.\n";

/// A temporary directory with the dictionary, where despin runs.
struct Dir {
    dir: tempfile::TempDir,
}

impl Dir {
    fn new() -> Dir {
        let d = Dir {
            dir: tempfile::tempdir().unwrap(),
        };
        d.write("dict.csv", DICT);
        d
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, data: impl AsRef<[u8]>) {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, data).unwrap();
    }

    fn text(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// `despin ARGS --dict dict.csv --no-default-dict`, hermetic.
    fn cmd(&self, args: &[&str]) -> assert_cmd::Command {
        let mut c = common::despin();
        c.current_dir(self.dir.path())
            .args(args)
            .args(["--dict", "dict.csv", "--no-default-dict"]);
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    /// `despin ARGS` without dictionary options (`apply` takes none), hermetic.
    fn bare(&self, args: &[&str]) -> assert_cmd::Command {
        let mut c = common::despin();
        c.current_dir(self.dir.path()).args(args);
        c
    }
}

fn run_bare(d: &Dir, args: &[&str]) -> Output {
    d.bare(args).output().unwrap()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

// ---- exit codes (issue 9, item 13) ----

#[test]
fn fix_and_apply_exit_zero_when_they_repair_and_one_with_exit_code() {
    let d = Dir::new();
    d.write("a.txt", SPUN);
    // Single file to stdout.
    let o = d.run(&["fix", "a.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout), FIXED);
    let o = d.run(&["fix", "a.txt", "--exit-code"]);
    assert_eq!(o.status.code(), Some(1));
    // Nothing to repair: 0 even with --exit-code.
    d.write("clean.txt", FIXED);
    assert_eq!(
        d.run(&["fix", "clean.txt", "--exit-code"]).status.code(),
        Some(0)
    );
    // Directory runs.
    d.write("in/a.txt", SPUN);
    let o = d.run(&["fix", "in", "--out", "out", "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(d.text("out/a.txt"), FIXED);
    let o = d.run(&["fix", "in", "--out", "out2", "--quiet", "--exit-code"]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    // scan still checks: 1 = findings.
    assert_eq!(d.run(&["scan", "a.txt"]).status.code(), Some(1));

    // apply: 0 on success, 1 with --exit-code when files change (or would).
    let o = d.run(&["scan", "a.txt", "--format", "csv"]);
    let report = String::from_utf8(o.stdout).unwrap();
    d.write("r.csv", &report);
    let o = run_bare(
        &d,
        &[
            "apply",
            "r.csv",
            "--accept-empty",
            "--dry-run",
            "--exit-code",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let o = run_bare(&d, &["apply", "r.csv", "--accept-empty", "--in-place"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(d.text("a.txt"), FIXED);
    let o = run_bare(
        &d,
        &[
            "apply",
            "r.csv",
            "--accept-empty",
            "--in-place",
            "--exit-code",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "already applied: {}", err(&o));
}

/// `despin review`: 0 without findings, 1 with findings, the page written either way; 2 on
/// an error.
#[test]
fn review_exits_zero_or_one_by_findings_and_writes_the_page_either_way() {
    let d = Dir::new();
    d.write("clean.txt", FIXED);
    d.write("a.txt", SPUN);
    let o = d.run(&["review", "clean.txt", "-o", "clean.html"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(d.text("clean.html").contains("<html"));
    let o = d.run(&["review", "a.txt", "-o", "spun.html"]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(d.text("spun.html").contains("Center East"));
    let o = d.run(&["review", "missing.txt", "-o", "missing.html"]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("missing.txt"), "{}", err(&o));
    // Only files with findings are on the page; --report also writes the scan report.
    d.write("in/spun.txt", SPUN);
    d.write("in/quiet.txt", FIXED);
    let o = d.run(&["review", "in", "-o", "dir.html", "--report", "r.csv"]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let page = d.text("dir.html");
    assert!(page.contains("spun.txt") && !page.contains("quiet.txt"));
    let report = d.text("r.csv");
    assert!(report.starts_with("path,line,column,"), "{report}");
    assert!(report.contains("in/spun.txt,1,"), "{report}");
}

/// `--quiet`: no progress bar and no summary (nor the list of skipped files after it), for
/// every batch command; without it the summary is there.
#[test]
fn quiet_batch_runs_print_no_summary() {
    let d = Dir::new();
    d.write("in/a.txt", SPUN);
    d.write("in/b.bin", b"PNG\0\x01");
    let o = d.run(&["fix", "in", "--out", "loud"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(err(&o).contains("1 skipped (1 binary)"), "{}", err(&o));
    assert!(err(&o).contains("skipped: in/b.bin"), "{}", err(&o));
    let runs: [&[&str]; 5] = [
        &["fix", "in", "--out", "out", "-q"],
        &["fix", "in", "--out", "out2", "--quiet", "--report", "r.csv"],
        &["scan", "in", "--quiet"],
        &["scan", "in", "-q", "--summary"],
        &["review", "in", "-o", "r.html", "-q"],
    ];
    for args in runs {
        let o = d.run(args);
        assert!(
            o.status.code().is_some_and(|c| c < 2),
            "{args:?}: {}",
            err(&o)
        );
        assert_eq!(err(&o), "", "{args:?}");
    }
    assert_eq!(d.text("out/a.txt"), FIXED);
}

#[test]
fn help_documents_the_exit_codes() {
    for cmd in ["fix", "apply"] {
        let o = common::despin_args([cmd, "--help"]).output().unwrap();
        let help = String::from_utf8_lossy(&o.stdout);
        assert!(help.contains("--exit-code"), "{cmd}: {help}");
    }
    let o = common::despin_args(["--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(help.contains("0 success"), "{help}");
    assert!(help.contains("130 interrupted"), "{help}");
}

// ---- refusals before writing (items 3, 4) ----

#[test]
fn empty_backup_suffix_is_refused_and_nothing_written() {
    let d = Dir::new();
    d.write("in/a.txt", SPUN);
    let o = d.run(&["fix", "in", "--in-place", "--backup", ""]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("--backup"), "{}", err(&o));
    assert_eq!(d.text("in/a.txt"), SPUN, "nothing written");
    assert_eq!(common::files_under(&d.path("in")), [PathBuf::from("a.txt")]);
}

#[test]
fn backup_suffix_equal_to_the_extension_still_processes_the_files() {
    let d = Dir::new();
    d.write("in/a.txt", SPUN);
    let o = d.run(&["fix", "in", "--in-place", "--backup", ".txt", "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(d.text("in/a.txt"), FIXED);
    assert_eq!(d.text("in/a.txt.txt"), SPUN);
    // The backup is recognised as one (a.txt exists) and not repaired on the next run.
    let o = d.run(&["fix", "in", "--in-place", "--backup", ".txt", "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(d.text("in/a.txt.txt"), SPUN);
}

#[test]
fn two_inputs_mapping_to_one_output_are_refused_before_writing() {
    let d = Dir::new();
    d.write("a/data/x.txt", SPUN);
    d.write("b/data/x.txt", "Other final yr.\n");
    let o = d.run(&["fix", "a/data", "b/data", "--out", "out"]);
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert!(e.contains("a/data") && e.contains("b/data"), "{e}");
    assert!(!d.path("out").exists(), "nothing written");

    // --files-from with absolute paths that share a file name.
    let list = format!(
        "{}\n{}\n",
        d.path("a/data/x.txt").display(),
        d.path("b/data/x.txt").display()
    );
    d.write("list.txt", list);
    let o = d.run(&["fix", "--files-from", "list.txt", "--out", "out"]);
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert!(
        e.contains("a/data/x.txt") && e.contains("b/data/x.txt"),
        "{e}"
    );
    assert!(!d.path("out").exists(), "nothing written");
}

// ---- stale temporary files (item 5) ----

#[cfg(target_os = "linux")]
#[test]
fn in_place_run_removes_stale_temp_files_of_dead_runs_only() {
    let d = Dir::new();
    d.write("in/a.txt", SPUN);
    d.write("in/sub/b.txt", FIXED);
    // A process id above Linux's maximum (2^22) is never alive: a killed run's leftover.
    let stale = "in/sub/.despin-tmp-4194999-AbC123";
    d.write(stale, "half a file");
    // One of a live process (this test) must stay: another run may be writing it.
    let live = format!("in/.despin-tmp-{}-XyZ789", std::process::id());
    d.write(&live, "in progress");
    d.write("in/.keep", "not ours");
    let o = d.run(&["fix", "in", "--in-place", "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(!d.path(stale).exists(), "stale temp file left behind");
    assert!(d.path(&live).exists(), "a live run's temp file was removed");
    assert!(d.path("in/.keep").exists());
    assert_eq!(d.text("in/a.txt"), FIXED);
}

/// A write that fails half way (the file-size limit) names the output, not the temporary
/// file it was being written to.
#[cfg(unix)]
#[test]
fn write_errors_name_the_output_not_the_temp_file() {
    let d = Dir::new();
    d.write("a.txt", SPUN.repeat(2000)); // ~90 kB, over a 1-block (512 bytes) limit
    let script = format!(
        "trap '' XFSZ; ulimit -f 1; exec {} fix a.txt -o out.txt --no-default-dict --dict dict.csv",
        common::BIN
    );
    let o = std::process::Command::new("sh")
        .current_dir(d.dir.path())
        .env(common::NO_CONFIG_ENV, "1")
        .args(["-c", &script])
        .output()
        .unwrap();
    let e = err(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("out.txt"), "{e}");
    assert!(!e.contains(".despin-tmp-"), "{e}");
    assert!(!d.path("out.txt").exists());
}

// ---- configuration of batch runs (item 11) ----

#[test]
fn configured_exclude_globs_and_report_are_honoured_by_batch_runs() {
    let d = Dir::new();
    d.write("in/a.txt", SPUN);
    d.write("in/vendor/v.txt", SPUN);
    d.write("in/notes.md", SPUN);
    d.write(
        "despin.toml",
        "[files]\nexclude = [\"vendor/**\"]\nglobs = [\"*.txt\"]\n\
         [report]\npath = \"report.jsonl\"\n",
    );
    let mut c = d.cmd(&["fix", "in", "--in-place", "--quiet"]);
    let o = common::with_config(&mut c).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(d.text("in/a.txt"), FIXED);
    assert_eq!(d.text("in/vendor/v.txt"), SPUN, "excluded by despin.toml");
    assert_eq!(d.text("in/notes.md"), SPUN, "not in files.globs");
    let report = d.text("report.jsonl");
    assert!(report.contains("in/a.txt"), "{report}");
    assert!(!report.contains("vendor"), "{report}");
    // The command line adds to the configured globs.
    d.write("in/b.txt", SPUN);
    let mut c = d.cmd(&["fix", "in", "--in-place", "--quiet", "--exclude", "b.txt"]);
    common::with_config(&mut c).assert().code(0);
    assert_eq!(d.text("in/b.txt"), SPUN);
}

/// `[files]` globs apply to batch runs only: a single file given to `scan` or `fix` is read
/// whatever they say; and `--report` overrides `report.path`.
#[test]
fn single_files_ignore_configured_globs_and_report_flag_beats_report_path() {
    let d = Dir::new();
    d.write("in/notes.md", SPUN);
    d.write(
        "despin.toml",
        "[files]\nglobs = [\"*.txt\"]\nexclude = [\"notes.md\"]\n[report]\npath = \"configured.csv\"\n",
    );
    let mut c = d.cmd(&["fix", "in/notes.md"]);
    let o = common::with_config(&mut c).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout), FIXED);
    let mut c = d.cmd(&["scan", "in/notes.md"]);
    let o = common::with_config(&mut c).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    // A batch run leaves it out, and writes the report named on the command line only.
    d.write("in/a.txt", SPUN);
    let mut c = d.cmd(&["scan", "in", "--report", "given.csv", "-q"]);
    let o = common::with_config(&mut c).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let report = d.text("given.csv");
    assert!(report.contains("in/a.txt,1,"), "{report}");
    assert!(!report.contains("notes.md,1,"), "{report}");
    assert!(!d.path("configured.csv").exists());
}

/// Relative paths in despin.toml are relative to the file, wherever despin runs: a config
/// found in a parent directory, or named with `--config`, loads its dictionaries from beside
/// itself.
#[test]
fn config_paths_are_relative_to_the_config_file() {
    let d = Dir::new();
    // An entry no embedded dictionary has: only the configured file can repair it.
    d.write(
        "proj/dicts/team.csv",
        "spun,original,prior\nzorbly wibble,quiet evening,0.97\n",
    );
    d.write(
        "proj/despin.toml",
        "[dictionaries]\nextra = [\"dicts/team.csv\"]\n",
    );
    d.write("proj/deep/sub/a.txt", "It was a zorbly wibble.\n");
    let want = "It was a quiet evening.\n";
    let mut c = common::despin();
    c.current_dir(d.path("proj/deep/sub"))
        .args(["fix", "a.txt"]);
    let o = common::with_config(&mut c).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout), want, "{}", err(&o));
    let o = d
        .bare(&["fix", "proj/deep/sub/a.txt", "--config", "proj/despin.toml"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout), want, "{}", err(&o));
}

#[test]
fn configured_types_and_scan_format_are_honoured() {
    let d = Dir::new();
    // As Markdown, the code block is left alone; as text it would be repaired.
    d.write("in/a.mdown2", "final yr\n\n```\nfinal yr\n```\n");
    d.write(
        "despin.toml",
        "[files]\ntypes = { markdown = [\"*.mdown2\"] }\n",
    );
    let mut c = d.cmd(&["fix", "in", "--out", "out", "--quiet"]);
    common::with_config(&mut c).assert().code(0);
    assert_eq!(d.text("out/a.mdown2"), "last year\n\n```\nfinal yr\n```\n");
    d.write("despin.toml", "[report]\nformat = \"csv\"\n");
    d.write("a.txt", SPUN);
    let mut c = d.cmd(&["scan", "a.txt"]);
    let o = common::with_config(&mut c).output().unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("path,line,column"));
}

#[test]
fn filter_and_eval_take_min_confidence_from_the_config() {
    let d = Dir::new();
    // 0.96 applies "final yr" (0.97) but not "Center East" (0.95).
    d.write("despin.toml", "min_confidence = 0.96\n");
    let line = "{\"text\":\"Talks in the Center East stalled final yr.\"}\n";
    let mut c = d.cmd(&["filter"]);
    let o = common::with_config(&mut c)
        .write_stdin(line)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["text"], "Talks in the Center East stalled last year.");
    // The command line still wins.
    let mut c = d.cmd(&["filter", "--min-confidence", "0.5"]);
    let o = common::with_config(&mut c)
        .write_stdin(line)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["text"], "Talks in the Middle East stalled last year.");

    d.write("spun/a.txt", SPUN);
    d.write("orig/a.txt", FIXED);
    let eval = |c: &mut assert_cmd::Command| -> serde_json::Value {
        let o = common::with_config(c).output().unwrap();
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", err(&o)))
    };
    let args = ["eval", "--spun", "spun", "--original", "orig", "--json"];
    let strict = eval(&mut d.cmd(&args))["overall"]["sys_changes"]
        .as_u64()
        .unwrap();
    let mut all = args.to_vec();
    all.extend(["--min-confidence", "0.5"]);
    let loose = eval(&mut d.cmd(&all))["overall"]["sys_changes"]
        .as_u64()
        .unwrap();
    assert!(strict > 0 && strict < loose, "{strict} {loose}");
}

// ---- skipped and left-out files named, permissions kept (item 16) ----

#[cfg(unix)]
#[test]
fn skipped_and_left_out_files_are_named_in_the_summary_and_the_report() {
    let d = Dir::new();
    d.write("in/a.txt", SPUN);
    d.write("in/img.bin", b"\x89PNG\0\0binary");
    d.write("in/latin1.txt", b"caf\xe9 final yr");
    d.write("in/utf16.txt", b"\xff\xfeh\0i\0");
    d.write("in/.hidden.txt", SPUN);
    d.write("in/.gitignore", "ignored.txt\n");
    d.write("in/ignored.txt", SPUN);
    std::os::unix::fs::symlink("a.txt", d.path("in/link.txt")).unwrap();
    // .gitignore files count only inside a git repository unless .ignore: use both.
    d.write("in/.ignore", "ignored.txt\n");
    let o = d.run(&["fix", "in", "--out", "out", "--report", "r.csv"]);
    let e = err(&o);
    assert_eq!(o.status.code(), Some(0), "{e}");
    for (name, why) in [
        ("img.bin", "binary"),
        ("latin1.txt", "not UTF-8"),
        ("utf16.txt", "binary"),
        (".hidden.txt", "hidden"),
        ("ignored.txt", "ignored"),
        ("link.txt", "symlink"),
    ] {
        assert!(
            e.contains(&format!("{name} ({why}")),
            "{name} not named: {e}"
        );
    }
    let mut rdr = csv::Reader::from_path(d.path("r.csv")).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let col = |n: &str| headers.iter().position(|h| h == n).unwrap();
    let (path, status, reason) = (col("path"), col("status"), col("reason"));
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    let skipped: Vec<(String, String)> = rows
        .iter()
        .filter(|r| &r[status] == "skipped")
        .map(|r| (r[path].to_string(), r[reason].to_string()))
        .collect();
    assert!(
        skipped.contains(&("in/img.bin".into(), "binary".into())),
        "{skipped:?}"
    );
    assert!(skipped.contains(&("in/latin1.txt".into(), "not UTF-8".into())));
    assert!(skipped.contains(&("in/link.txt".into(), "symlink".into())));
    assert!(skipped.contains(&("in/.hidden.txt".into(), "hidden".into())));
    assert!(
        skipped.iter().any(|(p, _)| p == "in/ignored.txt"),
        "{skipped:?}"
    );
    // The report, skipped rows and all, still applies.
    let o = run_bare(&d, &["apply", "r.csv", "--accept-empty", "--dry-run"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
}

#[test]
fn long_lists_of_skipped_files_are_truncated_with_a_count() {
    let d = Dir::new();
    for i in 0..30 {
        d.write(&format!("in/b{i:02}.bin"), b"\0\0");
    }
    let o = d.run(&["scan", "in"]);
    let e = err(&o);
    assert!(e.contains("in/b00.bin (binary)"), "{e}");
    assert!(e.contains("and 10 more"), "{e}");
}

#[cfg(unix)]
#[test]
fn outputs_copies_and_backups_keep_the_source_mode() {
    use std::os::unix::fs::PermissionsExt;
    let d = Dir::new();
    let mode = |p: &str| fs::metadata(d.path(p)).unwrap().permissions().mode() & 0o777;
    d.write("in/a.txt", SPUN);
    d.write("in/b.bin", b"\0\0");
    d.write("in/c.txt", FIXED);
    for (f, m) in [
        ("in/a.txt", 0o640),
        ("in/b.bin", 0o604),
        ("in/c.txt", 0o664),
    ] {
        fs::set_permissions(d.path(f), fs::Permissions::from_mode(m)).unwrap();
    }
    d.run(&["fix", "in", "--out", "out", "--quiet"]);
    assert_eq!(mode("out/a.txt"), 0o640, "repaired copy");
    assert_eq!(mode("out/b.bin"), 0o604, "binary copy");
    assert_eq!(mode("out/c.txt"), 0o664, "unchanged copy");
    d.run(&["fix", "in", "--in-place", "--backup", ".orig", "--quiet"]);
    assert_eq!(d.text("in/a.txt"), FIXED);
    assert_eq!(mode("in/a.txt"), 0o640, "repaired in place");
    assert_eq!(mode("in/a.txt.orig"), 0o640, "backup");

    // apply: a repaired copy takes its source's mode; a file rewritten in place keeps its own.
    d.write("solo/s.txt", SPUN);
    fs::set_permissions(d.path("solo/s.txt"), fs::Permissions::from_mode(0o640)).unwrap();
    let o = d.run(&["scan", "solo/s.txt", "--format", "csv"]);
    d.write("r.csv", &o.stdout);
    let o = run_bare(
        &d,
        &["apply", "r.csv", "--accept-empty", "--out", "applied"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(d.text("applied/solo/s.txt"), FIXED);
    assert_eq!(mode("applied/solo/s.txt"), 0o640, "apply --out copy");
    let o = run_bare(&d, &["apply", "r.csv", "--accept-empty", "--in-place"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(d.text("solo/s.txt"), FIXED);
    assert_eq!(mode("solo/s.txt"), 0o640, "apply --in-place");

    // fix FILE -o OUT: the repaired copy of one file takes its mode too.
    d.write("solo/t.txt", SPUN);
    fs::set_permissions(d.path("solo/t.txt"), fs::Permissions::from_mode(0o600)).unwrap();
    let o = d.run(&["fix", "solo/t.txt", "-o", "t.out"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(d.text("t.out"), FIXED);
    assert_eq!(mode("t.out"), 0o600, "fix -o");
}

/// New files that copy no source (report, review page, compiled dictionaries, learned and
/// added dictionaries) get the usual mode, 0666 less the umask: atomic writes through a
/// temporary file must not leave them 0600, nor ignore the umask.
#[cfg(unix)]
#[test]
fn new_outputs_get_the_usual_mode_under_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let d = Dir::new();
    let mode = |p: &str| fs::metadata(d.path(p)).unwrap().permissions().mode() & 0o777;
    d.write("in/a.txt", SPUN);
    d.write("table.txt", "final yr|last year\n");
    let o = d.run(&["scan", "in/a.txt", "--format", "csv"]);
    d.write("reviewed.csv", &o.stdout);
    let runs: [(&[&str], &str); 6] = [
        (
            &[
                "scan", "in", "--report", "r.csv", "-q", "--dict", "dict.csv",
            ],
            "r.csv",
        ),
        (
            &["review", "in", "-o", "p.html", "-q", "--dict", "dict.csv"],
            "p.html",
        ),
        (&["dict", "build", "dict.csv", "-o", "d.fst"], "d.fst"),
        (
            &[
                "dict",
                "import",
                "--format",
                "pipe",
                "table.txt",
                "-o",
                "t.fst",
            ],
            "t.fst",
        ),
        (
            &[
                "dict",
                "learn",
                "--from-report",
                "reviewed.csv",
                "--into",
                "l.csv",
            ],
            "l.csv",
        ),
        (
            &["dict", "add", "x y", "z", "--into", "added.csv"],
            "added.csv",
        ),
    ];
    for (args, out) in runs {
        // `sh` sets the umask, then becomes despin.
        let o = std::process::Command::new("sh")
            .current_dir(d.path(""))
            .env(common::NO_CONFIG_ENV, "1")
            .arg("-c")
            .arg("umask 027 && exec \"$@\"")
            .arg("sh")
            .arg(common::BIN)
            .args(args)
            .output()
            .unwrap();
        assert!(
            o.status.code().is_some_and(|c| c < 2),
            "{args:?}: {}",
            err(&o)
        );
        assert_eq!(mode(out), 0o640, "{args:?}");
    }
}

/// As root, repairing in place keeps the file's owner (root would otherwise take it over),
/// and copies and backups take the source's owner.
#[cfg(unix)]
#[test]
fn in_place_as_root_keeps_the_owner() {
    use std::os::unix::fs::MetadataExt;
    if !common::is_root() {
        common::skip(
            "in_place_as_root_keeps_the_owner",
            "it needs root to give files to another user",
        );
        return;
    }
    let d = Dir::new();
    d.write("in/a.txt", SPUN);
    std::os::unix::fs::chown(d.path("in/a.txt"), Some(65534), Some(65534)).unwrap();
    let owner = |p: &str| {
        let m = fs::metadata(d.path(p)).unwrap();
        (m.uid(), m.gid())
    };
    d.run(&["fix", "in", "--out", "out", "--quiet"]);
    assert_eq!(owner("out/a.txt"), (65534, 65534));
    d.run(&["fix", "in", "--in-place", "--backup", ".orig", "--quiet"]);
    assert_eq!(d.text("in/a.txt"), FIXED);
    assert_eq!(owner("in/a.txt"), (65534, 65534));
    assert_eq!(owner("in/a.txt.orig"), (65534, 65534));
}

// ---- doc_score per record (item 17) ----

#[test]
fn jsonl_report_doc_score_is_the_records() {
    let d = Dir::new();
    let heavy = "The nationwide safety adviser asked for a direct ceasefire final yr, in precept, \
                 in the Center East.";
    let light = "Many words of plain prose here with one phrase only, final yr, and then more \
                 plain prose about the weather and the harvest and the town and its people.";
    let mut jsonl = String::new();
    for t in [heavy, light] {
        jsonl.push_str(&serde_json::json!({ "text": t }).to_string());
        jsonl.push('\n');
    }
    d.write("in/c.jsonl", &jsonl);
    let o = d.run(&["scan", "in", "--format", "json", "--quiet"]);
    let rows: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Each record's score is what scanning its text alone gives.
    let alone = |t: &str| -> f64 {
        let o = d
            .cmd(&["scan", "--format", "json"])
            .write_stdin(t)
            .output()
            .unwrap();
        let first = String::from_utf8(o.stdout).unwrap();
        let v: serde_json::Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
        v["doc_score"].as_f64().unwrap()
    };
    let (h, l) = (alone(heavy), alone(light));
    assert!(h > l, "the test needs different scores: {h} {l}");
    let light_row = rows
        .iter()
        .find(|r| r["line"] == 2)
        .expect("a finding in record 2");
    assert!(
        (light_row["doc_score"].as_f64().unwrap() - l).abs() < 1e-6,
        "{light_row}"
    );
    let heavy_row = rows.iter().find(|r| r["line"] == 1).unwrap();
    assert!(
        (heavy_row["doc_score"].as_f64().unwrap() - h).abs() < 1e-6,
        "{heavy_row}"
    );
}

// ---- outputs that are inputs (audit) ----

/// A named output (report, review page, compiled dictionary) that is one of the run's own
/// inputs is refused before anything is written: the input is never replaced by it.
#[test]
fn an_output_that_is_an_input_is_refused_and_the_input_kept() {
    let d = Dir::new();
    d.write("in/a.txt", SPUN);
    d.write("table.txt", "final yr|last year\n");
    d.write("list.txt", "in/a.txt\n");
    let with_dict: [&[&str]; 5] = [
        &["scan", "in/a.txt", "--report", "in/a.txt"],
        &["scan", "--files-from", "list.txt", "--report", "./in/a.txt"],
        &["fix", "in/a.txt", "--in-place", "--report", "in/a.txt"],
        &["review", "in/a.txt", "-o", "in/a.txt"],
        &[
            "review",
            "in/a.txt",
            "-o",
            "page.html",
            "--report",
            "in/a.txt",
        ],
    ];
    for args in with_dict {
        let o = d.run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", err(&o));
        assert!(err(&o).contains("in/a.txt"), "{args:?}: {}", err(&o));
        assert_eq!(d.text("in/a.txt"), SPUN, "{args:?} replaced its input");
    }
    assert!(!d.path("page.html").exists());
    let bare: [&[&str]; 3] = [
        &["dict", "build", "dict.csv", "-o", "dict.csv"],
        &[
            "dict",
            "import",
            "--format",
            "pipe",
            "table.txt",
            "-o",
            "table.txt",
        ],
        &["review", "--from-report", "dict.csv", "-o", "dict.csv"],
    ];
    for args in bare {
        let o = run_bare(&d, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", err(&o));
        assert!(
            err(&o).contains("nothing was written"),
            "{args:?}: {}",
            err(&o)
        );
    }
    assert_eq!(d.text("dict.csv"), DICT);
    assert_eq!(d.text("table.txt"), "final yr|last year\n");
}

/// A report or review page written inside the tree being walked is not read back as an
/// input by the next run (despin never reads what it writes).
#[test]
fn a_report_inside_the_input_tree_is_not_read_by_the_next_run() {
    let d = Dir::new();
    d.write("in/a.txt", SPUN);
    for _ in 0..2 {
        let o = d.run(&[
            "scan", "in", "--format", "csv", "--report", "in/r.csv", "-q",
        ]);
        assert_eq!(o.status.code(), Some(1), "{}", err(&o));
        let rows = String::from_utf8(o.stdout).unwrap();
        assert!(!rows.contains("r.csv"), "{rows}");
        assert!(
            !d.text("in/r.csv").contains("in/r.csv"),
            "the report read itself"
        );
    }
    for _ in 0..2 {
        let o = d.run(&[
            "review",
            "in",
            "-o",
            "in/page.html",
            "--report",
            "in/r.json",
        ]);
        assert_eq!(o.status.code(), Some(1), "{}", err(&o));
        let report = d.text("in/r.json");
        assert!(
            !report.contains("page.html") && !report.contains("r.json"),
            "{report}"
        );
    }
    // An in-place run does not repair the report it is about to replace.
    let o = d.run(&["fix", "in", "--in-place", "--report", "in/r.csv", "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(!d.text("in/r.csv").contains("in/r.csv"));
    assert_eq!(d.text("in/a.txt"), FIXED);
}

/// A report or page path naming an existing file inside the walked tree that despin did not
/// write (most likely an article, which the walk then leaves out) is refused before anything
/// is written; a report or page of an earlier run there is replaced as usual.
#[test]
fn a_report_over_a_file_of_the_input_tree_is_refused() {
    let d = Dir::new();
    d.write("in/a.txt", SPUN);
    d.write("in/notes.csv", "my,own,notes\n");
    let runs: [&[&str]; 3] = [
        &["scan", "in", "--report", "in/notes.csv"],
        &["fix", "in", "--in-place", "--report", "./in/notes.csv"],
        &["review", "in", "-o", "in/notes.csv"],
    ];
    for args in runs {
        let o = d.run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", err(&o));
        assert!(
            err(&o).contains("notes.csv") && err(&o).contains("nothing was written"),
            "{args:?}: {}",
            err(&o)
        );
        assert_eq!(d.text("in/notes.csv"), "my,own,notes\n", "{args:?}");
        assert_eq!(d.text("in/a.txt"), SPUN, "{args:?}");
    }
    // Outside the walked tree the report is written wherever the user says.
    let o = d.run(&["scan", "in", "--report", "notes.csv", "-q"]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
}

/// Stdin (`-`) in a batch run (--report, --out, --in-place) is refused: it was silently
/// dropped by the walk ("0 files seen", exit 0: "nothing found").
#[test]
fn stdin_in_a_batch_run_is_refused_not_ignored() {
    let d = Dir::new();
    let runs: [&[&str]; 3] = [
        &["scan", "-", "--report", "r.json"],
        &["fix", "-", "--in-place"],
        &["fix", "-", "--out", "out"],
    ];
    for args in runs {
        let o = d.cmd(args).write_stdin(SPUN).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", err(&o));
        assert!(err(&o).contains("stdin"), "{args:?}: {}", err(&o));
    }
    assert!(!d.path("r.json").exists() && !d.path("out").exists());
}

// ---- messages (item 18) ----

#[test]
fn a_missing_file_is_named_once_with_its_reason_once() {
    let d = Dir::new();
    d.write("a.txt", SPUN);
    // Single files, and batch runs (which read through the directory walker).
    let runs: [&[&str]; 5] = [
        &["fix", "missing.txt"],
        &["scan", "missing.txt"],
        &["scan", "missing.txt", "a.txt", "-q"],
        &["fix", "missing.txt", "--out", "out", "-q"],
        &["review", "missing.txt", "-o", "r.html"],
    ];
    for args in runs {
        let o = d.run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let e = err(&o);
        assert_eq!(e.matches("missing.txt").count(), 1, "{args:?}: {e}");
        assert_eq!(e.matches("No such file or directory").count(), 1, "{e}");
    }
}

#[test]
fn unwritable_out_dir_is_one_error_not_one_per_file() {
    let d = Dir::new();
    for i in 0..5 {
        d.write(&format!("in/f{i}.txt"), SPUN);
    }
    d.write("blocker", "a file, not a directory");
    let o = d.run(&["fix", "in", "--out", "blocker/out"]);
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert_eq!(e.matches("despin: error").count(), 1, "{e}");
    assert!(e.contains("blocker/out"), "{e}");
}

#[test]
fn help_shows_no_rustdoc_escapes_and_a_real_thread_default() {
    let cmds: [&[&str]; 9] = [
        &["scan"],
        &["fix"],
        &["filter"],
        &["eval"],
        &["apply"],
        &["config"],
        &["dict", "add"],
        &["dict", "learn"],
        &["dict", "build"],
    ];
    for c in cmds {
        let o = common::despin_args(c.iter().chain(&["--help"]))
            .output()
            .unwrap();
        let help = String::from_utf8_lossy(&o.stdout);
        assert!(o.status.success(), "{c:?}");
        assert!(!help.contains("\\["), "{c:?}: {help}");
        assert!(!help.contains("[default: 0]"), "{c:?}: {help}");
        // `despin help COMMAND` (the README's pointer) explains the same options.
        let o = common::despin_args(["help"].iter().chain(c))
            .output()
            .unwrap();
        assert!(o.status.success(), "help {c:?}");
        assert_eq!(String::from_utf8_lossy(&o.stdout), help, "help {c:?}");
    }
    let o = common::despin_args(["fix", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("one per core"));
}

#[test]
fn apply_reads_a_report_from_stdin() {
    let d = Dir::new();
    d.write("a.txt", SPUN);
    let o = d.run(&["scan", "a.txt", "--format", "csv"]);
    let o = d
        .bare(&["apply", "-", "--accept-empty", "--in-place"])
        .write_stdin(o.stdout)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(d.text("a.txt"), FIXED);
}

/// `apply` passes over the `skipped` and `failed` rows of a batch report (their finding
/// columns are empty), even with `--accept-empty`.
#[test]
fn apply_passes_over_skipped_and_failed_rows() {
    let d = Dir::new();
    d.write("in/a.txt", SPUN);
    d.write("in/b.bin", b"PNG\0\x01");
    let o = d.run(&["scan", "in", "--report", "r.csv", "-q"]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let mut report = d.text("r.csv");
    assert!(report.contains(",skipped,,binary\n"), "{report}");
    report.push_str("in/gone.txt,0,0,0,0,,,,0.000,,,accept,failed,,permission denied\n");
    d.write("r.csv", &report);
    let o = run_bare(&d, &["apply", "r.csv", "--accept-empty", "--in-place"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(d.text("in/a.txt"), FIXED);
    assert!(!d.path("in/gone.txt").exists());
}

#[test]
fn eval_names_spun_files_without_an_original() {
    let d = Dir::new();
    d.write("spun/a.txt", SPUN);
    d.write("spun/b.txt", SPUN);
    d.write("orig/a.txt", FIXED);
    let o = d.run(&["eval", "--spun", "spun", "--original", "orig"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let e = err(&o);
    assert!(e.contains("b.txt") && e.contains("no original"), "{e}");
}

// ---- the harness itself (items 19, 20) ----

/// A `despin.toml` in the working directory that would change every result (a threshold no
/// finding reaches, an unknown embedded dictionary) does not reach harness commands; asked
/// for, the real lookup still finds it.
#[test]
fn harness_commands_ignore_a_stray_config_and_lookup_still_works() {
    let d = Dir::new();
    d.write("a.txt", SPUN);
    d.write("despin.toml", "min_confidence = 1.0\n");
    let o = d.run(&["fix", "a.txt"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), FIXED, "{}", err(&o));
    let mut c = d.cmd(&["fix", "a.txt"]);
    let o = common::with_config(&mut c).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout), SPUN, "config not found");
    // --config still names a file even when discovery is off.
    let o = d.run(&["fix", "a.txt", "--config", "despin.toml"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), SPUN);
    // A config in a parent directory is found too.
    d.write("sub/x.txt", SPUN);
    let mut c = common::despin();
    c.current_dir(d.path("sub")).args([
        "fix",
        "x.txt",
        "--dict",
        "../dict.csv",
        "--no-default-dict",
    ]);
    let o = common::with_config(&mut c).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout), SPUN);
}

/// `DESPIN_NO_CONFIG` ignores discovered configs only when non-empty and not `0`; `--no-config`
/// ignores them whatever the environment says.
#[test]
fn no_config_env_set_to_zero_or_empty_still_reads_the_config() {
    let d = Dir::new();
    d.write("a.txt", SPUN);
    d.write("despin.toml", "min_confidence = 1.0\n");
    for (value, want) in [("0", SPUN), ("", SPUN), ("1", FIXED), ("yes", FIXED)] {
        let o = d
            .cmd(&["fix", "a.txt"])
            .env(common::NO_CONFIG_ENV, value)
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&o.stdout),
            want,
            "DESPIN_NO_CONFIG={value:?}: {}",
            err(&o)
        );
    }
    let o = d
        .cmd(&["fix", "a.txt", "--no-config"])
        .env(common::NO_CONFIG_ENV, "0")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout), FIXED, "{}", err(&o));
}

#[test]
fn skips_fail_when_tools_are_required() {
    let required = std::panic::catch_unwind(|| common::skip_with(true, "t", "no tool"));
    assert!(required.is_err(), "a required skip passed");
    let optional = std::panic::catch_unwind(|| common::skip_with(false, "t", "no tool"));
    assert!(optional.is_ok());
}
