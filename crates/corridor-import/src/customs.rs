//! Customs declarations: one row per declaration (format in `docs/formats/trade-files.md`).

use std::io::Read;

use corridor_reference::HsEdition;

use crate::table::{optional, required, ColumnSpec, Table, TableRow};
use crate::{Commodity, ImportError, TradePeriod, TradeRecord, TradeType};

const DECLARATION: usize = 0;
const DATE: usize = 1;
const CALENDAR: usize = 2;
const REPORTER: usize = 3;
const PARTNER: usize = 4;
const FLOW: usize = 5;
const HS_CODE: usize = 6;
const HS_EDITION: usize = 7;
const VALUE: usize = 8;
const CURRENCY: usize = 9;
const VALUE_USD: usize = 10;
const NET_WEIGHT_KG: usize = 11;
const QUANTITY: usize = 12;
const QUANTITY_UNIT: usize = 13;
const CROSSING: usize = 14;
const TRANSPORT_MODE: usize = 15;
const CONTRACT: usize = 16;

/// The columns, indexed by the constants above.
const COLUMNS: [ColumnSpec; 17] = [
    required("declaration"),
    required("date"),
    optional("calendar"),
    required("reporter"),
    required("partner"),
    required("flow"),
    required("hs_code"),
    optional("hs_edition"),
    required("value"),
    required("currency"),
    optional("value_usd"),
    optional("net_weight_kg"),
    optional("quantity"),
    optional("quantity_unit"),
    optional("crossing"),
    optional("transport_mode"),
    optional("contract"),
];

/// The accepted modes of transport.
const TRANSPORT_MODES: [&str; 7] = ["road", "rail", "sea", "air", "pipeline", "river", "other"];

/// Reads a customs declarations file (CSV) into [`TradeRecord`]s, one per declaration.
///
/// The header names the columns (any order; see `docs/formats/trade-files.md`). Each record
/// covers the declaration's day ([`TradePeriod::Day`], in the calendar the file wrote it in),
/// carries the declaration id as its `reference` and the declared value as its
/// `original_value`. A bad row yields an error and reading goes on; memory stays bounded
/// (one row at a time); the reader never opens files.
#[derive(Debug)]
pub struct CustomsReader<R> {
    table: Table<R>,
}

impl<R: Read> CustomsReader<R> {
    /// Reads and checks the header. `input` names the source in errors.
    pub fn new(input: impl Into<String>, reader: R) -> Result<Self, ImportError> {
        Ok(CustomsReader {
            table: Table::new(input.into(), reader, &COLUMNS)?,
        })
    }

    /// The names of the format's columns, in the documented order.
    pub fn columns() -> impl Iterator<Item = &'static str> {
        COLUMNS.iter().map(|spec| spec.name)
    }
}

impl<R: Read> CustomsReader<R> {
    /// The next declaration with the trade contract it ships goods for, when the file says
    /// (column `contract`): what pays an exporter when the goods cross.
    pub fn next_declaration(&mut self) -> Option<Result<Declaration, ImportError>> {
        Some(self.table.next_row()?.and_then(|row| {
            Ok(Declaration {
                record: parse(&row)?,
                contract: row.text(CONTRACT),
            })
        }))
    }
}

/// A customs declaration and the contract it ships goods for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declaration {
    /// The declaration as a trade record (its id is the record's `reference`).
    pub record: TradeRecord,
    /// The trade contract, when the file names one.
    pub contract: Option<String>,
}

impl<R: Read> Iterator for CustomsReader<R> {
    type Item = Result<TradeRecord, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(self.table.next_row()?.and_then(|row| parse(&row)))
    }
}

fn parse(row: &TableRow<'_>) -> Result<TradeRecord, ImportError> {
    let reference = row.require(DECLARATION)?.into_owned();
    let calendar = row.calendar(CALENDAR)?;
    let day = row.date(DATE, calendar)?;
    let edition = match row.get(HS_EDITION) {
        None => HsEdition::Hs2022,
        Some(text) => HsEdition::ALL
            .into_iter()
            .find(|edition| edition.to_string().eq_ignore_ascii_case(&text))
            .ok_or_else(|| {
                row.invalid(HS_EDITION, &text, "is not an HS edition (HS2017, HS2022)")
            })?,
    };
    let hs_code = row.hs_code(HS_CODE, &[edition])?;
    row.require(VALUE)?;
    row.require(CURRENCY)?;
    let (value_usd_cents, original_value) = row.values(VALUE, CURRENCY, VALUE_USD)?;
    let transport_mode = match row.get(TRANSPORT_MODE) {
        None => None,
        Some(text) => Some(
            TRANSPORT_MODES
                .into_iter()
                .find(|mode| mode.eq_ignore_ascii_case(&text))
                .ok_or_else(|| {
                    row.invalid(
                        TRANSPORT_MODE,
                        &text,
                        "is not a mode of transport (road, rail, sea, air, pipeline, river, other)",
                    )
                })?
                .to_owned(),
        ),
    };
    Ok(TradeRecord {
        line: row.line(),
        reporter: row.country(REPORTER, false)?,
        partner: row.country(PARTNER, false)?,
        flow: row.flow(FLOW, true)?,
        trade_type: TradeType::Goods,
        commodity: Commodity::Hs(hs_code),
        classification: edition.to_string(),
        period: TradePeriod::Day(day, calendar),
        value_usd_cents,
        original_value,
        net_weight_kg: row.whole(NET_WEIGHT_KG)?,
        quantity: row.quantity(QUANTITY, QUANTITY_UNIT)?,
        crossing: row.text(CROSSING),
        transport_mode,
        breakdown: String::new(),
        reference: Some(reference),
    })
}
