//! Loading: transactions, duplicates, conflicts, revisions, the summary's invariant.

use corridor_calendar::{Period, SolarHijriDate};
use corridor_import::{
    Commodity, CountryRef, Flow, SourceKind, TradePeriod, TradeRecord, TradeType,
};
use corridor_reference::HsCode;

use super::*;

pub(crate) fn country(alpha3: &'static str) -> CountryRef {
    let code = corridor_reference::country_by_alpha3(alpha3)
        .map(|country| country.comtrade_code())
        .unwrap_or(0);
    CountryRef {
        code,
        alpha3: Some(alpha3),
    }
}

pub(crate) fn world() -> CountryRef {
    CountryRef {
        code: 0,
        alpha3: None,
    }
}

/// A goods figure of IRN exports to `partner` in `period`, HS `hs` (or TOTAL when empty).
pub(crate) fn record(
    line: u64,
    partner: CountryRef,
    period: Period,
    hs: &str,
    cents: i128,
) -> TradeRecord {
    TradeRecord {
        line,
        reporter: country("IRN"),
        partner,
        flow: Flow::Export,
        trade_type: TradeType::Goods,
        commodity: if hs.is_empty() {
            Commodity::Total
        } else {
            Commodity::Hs(HsCode::parse(hs).unwrap())
        },
        classification: "HS2022".to_owned(),
        period: TradePeriod::Period(period),
        value_usd_cents: cents,
        original_value: None,
        net_weight_kg: None,
        quantity: None,
        crossing: None,
        transport_mode: None,
        breakdown: String::new(),
        reference: None,
    }
}

pub(crate) fn spec(file: &str, revision: &str, source: &str, kind: SourceKind) -> LoadSpec {
    LoadSpec {
        file: file.to_owned(),
        format: "test".to_owned(),
        revision: revision.to_owned(),
        source: Some(SourceSpec {
            name: source.to_owned(),
            kind,
            url: None,
        }),
        loaded_at: "2026-11-23T00:00:00Z".to_owned(),
    }
}

pub(crate) fn load(
    registry: &mut Registry,
    spec: LoadSpec,
    records: &[TradeRecord],
    digest: &str,
) -> Result<LoadReport, RegistryError> {
    let mut load = registry.begin_load(spec)?;
    for record in records {
        load.add(record, None)?;
    }
    load.finish(digest)
}

fn month(year: i32, month: u8) -> Period {
    Period::solar_month(year, month).unwrap()
}

fn total_value(registry: &Registry) -> i128 {
    registry
        .figures(&FigureFilter::default())
        .unwrap()
        .iter()
        .map(|f| f.value_cents)
        .sum()
}

#[test]
fn a_file_loads_whole_and_the_summary_adds_it_up() {
    let mut registry = Registry::open_in_memory().unwrap();
    let records = vec![
        record(2, country("IRQ"), month(1399, 1), "07", 100),
        record(3, country("IRQ"), month(1399, 1), "0702", 50),
        record(4, country("IRQ"), month(1399, 1), "72", 900),
        record(5, country("AFG"), month(1399, 2), "", 77),
    ];
    let report = load(
        &mut registry,
        spec("a.csv", "", "IRICA", SourceKind::Customs),
        &records,
        "d1",
    )
    .unwrap();
    assert_eq!((report.read, report.loaded, report.duplicates), (4, 4, 0));
    assert_eq!(registry.figure_count().unwrap(), 4);
    assert_eq!(total_value(&registry), 1127);
    // 07 and 0702 are one chapter but two levels: two summary rows.
    assert_eq!(registry.check_summary().unwrap(), 4);
    let sources = registry.sources().unwrap();
    assert_eq!(sources.len(), 1);
    assert_eq!(
        (sources[0].name.as_str(), sources[0].kind),
        ("IRICA", SourceKind::Customs)
    );
}

