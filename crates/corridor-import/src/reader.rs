//! The streaming Comtrade reader: header detection, field decoding, row parsing.

use std::borrow::Cow;
use std::io::{BufReader, Read};

use corridor_calendar::Period;
use corridor_reference::{country_by_alpha3, country_by_comtrade_code, HsCode};

use crate::input::{decode, read_error, CrlfToLf};
use crate::number::{parse_cents, parse_integral, parse_scaled};
use crate::{
    Commodity, ComtradeRow, CountryRef, Flow, Frequency, ImportError, Layout, Quantity, TradeType,
};

/// The current layout's required columns.
const CURRENT_REQUIRED: [&str; 10] = [
    "typeCode",
    "freqCode",
    "refYear",
    "refMonth",
    "reporterCode",
    "flowCode",
    "partnerCode",
    "classificationCode",
    "cmdCode",
    "primaryValue",
];

/// The legacy layout's required columns (the 35- and the 22-column forms both have them).
const LEGACY_REQUIRED: [&str; 8] = [
    "Classification",
    "Year",
    "Period",
    "Trade Flow",
    "Reporter ISO",
    "Partner ISO",
    "Commodity Code",
    "Trade Value (US$)",
];
const LEGACY_REPORTER_CODE: &str = "Reporter Code";
const LEGACY_PARTNER_CODE: &str = "Partner Code";

/// The compact bulk form's required columns.
const COMPACT_REQUIRED: [&str; 7] = [
    "Year",
    "Reporter Code",
    "Trade Flow Code",
    "Partner Code",
    "Classification",
    "Commodity Code",
    "Value",
];

/// The optional columns' names in one layout; `None` where the layout has no such column.
struct OptionalNames {
    net_weight: &'static str,
    partner2: Option<&'static str>,
    customs: Option<&'static str>,
    mot: Option<&'static str>,
    aggregate_level: Option<&'static str>,
    qty_unit_code: &'static str,
    qty_unit_abbr: Option<&'static str>,
    qty: &'static str,
}

const CURRENT_OPTIONAL: OptionalNames = OptionalNames {
    net_weight: "netWgt",
    partner2: Some("partner2Code"),
    customs: Some("customsCode"),
    mot: Some("motCode"),
    aggregate_level: Some("aggrLevel"),
    qty_unit_code: "qtyUnitCode",
    qty_unit_abbr: Some("qtyUnitAbbr"),
    qty: "qty",
};

const LEGACY_OPTIONAL: OptionalNames = OptionalNames {
    net_weight: "Netweight (kg)",
    partner2: Some("2nd Partner Code"),
    customs: Some("Customs Proc. Code"),
    mot: Some("Mode of Transport Code"),
    aggregate_level: Some("Aggregate Level"),
    qty_unit_code: "Qty Unit Code",
    qty_unit_abbr: None,
    qty: "Qty",
};

const COMPACT_OPTIONAL: OptionalNames = OptionalNames {
    net_weight: "Netweight (kg)",
    partner2: None,
    customs: None,
    mot: None,
    aggregate_level: None,
    qty_unit_code: "Quantity Unit Code",
    qty_unit_abbr: None,
    qty: "Supplementary Quantity",
};

/// A column found in the header: its name (for errors) and index.
#[derive(Clone, Copy, Debug)]
struct Column {
    name: &'static str,
    index: usize,
}

/// Where each needed column is, per layout.
#[derive(Debug)]
enum Columns {
    Current {
        /// In the order of [`CURRENT_REQUIRED`].
        required: [Column; 10],
    },
    Legacy {
        /// In the order of [`LEGACY_REQUIRED`].
        required: [Column; 8],
        reporter_code: Option<Column>,
        partner_code: Option<Column>,
    },
    Compact {
        /// In the order of [`COMPACT_REQUIRED`].
        required: [Column; 7],
    },
}

