//! Published aggregate figures, each with its source (format in
//! `docs/formats/trade-files.md`).

use std::io::Read;

use corridor_calendar::{Calendar, GregorianDate, Period};
use corridor_reference::EbopsCode;

use crate::table::{optional, required, ColumnSpec, Table, TableRow};
use crate::{Commodity, ImportError, SourceKind, TradePeriod, TradeRecord, TradeType};

const REPORTER: usize = 0;
const PARTNER: usize = 1;
const FLOW: usize = 2;
const TRADE: usize = 3;
const CALENDAR: usize = 4;
const PERIOD: usize = 5;
const VALUE_USD: usize = 6;
const SOURCE: usize = 7;
const KIND: usize = 8;
const URL: usize = 9;
const PUBLISHED: usize = 10;
const NOTE: usize = 11;

/// The columns, indexed by the constants above.
const COLUMNS: [ColumnSpec; 12] = [
    required("reporter"),
    required("partner"),
    required("flow"),
    required("trade"),
    optional("calendar"),
    required("period"),
    required("value_usd"),
    required("source"),
    required("kind"),
    optional("url"),
    optional("published"),
    optional("note"),
];

/// Where a published figure comes from: who said it, what kind of figure it is, where and
/// when it was published, and anything worth keeping about it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FigureSource {
    /// The source's name, e.g. `IRICA` or `Tehran Chamber of Commerce`.
    pub name: String,
    /// The kind of figure: customs statistic, official statement, mirror, estimate, generated.
    pub kind: SourceKind,
    /// Where the figure was published.
    pub url: Option<String>,
    /// The Gregorian day it was published.
    pub published: Option<GregorianDate>,
    /// A free remark (how the figure was read, what it contradicts).
    pub note: Option<String>,
}

/// Reads a file of published figures (CSV) into [`TradeRecord`]s, each with its
/// [`FigureSource`].
///
/// Each row is one aggregate: a reporter's exports to or imports from a partner (or World,
/// `WLD`) of goods, services, or both together ([`TradeType::Combined`], for a figure that
/// cannot be split), over one period or a run of whole periods (`1399-01..1399-05`,
/// [`TradePeriod::Periods`]). Goods and combined figures have the commodity
/// [`Commodity::Total`], services ones the EBOPS total (`200`); the classification is
/// empty, since published figures name none.
#[derive(Debug)]
pub struct FiguresReader<R> {
    table: Table<R>,
}

impl<R: Read> FiguresReader<R> {
    /// Reads and checks the header. `input` names the source in errors.
    pub fn new(input: impl Into<String>, reader: R) -> Result<Self, ImportError> {
        Ok(FiguresReader {
            table: Table::new(input.into(), reader, &COLUMNS)?,
        })
    }

    /// The names of the format's columns, in the documented order.
    pub fn columns() -> impl Iterator<Item = &'static str> {
        COLUMNS.iter().map(|spec| spec.name)
    }
}

impl<R: Read> Iterator for FiguresReader<R> {
    type Item = Result<(TradeRecord, FigureSource), ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(self.table.next_row()?.and_then(|row| parse(&row)))
    }
}

fn parse(row: &TableRow<'_>) -> Result<(TradeRecord, FigureSource), ImportError> {
    let trade_text = row.require(TRADE)?;
    let trade_type = TradeType::from_name(&trade_text).ok_or_else(|| {
        row.invalid(
            TRADE,
            &trade_text,
            "is not a kind of trade (goods, services, goods+services)",
        )
    })?;
    let commodity = match trade_type {
        TradeType::Goods | TradeType::Combined => Commodity::Total,
        TradeType::Services => Commodity::Ebops(EbopsCode::TOTAL.to_string()),
    };
    let calendar = row.calendar(CALENDAR)?;
    let period = period(row, calendar)?;
    let kind_text = row.require(KIND)?;
    let kind = SourceKind::ALL
        .into_iter()
        .find(|kind| kind.name().eq_ignore_ascii_case(&kind_text))
        .ok_or_else(|| {
            row.invalid(
                KIND,
                &kind_text,
                "is not a kind of source (customs, official, mirror, estimate, generated)",
            )
        })?;
    let value_usd_cents = match row.usd_cents(VALUE_USD)? {
        Some(cents) => cents,
        None => return Err(row.invalid(VALUE_USD, "", "is empty, but the column is required")),
    };
    let record = TradeRecord {
        line: row.line(),
        reporter: row.country(REPORTER, false)?,
        partner: row.country(PARTNER, true)?,
        flow: row.flow(FLOW, false)?,
        trade_type,
        commodity,
        classification: String::new(),
        period,
        value_usd_cents,
        original_value: None,
        net_weight_kg: None,
        quantity: None,
        crossing: None,
        transport_mode: None,
        breakdown: String::new(),
        reference: None,
    };
    let source = FigureSource {
        name: row.require(SOURCE)?.into_owned(),
        kind,
        url: row.text(URL),
        published: row.gregorian_date(PUBLISHED)?,
        note: row.text(NOTE),
    };
    Ok((record, source))
}

/// One period, or a run `first..last` of periods of one kind, first before last (a run of
/// one period is that period).
fn period(row: &TableRow<'_>, calendar: Calendar) -> Result<TradePeriod, ImportError> {
    let text = row.require(PERIOD)?;
    let parse = |part: &str| {
        Period::parse(part.trim(), calendar).map_err(|_| {
            row.invalid(
                PERIOD,
                &text,
                "is not a period (YYYY, YYYY-MM or YYYY-Qn) of the row's calendar, or a run first..last of them",
            )
        })
    };
    let Some((first, last)) = text.split_once("..") else {
        return Ok(TradePeriod::Period(parse(&text)?));
    };
    let (first, last) = (parse(first)?, parse(last)?);
    if first.kind() != last.kind() {
        return Err(row.invalid(
            PERIOD,
            &text,
            "is a run whose ends are periods of different kinds",
        ));
    }
    if first == last {
        return Ok(TradePeriod::Period(first));
    }
    if first.first_day() > last.first_day() {
        return Err(row.invalid(
            PERIOD,
            &text,
            "is a run whose first period is after its last",
        ));
    }
    Ok(TradePeriod::Periods(first, last))
}
