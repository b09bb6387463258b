//! The crate's one error type.

/// Why an input, or one of its rows, was rejected.
///
/// Messages name the input (the name the caller gave), the 1-based line, the column (its
/// header) and the value, for example
/// `TradeData.csv line 7, column flowCode: "MIP" is not a flow code (X, M, RX, RM)`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The bytes could not be read as CSV (an I/O error from the underlying reader).
    #[error("{input} line {line}: cannot read CSV: {message}")]
    Read {
        /// The input's name.
        input: String,
        /// The 1-based line where reading stopped.
        line: u64,
        /// The reader's description of the problem.
        message: String,
    },
    /// A line of a JSON-lines file is not a JSON object of the format's fields.
    #[error("{input} line {line}: {message}")]
    Json {
        /// The input's name.
        input: String,
        /// The 1-based line.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// The header is none of the Comtrade layouts (current, legacy, compact).
    #[error(
        "{input} line 1: unknown header: current layout lacks columns {missing_current}; \
         legacy layout lacks columns {missing_legacy}; \
         compact layout lacks columns {missing_compact}"
    )]
    UnknownHeader {
        /// The input's name.
        input: String,
        /// The current layout's required columns absent from the header, comma-separated.
        missing_current: String,
        /// The legacy layout's required columns absent from the header, comma-separated.
        missing_legacy: String,
        /// The compact bulk layout's required columns absent from the header,
        /// comma-separated.
        missing_compact: String,
    },
    /// A header names a column the format does not have (customs, services and figures
    /// files).
    #[error(
        "{input} line 1, column {column:?}: unknown column; the accepted columns are {accepted}"
    )]
    UnknownColumn {
        /// The input's name.
        input: String,
        /// The unknown column's name as written.
        column: String,
        /// Every column of the format, comma-separated.
        accepted: String,
    },
    /// A header names the same column twice.
    #[error("{input} line 1, column {column:?}: the column appears twice")]
    DuplicateColumn {
        /// The input's name.
        input: String,
        /// The repeated column's name.
        column: String,
    },
    /// A header lacks required columns.
    #[error("{input} line 1: missing required columns {missing}")]
    MissingColumns {
        /// The input's name.
        input: String,
        /// The missing columns, comma-separated.
        missing: String,
    },
    /// A row has fewer fields than the header, or more than one extra.
    #[error("{input} line {line}: expected {expected} fields, found {found}")]
    FieldCount {
        /// The input's name.
        input: String,
        /// The 1-based line of the row.
        line: u64,
        /// How many columns the header has.
        expected: usize,
        /// How many fields the row has.
        found: usize,
    },
    /// A row has one field more than the header, and it is not empty.
    #[error("{input} line {line}, column {column}: {value:?} is an extra field after the last column (only an empty one, from a trailing comma, is accepted)")]
    ExtraField {
        /// The input's name.
        input: String,
        /// The 1-based line of the row.
        line: u64,
        /// The position of the extra field, 1-based, e.g. `#48`.
        column: String,
        /// The extra field's text.
        value: String,
    },
    /// A field's value is not acceptable.
    #[error("{input} line {line}, column {column}: {value:?} {reason}")]
    InvalidField {
        /// The input's name.
        input: String,
        /// The 1-based line of the row.
        line: u64,
        /// The column's header, e.g. `primaryValue`.
        column: &'static str,
        /// The rejected text.
        value: String,
        /// What is wrong with it, as a predicate ("is not ...").
        reason: &'static str,
    },
}

impl ImportError {
    /// The 1-based line the error is about (1 for the header's errors).
    pub fn line(&self) -> u64 {
        match self {
            ImportError::Read { line, .. }
            | ImportError::Json { line, .. }
            | ImportError::FieldCount { line, .. }
            | ImportError::ExtraField { line, .. }
            | ImportError::InvalidField { line, .. } => *line,
            ImportError::UnknownHeader { .. }
            | ImportError::UnknownColumn { .. }
            | ImportError::DuplicateColumn { .. }
            | ImportError::MissingColumns { .. } => 1,
        }
    }
}
