use proptest::prelude::*;

use super::*;
use crate::strategies::any_days;

/// Parses a Gregorian date and renders it with its day number (`YYYY-MM-DD #days`), or
/// renders `error: <message>`.
#[track_caller]
fn check(text: &str, expected: &str) {
    let actual = match text.parse::<GregorianDate>() {
        Ok(date) => format!("{date} #{}", date.days_since_epoch()),
        Err(error) => format!("error: {error}"),
    };
    assert_eq!(actual, expected, "{text}");
}

#[test]
fn parse_and_count_days() {
    check("1970-01-01", "1970-01-01 #0");
    check("1969-12-31", "1969-12-31 #-1");
    check("2000-01-01", "2000-01-01 #10957");
    check("2020-4-20", "2020-04-20 #18372");
    check("2024-02-29", "2024-02-29 #19782");
    check("2000-02-29", "2000-02-29 #11016");
    check("1600-01-01", "1600-01-01 #-135140");
    check("2600-12-31", "2600-12-31 #230467");
}

#[test]
fn invalid_dates() {
    check(
        "2023-02-29",
        "error: day 29 does not exist in February 2023 (28 days)",
    );
    check(
        "1900-02-29",
        "error: day 29 does not exist in February 1900 (28 days)",
    );
    check(
        "2024-02-30",
        "error: day 30 does not exist in February 2024 (29 days)",
    );
    check(
        "2024-04-31",
        "error: day 31 does not exist in April 2024 (30 days)",
    );
    check(
        "2024-01-00",
        "error: day 0 does not exist in January 2024 (31 days)",
    );
    check("2024-13-01", "error: month 13 is out of range 1-12");
    check("2024-00-01", "error: month 0 is out of range 1-12");
    check(
        "1599-12-31",
        "error: Gregorian year 1599 is out of range 1600-2600",
    );
    check(
        "2601-01-01",
        "error: Gregorian year 2601 is out of range 1600-2600",
    );
    check(
        "2024/01/01",
        "error: malformed date \"2024/01/01\": expected YYYY-MM-DD (4-digit year, 1- or 2-digit month and day)",
    );
    check(
        "24-01-01",
        "error: malformed date \"24-01-01\": expected YYYY-MM-DD (4-digit year, 1- or 2-digit month and day)",
    );
    check(
        "-2024-01-01",
        "error: malformed date \"-2024-01-01\": expected YYYY-MM-DD (4-digit year, 1- or 2-digit month and day)",
    );
    assert_eq!(
        GregorianDate::new(i32::MAX, 1, 1).unwrap_err().to_string(),
        "Gregorian year 2147483647 is out of range 1600-2600"
    );
    assert_eq!(
        GregorianDate::new(2024, 255, 1).unwrap_err().to_string(),
        "month 255 is out of range 1-12"
    );
}

#[test]
fn day_numbers_out_of_range() {
    for days in [i64::MIN, -135_141, 230_468, i64::MAX] {
        assert_eq!(
            GregorianDate::from_days_since_epoch(days),
            Err(CalendarError::DaysOutOfRange { days })
        );
    }
    assert_eq!(
        GregorianDate::from_days_since_epoch(-135_140),
        Ok(GregorianDate::MIN)
    );
    assert_eq!(
        GregorianDate::from_days_since_epoch(230_467),
        Ok(GregorianDate::MAX)
    );
}

#[test]
fn accessors() {
    let date = GregorianDate::new(2024, 2, 3).unwrap();
    assert_eq!((date.year(), date.month(), date.day()), (2024, 2, 3));
    assert_eq!(date.days_in_month(), 29);
    assert_eq!(date.to_solar_hijri().to_string(), "1402-11-14");
}

proptest! {
    #[test]
    fn days_round_trip(days in any_days()) {
        let date = GregorianDate::from_days_since_epoch(days).unwrap();
        prop_assert_eq!(date.days_since_epoch(), days);
        prop_assert_eq!(date.to_string().parse::<GregorianDate>(), Ok(date));
        prop_assert_eq!(GregorianDate::new(date.year(), date.month(), date.day()), Ok(date));
    }

    #[test]
    fn days_are_monotone(days in any_days(), step in 1_i64..800) {
        let date = GregorianDate::from_days_since_epoch(days).unwrap();
        if let Ok(later) = GregorianDate::from_days_since_epoch(days + step) {
            prop_assert!(date < later, "{date} < {later}");
        }
    }
}
