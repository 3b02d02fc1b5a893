//! The scanner: finds dictionary phrases in a text and weighs them with document evidence.
//!
//! Scanning a document happens in three steps:
//!
//! 1. **Match.** The text is tokenised and normalised once ([`crate::normalize`]). From each
//!    token start, every dictionary's FST is walked node by node (`fst::raw`), token by token,
//!    with one space between tokens that had whitespace between them. Every final state
//!    reached at the end of a token is a candidate, so a key can only match whole tokens:
//!    "prime" never matches inside "primer". Paragraph breaks stop the walk.
//! 2. **Evidence.** Fingerprint candidates whose conditions hold, an unusual density of
//!    distinct swaps of one profile that the context model finds plausible, leaked spinner
//!    templates (`{dollars}`) and the absence of the words a profile replaces ("keys
//!    vanish", [`VANISH_SPUN`]) give the document a spin score per spinner profile
//!    ([`DocEvidence`]).
//! 3. **Select.** Left to right, at each token the longest candidate whose entry passes its
//!    conditions wins (later dictionary layers first, `allow` entries before others); the scan
//!    resumes after it, so findings never overlap and come out in text order.
//!
//! Every candidate is judged in its context by the [`ContextModel`]: the best-fitting
//! original is suggested first, a swap whose text as written fits clearly better than any
//! original is vetoed ([`LM_VETO`]), a swap whose context condition fails may still fire
//! where the model clearly prefers the original ([`LM_WAIVE`]), and a swap's confidence is
//! its prior times the evidence for its spinner profile, moved by the model's verdict
//! ([`LM_WEIGHT`]; judged again once its neighbours are repaired, and lowered where the
//! model cannot tell the original from the text as written, [`LM_SUPPORT`]): the same word is
//! repaired in a spun article and left alone in a clean one, and left alone in a spun one
//! where it reads as normal English.
//!
//! In a document whose spin score is high, words no dictionary covers are then searched for
//! substitutions a thesaurus explains, when the scanner was given one
//! ([`Scanner::with_discovery`], [`discover`]): findings of kind `discovered`. With the same
//! thesaurus, non-words made by swapping a piece of a word ([`subword`]) are repaired in any
//! document holding several of them, and raise its spin score.

pub mod discover;
mod lattice;
pub mod subword;
pub mod thesaurus_forms;

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasherDefault;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use crate::case;
use crate::dict::condition::{all_hold, TokenAccess};
use crate::dict::fxhash::FxHasher;
use crate::dict::walk::Walker;
use crate::dict::{DictSet, EntryKind, EntryRef};
use crate::lm::ContextModel;
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
    /// The kind of the entry that produced it, or [`FindingKind::Discovered`].
    pub kind: FindingKind,
    /// Name of the dictionary the entry came from.
    pub dictionary: String,
    /// Source file the entry was compiled from.
    pub entry_source: String,
    /// 1-based line of the entry in that file.
    pub entry_line: u32,
}

/// What produced a finding: a dictionary entry of a repairing kind, or discovery.
///
/// Written and read as `fingerprint`, `swap` and `discovered` ([`FindingKind::as_str`],
/// [`std::str::FromStr`], serde), in reports, the review page and learned entries' tags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingKind {
    /// A fingerprint entry: phrasing that almost never occurs in normal English.
    Fingerprint,
    /// A swap entry: a common-word substitution, weighed by the document's evidence.
    Swap,
    /// No entry: a substitution a thesaurus explains, in a strongly spun document
    /// ([`discover`]).
    Discovered,
}

impl FindingKind {
    /// Every kind.
    pub const ALL: [FindingKind; 3] = [
        FindingKind::Fingerprint,
        FindingKind::Swap,
        FindingKind::Discovered,
    ];

    /// The kind of finding an entry of `kind` produces; `None` for entries that never
    /// produce one (`allow`, `key`).
    pub fn of_entry(kind: EntryKind) -> Option<FindingKind> {
        match kind {
            EntryKind::Fingerprint => Some(FindingKind::Fingerprint),
            EntryKind::Swap => Some(FindingKind::Swap),
            EntryKind::Allow | EntryKind::Key => None,
        }
    }

    /// The word written for this kind.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Fingerprint => "fingerprint",
            FindingKind::Swap => "swap",
            FindingKind::Discovered => "discovered",
        }
    }
}

