//! Learning dictionary entries from aligned spun/original document pairs.
//!
//! Users who hold originals of some spun articles can teach despin the spinner's table: each
//! pair is tokenised, aligned ([`crate::align`]), and every short replaced run of tokens
//! becomes a proposed entry `spun phrase -> original phrase`, counted over all pairs.
//! Proposals are then judged against clean text and the pairs themselves: a phrase that never
//! occurs in clean English, is rare by the context model's word frequencies and was seen in
//! several pairs becomes a `fingerprint`, anything else a `swap` (fires only in documents
//! with spin evidence); a phrase the pairs show unchanged about as often as replaced
//! ([`count_kept`]) is dropped, and that share caps every entry's prior. Inflected forms are generalised for single-word swaps (`invoice -> bill` also
//! proposes `invoices -> bills`), because each article only shows a few forms of a word.
//!
//! Proposals are for review: `despin dict learn` writes them as a dictionary CSV that a
//! person reads before committing it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use crate::align::{opcodes, Tag};
use crate::dict::inflect::{self, Form};
use crate::dict::{DictSet, Dictionary, EntryKind, SourceEntry};
use crate::lm::ContextModel;
use crate::normalize::{normalize_phrase, Tokens};
use crate::scan::{ScanOptions, Scanner};

/// Longest phrase (in tokens, on either side) proposed from one replacement.
pub const MAX_PHRASE_TOKENS: usize = 4;

/// One proposed entry with its evidence.
#[derive(Clone, Debug, PartialEq)]
pub struct Proposal {
    /// Spun phrase (lower case unless always capitalised in the pairs).
    pub spun: String,
    /// Original phrase.
    pub original: String,
    /// Times the substitution was seen.
    pub count: usize,
    /// Number of pairs (documents) it was seen in.
    pub docs: usize,
    /// Times the spun phrase occurs in the clean text given (None if none given).
    pub clean_hits: Option<usize>,
    /// True when derived (by lemma, inflection or reversal) rather than observed.
    pub inflected: bool,
    /// For a derived proposal: the spun phrase of the observation it came from.
    pub source: Option<String>,
    /// True when derived by [`reverse`] (the other direction of an observation).
    pub reversed: bool,
    /// Times the spun phrase stands unchanged in the spun texts, where the original has it
    /// too (see [`count_kept`]): how often restoring it there would have been wrong.
    pub kept: usize,
}

/// Slurs never written as a learned key (`dictionaries/blocked-words.txt`).
const BLOCKED_WORDS: &str = include_str!("../../dictionaries/blocked-words.txt");

/// Does `phrase` contain a blocked word?
pub fn is_blocked(phrase: &str) -> bool {
    let words: Vec<String> = normalize_phrase(phrase)
        .split(' ')
        .map(str::to_string)
        .collect();
    BLOCKED_WORDS
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .any(|b| words.iter().any(|w| w == b))
}

/// Does every token of this replacement look like words (not numbers or punctuation only)?
fn wordy(tokens: &[&str]) -> bool {
    tokens.iter().any(|t| t.chars().any(char::is_alphabetic))
}

/// Collect substitutions from `(spun, original)` text pairs.
pub fn propose<S: AsRef<str>>(pairs: &[(S, S)]) -> Vec<Proposal> {
    // key: (normalised spun, normalised original) -> (display spun, display original, count, docs)
    let mut seen: BTreeMap<(String, String), (String, String, usize, usize)> = BTreeMap::new();
    for (spun, original) in pairs {
        let (spun, original) = (spun.as_ref(), original.as_ref());
        let st: Vec<&str> = Tokens::new(spun).map(|t| &spun[t.start..t.end]).collect();
        let ot: Vec<&str> = Tokens::new(original)
            .map(|t| &original[t.start..t.end])
            .collect();
        let sl: Vec<String> = st.iter().map(|t| normalize_phrase(t)).collect();
        let ol: Vec<String> = ot.iter().map(|t| normalize_phrase(t)).collect();
        let mut in_doc = std::collections::HashSet::new();
        for o in opcodes(&sl, &ol) {
            if o.tag != Tag::Replace {
                continue;
            }
            let (ns, no) = (o.i2 - o.i1, o.j2 - o.j1);
            if ns > MAX_PHRASE_TOKENS || no > MAX_PHRASE_TOKENS {
                continue;
            }
            let (s_toks, o_toks) = (&st[o.i1..o.i2], &ot[o.j1..o.j2]);
            if !wordy(s_toks) || !wordy(o_toks) {
                continue;
            }
            let display = |toks: &[&str]| {
                let lower = toks.join(" ");
                // Keep capitals only where the whole phrase is a name ("Center East").
                if toks
                    .iter()
                    .all(|t| t.chars().next().is_some_and(char::is_uppercase))
                    && toks.len() > 1
                {
                    lower
                } else {
                    lower.to_lowercase()
                }
            };
            let key = (sl[o.i1..o.i2].join(" "), ol[o.j1..o.j2].join(" "));
            let slot = seen
                .entry(key.clone())
                .or_insert_with(|| (display(s_toks), display(o_toks), 0, 0));
            slot.2 += 1;
            if in_doc.insert(key) {
                slot.3 += 1;
            }
        }
    }
    let mut out: Vec<Proposal> = seen
        .into_values()
        .map(|(spun, original, count, docs)| Proposal {
            spun,
            original,
            count,
            docs,
            clean_hits: None,
            inflected: false,
            source: None,
            reversed: false,
            kept: 0,
        })
        .filter(|p| !is_blocked(&p.spun))
        .collect();
    out.extend(inflections(&out));
    out
}

