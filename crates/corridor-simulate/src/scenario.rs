//! A scenario: what is simulated. [`ScenarioSpec`] is the plain data (public fields, for
//! programs and tests); [`Scenario`] is a spec that passed validation, the only thing the
//! engine accepts.

use std::collections::HashSet;
use std::io::Read;

use corridor_calendar::{Calendar, GregorianDate, Period, PeriodKind};
use corridor_core::Currency;

use crate::calendar::{CrossingCalendar, InlineCalendar, Weekdays};
use crate::error::{Format, SimulateError};
use crate::format;
use crate::locate::FieldPath;
use crate::result::ScenarioResult;

/// The longest period a scenario may simulate: 20 years of days.
pub const MAX_PERIOD_DAYS: i64 = 7_305;
/// The largest capacity of a crossing, in trucks per day.
pub const MAX_CAPACITY: u32 = 1_000_000;
/// The largest mean demand of one demand line, in trucks per day.
pub const MAX_TRUCKS_PER_DAY: u32 = 1_000_000;
/// The largest seasonal factor, in basis points (1000 %).
pub const MAX_SEASONAL_BP: u32 = 100_000;
/// The largest number of days in a routing rule (`extra_days`, `when_wait_exceeds_days`).
pub const MAX_RULE_DAYS: u32 = 366;
/// The largest value of one truck, in minor units (10^15: ten trillion dollars in cents).
pub const MAX_VALUE_PER_TRUCK_MINOR: i128 = 1_000_000_000_000_000;
/// The largest target or achieved amount, in minor units (10^24).
pub const MAX_AMOUNT_MINOR: i128 = 1_000_000_000_000_000_000_000_000;
/// The largest share weight of one crossing in a demand line.
pub const MAX_SHARE_WEIGHT: u32 = 1_000_000;

/// Everything a scenario states. Build one by hand and check it with [`Scenario::new`], or
/// parse one with [`Scenario::parse`]. Field names follow the file format (see the crate's
/// README), so error paths name the same fields in both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioSpec {
    /// The scenario's name, such as "Mehran open two days a week".
    pub name: String,
    /// A longer description, if any.
    pub description: Option<String>,
    /// The seed of the demand's random draws.
    pub seed: u64,
    /// The currency of every value (values per truck, targets).
    pub currency: Currency,
    /// The first simulated day (`period.from`).
    pub from: GregorianDate,
    /// The last simulated day, included (`period.to`).
    pub to: GregorianDate,
    /// The seasonality of demand lines that state none; none means flat.
    pub seasonality: Option<Seasonality>,
    /// The crossings, in the order results list them.
    pub crossings: Vec<CrossingSpec>,
    /// Demand lines.
    pub demand: Vec<DemandLine>,
    /// Diversion rules, applied in this order each day.
    pub routing: Vec<RoutingRule>,
    /// Targets whose projection the simulation reports.
    pub targets: Vec<Target>,
}

/// A border crossing with its inline calendar (used unless the caller passes its own
/// [`CrossingCalendar`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrossingSpec {
    /// The id other parts of the scenario use, such as `mehran`.
    pub id: String,
    /// A display name, such as "Mehran–Zurbatiyah".
    pub name: Option<String>,
    /// Trucks per day on an open day.
    pub capacity: u32,
    /// The weekdays it is open.
    pub open: Weekdays,
    /// Date ranges when it is closed, whatever the weekday.
    pub closed: Vec<Closure>,
    /// Date ranges with another capacity or other open weekdays.
    pub phases: Vec<Phase>,
}

/// A closure of a crossing: every day from `from` to `to` (both included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closure {
    /// The first closed day.
    pub from: GregorianDate,
    /// The last closed day.
    pub to: GregorianDate,
    /// Why, such as "Eid al-Adha".
    pub note: Option<String>,
}

/// A stretch of days with a capacity or open weekdays other than the crossing's own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phase {
    /// The first day of the phase.
    pub from: GregorianDate,
    /// The last day of the phase, included.
    pub to: GregorianDate,
    /// The capacity on open days; the crossing's own if `None`.
    pub capacity: Option<u32>,
    /// The open weekdays; the crossing's own if `None`.
    pub open: Option<Weekdays>,
    /// Why, such as "first week after reopening".
    pub note: Option<String>,
}

