//! The top level of EBOPS 2010, the Extended Balance of Payments Services classification.
//!
//! Source: United Nations et al., *Manual on Statistics of International Trade in Services
//! 2010* (MSITS 2010), the EBOPS 2010 classification (its Annex I), whose twelve main
//! components follow BPM6. The letter codes `SA` to `SL` are the BPM6/SDMX codes of those
//! components; UN Comtrade writes total services as `200` (classification `EB10`) or `S`
//! (classification `EB10S`). Numeric EBOPS codes are given only where this table's author
//! was sure of them (total 200, transport 205, travel 236, construction 249); the other
//! components carry their letter code only, to be completed from MSITS 2010 Annex I.

use std::fmt;
use std::str::FromStr;

use crate::ReferenceError;

/// One row of the EBOPS 2010 top-level table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EbopsEntry {
    /// The BPM6 letter code, `SA` to `SL`, or `S` for the total.
    letter: &'static str,
    /// The EBOPS numeric code, where known reliably.
    numeric: Option<u16>,
    /// The English name.
    name: &'static str,
}

impl EbopsEntry {
    /// The letter code: `S` for the total, `SA` to `SL` for the main components.
    pub fn letter(&self) -> &'static str {
        self.letter
    }

    /// The numeric EBOPS 2010 code (`200` for the total), where this table gives one.
    pub fn numeric(&self) -> Option<u16> {
        self.numeric
    }

    /// The English name, e.g. `Other business services`.
    pub fn name(&self) -> &'static str {
        self.name
    }
}

/// The table: the total, then the twelve main components in order.
const ENTRIES: [EbopsEntry; 13] = [
    entry("S", Some(200), "Total EBOPS 2010 services"),
    entry(
        "SA",
        None,
        "Manufacturing services on physical inputs owned by others",
    ),
    entry("SB", None, "Maintenance and repair services n.i.e."),
    entry("SC", Some(205), "Transport"),
    entry("SD", Some(236), "Travel"),
    entry("SE", Some(249), "Construction"),
    entry("SF", None, "Insurance and pension services"),
    entry("SG", None, "Financial services"),
    entry(
        "SH",
        None,
        "Charges for the use of intellectual property n.i.e.",
    ),
    entry(
        "SI",
        None,
        "Telecommunications, computer, and information services",
    ),
    entry("SJ", None, "Other business services"),
    entry("SK", None, "Personal, cultural, and recreational services"),
    entry("SL", None, "Government goods and services n.i.e."),
];

/// Builds a table row.
const fn entry(letter: &'static str, numeric: Option<u16>, name: &'static str) -> EbopsEntry {
    EbopsEntry {
        letter,
        numeric,
        name,
    }
}

/// A code of the EBOPS 2010 top-level table: the total or one of the twelve main components.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EbopsCode(u8);

impl EbopsCode {
    /// Total services (`200`, `S`).
    pub const TOTAL: EbopsCode = EbopsCode(0);

    /// Reads a letter code (`SJ`, ignoring ASCII case), `S` for the total, or a numeric code
    /// of the table (`200`, `205`, `236`, `249`). Surrounding spaces are trimmed.
    pub fn parse(text: &str) -> Result<EbopsCode, ReferenceError> {
        let trimmed = text.trim();
        let number = trimmed.parse::<u16>().ok();
        ENTRIES
            .iter()
            .position(|entry| {
                entry.letter.eq_ignore_ascii_case(trimmed)
                    || number.is_some() && entry.numeric == number
            })
            .and_then(|index| u8::try_from(index).ok())
            .map(EbopsCode)
            .ok_or_else(|| ReferenceError::UnknownEbopsCode {
                value: text.to_owned(),
            })
    }

    /// The code's table entry.
    pub fn entry(self) -> &'static EbopsEntry {
        ebops_lookup(self)
    }
}

impl FromStr for EbopsCode {
    type Err = ReferenceError;

    /// Same as [`EbopsCode::parse`].
    fn from_str(text: &str) -> Result<EbopsCode, ReferenceError> {
        EbopsCode::parse(text)
    }
}

impl fmt::Display for EbopsCode {
    /// The numeric code where known, else the letter code.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entry = self.entry();
        match entry.numeric {
            Some(numeric) => write!(f, "{numeric}"),
            None => f.write_str(entry.letter),
        }
    }
}

impl fmt::Debug for EbopsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EbopsCode({})", self.entry().letter)
    }
}

/// The table entry of `code`.
pub fn ebops_lookup(code: EbopsCode) -> &'static EbopsEntry {
    ENTRIES
        .get(usize::from(code.0))
        .expect("an EbopsCode indexes the table")
}

/// The whole table: the total, then `SA` to `SL`.
pub fn ebops_entries() -> &'static [EbopsEntry] {
    &ENTRIES
}

#[cfg(test)]
mod tests;
