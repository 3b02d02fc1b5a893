//! Compiles the context model's cost tables (`dictionaries/lm/en-bigram.tsv.xz` and
//! `en-trigram.tsv.xz` at the top of the workspace, written by `dictionaries/tools/build_lm.py`
//! and `build_trigram.py`) into a word-id FST and packed arrays by word id each (see
//! `write_by_ids`), plus their `#!` constants as Rust constants (see `src/lm.rs`).
//!
//! The table is compiled here, not in `despin-dicts`, because the scanner's context model is
//! part of the engine's behaviour (every scan uses it) and `despin-dicts` builds on this
//! crate, so this crate cannot depend on it.

use std::{env, fs, path::Path};

fn main() {
    let out_dir = env::var("OUT_DIR").unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    build_context_model(&root, &out_dir, "en-bigram.tsv.xz", "lm");
    build_context_model(&root, &out_dir, "en-trigram.tsv.xz", "lm3");
}

/// One n-gram of a model: its words, cost and back-off cost.
type Gram<'a> = (Vec<&'a str>, i64, i64);

/// Writes a model (of words and up to three-word n-grams) as `{name}-words.fst` (word -> word
/// id, ids in key order) and arrays of little-endian `u32` read in place by `src/lm.rs`:
///
/// * `uni`: per word id its value;
/// * `bi-start`: per word id where its run of listed bigrams starts (one more than there are
///   words); `bi`: the bigrams, each the second word's id in the low `NEXT_BITS` bits and the
///   index of its value in `bi-vals` above them, laid out as in `lay_out`; a bigram's
///   position in `bi` is its index in the arrays below;
/// * `tri-has`, `tri-rank`: a bit per position of `bi`, set when trigrams continue the bigram
///   there, and per 32 bits the number set before, so a bigram's rank among those with
///   trigrams is found in constant time; `tri-start`: per such bigram where its run of
///   trigrams starts (plus the end); `tri`: the trigrams, packed and laid out as `bi`, with
///   values in `tri-vals`.
///
/// A value is the cost in its low 16 bits and the back-off cost as `i16` in its high 16 bits;
/// a model has few distinct values (Sphinx quantises them), so each n-gram stores an index
/// into its order's table of them, and an n-gram lookup is a search among the continuations
/// of its history, not an FST walk over its bytes. Every listed trigram's first two words
/// must be a listed bigram and every n-gram's words listed words (as in any ARPA model;
/// checked here). Returns `NEXT_BITS`.
fn write_by_ids(out_dir: &str, label: &Path, grams: &[Gram<'_>], name: &str) -> u32 {
    let mut words: Vec<(&str, i64, i64)> = grams
        .iter()
        .filter(|g| g.0.len() == 1)
        .map(|g| (g.0[0], g.1, g.2))
        .collect();
    words.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut fst = fst::MapBuilder::memory();
    let mut id_of = std::collections::HashMap::new();
    for (id, w) in words.iter().enumerate() {
        fst.insert(w.0, id as u64)
            .unwrap_or_else(|e| panic!("{}: {e}", label.display()));
        id_of.insert(w.0, id as u32);
    }
    let next_bits = u32::BITS - (words.len() as u32).leading_zeros();
    let id = |w: &str| -> u32 {
        *id_of
            .get(w)
            .unwrap_or_else(|| panic!("{}: {w:?} is in an n-gram but not listed", label.display()))
    };
    let value = |cost: i64, backoff: i64| -> u32 {
        assert!(
            (0..1 << 16).contains(&cost) && i16::try_from(backoff).is_ok(),
            "{}: value out of range",
            label.display()
        );
        cost as u32 | u32::from(backoff as i16 as u16) << 16
    };
    assert!(
        grams.iter().all(|g| (1..=3).contains(&g.0.len())),
        "{}: n-grams have one to three words",
        label.display()
    );
    let mut bigrams: Vec<(u32, u32, u32)> = grams
        .iter()
        .filter(|g| g.0.len() == 2)
        .map(|g| (id(g.0[0]), id(g.0[1]), value(g.1, g.2)))
        .collect();
    bigrams.sort_unstable();
    let (bigrams, bi_starts) = lay_out(&bigrams, words.len());
    let bigram_index: std::collections::HashMap<(u32, u32), u32> = bigrams
        .iter()
        .enumerate()
        .filter_map(|(i, b)| b.map(|b| ((b.0, b.1), i as u32)))
        .collect();
    let mut trigrams: Vec<(u32, u32, u32)> = grams
        .iter()
        .filter(|g| g.0.len() == 3)
        .map(|g| {
            let history = (id(g.0[0]), id(g.0[1]));
            let Some(&b) = bigram_index.get(&history) else {
                panic!("{}: trigram {:?} without its bigram", label.display(), g.0);
            };
            (b, id(g.0[2]), value(g.1, g.2))
        })
        .collect();
    trigrams.sort_unstable();
    let write = |part: &str, xs: &mut dyn Iterator<Item = u32>| {
        let bytes: Vec<u8> = xs.flat_map(u32::to_le_bytes).collect();
        fs::write(Path::new(out_dir).join(format!("{name}-{part}.bin")), bytes).unwrap();
    };
    // An order's laid-out n-grams as (continuation id | value index << next_bits), padding as
    // `padding`, and its values.
    let padding = (1 << next_bits) - 1;
    assert!(words.len() < padding as usize, "padding is no word id");
    let packed = |grams: &[Option<(u32, u32, u32)>], order: &str| -> (Vec<u32>, Vec<u32>) {
        let mut vals: Vec<u32> = grams.iter().flatten().map(|g| g.2).collect();
        vals.sort_unstable();
        vals.dedup();
        assert!(
            (vals.len() as u64) < 1 << (32 - next_bits),
            "{}: {} distinct {order} values do not fit beside {next_bits}-bit word ids",
            label.display(),
            vals.len()
        );
        let entries = grams
            .iter()
            .map(|g| match g {
                Some(g) => g.1 | (vals.binary_search(&g.2).unwrap() as u32) << next_bits,
                None => padding,
            })
            .collect();
        (entries, vals)
    };
    write("uni", &mut words.iter().map(|w| value(w.1, w.2)));
    write("bi-start", &mut bi_starts.into_iter());
    let (bi, bi_vals) = packed(&bigrams, "bigram");
    write("bi", &mut bi.into_iter());
    write("bi-vals", &mut bi_vals.into_iter());
    // Bigrams that trigrams continue, as a bit set with ranks (a model without trigrams, the
    // word-pair model, has none).
    let words_of_bits = if trigrams.is_empty() {
        0
    } else {
        bigrams.len().div_ceil(32)
    };
    let mut has = vec![0u32; words_of_bits];
    for t in &trigrams {
        has[t.0 as usize / 32] |= 1 << (t.0 % 32);
    }
    let mut rank = Vec::with_capacity(has.len());
    let mut before = 0u32;
    for w in &has {
        rank.push(before);
        before += w.count_ones();
    }
    // Trigram runs by the rank of their bigram.
    let mut contexts: Vec<u32> = trigrams.iter().map(|t| t.0).collect();
    contexts.dedup();
    let (trigrams, tri_starts) = if trigrams.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        let rank_of: std::collections::HashMap<u32, u32> = contexts
            .iter()
            .enumerate()
            .map(|(r, &b)| (b, r as u32))
            .collect();
        let by_rank: Vec<(u32, u32, u32)> =
            trigrams.iter().map(|t| (rank_of[&t.0], t.1, t.2)).collect();
        lay_out(&by_rank, contexts.len())
    };
    write("tri-has", &mut has.into_iter());
    write("tri-rank", &mut rank.into_iter());
    write("tri-start", &mut tri_starts.into_iter());
    let (tri, tri_vals) = packed(&trigrams, "trigram");
    write("tri", &mut tri.into_iter());
    write("tri-vals", &mut tri_vals.into_iter());
    fs::write(
        Path::new(out_dir).join(format!("{name}-words.fst")),
        fst.into_inner().unwrap(),
    )
    .unwrap();
    next_bits
}

