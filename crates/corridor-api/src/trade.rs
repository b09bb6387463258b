//! Trade routes: reports, partners and the dashboard's overview, over the trade registry
//! (`DIR/registry.sqlite`) through the same functions as `corridor report` and
//! `corridor target progress`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{RawQuery, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use corridor_calendar::{Calendar, GregorianDate, Period, PeriodKind};
use corridor_monitor::TargetStatus;
use corridor_reference::SectorMap;
use corridor_registry::progress::{target_progress, target_query};
use corridor_registry::report::{
    partner_ranking, trade_report, FlowChoice, Grouping, Precedence, ReportRow, TradeChoice,
    TradeQuery,
};
use corridor_registry::{Registry, Target, WORLD};

use crate::error::ApiError;
use crate::routes::Params;
use crate::server::{now_seconds, AppState};

/// The trade registry, shared by the handlers (one connection; reads run on the blocking
/// pool), with a cache of answers.
pub(crate) type SharedRegistry = Arc<Mutex<RegistryState>>;

/// The registry and the answers computed from it. Reports, overviews and forecasts are
/// pure functions of the registry's content and the day, and computing one (a forecast
/// model fitted per target) takes a good part of a second; the registry changes only when a
/// file or target is loaded. An answer is kept until the registry changes: its
/// `data_version` (another process's commit) or this service's own writes.
pub(crate) struct RegistryState {
    registry: Registry,
    /// This service's own writes to the registry.
    writes: u64,
    /// (data_version, writes) the cached answers were computed at.
    seen: (i64, u64),
    /// Answers by route, query and day.
    answers: HashMap<String, axum::body::Bytes>,
}

impl std::fmt::Debug for RegistryState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryState")
            .field("writes", &self.writes)
            .field("answers", &self.answers.len())
            .finish()
    }
}

/// Answers kept at most; beyond, the cache starts afresh.
const ANSWERS_MAX: usize = 1_024;

impl RegistryState {
    pub(crate) fn new(registry: Registry) -> RegistryState {
        RegistryState {
            registry,
            writes: 0,
            seen: (0, 0),
            answers: HashMap::new(),
        }
    }
}

/// Runs `work` on the registry off the async threads.
async fn with_registry<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&Registry) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let registry = state.registry.clone();
    tokio::task::spawn_blocking(move || {
        let registry = registry
            .lock()
            .map_err(|_| ApiError::Internal("the trade registry's lock is poisoned".to_owned()))?;
        work(&registry.registry)
    })
    .await
    .map_err(|error| ApiError::Internal(format!("a report failed: {error}")))?
}

/// The JSON answer of `work` for `key` (the route and its query), computed once per day
/// and state of the registry.
async fn cached<T: Serialize + 'static>(
    state: &AppState,
    key: String,
    work: impl FnOnce(&Registry) -> Result<T, ApiError> + Send + 'static,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let registry = state.registry.clone();
    let bytes = tokio::task::spawn_blocking(move || {
        let mut guard = registry
            .lock()
            .map_err(|_| ApiError::Internal("the trade registry's lock is poisoned".to_owned()))?;
        let shared = &mut *guard;
        let now = (
            shared.registry.data_version().map_err(registry_error)?,
            shared.writes,
        );
        if now != shared.seen || shared.answers.len() >= ANSWERS_MAX {
            shared.answers.clear();
            shared.seen = now;
        }
        let key = format!("{key}@{}", today()?);
        if let Some(bytes) = shared.answers.get(&key) {
            return Ok(bytes.clone());
        }
        let answer = work(&shared.registry)?;
        let bytes = axum::body::Bytes::from(
            serde_json::to_vec(&answer)
                .map_err(|e| ApiError::Internal(format!("write the answer: {e}")))?,
        );
        shared.answers.insert(key, bytes.clone());
        Ok::<_, ApiError>(bytes)
    })
    .await
    .map_err(|error| ApiError::Internal(format!("a report failed: {error}")))??;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        bytes,
    )
        .into_response())
}

fn registry_error(error: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(format!("the trade registry: {error}"))
}

fn report_error(error: impl std::fmt::Display) -> ApiError {
    ApiError::BadRequest(error.to_string())
}

/// How much of a period its figures cover.
#[derive(Serialize, ToSchema)]
pub(crate) struct CoverageOut {
    covered_days: u32,
    days: u32,
}