impl std::fmt::Display for FindingKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A word that names no [`FindingKind`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown finding kind {0:?} (expected fingerprint, swap or discovered)")]
pub struct UnknownFindingKind(pub String);

impl std::str::FromStr for FindingKind {
    type Err = UnknownFindingKind;

    /// Read the word [`FindingKind::as_str`] writes (surrounding spaces ignored).
    fn from_str(s: &str) -> Result<FindingKind, UnknownFindingKind> {
        FindingKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| UnknownFindingKind(s.to_string()))
    }
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
    /// Occurrences of the profile's vanishing keys (see [`VANISH_SPUN`]).
    pub keys_seen: usize,
    /// Occurrences of those keys expected in clean text of this length.
    pub keys_expected: f32,
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
    pub fn add_piece(&mut self, piece: DocEvidence) {
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

// Evidence tuning: every number that turns what a document shows into its spin evidence
// (`Scanner::evidence`). Measured on the team's evaluation set; change them only with its
// numbers (README, "Accuracy").

/// How strongly fingerprints convince: evidence = 1 - exp(-strength / EVIDENCE_SCALE), where
/// strength sums the priors of distinct fingerprint entries plus [`REPEAT_STRENGTH`] for
/// each repeat.
pub const EVIDENCE_SCALE: f32 = 1.2;
/// Evidence strength of each repeated occurrence of a fingerprint entry already counted.
pub const REPEAT_STRENGTH: f32 = 0.25;
/// Distinct swaps of one profile per 100 words that clean text reaches by chance.
pub const SWAP_BASELINE: f32 = 1.8;
/// Fewest distinct swaps that count as evidence at all.
pub const SWAP_MIN: usize = 4;
/// Texts shorter than this are measured as if this long for swap density: in a paragraph,
/// four or five common words that happen to be spun forms ("mentioned", "chief", "stay",
/// "individuals") are chance, not density.
pub const SWAP_MIN_WORDS: usize = 300;
/// Evidence never reaches certainty: a swap's confidence stays below its prior, so a swap
/// entered at prior 0.5 ("not by default") is never applied at the default threshold.
pub const MAX_EVIDENCE: f32 = 0.95;

/// Keys vanish: a spinner replaces every occurrence of the words it knows, so in its output
/// the originals of its swaps ("said", "people", "company") are far rarer than word
/// frequencies predict. A profile's *vanishing keys* are the one-word originals of its
/// unconditioned swaps (prior at least [`VANISH_MIN_PRIOR`]) with Zipf frequency in
/// [`VANISH_ZIPF`], that are not themselves a dictionary key. Their lower-case occurrences
/// are compared with the count the model's word frequencies predict for the document's
/// length: a Poisson log-likelihood ratio between survival rates [`VANISH_SPUN`] and
/// [`VANISH_CLEAN`], times [`VANISH_WEIGHT`], adds to (or, where the keys are plentiful,
/// subtracts from) the profile's evidence strength.
pub const VANISH_SPUN: f32 = 0.35;
/// Share of the predicted key occurrences clean text shows (see [`VANISH_SPUN`]).
pub const VANISH_CLEAN: f32 = 0.7;
/// Weight of the keys-vanish log-likelihood ratio (nats) in the evidence strength.
pub const VANISH_WEIGHT: f32 = 0.25;
/// Zipf range of vanishing keys: frequent enough to be expected in a short article, but not
/// the handful of function words whose rate depends on style more than on spinning.
pub const VANISH_ZIPF: (f32, f32) = (4.5, 6.5);
/// Dictionaries with more entries than this give no vanishing keys: finding them means reading
/// every entry, and a memory-mapped dictionary of millions of entries must open at once.
pub const VANISH_MAX_ENTRIES: usize = 200_000;
/// Least prior of a swap whose original counts as a vanishing key.
pub const VANISH_MIN_PRIOR: f32 = 0.7;
/// A *table profile* is one imported from a spinner's table (`despin dict import`): it holds
/// `key` entries, the wordings the spinner searches, each with its expected survival in the
/// spinner's output (the entry's prior). Its keys vanish almost completely, so for it the
/// keys-vanish log-likelihood ratio decides whether a document is spun: keys with survival at
/// most [`TABLE_KEY_MAX_SURVIVAL`] are counted (lower case as written, not touching `-`, not
/// inside a longer match of a repairing entry) against the counts the model's frequencies
/// predict, spun (each key at its survival, at least [`TABLE_SURVIVAL_FLOOR`]) against clean
/// ([`VANISH_CLEAN`]), weighted [`TABLE_KEY_WEIGHT`]. Swap density is no evidence for such a
/// profile (a full table matches common words everywhere).
pub const TABLE_KEY_MAX_SURVIVAL: f32 = 0.3;
/// Least survival a table key is expected to show in spun text: keys inside quotes, or
/// blocked by a longer match, survive.
pub const TABLE_SURVIVAL_FLOOR: f32 = 0.03;
/// Weight of a table profile's keys-vanish log-likelihood ratio (nats) in its evidence.
pub const TABLE_KEY_WEIGHT: f32 = 1.0;
/// Evidence strength of each distinct leaked template (`{dollars}`): a spinner that protects
/// tokens left its placeholder in the text, which nothing else writes.
pub const LEAK_STRENGTH: f32 = 1.5;

// Decision tuning: how the context model moves, vetoes or waives a candidate.

/// How much the context model's verdict moves a swap's confidence: the confidence is
/// `sigmoid(logit(prior * evidence) + LM_WEIGHT * (gain - LM_SUPPORT))`, at most
/// `prior * MAX_EVIDENCE`, where the gain is the log-likelihood ratio (nats) of the context
/// given the best original against the context given the text as written (clamped to
/// +-[`LM_GAIN_CLAMP`]), judged again once the other findings are repaired
/// ([`Scanner::scan`]).
pub const LM_WEIGHT: f32 = 0.35;
/// How much better (nats) the neighbours must fit a swap's original before the swap keeps
/// its full prior: where the model cannot tell the two wordings apart (gain near 0), the
/// swap rests on its prior alone, and on the development set such swaps were right 85 % of
/// the time against 95 % where the original fits at least half a nat better.
pub const LM_SUPPORT: f32 = 1.0;
/// Largest gain, either way, the confidence takes into account.
pub const LM_GAIN_CLAMP: f32 = 6.0;
/// A swap whose text as written fits its context this many nats better than every original
/// is vetoed: the spinner did not produce it, or its original is not one we know.
/// Fingerprints, rare in English by definition, are not vetoed (only their alternatives are
/// ordered by the model).
pub const LM_VETO: f32 = 3.0;
/// A swap whose context condition fails may still fire where the context model prefers the
/// original by at least this many nats: a deterministic spinner replaces a word wherever it
/// occurs, and the model judges the context better than a hand-written word list.
pub const LM_WAIVE: f32 = 3.0;
/// How much the context model counts in a table profile's decisions (a multiplier on the
/// log-likelihood of the neighbours; below 1 because the neighbours overstate it).
pub const TABLE_LM_WEIGHT: f32 = 0.7;
/// How much a table decision trusts the rest of the document: an original's prior is
/// multiplied by `(1 + b)^TABLE_CACHE_WEIGHT`, where `b` is the belief in that original at
/// the document's other matches (summed posteriors of the previous pass). A document repeats
/// its words, and the spinner writes a repeated key as different members of its group.
pub const TABLE_CACHE_WEIGHT: f32 = 1.0;
/// How much the word-pair model counts beside the trigram model in a table profile's decision
/// on one match: [`ContextModel::context_fit`] (one neighbour each side) times this is added
/// to the trigram model's fit, and both are weighted by [`TABLE_LM_WEIGHT`]. The
/// two models come from different corpora (symspellpy's web counts, CMU Sphinx's news), and
/// together they tell originals apart better than the trigram model alone: measured on the
/// simulator (seed 2) at 0.3, 0.6 and 1.0, 0.6 repairs 0.9 to 1.2 points more at equal
/// precision from 0.8 to 0.95. (Added to the joint decoding as well, it gained 0.3 points at
/// most and moved the default threshold's precision down, so it is not.)
pub const TABLE_PAIR_WEIGHT: f32 = 0.6;
/// Paths kept by the joint decision of a table profile's findings. After the local passes
/// ([`TABLE_RESCORE_PASSES`]), the matches of each sentence are decoded jointly (a beam over
/// every reading of every match, scored by the trigram model over the whole repaired
/// stretch, so adjacent spun words decide each other: "man place" reads as "wall street"). The
/// original chosen is the one with the largest geometric mean of its local and joint
/// posteriors, and its confidence is the smaller of the two times the document's evidence:
/// a reading believed by one decision only is not applied on that belief. Measured on the
/// simulator (seed 2), this rule repairs more at every precision from 0.85 up than either
/// decision alone or their mean. Decoding costs at most this many times each match's readings.
pub const TABLE_BEAM: usize = 16;
/// The chance of being right (a table finding's posterior times the document's evidence) at
/// which a table profile's finding reaches confidence 0.5, the default threshold. That chance
/// is calibrated (on the simulator, findings at 0.5-0.6 are right about 57 % of the time), and
/// the cut that maximises F0.5 for calibrated chances lies above 0.5 (about F0.5 / 1.25).
/// Measured on the simulator (seed 2, thresholds 0.5 to 0.75 in steps of 0.05), F0.5 is flat
/// between 0.55 and 0.7 and highest at 0.65 used normally, 0.55 in shuffle mode: 0.6 for both.
/// A finding's confidence is that chance with its odds divided by 1.5 (0.6 / 0.4): the scale
/// keeps its order, so a lower `--min-confidence` still applies the less likely ones.
pub const TABLE_APPLY_AT: f32 = 0.6;

/// Penalty (nats) on an original of a table used in shuffle mode where the document shows that
/// wording as written elsewhere (a match of the same table). In shuffle mode every member of a
/// group is searched, so a wording the original used is replaced wherever it stood: what the
/// document shows of a group is the members the original did *not* use (a document keeps to
/// one wording of a group). Measured on the simulator (seed 2, shuffle mode) at 0.5, 1, 1.5
/// and 2.5 nats: recall at precision 0.85 from 0.529 to 0.543, 0.554, 0.552, 0.549; used
/// normally (where an original is a key, whose showing elsewhere says nothing of its own
/// group) it changed nothing, so it applies to shuffle-mode tables only: those whose every
/// written wording is searched (at least 90 % of them, measured when the scanner is built).
/// Applied from the first rescoring pass, when every match of the document is known.
pub const TABLE_SEEN: f32 = 1.0;

/// Penalty (nats), times the chance that the document's spinner took its table's lines in
/// file order, on a multi-word original holding a wording searched on an earlier line ("the
/// council" where "council" is searched first): a spinner that takes its lines in file order
/// replaces the inner wording before it reaches the longer one, so it never replaces the
/// longer one whole. A spinner that takes longer wordings first does, so the chance decides
/// ([`FILE_ORDER_SHARES`]). Measured on the simulator (seed 2, tables used normally), recall
/// at precision 0.9 / 0.95 in file order from 0.721 / 0.601 to 0.730 / 0.611 (1 nat), 0.736 /
/// 0.624 (2), 0.738 / 0.629 (4), longer wordings first unchanged (0.763 / 0.646 to 0.762 /
/// 0.645 at 4). The same penalty with no chance (always) cost longer-first documents 0.6 / 1.3
/// points at 1 nat. Tables used in shuffle mode are left out (not measured).
pub const TABLE_INNER_EARLIER: f32 = 4.0;

/// Share of a document's confident multi-word table readings (chance at least
/// [`FILE_ORDER_MIN_CHANCE`]) that hold a wording searched on an earlier line, when the spinner
/// takes longer wordings first and when it takes lines in file order: 0.45 and 0.12, the medians
/// over the documents of the simulator (seed 2, stand-in shaped like the real table; per
/// document the two ranges barely overlap). The chance of file order is a binomial likelihood
/// ratio of the two over the document's count, from even odds.
pub const FILE_ORDER_SHARES: (f32, f32) = (0.45, 0.12);

/// The chance of file order for a document where `holding` of `multi` confident multi-word
/// readings hold an earlier-searched wording ([`FILE_ORDER_SHARES`]): even odds with none.
fn file_order_chance(holding: u32, multi: u32) -> f32 {
    let (longer, file) = FILE_ORDER_SHARES;
    let llr = holding as f32 * (file / longer).ln()
        + (multi - holding) as f32 * ((1.0 - file) / (1.0 - longer)).ln();
    sigmoid(llr)
}

/// Least chance of a table reading counted for [`FILE_ORDER_SHARES`].
pub const FILE_ORDER_MIN_CHANCE: f32 = 0.7;

/// Penalty (nats) on a table reading that would put back, with its neighbours, a longer
/// wording the spinner searches on an earlier line of its table: "party" read as "council"
/// after "the", where "the council" is searched before "council". Whether the spinner takes
/// its lines in file order (an earlier line's matches block later ones inside them) or longer
/// wordings first, it would have replaced "the council" whole, and the reading cannot be how
/// the text came about. (Where the longer wording comes later in the table, only a spinner
/// that matches longer wordings first would have, so nothing is concluded.) Not infinite: a
/// neighbour may itself be spun. Measured on the simulator at 1, 2, 3, 4 and 8 nats (seed
/// 2, longer wordings first, every longer wording counted): 1 to 3 alike, 8 worse. With
/// several table profiles, a wording any of them searches counts.
pub const TABLE_BLOCKED: f32 = 2.0;

/// The wordings table profiles' spinners search ([`TABLE_BLOCKED`]), indexed by the shorter
/// wordings inside them, so that asking about a reading is one lookup.
#[derive(Debug, Default)]
struct Searched {
    /// Each searched wording (normalised tokens joined by spaces) and the first table line
    /// that searches it.
    lines: FxMap<String, u32>,
    /// For each run of one or more tokens inside a searched wording of more tokens, with at
    /// most two tokens of it before the run and two after: the wordings around it.
    within: FxMap<String, Vec<Around>>,
}

/// A searched wording around a shorter run of tokens ([`Searched::within`]): its tokens,
/// where the run starts in them, and its table line.
type Around = (Box<[String]>, usize, u32);

impl Searched {
    /// Whether `toks` (two or more) hold a shorter wording searched on an earlier line than
    /// `toks` itself (any line, if `toks` is not searched): [`TABLE_INNER_EARLIER`]. `buf` is
    /// reused for the joined tokens.
    fn holds_earlier(&self, toks: &[&str], buf: &mut String) -> bool {
        let n = toks.len();
        if n < 2 {
            return false;
        }
        join_words(buf, toks.iter().copied());
        let own = self.lines.get(buf.as_str()).copied().unwrap_or(u32::MAX);
        (0..n).any(|a| {
            (a + 1..=n).filter(|&b| (a, b) != (0, n)).any(|b| {
                join_words(buf, toks[a..b].iter().copied());
                self.lines.get(buf.as_str()).is_some_and(|&l| l < own)
            })
        })
    }

    /// Records `words` (normalised tokens) as searched on table line `line`.
    fn add(&mut self, words: &[&str], line: u32) {
        let first = self.lines.entry(words.join(" ")).or_insert(line);
        *first = (*first).min(line);
        let n = words.len();
        let owned: Box<[String]> = words.iter().map(|w| w.to_string()).collect();
        for start in 0..n.min(3) {
            for end in start + 1..=n {
                if (start, end) != (0, n) && n - end <= 2 {
                    self.within
                        .entry(words[start..end].join(" "))
                        .or_default()
                        .push((owned.clone(), start, line));
                }
            }
        }
    }
}

impl Searched {
    /// The searched wordings around `toks` on an earlier table line than `toks` itself (any
    /// line, if `toks` is not searched): what [`Blockers::hold`] checks against a reading's
    /// neighbours. One lookup, made once per reading.
    /// `key` is a buffer for the joined tokens, reused from reading to reading.
    fn blockers(&self, toks: &[&str], key: &mut String) -> Blockers<'_> {
        if self.within.is_empty() {
            return Blockers::default();
        }
        join_words(key, toks.iter().copied());
        let own = self.lines.get(key.as_str()).copied().unwrap_or(u32::MAX);
        Blockers {
            around: self.within.get(key.as_str()).map_or(&[], Vec::as_slice),
            own,
            len: toks.len(),
        }
    }
}

/// The searched wordings that may block one reading ([`Searched::blockers`]).
#[derive(Default)]
struct Blockers<'s> {
    around: &'s [Around],
    own: u32,
    len: usize,
}

impl Blockers<'_> {
    /// Whether the reading with one or two of the words before it (`left`, nearest last) or
    /// after it (`right`, nearest first) is a wording searched on an earlier line
    /// ([`TABLE_BLOCKED`]).
    fn hold(&self, left: &[&str], right: &[&str]) -> bool {
        self.around.iter().any(|(words, start, line)| {
            let after = words.len() - start - self.len;
            *line < self.own
                && *start <= left.len()
                && after <= right.len()
                && words[..*start]
                    .iter()
                    .zip(&left[left.len() - start..])
                    .all(|(w, l)| w == l)
                && words[start + self.len..]
                    .iter()
                    .zip(right)
                    .all(|(w, r)| w == r)
        })
    }
}

/// Passes that decide a table profile's findings again with repaired neighbours and the
/// document's beliefs ([`TABLE_CACHE_WEIGHT`]) of the pass before.
pub const TABLE_RESCORE_PASSES: usize = 2;

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
    /// The thesaurus strongly spun documents are searched with (`discovered` findings).
    discovery: Option<Arc<discover::Thesaurus>>,
    /// Built on first use from the dictionaries, shared by clones.
    vanishing: Arc<OnceLock<VanishingKeys>>,
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
type FxSet<K> = std::collections::HashSet<K, BuildHasherDefault<FxHasher>>;

/// Each profile's vanishing keys (see [`VANISH_SPUN`]).
#[derive(Debug, Default)]
struct VanishingKeys {
    /// Profile names.
    profiles: Vec<String>,
    /// Per profile, the keys' summed word probability.
    rate: Vec<f32>,
    /// Key -> indices of the profiles it belongs to.
    keys: FxMap<String, Vec<u16>>,
    /// Table profiles (see [`TABLE_KEY_MAX_SURVIVAL`]): name -> (summed probability of the
    /// counted keys, the same weighted by their survival).
    tables: FxMap<String, (f32, f32)>,
    /// Per table profile, how many spun forms the spinner writes for each original (lower
    /// case): the spinner picks one of them at random, so each is written 1/n of the time.
    forms: FxMap<String, FxMap<String, u16>>,
    /// Every wording a table profile's spinner searches ([`TABLE_BLOCKED`]).
    searched: Searched,
    /// Table profiles used in shuffle mode ([`TABLE_SEEN`]): every wording they write is
    /// one they search.
    shuffled: Vec<String>,
}

/// The probability of a table key counted for keys-vanish evidence (see
/// [`TABLE_KEY_MAX_SURVIVAL`]), or `None` when it is not counted.
fn table_key_p(lm: &ContextModel, e: &EntryRef<'_>) -> Option<f32> {
    if e.kind != EntryKind::Key || e.prior > TABLE_KEY_MAX_SURVIVAL {
        return None;
    }
    lm.ln_phrase(&phrase_tokens(e.spun, &mut Vec::new()))
        .map(f32::exp)
}