#[test]
fn duplicated_rows_and_a_file_loaded_twice_count_once() {
    let mut registry = Registry::open_in_memory().unwrap();
    let row = record(2, country("IRQ"), month(1399, 1), "07", 100);
    let mut twice = row.clone();
    twice.line = 3;
    let report = load(
        &mut registry,
        spec("a.csv", "", "IRICA", SourceKind::Customs),
        &[row.clone(), twice],
        "d1",
    )
    .unwrap();
    assert_eq!((report.loaded, report.duplicates), (1, 1));
    let again = load(
        &mut registry,
        spec("a.csv", "", "IRICA", SourceKind::Customs),
        &[row],
        "d1",
    )
    .unwrap();
    assert_eq!(again.already_loaded, Some(report.load_id));
    assert_eq!(again.loaded, 0);
    assert_eq!(
        registry.loads().unwrap().len(),
        1,
        "a repeated load leaves no record"
    );
    assert_eq!(total_value(&registry), 100);
    registry.check_summary().unwrap();
}

#[test]
fn the_same_figure_with_another_value_rejects_the_whole_file() {
    let mut registry = Registry::open_in_memory().unwrap();
    let first = record(2, country("IRQ"), month(1399, 1), "07", 100);
    load(
        &mut registry,
        spec("a.csv", "", "IRICA", SourceKind::Customs),
        &[first],
        "d1",
    )
    .unwrap();
    let fresh = record(2, country("IRQ"), month(1399, 2), "07", 5);
    let clash = record(3, country("IRQ"), month(1399, 1), "07", 101);
    let error = load(
        &mut registry,
        spec("b.csv", "", "IRICA", SourceKind::Customs),
        &[fresh, clash],
        "d2",
    )
    .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("b.csv line 3"), "{message}");
    assert!(message.contains("a.csv line 2"), "{message}");
    // Nothing of b.csv stayed: not its first row, not its load record.
    assert_eq!(registry.figure_count().unwrap(), 1);
    assert_eq!(registry.loads().unwrap().len(), 1);
    assert_eq!(total_value(&registry), 100);
    registry.check_summary().unwrap();
}

#[test]
fn a_later_revision_replaces_the_period_and_an_earlier_one_is_skipped() {
    let mut registry = Registry::open_in_memory().unwrap();
    let old = vec![
        record(2, country("IRQ"), month(1399, 1), "07", 100),
        record(3, country("AFG"), month(1399, 1), "07", 10),
        record(4, country("IRQ"), month(1399, 2), "07", 200),
    ];
    load(
        &mut registry,
        spec("v1.csv", "2023-01-03", "UN Comtrade", SourceKind::Customs),
        &old,
        "d1",
    )
    .unwrap();
    // The new revision gives only Farvardin, and only Iraq: Afghanistan's old Farvardin row
    // goes too (the period is replaced whole); Ordibehesht stays.
    let new = vec![record(2, country("IRQ"), month(1399, 1), "07", 150)];
    let report = load(
        &mut registry,
        spec("v2.csv", "2023-06-01", "UN Comtrade", SourceKind::Customs),
        &new,
        "d2",
    )
    .unwrap();
    assert_eq!((report.loaded, report.replaced), (1, 2));
    assert_eq!(total_value(&registry), 350);
    let stale = vec![record(2, country("IRQ"), month(1399, 1), "07", 999)];
    let report = load(
        &mut registry,
        spec("v0.csv", "2022-01-01", "UN Comtrade", SourceKind::Customs),
        &stale,
        "d3",
    )
    .unwrap();
    assert_eq!((report.loaded, report.superseded), (0, 1));
    assert_eq!(total_value(&registry), 350);
    registry.check_summary().unwrap();
}

#[test]
fn a_dropped_load_leaves_nothing() {
    let mut registry = Registry::open_in_memory().unwrap();
    {
        let mut load = registry
            .begin_load(spec("a.csv", "", "IRICA", SourceKind::Customs))
            .unwrap();
        load.add(&record(2, country("IRQ"), month(1399, 1), "07", 100), None)
            .unwrap();
    }
    assert_eq!(registry.figure_count().unwrap(), 0);
    assert!(registry.loads().unwrap().is_empty());
    assert!(registry.sources().unwrap().is_empty());
}

