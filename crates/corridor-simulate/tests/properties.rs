//! Property tests over random scenarios: nothing is created or lost, capacity is never
//! exceeded, a closed crossing passes nothing, the same seed gives the same result, the
//! statistics are consistent, and the cohort engine agrees truck for truck with a naive
//! model that moves single trucks.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, VecDeque};

use corridor_calendar::{Calendar, GregorianDate};
use corridor_core::Currency;
use corridor_simulate::{
    Arrivals, Closure, CrossingCalendar, CrossingChoice, CrossingSpec, DemandLine, Phase,
    RoutingRule, Scenario, ScenarioResult, ScenarioSpec, Seasonality, Target, WaitStats, Weekday,
    Weekdays,
};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

/// 2020-01-01.
const BASE_DAY: i64 = 18_262;
const SECTORS: [&str; 3] = ["food", "building", "fuel"];

fn date(days: i64) -> GregorianDate {
    GregorianDate::from_days_since_epoch(days).unwrap()
}

fn weekdays() -> impl Strategy<Value = Weekdays> {
    (0u8..128).prop_map(|bits| {
        let days: Vec<Weekday> = Weekday::ALL
            .into_iter()
            .filter(|day| bits & (1 << day.index()) != 0)
            .collect();
        Weekdays::of(&days)
    })
}

fn seasonality() -> impl Strategy<Value = Seasonality> {
    (any::<bool>(), vec(0u32..=20_000, 12)).prop_map(|(solar, bp)| Seasonality {
        calendar: if solar {
            Calendar::SolarHijri
        } else {
            Calendar::Gregorian
        },
        basis_points: bp.try_into().unwrap(),
    })
}

/// A crossing whose closures and phases fall in or near the period `start..start + days`.
fn crossing(start: i64, days: i64) -> impl Strategy<Value = CrossingSpec> {
    let span = days + 10;
    (
        1u32..300,
        weekdays(),
        vec((-5..span, 0i64..8), 0..3),
        vec(
            (
                0..span,
                0i64..20,
                option::of(1u32..300),
                option::of(weekdays()),
            ),
            0..3,
        ),
    )
        .prop_map(move |(capacity, open, closures, phases)| {
            let closed = closures
                .into_iter()
                .map(|(offset, length)| Closure {
                    from: date(start + offset),
                    to: date(start + offset + length),
                    note: None,
                })
                .collect();
            // Keep phases that do not overlap an earlier one.
            let mut kept: Vec<Phase> = Vec::new();
            for (offset, length, capacity, open) in phases {
                let (from, to) = (date(start + offset), date(start + offset + length));
                if kept.iter().all(|p| to < p.from || p.to < from) {
                    kept.push(Phase {
                        from,
                        to,
                        capacity,
                        open,
                        note: None,
                    });
                }
            }
            CrossingSpec {
                id: String::new(),
                name: None,
                capacity,
                open,
                closed,
                phases: kept,
            }
        })
}

struct Shape {
    max_days: i64,
    max_trucks: u32,
    fixed_only: bool,
}

fn demand_line(crossings: usize, shape: &Shape) -> impl Strategy<Value = DemandLine> {
    let fixed_only = shape.fixed_only;
    (
        0..SECTORS.len(),
        vec((0..crossings, 1u32..5), 1..4),
        any::<bool>(),
        0..=shape.max_trucks,
        0i128..1_000_000,
        any::<bool>(),
        option::of(seasonality()),
    )
        .prop_map(
            move |(sector, shares, one, trucks, value, poisson, seasonality)| {
                let mut unique: Vec<(String, u32)> = Vec::new();
                for (crossing, weight) in shares {
                    let id = format!("c{crossing}");
                    if !unique.iter().any(|(other, _)| other == &id) {
                        unique.push((id, weight));
                    }
                }
                DemandLine {
                    sector: SECTORS[sector].to_owned(),
                    crossing: if one {
                        CrossingChoice::One(unique[0].0.clone())
                    } else {
                        CrossingChoice::Shares(unique)
                    },
                    trucks_per_day: trucks,
                    value_per_truck_minor: value,
                    arrivals: if poisson && !fixed_only {
                        Arrivals::Poisson
                    } else {
                        Arrivals::Fixed
                    },
                    seasonality,
                }
            },
        )
}

