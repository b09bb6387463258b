use proptest::prelude::*;

use super::*;
use crate::strategies::{any_days, any_gregorian_date};

/// Checks that Gregorian `gregorian` and Solar Hijri `solar` (both `YYYY-MM-DD`) are the
/// same day, converting each way.
#[track_caller]
fn check(gregorian: &str, solar: &str) {
    let gregorian_date: GregorianDate = gregorian.parse().unwrap();
    let solar_date: SolarHijriDate = solar.parse().unwrap();
    assert_eq!(
        SolarHijriDate::from_gregorian(gregorian_date).to_string(),
        solar,
        "G {gregorian} -> SH"
    );
    assert_eq!(
        solar_date.to_gregorian().to_string(),
        gregorian,
        "SH {solar} -> G"
    );
    assert_eq!(
        gregorian_date.days_since_epoch(),
        solar_date.days_since_epoch()
    );
}

/// Parses a Solar Hijri date and renders it back, or renders `error: <message>`.
#[track_caller]
fn check_parse(text: &str, expected: &str) {
    let actual = match text.parse::<SolarHijriDate>() {
        Ok(date) => date.to_string(),
        Err(error) => format!("error: {error}"),
    };
    assert_eq!(actual, expected, "{text}");
}

/// Checks Nowruz (1 Farvardin) of Solar Hijri `year` and whether the year is leap, as in
/// the DOMAIN.md §3.4 table.
#[track_caller]
fn check_nowruz(year: i32, nowruz: &str, leap: bool) {
    check(nowruz, &format!("{year:04}-01-01"));
    assert_eq!(SolarHijriDate::is_leap_year(year), Ok(leap), "{year} leap");
    let esfand_30 = SolarHijriDate::new(year, 12, 30);
    assert_eq!(esfand_30.is_ok(), leap, "{year}-12-30 exists");
    let next_nowruz = SolarHijriDate::new(year + 1, 1, 1)
        .unwrap()
        .days_since_epoch();
    let length = next_nowruz - SolarHijriDate::new(year, 1, 1).unwrap().days_since_epoch();
    assert_eq!(length, if leap { 366 } else { 365 }, "{year} length");
}

/// Checks a row of the DOMAIN.md §3.4 month table, pasted as is: `SH | first day of each
/// month (MM-DD) x 12 | next Nowruz`. Months 11 and 12 fall in the next Gregorian year.
#[track_caller]
fn check_month_starts(row: &str) {
    let cells: Vec<&str> = row.split('|').map(str::trim).collect();
    assert_eq!(cells.len(), 14, "{row}");
    let year: i32 = cells[0].parse().unwrap();
    for (month, cell) in (1..=12).zip(&cells[1..13]) {
        let gregorian_year = if month <= 10 { year + 621 } else { year + 622 };
        check(
            &format!("{gregorian_year}-{cell}"),
            &format!("{year}-{month:02}-01"),
        );
    }
    check(cells[13], &format!("{}-01-01", year + 1));
}

#[test]
fn nowruz_and_leap_years() {
    check_nowruz(1395, "2016-03-20", true);
    check_nowruz(1396, "2017-03-21", false);
    check_nowruz(1397, "2018-03-21", false);
    check_nowruz(1398, "2019-03-21", false);
    check_nowruz(1399, "2020-03-20", true);
    check_nowruz(1400, "2021-03-21", false);
    check_nowruz(1401, "2022-03-21", false);
    check_nowruz(1402, "2023-03-21", false);
    check_nowruz(1403, "2024-03-20", true);
    check_nowruz(1404, "2025-03-21", false);
    check_nowruz(1405, "2026-03-21", false);
    check_nowruz(1406, "2027-03-21", false);
    check_nowruz(1407, "2028-03-20", false);
    check_nowruz(1408, "2029-03-20", true);
    check_nowruz(1409, "2030-03-21", false);
    check_nowruz(1410, "2031-03-21", false);
    // "Other leap years: 1391 (2012-03-20), 1412 and 1416."
    check_nowruz(1391, "2012-03-20", true);
    assert_eq!(SolarHijriDate::is_leap_year(1412), Ok(true));
    assert_eq!(SolarHijriDate::is_leap_year(1416), Ok(true));
}

