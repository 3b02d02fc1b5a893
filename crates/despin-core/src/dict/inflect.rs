//! English word forms of nouns and verbs, for growing dictionary entries from base forms.
//!
//! A spinner's table (and a dictionary learned from one) holds word forms, not lemmas:
//! `invoice -> bill` says the spinner writes "invoice" for "bill"; the same table almost always
//! writes "invoices" for "bills" too. [`pair_forms`] inflects both sides of such a pair the same
//! way, so an importer or `dict learn` can add `invoices -> bills`, `invoiced -> billed`...
//!
//! The lexicon is `dictionaries/inflections.tsv`, generated from LemmInflect's lookup table
//! (MIT; source and licence in `dictionaries/NOTICE.md`) by
//! `dictionaries/tools/inflections_from_lemminflect.py`: about 21,000 lowercase noun and verb
//! lemmas with their plural, past, past participle, -ing and third-person forms. Only
//! irregular forms are spelled out there; `=` stands for what the rules below produce.
//!
//! Deliberately conservative, because a wrong form becomes a wrong entry:
//! * only lemmas the lexicon knows are inflected: "said", "reports", "mentioned" are already
//!   inflected forms and give nothing (nor does an unknown word);
//! * closed-class words (determiners, pronouns, prepositions, conjunctions, auxiliaries and
//!   function adverbs: "each", "at", "however", "next", "will") never inflect;
//! * a form is produced for a pair only when both sides have it (`house -> home` gives
//!   plural and verb forms only where both words are nouns or verbs in the lexicon);
//! * multi-word phrases inflect one head word (see [`phrase_forms`]).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// The generated lexicon (see the module doc).
const LEXICON: &str = include_str!("../../../../dictionaries/inflections.tsv");

/// One inflected form of a lemma.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Form {
    /// Noun plural: bill -> bills, child -> children.
    Plural,
    /// Verb, third person singular present: bill -> bills, go -> goes.
    ThirdPerson,
    /// Verb, simple past: bill -> billed, go -> went.
    Past,
    /// Verb, past participle: bill -> billed, go -> gone.
    PastParticiple,
    /// Verb, present participle / gerund: bill -> billing, run -> running.
    Ing,
}

impl Form {
    /// Every form, in the order [`forms`] lists them.
    pub const ALL: [Form; 5] = [
        Form::Plural,
        Form::ThirdPerson,
        Form::Past,
        Form::PastParticiple,
        Form::Ing,
    ];

    /// Short name ("plural", "3sg", "past", "participle", "ing"), used in entry notes.
    pub fn as_str(self) -> &'static str {
        match self {
            Form::Plural => "plural",
            Form::ThirdPerson => "3sg",
            Form::Past => "past",
            Form::PastParticiple => "participle",
            Form::Ing => "ing",
        }
    }

    fn is_verb(self) -> bool {
        self != Form::Plural
    }
}

