//! What a simulation reports. Every type is `serde::Serialize`; amounts are in minor units
//! of the scenario's currency, written in JSON as decimal strings (as the service writes
//! amounts), and shares are basis points. Daily series start on the period's first day.

use serde::{Serialize, Serializer};

/// Writes an `i128` amount as a decimal string.
pub(crate) fn minor<S: Serializer>(value: &i128, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

/// The outcome of simulating one scenario.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScenarioResult {
    /// The scenario's name.
    pub name: String,
    /// The seed used.
    pub seed: u64,
    /// The currency of every amount (ISO 4217 code).
    pub currency: String,
    /// Its digits after the decimal point: amounts are in units of 10^-exponent.
    pub exponent: u8,
    /// The first simulated day, `YYYY-MM-DD`.
    pub from: String,
    /// The last simulated day, `YYYY-MM-DD`.
    pub to: String,
    /// The number of simulated days.
    pub days: u32,
    /// The whole corridor.
    pub corridor: CorridorResult,
    /// Each crossing, in the scenario's order.
    pub crossings: Vec<CrossingResult>,
    /// Each sector, in order of first appearance in the demand lines.
    pub sectors: Vec<SectorResult>,
    /// Trucks and value that crossed, by Gregorian month (first and last may be partial).
    pub months_gregorian: Vec<MonthResult>,
    /// Trucks and value that crossed, by Solar Hijri month (first and last may be partial).
    pub months_solar_hijri: Vec<MonthResult>,
    /// Each target's projection.
    pub targets: Vec<TargetProjection>,
}

/// Totals for the whole corridor. At the end of every day,
/// `arrived = passed + queued + in transit` (see the daily series).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CorridorResult {
    /// Trucks that arrived (new demand) over the period.
    pub arrived: u64,
    /// Trucks that crossed.
    pub passed: u64,
    /// Trucks waiting at a crossing at the end.
    pub queued_at_end: u64,
    /// Trucks on the road between crossings (diverted) at the end.
    pub in_transit_at_end: u64,
    /// Trucks diverted (each counted once: a truck diverts at most once).
    pub diverted: u64,
    /// Value of the trucks that arrived.
    #[serde(serialize_with = "minor")]
    pub value_arrived_minor: i128,
    /// Value of the trucks that crossed: exported.
    #[serde(serialize_with = "minor")]
    pub value_exported_minor: i128,
    /// Value waiting at crossings at the end.
    #[serde(serialize_with = "minor")]
    pub value_queued_at_end_minor: i128,
    /// Value on the road at the end.
    #[serde(serialize_with = "minor")]
    pub value_in_transit_at_end_minor: i128,
    /// Days from a truck's arrival (at its first crossing) to crossing, over trucks that
    /// crossed: waiting, plus days on the road if diverted.
    pub delay: WaitStats,
    /// New trucks per day.
    pub arrivals_per_day: Vec<u64>,
    /// Trucks on the road (diverted) at the end of each day.
    pub in_transit_per_day: Vec<u64>,
}

/// One crossing's results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CrossingResult {
    /// The crossing's id.
    pub id: String,
    /// Its display name, if the scenario gives one.
    pub name: Option<String>,
    /// Days with capacity above 0.
    pub open_days: u32,
    /// The sum of the daily capacities.
    pub capacity_offered: u64,
    /// New trucks that chose this crossing.
    pub arrived: u64,
    /// Trucks diverted here from other crossings (counted when they join the queue).
    pub diverted_in: u64,
    /// Trucks diverted from here to other crossings.
    pub diverted_out: u64,
    /// Trucks that crossed here.
    pub passed: u64,
    /// Trucks waiting here at the end: the backlog.
    pub queued_at_end: u64,
    /// The value of the backlog.
    #[serde(serialize_with = "minor")]
    pub value_queued_at_end_minor: i128,
    /// How long the longest-waiting truck of the backlog has waited, in days (at the end of
    /// the last day); `None` if there is no backlog.
    pub oldest_waiting_days: Option<u32>,
    /// The longest queue at the end of a day.
    pub max_queue: u64,
    /// The first day with that queue, if it was above 0.
    pub max_queue_date: Option<String>,
    /// `passed / capacity_offered` in basis points; `None` if no capacity was offered.
    pub utilisation_bp: Option<u32>,
    /// Days from joining this crossing's queue to crossing, over trucks that crossed here.
    pub wait: WaitStats,
    /// Capacity each day, from the calendar.
    pub capacity_per_day: Vec<u32>,
    /// Trucks that crossed each day.
    pub passed_per_day: Vec<u64>,
    /// Trucks waiting at the end of each day.
    pub queue_per_day: Vec<u64>,
    /// Trucks that crossed, per month of [`ScenarioResult::months_gregorian`].
    pub passed_by_month_gregorian: Vec<u64>,
    /// Trucks that crossed, per month of [`ScenarioResult::months_solar_hijri`].
    pub passed_by_month_solar_hijri: Vec<u64>,
}

/// A distribution of whole days over trucks, exact (from a histogram, one count per
/// day): all `None` if no truck is counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WaitStats {
    /// How many trucks are counted.
    pub trucks: u64,
    /// The mean, in tenths of a day, rounded half up.
    pub mean_tenths: Option<u64>,
    /// The median (50th percentile, nearest rank).
    pub median_days: Option<u32>,
    /// The 95th percentile (nearest rank: the smallest value with at least 95 % of the
    /// trucks at or below it).
    pub p95_days: Option<u32>,
    /// The largest value.
    pub max_days: Option<u32>,
}