/// Runs of up to this many n-grams are sorted; longer ones are laid out as search trees of
/// [`NODE`]-entry nodes (see `lay_out`).
const LONG_RUN: usize = 256;

/// Entries of a node of a long run's search tree: 64 bytes of `u32`, one cache line.
const NODE: usize = 16;

/// An n-gram as laid out: `Some((history, continuation id, value))`, or `None` for padding.
type Laid = Option<(u32, u32, u32)>;

/// Lays out `grams` (sorted by history, `.0`, below `histories`, then by continuation) as one
/// run per history, and returns the entries and per history where its run starts (plus the
/// end). A run of up to [`LONG_RUN`] n-grams is sorted by continuation, for a binary search.
/// A longer run is padded to whole nodes of [`NODE`] entries and laid out as an implicit
/// B-tree (as in Khuong and Morin, "Array layouts for comparison-based searching"): its
/// first entries up to the next multiple of [`NODE`] are padding, then node `i` (counted
/// from there) holds its [`NODE`] keys in ascending order, and its child `j` (`0..=NODE`),
/// node `i * (NODE + 1) + 1 + j` if there are that many nodes, holds the keys between its
/// keys `j - 1` and `j`; the padding after the run's n-grams sorts last. The embedded arrays
/// are aligned to 64 bytes (`src/lm.rs`), so a node is one cache line and a lookup in a run of
/// 30,000 n-grams reads three or four lines, where a binary search reads about a dozen. Padding
/// holds no n-gram and is written as the all-ones word id, which no word has.
fn lay_out(grams: &[(u32, u32, u32)], histories: usize) -> (Vec<Laid>, Vec<u32>) {
    /// Writes `sorted` into the subtree of `tree` rooted at node `i`, in order.
    fn fill(sorted: &mut dyn Iterator<Item = Laid>, tree: &mut [Laid], i: usize) {
        if i * NODE < tree.len() {
            for j in 0..NODE {
                fill(sorted, tree, i * (NODE + 1) + 1 + j);
                tree[i * NODE + j] = sorted.next().unwrap();
            }
            fill(sorted, tree, i * (NODE + 1) + 1 + NODE);
        }
    }
    let mut out: Vec<Laid> = Vec::with_capacity(grams.len());
    let mut starts = Vec::with_capacity(histories + 1);
    let mut rest = grams;
    for h in 0..histories as u32 {
        let n = rest.iter().take_while(|g| g.0 == h).count();
        let (run, tail) = rest.split_at(n);
        rest = tail;
        starts.push(out.len() as u32);
        if n <= LONG_RUN {
            out.extend(run.iter().map(|&g| Some(g)));
            continue;
        }
        out.resize(out.len().next_multiple_of(NODE), None);
        let tree = out.len();
        out.resize(tree + n.next_multiple_of(NODE), None);
        let mut sorted = run.iter().map(|&g| Some(g)).chain(std::iter::repeat(None));
        fill(&mut sorted, &mut out[tree..], 0);
    }
    assert!(rest.is_empty(), "n-grams sorted by history");
    starts.push(out.len() as u32);
    (out, starts)
}

