//! Scenarios side by side: a table for the terminal (rows are metrics, columns are
//! scenarios) and series for the dashboard's charts.

use corridor_calendar::Calendar;
use corridor_core::{Currency, Money};
use serde::{Serialize, Serializer};

use crate::result::{minor, CrossingResult, ScenarioResult, WaitStats};

/// Several scenarios' results side by side. The first scenario is the baseline that
/// changes are measured from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// The scenarios' names, in the order given.
    pub scenarios: Vec<String>,
    /// Rows of metrics, one column per scenario.
    pub table: Table,
    /// Value exported per Gregorian month, one series per scenario.
    pub months_gregorian: MonthlySeries,
    /// Value exported per Solar Hijri month, one series per scenario.
    pub months_solar_hijri: MonthlySeries,
    /// Each crossing's daily queue, passes and capacity, per scenario.
    pub daily: Vec<DailySeries>,
    /// Each target's projection in every scenario that states it.
    pub targets: Vec<TargetComparison>,
    /// The rows of the monthly tables (Gregorian, then Solar Hijri), for the terminal.
    #[serde(skip)]
    monthly_tables: [Table; 2],
}

/// A table of text cells: a header and rows of the same width.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Table {
    /// The column titles: `metric`, then one per scenario.
    pub header: Vec<String>,
    /// The rows: a metric's name, then its value in each scenario (`-` where it does not
    /// apply).
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The table as plain text: columns padded to their widest cell, two spaces apart,
    /// the first column left-aligned and the others right-aligned.
    pub fn render(&self) -> String {
        let columns = self.header.len();
        let mut widths = vec![0usize; columns];
        for row in std::iter::once(&self.header).chain(&self.rows) {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        for row in std::iter::once(&self.header).chain(&self.rows) {
            let mut line = String::new();
            for (index, (cell, width)) in row.iter().zip(&widths).enumerate() {
                if index == 0 {
                    line.push_str(&format!("{cell:<width$}"));
                } else {
                    line.push_str(&format!("  {cell:>width$}"));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// Months of one calendar with one series per scenario, aligned: `values[i]` belongs to
/// `periods[i]`, and is `null` where a scenario did not simulate that month.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MonthlySeries {
    /// The months, `2020-07` or `1399-04`, in order.
    pub periods: Vec<String>,
    /// Their names, `July 2020` or `Tir 1399`.
    pub names: Vec<String>,
    /// One series per scenario.
    pub series: Vec<MonthlyValues>,
}

/// One scenario's monthly values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MonthlyValues {
    /// The scenario's name.
    pub scenario: String,
    /// Value exported per month (decimal strings of minor units).
    #[serde(serialize_with = "minor_options")]
    pub value_exported_minor: Vec<Option<i128>>,
    /// Trucks that crossed per month.
    pub trucks_passed: Vec<Option<u64>>,
}

/// One crossing's daily series in one scenario, from `first_day`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DailySeries {
    /// The scenario's name.
    pub scenario: String,
    /// The crossing's id.
    pub crossing: String,
    /// The day of the first value.
    pub first_day: String,
    /// Trucks waiting at the end of each day.
    pub queue: Vec<u64>,
    /// Trucks that crossed each day.
    pub passed: Vec<u64>,
    /// Capacity each day.
    pub capacity: Vec<u32>,
}

/// One target across scenarios.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TargetComparison {
    /// The target's name.
    pub name: String,
    /// Its outcome in each scenario that states it.
    pub outcomes: Vec<TargetOutcome>,
}

/// A target's projection in one scenario, and its change from the first scenario that
/// states the target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TargetOutcome {
    /// The scenario's name.
    pub scenario: String,
    /// The scenario's currency.
    pub currency: String,
    /// The target amount.
    #[serde(serialize_with = "minor")]
    pub amount_minor: i128,
    /// The projection.
    #[serde(serialize_with = "minor")]
    pub projection_minor: i128,
    /// The projection as a share of the target, in basis points.
    pub progress_bp: u64,
    /// The projection less the baseline's (0 for the baseline); `None` if the currencies
    /// differ.
    #[serde(serialize_with = "minor_option")]
    pub change_minor: Option<i128>,
    /// The progress less the baseline's, in basis points.
    pub change_bp: i64,
}

fn minor_option<S: Serializer>(value: &Option<i128>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => serializer.collect_str(value),
        None => serializer.serialize_none(),
    }
}

fn minor_options<S: Serializer>(values: &[Option<i128>], serializer: S) -> Result<S::Ok, S::Error> {
    let strings: Vec<Option<String>> = values.iter().map(|v| v.map(|v| v.to_string())).collect();
    strings.serialize(serializer)
}

impl Comparison {
    /// The table of metrics (rows) by scenario (columns).
    pub fn table(&self) -> &Table {
        &self.table
    }

    /// Value exported and trucks crossed per month of `calendar` (rows), by scenario.
    pub fn monthly_table(&self, calendar: Calendar) -> &Table {
        match calendar {
            Calendar::Gregorian => &self.monthly_tables[0],
            Calendar::SolarHijri => &self.monthly_tables[1],
        }
    }
}

