//! Exchange rates as exact rationals, and currency conversion with an explicit rounding mode.

use std::fmt;

use crate::money::signed_amount;
use crate::{Currency, Money, MoneyError, MoneyOperation};

/// An exchange rate, as an exact fraction: one major unit of the source currency is worth
/// `numerator / denominator` major units of the target currency.
///
/// "1 USD = 1310 IQD" is `Rate::new(1310, 1)` from USD to IQD, and `Rate::new(1, 1310)`
/// from IQD to USD. The rate does not name its currencies: [`Money::convert`] takes the
/// source currency from the amount and the target as a parameter.
///
/// Equality is structural: `2/4` and `1/2` are different `Rate`s, because a rate records
/// what was agreed. Both convert identically.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Rate {
    numerator: u128,
    denominator: u128,
}

/// The error returned by [`Rate::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    /// The denominator is zero, so the fraction has no value.
    #[error("invalid rate {numerator}/0: the denominator must not be zero")]
    ZeroDenominator {
        /// The numerator that came with the zero denominator.
        numerator: u128,
    },
    /// The numerator is zero: a rate of zero would turn any amount into nothing.
    #[error("invalid rate 0/{denominator}: the numerator must not be zero")]
    ZeroNumerator {
        /// The denominator that came with the zero numerator.
        denominator: u128,
    },
}

/// How [`Money::convert`] rounds an exact result to a whole number of minor units.
///
/// Every mode is symmetric around zero: it rounds the magnitude, then restores the sign.
/// Examples give the exact result in minor units and the rounded one.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Rounding {
    /// Toward zero (truncation): 1.7 → 1, -1.7 → -1.
    Down,
    /// Away from zero: 1.2 → 2, -1.2 → -2.
    Up,
    /// To the nearest, ties to the even neighbour (banker's rounding): 0.5 → 0, 1.5 → 2,
    /// 2.5 → 2, -1.5 → -2.
    HalfEven,
    /// To the nearest, ties away from zero: 0.5 → 1, 1.5 → 2, -0.5 → -1.
    HalfUp,
}

impl Rate {
    /// Makes the rate `numerator / denominator`. Both must be non-zero.
    pub const fn new(numerator: u128, denominator: u128) -> Result<Rate, RateError> {
        if denominator == 0 {
            return Err(RateError::ZeroDenominator { numerator });
        }
        if numerator == 0 {
            return Err(RateError::ZeroNumerator { denominator });
        }
        Ok(Rate {
            numerator,
            denominator,
        })
    }

    /// The numerator, as given to [`Rate::new`].
    pub const fn numerator(self) -> u128 {
        self.numerator
    }

    /// The denominator, as given to [`Rate::new`]; never zero.
    pub const fn denominator(self) -> u128 {
        self.denominator
    }
}

impl fmt::Display for Rate {
    /// Writes the fraction, such as `1310/1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("{}/{}", self.numerator, self.denominator))
    }
}

impl Money {
    /// Converts to another currency at an exact rate, rounding the result to whole minor
    /// units of `to` as `rounding` says.
    ///
    /// The exact result, in minor units of `to`, is
    /// `amount_minor * numerator * 10^to.scale / (denominator * 10^from.scale)`. It is
    /// computed in 128-bit integers after cancelling common factors, so there is no float
    /// and no intermediate rounding. Returns [`MoneyError::Overflow`] when the result, or a
    /// product of the reduced factors, does not fit in 128 bits.
    ///
    /// ```
    /// use corridor_core::{Currency, Money, Rate, Rounding};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let dollars = Money::parse("100.00 USD")?;
    /// let dinars = dollars.convert(Rate::new(1310, 1)?, Currency::IQD, Rounding::HalfEven)?;
    /// assert_eq!(dinars.to_string(), "131,000.000 IQD");
    /// # Ok(())
    /// # }
    /// ```
    pub fn convert(
        self,
        rate: Rate,
        to: Currency,
        rounding: Rounding,
    ) -> Result<Money, MoneyError> {
        let overflow = MoneyError::Overflow {
            operation: MoneyOperation::Convert,
        };
        let (scale_up, scale_down) =
            scale_factors(self.currency().scale(), to.scale()).ok_or(overflow)?;

        // The exact result's magnitude is amount * rate_numerator * scale_up over
        // rate_denominator * scale_down. Cancel every numerator factor against both
        // denominator factors first, so that the products below overflow only when they
        // have to.
        let amount = self.amount_minor().unsigned_abs();
        let (rate_numerator, rate_denominator) = reduce(rate.numerator(), rate.denominator());
        let (amount, rate_denominator) = reduce(amount, rate_denominator);
        let (scale_up, rate_denominator) = reduce(scale_up, rate_denominator);
        let (rate_numerator, scale_down) = reduce(rate_numerator, scale_down);
        let (amount, scale_down) = reduce(amount, scale_down);

        let numerator = amount
            .checked_mul(rate_numerator)
            .and_then(|product| product.checked_mul(scale_up))
            .ok_or(overflow)?;
        let denominator = rate_denominator.checked_mul(scale_down).ok_or(overflow)?;
        let magnitude = divide_rounded(numerator, denominator, rounding).ok_or(overflow)?;
        let amount_minor = signed_amount(magnitude, self.amount_minor() < 0).ok_or(overflow)?;
        Ok(Money::from_minor(amount_minor, to))
    }
}

/// The powers of ten that take minor units of `from_scale` to minor units of `to_scale`,
/// as (multiplier, divisor). One of the two is always 1.
fn scale_factors(from_scale: u8, to_scale: u8) -> Option<(u128, u128)> {
    match to_scale.checked_sub(from_scale) {
        Some(up) => Some((10_u128.checked_pow(u32::from(up))?, 1)),
        None => {
            let down = from_scale.checked_sub(to_scale)?;
            Some((1, 10_u128.checked_pow(u32::from(down))?))
        }
    }
}

/// Divides both by their greatest common divisor. The value of `a / b` is unchanged.
fn reduce(a: u128, b: u128) -> (u128, u128) {
    let divisor = greatest_common_divisor(a, b);
    match (a.checked_div(divisor), b.checked_div(divisor)) {
        (Some(a_reduced), Some(b_reduced)) => (a_reduced, b_reduced),
        // Only when both are zero: leaving them as they are keeps the value.
        _ => (a, b),
    }
}

fn greatest_common_divisor(mut a: u128, mut b: u128) -> u128 {
    // Euclid's algorithm: `checked_rem` is `None` exactly when `b` is zero, which ends it.
    while let Some(remainder) = a.checked_rem(b) {
        a = b;
        b = remainder;
    }
    a
}

/// `numerator / denominator`, rounded to an integer, or `None` when the denominator is zero
/// or rounding up overflows.
fn divide_rounded(numerator: u128, denominator: u128, rounding: Rounding) -> Option<u128> {
    let quotient = numerator.checked_div(denominator)?;
    let remainder = numerator.checked_rem(denominator)?;
    if remainder == 0 {
        return Some(quotient);
    }
    // Compare the remainder with its complement rather than doubling it, which could
    // overflow. `remainder < denominator`, so the subtraction never saturates.
    let complement = denominator.saturating_sub(remainder);
    let round_away = match rounding {
        Rounding::Down => false,
        Rounding::Up => true,
        Rounding::HalfUp => remainder >= complement,
        Rounding::HalfEven => match remainder.cmp(&complement) {
            std::cmp::Ordering::Less => false,
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Equal => quotient % 2 == 1,
        },
    };
    if round_away {
        quotient.checked_add(1)
    } else {
        Some(quotient)
    }
}

#[cfg(test)]
mod tests;