fn rule(crossings: usize) -> impl Strategy<Value = RoutingRule> {
    (
        0..crossings,
        0..crossings,
        0u32..4,
        0u32..4,
        option::of(1u32..100),
        option::of(vec(0..SECTORS.len(), 1..3)),
    )
        .prop_map(|(from, to, extra, wait, max, sectors)| RoutingRule {
            from: format!("c{from}"),
            to: format!("c{to}"),
            extra_days: extra,
            when_wait_exceeds_days: wait,
            max_per_day: max,
            sectors: sectors.map(|s| s.into_iter().map(|i| SECTORS[i].to_owned()).collect()),
        })
}

fn target(start: i64, days: i64) -> impl Strategy<Value = Target> {
    (
        -30..days,
        1i64..60,
        1i128..1_000_000_000_000,
        0i128..100_000_000_000,
    )
        .prop_map(move |(offset, length, amount, achieved)| Target {
            name: format!("target {offset}"),
            amount_minor: amount,
            from: date(start + offset),
            to: date((start + offset + length).max(start)),
            achieved_minor: achieved,
        })
}

fn scenario(shape: Shape) -> impl Strategy<Value = Scenario> {
    (0i64..1_500, 1..=shape.max_days, 1usize..=4)
        .prop_flat_map(move |(offset, days, crossings)| {
            let start = BASE_DAY + offset;
            (
                Just((start, days)),
                vec(crossing(start, days), crossings),
                vec(demand_line(crossings, &shape), 0..=4),
                vec(rule(crossings), 0..=3),
                vec(target(start, days), 0..=2),
                option::of(seasonality()),
                any::<u64>(),
            )
        })
        .prop_map(
            |((start, days), mut crossings, demand, rules, mut targets, seasonality, seed)| {
                for (index, crossing) in crossings.iter_mut().enumerate() {
                    crossing.id = format!("c{index}");
                }
                let present: Vec<&str> = demand.iter().map(|l| l.sector.as_str()).collect();
                let routing = rules
                    .into_iter()
                    .filter(|rule| rule.from != rule.to)
                    .map(|mut rule| {
                        rule.sectors = rule.sectors.and_then(|sectors| {
                            let kept: Vec<String> = sectors
                                .into_iter()
                                .filter(|s| present.contains(&s.as_str()))
                                .collect();
                            (!kept.is_empty()).then_some(kept)
                        });
                        rule
                    })
                    .collect();
                for (index, target) in targets.iter_mut().enumerate() {
                    target.name = format!("target {index}");
                }
                let spec = ScenarioSpec {
                    name: format!("random {seed}"),
                    description: None,
                    seed,
                    currency: Currency::USD,
                    from: date(start),
                    to: date(start + days - 1),
                    seasonality,
                    crossings,
                    demand,
                    routing,
                    targets,
                };
                Scenario::new(spec).unwrap()
            },
        )
}

/// The inline calendar's rule, written again: closure, else phase (first containing the
/// day), else the crossing's own capacity and weekdays.
fn expected_capacity(crossing: &CrossingSpec, day: GregorianDate) -> u32 {
    if crossing.closed.iter().any(|c| c.from <= day && day <= c.to) {
        return 0;
    }
    let phase = crossing
        .phases
        .iter()
        .find(|p| p.from <= day && day <= p.to);
    let open = phase.and_then(|p| p.open).unwrap_or(crossing.open);
    if !open.contains(Weekday::of(day)) {
        return 0;
    }
    phase.and_then(|p| p.capacity).unwrap_or(crossing.capacity)
}

