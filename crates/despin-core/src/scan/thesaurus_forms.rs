//! The rows of a discovery thesaurus table: each line (`story<TAB>report history ...`, a word
//! form a spinner may write and the common words it may stand for, as lemmas) plus the
//! inflected forms of its pairs (`stories -> reports`), as [`pair_forms`] inflects a pair.
//!
//! Why here: inflecting the embedded table's pairs takes about 110 M instructions, which any
//! process that discovered something used to pay at run time. `despin-dicts`' build script
//! calls [`rows`] and [`write()`] when despin is built; at run time [`read`] gives the rows back
//! for [`Thesaurus::lazy`](super::discover::Thesaurus::lazy). The lexicon the inflection
//! needs ([`inflect`](crate::dict::inflect)) lives in the engine for that reason.
//!
//! [`pair_forms`]: crate::dict::inflect::pair_forms

use std::collections::HashMap;

use super::discover::ThesaurusRow;
use crate::dict::inflect::{forms, is_closed_class, Form};

/// Every row of `table` (the text of a thesaurus table such as `dictionaries/thesaurus.tsv`)
/// plus the inflected forms of its pairs, each with the table line of its lemma. For single
/// words [`pair_forms`](crate::dict::inflect::pair_forms) joins the two words' [`forms`] on
/// the form; here each word's forms are looked up once (a word is in many pairs), which makes
/// this several times cheaper.
pub fn rows(table: &str) -> Vec<ThesaurusRow> {
    // Each word's forms, looked up once and borrowed (not cloned) for every pair it is in.
    let mut cache: HashMap<&str, Vec<(Form, String)>> = HashMap::new();
    let mut lines: Vec<(&str, u32, Vec<&str>)> = Vec::new();
    for (n, row) in table.lines().enumerate() {
        let Some((spun, originals)) = row.split_once('\t') else {
            continue;
        };
        if is_closed_class(spun) {
            continue;
        }
        let originals: Vec<&str> = originals
            .split(' ')
            .filter(|o| !is_closed_class(o))
            .collect();
        // The originals' forms matter only when the spun word has forms of its own.
        if !cache.entry(spun).or_insert_with(|| forms(spun)).is_empty() {
            for &o in &originals {
                cache.entry(o).or_insert_with(|| forms(o));
            }
        }
        lines.push((spun, n as u32 + 1, originals));
    }
    let mut out = Vec::new();
    for (spun, line, originals) in lines {
        out.push((
            spun.to_string(),
            line,
            originals.iter().map(|o| o.to_string()).collect(),
        ));
        let spun_forms = &cache[spun];
        if spun_forms.is_empty() {
            continue;
        }
        for o in originals {
            let original_forms = &cache[o];
            let mut seen: Vec<&str> = Vec::new();
            for (f, s) in spun_forms {
                if seen.contains(&s.as_str()) {
                    continue;
                }
                if let Some((_, of)) = original_forms.iter().find(|(g, _)| g == f) {
                    seen.push(s);
                    out.push((s.clone(), line, vec![of.clone()]));
                }
            }
        }
    }
    out
}

/// Rows as text, one a line: word form, line and each common word, tab-separated (no field
/// holds a tab or a line break: a table's words are single lower-case words).
pub fn write(rows: &[ThesaurusRow]) -> String {
    let mut out = String::new();
    for (form, line, originals) in rows {
        out.push_str(form);
        out.push('\t');
        out.push_str(&line.to_string());
        for o in originals {
            out.push('\t');
            out.push_str(o);
        }
        out.push('\n');
    }
    out
}

/// The rows [`write()`] wrote, in its order.
pub fn read(text: &str) -> Vec<ThesaurusRow> {
    text.lines()
        .map(|l| {
            let mut fields = l.split('\t');
            let form = fields.next().unwrap_or_default().to_string();
            let line = fields.next().and_then(|n| n.parse().ok()).unwrap_or(0);
            (form, line, fields.map(str::to_string).collect())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_read_back_as_written() {
        let rows = rows("#\nstory\treport tale\nsaid\tsays\n");
        assert!(rows.len() > 2, "{rows:?}");
        assert_eq!(read(&write(&rows)), rows);
    }
}
