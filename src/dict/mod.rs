//! Phrase dictionaries: the engine's dictionary types (from `despin-core`), the embedded
//! defaults (from `despin-dicts`) and the dictionary tools of the command line.
//!
//! The embedded dictionaries are layered in the order of `dictionaries/MANIFEST.csv`, lowest
//! first ([`embedded_dicts`]).

pub use despin_core::dict::*;
pub use despin_dicts::{
    default_names, defaults, embedded, embedded_dicts, embedded_names, embedded_set,
};

pub mod check;
pub mod import;
pub mod learn_pairs;
pub mod learn_review;
pub mod stats;
pub mod thesaurus;
