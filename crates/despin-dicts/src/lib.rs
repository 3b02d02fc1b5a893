//! despin's default dictionaries, embedded in the program.
//!
//! `build.rs` compiles each dictionary listed in `dictionaries/MANIFEST.csv` (at the top of
//! the workspace) with `despin-core`'s own parser and encoder, in the manifest's order, which
//! is the layer order (lowest first): a later layer wins over an earlier one on the same span.
//! The manifest also records each dictionary's licence and the attribution it requires.
//! It also inflects the discovery thesaurus's pairs ([`thesaurus_rows`]), so no process pays
//! for that at run time.
//!
//! ```
//! let set = despin_dicts::defaults().unwrap();
//! assert_eq!(set.layers().len(), despin_dicts::embedded_names().len());
//! ```
#![deny(missing_docs)]

use despin_core::dict::{DictSet, Dictionary, Embedded};
use despin_core::scan::discover::ThesaurusRow;
use despin_core::scan::thesaurus_forms;
use despin_core::Result;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The dictionaries embedded in this build, in layer order (lowest first), which is the
/// order of `dictionaries/MANIFEST.csv`.
pub fn embedded_dicts() -> &'static [Embedded] {
    embedded::EMBEDDED
}

/// Names of the dictionaries embedded in this build, in layer order (lowest first).
pub fn embedded_names() -> Vec<&'static str> {
    embedded::EMBEDDED.iter().map(|e| e.name).collect()
}

/// Dictionaries used when the user names none: every embedded one, in layer order.
pub fn default_names() -> Vec<&'static str> {
    embedded_names()
}

/// An embedded dictionary by name ([`despin_core::Error::UnknownDictionary`] for a name not
/// embedded).
pub fn embedded(name: &str) -> Result<Dictionary> {
    Dictionary::embedded_in(embedded::EMBEDDED, name)
}

/// Embedded dictionaries by name, layered in the order given.
pub fn embedded_set(names: &[&str]) -> Result<DictSet> {
    let mut set = DictSet::new();
    for n in names {
        set.push(embedded(n)?);
    }
    Ok(set)
}

/// The rows of the discovery thesaurus `dictionaries/thesaurus.tsv` with the inflected forms
/// of its pairs, as [`thesaurus_forms::rows`] gives them: computed by `build.rs`, so reading
/// them is all that is left at run time.
pub fn thesaurus_rows() -> Vec<ThesaurusRow> {
    thesaurus_forms::read(include_str!(concat!(
        env!("OUT_DIR"),
        "/thesaurus-rows.tsv"
    )))
}

/// The default embedded dictionaries, in layer order.
pub fn defaults() -> Result<DictSet> {
    embedded_set(&default_names())
}