/// One stream of demand: trucks of one sector headed for a crossing (or split between
/// several), with a value per truck.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemandLine {
    /// The sector, such as "foodstuffs". Several lines may name the same sector.
    pub sector: String,
    /// Where the trucks go first.
    pub crossing: CrossingChoice,
    /// The mean number of trucks per day before seasonality.
    pub trucks_per_day: u32,
    /// The value of one truck's load, in minor units of the scenario's currency.
    pub value_per_truck_minor: i128,
    /// How daily counts are drawn.
    pub arrivals: Arrivals,
    /// The line's seasonality; the scenario's if `None`.
    pub seasonality: Option<Seasonality>,
}

/// The crossing (or crossings) a demand line's trucks head for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CrossingChoice {
    /// All to one crossing (`crossing = "mehran"`).
    One(String),
    /// Split between crossings by integer weights (`crossing = { mehran = 3, chazabeh = 1 }`).
    Shares(Vec<(String, u32)>),
}

impl CrossingChoice {
    /// The crossings with their weights (weight 1 for [`CrossingChoice::One`]).
    pub fn weights(&self) -> Vec<(&str, u32)> {
        match self {
            CrossingChoice::One(id) => vec![(id.as_str(), 1)],
            CrossingChoice::Shares(shares) => {
                shares.iter().map(|(id, w)| (id.as_str(), *w)).collect()
            }
        }
    }
}

/// How a demand line's daily count is drawn from its daily mean (the mean after
/// seasonality, a rational number of trucks).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arrivals {
    /// A Poisson draw with that mean (the default), from the scenario's seeded generator.
    Poisson,
    /// Exactly the mean, carried: the fractional part is kept and added to the next day, so
    /// a mean of 2.5 gives 2, 3, 2, 3, ... No randomness.
    Fixed,
}

/// Twelve monthly factors of demand, in basis points (10,000 = the stated mean), by month
/// of one calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Seasonality {
    /// Whose months: Solar Hijri (Farvardin first) or Gregorian (January first).
    pub calendar: Calendar,
    /// The factor of month 1 to 12, in basis points.
    pub basis_points: [u32; 12],
}

impl Seasonality {
    /// No seasonality: every month at 100 %.
    pub const FLAT: Seasonality = Seasonality {
        calendar: Calendar::Gregorian,
        basis_points: [10_000; 12],
    };
}

/// A diversion rule: trucks waiting at `from` that would not pass within
/// `when_wait_exceeds_days` more days leave its queue and join `to`'s after
/// `extra_days` on the road.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoutingRule {
    /// The crossing trucks leave.
    pub from: String,
    /// The crossing they go to.
    pub to: String,
    /// Days on the road between the two (0: they join `to`'s queue the same day).
    pub extra_days: u32,
    /// A truck diverts only if, by the published calendar and the trucks ahead of it, it
    /// would not pass `from` today or in the next `when_wait_exceeds_days` days.
    pub when_wait_exceeds_days: u32,
    /// At most this many trucks divert by this rule per day.
    pub max_per_day: Option<u32>,
    /// Only trucks of these sectors divert; all if `None`.
    pub sectors: Option<Vec<String>>,
}

/// A target whose projection the simulation reports: `amount_minor` over `from`..=`to`,
/// of which `achieved_minor` was reached before the simulation's first day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The target's name, such as "exports to Iraq, 1399".
    pub name: String,
    /// The target amount over its period, in minor units of the scenario's currency.
    pub amount_minor: i128,
    /// The first day of the target's period.
    pub from: GregorianDate,
    /// The last day of the target's period, included.
    pub to: GregorianDate,
    /// The value reached in the target's period before the simulation starts.
    pub achieved_minor: i128,
}

/// A validated scenario, ready to simulate.
#[derive(Clone, Debug)]
pub struct Scenario {
    spec: ScenarioSpec,
    calendar: InlineCalendar,
}

