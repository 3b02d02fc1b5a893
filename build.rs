//! Compiles `dictionaries/*.csv` into despin's binary dictionary format at build time, so the
//! default dictionaries are embedded in the binary. It reuses the library's own parser,
//! normaliser and encoder (included by path), so build-time and run-time keys are identical.

use std::{env, fs, path::Path};

#[allow(dead_code)]
#[path = "src/dict/compiled.rs"]
pub mod compiled;
#[allow(dead_code)]
#[path = "src/dict/condition.rs"]
pub mod condition;
#[allow(dead_code)]
#[path = "src/error.rs"]
mod error;
#[allow(dead_code)]
#[path = "src/normalize.rs"]
mod normalize;
#[allow(dead_code)]
#[path = "src/dict/source.rs"]
pub mod source;
/// Mirrors the library's module paths so the included files resolve `crate::dict::...`.
mod dict {
    pub use super::{compiled, condition, source};
}

fn main() {
    let out_dir = env::var("OUT_DIR").unwrap();
    println!("cargo:rerun-if-changed=dictionaries");
    for f in [
        "src/error.rs",
        "src/normalize.rs",
        "src/dict/compiled.rs",
        "src/dict/condition.rs",
        "src/dict/source.rs",
    ] {
        println!("cargo:rerun-if-changed={f}");
    }
    let mut names: Vec<_> = fs::read_dir("dictionaries")
        .expect("dictionaries/ directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    names.sort();
    let mut gen = String::from(
        "/// Dictionaries compiled from `dictionaries/*.csv` at build time: (name, bytes).\n",
    );
    gen.push_str("pub static EMBEDDED: &[(&str, &[u8])] = &[\n");
    for path in &names {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        let data = fs::read(path).unwrap();
        let parsed = dict::source::parse_source(path, &data);
        if !parsed.errors.is_empty() {
            for e in &parsed.errors {
                println!("cargo:warning={e}");
            }
            panic!(
                "{} malformed row(s) in {}",
                parsed.errors.len(),
                path.display()
            );
        }
        let file = path.file_name().unwrap().to_str().unwrap();
        let bytes = dict::compiled::encode(&name, file, &parsed.entries)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let out = Path::new(&out_dir).join(format!("{name}.despin"));
        fs::write(&out, bytes).unwrap();
        gen.push_str(&format!(
            "    ({name:?}, include_bytes!({:?})),\n",
            out.display().to_string()
        ));
    }
    gen.push_str("];\n");
    fs::write(Path::new(&out_dir).join("embedded.rs"), gen).unwrap();
    build_context_model(&out_dir);
}

/// Compiles the context model's cost table (`dictionaries/lm/en-bigram.tsv`, written by
/// `dictionaries/tools/build_lm.py`) into an FST map from word or word pair to cost, plus
/// its `#!` constants as Rust constants (see `src/lm.rs`).
fn build_context_model(out_dir: &str) {
    let src = Path::new("dictionaries/lm/en-bigram.tsv");
    println!("cargo:rerun-if-changed={}", src.display());
    let text = fs::read_to_string(src).expect("dictionaries/lm/en-bigram.tsv");
    let mut consts = String::new();
    let mut map = fst::MapBuilder::memory();
    for (n, line) in text.lines().enumerate() {
        if let Some(c) = line.strip_prefix("#!") {
            let mut it = c.split_whitespace();
            let (name, value) = (it.next().unwrap(), it.next().unwrap());
            let ty = if value.contains('.') { "f32" } else { "u32" };
            consts.push_str(&format!(
                "/// `{name}` from the cost table's header.\npub const {}: {ty} = {value};\n",
                name.to_uppercase()
            ));
            continue;
        }
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let (key, cost) = line
            .split_once('\t')
            .unwrap_or_else(|| panic!("{}:{}: no tab", src.display(), n + 1));
        let cost: u64 = cost
            .parse()
            .unwrap_or_else(|e| panic!("{}:{}: {e}", src.display(), n + 1));
        map.insert(key, cost)
            .unwrap_or_else(|e| panic!("{}:{}: {e}", src.display(), n + 1));
    }
    let bytes = map.into_inner().unwrap();
    let out = Path::new(out_dir).join("lm.fst");
    fs::write(&out, bytes).unwrap();
    consts.push_str(&format!(
        "/// The compiled cost table.\npub static FST: &[u8] = include_bytes!({:?});\n",
        out.display().to_string()
    ));
    fs::write(Path::new(out_dir).join("lm.rs"), consts).unwrap();
}
