//! The Comtrade reader over fixtures that reproduce real files' layouts and quirks (see
//! `fixtures/README.md`), and `ComtradeRow::into_record`.
#![allow(clippy::unwrap_used)]

use corridor_calendar::Period;
use corridor_import::{
    Commodity, ComtradeReader, ComtradeRow, Flow, Frequency, ImportError, Layout, Quantity,
    TradePeriod, TradeType,
};
use corridor_reference::HsCode;

fn read(name: &str, bytes: &[u8]) -> (Layout, Vec<Result<ComtradeRow, ImportError>>) {
    let reader = ComtradeReader::new(name, bytes).unwrap();
    let layout = reader.layout();
    (layout, reader.collect())
}

fn rows(name: &str, bytes: &[u8]) -> (Layout, Vec<ComtradeRow>) {
    let (layout, rows) = read(name, bytes);
    (layout, rows.into_iter().map(Result::unwrap).collect())
}

/// The row for reporter `reporter`, flow `flow` and partner `partner` (Comtrade codes).
fn find(rows: &[ComtradeRow], reporter: u16, flow: Flow, partner: u16) -> &ComtradeRow {
    rows.iter()
        .find(|row| {
            row.reporter.code == reporter && row.flow == flow && row.partner.code == partner
        })
        .unwrap()
}

#[test]
fn comtrade_plus_goods_latin1_crlf_trailing_comma() {
    let bytes = include_bytes!("fixtures/comtrade_plus_goods.csv");
    assert!(bytes.windows(2).any(|pair| pair == b"\r\n"));
    assert!(
        bytes.contains(&0xF4),
        "the fixture keeps the ISO-8859-1 byte"
    );
    let (layout, rows) = rows("TradeData.csv", bytes);
    assert_eq!(layout, Layout::Current);
    assert_eq!(rows.len(), 13);
    // DOMAIN §1.7: primaryValue in US$, CIF for imports, FOB for exports.
    let expected: [(u16, Flow, u16, i128); 12] = [
        (156, Flow::Import, 364, 635_506_007_300),
        (156, Flow::Export, 364, 944_030_006_300),
        (156, Flow::Import, 368, 3_938_474_522_500),
        (156, Flow::Export, 368, 1_398_933_727_700),
        (276, Flow::Import, 364, 31_402_686_138),
        (276, Flow::Export, 364, 167_768_424_115),
        (276, Flow::Import, 368, 230_306_994_938),
        (276, Flow::Export, 368, 116_148_157_817),
        (842, Flow::Import, 364, 1_122_695_000),
        (842, Flow::Export, 364, 4_549_684_600),
        (842, Flow::Import, 368, 1_034_313_063_800),
        (842, Flow::Export, 368, 94_985_190_800),
    ];
    for (reporter, flow, partner, cents) in expected {
        let row = find(&rows, reporter, flow, partner);
        assert_eq!(row.value_usd_cents, cents, "{reporter} {flow:?} {partner}");
        assert_eq!(row.commodity, Commodity::Total);
        assert_eq!(row.classification, "H6");
        assert_eq!(row.period, Period::gregorian_year(2022).unwrap());
        assert_eq!(row.frequency, Frequency::Annual);
        assert_eq!(row.aggregate_level, Some(0));
        assert_eq!(row.customs_code.as_deref(), Some("C00"));
        assert_eq!(row.mot_code.as_deref(), Some("0"));
        assert_eq!(row.partner2, Some(0));
        assert_eq!(row.quantity, None, "qtyUnitCode -1 is N/A");
    }
    let usa = find(&rows, 842, Flow::Import, 364);
    assert_eq!(
        usa.reporter.alpha3,
        Some("USA"),
        "Comtrade's 842 is the USA"
    );
    assert_eq!(usa.partner.alpha3, Some("IRN"));
    assert_eq!(usa.line, 11);
    let ivory_coast = find(&rows, 156, Flow::Import, 384);
    assert_eq!(ivory_coast.partner.alpha3, Some("CIV"));
    assert_eq!(ivory_coast.value_usd_cents, 97_021_928_300);

    let record = find(&rows, 276, Flow::Import, 364).clone().into_record();
    assert_eq!(record.breakdown, "");
    assert_eq!(record.transport_mode, None);
    assert_eq!(record.value_usd_cents, 31_402_686_138);
    assert_eq!(record.trade_type, TradeType::Goods);
    assert_eq!(
        record.period,
        TradePeriod::Period(Period::gregorian_year(2022).unwrap())
    );
    assert_eq!(record.reference, None);
}

