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
}
