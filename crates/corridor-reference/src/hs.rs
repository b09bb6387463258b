//! Harmonized System codes, editions, sections and the embedded nomenclatures.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use crate::table::{self, Row};
use crate::ReferenceError;

/// The embedded HS2017 nomenclature (`data/harmonized-system-hs2017.csv`).
const HS2017_CSV: &str = include_str!("../data/harmonized-system-hs2017.csv");
/// The embedded HS2022 nomenclature (`data/harmonized-system-hs2022.csv`).
const HS2022_CSV: &str = include_str!("../data/harmonized-system-hs2022.csv");
/// The embedded section names (`data/hs-sections.csv`).
const SECTIONS_CSV: &str = include_str!("../data/hs-sections.csv");

/// An edition of the Harmonized System, as UN Comtrade labels them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HsEdition {
    /// HS2017, Comtrade's `H5`.
    Hs2017,
    /// HS2022, Comtrade's `H6`.
    Hs2022,
}

impl HsEdition {
    /// Both editions, oldest first.
    pub const ALL: [HsEdition; 2] = [HsEdition::Hs2017, HsEdition::Hs2022];

    /// UN Comtrade's classification code: `H5` or `H6`.
    pub fn comtrade_code(self) -> &'static str {
        match self {
            HsEdition::Hs2017 => "H5",
            HsEdition::Hs2022 => "H6",
        }
    }
}

impl fmt::Display for HsEdition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HsEdition::Hs2017 => "HS2017",
            HsEdition::Hs2022 => "HS2022",
        })
    }
}

/// How deep an [`HsCode`] goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HsLevel {
    /// Two digits, e.g. `27`.
    Chapter,
    /// Four digits, e.g. `2710`.
    Heading,
    /// Six digits, e.g. `271012`.
    Subheading,
}

/// An HS code: 2 (chapter), 4 (heading) or 6 (subheading) ASCII digits, kept as text because
/// leading zeros matter (`01` is a chapter, `1` is nothing).
///
/// Whether the code exists depends on the edition: see [`hs_lookup`]. Codes order as their
/// text does, so a chapter sorts just before its headings.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HsCode {
    /// The ASCII digits, followed by zero bytes.
    digits: [u8; 6],
    /// How many digits: 2, 4 or 6.
    len: u8,
}

impl HsCode {
    /// Reads exactly 2, 4 or 6 ASCII digits. Nothing else is accepted: no spaces, no dots, no
    /// odd lengths (`"10121"` could be a code that lost its leading zero, but this function
    /// does not guess; see [`HsCode::from_comtrade`]).
    pub fn parse(text: &str) -> Result<HsCode, ReferenceError> {
        let bytes = text.as_bytes();
        if !matches!(bytes.len(), 2 | 4 | 6) || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(ReferenceError::InvalidHsCode {
                value: text.to_owned(),
            });
        }
        let mut digits = [0; 6];
        digits[..bytes.len()].copy_from_slice(bytes);
        Ok(HsCode {
            digits,
            len: u8::try_from(bytes.len()).unwrap_or(0),
        })
    }

    /// Reads a commodity code as UN Comtrade files write it: surrounding spaces are trimmed,
    /// and a numeric code of odd length (1, 3 or 5 digits) gets back the leading zero that a
    /// spreadsheet or a number type dropped (`"10121"` is `010121`, `"1"` is `01`).
    pub fn from_comtrade(text: &str) -> Result<HsCode, ReferenceError> {
        let trimmed = text.trim();
        if matches!(trimmed.len(), 1 | 3 | 5) && trimmed.bytes().all(|b| b.is_ascii_digit()) {
            HsCode::parse(&format!("0{trimmed}")).map_err(|_| ReferenceError::InvalidHsCode {
                value: text.to_owned(),
            })
        } else {
            HsCode::parse(trimmed).map_err(|_| ReferenceError::InvalidHsCode {
                value: text.to_owned(),
            })
        }
    }

    /// The digits, e.g. `"0101"`.
    pub fn as_str(&self) -> &str {
        let digits = &self.digits[..usize::from(self.len)];
        std::str::from_utf8(digits).expect("an HsCode holds only ASCII digits")
    }

    /// Whether this is a chapter, a heading or a subheading.
    pub fn level(&self) -> HsLevel {
        match self.len {
            2 => HsLevel::Chapter,
            4 => HsLevel::Heading,
            _ => HsLevel::Subheading,
        }
    }

    /// The chapter this code belongs to (its first two digits).
    pub fn chapter(&self) -> HsCode {
        let mut digits = [0; 6];
        digits[..2].copy_from_slice(&self.digits[..2]);
        HsCode { digits, len: 2 }
    }

    /// The chapter number, 1 to 99.
    pub fn chapter_number(&self) -> u8 {
        (self.digits[0] - b'0') * 10 + (self.digits[1] - b'0')
    }

    /// The code one level up (`010121` -> `0101` -> `01`), or `None` for a chapter.
    pub fn parent(&self) -> Option<HsCode> {
        let len = self.len.checked_sub(2).filter(|len| *len > 0)?;
        let mut digits = self.digits;
        digits[usize::from(len)..].fill(0);
        Some(HsCode { digits, len })
    }
}

