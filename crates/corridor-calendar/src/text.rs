//! Parsing of the `YYYY-MM-DD` text form shared by both date types.
//!
//! Only the shape is checked here; the values are checked by the date constructors, so
//! `2023-02-30` is well-formed and then rejected because February 2023 has 28 days.

use crate::CalendarError;

/// What `YYYY-MM-DD` accepts, for messages.
const DATE_FORM: &str = "YYYY-MM-DD (4-digit year, 1- or 2-digit month and day)";

/// Splits `YYYY-MM-DD` into numbers. The year has exactly 4 ASCII digits; the month and
/// the day 1 or 2.
pub(crate) fn parse_ymd(text: &str) -> Result<(i32, u8, u8), CalendarError> {
    let malformed = || CalendarError::Malformed {
        what: "date",
        text: text.to_owned(),
        expected: DATE_FORM,
    };
    let mut parts = text.split('-');
    let (Some(year), Some(month), Some(day), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed());
    };
    let year = parse_year(year).ok_or_else(malformed)?;
    let month = parse_small(month).ok_or_else(malformed)?;
    let day = parse_small(day).ok_or_else(malformed)?;
    Ok((year, month, day))
}

/// Exactly 4 ASCII digits.
pub(crate) fn parse_year(text: &str) -> Option<i32> {
    digits(text, 4, 4).and_then(|value| i32::try_from(value).ok())
}

/// 1 or 2 ASCII digits.
pub(crate) fn parse_small(text: &str) -> Option<u8> {
    digits(text, 1, 2).and_then(|value| u8::try_from(value).ok())
}

/// A number of `min_len..=max_len` ASCII digits (no sign, no spaces).
fn digits(text: &str, min_len: usize, max_len: usize) -> Option<u32> {
    let shaped =
        (min_len..=max_len).contains(&text.len()) && text.bytes().all(|byte| byte.is_ascii_digit());
    if shaped {
        text.parse().ok()
    } else {
        None
    }
}
