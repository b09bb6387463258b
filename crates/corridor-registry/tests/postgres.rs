//! The registry on PostgreSQL gives what it gives on SQLite: the demo corridor loaded into
//! both holds the same sources, loads, summary and targets, and the same reports come out.
//! Needs `CORRIDOR_TEST_DATABASE_URL`; without it, says it is skipped.
#![allow(clippy::unwrap_used)]

use std::io::Write as _;

use corridor_calendar::{Period, PeriodKind};
use corridor_reference::SectorMap;
use corridor_registry::demo;
use corridor_registry::report::{trade_report, FlowChoice, Precedence, TradeChoice, TradeQuery};
use corridor_registry::{Figure, FigureFilter, Registry};
use corridor_sql::testing::Scratch;

/// The summary with sources named (numbers may differ between engines), in a fixed order.
fn summary(registry: &Registry) -> Vec<(String, Figure)> {
    let sources = registry.sources().unwrap();
    let mut figures: Vec<(String, Figure)> = registry
        .figures(&FigureFilter::default())
        .unwrap()
        .into_iter()
        .map(|f| {
            let name = sources
                .iter()
                .find(|s| s.id == f.source_id)
                .unwrap()
                .name
                .clone();
            (name, Figure { source_id: 0, ..f })
        })
        .collect();
    figures.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    figures
}

#[test]
fn the_demo_corridor_is_the_same_on_postgres_and_sqlite() {
    let Some(scratch) = Scratch::postgres("the_demo_corridor_is_the_same_on_postgres") else {
        return;
    };
    let mut sqlite = Registry::open_in_memory().unwrap();
    demo::load_demo_at(&mut sqlite, "2026-11-23T00:00:00Z").unwrap();
    let mut postgres = Registry::open_target(&scratch.target).unwrap();
    let started = std::time::Instant::now();
    let report = demo::load_demo_at(&mut postgres, "2026-11-23T00:00:00Z").unwrap();
    let _ = writeln!(
        std::io::stderr(),
        "demo loaded into PostgreSQL: {} figures in {:.2} s",
        report.files.iter().map(|f| f.report.loaded).sum::<u64>(),
        started.elapsed().as_secs_f64()
    );
    postgres.check_summary().unwrap();
    assert_eq!(
        sqlite.figure_count().unwrap(),
        postgres.figure_count().unwrap()
    );
    assert!(postgres.figure_count().unwrap() > 1_000);
    assert_eq!(summary(&sqlite), summary(&postgres));
    let names = |r: &Registry| -> Vec<_> {
        r.sources()
            .unwrap()
            .into_iter()
            .map(|s| (s.name, s.kind, s.url))
            .collect()
    };
    assert_eq!(names(&sqlite), names(&postgres));
    let specs =
        |r: &Registry| -> Vec<_> { r.targets().unwrap().into_iter().map(|t| t.spec).collect() };
    assert_eq!(specs(&sqlite), specs(&postgres));
    assert!(!specs(&postgres).is_empty());

    // A report from each: Iran's exports to Iraq by Solar Hijri month of 1399, by chapter.
    let query = TradeQuery {
        reporter: "IRN".to_owned(),
        partner: Some("IRQ".to_owned()),
        flow: FlowChoice::Export,
        trade: TradeChoice::Goods,
        by: PeriodKind::SolarMonth,
        from: Some(Period::solar_month(1399, 1).unwrap()),
        to: Some(Period::solar_month(1399, 12).unwrap()),
        group: None,
        precedence: Precedence::default(),
    };
    let report = |r: &Registry| {
        format!(
            "{:?}",
            trade_report(
                &r.figures(&FigureFilter::default()).unwrap(),
                &r.sources().unwrap(),
                &query,
                &SectorMap::default()
            )
            .unwrap()
            .totals
        )
    };
    assert_eq!(report(&sqlite), report(&postgres));

    // Loading the demo again changes nothing, on PostgreSQL too.
    let before = summary(&postgres);
    let again = demo::load_demo_at(&mut postgres, "2026-11-24T00:00:00Z").unwrap();
    assert!(again.files.iter().all(|f| f.report.loaded == 0));
    assert_eq!(summary(&postgres), before);
    // A reopened registry (another server) reads the same.
    let reopened = Registry::open_target(&scratch.target).unwrap();
    assert_eq!(summary(&reopened), before);
    drop((postgres, reopened));
}
