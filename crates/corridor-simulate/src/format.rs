//! The scenario file format (TOML or JSON, one structure): the raw shapes serde reads, and
//! their conversion into a [`ScenarioSpec`] (dates, weekdays, currency, seasonality).
//! Checks that involve several fields are in `scenario.rs`; both report [`Problem`]s,
//! which are placed in the text here.

use std::fmt;

use corridor_calendar::{Calendar, GregorianDate, SolarHijriDate};
use corridor_core::Currency;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

use crate::calendar::{Weekday, Weekdays};
use crate::error::{Format, SimulateError};
use crate::locate::{locate, position_of, FieldPath};
use crate::scenario::{
    Arrivals, Closure, CrossingChoice, CrossingSpec, DemandLine, Phase, Problem, RoutingRule,
    ScenarioSpec, Seasonality, Target,
};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: String,
    #[serde(default)]
    description: Option<String>,
    seed: u64,
    currency: String,
    period: RawPeriod,
    #[serde(default)]
    seasonality: Option<RawSeasonality>,
    crossings: Vec<RawCrossing>,
    #[serde(default)]
    demand: Vec<RawDemand>,
    #[serde(default)]
    routing: Vec<RawRouting>,
    #[serde(default)]
    targets: Vec<RawTarget>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPeriod {
    from: String,
    to: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCrossing {
    id: String,
    #[serde(default)]
    name: Option<String>,
    capacity: u32,
    #[serde(default)]
    open: Option<Vec<String>>,
    #[serde(default)]
    closed: Vec<RawClosure>,
    #[serde(default)]
    phases: Vec<RawPhase>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClosure {
    from: String,
    to: String,
    #[serde(default)]
    note: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPhase {
    from: String,
    to: String,
    #[serde(default)]
    capacity: Option<u32>,
    #[serde(default)]
    open: Option<Vec<String>>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDemand {
    sector: String,
    crossing: RawChoice,
    trucks_per_day: u32,
    value_per_truck_minor: Minor,
    #[serde(default)]
    arrivals: Option<String>,
    #[serde(default)]
    seasonality: Option<RawSeasonality>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSeasonality {
    calendar: String,
    #[serde(default)]
    percent: Option<Vec<u32>>,
    #[serde(default)]
    basis_points: Option<Vec<u32>>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRouting {
    from: String,
    to: String,
    extra_days: u32,
    #[serde(default)]
    when_wait_exceeds_days: u32,
    #[serde(default)]
    max_per_day: Option<u32>,
    #[serde(default)]
    sectors: Option<Vec<String>>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    name: String,
    amount_minor: Minor,
    from: String,
    to: String,
    #[serde(default)]
    achieved_minor: Option<Minor>,
}

/// `crossing = "mehran"` or `crossing = { mehran = 3, chazabeh = 1 }` (order kept).
enum RawChoice {
    One(String),
    Shares(Vec<(String, u32)>),
}

impl<'de> Deserialize<'de> for RawChoice {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RawChoice, D::Error> {
        struct ChoiceVisitor;
        impl<'de> Visitor<'de> for ChoiceVisitor {
            type Value = RawChoice;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a crossing id, or a table of crossing ids to integer weights")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<RawChoice, E> {
                Ok(RawChoice::One(value.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawChoice, A::Error> {
                let mut shares = Vec::new();
                while let Some((id, weight)) = map.next_entry::<String, u32>()? {
                    shares.push((id, weight));
                }
                Ok(RawChoice::Shares(shares))
            }
        }
        deserializer.deserialize_any(ChoiceVisitor)
    }
}

/// An amount in minor units: an integer, or a string of digits (as the service writes
/// amounts, for JavaScript's sake).
struct Minor(i128);

impl<'de> Deserialize<'de> for Minor {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Minor, D::Error> {
        struct MinorVisitor;
        impl Visitor<'_> for MinorVisitor {
            type Value = Minor;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer number of minor units (or one as a string of digits)")
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Minor, E> {
                Ok(Minor(i128::from(value)))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Minor, E> {
                Ok(Minor(i128::from(value)))
            }
            fn visit_i128<E: de::Error>(self, value: i128) -> Result<Minor, E> {
                Ok(Minor(value))
            }
            fn visit_u128<E: de::Error>(self, value: u128) -> Result<Minor, E> {
                i128::try_from(value)
                    .map(Minor)
                    .map_err(|_| E::custom("amount too large"))
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Minor, E> {
                let digits = value.strip_prefix('-').unwrap_or(value);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(E::custom(format!(
                        "{value:?} is not an integer number of minor units"
                    )));
                }
                value
                    .parse::<i128>()
                    .map(Minor)
                    .map_err(|_| E::custom(format!("{value:?} is too large")))
            }
        }
        deserializer.deserialize_any(MinorVisitor)
    }
}

/// Parses the text and converts it; any problem is placed in the text.
pub(crate) fn parse_spec(
    input: &str,
    text: &str,
    format: Format,
) -> Result<ScenarioSpec, SimulateError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let raw: RawScenario = match format {
        Format::Toml => toml::from_str(text).map_err(|error| SimulateError::Syntax {
            input: input.to_owned(),
            format,
            position: error.span().map(|span| position_of(text, span.start)),
            message: error.message().trim().to_owned(),
        })?,
        Format::Json => serde_json::from_str(text).map_err(|error| {
            let message = error.to_string();
            let suffix = format!(" at line {} column {}", error.line(), error.column());
            SimulateError::Syntax {
                input: input.to_owned(),
                format,
                position: (error.line() > 0).then_some(crate::error::Position {
                    line: error.line(),
                    column: error.column().max(1),
                }),
                message: message.strip_suffix(&suffix).unwrap_or(&message).to_owned(),
            }
        })?,
    };
    convert(raw).map_err(|problem| invalid(input, text, format, problem))
}

/// The error for a problem, with its line if the path can be found in the text.
pub(crate) fn invalid(input: &str, text: &str, format: Format, problem: Problem) -> SimulateError {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    SimulateError::Invalid {
        input: input.to_owned(),
        position: locate(format, text, &problem.path),
        path: problem.path.to_string(),
        message: problem.message,
    }
}

fn convert(raw: RawScenario) -> Result<ScenarioSpec, Problem> {
    let currency = Currency::from_code(&raw.currency)
        .map_err(|error| Problem::new(FieldPath::root("currency"), error.to_string()))?;
    let period = FieldPath::root("period");
    let from = date(&period.key("from"), &raw.period.from)?;
    let to = date(&period.key("to"), &raw.period.to)?;
    let seasonality = raw
        .seasonality
        .map(|s| convert_seasonality(&FieldPath::root("seasonality"), s))
        .transpose()?;

    let crossings_path = FieldPath::root("crossings");
    let mut crossings = Vec::with_capacity(raw.crossings.len());
    for (index, crossing) in raw.crossings.into_iter().enumerate() {
        crossings.push(convert_crossing(&crossings_path.index(index), crossing)?);
    }

    let demand_path = FieldPath::root("demand");
    let mut demand = Vec::with_capacity(raw.demand.len());
    for (index, line) in raw.demand.into_iter().enumerate() {
        let path = demand_path.index(index);
        let arrivals = match line.arrivals.as_deref().map(str::to_ascii_lowercase) {
            None => Arrivals::Poisson,
            Some(name) if name == "poisson" => Arrivals::Poisson,
            Some(name) if name == "fixed" => Arrivals::Fixed,
            Some(name) => {
                return Err(Problem::new(
                    path.key("arrivals"),
                    format!("unknown arrivals {name:?}: expected \"poisson\" or \"fixed\""),
                ))
            }
        };
        demand.push(DemandLine {
            sector: line.sector,
            crossing: match line.crossing {
                RawChoice::One(id) => CrossingChoice::One(id),
                RawChoice::Shares(shares) => CrossingChoice::Shares(shares),
            },
            trucks_per_day: line.trucks_per_day,
            value_per_truck_minor: line.value_per_truck_minor.0,
            arrivals,
            seasonality: line
                .seasonality
                .map(|s| convert_seasonality(&path.key("seasonality"), s))
                .transpose()?,
        });
    }

    let routing = raw
        .routing
        .into_iter()
        .map(|rule| RoutingRule {
            from: rule.from,
            to: rule.to,
            extra_days: rule.extra_days,
            when_wait_exceeds_days: rule.when_wait_exceeds_days,
            max_per_day: rule.max_per_day,
            sectors: rule.sectors,
        })
        .collect();

    let targets_path = FieldPath::root("targets");
    let mut targets = Vec::with_capacity(raw.targets.len());
    for (index, target) in raw.targets.into_iter().enumerate() {
        let path = targets_path.index(index);
        targets.push(Target {
            name: target.name,
            amount_minor: target.amount_minor.0,
            from: date(&path.key("from"), &target.from)?,
            to: date(&path.key("to"), &target.to)?,
            achieved_minor: target.achieved_minor.map_or(0, |m| m.0),
        });
    }

    Ok(ScenarioSpec {
        name: raw.name,
        description: raw.description,
        seed: raw.seed,
        currency,
        from,
        to,
        seasonality,
        crossings,
        demand,
        routing,
        targets,
    })
}

fn convert_crossing(path: &FieldPath, raw: RawCrossing) -> Result<CrossingSpec, Problem> {
    let open = match &raw.open {
        Some(names) => weekdays(&path.key("open"), names)?,
        None => Weekdays::ALL,
    };
    let mut closed = Vec::with_capacity(raw.closed.len());
    for (index, closure) in raw.closed.into_iter().enumerate() {
        let closure_path = path.key("closed").index(index);
        closed.push(Closure {
            from: date(&closure_path.key("from"), &closure.from)?,
            to: date(&closure_path.key("to"), &closure.to)?,
            note: closure.note,
        });
    }
    let mut phases = Vec::with_capacity(raw.phases.len());
    for (index, phase) in raw.phases.into_iter().enumerate() {
        let phase_path = path.key("phases").index(index);
        phases.push(Phase {
            from: date(&phase_path.key("from"), &phase.from)?,
            to: date(&phase_path.key("to"), &phase.to)?,
            capacity: phase.capacity,
            open: phase
                .open
                .as_ref()
                .map(|names| weekdays(&phase_path.key("open"), names))
                .transpose()?,
            note: phase.note,
        });
    }
    Ok(CrossingSpec {
        id: raw.id,
        name: raw.name,
        capacity: raw.capacity,
        open,
        closed,
        phases,
    })
}

/// A date: Gregorian `YYYY-MM-DD`, or Solar Hijri with a prefix, `SH1399-03-19`.
pub(crate) fn parse_date(text: &str) -> Result<GregorianDate, String> {
    let trimmed = text.trim();
    if let Some(solar) = trimmed
        .strip_prefix("SH")
        .or_else(|| trimmed.strip_prefix("sh"))
    {
        return solar
            .parse::<SolarHijriDate>()
            .map(SolarHijriDate::to_gregorian)
            .map_err(|error| format!("{text:?}: {error}"));
    }
    trimmed.parse::<GregorianDate>().map_err(|error| {
        format!("{text:?}: {error} (a Gregorian date, or a Solar Hijri one as SH1399-03-19)")
    })
}

fn date(path: &FieldPath, text: &str) -> Result<GregorianDate, Problem> {
    parse_date(text).map_err(|message| Problem::new(path.clone(), message))
}

fn weekdays(path: &FieldPath, names: &[String]) -> Result<Weekdays, Problem> {
    let mut days = Vec::with_capacity(names.len());
    for (index, name) in names.iter().enumerate() {
        let day = Weekday::parse(name).ok_or_else(|| {
            Problem::new(
                path.index(index),
                format!("{name:?} is not a day of the week (sun, mon, tue, wed, thu, fri, sat)"),
            )
        })?;
        days.push(day);
    }
    Ok(Weekdays::of(&days))
}

fn convert_seasonality(path: &FieldPath, raw: RawSeasonality) -> Result<Seasonality, Problem> {
    let calendar = match raw
        .calendar
        .to_ascii_lowercase()
        .replace(['-', ' '], "_")
        .as_str()
    {
        "solar_hijri" | "solar" | "sh" => Calendar::SolarHijri,
        "gregorian" => Calendar::Gregorian,
        _ => {
            return Err(Problem::new(
                path.key("calendar"),
                format!(
                    "unknown calendar {:?}: expected \"solar_hijri\" or \"gregorian\"",
                    raw.calendar
                ),
            ))
        }
    };
    let (key, values, scale) = match (raw.percent, raw.basis_points) {
        (Some(percent), None) => ("percent", percent, 100),
        (None, Some(bp)) => ("basis_points", bp, 1),
        (Some(_), Some(_)) => {
            return Err(Problem::new(
                path.key("basis_points"),
                "give either `percent` or `basis_points`, not both",
            ))
        }
        (None, None) => {
            return Err(Problem::new(
                path.clone(),
                "needs 12 monthly factors as `percent` or `basis_points`",
            ))
        }
    };
    let count = values.len();
    let mut basis_points: [u32; 12] = values.try_into().map_err(|_| {
        Problem::new(
            path.key(key),
            format!("has {count} values; seasonality needs exactly 12, one per month"),
        )
    })?;
    for (month, value) in basis_points.iter_mut().enumerate() {
        let given = *value;
        *value = given
            .checked_mul(scale)
            .filter(|bp| *bp <= crate::scenario::MAX_SEASONAL_BP)
            .ok_or_else(|| {
                Problem::new(
                    path.key(key).index(month),
                    format!("{given} {key} is more than 1000 %"),
                )
            })?;
    }
    Ok(Seasonality {
        calendar,
        basis_points,
    })
}