impl FromStr for HsCode {
    type Err = ReferenceError;

    /// Same as [`HsCode::parse`].
    fn from_str(text: &str) -> Result<HsCode, ReferenceError> {
        HsCode::parse(text)
    }
}

impl fmt::Display for HsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for HsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HsCode({})", self.as_str())
    }
}

/// One of the 21 sections of the HS, I to XXI. Sections are the same in both editions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HsSection {
    /// 1 to 21.
    number: u8,
    /// `I` to `XXI`.
    numeral: String,
    /// The name as upstream writes it (capitalisation is uneven), without trailing spaces.
    name: String,
}

impl HsSection {
    /// The section number, 1 to 21.
    pub fn number(&self) -> u8 {
        self.number
    }

    /// The Roman numeral, `I` to `XXI`.
    pub fn numeral(&self) -> &str {
        &self.numeral
    }

    /// The English name, e.g. `Mineral products`.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A chapter, heading or subheading of one HS edition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HsEntry {
    /// The code.
    code: HsCode,
    /// The English description.
    description: String,
    /// The index of the section in [`hs_sections`]; `None` for chapter 99.
    section: Option<usize>,
}

impl HsEntry {
    /// The code.
    pub fn code(&self) -> HsCode {
        self.code
    }

    /// The English description, e.g. `Animals; live`.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The code one level up, or `None` for a chapter.
    pub fn parent(&self) -> Option<HsCode> {
        self.code.parent()
    }

    /// The section, or `None` for chapter 99 ("Commodities not specified according to kind"),
    /// which belongs to no section.
    pub fn section(&self) -> Option<&'static HsSection> {
        self.section.and_then(|index| hs_sections().get(index))
    }
}

/// One parsed nomenclature.
pub(crate) struct Nomenclature {
    /// Entries in file order.
    pub(crate) entries: Vec<HsEntry>,
    /// Code -> index in `entries`.
    index: HashMap<HsCode, usize>,
    /// Data records read, including the total row and empty rows.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) records: usize,
}

/// Name of the sections file, for errors.
const SECTIONS_INPUT: &str = "hs-sections.csv";

/// Parses `section,name` rows.
pub(crate) fn parse_sections(text: &str) -> Result<Vec<HsSection>, ReferenceError> {
    let rows = table::read(SECTIONS_INPUT, text, true, false, 2)?;
    let mut sections = Vec::with_capacity(rows.len());
    for (row, number) in rows.iter().zip(1u8..) {
        let numeral = row.get(0);
        if numeral != roman(number) {
            return Err(row.invalid(SECTIONS_INPUT, 0, "section", "is not the next numeral"));
        }
        sections.push(HsSection {
            number,
            numeral: numeral.to_owned(),
            name: row.get(1).trim().to_owned(),
        });
    }
    Ok(sections)
}

/// The Roman numeral of 1 to 39 (enough for 21 sections).
fn roman(number: u8) -> String {
    const TENS: [&str; 4] = ["", "X", "XX", "XXX"];
    const ONES: [&str; 10] = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"];
    let tens = TENS.get(usize::from(number / 10)).copied().unwrap_or("?");
    format!("{tens}{}", ONES[usize::from(number % 10)])
}

