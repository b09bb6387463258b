//! Routes of the border crossings (registry, which are open on which days) and of what-if
//! simulations (scenarios side by side; the shipped example pair for the dashboard).

use std::sync::OnceLock;

use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use corridor_calendar::GregorianDate;
use corridor_crossings::json::{crossing_json, day_json};
use corridor_crossings::{parse_day, Crossings};
use corridor_simulate::{side_by_side, Scenario, SideBySide};

use crate::error::ApiError;
use crate::openapi::{ErrorBody, Failures};
use crate::routes::{Body, Params};
use crate::server::AppState;

/// The shipped crossings registry and operating calendar.
fn reference() -> Result<&'static Crossings, ApiError> {
    Crossings::reference_shared()
        .map_err(|e| ApiError::Internal(format!("the crossings registry: {e}")))
}

/// JSON as the CLI prints it.
#[derive(Serialize, ToSchema)]
pub(crate) struct CrossingsOut {
    /// Every crossing: id, both sides' names and regions, modes, status, capacity, sources.
    #[schema(value_type = Vec<Object>)]
    crossings: Vec<serde_json::Value>,
}

#[utoipa::path(
    get,
    path = "/api/v1/crossings",
    security(("bearer" = [])),
    responses((status = 200, description = "The crossings registry", body = CrossingsOut), Failures)
)]
pub(crate) async fn list_crossings() -> Result<Json<CrossingsOut>, ApiError> {
    let crossings = reference()?.list().iter().map(crossing_json).collect();
    Ok(Json(CrossingsOut { crossings }))
}

/// Which days.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct StatusQuery {
    /// The first day: `2020-06-08`, `SH1399-03-19` or `AH1441-10-16` (default: today, UTC).
    on: Option<String>,
    /// How many days from it (1 to 366, default 7: a week).
    #[param(minimum = 1, maximum = 366)]
    days: Option<u16>,
}

/// One crossing's days.
#[derive(Serialize, ToSchema)]
pub(crate) struct CrossingDays {
    /// The crossing's id.
    crossing: String,
    /// Its name.
    name: String,
    /// How many of the days it is open.
    open_days: usize,
    /// Each day: date in three calendars, open or closed, hours, trucks, why, the rules.
    #[schema(value_type = Vec<Object>)]
    days: Vec<serde_json::Value>,
}

/// Every crossing over a span of days.
#[derive(Serialize, ToSchema)]
pub(crate) struct StatusOut {
    /// The first day (Gregorian).
    from: String,
    /// The last day.
    to: String,
    /// Each crossing.
    crossings: Vec<CrossingDays>,
}

fn day(text: &str, field: &str) -> Result<GregorianDate, ApiError> {
    parse_day(text).map_err(|e| ApiError::BadRequest(format!("{field}: {e}")))
}

#[utoipa::path(
    get,
    path = "/api/v1/crossings/status",
    params(StatusQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "Which crossings are open on each day, with hours, capacity and the rule that decided", body = StatusOut), Failures)
)]
pub(crate) async fn crossings_status(
    Params(query): Params<StatusQuery>,
) -> Result<Json<StatusOut>, ApiError> {
    let from = match &query.on {
        Some(text) => day(text, "on")?,
        None => crate::trade::today()?,
    };
    let days = query.days.unwrap_or(7);
    if !(1..=366).contains(&days) {
        return Err(ApiError::BadRequest(format!(
            "days: {days} is not from 1 to 366"
        )));
    }
    let to = from
        .add_days(i64::from(days) - 1)
        .map_err(|e| ApiError::BadRequest(format!("days: {e}")))?;
    let crossings = reference()?;
    let mut out = Vec::new();
    for crossing in crossings.list() {
        let calendar = crossings
            .calendar(&crossing.id, from, to)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        out.push(CrossingDays {
            crossing: crossing.id.clone(),
            name: crossing.display_name(),
            open_days: calendar.iter().filter(|d| d.is_open()).count(),
            days: calendar.iter().map(|d| day_json(crossing, d)).collect(),
        });
    }
    Ok(Json(StatusOut {
        from: from.to_string(),
        to: to.to_string(),
        crossings: out,
    }))
}

/// A span of days.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct CalendarQuery {
    /// The first day (any of the three calendars' forms).
    from: String,
    /// The last day (default: the first), at most 3,660 days after it.
    to: Option<String>,
}

/// A crossing's name.
#[derive(Deserialize, IntoParams)]
pub(crate) struct CrossingPath {
    /// The crossing's id or either side's name.
    name: String,
}

