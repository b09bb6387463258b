//! Progress toward targets and forecasts of the coming months, from the registry's monthly
//! figures through the calculators of `corridor-monitor`.

use corridor_calendar::{Calendar, GregorianDate, Period, PeriodKind};
use corridor_monitor::{
    backtest, progress, Backtest, ForecastError, ForecastPoint, Forecaster, ModelDescription,
    TargetError, TargetInput, TargetProgress,
};
use corridor_reference::SectorMap;

use crate::report::{trade_report, Precedence, ReportError, TradeQuery};
use crate::target::TargetSpan;
use crate::{Figure, RegistryError, Source, Target, WORLD};

/// Months in a season of the monthly models.
pub const SEASON: usize = 12;

/// Why progress or a forecast could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum ProgressError {
    /// The report under it failed.
    #[error("{0}")]
    Report(#[from] ReportError),
    /// The target's months could not be listed.
    #[error("{0}")]
    Registry(#[from] RegistryError),
    /// The forecast failed (too short a history, negative values, ...).
    #[error("forecast: {0}")]
    Forecast(#[from] ForecastError),
    /// The progress calculation refused its input.
    #[error("target progress: {0}")]
    Target(#[from] TargetError),
    /// A period beyond the calendars' range.
    #[error("{0}")]
    Calendar(#[from] corridor_calendar::CalendarError),
    /// There are no monthly figures to work from.
    #[error("no monthly figures for {0}")]
    NoHistory(String),
}

/// Monthly totals, consecutive, oldest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthlySeries {
    /// The months.
    pub months: Vec<Period>,
    /// Their values in US cents.
    pub values: Vec<i128>,
}

/// The monthly totals the query's figures give (its `by` must be a month kind), up to and
/// including `until` when given: the last unbroken run of months with figures.
pub fn monthly_series(
    figures: &[Figure],
    sources: &[Source],
    query: &TradeQuery,
    until: Option<Period>,
) -> Result<MonthlySeries, ProgressError> {
    let query = TradeQuery {
        from: None,
        to: until,
        group: None,
        ..query.clone()
    };
    let report = trade_report(figures, sources, &query, &SectorMap::default())?;
    let mut series = MonthlySeries {
        months: Vec::new(),
        values: Vec::new(),
    };
    for row in report.totals {
        if let Some(last) = series.months.last() {
            if last.next()? != row.period {
                series.months.clear();
                series.values.clear();
            }
        }
        series.months.push(row.period);
        series.values.push(row.value_cents);
    }
    Ok(series)
}

/// A forecast of the coming months.
#[derive(Clone, Debug)]
pub struct ForecastReport {
    /// The history the model was fitted on.
    pub history: MonthlySeries,
    /// The model chosen and its parameters.
    pub model: ModelDescription,
    /// Each coming month with its point forecast and prediction interval.
    pub points: Vec<(Period, ForecastPoint)>,
    /// The model against the seasonal-naive forecast on the last months held out, when asked.
    pub backtest: Option<Backtest>,
}

/// Fits a seasonal model to the query's monthly history and forecasts `horizon` months at
/// prediction-interval `level` (0.80 for 80 %); with `holdout`, also backtests on that many
/// final months.
pub fn forecast(
    figures: &[Figure],
    sources: &[Source],
    query: &TradeQuery,
    horizon: usize,
    level: f64,
    holdout: Option<usize>,
) -> Result<ForecastReport, ProgressError> {
    let history = monthly_series(figures, sources, query, query.to)?;
    let Some(last) = history.months.last().copied() else {
        return Err(ProgressError::NoHistory(query.reporter.clone()));
    };
    let model = Forecaster::fit(&history.values, SEASON)?;
    let mut points = Vec::with_capacity(horizon);
    let mut month = last;
    for point in model.forecast(horizon, level)? {
        month = month.next()?;
        points.push((month, point));
    }
    let backtest = match holdout {
        Some(holdout) => Some(backtest(&history.values, SEASON, holdout)?),
        None => None,
    };
    Ok(ForecastReport {
        model: model.describe(),
        history,
        points,
        backtest,
    })
}

/// Where a target stands on a day.
#[derive(Clone, Debug)]
pub struct TargetReport {
    /// The target.
    pub target: Target,
    /// The day progress is measured on.
    pub as_of: GregorianDate,
    /// Each month of the span with its figure, when published.
    pub months: Vec<(Period, Option<i128>)>,
    /// The calculation: so far, projections, growth needed, status.
    pub progress: TargetProgress,
    /// The forecast of the open months, when the history is long enough for one.
    pub forecast: Option<ForecastReport>,
    /// Why there is no forecast, when there is none.
    pub no_forecast: Option<String>,
}

/// The query whose monthly totals a target counts.
pub fn target_query(target: &Target, precedence: Precedence) -> TradeQuery {
    let kind = match target.spec.span {
        TargetSpan::Period(period) if period.calendar() == Calendar::SolarHijri => {
            PeriodKind::SolarMonth
        }
        _ => PeriodKind::GregorianMonth,
    };
    TradeQuery {
        reporter: target.spec.reporter.clone(),
        partner: (target.spec.partner != WORLD).then(|| target.spec.partner.clone()),
        flow: target.spec.flow,
        trade: target.spec.trade,
        by: kind,
        from: None,
        to: None,
        group: None,
        precedence,
    }
}

/// Progress of `target` as of `as_of`: the months of its span that have ended, the figures
/// published for them (an unbroken run from the span's first month), the run-rate and,
/// when at least two years of monthly history precede the open months, a forecast
/// projection.
pub fn target_progress(
    figures: &[Figure],
    sources: &[Source],
    target: &Target,
    as_of: GregorianDate,
    precedence: Precedence,
) -> Result<TargetReport, ProgressError> {
    let span_months = target.spec.span.months()?;
    let query = target_query(target, precedence);
    let elapsed = span_months
        .iter()
        .filter(|month| month.last_day() < as_of)
        .count();
    let last_elapsed = elapsed
        .checked_sub(1)
        .and_then(|i| span_months.get(i))
        .copied();
    let series = match last_elapsed {
        Some(month) => monthly_series(figures, sources, &query, Some(month))?,
        None => MonthlySeries {
            months: Vec::new(),
            values: Vec::new(),
        },
    };
    let value_of = |month: &Period| {
        series
            .months
            .iter()
            .position(|m| m == month)
            .map(|i| series.values[i])
    };
    let months: Vec<(Period, Option<i128>)> = span_months
        .iter()
        .enumerate()
        .map(|(index, month)| (*month, (index < elapsed).then(|| value_of(month)).flatten()))
        .collect();
    let actual: Vec<i128> = months
        .iter()
        .take(elapsed)
        .map_while(|(_, value)| *value)
        .collect();
    let open = span_months.len() - actual.len();
    // The forecast continues the history from the last published month of the span (or
    // the month before the span when nothing is published yet).
    let before_open = match actual.len() {
        0 => span_months[0].previous()?,
        n => span_months[n - 1],
    };
    let history = monthly_series(figures, sources, &query, Some(before_open))?;
    let mut no_forecast = None;
    let forecast = if open == 0 {
        None
    } else if history.months.last() != Some(&before_open) {
        no_forecast = Some(format!("no figure for {before_open}"));
        None
    } else {
        match Forecaster::fit(&history.values, SEASON) {
            Ok(model) => {
                let mut points = Vec::with_capacity(open);
                let mut month = before_open;
                for point in model.forecast(open, 0.80)? {
                    month = month.next()?;
                    points.push((month, point));
                }
                Some(ForecastReport {
                    model: model.describe(),
                    history,
                    points,
                    backtest: None,
                })
            }
            Err(error) => {
                no_forecast = Some(error.to_string());
                None
            }
        }
    };
    let forecast_values: Option<Vec<i128>> = forecast
        .as_ref()
        .map(|f| f.points.iter().map(|(_, point)| point.point).collect());
    let progress = progress(&TargetInput {
        target: target.spec.amount_cents,
        months_elapsed: u32::try_from(elapsed).unwrap_or(u32::MAX),
        months_remaining: u32::try_from(span_months.len() - elapsed).unwrap_or(u32::MAX),
        actual: &actual,
        days: None,
        forecast: forecast_values.as_deref(),
    })?;
    Ok(TargetReport {
        target: target.clone(),
        as_of,
        months,
        progress,
        forecast,
        no_forecast,
    })
}