/// Parses `section,hscode,description,parent,level` rows. Skips the `TOTAL` row and rows
/// whose fields are all empty (the HS2017 file ends with one).
pub(crate) fn parse_nomenclature(
    input: &'static str,
    text: &str,
    sections: &[HsSection],
) -> Result<Nomenclature, ReferenceError> {
    let rows = table::read(input, text, true, false, 5)?;
    let mut entries: Vec<HsEntry> = Vec::with_capacity(rows.len());
    let mut index = HashMap::with_capacity(rows.len());
    let mut lines = HashMap::with_capacity(rows.len());
    for row in &rows {
        if row.fields.iter().all(str::is_empty) || row.get(1) == "TOTAL" && row.get(4) == "5" {
            continue;
        }
        let entry = parse_entry(input, row, sections)?;
        if let Some(first_line) = lines.insert(entry.code, row.line) {
            return Err(ReferenceError::DuplicateCode {
                input,
                line: row.line,
                code: entry.code.to_string(),
                first_line,
            });
        }
        index.insert(entry.code, entries.len());
        entries.push(entry);
    }
    Ok(Nomenclature {
        entries,
        index,
        records: rows.len(),
    })
}

/// Parses and checks one data row.
fn parse_entry(
    input: &'static str,
    row: &Row,
    sections: &[HsSection],
) -> Result<HsEntry, ReferenceError> {
    let section = match row.get(0) {
        "TOTAL" => None,
        numeral => Some(
            sections
                .iter()
                .position(|section| section.numeral == numeral)
                .ok_or_else(|| row.invalid(input, 0, "section", "is not a section numeral"))?,
        ),
    };
    let code = HsCode::parse(row.get(1))
        .map_err(|_| row.invalid(input, 1, "hscode", "is not 2, 4 or 6 digits"))?;
    let parent_matches = match code.parent() {
        None => row.get(3) == "TOTAL",
        Some(parent) => row.get(3) == parent.as_str(),
    };
    if !parent_matches {
        return Err(row.invalid(input, 3, "parent", "is not the code one level up"));
    }
    if row.get(4) != code.len.to_string() {
        return Err(row.invalid(input, 4, "level", "is not the code's length"));
    }
    if section.is_none() && code.chapter_number() != 99 {
        return Err(row.invalid(input, 0, "section", "is TOTAL outside chapter 99"));
    }
    Ok(HsEntry {
        code,
        description: row.get(2).trim().to_owned(),
        section,
    })
}

/// The sections, parsed on first use.
static SECTIONS: LazyLock<Vec<HsSection>> = LazyLock::new(|| {
    parse_sections(SECTIONS_CSV).expect("the embedded hs-sections.csv parses (checked by tests)")
});

/// HS2017, parsed on first use.
static HS2017: LazyLock<Nomenclature> = LazyLock::new(|| {
    parse_nomenclature("harmonized-system-hs2017.csv", HS2017_CSV, &SECTIONS)
        .expect("the embedded HS2017 file parses (checked by tests)")
});

/// HS2022, parsed on first use.
static HS2022: LazyLock<Nomenclature> = LazyLock::new(|| {
    parse_nomenclature("harmonized-system-hs2022.csv", HS2022_CSV, &SECTIONS)
        .expect("the embedded HS2022 file parses (checked by tests)")
});

/// The parsed nomenclature of an edition.
pub(crate) fn nomenclature(edition: HsEdition) -> &'static Nomenclature {
    match edition {
        HsEdition::Hs2017 => &HS2017,
        HsEdition::Hs2022 => &HS2022,
    }
}

/// The 21 sections, I to XXI.
pub fn hs_sections() -> &'static [HsSection] {
    &SECTIONS
}

/// Every chapter, heading and subheading of an edition, in code order (the total row and
/// the reserved chapter 77 are absent).
pub fn hs_entries(edition: HsEdition) -> &'static [HsEntry] {
    &nomenclature(edition).entries
}

/// The entry of `code` in `edition`, or `None` if the edition has no such code.
pub fn hs_lookup(edition: HsEdition, code: &HsCode) -> Option<&'static HsEntry> {
    let nomenclature = nomenclature(edition);
    nomenclature
        .index
        .get(code)
        .and_then(|index| nomenclature.entries.get(*index))
}

/// The entry of the chapter `code` belongs to, in `edition`.
pub fn chapter(edition: HsEdition, code: &HsCode) -> Option<&'static HsEntry> {
    hs_lookup(edition, &code.chapter())
}

/// The section of the chapter `code` belongs to (the same in HS2017 and HS2022), or `None`
/// for chapter 99 and for chapters that exist in neither edition (77, for instance).
pub fn section_of(code: &HsCode) -> Option<&'static HsSection> {
    chapter(HsEdition::Hs2022, code)
        .or_else(|| chapter(HsEdition::Hs2017, code))
        .and_then(HsEntry::section)
}

#[cfg(test)]
mod tests;