impl WaitStats {
    /// The statistics of a histogram: `histogram[d]` trucks waited `d` days.
    pub fn from_histogram(histogram: &[u64]) -> WaitStats {
        let trucks: u64 = histogram.iter().sum();
        if trucks == 0 {
            return WaitStats::default();
        }
        let total_days: u128 = histogram
            .iter()
            .enumerate()
            .map(|(days, count)| days as u128 * u128::from(*count))
            .sum();
        let trucks_wide = u128::from(trucks);
        let mean_tenths = (total_days * 20 + trucks_wide) / (trucks_wide * 2);
        let percentile = |percent: u64| -> Option<u32> {
            // Nearest rank: ceil(percent * trucks / 100), at least 1.
            let rank = (u128::from(percent) * trucks_wide).div_ceil(100).max(1);
            let mut seen = 0u128;
            histogram.iter().enumerate().find_map(|(days, count)| {
                seen += u128::from(*count);
                (seen >= rank).then(|| u32::try_from(days).unwrap_or(u32::MAX))
            })
        };
        WaitStats {
            trucks,
            mean_tenths: u64::try_from(mean_tenths).ok(),
            median_days: percentile(50),
            p95_days: percentile(95),
            max_days: histogram
                .iter()
                .rposition(|count| *count > 0)
                .map(|days| u32::try_from(days).unwrap_or(u32::MAX)),
        }
    }
}

/// Trucks and value of one sector.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SectorResult {
    /// The sector.
    pub sector: String,
    /// Trucks that arrived.
    pub arrived: u64,
    /// Trucks that crossed.
    pub passed: u64,
    /// Value that crossed.
    #[serde(serialize_with = "minor")]
    pub value_exported_minor: i128,
}

/// One month of exports (the month's days within the simulated period).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MonthResult {
    /// The period in its calendar's numbers: `2020-07` or `1399-04`.
    pub period: String,
    /// The month's name and year: `July 2020`, `Tir 1399`.
    pub name: String,
    /// The month's first day (Gregorian).
    pub first_day: String,
    /// The month's last day (Gregorian).
    pub last_day: String,
    /// How many of its days were simulated.
    pub days_simulated: u32,
    /// Trucks that crossed.
    pub trucks_passed: u64,
    /// Value that crossed.
    #[serde(serialize_with = "minor")]
    pub value_exported_minor: i128,
}

/// A target's projection: what was achieved before the simulation, plus what crossed
/// during the simulated days of the target's period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TargetProjection {
    /// The target's name.
    pub name: String,
    /// The target period's first day.
    pub from: String,
    /// The target period's last day.
    pub to: String,
    /// The target amount.
    #[serde(serialize_with = "minor")]
    pub amount_minor: i128,
    /// Achieved before the simulation (stated in the scenario).
    #[serde(serialize_with = "minor")]
    pub achieved_before_minor: i128,
    /// Exported during the simulated days of the target's period.
    #[serde(serialize_with = "minor")]
    pub simulated_minor: i128,
    /// `achieved_before + simulated`.
    #[serde(serialize_with = "minor")]
    pub projection_minor: i128,
    /// `projection / amount` in basis points, rounded half to even.
    pub progress_bp: u64,
    /// `amount - projection` (negative if the target is exceeded).
    #[serde(serialize_with = "minor")]
    pub shortfall_minor: i128,
    /// Days of the target's period that were simulated.
    pub days_simulated: u32,
    /// Days of the target's period after the simulation's last day: not projected (the
    /// projection counts nothing for them).
    pub days_after_simulation: u32,
}

/// `numerator / denominator` rounded half to even; both non-negative, denominator above 0.
pub(crate) fn div_half_even(numerator: i128, denominator: i128) -> i128 {
    if denominator <= 0 {
        return 0;
    }
    let quotient = numerator.div_euclid(denominator);
    let twice_remainder = numerator.rem_euclid(denominator) * 2;
    if twice_remainder > denominator || (twice_remainder == denominator && quotient % 2 != 0) {
        quotient + 1
    } else {
        quotient
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_of_a_small_histogram() {
        // 150 trucks waited 0 days, 100 waited 1, 200 waited 2, 100 waited 3, 50 waited 4.
        let stats = WaitStats::from_histogram(&[150, 100, 200, 100, 50]);
        assert_eq!(stats.trucks, 600);
        // (100 + 400 + 300 + 200) / 600 = 1.667 days.
        assert_eq!(stats.mean_tenths, Some(17));
        assert_eq!(stats.median_days, Some(2)); // rank 300
        assert_eq!(stats.p95_days, Some(4)); // rank 570
        assert_eq!(stats.max_days, Some(4));
        assert_eq!(WaitStats::from_histogram(&[0, 0]), WaitStats::default());
        let one = WaitStats::from_histogram(&[0, 0, 0, 1]);
        assert_eq!(
            (one.mean_tenths, one.median_days, one.p95_days, one.max_days),
            (Some(30), Some(3), Some(3), Some(3))
        );
    }

    #[test]
    fn rounding_half_even() {
        assert_eq!(div_half_even(5, 2), 2);
        assert_eq!(div_half_even(7, 2), 4);
        assert_eq!(div_half_even(10, 4), 2);
        assert_eq!(div_half_even(11, 4), 3);
        assert_eq!(div_half_even(0, 3), 0);
    }
}
