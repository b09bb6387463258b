//! Series calculators: growth over the same period of the previous year, shares of a total,
//! and records.
//!
//! All inputs are plain integer series (amounts in cents, oldest first); all percentages are
//! integer basis points (1 bp = 0.01 %), rounded half to even.

use thiserror::Error;

use crate::round::div_half_even;

/// Why a series calculation could not be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SeriesError {
    /// Shares need a positive total: the parts are empty or all zero.
    #[error("shares need a positive total; the parts sum to {total}")]
    ZeroTotal {
        /// The sum of the parts.
        total: i128,
    },
    /// Shares are only defined for parts that are not negative.
    #[error("part {index} is negative ({value}); shares need parts >= 0")]
    NegativePart {
        /// Position of the part, from 0.
        index: usize,
        /// Its value.
        value: i128,
    },
    /// An intermediate product does not fit in an `i128`.
    #[error("amounts too large to compute with")]
    Overflow,
}

/// `part / whole` in basis points, rounded half to even: the share of one value in another
/// (a partner's exports in the reporter's exports to the world). `None` when `whole` is 0
/// or the product overflows.
#[must_use]
pub fn ratio_bp(part: i128, whole: i128) -> Option<i128> {
    if whole == 0 {
        return None;
    }
    let scaled = part.checked_mul(10_000)?;
    let whole_abs = whole.checked_abs()?;
    let quotient = div_half_even(scaled, whole_abs);
    Some(if whole < 0 { -quotient } else { quotient })
}

/// Growth from `previous` to `current` in basis points: `(current − previous) / |previous|`
/// × 10,000, rounded half to even. `None` when `previous` is 0 (growth from nothing is not
/// a number) or when the product overflows.
///
/// Dividing by `|previous|` keeps the sign meaningful for signed series (a balance going from
/// −100 to −50 has grown by +5,000 bp); for trade values, which are never negative, it is the
/// ordinary growth rate.
#[must_use]
pub fn growth_bp(current: i128, previous: i128) -> Option<i128> {
    if previous == 0 {
        return None;
    }
    ratio_bp(current.checked_sub(previous)?, previous.checked_abs()?)
}

/// Growth of each value over the value `period` places earlier (the same month of the
/// previous year for a monthly series with `period` 12), in basis points, as by
/// [`growth_bp`]. One entry per input value: `None` for the first `period` values (no
/// previous value), where the previous value is 0, and when `period` is 0.
#[must_use]
pub fn year_over_year_bp(series: &[i128], period: usize) -> Vec<Option<i128>> {
    series
        .iter()
        .enumerate()
        .map(|(i, &current)| {
            if period == 0 || i < period {
                None
            } else {
                growth_bp(current, series[i - period])
            }
        })
        .collect()
}

/// Shares of the total in basis points, summing to exactly 10,000, by the largest-remainder
/// (Hamilton) method: every part first gets the floor of its exact share `part × 10,000 /
/// total`; the basis points still missing go one each to the parts with the largest
/// remainders, ties to the earlier part. Remainders are compared exactly (integers over
/// the same denominator), so the result does not depend on float rounding.
///
/// # Errors
///
/// [`SeriesError::NegativePart`] for a negative part, [`SeriesError::ZeroTotal`] when the
/// parts are empty or sum to 0, [`SeriesError::Overflow`] for sums or products beyond
/// `i128`.
pub fn shares_bp(parts: &[i128]) -> Result<Vec<u32>, SeriesError> {
    let mut total: i128 = 0;
    for (index, &value) in parts.iter().enumerate() {
        if value < 0 {
            return Err(SeriesError::NegativePart { index, value });
        }
        total = total.checked_add(value).ok_or(SeriesError::Overflow)?;
    }
    if total == 0 {
        return Err(SeriesError::ZeroTotal { total });
    }
    let mut floors = Vec::with_capacity(parts.len());
    let mut remainders = Vec::with_capacity(parts.len());
    for &part in parts {
        let scaled = part.checked_mul(10_000).ok_or(SeriesError::Overflow)?;
        floors.push(scaled / total);
        remainders.push(scaled % total);
    }
    let assigned: i128 = floors.iter().sum();
    let missing = 10_000 - assigned; // 0 <= missing < parts.len()
    let mut order: Vec<usize> = (0..parts.len()).collect();
    // Largest remainder first; equal remainders keep their input order (stable sort).
    order.sort_by(|&a, &b| remainders[b].cmp(&remainders[a]));
    for &i in order.iter().take(usize::try_from(missing).unwrap_or(0)) {
        floors[i] += 1;
    }
    floors
        .into_iter()
        .map(|bp| u32::try_from(bp).map_err(|_| SeriesError::Overflow))
        .collect()
}

