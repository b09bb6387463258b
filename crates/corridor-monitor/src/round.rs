//! Integer rounding shared by the calculators: every conversion to cents or basis points
//! rounds half to even ("banker's rounding"), so that sums of many rounded values carry no
//! upward bias.

use std::cmp::Ordering;

/// `num / den` rounded half to even. `den` must be positive.
pub(crate) fn div_half_even(num: i128, den: i128) -> i128 {
    debug_assert!(den > 0);
    let q = num.div_euclid(den);
    let r = num.rem_euclid(den); // 0 <= r < den
    match r.cmp(&(den - r)) {
        Ordering::Less => q,
        Ordering::Greater => q + 1,
        Ordering::Equal => {
            if q % 2 == 0 {
                q
            } else {
                q + 1
            }
        }
    }
}

/// A float rounded half to even to an integer, or `None` if it is not finite or does not
/// fit comfortably in an `i128`.
pub(crate) fn f64_half_even(x: f64) -> Option<i128> {
    if !x.is_finite() {
        return None;
    }
    let r = x.round_ties_even();
    // 2^126: far beyond any amount of money, well inside i128.
    if r.abs() >= 8.507_059_173_023_462e37 {
        return None;
    }
    // The value is integral and in range, so the cast is exact.
    #[allow(clippy::cast_possible_truncation)]
    Some(r as i128)
}

/// A float rounded half to even to an `i64`, or `None` if it is not finite or out of range.
pub(crate) fn f64_half_even_i64(x: f64) -> Option<i64> {
    f64_half_even(x).and_then(|v| i64::try_from(v).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_division_rounds_half_to_even() {
        assert_eq!(div_half_even(5, 2), 2);
        assert_eq!(div_half_even(7, 2), 4);
        assert_eq!(div_half_even(-5, 2), -2);
        assert_eq!(div_half_even(-7, 2), -4);
        assert_eq!(div_half_even(10, 3), 3);
        assert_eq!(div_half_even(11, 3), 4);
        assert_eq!(div_half_even(-11, 3), -4);
        assert_eq!(div_half_even(0, 7), 0);
        assert_eq!(div_half_even(i128::MAX, i128::MAX), 1);
    }

    #[test]
    fn floats_round_half_to_even() {
        assert_eq!(f64_half_even(2.5), Some(2));
        assert_eq!(f64_half_even(3.5), Some(4));
        assert_eq!(f64_half_even(-2.5), Some(-2));
        assert_eq!(f64_half_even(2.4999), Some(2));
        assert_eq!(f64_half_even(f64::NAN), None);
        assert_eq!(f64_half_even(f64::INFINITY), None);
        assert_eq!(f64_half_even(1e40), None);
        assert_eq!(f64_half_even_i64(1e30), None);
    }
}
