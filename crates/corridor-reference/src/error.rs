//! The crate's one error type.

/// Why a code, or a line of CSV text, was rejected.
///
/// Messages name the input, the line, the field and the value, for example
/// `sector overrides line 3, field chapter_or_ebops_code: "7" is not a 2-digit HS chapter or an EBOPS 2010 code`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    /// The text is not an HS code of 2, 4 or 6 ASCII digits.
    #[error("HS code {value:?} is not 2, 4 or 6 ASCII digits")]
    InvalidHsCode {
        /// The rejected text.
        value: String,
    },
    /// The text is not a code of the EBOPS 2010 table.
    #[error("EBOPS code {value:?} is not an EBOPS 2010 code known here (200, S or SA..SL)")]
    UnknownEbopsCode {
        /// The rejected text.
        value: String,
    },
    /// A line of CSV text could not be read (bad quoting, invalid UTF-8).
    #[error("{input} line {line}: malformed CSV: {message}")]
    MalformedCsv {
        /// Which input: an embedded file name, or `sector overrides`.
        input: &'static str,
        /// The 1-based line number.
        line: u64,
        /// The CSV reader's description of the problem.
        message: String,
    },
    /// A line has the wrong number of fields.
    #[error("{input} line {line}: expected {expected} fields, found {found}")]
    FieldCount {
        /// Which input.
        input: &'static str,
        /// The 1-based line number.
        line: u64,
        /// How many fields a line must have.
        expected: usize,
        /// How many it has.
        found: usize,
    },
    /// A field's value is not acceptable.
    #[error("{input} line {line}, field {field}: {value:?} {reason}")]
    InvalidField {
        /// Which input.
        input: &'static str,
        /// The 1-based line number.
        line: u64,
        /// The field's name (its header).
        field: &'static str,
        /// The rejected value.
        value: String,
        /// What is wrong with it, as a predicate ("is not ...").
        reason: &'static str,
    },
    /// The same code appears twice.
    #[error("{input} line {line}: code {code:?} was already given on line {first_line}")]
    DuplicateCode {
        /// Which input.
        input: &'static str,
        /// The 1-based line of the repetition.
        line: u64,
        /// The repeated code.
        code: String,
        /// The 1-based line where it first appeared.
        first_line: u64,
    },
}
