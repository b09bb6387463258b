//! The two calendars, and the range of days this crate supports.

use std::fmt;

use crate::{engine, CalendarError};

/// A calendar: the Solar Hijri (Iranian) one, or the Gregorian one.
///
/// Needed wherever the same text means different things in each, as `"1399"` or `"2020-04"`
/// do in [`Period::parse`](crate::Period::parse).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Calendar {
    /// The Solar Hijri (Persian, Jalali) calendar, as ICU4X's `Persian` calendar computes
    /// it: the year starts at Nowruz (1 Farvardin).
    SolarHijri,
    /// The proleptic Gregorian calendar (ISO 8601).
    Gregorian,
}

impl Calendar {
    /// The name of the calendar in English: "Solar Hijri" or "Gregorian".
    pub fn name(self) -> &'static str {
        match self {
            Calendar::SolarHijri => "Solar Hijri",
            Calendar::Gregorian => "Gregorian",
        }
    }

    /// The years a date of this calendar may have. The first and last of them are only
    /// partly supported: dates must also lie in [`GregorianDate::MIN`]..=[`GregorianDate::MAX`].
    ///
    /// [`GregorianDate::MIN`]: crate::GregorianDate::MIN
    /// [`GregorianDate::MAX`]: crate::GregorianDate::MAX
    pub(crate) fn years(self) -> (i32, i32) {
        match self {
            Calendar::SolarHijri => (978, 1979),
            Calendar::Gregorian => (1600, 2600),
        }
    }

    /// Checks that `year` is one this calendar's dates may have.
    pub(crate) fn check_year(self, year: i32) -> Result<(), CalendarError> {
        let (min, max) = self.years();
        if !(min..=max).contains(&year) {
            return Err(CalendarError::YearOutOfRange {
                calendar: self,
                year,
                min,
                max,
            });
        }
        Ok(())
    }

    /// Checks that `year`-`month`-`day` exists in this calendar and lies in the supported
    /// range; returns its days since 1970-01-01.
    pub(crate) fn check_date(self, year: i32, month: u8, day: u8) -> Result<i64, CalendarError> {
        self.check_year(year)?;
        if !(1..=12).contains(&month) {
            return Err(CalendarError::MonthOutOfRange { month });
        }
        let days_in_month = engine::days_in_month(self, year, month);
        if !(1..=days_in_month).contains(&day) {
            let calendar = self;
            return Err(CalendarError::DayOutOfRange {
                calendar,
                year,
                month,
                day,
                days_in_month,
            });
        }
        let days = engine::days_from_ymd(self, year, month, day);
        if !(MIN_DAYS..=MAX_DAYS).contains(&days) {
            return Err(CalendarError::DateOutOfRange {
                calendar: self,
                year,
                month,
                day,
            });
        }
        Ok(days)
    }

    /// The first supported date, in this calendar.
    pub(crate) fn min_ymd(self) -> Ymd {
        match self {
            Calendar::SolarHijri => crate::SolarHijriDate::MIN.ymd(),
            Calendar::Gregorian => crate::GregorianDate::MIN.ymd(),
        }
    }

    /// The last supported date, in this calendar.
    pub(crate) fn max_ymd(self) -> Ymd {
        match self {
            Calendar::SolarHijri => crate::SolarHijriDate::MAX.ymd(),
            Calendar::Gregorian => crate::GregorianDate::MAX.ymd(),
        }
    }

    /// The name of `month` (1-12) in English, for messages.
    pub(crate) fn month_name(self, month: u8) -> &'static str {
        const GREGORIAN: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        match self {
            Calendar::SolarHijri => crate::SolarHijriMonth::from_number(month)
                .map_or("?", crate::SolarHijriMonth::transliteration),
            Calendar::Gregorian => month
                .checked_sub(1)
                .and_then(|index| GREGORIAN.get(usize::from(index)))
                .copied()
                .unwrap_or("?"),
        }
    }
}

impl fmt::Display for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Days since 1970-01-01 of the first supported day, 1600-01-01.
pub(crate) const MIN_DAYS: i64 = -135_140;
/// Days since 1970-01-01 of the last supported day, 2600-12-31.
pub(crate) const MAX_DAYS: i64 = 230_467;

/// A `(year, month, day)` triple of either calendar, displayed as `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ymd(pub(crate) i32, pub(crate) u8, pub(crate) u8);

impl fmt::Display for Ymd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Ymd(year, month, day) = *self;
        write!(f, "{year:04}-{month:02}-{day:02}")
    }
}
