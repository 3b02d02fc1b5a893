//! The embedded data against its sources: the embedded table is the manifest, row for row,
//! and each embedded dictionary is exactly what `despin-core`'s codec makes of its CSV source
//! today (so a stale build or a codec change that alters the compiled bytes fails here).

use std::path::{Path, PathBuf};

use despin_core::dict::{compiled, Dictionary};

fn dictionaries_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dictionaries")
}

/// `order,name,file,licence,attribution` rows of `dictionaries/MANIFEST.csv`.
fn manifest() -> Vec<[String; 5]> {
    let path = dictionaries_dir().join("MANIFEST.csv");
    let mut rdr = csv::Reader::from_path(&path).unwrap();
    let rows: Vec<[String; 5]> = rdr
        .records()
        .map(|r| {
            let r = r.unwrap();
            std::array::from_fn(|i| r[i].to_string())
        })
        .collect();
    assert!(!rows.is_empty(), "{} lists no dictionary", path.display());
    rows
}

#[test]
fn embedded_table_is_the_manifest_in_order() {
    let rows = manifest();
    let table = despin_dicts::embedded_dicts();
    assert_eq!(table.len(), rows.len());
    for (e, [order, name, file, licence, attribution]) in table.iter().zip(&rows) {
        assert_eq!(
            (e.name, e.file),
            (name.as_str(), file.as_str()),
            "row {order}"
        );
        assert_eq!(e.licence, licence, "{name}");
        assert_eq!(e.attribution, attribution, "{name}");
    }
    let names: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(despin_dicts::embedded_names(), names);
    let set = despin_dicts::defaults().unwrap();
    let layers: Vec<&str> = set.layers().iter().map(|d| d.name()).collect();
    assert_eq!(layers, names, "default layers, lowest first");
}

#[test]
fn each_embedded_dictionary_is_its_source_compiled() {
    for e in despin_dicts::embedded_dicts() {
        compiled::verify(e.bytes).unwrap_or_else(|err| panic!("{}: {err}", e.name));
        let data = std::fs::read(dictionaries_dir().join(e.file)).unwrap();
        let fresh = Dictionary::from_csv_bytes(e.name, Path::new(e.file), &data).unwrap();
        assert!(!fresh.is_empty(), "{} has no entry", e.name);
        assert!(
            fresh.to_bytes() == e.bytes,
            "{}: embedded bytes differ from its source compiled now",
            e.name
        );
        let loaded = despin_dicts::embedded(e.name).unwrap();
        assert_eq!(loaded.len(), fresh.len());
        assert_eq!(loaded.embedded_info().map(|i| i.name), Some(e.name));
    }
}

#[test]
fn unknown_name_lists_the_embedded_ones() {
    let err = despin_dicts::embedded("no-such-dictionary").unwrap_err();
    let msg = err.to_string();
    for name in despin_dicts::embedded_names() {
        assert!(msg.contains(name), "{msg}");
    }
}