/// One row of a trade report. Amounts are US cents as decimal strings.
#[derive(Serialize, ToSchema)]
pub(crate) struct RowOut {
    /// `1403-02`, `1403`, `2024-05`, `2024-Q2`.
    period: String,
    /// `solar-hijri` or `gregorian`.
    calendar: &'static str,
    /// `solar-month`, `solar-quarter`, `solar-year`, `gregorian-month`, ...
    kind: &'static str,
    year: i32,
    /// The month's number, for a month.
    month: Option<u8>,
    /// The period's first day (Gregorian).
    first_day: String,
    /// The period's last day (Gregorian).
    last_day: String,
    /// The group's code; null on a period's total.
    group: Option<String>,
    group_name: Option<String>,
    value_usd_cents: String,
    share_bp: Option<i64>,
    previous_year_usd_cents: Option<String>,
    growth_bp: Option<i64>,
    record: bool,
    source: String,
    partial: Option<CoverageOut>,
}

fn kind_name(kind: PeriodKind) -> &'static str {
    match kind {
        PeriodKind::SolarMonth => "solar-month",
        PeriodKind::SolarQuarter => "solar-quarter",
        PeriodKind::SolarYear => "solar-year",
        PeriodKind::GregorianMonth => "gregorian-month",
        PeriodKind::GregorianQuarter => "gregorian-quarter",
        PeriodKind::GregorianYear => "gregorian-year",
    }
}

fn kind_of(name: &str) -> Option<PeriodKind> {
    PeriodKind::ALL.into_iter().find(|k| kind_name(*k) == name)
}

fn bp(value: i128) -> i64 {
    i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
}

impl From<&ReportRow> for RowOut {
    fn from(row: &ReportRow) -> RowOut {
        RowOut {
            period: row.period.to_string(),
            calendar: match row.period.calendar() {
                Calendar::SolarHijri => "solar-hijri",
                Calendar::Gregorian => "gregorian",
            },
            kind: kind_name(row.period.kind()),
            year: row.period.year(),
            month: row.period.month(),
            first_day: row.period.first_day().to_string(),
            last_day: row.period.last_day().to_string(),
            group: row.group.as_ref().map(|g| g.code.clone()),
            group_name: row.group.as_ref().map(|g| g.label.clone()),
            value_usd_cents: row.value_cents.to_string(),
            share_bp: row.share_bp.map(bp),
            previous_year_usd_cents: row.previous_cents.map(|v| v.to_string()),
            growth_bp: row.growth_bp.map(bp),
            record: row.record,
            source: row.source.clone(),
            partial: row.partial.map(|c| CoverageOut {
                covered_days: c.covered_days,
                days: c.days,
            }),
        }
    }
}

/// A target's month.
#[derive(Serialize, ToSchema)]
pub(crate) struct TargetMonthOut {
    period: String,
    month: Option<u8>,
    /// Null while unpublished.
    value_usd_cents: Option<String>,
}

/// Where a target stands.
#[derive(Serialize, ToSchema)]
pub(crate) struct TargetOut {
    name: String,
    reporter: String,
    partner: String,
    flow: &'static str,
    trade: &'static str,
    span: String,
    first_day: String,
    last_day: String,
    amount_usd_cents: String,
    as_of: String,
    so_far_usd_cents: String,
    progress_bp: i64,
    remaining_usd_cents: String,
    open_months: u32,
    run_rate_projection_usd_cents: Option<String>,
    forecast_projection_usd_cents: Option<String>,
    needed_per_month_usd_cents: Option<String>,
    /// `met`, `missed`, `on_track`, `behind` or `no_data`.
    status: &'static str,
    months: Vec<TargetMonthOut>,
}

/// The dashboard's overview: a reporter's trade with a partner by Solar Hijri month, this
/// year against last, records, and every target's progress.
#[derive(Serialize, ToSchema)]
pub(crate) struct OverviewOut {
    reporter: String,
    reporter_name: String,
    partner: Option<String>,
    partner_name: Option<String>,
    flow: &'static str,
    year: i32,
    months: Vec<RowOut>,
    previous_year_months: Vec<RowOut>,
    year_total: Option<RowOut>,
    previous_year_total: Option<RowOut>,
    records: Vec<RowOut>,
    targets: Vec<TargetOut>,
}

/// The overview's question.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct OverviewQuery {
    /// The reporter (ISO alpha-3); default: the first target's.
    #[param(pattern = "^[A-Z]{3}$")]
    reporter: Option<String>,
    /// The partner (ISO alpha-3); default: the first target's (the world when it has none).
    #[param(pattern = "^[A-Z]{3}$")]
    partner: Option<String>,
    /// The Solar Hijri year; default: the last with monthly figures.
    #[param(minimum = 1300, maximum = 1500)]
    year: Option<i32>,
}

fn country_name(code: &str) -> String {
    corridor_reference::country_by_alpha3(code)
        .map_or_else(|| code.to_owned(), |c| c.short_name().to_owned())
}

/// A country or aggregate code as the registry keeps it: three letters, upper case. An
/// unknown code is no error: it has no figures.
fn country_code(text: &str, field: &str) -> Result<String, ApiError> {
    let code = text.trim().to_ascii_uppercase();
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(code)
    } else {
        Err(ApiError::BadRequest(format!(
            "{field} {text:?} is not a three-letter country code (ISO 3166 alpha-3)"
        )))
    }
}