/// Words that never inflect: articles, determiners, quantifiers, pronouns, prepositions,
/// particles, conjunctions, auxiliaries and modals, and function adverbs. Several are also
/// nouns or verbs in the lexicon ("will", "can", "next", "means"), but in a spinner's table
/// they are function words, and "cans" or "nexted" would only make wrong entries.
const CLOSED_CLASS: &[&str] = &[
    // articles, determiners, quantifiers
    "a",
    "an",
    "the",
    "this",
    "that",
    "these",
    "those",
    "each",
    "every",
    "either",
    "neither",
    "another",
    "other",
    "others",
    "some",
    "any",
    "no",
    "none",
    "all",
    "both",
    "few",
    "fewer",
    "many",
    "much",
    "more",
    "most",
    "less",
    "least",
    "several",
    "such",
    "own",
    "same",
    "enough",
    "one",
    "ones",
    "half",
    "lot",
    "lots",
    "plenty",
    // pronouns
    "i",
    "me",
    "my",
    "mine",
    "myself",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "he",
    "him",
    "his",
    "himself",
    "she",
    "her",
    "hers",
    "herself",
    "it",
    "its",
    "itself",
    "we",
    "us",
    "our",
    "ours",
    "ourselves",
    "they",
    "them",
    "their",
    "theirs",
    "themselves",
    "who",
    "whom",
    "whose",
    "which",
    "what",
    "whatever",
    "whoever",
    "whichever",
    "someone",
    "somebody",
    "something",
    "anyone",
    "anybody",
    "anything",
    "everyone",
    "everybody",
    "everything",
    "nobody",
    "nothing",
    "one's",
    // prepositions and particles
    "about",
    "above",
    "across",
    "after",
    "against",
    "along",
    "amid",
    "among",
    "amongst",
    "around",
    "as",
    "at",
    "before",
    "behind",
    "below",
    "beneath",
    "beside",
    "besides",
    "between",
    "beyond",
    "by",
    "despite",
    "down",
    "during",
    "except",
    "for",
    "from",
    "in",
    "inside",
    "into",
    "like",
    "near",
    "of",
    "off",
    "on",
    "onto",
    "out",
    "outside",
    "over",
    "past",
    "per",
    "round",
    "since",
    "than",
    "through",
    "throughout",
    "till",
    "to",
    "toward",
    "towards",
    "under",
    "underneath",
    "unlike",
    "until",
    "up",
    "upon",
    "via",
    "with",
    "within",
    "without",
    "versus",
    "away",
    "back",
    "forth",
    "apart",
    "aside",
    "ahead",
    // conjunctions
    "and",
    "or",
    "but",
    "nor",
    "so",
    "yet",
    "if",
    "unless",
    "because",
    "although",
    "though",
    "while",
    "whilst",
    "whereas",
    "whether",
    "once",
    "when",
    "whenever",
    "where",
    "wherever",
    "why",
    "how",
    "then",
    "therefore",
    "thus",
    "hence",
    "however",
    "moreover",
    "furthermore",
    "nevertheless",
    "nonetheless",
    "otherwise",
    "meanwhile",
    "instead",
    "also",
    "too",
    // auxiliaries and modals
    "be",
    "is",
    "am",
    "are",
    "was",
    "were",
    "been",
    "being",
    "have",
    "has",
    "had",
    "having",
    "do",
    "does",
    "did",
    "done",
    "will",
    "would",
    "shall",
    "should",
    "can",
    "could",
    "may",
    "might",
    "must",
    "ought",
    "need",
    "dare",
    // function adverbs and other words that behave like them in tables
    "not",
    "never",
    "always",
    "often",
    "sometimes",
    "ever",
    "still",
    "already",
    "just",
    "only",
    "even",
    "very",
    "quite",
    "rather",
    "almost",
    "nearly",
    "well",
    "here",
    "there",
    "now",
    "today",
    "tomorrow",
    "yesterday",
    "tonight",
    "again",
    "soon",
    "later",
    "next",
    "last",
    "first",
    "second",
    "third",
    "once",
    "twice",
    "perhaps",
    "maybe",
    "indeed",
    "else",
    "ago",
    "yes",
    "okay",
    "ok",
    "please",
    "etc",
    "mr",
    "mrs",
    "ms",
    "dr",
];

/// Singular determiners: a phrase opening with one never takes a plural head ("a lot").
const SINGULAR_OPENERS: &[&str] = &[
    "a", "an", "this", "that", "each", "every", "another", "one", "either", "neither",
];

/// True for a closed-class word (determiners, pronouns, prepositions, conjunctions, auxiliaries,
/// function adverbs; see the list in the source); case-insensitive.
pub fn is_closed_class(word: &str) -> bool {
    // A set, and no lower-casing of a word already in lower case: building the discovery
    // thesaurus asks this for every word of every row.
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    let set = SET.get_or_init(|| CLOSED_CLASS.iter().copied().collect());
    if word.bytes().all(|b| b.is_ascii_lowercase()) {
        set.contains(word)
    } else {
        set.contains(word.to_lowercase().as_str())
    }
}

/// The lexicon's row for a lemma: five optional forms in [`Form::ALL`] order.
type Row = [Option<String>; 5];

/// The lexicon's lines by lemma (the columns after it, unparsed): a row is expanded only when
/// its word is looked up, so a run that needs a few hundred words does not expand 22,000.
fn lexicon() -> &'static HashMap<&'static str, &'static str> {
    static LEX: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    LEX.get_or_init(|| {
        let mut map = HashMap::with_capacity(22_000);
        for line in LEXICON.lines() {
            let (lemma, cols) = line.split_once('\t').unwrap_or((line, ""));
            map.insert(lemma, cols);
        }
        map
    })
}

