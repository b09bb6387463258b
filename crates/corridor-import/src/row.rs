//! The typed row and its parts.

use corridor_calendar::Period;
use corridor_reference::HsCode;

use crate::number::parse_integral;
use crate::{Quantity, TradePeriod, TradeRecord};

/// Which Comtrade layout a file uses, detected from its header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Layout {
    /// Comtrade Plus (API and bulk): `typeCode,freqCode,refPeriodId,...,primaryValue,...`.
    Current,
    /// The old API and bulk CSV: `Classification,Year,Period,...,Trade Value (US$),...`, in
    /// its 35-column and its older 22-column form.
    Legacy,
    /// The compact legacy bulk form, annual only:
    /// `Year,Reporter Code,Trade Flow Code,Partner Code,Classification,Commodity Code,...,Value,...`.
    Compact,
}

/// Goods or services (`typeCode` C or S).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TradeType {
    /// Merchandise, classified in HS (`typeCode` C).
    Goods,
    /// Services, classified in EBOPS (`typeCode` S).
    Services,
    /// Goods and services together: a published figure that covers both and cannot be split
    /// (a minister's "trade with Iraq"). Never read from Comtrade. Reports count it only when
    /// they are asked for goods and services together, never in a goods or a services total.
    Combined,
}

impl TradeType {
    /// Every trade type.
    pub const ALL: [TradeType; 3] = [TradeType::Goods, TradeType::Services, TradeType::Combined];

    /// The name used in Corridor's files: `goods`, `services`, `goods+services`.
    pub fn name(self) -> &'static str {
        match self {
            TradeType::Goods => "goods",
            TradeType::Services => "services",
            TradeType::Combined => "goods+services",
        }
    }

    /// The trade type called `name` (as [`TradeType::name`] writes it, ASCII case ignored).
    pub fn from_name(name: &str) -> Option<TradeType> {
        TradeType::ALL
            .into_iter()
            .find(|trade_type| trade_type.name().eq_ignore_ascii_case(name))
    }
}

/// Annual or monthly figures (`freqCode` A or M).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Frequency {
    /// A calendar year.
    Annual,
    /// A calendar month.
    Monthly,
}

/// The direction of trade, from the reporter's side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flow {
    /// `X` / `Export`.
    Export,
    /// `M` / `Import`.
    Import,
    /// `RX` / `Re-Export`.
    ReExport,
    /// `RM` / `Re-Import`.
    ReImport,
}

impl Flow {
    /// Every flow.
    pub const ALL: [Flow; 4] = [Flow::Export, Flow::Import, Flow::ReExport, Flow::ReImport];

    /// The lower-case name used in Corridor's files: `export`, `import`, `re-export`,
    /// `re-import`.
    pub fn name(self) -> &'static str {
        match self {
            Flow::Export => "export",
            Flow::Import => "import",
            Flow::ReExport => "re-export",
            Flow::ReImport => "re-import",
        }
    }

    /// The flow called `name` (as [`Flow::name`] writes it, ASCII case ignored), if any.
    pub fn from_name(name: &str) -> Option<Flow> {
        Flow::ALL
            .into_iter()
            .find(|flow| flow.name().eq_ignore_ascii_case(name))
    }
}

/// What was traded.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Commodity {
    /// An HS chapter, heading or subheading (leading zero restored).
    Hs(HsCode),
    /// All goods (`TOTAL`).
    Total,
    /// A services code as written, e.g. `200` (total EBOPS 2010) or `S`.
    Ebops(String),
}

/// A reporter or partner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CountryRef {
    /// UN Comtrade's code (842 for the USA, 0 for World, 899 for areas n.e.s.).
    pub code: u16,
    /// ISO 3166-1 alpha-3 of the country, `None` for World and other aggregates.
    pub alpha3: Option<&'static str>,
}