fn status_name(status: TargetStatus) -> &'static str {
    match status {
        TargetStatus::Met => "met",
        TargetStatus::Missed => "missed",
        TargetStatus::OnTrack => "on_track",
        TargetStatus::Behind => "behind",
        TargetStatus::NoData => "no_data",
    }
}

/// Today (UTC).
pub(crate) fn today() -> Result<GregorianDate, ApiError> {
    let days = i64::try_from(now_seconds() / 86_400)
        .map_err(|_| ApiError::Internal("the clock is out of range".to_owned()))?;
    GregorianDate::from_days_since_epoch(days).map_err(|e| ApiError::Internal(e.to_string()))
}

fn target_out(
    registry: &Registry,
    target: &Target,
    as_of: GregorianDate,
) -> Result<TargetOut, ApiError> {
    let sources = registry.sources().map_err(registry_error)?;
    let figures = registry
        .figures(&target_query(target, Precedence::default()).figure_filter())
        .map_err(registry_error)?;
    let report = target_progress(&figures, &sources, target, as_of, Precedence::default())
        .map_err(registry_error)?;
    let (first, last) = target.spec.span.days().map_err(registry_error)?;
    let p = &report.progress;
    Ok(TargetOut {
        name: target.spec.name.clone(),
        reporter: target.spec.reporter.clone(),
        partner: target.spec.partner.clone(),
        flow: target.spec.flow.name(),
        trade: target.spec.trade.name(),
        span: target.spec.span.label(),
        first_day: first.to_string(),
        last_day: last.to_string(),
        amount_usd_cents: target.spec.amount_cents.to_string(),
        as_of: as_of.to_string(),
        so_far_usd_cents: p.so_far.to_string(),
        progress_bp: bp(p.progress_bp),
        remaining_usd_cents: p.remaining.to_string(),
        open_months: p.open_months,
        run_rate_projection_usd_cents: p.run_rate_projection.map(|v| v.to_string()),
        forecast_projection_usd_cents: p.forecast_projection.map(|v| v.to_string()),
        needed_per_month_usd_cents: p.needed_per_month.map(|v| v.to_string()),
        status: status_name(p.status),
        months: report
            .months
            .iter()
            .map(|(period, value)| TargetMonthOut {
                period: period.to_string(),
                month: period.month(),
                value_usd_cents: value.map(|v| v.to_string()),
            })
            .collect(),
    })
}

fn solar_year(year: i32) -> Result<Period, ApiError> {
    Period::parse(&year.to_string(), Calendar::SolarHijri)
        .map_err(|e| ApiError::BadRequest(format!("year {year}: {e}")))
}

fn overview(registry: &Registry, query: OverviewQuery) -> Result<OverviewOut, ApiError> {
    let targets = registry.targets().map_err(registry_error)?;
    let first = targets.first();
    let reporter = match (&query.reporter, first) {
        (Some(code), _) => country_code(code, "reporter")?,
        (None, Some(target)) => target.spec.reporter.clone(),
        (None, None) => {
            return Err(ApiError::BadRequest(
                "give reporter: there is no target to take it from".to_owned(),
            ))
        }
    };
    let partner = match (&query.partner, first) {
        (Some(code), _) => Some(country_code(code, "partner")?),
        (None, Some(target)) => Some(target.spec.partner.clone()),
        (None, None) => None,
    }
    .filter(|p| p != WORLD);
    let monthly = TradeQuery {
        reporter: reporter.clone(),
        partner: partner.clone(),
        flow: FlowChoice::Total,
        trade: TradeChoice::All,
        by: PeriodKind::SolarMonth,
        from: None,
        to: None,
        group: None,
        precedence: Precedence::default(),
    };
    let sources = registry.sources().map_err(registry_error)?;
    let figures = registry
        .figures(&monthly.report_filter())
        .map_err(registry_error)?;
    let sectors = SectorMap::default();
    let months = trade_report(&figures, &sources, &monthly, &sectors).map_err(report_error)?;
    let year = match query.year {
        Some(year) if !(1300..=1500).contains(&year) => {
            return Err(ApiError::BadRequest(format!(
                "year {year}: give a Solar Hijri year from 1300 to 1500"
            )))
        }
        Some(year) => year,
        None => months
            .totals
            .iter()
            .map(|row| row.period.year())
            .max()
            .ok_or_else(|| {
                ApiError::NotFound(format!(
                    "no monthly figures for {reporter}{}",
                    partner
                        .as_ref()
                        .map(|p| format!(" with {p}"))
                        .unwrap_or_default()
                ))
            })?,
    };
    let this = solar_year(year)?;
    let before = solar_year(year - 1)?;
    let yearly = trade_report(
        &figures,
        &sources,
        &TradeQuery {
            by: PeriodKind::SolarYear,
            from: Some(before),
            to: Some(this),
            ..monthly.clone()
        },
        &sectors,
    )
    .map_err(report_error)?;
    let total_of = |period: Period| {
        yearly
            .totals
            .iter()
            .find(|row| row.period == period)
            .map(RowOut::from)
    };
    let of_year = |y: i32| {
        months
            .totals
            .iter()
            .filter(|row| row.period.year() == y)
            .map(RowOut::from)
            .collect::<Vec<_>>()
    };
    let as_of = today()?;
    Ok(OverviewOut {
        reporter_name: country_name(&reporter),
        partner_name: partner.as_deref().map(country_name),
        reporter,
        partner,
        flow: FlowChoice::Total.name(),
        year,
        months: of_year(year),
        previous_year_months: of_year(year - 1),
        year_total: total_of(this),
        previous_year_total: total_of(before),
        records: months
            .totals
            .iter()
            .rev()
            .filter(|row| row.record)
            .take(12)
            .map(RowOut::from)
            .collect(),
        targets: targets
            .iter()
            .map(|target| target_out(registry, target, as_of))
            .collect::<Result<_, _>>()?,
    })
}