/// The optional columns present in the header, whatever the layout.
#[derive(Clone, Copy, Debug)]
struct Extras {
    net_weight: Option<Column>,
    partner2: Option<Column>,
    customs: Option<Column>,
    mot: Option<Column>,
    aggregate_level: Option<Column>,
    qty_unit_code: Option<Column>,
    qty_unit_abbr: Option<Column>,
    qty: Option<Column>,
}

impl Extras {
    fn find(header: &[String], names: &OptionalNames) -> Extras {
        let find = |name: Option<&'static str>| name.and_then(|name| find_column(header, name));
        Extras {
            net_weight: find(Some(names.net_weight)),
            partner2: find(names.partner2),
            customs: find(names.customs),
            mot: find(names.mot),
            aggregate_level: find(names.aggregate_level),
            qty_unit_code: find(Some(names.qty_unit_code)),
            qty_unit_abbr: find(names.qty_unit_abbr),
            qty: find(Some(names.qty)),
        }
    }
}

/// The optional parts of a row, parsed.
struct ExtraValues {
    net_weight_kg: Option<u64>,
    partner2: Option<u16>,
    customs_code: Option<String>,
    mot_code: Option<String>,
    aggregate_level: Option<u8>,
    quantity: Option<Quantity>,
}

/// The fields every layout yields before the optional ones.
struct Core {
    type_code: TradeType,
    frequency: Frequency,
    year: i32,
    month: Option<u8>,
    period: Period,
    reporter: CountryRef,
    partner: CountryRef,
    flow: Flow,
    sub_flow: Option<String>,
    commodity: Commodity,
    classification: String,
    value_usd_cents: i128,
}

/// Reads a UN Comtrade CSV file row by row.
///
/// [`ComtradeReader::new`] reads and checks the header; the reader is then an iterator of
/// [`ComtradeRow`]s. A bad row yields an error and reading goes on with the next row; an I/O
/// error ends the iteration. Memory stays bounded: one record is held at a time.
#[derive(Debug)]
pub struct ComtradeReader<R> {
    input: String,
    csv: csv::Reader<CrlfToLf<BufReader<R>>>,
    columns: Columns,
    extras: Extras,
    header_len: usize,
    record: csv::ByteRecord,
    done: bool,
}

impl<R: Read> ComtradeReader<R> {
    /// Reads the header of `reader` and detects the layout. `input` names the source in
    /// errors (typically the file name).
    pub fn new(input: impl Into<String>, reader: R) -> Result<Self, ImportError> {
        let input = input.into();
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(CrlfToLf::new(BufReader::new(reader)));
        let header: Vec<String> = match csv.byte_headers() {
            Ok(header) => header
                .iter()
                .map(|name| {
                    decode(name)
                        .trim_start_matches('\u{feff}')
                        .trim()
                        .to_owned()
                })
                .collect(),
            Err(error) => return Err(read_error(&input, &error, 1)),
        };
        let find = |name: &'static str| find_column(&header, name);
        let (columns, extras) = match (
            find_all(&header, CURRENT_REQUIRED),
            find_all(&header, LEGACY_REQUIRED),
            find_all(&header, COMPACT_REQUIRED),
        ) {
            (Ok(required), _, _) => (
                Columns::Current { required },
                Extras::find(&header, &CURRENT_OPTIONAL),
            ),
            (_, Ok(required), _) => (
                Columns::Legacy {
                    required,
                    reporter_code: find(LEGACY_REPORTER_CODE),
                    partner_code: find(LEGACY_PARTNER_CODE),
                },
                Extras::find(&header, &LEGACY_OPTIONAL),
            ),
            (_, _, Ok(required)) => (
                Columns::Compact { required },
                Extras::find(&header, &COMPACT_OPTIONAL),
            ),
            (Err(missing_current), Err(missing_legacy), Err(missing_compact)) => {
                return Err(ImportError::UnknownHeader {
                    input,
                    missing_current,
                    missing_legacy,
                    missing_compact,
                })
            }
        };
        Ok(ComtradeReader {
            input,
            csv,
            columns,
            extras,
            header_len: header.len(),
            record: csv::ByteRecord::new(),
            done: false,
        })
    }

