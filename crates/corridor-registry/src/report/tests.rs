//! Reports: placing, one figure per fact, precedence, growth, shares, records.

use corridor_calendar::{Period, PeriodKind};
use corridor_import::{Commodity, SourceKind, TradePeriod, TradeType};
use corridor_reference::{EbopsCode, SectorMap};

use super::*;
use crate::tests::{country, load, record, spec, world};
use crate::{FigureFilter, Registry};

fn solar_month(year: i32, month: u8) -> Period {
    Period::solar_month(year, month).unwrap()
}

fn query(by: PeriodKind) -> TradeQuery {
    TradeQuery {
        reporter: "IRN".to_owned(),
        partner: None,
        flow: FlowChoice::Export,
        trade: TradeChoice::Goods,
        by,
        from: None,
        to: None,
        group: None,
        precedence: Precedence::default(),
    }
}

/// The report from the summary rows as stored, checked against the same report from the
/// rows the database added up for it.
fn run(registry: &Registry, query: &TradeQuery) -> TradeReport {
    let figures = registry.figures(&FigureFilter::default()).unwrap();
    let sources = registry.sources().unwrap();
    let report = trade_report(&figures, &sources, query, &SectorMap::default()).unwrap();
    let shaped = registry.figures(&query.report_filter()).unwrap();
    assert!(shaped.len() <= figures.len());
    let from_shaped = trade_report(&shaped, &sources, query, &SectorMap::default()).unwrap();
    assert_eq!(from_shaped, report, "{query:?}");
    report
}

fn totals(report: &TradeReport) -> Vec<(String, i128)> {
    report
        .totals
        .iter()
        .map(|row| (row.period.to_string(), row.value_cents))
        .collect()
}

#[test]
fn solar_months_add_up_to_quarters_and_gregorian_months_stay_apart() {
    let mut registry = Registry::open_in_memory().unwrap();
    let rows = vec![
        record(2, country("IRQ"), solar_month(1399, 1), "07", 100),
        record(3, country("IRQ"), solar_month(1399, 2), "07", 200),
        record(4, country("IRQ"), solar_month(1399, 4), "07", 400),
        // A Gregorian month straddles two Solar Hijri months: it cannot be placed in one.
        record(
            5,
            country("IRQ"),
            Period::gregorian_month(2020, 5).unwrap(),
            "07",
            7,
        ),
    ];
    load(
        &mut registry,
        spec("a", "", "IRICA", SourceKind::Customs),
        &rows,
        "a",
    )
    .unwrap();
    let months = run(&registry, &query(PeriodKind::SolarMonth));
    assert_eq!(
        totals(&months),
        [
            ("1399-01".to_owned(), 100),
            ("1399-02".to_owned(), 200),
            ("1399-04".to_owned(), 400)
        ]
    );
    assert_eq!(
        months.unplaced,
        Unplaced {
            figures: 1,
            value_cents: 7
        }
    );
    let quarters = run(&registry, &query(PeriodKind::SolarQuarter));
    // May 2020 lies inside the first Solar quarter (2020-03-20 to 2020-06-20).
    assert_eq!(
        totals(&quarters),
        [("1399-Q1".to_owned(), 307), ("1399-Q2".to_owned(), 400)]
    );
    assert_eq!(quarters.unplaced.figures, 0);
    let gregorian = run(&registry, &query(PeriodKind::GregorianMonth));
    assert_eq!(totals(&gregorian), [("2020-05".to_owned(), 7)]);
    assert_eq!(
        gregorian.unplaced.figures, 3,
        "Solar months straddle Gregorian ones"
    );
    let years = run(&registry, &query(PeriodKind::GregorianYear));
    assert_eq!(totals(&years), [("2020".to_owned(), 707)]);
}

