//! Forecast tests: known series, coverage of the intervals, properties and errors.

use super::*;
use crate::rng::SplitMix64;
use proptest::prelude::*;

/// $1 m in cents.
const M: f64 = 100_000_000.0;

/// A seasonal pattern shaped like Iran's monthly exports (Farvardin, with Nowruz, weakest).
const PATTERN: [f64; 12] = [
    0.72, 0.95, 1.02, 1.05, 1.00, 0.98, 1.04, 1.06, 1.03, 1.01, 0.99, 1.15,
];

/// `n` months starting at $600 m a month, growing `growth` a month, with the seasonal
/// pattern applied multiplicatively and Gaussian noise of `noise` (relative) from `seed`.
fn multiplicative_series(n: usize, growth: f64, noise: f64, seed: u64) -> Vec<i128> {
    let mut rng = SplitMix64::new(seed);
    (0..n)
        .map(|t| {
            let trend = 600.0 * M * (1.0 + growth).powi(i32::try_from(t).unwrap_or(0));
            let v = trend * PATTERN[t % 12] * (1.0 + noise * rng.next_normal());
            f64_half_even(v.max(0.0)).unwrap_or(0)
        })
        .collect()
}

/// `n` months: $600 m plus $3 m a month plus an additive seasonal swing, exactly.
fn additive_series(n: usize) -> Vec<i128> {
    (0..n)
        .map(|t| {
            let tf = f64::from(u32::try_from(t).unwrap_or(0));
            let v = 600.0 * M + 3.0 * M * tf + 150.0 * M * (PATTERN[t % 12] - 1.0) / 0.15;
            f64_half_even(v).unwrap_or(0)
        })
        .collect()
}

#[test]
fn exact_trend_and_season_are_forecast_almost_exactly() {
    let series = additive_series(48);
    let bt = backtest(&series, 12, 12).expect("backtest");
    assert!(
        bt.model_mape_bp <= 10,
        "model MAPE {} bp: {}",
        bt.model_mape_bp,
        bt.model
    );
    // The seasonal-naive forecast misses a year of trend ($36 m on about $700 m).
    assert!(
        bt.seasonal_naive_mape_bp > 400,
        "{}",
        bt.seasonal_naive_mape_bp
    );
    assert_eq!(bt.scored, 12);
    assert_eq!(bt.model.kind.season, SeasonType::Additive, "{}", bt.model);
}

#[test]
fn noisy_seasonal_series_beat_seasonal_naive() {
    let mut model_total = 0;
    let mut naive_total = 0;
    let mut wins = 0;
    let seeds = 8;
    for seed in 0..seeds {
        let series = multiplicative_series(72, 0.01, 0.04, seed);
        let bt = backtest(&series, 12, 12).expect("backtest");
        model_total += bt.model_mape_bp;
        naive_total += bt.seasonal_naive_mape_bp;
        if bt.model_mape_bp < bt.seasonal_naive_mape_bp {
            wins += 1;
        }
    }
    assert!(
        model_total * 10 < naive_total * 7,
        "mean MAPE model {} bp vs seasonal naive {} bp",
        model_total / 8,
        naive_total / 8
    );
    assert!(wins >= 6, "model won {wins} of {seeds}");
}

#[test]
fn seasonal_multiplicative_series_gets_a_seasonal_model() {
    let series = multiplicative_series(60, 0.01, 0.03, 11);
    let model = Forecaster::fit(&series, 12).expect("fit");
    let d = model.describe();
    assert_ne!(d.kind.season, SeasonType::None, "{d}");
    assert!(d.compared.len() == ModelKind::CANDIDATES.len(), "{d}");
    let chosen = d
        .compared
        .iter()
        .find(|(k, _)| *k == d.kind)
        .expect("chosen model is among those compared");
    assert!((chosen.1 - d.aicc).abs() < 1e-9);
    assert!(d.compared.iter().all(|(_, aicc)| *aicc >= d.aicc));
    assert!(d.to_string().starts_with("ETS("), "{d}");
}