#[test]
fn a_source_keeps_its_kind() {
    let mut registry = Registry::open_in_memory().unwrap();
    load(
        &mut registry,
        spec("a.csv", "", "IRICA", SourceKind::Customs),
        &[],
        "d1",
    )
    .unwrap();
    let error = load(
        &mut registry,
        spec("b.csv", "", "IRICA", SourceKind::Estimate),
        &[],
        "d2",
    )
    .unwrap_err();
    assert!(
        error.to_string().contains("registered as customs"),
        "{error}"
    );
}

#[test]
fn figures_of_a_day_keep_their_calendar_and_span() {
    let mut registry = Registry::open_in_memory().unwrap();
    let day = SolarHijriDate::new(1399, 2, 15).unwrap().to_gregorian();
    let mut row = record(2, country("IRQ"), month(1399, 2), "07", 100);
    row.period = TradePeriod::Day(day, corridor_calendar::Calendar::SolarHijri);
    row.reference = Some("D-1".to_owned());
    let mut other = row.clone();
    other.reference = Some("D-2".to_owned());
    other.line = 3;
    let report = load(
        &mut registry,
        spec("c.csv", "", "IRICA", SourceKind::Customs),
        &[row, other],
        "d1",
    )
    .unwrap();
    assert_eq!(
        report.loaded, 2,
        "two declarations alike but for their number are two figures"
    );
    let figures = registry.figures(&FigureFilter::default()).unwrap();
    assert_eq!(figures.len(), 1);
    assert_eq!(figures[0].first_day, day.days_since_epoch());
    assert_eq!(figures[0].last_day, day.days_since_epoch());
    assert_eq!((figures[0].value_cents, figures[0].figures), (200, 2));
    let _ = world();
}

#[test]
fn a_registry_on_disk_keeps_its_figures_and_refuses_a_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.sqlite");
    {
        let mut registry = Registry::open(&path).unwrap();
        load(
            &mut registry,
            spec("a.csv", "", "IRICA", SourceKind::Customs),
            &[record(2, country("IRQ"), month(1399, 1), "07", 100)],
            "d1",
        )
        .unwrap();
    }
    let registry = Registry::open(&path).unwrap();
    assert_eq!(total_value(&registry), 100);
    drop(registry);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "INSERT INTO corridor_schema_migration (component, version, name)
         VALUES ('registry', 99, 'future')",
        [],
    )
    .unwrap();
    drop(conn);
    let error = Registry::open(&path).unwrap_err();
    assert!(error.to_string().contains("version 99"), "{error}");
}

mod property {
    use proptest::prelude::*;

    use super::*;

    /// A small random record: few partners, months, codes and values, so that duplicates,
    /// conflicts and replaced periods all happen often.
    fn arb_record() -> impl Strategy<Value = TradeRecord> {
        (
            0..3usize,
            1..4u8,
            0..4usize,
            0..3i128,
            proptest::bool::weighted(0.2),
        )
            .prop_map(|(partner, m, code, value, part)| {
                let partner = [country("IRQ"), country("AFG"), world()][partner];
                let hs = ["", "07", "0702", "72"][code];
                let mut record = record(0, partner, month(1399, m), hs, value * 100);
                if part {
                    record.breakdown = "mot=2100".to_owned();
                }
                record
            })
    }

    fn arb_load() -> impl Strategy<Value = (String, Vec<TradeRecord>)> {
        (
            prop_oneof![Just(""), Just("2023-01"), Just("2023-06")],
            proptest::collection::vec(arb_record(), 0..12),
        )
            .prop_map(|(revision, mut records)| {
                for (line, record) in records.iter_mut().enumerate() {
                    record.line = line as u64 + 2;
                }
                (revision.to_owned(), records)
            })
    }

