//! Compiles `dictionaries/*.csv` (at the top of the workspace) into despin's binary dictionary
//! format at build time, so the default dictionaries are embedded in the binary. It uses
//! `despin-core`'s own parser, normaliser and encoder (a build dependency), so build-time and
//! run-time keys are identical.
//!
//! Which files are embedded, in which layer order, under which licence and attribution, is
//! read from `dictionaries/MANIFEST.csv` (never from a directory listing), so the order is
//! explicit and reviewable.
//!
//! It also inflects the pairs of the discovery thesaurus (`dictionaries/thesaurus.tsv`) with
//! `despin-core`'s lexicon, so that cost is paid when despin is built, not by every process
//! that discovers something.

use std::{env, fs, path::Path};

use despin_core::dict;
use despin_core::scan::thesaurus_forms;

fn main() {
    let out_dir = env::var("OUT_DIR").unwrap();
    // The data lives at the top of the workspace; paths in messages and in the generated
    // table stay relative to it (`dictionaries/news.csv`).
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    println!(
        "cargo:rerun-if-changed={}",
        root.join("dictionaries").display()
    );
    let manifest = read_manifest(&root, Path::new("dictionaries/MANIFEST.csv"));
    let mut gen = String::from(
        "/// Dictionaries compiled from `dictionaries/` at build time, in the layer order of\n\
         /// `dictionaries/MANIFEST.csv` (lowest first).\n",
    );
    gen.push_str("pub static EMBEDDED: &[despin_core::dict::Embedded] = &[\n");
    for m in &manifest {
        let path = Path::new("dictionaries").join(&m.file);
        println!("cargo:rerun-if-changed={}", root.join(&path).display());
        let data = fs::read(root.join(&path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
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
            "    despin_core::dict::Embedded {{ name: {:?}, file: {:?}, licence: {:?}, attribution: {:?}, \
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
    write_thesaurus_rows(&root, Path::new(&out_dir));
}

/// The discovery thesaurus's rows with the inflected forms of its pairs
/// (`dictionaries/thesaurus.tsv`, see `despin_core::scan::thesaurus_forms`), written to
/// `OUT_DIR/thesaurus-rows.tsv` so no process inflects them at run time.
fn write_thesaurus_rows(root: &Path, out_dir: &Path) {
    let path = Path::new("dictionaries/thesaurus.tsv");
    println!("cargo:rerun-if-changed={}", root.join(path).display());
    println!(
        "cargo:rerun-if-changed={}",
        root.join("dictionaries/inflections.tsv").display()
    );
    let table =
        fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rows = thesaurus_forms::rows(&table);
    fs::write(
        out_dir.join("thesaurus-rows.tsv"),
        thesaurus_forms::write(&rows),
    )
    .unwrap();
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
fn read_manifest(root: &Path, path: &Path) -> Vec<ManifestRow> {
    println!("cargo:rerun-if-changed={}", root.join(path).display());
    let mut rdr = csv::Reader::from_path(root.join(path))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
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
