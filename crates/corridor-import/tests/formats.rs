//! The customs, services and figures readers: the fixtures' values, and their errors.
#![allow(clippy::unwrap_used)]

use corridor_calendar::{Calendar, GregorianDate, Period};
use corridor_core::{Currency, Money};
use corridor_import::{
    Commodity, CustomsReader, FigureSource, FiguresReader, Flow, ImportError, Quantity,
    ServicesReader, SourceKind, TradePeriod, TradeRecord, TradeType,
};
use corridor_reference::HsCode;

fn date(text: &str) -> GregorianDate {
    text.parse().unwrap()
}

fn customs(input: &[u8]) -> Vec<Result<TradeRecord, ImportError>> {
    CustomsReader::new("customs.csv", input).unwrap().collect()
}

/// The first error of each row, or `ok`.
fn errors<T>(rows: Vec<Result<T, ImportError>>) -> Vec<String> {
    rows.into_iter()
        .map(|row| row.map_or_else(|error| error.to_string(), |_| "ok".to_owned()))
        .collect()
}

#[test]
fn customs_fixture() {
    let rows: Vec<_> = customs(include_bytes!("fixtures/customs.csv"))
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 3);
    let tomatoes = &rows[0];
    assert_eq!(tomatoes.line, 2);
    assert_eq!(tomatoes.reference.as_deref(), Some("EX-1399-000123"));
    // 15 Ordibehesht 1399 is 4 May 2020.
    assert_eq!(
        tomatoes.period,
        TradePeriod::Day(date("2020-05-04"), Calendar::SolarHijri)
    );
    assert_eq!((tomatoes.reporter.code, tomatoes.partner.code), (364, 368));
    assert_eq!(tomatoes.flow, Flow::Export);
    assert_eq!(
        tomatoes.commodity,
        Commodity::Hs(HsCode::parse("070200").unwrap())
    );
    assert_eq!(tomatoes.classification, "HS2017");
    assert_eq!(tomatoes.value_usd_cents, 2_500_000);
    assert_eq!(
        tomatoes.original_value,
        Some(Money::from_minor(2_500_000, Currency::USD))
    );
    assert_eq!(tomatoes.net_weight_kg, Some(24_000));
    assert_eq!(tomatoes.crossing.as_deref(), Some("Mehran"));
    assert_eq!(tomatoes.transport_mode.as_deref(), Some("road"));
    assert_eq!(tomatoes.breakdown, "");
    assert_eq!(tomatoes.trade_type, TradeType::Goods);

    let cement = &rows[1];
    assert_eq!(cement.classification, "HS2022");
    assert_eq!(
        cement.period,
        TradePeriod::Day(date("2023-05-10"), Calendar::Gregorian)
    );
    assert_eq!(
        cement.original_value,
        Some(Money::from_minor(1_310_000_000_000, Currency::IQD))
    );
    assert_eq!(cement.value_usd_cents, 100_000_000);
    assert_eq!(
        cement.quantity,
        Some(Quantity {
            milli: 3_000_000,
            unit: "t".to_owned()
        })
    );

    let aluminium = &rows[2];
    assert_eq!(aluminium.flow, Flow::Import);
    assert_eq!(
        aluminium.original_value,
        Some(Money::from_minor(4_500_050, Currency::EUR))
    );
    // 48600.545 rounds half to even: 48600.54.
    assert_eq!(aluminium.value_usd_cents, 4_860_054);
    assert_eq!(aluminium.crossing, None);
    assert_eq!(aluminium.transport_mode.as_deref(), Some("rail"));
    assert_eq!(
        aluminium.period,
        TradePeriod::Day(date("2023-06-01"), Calendar::Gregorian)
    );
}

#[test]
fn customs_columns_in_any_order() {
    let rows = customs(
        b"currency,value,hs_code,flow,partner,reporter,date,declaration\r\n\
          USD,\"1,234.5\",8542.31,re-export,IRQ,irn,2024-02-29,D1\r\n",
    );
    let record = rows[0].as_ref().unwrap();
    assert_eq!(record.flow, Flow::ReExport);
    assert_eq!(record.value_usd_cents, 123_450);
    assert_eq!(
        record.commodity,
        Commodity::Hs(HsCode::parse("854231").unwrap())
    );
    assert_eq!(record.reporter.alpha3, Some("IRN"));
}

