//! Applying a reviewed report: the accepted rows become byte-exact edits of their files.
//!
//! Applying happens in two phases so that a bad report never leaves a half-done job:
//!
//! 1. [`plan`] reads every file named in the report and works out the new contents in
//!    memory. Report-level problems (overlapping accepted rows, rows for missing or
//!    unreadable files, findings read from stdin, accepted rows with an empty `spun` or
//!    `suggestion`) are collected and returned together as [`Error::ReportRows`], each
//!    naming its CSV line.
//! 2. [`write_plan`] writes the changed files, each atomically.
//!
//! Files may have changed since the scan. Before applying a row, [`plan_text`] checks that
//! `spun` is still at `byte_start..byte_end`. If not, it looks for the same text on word
//! boundaries starting within [`RELOCATE_WINDOW`] bytes of `byte_start` and moves the row
//! there only when one occurrence is strictly nearest; otherwise the row is *refused*
//! (reported, not applied) while the other rows still apply. Offsets are untrusted: a row
//! whose `byte_end - byte_start` is not the length of `spun`, whose offsets lie beyond the
//! end of the file or inside a character, or are too large to compute with, is refused,
//! never clamped or wrapped.
//!
//! Re-applying a report to files it already repaired changes nothing: a row whose
//! replacement already stands where its `spun` was (allowing for the shift of earlier
//! repairs and of a changed `a`/`an`) counts as already applied.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result, RowError};
use crate::format::{Escape, FileType};
use crate::normalize::is_word_char;
use crate::repair::{apply_edits, edit_with_article, Edit};
use crate::report::label_path;
use crate::review::{Decision, ReviewedRow};

/// How far (in bytes, each way) the start of a row whose text moved may be relocated.
pub const RELOCATE_WINDOW: usize = 256;

/// Options of [`plan`].
#[derive(Clone, Debug)]
pub struct ApplyOptions {
    /// Treat rows with an empty decision as accepted.
    pub accept_empty: bool,
    /// Relocation window in bytes (default [`RELOCATE_WINDOW`]).
    pub window: usize,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            accept_empty: false,
            window: RELOCATE_WINDOW,
        }
    }
}

/// What became of one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Applied where the report said.
    Applied,
    /// Applied after finding `spun` at another offset.
    Relocated {
        /// Byte offset of `spun` in the file now.
        to: usize,
    },
    /// The replacement is already there (the report was applied before).
    AlreadyApplied,
    /// Not applied, for the reason given.
    Refused(String),
    /// Rejected or undecided: the text is left alone.
    Left,
}

/// One row's outcome, by CSV line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowOutcome {
    /// The row's line in the report.
    pub line: u64,
    /// What happened.
    pub outcome: Outcome,
    /// For an applied or relocated row, the bytes of the file's text that held `spun` and
    /// were replaced (a corrected `a`/`an` before them is not included).
    pub span: Option<Range<usize>>,
}

/// The new contents of one file.
#[derive(Clone, Debug)]
pub struct FilePlan {
    /// The path as written in the report.
    pub path: String,
    /// The file read (the report path decoded with [`label_path`] and resolved against the
    /// base directory).
    pub source: PathBuf,
    /// Its contents now.
    pub before: String,
    /// Its contents after applying the accepted rows.
    pub after: String,
    /// What became of each row of this file, in the file's order.
    pub rows: Vec<RowOutcome>,
}

impl FilePlan {
    /// True when applying changes the file.
    pub fn changed(&self) -> bool {
        self.before != self.after
    }

    /// A unified diff of the change (empty when unchanged).
    pub fn unified_diff(&self) -> String {
        if !self.changed() {
            return String::new();
        }
        similar::TextDiff::from_lines(&self.before, &self.after)
            .unified_diff()
            .context_radius(2)
            .header(&format!("a/{}", self.path), &format!("b/{}", self.path))
            .to_string()
    }
}