/// The lemma of a single inflected word and its form, found by asking the inflection lexicon
/// which candidate base word has `word` among its forms ("bills" -> bill, plural).
fn lemma_of(word: &str) -> Vec<(Form, String)> {
    let w = word.to_lowercase();
    let mut cands: Vec<String> = Vec::new();
    let mut strip = |suffix: &str, add: &str| {
        if let Some(stem) = w.strip_suffix(suffix) {
            if !stem.is_empty() {
                cands.push(format!("{stem}{add}"));
            }
        }
    };
    for (suffix, add) in [
        ("s", ""),
        ("es", ""),
        ("ies", "y"),
        ("ed", ""),
        ("ed", "e"),
        ("d", ""),
        ("ied", "y"),
        ("ing", ""),
        ("ing", "e"),
        ("ying", "ie"),
    ] {
        strip(suffix, add);
    }
    // Doubled final consonant: stopped -> stop, running -> run.
    for suffix in ["ed", "ing"] {
        if let Some(stem) = w.strip_suffix(suffix) {
            let b = stem.as_bytes();
            if b.len() >= 3 && b[b.len() - 1] == b[b.len() - 2] {
                cands.push(stem[..stem.len() - 1].to_string());
            }
        }
    }
    let mut out = Vec::new();
    for c in cands {
        for (f, form) in inflect::forms(&c) {
            if form == w && !out.contains(&(f, c.clone())) {
                out.push((f, c.clone()));
            }
        }
    }
    out
}

/// Derived proposals: for an observed substitution whose last words are the same form of two
/// lemmas (`invoices -> bills`: plural of invoice and bill), the base pair; then every form
/// both sides share of the base pair (or of the observation, when it is already a base pair),
/// from [`inflect::pair_forms`]. Only single words and phrases differing in their last word
/// are generalised; nothing is derived from closed-class words.
fn inflections(observed: &[Proposal]) -> Vec<Proposal> {
    let mut extra: Vec<Proposal> = Vec::new();
    let mut known: std::collections::HashSet<String> =
        observed.iter().map(|p| normalize_phrase(&p.spun)).collect();
    for p in observed {
        let (sw, ow): (Vec<&str>, Vec<&str>) =
            (p.spun.split(' ').collect(), p.original.split(' ').collect());
        if sw.len() != ow.len() || (sw.len() > 1 && sw[..sw.len() - 1] != ow[..ow.len() - 1]) {
            continue;
        }
        let (s_last, o_last) = (sw[sw.len() - 1], ow[ow.len() - 1]);
        if !s_last.chars().all(char::is_alphabetic) || !o_last.chars().all(char::is_alphabetic) {
            continue;
        }
        let with_last = |words: &[&str], last: &str| {
            let mut v: Vec<&str> = words[..words.len() - 1].to_vec();
            v.push(last);
            v.join(" ")
        };
        // Base pairs: the observation itself, and its lemma pair when both last words are
        // the same form of a lemma.
        let mut bases = vec![(p.spun.clone(), p.original.clone())];
        for (fs, ls) in lemma_of(s_last) {
            for (fo, lo) in lemma_of(o_last) {
                if fs == fo {
                    bases.push((with_last(&sw, &ls), with_last(&ow, &lo)));
                }
            }
        }
        let mut derived: Vec<(String, String)> = bases[1..].to_vec();
        for (bs, bo) in &bases {
            for (_, s, o) in inflect::pair_forms(bs, bo) {
                derived.push((s, o));
            }
        }
        for (spun, original) in derived {
            let key = normalize_phrase(&spun);
            if key.is_empty() || is_blocked(&spun) || !known.insert(key) {
                continue;
            }
            extra.push(Proposal {
                spun,
                original,
                count: 0,
                docs: 0,
                clean_hits: None,
                inflected: true,
                source: Some(p.spun.clone()),
                reversed: false,
                kept: 0,
            });
        }
    }
    extra
}