#[test]
fn comtrade_plus_services() {
    let (layout, rows) = rows(
        "TradeData_Services.csv",
        include_bytes!("fixtures/comtrade_plus_services.csv"),
    );
    assert_eq!(layout, Layout::Current);
    let values: Vec<_> = rows
        .iter()
        .map(|row| {
            (
                row.type_code,
                row.commodity.clone(),
                row.classification.as_str(),
                row.aggregate_level,
                row.value_usd_cents,
            )
        })
        .collect();
    let ebops = |code: &str| Commodity::Ebops(code.to_owned());
    assert_eq!(
        values,
        [
            (
                TradeType::Services,
                ebops("200"),
                "EB10",
                Some(3),
                46_125_552_475_300
            ),
            (
                TradeType::Services,
                ebops("S"),
                "EB10S",
                Some(1),
                46_200_297_239_127
            ),
            (
                TradeType::Services,
                ebops("S"),
                "EB10S",
                Some(1),
                360_037_326_597
            ),
            (
                TradeType::Services,
                ebops("200"),
                "EB10",
                Some(3),
                92_853_300_000_000
            ),
        ]
    );
    assert_eq!(rows[2].partner.alpha3, Some("TUR"));
    assert_eq!(
        rows[0].clone().into_record().trade_type,
        TradeType::Services
    );
}

#[test]
fn semiconductor_floats_breakdowns_quantities() {
    let (layout, rows) = rows(
        "semiconductor_trade.csv",
        include_bytes!("fixtures/comtrade_plus_semiconductor.csv"),
    );
    assert_eq!(layout, Layout::Current);
    assert_eq!(rows.len(), 7);
    let first = &rows[0];
    assert_eq!(first.value_usd_cents, 790_376_714_700);
    assert_eq!(first.net_weight_kg, Some(853_234));
    assert_eq!(
        first.commodity,
        Commodity::Hs(HsCode::parse("8542").unwrap())
    );
    assert_eq!(first.classification, "H3");
    assert_eq!(
        first.aggregate_level, None,
        "aggrLevel is empty in this file"
    );
    assert_eq!(
        (first.reporter.alpha3, first.partner.alpha3),
        (Some("CHN"), Some("USA"))
    );
    // Estimated weights have fractions of a kilogram: rounded half to even.
    assert_eq!(rows[1].net_weight_kg, Some(226_493));
    assert_eq!(rows[1].partner2, Some(842));
    let record = rows[1].clone().into_record();
    assert_eq!(record.breakdown, "partner2=842");
    // The whole figure of 2015 (partner2 0) has no breakdown.
    assert_eq!(rows[2].partner2, Some(0));
    assert_eq!(rows[2].clone().into_record().breakdown, "");
    assert_eq!(rows[2].value_usd_cents, 1_136_962_727_900);
    // Quantities: unit code 5 and 8, no abbreviation in the file.
    assert_eq!(
        rows[3].quantity,
        Some(Quantity {
            milli: 442_530_212_778,
            unit: "5".to_owned()
        })
    );
    assert_eq!(
        rows[4].quantity,
        Some(Quantity {
            milli: 11_216,
            unit: "8".to_owned()
        })
    );
    assert_eq!(rows[4].partner2, Some(368));
    assert_eq!(rows[4].value_usd_cents, 300_000);
    assert_eq!(rows[4].mot_code.as_deref(), Some("0"));
    let last = &rows[6];
    assert_eq!((last.year, last.classification.as_str()), (2024, "H6"));
    assert_eq!(last.value_usd_cents, 1_175_417_702_000);
    assert_eq!(last.line, 8);
}

#[test]
fn legacy_35_columns_with_duplicates_and_quoted_commas() {
    let (layout, rows) = rows(
        "comtrade.csv",
        include_bytes!("fixtures/comtrade_legacy.csv"),
    );
    assert_eq!(layout, Layout::Legacy);
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[0].value_usd_cents, 923_000);
    assert_eq!(rows[0].net_weight_kg, Some(59_400));
    // The file leaves `Qty` empty (the weight sits under `Alt Qty Unit` upstream).
    assert_eq!(rows[0].quantity, None);
    assert_eq!(rows[0].aggregate_level, Some(4));
    assert_eq!(rows[0].partner.alpha3, Some("COM"));
    // The duplicated upstream row reads the same twice, line apart.
    let (a, b) = (rows[1].clone(), rows[2].clone());
    assert_eq!((a.line, b.line), (3, 4));
    assert_eq!(
        ComtradeRow {
            line: 0,
            ..a.clone()
        },
        ComtradeRow { line: 0, ..b }
    );
    assert_eq!(rows[3].partner.alpha3, Some("HKG"));
    let iraq = &rows[4];
    assert_eq!(iraq.partner.alpha3, Some("IRQ"));
    assert_eq!(
        iraq.commodity,
        Commodity::Hs(HsCode::parse("1202").unwrap())
    );
    assert_eq!(iraq.classification, "H5");
    assert_eq!(iraq.value_usd_cents, 1_584_900);
    assert_eq!(iraq.partner2, None, "an empty 2nd Partner Code");
    assert_eq!(iraq.clone().into_record().breakdown, "");
}

