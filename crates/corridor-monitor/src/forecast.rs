//! Seasonal forecasts of monthly trade values: exponential smoothing state-space models
//! (ETS, the statistical form of Holt–Winters), fitted by maximum likelihood and chosen by
//! AICc, with prediction intervals; and a backtest against the seasonal-naive forecast.
//!
//! # Models
//!
//! A model is named `ETS(error, trend, season)` after Hyndman, Koehler, Ord and Snyder (2008),
//! *Forecasting with Exponential Smoothing: the State Space Approach*:
//!
//! - error: additive (`A`) or multiplicative (`M`, errors proportional to the level);
//! - trend: none (`N`), additive (`A`) or damped (`Ad`, the slope fades by `φ` a month);
//! - season: none (`N`), additive (`A`, the same amounts each year) or multiplicative (`M`,
//!   the same proportions each year, Holt–Winters' multiplicative form).
//!
//! [`Forecaster::fit`] fits fifteen of them: every combination except additive errors with a
//! multiplicative season (numerically unstable, excluded as in R's `forecast::ets`), and
//! keeps the one with the lowest AICc. Multiplicative errors or seasons need strictly
//! positive data; a series with a zero month is fitted with the additive models only.
//! (When a series is too short for AICc with every candidate, plain AIC decides.)
//!
//! # Fitting
//!
//! Smoothing parameters (α, β, γ, φ) and the initial level and slope are estimated by
//! maximum likelihood (Gaussian errors, σ concentrated out) with a Nelder–Mead simplex, from
//! two starting points, each run restarted once at its optimum. Parameters are kept in the
//! usual region 0 < β < α < 1, 0 < γ < 1 − α, 0.8 ≤ φ ≤ 0.98. The initial seasonal terms
//! come from a classical decomposition of the first (up to four) seasons and are not
//! re-estimated; they are still counted as parameters by AICc, as in `forecast::ets`. The
//! series is divided by its mean before fitting, so the optimiser works on values near 1.
//!
//! # Prediction intervals
//!
//! For additive errors with no or an additive season (Hyndman et al.'s class 1), the
//! forecast variance has a closed form and the interval is `point ± z σ_h`. For the others
//! the interval is the empirical quantile range of 5,000 simulated future paths drawn from
//! the fitted model with a fixed-seed generator, so the same model always gives the same
//! interval. The error variance is `SSE / (n − k)` with every estimated quantity counted
//! (as in `forecast::ets`). Intervals still ignore the uncertainty of the estimated
//! parameters and initial states (as usual), so their coverage runs a little below the
//! stated level on short series: in this crate's tests (12 synthetic series of 48 months,
//! 12 months ahead) 80 % intervals covered 76 % of the outcomes and 95 % intervals 92 %.
//!
//! Trade values cannot be negative: points and bounds are clamped at 0.
//!
//! # Cents
//!
//! Inputs and outputs are integer cents (`i128`). Floats are used only inside the
//! statistics; every value returned is rounded half to even to a whole cent.
//!
//! # Why not a crate
//!
//! The `augurs` family (Grafana, 0.10.3) was evaluated first. `augurs-ets` implements only
//! non-seasonal ETS: a seasonal spec hits `unimplemented!("seasonal component not
//! implemented yet")` in its initial-state code, and its auto search finds no model.
//! Seasonality is available only as `augurs-mstl` (an STL decomposition, then a
//! non-seasonal ETS of the adjusted series, with the seasonal part added back and
//! treated as known in the intervals). That is a workable model, but it is not Holt–Winters,
//! its intervals leave out the seasonal uncertainty, and the crates pull in `nalgebra`,
//! `rand` with `getrandom` (OS randomness, which the workspace's tidy test forbids in pure
//! crates), `tracing`, `stlrs` and 59 crates in all (about 50 s for a clean release build on
//! this 2-core machine). The models here are about 900 lines of code and docs (plus their
//! tests), depend on nothing beyond `thiserror`, and build in about 2 s.

mod ets;
mod nelder_mead;

use std::fmt;

use thiserror::Error;

use crate::rng::normal_quantile;
use crate::round::{f64_half_even, f64_half_even_i64};

/// The error component of an ETS model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorType {
    /// Errors of constant size.
    Additive,
    /// Errors proportional to the one-step forecast.
    Multiplicative,
}

/// The trend component of an ETS model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrendType {
    /// No trend: a level only.
    None,
    /// A linear trend (a slope that changes slowly).
    Additive,
    /// A damped trend: the slope is multiplied by `φ < 1` every step ahead.
    Damped,
}