/// Puts results side by side; the first is the baseline for changes.
pub fn compare(results: &[ScenarioResult]) -> Comparison {
    let scenarios: Vec<String> = results.iter().map(|r| r.name.clone()).collect();
    let months_gregorian = monthly(results, |r| &r.months_gregorian);
    let months_solar_hijri = monthly(results, |r| &r.months_solar_hijri);
    let daily = results
        .iter()
        .flat_map(|result| {
            result.crossings.iter().map(|crossing| DailySeries {
                scenario: result.name.clone(),
                crossing: crossing.id.clone(),
                first_day: result.from.clone(),
                queue: crossing.queue_per_day.clone(),
                passed: crossing.passed_per_day.clone(),
                capacity: crossing.capacity_per_day.clone(),
            })
        })
        .collect();
    let targets = compare_targets(results);
    let table = metrics_table(results, &targets);
    let monthly_tables = [
        monthly_table(&scenarios, &months_gregorian, results),
        monthly_table(&scenarios, &months_solar_hijri, results),
    ];
    Comparison {
        scenarios,
        table,
        months_gregorian,
        months_solar_hijri,
        daily,
        targets,
        monthly_tables,
    }
}

fn monthly(
    results: &[ScenarioResult],
    months_of: impl Fn(&ScenarioResult) -> &Vec<crate::result::MonthResult>,
) -> MonthlySeries {
    // The union of months, in order of first day (ISO dates sort as text).
    let mut months: Vec<(String, String, String)> = Vec::new();
    for result in results {
        for month in months_of(result) {
            if !months.iter().any(|(period, _, _)| period == &month.period) {
                months.push((
                    month.period.clone(),
                    month.name.clone(),
                    month.first_day.clone(),
                ));
            }
        }
    }
    months.sort_by(|a, b| a.2.cmp(&b.2));
    let series = results
        .iter()
        .map(|result| {
            let lookup = |period: &str| months_of(result).iter().find(|m| m.period == period);
            MonthlyValues {
                scenario: result.name.clone(),
                value_exported_minor: months
                    .iter()
                    .map(|(period, _, _)| lookup(period).map(|m| m.value_exported_minor))
                    .collect(),
                trucks_passed: months
                    .iter()
                    .map(|(period, _, _)| lookup(period).map(|m| m.trucks_passed))
                    .collect(),
            }
        })
        .collect();
    MonthlySeries {
        periods: months.iter().map(|m| m.0.clone()).collect(),
        names: months.iter().map(|m| m.1.clone()).collect(),
        series,
    }
}

fn compare_targets(results: &[ScenarioResult]) -> Vec<TargetComparison> {
    let mut names: Vec<String> = Vec::new();
    for result in results {
        for target in &result.targets {
            if !names.contains(&target.name) {
                names.push(target.name.clone());
            }
        }
    }
    names
        .into_iter()
        .map(|name| {
            let mut outcomes: Vec<TargetOutcome> = Vec::new();
            let mut baseline: Option<(String, i128, u64)> = None;
            for result in results {
                let Some(target) = result.targets.iter().find(|t| t.name == name) else {
                    continue;
                };
                let (currency, projection, progress) = baseline.get_or_insert_with(|| {
                    (
                        result.currency.clone(),
                        target.projection_minor,
                        target.progress_bp,
                    )
                });
                outcomes.push(TargetOutcome {
                    scenario: result.name.clone(),
                    currency: result.currency.clone(),
                    amount_minor: target.amount_minor,
                    projection_minor: target.projection_minor,
                    progress_bp: target.progress_bp,
                    change_minor: (*currency == result.currency)
                        .then(|| target.projection_minor - *projection),
                    change_bp: i64::try_from(
                        i128::from(target.progress_bp) - i128::from(*progress),
                    )
                    .unwrap_or(0),
                });
            }
            TargetComparison { name, outcomes }
        })
        .collect()
}