    /// The layout detected from the header.
    pub fn layout(&self) -> Layout {
        match self.columns {
            Columns::Current { .. } => Layout::Current,
            Columns::Legacy { .. } => Layout::Legacy,
            Columns::Compact { .. } => Layout::Compact,
        }
    }

    /// Checks the field count of the record just read, then parses it.
    fn parse_record(&self) -> Result<ComtradeRow, ImportError> {
        let row = Row {
            input: &self.input,
            line: self.record.position().map_or(0, csv::Position::line),
            record: &self.record,
        };
        let found = self.record.len();
        if found == self.header_len + 1 {
            let extra = self.record.get(self.header_len).unwrap_or_default();
            if !extra.is_empty() {
                return Err(ImportError::ExtraField {
                    input: self.input.clone(),
                    line: row.line,
                    column: format!("#{found}"),
                    value: decode(extra).into_owned(),
                });
            }
        } else if found != self.header_len {
            return Err(ImportError::FieldCount {
                input: self.input.clone(),
                line: row.line,
                expected: self.header_len,
                found,
            });
        }
        let (layout, core) = match &self.columns {
            Columns::Current { required } => (Layout::Current, row.parse_current(required)?),
            Columns::Legacy {
                required,
                reporter_code,
                partner_code,
            } => (
                Layout::Legacy,
                row.parse_legacy(required, *reporter_code, *partner_code)?,
            ),
            Columns::Compact { required } => (Layout::Compact, row.parse_compact(required)?),
        };
        let extras = row.extras(&self.extras)?;
        Ok(ComtradeRow {
            layout,
            line: row.line,
            type_code: core.type_code,
            frequency: core.frequency,
            year: core.year,
            month: core.month,
            period: core.period,
            reporter: core.reporter,
            partner: core.partner,
            partner2: extras.partner2,
            flow: core.flow,
            sub_flow: core.sub_flow,
            commodity: core.commodity,
            classification: core.classification,
            aggregate_level: extras.aggregate_level,
            customs_code: extras.customs_code,
            mot_code: extras.mot_code,
            net_weight_kg: extras.net_weight_kg,
            quantity: extras.quantity,
            value_usd_cents: core.value_usd_cents,
        })
    }
}

impl<R: Read> Iterator for ComtradeReader<R> {
    type Item = Result<ComtradeRow, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.csv.read_byte_record(&mut self.record) {
            Ok(true) => Some(self.parse_record()),
            Ok(false) => {
                self.done = true;
                None
            }
            Err(error) => {
                self.done = true;
                let line = self.csv.position().line();
                Some(Err(read_error(&self.input, &error, line)))
            }
        }
    }
}

/// One record being parsed, with what errors need to name.
struct Row<'a> {
    input: &'a str,
    line: u64,
    record: &'a csv::ByteRecord,
}

