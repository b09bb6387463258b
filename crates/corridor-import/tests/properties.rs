//! Property tests: no input makes a reader panic, and every record the customs, services
//! and figures formats can express comes back unchanged from its CSV.
#![allow(clippy::unwrap_used)]

use corridor_calendar::{Calendar, GregorianDate, Period};
use corridor_core::{Currency, Money};
use corridor_import::{
    Commodity, ComtradeReader, CountryRef, CustomsReader, FigureSource, FiguresReader, Flow,
    LiquidityReader, ObligationsReader, PartiesReader, Quantity, ServicesReader, SourceKind,
    TradePeriod, TradeRecord, TradeType,
};
use corridor_reference::{countries, ebops_entries, hs_entries, EbopsCode, HsEdition};
use proptest::prelude::*;
use proptest::sample::select;

const CUSTOMS_HEADER: &str = "declaration,date,calendar,reporter,partner,flow,hs_code,hs_edition,value,currency,value_usd,net_weight_kg,quantity,quantity_unit,crossing,transport_mode";
const SERVICES_HEADER: &str =
    "reporter,partner,flow,period,calendar,ebops,value_usd,value,currency";
const FIGURES_HEADER: &str =
    "reporter,partner,flow,trade,calendar,period,value_usd,source,kind,url,published,note";

/// Reads everything, ignoring results: only panics matter.
fn drain(input: &[u8]) {
    if let Ok(reader) = ComtradeReader::new("soup", input) {
        reader.for_each(drop);
    }
    if let Ok(reader) = CustomsReader::new("soup", input) {
        reader.for_each(drop);
    }
    if let Ok(reader) = ServicesReader::new("soup", input) {
        reader.for_each(drop);
    }
    if let Ok(reader) = FiguresReader::new("soup", input) {
        reader.for_each(drop);
    }
    if let Ok(reader) = ObligationsReader::new("soup", input) {
        reader.for_each(drop);
    }
    if let Ok(reader) = PartiesReader::new("soup", input) {
        reader.for_each(drop);
    }
    if let Ok(reader) = LiquidityReader::new("soup", input) {
        reader.for_each(drop);
    }
}

/// Field text built from the characters the formats care about.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9.,\\-]{0,12}",
        "[A-Za-z0-9 .,\"\\-]{0,10}",
        select(vec![
            "",
            "IRN",
            "IRQ",
            "WLD",
            "USD",
            "IQD",
            "JPY",
            "export",
            "import",
            "re-export",
            "goods",
            "services",
            "goods+services",
            "solar-hijri",
            "gregorian",
            "1399",
            "1399-02",
            "1399-Q2",
            "1399-01..1399-05",
            "2020-02-30",
            "1403-12-30",
            "0702.00",
            "8542",
            "HS2017",
            "S",
            "200",
            "SJ",
            "official",
            "mirror",
            "road",
            "1,250.75",
            "99999999999999999999999999999999999999999",
        ])
        .prop_map(str::to_owned),
    ]
}

/// A random date between 1990 and about 2045.
fn day() -> impl Strategy<Value = GregorianDate> {
    (7_300_i64..27_000).prop_map(|days| GregorianDate::from_days_since_epoch(days).unwrap())
}

fn country() -> impl Strategy<Value = CountryRef> {
    (0..countries().len()).prop_map(|index| {
        let country = &countries()[index];
        CountryRef {
            code: country.comtrade_code(),
            alpha3: Some(country.alpha3()),
        }
    })
}

fn partner() -> impl Strategy<Value = CountryRef> {
    prop_oneof![
        1 => Just(CountryRef { code: 0, alpha3: None }),
        9 => country(),
    ]
}

fn write_country(country: CountryRef) -> String {
    country.alpha3.unwrap_or("WLD").to_owned()
}

fn calendar() -> impl Strategy<Value = Calendar> {
    select(vec![Calendar::Gregorian, Calendar::SolarHijri])
}

fn calendar_name(calendar: Calendar) -> &'static str {
    match calendar {
        Calendar::Gregorian => "gregorian",
        Calendar::SolarHijri => "solar-hijri",
    }
}