/// The forms of `lemma` from its lexicon columns (`cols`: plural, past, participle, ing,
/// third person; `=` for the form the rules give).
fn expand_row(lemma: &str, cols: &str) -> Row {
    let cols: Vec<&str> = if cols.is_empty() {
        Vec::new()
    } else {
        cols.split('\t').collect()
    };
    let col = |i: usize| cols.get(i).copied().unwrap_or("");
    let expand = |s: &str, rule: &dyn Fn(&str) -> String| match s {
        "" => None,
        "=" => Some(rule(lemma)),
        other => Some(other.to_string()),
    };
    let plural = expand(col(0), &rule_s);
    let past = expand(col(1), &rule_ed);
    let participle = match col(2) {
        "" => None,
        "=" => past.clone(),
        other => Some(other.to_string()),
    };
    let ing = expand(col(3), &rule_ing);
    let third = expand(col(4), &rule_s);
    [plural, third, past, participle, ing]
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// A one-syllable word ending consonant-vowel-consonant doubles its last letter (stop ->
/// stopped). Must agree with `cvc` in the generator script.
fn doubles_final(w: &str) -> bool {
    let b = w.as_bytes();
    let n = b.len();
    if n < 3 || is_vowel(b[n - 1]) || matches!(b[n - 1], b'w' | b'x' | b'y') {
        return false;
    }
    if !is_vowel(b[n - 2]) || is_vowel(b[n - 3]) {
        return false;
    }
    // Count vowel groups (y counts as a vowel here, as in the script).
    let mut groups = 0;
    let mut in_group = false;
    for &c in b {
        let v = is_vowel(c) || c == b'y';
        if v && !in_group {
            groups += 1;
        }
        in_group = v;
    }
    groups == 1
}

fn consonant_y(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() >= 2 && b[b.len() - 1] == b'y' && !is_vowel(b[b.len() - 2])
}

/// Regular -s form (plural or third person).
fn rule_s(w: &str) -> String {
    if ["s", "x", "z", "ch", "sh"].iter().any(|e| w.ends_with(e)) {
        format!("{w}es")
    } else if consonant_y(w) {
        format!("{}ies", &w[..w.len() - 1])
    } else {
        format!("{w}s")
    }
}

/// Regular past / past participle.
fn rule_ed(w: &str) -> String {
    if w.ends_with('e') {
        format!("{w}d")
    } else if consonant_y(w) {
        format!("{}ied", &w[..w.len() - 1])
    } else if doubles_final(w) {
        format!("{w}{}ed", &w[w.len() - 1..])
    } else {
        format!("{w}ed")
    }
}

/// Regular -ing form.
fn rule_ing(w: &str) -> String {
    if let Some(stem) = w.strip_suffix("ie") {
        format!("{stem}ying")
    } else if w.ends_with('e') && !["ee", "ye", "oe"].iter().any(|e| w.ends_with(e)) && w.len() > 2
    {
        format!("{}ing", &w[..w.len() - 1])
    } else if doubles_final(w) {
        format!("{w}{}ing", &w[w.len() - 1..])
    } else {
        format!("{w}ing")
    }
}

/// Give `form` the capitalisation of `like` (all caps, or a capital first letter).
fn match_case(like: &str, form: &str) -> String {
    let letters: Vec<char> = like.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
        return form.to_uppercase();
    }
    let mut cs = like.chars();
    match (cs.next(), form.chars().next()) {
        (Some(c), Some(f)) if c.is_uppercase() => {
            f.to_uppercase().collect::<String>() + &form[f.len_utf8()..]
        }
        _ => form.to_string(),
    }
}

/// The inflected forms of a single base word (a noun or verb lemma), in [`Form::ALL`] order.
///
/// Empty for closed-class words, words the lexicon does not know as a noun or verb lemma
/// (including words that are already inflected, such as "said" or "reports"), and forms equal
/// to the word itself ("sheep"). The word's capitalisation carries over ("Bill" -> "Bills").
///
/// ```
/// use despin_core::dict::inflect::{forms, Form};
/// let f = forms("go");
/// assert!(f.contains(&(Form::Past, "went".to_string())));
/// assert!(f.contains(&(Form::PastParticiple, "gone".to_string())));
/// assert!(forms("however").is_empty());
/// assert!(forms("said").is_empty());
/// ```
pub fn forms(word: &str) -> Vec<(Form, String)> {
    let lower = word.to_lowercase();
    if lower.is_empty() || is_closed_class(&lower) {
        return Vec::new();
    }
    let Some(cols) = lexicon().get(lower.as_str()) else {
        return Vec::new();
    };
    let row = expand_row(&lower, cols);
    Form::ALL
        .iter()
        .zip(row.iter())
        .filter_map(|(&f, s)| {
            let s = s.as_ref()?;
            (s != &lower).then(|| (f, match_case(word, s)))
        })
        .collect()
}

/// Where a phrase's head word is and which forms it may take.
struct Head {
    index: usize,
    verb: bool,
    noun: bool,
}

