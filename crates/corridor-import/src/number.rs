//! Exact parsing of the numbers Comtrade files write, without floats.

/// A non-negative integer, possibly written as an integral float (`"842"`, `"842.0"`, `" 7 "`).
/// `None` for anything else: empty text, a sign, a non-zero fraction, an exponent, overflow.
pub(crate) fn parse_integral(text: &str) -> Option<u64> {
    let (whole, fraction) = split_decimal(text.trim())?;
    if !fraction.bytes().all(|b| b == b'0') {
        return None;
    }
    whole.parse().ok()
}

/// A US dollar amount as a count of cents (`"123.45"` is 12345, `"7.0"` is 700, `"-2.5"` is
/// -250). Comtrade writes some values with fractions of a cent (`"314026861.381"`): those are
/// rounded to the cent, half to even (`"0.125"` is 12, `"0.135"` is 14, `"0.1251"` is 13),
/// exactly, on the decimal digits.
pub(crate) fn parse_cents(text: &str) -> Option<i128> {
    let text = text.trim();
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = split_decimal(unsigned)?;
    let (cents_digits, rest) = fraction.split_at(fraction.len().min(2));
    let mut cents: i128 = whole.parse().ok()?;
    for position in 0..2 {
        let digit = cents_digits
            .as_bytes()
            .get(position)
            .map_or(0, |digit| i128::from(digit - b'0'));
        cents = cents.checked_mul(10)?.checked_add(digit)?;
    }
    // The digits past the cent: above one half rounds up, exactly one half rounds to even.
    let rest = rest.as_bytes();
    let above_half = rest.first().is_some_and(|first| *first > b'5')
        || (rest.first() == Some(&b'5') && rest[1..].iter().any(|digit| *digit != b'0'));
    let exactly_half = rest.first() == Some(&b'5') && rest[1..].iter().all(|digit| *digit == b'0');
    if above_half || (exactly_half && cents % 2 == 1) {
        cents = cents.checked_add(1)?;
    }
    Some(if negative { -cents } else { cents })
}

/// Splits `"12.34"` into `("12", "34")` and `"12"` into `("12", "")`. The whole part must be
/// one or more ASCII digits; after a point, one or more ASCII digits.
fn split_decimal(text: &str) -> Option<(&str, &str)> {
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) if !fraction.is_empty() => (whole, fraction),
        Some(_) => return None,
        None => (text, ""),
    };
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    (!whole.is_empty() && digits(whole) && digits(fraction)).then_some((whole, fraction))
}

#[cfg(test)]
mod tests;
