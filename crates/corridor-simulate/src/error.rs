//! The crate's one error type.

use std::fmt;

/// The two scenario formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// TOML (the examples' format).
    Toml,
    /// JSON, with the same structure.
    Json,
}

impl Format {
    /// The format of an input: by the name's extension (`.json`, `.toml`), else JSON if
    /// the text starts with `{`, else TOML.
    pub fn detect(input: &str, text: &str) -> Format {
        let lower = input.to_ascii_lowercase();
        if lower.ends_with(".json") {
            Format::Json
        } else if lower.ends_with(".toml") {
            Format::Toml
        } else if text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('{')
        {
            Format::Json
        } else {
            Format::Toml
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Toml => "TOML",
            Format::Json => "JSON",
        })
    }
}

/// A place in an input text: line and column, both counted from 1 (the column in
/// characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Position {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub column: usize,
}

/// Writes `:LINE:COLUMN` after an input's name, or nothing.
struct At<'a>(&'a Option<Position>);

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(position) => write!(f, ":{}:{}", position.line, position.column),
            None => Ok(()),
        }
    }
}

/// Why a scenario was rejected.
///
/// Every variant names the input (the source name the caller gave, such as a file name);
/// syntax errors carry the parser's line and column, and invalid values carry the field's
/// path (`routing[1].to`) and, when it can be found in the text, its line and column.
/// Displayed as `NAME:LINE:COLUMN: PATH: MESSAGE`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SimulateError {
    /// The input could not be read, or is not UTF-8.
    #[error("{input}: cannot read the scenario: {message}")]
    Read {
        /// The input's name.
        input: String,
        /// What went wrong.
        message: String,
    },
    /// The text is not well-formed TOML or JSON, or does not have a scenario's shape (a
    /// missing or unknown field, a value of the wrong type).
    #[error("{input}{}: {format} error: {message}", At(position))]
    Syntax {
        /// The input's name.
        input: String,
        /// The format it was read as.
        format: Format,
        /// Where the parser stopped, if it said.
        position: Option<Position>,
        /// The parser's message.
        message: String,
    },
    /// A value is well-formed but not acceptable: an unknown crossing, a period that ends
    /// before it starts, seasonality without 12 values, capacity 0 on an open day...
    #[error("{input}{}: {path}: {message}", At(position))]
    Invalid {
        /// The input's name.
        input: String,
        /// The field, such as `routing[1].to` or `crossings[0].capacity`.
        path: String,
        /// Where the field is in the text, when it could be found.
        position: Option<Position>,
        /// What is wrong with it.
        message: String,
    },
}

impl SimulateError {
    /// The line the error points at, if known.
    pub fn line(&self) -> Option<usize> {
        match self {
            SimulateError::Read { .. } => None,
            SimulateError::Syntax { position, .. } | SimulateError::Invalid { position, .. } => {
                position.map(|p| p.line)
            }
        }
    }

    /// The field path of an [`SimulateError::Invalid`] error.
    pub fn path(&self) -> Option<&str> {
        match self {
            SimulateError::Invalid { path, .. } => Some(path),
            SimulateError::Read { .. } | SimulateError::Syntax { .. } => None,
        }
    }
}
