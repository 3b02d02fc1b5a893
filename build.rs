//! Compiles `dictionaries/*.csv` into despin's binary dictionary format at build time, so the
//! default dictionaries are embedded in the binary. It reuses the library's own parser,
//! normaliser and encoder (included by path), so build-time and run-time keys are identical.
//!
//! Which files are embedded, in which layer order, under which licence and attribution, is
//! read from `dictionaries/MANIFEST.csv` (never from a directory listing), so the order is
//! explicit and reviewable.

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
    let manifest = read_manifest(Path::new("dictionaries/MANIFEST.csv"));
    let mut gen = String::from(
        "/// Dictionaries compiled from `dictionaries/` at build time, in the layer order of\n\
         /// `dictionaries/MANIFEST.csv` (lowest first).\n",
    );
    gen.push_str("pub static EMBEDDED: &[super::Embedded] = &[\n");
    for m in &manifest {
        let path = Path::new("dictionaries").join(&m.file);
        println!("cargo:rerun-if-changed={}", path.display());
        let data = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let parsed = dict::source::parse_source(&path, &data);
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
        let bytes = dict::compiled::encode(&m.name, &m.file, &parsed.entries)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let out = Path::new(&out_dir).join(format!("{}.despin", m.name));
        fs::write(&out, bytes).unwrap();
        gen.push_str(&format!(
            "    super::Embedded {{ name: {:?}, file: {:?}, licence: {:?}, attribution: {:?}, \
             bytes: include_bytes!({:?}) }},\n",
            m.name,
            m.file,
            m.licence,
            m.attribution,
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

/// One row of `dictionaries/MANIFEST.csv`.
#[derive(serde::Deserialize)]
struct ManifestRow {
    order: u32,
    name: String,
    file: String,
    licence: String,
    attribution: String,
}

/// The manifest's rows, checked: `order` counts 1, 2, 3... down the file, names are unique,
/// and each file is a `.csv` directly in `dictionaries/`.
fn read_manifest(path: &Path) -> Vec<ManifestRow> {
    println!("cargo:rerun-if-changed={}", path.display());
    let mut rdr =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut rows: Vec<ManifestRow> = Vec::new();
    for (i, row) in rdr.deserialize().enumerate() {
        let line = i + 2;
        let row: ManifestRow = row.unwrap_or_else(|e| panic!("{}:{line}: {e}", path.display()));
        let fail = |why: &str| -> ! { panic!("{}:{line}: {why}", path.display()) };
        if row.order as usize != i + 1 {
            fail(&format!(
                "order {} where {} was expected (rows are listed in layer order)",
                row.order,
                i + 1
            ));
        }
        if rows.iter().any(|r| r.name == row.name) {
            fail(&format!("dictionary name {:?} listed twice", row.name));
        }
        if !row.file.ends_with(".csv") || row.file.contains('/') {
            fail(&format!(
                "file {:?} is not a .csv file in dictionaries/",
                row.file
            ));
        }
        if row.licence.trim().is_empty() {
            fail("licence is empty");
        }
        rows.push(row);
    }
    rows
}