fn metrics_table(results: &[ScenarioResult], targets: &[TargetComparison]) -> Table {
    let mut header = vec!["metric".to_owned()];
    header.extend(results.iter().map(|r| r.name.clone()));
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row = |name: &str, cell: &dyn Fn(&ScenarioResult) -> String| {
        let mut cells = vec![name.to_owned()];
        cells.extend(results.iter().map(cell));
        rows.push(cells);
    };
    row("period", &|r| format!("{} to {}", r.from, r.to));
    row("days", &|r| group(u64::from(r.days)));
    row("seed", &|r| r.seed.to_string());
    row("trucks arrived", &|r| group(r.corridor.arrived));
    row("trucks crossed", &|r| group(r.corridor.passed));
    row("trucks queued at end", &|r| group(r.corridor.queued_at_end));
    row("trucks on the road at end", &|r| {
        group(r.corridor.in_transit_at_end)
    });
    row("trucks diverted", &|r| group(r.corridor.diverted));
    row("delay, mean (days)", &|r| mean_days(&r.corridor.delay));
    row("delay, p95 (days)", &|r| days(r.corridor.delay.p95_days));
    row("value exported", &|r| {
        money(r.corridor.value_exported_minor, &r.currency)
    });
    row("value not exported at end", &|r| {
        money(
            r.corridor.value_queued_at_end_minor + r.corridor.value_in_transit_at_end_minor,
            &r.currency,
        )
    });

    let mut crossing_ids: Vec<&str> = Vec::new();
    for result in results {
        for crossing in &result.crossings {
            if !crossing_ids.contains(&crossing.id.as_str()) {
                crossing_ids.push(&crossing.id);
            }
        }
    }
    for id in crossing_ids {
        let with =
            |f: fn(&CrossingResult) -> String| move |r: &ScenarioResult| crossing_cell(r, id, f);
        row(
            &format!("{id}: open days"),
            &with(|c| group(u64::from(c.open_days))),
        );
        row(
            &format!("{id}: capacity offered"),
            &with(|c| group(c.capacity_offered)),
        );
        row(&format!("{id}: trucks crossed"), &with(|c| group(c.passed)));
        row(
            &format!("{id}: utilisation"),
            &with(|c| {
                c.utilisation_bp
                    .map_or_else(|| "-".to_owned(), |bp| percent(i64::from(bp)))
            }),
        );
        row(
            &format!("{id}: diverted out"),
            &with(|c| group(c.diverted_out)),
        );
        row(
            &format!("{id}: wait, mean (days)"),
            &with(|c| mean_days(&c.wait)),
        );
        row(
            &format!("{id}: wait, p95 (days)"),
            &with(|c| days(c.wait.p95_days)),
        );
        row(&format!("{id}: max queue"), &with(|c| group(c.max_queue)));
        row(
            &format!("{id}: backlog at end"),
            &with(|c| group(c.queued_at_end)),
        );
    }

    for target in targets {
        let outcome = |r: &ScenarioResult| target.outcomes.iter().find(|o| o.scenario == r.name);
        row(&format!("{}: projection", target.name), &|r| {
            outcome(r).map_or_else(
                || "-".to_owned(),
                |o| money(o.projection_minor, &o.currency),
            )
        });
        row(&format!("{}: of target", target.name), &|r| {
            outcome(r).map_or_else(
                || "-".to_owned(),
                |o| percent(i64::try_from(o.progress_bp).unwrap_or(i64::MAX)),
            )
        });
        row(&format!("{}: change from baseline", target.name), &|r| {
            outcome(r).map_or_else(
                || "-".to_owned(),
                |o| {
                    o.change_minor
                        .map_or_else(|| "-".to_owned(), |change| money(change, &o.currency))
                },
            )
        });
    }
    Table { header, rows }
}

fn monthly_table(
    scenarios: &[String],
    months: &MonthlySeries,
    results: &[ScenarioResult],
) -> Table {
    let mut header = vec!["month".to_owned()];
    for name in scenarios {
        header.push(format!("{name}: value"));
        header.push(format!("{name}: trucks"));
    }
    let rows = months
        .names
        .iter()
        .enumerate()
        .map(|(index, month)| {
            let mut cells = vec![month.clone()];
            for (series, result) in months.series.iter().zip(results) {
                cells.push(
                    series.value_exported_minor[index]
                        .map_or_else(|| "-".to_owned(), |v| money(v, &result.currency)),
                );
                cells.push(series.trucks_passed[index].map_or_else(|| "-".to_owned(), group));
            }
            cells
        })
        .collect();
    Table { header, rows }
}

/// A crossing's cell in a scenario's column, `-` if the scenario lacks the crossing.
fn crossing_cell(result: &ScenarioResult, id: &str, cell: fn(&CrossingResult) -> String) -> String {
    result
        .crossings
        .iter()
        .find(|c| c.id == id)
        .map_or_else(|| "-".to_owned(), cell)
}

/// `1,234,567`.
fn group(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `87.50%` from basis points.
fn percent(bp: i64) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    let bp = bp.unsigned_abs();
    format!("{sign}{}.{:02}%", group(bp / 100), bp % 100)
}

/// `1.7` from tenths of a day.
fn mean_days(stats: &WaitStats) -> String {
    stats.mean_tenths.map_or_else(
        || "-".to_owned(),
        |t| format!("{}.{}", group(t / 10), t % 10),
    )
}

fn days(value: Option<u32>) -> String {
    value.map_or_else(|| "-".to_owned(), |d| group(u64::from(d)))
}

/// `1,250.75 USD`, or the bare number of minor units if the code is not a currency.
fn money(amount: i128, currency: &str) -> String {
    match Currency::from_code(currency) {
        Ok(currency) => Money::from_minor(amount, currency).to_string(),
        Err(_) => format!("{amount} {currency}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1_000), "1,000");
        assert_eq!(group(1_234_567), "1,234,567");
        assert_eq!(percent(8_750), "87.50%");
        assert_eq!(percent(-25), "-0.25%");
        assert_eq!(money(125_075, "USD"), "1,250.75 USD");
    }
}