/// The seasonal component of an ETS model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeasonType {
    /// No seasonality.
    None,
    /// Seasonal terms added to the level.
    Additive,
    /// Seasonal factors multiplying the level (Holt–Winters multiplicative).
    Multiplicative,
}

/// Which ETS model: error, trend and season components. Displays as `ETS(M,Ad,M)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ModelKind {
    /// The error component.
    pub error: ErrorType,
    /// The trend component.
    pub trend: TrendType,
    /// The seasonal component.
    pub season: SeasonType,
}

impl ModelKind {
    /// The candidates [`Forecaster::fit`] compares, simplest first (ties in AICc go to the
    /// earlier one).
    pub const CANDIDATES: [ModelKind; 15] = {
        use ErrorType as E;
        use SeasonType as S;
        use TrendType as T;
        const fn k(error: E, trend: T, season: S) -> ModelKind {
            ModelKind {
                error,
                trend,
                season,
            }
        }
        [
            k(E::Additive, T::None, S::None),
            k(E::Additive, T::Additive, S::None),
            k(E::Additive, T::Damped, S::None),
            k(E::Multiplicative, T::None, S::None),
            k(E::Multiplicative, T::Additive, S::None),
            k(E::Multiplicative, T::Damped, S::None),
            k(E::Additive, T::None, S::Additive),
            k(E::Additive, T::Additive, S::Additive),
            k(E::Additive, T::Damped, S::Additive),
            k(E::Multiplicative, T::None, S::Additive),
            k(E::Multiplicative, T::Additive, S::Additive),
            k(E::Multiplicative, T::Damped, S::Additive),
            k(E::Multiplicative, T::None, S::Multiplicative),
            k(E::Multiplicative, T::Additive, S::Multiplicative),
            k(E::Multiplicative, T::Damped, S::Multiplicative),
        ]
    };
}

impl fmt::Display for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = match self.error {
            ErrorType::Additive => "A",
            ErrorType::Multiplicative => "M",
        };
        let t = match self.trend {
            TrendType::None => "N",
            TrendType::Additive => "A",
            TrendType::Damped => "Ad",
        };
        let s = match self.season {
            SeasonType::None => "N",
            SeasonType::Additive => "A",
            SeasonType::Multiplicative => "M",
        };
        write!(f, "ETS({e},{t},{s})")
    }
}

/// Why a model could not be fitted or used.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ForecastError {
    /// The seasonal period must be at least 2.
    #[error("the seasonal period must be at least 2, not {0}")]
    SeasonTooShort(usize),
    /// The series is shorter than two full seasons.
    #[error("{len} values are too few: at least {needed} are needed (two full seasons)")]
    TooShort {
        /// Values given (for a backtest: values before the holdout).
        len: usize,
        /// Values needed.
        needed: usize,
    },
    /// A value is negative; trade values never are.
    #[error("value {index} is negative ({value})")]
    NegativeValue {
        /// Position in the series, from 0.
        index: usize,
        /// The value.
        value: i128,
    },
    /// The chosen model needs strictly positive values and the series has a zero.
    #[error("{0} needs strictly positive values; the series has a zero")]
    NeedsPositiveValues(ModelKind),
    /// No candidate model could be fitted (the numbers are out of any sane range).
    #[error("no model could be fitted to the series")]
    NoModelFitted,
    /// The interval level must be strictly between 0 and 1 (for example 0.8 or 0.95).
    #[error("the interval level must be strictly between 0 and 1, not {0}")]
    InvalidLevel(f64),
    /// A backtest needs at least one held-out month.
    #[error("a backtest needs at least one held-out month")]
    EmptyHoldout,
    /// Every held-out month is 0, so percentage errors are undefined.
    #[error("every held-out month is 0: percentage errors are undefined")]
    ZeroActuals,
    /// A forecast does not fit in cents (the model diverged).
    #[error("the forecast is out of range")]
    OutOfRange,
}

/// One step of a forecast, in cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForecastPoint {
    /// Steps ahead of the last observation, from 1.
    pub step: usize,
    /// The point forecast.
    pub point: i128,
    /// Lower bound of the prediction interval.
    pub lower: i128,
    /// Upper bound of the prediction interval.
    pub upper: i128,
}

/// The spread of the one-step errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorScale {
    /// Standard deviation in cents (additive errors).
    Cents(i128),
    /// Standard deviation relative to the forecast, in basis points (multiplicative errors).
    RelativeBp(i64),
}

