//! Compiles the context model's cost table (`dictionaries/lm/en-bigram.tsv` at the top of the
//! workspace, written by `dictionaries/tools/build_lm.py`) into an FST map from word or word
//! pair to cost, plus its `#!` constants as Rust constants (see `src/lm.rs`).
//!
//! The table is compiled here, not in `despin-dicts`, because the scanner's context model is
//! part of the engine's behaviour (every scan uses it) and `despin-dicts` builds on this
//! crate, so this crate cannot depend on it.

use std::{env, fs, path::Path};

fn main() {
    let out_dir = env::var("OUT_DIR").unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    build_context_model(&root, &out_dir);
}

fn build_context_model(root: &Path, out_dir: &str) {
    let label = Path::new("dictionaries/lm/en-bigram.tsv");
    let src = root.join(label);
    println!("cargo:rerun-if-changed={}", src.display());
    let text = fs::read_to_string(&src).expect("dictionaries/lm/en-bigram.tsv");
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
            .unwrap_or_else(|| panic!("{}:{}: no tab", label.display(), n + 1));
        let cost: u64 = cost
            .parse()
            .unwrap_or_else(|e| panic!("{}:{}: {e}", label.display(), n + 1));
        map.insert(key, cost)
            .unwrap_or_else(|e| panic!("{}:{}: {e}", label.display(), n + 1));
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
