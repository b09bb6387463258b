use proptest::prelude::*;

use super::*;
use crate::strategies::{any_gregorian_date, any_period_kind};
use crate::SolarHijriDate;

/// Parses `SH <text>` or `G <text>` as a period and renders `<text> <first>..<last>`, or
/// renders `error: <message>`.
#[track_caller]
fn check(input: &str, expected: &str) {
    let actual = match parse(input) {
        Ok(period) => format!("{period} {}..{}", period.first_day(), period.last_day()),
        Err(error) => format!("error: {error}"),
    };
    assert_eq!(actual, expected, "{input}");
}

/// Parses `SH <text>` or `G <text>`.
fn parse(input: &str) -> Result<Period, CalendarError> {
    match input.split_once(' ') {
        Some(("SH", text)) => Period::parse(text, Calendar::SolarHijri),
        Some(("G", text)) => Period::parse(text, Calendar::Gregorian),
        _ => panic!("expected SH or G and the text: {input:?}"),
    }
}

/// Applies `walk` to the period `input` and renders the result as [`check`] does.
#[track_caller]
fn check_walk(input: &str, walk: fn(Period) -> Result<Period, CalendarError>, expected: &str) {
    let actual = match walk(parse(input).unwrap()) {
        Ok(period) => format!("{period} {}..{}", period.first_day(), period.last_day()),
        Err(error) => format!("error: {error}"),
    };
    assert_eq!(actual, expected, "{input}");
}

/// Renders the period of `kind` containing Gregorian `date`, or `error: <message>`.
#[track_caller]
fn check_containing(kind: PeriodKind, date: &str, expected: &str) {
    let actual = match Period::containing(kind, date.parse().unwrap()) {
        Ok(period) => period.to_string(),
        Err(error) => format!("error: {error}"),
    };
    assert_eq!(actual, expected, "{kind} containing {date}");
}

#[test]
fn solar_months() {
    check("SH 1399-01", "1399-01 2020-03-20..2020-04-19");
    check("SH 1399-02", "1399-02 2020-04-20..2020-05-20");
    check("SH 1399-05", "1399-05 2020-07-22..2020-08-21");
    check("SH 1399-12", "1399-12 2021-02-19..2021-03-20");
    check("SH 1401-12", "1401-12 2023-02-20..2023-03-20");
    check("SH 1402-12", "1402-12 2024-02-20..2024-03-19");
    check("SH 1403-12", "1403-12 2025-02-19..2025-03-20");
    check("SH 1404-01", "1404-01 2025-03-21..2025-04-20");
    check("SH 1404-12", "1404-12 2026-02-20..2026-03-20");
    check("SH 1399-2", "1399-02 2020-04-20..2020-05-20");
}

#[test]
fn solar_quarters_and_years() {
    check("SH 1399-Q1", "1399-Q1 2020-03-20..2020-06-20");
    check("SH 1399-Q2", "1399-Q2 2020-06-21..2020-09-21");
    check("SH 1399-Q3", "1399-Q3 2020-09-22..2020-12-20");
    check("SH 1399-Q4", "1399-Q4 2020-12-21..2021-03-20");
    check("SH 1403-q4", "1403-Q4 2024-12-21..2025-03-20");
    check("SH 1398", "1398 2019-03-21..2020-03-19");
    check("SH 1399", "1399 2020-03-20..2021-03-20");
    check("SH 1401", "1401 2022-03-21..2023-03-20");
    check("SH 1403", "1403 2024-03-20..2025-03-20");
    check("SH 1404", "1404 2025-03-21..2026-03-20");
}

#[test]
fn gregorian_periods() {
    check("G 2020-04", "2020-04 2020-04-01..2020-04-30");
    check("G 2020-02", "2020-02 2020-02-01..2020-02-29");
    check("G 2021-02", "2021-02 2021-02-01..2021-02-28");
    check("G 2020-Q1", "2020-Q1 2020-01-01..2020-03-31");
    check("G 2020-Q2", "2020-Q2 2020-04-01..2020-06-30");
    check("G 2020-Q4", "2020-Q4 2020-10-01..2020-12-31");
    check("G 2020", "2020 2020-01-01..2020-12-31");
    check("G 1600", "1600 1600-01-01..1600-12-31");
    check("G 2600", "2600 2600-01-01..2600-12-31");
}

