//! Small scenarios whose every number is computed by hand in the comments.
#![allow(clippy::unwrap_used)]

use corridor_calendar::GregorianDate;
use corridor_simulate::{simulate, CrossingCalendar, Scenario, ScenarioResult, WaitStats};

/// One crossing, open Sunday and Wednesday at 250 trucks a day, 100 trucks a day of
/// demand at $5,000 each, no randomness. 2020-06-07 is a Sunday.
fn two_days_a_week(to: &str, extra: &str) -> String {
    format!(
        r#"
name = "two days a week"
seed = 1
currency = "USD"
period = {{ from = "2020-06-07", to = "{to}" }}

[[crossings]]
id = "mehran"
capacity = 250
open = ["sun", "wed"]

[[demand]]
sector = "foodstuffs"
crossing = "mehran"
trucks_per_day = 100
value_per_truck_minor = 500_000
arrivals = "fixed"
{extra}
"#
    )
}

fn run(text: &str) -> ScenarioResult {
    Scenario::parse("test.toml", text).unwrap().simulate()
}

#[test]
fn a_crossing_open_two_days_a_week_falls_behind_by_200_trucks_a_week() {
    // Four weeks, Sunday 2020-06-07 to Saturday 2020-07-04.
    let result = run(&two_days_a_week("2020-07-04", ""));
    let mehran = &result.crossings[0];
    // Week 1: Sun 100 arrive and pass (0 left); Mon 100; Tue 200; Wed 300 - 250 = 50;
    // Thu 150; Fri 250; Sat 350. Each later week: 700 arrive, 500 pass, so every day's
    // queue is 200 more than the same day a week before.
    let week_one = [0u64, 100, 200, 50, 150, 250, 350];
    let expected: Vec<u64> = (0..4u64)
        .flat_map(|week| week_one.iter().map(move |q| q + 200 * week))
        .collect();
    assert_eq!(mehran.queue_per_day, expected);
    // Capacity and passes: Sun and Wed only; the first Sunday passes only the 100 there.
    let capacity: Vec<u32> = (0..28)
        .map(|day| if day % 7 == 0 || day % 7 == 3 { 250 } else { 0 })
        .collect();
    assert_eq!(mehran.capacity_per_day, capacity);
    let mut passed: Vec<u64> = capacity.iter().map(|&c| u64::from(c)).collect();
    passed[0] = 100;
    assert_eq!(mehran.passed_per_day, passed);

    assert_eq!(result.days, 28);
    assert_eq!(result.corridor.arrived, 2_800);
    assert_eq!(result.corridor.passed, 100 + 7 * 250);
    assert_eq!(mehran.queued_at_end, 950);
    assert_eq!(mehran.max_queue, 950);
    assert_eq!(mehran.max_queue_date.as_deref(), Some("2020-07-04"));
    assert_eq!(mehran.open_days, 8);
    assert_eq!(mehran.capacity_offered, 2_000);
    assert_eq!(mehran.utilisation_bp, Some(9_250)); // 1,850 / 2,000
    assert_eq!(mehran.value_queued_at_end_minor, 950 * 500_000);
    // First in, first out: the 950 waiting are the last 950 to arrive, 9.5 days' worth,
    // so the oldest arrived on day 18 (Thursday 06-25) and has waited 27 - 18 = 9 days.
    assert_eq!(mehran.oldest_waiting_days, Some(9));

    // By month: June (24 days) passes 100 + 6 x 250 = 1,600; July 1 (a Wednesday) 250.
    let june = &result.months_gregorian[0];
    assert_eq!(
        (
            june.period.as_str(),
            june.name.as_str(),
            june.days_simulated
        ),
        ("2020-06", "June 2020", 24)
    );
    assert_eq!(june.trucks_passed, 1_600);
    assert_eq!(june.value_exported_minor, 1_600 * 500_000);
    assert_eq!(result.months_gregorian[1].trucks_passed, 250);
    assert_eq!(result.months_gregorian[1].days_simulated, 4);
    // By Solar Hijri month: Khordad 1399 ends on 2020-06-20 (1399-03-19 is 2020-06-08), so
    // it holds 06-07, 06-10, 06-14, 06-17: 100 + 3 x 250; Tir the other four passing days.
    let solar: Vec<(&str, &str, u64)> = result
        .months_solar_hijri
        .iter()
        .map(|m| (m.period.as_str(), m.name.as_str(), m.trucks_passed))
        .collect();
    assert_eq!(
        solar,
        vec![
            ("1399-03", "Khordad 1399", 850),
            ("1399-04", "Tir 1399", 1_000)
        ]
    );
    assert_eq!(mehran.passed_by_month_solar_hijri, vec![850, 1_000]);
    assert_eq!(mehran.passed_by_month_gregorian, vec![1_600, 250]);
}

