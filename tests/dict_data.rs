//! Data tests of the shipped dictionaries (`dictionaries/`), like typos' `verify.rs`:
//!
//! * `despin dict check` finds no malformed rows, no conflicts and no cycle that is not in
//!   the reviewed allowlist `dictionaries/allowed-cycles.csv` (a new cycle fails, and so does
//!   an allowlist row that no longer matches a cycle);
//! * no row holds an impossible inflection ("howevers", "ats");
//! * `dictionaries/MANIFEST.csv` is the single source of the embedded dictionaries, their
//!   layer order (as loaded, and as `--help` and the README state it), licences and
//!   attributions (as `--version` and `dict stats` show them).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

mod common;
use despin::dict::check::{check_sources, Problem, ProblemKind};
use despin::dict::source::{parse_source, Parsed};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[derive(Debug, serde::Deserialize)]
struct ManifestRow {
    order: u32,
    name: String,
    file: String,
    licence: String,
    attribution: String,
}

fn manifest() -> Vec<ManifestRow> {
    let path = Path::new(ROOT).join("dictionaries/MANIFEST.csv");
    csv::Reader::from_path(&path)
        .unwrap()
        .deserialize()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Every dictionary of the manifest, parsed (named by file name, as the check reports them).
fn sources() -> Vec<(PathBuf, Parsed)> {
    manifest()
        .iter()
        .map(|m| {
            let shown = PathBuf::from(&m.file);
            let data = std::fs::read(Path::new(ROOT).join("dictionaries").join(&m.file)).unwrap();
            let parsed = parse_source(&shown, &data);
            (shown, parsed)
        })
        .collect()
}

/// The problems `despin dict check` finds in all of them, checked together.
fn problems() -> Vec<Problem> {
    check_sources(&sources())
}

fn despin(args: &[&str]) -> String {
    let out = common::despin().args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// Runs of whitespace as one space (help text is wrapped to the terminal).
fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn no_malformed_rows_or_conflicts() {
    let bad: Vec<String> = problems()
        .iter()
        .filter(|p| matches!(p.kind, ProblemKind::Malformed | ProblemKind::Conflict))
        .map(|p| p.to_string())
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn every_cycle_is_reviewed_and_every_allowlist_row_is_current() {
    let sources = sources();
    let spun_at = |file: &Path, line: u64| -> String {
        let (_, parsed) = sources.iter().find(|(p, _)| p == file).unwrap();
        let e = parsed.entries.iter().find(|e| e.line == line);
        e.map(|e| e.spun.clone())
            .unwrap_or_else(|| panic!("no entry at {}:{line}", file.display()))
    };
    // (file, spun, original) of every cycle found.
    let found: BTreeSet<(String, String, String)> = check_sources(&sources)
        .iter()
        .filter(|p| p.kind == ProblemKind::Cycle)
        .map(|p| {
            let original = p
                .message
                .strip_prefix("original \"")
                .and_then(|m| m.split_once('"'))
                .map(|(o, _)| o.to_string())
                .unwrap_or_else(|| panic!("unexpected message: {p}"));
            (
                p.path.display().to_string(),
                spun_at(&p.path, p.line),
                original,
            )
        })
        .collect();
    assert!(!found.is_empty(), "the check found no cycle at all");

    let path = Path::new(ROOT).join("dictionaries/allowed-cycles.csv");
    let mut allowed = BTreeSet::new();
    for (i, row) in csv::Reader::from_path(&path).unwrap().records().enumerate() {
        let row = row.unwrap();
        let line = i + 2;
        assert_eq!(row.len(), 4, "allowed-cycles.csv:{line}: 4 columns");
        assert!(
            !row[3].trim().is_empty(),
            "allowed-cycles.csv:{line}: a reason is required"
        );
        let key = (row[0].to_string(), row[1].to_string(), row[2].to_string());
        assert!(
            allowed.insert(key),
            "allowed-cycles.csv:{line}: listed twice"
        );
    }

    let unlisted: Vec<_> = found.difference(&allowed).collect();
    let stale: Vec<_> = allowed.difference(&found).collect();
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "cycles not in dictionaries/allowed-cycles.csv (fix the data, or list them with a \
         reason): {unlisted:#?}\nallowlist rows that match no cycle any more (remove them): \
         {stale:#?}"
    );
}

/// Rows of `news-learned.csv` with impossible inflections that are known and pending. The file
/// is regenerated with the inflection table (issue 9, item 6), so none are left.
const PENDING_NEWS_LEARNED: &[&str] = &[];

#[test]
fn no_impossible_inflections() {
    let mut pending: Vec<&str> = Vec::new();
    let mut bad = Vec::new();
    for p in problems()
        .iter()
        .filter(|p| p.kind == ProblemKind::Inflection)
    {
        let word = p.message.split('"').nth(3).unwrap_or_default();
        match PENDING_NEWS_LEARNED.iter().find(|w| **w == word) {
            Some(w) if p.path == Path::new("news-learned.csv") => pending.push(w),
            _ => bad.push(p.to_string()),
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    let mut expected = PENDING_NEWS_LEARNED.to_vec();
    expected.sort_unstable();
    pending.sort_unstable();
    assert_eq!(
        pending, expected,
        "PENDING_NEWS_LEARNED lists words no longer in news-learned.csv: remove them"
    );
}

#[test]
fn layer_order_is_the_manifest_order_everywhere() {
    let rows = manifest();
    assert!(!rows.is_empty());
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.order as usize, i + 1, "{r:?}");
    }
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    let loaded = despin::dict::defaults().unwrap();
    let loaded: Vec<&str> = loaded.layers().iter().map(|d| d.name()).collect();
    assert_eq!(loaded, names);
    assert_eq!(despin::dict::embedded_names(), names);

    // Help and README state the same order, lowest layer first.
    let stated = names.join(", ");
    let help = squeeze(&despin(&["scan", "--help"]));
    assert!(
        help.contains(&format!("lowest layer first: {stated})")),
        "{help}"
    );
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    let top = squeeze(&despin(&["--help"]));
    assert!(
        top.contains(&format!("layered lowest first: {};", quoted.join(", "))),
        "{top}"
    );
    let readme = squeeze(&std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap());
    assert!(
        readme.contains(&format!(
            "layered in this order, lowest first: {}",
            quoted.join(", ")
        )),
        "README does not state the layer order {stated}"
    );
}

#[test]
fn every_dictionary_file_is_in_the_manifest() {
    let listed: BTreeSet<String> = manifest().into_iter().map(|r| r.file).collect();
    let meta = ["MANIFEST.csv", "allowed-cycles.csv"];
    let on_disk: BTreeSet<String> = std::fs::read_dir(Path::new(ROOT).join("dictionaries"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv") && !meta.contains(&n.as_str()))
        .collect();
    assert_eq!(on_disk, listed);
}

#[test]
fn licences_and_attributions_are_shown() {
    let rows = manifest();
    let version = despin(&["--version"]);
    let stats = despin(&["dict", "stats", "--no-config"]);
    assert!(version.contains(&format!("despin {}", env!("CARGO_PKG_VERSION"))));
    assert!(version.contains("Licence: MIT OR Apache-2.0"), "{version}");
    // The context model's sources: symspellpy's lists (MIT) and CMU Sphinx's trigram model
    // (BSD-2-Clause, whose notice must travel with the binary).
    assert!(
        version.contains("Context model (dictionaries/lm): ")
            && version.contains("symspellpy 6.10.1 (MIT")
            && version.contains("BSD-2-Clause; Copyright 1995-2014 Carnegie Mellon University"),
        "{version}"
    );
    let mut attributed = 0;
    for r in &rows {
        assert!(version.contains(&format!("{} ({}): {}", r.name, r.file, r.licence)));
        assert!(
            stats.contains(&format!("  licence: {}", r.licence)),
            "{stats}"
        );
        if !r.attribution.is_empty() {
            attributed += 1;
            assert!(version.contains(&r.attribution), "{version}");
            assert!(
                stats.contains(&format!("  attribution: {}", r.attribution)),
                "{stats}"
            );
        }
    }
    // The science data is CC BY: its attribution is required wherever it ships.
    let science = rows.iter().find(|r| r.name == "science").unwrap();
    assert!(science.licence.starts_with("CC-BY"));
    assert!(science.attribution.contains("Problematic Paper Screener"));
    assert!(science.attribution.contains("Cabanac"));
    assert!(attributed >= 1);
}

#[test]
fn licence_files_match_the_declared_licence() {
    let cargo = std::fs::read_to_string(Path::new(ROOT).join("Cargo.toml")).unwrap();
    assert!(cargo.contains("license = \"MIT OR Apache-2.0\""));
    let mit = std::fs::read_to_string(Path::new(ROOT).join("LICENSE-MIT")).unwrap();
    assert!(mit.contains("Permission is hereby granted, free of charge"));
    let apache = std::fs::read_to_string(Path::new(ROOT).join("LICENSE-APACHE")).unwrap();
    assert!(apache.contains("Apache License") && apache.contains("Version 2.0, January 2004"));
}
