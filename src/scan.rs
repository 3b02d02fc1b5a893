//! The scanner: finds dictionary phrases in a text and weighs them with document evidence.
//!
//! Scanning a document happens in three steps:
//!
//! 1. **Match.** The text is tokenised and normalised once ([`crate::normalize`]). From each
//!    token start, every dictionary's FST is walked node by node (`fst::raw`), token by token,
//!    with one space between tokens that had whitespace between them. Every final state
//!    reached at the end of a token is a candidate, so a key can only match whole tokens:
//!    "prime" never matches inside "primer". Paragraph breaks stop the walk.
//! 2. **Evidence.** Fingerprint candidates whose conditions hold, and an unusual density of
//!    distinct swaps of one profile, give the document a spin score per spinner profile
//!    ([`DocEvidence`]).
//! 3. **Select.** Left to right, at each token the longest candidate whose entry passes its
//!    conditions wins (later dictionary layers first, `allow` entries before others); the scan
//!    resumes after it, so findings never overlap and come out in text order.
//!
//! A swap's confidence is its prior times the evidence for its spinner profile: the same
//! word is repaired in a spun article and left alone in a clean one.

use std::collections::HashMap;

use serde::Serialize;

use crate::case;
use crate::dict::condition::{all_hold, TokenAccess};
use crate::dict::walk::Walker;
use crate::dict::{DictSet, EntryKind, EntryRef};
use crate::normalize::{fold_token, Sep, Token, Tokens};

/// One phrase found in a text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// Byte offset where the matched text starts.
    pub start: usize,
    /// Byte offset one past its end.
    pub end: usize,
    /// 1-based line of `start`.
    pub line: usize,
    /// 1-based column of `start`, in characters.
    pub column: usize,
    /// The matched text exactly as written.
    pub spun: String,
    /// Suggested original wordings, best first, in the case pattern of the matched text.
    pub suggestions: Vec<String>,
    /// Confidence in \[0,1\] that this is spun text and the first suggestion is right.
    pub confidence: f32,
    /// Fingerprint or swap.
    pub kind: &'static str,
    /// Name of the dictionary the entry came from.
    pub dictionary: String,
    /// Source file the entry was compiled from.
    pub entry_source: String,
    /// 1-based line of the entry in that file.
    pub entry_line: u32,
}

/// Spin evidence for one spinner profile in one document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProfileEvidence {
    /// Profile name (`a`, `b`...; empty for fingerprints without a profile).
    pub profile: String,
    /// Fingerprint occurrences.
    pub hits: usize,
    /// Distinct fingerprint entries.
    pub distinct: usize,
    /// Evidence in \[0,1\] that the document was spun by this profile.
    pub evidence: f32,
}

/// Document-level spin evidence.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DocEvidence {
    /// Number of word tokens in the document.
    pub words: usize,
    /// Per profile, sorted by name.
    pub profiles: Vec<ProfileEvidence>,
    /// The document's spin score: the highest profile evidence.
    pub score: f32,
}

impl DocEvidence {
    /// Fold in the evidence of the next piece of a text scanned in pieces: words add up,
    /// the strongest piece's profiles and score stand for the whole.
    pub(crate) fn add_piece(&mut self, piece: DocEvidence) {
        self.words += piece.words;
        if piece.score > self.score {
            self.score = piece.score;
            self.profiles = piece.profiles;
        }
    }

    /// Evidence for an entry: the best among its profiles, or among all if it has none.
    fn for_entry(&self, entry: &EntryRef<'_>) -> f32 {
        let mut any = false;
        let mut best = 0.0f32;
        for p in entry.profiles() {
            any = true;
            if let Some(e) = self.profiles.iter().find(|e| e.profile == p) {
                best = best.max(e.evidence);
            }
        }
        if any {
            best
        } else {
            self.score
        }
    }
}

/// Everything a scan of one document found.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ScanResult {
    /// Findings in text order, never overlapping.
    pub findings: Vec<Finding>,
    /// The document's spin evidence.
    pub evidence: DocEvidence,
}