fn check_invariants(scenario: &Scenario, result: &ScenarioResult) -> Result<(), TestCaseError> {
    let spec = scenario.spec();
    let days = result.days as usize;
    prop_assert_eq!(
        days as i64,
        spec.to.days_since_epoch() - spec.from.days_since_epoch() + 1
    );

    // Nothing is created or lost, every day.
    let mut arrived = 0u64;
    let mut passed = 0u64;
    for day in 0..days {
        arrived += result.corridor.arrivals_per_day[day];
        passed += result
            .crossings
            .iter()
            .map(|c| c.passed_per_day[day])
            .sum::<u64>();
        let queued: u64 = result.crossings.iter().map(|c| c.queue_per_day[day]).sum();
        let in_transit = result.corridor.in_transit_per_day[day];
        prop_assert_eq!(arrived, passed + queued + in_transit, "day {}", day);
    }
    let corridor = &result.corridor;
    prop_assert_eq!(corridor.arrived, arrived);
    prop_assert_eq!(corridor.passed, passed);
    prop_assert_eq!(
        corridor.arrived,
        corridor.passed + corridor.queued_at_end + corridor.in_transit_at_end
    );
    prop_assert_eq!(
        corridor.value_arrived_minor,
        corridor.value_exported_minor
            + corridor.value_queued_at_end_minor
            + corridor.value_in_transit_at_end_minor
    );

    // Capacity is the calendar's, never exceeded; a closed crossing passes nothing.
    for (crossing, result) in spec.crossings.iter().zip(&result.crossings) {
        prop_assert_eq!(&crossing.id, &result.id);
        for day in 0..days {
            let date = date(spec.from.days_since_epoch() + day as i64);
            let capacity = expected_capacity(crossing, date);
            prop_assert_eq!(result.capacity_per_day[day], capacity);
            prop_assert_eq!(
                scenario.inline_calendar().capacity(&crossing.id, date),
                capacity
            );
            prop_assert!(result.passed_per_day[day] <= u64::from(capacity));
            if capacity == 0 {
                prop_assert_eq!(result.passed_per_day[day], 0);
            }
        }
        prop_assert_eq!(result.passed, result.passed_per_day.iter().sum::<u64>());
        prop_assert_eq!(result.wait.trucks, result.passed);
        prop_assert_eq!(
            result.queued_at_end,
            result.queue_per_day.last().copied().unwrap_or(0)
        );
        prop_assert_eq!(
            result.max_queue,
            result.queue_per_day.iter().copied().max().unwrap_or(0)
        );
        prop_assert_eq!(
            result.passed_by_month_gregorian.iter().sum::<u64>(),
            result.passed
        );
        prop_assert_eq!(
            result.passed_by_month_solar_hijri.iter().sum::<u64>(),
            result.passed
        );
        prop_assert!(result.utilisation_bp.unwrap_or(0) <= 10_000);
        check_stats(&result.wait)?;
    }
    check_stats(&corridor.delay)?;
    prop_assert_eq!(corridor.delay.trucks, corridor.passed);

    // Diversions add up: out = in + still on the road.
    let out: u64 = result.crossings.iter().map(|c| c.diverted_out).sum();
    let into: u64 = result.crossings.iter().map(|c| c.diverted_in).sum();
    prop_assert_eq!(out, corridor.diverted);
    prop_assert_eq!(into + corridor.in_transit_at_end, corridor.diverted);
    prop_assert_eq!(
        result.crossings.iter().map(|c| c.arrived).sum::<u64>(),
        corridor.arrived
    );
    if spec.routing.is_empty() {
        prop_assert_eq!(corridor.diverted, 0);
    }

    // Months and sectors add up to the totals.
    for months in [&result.months_gregorian, &result.months_solar_hijri] {
        prop_assert_eq!(
            months.iter().map(|m| m.days_simulated).sum::<u32>(),
            result.days
        );
        prop_assert_eq!(
            months.iter().map(|m| m.trucks_passed).sum::<u64>(),
            corridor.passed
        );
        prop_assert_eq!(
            months.iter().map(|m| m.value_exported_minor).sum::<i128>(),
            corridor.value_exported_minor
        );
    }
    prop_assert_eq!(
        result.sectors.iter().map(|s| s.arrived).sum::<u64>(),
        corridor.arrived
    );
    prop_assert_eq!(
        result
            .sectors
            .iter()
            .map(|s| s.value_exported_minor)
            .sum::<i128>(),
        corridor.value_exported_minor
    );

    // Targets: achieved + what crossed in their simulated days.
    for target in &result.targets {
        prop_assert_eq!(
            target.projection_minor,
            target.achieved_before_minor + target.simulated_minor
        );
        prop_assert!(target.simulated_minor <= corridor.value_exported_minor);
        prop_assert_eq!(
            target.shortfall_minor,
            target.amount_minor - target.projection_minor
        );
    }
    prop_assert!(serde_json::to_value(result).is_ok());
    Ok(())
}

