//! Proptest strategies shared by the unit tests of several modules.

use proptest::prelude::*;

use crate::Currency;

/// Any currency in the table.
pub(crate) fn any_currency() -> impl Strategy<Value = Currency> {
    proptest::sample::select(Currency::all())
}

/// Any `i128`, with extra weight on small values and on the extremes.
pub(crate) fn any_amount_minor() -> impl Strategy<Value = i128> {
    prop_oneof![
        any::<i128>(),
        -1_000_000_i128..1_000_000,
        Just(i128::MIN),
        Just(i128::MAX),
        i128::MIN..=i128::MIN.checked_add(1_000).unwrap(),
        i128::MAX.checked_sub(1_000).unwrap()..=i128::MAX,
    ]
}