/// How strongly fingerprints convince: evidence = 1 - exp(-strength / EVIDENCE_SCALE), where
/// strength sums the priors of distinct fingerprint entries plus a quarter for repeats.
pub const EVIDENCE_SCALE: f32 = 1.2;

/// Evidence never reaches certainty: a swap's confidence stays below its prior, so a swap
/// entered at prior 0.5 ("not by default") is never applied at the default threshold.
pub const MAX_EVIDENCE: f32 = 0.95;

/// Evidence at or above which a swap may fire even where its context condition fails: a
/// deterministic spinner replaces a word wherever it occurs, so once a document is shown to
/// be its output, the context that guards the word in uncertain documents matters less.
pub const RELAX_EVIDENCE: f32 = 0.9;
/// Confidence factor for a swap firing with its context condition waived.
pub const RELAXED_PENALTY: f32 = 0.8;

/// Scanner settings.
#[derive(Clone, Debug, Default)]
pub struct ScanOptions {
    /// Treat every document as spun (evidence 1 for every profile), for corpora known to be
    /// spun.
    pub assume_spun: bool,
}

/// Scans texts against a set of dictionaries. Cheap to share between threads.
#[derive(Clone, Debug)]
pub struct Scanner {
    dicts: DictSet,
    options: ScanOptions,
    chunk_limit: usize,
}

/// Texts longer than this are scanned in pieces split at paragraph breaks (or, failing
/// those, line breaks or spaces), so memory stays bounded and token offsets fit the
/// scanner's 32-bit tables whatever the size of the input.
pub const MAX_CHUNK_BYTES: usize = 8 << 20;

/// A text prepared for matching: tokens and their normalised forms.
struct Doc<'t> {
    text: &'t str,
    tokens: Vec<Token>,
    /// Normalised tokens, located by `spans`: a lower-cased copy of the text, then the
    /// folded forms of non-ASCII tokens. Valid UTF-8 throughout, so conditions read tokens
    /// as `&str` without validating them again.
    norm: String,
    spans: Vec<(u32, u32)>,
}

impl<'t> Doc<'t> {
    fn new(text: &'t str) -> Doc<'t> {
        let bytes = text.as_bytes();
        let mut tokens = Vec::with_capacity(text.len() / 5);
        let mut spans = Vec::with_capacity(text.len() / 5);
        // ASCII folds byte for byte, so the normalised form of an ASCII token sits at the same
        // offsets in a lower-cased copy of the whole text (one vectorised pass). Other tokens
        // are folded one by one after that copy.
        let mut norm = String::with_capacity(text.len() + text.len() / 8);
        norm.push_str(text);
        norm.make_ascii_lowercase();
        let all_ascii = text.is_ascii();
        let mut folded = Vec::new();
        for t in Tokens::new(text) {
            if all_ascii || bytes[t.start..t.end].is_ascii() {
                spans.push((t.start as u32, t.end as u32));
            } else {
                folded.clear();
                fold_token(&text[t.start..t.end], &mut folded);
                let s = norm.len();
                norm.push_str(std::str::from_utf8(&folded).expect("folding keeps UTF-8 valid"));
                spans.push((s as u32, norm.len() as u32));
            }
            tokens.push(t);
        }
        Doc {
            text,
            tokens,
            norm,
            spans,
        }
    }

    fn norm_bytes(&self, i: usize) -> &[u8] {
        // Bytes, not `norm_str(i).as_bytes()`: the matcher needs no char-boundary checks.
        let (s, e) = self.spans[i];
        &self.norm.as_bytes()[s as usize..e as usize]
    }

    fn norm_str(&self, i: usize) -> &str {
        let (s, e) = self.spans[i];
        &self.norm[s as usize..e as usize]
    }

    /// Does the token sequence of `phrase` occur anywhere in the document?
    fn contains_phrase(&self, phrase: &str) -> bool {
        let p = Doc::new(phrase);
        let n = p.tokens.len();
        if n == 0 || n > self.tokens.len() {
            return false;
        }
        (0..=self.tokens.len() - n).any(|i| {
            (0..n).all(|k| {
                self.norm_bytes(i + k) == p.norm_bytes(k)
                    && (k == 0
                        || (self.tokens[i + k].sep == Sep::Adjacent)
                            == (p.tokens[k].sep == Sep::Adjacent))
            })
        })
    }
}

impl TokenAccess for Doc<'_> {
    fn len(&self) -> usize {
        self.tokens.len()
    }
    fn norm(&self, i: usize) -> &str {
        self.norm_str(i)
    }
    fn is_cap(&self, i: usize) -> bool {
        let t = self.tokens[i];
        t.is_word
            && self.text[t.start..t.end]
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
    }
}