/// Everything applying a report would do.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// One entry per file named in the report, sorted by path.
    pub files: Vec<FilePlan>,
}

impl Plan {
    /// Rows that were refused, as `(csv line, path, reason)`.
    pub fn refused(&self) -> impl Iterator<Item = (u64, &str, &str)> {
        self.files.iter().flat_map(|f| {
            f.rows.iter().filter_map(move |r| match &r.outcome {
                Outcome::Refused(m) => Some((r.line, f.path.as_str(), m.as_str())),
                _ => None,
            })
        })
    }

    /// Number of rows with the given kind of outcome.
    pub fn count(&self, pred: impl Fn(&Outcome) -> bool) -> usize {
        self.files
            .iter()
            .flat_map(|f| &f.rows)
            .filter(|r| pred(&r.outcome))
            .count()
    }
}

/// Work out what applying `rows` (read from `report`) does to the files they name.
/// Relative paths are resolved against `base` (the directory `despin scan` ran in).
pub fn plan(
    report: &Path,
    rows: &[ReviewedRow],
    base: &Path,
    options: &ApplyOptions,
) -> Result<Plan> {
    let mut errors = Vec::new();
    let err = |line: u64, message: String| RowError {
        path: report.to_path_buf(),
        line,
        message,
    };
    let accepts = |r: &ReviewedRow| {
        r.decision == Decision::Accept
            || (options.accept_empty && r.decision == Decision::Undecided)
    };

    // Group by the file itself, so `a.txt` and `./a.txt` are edited together.
    let mut groups: BTreeMap<PathBuf, Vec<&ReviewedRow>> = BTreeMap::new();
    for r in rows {
        if r.path == "-" {
            errors.push(err(
                r.line,
                "finding was read from stdin (`-`); there is no file to apply it to".into(),
            ));
            continue;
        }
        if accepts(r) && r.suggestion.is_empty() {
            errors.push(err(
                r.line,
                "accepted row has an empty `suggestion` (write the replacement or reject it)"
                    .into(),
            ));
        }
        if accepts(r) && r.spun.is_empty() {
            // An empty `spun` would insert the suggestion at `byte_start`, mid-word.
            errors.push(err(
                r.line,
                "accepted row has an empty `spun`: there is no text to replace".into(),
            ));
        }
        let source = base.join(label_path(&r.path));
        match std::fs::canonicalize(&source) {
            Ok(key) => groups.entry(key).or_default().push(r),
            Err(e) => errors.push(err(r.line, format!("{}: {e}", r.path))),
        }
    }

    let mut files = Vec::new();
    for (key, mut group) in groups {
        group.sort_by_key(|r| (r.byte_start, r.byte_end, r.line));
        let mut last: Option<&ReviewedRow> = None;
        for r in group.iter().filter(|r| accepts(r)) {
            if let Some(p) = last {
                if r.byte_start < p.byte_end {
                    errors.push(err(
                        r.line,
                        format!(
                            "accepted row overlaps the accepted row on line {} ({} bytes {}..{} and {}..{})",
                            p.line, r.path, p.byte_start, p.byte_end, r.byte_start, r.byte_end
                        ),
                    ));
                }
            }
            if last.is_none_or(|p| r.byte_end > p.byte_end) {
                last = Some(r);
            }
        }
        let before = match crate::input::read_file(&key) {
            Ok(t) => t,
            Err(e) => {
                errors.push(err(group[0].line, e.to_string()));
                continue;
            }
        };
        // Suggestions are text: written into HTML or JSON Lines, they are escaped as `fix`
        // escapes its replacements (by extension, as `fix` chooses the format).
        let escape = Escape::for_type(FileType::from_path(&key));
        let escaped: Vec<ReviewedRow> = group
            .iter()
            .map(|r| ReviewedRow {
                suggestion: escape.encode(&r.suggestion).into_owned(),
                ..(*r).clone()
            })
            .collect();
        let decided: Vec<(&ReviewedRow, bool)> = escaped.iter().map(|r| (r, accepts(r))).collect();
        let (after, outcomes) = plan_text(&before, &decided, options.window);
        files.push(FilePlan {
            path: group[0].path.clone(),
            source: base.join(label_path(&group[0].path)),
            before,
            after,
            rows: outcomes,
        });
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(Error::ReportRows { rows: errors });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Plan { files })
}

