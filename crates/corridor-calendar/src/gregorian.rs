//! Gregorian dates.

use std::fmt;
use std::str::FromStr;

use crate::calendar::{Ymd, MAX_DAYS, MIN_DAYS};
use crate::{engine, text, Calendar, CalendarError, HijriDate, SolarHijriDate, Weekday};

/// A valid Gregorian (ISO 8601, proleptic) date between [`GregorianDate::MIN`] and
/// [`GregorianDate::MAX`].
///
/// Ordered chronologically. Written and parsed as `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GregorianDate {
    // Field order matters: the derived `Ord` is chronological.
    year: i32,
    month: u8,
    day: u8,
}

impl GregorianDate {
    /// The first supported date, 1600-01-01.
    pub const MIN: GregorianDate = GregorianDate {
        year: 1600,
        month: 1,
        day: 1,
    };

    /// The last supported date, 2600-12-31.
    pub const MAX: GregorianDate = GregorianDate {
        year: 2600,
        month: 12,
        day: 31,
    };

    /// The date `year`-`month`-`day`, if it exists and `year` is 1600-2600.
    pub fn new(year: i32, month: u8, day: u8) -> Result<GregorianDate, CalendarError> {
        Calendar::Gregorian.check_date(year, month, day)?;
        Ok(GregorianDate { year, month, day })
    }

    /// The year, 1600-2600.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1-12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1-31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// The number of days in this date's month (28-31).
    pub fn days_in_month(self) -> u8 {
        engine::days_in_month(Calendar::Gregorian, self.year, self.month)
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        engine::days_from_ymd(Calendar::Gregorian, self.year, self.month, self.day)
    }

    /// The date `days` days after 1970-01-01 (before it if negative), if it is within the
    /// supported range.
    pub fn from_days_since_epoch(days: i64) -> Result<GregorianDate, CalendarError> {
        if !(MIN_DAYS..=MAX_DAYS).contains(&days) {
            return Err(CalendarError::DaysOutOfRange { days });
        }
        Ok(GregorianDate::from_days_in_range(days))
    }

    /// The same day in the Solar Hijri calendar.
    pub fn to_solar_hijri(self) -> SolarHijriDate {
        SolarHijriDate::from_gregorian(self)
    }

    /// The same day in the lunar Hijri calendar (the tabular civil rule; see
    /// [`HijriDate`]).
    pub fn to_hijri(self) -> HijriDate {
        HijriDate::from_gregorian(self)
    }

    /// The day of the week.
    pub fn weekday(self) -> Weekday {
        engine::weekday_from_days(self.days_since_epoch())
    }

    /// The date `days` days later (earlier if negative), if it is within the supported
    /// range.
    pub fn add_days(self, days: i64) -> Result<GregorianDate, CalendarError> {
        GregorianDate::from_days_since_epoch(self.days_since_epoch().saturating_add(days))
    }

    /// The date `days` days after 1970-01-01, which the caller has checked is in range.
    pub(crate) fn from_days_in_range(days: i64) -> GregorianDate {
        debug_assert!((MIN_DAYS..=MAX_DAYS).contains(&days));
        let (year, month, day) = engine::ymd_from_days(Calendar::Gregorian, days);
        GregorianDate { year, month, day }
    }

    pub(crate) fn ymd(self) -> Ymd {
        Ymd(self.year, self.month, self.day)
    }
}

impl fmt::Display for GregorianDate {
    /// Writes `YYYY-MM-DD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.ymd().fmt(f)
    }
}

impl FromStr for GregorianDate {
    type Err = CalendarError;

    /// Parses `YYYY-MM-DD`: a 4-digit year, then a 1- or 2-digit month and day.
    fn from_str(text: &str) -> Result<GregorianDate, CalendarError> {
        let (year, month, day) = text::parse_ymd(text)?;
        GregorianDate::new(year, month, day)
    }
}

impl From<SolarHijriDate> for GregorianDate {
    fn from(date: SolarHijriDate) -> GregorianDate {
        date.to_gregorian()
    }
}

#[cfg(test)]
mod tests;