#[utoipa::path(
    get,
    path = "/api/v1/crossings/{name}/calendar",
    params(CrossingPath, CalendarQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The crossing's days", body = CrossingDays),
        (status = 404, description = "No such crossing", body = ErrorBody),
        Failures
    )
)]
pub(crate) async fn crossing_calendar(
    Path(CrossingPath { name }): Path<CrossingPath>,
    Params(query): Params<CalendarQuery>,
) -> Result<Json<CrossingDays>, ApiError> {
    let crossings = reference()?;
    let Some(crossing) = crossings.find(&name) else {
        let known: Vec<&str> = crossings.list().iter().map(|c| c.id.as_str()).collect();
        return Err(ApiError::NotFound(format!(
            "no crossing {name:?}; the crossings are {}",
            known.join(", ")
        )));
    };
    let from = day(&query.from, "from")?;
    let to = match &query.to {
        Some(text) => day(text, "to")?,
        None => from,
    };
    if to < from || to.days_since_epoch() - from.days_since_epoch() > 3_660 {
        return Err(ApiError::BadRequest(
            "to: give a day from `from` to 3,660 days after it".to_owned(),
        ));
    }
    let calendar = crossings
        .calendar(&crossing.id, from, to)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Json(CrossingDays {
        crossing: crossing.id.clone(),
        name: crossing.display_name(),
        open_days: calendar.iter().filter(|d| d.is_open()).count(),
        days: calendar.iter().map(|d| day_json(crossing, d)).collect(),
    }))
}

/// One scenario, as the text of a scenario file.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScenarioIn {
    /// The file's name (`.toml` or `.json` tells the format; errors name it).
    name: String,
    /// The file's text (docs/formats/scenario.md).
    text: String,
}

/// Scenarios to run side by side; the first is the baseline.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SimulateIn {
    /// One to eight scenarios.
    scenarios: Vec<ScenarioIn>,
    /// Drive the crossings the registry knows by the shipped operating calendar.
    #[serde(default)]
    reference_calendar: bool,
}

/// The scenarios as run, the comparison and every result (as `corridor simulate --format
/// json`).
#[derive(Serialize, ToSchema)]
pub(crate) struct SimulateOut {
    /// The scenarios as run: file, name, which calendar each crossing used.
    #[schema(value_type = Vec<Object>)]
    scenarios: Vec<corridor_simulate::RunInfo>,
    /// Side by side: the table's rows, monthly series in both calendars, queues per day,
    /// each target's projection.
    #[schema(value_type = Object)]
    comparison: corridor_simulate::Comparison,
    /// Each scenario's whole result.
    #[schema(value_type = Vec<Object>)]
    results: Vec<corridor_simulate::ScenarioResult>,
}

impl From<SideBySide> for SimulateOut {
    fn from(side: SideBySide) -> SimulateOut {
        SimulateOut {
            scenarios: side.scenarios,
            comparison: side.comparison,
            results: side.results,
        }
    }
}

fn run(inputs: Vec<(String, String)>, reference_calendar: bool) -> Result<SideBySide, ApiError> {
    if inputs.is_empty() || inputs.len() > 8 {
        return Err(ApiError::BadRequest(
            "scenarios: give one to eight".to_owned(),
        ));
    }
    let mut scenarios = Vec::with_capacity(inputs.len());
    for (name, text) in inputs {
        let scenario =
            Scenario::parse(&name, &text).map_err(|e| ApiError::BadRequest(e.to_string()))?;
        scenarios.push((name, scenario));
    }
    let reference = if reference_calendar {
        Some(reference()?)
    } else {
        None
    };
    Ok(side_by_side(&scenarios, reference))
}

#[utoipa::path(
    post,
    path = "/api/v1/simulate",
    request_body = SimulateIn,
    security(("bearer" = [])),
    responses((status = 200, description = "The scenarios side by side", body = SimulateOut), Failures)
)]
pub(crate) async fn simulate(
    State(_state): State<AppState>,
    Body(body): Body<SimulateIn>,
) -> Result<Json<SimulateOut>, ApiError> {
    let inputs = body
        .scenarios
        .into_iter()
        .map(|s| (s.name, s.text))
        .collect();
    let reference_calendar = body.reference_calendar;
    let side = tokio::task::spawn_blocking(move || run(inputs, reference_calendar))
        .await
        .map_err(|e| ApiError::Internal(format!("the simulation failed: {e}")))??;
    Ok(Json(SimulateOut::from(side)))
}

/// The example pair shipped with Corridor: Mehran open two days a week, against every
/// crossing open daily.
const EXAMPLE: [(&str, &str); 2] = [
    (
        "mehran-two-days.toml",
        include_str!("../../corridor-simulate/data/mehran-two-days.toml"),
    ),
    (
        "all-open-daily.toml",
        include_str!("../../corridor-simulate/data/all-open-daily.toml"),
    ),
];

#[utoipa::path(
    get,
    path = "/api/v1/simulate/example",
    security(("bearer" = [])),
    responses((status = 200, description = "The shipped example pair side by side: Mehran open two days a week against all crossings open daily", body = SimulateOut), Failures)
)]
pub(crate) async fn simulate_example() -> Result<Json<SimulateOut>, ApiError> {
    static EXAMPLE_RUN: OnceLock<Result<SideBySide, String>> = OnceLock::new();
    let side = tokio::task::spawn_blocking(|| {
        EXAMPLE_RUN
            .get_or_init(|| {
                let inputs = EXAMPLE
                    .iter()
                    .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
                    .collect();
                run(inputs, false).map_err(|e| e.to_string())
            })
            .clone()
    })
    .await
    .map_err(|e| ApiError::Internal(format!("the simulation failed: {e}")))?
    .map_err(ApiError::Internal)?;
    Ok(Json(SimulateOut::from(side)))
}
