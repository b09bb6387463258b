//! The streaming reader: header detection, field decoding, row parsing.

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read};

use corridor_reference::{country_by_alpha3, country_by_comtrade_code, HsCode};

use crate::number::{parse_cents, parse_integral};
use crate::{Commodity, ComtradeRow, CountryRef, Flow, Frequency, ImportError, Layout, TradeType};

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
const CURRENT_NET_WEIGHT: &str = "netWgt";

/// The legacy layout's required columns.
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
const LEGACY_NET_WEIGHT: &str = "Netweight (kg)";

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
        net_weight: Option<Column>,
    },
    Legacy {
        /// In the order of [`LEGACY_REQUIRED`].
        required: [Column; 8],
        reporter_code: Option<Column>,
        partner_code: Option<Column>,
        net_weight: Option<Column>,
    },
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
        let columns = match (
            find_all(&header, CURRENT_REQUIRED),
            find_all(&header, LEGACY_REQUIRED),
        ) {
            (Ok(required), _) => Columns::Current {
                required,
                net_weight: find(CURRENT_NET_WEIGHT),
            },
            (_, Ok(required)) => Columns::Legacy {
                required,
                reporter_code: find(LEGACY_REPORTER_CODE),
                partner_code: find(LEGACY_PARTNER_CODE),
                net_weight: find(LEGACY_NET_WEIGHT),
            },
            (Err(missing_current), Err(missing_legacy)) => {
                return Err(ImportError::UnknownHeader {
                    input,
                    missing_current,
                    missing_legacy,
                })
            }
        };
        Ok(ComtradeReader {
            input,
            csv,
            columns,
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
        match &self.columns {
            Columns::Current {
                required,
                net_weight,
            } => row.parse_current(required, *net_weight),
            Columns::Legacy {
                required,
                reporter_code,
                partner_code,
                net_weight,
            } => row.parse_legacy(required, *reporter_code, *partner_code, *net_weight),
        }
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
    fn parse_current(
        &self,
        required: &[Column; 10],
        net_weight: Option<Column>,
    ) -> Result<ComtradeRow, ImportError> {
        let [type_code, freq, year, month, reporter, flow, partner, classification, commodity, value] =
            *required;
        let type_code = match self.text(type_code).trim() {
            "C" => TradeType::Goods,
            "S" => TradeType::Services,
            _ => return Err(self.invalid(type_code, "is not a type code (C, S)")),
        };
        let (frequency, month) = match self.text(freq).trim() {
            "A" => (Frequency::Annual, None),
            "M" => (Frequency::Monthly, Some(self.month(month)?)),
            _ => return Err(self.invalid(freq, "is not a frequency code (A, M)")),
        };
        let flow = match self.text(flow).trim() {
            "X" => Flow::Export,
            "M" => Flow::Import,
            "RX" => Flow::ReExport,
            "RM" => Flow::ReImport,
            _ => return Err(self.invalid(flow, "is not a flow code (X, M, RX, RM)")),
        };
        let classification_text = self.text(classification).trim().to_owned();
        Ok(ComtradeRow {
            layout: Layout::Current,
            line: self.line,
            type_code,
            frequency,
            year: self.year(year)?,
            month,
            reporter: self.country_code(reporter, false)?,
            partner: self.country_code(partner, true)?,
            flow,
            commodity: self.commodity(type_code, classification, commodity)?,
            classification: classification_text,
            net_weight_kg: self.net_weight(net_weight)?,
            value_usd_cents: self.value(value)?,
        })
    }

    fn parse_legacy(
        &self,
        required: &[Column; 8],
        reporter_code: Option<Column>,
        partner_code: Option<Column>,
        net_weight: Option<Column>,
    ) -> Result<ComtradeRow, ImportError> {
        let [classification, year, period, flow, reporter_iso, partner_iso, commodity, value] =
            *required;
        let classification_text = self.text(classification).trim().to_owned();
        let type_code = if classification_text
            .get(..2)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case("EB"))
        {
            TradeType::Services
        } else {
            TradeType::Goods
        };
        let (frequency, month) = match parse_integral(&self.text(period)) {
            Some(0..=9999) => (Frequency::Annual, None),
            Some(yyyymm @ 100_000..=999_999) => match u8::try_from(yyyymm % 100) {
                Ok(month @ 1..=12) => (Frequency::Monthly, Some(month)),
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
        Ok(ComtradeRow {
            layout: Layout::Legacy,
            line: self.line,
            type_code,
            frequency,
            year: self.year(year)?,
            month,
            reporter,
            partner,
            flow,
            commodity: self.commodity(type_code, classification, commodity)?,
            classification: classification_text,
            net_weight_kg: self.net_weight(net_weight)?,
            value_usd_cents: self.value(value)?,
        })
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
            TradeType::Services if !code.is_empty() => Ok(Commodity::Ebops(code.to_owned())),
            TradeType::Services => Err(self.invalid(column, "is not a services code")),
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
        let Some(column) = column else {
            return Ok(None);
        };
        let text = self.text(column);
        if text.trim().is_empty() {
            return Ok(None);
        }
        parse_integral(&text)
            .map(Some)
            .ok_or_else(|| self.invalid(column, "is not a whole number of kilograms"))
    }

    fn value(&self, column: Column) -> Result<i128, ImportError> {
        parse_cents(&self.text(column))
            .ok_or_else(|| self.invalid(column, "is not a US$ amount (digits, one optional point)"))
    }
}

/// Turns CRLF into LF on the way to the CSV parser, whose line numbers are one short after
/// a CRLF (it counts the LF only when the next record starts). A lone CR is kept.
#[derive(Debug)]
struct CrlfToLf<R> {
    inner: R,
    /// A CR ended the last chunk; whether it is dropped depends on the next byte.
    pending_cr: bool,
}

impl<R> CrlfToLf<R> {
    fn new(inner: R) -> Self {
        CrlfToLf {
            inner,
            pending_cr: false,
        }
    }
}

impl<R: BufRead> Read for CrlfToLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            let chunk = self.inner.fill_buf()?;
            let mut written = 0;
            if std::mem::take(&mut self.pending_cr) && chunk.first() != Some(&b'\n') {
                buf[0] = b'\r';
                written = 1;
            }
            if chunk.is_empty() {
                return Ok(written);
            }
            let mut consumed = 0;
            while consumed < chunk.len() && written < buf.len() {
                let byte = chunk[consumed];
                consumed += 1;
                if byte == b'\r' {
                    match chunk.get(consumed) {
                        Some(b'\n') => continue,
                        Some(_) => {}
                        None => {
                            self.pending_cr = true;
                            break;
                        }
                    }
                }
                buf[written] = byte;
                written += 1;
            }
            self.inner.consume(consumed);
            if written > 0 {
                return Ok(written);
            }
        }
    }
}

/// Decodes a field: UTF-8 when valid, else ISO-8859-1 (each byte is the char of that code
/// point).
fn decode(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(bytes.iter().copied().map(char::from).collect()),
    }
}

fn read_error(input: &str, error: &csv::Error, line: u64) -> ImportError {
    ImportError::Read {
        input: input.to_owned(),
        line: error.position().map_or(line, csv::Position::line),
        message: error.to_string(),
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