/// A month, quarter or year of either calendar.
fn period() -> impl Strategy<Value = Period> {
    (calendar(), 0_u8..3, 0_i32..40, 1_u8..=12).prop_map(|(calendar, unit, offset, number)| {
        let year = match calendar {
            Calendar::Gregorian => 1995 + offset,
            Calendar::SolarHijri => 1375 + offset,
        };
        match (calendar, unit) {
            (Calendar::Gregorian, 0) => Period::gregorian_month(year, number),
            (Calendar::Gregorian, 1) => Period::gregorian_quarter(year, (number - 1) / 3 + 1),
            (Calendar::Gregorian, _) => Period::gregorian_year(year),
            (Calendar::SolarHijri, 0) => Period::solar_month(year, number),
            (Calendar::SolarHijri, 1) => Period::solar_quarter(year, (number - 1) / 3 + 1),
            (Calendar::SolarHijri, _) => Period::solar_year(year),
        }
        .unwrap()
    })
}

/// A US dollar amount in cents, written with or without thousands separators.
fn usd_text(cents: i128, grouped: bool) -> String {
    if grouped {
        Money::from_minor(cents, Currency::USD).format_amount()
    } else {
        format!("{}.{:02}", cents / 100, cents % 100)
    }
}

fn cents() -> impl Strategy<Value = i128> {
    0_i128..1_000_000_000_000_000
}

fn money() -> impl Strategy<Value = Money> {
    (
        select(vec![
            Currency::USD,
            Currency::EUR,
            Currency::IQD,
            Currency::IRR,
            Currency::JPY,
        ]),
        0_i128..1_000_000_000_000_000,
    )
        .prop_map(|(currency, minor)| Money::from_minor(minor, currency))
}

/// Free text without surrounding spaces (the readers trim), possibly with commas and quotes.
fn text() -> impl Strategy<Value = String> {
    "[A-Za-z][A-Za-z0-9 ,\"'./-]{0,15}[A-Za-z0-9]"
}

fn csv_text(header: &str, rows: &[Vec<String>], bom: bool, crlf: bool) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(if crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .from_writer(Vec::new());
    writer.write_record(header.split(',')).unwrap();
    for row in rows {
        writer.write_record(row).unwrap();
    }
    let mut bytes = if bom {
        b"\xEF\xBB\xBF".to_vec()
    } else {
        Vec::new()
    };
    bytes.extend(writer.into_inner().unwrap());
    bytes
}

/// A customs record and the row that writes it.
fn customs_record() -> impl Strategy<Value = (TradeRecord, Vec<String>)> {
    let hs = (
        select(HsEdition::ALL.to_vec()),
        any::<prop::sample::Index>(),
        any::<bool>(),
    );
    let quantity = proptest::option::of((0_i64..1_000_000_000_000, "[a-z]{1,4}"));
    let transport = proptest::option::of(select(vec![
        "road", "rail", "sea", "air", "pipeline", "river", "other",
    ]));
    (
        (
            "[A-Z0-9][A-Z0-9-]{0,11}",
            day(),
            calendar(),
            country(),
            country(),
        ),
        (
            select(Flow::ALL.to_vec()),
            hs,
            money(),
            cents(),
            any::<bool>(),
        ),
        (proptest::option::of(0_u64..1_000_000_000_000), quantity),
        (proptest::option::of(text()), transport),
    )
        .prop_map(
            |(
                (reference, day, calendar, reporter, partner),
                (flow, (edition, index, dotted), money, usd, grouped),
                (net_weight_kg, quantity),
                (crossing, transport_mode),
            )| {
                let entry = index.get(hs_entries(edition));
                let code = entry.code();
                let value_usd_cents = if money.currency() == Currency::USD {
                    money.amount_minor()
                } else {
                    usd
                };
                let record = TradeRecord {
                    line: 0,
                    reporter,
                    partner,
                    flow,
                    trade_type: TradeType::Goods,
                    commodity: Commodity::Hs(code),
                    classification: edition.to_string(),
                    period: TradePeriod::Day(day, calendar),
                    value_usd_cents,
                    original_value: Some(money),
                    net_weight_kg,
                    quantity: quantity.map(|(milli, unit)| Quantity { milli, unit }),
                    crossing,
                    transport_mode: transport_mode.map(str::to_owned),
                    breakdown: String::new(),
                    reference: Some(reference),
                };
                let date = match calendar {
                    Calendar::Gregorian => day.to_string(),
                    Calendar::SolarHijri => day.to_solar_hijri().to_string(),
                };
                let code_text = match (code.as_str().len(), dotted) {
                    (6, true) => format!("{}.{}", &code.as_str()[..4], &code.as_str()[4..]),
                    _ => code.as_str().to_owned(),
                };
                let usd_text = if money.currency() == Currency::USD && grouped {
                    String::new()
                } else {
                    usd_text(value_usd_cents, grouped)
                };
                let (quantity_text, unit) =
                    record
                        .quantity
                        .as_ref()
                        .map_or((String::new(), String::new()), |quantity| {
                            (
                                format!("{}.{:03}", quantity.milli / 1000, quantity.milli % 1000),
                                quantity.unit.clone(),
                            )
                        });
                let row = vec![
                    record.reference.clone().unwrap(),
                    date,
                    calendar_name(calendar).to_owned(),
                    write_country(reporter),
                    write_country(partner),
                    flow.name().to_owned(),
                    code_text,
                    if grouped {
                        String::new()
                    } else {
                        edition.to_string()
                    },
                    if grouped {
                        money.format_amount()
                    } else {
                        money.format_amount().replace(',', "")
                    },
                    money.currency().code().to_owned(),
                    usd_text,
                    net_weight_kg.map_or(String::new(), |kg| kg.to_string()),
                    quantity_text,
                    unit,
                    record.crossing.clone().unwrap_or_default(),
                    record.transport_mode.clone().unwrap_or_default(),
                ];
                (record, row)
            },
        )
        .prop_filter("an empty edition means HS2022", |(record, row)| {
            !row[7].is_empty() || record.classification == "HS2022"
        })
}