/// Pick the head word of a phrase of `words`:
/// * one word: itself, any form;
/// * last word closed-class ("look for", "calls off"): the first word, verb forms only;
/// * a closed-class word inside ("chief of staff"): the word before the first one, plural only;
/// * otherwise ("security adviser"): the last word, plural only.
///
/// Plurals are never formed for a phrase opening with a singular determiner ("a lot").
fn head(words: &[&str]) -> Option<Head> {
    let n = words.len();
    if n == 0 || words.iter().all(|w| is_closed_class(w)) {
        return None;
    }
    if n == 1 {
        return Some(Head {
            index: 0,
            verb: true,
            noun: true,
        });
    }
    let singular = SINGULAR_OPENERS.contains(&words[0].to_lowercase().as_str());
    if is_closed_class(words[n - 1]) {
        if is_closed_class(words[0]) {
            return None;
        }
        return Some(Head {
            index: 0,
            verb: true,
            noun: false,
        });
    }
    let index = match words[1..n - 1].iter().position(|w| is_closed_class(w)) {
        Some(i) => i, // words[i + 1] is the closed-class word; the head is before it
        None => n - 1,
    };
    if is_closed_class(words[index]) {
        return None;
    }
    Some(Head {
        index,
        verb: false,
        noun: !singular,
    })
}

/// The forms of a phrase, made by inflecting its head word (see the rules on `head` below:
/// one word takes every form; "look for" -> "looked for"; "chief of staff" -> "chiefs of
/// staff"; "security adviser" -> "security advisers"; "a lot" -> nothing). Words are
/// separated by single spaces in the result.
///
/// ```
/// use despin_core::dict::inflect::{phrase_forms, Form};
/// assert_eq!(
///     phrase_forms("security adviser"),
///     vec![(Form::Plural, "security advisers".to_string())]
/// );
/// ```
pub fn phrase_forms(phrase: &str) -> Vec<(Form, String)> {
    let words: Vec<&str> = phrase.split_whitespace().collect();
    let Some(h) = head(&words) else {
        return Vec::new();
    };
    forms(words[h.index])
        .into_iter()
        .filter(|(f, _)| if f.is_verb() { h.verb } else { h.noun })
        .map(|(f, w)| {
            let mut out: Vec<&str> = words.clone();
            out[h.index] = &w;
            (f, out.join(" "))
        })
        .collect()
}