    fn state(registry: &Registry) -> (u64, Vec<Figure>) {
        let mut figures = registry.figures(&FigureFilter::default()).unwrap();
        figures.sort_by_key(|f| {
            (
                f.partner.clone(),
                f.first_day,
                f.level,
                f.group.clone(),
                f.value_cents,
            )
        });
        (registry.figure_count().unwrap(), figures)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Whatever is loaded, in whatever order: the summary equals the figures added up
        /// from scratch; a failed load changes nothing; loading a file again changes
        /// nothing; and replaying only the loads that succeeded gives the same registry.
        #[test]
        fn loads_keep_the_summary_exact_and_fail_cleanly(
            loads in proptest::collection::vec(arb_load(), 1..8),
        ) {
            let mut registry = Registry::open_in_memory().unwrap();
            let mut succeeded = Vec::new();
            for (index, (revision, records)) in loads.iter().enumerate() {
                let before = state(&registry);
                let digest = format!("d{index}");
                let spec = spec(&format!("f{index}"), revision, "S", SourceKind::Customs);
                match load(&mut registry, spec.clone(), records, &digest) {
                    Ok(_) => {
                        succeeded.push((spec.clone(), records.clone(), digest.clone()));
                        let after = state(&registry);
                        let again = load(&mut registry, spec, records, &digest).unwrap();
                        prop_assert!(again.already_loaded.is_some());
                        prop_assert_eq!(state(&registry), after);
                    }
                    Err(RegistryError::Conflict { .. }) => {
                        prop_assert_eq!(state(&registry), before);
                    }
                    Err(other) => prop_assert!(false, "unexpected error {}", other),
                }
                registry.check_summary().unwrap();
            }
            let mut replayed = Registry::open_in_memory().unwrap();
            for (spec, records, digest) in succeeded {
                load(&mut replayed, spec, &records, &digest).unwrap();
            }
            prop_assert_eq!(state(&replayed), state(&registry));
        }
    }

    /// The state with each figure's source named, not numbered: numbers may differ between
    /// the engines (PostgreSQL's sequences skip numbers taken by rolled-back loads).
    fn named(registry: &Registry) -> (u64, Vec<(String, Figure)>) {
        let sources = registry.sources().unwrap();
        let (count, figures) = state(registry);
        let figures = figures
            .into_iter()
            .map(|figure| {
                let name = sources
                    .iter()
                    .find(|s| s.id == figure.source_id)
                    .map(|s| s.name.clone())
                    .unwrap_or_default();
                (
                    name,
                    Figure {
                        source_id: 0,
                        ..figure
                    },
                )
            })
            .collect();
        (count, figures)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// The same random loads on SQLite and on PostgreSQL (when
        /// `CORRIDOR_TEST_DATABASE_URL` is set): the same outcome for every load (stored,
        /// conflict, already loaded), the same counts and the same summary, which stays exact.
        #[test]
        fn postgres_and_sqlite_registries_agree_load_for_load(
            loads in proptest::collection::vec(arb_load(), 1..6),
        ) {
            let Some(scratch) = corridor_sql::testing::Scratch::postgres("registry differential") else {
                return Ok(());
            };
            let mut sqlite = Registry::open_in_memory().unwrap();
            let mut postgres = Registry::open_target(&scratch.target).unwrap();
            for (index, (revision, records)) in loads.iter().enumerate() {
                let digest = format!("d{index}");
                let spec = spec(&format!("f{index}"), revision, "S", SourceKind::Customs);
                let a = load(&mut sqlite, spec.clone(), records, &digest);
                let b = load(&mut postgres, spec, records, &digest);
                // Load numbers may differ: PostgreSQL's sequences skip the numbers of loads
                // rolled back, SQLite reuses them.
                let numbered = |report: &LoadReport| LoadReport { load_id: 0, ..report.clone() };
                match (&a, &b) {
                    (Ok(a), Ok(b)) => prop_assert_eq!(numbered(a), numbered(b)),
                    (Err(RegistryError::Conflict { line: x, .. }), Err(RegistryError::Conflict { line: y, .. })) => {
                        prop_assert_eq!(x, y)
                    }
                    _ => prop_assert!(false, "SQLite {:?}, PostgreSQL {:?}", a, b),
                }
                prop_assert_eq!(named(&sqlite), named(&postgres));
                postgres.check_summary().unwrap();
            }
            let loads = |registry: &Registry| -> Vec<(String, String, LoadReport)> {
                registry
                    .loads()
                    .unwrap()
                    .into_iter()
                    .map(|l| (l.file, l.digest, LoadReport { load_id: 0, ..l.report }))
                    .collect()
            };
            prop_assert_eq!(loads(&sqlite), loads(&postgres));
            drop(postgres);
        }
    }
}

