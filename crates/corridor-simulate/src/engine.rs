//! The day-by-day engine.
//!
//! Trucks travel in *cohorts*: trucks of one demand line that joined a queue on the same
//! day, arrived in the corridor on the same day and share a diversion status. A cohort is
//! split when a crossing's capacity or a diversion takes only part of it. Every statistic
//! is a count of trucks, so percentiles over cohorts are exactly those over single trucks.
//!
//! Each day, in order:
//! 1. trucks diverted earlier that reach their new crossing today join its queue (oldest
//!    arrival first);
//! 2. each demand stream's new trucks join their crossing's queue;
//! 3. each routing rule, in the scenario's order, moves trucks from the back of its `from`
//!    queue that would not pass within `when_wait_exceeds_days` more days (by the calendar's
//!    capacities and the trucks ahead of them), at most `max_per_day`, only sectors listed,
//!    and never a truck that has diverted before; they reach `to` after `extra_days`;
//! 4. each crossing passes trucks from the front of its queue, at most its capacity;
//! 5. queue lengths and trucks on the road are recorded.

use std::collections::{HashMap, VecDeque};

use corridor_calendar::{Calendar, GregorianDate, Period, PeriodKind};

use crate::calendar::CrossingCalendar;
use crate::demand::Stream;
use crate::result::{
    div_half_even, CorridorResult, CrossingResult, MonthResult, ScenarioResult, SectorResult,
    TargetProjection, WaitStats,
};
use crate::scenario::{Scenario, Seasonality};

/// Simulates `scenario` day by day, with crossing capacities from `calendar`.
///
/// Deterministic: the same scenario (including its seed) and calendar give the same
/// result. Use [`Scenario::simulate`] for the scenario's own inline calendar.
pub fn simulate(scenario: &Scenario, calendar: &dyn CrossingCalendar) -> ScenarioResult {
    Engine::new(scenario, calendar).run()
}

#[derive(Clone, Copy, Debug)]
struct Cohort {
    /// The day (index) the trucks arrived in the corridor.
    origin: u32,
    /// The day they joined the current queue.
    joined: u32,
    /// Their demand line.
    line: u32,
    count: u64,
    /// Whether they have diverted once already.
    diverted: bool,
}

/// A compiled routing rule.
struct Rule {
    from: usize,
    to: usize,
    extra_days: usize,
    wait_days: usize,
    max_per_day: u64,
    /// Per demand line: may its trucks divert by this rule?
    eligible: Vec<bool>,
}

/// Months of one calendar covering the simulated days.
struct Months {
    periods: Vec<Period>,
    /// The index in `periods` of each simulated day.
    of_day: Vec<usize>,
}

impl Months {
    fn new(kind: PeriodKind, dates: &[GregorianDate]) -> Months {
        let mut periods: Vec<Period> = Vec::new();
        let mut of_day = Vec::with_capacity(dates.len());
        for date in dates {
            if !periods.last().is_some_and(|period| period.contains(*date)) {
                let period = Period::containing(kind, *date)
                    .expect("validation checked the months of the period's ends exist");
                periods.push(period);
            }
            of_day.push(periods.len() - 1);
        }
        Months { periods, of_day }
    }

    /// The month number (1-12) of day `day`.
    fn month_number(&self, day: usize) -> u8 {
        self.periods[self.of_day[day]].month().unwrap_or(1)
    }
}

struct Engine<'a> {
    scenario: &'a Scenario,
    days: usize,
    dates: Vec<GregorianDate>,
    gregorian: Months,
    solar: Months,
    /// `capacity[c][d]`, for the simulated days and the longest look-ahead of a rule.
    capacity: Vec<Vec<u32>>,
    /// `prefix[c][d]` = the sum of `capacity[c][..d]`.
    prefix: Vec<Vec<u64>>,
    streams: Vec<Stream>,
    rules: Vec<Rule>,
    line_value: Vec<i128>,
    line_sector: Vec<usize>,
    sectors: Vec<String>,
}

