//! Checks for dictionary sources, for the people who write them (`despin dict check`).
//!
//! [`check_sources`] looks at a set of sources meant to be used together and reports, each
//! located by file and line:
//!
//! * malformed rows (including keys that normalise to nothing), as the parser refuses them;
//! * conflicts: the same key, kind, context and document condition with different first
//!   originals, so which one wins depends on layer order;
//! * cycles: an original that is itself a spun key, so a repaired text would be flagged again;
//! * impossible inflections: a function word ("however", "each", "at", "next") given a
//!   plural or verb ending ("howevers", "eachs", "ats", "nexts"), as a spun phrase or an
//!   original. Such words never inflect, so the row was made by appending a suffix blindly.
//!
//! [`fires_on_clean`] scans known-clean text and reports the entries that fire there: each
//! hit is a false positive waiting to happen.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::dict::source::{EntryKind, Parsed};
use crate::error::{Error, Result};
use crate::normalize::normalize_phrase;
use crate::scan::Scanner;

/// What kind of problem a check found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProblemKind {
    /// The row could not be parsed or validated.
    Malformed,
    /// The same key with conflicting originals.
    Conflict,
    /// An original is itself a spun key.
    Cycle,
    /// A function word with an inflection it never takes ("howevers", "ats").
    Inflection,
    /// The entry fires on known-clean text.
    FiresOnClean,
}

impl ProblemKind {
    /// Short label used in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::Malformed => "malformed",
            ProblemKind::Conflict => "conflict",
            ProblemKind::Cycle => "cycle",
            ProblemKind::Inflection => "impossible inflection",
            ProblemKind::FiresOnClean => "fires on clean text",
        }
    }
}

/// One problem, located by file and line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The dictionary source.
    pub path: PathBuf,
    /// 1-based line of the row.
    pub line: u64,
    /// What kind of problem.
    pub kind: ProblemKind,
    /// Details.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.path.display(),
            self.line,
            self.kind.as_str(),
            self.message
        )
    }
}

/// Check parsed sources that are used together. Problems come sorted by file and line.
pub fn check_sources(sources: &[(PathBuf, Parsed)]) -> Vec<Problem> {
    let mut problems: Vec<Problem> = Vec::new();
    for (_, parsed) in sources {
        problems.extend(parsed.errors.iter().map(|e| Problem {
            path: e.path.clone(),
            line: e.line,
            kind: ProblemKind::Malformed,
            message: e.message.clone(),
        }));
    }
    let entries = || {
        sources.iter().flat_map(|(p, parsed)| {
            parsed
                .entries
                .iter()
                .filter(|e| e.kind.repairs())
                .map(move |e| (p, e))
        })
    };
    let at = |p: &Path, line: u64| format!("{}:{line}", p.display());

    // Conflicts: the first row of each (key, kind, conditions) is the reference.
    // (key, kind, context, requires) -> (file, line, first original)
    type Slot<'a> = (&'a str, EntryKind, &'a str, String);
    let mut first: HashMap<Slot<'_>, (&PathBuf, u64, String)> = HashMap::new();
    for (p, e) in entries() {
        let best = e.originals[0].to_lowercase();
        let slot = (
            e.key.as_str(),
            e.kind,
            e.context.as_str(),
            e.requires.join("|"),
        );
        match first.get(&slot) {
            Some((fp, fl, fo)) if *fo != best => problems.push(Problem {
                path: p.clone(),
                line: e.line,
                kind: ProblemKind::Conflict,
                message: format!(
                    "{:?} -> {:?}, but {} says {:?}",
                    e.spun,
                    e.originals[0],
                    at(fp, *fl),
                    fo
                ),
            }),
            Some(_) => {}
            None => {
                first.insert(slot, (p, e.line, best));
            }
        }
    }

    // Cycles: originals that are spun keys themselves.
    let mut keys: HashMap<&str, (&PathBuf, u64)> = HashMap::new();
    for (p, e) in entries() {
        keys.entry(e.key.as_str()).or_insert((p, e.line));
    }
    for (p, e) in entries() {
        for o in &e.originals {
            let k = normalize_phrase(o);
            if let Some((kp, kl)) = keys.get(k.as_str()) {
                let message = if k == e.key {
                    format!("original {o:?} is the spun phrase itself")
                } else {
                    format!(
                        "original {o:?} of {:?} is itself a spun phrase ({}): repaired text would be flagged again",
                        e.spun,
                        at(kp, *kl)
                    )
                };
                problems.push(Problem {
                    path: p.clone(),
                    line: e.line,
                    kind: ProblemKind::Cycle,
                    message,
                });
            }
        }
    }

    // Impossible inflections, in every row (allow rows included: they would never match).
    for (p, parsed) in sources {
        for e in &parsed.entries {
            let phrases = std::iter::once(("spun phrase", &e.spun))
                .chain(e.originals.iter().map(|o| ("original", o)));
            for (role, phrase) in phrases {
                if let Some((word, stem)) = impossible_inflection(phrase) {
                    problems.push(Problem {
                        path: p.clone(),
                        line: e.line,
                        kind: ProblemKind::Inflection,
                        message: format!(
                            "{role} {phrase:?}: {word:?} is {stem:?} with an ending it never takes"
                        ),
                    });
                }
            }
        }
    }
    problems.sort_by(|a, b| (&a.path, a.line, a.kind).cmp(&(&b.path, b.line, b.kind)));
    problems
}

