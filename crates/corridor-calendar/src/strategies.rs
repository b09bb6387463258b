//! Proptest strategies shared by the unit tests of several modules.

use proptest::prelude::*;

use crate::calendar::{MAX_DAYS, MIN_DAYS};
use crate::{GregorianDate, PeriodKind};

/// Any supported day, as days since 1970-01-01, with extra weight on the ends of the range
/// and on the years around the present.
pub(crate) fn any_days() -> impl Strategy<Value = i64> {
    prop_oneof![
        MIN_DAYS..=MAX_DAYS,
        MIN_DAYS..=MIN_DAYS + 800,
        MAX_DAYS - 800..=MAX_DAYS,
        15_000_i64..25_000,
    ]
}

/// Any supported Gregorian date.
pub(crate) fn any_gregorian_date() -> impl Strategy<Value = GregorianDate> {
    any_days().prop_map(|days| GregorianDate::from_days_since_epoch(days).unwrap())
}

/// Any period kind.
pub(crate) fn any_period_kind() -> impl Strategy<Value = PeriodKind> {
    proptest::sample::select(PeriodKind::ALL.as_slice())
}
