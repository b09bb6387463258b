//! Progress toward a target amount over a span of months (an Iranian year, say).
//!
//! The input is the target, the span's shape (months elapsed and remaining, and optionally
//! days for a finer run-rate), the actual monthly values that have been published, and
//! optionally a forecast of the months still open. [`progress`] computes, all in integers:
//!
//! - the value so far and its share of the target in basis points;
//! - the **run-rate projection**: the pace so far kept to the span's end;
//! - the **forecast projection**: the value so far plus the forecast of the open months;
//! - the **amount needed per month** on average over the open months;
//! - the **required growth**: the constant monthly growth rate `g`, applied from the last
//!   published month on, that meets the target exactly;
//! - a **status**: met, missed, on track or behind.
//!
//! # Open months
//!
//! Trade statistics are published with a lag, so the months with data (`actual.len()`) may
//! be fewer than the months elapsed. A month without data still has to contribute to the
//! target, so the **open months** are the span's months without data:
//! `months_elapsed + months_remaining − actual.len()`. The run-rate uses the months with data
//! (the value so far covers those months, not the elapsed ones), unless a day count is given.
//!
//! # Rounding
//!
//! Every division of money or basis points is exact integer arithmetic rounded half to even.
//! The required growth rate is solved in floating point (see [`progress`]) and then rounded
//! half to even to whole basis points.

use thiserror::Error;

use crate::round::{div_half_even, f64_half_even_i64};

/// What a target progress report starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetInput<'a> {
    /// The target amount for the whole span, in cents. Must be positive.
    pub target: i128,
    /// Months of the span that have passed (including any whose figures are not yet out).
    pub months_elapsed: u32,
    /// Months of the span still to come. The span has `months_elapsed + months_remaining`
    /// months.
    pub months_remaining: u32,
    /// The published monthly values of the span, oldest first, in cents; at most
    /// `months_elapsed` of them, none negative.
    pub actual: &'a [i128],
    /// A finer basis for the run-rate, when the value so far is known through a given day
    /// (for instance "$2.5 bn in the first 100 days"): days covered by `actual` and the
    /// span's total days. `None`: the run-rate is by months.
    pub days: Option<DayCount>,
    /// Forecast values (cents, oldest first) for the open months, starting with the month
    /// after the last published one, for instance the points of
    /// [`Model::forecast`](crate::forecast::Model::forecast). Must cover every open month
    /// (extra values are ignored). `None`: no forecast projection.
    pub forecast: Option<&'a [i128]>,
}

/// Days covered by the data and days in the span, for a run-rate by days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayCount {
    /// Days of the span that the value so far covers. Must be positive.
    pub covered: u32,
    /// Days in the whole span (365 or 366 for an Iranian year). At least `covered`.
    pub total: u32,
}

/// Where the target stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetStatus {
    /// The value so far has reached the target.
    Met,
    /// Every month of the span is published and the value is short of the target.
    Missed,
    /// Not met yet, and the projection (the forecast's if given, else the run-rate)
    /// reaches the target.
    OnTrack,
    /// Not met yet, and the projection falls short of the target.
    Behind,
    /// Not met, nothing published and no forecast: there is nothing to project from.
    NoData,
}

/// The constant monthly growth rate that meets the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequiredGrowth {
    /// Growth of this many basis points per month, compounding from the last published
    /// month, meets the target exactly (rounded half to even; may be negative: the target
    /// is met even with a decline).
    Rate {
        /// Monthly growth rate in basis points.
        monthly_bp: i64,
    },
    /// The target is already met; no growth is needed.
    NotNeeded,
    /// No open month is left: no growth can help.
    NoMonthsLeft,
    /// No month is published, or the last one is 0: a growth rate applied to nothing
    /// produces nothing, so no rate can meet the target. See the average needed per month.
    NoBase,
}

