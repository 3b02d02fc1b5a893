//! `despin eval` and `despin dict learn` end to end, and agreement with the reference scorer.

mod common;

use std::path::Path;
use std::process::Command as Std;

const DICT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dict.csv");

fn write_pair(dir: &Path, name: &str, spun: &str, original: &str) {
    std::fs::write(dir.join(format!("{name}.txt")), spun).unwrap();
    std::fs::write(dir.join(format!("{name}.reference.txt")), original).unwrap();
}

/// What the reference scorer says of one repaired file (`score.py --json`).
fn reference_score(
    score_py: &Path,
    spun: &Path,
    reference: &Path,
    repaired: &Path,
) -> serde_json::Value {
    let out = Std::new("python3")
        .arg(score_py)
        .args([spun, reference, repaired])
        .arg("--json")
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn assert_same_counts(ours: &serde_json::Value, theirs: &serde_json::Value, label: &str) {
    for k in [
        "sys_changes",
        "sys_good",
        "gold_changes",
        "gold_hit",
        "dist_before",
        "dist_after",
    ] {
        assert_eq!(ours[k], theirs[k], "{label}: {k}");
    }
}

fn eval_json(dir: &Path, extra: &[&str]) -> serde_json::Value {
    let out = common::despin()
        .args([
            "eval",
            "--json",
            "--no-default-dict",
            "--dict",
            DICT,
            "--spun",
        ])
        .arg(dir)
        .arg("--original")
        .arg(dir)
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn eval_scores_repairs_and_clean_text() {
    let dir = tempfile::tempdir().unwrap();
    write_pair(
        dir.path(),
        "a",
        "Talks in the Center East stalled final yr, the envoy whispered.",
        "Talks in the Middle East stalled last year, the envoy said.",
    );
    let clean = dir.path().join("clean");
    std::fs::create_dir(&clean).unwrap();
    std::fs::write(
        clean.join("c.txt"),
        "The area was calm and the settlement grew.",
    )
    .unwrap();
    let r = eval_json(dir.path(), &["--clean", clean.to_str().unwrap()]);
    let o = &r["overall"];
    // 4 reference changes (Middle, last, year, said): despin makes 3 of them, all right.
    assert_eq!(o["gold_changes"], 4);
    assert_eq!(o["sys_changes"], 3);
    assert_eq!(o["sys_good"], 3);
    assert_eq!(o["precision"], 1.0);
    assert_eq!(o["recall"], 0.75);
    assert_eq!(
        r["clean_words"], 9,
        "tokens, as the reference scorer counts them"
    );
    assert_eq!(
        r["clean_changes"], 0,
        "swaps don't fire in a clean document"
    );
}

/// `--clean` walks a corpus as every despin walk does: a symbolic link back up the tree is not
/// followed, so each file counts once (the old walker counted one file 41 times here).
#[cfg(unix)]
#[test]
fn eval_clean_counts_each_file_once_under_a_symlink_loop() {
    let dir = tempfile::tempdir().unwrap();
    write_pair(
        dir.path(),
        "a",
        "Talks in the Center East stalled final yr.",
        "Talks in the Middle East stalled last year.",
    );
    let clean = dir.path().join("clean");
    std::fs::create_dir_all(clean.join("sub")).unwrap();
    std::fs::write(clean.join("c.txt"), "The area was calm.").unwrap();
    std::fs::write(clean.join("sub/d.txt"), "The settlement grew last year.").unwrap();
    std::os::unix::fs::symlink("..", clean.join("sub/up")).unwrap();
    std::os::unix::fs::symlink("c.txt", clean.join("alias.txt")).unwrap();
    let r = eval_json(dir.path(), &["--clean", clean.to_str().unwrap()]);
    // "The area was calm ." (5 tokens) and "The settlement grew last year ." (6), once each.
    assert_eq!(r["clean_words"], 11, "{r}");
}

/// `eval --clean` reads hidden and ignored files too: a corpus is not a source tree.
#[test]
fn eval_clean_reads_hidden_and_ignored_files() {
    let dir = tempfile::tempdir().unwrap();
    write_pair(
        dir.path(),
        "a",
        "Talks in the Center East stalled final yr.",
        "Talks in the Middle East stalled last year.",
    );
    let clean = dir.path().join("clean");
    std::fs::create_dir_all(clean.join(".hidden")).unwrap();
    std::fs::write(clean.join("c.txt"), "The area was calm.").unwrap();
    std::fs::write(
        clean.join(".hidden/d.txt"),
        "The settlement grew last year.",
    )
    .unwrap();
    std::fs::write(clean.join(".ignore"), "e.txt\n").unwrap();
    std::fs::write(clean.join("e.txt"), "Rain fell.").unwrap();
    let r = eval_json(dir.path(), &["--clean", clean.to_str().unwrap()]);
    // "The area was calm ." (5 tokens), the hidden "The settlement grew last year ." (6) and
    // the ignored "Rain fell ." (3).
    assert_eq!(r["clean_words"], 14, "{r}");
}

/// The project's reference scorer lives outside the repository; compare when it's there.
#[test]
fn eval_agrees_with_reference_scorer() {
    let score_py = common::shared_dir().join("eval/score.py");
    if !score_py.exists() || Std::new("python3").arg("--version").output().is_err() {
        common::skip(
            "eval_agrees_with_reference_scorer",
            &format!(
                "the reference scorer {} or python3 is not available",
                score_py.display()
            ),
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let spun = "Officials mentioned that the nationwide safety adviser, in precept, wanted a direct \
                ceasefire final yr. Prime diplomats from the area agreed. The Center East envoy left.";
    let original = "Officials said that the national security adviser, in principle, wanted an immediate \
                    ceasefire last year. Top diplomats from the region agreed. The Middle East envoy left early.";
    write_pair(dir.path(), "a", spun, original);
    let ours = eval_json(dir.path(), &[]);
    let fixed = common::despin()
        .args(["fix", "--no-default-dict", "--dict", DICT])
        .arg(dir.path().join("a.txt"))
        .output()
        .unwrap();
    let rep = dir.path().join("rep.txt");
    std::fs::write(&rep, &fixed.stdout).unwrap();
    let theirs = reference_score(
        &score_py,
        &dir.path().join("a.txt"),
        &dir.path().join("a.reference.txt"),
        &rep,
    );
    assert_same_counts(&ours["overall"], &theirs, "a.txt");
    assert!(ours["overall"]["sys_changes"].as_u64().unwrap() > 5);
}

#[test]
fn learn_from_pairs_then_repair_a_new_document() {
    let dir = tempfile::tempdir().unwrap();
    write_pair(
        dir.path(),
        "one",
        "The Home handed the invoice on Monday after a vote.",
        "The House passed the bill on Monday after a vote.",
    );
    write_pair(
        dir.path(),
        "two",
        "Senators debated the invoice for hours.",
        "Senators debated the bill for hours.",
    );
    let learned = dir.path().join("learned.csv");
    let csv = learn_into(dir.path(), None, &[], &learned);
    assert!(csv.contains("invoice,bill,"), "{csv}");
    assert!(
        csv.contains("invoices,bills,"),
        "inflected form proposed: {csv}"
    );
    let out = common::despin()
        .args(["fix", "--no-default-dict", "--assume-spun", "--dict"])
        .arg(&learned)
        .write_stdin("The Senate passed two invoices.")
        .output()
        .unwrap();
    // A derived form is learned at a modest prior: applied where the context model favours
    // its original ("passed two bills"), as here.
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "The Senate passed two bills."
    );

    // --no-inflections: only what the pairs show.
    let observed = dir.path().join("observed.csv");
    let csv = learn_into(dir.path(), None, &["--no-inflections"], &observed);
    assert!(csv.contains("invoice,bill,"), "{csv}");
    assert!(!csv.contains("invoices"), "no derived form: {csv}");
    assert!(!csv.contains("inflected"), "no derived form: {csv}");
}

#[test]
fn learn_judges_proposals_by_english_frequency_and_by_the_pairs() {
    let dir = tempfile::tempdir().unwrap();
    let pairs = dir.path().join("pairs");
    std::fs::create_dir(&pairs).unwrap();
    write_pair(
        &pairs,
        "one",
        "The chief paid the invoice with a greenback. The chief executive agreed.",
        "The leader paid the bill with a dollar. The chief executive agreed.",
    );
    write_pair(
        &pairs,
        "two",
        "Senators sent the invoice back for a greenback. Its chief economist objected.",
        "Senators sent the bill back for a dollar. Its chief economist objected.",
    );
    let clean = dir.path().join("clean");
    std::fs::create_dir(&clean).unwrap();
    std::fs::write(
        clean.join("c.txt"),
        "Officials met on Monday to talk about the weather.\n",
    )
    .unwrap();
    let learn = |extra: &[&str]| -> String {
        let mut args = vec!["--min-swap-docs", "1"];
        args.extend_from_slice(extra);
        learn_from(&pairs, &clean, &args)
    };
    let csv = learn(&[]);
    // Absent from the clean sample either way; only the rare one is a fingerprint.
    assert!(
        row(&csv, "greenback").unwrap().contains(",fingerprint,"),
        "{csv}"
    );
    assert!(row(&csv, "invoice").unwrap().contains(",swap,"), "{csv}");
    // "chief" was replaced once and kept twice: (1 + 1) / (1 + 2 + 2) = 0.4.
    assert!(row(&csv, "chief").is_none(), "{csv}");
    let csv = learn(&["--common-zipf", "99", "--min-precision", "0.4"]);
    assert!(
        row(&csv, "invoice").unwrap().contains(",fingerprint,"),
        "{csv}"
    );
    let chief = row(&csv, "chief").unwrap();
    assert!(
        chief.contains(",0.40,swap,") && chief.contains("kept 2 times"),
        "{chief}"
    );
}

#[test]
fn learn_trusts_vouched_pairs_on_fewer_articles() {
    let dir = tempfile::tempdir().unwrap();
    let pairs = dir.path().join("pairs");
    std::fs::create_dir(&pairs).unwrap();
    // Common words (found in the clean text): swaps, which need --min-swap-docs (3) pairs.
    write_pair(
        &pairs,
        "one",
        "The retailer cut prices and the firm hired staff. It introduced a plan and \
         introduced a friend. They introduced a law.",
        "The store cut prices and the company hired staff. It announced a plan and \
         brought a friend. They announced a law.",
    );
    write_pair(
        &pairs,
        "two",
        "A retailer closed and a firm left. She introduced a rule and introduced a friend.",
        "A store closed and a company left. She announced a rule and brought a friend.",
    );
    let clean = dir.path().join("clean");
    std::fs::create_dir(&clean).unwrap();
    // The spun words are ordinary English, each rare enough to pass --max-swap-rate.
    let filler = "Officials met on Monday to talk about the weather. ".repeat(400);
    std::fs::write(
        clean.join("c.txt"),
        format!("{filler}\nA retailer and a firm introduced the store of the company.\n"),
    )
    .unwrap();
    let table = dir.path().join("table.csv");
    std::fs::write(
        &table,
        "spun,original,prior,kind\nretailer,store,0.5,swap\nfirm,business,0.5,swap\n\
         introduced,announced,0.5,swap\nintroduced,brought,0.5,swap\n",
    )
    .unwrap();
    let learn = |extra: &[&str]| -> String {
        let mut args = vec!["--no-inflections"];
        args.extend_from_slice(extra);
        learn_from(&pairs, &clean, &args)
    };
    let csv = learn(&[]);
    assert!(row(&csv, "retailer").is_none(), "{csv}");
    let table = table.to_str().unwrap();
    let csv = learn(&["--vouched", table]);
    // Vouched for as observed, in two pairs (the default --min-vouched-docs): learned.
    assert!(
        row(&csv, "retailer")
            .unwrap()
            .starts_with("retailer,store,"),
        "{csv}"
    );
    // The table vouches for another original: still three pairs needed.
    assert!(row(&csv, "firm").is_none(), "{csv}");
    // "introduced" was restored to "announced" three times and to "brought" twice, in two
    // pairs each: only the first is safe, (3 + 1) / (3 + 2 + 2) against (2 + 1) / (2 + 3 + 2).
    assert_eq!(
        row(&csv, "introduced").unwrap().split(',').nth(1),
        Some("announced"),
        "{csv}"
    );
    let csv = learn(&["--vouched", table, "--min-vouched-docs", "3"]);
    assert!(row(&csv, "retailer").is_none(), "{csv}");

    // A malformed table is refused, naming its file and line.
    std::fs::write(
        dir.path().join("table.csv"),
        "spun,original,prior\nretailer,store,lots\n",
    )
    .unwrap();
    let out = common::despin()
        .args(["dict", "learn", "--spun"])
        .arg(&pairs)
        .arg("--original")
        .arg(&pairs)
        .args(["--vouched", table])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("table.csv") && err.contains(":2"), "{err}");
}

/// On the team's development set (outside the repository), `despin eval` and the reference
/// scorer give the same counts for every article.
#[test]
fn eval_agrees_with_reference_scorer_on_the_development_set() {
    let root = common::shared_dir().join("eval");
    let dev = root.join("dev");
    if !dev.is_dir() || Std::new("python3").arg("--version").output().is_err() {
        common::skip(
            "eval_agrees_with_reference_scorer_on_the_development_set",
            &format!(
                "the development set {} or python3 is not available",
                dev.display()
            ),
        );
        return;
    }
    let out = common::despin()
        .args(["eval", "--json", "--spun"])
        .arg(&dev)
        .arg("--original")
        .arg(&dev)
        .output()
        .unwrap();
    let ours: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = ours["files"].as_array().unwrap();
    assert!(files.len() >= 10);
    let tmp = tempfile::tempdir().unwrap();
    for f in files {
        let name = f["file"].as_str().unwrap();
        let spun = dev.join(name);
        let reference = dev.join(name.replace(".txt", ".reference.txt"));
        let fixed = common::despin().arg("fix").arg(&spun).output().unwrap();
        let rep = tmp.path().join(name);
        std::fs::write(&rep, &fixed.stdout).unwrap();
        let theirs = reference_score(&root.join("score.py"), &spun, &reference, &rep);
        assert_same_counts(f, &theirs, name);
    }
}

/// `despin dict learn` from the spun/original pairs in `pairs` (both sides in one directory),
/// with the clean sample `clean` if given and the extra `args`, into `into`; the learned CSV.
fn learn_into(pairs: &Path, clean: Option<&Path>, args: &[&str], into: &Path) -> String {
    let mut cmd = common::despin();
    cmd.args(["dict", "learn"])
        .args(args)
        .arg("--spun")
        .arg(pairs)
        .arg("--original")
        .arg(pairs);
    if let Some(clean) = clean {
        cmd.arg("--clean").arg(clean);
    }
    cmd.arg("--into").arg(into).assert().code(0);
    std::fs::read_to_string(into).unwrap()
}

/// [`learn_into`] with the clean sample `clean`, into `learned.csv` beside `pairs`.
fn learn_from(pairs: &Path, clean: &Path, args: &[&str]) -> String {
    learn_into(
        pairs,
        Some(clean),
        args,
        &pairs.with_file_name("learned.csv"),
    )
}

/// The row of `csv` whose spun form is `spun`.
fn row(csv: &str, spun: &str) -> Option<String> {
    csv.lines()
        .find(|l| l.starts_with(&format!("{spun},")))
        .map(String::from)
}