/// A key matched at tokens `first..=last` in dictionary layer `layer`.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    first: usize,
    last: usize,
    layer: usize,
    value: u64,
}

/// Fingerprint hits of one profile: occurrences, and prior per distinct (layer, entry).
type ProfileTally = (usize, HashMap<(usize, usize), f32>);

/// Per-document memo of `requires` checks.
struct Requires<'d, 't> {
    doc: &'d Doc<'t>,
    memo: HashMap<String, bool>,
}

impl Requires<'_, '_> {
    fn any(&mut self, entry: &EntryRef<'_>) -> bool {
        if entry.requires.is_empty() {
            return true;
        }
        for r in entry.requires() {
            let hit = match self.memo.get(r) {
                Some(&h) => h,
                None => {
                    let h = self.doc.contains_phrase(r);
                    self.memo.insert(r.to_string(), h);
                    h
                }
            };
            if hit {
                return true;
            }
        }
        false
    }
}

impl Scanner {
    /// A scanner over `dicts`.
    pub fn new(dicts: DictSet, options: ScanOptions) -> Scanner {
        Scanner {
            dicts,
            options,
            chunk_limit: MAX_CHUNK_BYTES,
        }
    }

    /// The dictionaries this scanner uses.
    pub fn dicts(&self) -> &DictSet {
        &self.dicts
    }

    /// Find every candidate match, in order of first token, longest first, top layer first.
    fn candidates(&self, doc: &Doc<'_>) -> Vec<Candidate> {
        let mut out = Vec::new();
        let n = doc.tokens.len();
        for (layer, dict) in self.dicts.layers().iter().enumerate() {
            let walker = Walker::new(dict);
            for first in 0..n {
                // Most tokens start no key at all: the memoised first step says so at once.
                let Some(step) = walker.first(doc.norm_bytes(first)) else {
                    continue;
                };
                let mut push = |last: usize, value: u64| {
                    out.push(Candidate {
                        first,
                        last,
                        layer,
                        value,
                    })
                };
                if let Some(value) = step.value {
                    push(first, value);
                }
                let mut j = first + 1;
                if j >= n {
                    continue;
                }
                // `at` stands before token `j`, separator included.
                let mut at = match doc.tokens[j].sep {
                    Sep::Break => continue,
                    Sep::Space => match walker.after_space(&step) {
                        Some(at) => at,
                        None => continue,
                    },
                    Sep::Adjacent => walker.after(&step),
                };
                while let Some(next) = walker.step(at, doc.norm_bytes(j)) {
                    at = next;
                    if let Some(value) = at.value() {
                        push(j, value);
                    }
                    j += 1;
                    if j >= n {
                        break;
                    }
                    match doc.tokens[j].sep {
                        Sep::Break => break,
                        Sep::Space => match walker.step(at, b" ") {
                            Some(next) => at = next,
                            None => break,
                        },
                        Sep::Adjacent => {}
                    }
                }
            }
        }
        out.sort_by(|a, b| {
            a.first
                .cmp(&b.first)
                .then(b.last.cmp(&a.last))
                .then(b.layer.cmp(&a.layer))
        });
        out
    }