#[test]
fn invalid_periods() {
    check("SH 1399-13", "error: month 13 is out of range 1-12");
    check("G 2020-00", "error: month 0 is out of range 1-12");
    check("SH 1399-Q5", "error: quarter 5 is out of range 1-4");
    check("G 2020-Q0", "error: quarter 0 is out of range 1-4");
    check(
        "G 2601",
        "error: Gregorian year 2601 is out of range 1600-2600",
    );
    check(
        "SH 1980",
        "error: Solar Hijri year 1980 is out of range 978-1979",
    );
    check(
        "SH 1979",
        "error: Solar Hijri year 1979 is not entirely within the supported range 1600-01-01 to 2600-12-31",
    );
    check(
        "SH 0978",
        "error: Solar Hijri year 0978 is not entirely within the supported range 1600-01-01 to 2600-12-31",
    );
    check(
        "SH 0978-Q4",
        "error: Solar Hijri quarter 0978-Q4 is not entirely within the supported range 1600-01-01 to 2600-12-31",
    );
    check(
        "SH 0978-10",
        "error: Solar Hijri month 0978-10 is not entirely within the supported range 1600-01-01 to 2600-12-31",
    );
    check("SH 0978-11", "0978-11 1600-01-21..1600-02-19");
    check("SH 1979-09", "1979-09 2600-11-22..2600-12-21");
    check(
        "SH 1979-10",
        "error: Solar Hijri month 1979-10 is not entirely within the supported range 1600-01-01 to 2600-12-31",
    );
    let expected = "YYYY (year), YYYY-MM (month) or YYYY-Qn (quarter)";
    for text in [
        "",
        "99",
        "1399-",
        "1399-Q",
        "1399-Q12",
        "1399-Q-1",
        "1399-001",
        "1399-01-01",
        "Q1-1399",
        "1399 ",
        "۱۳۹۹",
    ] {
        check(
            &format!("SH {text}"),
            &format!("error: malformed Solar Hijri period {text:?}: expected {expected}"),
        );
    }
    check(
        "G 2020/04",
        &format!("error: malformed Gregorian period \"2020/04\": expected {expected}"),
    );
}

#[test]
fn walking() {
    check_walk("SH 1399-12", Period::next, "1400-01 2021-03-21..2021-04-20");
    check_walk(
        "SH 1400-01",
        Period::previous,
        "1399-12 2021-02-19..2021-03-20",
    );
    check_walk("SH 1399-Q4", Period::next, "1400-Q1 2021-03-21..2021-06-21");
    check_walk(
        "SH 1400-Q1",
        Period::previous,
        "1399-Q4 2020-12-21..2021-03-20",
    );
    check_walk("SH 1403", Period::next, "1404 2025-03-21..2026-03-20");
    check_walk("SH 1978-Q4", Period::next, "1979-Q1 2600-03-21..2600-06-21");
    check_walk(
        "SH 1399-02",
        Period::same_period_previous_year,
        "1398-02 2019-04-21..2019-05-21",
    );
    check_walk(
        "SH 1404-Q1",
        Period::same_period_previous_year,
        "1403-Q1 2024-03-20..2024-06-20",
    );
    check_walk("G 2020-12", Period::next, "2021-01 2021-01-01..2021-01-31");
    check_walk(
        "G 2021-01",
        Period::previous,
        "2020-12 2020-12-01..2020-12-31",
    );
    check_walk("G 2020-Q4", Period::next, "2021-Q1 2021-01-01..2021-03-31");
    check_walk(
        "G 2020-Q2",
        Period::same_period_previous_year,
        "2019-Q2 2019-04-01..2019-06-30",
    );
    check_walk(
        "G 2600",
        Period::next,
        "error: Gregorian year 2601 is out of range 1600-2600",
    );
    check_walk(
        "G 1600-01",
        Period::previous,
        "error: Gregorian year 1599 is out of range 1600-2600",
    );
    check_walk(
        "SH 0979",
        Period::previous,
        "error: Solar Hijri year 0978 is not entirely within the supported range 1600-01-01 to 2600-12-31",
    );
    check_walk(
        "SH 1979-Q3",
        Period::next,
        "error: Solar Hijri quarter 1979-Q4 is not entirely within the supported range 1600-01-01 to 2600-12-31",
    );
}

