//! What the customs, services and figures readers share: a CSV table whose header names its
//! columns exactly (any order, unknown names refused), and the parsing of the fields the
//! formats have in common.

use std::borrow::Cow;
use std::io::{BufReader, Read};

use corridor_calendar::{Calendar, GregorianDate, SolarHijriDate};
use corridor_core::{Currency, Money};
use corridor_reference::{country_by_alpha3, hs_lookup, HsCode, HsEdition};

use crate::input::{decode, read_error, CrlfToLf};
use crate::number::{decimals_count, parse_integral, parse_scaled, ungroup};
use crate::{CountryRef, Flow, ImportError, Quantity};

/// A column of a format: its exact header name and whether every file must have it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ColumnSpec {
    pub(crate) name: &'static str,
    pub(crate) required: bool,
}

/// A required column.
pub(crate) const fn required(name: &'static str) -> ColumnSpec {
    ColumnSpec {
        name,
        required: true,
    }
}

/// An optional column.
pub(crate) const fn optional(name: &'static str) -> ColumnSpec {
    ColumnSpec {
        name,
        required: false,
    }
}

/// A CSV input read row by row against a fixed set of columns.
#[derive(Debug)]
pub(crate) struct Table<R> {
    input: String,
    csv: csv::Reader<CrlfToLf<BufReader<R>>>,
    columns: &'static [ColumnSpec],
    /// For each of `columns`, its index in the header, if the header has it.
    positions: Vec<Option<usize>>,
    header_len: usize,
    record: csv::ByteRecord,
    done: bool,
    /// Added to every line number: the lines of the file before this part of it.
    line_offset: u64,
}

impl<R: Read> Table<R> {
    /// A table over a part of a file: `reader` gives the file's header line and then the
    /// rows of the part, which follow `line_offset` lines of rows in the file.
    pub(crate) fn part(
        input: String,
        reader: R,
        columns: &'static [ColumnSpec],
        line_offset: u64,
    ) -> Result<Self, ImportError> {
        let mut table = Table::new(input, reader, columns)?;
        table.line_offset = line_offset;
        Ok(table)
    }

    /// Reads and checks the header: a UTF-8 byte-order mark and spaces around names are
    /// dropped; every name must be one of `columns`, at most once; every required column
    /// must be there.
    pub(crate) fn new(
        input: String,
        reader: R,
        columns: &'static [ColumnSpec],
    ) -> Result<Self, ImportError> {
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
        let mut positions = vec![None; columns.len()];
        for (index, name) in header.iter().enumerate() {
            let Some(spec) = columns.iter().position(|spec| spec.name == name) else {
                return Err(ImportError::UnknownColumn {
                    input,
                    column: name.clone(),
                    accepted: names(columns.iter()),
                });
            };
            if positions[spec].replace(index).is_some() {
                return Err(ImportError::DuplicateColumn {
                    input,
                    column: name.clone(),
                });
            }
        }
        let missing = columns
            .iter()
            .zip(&positions)
            .filter(|(spec, position)| spec.required && position.is_none())
            .map(|(spec, _)| spec);
        let missing = names(missing);
        if !missing.is_empty() {
            return Err(ImportError::MissingColumns { input, missing });
        }
        Ok(Table {
            input,
            csv,
            columns,
            positions,
            header_len: header.len(),
            record: csv::ByteRecord::new(),
            done: false,
            line_offset: 0,
        })
    }

    /// The next row, its field count checked; `None` at the end or after an I/O error.
    pub(crate) fn next_row(&mut self) -> Option<Result<TableRow<'_>, ImportError>> {
        if self.done {
            return None;
        }
        match self.csv.read_byte_record(&mut self.record) {
            Ok(true) => {}
            Ok(false) => {
                self.done = true;
                return None;
            }
            Err(error) => {
                self.done = true;
                let line = self.csv.position().line() + self.line_offset;
                return Some(Err(read_error(&self.input, &error, line)));
            }
        }
        let line = self.record.position().map_or(0, csv::Position::line) + self.line_offset;
        if self.record.len() != self.header_len {
            return Some(Err(ImportError::FieldCount {
                input: self.input.clone(),
                line,
                expected: self.header_len,
                found: self.record.len(),
            }));
        }
        Some(Ok(TableRow {
            input: &self.input,
            line,
            record: &self.record,
            columns: self.columns,
            positions: &self.positions,
        }))
    }
}