    fn conditions_hold(
        &self,
        doc: &Doc<'_>,
        req: &mut Requires<'_, '_>,
        e: &EntryRef<'_>,
        c: &Candidate,
    ) -> bool {
        if !e.context.is_empty() {
            match self.dicts.layers()[c.layer].context(e) {
                Some(clauses) if all_hold(&clauses, doc, c.first, c.last) => {}
                _ => return false,
            }
        }
        req.any(e)
    }

    fn evidence(
        &self,
        doc: &Doc<'_>,
        cands: &[Candidate],
        req: &mut Requires<'_, '_>,
    ) -> DocEvidence {
        if self.options.assume_spun {
            let mut profiles: Vec<String> = Vec::new();
            for c in cands {
                for e in self.dicts.layers()[c.layer].entries_for(c.value) {
                    profiles.extend(e.profiles().map(String::from));
                }
            }
            profiles.push(String::new());
            profiles.sort();
            profiles.dedup();
            let profiles = profiles
                .into_iter()
                .map(|profile| ProfileEvidence {
                    profile,
                    hits: 0,
                    distinct: 0,
                    evidence: 1.0,
                })
                .collect();
            return DocEvidence {
                words: count_words(doc),
                profiles,
                score: 1.0,
            };
        }
        // profile -> (hits, distinct entries with their priors)
        let mut per: HashMap<String, ProfileTally> = HashMap::new();
        let mut next_free = 0;
        for c in cands {
            if c.first < next_free {
                continue;
            }
            let dict = &self.dicts.layers()[c.layer];
            let Some(e) = dict
                .entries_for(c.value)
                .find(|e| e.kind == EntryKind::Fingerprint && self.conditions_hold(doc, req, e, c))
            else {
                continue;
            };
            next_free = c.last + 1;
            let mut profiles: Vec<&str> = e.profiles().collect();
            if profiles.is_empty() {
                profiles.push("");
            }
            for p in profiles {
                let slot = per.entry(p.to_string()).or_default();
                slot.0 += 1;
                slot.1.insert((c.layer, e.index), e.prior);
            }
        }
        // Swap density: a spinner replaces common words everywhere, so a spun document holds
        // many distinct swaps of its profile, far more than clean text does by chance.
        let mut swaps: HashMap<String, std::collections::HashSet<(usize, usize)>> = HashMap::new();
        for c in cands {
            let dict = &self.dicts.layers()[c.layer];
            for e in dict.entries_for(c.value) {
                if e.kind == EntryKind::Swap && self.conditions_hold(doc, req, &e, c) {
                    for p in e.profiles() {
                        swaps
                            .entry(p.to_string())
                            .or_default()
                            .insert((c.layer, e.index));
                    }
                }
            }
        }
        let words = count_words(doc);
        for p in swaps.keys() {
            per.entry(p.clone()).or_default();
        }
        let mut profiles: Vec<ProfileEvidence> = per
            .into_iter()
            .map(|(profile, (hits, distinct))| {
                let distinct_swaps = swaps.get(&profile).map_or(0, |s| s.len());
                let strength: f32 = distinct.values().sum::<f32>()
                    + 0.25 * (hits - distinct.len()) as f32
                    + swap_strength(distinct_swaps, words);
                ProfileEvidence {
                    profile,
                    hits,
                    distinct: distinct.len(),
                    evidence: MAX_EVIDENCE * (1.0 - (-strength / EVIDENCE_SCALE).exp()),
                }
            })
            .filter(|p| p.evidence > 0.0)
            .collect();
        profiles.sort_by(|a, b| a.profile.cmp(&b.profile));
        let score = profiles.iter().map(|p| p.evidence).fold(0.0, f32::max);
        DocEvidence {
            words: count_words(doc),
            profiles,
            score,
        }
    }

