//! How the registry writes typed values into its text columns, and reads them back.

use std::borrow::Cow;

use corridor_calendar::Calendar;
use corridor_import::{Commodity, CountryRef, Flow, TradePeriod, TradeType};
use corridor_reference::{country_by_alpha3, EbopsCode, HsCode};

/// The World partner's code in the registry (UN M49 `0`, Comtrade `W00`).
pub const WORLD: &str = "WLD";

/// A country as stored: its ISO alpha-3 code, [`WORLD`] for the world, `C` and Comtrade's
/// number for other aggregates (`C899`, areas not elsewhere specified).
pub(crate) fn country(country: CountryRef) -> Cow<'static, str> {
    match country.alpha3 {
        Some(alpha3) => Cow::Borrowed(alpha3),
        None if country.code == 0 => Cow::Borrowed(WORLD),
        None => Cow::Owned(format!("C{}", country.code)),
    }
}

/// Whether a stored partner code is a single country (not World or another aggregate).
pub(crate) fn is_country(code: &str) -> bool {
    country_by_alpha3(code).is_some()
}

/// A flow as stored: `X`, `M`, `RX`, `RM`.
pub(crate) fn flow(flow: Flow) -> &'static str {
    match flow {
        Flow::Export => "X",
        Flow::Import => "M",
        Flow::ReExport => "RX",
        Flow::ReImport => "RM",
    }
}

/// Goods, as stored.
pub(crate) const GOODS: &str = "goods";
/// Services, as stored.
pub(crate) const SERVICES: &str = "services";
/// A figure of goods and services together that cannot be split, as stored.
pub(crate) const COMBINED: &str = "combined";

/// Goods, services, or both in one figure, as stored.
pub(crate) fn trade(trade: TradeType) -> &'static str {
    match trade {
        TradeType::Goods => GOODS,
        TradeType::Services => SERVICES,
        TradeType::Combined => COMBINED,
    }
}

/// The commodity as stored, with its level: `TOTAL` level 0; an HS code at its number of
/// digits (2, 4 or 6); an EBOPS code by its letter code (`SJ`), level 0 for the services
/// total (`S`, also written `200`) and 1 otherwise. Codes outside the EBOPS top-level table
/// are kept as written, at level 1.
pub(crate) fn commodity(commodity: &Commodity) -> (String, i64) {
    match commodity {
        Commodity::Total => ("TOTAL".to_owned(), 0),
        Commodity::Hs(code) => (code.as_str().to_owned(), code.as_str().len() as i64),
        Commodity::Ebops(code) => match EbopsCode::parse(code) {
            Ok(parsed) if parsed == EbopsCode::TOTAL => (parsed.entry().letter().to_owned(), 0),
            Ok(parsed) => (parsed.entry().letter().to_owned(), 1),
            Err(_) => (code.trim().to_owned(), 1),
        },
    }
}

/// What reports group a commodity under: the HS chapter of goods below the total, the EBOPS
/// code of services below the total, `TOTAL` for totals.
pub(crate) fn group(commodity: &Commodity) -> String {
    match commodity {
        Commodity::Hs(code) => code.chapter().as_str().to_owned(),
        other => match self::commodity(other) {
            (_, 0) => "TOTAL".to_owned(),
            (code, _) => code,
        },
    }
}

/// The chapter of a stored group, when it is one (`07`).
pub(crate) fn chapter_of_group(group: &str) -> Option<HsCode> {
    if group.len() == 2 {
        HsCode::parse(group).ok()
    } else {
        None
    }
}

/// A calendar as stored.
pub(crate) fn calendar(calendar: Calendar) -> &'static str {
    match calendar {
        Calendar::Gregorian => "gregorian",
        Calendar::SolarHijri => "solar-hijri",
    }
}

/// The calendar stored as `text`.
pub(crate) fn calendar_from(text: &str) -> Option<Calendar> {
    match text {
        "gregorian" => Some(Calendar::Gregorian),
        "solar-hijri" => Some(Calendar::SolarHijri),
        _ => None,
    }
}

/// A period as stored (its label in its own calendar): `2022-05-03` (a day, in the calendar
/// the source used), `1399-02`, `2022`, or `1399-01..1399-05`.
pub(crate) fn period_label(period: TradePeriod) -> String {
    match period {
        TradePeriod::Day(day, Calendar::Gregorian) => day.to_string(),
        TradePeriod::Day(day, Calendar::SolarHijri) => day.to_solar_hijri().to_string(),
        TradePeriod::Period(period) => period.to_string(),
        TradePeriod::Periods(first, last) => format!("{first}..{last}"),
    }
}