#[test]
fn a_total_and_its_detail_and_a_world_figure_and_its_partners_count_once() {
    let mut registry = Registry::open_in_memory().unwrap();
    let m = solar_month(1399, 1);
    let rows = vec![
        record(2, world(), m, "", 1_000),
        record(3, country("IRQ"), m, "", 600),
        record(4, country("IRQ"), m, "07", 250),
        record(5, country("IRQ"), m, "0702", 250),
        record(6, country("IRQ"), m, "72", 300),
        record(7, country("AFG"), m, "", 300),
    ];
    load(
        &mut registry,
        spec("a", "", "IRICA", SourceKind::Customs),
        &rows,
        "a",
    )
    .unwrap();
    // Ungrouped: the World total alone.
    assert_eq!(
        totals(&run(&registry, &query(PeriodKind::SolarMonth)))[0].1,
        1_000
    );
    // Iraq: its total, not total + chapters + headings.
    let mut iraq = query(PeriodKind::SolarMonth);
    iraq.partner = Some("IRQ".to_owned());
    assert_eq!(totals(&run(&registry, &iraq))[0].1, 600);
    // Iraq by chapter: the chapters (not the headings), summing to 550.
    iraq.group = Some(Grouping::Chapter);
    let by_chapter = run(&registry, &iraq);
    let chapters: Vec<(String, i128)> = by_chapter
        .rows
        .iter()
        .map(|row| (row.group.clone().unwrap().code, row.value_cents))
        .collect();
    assert_eq!(chapters, [("72".to_owned(), 300), ("07".to_owned(), 250)]);
    assert_eq!(by_chapter.totals[0].value_cents, 550);
    assert_eq!(by_chapter.rows[0].share_bp, Some(5_455));
    // By partner: the countries, never World.
    let mut partners = query(PeriodKind::SolarMonth);
    partners.group = Some(Grouping::Partner);
    let by_partner = run(&registry, &partners);
    let codes: Vec<&str> = by_partner
        .rows
        .iter()
        .map(|row| row.group.as_ref().unwrap().code.as_str())
        .collect();
    assert_eq!(codes, ["IRQ", "AFG"]);
    assert_eq!(by_partner.rows[0].group.as_ref().unwrap().label, "Iraq");
}

#[test]
fn precedence_picks_one_source_per_period_and_says_which() {
    let mut registry = Registry::open_in_memory().unwrap();
    let irq = country("IRQ");
    load(
        &mut registry,
        spec("chamber", "", "Joint Chamber", SourceKind::Estimate),
        &[
            record(2, irq, solar_month(1399, 2), "", 80_000),
            record(3, irq, solar_month(1399, 3), "", 50_000),
        ],
        "c",
    )
    .unwrap();
    load(
        &mut registry,
        spec("irica", "", "IRICA", SourceKind::Customs),
        &[record(2, irq, solar_month(1399, 2), "", 45_000)],
        "i",
    )
    .unwrap();
    let mut q = query(PeriodKind::SolarMonth);
    q.partner = Some("IRQ".to_owned());
    let report = run(&registry, &q);
    let used: Vec<(String, i128, String)> = report
        .totals
        .iter()
        .map(|r| (r.period.to_string(), r.value_cents, r.source.clone()))
        .collect();
    assert_eq!(
        used,
        [
            ("1399-02".to_owned(), 45_000, "IRICA".to_owned()),
            ("1399-03".to_owned(), 50_000, "Joint Chamber".to_owned())
        ]
    );
    q.precedence.sources = vec!["Joint Chamber".to_owned()];
    assert_eq!(run(&registry, &q).totals[0].value_cents, 80_000);
    q.precedence.sources = vec!["Nobody".to_owned()];
    let figures = registry.figures(&FigureFilter::default()).unwrap();
    let sources = registry.sources().unwrap();
    let error = trade_report(&figures, &sources, &q, &SectorMap::default()).unwrap_err();
    assert_eq!(error, ReportError::UnknownSource("Nobody".to_owned()));
}

#[test]
fn growth_over_the_previous_year_and_records() {
    let mut registry = Registry::open_in_memory().unwrap();
    let irq = country("IRQ");
    let rows: Vec<_> = [(1398, 100), (1399, 80), (1400, 120), (1401, 110)]
        .into_iter()
        .enumerate()
        .map(|(i, (year, value))| {
            record(
                i as u64 + 2,
                irq,
                Period::solar_year(year).unwrap(),
                "",
                value,
            )
        })
        .collect();
    load(
        &mut registry,
        spec("a", "", "IRICA", SourceKind::Customs),
        &rows,
        "a",
    )
    .unwrap();
    let mut q = query(PeriodKind::SolarYear);
    q.from = Some(Period::solar_year(1399).unwrap());
    let report = run(&registry, &q);
    let seen: Vec<(String, Option<i128>, bool)> = report
        .totals
        .iter()
        .map(|r| (r.period.to_string(), r.growth_bp, r.record))
        .collect();
    assert_eq!(
        seen,
        [
            ("1399".to_owned(), Some(-2_000), false),
            ("1400".to_owned(), Some(5_000), true),
            ("1401".to_owned(), Some(-833), false)
        ]
    );
}

