//! Crossing calendars: the trait the engine asks for each crossing's capacity on each day,
//! weekdays, and the simple inline calendar a scenario file can state.

use std::collections::HashMap;
use std::fmt;

use corridor_calendar::GregorianDate;

use crate::scenario::CrossingSpec;

/// How many trucks a crossing can pass on a day: the engine's only view of a crossing's
/// schedule.
///
/// `0` means the crossing is closed that day (or unknown to the calendar). The engine asks
/// once per crossing and day before it starts, so an implementation may be slow-ish, but it
/// must be deterministic: the same question must always get the same answer.
///
/// [`InlineCalendar`] implements it from a scenario's own `[[crossings]]` tables; a richer
/// calendar engine (holidays, Arbaeen, announced closures) can implement it too and be
/// passed to [`simulate`](crate::simulate).
pub trait CrossingCalendar {
    /// The number of trucks `crossing` (a scenario crossing id) can pass on `day`; `0` if it
    /// is closed.
    fn capacity(&self, crossing: &str, day: GregorianDate) -> u32;
}

/// A day of the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Weekday {
    /// Sunday.
    Sunday,
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday (the weekly holiday in Iran and Iraq).
    Friday,
    /// Saturday.
    Saturday,
}

impl Weekday {
    /// All seven days, Sunday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Sunday,
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
    ];

    /// The day of the week of `date`.
    pub fn of(date: GregorianDate) -> Weekday {
        // 1970-01-01 was a Thursday (index 4 counting from Sunday = 0).
        let index = (date.days_since_epoch() + 4).rem_euclid(7);
        Weekday::ALL[usize::try_from(index).unwrap_or(0)]
    }

    /// Sunday = 0 ... Saturday = 6.
    pub fn index(self) -> u8 {
        self as u8
    }

    /// The three-letter English abbreviation, lower case: `sun`, `mon`, ...
    pub fn short_name(self) -> &'static str {
        ["sun", "mon", "tue", "wed", "thu", "fri", "sat"][usize::from(self.index())]
    }

    /// Parses an English day name, full or three-letter, in any case: `Sun`, `sunday`.
    pub fn parse(text: &str) -> Option<Weekday> {
        let lower = text.trim().to_ascii_lowercase();
        Weekday::ALL.into_iter().find(|day| {
            let short = day.short_name();
            lower == short || lower == format!("{day:?}").to_ascii_lowercase()
        })
    }
}

impl fmt::Display for Weekday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.short_name())
    }
}

/// A set of weekdays, such as the days a crossing is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Weekdays(u8);

impl Weekdays {
    /// Every day of the week.
    pub const ALL: Weekdays = Weekdays(0b111_1111);
    /// No day.
    pub const NONE: Weekdays = Weekdays(0);

    /// The set of the given days.
    pub fn of(days: &[Weekday]) -> Weekdays {
        Weekdays(days.iter().fold(0, |bits, day| bits | 1 << day.index()))
    }

    /// Whether `day` is in the set.
    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.index()) != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The days in the set, Sunday first.
    pub fn days(self) -> impl Iterator<Item = Weekday> {
        Weekday::ALL
            .into_iter()
            .filter(move |day| self.contains(*day))
    }
}

impl fmt::Display for Weekdays {
    /// Writes `sun+wed`, `every day` or `no day`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Weekdays::ALL {
            return f.write_str("every day");
        }
        if self.is_empty() {
            return f.write_str("no day");
        }
        let names: Vec<&str> = self.days().map(Weekday::short_name).collect();
        f.write_str(&names.join("+"))
    }
}

/// The calendar stated inline in a scenario: per crossing, a capacity on open weekdays,
/// dated phases that change the capacity or the open weekdays, and closed date ranges.
///
/// For a day, the first phase that contains it (if any) supplies the capacity and open days
/// (each defaulting to the crossing's own); a closure containing the day, or a weekday not
/// open, makes the capacity 0. A crossing id the calendar does not know is closed.
#[derive(Clone, Debug)]
pub struct InlineCalendar {
    crossings: HashMap<String, CrossingSpec>,
}

impl InlineCalendar {
    /// The calendar of these crossings (from a validated scenario, or built by hand).
    pub fn new(crossings: &[CrossingSpec]) -> InlineCalendar {
        InlineCalendar {
            crossings: crossings
                .iter()
                .map(|crossing| (crossing.id.clone(), crossing.clone()))
                .collect(),
        }
    }

    /// Whether the calendar has a crossing with this id.
    pub fn knows(&self, crossing: &str) -> bool {
        self.crossings.contains_key(crossing)
    }

    /// The trucks `crossing` would pass on `day` if it were open, whatever its open
    /// weekdays and closures say: the capacity of the phase containing the day, else the
    /// crossing's own. `None` if the calendar does not know the crossing.
    ///
    /// A calendar that decides only *whether* a crossing is open (such as
    /// [`ReferenceCalendar`](crate::ReferenceCalendar)) takes the capacity from here.
    pub fn capacity_if_open(&self, crossing: &str, day: GregorianDate) -> Option<u32> {
        let spec = self.crossings.get(crossing)?;
        let phase = spec
            .phases
            .iter()
            .find(|phase| phase.from <= day && day <= phase.to);
        Some(phase.and_then(|p| p.capacity).unwrap_or(spec.capacity))
    }
}

impl CrossingCalendar for InlineCalendar {
    fn capacity(&self, crossing: &str, day: GregorianDate) -> u32 {
        let Some(spec) = self.crossings.get(crossing) else {
            return 0;
        };
        if spec
            .closed
            .iter()
            .any(|closure| closure.from <= day && day <= closure.to)
        {
            return 0;
        }
        let phase = spec
            .phases
            .iter()
            .find(|phase| phase.from <= day && day <= phase.to);
        let capacity = phase.and_then(|p| p.capacity).unwrap_or(spec.capacity);
        let open = phase.and_then(|p| p.open).unwrap_or(spec.open);
        if open.contains(Weekday::of(day)) {
            capacity
        } else {
            0
        }
    }
}

impl<C: CrossingCalendar + ?Sized> CrossingCalendar for &C {
    fn capacity(&self, crossing: &str, day: GregorianDate) -> u32 {
        (**self).capacity(crossing, day)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn weekdays_of_known_dates() {
        // Mehran reopened on Monday 2020-06-08 (tehrantimes.com/news/448627).
        assert_eq!(Weekday::of("2020-06-08".parse().unwrap()), Weekday::Monday);
        assert_eq!(
            Weekday::of("1970-01-01".parse().unwrap()),
            Weekday::Thursday
        );
        assert_eq!(Weekday::of("1969-12-28".parse().unwrap()), Weekday::Sunday);
        assert_eq!(Weekday::of("2025-03-21".parse().unwrap()), Weekday::Friday);
    }

    #[test]
    fn weekday_names() {
        assert_eq!(Weekday::parse("Sun"), Some(Weekday::Sunday));
        assert_eq!(Weekday::parse("wednesday"), Some(Weekday::Wednesday));
        assert_eq!(Weekday::parse("WED"), Some(Weekday::Wednesday));
        assert_eq!(Weekday::parse("wd"), None);
        let set = Weekdays::of(&[Weekday::Wednesday, Weekday::Sunday]);
        assert_eq!(set.to_string(), "sun+wed");
        assert_eq!(Weekdays::ALL.to_string(), "every day");
        assert_eq!(Weekdays::ALL.days().count(), 7);
    }
}