/// Inflect both sides of a substitution pair the same way: every form that both phrases have
/// (see [`phrase_forms`]), as `(form, spun form, original form)`.
///
/// One spun string appears once (a plural and a third person that are spelled alike keep the
/// first). Nothing comes out when either side is already inflected, closed-class or unknown.
///
/// ```
/// use despin_core::dict::inflect::{pair_forms, Form};
/// let p = pair_forms("invoice", "bill");
/// assert!(p.contains(&(Form::Plural, "invoices".into(), "bills".into())));
/// assert!(p.contains(&(Form::Past, "invoiced".into(), "billed".into())));
/// assert!(pair_forms("mentioned", "said").is_empty());
/// ```
pub fn pair_forms(spun: &str, original: &str) -> Vec<(Form, String, String)> {
    let a = phrase_forms(spun);
    let b = phrase_forms(original);
    let mut out: Vec<(Form, String, String)> = Vec::new();
    for (f, s) in a {
        let Some((_, o)) = b.iter().find(|(g, _)| *g == f) else {
            continue;
        };
        if !out.iter().any(|(_, x, _)| *x == s) {
            out.push((f, s, o.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(word: &str, form: Form) -> Option<String> {
        forms(word)
            .into_iter()
            .find(|(f, _)| *f == form)
            .map(|(_, s)| s)
    }

    #[test]
    fn regular_and_irregular_verbs() {
        assert_eq!(get("stop", Form::Past).as_deref(), Some("stopped"));
        assert_eq!(get("stop", Form::Ing).as_deref(), Some("stopping"));
        assert_eq!(get("visit", Form::Past).as_deref(), Some("visited"));
        assert_eq!(get("carry", Form::ThirdPerson).as_deref(), Some("carries"));
        assert_eq!(get("carry", Form::Past).as_deref(), Some("carried"));
        assert_eq!(get("die", Form::Ing).as_deref(), Some("dying"));
        assert_eq!(get("make", Form::Ing).as_deref(), Some("making"));
        assert_eq!(get("agree", Form::Ing).as_deref(), Some("agreeing"));
        assert_eq!(get("reach", Form::ThirdPerson).as_deref(), Some("reaches"));
        assert_eq!(get("leave", Form::Past).as_deref(), Some("left"));
        // LemmInflect's override (participle "run", not "ran"); equal to the lemma, so no form.
        assert_eq!(get("run", Form::PastParticiple), None);
        assert_eq!(get("begin", Form::PastParticiple).as_deref(), Some("begun"));
        assert_eq!(get("run", Form::Past).as_deref(), Some("ran"));
        assert_eq!(
            get("write", Form::PastParticiple).as_deref(),
            Some("written")
        );
        assert_eq!(get("say", Form::Past).as_deref(), Some("said"));
    }

    #[test]
    fn nouns_and_uncountables() {
        assert_eq!(get("child", Form::Plural).as_deref(), Some("children"));
        assert_eq!(get("city", Form::Plural).as_deref(), Some("cities"));
        assert_eq!(get("crisis", Form::Plural).as_deref(), Some("crises"));
        assert_eq!(get("box", Form::Plural).as_deref(), Some("boxes"));
        assert_eq!(get("sheep", Form::Plural), None, "same as the lemma");
        // "official" is a noun, not a verb: no past tense.
        assert_eq!(get("official", Form::Past), None);
        assert_eq!(get("official", Form::Plural).as_deref(), Some("officials"));
    }

    #[test]
    fn inflected_unknown_and_closed_class_words_give_nothing() {
        for w in [
            "said",
            "mentioned",
            "reports",
            "however",
            "each",
            "at",
            "next",
            "will",
            "can",
            "the",
            "xqzzy",
            "",
        ] {
            assert!(forms(w).is_empty(), "{w}: {:?}", forms(w));
        }
    }

    #[test]
    fn adjectives_take_no_forms() {
        assert!(forms("big").is_empty());
        assert!(pair_forms("large", "big").is_empty());
    }

    #[test]
    fn case_carries_over() {
        assert_eq!(get("Bill", Form::Plural).as_deref(), Some("Bills"));
        assert_eq!(get("GO", Form::Past).as_deref(), Some("WENT"));
    }

    #[test]
    fn rules_agree_with_the_spelled_out_forms_of_the_lexicon() {
        // The generator writes `=` only where the rules give LemmInflect's form; spelled-out
        // forms that the rules happen to produce would mean the two have drifted apart.
        let mut agreeing = 0;
        for line in LEXICON.lines().take(3000) {
            let c: Vec<&str> = line.split('\t').collect();
            if c.get(1).is_some_and(|p| !p.is_empty() && *p != "=") && rule_s(c[0]) == c[1] {
                agreeing += 1;
            }
        }
        assert_eq!(agreeing, 0);
    }

    #[test]
    fn phrase_heads() {
        let f = phrase_forms("look for");
        assert!(f.contains(&(Form::Past, "looked for".into())), "{f:?}");
        assert!(!f.iter().any(|(g, _)| *g == Form::Plural));
        let f = phrase_forms("chief of staff");
        assert_eq!(f, vec![(Form::Plural, "chiefs of staff".into())]);
        let f = phrase_forms("national security adviser");
        assert_eq!(f, vec![(Form::Plural, "national security advisers".into())]);
        assert!(phrase_forms("a lot").is_empty());
        assert!(phrase_forms("a report").is_empty());
        assert!(phrase_forms("on the").is_empty());
        // Verb forms are not made from a phrase's last word: "take placed" is no form.
        assert!(!phrase_forms("take place")
            .iter()
            .any(|(f, _)| *f == Form::Past));
    }

    #[test]
    fn pairs_inflect_both_sides_alike() {
        let p = pair_forms("invoice", "bill");
        assert!(p.contains(&(Form::Plural, "invoices".into(), "bills".into())));
        assert!(p.contains(&(Form::Ing, "invoicing".into(), "billing".into())));
        // The -s plural and third person are spelled alike: listed once.
        assert_eq!(p.iter().filter(|(_, s, _)| s == "invoices").count(), 1);
        assert!(pair_forms("mentioned", "said").is_empty());
        assert!(pair_forms("however", "but").is_empty());
        // A noun pair gets no verb forms when one side is no verb.
        let p = pair_forms("security adviser", "security official");
        assert_eq!(
            p,
            vec![(
                Form::Plural,
                "security advisers".into(),
                "security officials".into()
            )]
        );
        let p = pair_forms("flee", "escape");
        assert!(p.contains(&(Form::Past, "fled".into(), "escaped".into())));
    }
}