impl<'a> Engine<'a> {
    fn new(scenario: &'a Scenario, calendar: &dyn CrossingCalendar) -> Engine<'a> {
        let spec = scenario.spec();
        let first = spec.from.days_since_epoch();
        let days = usize::try_from(spec.to.days_since_epoch() - first + 1).unwrap_or(0);
        let look_ahead = spec
            .routing
            .iter()
            .map(|rule| rule.when_wait_exceeds_days as usize + 1)
            .max()
            .unwrap_or(0);
        let all_dates: Vec<Option<GregorianDate>> = (0..days + look_ahead)
            .map(|day| GregorianDate::from_days_since_epoch(first + day as i64).ok())
            .collect();
        let dates: Vec<GregorianDate> = all_dates.iter().take(days).flatten().copied().collect();
        let capacity: Vec<Vec<u32>> = spec
            .crossings
            .iter()
            .map(|crossing| {
                all_dates
                    .iter()
                    .map(|date| date.map_or(0, |date| calendar.capacity(&crossing.id, date)))
                    .collect()
            })
            .collect();
        let prefix = capacity
            .iter()
            .map(|days| {
                let mut sums = Vec::with_capacity(days.len() + 1);
                let mut sum = 0u64;
                sums.push(0);
                for capacity in days {
                    sum += u64::from(*capacity);
                    sums.push(sum);
                }
                sums
            })
            .collect();

        let index: HashMap<&str, usize> = spec
            .crossings
            .iter()
            .enumerate()
            .map(|(i, crossing)| (crossing.id.as_str(), i))
            .collect();
        let mut sectors: Vec<String> = Vec::new();
        let mut line_sector = Vec::with_capacity(spec.demand.len());
        let mut streams = Vec::new();
        for (line_index, line) in spec.demand.iter().enumerate() {
            let sector = match sectors.iter().position(|s| s == &line.sector) {
                Some(sector) => sector,
                None => {
                    sectors.push(line.sector.clone());
                    sectors.len() - 1
                }
            };
            line_sector.push(sector);
            let seasonality = line
                .seasonality
                .or(spec.seasonality)
                .unwrap_or(Seasonality::FLAT);
            let weights = line.crossing.weights();
            let total_weight: u64 = weights.iter().map(|(_, w)| u64::from(*w)).sum();
            for (id, weight) in weights {
                let Some(&crossing) = index.get(id) else {
                    continue;
                };
                streams.push(Stream::new(
                    spec.seed,
                    line_index,
                    id,
                    crossing,
                    line.trucks_per_day,
                    weight,
                    total_weight,
                    seasonality,
                    line.arrivals,
                ));
            }
        }
        let rules = spec
            .routing
            .iter()
            .filter_map(|rule| {
                Some(Rule {
                    from: *index.get(rule.from.as_str())?,
                    to: *index.get(rule.to.as_str())?,
                    extra_days: rule.extra_days as usize,
                    wait_days: rule.when_wait_exceeds_days as usize,
                    max_per_day: rule.max_per_day.map_or(u64::MAX, u64::from),
                    eligible: spec
                        .demand
                        .iter()
                        .map(|line| {
                            rule.sectors
                                .as_ref()
                                .is_none_or(|sectors| sectors.contains(&line.sector))
                        })
                        .collect(),
                })
            })
            .collect();

        Engine {
            scenario,
            days,
            gregorian: Months::new(PeriodKind::GregorianMonth, &dates),
            solar: Months::new(PeriodKind::SolarMonth, &dates),
            dates,
            capacity,
            prefix,
            streams,
            rules,
            line_value: spec
                .demand
                .iter()
                .map(|line| line.value_per_truck_minor)
                .collect(),
            line_sector,
            sectors,
        }
    }

    fn run(mut self) -> ScenarioResult {
        let spec = self.scenario.spec();
        let days = self.days;
        let crossings = spec.crossings.len();
        let lines = spec.demand.len();

        let mut queues: Vec<VecDeque<Cohort>> = vec![VecDeque::new(); crossings];
        let mut queue_len = vec![0u64; crossings];
        let mut transit: Vec<Vec<(usize, Cohort)>> = vec![Vec::new(); days];
        let mut transit_after_end: Vec<(usize, Cohort)> = Vec::new();
        let mut in_transit = 0u64;

        let mut arrivals_per_day = vec![0u64; days];
        let mut in_transit_per_day = vec![0u64; days];
        let mut value_per_day = vec![0i128; days];
        let mut delay_histogram = vec![0u64; days.max(1)];
        let mut value_arrived = 0i128;
        let mut diverted = 0u64;

        let mut arrived = vec![0u64; crossings];
        let mut diverted_in = vec![0u64; crossings];
        let mut diverted_out = vec![0u64; crossings];
        let mut passed_per_day = vec![vec![0u64; days]; crossings];
        let mut queue_per_day = vec![vec![0u64; days]; crossings];
        let mut wait_histogram = vec![vec![0u64; days.max(1)]; crossings];

        let mut sector_arrived = vec![0u64; self.sectors.len()];
        let mut sector_passed = vec![0u64; self.sectors.len()];
        let mut sector_value = vec![0i128; self.sectors.len()];
        let mut line_passed = vec![0u64; lines];

        let mut moved: Vec<Cohort> = Vec::new();
        for day in 0..days {
            let today = day as u32;

            // 1. Diverted trucks reach their new crossing.
            let mut reaching = std::mem::take(&mut transit[day]);
            reaching.sort_by_key(|(_, cohort)| cohort.origin);
            for (crossing, mut cohort) in reaching {
                cohort.joined = today;
                in_transit -= cohort.count;
                diverted_in[crossing] += cohort.count;
                queue_len[crossing] += cohort.count;
                queues[crossing].push_back(cohort);
            }

            // 2. New demand.
            let gregorian_month = self.gregorian.month_number(day);
            let solar_month = self.solar.month_number(day);
            for stream in &mut self.streams {
                let month = match stream.seasonality().calendar {
                    Calendar::Gregorian => gregorian_month,
                    Calendar::SolarHijri => solar_month,
                };
                let count = stream.draw(month);
                if count == 0 {
                    continue;
                }
                let line = stream.line;
                arrivals_per_day[day] += count;
                arrived[stream.crossing] += count;
                sector_arrived[self.line_sector[line]] += count;
                value_arrived += i128::from(count) * self.line_value[line];
                queue_len[stream.crossing] += count;
                queues[stream.crossing].push_back(Cohort {
                    origin: today,
                    joined: today,
                    line: line as u32,
                    count,
                    diverted: false,
                });
            }

            // 3. Diversions.
            for rule in &self.rules {
                let prefix = &self.prefix[rule.from];
                let horizon = (day + rule.wait_days + 1).min(prefix.len() - 1);
                let reach = prefix[horizon] - prefix[day];
                moved.clear();
                let count = take_from_back(
                    &mut queues[rule.from],
                    queue_len[rule.from],
                    reach,
                    rule.max_per_day,
                    &rule.eligible,
                    &mut moved,
                );
                if count == 0 {
                    continue;
                }
                queue_len[rule.from] -= count;
                diverted_out[rule.from] += count;
                diverted += count;
                // `moved` is back to front; keep the queue's order.
                for mut cohort in moved.drain(..).rev() {
                    cohort.diverted = true;
                    let reach_day = day + rule.extra_days;
                    if rule.extra_days == 0 {
                        cohort.joined = today;
                        diverted_in[rule.to] += cohort.count;
                        queue_len[rule.to] += cohort.count;
                        queues[rule.to].push_back(cohort);
                    } else if reach_day < days {
                        in_transit += cohort.count;
                        transit[reach_day].push((rule.to, cohort));
                    } else {
                        in_transit += cohort.count;
                        transit_after_end.push((rule.to, cohort));
                    }
                }
            }

            // 4. Crossings pass trucks.
            for crossing in 0..crossings {
                let mut capacity = u64::from(self.capacity[crossing][day]);
                let queue = &mut queues[crossing];
                while capacity > 0 {
                    let Some(front) = queue.front_mut() else {
                        break;
                    };
                    let count = front.count.min(capacity);
                    let line = front.line as usize;
                    let value = i128::from(count) * self.line_value[line];
                    passed_per_day[crossing][day] += count;
                    wait_histogram[crossing][(today - front.joined) as usize] += count;
                    delay_histogram[(today - front.origin) as usize] += count;
                    value_per_day[day] += value;
                    line_passed[line] += count;
                    sector_passed[self.line_sector[line]] += count;
                    sector_value[self.line_sector[line]] += value;
                    front.count -= count;
                    capacity -= count;
                    queue_len[crossing] -= count;
                    if front.count == 0 {
                        queue.pop_front();
                    }
                }
            }

            // 5. The day's state.
            for crossing in 0..crossings {
                queue_per_day[crossing][day] = queue_len[crossing];
            }
            in_transit_per_day[day] = in_transit;
        }

        // Results.
        let last_day = days.saturating_sub(1) as u32;
        let backlog_value = |queue: &VecDeque<Cohort>| -> i128 {
            queue
                .iter()
                .map(|c| i128::from(c.count) * self.line_value[c.line as usize])
                .sum()
        };
        let months_gregorian = self.month_results(&self.gregorian, &passed_per_day, &value_per_day);
        let months_solar = self.month_results(&self.solar, &passed_per_day, &value_per_day);
        let crossing_results: Vec<CrossingResult> = spec
            .crossings
            .iter()
            .enumerate()
            .map(|(c, crossing)| {
                let capacity_per_day: Vec<u32> = self.capacity[c][..days].to_vec();
                let capacity_offered: u64 = capacity_per_day.iter().map(|&x| u64::from(x)).sum();
                let passed: u64 = passed_per_day[c].iter().sum();
                let (max_queue, max_day) = queue_per_day[c].iter().enumerate().fold(
                    (0u64, None),
                    |(best, at), (day, &queue)| {
                        if queue > best {
                            (queue, Some(day))
                        } else {
                            (best, at)
                        }
                    },
                );
                CrossingResult {
                    id: crossing.id.clone(),
                    name: crossing.name.clone(),
                    open_days: capacity_per_day.iter().filter(|&&x| x > 0).count() as u32,
                    capacity_offered,
                    arrived: arrived[c],
                    diverted_in: diverted_in[c],
                    diverted_out: diverted_out[c],
                    passed,
                    queued_at_end: queue_len[c],
                    value_queued_at_end_minor: backlog_value(&queues[c]),
                    oldest_waiting_days: queues[c].front().map(|front| last_day - front.joined),
                    max_queue,
                    max_queue_date: max_day.map(|day| self.dates[day].to_string()),
                    utilisation_bp: (capacity_offered > 0).then(|| {
                        let bp = div_half_even(
                            i128::from(passed) * 10_000,
                            i128::from(capacity_offered),
                        );
                        u32::try_from(bp).unwrap_or(u32::MAX)
                    }),
                    wait: WaitStats::from_histogram(&wait_histogram[c]),
                    passed_by_month_gregorian: per_month(&self.gregorian, &passed_per_day[c]),
                    passed_by_month_solar_hijri: per_month(&self.solar, &passed_per_day[c]),
                    capacity_per_day,
                    passed_per_day: passed_per_day[c].clone(),
                    queue_per_day: queue_per_day[c].clone(),
                }
            })
            .collect();

        let passed_total: u64 = crossing_results.iter().map(|c| c.passed).sum();
        let value_exported: i128 = value_per_day.iter().sum();
        let value_queued: i128 = queues.iter().map(backlog_value).sum();
        let value_in_transit: i128 = transit_after_end
            .iter()
            .map(|(_, c)| i128::from(c.count) * self.line_value[c.line as usize])
            .sum();

        let first = spec.from.days_since_epoch();
        let targets = spec
            .targets
            .iter()
            .map(|target| {
                let lo = (target.from.days_since_epoch() - first).max(0) as usize;
                let hi = (target.to.days_since_epoch() - first).min(days as i64 - 1);
                let simulated: i128 = if hi >= 0 && lo <= hi as usize {
                    value_per_day[lo..=hi as usize].iter().sum()
                } else {
                    0
                };
                let days_simulated = if hi >= 0 && lo <= hi as usize {
                    hi as usize - lo + 1
                } else {
                    0
                };
                let projection = target.achieved_minor + simulated;
                TargetProjection {
                    name: target.name.clone(),
                    from: target.from.to_string(),
                    to: target.to.to_string(),
                    amount_minor: target.amount_minor,
                    achieved_before_minor: target.achieved_minor,
                    simulated_minor: simulated,
                    projection_minor: projection,
                    progress_bp: u64::try_from(div_half_even(
                        projection * 10_000,
                        target.amount_minor,
                    ))
                    .unwrap_or(u64::MAX),
                    shortfall_minor: target.amount_minor - projection,
                    days_simulated: days_simulated as u32,
                    days_after_simulation: (target.to.days_since_epoch()
                        - spec.to.days_since_epoch())
                    .max(0) as u32,
                }
            })
            .collect();

        ScenarioResult {
            name: spec.name.clone(),
            seed: spec.seed,
            currency: spec.currency.code().to_owned(),
            exponent: spec.currency.scale(),
            from: spec.from.to_string(),
            to: spec.to.to_string(),
            days: days as u32,
            corridor: CorridorResult {
                arrived: arrivals_per_day.iter().sum(),
                passed: passed_total,
                queued_at_end: queue_len.iter().sum(),
                in_transit_at_end: in_transit,
                diverted,
                value_arrived_minor: value_arrived,
                value_exported_minor: value_exported,
                value_queued_at_end_minor: value_queued,
                value_in_transit_at_end_minor: value_in_transit,
                delay: WaitStats::from_histogram(&delay_histogram),
                arrivals_per_day,
                in_transit_per_day,
            },
            crossings: crossing_results,
            sectors: self
                .sectors
                .iter()
                .enumerate()
                .map(|(s, sector)| SectorResult {
                    sector: sector.clone(),
                    arrived: sector_arrived[s],
                    passed: sector_passed[s],
                    value_exported_minor: sector_value[s],
                })
                .collect(),
            months_gregorian,
            months_solar_hijri: months_solar,
            targets,
        }
    }

    fn month_results(
        &self,
        months: &Months,
        passed_per_day: &[Vec<u64>],
        value_per_day: &[i128],
    ) -> Vec<MonthResult> {
        let mut results: Vec<MonthResult> = months
            .periods
            .iter()
            .map(|period| MonthResult {
                period: period.to_string(),
                name: month_name(*period),
                first_day: period.first_day().to_string(),
                last_day: period.last_day().to_string(),
                days_simulated: 0,
                trucks_passed: 0,
                value_exported_minor: 0,
            })
            .collect();
        for day in 0..self.days {
            let month = &mut results[months.of_day[day]];
            month.days_simulated += 1;
            month.trucks_passed += passed_per_day.iter().map(|c| c[day]).sum::<u64>();
            month.value_exported_minor += value_per_day[day];
        }
        results
    }
}

/// Sums a daily series by month.
fn per_month(months: &Months, daily: &[u64]) -> Vec<u64> {
    let mut sums = vec![0u64; months.periods.len()];
    for (day, value) in daily.iter().enumerate() {
        sums[months.of_day[day]] += value;
    }
    sums
}

/// `July 2020`, `Tir 1399`.
fn month_name(period: Period) -> String {
    const GREGORIAN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let number = period.month().unwrap_or(1);
    let name = match period.calendar() {
        Calendar::Gregorian => GREGORIAN[usize::from(number.clamp(1, 12) - 1)].to_owned(),
        Calendar::SolarHijri => corridor_calendar::SolarHijriMonth::from_number(number)
            .map(|month| month.transliteration().to_owned())
            .unwrap_or_default(),
    };
    format!("{name} {}", period.year())
}

/// Moves eligible trucks that stand beyond position `reach` (counted from the front) out
/// of `queue`, back first, at most `limit`; pushes them onto `moved` (back to front) and
/// returns how many moved. Trucks that diverted before never move again.
fn take_from_back(
    queue: &mut VecDeque<Cohort>,
    length: u64,
    reach: u64,
    limit: u64,
    eligible: &[bool],
    moved: &mut Vec<Cohort>,
) -> u64 {
    if length <= reach {
        return 0;
    }
    // Positions are counted from the front, so taking trucks from a cohort never moves
    // the cohorts ahead of it: `end` can follow the original layout.
    let mut end = length;
    let mut remaining = limit;
    let mut taken = 0u64;
    for cohort in queue.iter_mut().rev() {
        if end <= reach || remaining == 0 {
            break;
        }
        let start = end - cohort.count;
        if !cohort.diverted && eligible[cohort.line as usize] {
            let beyond = end - reach.max(start);
            let count = beyond.min(remaining);
            if count > 0 {
                cohort.count -= count;
                moved.push(Cohort { count, ..*cohort });
                remaining -= count;
                taken += count;
            }
        }
        end = start;
    }
    if taken > 0 {
        queue.retain(|cohort| cohort.count > 0);
    }
    taken
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cohort(line: u32, count: u64) -> Cohort {
        Cohort {
            origin: 0,
            joined: 0,
            line,
            count,
            diverted: false,
        }
    }

    #[test]
    fn takes_only_beyond_the_reach_from_the_back() {
        let mut queue: VecDeque<Cohort> = [cohort(0, 100), cohort(1, 100), cohort(0, 100)]
            .into_iter()
            .collect();
        let mut moved = Vec::new();
        // 150 can pass in time: the last 150 move, but line 1 is not eligible.
        let taken = take_from_back(&mut queue, 300, 150, u64::MAX, &[true, false], &mut moved);
        assert_eq!(taken, 100);
        assert_eq!(moved.len(), 1);
        assert_eq!(moved[0].count, 100);
        let counts: Vec<u64> = queue.iter().map(|c| c.count).collect();
        assert_eq!(counts, vec![100, 100]);

        // Everything eligible, at most 120: 100 from the back cohort, 20 from the next.
        let mut queue: VecDeque<Cohort> = [cohort(0, 100), cohort(0, 100), cohort(0, 100)]
            .into_iter()
            .collect();
        moved.clear();
        let taken = take_from_back(&mut queue, 300, 0, 120, &[true], &mut moved);
        assert_eq!(taken, 120);
        let counts: Vec<u64> = queue.iter().map(|c| c.count).collect();
        assert_eq!(counts, vec![100, 80]);

        // Nothing beyond the reach: nothing moves.
        moved.clear();
        assert_eq!(
            take_from_back(&mut queue, 180, 180, 10, &[true], &mut moved),
            0
        );
    }
}