#[test]
fn goods_and_services_stay_apart_unless_both_are_asked_for() {
    let mut registry = Registry::open_in_memory().unwrap();
    let m = solar_month(1401, 1);
    let mut service = record(3, country("IRQ"), m, "", 40);
    service.trade_type = TradeType::Services;
    service.commodity =
        Commodity::Ebops(EbopsCode::parse("SJ").unwrap().entry().letter().to_owned());
    let rows = vec![record(2, country("IRQ"), m, "27", 60), service];
    load(
        &mut registry,
        spec("a", "", "IRICA", SourceKind::Customs),
        &rows,
        "a",
    )
    .unwrap();
    let mut q = query(PeriodKind::SolarMonth);
    assert_eq!(totals(&run(&registry, &q))[0].1, 60);
    q.trade = TradeChoice::Services;
    assert_eq!(totals(&run(&registry, &q))[0].1, 40);
    q.trade = TradeChoice::All;
    q.group = Some(Grouping::Sector);
    let report = run(&registry, &q);
    assert_eq!(report.totals[0].value_cents, 100);
    let sectors: Vec<&str> = report
        .rows
        .iter()
        .map(|row| row.group.as_ref().unwrap().code.as_str())
        .collect();
    assert_eq!(sectors, ["energy", "engineering and technical services"]);
}

#[test]
fn partners_are_ranked_with_their_share_of_the_world() {
    let mut registry = Registry::open_in_memory().unwrap();
    let year = Period::solar_year(1399).unwrap();
    let rows = vec![
        record(2, world(), year, "", 34_500),
        record(3, country("CHN"), year, "", 8_900),
        record(4, country("IRQ"), year, "", 7_300),
        record(5, country("ARE"), year, "", 4_600),
    ];
    load(
        &mut registry,
        spec("a", "", "IRICA", SourceKind::Customs),
        &rows,
        "a",
    )
    .unwrap();
    let figures = registry.figures(&FigureFilter::default()).unwrap();
    let sources = registry.sources().unwrap();
    let (ranking, world_row) = partner_ranking(
        &figures,
        &sources,
        &query(PeriodKind::SolarYear),
        year,
        &SectorMap::default(),
    )
    .unwrap();
    // The same from the rows the database adds up for the ranking.
    let added_up = registry
        .figures(&query(PeriodKind::SolarYear).report_filter())
        .unwrap();
    assert!(added_up.len() <= figures.len());
    assert_eq!(
        partner_ranking(
            &added_up,
            &sources,
            &query(PeriodKind::SolarYear),
            year,
            &SectorMap::default(),
        )
        .unwrap(),
        (ranking.clone(), world_row.clone())
    );
    let ranked: Vec<(usize, &str, Option<i128>)> = ranking
        .iter()
        .map(|r| {
            (
                r.rank,
                r.row.group.as_ref().unwrap().code.as_str(),
                r.share_of_world_bp,
            )
        })
        .collect();
    assert_eq!(
        ranked,
        [
            (1, "CHN", Some(2_580)),
            (2, "IRQ", Some(2_116)),
            (3, "ARE", Some(1_333))
        ]
    );
    assert_eq!(world_row.map(|row| row.value_cents), Some(34_500));
}