/// Percentiles are ordered, the mean lies between the smallest and largest value.
fn check_stats(stats: &WaitStats) -> Result<(), TestCaseError> {
    if stats.trucks == 0 {
        prop_assert_eq!(*stats, WaitStats::default());
        return Ok(());
    }
    let (median, p95, max) = (
        stats.median_days.unwrap(),
        stats.p95_days.unwrap(),
        stats.max_days.unwrap(),
    );
    let mean_tenths = stats.mean_tenths.unwrap();
    prop_assert!(median <= p95 && p95 <= max, "{:?}", stats);
    prop_assert!(mean_tenths <= u64::from(max) * 10, "{:?}", stats);
    // At least half of the trucks wait `median` days or more, so the mean is at least
    // median / 2 (rounded to tenths, so allow half a tenth).
    prop_assert!(mean_tenths * 2 + 1 >= u64::from(median) * 10, "{:?}", stats);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn conservation_capacity_and_consistency(scenario in scenario(Shape {
        max_days: 120,
        max_trucks: 400,
        fixed_only: false,
    })) {
        let result = scenario.simulate();
        check_invariants(&scenario, &result)?;
    }

    #[test]
    fn the_same_scenario_gives_the_same_result(scenario in scenario(Shape {
        max_days: 60,
        max_trucks: 400,
        fixed_only: false,
    })) {
        let first = scenario.simulate();
        let again = Scenario::new(scenario.spec().clone()).unwrap().simulate();
        prop_assert_eq!(&first, &again);
        prop_assert_eq!(
            serde_json::to_string(&first).unwrap(),
            serde_json::to_string(&again).unwrap()
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn cohorts_agree_with_single_trucks(scenario in scenario(Shape {
        max_days: 40,
        max_trucks: 60,
        fixed_only: true,
    })) {
        let result = scenario.simulate();
        let naive = Naive::run(&scenario);
        for (c, crossing) in result.crossings.iter().enumerate() {
            prop_assert_eq!(&crossing.passed_per_day, &naive.passed[c], "{}", crossing.id);
            prop_assert_eq!(&crossing.queue_per_day, &naive.queue[c], "{}", crossing.id);
            prop_assert_eq!(crossing.diverted_in, naive.diverted_in[c]);
            prop_assert_eq!(crossing.diverted_out, naive.diverted_out[c]);
            prop_assert_eq!(crossing.wait, WaitStats::from_histogram(&naive.wait[c]));
        }
        prop_assert_eq!(&result.corridor.in_transit_per_day, &naive.in_transit);
        prop_assert_eq!(result.corridor.delay, WaitStats::from_histogram(&naive.delay));
        let values: Vec<i128> = result
            .months_gregorian
            .iter()
            .map(|m| m.value_exported_minor)
            .collect();
        prop_assert_eq!(values, naive.value_by_gregorian_month.values().copied().collect::<Vec<_>>());
    }
}

#[test]
fn different_seeds_draw_different_trucks() {
    let text = |seed: u64| {
        format!(
            r#"
name = "seeds"
seed = {seed}
currency = "USD"
period = {{ from = "2020-06-01", to = "2020-06-30" }}
[[crossings]]
id = "a"
capacity = 1000
[[demand]]
sector = "all"
crossing = "a"
trucks_per_day = 500
value_per_truck_minor = 1
"#
        )
    };
    let one = Scenario::parse("a.toml", &text(1)).unwrap().simulate();
    let same = Scenario::parse("a.toml", &text(1)).unwrap().simulate();
    let two = Scenario::parse("a.toml", &text(2)).unwrap().simulate();
    assert_eq!(one, same);
    assert_ne!(one.corridor.arrivals_per_day, two.corridor.arrivals_per_day);
    // Poisson counts around the mean: 30 days of 500 is 15,000 +- a few hundred.
    assert!((14_000..16_000).contains(&one.corridor.arrived));
}

/// The same rules as the engine, one truck at a time, fixed arrivals only.
struct Naive {
    passed: Vec<Vec<u64>>,
    queue: Vec<Vec<u64>>,
    wait: Vec<Vec<u64>>,
    diverted_in: Vec<u64>,
    diverted_out: Vec<u64>,
    in_transit: Vec<u64>,
    delay: Vec<u64>,
    value_by_gregorian_month: BTreeMap<(i32, u8), i128>,
}

#[derive(Clone, Copy)]
struct Truck {
    origin: usize,
    joined: usize,
    line: usize,
    diverted: bool,
}

impl Naive {
    #[allow(clippy::needless_range_loop)]
    fn run(scenario: &Scenario) -> Naive {
        let spec = scenario.spec();
        let calendar = scenario.inline_calendar();
        let first = spec.from.days_since_epoch();
        let days = (spec.to.days_since_epoch() - first + 1) as usize;
        let crossings = spec.crossings.len();
        let index = |id: &str| spec.crossings.iter().position(|c| c.id == id).unwrap();
        let capacity = |c: usize, day: usize| {
            calendar.capacity(&spec.crossings[c].id, date(first + day as i64))
        };
        let mut naive = Naive {
            passed: vec![vec![0; days]; crossings],
            queue: vec![vec![0; days]; crossings],
            wait: vec![vec![0; days]; crossings],
            diverted_in: vec![0; crossings],
            diverted_out: vec![0; crossings],
            in_transit: vec![0; days],
            delay: vec![0; days],
            value_by_gregorian_month: BTreeMap::new(),
        };
        // Carries of the fixed arrivals, per line and share.
        let mut carry: Vec<Vec<u128>> = spec
            .demand
            .iter()
            .map(|line| vec![0; line.crossing.weights().len()])
            .collect();
        let mut queues: Vec<VecDeque<Truck>> = vec![VecDeque::new(); crossings];
        let mut transit: BTreeMap<usize, Vec<(usize, Truck)>> = BTreeMap::new();
        let mut on_road = 0u64;
        for day in 0..days {
            let today = date(first + day as i64);
            let mut reaching = transit.remove(&day).unwrap_or_default();
            reaching.sort_by_key(|(_, truck)| truck.origin);
            for (c, mut truck) in reaching {
                truck.joined = day;
                on_road -= 1;
                naive.diverted_in[c] += 1;
                queues[c].push_back(truck);
            }
            for (l, line) in spec.demand.iter().enumerate() {
                let season = line
                    .seasonality
                    .or(spec.seasonality)
                    .unwrap_or(Seasonality::FLAT);
                let month = match season.calendar {
                    Calendar::Gregorian => today.month(),
                    Calendar::SolarHijri => today.to_solar_hijri().month(),
                };
                let bp = u128::from(season.basis_points[usize::from(month) - 1]);
                let weights = line.crossing.weights();
                let total: u128 = weights.iter().map(|(_, w)| u128::from(*w)).sum();
                for (s, (id, weight)) in weights.iter().enumerate() {
                    let mean = u128::from(line.trucks_per_day) * u128::from(*weight) * bp;
                    let due = carry[l][s] + mean;
                    let count = due / (10_000 * total);
                    carry[l][s] = due % (10_000 * total);
                    for _ in 0..count {
                        queues[index(id)].push_back(Truck {
                            origin: day,
                            joined: day,
                            line: l,
                            diverted: false,
                        });
                    }
                }
            }
            for rule in &spec.routing {
                let (from, to) = (index(&rule.from), index(&rule.to));
                let reach: usize = (0..=rule.when_wait_exceeds_days as usize)
                    .map(|ahead| capacity(from, day + ahead) as usize)
                    .sum();
                let mut limit = rule.max_per_day.map_or(usize::MAX, |m| m as usize);
                let trucks: Vec<Truck> = queues[from].drain(..).collect();
                let mut moving = vec![false; trucks.len()];
                for position in (0..trucks.len()).rev() {
                    if position < reach || limit == 0 {
                        break;
                    }
                    let truck = trucks[position];
                    let sector = &spec.demand[truck.line].sector;
                    let eligible = rule.sectors.as_ref().is_none_or(|s| s.contains(sector));
                    if eligible && !truck.diverted {
                        moving[position] = true;
                        limit -= 1;
                    }
                }
                for (truck, moves) in trucks.into_iter().zip(moving) {
                    if !moves {
                        queues[from].push_back(truck);
                        continue;
                    }
                    let truck = Truck {
                        diverted: true,
                        ..truck
                    };
                    naive.diverted_out[from] += 1;
                    if rule.extra_days == 0 {
                        naive.diverted_in[to] += 1;
                        queues[to].push_back(Truck {
                            joined: day,
                            ..truck
                        });
                    } else {
                        on_road += 1;
                        transit
                            .entry(day + rule.extra_days as usize)
                            .or_default()
                            .push((to, truck));
                    }
                }
            }
            for c in 0..crossings {
                for _ in 0..capacity(c, day) {
                    let Some(truck) = queues[c].pop_front() else {
                        break;
                    };
                    naive.passed[c][day] += 1;
                    naive.wait[c][day - truck.joined] += 1;
                    naive.delay[day - truck.origin] += 1;
                    *naive
                        .value_by_gregorian_month
                        .entry((today.year(), today.month()))
                        .or_default() += spec.demand[truck.line].value_per_truck_minor;
                }
                naive.queue[c][day] = queues[c].len() as u64;
            }
            naive.in_transit[day] = on_road;
            // Months without any value still appear in the engine's list.
            naive
                .value_by_gregorian_month
                .entry((today.year(), today.month()))
                .or_default();
        }
        naive
    }
}
