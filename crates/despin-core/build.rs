//! Compiles the context model's cost tables (`dictionaries/lm/en-bigram.tsv` and
//! `en-trigram.tsv` at the top of the workspace, written by `dictionaries/tools/build_lm.py`
//! and `build_trigram.py`) into FST maps from n-gram to cost, plus their `#!` constants as
//! Rust constants (see `src/lm.rs`).
//!
//! The table is compiled here, not in `despin-dicts`, because the scanner's context model is
//! part of the engine's behaviour (every scan uses it) and `despin-dicts` builds on this
//! crate, so this crate cannot depend on it.

use std::{env, fs, path::Path};

fn main() {
    let out_dir = env::var("OUT_DIR").unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    build_context_model(&root, &out_dir, "en-bigram.tsv", "lm");
    build_context_model(&root, &out_dir, "en-trigram.tsv", "lm3");
}

/// Compiles `dictionaries/lm/{file}` into `{name}.fst` and `{name}.rs`. A line is
/// `KEY<TAB>COST` or `KEY<TAB>COST<TAB>BACKOFF` (the trigram model's back-off cost, which may
/// be negative); the map's value is `COST | zigzag(BACKOFF) << 16` (zigzag: 0, -1, 1, -2...
/// as 0, 1, 2, 3...), so a line without a back-off is its cost alone and values stay small.
fn build_context_model(root: &Path, out_dir: &str, file: &str, name: &str) {
    let label = Path::new("dictionaries/lm").join(file);
    let src = root.join(&label);
    println!("cargo:rerun-if-changed={}", src.display());
    let text = fs::read_to_string(&src).unwrap_or_else(|e| panic!("{}: {e}", label.display()));
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
        let mut fields = line.split('\t');
        let key = fields.next().unwrap_or_default();
        let mut number = |what: &str| -> i64 {
            fields.next().map_or(0, |f| {
                f.parse()
                    .unwrap_or_else(|e| panic!("{}:{}: {what}: {e}", label.display(), n + 1))
            })
        };
        let cost = number("cost");
        let backoff = number("back-off");
        assert!(
            (0..1 << 16).contains(&cost) && backoff.abs() < 1 << 30,
            "{}:{}: value out of range",
            label.display(),
            n + 1
        );
        let zigzag = ((backoff << 1) ^ (backoff >> 63)) as u64;
        map.insert(key, cost as u64 | zigzag << 16)
            .unwrap_or_else(|e| panic!("{}:{}: {e}", label.display(), n + 1));
    }
    let bytes = map.into_inner().unwrap();
    let out = Path::new(out_dir).join(format!("{name}.fst"));
    fs::write(&out, bytes).unwrap();
    consts.push_str(&format!(
        "/// The compiled cost table.\npub static FST: &[u8] = include_bytes!({:?});\n",
        out.display().to_string()
    ));
    fs::write(Path::new(out_dir).join(format!("{name}.rs")), consts).unwrap();
}
