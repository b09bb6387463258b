//! Reading a CSV file with a header into rows whose fields are looked up by column name,
//! with errors that name the file, the line and the column.

use std::io::Read;

use crate::CrossingsError;

/// A column a file format accepts.
pub(crate) struct Column {
    /// The column's name in the header.
    pub(crate) name: &'static str,
    /// Whether the header must have it (its fields may still be empty; the format's
    /// reader says which must be filled).
    pub(crate) required: bool,
}

/// A file read in full: its header checked against the format's columns.
pub(crate) struct Table {
    /// For each of the format's columns, its position in the file's rows, if present.
    positions: Vec<Option<usize>>,
    columns: &'static [Column],
    rows: Vec<(u64, csv::StringRecord)>,
}

/// One row of a [`Table`].
pub(crate) struct Row<'a> {
    pub(crate) file: &'a str,
    pub(crate) line: u64,
    table: &'a Table,
    record: &'a csv::StringRecord,
}

impl Table {
    /// Reads `reader` (named `file` in errors): a header naming columns of `columns` (in
    /// any order, each at most once, the required ones present), then rows with as many
    /// fields. Lines whose first non-blank character is `#` are comments and blank lines
    /// are skipped (both still count in line numbers); spaces around fields are dropped; a
    /// UTF-8 byte-order mark is ignored; lines may end in LF or CRLF; a quoted field may
    /// span lines.
    pub(crate) fn read(
        file: &str,
        mut reader: impl Read,
        columns: &'static [Column],
    ) -> Result<Table, CrossingsError> {
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map_err(|error| line_error(file, 0, format!("read failed: {error}")))?;
        let text = String::from_utf8(bytes).map_err(|error| {
            let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|byte| **byte == b'\n').count() + 1;
            line_error(file, line_number(line), "not UTF-8")
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let mut records = records(file, text)?.into_iter();
        let Some((header_line, header)) = records.next() else {
            return Err(line_error(file, 1, "empty file: expected a header line"));
        };
        let mut positions = vec![None; columns.len()];
        for (position, name) in header.iter().enumerate() {
            let Some(index) = columns.iter().position(|column| column.name == name) else {
                let accepted: Vec<&str> = columns.iter().map(|column| column.name).collect();
                return Err(CrossingsError::field(
                    file,
                    header_line,
                    name,
                    format!(
                        "unknown column; the accepted columns are {}",
                        accepted.join(", ")
                    ),
                ));
            };
            if positions[index].is_some() {
                return Err(CrossingsError::field(
                    file,
                    header_line,
                    name,
                    "column named twice in the header",
                ));
            }
            positions[index] = Some(position);
        }
        for (column, position) in columns.iter().zip(&positions) {
            if column.required && position.is_none() {
                return Err(CrossingsError::field(
                    file,
                    header_line,
                    column.name,
                    "required column missing from the header",
                ));
            }
        }
        let mut rows = Vec::new();
        for (line, record) in records {
            if record.len() != header.len() {
                return Err(line_error(
                    file,
                    line,
                    format!(
                        "{} fields, but the header has {}",
                        record.len(),
                        header.len()
                    ),
                ));
            }
            rows.push((line, record));
        }
        Ok(Table {
            positions,
            columns,
            rows,
        })
    }

    /// The rows, in file order.
    pub(crate) fn rows<'a>(&'a self, file: &'a str) -> impl Iterator<Item = Row<'a>> + 'a {
        self.rows.iter().map(move |(line, record)| Row {
            file,
            line: *line,
            table: self,
            record,
        })
    }
}

impl Row<'_> {
    /// The field of `column`, or `None` if it is empty or the header lacks the column.
    pub(crate) fn get(&self, column: &str) -> Option<&str> {
        let index = self
            .table
            .columns
            .iter()
            .position(|known| known.name == column)?;
        let position = self.table.positions[index]?;
        self.record.get(position).filter(|field| !field.is_empty())
    }

    /// The field of `column`, which must not be empty.
    pub(crate) fn required(&self, column: &str) -> Result<&str, CrossingsError> {
        self.get(column)
            .ok_or_else(|| self.error(column, "required field is empty"))
    }

    /// An error about this row's `column`.
    pub(crate) fn error(&self, column: &str, problem: impl Into<String>) -> CrossingsError {
        CrossingsError::field(self.file, self.line, column, problem)
    }
}

/// Splits `text` into CSV records, each with the line it starts on, skipping blank and
/// comment lines. (The `csv` crate's own line numbers do not count skipped lines, so the
/// lines are found here and each record is parsed on its own.)
fn records(file: &str, text: &str) -> Result<Vec<(u64, csv::StringRecord)>, CrossingsError> {
    let mut records = Vec::new();
    let mut chunk = String::new();
    let mut start = 0;
    let mut quotes = 0_usize;
    for (index, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if chunk.is_empty() {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            start = index + 1;
        } else {
            chunk.push('\n');
        }
        chunk.push_str(line);
        quotes += line.matches('"').count();
        if quotes.is_multiple_of(2) {
            records.push((line_number(start), parse_record(file, start, &chunk)?));
            chunk.clear();
            quotes = 0;
        }
    }
    if !chunk.is_empty() {
        return Err(line_error(
            file,
            line_number(start),
            "a quoted field is not closed before the end of the file",
        ));
    }
    Ok(records)
}

/// Parses one complete record.
fn parse_record(file: &str, line: usize, text: &str) -> Result<csv::StringRecord, CrossingsError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => Ok(record),
        Ok(false) => Err(line_error(file, line_number(line), "empty record")),
        Err(error) => Err(line_error(file, line_number(line), error.to_string())),
    }
}

fn line_number(line: usize) -> u64 {
    u64::try_from(line).unwrap_or(u64::MAX)
}

fn line_error(file: &str, line: u64, problem: impl Into<String>) -> CrossingsError {
    CrossingsError::Line {
        file: file.to_owned(),
        line,
        problem: problem.into(),
    }
}