#[utoipa::path(
    get,
    path = "/api/v1/dashboard/overview",
    params(OverviewQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Trade by Solar Hijri month this year and last, records, targets", body = OverviewOut),
        (status = 404, description = "No monthly figures", body = crate::openapi::ErrorBody),
        crate::openapi::Failures
    )
)]
pub(crate) async fn dashboard_overview(
    State(state): State<AppState>,
    Params(query): Params<OverviewQuery>,
    RawQuery(raw): RawQuery,
) -> Result<axum::response::Response, ApiError> {
    let key = format!("overview?{}", raw.unwrap_or_default());
    cached(&state, key, move |registry| overview(registry, query)).await
}

/// A flow: exports, imports or both.
#[derive(Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum FlowParam {
    /// Exports.
    Export,
    /// Imports.
    Import,
    /// Exports and imports.
    Total,
}

impl FlowParam {
    fn choice(self) -> FlowChoice {
        match self {
            FlowParam::Export => FlowChoice::Export,
            FlowParam::Import => FlowChoice::Import,
            FlowParam::Total => FlowChoice::Total,
        }
    }
}

/// What a report's rows are split by.
#[derive(Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum GroupParam {
    /// The partner.
    Partner,
    /// The HS section.
    Section,
    /// The HS chapter.
    Chapter,
    /// The sector.
    Sector,
    /// The border crossing.
    Crossing,
}

/// A trade report's question.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReportQuery {
    /// The reporter (ISO alpha-3).
    #[param(pattern = "^[A-Z]{3}$")]
    reporter: String,
    /// The partner; default: the world.
    #[param(pattern = "^[A-Z]{3}$")]
    partner: Option<String>,
    /// The period kind of the rows (default `solar-month`).
    #[param(pattern = "^(solar|gregorian)-(month|quarter|year)$")]
    by: Option<String>,
    /// The first period shown (`1403`, `1403-02`, `2024-05`), in the calendar of `by`; a
    /// longer or shorter period stands for the period of kind `by` holding its first day.
    #[param(pattern = "^(1[3-4][0-9]{2}|19[0-9]{2}|20[0-9]{2})(-(Q[1-4]|0[1-9]|1[0-2]))?$")]
    from: Option<String>,
    /// The last period shown; a period of another length stands for the one of kind `by`
    /// holding its last day.
    #[param(pattern = "^(1[3-4][0-9]{2}|19[0-9]{2}|20[0-9]{2})(-(Q[1-4]|0[1-9]|1[0-2]))?$")]
    to: Option<String>,
    /// Split rows by this within each period.
    #[param(inline)]
    group: Option<GroupParam>,
    /// Exports, imports or both (default `total`).
    #[param(inline)]
    flow: Option<FlowParam>,
}

/// Figures a report could not place in periods of its kind.
#[derive(Serialize, ToSchema)]
pub(crate) struct UnplacedOut {
    figures: i64,
    value_usd_cents: String,
}

/// A trade report.
#[derive(Serialize, ToSchema)]
pub(crate) struct ReportOut {
    totals: Vec<RowOut>,
    rows: Vec<RowOut>,
    unplaced: UnplacedOut,
}

/// The calendar a period's text is in, by its year: Solar Hijri years are below 1900
/// (1403 is 2024-25), Gregorian years from 1900 on.
fn calendar_of_text(text: &str) -> Calendar {
    if text.get(..4).is_some_and(|year| year < "1900") {
        Calendar::SolarHijri
    } else {
        Calendar::Gregorian
    }
}

