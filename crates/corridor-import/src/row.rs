//! The typed row and its parts.

use corridor_reference::HsCode;

/// Which Comtrade layout a file uses, detected from its header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Layout {
    /// Comtrade Plus (API and bulk): `typeCode,freqCode,refPeriodId,...,primaryValue,...`.
    Current,
    /// The old API and bulk CSV: `Classification,Year,Period,...,Trade Value (US$),...`.
    Legacy,
}

/// Goods or services (`typeCode` C or S).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TradeType {
    /// Merchandise, classified in HS (`typeCode` C).
    Goods,
    /// Services, classified in EBOPS (`typeCode` S).
    Services,
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
    /// Who reports.
    pub reporter: CountryRef,
    /// The other side (World is code 0).
    pub partner: CountryRef,
    /// The direction.
    pub flow: Flow,
    /// What was traded.
    pub commodity: Commodity,
    /// The classification as written, e.g. `H6` or `EB10`.
    pub classification: String,
    /// Net weight in kilograms, when given.
    pub net_weight_kg: Option<u64>,
    /// The value in US cents (`primaryValue` or `Trade Value (US$)`).
    pub value_usd_cents: i128,
}