#[test]
fn first_day_of_each_month() {
    check_month_starts("1397 | 03-21 | 04-21 | 05-22 | 06-22 | 07-23 | 08-23 | 09-23 | 10-23 | 11-22 | 12-22 | 01-21 | 02-20 | 2019-03-21");
    check_month_starts("1398 | 03-21 | 04-21 | 05-22 | 06-22 | 07-23 | 08-23 | 09-23 | 10-23 | 11-22 | 12-22 | 01-21 | 02-20 | 2020-03-20");
    check_month_starts("1399 | 03-20 | 04-20 | 05-21 | 06-21 | 07-22 | 08-22 | 09-22 | 10-22 | 11-21 | 12-21 | 01-20 | 02-19 | 2021-03-21");
    check_month_starts("1400 | 03-21 | 04-21 | 05-22 | 06-22 | 07-23 | 08-23 | 09-23 | 10-23 | 11-22 | 12-22 | 01-21 | 02-20 | 2022-03-21");
    check_month_starts("1401 | 03-21 | 04-21 | 05-22 | 06-22 | 07-23 | 08-23 | 09-23 | 10-23 | 11-22 | 12-22 | 01-21 | 02-20 | 2023-03-21");
    check_month_starts("1402 | 03-21 | 04-21 | 05-22 | 06-22 | 07-23 | 08-23 | 09-23 | 10-23 | 11-22 | 12-22 | 01-21 | 02-20 | 2024-03-20");
    check_month_starts("1403 | 03-20 | 04-20 | 05-21 | 06-21 | 07-22 | 08-22 | 09-22 | 10-22 | 11-21 | 12-21 | 01-20 | 02-19 | 2025-03-21");
    check_month_starts("1404 | 03-21 | 04-21 | 05-22 | 06-22 | 07-23 | 08-23 | 09-23 | 10-23 | 11-22 | 12-22 | 01-21 | 02-20 | 2026-03-21");
}

#[test]
fn spot_conversions() {
    check("2020-04-20", "1399-02-01");
    check("2020-05-20", "1399-02-31");
    check("2020-03-20", "1399-01-01");
    check("2020-04-19", "1399-01-31");
    check("2023-03-20", "1401-12-29");
    check("2024-03-19", "1402-12-29");
    check("2021-03-20", "1399-12-30");
    check("2025-03-20", "1403-12-30");
    check("2025-03-21", "1404-01-01");
    check("2026-03-20", "1404-12-29");
    check("2020-03-19", "1398-12-29");
    check("1970-01-01", "1348-10-11");
    check("2000-01-01", "1378-10-11");
    // Press dates that agree with the table.
    check("2022-03-21", "1401-01-01");
    check("2024-10-21", "1403-07-30");
    check("2020-07-22", "1399-05-01");
    check("2020-08-21", "1399-05-31");
    check("2020-03-19", "1398-12-29");
}

#[test]
fn range_ends() {
    check("1600-01-01", "0978-10-11");
    check("2600-12-31", "1979-10-10");
    assert_eq!(SolarHijriDate::MIN, GregorianDate::MIN.to_solar_hijri());
    assert_eq!(SolarHijriDate::MAX, GregorianDate::MAX.to_solar_hijri());
    assert_eq!(SolarHijriDate::MIN.to_string(), "0978-10-11");
    check_parse("978-10-11", "error: malformed date \"978-10-11\": expected YYYY-MM-DD (4-digit year, 1- or 2-digit month and day)");
    check_parse(
        "0978-10-10",
        "error: Solar Hijri date 0978-10-10 is outside the supported range 0978-10-11 to 1979-10-10",
    );
    check_parse(
        "1979-10-11",
        "error: Solar Hijri date 1979-10-11 is outside the supported range 0978-10-11 to 1979-10-10",
    );
    check_parse("1979-10-10", "1979-10-10");
    check_parse(
        "0977-12-29",
        "error: Solar Hijri year 977 is out of range 978-1979",
    );
    check_parse(
        "1980-01-01",
        "error: Solar Hijri year 1980 is out of range 978-1979",
    );
    assert_eq!(
        SolarHijriDate::from_days_since_epoch(230_468)
            .unwrap_err()
            .to_string(),
        "day number 230468 is outside the supported range -135140..=230467 (1600-01-01 to 2600-12-31)"
    );
    assert_eq!(
        SolarHijriDate::from_days_since_epoch(-135_140)
            .unwrap()
            .to_string(),
        "0978-10-11"
    );
    assert!(SolarHijriDate::is_leap_year(977).is_err());
}