/// Share of held-out months inside the interval, over many series.
fn coverage(level: f64, seeds: u64) -> f64 {
    let mut hits = 0u32;
    let mut total = 0u32;
    for seed in 100..100 + seeds {
        let series = multiplicative_series(60, 0.004, 0.05, seed);
        let model = Forecaster::fit(&series[..48], 12).expect("fit");
        let fc = model.forecast(12, level).expect("forecast");
        for (p, &actual) in fc.iter().zip(&series[48..]) {
            total += 1;
            if p.lower <= actual && actual <= p.upper {
                hits += 1;
            }
        }
    }
    f64::from(hits) / f64::from(total)
}

#[test]
fn intervals_cover_the_truth_at_about_the_stated_rate() {
    let c80 = coverage(0.80, 12);
    assert!((0.65..=0.92).contains(&c80), "80% intervals covered {c80}");
    let c95 = coverage(0.95, 12);
    assert!((0.85..=1.0).contains(&c95), "95% intervals covered {c95}");
    assert!(c95 >= c80);
}

#[test]
fn constant_series_forecasts_the_constant() {
    let series = vec![75_000_000_000i128; 36];
    let model = Forecaster::fit(&series, 12).expect("fit");
    for p in model.forecast(18, 0.95).expect("forecast") {
        assert_eq!(
            (p.lower, p.point, p.upper),
            (series[0], series[0], series[0]),
            "{}",
            model.describe()
        );
    }
    let zeros = vec![0i128; 24];
    let model = Forecaster::fit(&zeros, 12).expect("fit");
    for p in model.forecast(6, 0.8).expect("forecast") {
        assert_eq!((p.lower, p.point, p.upper), (0, 0, 0));
    }
}

#[test]
fn intervals_widen_with_the_horizon() {
    let series = multiplicative_series(60, 0.01, 0.05, 3);
    // A class 1 model: the variance grows every step.
    let additive = ModelKind {
        error: ErrorType::Additive,
        trend: TrendType::Damped,
        season: SeasonType::Additive,
    };
    let model = Forecaster::fit_kind(&series, 12, additive).expect("fit");
    let fc = model.forecast(36, 0.9).expect("forecast");
    for w in fc.windows(2) {
        assert!(w[1].upper - w[1].lower >= w[0].upper - w[0].lower, "{w:?}");
    }
    // Any model: the same month a year later is less certain.
    let model = Forecaster::fit(&series, 12).expect("fit");
    let fc = model.forecast(36, 0.9).expect("forecast");
    for h in 0..24 {
        let (a, b) = (&fc[h], &fc[h + 12]);
        assert!(
            b.upper - b.lower > a.upper - a.lower,
            "{}: {a:?} {b:?}",
            model.describe()
        );
    }
}

#[test]
fn forecasts_are_deterministic() {
    let series = multiplicative_series(48, 0.01, 0.05, 9);
    let a = Forecaster::fit(&series, 12).expect("fit");
    let b = Forecaster::fit(&series, 12).expect("fit");
    assert_eq!(a.describe(), b.describe());
    assert_eq!(a.forecast(12, 0.8), b.forecast(12, 0.8));
}

#[test]
fn works_with_other_periods() {
    // Quarterly: period 4.
    let quarterly: Vec<i128> = multiplicative_series(48, 0.01, 0.02, 5)
        .chunks(3)
        .map(|q| q.iter().sum())
        .collect();
    let model = Forecaster::fit(&quarterly, 4).expect("fit");
    let fc = model.forecast(4, 0.8).expect("forecast");
    assert_eq!(fc.len(), 4);
    // Period 2, the smallest, with exactly two seasons.
    let model = Forecaster::fit(&[10, 20, 12, 22], 2).expect("fit");
    assert_eq!(model.forecast(3, 0.8).expect("forecast").len(), 3);
}