impl VanishingKeys {
    fn build(dicts: &DictSet, lm: &ContextModel) -> VanishingKeys {
        let mut out = VanishingKeys::default();
        let is_key = |w: &str| {
            dicts
                .layers()
                .iter()
                .any(|d| d.lookup(w).iter().any(|e| e.kind != EntryKind::Key))
        };
        let small = || {
            dicts
                .layers()
                .iter()
                .filter(|d| d.len() <= VANISH_MAX_ENTRIES)
        };
        // Per table profile, its searched wordings, and how many of the wordings it writes are
        // among them (of how many).
        let mut searched_by: FxMap<&str, FxSet<&str>> = FxMap::default();
        let mut written_searched: FxMap<&str, (usize, usize)> = FxMap::default();
        for dict in small() {
            for e in dict.entries().filter(|e| e.kind == EntryKind::Key) {
                for prof in e.profiles() {
                    searched_by.entry(prof).or_default().insert(e.spun);
                }
                out.searched
                    .add(&phrase_tokens(e.spun, &mut Vec::new()), e.line);
                let p = table_key_p(lm, &e);
                for prof in e.profiles() {
                    out.forms.entry(prof.to_string()).or_default();
                    let slot = out.tables.entry(prof.to_string()).or_default();
                    if let Some(p) = p {
                        slot.0 += p;
                        slot.1 += p * e.prior.max(TABLE_SURVIVAL_FLOOR);
                    }
                }
            }
        }
        // Only a table profile needs another pass over the entries.
        let any_table = !out.forms.is_empty();
        for dict in small().filter(|_| any_table) {
            for e in dict.entries().filter(|e| e.kind.repairs()) {
                for prof in e.profiles() {
                    if let Some(forms) = out.forms.get_mut(prof) {
                        for o in e.originals() {
                            *forms.entry(o.to_lowercase()).or_default() += 1;
                        }
                    }
                    if e.kind == EntryKind::Swap {
                        if let Some(keys) = searched_by.get(prof) {
                            let n = written_searched.entry(prof).or_default();
                            n.0 += usize::from(keys.contains(e.spun));
                            n.1 += 1;
                        }
                    }
                }
            }
        }
        // Used normally, a table writes many wordings it does not search ("nationwide" for
        // "national"); in shuffle mode it searches all it writes.
        out.shuffled = written_searched
            .into_iter()
            .filter(|&(_, (searched, written))| written > 0 && searched * 10 >= written * 9)
            .map(|(p, _)| p.to_string())
            .collect();
        out.shuffled.sort();
        for dict in small() {
            for e in dict.entries() {
                if e.kind != EntryKind::Swap
                    || e.profiles().any(|p| out.tables.contains_key(p))
                    || !e.context.is_empty()
                    || !e.requires.is_empty()
                    || e.prior < VANISH_MIN_PRIOR
                {
                    continue;
                }
                for o in e.originals() {
                    let zipf = lm.zipf(o);
                    if o.contains(|c: char| !c.is_ascii_lowercase())
                        || !(VANISH_ZIPF.0..=VANISH_ZIPF.1).contains(&zipf)
                        || is_key(o)
                    {
                        continue;
                    }
                    for p in e.profiles() {
                        let pi = match out.profiles.iter().position(|q| q == p) {
                            Some(i) => i,
                            None => {
                                out.profiles.push(p.to_string());
                                out.rate.push(0.0);
                                out.profiles.len() - 1
                            }
                        };
                        let slot = out.keys.entry(o.to_string()).or_default();
                        if !slot.contains(&(pi as u16)) {
                            slot.push(pi as u16);
                            out.rate[pi] += lm.ln_word(o).map_or(0.0, f32::exp);
                        }
                    }
                }
            }
        }
        out
    }

    /// Per profile, lower-case occurrences of its keys that touch no `-`.
    fn count(&self, doc: &Doc<'_>) -> Vec<usize> {
        let mut seen = vec![0; self.profiles.len()];
        if self.keys.is_empty() {
            return seen;
        }
        let bytes = doc.text.as_bytes();
        let hyphen =
            |i: usize| doc.tok(i).start + 1 == doc.tok(i).end && bytes[doc.tok(i).start] == b'-';
        for (i, t) in (0..doc.tokens.len()).map(|i| (i, doc.tok(i))) {
            if !t.is_word || !bytes[t.start].is_ascii_lowercase() {
                continue;
            }
            let Some(profiles) = self.keys.get(doc.norm_str(i)) else {
                continue;
            };
            let touches = (t.sep == Sep::Adjacent && i > 0 && hyphen(i - 1))
                || (i + 1 < doc.tokens.len()
                    && doc.tokens[i + 1].sep == Sep::Adjacent
                    && hyphen(i + 1));
            if touches || &bytes[t.start..t.end] != doc.norm_bytes(i) {
                continue;
            }
            for &p in profiles {
                seen[p as usize] += 1;
            }
        }
        seen
    }
}

impl VanishingKeys {
    /// Per table profile, occurrences of its counted keys (see [`TABLE_KEY_MAX_SURVIVAL`]).
    fn count_tables(&self, doc: &Doc<'_>, cands: &Candidates<'_>) -> FxMap<String, usize> {
        let mut seen: FxMap<String, usize> = FxMap::default();
        if self.tables.is_empty() {
            return seen;
        }
        let lm = ContextModel::embedded();
        // Tokens inside a longer match of a repairing entry: a key there is part of a phrase
        // the spinner may have written.
        let mut covered = vec![false; doc.tokens.len()];
        for c in cands.iter().filter(|c| c.last > c.first) {
            if cands.entries(c).iter().any(|e| e.kind.repairs()) {
                covered[c.first..=c.last].iter_mut().for_each(|t| *t = true);
            }
        }
        let bytes = doc.text.as_bytes();
        let hyphen =
            |i: usize| doc.tok(i).start + 1 == doc.tok(i).end && bytes[doc.tok(i).start] == b'-';
        for c in cands.iter() {
            if c.first == c.last && covered[c.first] {
                continue;
            }
            if !bytes[doc.tok(c.first).start].is_ascii_lowercase()
                || (c.first..=c.last)
                    .any(|i| &bytes[doc.tok(i).start..doc.tok(i).end] != doc.norm_bytes(i))
                || (doc.tokens[c.first].sep == Sep::Adjacent && c.first > 0 && hyphen(c.first - 1))
                || (c.last + 1 < doc.tokens.len()
                    && doc.tokens[c.last + 1].sep == Sep::Adjacent
                    && hyphen(c.last + 1))
            {
                continue;
            }
            for e in cands.entries(c) {
                if table_key_p(lm, e).is_none() {
                    continue;
                }
                for p in e.profiles() {
                    if self.tables.contains_key(p) {
                        *seen.entry(p.to_string()).or_default() += 1;
                    }
                }
            }
        }
        seen
    }
}

/// Poisson log-likelihood ratio (nats) of `seen` key occurrences where clean text would show
/// `expected`: spun (survival [`VANISH_SPUN`]) against clean ([`VANISH_CLEAN`]).
fn vanish_llr(seen: usize, expected: f32) -> f32 {
    seen as f32 * (VANISH_SPUN / VANISH_CLEAN).ln() - (VANISH_SPUN - VANISH_CLEAN) * expected
}

/// Distinct leaked templates (`{word}`, `{two words}`) in the document.
fn leaks(doc: &Doc<'_>) -> usize {
    let mut found: Vec<&str> = Vec::new();
    let n = doc.tokens.len();
    for i in 0..n {
        if doc.norm_bytes(i) != b"{" {
            continue;
        }
        let mut j = i + 1;
        // Template words are letters: `{1}` or `{x_1}` are code or format strings.
        while j < n
            && j <= i + 4
            && doc.tokens[j].is_word
            && doc.tokens[j].sep != Sep::Break
            && doc.norm_str(j).chars().all(char::is_alphabetic)
        {
            j += 1;
        }
        if j > i + 1
            && j < n
            && doc.norm_bytes(j) == b"}"
            && doc.tokens[j].sep == Sep::Adjacent
            && doc.tokens[i + 1].sep == Sep::Adjacent
        {
            let s = doc.span(i + 1).0;
            let e = doc.span(j - 1).1;
            let w = doc.norm.get(s..e).unwrap_or("");
            if !found.contains(&w) {
                found.push(w);
            }
        }
    }
    found.len()
}

/// The context model's verdict on one entry at one match.
#[derive(Clone, Copy, Debug)]
struct Verdict {
    /// Index of the original that fits best (the most likely text in this context).
    best: usize,
    /// Log-likelihood ratio (nats) of the context given that original against the context
    /// given the text as written: how much better the neighbours fit the original,
    /// discounting how common each wording is anyway (a spinner swaps whatever the context,
    /// so only the fit to the context is evidence of a swap).
    lr: f32,
    /// The same ratio in the word-pair model with one neighbour each side, for swap density
    /// ([`ContextModel::context_fit`]).
    pair_lr: f32,
}

/// Verdicts already reached in one document, by match and entry: evidence and selection
/// ask about the same matches. Behind it, a per-thread memo by entry and context
/// ([`judge_memo`]).
struct Verdicts {
    here: FxMap<(usize, usize, usize, usize), Verdict>,
    /// Dictionary id per layer.
    ids: Vec<u64>,
}

impl Verdicts {
    fn new(dicts: &DictSet) -> Verdicts {
        Verdicts {
            here: FxMap::default(),
            ids: dicts.layers().iter().map(|d| d.id()).collect(),
        }
    }

    fn get(&mut self, doc: &Doc<'_>, c: &Candidate, e: &EntryRef<'_>) -> Verdict {
        let id = self.ids[c.layer];
        *self
            .here
            .entry((c.first, c.last, c.layer, e.index))
            .or_insert_with(|| judge_memo(id, doc, c, e, &Window::new(doc, c, None)))
    }
}

/// Verdicts remembered per thread; the memo is emptied when full.
const VERDICT_MEMO: usize = 1 << 15;

type VerdictMemo = HashMap<Box<[u8]>, Verdict, BuildHasherDefault<FxHasher>>;

thread_local! {
    static VERDICT_MEMO_SLOT: RefCell<(VerdictMemo, Vec<u8>)> = RefCell::default();
}

/// [`judge`], remembered per thread by what it depends on: the entry (dictionary `dict` and
/// index), the words matched and the neighbours it sees (`w`). The same entry in the same
/// context ("he mentioned that") recurs across a corpus, and judging costs a dozen model
/// lookups.
fn judge_memo(
    dict: u64,
    doc: &Doc<'_>,
    c: &Candidate,
    e: &EntryRef<'_>,
    w: &Window<'_>,
) -> Verdict {
    VERDICT_MEMO_SLOT.with(|slot| {
        let mut slot = slot.borrow_mut();
        let (memo, key) = &mut *slot;
        // Length-prefixed parts, so distinct contexts never share a key.
        key.clear();
        key.extend_from_slice(&dict.to_le_bytes());
        key.extend_from_slice(&(e.index as u64).to_le_bytes());
        let mut part = |b: Option<&[u8]>| match b {
            None => key.push(0),
            Some(b) => {
                key.push(1);
                key.extend_from_slice(&(b.len() as u32).to_le_bytes());
                key.extend_from_slice(b);
            }
        };
        for t in w.left().iter().chain([&""]).chain(w.right()) {
            part(Some(t.as_bytes()));
        }
        for i in c.first..=c.last {
            part(Some(doc.norm_bytes(i)));
        }
        if let Some(&v) = memo.get(key.as_slice()) {
            return v;
        }
        let v = judge(doc, c, e, w);
        if memo.len() >= VERDICT_MEMO {
            memo.clear();
        }
        memo.insert(key.as_slice().into(), v);
        v
    })
}