/// A target progress report. Amounts in cents, shares in basis points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetProgress {
    /// Sum of the published months.
    pub so_far: i128,
    /// `so_far / target` in basis points, rounded half to even (may exceed 10,000).
    pub progress_bp: i128,
    /// `target − so_far`; zero or negative once the target is met.
    pub remaining: i128,
    /// Months of the span without published data (see the module docs).
    pub open_months: u32,
    /// The pace so far kept to the span's end: `so_far × total / covered`, by months (months
    /// with data over months in the span) or by days when [`TargetInput::days`] is given,
    /// rounded half to even. `None` when nothing is published yet.
    pub run_rate_projection: Option<i128>,
    /// `so_far` plus the forecast of the open months; `None` without a forecast.
    pub forecast_projection: Option<i128>,
    /// `remaining / open_months`, rounded half to even: the average still needed per open
    /// month. `None` when the target is met or no month is open.
    pub needed_per_month: Option<i128>,
    /// The constant monthly growth rate that meets the target.
    pub required_growth: RequiredGrowth,
    /// Where the target stands.
    pub status: TargetStatus,
}

/// Why a progress report could not be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TargetError {
    /// The target must be a positive amount.
    #[error("the target must be positive, not {0}")]
    NonPositiveTarget(i128),
    /// The span has no months.
    #[error("the span has no months")]
    EmptySpan,
    /// More months are published than have elapsed.
    #[error("{published} months are published but only {elapsed} have elapsed")]
    TooManyMonths {
        /// Months in `actual`.
        published: usize,
        /// `months_elapsed`.
        elapsed: u32,
    },
    /// A monthly value is negative.
    #[error("month {index} is negative ({value})")]
    NegativeValue {
        /// Position in `actual`, from 0.
        index: usize,
        /// The value.
        value: i128,
    },
    /// The day count is not usable (no day covered, or more days covered than the span has).
    #[error("day count {covered} of {total} is not usable")]
    BadDayCount {
        /// Days covered.
        covered: u32,
        /// Days in the span.
        total: u32,
    },
    /// The forecast does not cover every open month.
    #[error("the forecast has {given} months but {needed} are open")]
    ShortForecast {
        /// Forecast values given.
        given: usize,
        /// Open months.
        needed: u32,
    },
    /// An amount is too large to compute with.
    #[error("amounts too large to compute with")]
    Overflow,
}

/// Computes a target progress report; see the module docs and [`TargetProgress`]'s fields.
///
/// # Required growth
///
/// With `last` the last published month, `n` the open months and `R` the amount remaining,
/// the required monthly growth `g` solves
///
/// ```text
/// Σ_{k=1..n} last · (1 + g)^k = R,   that is   last · (1 + g) · ((1 + g)^n − 1) / g = R
/// ```
///
/// (`last · n` at `g = 0`). The left side increases strictly from 0 (as `g → −1`) to
/// infinity, so for `last > 0` and `R > 0` there is exactly one root in `(−1, ∞)`. It is
/// found by bisection in `f64` (the sum evaluated through `ln_1p` and `exp_m1`, accurate near
/// `g = 0`) until the bracket is narrower than 1e-12, then rounded half to even to whole
/// basis points.
///
/// # Errors
///
/// See [`TargetError`].
pub fn progress(input: &TargetInput<'_>) -> Result<TargetProgress, TargetError> {
    if input.target <= 0 {
        return Err(TargetError::NonPositiveTarget(input.target));
    }
    let total_months = input
        .months_elapsed
        .checked_add(input.months_remaining)
        .ok_or(TargetError::Overflow)?;
    if total_months == 0 {
        return Err(TargetError::EmptySpan);
    }
    let published = input.actual.len();
    let published_u32 = u32::try_from(published).map_err(|_| TargetError::Overflow)?;
    if published_u32 > input.months_elapsed {
        return Err(TargetError::TooManyMonths {
            published,
            elapsed: input.months_elapsed,
        });
    }
    let mut so_far: i128 = 0;
    for (index, &value) in input.actual.iter().enumerate() {
        if value < 0 {
            return Err(TargetError::NegativeValue { index, value });
        }
        so_far = so_far.checked_add(value).ok_or(TargetError::Overflow)?;
    }
    let open_months = total_months - published_u32;
    let remaining = input.target - so_far;
    let progress_bp = div_half_even(
        so_far.checked_mul(10_000).ok_or(TargetError::Overflow)?,
        input.target,
    );

    let run_rate_projection = match input.days {
        Some(days) => {
            if days.covered == 0 || days.covered > days.total {
                return Err(TargetError::BadDayCount {
                    covered: days.covered,
                    total: days.total,
                });
            }
            if published == 0 {
                None
            } else {
                let scaled = so_far
                    .checked_mul(i128::from(days.total))
                    .ok_or(TargetError::Overflow)?;
                Some(div_half_even(scaled, i128::from(days.covered)))
            }
        }
        None if published == 0 => None,
        None => {
            let scaled = so_far
                .checked_mul(i128::from(total_months))
                .ok_or(TargetError::Overflow)?;
            Some(div_half_even(scaled, i128::from(published_u32)))
        }
    };

    let forecast_projection = match input.forecast {
        None => None,
        Some(forecast) => {
            let needed = usize::try_from(open_months).map_err(|_| TargetError::Overflow)?;
            if forecast.len() < needed {
                return Err(TargetError::ShortForecast {
                    given: forecast.len(),
                    needed: open_months,
                });
            }
            let mut total = so_far;
            for &value in &forecast[..needed] {
                total = total.checked_add(value).ok_or(TargetError::Overflow)?;
            }
            Some(total)
        }
    };

    let met = remaining <= 0;
    let needed_per_month = if met || open_months == 0 {
        None
    } else {
        Some(div_half_even(remaining, i128::from(open_months)))
    };

    let required_growth = if met {
        RequiredGrowth::NotNeeded
    } else if open_months == 0 {
        RequiredGrowth::NoMonthsLeft
    } else {
        match input.actual.last() {
            Some(&last) if last > 0 => solve_growth(last, open_months, remaining)
                .map_or(RequiredGrowth::NoBase, |monthly_bp| RequiredGrowth::Rate {
                    monthly_bp,
                }),
            _ => RequiredGrowth::NoBase,
        }
    };

    let status = if met {
        TargetStatus::Met
    } else if open_months == 0 {
        TargetStatus::Missed
    } else {
        match forecast_projection.or(run_rate_projection) {
            Some(projection) if projection >= input.target => TargetStatus::OnTrack,
            Some(_) => TargetStatus::Behind,
            None => TargetStatus::NoData,
        }
    };

    Ok(TargetProgress {
        so_far,
        progress_bp,
        remaining,
        open_months,
        run_rate_projection,
        forecast_projection,
        needed_per_month,
        required_growth,
        status,
    })
}

