//! Importing a spinner's synonym table as a dictionary profile.
//!
//! A spinner's table holds groups of interchangeable wordings. Used normally, the first member
//! of a group (its *key*) is searched in the text and every occurrence is replaced by a random
//! other member; in *shuffle* mode any member may be replaced by any other. A group of one
//! member is left in the text as a literal `{word}`, a leak that proves spinning.
//!
//! [`import`] reverses such a table into dictionary entries (spun form -> the wordings it
//! stands for), which the ordinary compiler ([`crate::dict::Dictionary::from_entries`])
//! turns into a profile usable with `--dict`:
//!
//! * every other member of a group -> its key (with `shuffle`: every member -> every other);
//!   a spun form found in several groups keeps all their keys as alternatives, most frequent
//!   first, then in table order;
//! * with `inflect` only, inflected forms of both sides (see
//!   [`crate::dict::inflect::pair_forms`]: `invoice -> bill` adds `invoices -> bills`,
//!   `invoiced -> billed`...), unless the table has its own group for the inflected spun form,
//!   tagged `inflected`. Off by default: a spinner that writes its table's wordings verbatim
//!   never writes a form its table lacks, so such entries can only change original words
//!   (measured in README, *Importing a spinner's table*);
//! * one-member groups -> fingerprint `{word}` -> `word` (prior 0.99), tagged `leak`;
//! * every wording the spinner searches (the key of each group; with `shuffle`, every member)
//!   -> a `key` entry, whose prior is its *survival*: the share of its clean-text frequency
//!   that other groups write back into the spinner's output (0 for a key no group writes;
//!   frequencies from the context model, [`crate::lm`]). The scanner counts how few of them a
//!   document holds ("keys vanish", [`crate::scan`]).
//!
//! Entries are `swap`s tagged `spinner:NAME`, so they fire only as far as the document's
//! evidence for that profile (and, where present, the context model) allows. Their prior is
//! the chance that the spun form, met in that spinner's output, was written by the spinner
//! rather than left from the original: `out / (out + left)`, where `out` sums, over the groups
//! writing it, its key's frequency divided among the group's other members, and `left` is the
//! form's own frequency (times 0.03 when the spinner searches the form itself, which then
//! only survives where a longer match blocked it). Inflected entries count a tenth of `out`
//! (the spinner writes only the table's own wordings). Where the model knows a word of
//! neither side the prior falls with ambiguity instead: 0.85 for one original, 0.7 for two,
//! 0.6 for more; inflected entries 0.05 less. **Fingerprint rule**: a spun form of two or more words, none of them a closed-class
//! word ([`crate::dict::inflect::is_closed_class`]), that is not itself the key of any group
//! (so no one wrote it as ordinary text to be spun), is a phrase only the spinner produces
//! ("nationwide safety adviser"): it becomes a `fingerprint` (prior 0.95 / 0.8 / 0.7 by the
//! same ambiguity steps) and counts as evidence on its own.
//!
//! Parsing never stops at the first bad line: every malformed line is reported (file, line,
//! reason) and nothing is imported if there is any.

use std::collections::HashMap;
use std::path::Path;

use crate::dict::inflect::{is_closed_class, pair_forms};
use crate::dict::source::{EntryKind, SourceEntry};
use crate::error::{Error, Result, RowError};
use crate::lm::ContextModel;
use crate::normalize::normalize_phrase;
use despin_core::located_csv::LocatedCsv;

/// Share of a searched wording's occurrences that survive a spinner that searches it (where
/// a longer match blocked it): the floor of a key's survival.
pub const SEARCHED_SURVIVAL: f32 = 0.03;
/// Share of `out` an inflected entry counts: the spinner writes only the table's wordings.
pub const INFLECTED_SHARE: f32 = 0.1;

/// P(phrase) by the context model, or `None` when it does not know one of its words.
fn phrase_p(lm: &ContextModel, phrase: &str) -> Option<f32> {
    let norm = normalize_phrase(phrase);
    let toks: Vec<&str> = norm.split(' ').collect();
    lm.ln_phrase(&toks).map(f32::exp)
}

/// How a table is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    /// `key|syn1|syn2` per line (the plugin format).
    Pipe,
    /// `{key|syn1|syn2}` per line.
    Spintax,
    /// One group per CSV row: `key,syn1,syn2` (empty cells ignored).
    Csv,
}

