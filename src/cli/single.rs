//! `scan FILE` and `fix FILE` (one file, or stdin) without a batch run: the same format path
//! as batch runs (type by extension, `--type` overrides; stdin is text unless `--type` says
//! otherwise), and the same streaming of large plain-text files.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use despin::format::{self, FileType, FormatOptions};
use despin::input::{self, NotText};
use despin::pipeline::{self, FileError};
use despin::report::Row;
use despin::scan::{DocEvidence, Scanner};

/// How one input is processed.
pub struct Single<'a> {
    pub scanner: &'a Scanner,
    /// `--type`, if given.
    pub file_type: Option<FileType>,
    pub format: FormatOptions,
    /// `Some(min_confidence)` repairs.
    pub repair_at: Option<f32>,
    /// `-j`: threads scanning pieces of a streamed file side by side (0: one per core).
    pub threads: usize,
}

/// What processing one input found.
pub struct Done {
    /// Findings applied.
    pub fixes: usize,
    /// Findings, all of them.
    pub findings: usize,
    pub evidence: DocEvidence,
}

impl Single<'_> {
    /// Process `path` (`None` or `-`: stdin): every finding to `row` (as a row with
    /// `doc_score` set) in order, and the output (repaired or not) to `out`.
    pub fn run(
        &self,
        path: Option<&Path>,
        mut out: Option<&mut dyn Write>,
        mut row: impl FnMut(Row, bool) -> Result<()>,
    ) -> Result<Done> {
        let path = path.filter(|p| p.as_os_str() != "-");
        let label = path.map_or("-".to_string(), despin::report::path_label);
        let ty = self
            .file_type
            .or(path.map(FileType::from_path))
            .unwrap_or(FileType::Text);
        if let Some(p) = path {
            let len = std::fs::metadata(p)
                .with_context(|| format!("cannot read {}", p.display()))?
                .len();
            if pipeline::streams(self.scanner, ty, len) {
                return self.stream(p, &label, out, row);
            }
        }
        let text = match path {
            None => input::read_stdin()?,
            Some(p) => input::read_file(p)?,
        };
        let p = format::scan_and_repair(self.scanner, ty, &text, &self.format, self.repair_at);
        for w in &p.warnings {
            eprintln!("despin: {label}:{}: {}", w.line, w.message);
        }
        for (f, &applied) in p.findings.iter().zip(&p.applied) {
            let mut r = Row::new(&label, &text, f);
            r.doc_score = Some(p.evidence.score);
            row(r, applied)?;
        }
        if let Some(o) = out.as_mut() {
            o.write_all(p.output.as_deref().unwrap_or(&text).as_bytes())
                .context("cannot write the output")?;
        }
        Ok(Done {
            fixes: p.applied.iter().filter(|&&a| a).count(),
            findings: p.findings.len(),
            evidence: p.evidence,
        })
    }

    fn stream(
        &self,
        path: &Path,
        label: &str,
        out: Option<&mut dyn Write>,
        mut row: impl FnMut(Row, bool) -> Result<()>,
    ) -> Result<Done> {
        // A file this large is worth a pool (one thread per core unless `-j` says otherwise)
        // to scan pieces side by side; one thread needs none.
        let pool = match self.threads {
            1 => None,
            n => rayon::ThreadPoolBuilder::new().num_threads(n).build().ok(),
        };
        let done = pipeline::stream_file(
            self.scanner,
            path,
            self.repair_at,
            out,
            pool.as_ref(),
            |x| {
                let mut r = x.row(label);
                r.doc_score = Some(x.score);
                row(r, x.applied)
            },
        );
        match done {
            Ok(d) => Ok(Done {
                fixes: d.fixes,
                findings: d.findings,
                evidence: d.evidence,
            }),
            Err(FileError::Found(e)) => Err(e),
            Err(FileError::NotText(NotText::InvalidUtf8 { offset, line })) => {
                Err(despin::Error::InvalidUtf8 {
                    path: path.to_path_buf(),
                    offset,
                    line,
                }
                .into())
            }
            Err(FileError::NotText(NotText::Binary)) => Err(despin::Error::Binary {
                path: path.to_path_buf(),
            }
            .into()),
            Err(FileError::Read(e)) => Err(e).with_context(|| format!("cannot read {label}")),
            Err(FileError::Write(e)) => Err(e).context("cannot write the output"),
        }
    }
}