/// For a spinner in shuffle mode: every observed single-word substitution also proposed the
/// other way (`invoice -> bill` gives `bill -> invoice`), as a derived proposal. Phrases and
/// capitalised words are not reversed; keys already proposed are not repeated.
pub fn reverse(proposals: &[Proposal]) -> Vec<Proposal> {
    let mut known: std::collections::HashSet<String> = proposals
        .iter()
        .map(|p| normalize_phrase(&p.spun))
        .collect();
    let mut out = Vec::new();
    // Only single lower-case words: reversing a phrase or a name ("Mattress Bathtub" ->
    // "Bed Bath") would turn ordinary text and names into keys.
    let plain = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphabetic() && c.is_lowercase());
    for p in proposals
        .iter()
        .filter(|p| !p.inflected && plain(&p.spun) && plain(&p.original))
    {
        let key = normalize_phrase(&p.original);
        if key.is_empty() || is_blocked(&p.original) || !known.insert(key) {
            continue;
        }
        out.push(Proposal {
            spun: p.original.clone(),
            original: p.spun.clone(),
            count: 0,
            docs: 0,
            clean_hits: None,
            inflected: true,
            source: Some(p.spun.clone()),
            reversed: true,
            kept: 0,
        });
    }
    out
}

/// Count how often each proposal's spun phrase occurs in `clean` texts; returns the number
/// of word tokens in the clean texts.
pub fn count_clean_hits<S: AsRef<str>>(proposals: &mut [Proposal], clean: &[S]) -> usize {
    let words: usize = clean
        .iter()
        .map(|t| Tokens::new(t.as_ref()).filter(|t| t.is_word).count())
        .sum();
    let entries: Vec<SourceEntry> = proposals
        .iter()
        .enumerate()
        .map(|(i, p)| SourceEntry {
            spun: p.spun.clone(),
            key: normalize_phrase(&p.spun),
            originals: vec![p.original.clone()],
            prior: 1.0,
            kind: EntryKind::Fingerprint,
            context: String::new(),
            requires: Vec::new(),
            tags: Vec::new(),
            note: String::new(),
            line: i as u64 + 1,
        })
        .filter(|e| !e.key.is_empty())
        .collect();
    let Ok(dict) = Dictionary::from_entries("learned", Path::new("learned.csv"), &entries) else {
        return words;
    };
    let scanner = Scanner::new(DictSet::from_iter([dict]), ScanOptions::default());
    let mut hits = vec![0usize; proposals.len()];
    for text in clean {
        for f in scanner.scan(text.as_ref()).findings {
            if let Some(h) = hits.get_mut(f.entry_line as usize - 1) {
                *h += 1;
            }
        }
    }
    // Every proposal with the same key shares the count.
    let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
    for (p, h) in proposals.iter().zip(&hits) {
        *by_key.entry(normalize_phrase(&p.spun)).or_default() += h;
    }
    for p in proposals.iter_mut() {
        p.clean_hits = Some(by_key[&normalize_phrase(&p.spun)]);
    }
    words
}