/// The tokens the context model sees beside a match: two each side, fewer where a paragraph
/// break or the text's edge comes first (read as the end of a sentence, `.`). With
/// `repaired`, repaired neighbours stand in for the text; beyond a repaired phrase of several
/// words the window stops (its inner words are not known here).
struct Window<'d> {
    left: [&'d str; 2],
    n_left: usize,
    right: [&'d str; 2],
    n_right: usize,
}

impl<'d> Window<'d> {
    fn new(doc: &'d Doc<'_>, c: &Candidate, repaired: Option<&'d Repaired>) -> Window<'d> {
        Window::around(doc, c.first, c.last, repaired)
    }

    /// The window around tokens `first..=last`.
    fn around(
        doc: &'d Doc<'_>,
        first: usize,
        last: usize,
        repaired: Option<&'d Repaired>,
    ) -> Window<'d> {
        let mut w = Window {
            left: [""; 2],
            n_left: 0,
            right: [""; 2],
            n_right: 0,
        };
        let mut i = first;
        while w.n_left < 2 {
            if i == 0 || doc.tokens[i].sep == Sep::Break {
                w.left[w.n_left] = ".";
                w.n_left += 1;
                break;
            }
            i -= 1;
            let fixed = repaired.and_then(|r| r.as_left(i));
            w.left[w.n_left] = fixed.unwrap_or(doc.norm_str(i));
            w.n_left += 1;
            if fixed.is_some() && !repaired.is_some_and(|r| r.as_right.contains_key(&i)) {
                break;
            }
        }
        w.left[..w.n_left].reverse();
        let mut j = last;
        while w.n_right < 2 {
            if j + 1 >= doc.tokens.len() || doc.tokens[j + 1].sep == Sep::Break {
                w.right[w.n_right] = ".";
                w.n_right += 1;
                break;
            }
            j += 1;
            let fixed = repaired.and_then(|r| r.as_right(j));
            w.right[w.n_right] = fixed.unwrap_or(doc.norm_str(j));
            w.n_right += 1;
            if fixed.is_some() && !repaired.is_some_and(|r| r.as_left.contains_key(&j)) {
                break;
            }
        }
        w
    }

    /// Tokens before the match, nearest last.
    fn left(&self) -> &[&'d str] {
        &self.left[..self.n_left]
    }

    /// Tokens after the match, nearest first.
    fn right(&self) -> &[&'d str] {
        &self.right[..self.n_right]
    }
}

fn judge(doc: &Doc<'_>, c: &Candidate, e: &EntryRef<'_>, w: &Window<'_>) -> Verdict {
    let lm = ContextModel::embedded();
    let (left, right) = (w.left(), w.right());
    // The word-pair model sees the nearest token each side (a break's `.` is no word to it).
    let (l1, r1) = (left.last().copied(), right.first().copied());
    let spun: Toks = (c.first..=c.last).map(|i| doc.norm_str(i)).collect();
    let spun_fit = lm.fit(left, &spun, right);
    let spun_pair_fit = lm.context_fit(l1, &spun, r1);
    let mut best: Option<(usize, f32, f32)> = None;
    let mut best_pair: Option<(f32, f32)> = None;
    let several = e.originals().nth(1).is_some();
    let mut folded = Vec::new();
    for (k, o) in e.originals().enumerate() {
        let toks = phrase_tokens(o, &mut folded);
        let (in_place, fit) = lm.score_and_fit(left, &toks, right);
        let pair_fit = lm.context_fit(l1, &toks, r1);
        // Alternatives are ranked by how likely each is in place (not only how well it
        // fits): only needed when there are several.
        let (score, pair_score) = if several {
            (
                in_place,
                lm.score_window(l1.as_slice(), &toks, r1.as_slice()),
            )
        } else {
            (0.0, 0.0)
        };
        if best.is_none_or(|b| score > b.1) {
            best = Some((k, score, fit));
        }
        if best_pair.is_none_or(|b| pair_score > b.0) {
            best_pair = Some((pair_score, pair_fit));
        }
    }
    let pair_lr = best_pair.map_or(0.0, |b| b.1 - spun_pair_fit);
    best.map_or(
        Verdict {
            best: 0,
            lr: 0.0,
            pair_lr,
        },
        |(best, _, f)| Verdict {
            best,
            lr: f - spun_fit,
            pair_lr,
        },
    )
}

/// Written in capitals throughout ("PC", "US", a headline in capitals): table spinners
/// match a key in lower case or with a capital first letter only, so a swap (a common word
/// that needs evidence) never fires there; fingerprints still do.
fn all_caps(text: &str) -> bool {
    let mut upper = 0;
    for ch in text.chars() {
        if ch.is_lowercase() {
            return false;
        }
        upper += usize::from(ch.is_uppercase());
    }
    upper >= 2
}

/// A table profile's decision on one match (see [`TABLE_KEY_MAX_SURVIVAL`]): the best
/// original and its posterior probability against the other originals and the text as
/// written. The entry's prior is the chance that the form, met in the spinner's output, was
/// written by the spinner (set by `despin dict import`); an original's share of it is its
/// frequency divided by the number of forms the spinner writes for it (it picks one at
/// random), among the originals, raised where the document's other matches believe in it
/// (`cache`: summed beliefs of the previous pass and this match's own, see
/// [`TABLE_CACHE_WEIGHT`]); the context model weighs each reading by how well it fits its
/// neighbours ([`TABLE_LM_WEIGHT`], with the word-pair model beside it, [`TABLE_PAIR_WEIGHT`]).
/// Text a spinner of this kind never writes is left alone (`None`): numbers, a capital inside
/// a word (`SEC`: it writes its table's lower-case wordings, at most capitalised), words
/// touching `-` (it matches whole words), words of a phrase separated by anything but one
/// space (it writes its wordings as they are). An article
/// before the match is read as the one each reading takes ("a"/"an"), so it favours none.
/// An original that would put back, with its neighbours, a wording the spinner searches
/// first (`searched`) loses [`TABLE_BLOCKED`].
fn table_decision(
    doc: &Doc<'_>,
    c: &Candidate,
    e: &EntryRef<'_>,
    repaired: &Repaired,
    priors: &TablePriors<'_>,
    searched: &Searched,
) -> Option<TableVerdict> {
    let r = table_readings(doc, c, e, priors)?;
    let lm = ContextModel::embedded();
    let window = Window::new(doc, c, Some(repaired));
    let right = window.right();
    let w = TABLE_LM_WEIGHT;
    let fit_with = |toks: &[&str]| -> f32 {
        let l = table_left(window.left(), toks.first());
        let near = l[1..].iter().copied().find(|t| !t.is_empty());
        lm.fit(&l[table_left_trim(&l)..], toks, right)
            + TABLE_PAIR_WEIGHT * lm.context_fit(near, toks, right.first().copied())
    };
    let as_written = r.as_written + w * fit_with(&r.spun);
    let mut key = String::new();
    let scores: SmallVec<[f32; 8]> = r
        .originals
        .iter()
        .map(|(toks, ln_share)| {
            let toks = toks.words();
            let blocked = searched
                .blockers(&toks, &mut key)
                .hold(window.left(), right);
            let inner = priors.inner_earlier > 0.0 && searched.holds_earlier(&toks, &mut key);
            ln_share + w * fit_with(&toks)
                - if blocked { TABLE_BLOCKED } else { 0.0 }
                - if inner { priors.inner_earlier } else { 0.0 }
        })
        .collect();
    let (best, &top) = scores
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))?;
    let all = log_sum_exp(scores.iter().copied().chain([as_written]));
    Some(TableVerdict {
        best,
        posterior: (top - all).exp(),
        shares: scores.iter().map(|s| (s - all).exp()).collect(),
    })
}

/// The nearest two left-hand tokens of a table reading (`left` nearest last), with an article
/// just before it read as the one the reading takes ("a"/"an"), oldest first; empty strings
/// where there are fewer (see [`table_left_trim`]).
fn table_left<'a>(left: &[&'a str], first: Option<&&str>) -> [&'a str; 2] {
    let near = match (left.last(), first) {
        (Some(&("a" | "an")), Some(f)) => {
            if f.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            }
        }
        (Some(&t), _) => t,
        (None, _) => "",
    };
    [if left.len() > 1 { left[0] } else { "" }, near]
}

/// How many leading entries of a [`table_left`] window are empty.
fn table_left_trim(l: &[&str; 2]) -> usize {
    l.iter().take_while(|t| t.is_empty()).count()
}

/// ln of the sum of the exponentials (`-inf` for none). The values are read twice (their
/// maximum first), from an iterator cloned rather than collected.
fn log_sum_exp<I: IntoIterator<Item = f32>>(xs: I) -> f32
where
    I::IntoIter: Clone,
{
    let xs = xs.into_iter();
    let m = xs.clone().fold(f32::NEG_INFINITY, f32::max);
    if m == f32::NEG_INFINITY {
        return m;
    }
    m + xs.map(|x| (x - m).exp()).sum::<f32>().ln()
}

/// The readings of one table match before context: the text as written and each original,
/// with the log prior of each (see [`table_decision`]), or `None` for text a spinner of this
/// kind never writes. `'a` is the document's and the entry's.
struct TableReadings<'a> {
    /// The match's normalised tokens.
    spun: Toks<'a>,
    /// ln prior of the text as written (not the spinner's).
    as_written: f32,
    /// Each original's normalised tokens and ln prior, in the entry's order.
    originals: Vec<(OriginalToks<'a>, f32)>,
}

/// An original's normalised tokens in [`TableReadings`]: borrowed from the entry where it is
/// in normal form already (nearly always), folded where not.
#[derive(Debug)]
struct OriginalToks<'a>(SmallVec<[Cow<'a, str>; 4]>);

impl<'a> OriginalToks<'a> {
    fn of(original: &'a str, folded: &mut Vec<u8>) -> OriginalToks<'a> {
        let forms = phrase_forms(original, folded);
        let folded = std::str::from_utf8(folded).expect("folding keeps UTF-8 valid");
        OriginalToks(
            forms
                .iter()
                .map(|&f| match f {
                    Form::Same(t) => Cow::Borrowed(t),
                    Form::Folded(s, e) => Cow::Owned(folded[s..e].to_string()),
                })
                .collect(),
        )
    }

    /// The tokens as the context model takes them.
    fn words(&self) -> Toks<'_> {
        self.0.iter().map(|t| t.as_ref()).collect()
    }
}

/// `s.to_lowercase()`, borrowed where that is `s` itself (lower-case ASCII: nearly every
/// original), so looking up an original's lower-case form allocates nothing.
fn lower_case(s: &str) -> Cow<'_, str> {
    if s.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.to_lowercase())
    }
}

/// What a table match's originals' priors weigh besides their frequency (see
/// [`table_readings`]); each part is `None` where it is not known or does not apply.
#[derive(Clone, Copy, Default)]
struct TablePriors<'b> {
    /// How many spun forms the table writes for each original (lower case).
    forms: Option<&'b FxMap<String, u16>>,
    /// The document's beliefs in each original after the last pass, and this match's own
    /// shares of them ([`TABLE_CACHE_WEIGHT`]).
    cache: Option<(&'b Beliefs, &'b [f32])>,
    /// The wordings the document's table matches show as written, for a table used in
    /// shuffle mode ([`TABLE_SEEN`]).
    seen: Option<&'b FxSet<String>>,
    /// The penalty on an original holding an earlier-searched wording, for this document
    /// ([`TABLE_INNER_EARLIER`]; a local decision's only).
    inner_earlier: f32,
}