impl Row<'_> {
    fn parse_current(&self, required: &[Column; 10]) -> Result<Core, ImportError> {
        let [type_code, freq, year, month, reporter, flow, partner, classification, commodity, value] =
            *required;
        let type_code = match self.text(type_code).trim() {
            "C" => TradeType::Goods,
            "S" => TradeType::Services,
            _ => return Err(self.invalid(type_code, "is not a type code (C, S)")),
        };
        let month = match self.text(freq).trim() {
            "A" => None,
            "M" => Some(self.month(month)?),
            _ => return Err(self.invalid(freq, "is not a frequency code (A, M)")),
        };
        let flow_text = self.text(flow);
        let (flow, sub_flow) = match flow_text.trim() {
            "X" => (Flow::Export, None),
            "M" => (Flow::Import, None),
            "RX" => (Flow::ReExport, None),
            "RM" => (Flow::ReImport, None),
            sub @ ("MIP" | "MOP") => (Flow::Import, Some(sub.to_owned())),
            sub @ ("XIP" | "XOP") => (Flow::Export, Some(sub.to_owned())),
            _ => {
                return Err(self.invalid(
                    flow,
                    "is not a flow code (X, M, RX, RM, or the sub-flows MIP, MOP, XIP, XOP)",
                ))
            }
        };
        let year_value = self.year(year)?;
        Ok(Core {
            type_code,
            frequency: frequency_of(month),
            year: year_value,
            month,
            period: self.period(year, year_value, month)?,
            reporter: self.country_code(reporter, false)?,
            partner: self.country_code(partner, true)?,
            flow,
            sub_flow,
            commodity: self.commodity(type_code, classification, commodity)?,
            classification: self.text(classification).trim().to_owned(),
            value_usd_cents: self.value(value)?,
        })
    }

    fn parse_legacy(
        &self,
        required: &[Column; 8],
        reporter_code: Option<Column>,
        partner_code: Option<Column>,
    ) -> Result<Core, ImportError> {
        let [classification, year, period, flow, reporter_iso, partner_iso, commodity, value] =
            *required;
        let type_code = self.type_from_classification(classification);
        let month = match parse_integral(&self.text(period)) {
            Some(0..=9999) => None,
            Some(yyyymm @ 100_000..=999_999) => match u8::try_from(yyyymm % 100) {
                Ok(month @ 1..=12) => Some(month),
                _ => return Err(self.invalid(period, "is not a year (YYYY) or month (YYYYMM)")),
            },
            _ => return Err(self.invalid(period, "is not a year (YYYY) or month (YYYYMM)")),
        };
        let flow_text = self.text(flow);
        let flow = match flow_text.trim().to_ascii_lowercase().as_str() {
            "export" => Flow::Export,
            "import" => Flow::Import,
            "re-export" => Flow::ReExport,
            "re-import" => Flow::ReImport,
            _ => {
                return Err(self.invalid(
                    flow,
                    "is not a trade flow (Export, Import, Re-Export, Re-Import)",
                ))
            }
        };
        let reporter = match reporter_code {
            Some(code) => self.country_code(code, false)?,
            None => self.country_iso(reporter_iso, false)?,
        };
        let partner = match partner_code {
            Some(code) => self.country_code(code, true)?,
            None => self.country_iso(partner_iso, true)?,
        };
        let year_value = self.year(year)?;
        Ok(Core {
            type_code,
            frequency: frequency_of(month),
            year: year_value,
            month,
            period: self.period(year, year_value, month)?,
            reporter,
            partner,
            flow,
            sub_flow: None,
            commodity: self.commodity(type_code, classification, commodity)?,
            classification: self.text(classification).trim().to_owned(),
            value_usd_cents: self.value(value)?,
        })
    }

    fn parse_compact(&self, required: &[Column; 7]) -> Result<Core, ImportError> {
        let [year, reporter, flow, partner, classification, commodity, value] = *required;
        let type_code = self.type_from_classification(classification);
        let flow = match parse_integral(&self.text(flow)) {
            Some(1) => Flow::Import,
            Some(2) => Flow::Export,
            Some(3) => Flow::ReExport,
            Some(4) => Flow::ReImport,
            _ => {
                return Err(self.invalid(
                    flow,
                    "is not a trade flow code (1 Import, 2 Export, 3 Re-export, 4 Re-import)",
                ))
            }
        };
        let year_value = self.year(year)?;
        Ok(Core {
            type_code,
            frequency: Frequency::Annual,
            year: year_value,
            month: None,
            period: self.period(year, year_value, None)?,
            reporter: self.country_code(reporter, false)?,
            partner: self.country_code(partner, true)?,
            flow,
            sub_flow: None,
            commodity: self.commodity(type_code, classification, commodity)?,
            classification: self.text(classification).trim().to_owned(),
            value_usd_cents: self.value(value)?,
        })
    }

    /// Services for an EBOPS classification (`EB02`, `EB10`, ...), goods otherwise.
    fn type_from_classification(&self, classification: Column) -> TradeType {
        let text = self.text(classification);
        if text
            .trim()
            .get(..2)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case("EB"))
        {
            TradeType::Services
        } else {
            TradeType::Goods
        }
    }

    /// The optional columns' values.
    fn extras(&self, extras: &Extras) -> Result<ExtraValues, ImportError> {
        let partner2 = match self.non_empty(extras.partner2) {
            None => None,
            Some((column, text)) => Some(
                parse_integral(&text)
                    .and_then(|code| u16::try_from(code).ok())
                    .ok_or_else(|| {
                        self.invalid(column, "is not a country code (a whole number)")
                    })?,
            ),
        };
        let aggregate_level = match self.non_empty(extras.aggregate_level) {
            None => None,
            Some((column, text)) => Some(
                parse_integral(&text)
                    .and_then(|level| u8::try_from(level).ok())
                    .ok_or_else(|| {
                        self.invalid(column, "is not an aggregate level (a whole number)")
                    })?,
            ),
        };
        Ok(ExtraValues {
            net_weight_kg: self.net_weight(extras.net_weight)?,
            partner2,
            customs_code: self.non_empty(extras.customs).map(|(_, text)| text),
            mot_code: self.non_empty(extras.mot).map(|(_, text)| text),
            aggregate_level,
            quantity: self.quantity(extras)?,
        })
    }

    /// The quantity and its unit. `None` when the quantity is empty or the unit code is
    /// `-1` (N/A). The unit is the abbreviation when the file gives one, else the code.
    fn quantity(&self, extras: &Extras) -> Result<Option<Quantity>, ImportError> {
        let Some((qty, text)) = self.non_empty(extras.qty) else {
            return Ok(None);
        };
        let Some((unit_column, unit_code)) = self.non_empty(extras.qty_unit_code) else {
            return Ok(None);
        };
        if unit_code.starts_with('-') {
            return Ok(None);
        }
        let unit = match self.non_empty(extras.qty_unit_abbr) {
            Some((_, abbreviation)) if abbreviation != "N/A" => abbreviation,
            _ => parse_integral(&unit_code)
                .map(|code| code.to_string())
                .ok_or_else(|| self.invalid(unit_column, "is not a quantity unit code"))?,
        };
        let milli = parse_scaled(&text, 3)
            .and_then(|milli| i64::try_from(milli).ok())
            .ok_or_else(|| self.invalid(qty, "is not a quantity (digits, one optional point)"))?;
        Ok(Some(Quantity { milli, unit }))
    }

    /// The column and its trimmed text, if the column exists and the field is not empty.
    fn non_empty(&self, column: Option<Column>) -> Option<(Column, String)> {
        let column = column?;
        let text = self.text(column);
        let text = text.trim();
        (!text.is_empty()).then(|| (column, text.to_owned()))
    }

    /// The field's text: UTF-8 if valid, else Latin-1.
    fn text(&self, column: Column) -> Cow<'_, str> {
        decode(self.record.get(column.index).unwrap_or_default())
    }

    fn invalid(&self, column: Column, reason: &'static str) -> ImportError {
        ImportError::InvalidField {
            input: self.input.to_owned(),
            line: self.line,
            column: column.name,
            value: self.text(column).into_owned(),
            reason,
        }
    }

    fn year(&self, column: Column) -> Result<i32, ImportError> {
        parse_integral(&self.text(column))
            .filter(|year| (1000..=9999).contains(year))
            .and_then(|year| i32::try_from(year).ok())
            .ok_or_else(|| self.invalid(column, "is not a 4-digit year"))
    }

    /// The Gregorian month or year; an error names the year column.
    fn period(
        &self,
        year_column: Column,
        year: i32,
        month: Option<u8>,
    ) -> Result<Period, ImportError> {
        match month {
            Some(month) => Period::gregorian_month(year, month),
            None => Period::gregorian_year(year),
        }
        .map_err(|_| self.invalid(year_column, "is outside the supported years (1600 to 2600)"))
    }

    fn month(&self, column: Column) -> Result<u8, ImportError> {
        parse_integral(&self.text(column))
            .and_then(|month| u8::try_from(month).ok())
            .filter(|month| (1..=12).contains(month))
            .ok_or_else(|| self.invalid(column, "is not a month (1 to 12)"))
    }

    /// A Comtrade country code; 0 (World) only where `world_allowed`.
    fn country_code(&self, column: Column, world_allowed: bool) -> Result<CountryRef, ImportError> {
        let code = parse_integral(&self.text(column))
            .and_then(|code| u16::try_from(code).ok())
            .ok_or_else(|| self.invalid(column, "is not a country code (a whole number)"))?;
        if code == 0 && !world_allowed {
            return Err(self.invalid(column, "is World, which cannot report"));
        }
        Ok(CountryRef {
            code,
            alpha3: country_by_comtrade_code(code).map(|country| country.alpha3()),
        })
    }

    /// An ISO alpha-3 code, or `WLD` (World) where `world_allowed`.
    fn country_iso(&self, column: Column, world_allowed: bool) -> Result<CountryRef, ImportError> {
        let text = self.text(column);
        let text = text.trim();
        if world_allowed && text.eq_ignore_ascii_case("WLD") {
            return Ok(CountryRef {
                code: 0,
                alpha3: None,
            });
        }
        country_by_alpha3(text)
            .map(|country| CountryRef {
                code: country.comtrade_code(),
                alpha3: Some(country.alpha3()),
            })
            .ok_or_else(|| self.invalid(column, "is not an ISO 3166-1 alpha-3 country code"))
    }

    fn commodity(
        &self,
        type_code: TradeType,
        classification: Column,
        column: Column,
    ) -> Result<Commodity, ImportError> {
        let text = self.text(column);
        let code = text.trim();
        if code.eq_ignore_ascii_case("TOTAL") {
            return Ok(Commodity::Total);
        }
        match type_code {
            TradeType::Services | TradeType::Combined if !code.is_empty() => {
                Ok(Commodity::Ebops(code.to_owned()))
            }
            TradeType::Services | TradeType::Combined => {
                Err(self.invalid(column, "is not a services code"))
            }
            TradeType::Goods => {
                if !self.text(classification).trim().starts_with('H') {
                    return Err(self.invalid(
                        classification,
                        "is not an HS classification (H0 to H6), needed for a commodity code",
                    ));
                }
                HsCode::from_comtrade(code)
                    .map(Commodity::Hs)
                    .map_err(|_| self.invalid(column, "is not an HS code of 2, 4 or 6 digits"))
            }
        }
    }

    fn net_weight(&self, column: Option<Column>) -> Result<Option<u64>, ImportError> {
        let Some((column, text)) = self.non_empty(column) else {
            return Ok(None);
        };
        parse_scaled(&text, 0)
            .and_then(|kilograms| u64::try_from(kilograms).ok())
            .map(Some)
            .ok_or_else(|| self.invalid(column, "is not a number of kilograms"))
    }

    fn value(&self, column: Column) -> Result<i128, ImportError> {
        parse_cents(&self.text(column))
            .ok_or_else(|| self.invalid(column, "is not a US$ amount (digits, one optional point)"))
    }
}

fn frequency_of(month: Option<u8>) -> Frequency {
    match month {
        Some(_) => Frequency::Monthly,
        None => Frequency::Annual,
    }
}

fn find_column(header: &[String], name: &'static str) -> Option<Column> {
    header
        .iter()
        .position(|column| column == name)
        .map(|index| Column { name, index })
}

/// Every one of `names`, or the comma-separated list of those missing.
fn find_all<const N: usize>(
    header: &[String],
    names: [&'static str; N],
) -> Result<[Column; N], String> {
    let found = names.map(|name| find_column(header, name));
    let mut missing = Vec::new();
    let mut columns = [Column { name: "", index: 0 }; N];
    for ((slot, column), name) in columns.iter_mut().zip(found).zip(names) {
        match column {
            Some(column) => *slot = column,
            None => missing.push(name),
        }
    }
    if missing.is_empty() {
        Ok(columns)
    } else {
        Err(missing.join(", "))
    }
}

#[cfg(test)]
mod tests;
