//! Reporting periods: months, quarters and years of either calendar, as ranges of days.

use std::fmt;

use crate::calendar::{MAX_DAYS, MIN_DAYS};
use crate::{engine, text, Calendar, CalendarError, GregorianDate};

/// The six kinds of [`Period`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PeriodKind {
    /// A Solar Hijri month, such as Ordibehesht 1399 (`1399-02`).
    SolarMonth,
    /// A Solar Hijri quarter: months 1-3, 4-6, 7-9 or 10-12 (`1399-Q1`).
    SolarQuarter,
    /// A Solar Hijri year, from Nowruz (1 Farvardin) to the last day of Esfand (`1399`).
    SolarYear,
    /// A Gregorian month (`2020-04`).
    GregorianMonth,
    /// A Gregorian quarter: January-March, April-June, July-September or
    /// October-December (`2020-Q2`).
    GregorianQuarter,
    /// A Gregorian year (`2020`).
    GregorianYear,
}

/// How long a period is, whatever its calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Month,
    Quarter,
    Year,
}

impl PeriodKind {
    /// All six kinds, Solar Hijri first.
    pub const ALL: [PeriodKind; 6] = [
        PeriodKind::SolarMonth,
        PeriodKind::SolarQuarter,
        PeriodKind::SolarYear,
        PeriodKind::GregorianMonth,
        PeriodKind::GregorianQuarter,
        PeriodKind::GregorianYear,
    ];

    /// The calendar whose months, quarters or years this kind counts.
    pub fn calendar(self) -> Calendar {
        match self {
            PeriodKind::SolarMonth | PeriodKind::SolarQuarter | PeriodKind::SolarYear => {
                Calendar::SolarHijri
            }
            PeriodKind::GregorianMonth
            | PeriodKind::GregorianQuarter
            | PeriodKind::GregorianYear => Calendar::Gregorian,
        }
    }

    fn unit(self) -> Unit {
        match self {
            PeriodKind::SolarMonth | PeriodKind::GregorianMonth => Unit::Month,
            PeriodKind::SolarQuarter | PeriodKind::GregorianQuarter => Unit::Quarter,
            PeriodKind::SolarYear | PeriodKind::GregorianYear => Unit::Year,
        }
    }

    fn of(calendar: Calendar, unit: Unit) -> PeriodKind {
        match (calendar, unit) {
            (Calendar::SolarHijri, Unit::Month) => PeriodKind::SolarMonth,
            (Calendar::SolarHijri, Unit::Quarter) => PeriodKind::SolarQuarter,
            (Calendar::SolarHijri, Unit::Year) => PeriodKind::SolarYear,
            (Calendar::Gregorian, Unit::Month) => PeriodKind::GregorianMonth,
            (Calendar::Gregorian, Unit::Quarter) => PeriodKind::GregorianQuarter,
            (Calendar::Gregorian, Unit::Year) => PeriodKind::GregorianYear,
        }
    }
}

impl fmt::Display for PeriodKind {
    /// Writes "Solar Hijri month", "Gregorian quarter" and so on.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit() {
            Unit::Month => "month",
            Unit::Quarter => "quarter",
            Unit::Year => "year",
        };
        write!(f, "{} {unit}", self.calendar())
    }
}

/// A month, quarter or year of the Solar Hijri or the Gregorian calendar, lying entirely
/// within the supported days ([`GregorianDate::MIN`]..=[`GregorianDate::MAX`]).
///
/// A period is a range of days: [`first_day`](Period::first_day) to
/// [`last_day`](Period::last_day), both included. Consecutive periods of a kind tile the
/// days without gaps or overlaps. The text form names the calendar's own numbers:
/// `1399-02` (a month), `1399-Q1` (a quarter), `1399` (a year); parsing it needs the
/// calendar ([`Period::parse`]), since `2020` could be either.
///
/// The fields are private so that every `Period` is valid; build one with a constructor
/// ([`Period::solar_month`] ...), [`Period::containing`] or [`Period::parse`].
/// Periods of one kind are ordered chronologically; periods of different kinds are ordered
/// by kind first (in [`PeriodKind`] order), which only serves sorted collections.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    // Field order matters: the derived `Ord` is chronological within a kind.
    kind: PeriodKind,
    year: i32,
    /// The month (1-12) or quarter (1-4) within the year; 0 for a whole year.
    number: u8,
    first: GregorianDate,
    last: GregorianDate,
}