/// The names of `columns`, comma-separated.
fn names<'a>(columns: impl Iterator<Item = &'a ColumnSpec>) -> String {
    columns.map(|spec| spec.name).collect::<Vec<_>>().join(", ")
}

/// One row of a [`Table`]. Columns are named by their index in the format's column list.
pub(crate) struct TableRow<'a> {
    input: &'a str,
    line: u64,
    record: &'a csv::ByteRecord,
    columns: &'static [ColumnSpec],
    positions: &'a [Option<usize>],
}

impl<'a> TableRow<'a> {
    /// A row whose fields come from elsewhere than a CSV file (a JSON object), laid out as
    /// `positions` says: for each of `columns`, the index of its field in `record`.
    pub(crate) fn from_parts(
        input: &'a str,
        line: u64,
        record: &'a csv::ByteRecord,
        columns: &'static [ColumnSpec],
        positions: &'a [Option<usize>],
    ) -> TableRow<'a> {
        TableRow {
            input,
            line,
            record,
            columns,
            positions,
        }
    }
}

impl TableRow<'_> {
    /// The 1-based line where the row starts.
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// The field's text, trimmed; `None` when the header lacks the column or the field is
    /// empty.
    pub(crate) fn get(&self, column: usize) -> Option<Cow<'_, str>> {
        let index = (*self.positions.get(column)?)?;
        let text = decode(self.record.get(index).unwrap_or_default());
        match text {
            Cow::Borrowed(text) => {
                let text = text.trim();
                (!text.is_empty()).then_some(Cow::Borrowed(text))
            }
            Cow::Owned(text) => {
                let text = text.trim();
                (!text.is_empty()).then(|| Cow::Owned(text.to_owned()))
            }
        }
    }

    /// The field's text, which must not be empty.
    pub(crate) fn require(&self, column: usize) -> Result<Cow<'_, str>, ImportError> {
        self.get(column)
            .ok_or_else(|| self.invalid(column, "", "is empty, but the column is required"))
    }

    /// An error about `column`, whose field reads `value`.
    pub(crate) fn invalid(&self, column: usize, value: &str, reason: &'static str) -> ImportError {
        ImportError::InvalidField {
            input: self.input.to_owned(),
            line: self.line,
            column: self.columns.get(column).map_or("?", |spec| spec.name),
            value: value.to_owned(),
            reason,
        }
    }

    /// Free text, `None` when empty.
    pub(crate) fn text(&self, column: usize) -> Option<String> {
        self.get(column).map(Cow::into_owned)
    }

    /// A country by ISO 3166-1 alpha-3 code (ASCII case ignored), or World (`WLD`) where
    /// `world_allowed`.
    pub(crate) fn country(
        &self,
        column: usize,
        world_allowed: bool,
    ) -> Result<CountryRef, ImportError> {
        let text = self.require(column)?;
        if text.eq_ignore_ascii_case("WLD") {
            if world_allowed {
                return Ok(CountryRef {
                    code: 0,
                    alpha3: None,
                });
            }
            return Err(self.invalid(column, &text, "is World, which is not allowed here"));
        }
        country_by_alpha3(&text)
            .map(|country| CountryRef {
                code: country.comtrade_code(),
                alpha3: Some(country.alpha3()),
            })
            .ok_or_else(|| self.invalid(column, &text, "is not an ISO 3166-1 alpha-3 country code"))
    }

    /// A flow by name; only `export` and `import` unless `re_flows`.
    pub(crate) fn flow(&self, column: usize, re_flows: bool) -> Result<Flow, ImportError> {
        let text = self.require(column)?;
        match Flow::from_name(&text) {
            Some(flow @ (Flow::Export | Flow::Import)) => Ok(flow),
            Some(flow) if re_flows => Ok(flow),
            _ if re_flows => Err(self.invalid(
                column,
                &text,
                "is not a flow (export, import, re-export, re-import)",
            )),
            _ => Err(self.invalid(column, &text, "is not a flow (export, import)")),
        }
    }

    /// The calendar, `gregorian` when the column is absent or empty.
    pub(crate) fn calendar(&self, column: usize) -> Result<Calendar, ImportError> {
        let Some(text) = self.get(column) else {
            return Ok(Calendar::Gregorian);
        };
        if text.eq_ignore_ascii_case("gregorian") {
            Ok(Calendar::Gregorian)
        } else if text.eq_ignore_ascii_case("solar-hijri") {
            Ok(Calendar::SolarHijri)
        } else {
            Err(self.invalid(column, &text, "is not a calendar (gregorian, solar-hijri)"))
        }
    }

    /// A required date `YYYY-MM-DD` read in `calendar`, as a Gregorian day.
    pub(crate) fn date(
        &self,
        column: usize,
        calendar: Calendar,
    ) -> Result<GregorianDate, ImportError> {
        let text = self.require(column)?;
        match calendar {
            Calendar::Gregorian => text.parse::<GregorianDate>().map_err(|_| {
                self.invalid(
                    column,
                    &text,
                    "is not a Gregorian date (YYYY-MM-DD) from 1600 to 2600",
                )
            }),
            Calendar::SolarHijri => text
                .parse::<SolarHijriDate>()
                .map(SolarHijriDate::to_gregorian)
                .map_err(|_| {
                    self.invalid(
                        column,
                        &text,
                        "is not a Solar Hijri date (YYYY-MM-DD) from 0978-10-11 to 1979-10-10",
                    )
                }),
        }
    }

    /// A required HS code of 2, 4 or 6 digits (`0702.00` also accepted) that exists in one
    /// of `editions`.
    pub(crate) fn hs_code(
        &self,
        column: usize,
        editions: &[HsEdition],
    ) -> Result<HsCode, ImportError> {
        let text = self.require(column)?;
        let digits = match text.split_once('.') {
            Some((heading, subheading)) if heading.len() == 4 && subheading.len() == 2 => {
                format!("{heading}{subheading}")
            }
            _ => text.to_string(),
        };
        let code = HsCode::parse(&digits).map_err(|_| {
            self.invalid(
                column,
                &text,
                "is not an HS code (2, 4 or 6 digits, or NNNN.NN)",
            )
        })?;
        if !editions
            .iter()
            .any(|edition| hs_lookup(*edition, &code).is_some())
        {
            let reason = if editions.len() == 1 {
                "is not a code of the row's HS edition"
            } else {
                "is not a code of HS2017 or HS2022"
            };
            return Err(self.invalid(column, &text, reason));
        }
        Ok(code)
    }

    /// A Gregorian `YYYY-MM-DD` date, `None` when empty.
    pub(crate) fn gregorian_date(
        &self,
        column: usize,
    ) -> Result<Option<GregorianDate>, ImportError> {
        let Some(text) = self.get(column) else {
            return Ok(None);
        };
        text.parse::<GregorianDate>().map(Some).map_err(|_| {
            self.invalid(
                column,
                &text,
                "is not a Gregorian date (YYYY-MM-DD) from 1600 to 2600",
            )
        })
    }

    /// A US dollar amount in cents, `None` when empty: digits with optional `,` thousands
    /// separators and an optional point; more than two decimals are rounded half to even.
    pub(crate) fn usd_cents(&self, column: usize) -> Result<Option<i128>, ImportError> {
        let Some(text) = self.get(column) else {
            return Ok(None);
        };
        ungroup(&text)
            .and_then(|plain| parse_scaled(&plain, 2))
            .map(Some)
            .ok_or_else(|| {
                self.invalid(
                    column,
                    &text,
                    "is not a US$ amount (digits, optional ',' thousands separators, one optional point)",
                )
            })
    }

    /// A whole number, `None` when empty (optional `,` thousands separators).
    pub(crate) fn whole(&self, column: usize) -> Result<Option<u64>, ImportError> {
        let Some(text) = self.get(column) else {
            return Ok(None);
        };
        ungroup(&text)
            .and_then(|plain| parse_integral(&plain))
            .map(Some)
            .ok_or_else(|| self.invalid(column, &text, "is not a whole number"))
    }

    /// A quantity and its unit; both or neither must be given. At most three decimals.
    pub(crate) fn quantity(
        &self,
        amount: usize,
        unit: usize,
    ) -> Result<Option<Quantity>, ImportError> {
        match (self.get(amount), self.text(unit)) {
            (None, None) => Ok(None),
            (Some(_), None) => {
                Err(self.invalid(unit, "", "is empty, but a quantity needs its unit"))
            }
            (None, Some(_)) => {
                Err(self.invalid(amount, "", "is empty, but a quantity unit is given"))
            }
            (Some(text), Some(unit)) => {
                let milli = ungroup(&text)
                    .filter(|plain| decimals_count(plain) <= 3)
                    .and_then(|plain| parse_scaled(&plain, 3))
                    .and_then(|milli| i64::try_from(milli).ok())
                    .ok_or_else(|| {
                        self.invalid(
                            amount,
                            &text,
                            "is not a quantity (digits, optional ',' thousands separators, at most 3 decimals)",
                        )
                    })?;
                Ok(Some(Quantity { milli, unit }))
            }
        }
    }

    /// The amount in the currency of `currency_column`, and the US dollar value: the value
    /// in US cents must be given unless the currency is USD, in which case it defaults to
    /// the amount (and must equal it when given).
    pub(crate) fn values(
        &self,
        value_column: usize,
        currency_column: usize,
        usd_column: usize,
    ) -> Result<(i128, Option<Money>), ImportError> {
        let original = match (self.get(value_column), self.get(currency_column)) {
            (None, None) => None,
            (Some(_), None) => {
                return Err(self.invalid(
                    currency_column,
                    "",
                    "is empty, but a value needs its currency",
                ))
            }
            (None, Some(_)) => {
                return Err(self.invalid(value_column, "", "is empty, but a currency is given"))
            }
            (Some(value), Some(code)) => {
                let currency = Currency::from_code(&code).map_err(|_| {
                    self.invalid(currency_column, &code, "is not an ISO 4217 currency code")
                })?;
                let money = Money::parse_amount(&value, currency)
                    .ok()
                    .filter(|money| money.amount_minor() >= 0)
                    .ok_or_else(|| {
                        self.invalid(
                            value_column,
                            &value,
                            "is not an amount of the currency (digits, optional ',' thousands separators, at most the currency's decimals)",
                        )
                    })?;
                Some(money)
            }
        };
        let usd = self.usd_cents(usd_column)?;
        let usd_original = original
            .filter(|money| money.currency() == Currency::USD)
            .map(Money::amount_minor);
        let cents = match (usd, usd_original) {
            (Some(cents), Some(original)) if cents != original => {
                let text = self
                    .get(usd_column)
                    .map(Cow::into_owned)
                    .unwrap_or_default();
                return Err(self.invalid(
                    usd_column,
                    &text,
                    "differs from value, whose currency is USD",
                ));
            }
            (Some(cents), _) | (None, Some(cents)) => cents,
            (None, None) => {
                return Err(self.invalid(
                    usd_column,
                    "",
                    "is empty, but it is required unless the currency is USD",
                ))
            }
        };
        Ok((cents, original))
    }
}