fn services_record() -> impl Strategy<Value = (TradeRecord, Vec<String>)> {
    (
        (
            country(),
            partner(),
            select(vec![Flow::Export, Flow::Import]),
            period(),
        ),
        (
            0..ebops_entries().len(),
            cents(),
            proptest::option::of(money()),
            any::<bool>(),
        ),
    )
        .prop_map(
            |((reporter, partner, flow, period), (ebops, usd, original, grouped))| {
                let code = EbopsCode::parse(ebops_entries()[ebops].letter()).unwrap();
                let value_usd_cents = match original {
                    Some(money) if money.currency() == Currency::USD => money.amount_minor(),
                    _ => usd,
                };
                let record = TradeRecord {
                    line: 0,
                    reporter,
                    partner,
                    flow,
                    trade_type: TradeType::Services,
                    commodity: Commodity::Ebops(code.to_string()),
                    classification: "EB10".to_owned(),
                    period: TradePeriod::Period(period),
                    value_usd_cents,
                    original_value: original,
                    net_weight_kg: None,
                    quantity: None,
                    crossing: None,
                    transport_mode: None,
                    breakdown: String::new(),
                    reference: None,
                };
                let row = vec![
                    write_country(reporter),
                    write_country(partner),
                    flow.name().to_owned(),
                    period.to_string(),
                    calendar_name(period.calendar()).to_owned(),
                    if grouped {
                        ebops_entries()[ebops].letter().to_owned()
                    } else {
                        code.to_string()
                    },
                    usd_text(value_usd_cents, grouped),
                    original.map_or(String::new(), |money| money.format_amount()),
                    original.map_or(String::new(), |money| money.currency().code().to_owned()),
                ];
                (record, row)
            },
        )
}