/// Function words (closed classes: determiners, pronouns, prepositions, conjunctions,
/// modal verbs, sentence adverbs) that never take `-s`, `-ed` or `-ing`. Words that also
/// live as nouns or verbs ("can", "will", "must", "near", "own", "still", "past", "last")
/// are left out on purpose.
const FUNCTION_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "across",
    "after",
    "against",
    "all",
    "almost",
    "along",
    "already",
    "also",
    "although",
    "am",
    "among",
    "an",
    "and",
    "another",
    "any",
    "are",
    "around",
    "at",
    "because",
    "been",
    "before",
    "behind",
    "below",
    "beneath",
    "beside",
    "between",
    "beyond",
    "both",
    "but",
    "by",
    "could",
    "despite",
    "during",
    "each",
    "either",
    "every",
    "few",
    "for",
    "from",
    "furthermore",
    "he",
    "hence",
    "her",
    "him",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "into",
    "it",
    "its",
    "many",
    "may",
    "me",
    "might",
    "moreover",
    "much",
    "my",
    "neither",
    "nevertheless",
    "next",
    "no",
    "nonetheless",
    "nor",
    "not",
    "of",
    "on",
    "onto",
    "or",
    "our",
    "shall",
    "she",
    "should",
    "since",
    "so",
    "some",
    "than",
    "that",
    "the",
    "their",
    "them",
    "therefore",
    "these",
    "they",
    "this",
    "those",
    "though",
    "thus",
    "till",
    "to",
    "too",
    "toward",
    "under",
    "underneath",
    "unless",
    "until",
    "upon",
    "very",
    "via",
    "was",
    "we",
    "were",
    "what",
    "whatever",
    "when",
    "whenever",
    "where",
    "whereas",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "with",
    "within",
    "without",
    "would",
    "yet",
    "you",
    "your",
];

/// Real words that look like a function word plus an ending.
const REAL_WORDS: &[&str] = &[
    "afters", "ams", "ands", "ares", "as", "besides", "buts", "fors", "hers", "hows", "ifs", "ins",
    "is", "its", "mays", "nos", "noted", "noting", "ours", "sos", "theirs", "tilled", "tilling",
    "tills", "toed", "toing", "towards", "us", "whens", "wheres", "whiled", "whiles", "whiling",
    "whys", "yours",
];

/// The first word of `phrase` that is a function word with an inflectional ending, with
/// that function word.
fn impossible_inflection(phrase: &str) -> Option<(String, &'static str)> {
    // Whole words only: "add-ons" and "it's" are not inflections of "on" and "it".
    let words = phrase.split_whitespace().map(|w| {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase()
    });
    for word in words {
        if !word.chars().all(char::is_alphabetic) || REAL_WORDS.contains(&word.as_str()) {
            continue;
        }
        // (ending, letters the stem must end with, letter the ending replaced)
        let endings: [(&str, &[&str], &str); 6] = [
            ("s", &[""], ""),
            ("es", &["ch", "sh", "s", "x"], ""),
            ("ed", &[""], ""),
            ("d", &["e"], ""),
            ("ing", &[""], ""),
            ("ing", &[""], "e"),
        ];
        for (ending, stem_ends, restore) in endings {
            let Some(stem) = word.strip_suffix(ending) else {
                continue;
            };
            // A two-letter stem with a restored "e" would make "thing" an inflection of "the".
            if stem.len() < 2 + restore.len() || !stem_ends.iter().any(|e| stem.ends_with(e)) {
                continue;
            }
            let stem = format!("{stem}{restore}");
            if let Some(f) = FUNCTION_WORDS.iter().find(|f| **f == stem) {
                return Some((word, f));
            }
        }
    }
    None
}