#[test]
fn a_part_beside_its_whole_counts_once_and_a_partial_year_says_so() {
    let mut registry = Registry::open_in_memory().unwrap();
    let irq = country("IRQ");
    let months =
        |from: u8, to: u8| TradePeriod::Periods(solar_month(1396, from), solar_month(1396, to));
    let mut q1 = record(2, irq, solar_month(1396, 1), "", 2_000);
    q1.period = months(1, 3);
    let mut h1 = record(3, irq, solar_month(1396, 1), "", 3_000);
    h1.period = months(1, 6);
    load(
        &mut registry,
        spec("isna", "", "ISNA", SourceKind::Official),
        &[q1, h1],
        "a",
    )
    .unwrap();
    let mut q = query(PeriodKind::SolarYear);
    q.partner = Some("IRQ".to_owned());
    let year = &run(&registry, &q).totals[0];
    assert_eq!(
        year.value_cents, 3_000,
        "the first quarter is part of the first half"
    );
    let partial = year.partial.unwrap();
    assert_eq!((partial.covered_days, partial.days), (186, 365));

    // A source that covers the whole year wins over a better-ranked partial one.
    load(
        &mut registry,
        spec("est", "", "Chamber", SourceKind::Estimate),
        &[record(2, irq, Period::solar_year(1396).unwrap(), "", 6_000)],
        "b",
    )
    .unwrap();
    let year = &run(&registry, &q).totals[0];
    assert_eq!(
        (year.value_cents, year.source.as_str(), year.partial),
        (6_000, "Chamber", None)
    );
}

#[test]
fn exports_and_imports_goods_and_services_each_take_their_best_source() {
    let mut registry = Registry::open_in_memory().unwrap();
    let irq = country("IRQ");
    let year = Period::solar_year(1399).unwrap();
    load(
        &mut registry,
        spec("irica", "", "IRICA", SourceKind::Customs),
        &[record(2, irq, year, "", 7_300)],
        "a",
    )
    .unwrap();
    let mut import = record(2, irq, year, "", 100);
    import.flow = corridor_import::Flow::Import;
    let mut service = record(3, irq, year, "", 50);
    service.trade_type = TradeType::Services;
    service.commodity = Commodity::Ebops("SJ".to_owned());
    let mut export_again = record(4, irq, year, "", 9_999);
    export_again.line = 4;
    load(
        &mut registry,
        spec("gen", "", "Generated", SourceKind::Generated),
        &[import, service, export_again],
        "b",
    )
    .unwrap();
    let mut q = query(PeriodKind::SolarYear);
    q.partner = Some("IRQ".to_owned());
    q.flow = FlowChoice::Total;
    q.trade = TradeChoice::All;
    let total = &run(&registry, &q).totals[0];
    // IRICA's goods exports, the generated imports and services; not the generated exports.
    assert_eq!(total.value_cents, 7_300 + 100 + 50);
    assert_eq!(total.source, "IRICA + Generated");
}

#[test]
fn declarations_at_different_code_lengths_all_count() {
    let mut registry = Registry::open_in_memory().unwrap();
    let day = corridor_calendar::SolarHijriDate::new(1401, 3, 5)
        .unwrap()
        .to_gregorian();
    let declaration = |line: u64, hs: &str, cents: i128| {
        let mut r = record(line, country("IRQ"), solar_month(1401, 3), hs, cents);
        r.period = TradePeriod::Day(day, corridor_calendar::Calendar::SolarHijri);
        r.reference = Some(format!("D{line}"));
        r
    };
    load(
        &mut registry,
        spec("c", "", "Customs", SourceKind::Customs),
        &[declaration(2, "0702", 100), declaration(3, "070200", 50)],
        "a",
    )
    .unwrap();
    registry.check_summary().unwrap();
    let mut q = query(PeriodKind::SolarMonth);
    q.group = Some(Grouping::Chapter);
    let report = run(&registry, &q);
    assert_eq!(report.totals[0].value_cents, 150);
    assert_eq!(
        report.totals[0].partial, None,
        "a register of declarations covers its month"
    );
}