fn figures_record() -> impl Strategy<Value = ((TradeRecord, FigureSource), Vec<String>)> {
    (
        (
            country(),
            partner(),
            select(vec![Flow::Export, Flow::Import]),
        ),
        (
            select(TradeType::ALL.to_vec()),
            period(),
            0_usize..4,
            cents(),
            any::<bool>(),
        ),
        (text(), select(SourceKind::ALL.to_vec())),
        (
            proptest::option::of(text()),
            proptest::option::of(day()),
            proptest::option::of(text()),
        ),
    )
        .prop_map(
            |(
                (reporter, partner, flow),
                (trade_type, first, run, value_usd_cents, grouped),
                (name, kind),
                (url, published, note),
            )| {
                let mut last = first;
                for _ in 0..run {
                    last = last.next().unwrap();
                }
                let period = if run == 0 {
                    TradePeriod::Period(first)
                } else {
                    TradePeriod::Periods(first, last)
                };
                let commodity = match trade_type {
                    TradeType::Services => Commodity::Ebops("200".to_owned()),
                    TradeType::Goods | TradeType::Combined => Commodity::Total,
                };
                let record = TradeRecord {
                    line: 0,
                    reporter,
                    partner,
                    flow,
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
                    name,
                    kind,
                    url,
                    published,
                    note,
                };
                let period_text = match period {
                    TradePeriod::Periods(first, last) => format!("{first}..{last}"),
                    _ => first.to_string(),
                };
                let row = vec![
                    write_country(reporter),
                    write_country(partner),
                    flow.name().to_owned(),
                    trade_type.name().to_owned(),
                    calendar_name(first.calendar()).to_owned(),
                    period_text,
                    usd_text(value_usd_cents, grouped),
                    source.name.clone(),
                    kind.name().to_owned(),
                    source.url.clone().unwrap_or_default(),
                    source
                        .published
                        .map_or(String::new(), |day| day.to_string()),
                    source.note.clone().unwrap_or_default(),
                ];
                ((record, source), row)
            },
        )
}

/// Sets the line of the `index`th record: the header is line 1, one record a line.
fn at_line(mut record: TradeRecord, index: usize) -> TradeRecord {
    record.line = u64::try_from(index).unwrap() + 2;
    record
}

proptest! {
    #[test]
    fn byte_soup_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        drain(&bytes);
    }

    #[test]
    fn arbitrary_fields_never_panic(
        header in select(vec![
            CUSTOMS_HEADER,
            SERVICES_HEADER,
            FIGURES_HEADER,
            "id,debtor,creditor,amount,currency,due_date,calendar,hs_code,reference",
            "id,country,kind,name",
            "party,amount,currency",
        ]),
        rows in proptest::collection::vec(proptest::collection::vec(field(), 16), 0..8),
    ) {
        let width = header.split(',').count();
        let rows: Vec<Vec<String>> = rows.into_iter().map(|row| row[..width].to_vec()).collect();
        drain(&csv_text(header, &rows, false, false));
    }

    #[test]
    fn customs_round_trip(
        records in proptest::collection::vec(customs_record(), 0..6),
        bom in any::<bool>(),
        crlf in any::<bool>(),
    ) {
        let rows: Vec<_> = records.iter().map(|(_, row)| row.clone()).collect();
        let input = csv_text(CUSTOMS_HEADER, &rows, bom, crlf);
        let read: Vec<_> = CustomsReader::new("c", input.as_slice()).unwrap().collect::<Result<_, _>>().unwrap();
        let expected: Vec<_> = records.into_iter().enumerate().map(|(index, (record, _))| at_line(record, index)).collect();
        prop_assert_eq!(read, expected);
    }

    #[test]
    fn services_round_trip(
        records in proptest::collection::vec(services_record(), 0..6),
        crlf in any::<bool>(),
    ) {
        let rows: Vec<_> = records.iter().map(|(_, row)| row.clone()).collect();
        let input = csv_text(SERVICES_HEADER, &rows, false, crlf);
        let read: Vec<_> = ServicesReader::new("s", input.as_slice()).unwrap().collect::<Result<_, _>>().unwrap();
        let expected: Vec<_> = records.into_iter().enumerate().map(|(index, (record, _))| at_line(record, index)).collect();
        prop_assert_eq!(read, expected);
    }

    #[test]
    fn figures_round_trip(
        records in proptest::collection::vec(figures_record(), 0..6),
        bom in any::<bool>(),
    ) {
        let rows: Vec<_> = records.iter().map(|(_, row)| row.clone()).collect();
        let input = csv_text(FIGURES_HEADER, &rows, bom, true);
        let read: Vec<_> = FiguresReader::new("f", input.as_slice()).unwrap().collect::<Result<_, _>>().unwrap();
        let expected: Vec<_> = records
            .into_iter()
            .enumerate()
            .map(|(index, ((record, source), _))| (at_line(record, index), source))
            .collect();
        prop_assert_eq!(read, expected);
    }
}