/// Count how often each proposal's spun phrase stands unchanged in the spun texts of
/// `pairs`: inside a run the alignment finds equal in spun and original, so the original
/// had that wording too ("retailer" where the original said "retailer"). Learned from the
/// same pairs as the proposals, it measures how often an entry would have been wrong there.
pub fn count_kept<S: AsRef<str>>(proposals: &mut [Proposal], pairs: &[(S, S)]) {
    let mut kept: HashMap<String, usize> = proposals
        .iter()
        .map(|p| (normalize_phrase(&p.spun), 0))
        .collect();
    for (spun, original) in pairs {
        let (spun, original) = (spun.as_ref(), original.as_ref());
        let sl: Vec<String> = Tokens::new(spun)
            .map(|t| normalize_phrase(&spun[t.start..t.end]))
            .collect();
        let ol: Vec<String> = Tokens::new(original)
            .map(|t| normalize_phrase(&original[t.start..t.end]))
            .collect();
        for o in opcodes(&sl, &ol) {
            if o.tag != Tag::Equal {
                continue;
            }
            for start in o.i1..o.i2 {
                let mut phrase = String::new();
                for (k, tok) in sl[start..o.i2.min(start + MAX_PHRASE_TOKENS)]
                    .iter()
                    .enumerate()
                {
                    if k > 0 {
                        phrase.push(' ');
                    }
                    phrase.push_str(tok);
                    if let Some(n) = kept.get_mut(&phrase) {
                        *n += 1;
                    }
                }
            }
        }
    }
    for p in proposals.iter_mut() {
        p.kept = kept[&normalize_phrase(&p.spun)];
    }
}

/// How common `phrase` is in English, as a Zipf frequency (log10 per billion words) of the
/// whole phrase by the context model; `None` when a token holds a digit (the model does not
/// know numbers, and "12 months" is ordinary English).
pub fn phrase_zipf(phrase: &str) -> Option<f32> {
    let toks: Vec<String> = Tokens::new(phrase)
        .map(|t| normalize_phrase(&phrase[t.start..t.end]))
        .collect();
    if toks.is_empty() || toks.iter().any(|t| t.chars().any(|c| c.is_ascii_digit())) {
        return None;
    }
    let toks: Vec<&str> = toks.iter().map(String::as_str).collect();
    let ln = ContextModel::embedded().score_window(&[], &toks, &[]);
    Some((ln / std::f32::consts::LN_10 + 9.0).max(0.0))
}

/// Which proposals become entries.
#[derive(Clone, Debug)]
pub struct Selection {
    /// Keep substitutions seen at least this many times.
    pub min_count: usize,
    /// Keep substitutions seen in at least this many pairs (documents).
    pub min_docs: usize,
    /// Swaps (phrases that occur in clean text) must be seen in at least this many pairs:
    /// one article's annotation is too weak a reason to touch a common word.
    pub min_swap_docs: usize,
    /// Swaps whose spun phrase occurs more often than this per 1,000 clean words ("of",
    /// "in", "at") are dropped: they need a context condition a person writes.
    pub max_swap_rate: f64,
    /// Word tokens of the clean text the hits were counted in (0: no clean text).
    pub clean_words: usize,
    /// Spinner profile for the `spinner:NAME` tag (empty: none).
    pub profile: String,
    /// Phrases at least this common in English ([`phrase_zipf`]) count as found in clean
    /// text even where the clean sample lacks them: they become swaps, never fingerprints,
    /// and need `min_swap_docs` pairs. A clean sample of a million words misses most of
    /// the ordinary words a spinner writes ("retailer", "viewers").
    pub common_zipf: f32,
    /// Proposals whose estimated precision on the pairs, (replaced + 1) / (replaced +
    /// [kept](Proposal::kept) + 2), is below this are dropped; the rest get at most that
    /// estimate as prior. A derived form (inflection, reversal) counts the replacements of
    /// its observation and one extra kept occurrence: its own form was never seen replaced.
    pub min_precision: f32,
    /// Pairs a person vouches for, `(normalised spun, normalised original)` (see [`vouched`]):
    /// a swap proposal listed here needs only `min_vouched_docs` pairs, not `min_swap_docs`,
    /// if its estimated precision counting the spun phrase's other originals as kept is at
    /// least `min_precision`. A synonym table written from knowledge of English says the
    /// substitution is one a spinner makes; fewer articles that show it are then enough.
    pub vouched: HashSet<(String, String)>,
    /// Pairs (documents) a vouched swap must be seen in.
    pub min_vouched_docs: usize,
}

/// Default [`Selection::common_zipf`]: about once in 100,000 words of text.
pub const COMMON_ZIPF: f32 = 4.0;
/// Default [`Selection::min_precision`].
pub const MIN_PRECISION: f32 = 0.5;
/// Default [`Selection::min_vouched_docs`].
pub const MIN_VOUCHED_DOCS: usize = 2;