    /// Scan one document.
    pub fn scan(&self, text: &str) -> ScanResult {
        let mut r = if text.len() <= self.chunk_limit {
            self.scan_piece(text)
        } else {
            // A huge text: scan it piece by piece; evidence is per piece (a multi-megabyte
            // "document" is usually many documents), reported as the strongest piece's.
            let mut all = ScanResult::default();
            let mut offset = 0;
            while offset < text.len() {
                let end = offset + piece_len(&text.as_bytes()[offset..], self.chunk_limit);
                let mut r = self.scan_piece(&text[offset..end]);
                for f in &mut r.findings {
                    f.start += offset;
                    f.end += offset;
                }
                all.findings.append(&mut r.findings);
                all.evidence.add_piece(r.evidence);
                offset = end;
            }
            all
        };
        locate(text, &mut r.findings);
        r
    }

    /// The size above which texts are scanned in pieces (see [`MAX_CHUNK_BYTES`]).
    pub fn chunk_limit(&self) -> usize {
        self.chunk_limit
    }

    /// Set the size above which texts are scanned in pieces (see [`MAX_CHUNK_BYTES`]).
    pub fn with_chunk_limit(mut self, bytes: usize) -> Scanner {
        self.chunk_limit = bytes.max(1);
        self
    }

    /// Scan one piece of a text as [`Scanner::scan`] cuts it ([`piece_len`]); findings are
    /// not located yet (line and column 0).
    pub(crate) fn scan_piece(&self, text: &str) -> ScanResult {
        let doc = Doc::new(text);
        let cands = self.candidates(&doc);
        let mut req = Requires {
            doc: &doc,
            memo: HashMap::new(),
        };
        let evidence = self.evidence(&doc, &cands, &mut req);

        let mut findings = Vec::new();
        let mut next_free = 0;
        let mut i = 0;
        while i < cands.len() {
            let c = cands[i];
            i += 1;
            if c.first < next_free {
                continue;
            }
            let dict = &self.dicts.layers()[c.layer];
            let mut entries: Vec<EntryRef<'_>> = dict.entries_for(c.value).collect();
            // Within a key: allow entries first, then entries with a context condition (the
            // more specific reading), then the rest in file order.
            entries.sort_by_key(|e| (e.kind != EntryKind::Allow, e.context.is_empty()));
            // Entries whose conditions hold come first; in a document strongly spun by its
            // profile, a swap whose context condition fails may still fire, at a penalty.
            let strict: Vec<bool> = entries
                .iter()
                .map(|e| self.conditions_hold(&doc, &mut req, e, &c))
                .collect();
            let order = (0..entries.len())
                .filter(|&k| strict[k])
                .chain((0..entries.len()).filter(|&k| {
                    let e = &entries[k];
                    !strict[k]
                        && e.kind == EntryKind::Swap
                        && evidence.for_entry(e) >= RELAX_EVIDENCE
                        && req.any(e)
                }));
            let order: Vec<usize> = order.collect();
            for k in order {
                let e = entries[k];
                if e.kind == EntryKind::Allow {
                    next_free = c.last + 1;
                    break;
                }
                let penalty = if strict[k] { 1.0 } else { RELAXED_PENALTY };
                let confidence = match e.kind {
                    EntryKind::Swap => e.prior * evidence.for_entry(&e) * penalty,
                    _ => e.prior,
                };
                if confidence <= 0.0 {
                    continue;
                }
                let start = doc.tokens[c.first].start;
                let end = doc.tokens[c.last].end;
                let spun = &text[start..end];
                findings.push(Finding {
                    start,
                    end,
                    line: 0,
                    column: 0,
                    spun: spun.to_string(),
                    suggestions: e.originals().map(|o| case::transfer(spun, o)).collect(),
                    confidence: (confidence * 1000.0).round() / 1000.0,
                    kind: e.kind.as_str(),
                    dictionary: dict.name().to_string(),
                    entry_source: e.source.to_string(),
                    entry_line: e.line,
                });
                next_free = c.last + 1;
                break;
            }
        }
        ScanResult { findings, evidence }
    }
}