/// A period of the report's kind from `text` (in either calendar, told by its year): a
/// period of another kind stands for the period of the report's kind holding its first day
/// (`from`) or its last (`to`), so `from=1403` with rows by Solar month starts at Farvardin
/// 1403, and `from=2024` at the Solar month holding 1 January 2024.
fn period_param(text: &str, kind: PeriodKind, field: &str, end: bool) -> Result<Period, ApiError> {
    let bad = |e: corridor_calendar::CalendarError| {
        ApiError::BadRequest(format!("{field} {text:?}: {e}"))
    };
    let period = Period::parse(text, calendar_of_text(text)).map_err(bad)?;
    if period.kind() == kind {
        return Ok(period);
    }
    let day = if end {
        period.last_day()
    } else {
        period.first_day()
    };
    Period::containing(kind, day).map_err(bad)
}

fn report(registry: &Registry, query: ReportQuery) -> Result<ReportOut, ApiError> {
    let by = match &query.by {
        Some(name) => kind_of(name).ok_or_else(|| {
            ApiError::BadRequest(format!(
                "by {name:?}: give solar-month, solar-quarter, solar-year, gregorian-month, gregorian-quarter or gregorian-year"
            ))
        })?,
        None => PeriodKind::SolarMonth,
    };
    let trade_query = TradeQuery {
        reporter: country_code(&query.reporter, "reporter")?,
        partner: match &query.partner {
            Some(code) => Some(country_code(code, "partner")?).filter(|p| p != WORLD),
            None => None,
        },
        flow: query.flow.unwrap_or(FlowParam::Total).choice(),
        trade: TradeChoice::Goods,
        by,
        from: query
            .from
            .as_deref()
            .map(|t| period_param(t, by, "from", false))
            .transpose()?,
        to: query
            .to
            .as_deref()
            .map(|t| period_param(t, by, "to", true))
            .transpose()?,
        group: query.group.map(|g| match g {
            GroupParam::Partner => Grouping::Partner,
            GroupParam::Section => Grouping::Section,
            GroupParam::Chapter => Grouping::Chapter,
            GroupParam::Sector => Grouping::Sector,
            GroupParam::Crossing => Grouping::Crossing,
        }),
        precedence: Precedence::default(),
    };
    // Goods, unless the report is ungrouped (then goods and services, as trade totals go).
    let trade_query = TradeQuery {
        trade: if trade_query.group.is_some() {
            TradeChoice::Goods
        } else {
            TradeChoice::All
        },
        ..trade_query
    };
    let sources = registry.sources().map_err(registry_error)?;
    let figures = registry
        .figures(&trade_query.report_filter())
        .map_err(registry_error)?;
    let report = trade_report(&figures, &sources, &trade_query, &SectorMap::default())
        .map_err(report_error)?;
    Ok(ReportOut {
        totals: report.totals.iter().map(RowOut::from).collect(),
        rows: report.rows.iter().map(RowOut::from).collect(),
        unplaced: UnplacedOut {
            figures: report.unplaced.figures,
            value_usd_cents: report.unplaced.value_cents.to_string(),
        },
    })
}

#[utoipa::path(
    get,
    path = "/api/v1/trade/report",
    params(ReportQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Trade by period, optionally grouped", body = ReportOut),
        crate::openapi::Failures
    )
)]
pub(crate) async fn trade_report_route(
    State(state): State<AppState>,
    Params(query): Params<ReportQuery>,
    RawQuery(raw): RawQuery,
) -> Result<axum::response::Response, ApiError> {
    let key = format!("report?{}", raw.unwrap_or_default());
    cached(&state, key, move |registry| report(registry, query)).await
}

/// A partners ranking's question.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct PartnersQuery {
    /// The reporter; default: the first target's.
    #[param(pattern = "^[A-Z]{3}$")]
    reporter: Option<String>,
    /// A Solar Hijri year (`1399`) or any period (`1399-02`, `2021`); default: the last Solar
    /// year with figures.
    #[param(pattern = "^(1[3-4][0-9]{2}|19[0-9]{2}|20[0-9]{2})(-(Q[1-4]|0[1-9]|1[0-2]))?$")]
    period: Option<String>,
    /// Exports, imports or both (default `export`).
    #[param(inline)]
    flow: Option<FlowParam>,
    /// How many partners (default 10, at most 250).
    #[param(minimum = 1, maximum = 250)]
    top: Option<usize>,
}

/// One partner.
#[derive(Serialize, ToSchema)]
pub(crate) struct PartnerOut {
    rank: usize,
    share_of_world_bp: Option<i64>,
    row: RowOut,
}