#[test]
fn customs_header_errors() {
    let header_error = |input: &[u8]| CustomsReader::new("c.csv", input).unwrap_err().to_string();
    assert_eq!(
        header_error(b"declaration,date,reporter,partner,flow,hs_code,value,currency,weight\n"),
        "c.csv line 1, column \"weight\": unknown column; the accepted columns are declaration, date, calendar, reporter, partner, flow, hs_code, hs_edition, value, currency, value_usd, net_weight_kg, quantity, quantity_unit, crossing, transport_mode, contract"
    );
    assert_eq!(
        header_error(b"declaration,date\n"),
        "c.csv line 1: missing required columns reporter, partner, flow, hs_code, value, currency"
    );
    assert_eq!(
        header_error(b"date,date\n"),
        "c.csv line 1, column \"date\": the column appears twice"
    );
}

#[test]
fn customs_row_errors() {
    let header = "declaration,date,calendar,reporter,partner,flow,hs_code,hs_edition,value,currency,value_usd,net_weight_kg,quantity,quantity_unit,crossing,transport_mode\n";
    let rows = [
        "D,2020-02-30,,IRN,IRQ,export,0702,,1,USD,,,,,,",
        "D,1399-12-30,solar-hijri,IRN,IRQ,export,0702,,1,USD,,,,,,",
        "D,2020-01-01,julian,IRN,IRQ,export,0702,,1,USD,,,,,,",
        "D,2020-01-01,,IRN,WLD,export,0702,,1,USD,,,,,,",
        "D,2020-01-01,,IRN,IRQ,transit,0702,,1,USD,,,,,,",
        "D,2020-01-01,,IRN,IRQ,export,7701,,1,USD,,,,,,",
        "D,2020-01-01,,IRN,IRQ,export,070,,1,USD,,,,,,",
        "D,2020-01-01,,IRN,IRQ,export,0702,HS2012,1,USD,,,,,,",
        "D,2020-01-01,,IRN,IRQ,export,0702,,1.001,IQD,5,,,,,",
        "D,2020-01-01,,IRN,IRQ,export,0702,,1.5,JPY,2,,,,,",
        "D,2020-01-01,,IRN,IRQ,export,0702,,100,EUR,,,,,,",
        "D,2020-01-01,,IRN,IRQ,export,0702,,100,USD,99,,,,,",
        "D,2020-01-01,,IRN,IRQ,export,0702,,100,XXX,99,,,,,",
        "D,2020-01-01,,IRN,IRQ,export,0702,,\"1,00\",USD,,,,,,",
        "D,2020-01-01,,IRN,IRQ,export,0702,,-5,USD,,,,,,",
        "D,2020-01-01,,IRN,IRQ,export,0702,,5,USD,,,10,,,",
        "D,2020-01-01,,IRN,IRQ,export,0702,,5,USD,,,1.0001,u,,",
        "D,2020-01-01,,IRN,IRQ,export,0702,,5,USD,,,,,,ship",
        ",2020-01-01,,IRN,IRQ,export,0702,,5,USD,,,,,,",
        "D,2020-01-01,,IRN,IRQ,export,0702,,5,USD,,",
        "D,2020-01-01,,IRN,IRQ,export,0702,,5,USD,,12.5,,,,",
    ];
    let input = format!("{header}{}\n", rows.join("\n"));
    assert_eq!(
        errors(customs(input.as_bytes())),
        [
            "customs.csv line 2, column date: \"2020-02-30\" is not a Gregorian date (YYYY-MM-DD) from 1600 to 2600",
            "ok",
            "customs.csv line 4, column calendar: \"julian\" is not a calendar (gregorian, solar-hijri)",
            "customs.csv line 5, column partner: \"WLD\" is World, which is not allowed here",
            "customs.csv line 6, column flow: \"transit\" is not a flow (export, import, re-export, re-import)",
            "customs.csv line 7, column hs_code: \"7701\" is not a code of the row's HS edition",
            "customs.csv line 8, column hs_code: \"070\" is not an HS code (2, 4 or 6 digits, or NNNN.NN)",
            "customs.csv line 9, column hs_edition: \"HS2012\" is not an HS edition (HS2017, HS2022)",
            "ok",
            "customs.csv line 11, column value: \"1.5\" is not an amount of the currency (digits, optional ',' thousands separators, at most the currency's decimals)",
            "customs.csv line 12, column value_usd: \"\" is empty, but it is required unless the currency is USD",
            "customs.csv line 13, column value_usd: \"99\" differs from value, whose currency is USD",
            "customs.csv line 14, column currency: \"XXX\" is not an ISO 4217 currency code",
            "customs.csv line 15, column value: \"1,00\" is not an amount of the currency (digits, optional ',' thousands separators, at most the currency's decimals)",
            "customs.csv line 16, column value: \"-5\" is not an amount of the currency (digits, optional ',' thousands separators, at most the currency's decimals)",
            "customs.csv line 17, column quantity_unit: \"\" is empty, but a quantity needs its unit",
            "customs.csv line 18, column quantity: \"1.0001\" is not a quantity (digits, optional ',' thousands separators, at most 3 decimals)",
            "customs.csv line 19, column transport_mode: \"ship\" is not a mode of transport (road, rail, sea, air, pipeline, river, other)",
            "customs.csv line 20, column declaration: \"\" is empty, but the column is required",
            "customs.csv line 21: expected 16 fields, found 12",
            "customs.csv line 22, column net_weight_kg: \"12.5\" is not a whole number",
        ]
    );
}