/// A table match's readings and their priors ([`table_decision`] weighs them in context).
fn table_readings<'a>(
    doc: &'a Doc<'_>,
    c: &Candidate,
    e: &EntryRef<'a>,
    priors: &TablePriors<'_>,
) -> Option<TableReadings<'a>> {
    let TablePriors {
        forms, cache, seen, ..
    } = *priors;
    let text = doc.text.as_bytes();
    let (start, end) = (doc.tok(c.first).start, doc.tok(c.last).end);
    let written = &text[start..end];
    let inner_capital = (c.first..=c.last).any(|i| {
        let t = doc.tok(i);
        text[t.start..t.end]
            .iter()
            .skip(1)
            .any(u8::is_ascii_uppercase)
    });
    // The spinner writes its wordings as its table has them, one space between words (none
    // before punctuation, as in `e-mail`): a match over a line break or other spacing is the
    // original's text.
    let spaced = (c.first..c.last).any(|i| {
        let gap = &text[doc.tok(i).end..doc.tok(i + 1).start];
        !gap.is_empty() && gap != b" "
    });
    if written.iter().any(u8::is_ascii_digit)
        || spaced
        || inner_capital
        || (start > 0 && text[start - 1] == b'-')
        || text.get(end) == Some(&b'-')
    {
        return None;
    }
    let lm = ContextModel::embedded();
    let spun: Toks = (c.first..=c.last).map(|i| doc.norm_str(i)).collect();
    let p = e.prior.clamp(0.01, 0.99);
    let mut folded = Vec::new();
    let mut form = String::new();
    // ln P (forms per original and the document's beliefs) of each original.
    let originals: Vec<(OriginalToks, f32)> = e
        .originals()
        .enumerate()
        .map(|(k, o)| {
            let toks = OriginalToks::of(o, &mut folded);
            let ln_p = lm.ln_phrase(&toks.words()).unwrap_or(-25.0);
            let lower = lower_case(o);
            let n = forms
                .and_then(|f| f.get(lower.as_ref()))
                .map_or(1.0, |&n| n.max(1) as f32);
            // Elsewhere in the document: the previous pass's belief in this original at other
            // matches (this match's own share taken out; for an original written in several
            // forms, the shares of every match showing this form).
            let elsewhere = cache.map_or(0.0, |(b, own)| {
                // With several forms for the original, the matches showing this one form count
                // no more than this match ([`Beliefs::same_form`]).
                let same = (n >= 2.0)
                    .then(|| b.same_form(&spun, &lower, &mut form))
                    .flatten();
                let mine = same.unwrap_or_else(|| own.get(k).copied().unwrap_or(0.0));
                (b.of.get(lower.as_ref()).copied().unwrap_or(0.0) - mine).max(0.0)
            });
            let shown = seen.is_some_and(|seen| {
                join_words(&mut form, toks.words().iter().copied());
                seen.contains(&form)
            });
            let shown = if shown { TABLE_SEEN } else { 0.0 };
            (
                toks,
                ln_p - n.ln() + TABLE_CACHE_WEIGHT * elsewhere.ln_1p() - shown,
            )
        })
        .collect();
    let total_p = log_sum_exp(originals.iter().map(|r| r.1));
    Some(TableReadings {
        spun,
        as_written: (1.0 - p).ln(),
        originals: originals
            .into_iter()
            .map(|(toks, ln_p)| (toks, p.ln() + ln_p - total_p))
            .collect(),
    })
}

/// `words` joined by single spaces into `buf` (cleared first): how a table match's form is
/// keyed ([`Beliefs`], [`TABLE_SEEN`]) without a string per match.
fn join_words<'w>(buf: &mut String, words: impl IntoIterator<Item = &'w str>) {
    buf.clear();
    for (i, w) in words.into_iter().enumerate() {
        if i > 0 {
            buf.push(' ');
        }
        buf.push_str(w);
    }
}

/// What the last decision believes of a document's table matches ([`TABLE_CACHE_WEIGHT`]).
#[derive(Default)]
struct Beliefs {
    /// Each original (lower case): its posteriors summed over the document's matches.
    of: FxMap<String, f32>,
    /// The same per written form and original ([`Beliefs::form_key`]), for tables used
    /// normally. Where the table writes an original in several forms and picks one at
    /// random each time, a document that shows one form again and again is more likely
    /// written that way than spun: the matches showing the same form count, for each other,
    /// as one. Measured on the simulator (seed 2), recall at precision 0.9 / 0.95 rose from
    /// 0.756 / 0.635 to 0.763 / 0.646 (lines in file order 0.716 / 0.598 to 0.721 / 0.601);
    /// in shuffle mode (where [`TABLE_SEEN`] reads what a document shows) it lost 1.5 points
    /// at 0.95, so it is left out there.
    by_form: FxMap<String, f32>,
}

impl Beliefs {
    /// The key of `by_form`: the form's normalised words joined by spaces, a NUL, the original.
    fn form_key<'w>(key: &mut String, form: impl IntoIterator<Item = &'w str>, original: &str) {
        join_words(key, form);
        key.push('\0');
        key.push_str(original);
    }

    /// The summed belief in `original` over the matches that show `form`, if recorded.
    fn same_form(&self, form: &[&str], original: &str, key: &mut String) -> Option<f32> {
        Self::form_key(key, form.iter().copied(), original);
        self.by_form.get(key.as_str()).copied()
    }
}

/// A table profile's decision on one match ([`table_decision`]).
struct TableVerdict {
    /// Index of the most likely original.
    best: usize,
    /// Its posterior probability.
    posterior: f32,
    /// Every original's posterior, in the entry's order.
    shares: Vec<f32>,
}

/// The spun-form counts of the entry's table profile.
fn vanishing_forms<'v>(
    v: &'v OnceLock<VanishingKeys>,
    e: &EntryRef<'_>,
) -> Option<&'v FxMap<String, u16>> {
    let v = v.get()?;
    e.profiles().find_map(|p| v.forms.get(p))
}

/// An entry's originals as suggestions for `spun`: the chosen one (`best`) first, the others
/// in the entry's order, each in the case pattern of the text it replaces.
fn suggestions(e: &EntryRef<'_>, best: usize, spun: &str) -> Vec<String> {
    let chosen = e.originals().nth(best);
    let others = e.originals().enumerate().filter(|&(j, _)| j != best);
    // The pattern is read once for all the originals.
    let case = case::pattern(spun);
    chosen
        .into_iter()
        .chain(others.map(|(_, o)| o))
        .map(|o| case.apply(o))
        .collect()
}

/// A swap's confidence from `base` (its prior times the document's evidence), its prior and
/// the context model's gain (see [`LM_WEIGHT`]).
fn swap_confidence(base: f32, prior: f32, gain: f32) -> f32 {
    let lm = LM_WEIGHT * (gain - LM_SUPPORT).clamp(-LM_GAIN_CLAMP, LM_GAIN_CLAMP);
    sigmoid(logit(base) + lm).min(prior * MAX_EVIDENCE)
}

/// A table finding's confidence from its chance of being right (see [`TABLE_APPLY_AT`]),
/// rounded as reported.
fn table_confidence(chance: f32) -> f32 {
    let c = sigmoid(logit(chance) - logit(TABLE_APPLY_AT));
    ((c * 1000.0).round() / 1000.0).max(0.001)
}

fn logit(p: f32) -> f32 {
    let p = p.clamp(1e-4, 1.0 - 1e-4);
    (p / (1.0 - p)).ln()
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Texts longer than this are scanned in pieces split at paragraph breaks (or, failing
/// those, line breaks or spaces), so memory stays bounded and token offsets fit the
/// scanner's 32-bit tables whatever the size of the input.
pub const MAX_CHUNK_BYTES: usize = 8 << 20;

/// A text prepared for matching: tokens and their normalised forms.
///
/// A piece of a streamed file holds a token every few bytes, so the tables are compact
/// (12 bytes a token, offsets in 32 bits: see [`MAX_CHUNK_BYTES`]): two pieces scanned side by
/// side must fit the memory bound of a huge file.
struct Doc<'t> {
    text: &'t str,
    tokens: Vec<Tok>,
    /// Normalised tokens: a lower-cased copy of the text, where an ASCII token's normalised
    /// form sits at the token's own offsets, then the folded forms of non-ASCII tokens,
    /// located by `folded`. Valid UTF-8 throughout, so conditions read tokens as `&str`
    /// without validating them again.
    norm: String,
    /// Where in `norm` each folded token's normalised form is, by token index.
    folded: FxMap<u32, (u32, u32)>,
}

/// A [`Token`] as a [`Doc`] holds it.
#[derive(Clone, Copy)]
struct Tok {
    start: u32,
    end: u32,
    is_word: bool,
    sep: Sep,
    /// Its normalised form is not at its own offsets in `Doc::norm` (see `Doc::folded`).
    folded: bool,
}

impl<'t> Doc<'t> {
    fn new(text: &'t str) -> Doc<'t> {
        debug_assert!(
            text.len() <= u32::MAX as usize,
            "pieces are cut below 4 GiB"
        );
        let bytes = text.as_bytes();
        let mut tokens = Vec::with_capacity(text.len() / 5);
        let mut folded_at = FxMap::default();
        // ASCII folds byte for byte, so the normalised form of an ASCII token sits at the same
        // offsets in a lower-cased copy of the whole text (one vectorised pass). Other tokens
        // are folded one by one after that copy.
        let mut norm = String::with_capacity(text.len() + text.len() / 8);
        norm.push_str(text);
        norm.make_ascii_lowercase();
        let all_ascii = text.is_ascii();
        let mut folded = Vec::new();
        for t in Tokens::new(text) {
            let fold = !all_ascii && !bytes[t.start..t.end].is_ascii();
            if fold {
                folded.clear();
                fold_token(&text[t.start..t.end], &mut folded);
                let s = norm.len();
                norm.push_str(std::str::from_utf8(&folded).expect("folding keeps UTF-8 valid"));
                folded_at.insert(tokens.len() as u32, (s as u32, norm.len() as u32));
            }
            tokens.push(Tok {
                start: t.start as u32,
                end: t.end as u32,
                is_word: t.is_word,
                sep: t.sep,
                folded: fold,
            });
        }
        Doc {
            text,
            tokens,
            norm,
            folded: folded_at,
        }
    }

    /// Token `i`.
    #[inline]
    fn tok(&self, i: usize) -> Token {
        let t = self.tokens[i];
        Token {
            start: t.start as usize,
            end: t.end as usize,
            is_word: t.is_word,
            sep: t.sep,
        }
    }

    /// Where token `i`'s normalised form is in `norm`.
    #[inline]
    fn span(&self, i: usize) -> (usize, usize) {
        let t = self.tokens[i];
        let (s, e) = if t.folded {
            self.folded[&(i as u32)]
        } else {
            (t.start, t.end)
        };
        (s as usize, e as usize)
    }

    fn norm_bytes(&self, i: usize) -> &[u8] {
        // Bytes, not `norm_str(i).as_bytes()`: the matcher needs no char-boundary checks.
        let (s, e) = self.span(i);
        &self.norm.as_bytes()[s..e]
    }

    fn norm_str(&self, i: usize) -> &str {
        let (s, e) = self.span(i);
        &self.norm[s..e]
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
        let t = self.tok(i);
        t.is_word
            && self.text[t.start..t.end]
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
    }
}

/// Normalised tokens of a match, an original or a suggestion: up to eight on the stack (a
/// phrase is a few words), more on the heap.
type Toks<'a> = SmallVec<[&'a str; 8]>;

/// Where the normalised form of a token of a short text is ([`phrase_forms`]).
#[derive(Clone, Copy)]
enum Form<'t> {
    /// The token itself: it is in normal form already.
    Same(&'t str),
    /// Folded, at these offsets of the fold buffer.
    Folded(usize, usize),
}

/// The normalised tokens of a short text (an entry's original or key, a suggestion), as
/// [`Doc::new`] gives them, without building a document: a token already in normal form
/// (lower-case ASCII: nearly all of them) is the token itself, the others are folded into
/// `folded` (cleared first; reused from call to call, it rarely allocates).
fn phrase_forms<'t>(text: &'t str, folded: &mut Vec<u8>) -> SmallVec<[Form<'t>; 8]> {
    folded.clear();
    Tokens::new(text)
        .map(|t| {
            let token = &text[t.start..t.end];
            if token
                .bytes()
                .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
            {
                Form::Same(token)
            } else {
                let from = folded.len();
                fold_token(token, folded);
                Form::Folded(from, folded.len())
            }
        })
        .collect()
}

/// [`phrase_forms`] as strings.
fn phrase_tokens<'a>(text: &'a str, folded: &'a mut Vec<u8>) -> Toks<'a> {
    let forms = phrase_forms(text, folded);
    let folded: &'a [u8] = folded;
    let folded = std::str::from_utf8(folded).expect("folding keeps UTF-8 valid");
    forms
        .iter()
        .map(|&f| match f {
            Form::Same(t) => t,
            Form::Folded(s, e) => &folded[s..e],
        })
        .collect()
}

/// A key matched at tokens `first..=last` in dictionary layer `layer`.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    first: usize,
    last: usize,
    layer: usize,
    value: u64,
}

/// Fingerprint hits of one profile: occurrences, and prior per distinct (layer, entry). Ordered
/// by entry, so the priors are summed in the same order every run (a hashed map's order
/// changed the last digits of `doc_score` from run to run).
type ProfileTally = (usize, BTreeMap<(usize, usize), f32>);