#[test]
fn waiting_times_follow_the_queue_in_order() {
    // Sunday 06-07 to Sunday 06-14. Passes: Sun 100 of Sun (wait 0); Wed 250: Mon's 100
    // (2 days), Tue's 100 (1), 50 of Wed's (0); Sun 06-14 250: Wed's other 50 (4), Thu's
    // 100 (3), Fri's 100 (2). Waits: 0 x 150, 1 x 100, 2 x 200, 3 x 100, 4 x 50 = 600
    // trucks, 1,000 truck-days: mean 1.667, median (rank 300) 2, p95 (rank 570) 4.
    let result = run(&two_days_a_week("2020-06-14", ""));
    let expected = WaitStats {
        trucks: 600,
        mean_tenths: Some(17),
        median_days: Some(2),
        p95_days: Some(4),
        max_days: Some(4),
    };
    assert_eq!(result.crossings[0].wait, expected);
    // No diversion: the corridor's delay is the crossing's wait.
    assert_eq!(result.corridor.delay, expected);
    assert_eq!(result.crossings[0].queued_at_end, 200);
}

#[test]
fn trucks_that_cannot_pass_today_divert_and_arrive_a_day_later() {
    // Mehran as above; Khosravi open daily at 1,000; a truck diverts if it cannot pass
    // Mehran today (when_wait_exceeds_days = 0) and reaches Khosravi the next day.
    let extra = r#"
[[crossings]]
id = "khosravi"
capacity = 1000

[[routing]]
from = "mehran"
to = "khosravi"
extra_days = 1
"#;
    // Sunday 06-07 to Saturday 06-13. Sun: 100 pass at Mehran. Mon: 100 cannot pass, all
    // divert, reach Khosravi Tue and pass. Tue: the same, pass Wed. Wed: 100 pass at
    // Mehran. Thu, Fri, Sat: divert; Thu's pass Fri, Fri's pass Sat, Sat's are still on
    // the road at the end.
    let result = run(&two_days_a_week("2020-06-13", extra));
    let (mehran, khosravi) = (&result.crossings[0], &result.crossings[1]);
    assert_eq!(mehran.passed_per_day, vec![100, 0, 0, 100, 0, 0, 0]);
    assert_eq!(khosravi.passed_per_day, vec![0, 0, 100, 100, 0, 100, 100]);
    assert_eq!(
        result.corridor.in_transit_per_day,
        vec![0, 100, 100, 0, 100, 100, 100]
    );
    assert_eq!(mehran.queue_per_day, vec![0; 7]);
    assert_eq!(result.corridor.diverted, 500);
    assert_eq!(mehran.diverted_out, 500);
    assert_eq!(khosravi.diverted_in, 400);
    assert_eq!(result.corridor.in_transit_at_end, 100);
    assert_eq!(result.corridor.value_in_transit_at_end_minor, 100 * 500_000);
    assert_eq!(
        result.corridor.arrived,
        result.corridor.passed + result.corridor.queued_at_end + result.corridor.in_transit_at_end
    );
    // Waits at each crossing are 0; the corridor's delay counts the day on the road:
    // 200 trucks at 0 days, 400 at 1: mean 0.667.
    assert_eq!(mehran.wait.max_days, Some(0));
    assert_eq!(khosravi.wait.max_days, Some(0));
    assert_eq!(result.corridor.delay.mean_tenths, Some(7));
    assert_eq!(result.corridor.delay.median_days, Some(1));
    assert_eq!(result.corridor.delay.p95_days, Some(1));
}

