//! Service exports and imports by period (format in `docs/formats/trade-files.md`).

use std::io::Read;

use corridor_calendar::Period;
use corridor_reference::EbopsCode;

use crate::table::{optional, required, ColumnSpec, Table, TableRow};
use crate::{Commodity, ImportError, TradePeriod, TradeRecord, TradeType};

const REPORTER: usize = 0;
const PARTNER: usize = 1;
const FLOW: usize = 2;
const PERIOD: usize = 3;
const CALENDAR: usize = 4;
const EBOPS: usize = 5;
const VALUE_USD: usize = 6;
const VALUE: usize = 7;
const CURRENCY: usize = 8;

/// The columns, indexed by the constants above.
const COLUMNS: [ColumnSpec; 9] = [
    required("reporter"),
    required("partner"),
    required("flow"),
    required("period"),
    optional("calendar"),
    required("ebops"),
    optional("value_usd"),
    optional("value"),
    optional("currency"),
];

/// The classification every services record carries: EBOPS 2010, as Comtrade names it.
const EBOPS_CLASSIFICATION: &str = "EB10";

/// Reads a services file (CSV) into [`TradeRecord`]s of [`TradeType::Services`].
///
/// Each row is one figure: a reporter's exports to or imports from a partner (or World,
/// `WLD`) of one EBOPS 2010 component over one period (a month, quarter or year, Solar
/// Hijri or Gregorian). The commodity is [`Commodity::Ebops`] with the code as
/// [`EbopsCode`] writes it (`200` for the total, `SJ` ...), the classification `EB10`.
#[derive(Debug)]
pub struct ServicesReader<R> {
    table: Table<R>,
}

impl<R: Read> ServicesReader<R> {
    /// Reads and checks the header. `input` names the source in errors.
    pub fn new(input: impl Into<String>, reader: R) -> Result<Self, ImportError> {
        Ok(ServicesReader {
            table: Table::new(input.into(), reader, &COLUMNS)?,
        })
    }

    /// The names of the format's columns, in the documented order.
    pub fn columns() -> impl Iterator<Item = &'static str> {
        COLUMNS.iter().map(|spec| spec.name)
    }
}

impl<R: Read> Iterator for ServicesReader<R> {
    type Item = Result<TradeRecord, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(self.table.next_row()?.and_then(|row| parse(&row)))
    }
}

fn parse(row: &TableRow<'_>) -> Result<TradeRecord, ImportError> {
    let calendar = row.calendar(CALENDAR)?;
    let period_text = row.require(PERIOD)?;
    let period = Period::parse(&period_text, calendar).map_err(|_| {
        row.invalid(
            PERIOD,
            &period_text,
            "is not a period (YYYY, YYYY-MM or YYYY-Qn) of the row's calendar",
        )
    })?;
    let ebops_text = row.require(EBOPS)?;
    let ebops = EbopsCode::parse(&ebops_text).map_err(|_| {
        row.invalid(
            EBOPS,
            &ebops_text,
            "is not an EBOPS 2010 code (200 or S for the total, SA to SL, 205, 236, 249)",
        )
    })?;
    let (value_usd_cents, original_value) = row.values(VALUE, CURRENCY, VALUE_USD)?;
    Ok(TradeRecord {
        line: row.line(),
        reporter: row.country(REPORTER, false)?,
        partner: row.country(PARTNER, true)?,
        flow: row.flow(FLOW, false)?,
        trade_type: TradeType::Services,
        commodity: Commodity::Ebops(ebops.to_string()),
        classification: EBOPS_CLASSIFICATION.to_owned(),
        period: TradePeriod::Period(period),
        value_usd_cents,
        original_value,
        net_weight_kg: None,
        quantity: None,
        crossing: None,
        transport_mode: None,
        breakdown: String::new(),
        reference: None,
    })
}
