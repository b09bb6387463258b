//! The operating calendars of `corridor-crossings` (the shipped reference, or any registry
//! and rules files loaded with [`Crossings::load`]) as a [`CrossingCalendar`], with a
//! scenario's inline calendar behind them.

use std::fmt;

use corridor_calendar::GregorianDate;
use corridor_crossings::{Crossings, DayState, DayStatus, Effect};
use serde::Serialize;

use crate::calendar::{CrossingCalendar, InlineCalendar};
use crate::scenario::Scenario;

/// A crossing calendar that asks `corridor-crossings` whether a crossing is open, and falls
/// back on a scenario's inline calendar where it has no answer.
///
/// For a scenario crossing and a day:
///
/// - **The crossings' registry has no crossing with that id** (ids are compared exactly,
///   so a scenario's `kurdistan`, standing for several crossings, is not matched): the
///   inline calendar decides ([`CapacitySource::Inline`]).
/// - **Open** by the operating calendar: the trucks published by the rule that decided
///   (an `open-day`'s, else the schedule's) if it gives them ([`CapacitySource::Rule`]); else the
///   scenario's own capacity for that day, the capacity of its phase containing the day or
///   the crossing's, whatever the scenario's open weekdays and closures say
///   ([`CapacitySource::Scenario`]). The registry's `trucks_per_day` is *not* used: the scenario's
///   capacity is the modeller's assumption and takes precedence over a registry-wide
///   figure.
/// - **Closed** by the operating calendar: 0 ([`CapacitySource::Closed`]), whatever the inline
///   calendar says.
/// - **Unknown** (no rule applies that day, such as before the first schedule): the inline
///   calendar decides ([`CapacitySource::Inline`]).
///
/// It is deterministic (the crossings' evaluation is), as [`CrossingCalendar`] requires.
#[derive(Clone, Debug)]
pub struct ReferenceCalendar {
    crossings: Crossings,
    inline: InlineCalendar,
}

/// Where a day's capacity came from in a [`ReferenceCalendar`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CapacitySource {
    /// Open, with the trucks published by the deciding rule.
    Rule,
    /// Open, with no trucks published by a rule: the scenario's capacity.
    Scenario,
    /// Closed by the operating calendar: 0.
    Closed,
    /// The operating calendar does not know the crossing, or no rule applies that day: the
    /// scenario's inline calendar.
    Inline,
}

impl CapacitySource {
    /// `rule`, `scenario`, `closed` or `inline`.
    pub fn keyword(self) -> &'static str {
        match self {
            CapacitySource::Rule => "rule",
            CapacitySource::Scenario => "scenario",
            CapacitySource::Closed => "closed",
            CapacitySource::Inline => "inline",
        }
    }
}

impl fmt::Display for CapacitySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

impl ReferenceCalendar {
    /// The calendar of `crossings`, with `fallback` for crossings and days it has no answer
    /// for (and for the capacity of open days no rule gives a capacity to).
    pub fn new(crossings: Crossings, fallback: InlineCalendar) -> ReferenceCalendar {
        ReferenceCalendar {
            crossings,
            inline: fallback,
        }
    }

    /// The calendar of `crossings` for `scenario`, with the scenario's inline calendar as
    /// the fallback.
    pub fn for_scenario(crossings: Crossings, scenario: &Scenario) -> ReferenceCalendar {
        ReferenceCalendar::new(crossings, scenario.inline_calendar().clone())
    }

    /// The crossings and their operating calendar.
    pub fn crossings(&self) -> &Crossings {
        &self.crossings
    }

    /// Whether the crossings' registry has a crossing with id `crossing` (compared
    /// exactly): whether the operating calendar, rather than the inline one, decides for it.
    pub fn covers(&self, crossing: &str) -> bool {
        self.crossings
            .list()
            .iter()
            .any(|known| known.id == crossing)
    }

    /// The trucks `crossing` can pass on `day`, and where that figure came from.
    pub fn capacity_and_source(&self, crossing: &str, day: GregorianDate) -> (u32, CapacitySource) {
        let inline = || (self.inline.capacity(crossing, day), CapacitySource::Inline);
        if !self.covers(crossing) {
            return inline();
        }
        let Ok(status) = self.crossings.status(crossing, day) else {
            return inline();
        };
        match status.state {
            DayState::Closed => (0, CapacitySource::Closed),
            DayState::Unknown => inline(),
            DayState::Open => match published_trucks(&status) {
                Some(trucks) => (trucks, CapacitySource::Rule),
                None => (
                    self.inline.capacity_if_open(crossing, day).unwrap_or(0),
                    CapacitySource::Scenario,
                ),
            },
        }
    }
}

/// The trucks a rule gave to an open day: the deciding rule's, else those of a schedule
/// that supplied them to an `open-day`. `None` when only the registry gives a capacity, or
/// nothing does.
fn published_trucks(status: &DayStatus) -> Option<u32> {
    status
        .rules
        .iter()
        .filter(|applied| matches!(applied.effect, Effect::Decides | Effect::Supplies))
        .find_map(|applied| applied.rule.trucks)
}

impl CrossingCalendar for ReferenceCalendar {
    fn capacity(&self, crossing: &str, day: GregorianDate) -> u32 {
        self.capacity_and_source(crossing, day).0
    }
}