#[test]
fn trucks_divert_only_when_the_wait_would_exceed_the_threshold() {
    // As above, but a truck diverts only if it would not pass Mehran within 2 more days,
    // and it takes Khosravi a day. Reach = Mehran's capacity today and the next 2 days.
    // Sun: 100, reach 250 (Sun) -> stay, pass. Mon: 100, reach 250 (Wed) -> stay.
    // Tue: 200, reach 250 (Wed) -> stay. Wed: 300, reach 250 (Wed) -> the last 50 divert;
    // 250 pass. Thu: 100, reach 0 (Thu-Sat) -> 100 divert. Fri: 100, reach 250: the next
    // Sunday, beyond the period, still counts -> stay. Sat: 200, reach 250 -> stay.
    let extra = r#"
[[crossings]]
id = "khosravi"
capacity = 1000

[[routing]]
from = "mehran"
to = "khosravi"
extra_days = 1
when_wait_exceeds_days = 2
"#;
    let result = run(&two_days_a_week("2020-06-13", extra));
    let (mehran, khosravi) = (&result.crossings[0], &result.crossings[1]);
    assert_eq!(mehran.queue_per_day, vec![0, 100, 200, 0, 0, 100, 200]);
    assert_eq!(mehran.passed_per_day, vec![100, 0, 0, 250, 0, 0, 0]);
    assert_eq!(khosravi.passed_per_day, vec![0, 0, 0, 0, 50, 100, 0]);
    assert_eq!(result.corridor.diverted, 150);
    assert_eq!(result.corridor.in_transit_at_end, 0);
    assert_eq!(mehran.queued_at_end, 200);
    // The 50 that diverted on Wednesday had waited since Wednesday: delay 1 (the road).
    // Thursday's 100: delay 1. So 350 + 150 trucks crossed.
    assert_eq!(result.corridor.passed, 500);
}

#[test]
fn diversion_limits_and_sectors_are_respected() {
    // Two sectors at Mehran, 60 and 40 trucks a day; only "fuel" may divert, at most 30
    // a day, the same day (extra_days = 0) to Khosravi. Mehran closed (open = []).
    let text = r#"
name = "limits"
seed = 3
currency = "USD"
period = { from = "2020-06-07", to = "2020-06-09" }

[[crossings]]
id = "mehran"
capacity = 250
open = []

[[crossings]]
id = "khosravi"
capacity = 1000

[[demand]]
sector = "foodstuffs"
crossing = "mehran"
trucks_per_day = 60
value_per_truck_minor = 1
arrivals = "fixed"

[[demand]]
sector = "fuel"
crossing = "mehran"
trucks_per_day = 40
value_per_truck_minor = 10
arrivals = "fixed"

[[routing]]
from = "mehran"
to = "khosravi"
extra_days = 0
max_per_day = 30
sectors = ["fuel"]
"#;
    let result = run(text);
    let (mehran, khosravi) = (&result.crossings[0], &result.crossings[1]);
    assert_eq!(mehran.passed, 0);
    // Each day the 30 newest fuel trucks divert (from the back of the queue) and cross
    // Khosravi the same day; Mehran keeps 100 - 30 = 70 more trucks every day.
    assert_eq!(khosravi.passed_per_day, vec![30, 30, 30]);
    assert_eq!(mehran.queue_per_day, vec![70, 140, 210]);
    let fuel = result.sectors.iter().find(|s| s.sector == "fuel").unwrap();
    assert_eq!(
        (fuel.arrived, fuel.passed, fuel.value_exported_minor),
        (120, 90, 900)
    );
    let food = result
        .sectors
        .iter()
        .find(|s| s.sector == "foodstuffs")
        .unwrap();
    assert_eq!((food.arrived, food.passed), (180, 0));
    // The diverted trucks joined Khosravi the day they arrived: no wait, no delay.
    assert_eq!(khosravi.wait.max_days, Some(0));
    assert_eq!(result.corridor.delay.max_days, Some(0));
}

#[test]
fn shares_split_a_line_between_crossings() {
    let text = r#"
name = "shares"
seed = 1
currency = "IQD"
period = { from = "SH1399-03-19", to = "SH1399-03-22" }

[[crossings]]
id = "a"
capacity = 1000

[[crossings]]
id = "b"
capacity = 1000

[[demand]]
sector = "all"
crossing = { a = 3, b = 1 }
trucks_per_day = 10
value_per_truck_minor = 1_000
arrivals = "fixed"
"#;
    // 7.5 and 2.5 a day, fractions carried: a gets 7, 8, 7, 8; b 2, 3, 2, 3.
    let result = run(text);
    assert_eq!(result.from, "2020-06-08");
    assert_eq!(result.to, "2020-06-11");
    assert_eq!(result.currency, "IQD");
    assert_eq!(result.crossings[0].passed_per_day, vec![7, 8, 7, 8]);
    assert_eq!(result.crossings[1].passed_per_day, vec![2, 3, 2, 3]);
    assert_eq!(result.corridor.arrivals_per_day, vec![9, 11, 9, 11]);
}