/// A problem found in a spec, before it is placed in the input's text.
#[derive(Clone, Debug)]
pub(crate) struct Problem {
    pub(crate) path: FieldPath,
    pub(crate) message: String,
}

impl Problem {
    pub(crate) fn new(path: FieldPath, message: impl Into<String>) -> Problem {
        Problem {
            path,
            message: message.into(),
        }
    }
}

impl Scenario {
    /// Checks a spec built by hand. Errors name the field's path; the input's name is
    /// `scenario "NAME"` and there is no line.
    pub fn new(spec: ScenarioSpec) -> Result<Scenario, SimulateError> {
        validate(&spec).map_err(|problem| SimulateError::Invalid {
            input: format!("scenario {:?}", spec.name),
            path: problem.path.to_string(),
            position: None,
            message: problem.message,
        })?;
        Ok(Scenario::from_valid(spec))
    }

    /// Parses and checks a scenario's text, TOML or JSON (by `input`'s extension, else by
    /// the text: JSON if it starts with `{`). `input` names the source in errors.
    pub fn parse(input: &str, text: &str) -> Result<Scenario, SimulateError> {
        Scenario::parse_as(input, text, Format::detect(input, text))
    }

    /// Parses and checks a scenario's text in the given format.
    pub fn parse_as(input: &str, text: &str, format: Format) -> Result<Scenario, SimulateError> {
        let spec = format::parse_spec(input, text, format)?;
        validate(&spec).map_err(|problem| format::invalid(input, text, format, problem))?;
        Ok(Scenario::from_valid(spec))
    }

    /// Reads a whole scenario from `reader` and parses it as [`Scenario::parse`] does.
    pub fn read(input: &str, mut reader: impl Read) -> Result<Scenario, SimulateError> {
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map_err(|error| SimulateError::Read {
                input: input.to_owned(),
                message: error.to_string(),
            })?;
        let text = String::from_utf8(bytes).map_err(|error| SimulateError::Read {
            input: input.to_owned(),
            message: format!("not UTF-8: {error}"),
        })?;
        Scenario::parse(input, &text)
    }

    fn from_valid(spec: ScenarioSpec) -> Scenario {
        let calendar = InlineCalendar::new(&spec.crossings);
        Scenario { spec, calendar }
    }

    /// The scenario's data.
    pub fn spec(&self) -> &ScenarioSpec {
        &self.spec
    }

    /// The scenario's name.
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// The calendar stated in the scenario's crossings.
    pub fn inline_calendar(&self) -> &InlineCalendar {
        &self.calendar
    }

    /// Simulates with the scenario's own calendar: [`simulate`](crate::simulate) with
    /// [`Scenario::inline_calendar`].
    pub fn simulate(&self) -> ScenarioResult {
        crate::engine::simulate(self, &self.calendar)
    }

    /// Simulates with another calendar: [`simulate`](crate::simulate).
    pub fn simulate_with(&self, calendar: &dyn CrossingCalendar) -> ScenarioResult {
        crate::engine::simulate(self, calendar)
    }
}

