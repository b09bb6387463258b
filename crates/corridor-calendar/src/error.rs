//! The crate's one error type.

use crate::calendar::Ymd;
use crate::period::Label;
use crate::{Calendar, HijriMonth, PeriodKind};

/// Why a date, a day number, a month name or a period was rejected.
///
/// Every message names the offending field and its value, for example
/// `month 13 is out of range 1-12` or `day 31 does not exist in Mehr 1402 (30 days)`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The year is outside the years this crate supports in that calendar.
    #[error("{calendar} year {year} is out of range {min}-{max}")]
    YearOutOfRange {
        /// The calendar of the year.
        calendar: Calendar,
        /// The rejected year.
        year: i32,
        /// The first supported year.
        min: i32,
        /// The last supported year.
        max: i32,
    },
    /// The month number is not 1-12.
    #[error("month {month} is out of range 1-12")]
    MonthOutOfRange {
        /// The rejected month number.
        month: u8,
    },
    /// The day does not exist in its month (it is 0, or beyond the month's length).
    #[error(
        "day {day} does not exist in {} {year} ({days_in_month} days)",
        calendar.month_name(*month)
    )]
    DayOutOfRange {
        /// The calendar of the date.
        calendar: Calendar,
        /// The year of the date.
        year: i32,
        /// The month of the date, 1-12.
        month: u8,
        /// The rejected day.
        day: u8,
        /// How many days that month has in that year.
        days_in_month: u8,
    },
    /// The date exists, but lies outside the supported range of days.
    #[error(
        "{calendar} date {} is outside the supported range {} to {}",
        Ymd(*year, *month, *day),
        calendar.min_ymd(),
        calendar.max_ymd()
    )]
    DateOutOfRange {
        /// The calendar of the date.
        calendar: Calendar,
        /// The year of the date.
        year: i32,
        /// The month of the date, 1-12.
        month: u8,
        /// The day of the date.
        day: u8,
    },
    /// A day number (days since 1970-01-01) outside the supported range.
    #[error(
        "day number {days} is outside the supported range {}..={} (1600-01-01 to 2600-12-31)",
        crate::calendar::MIN_DAYS,
        crate::calendar::MAX_DAYS
    )]
    DaysOutOfRange {
        /// The rejected number of days since 1970-01-01.
        days: i64,
    },
    /// The quarter number is not 1-4.
    #[error("quarter {quarter} is out of range 1-4")]
    QuarterOutOfRange {
        /// The rejected quarter number.
        quarter: u8,
    },
    /// The period's days are not all within the supported range (1600-01-01 to
    /// 2600-12-31), so its first or last day cannot be represented.
    #[error(
        "{} {} is not entirely within the supported range 1600-01-01 to 2600-12-31",
        kind,
        Label { kind: *kind, year: *year, number: *number }
    )]
    PeriodOutOfRange {
        /// The kind of the period.
        kind: PeriodKind,
        /// The year of the period.
        year: i32,
        /// The month (1-12) or quarter (1-4) within the year; 0 for a whole year.
        number: u8,
    },
    /// The text does not have the expected shape.
    #[error("malformed {what} {text:?}: expected {expected}")]
    Malformed {
        /// What was being parsed, such as "date" or "Solar Hijri period".
        what: &'static str,
        /// The rejected text.
        text: String,
        /// The accepted forms, such as "YYYY-MM-DD".
        expected: &'static str,
    },
    /// The text is not the name of a Solar Hijri month.
    #[error("unknown Solar Hijri month name {name:?}")]
    UnknownMonthName {
        /// The rejected text.
        name: String,
    },
    /// The lunar Hijri year is outside the years this crate supports (1008-2040 AH).
    #[error("Hijri year {year} is out of range {min}-{max}")]
    HijriYearOutOfRange {
        /// The rejected year.
        year: i32,
        /// The first supported year.
        min: i32,
        /// The last supported year.
        max: i32,
    },
    /// The day does not exist in its lunar Hijri month (it is 0, or 30 in a 29-day month).
    #[error("day {day} does not exist in {month} {year} AH ({days_in_month} days)")]
    HijriDayOutOfRange {
        /// The month of the date.
        month: HijriMonth,
        /// The year of the date.
        year: i32,
        /// The rejected day.
        day: u8,
        /// How many days that month has in that year.
        days_in_month: u8,
    },
    /// The lunar Hijri date exists, but lies outside the supported range of days.
    #[error(
        "Hijri date {} is outside the supported range 1008-06-14 to 2040-03-03",
        Ymd(*year, *month, *day)
    )]
    HijriDateOutOfRange {
        /// The year of the date.
        year: i32,
        /// The month of the date, 1-12.
        month: u8,
        /// The day of the date.
        day: u8,
    },
    /// The text is not the name of a lunar Hijri month.
    #[error("unknown Hijri month name {name:?}")]
    UnknownHijriMonthName {
        /// The rejected text.
        name: String,
    },
    /// The text is not the name of a day of the week.
    #[error("unknown weekday {name:?}")]
    UnknownWeekday {
        /// The rejected text.
        name: String,
    },
}