#[test]
fn a_combined_figure_stands_for_goods_and_services_only_where_it_is_the_better_source() {
    let irq = country("IRQ");
    let year = Period::solar_year(1397).unwrap();
    let combined = |cents| {
        let mut r = record(2, irq, year, "", cents);
        r.trade_type = TradeType::Combined;
        r
    };
    let mut q = query(PeriodKind::SolarYear);
    q.partner = Some("IRQ".to_owned());
    q.trade = TradeChoice::All;

    // Customs gives the whole year's goods: its figure wins over the chamber's combined one.
    let mut registry = Registry::open_in_memory().unwrap();
    load(
        &mut registry,
        spec("c", "", "Chamber", SourceKind::Estimate),
        &[combined(13_000)],
        "a",
    )
    .unwrap();
    load(
        &mut registry,
        spec("i", "", "IRICA", SourceKind::Customs),
        &[record(2, irq, year, "", 7_000)],
        "b",
    )
    .unwrap();
    let total = &run(&registry, &q).totals[0];
    assert_eq!((total.value_cents, total.source.as_str()), (7_000, "IRICA"));

    // Customs gives only the first quarter: the chamber's whole-year figure stands.
    let mut registry = Registry::open_in_memory().unwrap();
    load(
        &mut registry,
        spec("c", "", "Chamber", SourceKind::Estimate),
        &[combined(13_000)],
        "a",
    )
    .unwrap();
    let mut quarter = record(2, irq, year, "", 2_000);
    quarter.period = TradePeriod::Period(Period::solar_quarter(1397, 1).unwrap());
    load(
        &mut registry,
        spec("i", "", "IRICA", SourceKind::Customs),
        &[quarter],
        "b",
    )
    .unwrap();
    let total = &run(&registry, &q).totals[0];
    assert_eq!(
        (total.value_cents, total.source.as_str(), total.partial),
        (13_000, "Chamber", None)
    );
}

mod shaped {
    //! The rows the database adds up for a report give the same report as the summary rows
    //! as stored, for any registry and any report, on both engines.
    use corridor_calendar::{Calendar, GregorianDate};
    use corridor_import::{Flow, TradeRecord};
    use proptest::prelude::*;

    use super::*;

    fn arb_record() -> impl Strategy<Value = TradeRecord> {
        (
            0..4usize,
            any::<bool>(),
            0..3usize,
            0..4usize,
            0..7usize,
            0..4usize,
            1..50i128,
        )
            .prop_map(|(partner, export, trade, code, period, crossing, value)| {
                let partner = [country("IRQ"), country("AFG"), world(), country("TUR")][partner];
                let periods = [
                    TradePeriod::Period(solar_month(1399, 1)),
                    TradePeriod::Period(solar_month(1399, 2)),
                    TradePeriod::Period(Period::solar_quarter(1399, 1).unwrap()),
                    TradePeriod::Period(Period::solar_year(1399).unwrap()),
                    TradePeriod::Period(Period::gregorian_month(2020, 5).unwrap()),
                    TradePeriod::Day(
                        GregorianDate::new(2020, 4, 10).unwrap(),
                        Calendar::Gregorian,
                    ),
                    TradePeriod::Day(
                        GregorianDate::new(2020, 4, 25).unwrap(),
                        Calendar::Gregorian,
                    ),
                ];
                let mut r = record(0, partner, solar_month(1399, 1), "", value * 100);
                r.period = periods[period];
                r.flow = if export { Flow::Export } else { Flow::Import };
                r.trade_type = [TradeType::Goods, TradeType::Services, TradeType::Combined][trade];
                r.commodity = match r.trade_type {
                    TradeType::Goods => match code {
                        0 => Commodity::Total,
                        n => Commodity::Hs(
                            corridor_reference::HsCode::parse(["07", "0702", "72"][n - 1]).unwrap(),
                        ),
                    },
                    TradeType::Services => {
                        Commodity::Ebops(["S", "SJ", "SC", "SD"][code].to_owned())
                    }
                    TradeType::Combined => Commodity::Total,
                };
                r.crossing = [None, Some("Mehran"), Some("Zurbatiyah"), Some("Bashmaq")][crossing]
                    .map(str::to_owned);
                r
            })
    }

    /// Records of up to three sources; each source's file has its records numbered.
    fn arb_sources() -> impl Strategy<Value = Vec<Vec<TradeRecord>>> {
        proptest::collection::vec(proptest::collection::vec(arb_record(), 1..14), 1..4)
    }