#[test]
fn a_zero_month_restricts_to_additive_models() {
    let mut series = multiplicative_series(36, 0.0, 0.05, 4);
    series[5] = 0; // a border closure
    let model = Forecaster::fit(&series, 12).expect("fit");
    assert!(!model.kind().needs_positive(), "{}", model.describe());
    let mult = ModelKind {
        error: ErrorType::Multiplicative,
        trend: TrendType::None,
        season: SeasonType::Multiplicative,
    };
    assert_eq!(
        Forecaster::fit_kind(&series, 12, mult).map(|m| m.kind()),
        Err(ForecastError::NeedsPositiveValues(mult))
    );
}

#[test]
fn rejects_bad_input() {
    let series = multiplicative_series(36, 0.0, 0.05, 4);
    assert_eq!(
        Forecaster::fit(&series, 1).map(|m| m.kind()),
        Err(ForecastError::SeasonTooShort(1))
    );
    assert_eq!(
        Forecaster::fit(&series[..23], 12).map(|m| m.kind()),
        Err(ForecastError::TooShort {
            len: 23,
            needed: 24
        })
    );
    let mut negative = series.clone();
    negative[3] = -1;
    assert_eq!(
        Forecaster::fit(&negative, 12).map(|m| m.kind()),
        Err(ForecastError::NegativeValue {
            index: 3,
            value: -1
        })
    );
    let model = Forecaster::fit(&series, 12).expect("fit");
    for level in [0.0, 1.0, -0.5, f64::NAN] {
        assert!(matches!(
            model.forecast(3, level),
            Err(ForecastError::InvalidLevel(_))
        ));
    }
    assert_eq!(model.forecast(0, 0.8), Ok(vec![]));
    assert!(matches!(
        backtest(&series, 12, 0),
        Err(ForecastError::EmptyHoldout)
    ));
    assert!(matches!(
        backtest(&series, 12, 13),
        Err(ForecastError::TooShort {
            len: 36,
            needed: 37
        })
    ));
    let mut zero_tail = series.clone();
    for v in &mut zero_tail[30..] {
        *v = 0;
    }
    assert!(matches!(
        backtest(&zero_tail, 12, 6),
        Err(ForecastError::ZeroActuals)
    ));
}

#[test]
fn seasonal_naive_repeats_the_last_season() {
    let series = additive_series(40);
    let bt = backtest(&series, 12, 16).expect("backtest");
    for (j, p) in bt.points.iter().enumerate() {
        assert_eq!(p.seasonal_naive, series[24 - 12 + j % 12]);
        assert_eq!(p.actual, series[24 + j]);
        assert_eq!(p.model.step, j + 1);
    }
}

/// Prints the backtest figures quoted in the crate's report; run with `--ignored`.
#[test]
#[ignore = "diagnostic output, not a check"]
#[allow(clippy::print_stderr)]
fn report_backtests() {
    let bt = backtest(&additive_series(48), 12, 12).expect("backtest");
    eprintln!(
        "exact additive: model {} bp, naive {} bp, {}",
        bt.model_mape_bp, bt.seasonal_naive_mape_bp, bt.model
    );
    for seed in 0..8 {
        let bt = backtest(&multiplicative_series(72, 0.01, 0.04, seed), 12, 12).expect("backtest");
        eprintln!(
            "noisy seed {seed}: model {} bp, naive {} bp, 80% hits {}/12, {}",
            bt.model_mape_bp, bt.seasonal_naive_mape_bp, bt.interval_hits, bt.model
        );
    }
    eprintln!(
        "coverage 80%: {:.3}, 95%: {:.3}",
        coverage(0.80, 12),
        coverage(0.95, 12)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn bounds_are_ordered_and_not_negative(
        seed in 0u64..1_000,
        noise in 0.0f64..0.4,
        growth in -0.02f64..0.03,
        len in 24usize..50,
        horizon in 1usize..30,
    ) {
        let series = multiplicative_series(len, growth, noise, seed);
        let model = Forecaster::fit(&series, 12).expect("fit");
        for p in model.forecast(horizon, 0.9).expect("forecast") {
            prop_assert!(0 <= p.lower && p.lower <= p.point && p.point <= p.upper, "{:?}", p);
        }
    }
}
