//! The demo corridor: it loads, real public figures come out of the reports, the generated
//! detail adds up to the public figures, and loading it again changes nothing.
#![allow(clippy::unwrap_used)]

use std::sync::OnceLock;

use corridor_calendar::{GregorianDate, Period, PeriodKind};
use corridor_reference::SectorMap;
use corridor_registry::demo::{self, Anchor, CUSTOMS_SOURCE, SERVICES_SOURCE};
use corridor_registry::reconcile::{reconcile, ReconcileQuery};
use corridor_registry::report::{
    partner_ranking, trade_report, FlowChoice, Precedence, TradeChoice, TradeQuery,
};
use corridor_registry::{Figure, FigureFilter, Registry, Source, TargetSpan};

const BN: i128 = 1_000_000_000 * 100;
const M: i128 = 1_000_000 * 100;

/// A registry with the demo loaded, its summary and sources (loaded once for all tests).
fn demo() -> &'static (Vec<Figure>, Vec<Source>) {
    static DEMO: OnceLock<(Vec<Figure>, Vec<Source>)> = OnceLock::new();
    DEMO.get_or_init(|| {
        let mut registry = Registry::open_in_memory().unwrap();
        demo::load_demo_at(&mut registry, "2026-11-23T00:00:00Z").unwrap();
        (
            registry.figures(&FigureFilter::default()).unwrap(),
            registry.sources().unwrap(),
        )
    })
}

fn query(partner: Option<&str>, by: PeriodKind, period: Period, sources: &[&str]) -> TradeQuery {
    TradeQuery {
        reporter: "IRN".to_owned(),
        partner: partner.map(str::to_owned),
        flow: FlowChoice::Export,
        trade: TradeChoice::Goods,
        by,
        from: Some(period),
        to: Some(period),
        group: None,
        precedence: Precedence {
            sources: sources.iter().map(|s| (*s).to_owned()).collect(),
        },
    }
}

/// The value and source of one period's total.
fn total(partner: Option<&str>, period: Period, sources: &[&str]) -> (i128, String) {
    let (figures, registered) = demo();
    let report = trade_report(
        figures,
        registered,
        &query(partner, period.kind(), period, sources),
        &SectorMap::default(),
    )
    .unwrap();
    assert_eq!(report.totals.len(), 1, "{period}: {:?}", report.totals);
    (
        report.totals[0].value_cents,
        report.totals[0].source.clone(),
    )
}

#[test]
fn the_demo_loads_and_says_what_each_file_did() {
    let mut registry = Registry::open_in_memory().unwrap();
    let report = demo::load_demo_at(&mut registry, "2026-11-23T00:00:00Z").unwrap();
    let names: Vec<&str> = report.files.iter().map(|f| f.file.as_str()).collect();
    assert_eq!(
        names,
        [demo::FIGURES_FILE, demo::CUSTOMS_FILE, demo::SERVICES_FILE]
    );
    for file in &report.files {
        assert!(file.report.loaded > 0, "{file:?}");
        assert_eq!(file.report.loaded, file.report.read, "{file:?}");
        assert_eq!(file.report.already_loaded, None);
    }
    let declarations = report.files[1].report.loaded;
    assert!(
        (20_000..100_000).contains(&declarations),
        "{declarations} declarations"
    );
    assert_eq!(report.files[2].report.loaded, 8 * 12 * 2);
    assert!(report.targets.iter().all(|t| t.added));
    assert!(!report.unchanged());
    let kinds: Vec<(String, String)> = registry
        .sources()
        .unwrap()
        .into_iter()
        .filter(|s| s.name == CUSTOMS_SOURCE || s.name == SERVICES_SOURCE)
        .map(|s| (s.name, s.kind.name().to_owned()))
        .collect();
    assert_eq!(kinds.len(), 2);
    assert!(kinds.iter().all(|(_, kind)| kind == "generated"));
    registry.check_summary().unwrap();

    let targets = registry.targets().unwrap();
    let names: Vec<&str> = targets.iter().map(|t| t.spec.name.as_str()).collect();
    assert_eq!(names, ["irn-irq-20bn", "irn-irq-20bn-2021"]);
    assert_eq!(targets[0].spec.amount_cents, 20 * BN);
    assert_eq!(
        targets[0].spec.span,
        TargetSpan::Period(Period::solar_year(1404).unwrap())
    );
    assert_eq!(
        targets[1].spec.span,
        TargetSpan::Deadline(GregorianDate::new(2021, 12, 31).unwrap())
    );
}

