//! The architecture's rules, checked on the sources (issue 12): module dependencies between
//! the top-level modules of each crate point one way (no cycle), the engine crate depends on
//! no CLI, terminal, walking or HTML crate (not even through another crate), and build
//! scripts include no library file by `#[path]`.
//!
//! Dependencies are read from the sources as text: every `crate::NAME` path (in `use` lines
//! and in code, braces included: `use crate::{a, b::c}`) and every `super::` path that leaves
//! a top-level module, with comments and string literals left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The code of a Rust source without comments, string literals and character literals
/// (each replaced by a space), so paths in documentation or messages are not dependencies.
fn code_only(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &src[i..];
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            // Block comments nest in Rust.
            let mut depth = 0;
            while i < b.len() {
                if src[i..].starts_with("/*") {
                    depth += 1;
                    i += 2;
                } else if src[i..].starts_with("*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if let Some(hashes) = raw_string_start(rest) {
            let close = format!("\"{}", "#".repeat(hashes));
            let body = i + hashes + 2;
            i = src[body..]
                .find(&close)
                .map_or(b.len(), |k| body + k + close.len());
            out.push(' ');
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push(' ');
        } else if let Some(len) = char_literal_len(rest) {
            i += len;
            out.push(' ');
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// `r"`, `r#"`, `br##"`...: the number of `#`s of a raw string starting here.
fn raw_string_start(s: &str) -> Option<usize> {
    let s = s.strip_prefix('b').unwrap_or(s);
    let s = s.strip_prefix('r')?;
    let hashes = s.bytes().take_while(|&c| c == b'#').count();
    (s.as_bytes().get(hashes) == Some(&b'"')).then_some(hashes)
}

/// The length of a character literal starting here (`'x'`, `'\n'`, `'\u{1F600}'`), or `None`
/// for a lifetime (`'a`).
fn char_literal_len(s: &str) -> Option<usize> {
    let rest = s.strip_prefix('\'')?;
    if let Some(esc) = rest.strip_prefix('\\') {
        let end = esc.find('\'')?;
        return Some(2 + end + 1);
    }
    let c = rest.chars().next()?;
    rest[c.len_utf8()..]
        .starts_with('\'')
        .then_some(1 + c.len_utf8() + 1)
}

/// The top-level modules `code` (a file of module `module`, a path from the crate root)
/// depends on: `crate::NAME`, and `super::` paths that reach the crate root.
fn dependencies(code: &str, module: &[String]) -> BTreeSet<String> {
    let mut deps = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let word_start = |at: usize| {
        at == 0 || {
            let c = code[..at].chars().next_back().unwrap();
            !(c.is_alphanumeric() || c == '_' || c == ':')
        }
    };
    // `crate::a`, `crate::{a, b::c}`.
    let push_paths = |after: &str, deps: &mut BTreeSet<String>| {
        let after = after.trim_start();
        if let Some(group) = after.strip_prefix('{') {
            let mut depth = 0;
            let mut start = true;
            for (k, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && !c.is_whitespace() => {
                        let name = ident(&group[k..]);
                        if !name.is_empty() && name != "self" {
                            deps.insert(name);
                        }
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(after);
            if !name.is_empty() {
                deps.insert(name);
            }
        }
    };
    for (at, _) in code.match_indices("crate::") {
        if word_start(at) {
            push_paths(&code[at + "crate::".len()..], &mut deps);
        }
    }
    // `super::super::x` from module a::b::c is a::x; from a top-level module, `super::x` is x.
    let mut at = 0;
    while let Some(k) = code[at..].find("super::") {
        let start = at + k;
        at = start + "super::".len();
        if !word_start(start) {
            continue;
        }
        let mut ups = 1;
        while code[at..].starts_with("super::") {
            ups += 1;
            at += "super::".len();
        }
        if ups == module.len() {
            push_paths(&code[at..], &mut deps);
        } else if ups < module.len() && module.len() - ups >= 1 {
            deps.insert(module[0].clone());
        }
    }
    deps
}

/// The module path of a source file below a crate's `src` (`dict/mod.rs` is `dict`,
/// `dict/walk.rs` is `dict::walk`; the crate root is empty).
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The dependency graph between the top-level modules of the crate rooted at `src`, leaving
/// out the files under `skip` (another crate sharing the directory: the binary's `cli`).
fn crate_graph(src: &Path, skip: &[&str]) -> Graph {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut graph = Graph::new();
    for f in files {
        let rel = f.strip_prefix(src).unwrap();
        let module = module_of(rel);
        let Some(top) = module.first() else {
            continue; // the crate root declares modules; it is above them all
        };
        if skip.contains(&top.as_str()) || rel == Path::new("main.rs") {
            continue;
        }
        let code = code_only(&std::fs::read_to_string(&f).unwrap());
        let deps = graph.entry(top.clone()).or_default();
        deps.extend(
            dependencies(&code, &module)
                .into_iter()
                .filter(|d| d != top),
        );
    }
    graph
}

/// A cycle of `graph` (its modules in order, the first repeated at the end), if it has one.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        n: &str,
        graph: &Graph,
        marks: &mut BTreeMap<String, Mark>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(n) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let from = path.iter().position(|p| p == n).unwrap();
                let mut cycle = path[from..].to_vec();
                cycle.push(n.to_string());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(n.to_string(), Mark::Open);
        path.push(n.to_string());
        for m in graph.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, graph, marks, path) {
                return Some(c);
            }
        }
        path.pop();
        marks.insert(n.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut marks, &mut Vec::new()))
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn no_module_cycles_in_any_crate() {
    for (src, skip) in [
        (root().join("src"), &["cli"][..]),
        (root().join("crates/despin-core/src"), &[][..]),
        (root().join("crates/despin-dicts/src"), &[][..]),
    ] {
        let graph = crate_graph(&src, skip);
        if let Some(cycle) = find_cycle(&graph) {
            panic!(
                "module cycle in {}: {}\n{graph:#?}",
                src.display(),
                cycle.join(" -> ")
            );
        }
    }
    // The binary's modules (src/cli) form a crate of their own above the library.
    let cli = crate_graph(&root().join("src/cli"), &[]);
    assert!(!cli.is_empty());
    if let Some(cycle) = find_cycle(&cli) {
        panic!("module cycle in src/cli: {}", cycle.join(" -> "));
    }
}

#[test]
fn the_graph_is_read_from_real_dependencies() {
    // A known edge of each kind, so an empty or broken parse cannot pass the cycle test.
    let graph = crate_graph(&root().join("src"), &["cli"]);
    assert!(graph["batch"].contains("walk"), "{:?}", graph["batch"]);
    assert!(graph["review_page"].contains("review"));
    let core = crate_graph(&root().join("crates/despin-core/src"), &[]);
    assert!(core["scan"].contains("dict"), "{:?}", core["scan"]);
    assert!(!core["normalize"].contains("scan"));
}

#[test]
fn the_cycle_finder_finds_cycles_and_only_cycles() {
    let graph = |edges: &[(&str, &str)]| {
        let mut g = Graph::new();
        for (a, b) in edges {
            g.entry(a.to_string()).or_default().insert(b.to_string());
            g.entry(b.to_string()).or_default();
        }
        g
    };
    let dag = graph(&[("cli", "batch"), ("batch", "walk"), ("cli", "walk")]);
    assert_eq!(find_cycle(&dag), None);
    let cyclic = graph(&[("a", "b"), ("b", "c"), ("c", "a"), ("a", "d")]);
    assert_eq!(
        find_cycle(&cyclic).unwrap(),
        ["a", "b", "c", "a"].map(String::from)
    );
    // The same cycle found from sources: dict uses scan, scan uses dict.
    let m = |s: &str| s.split("::").map(String::from).collect::<Vec<_>>();
    let mut g = Graph::new();
    g.insert(
        "dict".into(),
        dependencies(
            &code_only("use super::scan::Finding; // crate::lm\n"),
            &m("dict"),
        ),
    );
    g.insert(
        "scan".into(),
        dependencies(
            &code_only("use crate::{case, dict::DictSet};\nlet s = \"crate::repair\";"),
            &m("scan"),
        ),
    );
    assert_eq!(g["dict"], BTreeSet::from(["scan".to_string()]));
    assert_eq!(
        g["scan"],
        BTreeSet::from(["case".to_string(), "dict".to_string()])
    );
    assert!(find_cycle(&g).is_some());
    // A deeper module's `super::` stays inside its top-level module.
    assert_eq!(
        dependencies(
            &code_only("use super::walk::Walker; use super::super::lm;"),
            &m("dict::source")
        ),
        BTreeSet::from(["dict".to_string(), "lm".to_string()])
    );
    assert_eq!(char_literal_len("'\"' x"), Some(3));
    assert_eq!(char_literal_len("'a b"), None);
    assert_eq!(
        code_only("a /* b /* c */ d */ e r#\"f\"# 'g' 'h"),
        "a   e     'h"
    );
}

/// Every package `name` depends on, directly or through others (normal, build and dev
/// dependencies as Cargo.lock records them: all of them, so nothing hides).
fn dependency_closure(lock: &toml::Table, name: &str) -> BTreeSet<String> {
    let packages = lock["package"].as_array().unwrap();
    let deps_of = |n: &str| -> Vec<String> {
        packages
            .iter()
            .filter(|p| p["name"].as_str() == Some(n))
            .flat_map(|p| p.get("dependencies").and_then(|d| d.as_array()).cloned())
            .flatten()
            .map(|d| {
                // "name" or "name version" when several versions are locked.
                d.as_str().unwrap().split(' ').next().unwrap().to_string()
            })
            .collect()
    };
    let mut seen = BTreeSet::new();
    let mut todo = vec![name.to_string()];
    while let Some(n) = todo.pop() {
        for d in deps_of(&n) {
            if seen.insert(d.clone()) {
                todo.push(d);
            }
        }
    }
    seen
}

#[test]
fn the_engine_depends_on_no_cli_terminal_walking_or_html_crate() {
    let read = |p: &str| -> toml::Table {
        toml::from_str(&std::fs::read_to_string(root().join(p)).unwrap()).unwrap()
    };
    let manifest = read("crates/despin-core/Cargo.toml");
    let forbidden = ["clap", "indicatif", "anyhow", "ignore", "lol_html"];
    for table in ["dependencies", "build-dependencies"] {
        let names: Vec<&String> = manifest
            .get(table)
            .and_then(|t| t.as_table())
            .map(|t| t.keys().collect())
            .unwrap_or_default();
        for f in forbidden {
            assert!(
                !names.iter().any(|n| *n == f),
                "despin-core's [{table}] names {f}"
            );
        }
    }
    // Nor through another crate.
    let lock = read("Cargo.lock");
    let closure = dependency_closure(&lock, "despin-core");
    assert!(closure.contains("fst"), "{closure:?}");
    for f in forbidden {
        assert!(
            !closure.contains(f),
            "despin-core depends on {f} through {closure:?}"
        );
    }
    // The root package does use them: the check is not vacuous.
    assert!(dependency_closure(&lock, "despin").contains("clap"));
}

#[test]
fn build_scripts_include_no_library_file_by_path() {
    for dir in ["crates/despin-core", "crates/despin-dicts", "."] {
        let build = root().join(dir).join("build.rs");
        if let Ok(code) = std::fs::read_to_string(&build) {
            assert!(
                !code_only(&code).contains("#[path"),
                "{} includes files by #[path]",
                build.display()
            );
        }
    }
}