/// One group of a table: its members (key first) and its 1-based line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// Line of the group in the table.
    pub line: u64,
    /// Members in table order, the key first; no duplicates (case-insensitive).
    pub members: Vec<String>,
}

/// Import settings.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// Table syntax.
    pub format: TableFormat,
    /// The table is used in shuffle mode: every member may stand for every other.
    pub shuffle: bool,
    /// Spinner profile name, written as the tag `spinner:NAME` (lowercase).
    pub profile: String,
    /// Add inflected forms of the table's pairs (for spinners that inflect their wordings).
    pub inflect: bool,
}

/// What an import produced.
#[derive(Clone, Debug, Default)]
pub struct Imported {
    /// Entries, one per spun key, in key order.
    pub entries: Vec<SourceEntry>,
    /// Groups read from the table.
    pub groups: usize,
    /// One-member groups, imported as `{word}` leak fingerprints.
    pub leaks: usize,
    /// Entries that are fingerprints (leaks included).
    pub fingerprints: usize,
    /// Entries made by inflection.
    pub inflected: usize,
    /// `key` entries: the wordings the spinner searches.
    pub keys: usize,
}

/// True when `name` can be a profile name: ASCII letters, digits, `-` and `_`.
pub fn valid_profile_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Parse a table held in memory (`path` only labels errors). Blank lines are skipped, and in
/// the `pipe` and `spintax` formats so are lines starting with `#`.
pub fn parse_table(path: &Path, data: &[u8], format: TableFormat) -> Result<Vec<Group>> {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let mut groups = Vec::new();
    let mut errors = Vec::new();
    let mut push = |line: u64, members: Result<Vec<String>, String>| match members {
        Ok(m) => groups.push(Group { line, members: m }),
        Err(message) => errors.push(RowError {
            path: path.to_path_buf(),
            line,
            message,
        }),
    };
    match format {
        TableFormat::Pipe | TableFormat::Spintax => {
            for (i, raw) in data.split(|&b| b == b'\n').enumerate() {
                let line = i as u64 + 1;
                let Ok(text) = std::str::from_utf8(raw) else {
                    push(line, Err("not valid UTF-8".into()));
                    continue;
                };
                let text = text.trim();
                if text.is_empty() || text.starts_with('#') {
                    continue;
                }
                let inner = if format == TableFormat::Spintax {
                    match text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                        Some(t) => t,
                        None => {
                            push(
                                line,
                                Err(format!("expected one `{{a|b|c}}` group, found {text:?}")),
                            );
                            continue;
                        }
                    }
                } else {
                    text
                };
                // One trailing `|` is tolerated (`a|b|`); any other empty member is not.
                let inner = inner.strip_suffix('|').unwrap_or(inner);
                push(line, members(inner.split('|')));
            }
        }
        TableFormat::Csv => {
            for r in LocatedCsv::new(data, false, None) {
                let Ok((line, record)) = r.map_err(|e| push(e.line, Err(e.to_string()))) else {
                    continue;
                };
                let mut cells = Vec::new();
                let mut bad = None;
                for f in record.iter() {
                    match std::str::from_utf8(f) {
                        Ok(s) if !s.trim().is_empty() => cells.push(s),
                        Ok(_) => {}
                        Err(_) => bad = Some("not valid UTF-8".to_string()),
                    }
                }
                if cells.is_empty() && bad.is_none() {
                    continue;
                }
                push(line, bad.map_or_else(|| members(cells.into_iter()), Err));
            }
        }
    }
    if errors.is_empty() {
        Ok(groups)
    } else {
        Err(Error::DictRows { rows: errors })
    }
}

/// Validate and deduplicate a group's members.
fn members<'a>(raw: impl Iterator<Item = &'a str>) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for m in raw {
        let m = m.split_whitespace().collect::<Vec<_>>().join(" ");
        if m.is_empty() {
            return Err("empty member (`||`, or `|` at the start)".into());
        }
        if let Some(c) = m.chars().find(|c| matches!(c, '{' | '}' | '|')) {
            return Err(format!(
                "member {m:?} contains {c:?} (nested or broken group?)"
            ));
        }
        if normalize_phrase(&m).is_empty() {
            return Err(format!("member {m:?} holds no word"));
        }
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&m)) {
            out.push(m);
        }
    }
    Ok(out)
}