#[test]
fn loading_the_demo_twice_changes_nothing() {
    let mut registry = Registry::open_in_memory().unwrap();
    demo::load_demo_at(&mut registry, "2026-11-23T00:00:00Z").unwrap();
    let figures = registry.figure_count().unwrap();
    let loads = registry.loads().unwrap().len();
    let again = demo::load_demo_at(&mut registry, "2026-11-24T00:00:00Z").unwrap();
    assert!(again.unchanged(), "{again:?}");
    assert!(again.files.iter().all(|f| f.report.loaded == 0));
    assert_eq!(registry.figure_count().unwrap(), figures);
    assert_eq!(registry.loads().unwrap().len(), loads);
    assert_eq!(registry.targets().unwrap().len(), 2);
}

#[test]
fn the_generated_files_are_the_same_every_time() {
    assert_eq!(demo::customs_csv().unwrap(), demo::customs_csv().unwrap());
    assert_eq!(demo::services_csv().unwrap(), demo::services_csv().unwrap());
}

#[test]
fn exports_to_iraq_in_1399_are_irica_s_7_3_bn() {
    let (value, source) = total(Some("IRQ"), Period::solar_year(1399).unwrap(), &[]);
    assert_eq!(value, 7_300 * M);
    assert_eq!(source, "IRICA (Tehran Times 461039)");
}

#[test]
fn farvardin_1399_is_259_m_and_mordad_441_m() {
    let (value, source) = total(Some("IRQ"), Period::solar_month(1399, 1).unwrap(), &[]);
    assert_eq!(value, 259 * M);
    assert!(source.starts_with("IRICA"), "{source}");
    let (value, source) = total(Some("IRQ"), Period::solar_month(1399, 5).unwrap(), &[]);
    assert_eq!(value, 441 * M);
    assert_eq!(source, "IRICA (Mehr News 163113)");
    // The generated declarations agree.
    for (month, expected) in [(1, 259 * M), (5, 441 * M)] {
        let (value, _) = total(
            Some("IRQ"),
            Period::solar_month(1399, month).unwrap(),
            &[CUSTOMS_SOURCE],
        );
        assert_eq!(value, expected, "1399-{month:02}");
    }
}

#[test]
fn iraq_is_second_after_china_in_1399() {
    let (figures, sources) = demo();
    let year = Period::solar_year(1399).unwrap();
    for precedence in [&[][..], &[CUSTOMS_SOURCE][..]] {
        let (ranking, world) = partner_ranking(
            figures,
            sources,
            &query(None, PeriodKind::SolarYear, year, precedence),
            year,
            &SectorMap::default(),
        )
        .unwrap();
        let order: Vec<&str> = ranking
            .iter()
            .map(|rank| rank.row.group.as_ref().unwrap().code.as_str())
            .collect();
        assert_eq!(&order[..2], ["CHN", "IRQ"], "{precedence:?}");
        assert_eq!(ranking[1].rank, 2);
        assert_eq!(ranking[1].row.value_cents, 7_300 * M);
        if precedence.is_empty() {
            assert_eq!(ranking[0].row.value_cents, 8_900 * M);
            assert_eq!(
                &order,
                &["CHN", "IRQ", "ARE", "TUR", "AFG"],
                "IRICA's top five"
            );
            // Share of IRICA's $34.5 bn of non-oil exports.
            assert_eq!(world.unwrap().value_cents, 34_500 * M);
            assert_eq!(ranking[1].share_of_world_bp, Some(2116));
        }
    }
}