/// One entry that fired on clean text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CleanHit {
    /// Dictionary name.
    pub dictionary: String,
    /// Source file name of the entry.
    pub source: String,
    /// Line of the entry in its source.
    pub line: u32,
    /// The text that matched (first occurrence).
    pub spun: String,
    /// How many times it fired.
    pub count: usize,
    /// First place it fired: file and line.
    pub example: (PathBuf, usize),
}

/// Scan every text file under `dir` ([`crate::walk::corpus_files`]: recursively, in path
/// order, symbolic links not followed; binary and non-UTF-8 files are skipped) and count, per entry, the findings at or above `min_confidence`.
pub fn fires_on_clean(scanner: &Scanner, dir: &Path, min_confidence: f32) -> Result<Vec<CleanHit>> {
    let files = crate::walk::corpus_files(dir, None)?;
    let mut hits: BTreeMap<(String, String, u32), CleanHit> = BTreeMap::new();
    for f in files {
        let bytes = std::fs::read(&f).map_err(|source| Error::Io {
            path: f.clone(),
            source,
        })?;
        let Ok(text) = crate::input::as_text(&bytes) else {
            continue;
        };
        for finding in scanner.scan(text).findings {
            if finding.confidence < min_confidence {
                continue;
            }
            let key = (
                finding.dictionary.clone(),
                finding.entry_source.clone(),
                finding.entry_line,
            );
            hits.entry(key)
                .or_insert_with(|| CleanHit {
                    dictionary: finding.dictionary.clone(),
                    source: finding.entry_source.clone(),
                    line: finding.entry_line,
                    spun: finding.spun.clone(),
                    count: 0,
                    example: (f.clone(), finding.line),
                })
                .count += 1;
        }
    }
    Ok(hits.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict::source::parse_source;

    #[test]
    fn finds_conflicts_and_cycles() {
        let a = "spun,original\nfinal yr,last year\nyr,year\nsame,Same\n";
        let b = "spun,original\n# c\nfinal  yr,past year\n";
        let sources = vec![
            (
                PathBuf::from("a.csv"),
                parse_source(Path::new("a.csv"), a.as_bytes()),
            ),
            (
                PathBuf::from("b.csv"),
                parse_source(Path::new("b.csv"), b.as_bytes()),
            ),
        ];
        let p = check_sources(&sources);
        let got: Vec<(String, u64, ProblemKind)> = p
            .iter()
            .map(|p| (p.path.display().to_string(), p.line, p.kind))
            .collect();
        assert_eq!(
            got,
            [
                ("a.csv".into(), 4, ProblemKind::Cycle),
                ("b.csv".into(), 3, ProblemKind::Conflict),
            ],
            "{p:?}"
        );
    }

    #[test]
    fn finds_impossible_inflections_of_function_words() {
        let a = "spun,original\nhowevers,buts\neachs,boths\nats,ins\nnext week,following week\n\
                 nexts,followings\nwhich means,that means\nthe thing's,the object's\n\
                 beings,creatures\ntowards,to\nits own,their own\nwhiled away,passed\n\
                 she sings,she singed\nand so on,and thus\ntoes,feet\nthing,object\n\
                 add-ons,extras\nnoted that,said that\n";
        let sources = vec![(
            PathBuf::from("a.csv"),
            parse_source(Path::new("a.csv"), a.as_bytes()),
        )];
        let got: Vec<(u64, String)> = check_sources(&sources)
            .into_iter()
            .filter(|p| p.kind == ProblemKind::Inflection)
            .map(|p| (p.line, p.message))
            .collect();
        assert_eq!(
            got,
            [
                (
                    2,
                    "spun phrase \"howevers\": \"howevers\" is \"however\" with an ending it never takes"
                        .to_string()
                ),
                (
                    3,
                    "spun phrase \"eachs\": \"eachs\" is \"each\" with an ending it never takes".into()
                ),
                (
                    3,
                    "original \"boths\": \"boths\" is \"both\" with an ending it never takes".into()
                ),
                (
                    4,
                    "spun phrase \"ats\": \"ats\" is \"at\" with an ending it never takes".into()
                ),
                (
                    6,
                    "spun phrase \"nexts\": \"nexts\" is \"next\" with an ending it never takes".into()
                ),
            ]
        );
    }
}