/// A reporter's partners for one period, largest first.
#[derive(Serialize, ToSchema)]
pub(crate) struct PartnersOut {
    reporter: String,
    period: String,
    flow: &'static str,
    world: Option<RowOut>,
    partners: Vec<PartnerOut>,
}

fn partners(registry: &Registry, query: PartnersQuery) -> Result<PartnersOut, ApiError> {
    let reporter = match &query.reporter {
        Some(code) => country_code(code, "reporter")?,
        None => registry
            .targets()
            .map_err(registry_error)?
            .first()
            .map(|t| t.spec.reporter.clone())
            .ok_or_else(|| {
                ApiError::BadRequest("give reporter: there is no target to take it from".into())
            })?,
    };
    let top = query.top.unwrap_or(10);
    if !(1..=250).contains(&top) {
        return Err(ApiError::BadRequest(format!("top {top}: give 1 to 250")));
    }
    let flow = query.flow.unwrap_or(FlowParam::Export).choice();
    let base = TradeQuery {
        reporter: reporter.clone(),
        partner: None,
        flow,
        trade: TradeChoice::Goods,
        by: PeriodKind::SolarYear,
        from: None,
        to: None,
        group: None,
        precedence: Precedence::default(),
    };
    let sources = registry.sources().map_err(registry_error)?;
    let figures = registry
        .figures(&base.report_filter())
        .map_err(registry_error)?;
    let period = match &query.period {
        Some(text) => Period::parse(text, calendar_of_text(text))
            .map_err(|e| ApiError::BadRequest(format!("period {text:?}: {e}")))?,
        None => {
            let years = trade_report(
                &figures,
                &sources,
                &TradeQuery {
                    group: Some(Grouping::Partner),
                    ..base.clone()
                },
                &SectorMap::default(),
            )
            .map_err(report_error)?;
            years
                .rows
                .iter()
                .map(|row| row.period)
                .max()
                .ok_or_else(|| ApiError::NotFound(format!("no figures for {reporter}")))?
        }
    };
    let (ranking, world) =
        partner_ranking(&figures, &sources, &base, period, &SectorMap::default())
            .map_err(report_error)?;
    Ok(PartnersOut {
        reporter,
        period: period.to_string(),
        flow: flow.name(),
        world: world.as_ref().map(RowOut::from),
        partners: ranking
            .iter()
            .take(top)
            .map(|rank| PartnerOut {
                rank: rank.rank,
                share_of_world_bp: rank.share_of_world_bp.map(bp),
                row: RowOut::from(&rank.row),
            })
            .collect(),
    })
}

#[utoipa::path(
    get,
    path = "/api/v1/trade/partners",
    params(PartnersQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The reporter's partners, largest first", body = PartnersOut),
        (status = 404, description = "No figures", body = crate::openapi::ErrorBody),
        crate::openapi::Failures
    )
)]
pub(crate) async fn trade_partners(
    State(state): State<AppState>,
    Params(query): Params<PartnersQuery>,
    RawQuery(raw): RawQuery,
) -> Result<axum::response::Response, ApiError> {
    let key = format!("partners?{}", raw.unwrap_or_default());
    cached(&state, key, move |registry| partners(registry, query)).await
}

/// The targets and where each stands today.
#[derive(Serialize, ToSchema)]
pub(crate) struct TargetsOut {
    targets: Vec<TargetOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/targets",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every target's progress", body = TargetsOut),
        crate::openapi::Failures
    )
)]
pub(crate) async fn targets(
    State(state): State<AppState>,
) -> Result<axum::response::Response, ApiError> {
    cached(&state, "targets".to_owned(), |registry| {
        let as_of = today()?;
        let targets = registry.targets().map_err(registry_error)?;
        Ok(TargetsOut {
            targets: targets
                .iter()
                .map(|t| target_out(registry, t, as_of))
                .collect::<Result<_, _>>()?,
        })
    })
    .await
}

/// How a file is loaded.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct LoadQuery {
    /// The file's name, as loads list it (and for errors).
    #[param(pattern = "^[^/\\\\]{1,200}$")]
    file: String,
    /// `comtrade`, `customs`, `services` or `figures`; default: told by the header.
    #[param(pattern = "^(comtrade|customs|services|figures)$")]
    format: Option<String>,
    /// The source's name (with `kind`); default: the format's own source.
    #[param(pattern = "^.{1,200}$")]
    source: Option<String>,
    /// The source's kind: `customs`, `official`, `mirror`, `estimate` or `generated`.
    #[param(pattern = "^(customs|official|mirror|estimate|generated)$")]
    kind: Option<String>,
    /// A revision of the source's period; a later one replaces it.
    #[param(pattern = "^.{0,100}$")]
    revision: Option<String>,
    /// Set bad rows aside (listed in the answer) and load the rest; default: a bad row
    /// rejects the file.
    skip_invalid: Option<bool>,
}

