//! Calculators for the corridor's trade monitor: forecasts, progress toward targets, and the
//! growth, share and record figures of its reports.
//!
//! - [`forecast`]: seasonal exponential smoothing (ETS / Holt–Winters) fitted by maximum
//!   likelihood and chosen by AICc, prediction intervals, and a backtest against the
//!   seasonal-naive forecast.
//! - [`target`]: progress toward a target amount over a span of months (the $20 bn annual
//!   Iran–Iraq trade target, say): run-rate and forecast projections, the amount and the
//!   constant growth rate needed per month, and a status.
//! - [`series`]: growth over the same period of the previous year, shares of a total that
//!   sum to exactly 100 %, and records.
//!
//! # Conventions
//!
//! Amounts are integer cents (`i128`) at every boundary, never floats; percentages are
//! integer basis points. Floats are used inside the statistics only, and every result is
//! rounded half to even (stated on each function). The crate is pure and deterministic: no
//! I/O, no clock, no OS randomness (the forecast simulation uses a fixed-seed generator of
//! its own), no serialization.

pub mod forecast;
mod rng;
mod round;
pub mod series;
pub mod target;

pub use forecast::{
    backtest, Backtest, BacktestPoint, ForecastError, ForecastPoint, Forecaster, Model,
    ModelDescription, ModelKind,
};
pub use series::{growth_bp, ratio_bp, records, shares_bp, year_over_year_bp, SeriesError};
pub use target::{
    progress, DayCount, RequiredGrowth, TargetError, TargetInput, TargetProgress, TargetStatus,
};