#[test]
fn parse_and_validate() {
    check_parse("1399-02-01", "1399-02-01");
    check_parse("1399-2-1", "1399-02-01");
    check_parse("1403-12-30", "1403-12-30");
    check_parse("1399-12-30", "1399-12-30");
    check_parse(
        "1404-12-30",
        "error: day 30 does not exist in Esfand 1404 (29 days)",
    );
    check_parse(
        "1402-12-30",
        "error: day 30 does not exist in Esfand 1402 (29 days)",
    );
    check_parse(
        "1402-07-31",
        "error: day 31 does not exist in Mehr 1402 (30 days)",
    );
    check_parse(
        "1402-01-32",
        "error: day 32 does not exist in Farvardin 1402 (31 days)",
    );
    check_parse(
        "1402-01-00",
        "error: day 0 does not exist in Farvardin 1402 (31 days)",
    );
    check_parse("1402-13-01", "error: month 13 is out of range 1-12");
    check_parse("1402-00-01", "error: month 0 is out of range 1-12");
    let malformed = |text: &str| {
        format!("error: malformed date {text:?}: expected YYYY-MM-DD (4-digit year, 1- or 2-digit month and day)")
    };
    for text in [
        "",
        "1402",
        "1402-01",
        "1402-01-01-01",
        "1402/01/01",
        " 1402-01-01",
        "1402-01-01 ",
        "1402-001-01",
        "1402-01-+1",
        "+1402-01-01",
        "14020-01-01",
        "۱۴۰۲-۰۱-۰۱",
    ] {
        check_parse(text, &malformed(text));
    }
}

#[test]
fn accessors() {
    let date = SolarHijriDate::new(1403, 12, 30).unwrap();
    assert_eq!((date.year(), date.month(), date.day()), (1403, 12, 30));
    assert_eq!(date.month_name(), SolarHijriMonth::Esfand);
    assert_eq!(date.days_in_month(), 30);
    assert!(date.is_in_leap_year());
    let date = SolarHijriDate::new(1404, 7, 1).unwrap();
    assert_eq!(date.month_name(), SolarHijriMonth::Mehr);
    assert_eq!(date.days_in_month(), 30);
    assert!(!date.is_in_leap_year());
    assert_eq!(GregorianDate::from(date), date.to_gregorian());
    assert_eq!(SolarHijriDate::from(date.to_gregorian()), date);
}

/// Every Solar Hijri year in range has 365 or 366 days, its months have the lengths of
/// DOMAIN.md §3.1, and the leap years are at most 5 years apart (the 33-year cycle's long
/// interval) and at least 4.
#[test]
fn every_year_is_well_formed() {
    let mut previous_leap: Option<i32> = None;
    for year in 979..=1978 {
        let lengths: Vec<u8> = (1..=12)
            .map(|month| SolarHijriDate::new(year, month, 1).unwrap().days_in_month())
            .collect();
        let leap = SolarHijriDate::is_leap_year(year).unwrap();
        let esfand = if leap { 30 } else { 29 };
        assert_eq!(
            lengths,
            [31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 30, esfand],
            "{year}"
        );
        let nowruz = SolarHijriDate::new(year, 1, 1).unwrap().days_since_epoch();
        let next = SolarHijriDate::new(year + 1, 1, 1)
            .unwrap()
            .days_since_epoch();
        assert_eq!(next - nowruz, if leap { 366 } else { 365 }, "{year}");
        let gregorian = SolarHijriDate::new(year, 1, 1).unwrap().to_gregorian();
        assert_eq!(gregorian.year(), year + 621, "{year}");
        assert_eq!(gregorian.month(), 3, "{year}: Nowruz is in March");
        assert!(
            (19..=22).contains(&gregorian.day()),
            "{year}: Nowruz {gregorian}"
        );
        if leap {
            if let Some(previous) = previous_leap {
                assert!((4..=5).contains(&(year - previous)), "{previous} -> {year}");
            }
            previous_leap = Some(year);
        }
    }
}

proptest! {
    #[test]
    fn gregorian_round_trip(date in any_gregorian_date()) {
        let solar = SolarHijriDate::from_gregorian(date);
        prop_assert_eq!(solar.to_gregorian(), date);
        prop_assert_eq!(solar.days_since_epoch(), date.days_since_epoch());
        prop_assert_eq!(SolarHijriDate::new(solar.year(), solar.month(), solar.day()), Ok(solar));
    }

    #[test]
    fn days_round_trip(days in any_days()) {
        let date = SolarHijriDate::from_days_since_epoch(days).unwrap();
        prop_assert_eq!(date.days_since_epoch(), days);
        prop_assert_eq!(date.to_string().parse::<SolarHijriDate>(), Ok(date));
    }

    #[test]
    fn days_are_monotone(days in any_days()) {
        let date = SolarHijriDate::from_days_since_epoch(days).unwrap();
        if let Ok(next) = SolarHijriDate::from_days_since_epoch(days + 1) {
            prop_assert!(date < next, "{date} < {next}");
            // The next day is the following day of the month, or the first of the next month.
            let expected = if date.day() < date.days_in_month() {
                (date.year(), date.month(), date.day() + 1)
            } else if date.month() < 12 {
                (date.year(), date.month() + 1, 1)
            } else {
                (date.year() + 1, 1, 1)
            };
            prop_assert_eq!((next.year(), next.month(), next.day()), expected);
        }
    }
}