/// A document's candidates ([`Scanner::candidates`], read as a slice of them) with their
/// entries, each key's decoded once per document: decoding a record checks its strings, and
/// evidence and selection read the same records again and again (every candidate's, and the
/// same common keys all through a document).
struct Candidates<'s> {
    list: Vec<Candidate>,
    /// Where the entries of each key matched (layer, FST value) lie in `entries`.
    at: FxMap<(usize, u64), (u32, u32)>,
    entries: Vec<EntryRef<'s>>,
}

impl<'s> Candidates<'s> {
    fn new(dicts: &'s DictSet, list: Vec<Candidate>) -> Candidates<'s> {
        let mut at = FxMap::default();
        let mut entries = Vec::new();
        for c in &list {
            if let Entry::Vacant(slot) = at.entry((c.layer, c.value)) {
                let from = entries.len() as u32;
                entries.extend(dicts.layers()[c.layer].entries_for(c.value));
                slot.insert((from, entries.len() as u32));
            }
        }
        Candidates { list, at, entries }
    }

    /// The entries of `c`'s key (one of these candidates), in their dictionary's order.
    fn entries(&self, c: &Candidate) -> &[EntryRef<'s>] {
        let (from, to) = self.at[&(c.layer, c.value)];
        &self.entries[from as usize..to as usize]
    }
}

impl std::ops::Deref for Candidates<'_> {
    type Target = [Candidate];

    fn deref(&self) -> &[Candidate] {
        &self.list
    }
}

/// A swap entry (layer, index) whose conditions hold at a candidate (its index).
type SwapMatch = ((usize, usize), usize);

/// Per-document memo of `requires` checks.
struct Requires<'d, 't> {
    doc: &'d Doc<'t>,
    memo: FxMap<String, bool>,
    /// Positions of each normalised token, built at the first check: a check looks only
    /// where the phrase's first token occurs, not through the whole document.
    at: Option<Positions<'d>>,
}

/// Where each normalised token of a document occurs, as chains through one array rather than
/// a list per distinct token: `first` position of each token, then `next[i]` after `i`.
struct Positions<'d> {
    first: FxMap<&'d [u8], u32>,
    next: Vec<u32>,
}

/// The end of a [`Positions`] chain.
const NO_POSITION: u32 = u32::MAX;

impl<'d> Positions<'d> {
    fn of(doc: &'d Doc<'_>) -> Positions<'d> {
        let n = doc.tokens.len();
        let mut first: FxMap<&[u8], u32> = FxMap::default();
        let mut next = vec![NO_POSITION; n];
        // Backwards, so each chain runs forwards.
        for i in (0..n).rev() {
            if let Some(after) = first.insert(doc.norm_bytes(i), i as u32) {
                next[i] = after;
            }
        }
        Positions { first, next }
    }

    /// The positions of a normalised token, in text order.
    fn of_token(&self, token: &[u8]) -> impl Iterator<Item = usize> + '_ {
        let first = self.first.get(token).map(|&i| i as usize);
        std::iter::successors(first, |&i| {
            let next = self.next[i];
            (next != NO_POSITION).then_some(next as usize)
        })
    }
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
                    let h = self.contains_phrase(r);
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

    /// Does the token sequence of `phrase` occur anywhere in the document?
    fn contains_phrase(&mut self, phrase: &str) -> bool {
        let doc = self.doc;
        let p = Doc::new(phrase);
        let n = p.tokens.len();
        if n == 0 || n > doc.tokens.len() {
            return false;
        }
        let at = self.at.get_or_insert_with(|| Positions::of(doc));
        at.of_token(p.norm_bytes(0)).any(|i| {
            i + n <= doc.tokens.len()
                && (1..n).all(|k| {
                    doc.norm_bytes(i + k) == p.norm_bytes(k)
                        && (doc.tokens[i + k].sep == Sep::Adjacent)
                            == (p.tokens[k].sep == Sep::Adjacent)
                })
        })
    }
}