/// Checks everything that involves more than one field, and the ranges of numbers.
fn validate(spec: &ScenarioSpec) -> Result<(), Problem> {
    if spec.name.trim().is_empty() {
        return Err(Problem::new(FieldPath::root("name"), "is empty"));
    }
    let period = FieldPath::root("period");
    check_range(&period, spec.from, spec.to)?;
    let days = spec.to.days_since_epoch() - spec.from.days_since_epoch() + 1;
    if days > MAX_PERIOD_DAYS {
        return Err(Problem::new(
            period.key("to"),
            format!(
                "the period has {days} days; at most {MAX_PERIOD_DAYS} (20 years) are simulated"
            ),
        ));
    }
    for (kind, key, date) in [
        (PeriodKind::SolarMonth, "from", spec.from),
        (PeriodKind::SolarMonth, "to", spec.to),
    ] {
        if Period::containing(kind, date).is_err() {
            return Err(Problem::new(
                period.key(key),
                format!(
                    "{date} is too close to the end of the supported dates for monthly reports"
                ),
            ));
        }
    }
    if let Some(seasonality) = &spec.seasonality {
        check_seasonality(&FieldPath::root("seasonality"), seasonality)?;
    }

    let crossings = FieldPath::root("crossings");
    if spec.crossings.is_empty() {
        return Err(Problem::new(
            crossings,
            "a scenario needs at least one crossing",
        ));
    }
    let mut ids = HashSet::new();
    for (index, crossing) in spec.crossings.iter().enumerate() {
        let path = crossings.index(index);
        check_crossing(&path, crossing)?;
        if !ids.insert(crossing.id.as_str()) {
            return Err(Problem::new(
                path.key("id"),
                format!("crossing {:?} is stated twice", crossing.id),
            ));
        }
    }
    let known = |path: FieldPath, id: &str| -> Result<(), Problem> {
        if ids.contains(id) {
            Ok(())
        } else {
            Err(Problem::new(
                path,
                format!(
                    "unknown crossing {id:?}; the scenario's crossings are {}",
                    spec.crossings
                        .iter()
                        .map(|c| format!("{:?}", c.id))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ))
        }
    };

    let demand = FieldPath::root("demand");
    for (index, line) in spec.demand.iter().enumerate() {
        let path = demand.index(index);
        if line.sector.trim().is_empty() {
            return Err(Problem::new(path.key("sector"), "is empty"));
        }
        match &line.crossing {
            CrossingChoice::One(id) => known(path.key("crossing"), id)?,
            CrossingChoice::Shares(shares) => {
                if shares.is_empty() {
                    return Err(Problem::new(path.key("crossing"), "names no crossing"));
                }
                for (position, (id, weight)) in shares.iter().enumerate() {
                    let share = path.key("crossing").key(id);
                    known(share.clone(), id)?;
                    if shares[..position].iter().any(|(other, _)| other == id) {
                        return Err(Problem::new(
                            share,
                            format!("crossing {id:?} is named twice"),
                        ));
                    }
                    if *weight == 0 || *weight > MAX_SHARE_WEIGHT {
                        return Err(Problem::new(
                            share,
                            format!("weight {weight} is out of range 1-{MAX_SHARE_WEIGHT}"),
                        ));
                    }
                }
            }
        }
        if line.trucks_per_day > MAX_TRUCKS_PER_DAY {
            return Err(Problem::new(
                path.key("trucks_per_day"),
                format!("{} is more than {MAX_TRUCKS_PER_DAY}", line.trucks_per_day),
            ));
        }
        if !(0..=MAX_VALUE_PER_TRUCK_MINOR).contains(&line.value_per_truck_minor) {
            return Err(Problem::new(
                path.key("value_per_truck_minor"),
                format!(
                    "{} is out of range 0-{MAX_VALUE_PER_TRUCK_MINOR}",
                    line.value_per_truck_minor
                ),
            ));
        }
        if let Some(seasonality) = &line.seasonality {
            check_seasonality(&path.key("seasonality"), seasonality)?;
        }
    }

    let routing = FieldPath::root("routing");
    for (index, rule) in spec.routing.iter().enumerate() {
        let path = routing.index(index);
        known(path.key("from"), &rule.from)?;
        known(path.key("to"), &rule.to)?;
        if rule.from == rule.to {
            return Err(Problem::new(
                path.key("to"),
                format!("a rule cannot divert from {:?} to itself", rule.from),
            ));
        }
        for (key, value) in [
            ("extra_days", rule.extra_days),
            ("when_wait_exceeds_days", rule.when_wait_exceeds_days),
        ] {
            if value > MAX_RULE_DAYS {
                return Err(Problem::new(
                    path.key(key),
                    format!("{value} days is more than {MAX_RULE_DAYS}"),
                ));
            }
        }
        if rule.max_per_day == Some(0) {
            return Err(Problem::new(
                path.key("max_per_day"),
                "0 would divert nothing: leave the rule out instead",
            ));
        }
        if let Some(sectors) = &rule.sectors {
            for (position, sector) in sectors.iter().enumerate() {
                if !spec.demand.iter().any(|line| &line.sector == sector) {
                    return Err(Problem::new(
                        path.key("sectors").index(position),
                        format!("no demand line has sector {sector:?}"),
                    ));
                }
            }
        }
    }

    let targets = FieldPath::root("targets");
    for (index, target) in spec.targets.iter().enumerate() {
        let path = targets.index(index);
        if target.name.trim().is_empty() {
            return Err(Problem::new(path.key("name"), "is empty"));
        }
        check_range(&path, target.from, target.to)?;
        if target.to < spec.from || target.from > spec.to {
            return Err(Problem::new(
                path.key("from"),
                format!(
                    "the target's period {} to {} does not overlap the simulated period {} to {}",
                    target.from, target.to, spec.from, spec.to
                ),
            ));
        }
        if !(1..=MAX_AMOUNT_MINOR).contains(&target.amount_minor) {
            return Err(Problem::new(
                path.key("amount_minor"),
                format!(
                    "{} is out of range 1-{MAX_AMOUNT_MINOR}",
                    target.amount_minor
                ),
            ));
        }
        if !(0..=MAX_AMOUNT_MINOR).contains(&target.achieved_minor) {
            return Err(Problem::new(
                path.key("achieved_minor"),
                format!(
                    "{} is out of range 0-{MAX_AMOUNT_MINOR}",
                    target.achieved_minor
                ),
            ));
        }
    }
    Ok(())
}

fn check_range(path: &FieldPath, from: GregorianDate, to: GregorianDate) -> Result<(), Problem> {
    if from > to {
        return Err(Problem::new(
            path.key("to"),
            format!("ends on {to}, before it starts on {from}"),
        ));
    }
    Ok(())
}

fn check_seasonality(path: &FieldPath, seasonality: &Seasonality) -> Result<(), Problem> {
    for (month, bp) in seasonality.basis_points.iter().enumerate() {
        if *bp > MAX_SEASONAL_BP {
            return Err(Problem::new(
                path.key("basis_points").index(month),
                format!("{bp} basis points is more than {MAX_SEASONAL_BP} (1000 %)"),
            ));
        }
    }
    Ok(())
}

fn check_crossing(path: &FieldPath, crossing: &CrossingSpec) -> Result<(), Problem> {
    if crossing.id.trim().is_empty() {
        return Err(Problem::new(path.key("id"), "is empty"));
    }
    check_capacity(&path.key("capacity"), crossing.capacity, crossing.open)?;
    for (index, closure) in crossing.closed.iter().enumerate() {
        check_range(&path.key("closed").index(index), closure.from, closure.to)?;
    }
    for (index, phase) in crossing.phases.iter().enumerate() {
        let phase_path = path.key("phases").index(index);
        check_range(&phase_path, phase.from, phase.to)?;
        let open = phase.open.unwrap_or(crossing.open);
        let capacity = phase.capacity.unwrap_or(crossing.capacity);
        let field = if phase.capacity.is_some() {
            "capacity"
        } else {
            "open"
        };
        check_capacity(&phase_path.key(field), capacity, open)?;
        for (other_index, other) in crossing.phases.iter().enumerate().take(index) {
            if phase.from <= other.to && other.from <= phase.to {
                return Err(Problem::new(
                    phase_path.key("from"),
                    format!(
                        "overlaps phase {other_index} ({} to {}): a day can be in one phase only",
                        other.from, other.to
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn check_capacity(path: &FieldPath, capacity: u32, open: Weekdays) -> Result<(), Problem> {
    if capacity == 0 && !open.is_empty() {
        return Err(Problem::new(
            path.clone(),
            format!(
                "capacity 0 on open days ({open}): to close a crossing, set `open = []` or add a closure"
            ),
        ));
    }
    if capacity > MAX_CAPACITY {
        return Err(Problem::new(
            path.clone(),
            format!("capacity {capacity} is more than {MAX_CAPACITY} trucks a day"),
        ));
    }
    Ok(())
}