#[test]
fn seasonality_scales_demand_by_month_of_either_calendar() {
    // 100 a day; Tir (Solar month 4) at 150 %, Khordad at 50 %. 2020-06-20 is the last
    // day of Khordad 1399, 2020-06-21 the first of Tir.
    let text = r#"
name = "seasons"
seed = 1
currency = "USD"
period = { from = "2020-06-19", to = "2020-06-22" }

[[crossings]]
id = "a"
capacity = 1000

[[demand]]
sector = "all"
crossing = "a"
trucks_per_day = 100
value_per_truck_minor = 1
arrivals = "fixed"
seasonality = { calendar = "solar_hijri", percent = [100, 100, 50, 150, 100, 100, 100, 100, 100, 100, 100, 100] }

[[demand]]
sector = "all"
crossing = "a"
trucks_per_day = 10
value_per_truck_minor = 1
arrivals = "fixed"
seasonality = { calendar = "gregorian", basis_points = [0, 0, 0, 0, 0, 20000, 0, 0, 0, 0, 0, 0] }
"#;
    let result = run(text);
    assert_eq!(result.corridor.arrivals_per_day, vec![70, 70, 170, 170]);
}

#[test]
fn phases_and_closures_shape_the_inline_calendar() {
    // Mehran from Monday 2020-06-08: Mon + Wed in the first week (a phase), then Sun +
    // Wed; closed 06-17 (a Wednesday); 300 trucks from 06-21 (a phase with a capacity).
    let text = r#"
name = "calendar"
seed = 1
currency = "USD"
period = { from = "2020-06-08", to = "2020-06-24" }

[[crossings]]
id = "mehran"
capacity = 250
open = ["sun", "wed"]
closed = [{ from = "2020-06-17", to = "2020-06-17", note = "holiday" }]

[[crossings.phases]]
from = "2020-06-08"
to = "2020-06-13"
open = ["mon", "wed"]

[[crossings.phases]]
from = "2020-06-21"
to = "2020-12-31"
capacity = 300
"#;
    let result = run(text);
    let open: Vec<(usize, u32)> = result.crossings[0]
        .capacity_per_day
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, c)| *c > 0)
        .collect();
    // Day 0 = Mon 06-08, 2 = Wed 06-10, 6 = Sun 06-14, 9 = Wed 06-17 (closed),
    // 13 = Sun 06-21, 16 = Wed 06-24.
    assert_eq!(
        open,
        vec![(0, 250), (2, 250), (6, 250), (13, 300), (16, 300)]
    );
}

#[test]
fn targets_count_what_crossed_in_their_period() {
    let extra = r#"
[[targets]]
name = "June"
amount_minor = 1_000_000_000
from = "2020-06-01"
to = "2020-06-30"
achieved_minor = 100_000_000

[[targets]]
name = "summer"
amount_minor = 2_000_000_000
from = "2020-06-07"
to = "2020-07-31"
"#;
    let result = run(&two_days_a_week("2020-07-04", extra));
    let june = &result.targets[0];
    // June: 1,600 trucks at $5,000 = $8 m crossed, plus $1 m before: 90 % of $10 m.
    assert_eq!(june.simulated_minor, 800_000_000);
    assert_eq!(june.projection_minor, 900_000_000);
    assert_eq!(june.progress_bp, 9_000);
    assert_eq!(june.shortfall_minor, 100_000_000);
    assert_eq!(june.days_simulated, 24);
    assert_eq!(june.days_after_simulation, 0);
    let summer = &result.targets[1];
    assert_eq!(summer.simulated_minor, 1_850 * 500_000);
    assert_eq!(summer.progress_bp, 4_625);
    assert_eq!(summer.days_simulated, 28);
    assert_eq!(summer.days_after_simulation, 27);
}

/// A calendar from elsewhere: every crossing passes 10 trucks on even days of the month.
struct EvenDays;

impl CrossingCalendar for EvenDays {
    fn capacity(&self, _crossing: &str, day: GregorianDate) -> u32 {
        if day.day().is_multiple_of(2) {
            10
        } else {
            0
        }
    }
}

#[test]
fn a_caller_supplied_calendar_replaces_the_inline_one() {
    let scenario = Scenario::parse("test.toml", &two_days_a_week("2020-06-10", "")).unwrap();
    let result = simulate(&scenario, &EvenDays);
    // 06-07 .. 06-10: capacity 0, 10, 0, 10.
    assert_eq!(result.crossings[0].capacity_per_day, vec![0, 10, 0, 10]);
    assert_eq!(result.crossings[0].passed_per_day, vec![0, 10, 0, 10]);
    assert_eq!(result.crossings[0].queued_at_end, 380);
    assert_eq!(scenario.simulate_with(&EvenDays), result);
}
