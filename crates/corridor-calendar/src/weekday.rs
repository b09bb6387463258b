//! The days of the week.

use std::fmt;
use std::str::FromStr;

use crate::CalendarError;

/// A day of the week, the same in every calendar.
///
/// Numbered as in ISO 8601, Monday 1 to Sunday 7; [`Weekday::ALL`] is in that order. Note
/// that the working week differs by country: Iran's starts on Saturday (Friday is the
/// weekend), Iraq's on Sunday (Friday and Saturday are the weekend). `Display` writes the
/// English name; `FromStr` reads the English name or its three-letter abbreviation,
/// ignoring ASCII case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Weekday {
    /// Monday, ISO day 1.
    Monday = 1,
    /// Tuesday, ISO day 2.
    Tuesday = 2,
    /// Wednesday, ISO day 3.
    Wednesday = 3,
    /// Thursday, ISO day 4.
    Thursday = 4,
    /// Friday, ISO day 5.
    Friday = 5,
    /// Saturday, ISO day 6.
    Saturday = 6,
    /// Sunday, ISO day 7.
    Sunday = 7,
}

impl Weekday {
    /// All seven days, Monday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// The ISO 8601 number of the day, Monday 1 to Sunday 7.
    pub fn number(self) -> u8 {
        self as u8
    }

    /// The day with ISO 8601 number `number` (Monday 1 to Sunday 7).
    pub fn from_number(number: u8) -> Option<Weekday> {
        number
            .checked_sub(1)
            .and_then(|index| Weekday::ALL.get(usize::from(index)))
            .copied()
    }

    /// The following day (Sunday is followed by Monday).
    pub fn next(self) -> Weekday {
        Weekday::ALL[usize::from(self.number() % 7)]
    }

    /// The English name, such as "Monday".
    pub fn name(self) -> &'static str {
        match self {
            Weekday::Monday => "Monday",
            Weekday::Tuesday => "Tuesday",
            Weekday::Wednesday => "Wednesday",
            Weekday::Thursday => "Thursday",
            Weekday::Friday => "Friday",
            Weekday::Saturday => "Saturday",
            Weekday::Sunday => "Sunday",
        }
    }

    /// The three-letter English abbreviation, such as "Mon".
    pub fn abbreviation(self) -> &'static str {
        &self.name()[..3]
    }
}

impl fmt::Display for Weekday {
    /// Writes the English name, such as "Monday".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Weekday {
    type Err = CalendarError;

    /// Reads the English name ("Monday") or its three-letter abbreviation ("Mon"),
    /// ignoring ASCII case.
    fn from_str(text: &str) -> Result<Weekday, CalendarError> {
        Weekday::ALL
            .into_iter()
            .find(|day| {
                text.eq_ignore_ascii_case(day.name())
                    || text.eq_ignore_ascii_case(day.abbreviation())
            })
            .ok_or_else(|| CalendarError::UnknownWeekday {
                name: text.to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GregorianDate;

    #[test]
    fn names_and_numbers() {
        for (index, day) in Weekday::ALL.into_iter().enumerate() {
            assert_eq!(usize::from(day.number()), index + 1);
            assert_eq!(Weekday::from_number(day.number()), Some(day));
            assert_eq!(day.name().parse::<Weekday>(), Ok(day));
            assert_eq!(
                day.abbreviation().to_uppercase().parse::<Weekday>(),
                Ok(day)
            );
        }
        assert_eq!(Weekday::from_number(0), None);
        assert_eq!(Weekday::from_number(8), None);
        assert_eq!(Weekday::Sunday.next(), Weekday::Monday);
        assert_eq!(Weekday::Friday.next(), Weekday::Saturday);
        assert_eq!(
            "Mo".parse::<Weekday>().unwrap_err().to_string(),
            "unknown weekday \"Mo\""
        );
    }

    #[test]
    fn weekdays_of_known_dates() {
        let day = |text: &str| text.parse::<GregorianDate>().unwrap().weekday();
        assert_eq!(day("1970-01-01"), Weekday::Thursday);
        // DOMAIN.md §4.3: Mehran reopened on Monday 2020-06-08; Shalamcheh on Tuesday
        // 2020-07-07; Shushmeh opened to travellers on Tuesday 2023-06-27.
        assert_eq!(day("2020-06-08"), Weekday::Monday);
        assert_eq!(day("2020-06-13"), Weekday::Saturday);
        assert_eq!(day("2020-07-07"), Weekday::Tuesday);
        assert_eq!(day("2023-06-27"), Weekday::Tuesday);
        assert_eq!(day("2000-02-29"), Weekday::Tuesday);
        assert_eq!(day("1600-01-01"), Weekday::Saturday);
    }
}
