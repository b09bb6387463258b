//! Reading CSV text into rows of trimmed-free string fields with their line numbers.

use crate::ReferenceError;

/// One CSV record: its 1-based line number and its fields.
pub(crate) struct Row {
    /// The line the record starts on.
    pub(crate) line: u64,
    /// The fields, as written (not trimmed).
    pub(crate) fields: csv::StringRecord,
}

impl Row {
    /// The field at `index`; the caller has checked the field count.
    pub(crate) fn get(&self, index: usize) -> &str {
        self.fields.get(index).unwrap_or("")
    }

    /// An [`ReferenceError::InvalidField`] for field `index` of this row.
    pub(crate) fn invalid(
        &self,
        input: &'static str,
        index: usize,
        field: &'static str,
        reason: &'static str,
    ) -> ReferenceError {
        ReferenceError::InvalidField {
            input,
            line: self.line,
            field,
            value: self.get(index).to_owned(),
            reason,
        }
    }
}

/// Reads `text` as CSV (a leading UTF-8 BOM is ignored; `#` starts a comment line when
/// `comments` is set; blank lines are skipped). With `has_headers`, the first record is the
/// header and is not returned. Every returned row has exactly `fields` fields.
pub(crate) fn read(
    input: &'static str,
    text: &str,
    has_headers: bool,
    comments: bool,
    fields: usize,
) -> Result<Vec<Row>, ReferenceError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(has_headers)
        .flexible(true)
        .comment(comments.then_some(b'#'))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|error| ReferenceError::MalformedCsv {
            input,
            line: error.position().map_or(0, csv::Position::line),
            message: error.to_string(),
        })?;
        let line = record.position().map_or(0, csv::Position::line);
        if record.len() != fields {
            return Err(ReferenceError::FieldCount {
                input,
                line,
                expected: fields,
                found: record.len(),
            });
        }
        rows.push(Row {
            line,
            fields: record,
        });
    }
    Ok(rows)
}
