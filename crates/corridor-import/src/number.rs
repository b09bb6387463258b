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
    let value = parse_scaled(unsigned, 2)?;
    Some(if negative { -value } else { value })
}

/// A non-negative decimal as a count of `10^-scale` units, rounded half to even on the
/// digits past `scale` (`parse_scaled("1.2345", 3)` is 1234, `("1.2355", 3)` is 1236).
/// No sign, no grouping, no exponent; surrounding spaces are not trimmed.
pub(crate) fn parse_scaled(text: &str, scale: usize) -> Option<i128> {
    let (whole, fraction) = split_decimal(text)?;
    let (kept, rest) = fraction.split_at(fraction.len().min(scale));
    let mut value: i128 = whole.parse().ok()?;
    for position in 0..scale {
        let digit = kept
            .as_bytes()
            .get(position)
            .map_or(0, |digit| i128::from(digit - b'0'));
        value = value.checked_mul(10)?.checked_add(digit)?;
    }
    // The digits past the scale: above one half rounds up, exactly one half rounds to even.
    let rest = rest.as_bytes();
    let above_half = rest.first().is_some_and(|first| *first > b'5')
        || (rest.first() == Some(&b'5') && rest[1..].iter().any(|digit| *digit != b'0'));
    let exactly_half = rest.first() == Some(&b'5') && rest[1..].iter().all(|digit| *digit == b'0');
    if above_half || (exactly_half && value % 2 == 1) {
        value = value.checked_add(1)?;
    }
    Some(value)
}

/// How many digits follow the decimal point of `text` (0 without a point).
pub(crate) fn decimals_count(text: &str) -> usize {
    text.split_once('.')
        .map_or(0, |(_, fraction)| fraction.len())
}

/// Removes `,` thousands separators from an unsigned decimal, checking their places: the
/// first group has one to three digits and every later one exactly three (`"1,250,000.5"`
/// is `"1250000.5"`). Text without a comma comes back unchanged; `None` for misplaced
/// commas.
pub(crate) fn ungroup(text: &str) -> Option<std::borrow::Cow<'_, str>> {
    if !text.contains(',') {
        return Some(std::borrow::Cow::Borrowed(text));
    }
    let (integer, fraction) = match text.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (text, None),
    };
    let mut groups = integer.split(',');
    let first = groups.next()?;
    let digits = |group: &str| group.bytes().all(|b| b.is_ascii_digit());
    if !(1..=3).contains(&first.len()) || !digits(first) {
        return None;
    }
    let mut plain = first.to_owned();
    for group in groups {
        if group.len() != 3 || !digits(group) {
            return None;
        }
        plain.push_str(group);
    }
    if let Some(fraction) = fraction {
        if fraction.contains(',') {
            return None;
        }
        plain.push('.');
        plain.push_str(fraction);
    }
    Some(std::borrow::Cow::Owned(plain))
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