impl Scanner {
    /// A scanner over `dicts`.
    pub fn new(dicts: DictSet, options: ScanOptions) -> Scanner {
        Scanner {
            dicts,
            options,
            chunk_limit: MAX_CHUNK_BYTES,
            discovery: None,
            vanishing: Arc::new(OnceLock::new()),
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
        // One layer's walk from a token gives each end at most once, so no two candidates
        // compare equal: an unstable sort gives the same order, without a buffer.
        out.sort_unstable_by(|a, b| {
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

    /// The document's spin evidence per profile (see the module doc, step 2): fingerprints,
    /// swap density, leaked templates and vanishing keys, weighed with the constants of
    /// "Evidence tuning" above.
    fn evidence(
        &self,
        doc: &Doc<'_>,
        cands: &Candidates<'_>,
        req: &mut Requires<'_, '_>,
        verdicts: &mut Verdicts,
    ) -> DocEvidence {
        if self.options.assume_spun {
            return self.assumed_evidence(doc, cands);
        }
        let mut per = self.fingerprint_tally(doc, cands, req);
        let vanishing = self
            .vanishing
            .get_or_init(|| VanishingKeys::build(&self.dicts, ContextModel::embedded()));
        let words = count_words(doc);
        let signals = Signals {
            words,
            swaps: self.plausible_swaps(doc, cands, req, verdicts, vanishing, words),
            seen: vanishing.count(doc),
            table_seen: vanishing.count_tables(doc, cands),
            leaked: leaks(doc),
        };
        for p in signals.swaps.keys() {
            per.entry(p.clone()).or_default();
        }
        for p in vanishing.profiles.iter().chain(vanishing.tables.keys()) {
            per.entry(p.clone()).or_default();
        }
        let mut profiles: Vec<ProfileEvidence> = per
            .into_iter()
            .map(|(profile, tally)| match vanishing.tables.get(&profile) {
                Some(&rates) => table_profile_evidence(profile, tally, rates, &signals),
                None => swap_profile_evidence(profile, tally, vanishing, &signals),
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

    /// Evidence 1 for every profile the candidates name (and for fingerprints without one):
    /// [`ScanOptions::assume_spun`].
    fn assumed_evidence(&self, doc: &Doc<'_>, cands: &Candidates<'_>) -> DocEvidence {
        let mut profiles: Vec<String> = Vec::new();
        for c in cands.iter() {
            for e in cands.entries(c) {
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
                keys_seen: 0,
                keys_expected: 0.0,
                evidence: 1.0,
            })
            .collect();
        DocEvidence {
            words: count_words(doc),
            profiles,
            score: 1.0,
        }
    }

    /// Per profile: fingerprint occurrences whose conditions hold (never overlapping) and the
    /// distinct entries with their priors.
    fn fingerprint_tally(
        &self,
        doc: &Doc<'_>,
        cands: &Candidates<'_>,
        req: &mut Requires<'_, '_>,
    ) -> HashMap<String, ProfileTally> {
        let mut per: HashMap<String, ProfileTally> = HashMap::new();
        let mut next_free = 0;
        for c in cands.iter() {
            if c.first < next_free {
                continue;
            }
            let Some(e) = cands
                .entries(c)
                .iter()
                .find(|e| e.kind == EntryKind::Fingerprint && self.conditions_hold(doc, req, e, c))
            else {
                continue;
            };
            next_free = c.last + 1;
            let mut tally = |p: &str| {
                // Allocate the profile's name once per document, not per match.
                if !per.contains_key(p) {
                    per.insert(p.to_string(), ProfileTally::default());
                }
                let slot = per.get_mut(p).expect("inserted above");
                slot.0 += 1;
                slot.1.insert((c.layer, e.index), e.prior);
            };
            let mut any = false;
            for p in e.profiles() {
                tally(p);
                any = true;
            }
            if !any {
                tally("");
            }
        }
        per
    }

    /// Swap density: a spinner replaces common words everywhere, so a spun document holds
    /// many distinct swaps of its profile, far more than clean text does by chance. Per
    /// profile (table profiles excepted: see [`TABLE_KEY_MAX_SURVIVAL`]), the distinct swap
    /// entries whose conditions hold and that the context model finds plausible somewhere;
    /// the model is asked only where the unfiltered count would be dense enough to matter.
    fn plausible_swaps(
        &self,
        doc: &Doc<'_>,
        cands: &Candidates<'_>,
        req: &mut Requires<'_, '_>,
        verdicts: &mut Verdicts,
        vanishing: &VanishingKeys,
        words: usize,
    ) -> HashMap<String, usize> {
        // Per profile: swap entries whose conditions hold (layer, index), each with a match;
        // one list per profile, not one per entry.
        let mut held: HashMap<String, Vec<SwapMatch>> = HashMap::new();
        for (ci, c) in cands.iter().enumerate() {
            for e in cands.entries(c) {
                if e.kind == EntryKind::Swap && self.conditions_hold(doc, req, e, c) {
                    for p in e.profiles().filter(|p| !vanishing.tables.contains_key(*p)) {
                        // Allocate the profile's name once per document, not per match.
                        if !held.contains_key(p) {
                            held.insert(p.to_string(), Vec::new());
                        }
                        held.get_mut(p)
                            .expect("inserted above")
                            .push(((c.layer, e.index), ci));
                    }
                }
            }
        }
        let mut swaps: HashMap<String, usize> = HashMap::new();
        for (p, mut held) in held {
            // Each entry's matches side by side, in text order (a stable sort).
            held.sort_by_key(|&(entry, _)| entry);
            let entries = || held.chunk_by(|a, b| a.0 == b.0);
            if swap_strength(entries().count(), words) <= 0.0 {
                continue;
            }
            let plausible = entries()
                .filter(|at| {
                    let (layer, index) = at[0].0;
                    let Some(e) = self.dicts.layers()[layer].entry(index) else {
                        return false;
                    };
                    at.iter()
                        .any(|&(_, ci)| verdicts.get(doc, &cands[ci], &e).pair_lr >= 0.0)
                })
                .count();
            swaps.insert(p, plausible);
        }
        swaps
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

    /// Search documents with a spin score of at least [`discover::MIN_EVIDENCE`] for words
    /// `thesaurus` explains (findings of kind `discovered`); `None` (the default) does not.
    pub fn with_discovery(mut self, thesaurus: Option<Arc<discover::Thesaurus>>) -> Scanner {
        self.discovery = thesaurus;
        self
    }

    /// Scan one piece of a text as [`Scanner::scan`] cuts it ([`piece_len`]); findings are
    /// not located yet (line and column 0).
    pub fn scan_piece(&self, text: &str) -> ScanResult {
        let doc = Doc::new(text);
        let cands = Candidates::new(&self.dicts, self.candidates(&doc));
        let mut req = Requires {
            doc: &doc,
            memo: FxMap::default(),
            at: None,
        };
        let mut verdicts = Verdicts::new(&self.dicts);
        let mut evidence = self.evidence(&doc, &cands, &mut req, &mut verdicts);
        // Sub-word spins are evidence of their own: they raise the spin score before
        // anything is decided with it.
        let subword = self
            .discovery
            .as_deref()
            .map(|t| subword::find(&doc, evidence.words, &cands, t))
            .unwrap_or_default();
        evidence.score = evidence.score.max(subword.evidence());
        let vanishing = self
            .vanishing
            .get_or_init(|| VanishingKeys::build(&self.dicts, ContextModel::embedded()));
        let (tables, searched) = (&vanishing.tables, &vanishing.searched);

        let mut findings = Vec::new();
        // Per finding: its match, and for a table profile's finding its entry and posteriors.
        let mut found: Vec<Found> = Vec::new();
        let mut next_free = 0;
        let mut i = 0;
        // Reused from candidate to candidate: no allocation per candidate.
        let (mut entries, mut strict, mut order) = (Vec::new(), Vec::new(), Vec::new());
        // Swap findings, to be judged again beside their repaired neighbours.
        let mut swaps: Vec<FoundSwap> = Vec::new();
        while i < cands.len() {
            let c = cands[i];
            i += 1;
            if c.first < next_free {
                continue;
            }
            let dict = &self.dicts.layers()[c.layer];
            entries.clear();
            entries.extend_from_slice(cands.entries(&c));
            // Within a key: allow entries first, then entries with a context condition (the
            // more specific reading), then the rest in file order.
            entries
                .sort_by_key(|e: &EntryRef<'_>| (e.kind != EntryKind::Allow, e.context.is_empty()));
            // Entries whose conditions hold come first; then swaps whose context condition
            // fails but whose original the context model clearly prefers.
            strict.clear();
            strict.extend(
                entries
                    .iter()
                    .map(|e| self.conditions_hold(&doc, &mut req, e, &c)),
            );
            order.clear();
            order.extend((0..entries.len()).filter(|&k| strict[k]));
            for k in 0..entries.len() {
                if !strict[k] && entries[k].kind == EntryKind::Swap && req.any(&entries[k]) {
                    order.push(k);
                }
            }
            for &k in &order {
                let e = entries[k];
                if e.kind == EntryKind::Allow {
                    next_free = c.last + 1;
                    break;
                }
                if e.kind == EntryKind::Key {
                    continue;
                }
                let table = e.profiles().any(|p| tables.contains_key(p));
                let mut shares = Vec::new();
                let (best, confidence) = if table {
                    let none = Repaired::default();
                    let forms = vanishing_forms(&self.vanishing, &e);
                    let priors = TablePriors {
                        forms,
                        ..TablePriors::default()
                    };
                    let Some(v) = table_decision(&doc, &c, &e, &none, &priors, searched) else {
                        continue;
                    };
                    shares = v.shares;
                    (v.best, v.posterior * evidence.for_entry(&e))
                } else {
                    // The context model is asked only where its verdict decides something: a
                    // swap's veto, waiver and confidence (none of which matter without
                    // evidence), and the order of several originals.
                    let is_swap = e.kind == EntryKind::Swap;
                    let base = if is_swap {
                        e.prior * evidence.for_entry(&e)
                    } else {
                        0.0
                    };
                    if is_swap && base <= 0.0 {
                        continue;
                    }
                    let (best, gain) = if is_swap || e.originals().nth(1).is_some() {
                        let v = verdicts.get(&doc, &c, &e);
                        (v.best, v.lr)
                    } else {
                        // Only a swap's verdict moves anything but the order of originals.
                        (0, 0.0)
                    };
                    let vetoed = is_swap
                        && (gain < -LM_VETO
                            || all_caps(&text[doc.tok(c.first).start..doc.tok(c.last).end]));
                    if vetoed || (!strict[k] && gain < LM_WAIVE) {
                        continue;
                    }
                    let confidence = match e.kind {
                        // The model moves confidence within what the prior allows: a swap
                        // entered at prior 0.5 ("not by default") stays below 0.5.
                        EntryKind::Swap => swap_confidence(base, e.prior, gain),
                        _ => e.prior,
                    };
                    (best, confidence)
                };
                // Rounded as reported: a confidence that shows as 0 is no finding.
                let confidence = (confidence * 1000.0).round() / 1000.0;
                if confidence <= 0.0 {
                    continue;
                }
                let start = doc.tok(c.first).start;
                let end = doc.tok(c.last).end;
                let spun = &text[start..end];
                findings.push(Finding {
                    start,
                    end,
                    line: 0,
                    column: 0,
                    spun: spun.to_string(),
                    suggestions: suggestions(&e, best, spun),
                    confidence,
                    // Allow and key entries were passed over above.
                    kind: FindingKind::of_entry(e.kind).unwrap_or(FindingKind::Fingerprint),
                    dictionary: dict.name().to_string(),
                    entry_source: e.source.to_string(),
                    entry_line: e.line,
                });
                if !table && e.kind == EntryKind::Swap {
                    swaps.push(FoundSwap {
                        at: findings.len() - 1,
                        index: e.index,
                        base: e.prior * evidence.for_entry(&e),
                        strict: strict[k],
                    });
                }
                found.push((c, table.then_some((e.index, shares))));
                next_free = c.last + 1;
                break;
            }
        }
        // Table findings are re-decided first: `found` runs beside `findings` until
        // discovery adds its own.
        self.rescore_tables(&doc, &evidence, &mut findings, &mut found);
        self.rescore_swaps(&doc, &mut findings, &found, &swaps);
        for (f, _) in findings
            .iter_mut()
            .zip(&found)
            .filter(|(_, t)| t.1.is_some())
        {
            f.confidence = table_confidence(f.confidence);
        }
        drop(found);
        let subword = subword.finish();
        if !subword.is_empty() {
            findings.extend(subword);
            findings.sort_unstable_by_key(|f| f.start);
        }
        if let Some(t) = self
            .discovery
            .as_deref()
            .filter(|_| evidence.score >= discover::MIN_EVIDENCE)
        {
            findings.extend(discover::discover(&doc, &cands, evidence.score, t));
            // Starts are distinct (discovery skips words any candidate covers), so an unstable
            // sort gives the same order, in place: a piece holds tens of thousands of findings.
            findings.sort_unstable_by_key(|f| f.start);
        }
        ScanResult { findings, evidence }
    }
}

impl Scanner {
    /// Judge swap findings again with their neighbours repaired (see [`TABLE_RESCORE_MIN`]):
    /// a spinner replaces many words, so a swap's neighbours are often spun as well, and the
    /// context model tells the original from the text as written better beside the
    /// originals ("Individuals dropping" against "people losing"). The veto and the waiver
    /// are applied again; a swap none of whose neighbours changed keeps its verdict.
    fn rescore_swaps(
        &self,
        doc: &Doc<'_>,
        findings: &mut Vec<Finding>,
        found: &[Found],
        swaps: &[FoundSwap],
    ) {
        if swaps.is_empty() {
            return;
        }
        let repaired = Repaired::of(findings, found);
        let mut dropped = vec![false; findings.len()];
        for s in swaps {
            let c = &found[s.at].0;
            let w = Window::new(doc, c, Some(&repaired));
            let before = Window::new(doc, c, None);
            if w.left() == before.left() && w.right() == before.right() {
                continue;
            }
            let Some(e) = self.dicts.layers()[c.layer].entry(s.index) else {
                continue;
            };
            let v = judge_memo(self.dicts.layers()[c.layer].id(), doc, c, &e, &w);
            let confidence = (swap_confidence(s.base, e.prior, v.lr) * 1000.0).round() / 1000.0;
            if v.lr < -LM_VETO || (!s.strict && v.lr < LM_WAIVE) || confidence <= 0.0 {
                dropped[s.at] = true;
                continue;
            }
            let f = &mut findings[s.at];
            f.confidence = confidence;
            f.suggestions = suggestions(&e, v.best, &f.spun);
        }
        let mut at = 0;
        findings.retain(|_| {
            at += 1;
            !dropped[at - 1]
        });
    }

    /// Decide a table profile's findings again with their neighbours repaired: a spinner
    /// replaces a quarter of the words, so a finding's neighbours are often spun themselves,
    /// and the context model judges a reading better beside the originals. Each of
    /// [`TABLE_RESCORE_PASSES`] passes also weighs the beliefs of the pass before in each
    /// original across the document ([`TABLE_CACHE_WEIGHT`]).
    fn rescore_tables(
        &self,
        doc: &Doc<'_>,
        evidence: &DocEvidence,
        findings: &mut [Finding],
        found: &mut [Found],
    ) {
        if found.iter().all(|f| f.1.is_none()) {
            return;
        }
        let searched = self.searched();
        let seen = self.table_seen(doc, found);
        let inner_earlier = TABLE_INNER_EARLIER * self.file_order_chance(findings, found);
        for _ in 0..TABLE_RESCORE_PASSES {
            let cache = self.table_beliefs(doc, found);
            let repaired = Repaired::of(findings, found);
            let mut next = Vec::new();
            for (i, c, e, shares) in self.table_found(found) {
                let forms = vanishing_forms(&self.vanishing, &e);
                let cached = Some((&cache, shares));
                let shuffled = self.shuffled(&e);
                let priors = TablePriors {
                    forms,
                    cache: cached,
                    seen: shuffled.then_some(&seen),
                    inner_earlier: if shuffled { 0.0 } else { inner_earlier },
                };
                if let Some(v) = table_decision(doc, c, &e, &repaired, &priors, searched) {
                    next.push((i, v, evidence.for_entry(&e), e));
                }
            }
            for (i, v, ev, e) in next {
                let confidence = (v.posterior * ev * 1000.0).round() / 1000.0;
                if confidence <= 0.0 {
                    continue;
                }
                let f = &mut findings[i];
                f.confidence = confidence;
                f.suggestions = suggestions(&e, v.best, &f.spun);
                if let Some((_, shares)) = &mut found[i].1 {
                    *shares = v.shares;
                }
            }
        }
        self.decide_jointly(doc, evidence, findings, found, &seen);
    }

    /// The written wordings of the document's table matches (normalised words joined by one
    /// space; [`TABLE_SEEN`]).
    fn table_seen(&self, doc: &Doc<'_>, found: &[Found]) -> FxSet<String> {
        let mut seen = FxSet::default();
        if self.vanishing.get().is_none_or(|v| v.shuffled.is_empty()) {
            return seen;
        }
        let mut form = String::new();
        for (_, c, _, _) in self.table_found(found) {
            join_words(&mut form, (c.first..=c.last).map(|i| doc.norm_str(i)));
            if !seen.contains(&form) {
                seen.insert(form.clone());
            }
        }
        seen
    }

    /// The chance that the document's spinner took its table's lines in file order
    /// ([`FILE_ORDER_SHARES`]), from the first decision of its table findings (`findings`
    /// beside `found`; tables used in shuffle mode left out).
    fn file_order_chance(&self, findings: &[Finding], found: &[Found]) -> f32 {
        let searched = self.searched();
        let (mut holding, mut multi) = (0u32, 0u32);
        let mut buf = String::new();
        let mut folded = Vec::new();
        for (i, _, e, _) in self.table_found(found) {
            let f = &findings[i];
            if f.confidence < FILE_ORDER_MIN_CHANCE || self.shuffled(&e) {
                continue;
            }
            let Some(original) = f.suggestions.first() else {
                continue;
            };
            let toks = phrase_tokens(original, &mut folded);
            if toks.len() < 2 {
                continue;
            }
            multi += 1;
            holding += u32::from(searched.holds_earlier(&toks, &mut buf));
        }
        file_order_chance(holding, multi)
    }

    /// Whether the entry belongs to a table profile used in shuffle mode ([`TABLE_SEEN`]).
    fn shuffled(&self, e: &EntryRef<'_>) -> bool {
        self.vanishing
            .get()
            .is_some_and(|v| e.profiles().any(|p| v.shuffled.iter().any(|s| s == p)))
    }

    /// The wordings table profiles' spinners search ([`TABLE_BLOCKED`]).
    fn searched(&self) -> &Searched {
        static NONE: OnceLock<Searched> = OnceLock::new();
        self.vanishing
            .get()
            .map_or_else(|| NONE.get_or_init(Searched::default), |v| &v.searched)
    }

    /// The table findings among `found`: position, match, entry and the shares of its
    /// originals the last decision gave.
    fn table_found<'s, 'f>(
        &'s self,
        found: &'f [Found],
    ) -> impl Iterator<Item = (usize, &'f Candidate, EntryRef<'s>, &'f [f32])> + use<'s, 'f> {
        found.iter().enumerate().filter_map(|(i, (c, t))| {
            let (index, shares) = t.as_ref()?;
            let e = self.dicts.layers()[c.layer].entry(*index)?;
            Some((i, c, e, shares.as_slice()))
        })
    }

    /// How strongly the last decision believes in each original, summed over the document's
    /// table findings (the beliefs [`TABLE_CACHE_WEIGHT`] weighs; see [`Beliefs`]).
    fn table_beliefs(&self, doc: &Doc<'_>, found: &[Found]) -> Beliefs {
        let mut beliefs = Beliefs::default();
        let mut key = String::new();
        for (_, c, e, shares) in self.table_found(found) {
            let by_form = !self.shuffled(&e);
            for (o, s) in e.originals().zip(shares) {
                // A lookup first: the key is allocated once per original and document.
                let lower = lower_case(o);
                if by_form {
                    Beliefs::form_key(
                        &mut key,
                        (c.first..=c.last).map(|i| doc.norm_str(i)),
                        &lower,
                    );
                    match beliefs.by_form.get_mut(&key) {
                        Some(b) => *b += s,
                        None => {
                            beliefs.by_form.insert(key.clone(), *s);
                        }
                    }
                }
                match beliefs.of.get_mut(lower.as_ref()) {
                    Some(b) => *b += s,
                    None => *beliefs.of.entry(lower.into_owned()).or_default() += s,
                }
            }
        }
        beliefs
    }

    /// Decide a table profile's findings once more, jointly with their neighbours (see
    /// `lattice`; each original's prior weighs the document's beliefs after the passes
    /// above), and combine with the last local decision ([`TABLE_BEAM`]).
    fn decide_jointly(
        &self,
        doc: &Doc<'_>,
        evidence: &DocEvidence,
        findings: &mut [Finding],
        found: &mut [Found],
        seen: &FxSet<String>,
    ) {
        let cache = self.table_beliefs(doc, found);
        let mut slots = Vec::new();
        let mut at = Vec::new();
        for (i, c, e, shares) in self.table_found(found) {
            let forms = vanishing_forms(&self.vanishing, &e);
            let cached = Some((&cache, shares));
            // The penalty on earlier-searched wordings is the local decisions' (the joint one
            // is combined with them).
            let priors = TablePriors {
                forms,
                cache: cached,
                seen: self.shuffled(&e).then_some(seen),
                inner_earlier: 0.0,
            };
            if let Some(readings) = table_readings(doc, c, &e, &priors) {
                slots.push(lattice::Slot {
                    first: c.first,
                    last: c.last,
                    readings,
                });
                at.push((i, e));
            }
        }
        let posteriors = lattice::decode(doc, &slots, TABLE_LM_WEIGHT, self.searched());
        for ((i, e), joint) in at.into_iter().zip(posteriors) {
            let (Some((_, local)), Some(joint)) = (&found[i].1, joint) else {
                continue;
            };
            // The original both decisions favour: the geometric mean of their posteriors
            // (the text as written included); believed as far as the less sure one does.
            let local_written = (1.0 - local.iter().sum::<f32>()).max(0.0);
            let both = std::iter::once(local_written)
                .chain(local.iter().copied())
                .zip(&joint)
                .skip(1)
                .map(|(l, &j)| (l * j).sqrt());
            let Some((best, _)) = both.enumerate().max_by(|a, b| a.1.total_cmp(&b.1)) else {
                continue;
            };
            let posterior = local[best].min(joint[best + 1]);
            let confidence = (posterior * evidence.for_entry(&e) * 1000.0).round() / 1000.0;
            if confidence <= 0.0 {
                continue;
            }
            let f = &mut findings[i];
            f.confidence = confidence;
            f.suggestions = suggestions(&e, best, &f.spun);
        }
    }
}

/// A finding's match and, for a table profile's finding, its entry and the posterior of
/// each of its originals.
type Found = (Candidate, Option<(usize, Vec<f32>)>);

/// A swap finding as first decided: where it is in the findings, its entry (index in its
/// layer), prior times evidence, and whether the entry's conditions held (else it was
/// waived in by the context model, [`LM_WAIVE`]).
struct FoundSwap {
    at: usize,
    index: usize,
    base: f32,
    strict: bool,
}

/// Least confidence of a finding whose suggestion stands in for its text when its neighbours
/// are decided again ([`Scanner::scan`]: table profiles' findings and swaps).
pub const TABLE_RESCORE_MIN: f32 = 0.3;

/// Normalised words standing in for tokens in a table decision's context: `as_left[i]` for
/// token `i` as the left neighbour, `as_right[i]` as the right one (a repaired phrase's last
/// and first word). The words lie in one buffer (`words`), located by offsets: no string per
/// finding.
#[derive(Default)]
struct Repaired {
    as_left: FxMap<usize, (u32, u32)>,
    as_right: FxMap<usize, (u32, u32)>,
    words: String,
}

impl Repaired {
    /// The findings of at least [`TABLE_RESCORE_MIN`] confidence, their first suggestion
    /// standing in for their text (`found`: their matches, beside them).
    fn of(findings: &[Finding], found: &[Found]) -> Repaired {
        let mut repaired = Repaired::default();
        let mut folded = Vec::new();
        for (f, (c, _)) in findings.iter().zip(found.iter()) {
            if f.confidence < TABLE_RESCORE_MIN {
                continue;
            }
            let Some(s) = f.suggestions.first() else {
                continue;
            };
            let toks = phrase_tokens(s, &mut folded);
            let (Some(first), Some(last)) = (toks.first(), toks.last()) else {
                continue;
            };
            let mut put = |w: &str| {
                let start = repaired.words.len() as u32;
                repaired.words.push_str(w);
                (start, repaired.words.len() as u32)
            };
            let (first, last) = (put(first), put(last));
            repaired.as_right.insert(c.first, first);
            repaired.as_left.insert(c.last, last);
        }
        repaired
    }

    /// The word standing in for token `i` as a left neighbour, if repaired.
    fn as_left(&self, i: usize) -> Option<&str> {
        let &(s, e) = self.as_left.get(&i)?;
        Some(&self.words[s as usize..e as usize])
    }

    /// The word standing in for token `i` as a right neighbour, if repaired.
    fn as_right(&self, i: usize) -> Option<&str> {
        let &(s, e) = self.as_right.get(&i)?;
        Some(&self.words[s as usize..e as usize])
    }
}

/// The length of the piece at the start of `rest` (the rest of a text, or at least its next
/// `limit` plus four bytes): all of it if it fits in `limit` bytes, else up to the last
/// paragraph break within `limit` bytes, else the last line break, else the last whitespace,
/// else the last character boundary (a single "word" longer than the limit). Works on bytes
/// so a reader streaming a file cuts it exactly where a scan of the whole text would.
pub fn piece_len(rest: &[u8], limit: usize) -> usize {
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

/// What a document shows besides fingerprints, gathered once for all its profiles.
struct Signals {
    /// Word tokens.
    words: usize,
    /// Per swap profile, distinct plausible swaps ([`Scanner::plausible_swaps`]).
    swaps: HashMap<String, usize>,
    /// Occurrences of each swap profile's vanishing keys, in [`VanishingKeys::profiles`] order.
    seen: Vec<usize>,
    /// Occurrences of each table profile's counted keys.
    table_seen: FxMap<String, usize>,
    /// Distinct leaked templates.
    leaked: usize,
}

/// Evidence strength of fingerprints: the priors of distinct entries plus
/// [`REPEAT_STRENGTH`] for each repeat.
fn fingerprint_strength((hits, distinct): &ProfileTally) -> f32 {
    distinct.values().sum::<f32>() + REPEAT_STRENGTH * (hits - distinct.len()) as f32
}

/// A table profile's evidence: fingerprints, leaks and vanished keys (see
/// [`TABLE_KEY_MAX_SURVIVAL`]); `(clean, spun)` are its keys' summed probability and the same
/// weighted by their survival.
fn table_profile_evidence(
    profile: String,
    tally: ProfileTally,
    (clean, spun): (f32, f32),
    s: &Signals,
) -> ProfileEvidence {
    let keys_seen = s.table_seen.get(&profile).copied().unwrap_or(0);
    let expected = VANISH_CLEAN * clean * s.words as f32;
    let expected_spun = spun * s.words as f32;
    let llr = if expected > 0.0 {
        keys_seen as f32 * (expected_spun / expected).ln() - (expected_spun - expected)
    } else {
        0.0
    };
    let strength =
        fingerprint_strength(&tally) + LEAK_STRENGTH * s.leaked as f32 + TABLE_KEY_WEIGHT * llr;
    ProfileEvidence {
        profile,
        hits: tally.0,
        distinct: tally.1.len(),
        keys_seen,
        keys_expected: (expected * 100.0).round() / 100.0,
        evidence: MAX_EVIDENCE * (1.0 - (-strength.max(0.0) / EVIDENCE_SCALE).exp()),
    }
}

/// Any other profile's evidence: fingerprints, swap density, and for a profile with
/// vanishing keys leaks and the keys-vanish ratio (which weighs other evidence, and alone
/// never makes a text spun).
fn swap_profile_evidence(
    profile: String,
    tally: ProfileTally,
    vanishing: &VanishingKeys,
    s: &Signals,
) -> ProfileEvidence {
    let distinct_swaps = s.swaps.get(&profile).copied().unwrap_or(0);
    let (keys_seen, keys_expected, swap_profile) =
        match vanishing.profiles.iter().position(|p| *p == profile) {
            Some(i) => (s.seen[i], vanishing.rate[i] * s.words as f32, true),
            None => (0, 0.0, false),
        };
    let base: f32 = fingerprint_strength(&tally)
        + swap_strength(distinct_swaps, s.words)
        + if swap_profile {
            LEAK_STRENGTH * s.leaked as f32
        } else {
            0.0
        };
    let kv = if swap_profile {
        VANISH_WEIGHT * vanish_llr(keys_seen, keys_expected)
    } else {
        0.0
    };
    let strength = if base > 0.0 { base + kv } else { 0.0 };
    let strength = strength.max(0.0);
    ProfileEvidence {
        profile,
        hits: tally.0,
        distinct: tally.1.len(),
        keys_seen,
        keys_expected: (keys_expected * 100.0).round() / 100.0,
        evidence: MAX_EVIDENCE * (1.0 - (-strength / EVIDENCE_SCALE).exp()),
    }
}

/// Evidence strength from swap density: nothing up to [`SWAP_BASELINE`] distinct swaps per
/// 100 words (short texts are measured as if [`SWAP_MIN_WORDS`] long, so a handful of words
/// can't look dense), then one unit per extra swap per 100 words. Only swaps whose original
/// the context model finds at least as fitting as the text count.
fn swap_strength(distinct: usize, words: usize) -> f32 {
    if distinct < SWAP_MIN {
        return 0.0;
    }
    let density = 100.0 * distinct as f32 / words.max(SWAP_MIN_WORDS) as f32;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A table finding reaches the default threshold at the chance [`TABLE_APPLY_AT`], and the
    /// scale keeps the order of chances (no two distinct chances swap places).
    #[test]
    fn table_confidence_is_one_half_at_the_apply_chance_and_keeps_order() {
        assert_eq!(table_confidence(TABLE_APPLY_AT), 0.5);
        assert!(table_confidence(0.59) < 0.5 && table_confidence(0.61) > 0.5);
        let chances = [0.001, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95];
        let c: Vec<f32> = chances.iter().map(|&p| table_confidence(p)).collect();
        assert!(c.windows(2).all(|w| w[0] < w[1]), "{c:?}");
        // Odds divided by 1.5: 0.9 (odds 9) becomes odds 6, 0.857.
        assert_eq!(table_confidence(0.9), 0.857);
        assert!(c[0] > 0.0, "a finding is never rounded away");
    }

    /// A multi-word wording holds an earlier-searched one when a shorter run of it is searched
    /// on an earlier line than the wording itself (any line, if it is not searched).
    #[test]
    fn holds_earlier_compares_table_lines() {
        let mut s = Searched::default();
        s.add(&["council"], 1);
        s.add(&["the", "council"], 2);
        s.add(&["wall", "street"], 3);
        s.add(&["wall"], 5);
        let mut buf = String::new();
        assert!(s.holds_earlier(&["the", "council"], &mut buf));
        assert!(
            !s.holds_earlier(&["wall", "street"], &mut buf),
            "wall comes later"
        );
        assert!(
            s.holds_earlier(&["wall", "of", "text"], &mut buf),
            "not searched itself"
        );
        assert!(
            !s.holds_earlier(&["council"], &mut buf),
            "one word holds nothing shorter"
        );
        assert!(!s.holds_earlier(&["main", "street"], &mut buf));
    }

    /// Documents whose confident phrases rarely hold an earlier-searched wording were spun in
    /// file order; where nearly half do, longer wordings went first; with none, even odds.
    #[test]
    fn file_order_chance_follows_the_share_of_holding_phrases() {
        assert_eq!(file_order_chance(0, 0), 0.5);
        assert!(file_order_chance(1, 12) > 0.95);
        assert!(file_order_chance(6, 12) < 0.05);
        let more: Vec<f32> = (0..=10).map(|k| file_order_chance(k, 10)).collect();
        assert!(more.windows(2).all(|w| w[0] > w[1]), "{more:?}");
    }
}