/// The text of a cost table, kept xz-compressed in the repository (see
/// `dictionaries/tools/lm_tsv.py`).
fn read_table(path: &Path) -> Result<String, String> {
    let bytes = fs::read(path).map_err(|e| e.to_string())?;
    let mut text = Vec::new();
    lzma_rs::xz_decompress(&mut &bytes[..], &mut text).map_err(|e| e.to_string())?;
    String::from_utf8(text).map_err(|e| e.to_string())
}

/// Compiles `dictionaries/lm/{file}` into the files of `write_by_ids` and `{name}.rs`. A line
/// is `KEY<TAB>COST` or `KEY<TAB>COST<TAB>BACKOFF` (the trigram model's back-off cost, which
/// may be negative; 0 where absent).
fn build_context_model(root: &Path, out_dir: &str, file: &str, name: &str) {
    let label = Path::new("dictionaries/lm").join(file);
    let src = root.join(&label);
    println!("cargo:rerun-if-changed={}", src.display());
    let text = read_table(&src).unwrap_or_else(|e| panic!("{}: {e}", label.display()));
    let mut consts = String::new();
    let mut grams: Vec<Gram<'_>> = Vec::new();
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
        grams.push((key.split(' ').collect(), cost, backoff));
    }
    let include = |name: &str, doc: &str, file: String| {
        let path = Path::new(out_dir).join(file).display().to_string();
        format!("/// {doc}\npub static {name}: &[u8] = include_bytes!({path:?});\n")
    };
    // The arrays start on a cache line (`super::Aligned` in `src/lm.rs`), for `lay_out`'s nodes.
    let include_aligned = |name: &str, doc: &str, file: String| {
        let path = Path::new(out_dir).join(file).display().to_string();
        format!(
            "/// {doc}\npub static {name}: &[u8] = &super::Aligned(*include_bytes!({path:?})).0;\n"
        )
    };
    let next_bits = write_by_ids(out_dir, &label, &grams, name);
    consts.push_str(&format!(
        "/// Bits of a packed n-gram that hold its continuation's word id (see `build.rs`).\n\
         pub const NEXT_BITS: u32 = {next_bits};\n\
         /// Runs of more n-grams than this are search trees (see `build.rs`, `lay_out`).\n\
         pub const LONG_RUN: usize = {LONG_RUN};\n\
         /// Entries of a node of a long run's search tree.\n\
         pub const NODE: usize = {NODE};\n"
    ));
    let words = include(
        "WORDS",
        "Word -> word id (FST map).",
        format!("{name}-words.fst"),
    );
    consts.push_str(&words);
    for part in [
        "uni",
        "bi-start",
        "bi",
        "bi-vals",
        "tri-has",
        "tri-rank",
        "tri-start",
        "tri",
        "tri-vals",
    ] {
        let name_of = part.replace('-', "_").to_uppercase();
        let doc = format!("The `{part}` array (see `build.rs`).");
        consts.push_str(&include_aligned(
            &name_of,
            &doc,
            format!("{name}-{part}.bin"),
        ));
    }
    fs::write(Path::new(out_dir).join(format!("{name}.rs")), consts).unwrap();
}
