//! Plain text: the whole file is one segment.

use super::{Escape, Segment};

/// The one segment of a text file.
pub fn segments(file: &str) -> Vec<Segment<'_>> {
    vec![Segment::verbatim(file, 0, Escape::None)]
}
