//! Countries: ISO 3166-1 codes, UN M49 codes, English names, UN Comtrade reporter codes.

use std::sync::LazyLock;

use crate::table;
use crate::ReferenceError;

/// The embedded country table (`data/country-codes.csv`).
const COUNTRIES_CSV: &str = include_str!("../data/country-codes.csv");
/// Name of the country file, for errors.
const COUNTRIES_INPUT: &str = "country-codes.csv";

/// UN Comtrade reporter/partner codes that differ from the ISO 3166-1 numeric code, as
/// `(comtrade, iso)`: USA, India, France, Switzerland and Norway.
pub const COMTRADE_EXCEPTIONS: [(u16, u16); 5] =
    [(842, 840), (699, 356), (251, 250), (757, 756), (579, 578)];

/// A country or territory of ISO 3166-1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-2, e.g. `IR`.
    alpha2: String,
    /// ISO 3166-1 alpha-3, e.g. `IRN`.
    alpha3: String,
    /// ISO 3166-1 numeric, e.g. 364.
    numeric: u16,
    /// UN M49, e.g. 364.
    m49: u16,
    /// The UN English name, e.g. `Iran (Islamic Republic of)`.
    name: String,
    /// The CLDR display name, e.g. `Iran`.
    short_name: String,
}

impl Country {
    /// ISO 3166-1 alpha-2 code, e.g. `IR`.
    pub fn alpha2(&self) -> &str {
        &self.alpha2
    }

    /// ISO 3166-1 alpha-3 code, e.g. `IRN`.
    pub fn alpha3(&self) -> &str {
        &self.alpha3
    }

    /// ISO 3166-1 numeric code, e.g. 364 (4 for Afghanistan; pad to 3 digits for display).
    pub fn numeric(&self) -> u16 {
        self.numeric
    }

    /// UN M49 code (equal to the ISO numeric code for every country in the table).
    pub fn m49(&self) -> u16 {
        self.m49
    }

    /// The code UN Comtrade uses for this country: the ISO numeric code except for the
    /// economies of [`COMTRADE_EXCEPTIONS`] (USA 842, India 699, France 251, Switzerland 757,
    /// Norway 579).
    pub fn comtrade_code(&self) -> u16 {
        COMTRADE_EXCEPTIONS
            .iter()
            .find(|(_, iso)| *iso == self.numeric)
            .map_or(self.numeric, |(comtrade, _)| *comtrade)
    }

    /// The UN English name (`official_name_en` upstream), e.g. `Iran (Islamic Republic of)`,
    /// `Türkiye`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The short English name (CLDR display name), e.g. `Iran`, `US`.
    pub fn short_name(&self) -> &str {
        &self.short_name
    }
}

/// Parses the upstream country-codes file (56 columns, found by header name).
pub(crate) fn parse_countries(text: &str) -> Result<Vec<Country>, ReferenceError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let header_line = text.lines().next().unwrap_or("");
    let headers: Vec<&str> = header_line.split(',').collect();
    let column = |name: &'static str| {
        headers
            .iter()
            .position(|header| *header == name)
            .ok_or(ReferenceError::InvalidField {
                input: COUNTRIES_INPUT,
                line: 1,
                field: name,
                value: String::new(),
                reason: "is missing from the header",
            })
    };
    let columns = [
        ("ISO3166-1-Alpha-2", column("ISO3166-1-Alpha-2")?),
        ("ISO3166-1-Alpha-3", column("ISO3166-1-Alpha-3")?),
        ("ISO3166-1-numeric", column("ISO3166-1-numeric")?),
        ("M49", column("M49")?),
        ("official_name_en", column("official_name_en")?),
        ("CLDR display name", column("CLDR display name")?),
    ];
    let rows = table::read(COUNTRIES_INPUT, text, true, false, headers.len())?;
    let mut countries = Vec::with_capacity(rows.len());
    for row in &rows {
        let [(alpha2_field, alpha2), (alpha3_field, alpha3), (numeric_field, numeric), (m49_field, m49), (name_field, name), (short_field, short)] =
            columns;
        let upper = |index: usize, field: &'static str, len: usize| {
            let value = row.get(index);
            if value.len() == len && value.bytes().all(|b| b.is_ascii_uppercase()) {
                Ok(value.to_owned())
            } else {
                Err(row.invalid(
                    COUNTRIES_INPUT,
                    index,
                    field,
                    "is not an upper-case ISO code",
                ))
            }
        };
        let number = |index: usize, field: &'static str| {
            row.get(index)
                .parse::<u16>()
                .ok()
                .filter(|number| (1..=999).contains(number))
                .ok_or_else(|| row.invalid(COUNTRIES_INPUT, index, field, "is not a number 1-999"))
        };
        let text = |index: usize, field: &'static str| {
            let value = row.get(index).trim();
            if value.is_empty() {
                Err(row.invalid(COUNTRIES_INPUT, index, field, "is empty"))
            } else {
                Ok(value.to_owned())
            }
        };
        countries.push(Country {
            alpha2: upper(alpha2, alpha2_field, 2)?,
            alpha3: upper(alpha3, alpha3_field, 3)?,
            numeric: number(numeric, numeric_field)?,
            m49: number(m49, m49_field)?,
            name: text(name, name_field)?,
            short_name: text(short, short_field)?,
        });
    }
    Ok(countries)
}

