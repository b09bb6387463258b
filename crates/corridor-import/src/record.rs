//! The normalized trade record every reader produces and the registry stores.

use corridor_calendar::{Calendar, GregorianDate, Period};
use corridor_core::Money;

use crate::{Commodity, CountryRef, Flow, TradeType};

/// What kind of figure a source publishes. Reports choose between sources by kind (a default
/// precedence that users may override) and `report reconcile` sets them side by side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceKind {
    /// A customs administration's statistic (IRICA, a Comtrade reporter's own figure).
    Customs,
    /// An official statement (a ministry, the trade promotion organisation).
    Official,
    /// The partner country's figure for the opposite flow (Iraq's imports from Iran read as
    /// Iran's exports to Iraq).
    Mirror,
    /// An estimate quoted in the press (a chamber of commerce, an association).
    Estimate,
    /// Generated data (the demo corridor), never mixed with real figures by default.
    Generated,
}

impl SourceKind {
    /// Every kind, in the default order of precedence (first wins).
    pub const ALL: [SourceKind; 5] = [
        SourceKind::Customs,
        SourceKind::Official,
        SourceKind::Mirror,
        SourceKind::Estimate,
        SourceKind::Generated,
    ];

    /// The lower-case name used in files and on the command line (`customs`, `official`,
    /// `mirror`, `estimate`, `generated`).
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Customs => "customs",
            SourceKind::Official => "official",
            SourceKind::Mirror => "mirror",
            SourceKind::Estimate => "estimate",
            SourceKind::Generated => "generated",
        }
    }

    /// The kind called `name` (as [`SourceKind::name`] writes it), if any.
    pub fn from_name(name: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

/// The time a figure covers: a day (a customs declaration), a calendar period (a month,
/// quarter or year, Solar Hijri or Gregorian), or a run of whole periods of one kind (a
/// cumulative figure such as "the first five months of 1399").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TradePeriod {
    /// One day, with the calendar the source wrote it in.
    Day(GregorianDate, Calendar),
    /// One period.
    Period(Period),
    /// From the first period to the last, both included, of the same kind.
    Periods(Period, Period),
}

impl TradePeriod {
    /// The first day covered.
    pub fn first_day(self) -> GregorianDate {
        match self {
            TradePeriod::Day(day, _) => day,
            TradePeriod::Period(period) | TradePeriod::Periods(period, _) => period.first_day(),
        }
    }

    /// The last day covered.
    pub fn last_day(self) -> GregorianDate {
        match self {
            TradePeriod::Day(day, _) => day,
            TradePeriod::Period(period) | TradePeriod::Periods(_, period) => period.last_day(),
        }
    }

    /// The calendar the source used.
    pub fn calendar(self) -> Calendar {
        match self {
            TradePeriod::Day(_, calendar) => calendar,
            TradePeriod::Period(period) | TradePeriod::Periods(period, _) => period.calendar(),
        }
    }
}

/// A physical quantity other than net weight, with its unit as the source writes it
/// (`u` items, `l` litres, `m2`, ...). The amount is in thousandths of the unit.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Quantity {
    /// Thousandths of `unit`.
    pub milli: i64,
    /// The unit's code or abbreviation.
    pub unit: String,
}

/// One trade figure, from any source, normalized.
///
/// Two records from the same source and revision that agree on everything but `line`,
/// the values and the quantities are the same figure (a duplicated row): the registry keeps
/// one, and refuses the load when their values differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TradeRecord {
    /// The 1-based line of the input where the figure starts.
    pub line: u64,
    /// Who reports.
    pub reporter: CountryRef,
    /// The other side (World is code 0, alpha-3 `None`).
    pub partner: CountryRef,
    /// The direction, from the reporter's side.
    pub flow: Flow,
    /// Goods or services: never added together unless a report asks for both.
    pub trade_type: TradeType,
    /// What was traded: an HS code, all goods, or an EBOPS code.
    pub commodity: Commodity,
    /// The classification as the source names it: `H6`, `HS2022`, `EB10`, ...
    pub classification: String,
    /// The time covered.
    pub period: TradePeriod,
    /// The value in US cents.
    pub value_usd_cents: i128,
    /// The value in the currency of the declaration, when the source gives it.
    pub original_value: Option<Money>,
    /// Net weight in kilograms.
    pub net_weight_kg: Option<u64>,
    /// The supplementary quantity.
    pub quantity: Option<Quantity>,
    /// The border crossing's name as the source writes it.
    pub crossing: Option<String>,
    /// The mode of transport (`road`, `rail`, `sea`, `air`, `pipeline`, ... or a Comtrade
    /// `motCode`).
    pub transport_mode: Option<String>,
    /// A part of a larger figure that the same source also gives whole: a Comtrade row broken
    /// down by second partner, customs procedure or mode of transport (`partner2=364;
    /// customs=C01; mot=2100`). Empty for a whole figure. Reports add up whole figures only.
    pub breakdown: String,
    /// The source's own identifier of the figure (a customs declaration number), when it has
    /// one. Part of the figure's identity: two declarations alike in all else are two figures.
    pub reference: Option<String>,
}
