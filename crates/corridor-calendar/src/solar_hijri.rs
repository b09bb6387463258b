//! Solar Hijri dates.

use std::fmt;
use std::str::FromStr;

use crate::calendar::{Ymd, MAX_DAYS, MIN_DAYS};
use crate::{engine, text, Calendar, CalendarError, GregorianDate, HijriDate, SolarHijriMonth};

/// A valid Solar Hijri (Iranian, Persian, Jalali) date between [`SolarHijriDate::MIN`] and
/// [`SolarHijriDate::MAX`], the same days as [`GregorianDate::MIN`] and
/// [`GregorianDate::MAX`].
///
/// Ordered chronologically. Written and parsed as `YYYY-MM-DD` with Solar Hijri numbers,
/// so `1399-02-01` is 1 Ordibehesht 1399 (2020-04-20).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SolarHijriDate {
    // Field order matters: the derived `Ord` is chronological.
    year: i32,
    month: u8,
    day: u8,
}

impl SolarHijriDate {
    /// The first supported date, 978-10-11 (1600-01-01).
    pub const MIN: SolarHijriDate = SolarHijriDate {
        year: 978,
        month: 10,
        day: 11,
    };

    /// The last supported date, 1979-10-10 (2600-12-31).
    pub const MAX: SolarHijriDate = SolarHijriDate {
        year: 1979,
        month: 10,
        day: 10,
    };

    /// The date `day` `month` `year`, if it exists (30 Esfand only in leap years) and is
    /// within [`SolarHijriDate::MIN`]..=[`SolarHijriDate::MAX`].
    pub fn new(year: i32, month: u8, day: u8) -> Result<SolarHijriDate, CalendarError> {
        Calendar::SolarHijri.check_date(year, month, day)?;
        Ok(SolarHijriDate { year, month, day })
    }

    /// Whether Solar Hijri `year` is a leap year: whether its Esfand has 30 days.
    ///
    /// Accepts every year that has a supported day (978-1979).
    pub fn is_leap_year(year: i32) -> Result<bool, CalendarError> {
        Calendar::SolarHijri.check_year(year)?;
        Ok(engine::days_in_month(Calendar::SolarHijri, year, 12) == 30)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1 (Farvardin) to 12 (Esfand).
    pub fn month(self) -> u8 {
        self.month
    }

    /// The month as a [`SolarHijriMonth`].
    pub fn month_name(self) -> SolarHijriMonth {
        SolarHijriMonth::from_number(self.month).expect("a valid date has a month of 1-12")
    }

    /// The day of the month, 1-31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// The number of days in this date's month (29-31).
    pub fn days_in_month(self) -> u8 {
        engine::days_in_month(Calendar::SolarHijri, self.year, self.month)
    }

    /// Whether this date's year is a leap year (has 30 Esfand).
    pub fn is_in_leap_year(self) -> bool {
        engine::days_in_month(Calendar::SolarHijri, self.year, 12) == 30
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        engine::days_from_ymd(Calendar::SolarHijri, self.year, self.month, self.day)
    }

    /// The date `days` days after 1970-01-01 (before it if negative), if it is within the
    /// supported range.
    pub fn from_days_since_epoch(days: i64) -> Result<SolarHijriDate, CalendarError> {
        if !(MIN_DAYS..=MAX_DAYS).contains(&days) {
            return Err(CalendarError::DaysOutOfRange { days });
        }
        Ok(SolarHijriDate::from_days_in_range(days))
    }

    /// The Solar Hijri date of a Gregorian date. Both types cover the same days, so this
    /// cannot fail.
    pub fn from_gregorian(date: GregorianDate) -> SolarHijriDate {
        SolarHijriDate::from_days_in_range(date.days_since_epoch())
    }

    /// The Gregorian date of this date.
    pub fn to_gregorian(self) -> GregorianDate {
        GregorianDate::from_days_in_range(self.days_since_epoch())
    }

    /// The same day in the lunar Hijri calendar (the tabular civil rule; see
    /// [`HijriDate`]).
    pub fn to_hijri(self) -> HijriDate {
        HijriDate::from_days_in_range(self.days_since_epoch())
    }

    /// The date `days` days after 1970-01-01, which the caller has checked is in range.
    pub(crate) fn from_days_in_range(days: i64) -> SolarHijriDate {
        debug_assert!((MIN_DAYS..=MAX_DAYS).contains(&days));
        let (year, month, day) = engine::ymd_from_days(Calendar::SolarHijri, days);
        SolarHijriDate { year, month, day }
    }

    pub(crate) fn ymd(self) -> Ymd {
        Ymd(self.year, self.month, self.day)
    }
}

impl fmt::Display for SolarHijriDate {
    /// Writes `YYYY-MM-DD` with Solar Hijri numbers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.ymd().fmt(f)
    }
}

impl FromStr for SolarHijriDate {
    type Err = CalendarError;

    /// Parses `YYYY-MM-DD` with Solar Hijri numbers: a 4-digit year, then a 1- or 2-digit
    /// month and day.
    fn from_str(text: &str) -> Result<SolarHijriDate, CalendarError> {
        let (year, month, day) = text::parse_ymd(text)?;
        SolarHijriDate::new(year, month, day)
    }
}

impl From<GregorianDate> for SolarHijriDate {
    fn from(date: GregorianDate) -> SolarHijriDate {
        SolarHijriDate::from_gregorian(date)
    }
}

#[cfg(test)]
mod tests;