/// What was fitted: the model, its parameters, and how it compared with the other candidates.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelDescription {
    /// The chosen model.
    pub kind: ModelKind,
    /// The seasonal period the model was fitted with (also for a non-seasonal choice).
    pub season: usize,
    /// Observations fitted.
    pub observations: usize,
    /// Level smoothing parameter α.
    pub alpha: f64,
    /// Slope smoothing parameter β (with a trend).
    pub beta: Option<f64>,
    /// Seasonal smoothing parameter γ (with a season).
    pub gamma: Option<f64>,
    /// Damping parameter φ (with a damped trend).
    pub phi: Option<f64>,
    /// Spread of the one-step errors.
    pub sigma: ErrorScale,
    /// The chosen model's AICc (for the series in cents); plain AIC when the series is too
    /// short for AICc with every candidate.
    pub aicc: f64,
    /// Every candidate that could be fitted, with its AICc, in candidate order.
    pub compared: Vec<(ModelKind, f64)>,
}

impl fmt::Display for ModelDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} α={:.4}", self.kind, self.alpha)?;
        if let Some(beta) = self.beta {
            write!(f, " β={beta:.4}")?;
        }
        if let Some(gamma) = self.gamma {
            write!(f, " γ={gamma:.4}")?;
        }
        if let Some(phi) = self.phi {
            write!(f, " φ={phi:.4}")?;
        }
        match self.sigma {
            ErrorScale::Cents(c) => write!(f, " σ={c} cents")?,
            ErrorScale::RelativeBp(bp) => write!(f, " σ={bp} bp")?,
        }
        write!(
            f,
            " AICc={:.2} (season {}, {} observations, {} candidates)",
            self.aicc,
            self.season,
            self.observations,
            self.compared.len()
        )
    }
}

/// Fits forecasting models; see the module docs.
#[derive(Debug, Clone, Copy)]
pub struct Forecaster;

/// Simulated paths for the intervals of models without a closed-form variance.
const SIMULATED_PATHS: usize = 5_000;
/// The simulation's seed: fixed, so intervals are reproducible.
const SIMULATION_SEED: u64 = 0x00C0_7721_D0E5_5EED;

struct Prepared {
    y: Vec<f64>,
    scale: f64,
    positive: bool,
}

fn prepare(history: &[i128], season: usize) -> Result<Prepared, ForecastError> {
    if season < 2 {
        return Err(ForecastError::SeasonTooShort(season));
    }
    let needed = season.saturating_mul(2);
    if history.len() < needed {
        return Err(ForecastError::TooShort {
            len: history.len(),
            needed,
        });
    }
    if let Some((index, &value)) = history.iter().enumerate().find(|(_, &v)| v < 0) {
        return Err(ForecastError::NegativeValue { index, value });
    }
    #[allow(clippy::cast_precision_loss)] // cents to f64: relative error 1e-16
    let raw: Vec<f64> = history.iter().map(|&v| v as f64).collect();
    #[allow(clippy::cast_precision_loss)]
    let mean = raw.iter().sum::<f64>() / raw.len() as f64;
    let scale = if mean > 0.0 && mean.is_finite() {
        mean
    } else {
        1.0
    };
    Ok(Prepared {
        y: raw.iter().map(|v| v / scale).collect(),
        scale,
        positive: history.iter().all(|&v| v > 0),
    })
}

impl Forecaster {
    /// Fits every candidate model ([`ModelKind::CANDIDATES`], the multiplicative ones only
    /// for strictly positive series) to `history` (cents, oldest first) with seasonal
    /// period `season` (12 for months), and returns the one with the lowest AICc.
    ///
    /// # Errors
    ///
    /// [`ForecastError::SeasonTooShort`] for `season < 2`, [`ForecastError::TooShort`] for
    /// fewer than `2 × season` values, [`ForecastError::NegativeValue`], and
    /// [`ForecastError::NoModelFitted`] when every candidate fails.
    pub fn fit(history: &[i128], season: usize) -> Result<Model, ForecastError> {
        let prepared = prepare(history, season)?;
        let kinds: Vec<ModelKind> = ModelKind::CANDIDATES
            .into_iter()
            .filter(|k| prepared.positive || !k.needs_positive())
            .collect();
        Self::fit_among(&prepared, season, &kinds)
    }

    /// Fits one given model kind (any combination, including additive errors with a
    /// multiplicative season).
    ///
    /// # Errors
    ///
    /// As [`Forecaster::fit`], and [`ForecastError::NeedsPositiveValues`] when the model
    /// needs strictly positive values and the series has a zero.
    pub fn fit_kind(
        history: &[i128],
        season: usize,
        kind: ModelKind,
    ) -> Result<Model, ForecastError> {
        let prepared = prepare(history, season)?;
        if kind.needs_positive() && !prepared.positive {
            return Err(ForecastError::NeedsPositiveValues(kind));
        }
        Self::fit_among(&prepared, season, &[kind])
    }

