//! The crate's one error type.

use corridor_calendar::GregorianDate;

/// Why a registry or calendar file was rejected, or a question could not be answered.
///
/// File errors name the file (the name the caller passed in), the line (1 is the header)
/// and the field (the column's header name), for example
/// `calendar.csv:12: weekdays: unknown weekday "Mo"`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CrossingsError {
    /// A field of a row (or a column of the header) is invalid, or contradicts another row.
    #[error("{file}:{line}: {field}: {problem}")]
    Field {
        /// The file, as the caller named it.
        file: String,
        /// The line of the row, 1 being the header.
        line: u64,
        /// The column's name in the header.
        field: String,
        /// What is wrong, with the rejected value.
        problem: String,
    },
    /// A line cannot be read as CSV at all (not UTF-8, a wrong number of fields, a read
    /// failure of the underlying reader).
    #[error("{file}:{line}: {problem}")]
    Line {
        /// The file, as the caller named it.
        file: String,
        /// The line, 1 being the header.
        line: u64,
        /// What is wrong.
        problem: String,
    },
    /// No crossing has this id or name.
    #[error("no crossing is named {name:?}")]
    UnknownCrossing {
        /// The name or id asked for.
        name: String,
    },
    /// A range of days ends before it starts.
    #[error("the range {from} to {to} ends before it starts")]
    ReversedRange {
        /// The first day asked for.
        from: GregorianDate,
        /// The last day asked for.
        to: GregorianDate,
    },
}

impl CrossingsError {
    /// A [`CrossingsError::Field`] error.
    pub(crate) fn field(
        file: &str,
        line: u64,
        field: &str,
        problem: impl Into<String>,
    ) -> CrossingsError {
        CrossingsError::Field {
            file: file.to_owned(),
            line,
            field: field.to_owned(),
            problem: problem.into(),
        }
    }
}