impl Default for Selection {
    fn default() -> Self {
        Selection {
            min_count: 1,
            min_docs: 1,
            min_swap_docs: 3,
            max_swap_rate: 0.5,
            clean_words: 0,
            profile: "a".into(),
            common_zipf: COMMON_ZIPF,
            min_precision: MIN_PRECISION,
            vouched: HashSet::new(),
            min_vouched_docs: MIN_VOUCHED_DOCS,
        }
    }
}

/// Turn proposals into dictionary rows: fingerprints where the phrase never occurs in clean
/// text, is not common English ([`Selection::common_zipf`]) and was never kept in the pairs,
/// swaps elsewhere (or everywhere, when no clean text was given). Proposals seen fewer than
/// `min_count` times (inflections count as their source) or too often kept unchanged
/// ([`Selection::min_precision`]) are dropped. Sorted by count.
pub fn to_entries(proposals: &[Proposal], sel: &Selection) -> Vec<SourceEntry> {
    let (min_count, profile) = (sel.min_count, sel.profile.as_str());
    // Derived proposals inherit the standing of the observation they came from.
    let source = |p: &Proposal| -> Option<&Proposal> {
        proposals
            .iter()
            .filter(|o| !o.inflected && p.source.as_deref() == Some(o.spun.as_str()))
            .max_by_key(|o| o.docs)
    };
    let source_docs = |p: &Proposal| -> usize {
        if !p.inflected {
            return p.docs;
        }
        source(p).map_or(0, |o| o.docs)
    };
    // Estimated precision on the pairs: replaced against kept. A derived form counts its
    // observation's replacements; an inflection also its observation's kept occurrences
    // (a reversal's are those of another phrase); and one more kept occurrence for the
    // guess of deriving it, so a form derived from a single observation stays at 0.5.
    let precision = |p: &Proposal| -> f32 {
        let (replaced, kept) = match (p.inflected, source(p)) {
            (false, _) => (p.count, p.kept),
            (true, Some(o)) if p.reversed => (o.count, p.kept + 1),
            (true, Some(o)) => (o.count, o.kept + p.kept + 1),
            (true, None) => (0, p.kept + 1),
        };
        (replaced as f32 + 1.0) / ((replaced + kept) as f32 + 2.0)
    };
    // Found in the clean text, or common English by the context model.
    let common = |p: &Proposal| -> bool {
        p.clean_hits.is_some_and(|h| h > 0)
            || (p.clean_hits.is_some() && phrase_zipf(&p.spun).is_none_or(|z| z >= sel.common_zipf))
    };
    // Observed replacements of each spun phrase, whatever the original.
    let mut replaced: HashMap<String, usize> = HashMap::new();
    for p in proposals.iter().filter(|p| !p.inflected) {
        *replaced.entry(normalize_phrase(&p.spun)).or_default() += p.count;
    }
    let keep = |p: &Proposal| -> bool {
        if !p.inflected && (p.count < min_count || p.docs < sel.min_docs) {
            return false;
        }
        if precision(p) < sel.min_precision {
            return false;
        }
        if !common(p) {
            return true;
        }
        let hits = p.clean_hits.unwrap_or(0);
        let rate = if sel.clean_words == 0 {
            0.0
        } else {
            1000.0 * hits as f64 / sel.clean_words as f64
        };
        if rate > sel.max_swap_rate {
            return false;
        }
        if source_docs(p) >= sel.min_swap_docs {
            return true;
        }
        // Fewer pairs than a swap needs: enough only for a pair the table vouches for whose
        // spun phrase the pairs mostly restore to this original (the other originals they
        // show count as kept: "introduced" for "brought" once and "announced" twice is no
        // safe "brought").
        let key = normalize_phrase(&p.spun);
        let vouched = sel
            .vouched
            .contains(&(key.clone(), normalize_phrase(&p.original)));
        let others = replaced.get(&key).map_or(0, |n| n.saturating_sub(p.count));
        let (replaced, kept) = match (p.inflected, source(p)) {
            (true, Some(o)) => (o.count, p.kept + others + 1),
            (true, None) => (0, p.kept + others + 1),
            (false, _) => (p.count, p.kept + others),
        };
        vouched
            && source_docs(p) >= sel.min_vouched_docs
            && (replaced as f32 + 1.0) / ((replaced + kept) as f32 + 2.0) >= sel.min_precision
    };
    let mut rows: Vec<&Proposal> = proposals.iter().filter(|p| keep(p)).collect();
    rows.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.spun.cmp(&b.spun))
            .then(a.original.cmp(&b.original))
    });
    // One row per spun key: alternatives in order of count.
    let mut merged: Vec<SourceEntry> = Vec::new();
    for p in rows {
        let key = normalize_phrase(&p.spun);
        if key.is_empty() {
            continue;
        }
        if let Some(e) = merged.iter_mut().find(|e| e.key == key) {
            if !e.originals.contains(&p.original) {
                e.originals.push(p.original.clone());
            }
            continue;
        }
        // A fingerprint must be absent from clean text AND seen in more than one pair: a
        // phrase seen once may just be rare English the clean sample lacks ("press
        // release"), so it only fires with document evidence, as a swap.
        // Nor may it be common English or seen unchanged in the pairs.
        let kind = match p.clean_hits {
            Some(0) if !p.inflected && p.docs >= 2 && p.kept == 0 && !common(p) => {
                EntryKind::Fingerprint
            }
            _ => EntryKind::Swap,
        };
        let prior = match kind {
            EntryKind::Fingerprint => (0.8 + 0.05 * p.docs as f32).min(0.95),
            _ => (0.6 + 0.05 * p.docs as f32).min(0.85),
        };
        let prior = (prior.min((precision(p) * 100.0).floor() / 100.0) * 100.0).round() / 100.0;
        let mut tags = vec!["learned".to_string()];
        if !profile.is_empty() {
            tags.insert(0, format!("spinner:{profile}"));
        }
        if p.reversed {
            tags.push("reversed".into());
        } else if p.inflected {
            tags.push("inflected".into());
        }
        merged.push(SourceEntry {
            spun: p.spun.clone(),
            key,
            originals: vec![p.original.clone()],
            prior,
            kind,
            context: String::new(),
            requires: Vec::new(),
            tags,
            note: format!(
                "seen {} times in {} pairs{}{}",
                p.count,
                p.docs,
                if p.kept > 0 {
                    format!("; kept {} times", p.kept)
                } else {
                    String::new()
                },
                p.clean_hits
                    .map(|h| format!("; {h} clean hits"))
                    .unwrap_or_default()
            ),
            line: 0,
        });
    }
    merged
}

