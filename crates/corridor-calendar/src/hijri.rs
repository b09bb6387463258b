//! Lunar Hijri (Islamic) dates.

use std::fmt;
use std::str::FromStr;

use crate::calendar::{Ymd, MAX_DAYS, MIN_DAYS};
use crate::{engine, text, CalendarError, GregorianDate, HijriMonth, SolarHijriDate};

/// The lunar Hijri years a date may have (the first and last only partly).
const YEARS: (i32, i32) = (1008, 2040);

/// A valid lunar Hijri (Islamic, AH) date between [`HijriDate::MIN`] and
/// [`HijriDate::MAX`], the same days as [`GregorianDate::MIN`] and [`GregorianDate::MAX`].
///
/// The days are those of the **tabular "civil" Hijri calendar** (CLDR `islamic-civil`:
/// Friday epoch, leap years 2, 5, 7, 10, 13, 16, 18, 21, 24, 26 and 29 of each 30-year
/// cycle), computed by ICU4X. It is arithmetic, needs no data, and is defined for every
/// year, so recurring events ("20 Safar", "10 Dhu al-Hijjah") can be placed in any year.
///
/// **It is an approximation.** Iran and Iraq start each lunar month on a sighting of the
/// crescent (Iran's by the Leader's office, Iraq's Shia by the religious authorities in
/// Najaf, the Kurdistan Region's by its own ministry), so the observed day can differ from
/// this calendar's by a day, occasionally two, either way: Arbaeen 1442 (20 Safar) was
/// observed on 2020-10-08 as computed here, but 1 Muharram 1446 is 2024-07-08 here and
/// was 2024-07-07 in Saudi Arabia. Rules built on lunar dates must allow that margin.
///
/// Ordered chronologically. Written and parsed as `YYYY-MM-DD` with Hijri numbers, so
/// `1442-02-20` is 20 Safar 1442 (2020-10-08).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HijriDate {
    // Field order matters: the derived `Ord` is chronological.
    year: i32,
    month: u8,
    day: u8,
}

impl HijriDate {
    /// The first supported date, 1008-06-14 (1600-01-01).
    pub const MIN: HijriDate = HijriDate {
        year: 1008,
        month: 6,
        day: 14,
    };

    /// The last supported date, 2040-03-03 (2600-12-31).
    pub const MAX: HijriDate = HijriDate {
        year: 2040,
        month: 3,
        day: 3,
    };

    /// The date `day` `month` `year` AH, if it exists (30 only in the months that have
    /// it that year) and is within [`HijriDate::MIN`]..=[`HijriDate::MAX`].
    pub fn new(year: i32, month: u8, day: u8) -> Result<HijriDate, CalendarError> {
        check_date(year, month, day)?;
        Ok(HijriDate { year, month, day })
    }

    /// The number of days (29 or 30) in `month` (1-12) of `year`, for every year that has
    /// a supported day (1008-2040).
    pub fn month_length(year: i32, month: u8) -> Result<u8, CalendarError> {
        check_year(year)?;
        HijriMonth::from_number(month)?;
        Ok(engine::hijri_days_in_month(year, month))
    }

    /// The year (AH).
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1 (Muharram) to 12 (Dhu al-Hijjah).
    pub fn month(self) -> u8 {
        self.month
    }

    /// The month as a [`HijriMonth`].
    pub fn month_name(self) -> HijriMonth {
        HijriMonth::from_number(self.month).expect("a valid date has a month of 1-12")
    }

    /// The day of the month, 1-30.
    pub fn day(self) -> u8 {
        self.day
    }

    /// The number of days in this date's month (29 or 30).
    pub fn days_in_month(self) -> u8 {
        engine::hijri_days_in_month(self.year, self.month)
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        engine::hijri_days_from_ymd(self.year, self.month, self.day)
    }

    /// The date `days` days after 1970-01-01 (before it if negative), if it is within the
    /// supported range.
    pub fn from_days_since_epoch(days: i64) -> Result<HijriDate, CalendarError> {
        if !(MIN_DAYS..=MAX_DAYS).contains(&days) {
            return Err(CalendarError::DaysOutOfRange { days });
        }
        Ok(HijriDate::from_days_in_range(days))
    }

    /// The Hijri date of a Gregorian date. Both types cover the same days, so this cannot
    /// fail.
    pub fn from_gregorian(date: GregorianDate) -> HijriDate {
        HijriDate::from_days_in_range(date.days_since_epoch())
    }

    /// The Gregorian date of this date.
    pub fn to_gregorian(self) -> GregorianDate {
        GregorianDate::from_days_in_range(self.days_since_epoch())
    }

    /// The Solar Hijri date of this date.
    pub fn to_solar_hijri(self) -> SolarHijriDate {
        SolarHijriDate::from_days_in_range(self.days_since_epoch())
    }

    /// The date `days` days after 1970-01-01, which the caller has checked is in range.
    pub(crate) fn from_days_in_range(days: i64) -> HijriDate {
        debug_assert!((MIN_DAYS..=MAX_DAYS).contains(&days));
        let (year, month, day) = engine::hijri_ymd_from_days(days);
        HijriDate { year, month, day }
    }

    fn ymd(self) -> Ymd {
        Ymd(self.year, self.month, self.day)
    }
}

/// Checks that `year` is one a supported Hijri date may have.
fn check_year(year: i32) -> Result<(), CalendarError> {
    let (min, max) = YEARS;
    if !(min..=max).contains(&year) {
        return Err(CalendarError::HijriYearOutOfRange { year, min, max });
    }
    Ok(())
}

/// Checks that `year`-`month`-`day` exists in the Hijri calendar and lies in the supported
/// range.
fn check_date(year: i32, month: u8, day: u8) -> Result<(), CalendarError> {
    check_year(year)?;
    let month_name = HijriMonth::from_number(month)?;
    let days_in_month = engine::hijri_days_in_month(year, month);
    if !(1..=days_in_month).contains(&day) {
        return Err(CalendarError::HijriDayOutOfRange {
            month: month_name,
            year,
            day,
            days_in_month,
        });
    }
    let days = engine::hijri_days_from_ymd(year, month, day);
    if !(MIN_DAYS..=MAX_DAYS).contains(&days) {
        return Err(CalendarError::HijriDateOutOfRange { year, month, day });
    }
    Ok(())
}

impl fmt::Display for HijriDate {
    /// Writes `YYYY-MM-DD` with Hijri numbers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.ymd().fmt(f)
    }
}

impl FromStr for HijriDate {
    type Err = CalendarError;

    /// Parses `YYYY-MM-DD` with Hijri numbers: a 4-digit year, then a 1- or 2-digit month
    /// and day.
    fn from_str(text: &str) -> Result<HijriDate, CalendarError> {
        let (year, month, day) = text::parse_ymd(text)?;
        HijriDate::new(year, month, day)
    }
}

impl From<GregorianDate> for HijriDate {
    fn from(date: GregorianDate) -> HijriDate {
        HijriDate::from_gregorian(date)
    }
}

impl From<HijriDate> for GregorianDate {
    fn from(date: HijriDate) -> GregorianDate {
        date.to_gregorian()
    }
}

#[cfg(test)]
mod tests;