#[test]
fn services_fixture() {
    let rows: Vec<_> =
        ServicesReader::new("services.csv", &include_bytes!("fixtures/services.csv")[..])
            .unwrap()
            .map(Result::unwrap)
            .collect();
    let summary: Vec<_> = rows
        .iter()
        .map(|record| {
            (
                record.partner.alpha3,
                record.flow,
                record.period,
                record.commodity.clone(),
                record.value_usd_cents,
                record.original_value,
            )
        })
        .collect();
    let ebops = |code: &str| Commodity::Ebops(code.to_owned());
    assert_eq!(
        summary,
        [
            (
                None,
                Flow::Import,
                TradePeriod::Period(Period::gregorian_year(2022).unwrap()),
                ebops("200"),
                46_200_297_239_127,
                None
            ),
            (
                Some("TUR"),
                Flow::Export,
                TradePeriod::Period(Period::gregorian_year(2022).unwrap()),
                ebops("200"),
                360_037_326_597,
                None
            ),
            (
                Some("IRQ"),
                Flow::Export,
                TradePeriod::Period(Period::solar_quarter(1401, 2).unwrap()),
                ebops("249"),
                1_250_000_000,
                Some(Money::from_minor(525_000_000_000_000, Currency::IRR))
            ),
            (
                Some("IRQ"),
                Flow::Export,
                TradePeriod::Period(Period::solar_month(1401, 3).unwrap()),
                ebops("SJ"),
                200_000_000,
                Some(Money::from_minor(200_000_000, Currency::USD))
            ),
        ]
    );
    assert!(rows
        .iter()
        .all(|record| record.trade_type == TradeType::Services
            && record.classification == "EB10"
            && record.reporter.code != 0));
}

#[test]
fn services_errors() {
    let input = b"reporter,partner,flow,period,ebops,value_usd\n\
        IRN,IRQ,re-export,2022,S,1\n\
        IRN,IRQ,export,2022-13,S,1\n\
        IRN,IRQ,export,2022,SZ,1\n\
        WLD,IRQ,export,2022,S,1\n\
        IRN,IRQ,export,2022,S,\n\
        IRN,IRQ,export,1401,S,1\n";
    let rows: Vec<_> = ServicesReader::new("s.csv", &input[..]).unwrap().collect();
    assert_eq!(
        errors(rows),
        [
            "s.csv line 2, column flow: \"re-export\" is not a flow (export, import)",
            "s.csv line 3, column period: \"2022-13\" is not a period (YYYY, YYYY-MM or YYYY-Qn) of the row's calendar",
            "s.csv line 4, column ebops: \"SZ\" is not an EBOPS 2010 code (200 or S for the total, SA to SL, 205, 236, 249)",
            "s.csv line 5, column reporter: \"WLD\" is World, which is not allowed here",
            "s.csv line 6, column value_usd: \"\" is empty, but it is required unless the currency is USD",
            "s.csv line 7, column period: \"1401\" is not a period (YYYY, YYYY-MM or YYYY-Qn) of the row's calendar",
        ]
    );
}