/// Apply the rows of one file to its text. `rows` pairs each row with whether it is
/// accepted; accepted rows must not overlap (as [`plan`] checks). Returns the new text and
/// each row's outcome, in the order given.
pub fn plan_text(
    text: &str,
    rows: &[(&ReviewedRow, bool)],
    window: usize,
) -> (String, Vec<RowOutcome>) {
    let mut outcomes: Vec<RowOutcome> = rows
        .iter()
        .map(|(r, _)| RowOutcome {
            line: r.line,
            outcome: Outcome::Left,
            span: None,
        })
        .collect();
    let mut order: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].1).collect();
    order.sort_by_key(|&i| (rows[i].0.byte_start, rows[i].0.line));

    // Where accepted rows stand in the current text: (start, end, row index).
    let mut targets: Vec<(usize, usize, usize)> = Vec::new();
    // How far already-applied rows moved the text after them.
    let mut shift: isize = 0;
    for i in order {
        let r = rows[i].0;
        match locate(text, r, shift, window) {
            Located::At(p) => targets.push((p, p + r.spun.len(), i)),
            Located::Moved(q) => {
                targets.push((q, q + r.spun.len(), i));
                outcomes[i].outcome = Outcome::Relocated { to: q };
            }
            Located::AlreadyApplied(moved) => {
                shift = shift.saturating_add(signed(r.suggestion.len()) - signed(r.spun.len()));
                shift = shift.saturating_add(moved);
                outcomes[i].outcome = Outcome::AlreadyApplied;
            }
            Located::Refused(why) => outcomes[i].outcome = Outcome::Refused(why),
        }
    }

    targets.sort();
    let mut edits: Vec<Edit> = Vec::with_capacity(targets.len());
    let mut floor = 0;
    for (start, end, i) in targets {
        if start < floor {
            outcomes[i].outcome = Outcome::Refused(format!(
                "{:?} was relocated to byte {start}, which overlaps another accepted row",
                rows[i].0.spun
            ));
            continue;
        }
        let e = edit_with_article(text, start, end, &rows[i].0.suggestion, floor);
        floor = e.end;
        edits.push(e);
        if outcomes[i].outcome == Outcome::Left {
            outcomes[i].outcome = Outcome::Applied;
        }
        outcomes[i].span = Some(start..end);
    }
    (apply_edits(text, &edits), outcomes)
}

/// Where an accepted row's `spun` stands in the text now.
enum Located {
    /// At its offset (after the shift of earlier rows).
    At(usize),
    /// Relocated to this offset.
    Moved(usize),
    /// Its replacement stands there already; the extra shift of a changed `a`/`an`.
    AlreadyApplied(isize),
    /// Not applicable, for this reason.
    Refused(String),
}

/// A length of text held in memory, which never exceeds `isize::MAX`.
fn signed(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}

