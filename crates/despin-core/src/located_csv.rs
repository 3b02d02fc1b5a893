//! CSV records with the line each one starts on: the one reader of despin's CSV inputs
//! (dictionary sources, spinner tables written as CSV, reviewed reports), so that every
//! problem in them can name its file and line.
//!
//! The reader works on bytes already in memory (the engine does no file I/O; callers read
//! the file and label errors with its path). A UTF-8 byte order mark is skipped, rows may have
//! any number of fields (callers check them against the header), and `#` comment lines are
//! skipped when asked for.
//!
//! ```
//! use despin_core::located_csv::LocatedCsv;
//!
//! let data = b"# a comment\r\nspun,original\r\nfinal yr,last year\r\n\r\ncenter east,\"middle\neast\"\r\n";
//! let mut csv = LocatedCsv::new(data, true, Some(b'#'));
//! let (header, header_line) = csv.headers().unwrap();
//! assert_eq!((&header[0], header_line), (&b"spun"[..], 2));
//! let lines: Vec<u64> = csv.map(|r| r.unwrap().0).collect();
//! assert_eq!(lines, [3, 5]);
//! ```

/// A CSV reader over bytes in memory that knows the 1-based line of every record.
///
/// As an iterator it yields each record with its line, and after an error nothing more (the
/// parser may have lost its place).
pub struct LocatedCsv<'a> {
    data: &'a [u8],
    comment: Option<u8>,
    rdr: csv::Reader<&'a [u8]>,
    failed: bool,
}

/// A record that could not be read, with the line it starts on.
#[derive(Debug)]
pub struct LocatedCsvError {
    /// 1-based line of the record.
    pub line: u64,
    /// What the CSV parser found.
    pub error: csv::Error,
}

impl std::fmt::Display for LocatedCsvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "malformed CSV: {}", self.error)
    }
}

impl std::error::Error for LocatedCsvError {}

impl<'a> LocatedCsv<'a> {
    /// A reader of `data` (a leading byte order mark is skipped). With `has_headers`, the
    /// first record is the header ([`LocatedCsv::headers`]); lines starting with `comment`
    /// are skipped.
    pub fn new(data: &'a [u8], has_headers: bool, comment: Option<u8>) -> LocatedCsv<'a> {
        let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
        let rdr = csv::ReaderBuilder::new()
            .comment(comment)
            .flexible(true)
            .has_headers(has_headers)
            .from_reader(data);
        LocatedCsv {
            data,
            comment,
            rdr,
            failed: false,
        }
    }

    /// The bytes read, without the byte order mark.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// The header record and the line it starts on (1 for an empty input).
    pub fn headers(&mut self) -> Result<(csv::ByteRecord, u64), csv::Error> {
        let h = self.rdr.byte_headers()?.clone();
        let line = h.position().map_or(1, |p| self.line_of(p));
        Ok((h, line))
    }

    /// Read the next record into `record`: `Ok(Some(line))` with the line it starts on,
    /// `Ok(None)` at the end.
    pub fn read(&mut self, record: &mut csv::ByteRecord) -> Result<Option<u64>, LocatedCsvError> {
        let line = self.rdr.position().line();
        match self.rdr.read_byte_record(record) {
            Ok(false) => Ok(None),
            Ok(true) => Ok(Some(record.position().map_or(line, |p| self.line_of(p)))),
            Err(error) => Err(LocatedCsvError {
                line: error.position().map_or(line, |p| self.line_of(p)),
                error,
            }),
        }
    }

    /// The 1-based line where the record at `pos` starts. The `csv` crate's own line count
    /// lags by one after a CRLF line end (it points records at the `\n` of the previous
    /// line, before any comment lines), so count from the record's byte offset instead,
    /// skipping line ends and comment lines.
    fn line_of(&self, pos: &csv::Position) -> u64 {
        let data = self.data;
        let mut at = (pos.byte() as usize).min(data.len());
        while at < data.len() {
            if matches!(data[at], b'\r' | b'\n') {
                at += 1;
            } else if Some(data[at]) == self.comment {
                at += data[at..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .unwrap_or(data.len() - at);
            } else {
                break;
            }
        }
        1 + data[..at].iter().filter(|&&b| b == b'\n').count() as u64
    }
}

impl Iterator for LocatedCsv<'_> {
    type Item = Result<(u64, csv::ByteRecord), LocatedCsvError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let mut record = csv::ByteRecord::new();
        match self.read(&mut record) {
            Ok(Some(line)) => Some(Ok((line, record))),
            Ok(None) => None,
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

/// Whether every field of `record` is empty or white space (a blank row).
pub fn is_blank(record: &csv::ByteRecord) -> bool {
    record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(data: &[u8], headers: bool, comment: Option<u8>) -> Vec<Result<u64, u64>> {
        LocatedCsv::new(data, headers, comment)
            .map(|r| r.map(|(line, _)| line).map_err(|e| e.line))
            .collect()
    }

    #[test]
    fn lines_count_crlf_comments_and_quoted_line_breaks() {
        let data = b"\xEF\xBB\xBFa,b\r\n# c\r\n1,2\r\n\r\n\"x\ny\",3\r\n# d\n4,5";
        assert_eq!(lines(data, true, Some(b'#')), [Ok(3), Ok(5), Ok(8)]);
        // Without comments the `#` lines are records.
        assert_eq!(
            lines(b"# c\n1,2\n", false, None),
            [Ok(1), Ok(2)],
            "comment lines read as records when not asked to skip them"
        );
    }

    #[test]
    fn bytes_that_are_not_utf8_headers_and_blank_rows() {
        // Records are bytes: a field that is not UTF-8 is for the caller to refuse, by line.
        assert_eq!(
            lines(b"a,b\n1,2\n\xFF,3\n4,5\n", true, None),
            [Ok(2), Ok(3), Ok(4)]
        );
        // The header's own line, after comments, whatever the line ends.
        for (data, at) in [
            (&b"a,b\n1,2\n"[..], 1),
            (b"# note\na,b\n1,2\n", 2),
            (b"# note\r\n\r\na,b\r\n1,2\r\n", 3),
        ] {
            let (h, line) = LocatedCsv::new(data, true, Some(b'#')).headers().unwrap();
            assert_eq!((h.len(), line), (2, at), "{data:?}");
        }
        assert!(is_blank(&csv::ByteRecord::from(vec![" ", ""])));
        assert!(!is_blank(&csv::ByteRecord::from(vec![" ", "x"])));
    }
}