/// The length of the piece at the start of `rest` (the rest of a text, or at least its next
/// `limit` plus four bytes): all of it if it fits in `limit` bytes, else up to the last
/// paragraph break within `limit` bytes, else the last line break, else the last whitespace,
/// else the last character boundary (a single "word" longer than the limit). Works on bytes
/// so a reader streaming a file cuts it exactly where a scan of the whole text would.
pub(crate) fn piece_len(rest: &[u8], limit: usize) -> usize {
    if limit >= rest.len() {
        return rest.len();
    }
    let window = &rest[..limit];
    let cut = |at: Option<usize>, len: usize| at.map(|i| i + len).filter(|&e| e > 0);
    if let Some(e) = cut(window.windows(2).rposition(|w| w == b"\n\n"), 2)
        .or_else(|| cut(window.iter().rposition(|&b| b == b'\n'), 1))
        .or_else(|| cut(window.iter().rposition(|&b| b == b' ' || b == b'\t'), 1))
    {
        return e;
    }
    let inside = |i: usize| i < rest.len() && (rest[i] & 0xC0) == 0x80;
    let mut e = limit;
    while e > 0 && inside(e) {
        e -= 1;
    }
    if e == 0 {
        // A limit smaller than one character: take the whole character.
        e = limit;
        while inside(e) {
            e += 1;
        }
    }
    e
}

/// Distinct swaps of one profile per 100 words that clean text reaches by chance.
pub const SWAP_BASELINE: f32 = 1.8;
/// Fewest distinct swaps that count as evidence at all.
pub const SWAP_MIN: usize = 4;

/// Evidence strength from swap density: nothing up to [`SWAP_BASELINE`] distinct swaps per
/// 100 words (short texts are measured as if 150 words long, so a handful of words can't
/// look dense), then one unit per extra swap per 100 words.
fn swap_strength(distinct: usize, words: usize) -> f32 {
    if distinct < SWAP_MIN {
        return 0.0;
    }
    let density = 100.0 * distinct as f32 / words.max(150) as f32;
    (density - SWAP_BASELINE).max(0.0)
}

fn count_words(doc: &Doc<'_>) -> usize {
    doc.tokens.iter().filter(|t| t.is_word).count()
}

/// Fill in 1-based line and character column of each finding (findings sorted by start).
/// Public so that formats which scan extracted text can relocate findings in the file.
pub fn locate(text: &str, findings: &mut [Finding]) {
    Locator::default().locate(text, 0, findings);
}

/// A running position (line, column) in a text read front to back, possibly in pieces:
/// each byte is looked at once, so locating many findings on one long line stays linear.
#[derive(Clone, Debug)]
pub struct Locator {
    /// Text offset reached.
    pos: usize,
    /// 1-based line at `pos`.
    line: usize,
    /// Characters between the start of the line and `pos`.
    column: usize,
}

impl Default for Locator {
    fn default() -> Self {
        Locator {
            pos: 0,
            line: 1,
            column: 0,
        }
    }
}

impl Locator {
    /// Locate `findings` (sorted, in text offsets, none before the position reached) in
    /// `window`, the part of the text starting at offset `base` that holds them and every
    /// byte from the position reached up to them. A byte order mark at offset 0 is not a
    /// column.
    pub fn locate(&mut self, window: &str, base: usize, findings: &mut [Finding]) {
        for f in findings.iter_mut() {
            self.advance(window, base, f.start);
            f.line = self.line;
            f.column = self.column + 1;
        }
    }

    /// Move to text offset `to` (at most `base + window.len()`).
    pub fn advance(&mut self, window: &str, base: usize, to: usize) {
        if to <= self.pos {
            return;
        }
        let bytes = &window.as_bytes()[self.pos - base..to - base];
        let skip = if self.pos == 0 && bytes.starts_with("\u{FEFF}".as_bytes()) {
            3
        } else {
            0
        };
        for &b in &bytes[skip..] {
            if b == b'\n' {
                self.line += 1;
                self.column = 0;
            } else if (b & 0xC0) != 0x80 {
                self.column += 1;
            }
        }
        self.pos = to;
    }
}