/// Find row `r` in `text`, given the shift of the rows before it. Every offset is untrusted,
/// so all arithmetic on it is checked.
fn locate(text: &str, r: &ReviewedRow, shift: isize, window: usize) -> Located {
    let span = format!("bytes {}..{}", r.byte_start, r.byte_end);
    if r.spun.is_empty() {
        return Located::Refused("the row's `spun` is empty: there is no text to replace".into());
    }
    if r.byte_end.checked_sub(r.byte_start) != Some(r.spun.len()) {
        return Located::Refused(format!(
            "{span} do not hold {:?}, which is {} bytes long",
            r.spun,
            r.spun.len()
        ));
    }
    let Some((at, end)) = isize::try_from(r.byte_start)
        .ok()
        .and_then(|s| s.checked_add(shift))
        .and_then(|p| usize::try_from(p).ok())
        .and_then(|p| Some((p, p.checked_add(r.spun.len())?)))
    else {
        return Located::Refused(format!("{span} are out of range"));
    };
    if text.get(at..end) == Some(r.spun.as_str()) {
        return Located::At(at);
    }
    if let Some(moved) = already_applied(text, at, &r.suggestion) {
        return Located::AlreadyApplied(moved);
    }
    if end > text.len() {
        return Located::Refused(format!(
            "{span} lie beyond the end of the file ({} bytes)",
            text.len()
        ));
    }
    if !text.is_char_boundary(at) || !text.is_char_boundary(end) {
        return Located::Refused(format!(
            "{span} do not fall on character boundaries of the file"
        ));
    }
    match relocate(text, at, &r.spun, window) {
        Ok(q) => Located::Moved(q),
        Err(why) => Located::Refused(format!(
            "{:?} is no longer at {span} (found {:?}), and {why}",
            r.spun,
            &text[at..end]
        )),
    }
}

/// If `replacement` already stands at `at` (or one byte either side, where a repaired
/// `a`/`an` moved it), the shift that moved it.
fn already_applied(text: &str, at: usize, replacement: &str) -> Option<isize> {
    if replacement.is_empty() {
        return None;
    }
    [0isize, 1, -1].into_iter().find(|&d| {
        at.checked_add_signed(d)
            .and_then(|q| text.get(q..q + replacement.len()))
            == Some(replacement)
    })
}

/// The occurrence of `phrase` on word boundaries strictly nearest to `at` within `window`
/// bytes, or why there is none.
fn relocate(
    text: &str,
    at: usize,
    phrase: &str,
    window: usize,
) -> std::result::Result<usize, String> {
    if phrase.is_empty() {
        return Err("the row's `spun` is empty".into());
    }
    // Rounded inwards to character boundaries, so no match starts more than `window`
    // bytes from `at`.
    let mut lo = at.saturating_sub(window).min(text.len());
    while !text.is_char_boundary(lo) {
        lo += 1;
    }
    let mut hi = at
        .saturating_add(phrase.len())
        .saturating_add(window)
        .min(text.len())
        .max(lo);
    while !text.is_char_boundary(hi) {
        hi -= 1;
    }
    let found: Vec<usize> = text[lo..hi]
        .match_indices(phrase)
        .map(|(off, _)| lo + off)
        .filter(|&q| on_word_boundaries(text, q, q + phrase.len()))
        .collect();
    let Some(best) = found.iter().map(|&q| q.abs_diff(at)).min() else {
        return Err(format!("it does not occur within {window} bytes"));
    };
    let nearest: Vec<usize> = found
        .into_iter()
        .filter(|&q| q.abs_diff(at) == best)
        .collect();
    match nearest.as_slice() {
        [q] => Ok(*q),
        _ => Err(format!(
            "it occurs {} times equally near, so it cannot be relocated safely",
            nearest.len()
        )),
    }
}

/// Does `start..end` begin and end on word boundaries (so "area" is not found in "areas")?
fn on_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let inner_first = text[start..end].chars().next().is_some_and(is_word_char);
    let inner_last = text[start..end]
        .chars()
        .next_back()
        .is_some_and(is_word_char);
    let before = text[..start].chars().next_back().is_some_and(is_word_char);
    let after = text[end..].chars().next().is_some_and(is_word_char);
    !(inner_first && before || inner_last && after)
}

/// Where `apply` writes the repaired files (see [`crate::batch::Destination`] for `fix`'s,
/// which can keep backups).
#[derive(Clone, Debug)]
pub enum Destination {
    /// Replace each file (atomically); unchanged files are not rewritten.
    InPlace,
    /// Write every file named in the report under this directory, mirroring the report's
    /// paths (see [`out_path`]).
    OutDir(PathBuf),
}

