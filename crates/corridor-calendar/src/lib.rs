//! Solar Hijri (Iranian), lunar Hijri (Islamic) and Gregorian dates, and the reporting
//! periods built on them.
//!
//! Iran publishes its trade figures by Solar Hijri month, quarter and year (the year starts
//! at Nowruz, around 20 March); partners and UN Comtrade publish by Gregorian ones. This
//! crate converts between the two calendars and turns every such period into an exact
//! range of Gregorian days, so that figures of both kinds can be placed on one time line.
//! Border closures and holidays follow a third calendar, the lunar Hijri one (Arbaeen is
//! 20 Safar, Eid al-Adha 10 Dhu al-Hijjah), so [`HijriDate`] places lunar dates on the same
//! line.
//!
//! # Design
//!
//! - **ICU4X does the calendar arithmetic.** Month lengths, leap years and day counts come
//!   from `icu_calendar`'s `Persian` and `Iso` calendars (in the private `engine` module,
//!   the only one that calls ICU4X). The Solar Hijri year officially starts on the day of
//!   the March equinox if it falls before noon Tehran time; ICU4X follows that rule (a
//!   33-year arithmetic cycle with a correction table), which simple 33-year or 2820-year
//!   formulas do not: they get 1403 (leap) and 1404 wrong, for instance. There is no
//!   hand-written leap-year rule here.
//! - **The lunar Hijri calendar is ICU4X's tabular "civil" one.** [`HijriDate`] uses
//!   `icu_calendar`'s `Hijri` with `TabularAlgorithm` (Friday epoch, type II leap years:
//!   CLDR's `islamic-civil`). It needs no data provider (the crate is built with ICU4X's
//!   default features off) and is one arithmetic rule for every year, so a recurring event
//!   can be computed for any year and a result never changes with a data update. ICU4X's
//!   Umm al-Qura rules (also built in, no provider) were not chosen: they are Saudi
//!   Arabia's official calendar, fall back to the tabular rule outside 1300-1600 AH, and
//!   ICU4X reserves the right to revise them. Neither is what Iran and Iraq use: both start
//!   months on sighting the crescent, so an observed date can differ from the computed one
//!   by a day, occasionally two, in either direction. Rules built on lunar dates (a holiday,
//!   a closure around a pilgrimage) must carry that margin themselves.
//! - **Dates are always valid.** [`GregorianDate`] and [`SolarHijriDate`] can only be built
//!   through validating constructors ([`GregorianDate::new`], [`FromStr`](std::str::FromStr),
//!   conversions), so a value always names a day that exists. Both types cover the same
//!   supported days, 1600-01-01 to 2600-12-31 (Solar Hijri 978-10-11 to 1979-10-10), so
//!   converting between them cannot fail. [`HijriDate`] covers the same days too (lunar
//!   Hijri 1008-06-14 to 2040-03-03).
//! - **Days since 1970-01-01 are the common currency.** Both date types convert to and
//!   from an `i64` day number, which makes ranges and differences plain integer arithmetic.
//! - **A [`Period`] is a range of days**, a month, quarter or year of either calendar
//!   ([`PeriodKind`]), with its first and last day as [`GregorianDate`]s. Periods of a kind
//!   tile the time line; [`Period::containing`] finds the one holding a date, and
//!   [`Period::next`], [`Period::previous`] and [`Period::same_period_previous_year`] walk
//!   it. A period exists only if all of its days are supported.
//! - **Text is ISO-like and ASCII**: dates as `YYYY-MM-DD` in their own calendar's numbers,
//!   periods as `YYYY-MM`, `YYYY-Qn` or `YYYY`. Period text does not say its calendar
//!   (`2020` could be either), so [`Period::parse`] takes the [`Calendar`]. Month names
//!   ([`SolarHijriMonth`]) come in transliteration and in Persian script, lunar ones
//!   ([`HijriMonth`]) in transliteration and Arabic script; [`Weekday`] names are English
//!   (from [`GregorianDate::weekday`], computed by ICU4X); localised
//!   presentation (Persian digits, right-to-left layout) belongs to the presentation layer.
//! - **Pure and deterministic.** No I/O, no clock, no environment, no floats (the crate root
//!   denies `clippy::float_arithmetic`). Errors are one enum, [`CalendarError`], whose
//!   messages name the rejected field and value.
//!
//! # Example
//!
//! ```
//! use corridor_calendar::{Calendar, GregorianDate, Period, PeriodKind, SolarHijriDate};
//!
//! # fn main() -> Result<(), corridor_calendar::CalendarError> {
//! let date: SolarHijriDate = "1399-02-01".parse()?;
//! assert_eq!(date.to_gregorian().to_string(), "2020-04-20");
//!
//! let ordibehesht = Period::parse("1399-02", Calendar::SolarHijri)?;
//! assert_eq!(ordibehesht.first_day().to_string(), "2020-04-20");
//! assert_eq!(ordibehesht.last_day().to_string(), "2020-05-20");
//!
//! let year = Period::containing(PeriodKind::SolarYear, GregorianDate::new(2025, 3, 20)?)?;
//! assert_eq!(year.to_string(), "1403");
//!
//! let arbaeen: corridor_calendar::HijriDate = "1442-02-20".parse()?;
//! assert_eq!(arbaeen.to_gregorian().to_string(), "2020-10-08");
//! assert_eq!(arbaeen.month_name().to_string(), "Safar");
//! # Ok(())
//! # }
//! ```
#![deny(clippy::float_arithmetic)]
#![deny(missing_docs)]

mod calendar;
mod engine;
mod error;
mod gregorian;
mod hijri;
mod hijri_month;
mod month;
mod period;
mod solar_hijri;
#[cfg(test)]
mod strategies;
mod text;
mod weekday;

pub use calendar::Calendar;
pub use error::CalendarError;
pub use gregorian::GregorianDate;
pub use hijri::HijriDate;
pub use hijri_month::HijriMonth;
pub use month::SolarHijriMonth;
pub use period::{Period, PeriodKind};
pub use solar_hijri::SolarHijriDate;
pub use weekday::Weekday;