#[test]
fn containing() {
    use PeriodKind::*;
    check_containing(SolarMonth, "2020-04-20", "1399-02");
    check_containing(SolarMonth, "2020-04-19", "1399-01");
    check_containing(SolarMonth, "2020-05-20", "1399-02");
    check_containing(SolarMonth, "2020-05-21", "1399-03");
    check_containing(SolarQuarter, "2020-06-20", "1399-Q1");
    check_containing(SolarQuarter, "2020-06-21", "1399-Q2");
    check_containing(SolarQuarter, "2021-03-20", "1399-Q4");
    check_containing(SolarYear, "2025-03-20", "1403");
    check_containing(SolarYear, "2025-03-21", "1404");
    check_containing(SolarYear, "2023-03-20", "1401");
    check_containing(GregorianMonth, "2020-04-20", "2020-04");
    check_containing(GregorianQuarter, "2020-04-20", "2020-Q2");
    check_containing(GregorianQuarter, "2020-03-31", "2020-Q1");
    check_containing(GregorianYear, "2020-04-20", "2020");
    check_containing(SolarMonth, "1600-01-21", "0978-11");
    check_containing(
        SolarMonth,
        "1600-01-20",
        "error: Solar Hijri month 0978-10 is not entirely within the supported range 1600-01-01 to 2600-12-31",
    );
    check_containing(SolarYear, "1600-03-20", "0979");
    check_containing(
        SolarYear,
        "1600-03-19",
        "error: Solar Hijri year 0978 is not entirely within the supported range 1600-01-01 to 2600-12-31",
    );
    check_containing(SolarYear, "2600-03-20", "1978");
    check_containing(
        SolarYear,
        "2600-03-21",
        "error: Solar Hijri year 1979 is not entirely within the supported range 1600-01-01 to 2600-12-31",
    );
    check_containing(GregorianYear, "1600-01-01", "1600");
    check_containing(GregorianMonth, "2600-12-31", "2600-12");
}

#[test]
fn accessors() {
    let period = Period::solar_month(1399, 2).unwrap();
    assert_eq!(period.kind(), PeriodKind::SolarMonth);
    assert_eq!(period.calendar(), Calendar::SolarHijri);
    assert_eq!(
        (period.year(), period.month(), period.quarter()),
        (1399, Some(2), None)
    );
    assert_eq!(period.day_count(), 31);
    let period = Period::gregorian_quarter(2020, 1).unwrap();
    assert_eq!(
        (period.year(), period.month(), period.quarter()),
        (2020, None, Some(1))
    );
    assert_eq!(period.calendar(), Calendar::Gregorian);
    assert_eq!(period.day_count(), 91);
    let period = Period::solar_year(1403).unwrap();
    assert_eq!((period.month(), period.quarter()), (None, None));
    assert_eq!(period.day_count(), 366);
    assert_eq!(Period::solar_year(1404).unwrap().day_count(), 365);
    assert_eq!(Period::gregorian_year(2024).unwrap().day_count(), 366);
    assert_eq!(Period::gregorian_month(2023, 2).unwrap().day_count(), 28);
    assert_eq!(Period::solar_quarter(1403, 4).unwrap().day_count(), 90);
    assert_eq!(
        Period::solar_quarter(1399, 1).unwrap(),
        Period::parse("1399-Q1", Calendar::SolarHijri).unwrap()
    );
    let ordibehesht = Period::solar_month(1399, 2).unwrap();
    assert!(ordibehesht.contains("2020-04-20".parse().unwrap()));
    assert!(ordibehesht.contains("2020-05-20".parse().unwrap()));
    assert!(!ordibehesht.contains("2020-04-19".parse().unwrap()));
    assert!(!ordibehesht.contains("2020-05-21".parse().unwrap()));
    assert!(Period::solar_month(1399, 1).unwrap() < ordibehesht);
    assert_eq!(PeriodKind::SolarQuarter.to_string(), "Solar Hijri quarter");
    assert_eq!(PeriodKind::GregorianYear.to_string(), "Gregorian year");
}

/// The example of the crate documentation.
#[test]
fn crate_example() {
    let date: SolarHijriDate = "1399-02-01".parse().unwrap();
    assert_eq!(date.to_gregorian().to_string(), "2020-04-20");
    let ordibehesht = Period::parse("1399-02", Calendar::SolarHijri).unwrap();
    assert_eq!(ordibehesht.first_day().to_string(), "2020-04-20");
    assert_eq!(ordibehesht.last_day().to_string(), "2020-05-20");
    let date = GregorianDate::new(2025, 3, 20).unwrap();
    let year = Period::containing(PeriodKind::SolarYear, date).unwrap();
    assert_eq!(year.to_string(), "1403");
}