impl Period {
    /// Solar Hijri month `month` (1-12) of `year`, such as `solar_month(1399, 2)`,
    /// Ordibehesht 1399 (2020-04-20 to 2020-05-20).
    pub fn solar_month(year: i32, month: u8) -> Result<Period, CalendarError> {
        Period::new(PeriodKind::SolarMonth, year, month)
    }

    /// Solar Hijri quarter `quarter` (1-4) of `year`: months 1-3, 4-6, 7-9 or 10-12.
    pub fn solar_quarter(year: i32, quarter: u8) -> Result<Period, CalendarError> {
        Period::new(PeriodKind::SolarQuarter, year, quarter)
    }

    /// Solar Hijri year `year`, from Nowruz to the last day of Esfand.
    pub fn solar_year(year: i32) -> Result<Period, CalendarError> {
        Period::new(PeriodKind::SolarYear, year, 0)
    }

    /// Gregorian month `month` (1-12) of `year`.
    pub fn gregorian_month(year: i32, month: u8) -> Result<Period, CalendarError> {
        Period::new(PeriodKind::GregorianMonth, year, month)
    }

    /// Gregorian quarter `quarter` (1-4) of `year`.
    pub fn gregorian_quarter(year: i32, quarter: u8) -> Result<Period, CalendarError> {
        Period::new(PeriodKind::GregorianQuarter, year, quarter)
    }

    /// Gregorian year `year`.
    pub fn gregorian_year(year: i32) -> Result<Period, CalendarError> {
        Period::new(PeriodKind::GregorianYear, year, 0)
    }

    /// The period of `kind` that contains `date`.
    ///
    /// Fails only for the six Solar Hijri periods that straddle an end of the supported
    /// range (1600-01-01 to 2600-12-31): the month, quarter and year of 978-10 and of
    /// 1979-10 (`0978-10`, `0978-Q4`, `0978`, `1979-10`, `1979-Q4`, `1979`).
    pub fn containing(kind: PeriodKind, date: GregorianDate) -> Result<Period, CalendarError> {
        let (year, month) = match kind.calendar() {
            Calendar::Gregorian => (date.year(), date.month()),
            Calendar::SolarHijri => {
                let date = date.to_solar_hijri();
                (date.year(), date.month())
            }
        };
        let number = match kind.unit() {
            Unit::Month => month,
            Unit::Quarter => (month - 1) / 3 + 1,
            Unit::Year => 0,
        };
        Period::new(kind, year, number)
    }

    /// Parses the text form of a period of `calendar`: `YYYY` (a year), `YYYY-MM` (a month,
    /// 1 or 2 digits) or `YYYY-Qn` (a quarter, `q` also accepted), with 4-digit years.
    ///
    /// `Period::parse("1399-02", Calendar::SolarHijri)` is Ordibehesht 1399;
    /// `Period::parse("2020", Calendar::Gregorian)` is the Gregorian year 2020.
    pub fn parse(text: &str, calendar: Calendar) -> Result<Period, CalendarError> {
        let malformed = || CalendarError::Malformed {
            what: match calendar {
                Calendar::SolarHijri => "Solar Hijri period",
                Calendar::Gregorian => "Gregorian period",
            },
            text: text.to_owned(),
            expected: "YYYY (year), YYYY-MM (month) or YYYY-Qn (quarter)",
        };
        let Some((year, rest)) = text.split_once('-') else {
            let year = text::parse_year(text).ok_or_else(malformed)?;
            return Period::new(PeriodKind::of(calendar, Unit::Year), year, 0);
        };
        let year = text::parse_year(year).ok_or_else(malformed)?;
        let (unit, number) = match rest.strip_prefix(['Q', 'q']) {
            Some(quarter) if quarter.len() == 1 => (Unit::Quarter, quarter),
            Some(_) => return Err(malformed()),
            None => (Unit::Month, rest),
        };
        let number = text::parse_small(number).ok_or_else(malformed)?;
        Period::new(PeriodKind::of(calendar, unit), year, number)
    }

    /// The kind of this period.
    pub fn kind(self) -> PeriodKind {
        self.kind
    }

    /// The calendar of this period.
    pub fn calendar(self) -> Calendar {
        self.kind.calendar()
    }

    /// The year, in the period's calendar.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month (1-12) of a month period; `None` for quarters and years.
    pub fn month(self) -> Option<u8> {
        (self.kind.unit() == Unit::Month).then_some(self.number)
    }

    /// The quarter (1-4) of a quarter period; `None` for months and years.
    pub fn quarter(self) -> Option<u8> {
        (self.kind.unit() == Unit::Quarter).then_some(self.number)
    }