#[test]
fn figures_fixture() {
    let rows: Vec<(TradeRecord, FigureSource)> =
        FiguresReader::new("figures.csv", &include_bytes!("fixtures/figures.csv")[..])
            .unwrap()
            .map(Result::unwrap)
            .collect();
    assert_eq!(rows.len(), 8);
    let (farvardin, source) = &rows[0];
    assert_eq!(
        farvardin.period,
        TradePeriod::Period(Period::solar_month(1399, 1).unwrap())
    );
    assert_eq!(farvardin.value_usd_cents, 25_900_000_000);
    assert_eq!(farvardin.trade_type, TradeType::Goods);
    assert_eq!(farvardin.commodity, Commodity::Total);
    assert_eq!(source.kind, SourceKind::Customs);
    assert_eq!(source.published, None);
    let (ordibehesht, claim) = &rows[1];
    assert_eq!(ordibehesht.value_usd_cents, 80_000_000_000);
    assert_eq!(claim.kind, SourceKind::Estimate);
    assert_eq!(claim.name, "Iran-Iraq Chamber of Commerce (Hosseini)");
    assert_eq!(claim.published, Some(date("2020-06-23")));
    let (five_months, _) = &rows[3];
    assert_eq!(
        five_months.period,
        TradePeriod::Periods(
            Period::solar_month(1399, 1).unwrap(),
            Period::solar_month(1399, 5).unwrap()
        )
    );
    assert_eq!(five_months.period.first_day(), date("2020-03-20"));
    assert_eq!(five_months.period.last_day(), date("2020-08-21"));
    let (year_1399, _) = &rows[4];
    assert_eq!(year_1399.value_usd_cents, 730_000_000_000);
    let (combined, official) = &rows[6];
    assert_eq!(combined.trade_type, TradeType::Combined);
    assert_eq!(official.kind, SourceKind::Official);
    assert!(official.note.as_deref().unwrap().contains("gas"));
    let (mirror, mirror_source) = &rows[7];
    assert_eq!(
        (mirror.reporter.alpha3, mirror.partner.alpha3),
        (Some("IRQ"), Some("IRN"))
    );
    assert_eq!(mirror_source.kind, SourceKind::Mirror);
    assert_eq!(
        mirror.period,
        TradePeriod::Period(Period::gregorian_year(2021).unwrap())
    );
}

#[test]
fn figures_errors() {
    let input = b"reporter,partner,flow,trade,calendar,period,value_usd,source,kind\n\
        IRN,IRQ,export,oil,solar-hijri,1399,1,S,official\n\
        IRN,IRQ,export,goods,solar-hijri,1399-05..1399-01,1,S,official\n\
        IRN,IRQ,export,goods,solar-hijri,1399-01..1399-Q2,1,S,official\n\
        IRN,IRQ,export,goods,solar-hijri,1399-01..1399-01,1,S,official\n\
        IRN,IRQ,export,goods,solar-hijri,1399,1,S,rumour\n\
        IRN,IRQ,export,goods,solar-hijri,1399,1,,official\n\
        IRN,WLD,export,services,gregorian,2020-Q3,1.005,S,generated\n";
    let rows: Vec<_> = FiguresReader::new("f.csv", &input[..]).unwrap().collect();
    let rendered: Vec<String> = rows
        .into_iter()
        .map(|row| match row {
            Ok((record, source)) => format!(
                "{:?} {:?} {} {:?}",
                record.period, record.commodity, record.value_usd_cents, source.kind
            ),
            Err(error) => error.to_string(),
        })
        .collect();
    assert_eq!(
        rendered,
        [
            "f.csv line 2, column trade: \"oil\" is not a kind of trade (goods, services, goods+services)".to_owned(),
            "f.csv line 3, column period: \"1399-05..1399-01\" is a run whose first period is after its last".to_owned(),
            "f.csv line 4, column period: \"1399-01..1399-Q2\" is a run whose ends are periods of different kinds".to_owned(),
            format!("{:?} Total 100 Official", TradePeriod::Period(Period::solar_month(1399, 1).unwrap())),
            "f.csv line 6, column kind: \"rumour\" is not a kind of source (customs, official, mirror, estimate, generated)".to_owned(),
            "f.csv line 7, column source: \"\" is empty, but the column is required".to_owned(),
            format!(
                "{:?} Ebops(\"200\") 100 Generated",
                TradePeriod::Period(Period::gregorian_quarter(2020, 3).unwrap())
            ),
        ]
    );
}

#[test]
fn bom_and_crlf_are_accepted_by_every_new_reader() {
    let services =
        b"\xEF\xBB\xBFreporter,partner,flow,period,ebops,value_usd\r\nIRN,IRQ,export,2022,S,1\r\n";
    assert_eq!(
        ServicesReader::new("s", &services[..])
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .line,
        2
    );
    let figures = b"\xEF\xBB\xBFreporter,partner,flow,trade,period,value_usd,source,kind\r\nIRN,IRQ,export,goods,2020,1,S,official\r\n";
    assert!(FiguresReader::new("f", &figures[..])
        .unwrap()
        .next()
        .unwrap()
        .is_ok());
}