/// A row set aside.
#[derive(Serialize, ToSchema)]
pub(crate) struct RejectedRow {
    /// Why, with the file, line, column and value.
    reason: String,
}

/// What a load did.
#[derive(Serialize, ToSchema)]
pub(crate) struct LoadOut {
    file: String,
    load: i64,
    read: u64,
    loaded: u64,
    duplicates: u64,
    superseded: u64,
    replaced: u64,
    rejected: u64,
    /// The earlier load of the same content, when this one changed nothing.
    already_loaded: Option<i64>,
    /// The rows set aside (with `skip_invalid`), at most 1,000.
    rejected_rows: Vec<RejectedRow>,
}

fn load_file(registry: &mut Registry, query: LoadQuery, bytes: &[u8]) -> Result<LoadOut, ApiError> {
    use corridor_registry::{ingest, Format, LoadSpec, SourceSpec};
    let format = match &query.format {
        Some(name) => Some(
            Format::from_name(name)
                .ok_or_else(|| ApiError::BadRequest(format!("format {name:?} is not known")))?,
        ),
        None => None,
    };
    let source = match (&query.source, &query.kind) {
        (Some(name), Some(kind)) => Some(SourceSpec {
            name: name.clone(),
            kind: corridor_import::SourceKind::from_name(kind)
                .ok_or_else(|| ApiError::BadRequest(format!("kind {kind:?} is not known")))?,
            url: None,
        }),
        (None, None) => None,
        _ => {
            return Err(ApiError::BadRequest(
                "give source and kind together".to_owned(),
            ))
        }
    };
    let spec = LoadSpec {
        file: query.file.clone(),
        format: String::new(),
        revision: query.revision.clone().unwrap_or_default(),
        source,
        loaded_at: crate::settle_routes::now_text()?,
    };
    let mut rejected_rows = Vec::new();
    let mut sink = |error: &corridor_import::ImportError| {
        if rejected_rows.len() < 1_000 {
            rejected_rows.push(RejectedRow {
                reason: error.to_string(),
            });
        }
        Ok(())
    };
    let skip = query.skip_invalid.unwrap_or(false);
    let report = ingest(
        registry,
        spec,
        format,
        bytes,
        skip.then_some(&mut sink as _),
    )
    .map_err(|error| ApiError::BadRequest(format!("{error}: nothing was loaded")))?;
    Ok(LoadOut {
        file: query.file,
        load: report.load_id,
        read: report.read,
        loaded: report.loaded,
        duplicates: report.duplicates,
        superseded: report.superseded,
        replaced: report.replaced,
        rejected: report.rejected,
        already_loaded: report.already_loaded,
        rejected_rows,
    })
}

#[utoipa::path(
    post,
    path = "/api/v1/trade/loads",
    params(LoadQuery),
    request_body(content = String, description = "The file: Comtrade CSV, customs declarations, services trade or published figures (docs/formats/trade-files.md)", content_type = "text/csv"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Loaded whole (or, with skip_invalid, all but the rows set aside); or already loaded, changing nothing", body = LoadOut),
        crate::openapi::Failures
    )
)]
pub(crate) async fn load_trade(
    State(state): State<AppState>,
    Params(query): Params<LoadQuery>,
    crate::routes::RawBody(bytes): crate::routes::RawBody,
) -> Result<Json<LoadOut>, ApiError> {
    let registry = state.registry.clone();
    tokio::task::spawn_blocking(move || {
        let mut shared = registry
            .lock()
            .map_err(|_| ApiError::Internal("the trade registry's lock is poisoned".to_owned()))?;
        let shared = &mut *shared;
        // Whatever happens, cached answers may be stale now.
        shared.writes += 1;
        load_file(&mut shared.registry, query, &bytes)
    })
    .await
    .map_err(|error| ApiError::Internal(format!("a load failed: {error}")))?
    .map(Json)
}

/// A load as listed.
#[derive(Serialize, ToSchema)]
pub(crate) struct LoadListed {
    id: i64,
    file: String,
    format: String,
    /// SHA-256 of the file's bytes.
    digest: String,
    revision: String,
    loaded_at: String,
    read: u64,
    loaded: u64,
    rejected: u64,
}

/// Every load, oldest first.
#[derive(Serialize, ToSchema)]
pub(crate) struct LoadsOut {
    loads: Vec<LoadListed>,
}