#[test]
fn legacy_22_columns() {
    let (layout, rows) = read("old.csv", include_bytes!("fixtures/comtrade_legacy22.csv"));
    assert_eq!(layout, Layout::Legacy);
    let rendered: Vec<String> = rows
        .iter()
        .map(|row| match row {
            Ok(row) => format!(
                "{} {:?} {}",
                row.line, row.partner.alpha3, row.value_usd_cents
            ),
            Err(error) => error.to_string(),
        })
        .collect();
    assert_eq!(
        rendered,
        [
            "old.csv line 2, column Classification: \"S3\" is not an HS classification (H0 to H6), needed for a commodity code",
            "3 Some(\"IRQ\") 1584900",
        ]
    );
    let iraq = rows[1].as_ref().unwrap();
    assert_eq!(
        iraq.quantity.as_ref().map(|quantity| quantity.milli),
        Some(84_000_000)
    );
    assert_eq!(iraq.net_weight_kg, Some(84_000));
}

#[test]
fn compact_bulk_form() {
    let (layout, rows) = rows(
        "china_india.csv",
        include_bytes!("fixtures/comtrade_compact.csv"),
    );
    assert_eq!(layout, Layout::Compact);
    assert_eq!(rows.len(), 5);
    let first = &rows[0];
    assert_eq!(
        (first.reporter.alpha3, first.partner.alpha3),
        (Some("IND"), Some("CHN"))
    );
    assert_eq!(first.flow, Flow::Export);
    assert_eq!(
        first.commodity,
        Commodity::Hs(HsCode::parse("010619").unwrap())
    );
    assert_eq!(first.net_weight_kg, Some(2));
    assert_eq!(first.quantity, None, "an empty supplementary quantity");
    assert_eq!(first.value_usd_cents, 10_900);
    assert_eq!(first.period, Period::gregorian_year(2010).unwrap());
    assert_eq!(rows[1].flow, Flow::Import);
    assert_eq!(
        rows[1].quantity,
        Some(Quantity {
            milli: 514_000,
            unit: "5".to_owned()
        })
    );
    assert_eq!(
        rows[2].commodity,
        Commodity::Hs(HsCode::parse("02").unwrap())
    );
    assert_eq!(rows[4].value_usd_cents, 7_183_091_500);
}

#[test]
fn sub_flows_and_breakdowns() {
    let input = b"typeCode,freqCode,refYear,refMonth,reporterCode,flowCode,partnerCode,partner2Code,classificationCode,cmdCode,customsCode,motCode,qtyUnitCode,qtyUnitAbbr,qty,primaryValue\n\
        C,M,2023,5,276,MIP,364,0,H6,0702,C00,0,8,kg,1.5,10\n\
        C,M,2023,5,276,XOP,364,368,H6,0702,C01,2100,-1,N/A,0,10\n\
        C,M,2023,5,276,M,364,0,H6,0702,C00,0,,,,10\n\
        C,M,2023,5,276,DX,364,0,H6,0702,C00,0,,,,10\n";
    let (_, rows) = read("sub.csv", input);
    let first = rows[0].as_ref().unwrap();
    assert_eq!(
        (first.flow, first.sub_flow.as_deref()),
        (Flow::Import, Some("MIP"))
    );
    assert_eq!(
        first.quantity,
        Some(Quantity {
            milli: 1_500,
            unit: "kg".to_owned()
        })
    );
    let record = first.clone().into_record();
    assert_eq!(record.breakdown, "flow=MIP");
    assert_eq!(
        record.period,
        TradePeriod::Period(Period::gregorian_month(2023, 5).unwrap())
    );
    let second = rows[1].as_ref().unwrap().clone().into_record();
    assert_eq!(second.flow, Flow::Export);
    assert_eq!(
        second.breakdown,
        "partner2=368;customs=C01;mot=2100;flow=XOP"
    );
    assert_eq!(second.transport_mode.as_deref(), Some("2100"));
    assert_eq!(second.quantity, None);
    assert_eq!(
        rows[2].as_ref().unwrap().clone().into_record().breakdown,
        ""
    );
    assert_eq!(
        rows[3].as_ref().unwrap_err().to_string(),
        "sub.csv line 5, column flowCode: \"DX\" is not a flow code (X, M, RX, RM, or the sub-flows MIP, MOP, XIP, XOP)"
    );
}

#[test]
fn years_outside_the_calendar_range_are_errors() {
    let input = b"typeCode,freqCode,refYear,refMonth,reporterCode,flowCode,partnerCode,classificationCode,cmdCode,primaryValue\n\
        C,A,1599,52,276,M,364,H6,TOTAL,10\n";
    let (_, rows) = read("old.csv", input);
    assert_eq!(
        rows[0].as_ref().unwrap_err().to_string(),
        "old.csv line 2, column refYear: \"1599\" is outside the supported years (1600 to 2600)"
    );
}
