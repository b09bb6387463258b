//! The adapter to ICU4X: the only module that calls `icu_calendar`.
//!
//! Everything calendrical (month lengths, leap years, the day count of a date) comes from
//! ICU4X's `Iso` and `Persian` calendars. This module speaks plain numbers to the rest of
//! the crate: `(year, month, day)` triples and days since 1970-01-01. Callers validate their
//! input first, so the ICU constructors cannot fail here; a failure would be a bug in this
//! crate, and the `expect`s say which precondition was broken.

use icu_calendar::cal::Persian;
use icu_calendar::types::RataDie;
use icu_calendar::{Date, Iso};

use crate::Calendar;

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
    }
}