#[utoipa::path(
    get,
    path = "/api/v1/trade/loads",
    security(("bearer" = [])),
    responses((status = 200, description = "What each load did", body = LoadsOut), crate::openapi::Failures)
)]
pub(crate) async fn list_loads(State(state): State<AppState>) -> Result<Json<LoadsOut>, ApiError> {
    with_registry(&state, |registry| {
        Ok(LoadsOut {
            loads: registry
                .loads()
                .map_err(registry_error)?
                .into_iter()
                .map(|l| LoadListed {
                    id: l.id,
                    file: l.file,
                    format: l.format,
                    digest: l.digest,
                    revision: l.revision,
                    loaded_at: l.loaded_at,
                    read: l.report.read,
                    loaded: l.report.loaded,
                    rejected: l.report.rejected,
                })
                .collect(),
        })
    })
    .await
    .map(Json)
}

/// A forecast's question.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ForecastQuery {
    /// The reporter.
    #[param(pattern = "^[A-Z]{3}$")]
    reporter: String,
    /// The partner; default: the world.
    #[param(pattern = "^[A-Z]{3}$")]
    partner: Option<String>,
    /// Exports, imports or both (default `total`).
    #[param(inline)]
    flow: Option<FlowParam>,
    /// Months ahead, 1 to 36 (default 12).
    #[param(minimum = 1, maximum = 36)]
    horizon: Option<usize>,
    /// The prediction interval's level in percent, 50 to 99 (default 80).
    #[param(minimum = 50, maximum = 99)]
    level: Option<u8>,
}

/// One month's value.
#[derive(Serialize, ToSchema)]
pub(crate) struct MonthValue {
    period: String,
    value_usd_cents: String,
}

/// One month ahead.
#[derive(Serialize, ToSchema)]
pub(crate) struct ForecastPointOut {
    period: String,
    first_day: String,
    last_day: String,
    point_usd_cents: String,
    lower_usd_cents: String,
    upper_usd_cents: String,
}

/// A forecast of the coming Solar Hijri months.
#[derive(Serialize, ToSchema)]
pub(crate) struct ForecastOut {
    /// The model chosen by AICc, with its parameters.
    model: String,
    level_percent: u8,
    history: Vec<MonthValue>,
    points: Vec<ForecastPointOut>,
}

fn forecast_of(registry: &Registry, query: ForecastQuery) -> Result<ForecastOut, ApiError> {
    let horizon = query.horizon.unwrap_or(12);
    let level = query.level.unwrap_or(80);
    if !(1..=36).contains(&horizon) || !(50..=99).contains(&level) {
        return Err(ApiError::BadRequest(
            "give horizon 1 to 36 and level 50 to 99".to_owned(),
        ));
    }
    let trade_query = TradeQuery {
        reporter: country_code(&query.reporter, "reporter")?,
        partner: match &query.partner {
            Some(code) => Some(country_code(code, "partner")?).filter(|p| p != WORLD),
            None => None,
        },
        flow: query.flow.unwrap_or(FlowParam::Total).choice(),
        trade: TradeChoice::All,
        by: PeriodKind::SolarMonth,
        from: None,
        to: None,
        group: None,
        precedence: Precedence::default(),
    };
    let sources = registry.sources().map_err(registry_error)?;
    let figures = registry
        .figures(&trade_query.figure_filter())
        .map_err(registry_error)?;
    let report = corridor_registry::progress::forecast(
        &figures,
        &sources,
        &trade_query,
        horizon,
        f64::from(level) / 100.0,
        None,
    )
    .map_err(|error| match error {
        corridor_registry::progress::ProgressError::NoHistory(_) => {
            ApiError::NotFound(error.to_string())
        }
        other => ApiError::BadRequest(other.to_string()),
    })?;
    Ok(ForecastOut {
        model: report.model.to_string(),
        level_percent: level,
        history: report
            .history
            .months
            .iter()
            .zip(&report.history.values)
            .map(|(period, value)| MonthValue {
                period: period.to_string(),
                value_usd_cents: value.to_string(),
            })
            .collect(),
        points: report
            .points
            .iter()
            .map(|(period, point)| ForecastPointOut {
                period: period.to_string(),
                first_day: period.first_day().to_string(),
                last_day: period.last_day().to_string(),
                point_usd_cents: point.point.to_string(),
                lower_usd_cents: point.lower.to_string(),
                upper_usd_cents: point.upper.to_string(),
            })
            .collect(),
    })
}

#[utoipa::path(
    get,
    path = "/api/v1/trade/forecast",
    params(ForecastQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The coming months with prediction intervals (seasonal exponential smoothing chosen by AICc)", body = ForecastOut),
        (status = 404, description = "No monthly history", body = crate::openapi::ErrorBody),
        crate::openapi::Failures
    )
)]
pub(crate) async fn trade_forecast(
    State(state): State<AppState>,
    Params(query): Params<ForecastQuery>,
    RawQuery(raw): RawQuery,
) -> Result<axum::response::Response, ApiError> {
    let key = format!("forecast?{}", raw.unwrap_or_default());
    cached(&state, key, move |registry| forecast_of(registry, query)).await
}