mod ingesting {
    use super::*;

    const CUSTOMS: &str = "declaration,date,reporter,partner,flow,hs_code,value,currency\n\
        D1,2023-05-10,IRN,IRQ,export,0702,100.00,USD\n\
        D2,2023-05-11,IRN,IRQ,export,0702,oops,USD\n\
        D3,2023-05-12,IRN,IRQ,export,0702,50.00,USD\n";

    fn customs_spec() -> LoadSpec {
        spec("customs.csv", "", "Customs", SourceKind::Customs)
    }

    #[test]
    fn formats_are_told_apart_by_their_columns() {
        assert_eq!(
            Format::detect("\u{feff}typeCode,freqCode"),
            Some(Format::Comtrade)
        );
        assert_eq!(
            Format::detect("\"Classification\",\"Year\",\"Trade Value (US$)\""),
            Some(Format::Comtrade)
        );
        assert_eq!(Format::detect("declaration,date"), Some(Format::Customs));
        assert_eq!(Format::detect("reporter,ebops"), Some(Format::Services));
        assert_eq!(Format::detect("source,kind,period"), Some(Format::Figures));
        assert_eq!(Format::detect("a,b,c"), None);
    }

    #[test]
    fn a_bad_row_rejects_the_file_or_is_set_aside() {
        let mut registry = Registry::open_in_memory().unwrap();
        let error = ingest(
            &mut registry,
            customs_spec(),
            None,
            CUSTOMS.as_bytes(),
            None,
        )
        .unwrap_err();
        assert!(error.to_string().contains("customs.csv line 3"), "{error}");
        assert_eq!(registry.figure_count().unwrap(), 0);
        assert!(registry.loads().unwrap().is_empty());

        let mut rejected = Vec::new();
        let mut sink = |error: &corridor_import::ImportError| {
            rejected.push(error.line());
            Ok(())
        };
        let report = ingest(
            &mut registry,
            customs_spec(),
            None,
            CUSTOMS.as_bytes(),
            Some(&mut sink),
        )
        .unwrap();
        assert_eq!((report.read, report.loaded, report.rejected), (3, 2, 1));
        assert_eq!(rejected, [3]);
        assert_eq!(total_value(&registry), 15_000);
    }

    #[test]
    fn an_unknown_header_or_a_missing_source_is_refused() {
        let mut registry = Registry::open_in_memory().unwrap();
        let error = ingest(
            &mut registry,
            customs_spec(),
            None,
            "a,b\n1,2\n".as_bytes(),
            None,
        )
        .unwrap_err();
        assert!(
            matches!(error, IngestError::UnknownFormat { .. }),
            "{error}"
        );
        let mut no_source = customs_spec();
        no_source.source = None;
        let error = ingest(&mut registry, no_source, None, CUSTOMS.as_bytes(), None).unwrap_err();
        assert!(matches!(error, IngestError::SourceNeeded { .. }), "{error}");
    }

    #[test]
    fn a_file_larger_than_the_queue_loads_whole() {
        let mut text =
            String::from("declaration,date,reporter,partner,flow,hs_code,value,currency\n");
        for n in 0..20_000 {
            text.push_str(&format!("D{n},2023-05-10,IRN,IRQ,export,0702,1.00,USD\n"));
        }
        let mut registry = Registry::open_in_memory().unwrap();
        let report = ingest(&mut registry, customs_spec(), None, text.as_bytes(), None).unwrap();
        assert_eq!(report.loaded, 20_000);
        assert_eq!(total_value(&registry), 2_000_000);
        let again = ingest(&mut registry, customs_spec(), None, text.as_bytes(), None).unwrap();
        assert_eq!(again.already_loaded, Some(report.load_id));
    }
}
