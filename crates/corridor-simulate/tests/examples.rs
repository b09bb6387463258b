//! The example pair in `data/`: both parse, simulate, and compare the way the schedule
//! says they should.
#![allow(clippy::unwrap_used)]

use corridor_calendar::Calendar;
use corridor_simulate::{compare, Scenario, ScenarioResult};

const TWO_DAYS: &str = include_str!("../data/mehran-two-days.toml");
const DAILY: &str = include_str!("../data/all-open-daily.toml");

fn results() -> (ScenarioResult, ScenarioResult) {
    let two_days = Scenario::parse("data/mehran-two-days.toml", TWO_DAYS).unwrap();
    let daily = Scenario::parse("data/all-open-daily.toml", DAILY).unwrap();
    (two_days.simulate(), daily.simulate())
}

#[test]
fn the_example_pair_differs_only_by_mehran() {
    let (two_days, daily) = results();
    assert_eq!(two_days.from, "2020-06-08");
    assert_eq!(two_days.to, "2021-06-07");
    assert_eq!(two_days.days, 365);
    // Same seed and demand lines: the very same trucks arrive.
    assert_eq!(
        two_days.corridor.arrivals_per_day,
        daily.corridor.arrivals_per_day
    );
    // About 3,000 trucks a day with the seasonality.
    let per_day = two_days.corridor.arrived / 365;
    assert!((2_900..3_100).contains(&per_day), "{per_day}");

    let mehran = |r: &ScenarioResult| {
        r.crossings
            .iter()
            .find(|c| c.id == "mehran")
            .cloned()
            .unwrap()
    };
    let (m2, md) = (mehran(&two_days), mehran(&daily));
    // Sun + Wed (Mon + Wed in the first week), less the 4 days of Eid al-Adha: 2020-08-02
    // was a Sunday, so one open day is lost.
    assert_eq!(m2.open_days, 104);
    assert_eq!(m2.capacity_offered, 104 * 250);
    assert_eq!(md.open_days, 365 - 4);
    assert!(m2
        .passed_per_day
        .iter()
        .zip(&m2.capacity_per_day)
        .all(|(p, c)| *p <= u64::from(*c)));
    // Two days a week cannot keep up: a backlog builds, trucks divert, waits are long.
    assert!(m2.queued_at_end > 10_000);
    assert_eq!(md.queued_at_end, 0);
    assert!(m2.wait.p95_days > md.wait.p95_days);
    assert!(two_days.corridor.diverted > 10 * daily.corridor.diverted);
    assert!(two_days.corridor.value_exported_minor < daily.corridor.value_exported_minor);
    // Crossings that take no diverted trucks see no difference at all.
    let shalamcheh = |r: &ScenarioResult| {
        r.crossings
            .iter()
            .find(|c| c.id == "shalamcheh")
            .cloned()
            .unwrap()
    };
    assert_eq!(shalamcheh(&two_days), shalamcheh(&daily));

    // Targets: the projection is lower with Mehran two days a week.
    assert_eq!(two_days.targets.len(), 2);
    let (t2, td) = (&two_days.targets[0], &daily.targets[0]);
    assert_eq!(t2.from, "2020-03-20");
    assert_eq!(t2.to, "2021-03-20");
    assert_eq!(t2.days_simulated, 286);
    assert_eq!(t2.days_after_simulation, 0);
    assert!(t2.projection_minor < td.projection_minor);
    assert!(t2.progress_bp < td.progress_bp);
}

#[test]
fn the_comparison_has_a_table_and_chart_series() {
    let (two_days, daily) = results();
    let comparison = compare(&[two_days.clone(), daily.clone()]);
    let table = comparison.table();
    assert_eq!(
        table.header,
        vec![
            "metric",
            "Mehran open two days a week",
            "All crossings open daily"
        ]
    );
    assert!(table.rows.iter().all(|row| row.len() == 3));
    let row = |name: &str| table.rows.iter().find(|r| r[0] == name).unwrap().clone();
    assert_eq!(row("days"), vec!["days", "365", "365"]);
    assert_eq!(
        row("mehran: open days"),
        vec!["mehran: open days", "104", "361"]
    );
    assert_eq!(
        row("1399 exports at 1398's level: change from baseline")[1],
        "0.00 USD"
    );
    let text = table.render();
    assert!(text.lines().count() == table.rows.len() + 1);

    // Monthly series are aligned over the union of months.
    let solar = &comparison.months_solar_hijri;
    assert_eq!(solar.periods.first().map(String::as_str), Some("1399-03"));
    assert_eq!(solar.periods.last().map(String::as_str), Some("1400-03"));
    assert_eq!(solar.names[1], "Tir 1399");
    assert_eq!(solar.series.len(), 2);
    assert!(solar
        .series
        .iter()
        .all(|s| s.value_exported_minor.len() == solar.periods.len()));
    let monthly = comparison.monthly_table(Calendar::SolarHijri);
    assert_eq!(monthly.rows.len(), solar.periods.len());
    assert_eq!(comparison.monthly_table(Calendar::Gregorian).rows.len(), 13);

    // A queue per crossing per scenario, for the chart.
    assert_eq!(comparison.daily.len(), 10);
    assert!(comparison.daily.iter().all(|d| d.queue.len() == 365));
    assert_eq!(comparison.targets[0].outcomes[0].change_minor, Some(0));
    assert!(comparison.targets[0].outcomes[1].change_minor.unwrap() > 0);
    assert!(comparison.targets[0].outcomes[1].change_bp > 0);

    // JSON: amounts are strings of minor units.
    let json = serde_json::to_value(&comparison).unwrap();
    assert_eq!(json["scenarios"][1], "All crossings open daily");
    assert!(json["months_solar_hijri"]["series"][0]["value_exported_minor"][0].is_string());
    assert!(json["targets"][0]["outcomes"][0]["projection_minor"].is_string());
    assert!(json["daily"][0]["queue"].is_array());
    let result_json = serde_json::to_value(&two_days).unwrap();
    assert!(result_json["corridor"]["value_exported_minor"].is_string());
    assert!(result_json["crossings"][0]["wait"]["p95_days"].is_number());
}

#[test]
fn the_examples_parse_as_json_too() {
    // The same structure in JSON: convert the TOML with the toml crate's own value type.
    let value: toml::Value = toml::from_str(TWO_DAYS).unwrap();
    let json = serde_json::to_string_pretty(&value).unwrap();
    let from_json = Scenario::parse("mehran-two-days.json", &json).unwrap();
    let from_toml = Scenario::parse("mehran-two-days.toml", TWO_DAYS).unwrap();
    // serde_json sorts the share tables' keys: the order of a line's crossings does not
    // change what arrives.
    assert_ne!(from_json.spec().demand, from_toml.spec().demand);
    assert_eq!(from_json.spec().crossings, from_toml.spec().crossings);
    assert_eq!(from_json.spec().targets, from_toml.spec().targets);
    assert_eq!(from_json.simulate(), from_toml.simulate());
}