    fn fit_among(
        prepared: &Prepared,
        season: usize,
        kinds: &[ModelKind],
    ) -> Result<Model, ForecastError> {
        #[allow(clippy::cast_precision_loss)]
        let shift = 2.0 * prepared.y.len() as f64 * prepared.scale.ln();
        let fitted: Vec<ets::Fitted> = kinds
            .iter()
            .filter_map(|&kind| ets::fit(kind, season, &prepared.y))
            .collect();
        // AICc where it is defined; on series too short for it (n <= k + 1 for every
        // candidate, as with four values of period 2), plain AIC.
        let any_aicc = fitted.iter().any(|f| f.aicc().is_some());
        let criterion = |f: &ets::Fitted| {
            if any_aicc {
                f.aicc()
            } else {
                Some(f.aic())
            }
        };
        let mut compared = Vec::new();
        let mut best: Option<(ets::Fitted, f64)> = None;
        for candidate in fitted {
            let Some(aicc) = criterion(&candidate).filter(|v| v.is_finite()) else {
                continue;
            };
            compared.push((candidate.kind, aicc + shift));
            if best.as_ref().is_none_or(|(_, b)| aicc < *b) {
                best = Some((candidate, aicc));
            }
        }
        let (fitted, aicc) = best.ok_or(ForecastError::NoModelFitted)?;
        Ok(Model {
            fitted,
            scale: prepared.scale,
            season,
            aicc: aicc + shift,
            compared,
        })
    }
}

/// A fitted model, ready to forecast.
#[derive(Debug, Clone)]
pub struct Model {
    fitted: ets::Fitted,
    scale: f64,
    season: usize,
    aicc: f64,
    compared: Vec<(ModelKind, f64)>,
}

impl Model {
    /// The fitted model kind.
    #[must_use]
    pub fn kind(&self) -> ModelKind {
        self.fitted.kind
    }

    /// Which model was chosen, its parameters and its competitors.
    #[must_use]
    pub fn describe(&self) -> ModelDescription {
        let kind = self.fitted.kind;
        let p = self.fitted.params;
        let sigma = match kind.error {
            ErrorType::Additive => {
                ErrorScale::Cents(f64_half_even(self.fitted.sigma * self.scale).unwrap_or(0))
            }
            ErrorType::Multiplicative => {
                ErrorScale::RelativeBp(f64_half_even_i64(self.fitted.sigma * 10_000.0).unwrap_or(0))
            }
        };
        ModelDescription {
            kind,
            season: self.season,
            observations: self.fitted.n,
            alpha: p.alpha,
            beta: (kind.trend != TrendType::None).then_some(p.beta),
            gamma: (kind.season != SeasonType::None).then_some(p.gamma),
            phi: (kind.trend == TrendType::Damped).then_some(p.phi),
            sigma,
            aicc: self.aicc,
            compared: self.compared.clone(),
        }
    }

    /// Forecasts `horizon` steps after the last observation, with prediction intervals at
    /// `level` (for example 0.80 or 0.95). Every point satisfies `0 ≤ lower ≤ point ≤ upper`.
    ///
    /// # Errors
    ///
    /// [`ForecastError::InvalidLevel`] unless `0 < level < 1`; [`ForecastError::OutOfRange`]
    /// if the model's numbers do not fit in cents.
    pub fn forecast(
        &self,
        horizon: usize,
        level: f64,
    ) -> Result<Vec<ForecastPoint>, ForecastError> {
        if !(level > 0.0 && level < 1.0) {
            return Err(ForecastError::InvalidLevel(level));
        }
        let points = self.fitted.point_forecasts(horizon);
        let bounds: Vec<(f64, f64)> = if self.fitted.analytic_variance() {
            let z = normal_quantile(0.5 + level / 2.0);
            self.fitted
                .analytic_variances(horizon)
                .iter()
                .zip(&points)
                .map(|(v, p)| (p - z * v.sqrt(), p + z * v.sqrt()))
                .collect()
        } else {
            let lo_q = (1.0 - level) / 2.0;
            let hi_q = 1.0 - lo_q;
            self.fitted
                .simulate(horizon, SIMULATED_PATHS, SIMULATION_SEED)
                .into_iter()
                .map(|mut column| {
                    column.sort_by(f64::total_cmp);
                    (quantile(&column, lo_q), quantile(&column, hi_q))
                })
                .collect()
        };
        let cents = |v: f64| f64_half_even(v * self.scale).ok_or(ForecastError::OutOfRange);
        points
            .iter()
            .zip(bounds)
            .enumerate()
            .map(|(i, (&p, (lo, hi)))| {
                let point = cents(p)?.max(0);
                let lower = cents(lo)?.max(0).min(point);
                let upper = cents(hi)?.max(point);
                Ok(ForecastPoint {
                    step: i + 1,
                    point,
                    lower,
                    upper,
                })
            })
            .collect()
    }
}

