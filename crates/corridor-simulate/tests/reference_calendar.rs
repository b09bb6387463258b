//! `ReferenceCalendar`: the shipped corridor-crossings calendar decides whether a crossing
//! is open, the scenario supplies what the reference does not know.
#![allow(clippy::unwrap_used)]

use corridor_crossings::{Crossings, GregorianDate};
use corridor_simulate::{
    CapacitySource, CrossingCalendar, ReferenceCalendar, Scenario, ScenarioResult,
};

/// Mehran open daily at 600 (inline), with a phase at 400 on 2020-03-01 to 2020-03-04, and
/// a crossing the reference does not know. March to May 2020, when the reference has Mehran closed from
/// 2020-03-08 (COVID-19).
const SPRING_2020: &str = r#"
name = "spring 2020"
seed = 1
currency = "USD"
period = { from = "2020-03-01", to = "2020-05-31" }

[[crossings]]
id = "mehran"
capacity = 600

[[crossings.phases]]
from = "2020-03-01"
to = "2020-03-04"
capacity = 400

[[crossings]]
id = "kurdistan"
capacity = 1000
open = ["sat", "sun", "mon", "tue", "wed", "thu"]

[[demand]]
sector = "foodstuffs"
crossing = { mehran = 1, kurdistan = 1 }
trucks_per_day = 800
value_per_truck_minor = 500_000
arrivals = "fixed"
"#;

fn day(text: &str) -> GregorianDate {
    corridor_crossings::parse_day(text).unwrap()
}

fn calendar() -> (Scenario, ReferenceCalendar) {
    let scenario = Scenario::parse("spring.toml", SPRING_2020).unwrap();
    let calendar = ReferenceCalendar::for_scenario(Crossings::reference().unwrap(), &scenario);
    (scenario, calendar)
}

#[test]
fn the_reference_decides_open_or_closed_and_the_scenario_fills_in() {
    let (_, calendar) = calendar();
    assert!(calendar.covers("mehran"));
    assert!(!calendar.covers("kurdistan"));
    assert!(!calendar.covers("Mehran"), "ids are compared exactly");
    let at = |crossing: &str, text: &str| calendar.capacity_and_source(crossing, day(text));

    // Open daily by the baseline schedule, which publishes no trucks: the scenario's 600.
    assert_eq!(at("mehran", "2020-03-05"), (600, CapacitySource::Scenario));
    // Closed (COVID-19), whatever the scenario says.
    assert_eq!(at("mehran", "2020-04-01"), (0, CapacitySource::Closed));
    // Reopened Mon + Wed at 250 trucks a day published by the rule.
    assert_eq!(at("mehran", "2020-06-08"), (250, CapacitySource::Rule));
    assert_eq!(at("mehran", "2020-06-09"), (0, CapacitySource::Closed));
    // Open daily from 2020-09-12 without published trucks; outside the scenario's phase.
    assert_eq!(at("mehran", "2021-01-05"), (600, CapacitySource::Scenario));
    // Before the reference's first schedule (2013): unknown, so the inline calendar.
    assert_eq!(at("mehran", "2010-05-05"), (600, CapacitySource::Inline));
    // Not in the reference: the inline calendar, closed on Fridays.
    assert_eq!(
        at("kurdistan", "2020-04-01"),
        (1000, CapacitySource::Inline)
    );
    assert_eq!(at("kurdistan", "2020-04-03"), (0, CapacitySource::Inline));
    // A crossing neither knows is closed.
    assert_eq!(at("nowhere", "2020-04-01"), (0, CapacitySource::Inline));
    assert_eq!(calendar.capacity("mehran", day("2020-04-01")), 0);
}

#[test]
fn the_scenario_phase_gives_the_capacity_of_days_the_reference_opens_without_one() {
    let (_, calendar) = calendar();
    let at = |text: &str| calendar.capacity_and_source("mehran", day(text));
    assert_eq!(at("2020-03-01"), (400, CapacitySource::Scenario));
    assert_eq!(at("2020-03-04"), (400, CapacitySource::Scenario));
    assert_eq!(at("2020-03-05"), (600, CapacitySource::Scenario));
    // A rule's published trucks win over the scenario's.
    assert_eq!(at("2020-06-10"), (250, CapacitySource::Rule));
}

fn mehran(result: &ScenarioResult) -> (u32, u64) {
    let mehran = result.crossings.iter().find(|c| c.id == "mehran").unwrap();
    (mehran.open_days, mehran.passed)
}

#[test]
fn simulating_with_the_reference_closes_mehran_in_spring_2020() {
    let (scenario, calendar) = calendar();
    let inline = scenario.simulate();
    let reference = scenario.simulate_with(&calendar);
    // Inline: open every day of March, April and May.
    assert_eq!(mehran(&inline).0, 92);
    // Reference: open 2020-03-01 to 2020-03-07 only (closed from 2020-03-08 to 2020-06-07);
    // 400 trucks a day arrive, and all pass on those days.
    assert_eq!(mehran(&reference).0, 7);
    assert_eq!(mehran(&reference).1, 7 * 400);
    let capacity = |r: &ScenarioResult| r.crossings[0].capacity_per_day[..8].to_vec();
    assert_eq!(capacity(&reference), [400, 400, 400, 400, 600, 600, 600, 0]);
    assert!(mehran(&inline).1 > 10 * mehran(&reference).1);
    // Kurdistan is not in the reference: the same in both.
    let kurdistan = |r: &ScenarioResult| r.crossings[1].capacity_per_day.clone();
    assert_eq!(kurdistan(&inline), kurdistan(&reference));
    // The same trucks arrive.
    assert_eq!(
        inline.corridor.arrivals_per_day,
        reference.corridor.arrivals_per_day
    );
}
