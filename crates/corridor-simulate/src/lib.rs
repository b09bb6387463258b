//! What-if simulation of a trade corridor's border crossings.
//!
//! A *scenario* states demand (trucks per day by sector, with a value per truck and
//! monthly seasonality), each crossing's calendar and capacity, routing rules (a truck may
//! divert to another crossing at a cost in days), and targets. The engine runs day by day
//! over the scenario's period and reports, per crossing, the queue, waiting times (mean and
//! 95th percentile), throughput and backlog; for the corridor, the value exported per
//! Gregorian and Solar Hijri month; and each target's projection. [`compare`] puts several
//! scenarios side by side ("Mehran open two days a week" against "all crossings open
//! daily") as a table and as chart series.
//!
//! # Design
//!
//! - **Pure.** No file I/O, no clock, no environment: the caller hands in text (or a
//!   reader) with a source name, and gets values back. Results are `serde::Serialize`.
//! - **Deterministic.** Demand is drawn from `rand`'s `SmallRng`, one generator per demand
//!   stream seeded from the scenario's seed, so the same scenario always gives the same
//!   result, and scenarios that share seed and demand lines see the very same trucks
//!   (their difference is the schedule's, not chance's).
//! - **Calendars through a trait.** The engine asks a [`CrossingCalendar`] for each
//!   crossing's capacity on each day (0 = closed). A scenario's inline calendar (open
//!   weekdays, phases, closures) is one implementation, [`InlineCalendar`]; a richer
//!   calendar engine can be plugged in with [`simulate`]. [`ReferenceCalendar`] plugs in
//!   `corridor-crossings`' operating calendars (the shipped reference or a user's files),
//!   with the scenario's inline calendar behind them.
//! - **Cohorts, not trucks.** Trucks that arrived, and joined a queue, on the same day
//!   for the same demand line move as one counted cohort, split when needed. Waiting times
//!   are kept as exact histograms, so means and percentiles are those of single trucks.
//! - **Conservation.** Every truck that arrived has crossed, is queued at a crossing, or is
//!   on the road after diverting: `arrived = passed + queued + in transit` at the end of
//!   every day, and no crossing passes more than its capacity (nothing when closed). The
//!   property tests check both on random scenarios.
//! - **Money is never a float.** Values are `i128` minor units of the scenario's currency;
//!   shares are basis points; the only floats are the Poisson draws of truck counts.
//! - **Errors name the input, the line and the field** ([`SimulateError`]).
//!
//! The scenario format is described in `docs/formats/scenario.md`; `data/` holds an
//! example pair.
//!
//! # Example
//!
//! ```
//! use corridor_simulate::{compare, Scenario};
//!
//! let text = r#"
//! name = "one crossing"
//! seed = 1
//! currency = "USD"
//! period = { from = "2020-06-07", to = "2020-06-13" }
//!
//! [[crossings]]
//! id = "mehran"
//! capacity = 250
//! open = ["sun", "wed"]
//!
//! [[demand]]
//! sector = "foodstuffs"
//! crossing = "mehran"
//! trucks_per_day = 100
//! value_per_truck_minor = 500_000
//! arrivals = "fixed"
//! "#;
//! let scenario = Scenario::parse("example.toml", text).unwrap();
//! let result = scenario.simulate();
//! assert_eq!(result.corridor.arrived, 700);
//! assert_eq!(result.corridor.passed, 350);
//! assert_eq!(result.crossings[0].queued_at_end, 350);
//! let table = compare(&[result]).table().render();
//! assert!(table.contains("mehran: backlog at end"));
//! ```
#![deny(clippy::float_arithmetic)]

mod calendar;
mod compare;
mod demand;
mod engine;
mod error;
mod format;
mod locate;
mod reference;
mod result;
mod scenario;
mod side_by_side;

pub use calendar::{CrossingCalendar, InlineCalendar, Weekday, Weekdays};
pub use compare::{
    compare, Comparison, DailySeries, MonthlySeries, MonthlyValues, Table, TargetComparison,
    TargetOutcome,
};
pub use engine::simulate;
pub use error::{Format, Position, SimulateError};
pub use reference::{CapacitySource, ReferenceCalendar};
pub use result::{
    CorridorResult, CrossingResult, MonthResult, ScenarioResult, SectorResult, TargetProjection,
    WaitStats,
};
pub use scenario::{
    Arrivals, Closure, CrossingChoice, CrossingSpec, DemandLine, Phase, RoutingRule, Scenario,
    ScenarioSpec, Seasonality, Target, MAX_AMOUNT_MINOR, MAX_CAPACITY, MAX_PERIOD_DAYS,
    MAX_RULE_DAYS, MAX_SEASONAL_BP, MAX_SHARE_WEIGHT, MAX_TRUCKS_PER_DAY,
    MAX_VALUE_PER_TRUCK_MINOR,
};
pub use side_by_side::{side_by_side, RunInfo, SideBySide};

/// Parses a date as scenarios write them: Gregorian `2020-06-08`, or Solar Hijri with a
/// prefix, `SH1399-03-19`. The error is a message naming the text.
pub fn parse_date(text: &str) -> Result<corridor_calendar::GregorianDate, String> {
    format::parse_date(text)
}