/// The `q` quantile of sorted values, interpolating linearly between order statistics
/// (Hyndman and Fan's type 7, the default of R and NumPy).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let i = lo as usize;
    let frac = pos - lo;
    match sorted.get(i + 1) {
        Some(next) => sorted[i] + frac * (next - sorted[i]),
        None => sorted[i],
    }
}

/// The interval level of a [`Backtest`]'s model forecasts.
pub const BACKTEST_LEVEL: f64 = 0.80;

/// One held-out month of a backtest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BacktestPoint {
    /// What happened.
    pub actual: i128,
    /// The model's forecast, with its interval at [`BACKTEST_LEVEL`].
    pub model: ForecastPoint,
    /// The seasonal-naive forecast: the same month of the last season before the holdout.
    pub seasonal_naive: i128,
}

/// How a model fitted without the last months forecast them, next to the seasonal-naive
/// forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct Backtest {
    /// The model fitted to the months before the holdout.
    pub model: ModelDescription,
    /// The held-out months, oldest first.
    pub points: Vec<BacktestPoint>,
    /// Mean absolute percentage error of the model, in basis points, over the held-out
    /// months whose actual value is not 0.
    pub model_mape_bp: i64,
    /// The same for the seasonal-naive forecast.
    pub seasonal_naive_mape_bp: i64,
    /// Held-out months scored by the MAPEs (those with a non-zero actual).
    pub scored: usize,
    /// Held-out months whose actual value lies inside the model's interval.
    pub interval_hits: usize,
}

/// Fits [`Forecaster::fit`] to all but the last `holdout` values of `history`, forecasts
/// those months from there, and scores the forecast and the seasonal-naive one (each month
/// forecast by the same month of the last season before the holdout) by MAPE:
/// `mean(|actual − forecast| / actual)` over months with a non-zero actual, computed in
/// `f64` and rounded half to even to basis points.
///
/// # Errors
///
/// [`ForecastError::EmptyHoldout`] for `holdout` 0, [`ForecastError::TooShort`] when fewer
/// than two seasons remain before the holdout, [`ForecastError::ZeroActuals`] when every
/// held-out value is 0, and the errors of [`Forecaster::fit`].
pub fn backtest(
    history: &[i128],
    season: usize,
    holdout: usize,
) -> Result<Backtest, ForecastError> {
    if holdout == 0 {
        return Err(ForecastError::EmptyHoldout);
    }
    if season < 2 {
        return Err(ForecastError::SeasonTooShort(season));
    }
    let needed = season.saturating_mul(2).saturating_add(holdout);
    if history.len() < needed {
        return Err(ForecastError::TooShort {
            len: history.len(),
            needed,
        });
    }
    let split = history.len() - holdout;
    let (train, test) = history.split_at(split);
    let model = Forecaster::fit(train, season)?;
    let forecasts = model.forecast(holdout, BACKTEST_LEVEL)?;
    let last_season = &train[split - season..];
    let mut points = Vec::with_capacity(holdout);
    let (mut model_sum, mut naive_sum, mut scored, mut hits) = (0.0, 0.0, 0usize, 0usize);
    for (j, (&actual, forecast)) in test.iter().zip(&forecasts).enumerate() {
        let seasonal_naive = last_season[j % season];
        if actual != 0 {
            #[allow(clippy::cast_precision_loss)]
            let ape = |f: i128| ((actual - f) as f64 / actual as f64).abs();
            model_sum += ape(forecast.point);
            naive_sum += ape(seasonal_naive);
            scored += 1;
        }
        if forecast.lower <= actual && actual <= forecast.upper {
            hits += 1;
        }
        points.push(BacktestPoint {
            actual,
            model: *forecast,
            seasonal_naive,
        });
    }
    if scored == 0 {
        return Err(ForecastError::ZeroActuals);
    }
    #[allow(clippy::cast_precision_loss)]
    let mape_bp = |sum: f64| {
        f64_half_even_i64(sum / scored as f64 * 10_000.0).ok_or(ForecastError::OutOfRange)
    };
    Ok(Backtest {
        model: model.describe(),
        points,
        model_mape_bp: mape_bp(model_sum)?,
        seasonal_naive_mape_bp: mape_bp(naive_sum)?,
        scored,
        interval_hits: hits,
    })
}

#[cfg(test)]
mod tests;
