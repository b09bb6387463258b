//! Daily demand: each demand line's share of each crossing is a *stream* with its own
//! random generator, so adding or removing a line never changes the draws of the others,
//! and two scenarios with the same seed and the same demand lines see exactly the same
//! trucks arrive (common random numbers: their difference is the schedule's, not luck's).

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::scenario::{Arrivals, Seasonality};

/// One demand line's trucks for one crossing.
pub(crate) struct Stream {
    /// The demand line, an index into the scenario's lines.
    pub(crate) line: usize,
    /// The crossing, an index into the scenario's crossings.
    pub(crate) crossing: usize,
    /// The daily mean before seasonality is `numerator / denominator` trucks; the
    /// denominator includes the 10,000 of basis points.
    numerator: u128,
    denominator: u128,
    seasonality: Seasonality,
    arrivals: Arrivals,
    /// Fixed arrivals: the fraction of a truck carried to the next day, over `denominator`.
    carry: u128,
    rng: SmallRng,
}

impl Stream {
    /// The stream of `line`'s trucks for `crossing` (whose id is `crossing_id`), which gets
    /// `weight` of the line's `total_weight`. The generator's seed comes from the scenario's
    /// seed, the line's position and the crossing's id, so the order in which a line lists
    /// its crossings does not matter.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        seed: u64,
        line: usize,
        crossing_id: &str,
        crossing: usize,
        trucks_per_day: u32,
        weight: u32,
        total_weight: u64,
        seasonality: Seasonality,
        arrivals: Arrivals,
    ) -> Stream {
        let stream_seed = mix(mix(seed ^ mix(line as u64)) ^ fnv1a(crossing_id.as_bytes()));
        Stream {
            line,
            crossing,
            numerator: u128::from(trucks_per_day) * u128::from(weight),
            denominator: 10_000 * u128::from(total_weight.max(1)),
            seasonality,
            arrivals,
            carry: 0,
            rng: SmallRng::seed_from_u64(stream_seed),
        }
    }

    /// The seasonality's calendar.
    pub(crate) fn seasonality(&self) -> &Seasonality {
        &self.seasonality
    }

    /// The number of trucks arriving on a day whose month (in the seasonality's calendar)
    /// is `month` (1-12).
    pub(crate) fn draw(&mut self, month: u8) -> u64 {
        let bp = self
            .seasonality
            .basis_points
            .get(usize::from(month.saturating_sub(1)))
            .copied()
            .unwrap_or(10_000);
        let mean_numerator = self.numerator * u128::from(bp);
        match self.arrivals {
            Arrivals::Fixed => {
                let total = self.carry + mean_numerator;
                let count = total / self.denominator;
                self.carry = total % self.denominator;
                u64::try_from(count).unwrap_or(u64::MAX)
            }
            Arrivals::Poisson => {
                if mean_numerator == 0 {
                    return 0;
                }
                poisson(&mut self.rng, ratio(mean_numerator, self.denominator))
            }
        }
    }
}

/// SplitMix64's finaliser: spreads a seed's bits.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a, 64 bits: a stable hash of a crossing id (std's hashers may change).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xCBF2_9CE4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01B3)
    })
}

/// `numerator / denominator` as a float: a truck count's mean, not money.
#[allow(clippy::float_arithmetic, clippy::cast_precision_loss)]
fn ratio(numerator: u128, denominator: u128) -> f64 {
    numerator as f64 / denominator as f64
}

/// The largest mean drawn in one piece by [`poisson`]: `exp(-8)` is far from underflow.
const POISSON_PIECE: f64 = 8.0;

/// A Poisson draw of mean `lambda`: the sum of draws of mean at most 8 (a sum of
/// independent Poisson variables is Poisson with the summed mean), each by Knuth's
/// method (count uniforms until their product falls to `exp(-mean)`). Exact up to
/// floating point, about `lambda + lambda / 8` uniforms per draw.
#[allow(clippy::float_arithmetic)]
fn poisson(rng: &mut SmallRng, lambda: f64) -> u64 {
    let mut remaining = lambda;
    let mut total = 0u64;
    while remaining > 0.0 {
        let mean = remaining.min(POISSON_PIECE);
        remaining -= mean;
        let limit = (-mean).exp();
        let mut product: f64 = rng.gen();
        while product > limit {
            total += 1;
            product *= rng.gen::<f64>();
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use corridor_calendar::Calendar;

    fn flat() -> Seasonality {
        Seasonality {
            calendar: Calendar::Gregorian,
            basis_points: [10_000; 12],
        }
    }

    #[test]
    fn fixed_arrivals_carry_fractions() {
        // 5 trucks a day split 1:1 between two crossings: 2.5 each, so 2, 3, 2, 3.
        let mut stream = Stream::new(1, 0, "a", 0, 5, 1, 2, flat(), Arrivals::Fixed);
        let counts: Vec<u64> = (0..4).map(|_| stream.draw(1)).collect();
        assert_eq!(counts, vec![2, 3, 2, 3]);
        // Seasonality at 150 %: 3 trucks a day become 4.5.
        let mut season = flat();
        season.basis_points[5] = 15_000;
        let mut stream = Stream::new(1, 0, "a", 0, 3, 1, 1, season, Arrivals::Fixed);
        let counts: Vec<u64> = (0..2).map(|_| stream.draw(6)).collect();
        assert_eq!(counts, vec![4, 5]);
    }

    #[test]
    #[allow(clippy::float_arithmetic, clippy::cast_precision_loss)]
    fn poisson_draws_have_the_right_mean_and_variance() {
        for lambda in [0.3, 5.0, 250.0, 3_000.0] {
            let mut rng = SmallRng::seed_from_u64(7);
            let n = 4_000;
            let draws: Vec<f64> = (0..n).map(|_| poisson(&mut rng, lambda) as f64).collect();
            let mean = draws.iter().sum::<f64>() / n as f64;
            let variance = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
            // Standard error of the mean is sqrt(lambda / n); allow 5 of them.
            let tolerance = 5.0 * (lambda / n as f64).sqrt();
            assert!((mean - lambda).abs() < tolerance, "{lambda}: mean {mean}");
            assert!(
                (variance / lambda - 1.0).abs() < 0.15,
                "{lambda}: variance {variance}"
            );
        }
    }

    #[test]
    fn streams_are_independent_of_each_other() {
        let mut a = Stream::new(9, 0, "a", 0, 100, 1, 1, flat(), Arrivals::Poisson);
        let mut b = Stream::new(9, 1, "a", 0, 100, 1, 1, flat(), Arrivals::Poisson);
        let mut a_again = Stream::new(9, 0, "a", 0, 100, 1, 1, flat(), Arrivals::Poisson);
        let first: Vec<u64> = (0..20).map(|_| a.draw(1)).collect();
        let other: Vec<u64> = (0..20).map(|_| b.draw(1)).collect();
        let again: Vec<u64> = (0..20).map(|_| a_again.draw(1)).collect();
        assert_eq!(first, again);
        assert_ne!(first, other);
    }
}