/// Accumulates the originals of one spun key.
struct Reversed {
    spun: String,
    /// (original, how many groups give it, first line)
    originals: Vec<(String, u32, u64)>,
    line: u64,
    inflected: Option<&'static str>,
}

/// Reverse a table into dictionary entries (see the module doc). `path` only labels errors and
/// notes; the caller compiles the entries and writes the dictionary.
pub fn import(path: &Path, data: &[u8], opts: &ImportOptions) -> Result<Imported> {
    let groups = parse_table(path, data, opts.format)?;
    Ok(reverse(&groups, opts))
}

/// Reverse parsed groups into entries (see the module doc).
pub fn reverse(groups: &[Group], opts: &ImportOptions) -> Imported {
    let profile = format!("spinner:{}", opts.profile.to_ascii_lowercase());
    let mut by_key: HashMap<String, Reversed> = HashMap::new();
    let mut add = |spun: &str, original: &str, line: u64, inflected: Option<&'static str>| {
        let key = normalize_phrase(spun);
        if key.is_empty() || normalize_phrase(original) == key {
            return;
        }
        let r = by_key.entry(key).or_insert_with(|| Reversed {
            spun: spun.to_string(),
            originals: Vec::new(),
            line,
            inflected,
        });
        // The table's own pairs outrank inflected ones: an inflected pair never joins a key
        // the table gave directly, and a direct pair replaces inflected ones.
        match (r.inflected, inflected) {
            (None, Some(_)) => return,
            (Some(_), None) => {
                *r = Reversed {
                    spun: spun.to_string(),
                    originals: Vec::new(),
                    line,
                    inflected: None,
                }
            }
            _ => {}
        }
        match r
            .originals
            .iter_mut()
            .find(|o| o.0.eq_ignore_ascii_case(original))
        {
            Some(o) => o.1 += 1,
            None => r.originals.push((original.to_string(), 1, line)),
        }
    };
    let mut leaks = Vec::new();
    let mut pairs: Vec<(&str, &str, u64)> = Vec::new();
    for g in groups {
        match g.members.as_slice() {
            [] => {}
            [one] => leaks.push((one.as_str(), g.line)),
            [key, rest @ ..] => {
                if opts.shuffle {
                    for a in &g.members {
                        for b in &g.members {
                            if a != b {
                                pairs.push((a, b, g.line));
                            }
                        }
                    }
                } else {
                    for s in rest {
                        pairs.push((s, key, g.line));
                    }
                }
            }
        }
    }
    for &(s, o, line) in &pairs {
        add(s, o, line, None);
    }
    let mut inflected_pairs = Vec::new();
    for &(s, o, line) in pairs.iter().filter(|_| opts.inflect) {
        for (form, fs, fo) in pair_forms(s, o) {
            inflected_pairs.push((fs, fo, line, form.as_str()));
        }
    }
    for (s, o, line, form) in &inflected_pairs {
        add(s, o, *line, Some(form));
    }
    // How often the spinner writes each form (per word of clean text): its key's frequency
    // divided among the group's other members, summed over the groups that write it.
    let lm = ContextModel::embedded();
    let size: HashMap<u64, usize> = groups.iter().map(|g| (g.line, g.members.len())).collect();
    let mut written: HashMap<String, f32> = HashMap::new();
    let mut written_inflected: HashMap<String, f32> = HashMap::new();
    for (s, o, line, inflected) in pairs.iter().map(|&(s, o, line)| (s, o, line, false)).chain(
        inflected_pairs
            .iter()
            .map(|(s, o, line, _)| (s.as_str(), o.as_str(), *line, true)),
    ) {
        let share = phrase_p(lm, o).unwrap_or(0.0) / (size[&line].max(2) - 1) as f32;
        let map = if inflected {
            &mut written_inflected
        } else {
            &mut written
        };
        *map.entry(normalize_phrase(s)).or_default() += share;
    }
    // What the spinner searches: keys (with `shuffle`, every member), one-member groups too.
    let mut searched: HashMap<String, (String, u64)> = HashMap::new();
    for g in groups {
        let n = if opts.shuffle { g.members.len() } else { 1 };
        for m in g.members.iter().take(n) {
            searched
                .entry(normalize_phrase(m))
                .or_insert_with(|| (m.clone(), g.line));
        }
    }
    // The chance that form `key` (written in the spinner's output) came from the spinner.
    let spun_share = |key: &str, spun: &str, inflected: bool| -> Option<f32> {
        let out = if inflected {
            written_inflected.get(key).copied().unwrap_or(0.0) * INFLECTED_SHARE
        } else {
            written.get(key).copied().unwrap_or(0.0)
        };
        let own = phrase_p(lm, spun)?;
        let mut left = if searched.contains_key(key) {
            own * SEARCHED_SURVIVAL
        } else {
            own
        };
        // A phrase also arises where the spinner wrote one of its words alone: its rate is
        // raised by how much the spinner raises that word's.
        let words: Vec<&str> = key.split(' ').collect();
        if words.len() > 1 {
            for w in words {
                if let (Some(&out_w), Some(p_w)) = (written.get(w), phrase_p(lm, w)) {
                    left += own * out_w / p_w;
                }
            }
        }
        (out > 0.0).then(|| out / (out + left))
    };
    let keys_of_groups: std::collections::HashSet<String> = groups
        .iter()
        .filter(|g| g.members.len() > 1)
        .map(|g| normalize_phrase(&g.members[0]))
        .collect();

    let mut out = Imported {
        groups: groups.len(),
        leaks: leaks.len(),
        ..Imported::default()
    };
    for (word, line) in leaks {
        out.entries.push(SourceEntry {
            spun: format!("{{{word}}}"),
            key: normalize_phrase(&format!("{{{word}}}")),
            originals: vec![word.to_string()],
            prior: 0.99,
            kind: EntryKind::Fingerprint,
            context: String::new(),
            requires: Vec::new(),
            tags: vec![profile.clone(), "leak".into()],
            note: format!("one-member group at line {line}: left in the text as {{{word}}}"),
            line,
        });
        out.fingerprints += 1;
    }
    for (key, mut r) in by_key {
        r.originals
            .sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
        let words: Vec<&str> = r.spun.split_whitespace().collect();
        let fingerprint = words.len() >= 2
            && !words.iter().any(|w| is_closed_class(w))
            && !keys_of_groups.contains(&key);
        let step = match r.originals.len() {
            1 => 0.0,
            2 => 0.15,
            _ => 0.25,
        };
        let mut prior: f32 = if fingerprint { 0.95 } else { 0.85 } - step;
        let share = spun_share(&key, &r.spun, r.inflected.is_some());
        let mut tags = vec![profile.clone()];
        let note = match r.inflected {
            Some(form) => {
                prior -= 0.05;
                tags.push("inflected".into());
                out.inflected += 1;
                format!("{form} of table line {}", r.line)
            }
            None => format!("table line {}", r.line),
        };
        if fingerprint {
            out.fingerprints += 1;
        }
        let prior = share.map_or(prior, |s| s.clamp(0.01, 0.99));
        out.entries.push(SourceEntry {
            spun: r.spun,
            key,
            originals: r.originals.into_iter().map(|o| o.0).collect(),
            prior: (prior * 100.0).round() / 100.0,
            kind: if fingerprint {
                EntryKind::Fingerprint
            } else {
                EntryKind::Swap
            },
            context: String::new(),
            requires: Vec::new(),
            tags,
            note,
            line: r.line,
        });
    }
    let mut searched: Vec<(String, (String, u64))> = searched.into_iter().collect();
    searched.sort();
    for (key, (spun, line)) in searched {
        let survival = match phrase_p(lm, &spun) {
            Some(own) => (written.get(&key).copied().unwrap_or(0.0) / own).min(1.0),
            None if written.contains_key(&key) => 1.0,
            None => 0.0,
        };
        out.entries.push(SourceEntry {
            spun,
            key,
            originals: Vec::new(),
            prior: (survival * 1000.0).round() / 1000.0,
            kind: EntryKind::Key,
            context: String::new(),
            requires: Vec::new(),
            tags: vec![profile.clone()],
            note: format!("searched by the spinner (table line {line})"),
            line,
        });
        out.keys += 1;
    }
    out.entries.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(shuffle: bool) -> ImportOptions {
        ImportOptions {
            format: TableFormat::Pipe,
            shuffle,
            profile: "t".into(),
            inflect: true,
        }
    }

    fn entry<'a>(i: &'a Imported, spun: &str) -> Option<&'a SourceEntry> {
        i.entries
            .iter()
            .find(|e| e.key == normalize_phrase(spun) && e.kind.repairs())
    }

    #[test]
    fn reversal_merges_groups_and_orders_by_frequency() {
        let t = "big|large|huge\nlarge|sizeable\ngreat|large\nvast|huge\n";
        let i = import(Path::new("t.txt"), t.as_bytes(), &opts(false)).unwrap();
        let large = entry(&i, "large").unwrap();
        assert_eq!(large.originals, ["big", "great"]);
        assert_eq!(large.kind, EntryKind::Swap);
        // "large" is searched itself (line 2): met in the spinner's output, it was written.
        assert!(large.prior > 0.9, "{}", large.prior);
        let huge = entry(&i, "huge").unwrap();
        assert_eq!(huge.originals, ["big", "vast"]);
        // Keys are never spun forms unless another group gives them.
        assert!(entry(&i, "big").is_none());
        assert_eq!(entry(&i, "sizeable").unwrap().originals, ["large"]);
        // A rare word the spinner writes for a common one: almost surely written by it.
        assert!(entry(&i, "sizeable").unwrap().prior > 0.9);
        // A common word, not searched, written for a rare one: mostly left from the original.
        let t = "enormous|big\nhuge|vast\n";
        let i = import(Path::new("t.txt"), t.as_bytes(), &opts(false)).unwrap();
        assert!(entry(&i, "big").unwrap().prior < 0.2);
        assert!(i.entries.iter().all(|e| e.tags[0] == "spinner:t"));
    }

    #[test]
    fn shuffle_makes_every_member_stand_for_every_other() {
        let i = import(Path::new("t"), b"big|large|huge\n", &opts(true)).unwrap();
        assert_eq!(entry(&i, "big").unwrap().originals, ["large", "huge"]);
        assert_eq!(entry(&i, "large").unwrap().originals, ["big", "huge"]);
        assert_eq!(entry(&i, "huge").unwrap().originals, ["big", "large"]);
    }

    #[test]
    fn inflections_follow_the_table_but_never_override_it() {
        let t = "bill|invoice\nbills|payments\n";
        let i = import(Path::new("t"), t.as_bytes(), &opts(false)).unwrap();
        let e = entry(&i, "invoiced").unwrap();
        assert_eq!(e.originals, ["billed"]);
        assert!(e.tags.contains(&"inflected".to_string()));
        // The spinner writes only the table's wordings: an inflected form is less likely its
        // output than the form the table gives.
        assert!(e.prior < entry(&i, "invoice").unwrap().prior);
        // "invoices" comes from inflecting line 1 only; "payments" from line 2 only.
        assert_eq!(entry(&i, "invoices").unwrap().originals, ["bills"]);
        assert_eq!(entry(&i, "payments").unwrap().originals, ["bills"]);
        // A direct pair wins over an inflected one for the same spun form.
        let t = "pay|bill\npaid|billed|settled\n";
        let i = import(Path::new("t"), t.as_bytes(), &opts(false)).unwrap();
        let e = entry(&i, "billed").unwrap();
        assert_eq!(e.originals, ["paid"]);
        assert!(!e.tags.contains(&"inflected".to_string()));
    }

    #[test]
    fn leaks_and_multiword_fingerprints() {
        let t =
            "dollars\nnational security adviser|nationwide safety adviser\nlast year|final yr\n\
                 on the|at the\nsafety|security\n";
        let i = import(Path::new("t"), t.as_bytes(), &opts(false)).unwrap();
        let leak = entry(&i, "{dollars}").unwrap();
        assert_eq!(leak.kind, EntryKind::Fingerprint);
        assert_eq!(leak.originals, ["dollars"]);
        assert_eq!(i.leaks, 1);
        let e = entry(&i, "nationwide safety adviser").unwrap();
        assert_eq!(e.kind, EntryKind::Fingerprint);
        assert_eq!(entry(&i, "final yr").unwrap().kind, EntryKind::Fingerprint);
        // Function words: ordinary English.
        assert_eq!(entry(&i, "at the").unwrap().kind, EntryKind::Swap);
        // Single words are swaps.
        assert_eq!(entry(&i, "security").unwrap().kind, EntryKind::Swap);
        // A spun phrase that is some group's key is written as ordinary text: a swap.
        let t = "main road|high street\nhigh street|main road\n";
        let i = import(Path::new("t"), t.as_bytes(), &opts(false)).unwrap();
        assert_eq!(entry(&i, "high street").unwrap().kind, EntryKind::Swap);
    }

    #[test]
    fn searched_wordings_are_recorded_as_keys_with_their_survival() {
        let key = |i: &Imported, k: &str| {
            i.entries
                .iter()
                .find(|e| e.kind == EntryKind::Key && e.key == k)
                .map(|e| e.prior)
        };
        let t = "said|stated\nstated|declared\nwar|battle\nfight|battle|war\ndollars\n";
        let i = import(Path::new("t"), t.as_bytes(), &opts(false)).unwrap();
        // Keys that no group writes vanish from the output; a key another group writes
        // survives in part ("stated", "war"); one-member groups are searched too.
        assert_eq!(key(&i, "said"), Some(0.0));
        assert_eq!(key(&i, "dollars"), Some(0.0));
        assert!(key(&i, "stated").unwrap() > 0.0);
        assert!(key(&i, "war").unwrap() > 0.0);
        assert_eq!(key(&i, "battle"), None, "never searched");
        assert_eq!(i.keys, 5);
        // With shuffle every member is searched.
        let i = import(Path::new("t"), t.as_bytes(), &opts(true)).unwrap();
        assert!(key(&i, "battle").is_some());
        assert!(i
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::Key)
            .all(|e| e.originals.is_empty() && e.tags == ["spinner:t"]));
    }

    #[test]
    fn formats_parse_alike() {
        let pipe = parse_table(Path::new("t"), b"a|b|c\n\n# note\nd|e\n", TableFormat::Pipe);
        let spin = parse_table(
            Path::new("t"),
            b"{a|b|c}\n\n# note\n{d|e}\n",
            TableFormat::Spintax,
        );
        let csv = parse_table(Path::new("t"), b"a,b,c\n\n,,\nd,e,\n", TableFormat::Csv);
        let members = |g: Vec<Group>| g.into_iter().map(|g| g.members).collect::<Vec<_>>();
        let want = vec![vec!["a", "b", "c"], vec!["d", "e"]];
        assert_eq!(members(pipe.unwrap()), want);
        assert_eq!(members(spin.unwrap()), want);
        assert_eq!(members(csv.unwrap()), want);
    }

    #[test]
    fn one_trailing_bar_is_tolerated_in_pipe_tables() {
        let ok = parse_table(Path::new("t"), b"a|b|\nc|d\n", TableFormat::Pipe).unwrap();
        let members: Vec<_> = ok.into_iter().map(|g| g.members).collect();
        assert_eq!(members, [vec!["a", "b"], vec!["c", "d"]]);
        let Err(Error::DictRows { rows }) =
            parse_table(Path::new("t"), b"a|b||\nc|d\n", TableFormat::Pipe)
        else {
            panic!("accepted two trailing bars")
        };
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [1]);
    }

    #[test]
    fn every_malformed_line_is_reported_with_its_line() {
        let bad = b"a|b\na||b\n{c|d}\n|e\nok|fine\n\xff|x\n";
        let Err(Error::DictRows { rows }) = parse_table(Path::new("t.txt"), bad, TableFormat::Pipe)
        else {
            panic!("accepted a malformed table")
        };
        let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 4, 6]);
        assert!(rows[0].to_string().contains("t.txt"));
        let Err(Error::DictRows { rows }) = parse_table(
            Path::new("t"),
            b"{a|b}\na|b\n{c|{d}}\n",
            TableFormat::Spintax,
        ) else {
            panic!("accepted a malformed table")
        };
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3]);
        let Err(Error::DictRows { rows }) = parse_table(
            Path::new("t"),
            b"a,b\nc,d|e\n\"f\xff\",g\n",
            TableFormat::Csv,
        ) else {
            panic!("accepted a malformed table")
        };
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3]);
    }
}
