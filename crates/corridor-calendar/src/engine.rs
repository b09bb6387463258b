//! The adapter to ICU4X: the only module that calls `icu_calendar`.
//!
//! Everything calendrical (month lengths, leap years, the day count of a date, the day of
//! the week) comes from ICU4X's `Iso`, `Persian` and `Hijri` calendars. This module speaks
//! plain numbers to the rest of the crate: `(year, month, day)` triples and days since
//! 1970-01-01. Callers validate their input first, so the ICU constructors cannot fail
//! here; a failure would be a bug in this crate, and the `expect`s say which precondition
//! was broken.
//!
//! The lunar Hijri calendar is ICU4X's tabular "islamic-civil" variant
//! ([`hijri_calendar`]); the crate documentation says why.

use icu_calendar::cal::hijri::{
    TabularAlgorithm, TabularAlgorithmEpoch, TabularAlgorithmLeapYears,
};
use icu_calendar::cal::{Hijri, Persian};
use icu_calendar::types::RataDie;
use icu_calendar::{Date, Iso};

use crate::{Calendar, Weekday};

/// The Rata Die (days since 0000-12-31, proleptic Gregorian) of 1970-01-01.
pub(crate) const UNIX_EPOCH_RATA_DIE: i64 = 719_163;

/// The number of days in `month` (1-12) of `year`.
///
/// Precondition: `year` is within ICU's range (-9999..=9999) and `month` is 1-12.
pub(crate) fn days_in_month(calendar: Calendar, year: i32, month: u8) -> u8 {
    match calendar {
        Calendar::Gregorian => Date::try_new_iso(year, month, 1)
            .expect("caller validated the Gregorian year and month")
            .days_in_month(),
        Calendar::SolarHijri => Date::try_new_persian(year, month, 1)
            .expect("caller validated the Solar Hijri year and month")
            .days_in_month(),
    }
}

/// The days since 1970-01-01 of a valid date.
///
/// Precondition: `year` is within ICU's range and `(month, day)` exists in it.
pub(crate) fn days_from_ymd(calendar: Calendar, year: i32, month: u8, day: u8) -> i64 {
    let rata_die = match calendar {
        Calendar::Gregorian => Date::try_new_iso(year, month, day)
            .expect("caller validated the Gregorian date")
            .to_rata_die(),
        Calendar::SolarHijri => Date::try_new_persian(year, month, day)
            .expect("caller validated the Solar Hijri date")
            .to_rata_die(),
    };
    rata_die.to_i64_date() - UNIX_EPOCH_RATA_DIE
}

/// The `(year, month, day)` of the date `days` after 1970-01-01.
///
/// Precondition: `days` is within the supported range (far inside ICU's, which would clamp).
pub(crate) fn ymd_from_days(calendar: Calendar, days: i64) -> (i32, u8, u8) {
    let rata_die = RataDie::new(days + UNIX_EPOCH_RATA_DIE);
    match calendar {
        Calendar::Gregorian => {
            let date = Date::from_rata_die(rata_die, Iso);
            (
                date.year().extended_year(),
                date.month().ordinal,
                date.day_of_month().0,
            )
        }
        Calendar::SolarHijri => {
            let date = Date::from_rata_die(rata_die, Persian);
            (
                date.year().extended_year(),
                date.month().ordinal,
                date.day_of_month().0,
            )
        }
    }
}

/// The lunar Hijri calendar this crate uses: ICU4X's tabular rules with the Friday epoch
/// (1 Muharram 1 AH = 0622-07-19 ISO) and the "type II" leap years (2, 5, 7, 10, 13, 16,
/// 18, 21, 24, 26 and 29 of each 30-year cycle), which is CLDR's `islamic-civil`. Pure
/// arithmetic: it needs no data provider and gives the same answer for every year.
fn hijri_calendar() -> Hijri<TabularAlgorithm> {
    Hijri::new_tabular(
        TabularAlgorithmLeapYears::TypeII,
        TabularAlgorithmEpoch::Friday,
    )
}

/// The number of days (29 or 30) in lunar Hijri `month` (1-12) of `year`.
///
/// Precondition: `year` is within ICU's range (-9999..=9999) and `month` is 1-12.
pub(crate) fn hijri_days_in_month(year: i32, month: u8) -> u8 {
    Date::try_new_hijri_with_calendar(year, month, 1, hijri_calendar())
        .expect("caller validated the Hijri year and month")
        .days_in_month()
}

/// The days since 1970-01-01 of a valid lunar Hijri date.
///
/// Precondition: `year` is within ICU's range and `(month, day)` exists in it.
pub(crate) fn hijri_days_from_ymd(year: i32, month: u8, day: u8) -> i64 {
    Date::try_new_hijri_with_calendar(year, month, day, hijri_calendar())
        .expect("caller validated the Hijri date")
        .to_rata_die()
        .to_i64_date()
        - UNIX_EPOCH_RATA_DIE
}

/// The lunar Hijri `(year, month, day)` of the date `days` after 1970-01-01.
///
/// Precondition: `days` is within the supported range.
pub(crate) fn hijri_ymd_from_days(days: i64) -> (i32, u8, u8) {
    let date = Date::from_rata_die(RataDie::new(days + UNIX_EPOCH_RATA_DIE), hijri_calendar());
    (
        date.year().extended_year(),
        date.month().ordinal,
        date.day_of_month().0,
    )
}

/// The day of the week of the date `days` after 1970-01-01.
pub(crate) fn weekday_from_days(days: i64) -> Weekday {
    use icu_calendar::types::Weekday as Icu;
    let date = Date::from_rata_die(RataDie::new(days + UNIX_EPOCH_RATA_DIE), Iso);
    match date.weekday() {
        Icu::Monday => Weekday::Monday,
        Icu::Tuesday => Weekday::Tuesday,
        Icu::Wednesday => Weekday::Wednesday,
        Icu::Thursday => Weekday::Thursday,
        Icu::Friday => Weekday::Friday,
        Icu::Saturday => Weekday::Saturday,
        Icu::Sunday => Weekday::Sunday,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_epoch_matches_icu() {
        let epoch = Date::try_new_iso(1970, 1, 1).unwrap().to_rata_die();
        assert_eq!(epoch.to_i64_date(), UNIX_EPOCH_RATA_DIE);
        assert_eq!(days_from_ymd(Calendar::Gregorian, 1970, 1, 1), 0);
        assert_eq!(ymd_from_days(Calendar::Gregorian, 0), (1970, 1, 1));
        assert_eq!(ymd_from_days(Calendar::SolarHijri, 0), (1348, 10, 11));
        // 1970-01-01 is 22 Shawwal 1389 in the tabular (civil) calendar, and a Thursday.
        assert_eq!(hijri_ymd_from_days(0), (1389, 10, 22));
        assert_eq!(hijri_days_from_ymd(1389, 10, 22), 0);
        assert_eq!(weekday_from_days(0), Weekday::Thursday);
    }

    #[test]
    fn hijri_is_the_tabular_civil_calendar() {
        // Type II leap years: 1442 is year 2 of its 30-year cycle (1441 = 48 * 30 + 1),
        // so its Dhu al-Hijjah has 30 days; 1441's has 29.
        assert_eq!(hijri_days_in_month(1442, 12), 30);
        assert_eq!(hijri_days_in_month(1441, 12), 29);
        // Odd months have 30 days, even months 29 (except a leap Dhu al-Hijjah).
        assert_eq!(hijri_days_in_month(1442, 1), 30);
        assert_eq!(hijri_days_in_month(1442, 2), 29);
    }
}