/// The countries, parsed on first use.
static COUNTRIES: LazyLock<Vec<Country>> = LazyLock::new(|| {
    parse_countries(COUNTRIES_CSV)
        .expect("the embedded country-codes.csv parses (checked by tests)")
});

/// Every country of the table (249), in upstream order (alphabetical by ISO English name).
pub fn countries() -> &'static [Country] {
    &COUNTRIES
}

/// The country with this ISO 3166-1 alpha-2 code, ignoring ASCII case (`ir`, `IR`).
pub fn country_by_alpha2(code: &str) -> Option<&'static Country> {
    countries()
        .iter()
        .find(|country| country.alpha2.eq_ignore_ascii_case(code))
}

/// Positions in [`COUNTRIES`] by upper-case alpha-3 code, and by numeric code: lookups run
/// once per row of a trade file, so they are indexed rather than scanned.
static BY_ALPHA3: LazyLock<std::collections::HashMap<String, usize>> = LazyLock::new(|| {
    countries()
        .iter()
        .enumerate()
        .map(|(index, country)| (country.alpha3.to_ascii_uppercase(), index))
        .collect()
});
static BY_NUMERIC: LazyLock<std::collections::HashMap<u16, usize>> = LazyLock::new(|| {
    countries()
        .iter()
        .enumerate()
        .map(|(index, country)| (country.numeric, index))
        .collect()
});

/// The country with this ISO 3166-1 alpha-3 code, ignoring ASCII case (`irn`, `IRN`).
pub fn country_by_alpha3(code: &str) -> Option<&'static Country> {
    let index = match BY_ALPHA3.get(code) {
        Some(index) => Some(*index),
        None if code.len() == 3 => BY_ALPHA3.get(&code.to_ascii_uppercase()).copied(),
        None => None,
    };
    index.and_then(|index| countries().get(index))
}

/// The country with this ISO 3166-1 numeric code (4 is Afghanistan).
pub fn country_by_numeric(code: u16) -> Option<&'static Country> {
    BY_NUMERIC
        .get(&code)
        .and_then(|index| countries().get(*index))
}

/// The country with this UN Comtrade reporter or partner code: one of the five
/// [`COMTRADE_EXCEPTIONS`] (842 USA, 699 India, 251 France, 757 Switzerland, 579 Norway), or
/// else the ISO numeric code (so 840 is also the USA, for files that use ISO codes). `None`
/// for Comtrade's aggregates, such as 0 (World).
pub fn country_by_comtrade_code(code: u16) -> Option<&'static Country> {
    let iso = COMTRADE_EXCEPTIONS
        .iter()
        .find(|(comtrade, _)| *comtrade == code)
        .map_or(code, |(_, iso)| *iso);
    country_by_numeric(iso)
}

#[cfg(test)]
mod tests;