/// Positions of the records in a series: a value is a record when it is strictly greater than
/// every earlier value. The first value has nothing to beat and is never a record; a value
/// equal to the best so far ties it and is not a record.
#[must_use]
pub fn records(series: &[i128]) -> Vec<usize> {
    let mut out = Vec::new();
    let Some((&first, rest)) = series.split_first() else {
        return out;
    };
    let mut best = first;
    for (i, &value) in rest.iter().enumerate() {
        if value > best {
            out.push(i + 1);
            best = value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn growth_in_basis_points() {
        // 1401 over 1400: ≈ $9 bn to $10.8 bn is +20 %.
        assert_eq!(growth_bp(1_080_000_000_000, 900_000_000_000), Some(2_000));
        assert_eq!(growth_bp(50, 100), Some(-5_000));
        assert_eq!(growth_bp(100, 0), None);
        assert_eq!(growth_bp(0, 100), Some(-10_000));
        // 1/3 = 3,333.33 bp; 2/3 = 6,666.67 bp; halves go to even.
        assert_eq!(growth_bp(4, 3), Some(3_333));
        assert_eq!(growth_bp(5, 3), Some(6_667));
        assert_eq!(growth_bp(20_001, 20_000), Some(0)); // 0.5 bp -> 0
        assert_eq!(growth_bp(20_003, 20_000), Some(2)); // 1.5 bp -> 2
        assert_eq!(growth_bp(-50, -100), Some(5_000));
        assert_eq!(growth_bp(i128::MAX, 1), None);
    }

    #[test]
    fn year_over_year_needs_a_previous_value() {
        let series = [100, 200, 0, 110, 100, 50];
        assert_eq!(
            year_over_year_bp(&series, 3),
            vec![None, None, None, Some(1_000), Some(-5_000), None]
        );
        assert_eq!(year_over_year_bp(&series, 0), vec![None; 6]);
        assert!(year_over_year_bp(&[], 12).is_empty());
    }

    #[test]
    fn shares_use_largest_remainders() {
        assert_eq!(shares_bp(&[1, 1, 1]), Ok(vec![3_334, 3_333, 3_333]));
        assert_eq!(shares_bp(&[2, 1]), Ok(vec![6_667, 3_333]));
        assert_eq!(shares_bp(&[5, 0, 5]), Ok(vec![5_000, 0, 5_000]));
        assert_eq!(shares_bp(&[7]), Ok(vec![10_000]));
        // 1399 partners (US$ bn ×10): China 89, Iraq 73, UAE 46, Turkey 25, Afghanistan 22.
        let shares = shares_bp(&[89, 73, 46, 25, 22]).expect("positive total");
        assert_eq!(shares, vec![3_490, 2_863, 1_804, 980, 863]);
        assert_eq!(shares.iter().sum::<u32>(), 10_000);
    }

    #[test]
    fn shares_reject_bad_input() {
        assert_eq!(shares_bp(&[]), Err(SeriesError::ZeroTotal { total: 0 }));
        assert_eq!(shares_bp(&[0, 0]), Err(SeriesError::ZeroTotal { total: 0 }));
        assert_eq!(
            shares_bp(&[3, -1]),
            Err(SeriesError::NegativePart {
                index: 1,
                value: -1
            })
        );
        assert_eq!(shares_bp(&[i128::MAX, 1]), Err(SeriesError::Overflow));
    }

    #[test]
    fn records_beat_every_earlier_value() {
        assert_eq!(records(&[]), Vec::<usize>::new());
        assert_eq!(records(&[5]), Vec::<usize>::new());
        assert_eq!(records(&[5, 3, 5, 6, 6, 2, 9]), vec![3, 6]);
        assert_eq!(records(&[1, 2, 3]), vec![1, 2]);
        assert_eq!(records(&[3, 2, 1]), Vec::<usize>::new());
    }

    proptest! {
        #[test]
        fn shares_always_sum_to_10000(parts in proptest::collection::vec(0i128..1_000_000_000_000, 1..40)) {
            prop_assume!(parts.iter().any(|&p| p > 0));
            let shares = shares_bp(&parts).expect("valid parts");
            prop_assert_eq!(shares.iter().sum::<u32>(), 10_000);
            let total: i128 = parts.iter().sum();
            for (part, share) in parts.iter().zip(&shares) {
                // Each share is its exact quota rounded down or up.
                let exact = part * 10_000;
                let share = i128::from(*share);
                prop_assert!(share * total <= exact + total && exact < (share + 1) * total + total);
                if *part == 0 {
                    prop_assert_eq!(share, 0);
                }
            }
        }

        #[test]
        fn records_are_strict_running_maxima(series in proptest::collection::vec(-1_000i128..1_000, 0..60)) {
            let found = records(&series);
            for i in 1..series.len() {
                let is_record = series[..i].iter().all(|&earlier| series[i] > earlier);
                prop_assert_eq!(found.contains(&i), is_record);
            }
            prop_assert!(!found.contains(&0));
        }

        #[test]
        fn growth_round_trips(units in 1i128..1_000_000, bp in -10_000i128..50_000) {
            // A value built from an exact growth rate gives that rate back.
            let previous = units * 10_000;
            let current = previous + previous * bp / 10_000;
            prop_assert_eq!(growth_bp(current, previous), Some(bp));
        }
    }
}