    fn arb_query() -> impl Strategy<Value = TradeQuery> {
        (
            0..3usize,
            0..3usize,
            0..3usize,
            0..7usize,
            0..5usize,
            any::<bool>(),
        )
            .prop_map(|(flow, trade, partner, group, by, named)| TradeQuery {
                reporter: "IRN".to_owned(),
                partner: [None, Some("IRQ"), Some("AFG")][partner].map(str::to_owned),
                flow: [FlowChoice::Export, FlowChoice::Import, FlowChoice::Total][flow],
                trade: [TradeChoice::Goods, TradeChoice::Services, TradeChoice::All][trade],
                by: [
                    PeriodKind::SolarMonth,
                    PeriodKind::SolarQuarter,
                    PeriodKind::SolarYear,
                    PeriodKind::GregorianMonth,
                    PeriodKind::GregorianYear,
                ][by],
                from: None,
                to: None,
                group: [
                    None,
                    Some(Grouping::Partner),
                    Some(Grouping::Section),
                    Some(Grouping::Chapter),
                    Some(Grouping::Sector),
                    Some(Grouping::Crossing),
                    None,
                ][group],
                precedence: Precedence {
                    sources: if named {
                        vec!["S2".to_owned(), "S0".to_owned()]
                    } else {
                        Vec::new()
                    },
                },
            })
    }

    /// Loads each source's records; a file with a conflicting figure is refused whole, the
    /// same on either engine.
    fn fill(registry: &mut Registry, sources: &[Vec<TradeRecord>]) {
        let kinds = [
            SourceKind::Customs,
            SourceKind::Official,
            SourceKind::Mirror,
        ];
        for (index, records) in sources.iter().enumerate() {
            let mut records = records.clone();
            for (line, record) in records.iter_mut().enumerate() {
                record.line = line as u64 + 2;
            }
            let name = format!("S{index}");
            let _ = load(
                registry,
                spec(&name, "", &name, kinds[index]),
                &records,
                &name,
            );
        }
    }

    /// The report, or why there is none (a named source that no load registered).
    fn report(
        registry: &Registry,
        figures: &[Figure],
        query: &TradeQuery,
    ) -> Result<TradeReport, ReportError> {
        let sources = registry.sources().unwrap();
        trade_report(figures, &sources, query, &SectorMap::default())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn the_rows_added_up_in_the_database_give_the_same_report(
            sources in arb_sources(),
            queries in proptest::collection::vec(arb_query(), 1..6),
        ) {
            let mut registry = Registry::open_in_memory().unwrap();
            fill(&mut registry, &sources);
            let all = registry.figures(&FigureFilter::default()).unwrap();
            for query in &queries {
                let shaped = registry.figures(&query.report_filter()).unwrap();
                prop_assert!(shaped.len() <= all.len());
                prop_assert_eq!(report(&registry, &shaped, query), report(&registry, &all, query));
                // The rows serve the same report by partner or without grouping too, when
                // they serve one of those (a ranking of partners beside the World total).
                if matches!(query.group, None | Some(Grouping::Partner)) {
                    for group in [None, Some(Grouping::Partner)] {
                        let other = TradeQuery { group, ..query.clone() };
                        prop_assert_eq!(
                            report(&registry, &shaped, &other),
                            report(&registry, &all, &other)
                        );
                    }
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// The same on PostgreSQL (when `CORRIDOR_TEST_DATABASE_URL` is set): its rows,
        /// added up in its own SQL, give the report SQLite's summary rows give.
        #[test]
        fn postgres_adds_up_rows_to_the_same_report(
            sources in arb_sources(),
            queries in proptest::collection::vec(arb_query(), 1..6),
        ) {
            let Some(scratch) = corridor_sql::testing::Scratch::postgres("shaped reports") else {
                return Ok(());
            };
            let mut sqlite = Registry::open_in_memory().unwrap();
            let mut postgres = Registry::open_target(&scratch.target).unwrap();
            fill(&mut sqlite, &sources);
            fill(&mut postgres, &sources);
            let all = sqlite.figures(&FigureFilter::default()).unwrap();
            for query in &queries {
                let mut shaped = postgres.figures(&query.report_filter()).unwrap();
                // Source numbers may differ between the engines: name them as SQLite does.
                let names = postgres.sources().unwrap();
                let ids = sqlite.sources().unwrap();
                for figure in &mut shaped {
                    let name = &names.iter().find(|s| s.id == figure.source_id).unwrap().name;
                    figure.source_id = ids.iter().find(|s| s.name == *name).unwrap().id;
                }
                prop_assert_eq!(report(&sqlite, &shaped, query), report(&sqlite, &all, query));
            }
            drop(postgres);
        }
    }
}