proptest! {
    /// Every date lies in exactly one Solar Hijri month, whose first..=last day holds it.
    #[test]
    fn every_date_in_exactly_one_solar_month(date in any_gregorian_date()) {
        let solar = SolarHijriDate::from_gregorian(date);
        let mut holders = Vec::new();
        for year in solar.year() - 1..=solar.year() + 1 {
            for month in 1..=12 {
                if let Ok(period) = Period::solar_month(year, month) {
                    if period.contains(date) {
                        holders.push(period);
                    }
                }
            }
        }
        match Period::containing(PeriodKind::SolarMonth, date) {
            Ok(period) => {
                prop_assert_eq!(holders, vec![period]);
                prop_assert!(period.first_day() <= date && date <= period.last_day());
                prop_assert_eq!((period.year(), period.month()), (solar.year(), Some(solar.month())));
            }
            // Only the partly supported months at the ends of the range are missing.
            Err(_) => {
                prop_assert!(holders.is_empty());
                prop_assert!(
                    solar.year() == SolarHijriDate::MIN.year() && solar.month() == SolarHijriDate::MIN.month()
                        || solar.year() == SolarHijriDate::MAX.year() && solar.month() == SolarHijriDate::MAX.month()
                );
            }
        }
    }

    /// Consecutive periods of a kind tile the days: no gap, no overlap, and walking forth
    /// and back returns to the start.
    #[test]
    fn periods_tile(kind in any_period_kind(), date in any_gregorian_date()) {
        let Ok(period) = Period::containing(kind, date) else {
            return Ok(());
        };
        prop_assert!(period.contains(date));
        prop_assert_eq!(period.kind(), kind);
        prop_assert_eq!(Period::parse(&period.to_string(), kind.calendar()), Ok(period));
        prop_assert_eq!(Period::containing(kind, period.first_day()), Ok(period));
        prop_assert_eq!(Period::containing(kind, period.last_day()), Ok(period));
        let days = i64::from(period.day_count());
        prop_assert_eq!(period.last_day().days_since_epoch() - period.first_day().days_since_epoch() + 1, days);
        if let Ok(next) = period.next() {
            prop_assert_eq!(next.first_day().days_since_epoch(), period.last_day().days_since_epoch() + 1);
            prop_assert_eq!(next.previous(), Ok(period));
            prop_assert!(period < next);
        }
        if let Ok(previous) = period.previous() {
            prop_assert_eq!(previous.last_day().days_since_epoch() + 1, period.first_day().days_since_epoch());
            prop_assert_eq!(previous.next(), Ok(period));
        }
        if let Ok(earlier) = period.same_period_previous_year() {
            prop_assert_eq!(earlier.year() + 1, period.year());
            prop_assert_eq!((earlier.month(), earlier.quarter()), (period.month(), period.quarter()));
            prop_assert!(earlier < period);
        }
    }

    /// A year is exactly its four quarters, and a quarter exactly its three months.
    #[test]
    fn years_are_quarters_are_months(date in any_gregorian_date()) {
        for calendar in [Calendar::SolarHijri, Calendar::Gregorian] {
            let Ok(year) = Period::containing(PeriodKind::of(calendar, Unit::Year), date) else {
                continue;
            };
            let quarter_kind = PeriodKind::of(calendar, Unit::Quarter);
            let month_kind = PeriodKind::of(calendar, Unit::Month);
            let first_quarter = Period::containing(quarter_kind, year.first_day()).unwrap();
            let last_quarter = Period::containing(quarter_kind, year.last_day()).unwrap();
            prop_assert_eq!((first_quarter.year(), first_quarter.quarter()), (year.year(), Some(1)));
            prop_assert_eq!((last_quarter.year(), last_quarter.quarter()), (year.year(), Some(4)));
            let quarter = Period::containing(quarter_kind, date).unwrap();
            let first_month = Period::containing(month_kind, quarter.first_day()).unwrap();
            let last_month = Period::containing(month_kind, quarter.last_day()).unwrap();
            let q = quarter.quarter().unwrap();
            prop_assert_eq!(first_month.month(), Some(q * 3 - 2));
            prop_assert_eq!(last_month.month(), Some(q * 3));
        }
    }
}