/// The path under `out` for a report path (decoded with [`label_path`]): relative paths are kept as they are; absolute
/// paths lose their root (`/data/a.txt` -> `OUT/data/a.txt`), as `tar` does. Paths with
/// `..` are refused, since they would escape `out`.
pub fn out_path(out: &Path, row_path: &str) -> Result<PathBuf> {
    let mut p = out.to_path_buf();
    for c in label_path(row_path).components() {
        match c {
            Component::Normal(s) => p.push(s),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
            Component::ParentDir => {
                return Err(Error::Invalid(format!(
                    "{row_path}: a path with `..` cannot be mirrored under {}",
                    out.display()
                )))
            }
        }
    }
    Ok(p)
}

/// Write a plan. Returns the files written. Every target path is checked before the first
/// write; each file is written atomically.
pub fn write_plan(plan: &Plan, target: &Destination) -> Result<Vec<PathBuf>> {
    let mut jobs = Vec::new();
    for f in &plan.files {
        match target {
            Destination::InPlace if f.changed() => {
                jobs.push((crate::output::in_place_target(&f.source), f))
            }
            Destination::InPlace => {}
            Destination::OutDir(dir) => {
                let out = out_path(dir, &f.path)?;
                // `--out` naming the files' own directory would write over the originals.
                crate::output::check_not_input(&out, [f.source.as_path()])?;
                jobs.push((out, f));
            }
        }
    }
    let mut written = Vec::with_capacity(jobs.len());
    for (path, f) in jobs {
        // A repaired copy takes the mode (and, as root, the owner) of its source, as a batch
        // run's copies do; a file rewritten in place keeps its own.
        let like = matches!(target, Destination::OutDir(_)).then_some(f.source.as_path());
        crate::output::write_atomic_like(&path, f.after.as_bytes(), true, like)?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: u64, start: usize, spun: &str, suggestion: &str) -> ReviewedRow {
        ReviewedRow {
            line,
            path: "a.txt".into(),
            byte_start: start,
            byte_end: start + spun.len(),
            spun: spun.into(),
            suggestion: suggestion.into(),
            context: None,
            dictionary: None,
            decision: Decision::Accept,
        }
    }

    fn run(text: &str, rows: &[ReviewedRow]) -> (String, Vec<Outcome>) {
        let pairs: Vec<(&ReviewedRow, bool)> = rows.iter().map(|r| (r, true)).collect();
        let (t, o) = plan_text(text, &pairs, RELOCATE_WINDOW);
        (t, o.into_iter().map(|o| o.outcome).collect())
    }

    #[test]
    fn applies_and_reapplies_as_no_op() {
        let text = "We want a direct truce final yr.\n";
        let rows = [
            row(2, 10, "direct", "immediate"),
            row(3, 23, "final yr", "last year"),
        ];
        let (once, o) = run(text, &rows);
        assert_eq!(once, "We want an immediate truce last year.\n");
        assert_eq!(o, [Outcome::Applied, Outcome::Applied]);
        let (twice, o) = run(&once, &rows);
        assert_eq!(twice, once);
        assert_eq!(o, [Outcome::AlreadyApplied, Outcome::AlreadyApplied]);
    }

    #[test]
    fn relocates_only_when_unambiguous() {
        let rows = [row(2, 4, "final yr", "last year")];
        let (t, o) = run("Inserted. It was final yr.", &rows);
        assert_eq!(t, "Inserted. It was last year.");
        assert_eq!(o, [Outcome::Relocated { to: 17 }]);
        // Two occurrences equally far from byte 12: refused.
        let rows = [row(2, 3, "yr", "year")];
        let (t, o) = run("yr ab yr", &rows);
        assert_eq!(t, "yr ab yr");
        assert!(
            matches!(&o[0], Outcome::Refused(m) if m.contains("equally near")),
            "{o:?}"
        );
        // Only inside a longer word: refused.
        let rows = [row(2, 0, "area", "zone")];
        let (_, o) = run("The areas", &rows);
        assert!(matches!(&o[0], Outcome::Refused(_)));
    }

    fn refused(o: &Outcome, why: &str) -> bool {
        matches!(o, Outcome::Refused(m) if m.contains(why))
    }

    #[test]
    fn untrusted_offsets_are_refused_not_clamped_or_wrapped() {
        let text = "final yr. It rose final yr.";
        // Empty `spun`: nothing to replace (it used to insert mid-word).
        let (t, o) = run(text, &[row(2, 3, "", "last year")]);
        assert_eq!(t, text);
        assert!(refused(&o[0], "`spun` is empty"), "{o:?}");
        // Beyond the end of the file: refused, though "final yr" occurs 1,000 bytes back.
        let long = format!("It rose final yr.{}", " x".repeat(500));
        let (t, o) = run(&long, &[row(2, long.len() + 10, "final yr", "last year")]);
        assert_eq!(t, long);
        assert!(refused(&o[0], "beyond the end of the file"), "{o:?}");
        // Offsets that do not fit an isize, or would overflow when shifted.
        for start in [usize::MAX - 3, isize::MAX as usize, usize::MAX / 2 + 7] {
            let mut r = row(2, start, "final yr", "last year");
            r.byte_end = start.wrapping_add(8);
            let (t, o) = run(text, &[r]);
            assert_eq!(t, text);
            assert!(matches!(o[0], Outcome::Refused(_)), "{start}: {o:?}");
        }
        // `byte_end` that disagrees with `spun`.
        let mut r = row(2, 0, "final yr", "last year");
        r.byte_end = 5;
        let (t, o) = run(text, &[r]);
        assert_eq!(t, text);
        assert!(refused(&o[0], "8 bytes long"), "{o:?}");
        // Inside a character.
        let (t, o) = run("é final yr", &[row(2, 1, "final yr", "last year")]);
        assert_eq!(t, "é final yr");
        assert!(refused(&o[0], "character boundaries"), "{o:?}");
    }

    #[test]
    fn relocation_stays_within_the_window() {
        let pad = "x ".repeat(RELOCATE_WINDOW / 2);
        // `spun` starts exactly RELOCATE_WINDOW bytes after the recorded offset: relocated.
        let text = format!("{pad}final yr");
        let (t, o) = run(&text, &[row(2, 0, "final yr", "last year")]);
        assert_eq!(t, format!("{pad}last year"));
        assert_eq!(
            o,
            [Outcome::Relocated {
                to: RELOCATE_WINDOW
            }]
        );
        // One byte further, or one byte further back: refused.
        let text = format!("x{pad}final yr");
        let (t, o) = run(&text, &[row(2, 0, "final yr", "last year")]);
        assert_eq!(t, text);
        assert!(refused(&o[0], "does not occur within 256 bytes"), "{o:?}");
        let text = format!("final yr{pad}x         ");
        let r = row(2, RELOCATE_WINDOW + 1, "final yr", "last year");
        let (t, o) = run(&text, &[r]);
        assert_eq!(t, text);
        assert!(refused(&o[0], "does not occur"), "{o:?}");
    }

    #[test]
    fn out_paths() {
        let out = Path::new("/o");
        assert_eq!(out_path(out, "a/b.txt").unwrap(), Path::new("/o/a/b.txt"));
        assert_eq!(out_path(out, "./b.txt").unwrap(), Path::new("/o/b.txt"));
        assert_eq!(out_path(out, "/d/b.txt").unwrap(), Path::new("/o/d/b.txt"));
        assert!(out_path(out, "../b.txt").is_err());
    }
}
