//! Money: an integer count of minor units with its currency, checked arithmetic and
//! formatting. Parsing lives in `parse.rs`, conversion in `rate.rs`.

use std::fmt;

use crate::Currency;

/// An amount of money: a signed count of minor units of one currency.
///
/// `Money::from_minor(125_075, Currency::USD)` is 1,250.75 USD. The count is an `i128`, so
/// even IRR totals over many years fit. Arithmetic is checked: it returns [`MoneyError`]
/// instead of wrapping or panicking, and it refuses to mix currencies.
///
/// `Money` deliberately does not implement `Ord` or the arithmetic operators: amounts of
/// different currencies cannot be compared, and `+` could not report overflow.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Money {
    amount_minor: i128,
    currency: Currency,
}

/// The error returned by [`Money`] arithmetic and conversion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The two operands are in different currencies.
    #[error("currency mismatch: cannot combine {left} with {right}")]
    CurrencyMismatch {
        /// The currency of the left operand (`self`).
        left: Currency,
        /// The currency of the right operand.
        right: Currency,
    },
    /// The exact result does not fit in 128 bits of minor units.
    #[error("overflow: the result of {operation} does not fit in 128-bit minor units")]
    Overflow {
        /// The operation that overflowed.
        operation: MoneyOperation,
    },
}

/// The operation named by [`MoneyError::Overflow`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MoneyOperation {
    /// [`Money::checked_add`].
    Add,
    /// [`Money::checked_sub`].
    Subtract,
    /// [`Money::checked_neg`].
    Negate,
    /// [`Money::checked_mul_int`].
    MultiplyInt,
    /// [`Money::convert`].
    Convert,
}

impl fmt::Display for MoneyOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            MoneyOperation::Add => "addition",
            MoneyOperation::Subtract => "subtraction",
            MoneyOperation::Negate => "negation",
            MoneyOperation::MultiplyInt => "multiplication",
            MoneyOperation::Convert => "conversion",
        };
        f.write_str(name)
    }
}

impl Money {
    /// Makes an amount from a count of minor units: `from_minor(5, Currency::USD)` is
    /// 0.05 USD.
    pub const fn from_minor(amount_minor: i128, currency: Currency) -> Money {
        Money {
            amount_minor,
            currency,
        }
    }

    /// Zero in the given currency.
    pub const fn zero(currency: Currency) -> Money {
        Money::from_minor(0, currency)
    }

    /// The signed count of minor units.
    pub const fn amount_minor(self) -> i128 {
        self.amount_minor
    }

    /// The currency.
    pub const fn currency(self) -> Currency {
        self.currency
    }

    /// `self + other`, both in the same currency.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        let currency = self.same_currency(other)?;
        let amount_minor = self
            .amount_minor
            .checked_add(other.amount_minor)
            .ok_or(overflow(MoneyOperation::Add))?;
        Ok(Money::from_minor(amount_minor, currency))
    }

    /// `self - other`, both in the same currency.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        let currency = self.same_currency(other)?;
        let amount_minor = self
            .amount_minor
            .checked_sub(other.amount_minor)
            .ok_or(overflow(MoneyOperation::Subtract))?;
        Ok(Money::from_minor(amount_minor, currency))
    }

    /// `-self`. Overflows only for `i128::MIN` minor units.
    pub fn checked_neg(self) -> Result<Money, MoneyError> {
        let amount_minor = self
            .amount_minor
            .checked_neg()
            .ok_or(overflow(MoneyOperation::Negate))?;
        Ok(Money::from_minor(amount_minor, self.currency))
    }

    /// `self * factor`, for a plain integer factor such as a quantity.
    pub fn checked_mul_int(self, factor: i128) -> Result<Money, MoneyError> {
        let amount_minor = self
            .amount_minor
            .checked_mul(factor)
            .ok_or(overflow(MoneyOperation::MultiplyInt))?;
        Ok(Money::from_minor(amount_minor, self.currency))
    }

    /// The amount as a plain decimal without separators or code, such as `1250.75` or
    /// `-0.05`: exactly `scale` decimals (none, and no point, for a scale-0 currency), as
    /// JSON and CSV outputs carry amounts.
    pub fn format_plain(self) -> String {
        let scale = u32::from(self.currency.scale());
        let magnitude = self.amount_minor.unsigned_abs();
        let sign = if self.amount_minor < 0 { "-" } else { "" };
        let unit = 10_u128.checked_pow(scale).filter(|_| scale > 0);
        // `checked_div` and `checked_rem` are `None` only for a zero unit, which `pow`
        // never gives.
        match unit.and_then(|u| Some((magnitude.checked_div(u)?, magnitude.checked_rem(u)?))) {
            Some((integer, fraction)) => format!(
                "{sign}{integer}.{fraction:0width$}",
                width = usize::from(self.currency.scale())
            ),
            None => format!("{sign}{magnitude}"),
        }
    }

    /// The amount without its currency code, such as `1,250.75` or `-0.05`.
    ///
    /// The integer part is grouped by thousands with `,`; the decimal point is `.`, followed
    /// by exactly `scale` digits (none, and no point, for a scale-0 currency).
    /// [`Money::format_plain`] gives the same without separators.
    pub fn format_amount(self) -> String {
        let scale = usize::from(self.currency.scale());
        // Pad to at least `scale + 1` digits so that there is always an integer digit.
        let width = scale.saturating_add(1);
        let digits = format!("{:0width$}", self.amount_minor.unsigned_abs());
        // `digits.len() > scale`, so the subtraction never saturates.
        let (integer, fraction) = digits.split_at(digits.len().saturating_sub(scale));

        let mut text = String::with_capacity(digits.len().saturating_mul(2));
        if self.amount_minor < 0 {
            text.push('-');
        }
        let head_len = match integer.len() % 3 {
            0 => 3,
            remainder => remainder,
        };
        let (head, tail) = integer.split_at(head_len.min(integer.len()));
        text.push_str(head);
        for (index, digit) in tail.chars().enumerate() {
            if index % 3 == 0 {
                text.push(',');
            }
            text.push(digit);
        }
        if !fraction.is_empty() {
            text.push('.');
            text.push_str(fraction);
        }
        text
    }

    fn same_currency(self, other: Money) -> Result<Currency, MoneyError> {
        if self.currency == other.currency {
            Ok(self.currency)
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }
}

impl fmt::Display for Money {
    /// Writes the amount and its code, such as `1,250.75 USD`: the form [`Money::parse`]
    /// reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("{} {}", self.format_amount(), self.currency))
    }
}

fn overflow(operation: MoneyOperation) -> MoneyError {
    MoneyError::Overflow { operation }
}

/// Applies a sign to a magnitude, or `None` when the result does not fit in an `i128`.
///
/// `2^127` fits when negative (`i128::MIN`) but not when positive.
pub(crate) fn signed_amount(magnitude: u128, negative: bool) -> Option<i128> {
    if negative {
        0_i128.checked_sub_unsigned(magnitude)
    } else {
        i128::try_from(magnitude).ok()
    }
}

#[cfg(test)]
mod tests;