/// The pairs of dictionary entries, `(normalised spun, normalised original)` for every
/// original of every entry that repairs ([`Selection::vouched`]).
pub fn vouched(entries: &[SourceEntry]) -> HashSet<(String, String)> {
    entries
        .iter()
        .filter(|e| e.kind.repairs())
        .flat_map(|e| {
            e.originals
                .iter()
                .map(|o| (e.key.clone(), normalize_phrase(o)))
        })
        .collect()
}

/// Write proposed entries as a dictionary CSV (the format of `dictionaries/README.md`), priors
/// to two decimals.
pub fn write_csv<W: std::io::Write>(out: W, entries: &[SourceEntry]) -> std::io::Result<()> {
    crate::dict::source::write_source(out, "", entries, Some(2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_substitutions_and_inflections() {
        let pairs = [
            (
                "The Home handed the invoice on Monday, final yr, for a greenback.",
                "The House passed the bill on Monday, last year, for a dollar.",
            ),
            (
                "Officials mentioned the invoice would pass for a greenback.",
                "Officials said the bill would pass for a dollar.",
            ),
        ];
        let mut p = propose(&pairs);
        count_kept(&mut p, &pairs);
        let words = count_clean_hits(&mut p, &["The bill was mentioned in the House last year."]);
        assert_eq!(words, 9);
        let find = |s: &str| {
            p.iter()
                .find(|x| x.spun == s)
                .unwrap_or_else(|| panic!("{s}: {p:?}"))
        };
        assert_eq!(find("invoice").count, 2);
        assert_eq!(find("invoice").docs, 2);
        assert_eq!(find("invoice").original, "bill");
        assert_eq!(find("final yr").original, "last year");
        assert!(find("invoices").inflected);
        // By default a swap seen in one pair only is not trusted.
        let strict = to_entries(
            &p,
            &Selection {
                clean_words: words,
                ..Selection::default()
            },
        );
        assert!(strict.iter().all(|e| e.spun != "mentioned"));
        let sel = Selection {
            max_swap_rate: 1000.0,
            min_swap_docs: 1,
            clean_words: words,
            ..Selection::default()
        };
        let entries = to_entries(&p, &sel);
        let kind = |s: &str| entries.iter().find(|e| e.spun == s).unwrap().kind;
        assert_eq!(
            kind("greenback"),
            EntryKind::Fingerprint,
            "two pairs, never in clean text, rare English"
        );
        assert_eq!(
            kind("invoice"),
            EntryKind::Swap,
            "two pairs, not in this clean text, but common English"
        );
        // Without the context model's frequencies it would be a fingerprint.
        let rare_only = to_entries(
            &p,
            &Selection {
                common_zipf: 99.0,
                ..sel.clone()
            },
        );
        let invoice = rare_only.iter().find(|e| e.spun == "invoice").unwrap();
        assert_eq!(invoice.kind, EntryKind::Fingerprint);
        assert_eq!(kind("final yr"), EntryKind::Swap, "seen in one pair only");
        assert_eq!(kind("mentioned"), EntryKind::Swap, "occurs in clean text");
        let mut csv = Vec::new();
        write_csv(&mut csv, &entries).unwrap();
        let parsed = crate::dict::source::parse_source(Path::new("l.csv"), &csv);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        assert_eq!(parsed.entries.len(), entries.len());
    }

    #[test]
    fn phrases_the_pairs_keep_unchanged_lose_precision() {
        // "chief" replaced "leader" once, but stands unchanged (original "chief") three times.
        let pairs = [
            (
                "The chief spoke. The chief executive left.",
                "The leader spoke. The chief executive left.",
            ),
            (
                "Its chief executive and chief economist quit.",
                "Its chief executive and chief economist quit.",
            ),
            ("The tremendous crowd cheered.", "The huge crowd cheered."),
        ];
        let mut p = propose(&pairs);
        count_kept(&mut p, &pairs);
        let find = |s: &str| p.iter().find(|x| x.spun == s).unwrap();
        assert_eq!((find("chief").count, find("chief").kept), (1, 3));
        assert_eq!((find("tremendous").count, find("tremendous").kept), (1, 0));
        let sel = Selection {
            min_swap_docs: 1,
            ..Selection::default()
        };
        let entries = to_entries(&p, &sel);
        // (1 + 1) / (1 + 3 + 2) = 0.33: dropped; (1 + 1) / (1 + 2) = 0.67 caps the prior.
        assert!(entries.iter().all(|e| e.spun != "chief"), "{entries:?}");
        let t = entries.iter().find(|e| e.spun == "tremendous").unwrap();
        assert_eq!(t.prior, 0.65);
        let lenient = to_entries(
            &p,
            &Selection {
                min_precision: 0.3,
                ..sel
            },
        );
        let chief = lenient.iter().find(|e| e.spun == "chief").unwrap();
        assert_eq!(chief.prior, 0.33);
        assert!(chief.note.contains("kept 3 times"), "{}", chief.note);
    }

    #[test]
    fn generalises_by_lemma_and_real_inflections_only() {
        let pairs = [(
            "The invoices stalled. Nonetheless each lawmaker voted at noon, and Jap Time passed. Subsequent they left.",
            "The bills stalled. However each lawmaker voted at noon, and Eastern Time passed. Next they left.",
        )];
        let p = propose(&pairs);
        let get = |s: &str| p.iter().find(|x| x.spun == s);
        // Observed plural -> lemma pair and its other forms.
        assert_eq!(get("invoice").map(|x| x.original.as_str()), Some("bill"));
        assert!(get("invoice").unwrap().inflected);
        assert_eq!(get("invoiced").map(|x| x.original.as_str()), Some("billed"));
        assert_eq!(get("invoices").map(|x| x.inflected), Some(false));
        // Closed-class words never inflect; slurs are never keys.
        for nonsense in [
            "nonethelesses",
            "subsequents",
            "subsequented",
            "eachs",
            "ats",
        ] {
            assert!(get(nonsense).is_none(), "{nonsense}: {p:?}");
        }
        assert!(
            p.iter().all(|x| !x.spun.to_lowercase().contains("jap")),
            "{p:?}"
        );
        assert!(is_blocked("Jap Time") && !is_blocked("Japanese time"));
        // Shuffle mode: the other direction of observations, not of derived forms.
        let r = reverse(&p);
        assert!(r
            .iter()
            .any(|x| x.spun == "bills" && x.original == "invoices" && x.reversed));
        assert!(r.iter().all(|x| x.spun != "billed"));
        // Names and phrases are never reversed.
        let names = propose(&[("Mattress Bathtub closed.", "Bed Bath closed.")]);
        assert!(reverse(&names).is_empty());
    }
}