/// One row of a Comtrade file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComtradeRow {
    /// The layout of the file it came from.
    pub layout: Layout,
    /// The 1-based line where the row starts.
    pub line: u64,
    /// Goods or services.
    pub type_code: TradeType,
    /// Annual or monthly.
    pub frequency: Frequency,
    /// The Gregorian year.
    pub year: i32,
    /// The month (1 to 12) of monthly rows; `None` for annual ones.
    pub month: Option<u8>,
    /// The Gregorian month (monthly rows) or year (annual ones) the row covers.
    pub period: Period,
    /// Who reports.
    pub reporter: CountryRef,
    /// The other side (World is code 0).
    pub partner: CountryRef,
    /// The second partner's Comtrade code (`partner2Code`, `2nd Partner Code`), when the file
    /// has the column and the field is not empty; 0 (World) means no breakdown.
    pub partner2: Option<u16>,
    /// The direction.
    pub flow: Flow,
    /// The sub-flow code when the row is only part of its flow: `MIP` or `MOP` (part of the
    /// imports), `XIP` or `XOP` (part of the exports). `None` for the whole flow.
    pub sub_flow: Option<String>,
    /// What was traded.
    pub commodity: Commodity,
    /// The classification as written, e.g. `H6` or `EB10`.
    pub classification: String,
    /// The commodity code's aggregate level (`aggrLevel`, `Aggregate Level`: 0 for TOTAL,
    /// 2, 4, 6 for HS), when given.
    pub aggregate_level: Option<u8>,
    /// The customs procedure code as written (`C00` is all procedures), when given.
    pub customs_code: Option<String>,
    /// The mode of transport code as written, trimmed (`0` is all modes), when given.
    pub mot_code: Option<String>,
    /// Net weight in kilograms, when given (fractions of a kilogram, which Comtrade's
    /// estimated weights have, are rounded half to even).
    pub net_weight_kg: Option<u64>,
    /// The quantity in its unit, when given: empty quantities and unit code `-1` (N/A) give
    /// `None`. The unit is the file's abbreviation (`qtyUnitAbbr`) when it has one, else
    /// Comtrade's unit code as a number (`8`, `5`).
    pub quantity: Option<Quantity>,
    /// The value in US cents (`primaryValue`, `Trade Value (US$)` or `Value`).
    pub value_usd_cents: i128,
}

impl ComtradeRow {
    /// The row as a normalized [`TradeRecord`]: the period is the Gregorian month or year;
    /// a row that is only part of a figure (second partner other than World, customs
    /// procedure other than `C00`, mode of transport other than `0`, or a sub-flow) gets a
    /// `breakdown` listing those parts, as in `partner2=364;customs=C01;mot=2100;flow=MIP`,
    /// and an empty one otherwise. A mode of transport other than `0` also becomes the
    /// record's `transport_mode`. Comtrade gives no original currency, crossing or reference.
    pub fn into_record(self) -> TradeRecord {
        let breakdown = self.breakdown();
        let transport_mode = self.mot_code.filter(|code| !is_zero(code));
        TradeRecord {
            line: self.line,
            reporter: self.reporter,
            partner: self.partner,
            flow: self.flow,
            trade_type: self.type_code,
            commodity: self.commodity,
            classification: self.classification,
            period: TradePeriod::Period(self.period),
            value_usd_cents: self.value_usd_cents,
            original_value: None,
            net_weight_kg: self.net_weight_kg,
            quantity: self.quantity,
            crossing: None,
            transport_mode,
            breakdown,
            reference: None,
        }
    }

    /// The non-total parts of the row, `;`-separated; empty for a whole figure.
    pub fn breakdown(&self) -> String {
        let mut parts = Vec::new();
        if let Some(partner2) = self.partner2.filter(|code| *code != 0) {
            parts.push(format!("partner2={partner2}"));
        }
        if let Some(customs) = self.customs_code.as_deref().filter(|code| *code != "C00") {
            parts.push(format!("customs={customs}"));
        }
        if let Some(mot) = self.mot_code.as_deref().filter(|code| !is_zero(code)) {
            parts.push(format!("mot={mot}"));
        }
        if let Some(sub_flow) = &self.sub_flow {
            parts.push(format!("flow={sub_flow}"));
        }
        parts.join(";")
    }
}

/// Whether a code is Comtrade's "all" code `0` (also written `0.0`).
fn is_zero(code: &str) -> bool {
    parse_integral(code) == Some(0)
}
