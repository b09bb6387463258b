//! The calculators together, through the public API, on figures shaped like the Iran–Iraq
//! corridor's (shared/DOMAIN.md §1): exports to Iraq of about $9 bn in 1398, $7.3 bn in 1399
//! (the COVID year, with a weak Farvardin) and just over $10 bn in 1401.

use corridor_monitor::{
    backtest, growth_bp, progress, records, shares_bp, year_over_year_bp, Forecaster,
    RequiredGrowth, TargetInput, TargetStatus,
};

/// $1 bn in cents.
const BN: i128 = 100_000_000_000;

/// Monthly weights of an Iranian year (Farvardin first), summing to 12,000.
const WEIGHTS: [i128; 12] = [
    720, 950, 1_020, 1_050, 1_000, 980, 1_040, 1_060, 1_030, 1_010, 990, 1_150,
];

/// Twelve months that sum exactly to `annual` cents (the rounding rest on the last month).
fn year(annual: i128) -> Vec<i128> {
    let mut months: Vec<i128> = WEIGHTS.iter().map(|w| annual * w / 12_000).collect();
    let rest = annual - months.iter().sum::<i128>();
    months[11] += rest;
    months
}

fn history() -> Vec<i128> {
    // 1398, 1399, 1400, 1401: $9.0 bn, $7.3 bn, $8.9 bn, $10.2 bn.
    [90, 73, 89, 102]
        .iter()
        .flat_map(|&tenths| year(tenths * BN / 10))
        .collect()
}

#[test]
fn annual_growth_and_records() {
    let h = history();
    let annual: Vec<i128> = h.chunks(12).map(|y| y.iter().sum()).collect();
    assert_eq!(
        annual,
        vec![9 * BN, 73 * BN / 10, 89 * BN / 10, 102 * BN / 10]
    );
    // 1401 over 1400: +14.6 %; 1399 over 1398: −18.9 %.
    assert_eq!(growth_bp(annual[3], annual[2]), Some(1_461));
    assert_eq!(growth_bp(annual[1], annual[0]), Some(-1_889));
    assert_eq!(records(&annual), vec![3]);
    let yoy = year_over_year_bp(&h, 12);
    assert!(yoy[..12].iter().all(Option::is_none));
    assert!(yoy[12..24].iter().all(|g| g.is_some_and(|g| g < 0)));
    // 1399's partners: China 8.9, Iraq 7.3, UAE 4.6, Turkey 2.5, Afghanistan 2.2 ($ bn).
    let shares = shares_bp(&[89, 73, 46, 25, 22]).expect("positive");
    assert_eq!(shares.iter().sum::<u32>(), 10_000);
}

#[test]
fn forecast_feeds_the_target_report() {
    let h = history();
    // Five months of 1402 published, at 1401's pace plus 5 %.
    let published: Vec<i128> = year(107 * BN / 10)[..5].to_vec();
    let mut all = h.clone();
    all.extend_from_slice(&published);
    let model = Forecaster::fit(&all, 12).expect("fit");
    let forecast: Vec<i128> = model
        .forecast(7, 0.8)
        .expect("forecast")
        .iter()
        .map(|p| p.point)
        .collect();

    // Exports against $10 bn: on track. Against the $20 bn bilateral target: behind.
    for (target, expected) in [
        (10 * BN, TargetStatus::OnTrack),
        (20 * BN, TargetStatus::Behind),
    ] {
        let report = progress(&TargetInput {
            target,
            months_elapsed: 5,
            months_remaining: 7,
            actual: &published,
            days: None,
            forecast: Some(&forecast),
        })
        .expect("valid");
        assert_eq!(report.status, expected, "{report:?} {}", model.describe());
        let projection = report.forecast_projection.expect("forecast given");
        assert_eq!(projection, report.so_far + forecast.iter().sum::<i128>());
        // The forecast lands near the 1402 pace the data was built with ($10.7 bn).
        assert!(
            (projection - 107 * BN / 10).abs() < 5 * BN / 10,
            "{projection}"
        );
        if target == 20 * BN {
            let RequiredGrowth::Rate { monthly_bp } = report.required_growth else {
                panic!("{report:?}");
            };
            assert!(monthly_bp > 1_000, "{monthly_bp}");
        }
    }

    let bt = backtest(&h, 12, 12).expect("backtest");
    assert!(bt.model_mape_bp < bt.seasonal_naive_mape_bp, "{bt:?}");
}