    /// The first day of the period. For a Solar Hijri year, Nowruz.
    pub fn first_day(self) -> GregorianDate {
        self.first
    }

    /// The last day of the period (included).
    pub fn last_day(self) -> GregorianDate {
        self.last
    }

    /// The number of days in the period, 28 to 366.
    pub fn day_count(self) -> u32 {
        let days = self.last.days_since_epoch() - self.first.days_since_epoch() + 1;
        u32::try_from(days).expect("a period spans 28 to 366 days")
    }

    /// Whether `date` is one of the period's days.
    pub fn contains(self, date: GregorianDate) -> bool {
        self.first <= date && date <= self.last
    }

    /// The period of the same kind that follows this one: it starts the day after this
    /// one's last day. Fails past the end of the supported range.
    pub fn next(self) -> Result<Period, CalendarError> {
        let (year, number) = match self.kind.unit() {
            Unit::Year => (self.year + 1, 0),
            Unit::Month if self.number == 12 => (self.year + 1, 1),
            Unit::Quarter if self.number == 4 => (self.year + 1, 1),
            Unit::Month | Unit::Quarter => (self.year, self.number + 1),
        };
        Period::new(self.kind, year, number)
    }

    /// The period of the same kind that precedes this one: it ends the day before this
    /// one's first day. Fails before the start of the supported range.
    pub fn previous(self) -> Result<Period, CalendarError> {
        let (year, number) = match self.kind.unit() {
            Unit::Year => (self.year - 1, 0),
            Unit::Month if self.number == 1 => (self.year - 1, 12),
            Unit::Quarter if self.number == 1 => (self.year - 1, 4),
            Unit::Month | Unit::Quarter => (self.year, self.number - 1),
        };
        Period::new(self.kind, year, number)
    }

    /// The same month, quarter or year one year earlier, for year-on-year comparisons:
    /// `1399-02` gives `1398-02`.
    pub fn same_period_previous_year(self) -> Result<Period, CalendarError> {
        Period::new(self.kind, self.year - 1, self.number)
    }

    /// Validates and builds a period. `number` is the month (1-12), the quarter (1-4), or 0
    /// for a year.
    fn new(kind: PeriodKind, year: i32, number: u8) -> Result<Period, CalendarError> {
        let calendar = kind.calendar();
        let (min, max) = calendar.years();
        if !(min..=max).contains(&year) {
            return Err(CalendarError::YearOutOfRange {
                calendar,
                year,
                min,
                max,
            });
        }
        let (first_month, last_month) = match kind.unit() {
            Unit::Month if (1..=12).contains(&number) => (number, number),
            Unit::Month => return Err(CalendarError::MonthOutOfRange { month: number }),
            Unit::Quarter if (1..=4).contains(&number) => (number * 3 - 2, number * 3),
            Unit::Quarter => return Err(CalendarError::QuarterOutOfRange { quarter: number }),
            Unit::Year => {
                assert_eq!(number, 0, "a year period has no number");
                (1, 12)
            }
        };
        let first = engine::days_from_ymd(calendar, year, first_month, 1);
        let last_day = engine::days_in_month(calendar, year, last_month);
        let last = engine::days_from_ymd(calendar, year, last_month, last_day);
        if first < MIN_DAYS || last > MAX_DAYS {
            return Err(CalendarError::PeriodOutOfRange { kind, year, number });
        }
        Ok(Period {
            kind,
            year,
            number,
            first: GregorianDate::from_days_in_range(first),
            last: GregorianDate::from_days_in_range(last),
        })
    }
}

impl fmt::Display for Period {
    /// Writes `1399-02` (a month), `1399-Q1` (a quarter) or `1399` (a year), in the
    /// period's own calendar; the text does not say which calendar that is.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Label {
            kind: self.kind,
            year: self.year,
            number: self.number,
        }
        .fmt(f)
    }
}

/// The text form of a period's parts, shared by `Period` and the error messages.
pub(crate) struct Label {
    pub(crate) kind: PeriodKind,
    pub(crate) year: i32,
    pub(crate) number: u8,
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Label { kind, year, number } = *self;
        match kind.unit() {
            Unit::Month => write!(f, "{year:04}-{number:02}"),
            Unit::Quarter => write!(f, "{year:04}-Q{number}"),
            Unit::Year => write!(f, "{year:04}"),
        }
    }
}

#[cfg(test)]
mod tests;