/// `Σ_{k=1..n} (1 + g)^k`, accurate near `g = 0`.
fn geometric_sum(g: f64, n: u32) -> f64 {
    let n = f64::from(n);
    if g == 0.0 {
        return n;
    }
    (1.0 + g) * (n * g.ln_1p()).exp_m1() / g
}

/// The `g` in `(−1, ∞)` with `last · Σ_{k=1..n} (1 + g)^k = remaining`, in basis points.
/// `last > 0`, `n > 0`, `remaining > 0`.
#[allow(clippy::cast_precision_loss)] // cents as f64: relative error 1e-16, far below 1 bp
fn solve_growth(last: i128, n: u32, remaining: i128) -> Option<i64> {
    let ratio = remaining as f64 / last as f64; // Σ (1 + g)^k must equal this
    if !ratio.is_finite() || ratio <= 0.0 {
        return None;
    }
    let mut lo = -1.0_f64;
    let mut hi = 1.0_f64;
    while geometric_sum(hi, n) < ratio {
        hi *= 2.0;
        if !hi.is_finite() {
            return None;
        }
    }
    for _ in 0..2_000 {
        if hi - lo <= 1e-12 {
            break;
        }
        let mid = lo + (hi - lo) / 2.0;
        if geometric_sum(mid, n) < ratio {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    f64_half_even_i64((lo + (hi - lo) / 2.0) * 10_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const BN: i128 = 100_000_000_000; // $1 bn in cents

    fn input(actual: &[i128], elapsed: u32, remaining: u32) -> TargetInput<'_> {
        TargetInput {
            target: 20 * BN,
            months_elapsed: elapsed,
            months_remaining: remaining,
            actual,
            days: None,
            forecast: None,
        }
    }

    #[test]
    fn twenty_billion_target_after_five_months() {
        // Five months at $0.8 bn each against the $20 bn target.
        let months = [8 * BN / 10; 5];
        let report = progress(&input(&months, 5, 7)).expect("valid");
        assert_eq!(report.so_far, 4 * BN);
        assert_eq!(report.progress_bp, 2_000);
        assert_eq!(report.remaining, 16 * BN);
        assert_eq!(report.open_months, 7);
        assert_eq!(report.run_rate_projection, Some(96 * BN / 10));
        assert_eq!(report.forecast_projection, None);
        // 16 bn / 7 = 2.285714... bn
        assert_eq!(report.needed_per_month, Some(228_571_428_571));
        assert_eq!(report.status, TargetStatus::Behind);
        let RequiredGrowth::Rate { monthly_bp } = report.required_growth else {
            panic!("expected a rate, got {:?}", report.required_growth);
        };
        // 0.8 × Σ_{k=1..7} (1 + g)^k = 16 at g = 26.5376 %.
        assert_eq!(monthly_bp, 2_654);
    }

    #[test]
    fn run_rate_rounds_half_to_even() {
        // 3 cents over 2 of 3 months: 4.5 -> 4; 5 cents: 7.5 -> 8.
        let r = progress(&TargetInput {
            target: 100,
            ..input(&[1, 2], 2, 1)
        })
        .expect("valid");
        assert_eq!(r.run_rate_projection, Some(4));
        let r = progress(&TargetInput {
            target: 100,
            ..input(&[2, 3], 2, 1)
        })
        .expect("valid");
        assert_eq!(r.run_rate_projection, Some(8));
    }

    #[test]
    fn run_rate_by_days() {
        // $2.5 bn in the first 100 days of a 365-day year: $9.125 bn.
        let months = [25 * BN / 10];
        let r = progress(&TargetInput {
            days: Some(DayCount {
                covered: 100,
                total: 365,
            }),
            ..input(&months, 4, 8)
        })
        .expect("valid");
        assert_eq!(r.run_rate_projection, Some(912_500_000_000));
        assert!(matches!(
            progress(&TargetInput {
                days: Some(DayCount {
                    covered: 0,
                    total: 365
                }),
                ..input(&months, 4, 8)
            }),
            Err(TargetError::BadDayCount { .. })
        ));
    }

    #[test]
    fn forecast_projection_decides_the_status() {
        let months = [BN; 6];
        let short = [BN; 6];
        let strong = [3 * BN; 6];
        let r = progress(&TargetInput {
            forecast: Some(&short),
            ..input(&months, 6, 6)
        })
        .expect("valid");
        assert_eq!(r.forecast_projection, Some(12 * BN));
        assert_eq!(r.status, TargetStatus::Behind);
        let r = progress(&TargetInput {
            forecast: Some(&strong),
            ..input(&months, 6, 6)
        })
        .expect("valid");
        assert_eq!(r.forecast_projection, Some(24 * BN));
        assert_eq!(r.status, TargetStatus::OnTrack);
        assert_eq!(
            progress(&TargetInput {
                forecast: Some(&strong[..5]),
                ..input(&months, 6, 6)
            }),
            Err(TargetError::ShortForecast {
                given: 5,
                needed: 6
            })
        );
    }

    #[test]
    fn no_data_yet() {
        let r = progress(&input(&[], 0, 12)).expect("valid");
        assert_eq!(r.so_far, 0);
        assert_eq!(r.progress_bp, 0);
        assert_eq!(r.run_rate_projection, None);
        assert_eq!(r.needed_per_month, Some(20 * BN / 12 + 1)); // 1,666,666,666,666.67 -> ...67
        assert_eq!(r.required_growth, RequiredGrowth::NoBase);
        assert_eq!(r.status, TargetStatus::NoData);
    }

    #[test]
    fn target_already_met() {
        let months = [11 * BN, 10 * BN];
        let r = progress(&input(&months, 2, 10)).expect("valid");
        assert_eq!(r.progress_bp, 10_500);
        assert_eq!(r.remaining, -BN);
        assert_eq!(r.needed_per_month, None);
        assert_eq!(r.required_growth, RequiredGrowth::NotNeeded);
        assert_eq!(r.status, TargetStatus::Met);
    }

    #[test]
    fn zero_last_month_has_no_growth_base() {
        // Borders closed: the last month is 0.
        let months = [BN, 0];
        let r = progress(&input(&months, 2, 10)).expect("valid");
        assert_eq!(r.required_growth, RequiredGrowth::NoBase);
        assert_eq!(r.needed_per_month, Some(19 * BN / 10));
    }

    #[test]
    fn span_ended_short_is_missed() {
        let months = [BN; 12];
        let r = progress(&input(&months, 12, 0)).expect("valid");
        assert_eq!(r.status, TargetStatus::Missed);
        assert_eq!(r.required_growth, RequiredGrowth::NoMonthsLeft);
        assert_eq!(r.needed_per_month, None);
        // Ended, but the last two months are not published yet: still open.
        let r = progress(&input(&months[..10], 12, 0)).expect("valid");
        assert_eq!(r.open_months, 2);
        assert_eq!(r.status, TargetStatus::Behind);
    }

    #[test]
    fn declining_months_can_still_meet_the_target() {
        // 6 × 2 bn so far, 6 months left, last 2 bn: 8 bn more needs g < 0.
        let months = [2 * BN; 6];
        let r = progress(&input(&months, 6, 6)).expect("valid");
        let RequiredGrowth::Rate { monthly_bp } = r.required_growth else {
            panic!("expected a rate");
        };
        assert!(monthly_bp < 0, "{monthly_bp}");
        assert_eq!(r.status, TargetStatus::OnTrack);
        // Exactly the last value each month: zero growth.
        let months = [BN * 20 / 12; 6];
        let r = progress(&TargetInput {
            target: BN * 20 / 12 * 12,
            ..input(&months, 6, 6)
        })
        .expect("valid");
        assert_eq!(r.required_growth, RequiredGrowth::Rate { monthly_bp: 0 });
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(
            progress(&TargetInput {
                target: 0,
                ..input(&[], 0, 12)
            }),
            Err(TargetError::NonPositiveTarget(0))
        );
        assert_eq!(progress(&input(&[], 0, 0)), Err(TargetError::EmptySpan));
        assert_eq!(
            progress(&input(&[1, 2, 3], 2, 10)),
            Err(TargetError::TooManyMonths {
                published: 3,
                elapsed: 2
            })
        );
        assert_eq!(
            progress(&input(&[1, -2], 2, 10)),
            Err(TargetError::NegativeValue {
                index: 1,
                value: -2
            })
        );
        assert_eq!(
            progress(&TargetInput {
                target: i128::MAX,
                ..input(&[i128::MAX], 1, 1)
            }),
            Err(TargetError::Overflow)
        );
    }

    proptest! {
        #[test]
        fn required_growth_solves_its_equation(
            last in 1i128..10_000_000_000_000,
            n in 1u32..36,
            remaining in 1i128..1_000_000_000_000_000,
        ) {
            if let Some(bp) = solve_growth(last, n, remaining) {
                let bp = f64::from(i32::try_from(bp).unwrap_or(i32::MAX));
                // Half a basis point either side brackets the exact root.
                let sum = |g: f64| geometric_sum(g, n);
                #[allow(clippy::cast_precision_loss)]
                let ratio = remaining as f64 / last as f64;
                let lo = ((bp - 0.5) / 10_000.0).max(-1.0);
                let hi = (bp + 0.5) / 10_000.0;
                prop_assert!(sum(lo) <= ratio * (1.0 + 1e-9) && sum(hi) >= ratio * (1.0 - 1e-9),
                    "bp {} ratio {} sum(lo) {} sum(hi) {}", bp, ratio, sum(lo), sum(hi));
            }
        }

        #[test]
        fn report_is_consistent(
            actual in proptest::collection::vec(0i128..2_000_000_000_000, 0..12),
            extra_elapsed in 0u32..3,
            remaining_months in 0u32..12,
            target in 1i128..30_000_000_000_000,
        ) {
            let elapsed = u32::try_from(actual.len()).unwrap_or(0) + extra_elapsed;
            prop_assume!(elapsed + remaining_months > 0);
            let r = progress(&TargetInput {
                target,
                months_elapsed: elapsed,
                months_remaining: remaining_months,
                actual: &actual,
                days: None,
                forecast: None,
            }).expect("valid");
            prop_assert_eq!(r.so_far + r.remaining, target);
            prop_assert_eq!(r.status == TargetStatus::Met, r.so_far >= target);
            if let Some(p) = r.run_rate_projection {
                prop_assert!(p >= r.so_far);
            }
            if let Some(per_month) = r.needed_per_month {
                let open = i128::from(r.open_months);
                prop_assert!((per_month * open - r.remaining).abs() <= open);
            }
        }
    }
}