#[test]
fn generated_months_add_up_to_each_year_s_figure() {
    let (figures, sources) = demo();
    for plan in demo::plans() {
        let (partner, flow, trade, source) = (
            plan.partner,
            if plan.flow == "import" {
                FlowChoice::Import
            } else {
                FlowChoice::Export
            },
            if plan.services {
                TradeChoice::Services
            } else {
                TradeChoice::Goods
            },
            if plan.services {
                SERVICES_SOURCE
            } else {
                CUSTOMS_SOURCE
            },
        );
        for year in &plan.years {
            let months = trade_report(
                figures,
                sources,
                &TradeQuery {
                    flow,
                    trade,
                    from: Some(Period::solar_month(year.year, 1).unwrap()),
                    to: Some(Period::solar_month(year.year, 12).unwrap()),
                    ..query(
                        Some(partner),
                        PeriodKind::SolarMonth,
                        Period::solar_month(year.year, 1).unwrap(),
                        &[source],
                    )
                },
                &SectorMap::default(),
            )
            .unwrap();
            let values: Vec<i128> = months.totals.iter().map(|row| row.value_cents).collect();
            assert_eq!(values.len(), 12, "{partner} {} {}", plan.flow, year.year);
            let what = format!("{partner} {} {}", plan.flow, year.year);
            assert_eq!(values.iter().sum::<i128>(), year.total_usd * 100, "{what}");
            for anchor in year.anchors {
                match *anchor {
                    Anchor::Month(month, usd) => {
                        assert_eq!(
                            values[usize::from(month) - 1],
                            usd * 100,
                            "{what} {anchor:?}"
                        )
                    }
                    Anchor::Through(month, usd) => assert_eq!(
                        values[..usize::from(month)].iter().sum::<i128>(),
                        usd * 100,
                        "{what} {anchor:?}"
                    ),
                }
            }
            assert!(values.iter().all(|v| *v > 0), "{what}: {values:?}");
            let year_total = TradeQuery {
                flow,
                trade,
                ..query(
                    Some(partner),
                    PeriodKind::SolarYear,
                    Period::solar_year(year.year).unwrap(),
                    &[source],
                )
            };
            let report =
                trade_report(figures, sources, &year_total, &SectorMap::default()).unwrap();
            assert_eq!(report.totals[0].value_cents, year.total_usd * 100, "{what}");
        }
    }
    // The public annual figures the generated years were calibrated to.
    for (year, bn_cents) in [
        (1398, 9 * BN),
        (1399, 7_300 * M),
        (1401, 10_230 * M),
        (1402, 10 * BN),
    ] {
        let (value, _) = total(
            Some("IRQ"),
            Period::solar_year(year).unwrap(),
            &[CUSTOMS_SOURCE],
        );
        assert_eq!(value, bn_cents, "{year}");
    }
}

#[test]
fn the_chamber_s_800_m_for_ordibehesht_1399_stands_against_the_customs_figures() {
    let (figures, sources) = demo();
    let month = Period::solar_month(1399, 2).unwrap();
    let rows = reconcile(
        figures,
        sources,
        &ReconcileQuery {
            reporter: "IRN".to_owned(),
            partner: "IRQ".to_owned(),
            flow: FlowChoice::Export,
            trade: TradeChoice::Goods,
            from: Some(month.first_day()),
            to: Some(month.last_day()),
            mirror: false,
            all: false,
        },
    )
    .unwrap();
    let row = rows
        .iter()
        .find(|row| row.first_day == month.first_day() && row.last_day == month.last_day())
        .expect("a row for Ordibehesht 1399");
    let chamber = row
        .values
        .iter()
        .find(|v| {
            v.source
                .starts_with("Iran-Iraq Joint Chamber of Commerce (Hosseini")
        })
        .expect("the chamber's estimate");
    assert_eq!(chamber.value_cents, 800 * M);
    assert_eq!(chamber.kind.name(), "estimate");
    let customs = row
        .values
        .iter()
        .find(|v| v.source == CUSTOMS_SOURCE)
        .expect("the customs declarations");
    // IRICA leaves $1.706 bn for Ordibehesht, Khordad and Tir together: far below $800 m a
    // month in the spring's closures.
    assert!(customs.value_cents < 800 * M, "{customs:?}");
    // Added up from the declarations of each day of the month.
    assert!(customs.parts > 20, "{customs:?}");
    assert_eq!(row.spread_cents, 800 * M - customs.value_cents);
}

#[test]
fn mehran_opens_two_days_a_week_from_2020_06_08() {
    let csv = demo::customs_csv().unwrap();
    let mut mehran_days = std::collections::BTreeSet::new();
    for line in csv.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        if fields[12] != "Mehran" {
            continue;
        }
        let date: corridor_calendar::SolarHijriDate = fields[1].parse().unwrap();
        mehran_days.insert(date.to_gregorian());
    }
    let covid = GregorianDate::new(2020, 3, 8).unwrap();
    let reopening = GregorianDate::new(2020, 6, 8).unwrap();
    let trade = GregorianDate::new(2020, 9, 12).unwrap();
    assert!(!mehran_days.iter().any(|d| *d >= covid && *d < reopening));
    let limited: Vec<GregorianDate> = mehran_days
        .iter()
        .copied()
        .filter(|d| *d >= reopening && *d < trade)
        .collect();
    assert!(limited.contains(&reopening));
    // Monday and Wednesday in the first week, then Sunday and Wednesday.
    for d in &limited {
        let weekday = (d.days_since_epoch() + 4).rem_euclid(7);
        let first_week = d.days_since_epoch() < reopening.days_since_epoch() + 7;
        let allowed: &[i64] = if first_week { &[1, 3] } else { &[0, 3] };
        assert!(allowed.contains(&weekday), "{d} is weekday {weekday}");
    }
    assert!(mehran_days.iter().any(|d| *d >= trade));
}
