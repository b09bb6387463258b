//! Border crossings of a trade corridor and their operating calendars.
//!
//! Goods between two neighbouring countries cross at a handful of land crossings and ports,
//! and whether a crossing is open on a given day decides what can be traded that day. This
//! crate holds a **registry** of crossings and an **operating calendar** of rules, and
//! answers, for any crossing and day: open or closed, the hours, the capacity, and which
//! rules decided it and why. Nothing here is specific to one pair of countries; the Iran–Iraq
//! reference data ships with the crate ([`Crossings::reference`]).
//!
//! # The model
//!
//! - **A crossing** ([`Crossing`]) has an id (a slug, `mehran`), two [`Side`]s (country as
//!   ISO 3166-1 alpha-3, the name on that side in transliteration and optionally in its own
//!   script, the province or governorate), aliases, [`Mode`]s (road, rail, port), a
//!   [`CrossingStatus`] (official to proposed), an optional published capacity in trucks and
//!   tonnes a day, notes and sources.
//! - **A rule** ([`Rule`]) is one row of the rules file and applies to one crossing, several,
//!   or all (`*`). Its [`RuleKind`] is one of:
//!   - `schedule`: the weekdays open, hours and capacity, in force from a day (and until a
//!     day, if given). A schedule with no open weekday (`none`) closes the crossing until a
//!     later schedule replaces it ("closed until further notice").
//!   - `closure`: dated days closed, with a [`Reason`] (outbreak, pilgrimage, election,
//!     dispute, security, holiday, other). Its first day may start at a time of day and its
//!     last day end at one (`2021-10-09T21:30` to `2021-10-11T06:00`).
//!   - `open-day` and `closed-day`: single-day exceptions.
//!   - `lunar-closure`: a closure around a day of the lunar Hijri calendar, every year: from
//!     `before` days before `20 Safar` (Arbaeen) to `after` days after. The lunar day is
//!     computed with `corridor-calendar`'s tabular Hijri calendar, which can differ by a day
//!     or two from the crescent sighted in either country; the window must allow for that.
//! - **Dates** in rules may be written in any of three calendars: `2020-06-08` (Gregorian),
//!   `SH1399-03-19` (Solar Hijri) or `AH1441-12-10` (lunar Hijri). All are stored as
//!   [`GregorianDate`]s.
//!
//! # Precedence
//!
//! For a crossing and a day, [`Crossings::status`] looks at the rules that apply to that
//! crossing and takes the first level that has something to say:
//!
//! 1. **A single-day exception** (`open-day` or `closed-day` on that day) decides. An open
//!    day takes its hours and capacity from its own row, else from the schedule in force,
//!    else the capacity from the registry.
//! 2. **A dated closure** covering the whole day closes it; if several do, all are reported.
//! 3. **A lunar closure** whose window covers the day closes it.
//! 4. **The weekly schedule in force** decides by the day's weekday: among the schedules
//!    whose `from`..=`to` contains the day, the one that starts latest (a reopening
//!    supersedes what came before; when a bounded schedule ends, the one it interrupted
//!    applies again). Its hours are shortened by a closure that starts or ends that day at
//!    a time of day (the day is closed if nothing is left). Capacity: the schedule's, else
//!    the registry's.
//! 5. **Nothing applies**: the day is [`DayState::Unknown`].
//!
//! Every rule that applies to the day is listed in [`DayStatus::rules`] with its
//! [`Effect`]: the deciding ones, and those that concur, were overridden, supplied hours or
//! capacity, or shortened the hours. A closed day reports capacity `Some(0)`; an open day
//! reports a positive capacity or `None` (not published), never 0.
//!
//! # Validation
//!
//! [`Crossings::load`] rejects, naming the file, the line and the field:
//! in the registry, a bad or duplicate id, an unknown country code, mode or status, a
//! capacity of 0, a name shared by two crossings; in the rules, an unknown crossing id, kind,
//! weekday, reason or date, hours that end before they start, `to` before `from`, a capacity
//! of 0 on an open day, a field the rule's kind does not use, a closing rule without a reason,
//! and contradictory rules. Two rules **contradict** when, for one crossing, (a) two
//! schedules start on the same day (neither supersedes the other), or (b) two single-day
//! exceptions fall on the same day. Overlapping closures do not contradict (they agree), and
//! neither do a closure and a schedule (the closure takes precedence).
//!
//! # Example
//!
//! ```
//! use corridor_calendar::GregorianDate;
//! use corridor_crossings::{Crossings, DayState};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let crossings = Crossings::reference()?;
//! let day = crossings.status("mehran", "2020-06-08".parse::<GregorianDate>()?)?;
//! assert_eq!(day.state, DayState::Open);
//! assert_eq!(day.trucks, Some(250));
//! # Ok(())
//! # }
//! ```
//!
//! File formats: `docs/formats/crossings.md`. The crate does no I/O beyond reading the
//! `impl Read` its caller hands over, and never reads the clock.

mod error;
mod eval;
pub mod json;
mod registry;
mod rules;
mod table;

use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

pub use corridor_calendar::GregorianDate;
pub use error::CrossingsError;
pub use eval::{Applied, DayState, DayStatus, Effect};
pub use registry::{Crossing, CrossingStatus, Mode, Side};
pub use rules::{
    parse_day, parse_moment, Applies, Hours, LunarDay, Reason, Rule, RuleKind, TimeOfDay,
    WeekdaySet, MAX_LUNAR_WINDOW,
};

/// The name of the embedded reference registry, as errors and [`Rule::file`] give it.
pub const REFERENCE_REGISTRY: &str = "iran-iraq-crossings.csv";
/// The name of the embedded reference calendar, as errors and [`Rule::file`] give it.
pub const REFERENCE_CALENDAR: &str = "iran-iraq-calendar.csv";

const REFERENCE_REGISTRY_CSV: &str = include_str!("../data/iran-iraq-crossings.csv");
const REFERENCE_CALENDAR_CSV: &str = include_str!("../data/iran-iraq-calendar.csv");

/// A registry of crossings with their operating calendar, checked.
#[derive(Clone, Debug)]
pub struct Crossings {
    crossings: Vec<Crossing>,
    rules: Vec<Arc<Rule>>,
    /// For each crossing (same order as `crossings`), the rules that apply to it, in file
    /// order.
    by_crossing: Vec<Vec<Arc<Rule>>>,
}

impl Crossings {
    /// Reads a registry and a rules file (formats in `docs/formats/crossings.md`) and checks
    /// them. `registry_source` and `calendar_source` name the inputs in errors (a file name,
    /// usually).
    pub fn load(
        registry_source: &str,
        registry: impl Read,
        calendar_source: &str,
        calendar: impl Read,
    ) -> Result<Crossings, CrossingsError> {
        let crossings = registry::read_registry(registry_source, registry)?;
        let rules = rules::read_rules(calendar_source, calendar, &crossings)?;
        let rules: Vec<Arc<Rule>> = rules.into_iter().map(Arc::new).collect();
        let by_crossing: Vec<Vec<Arc<Rule>>> = crossings
            .iter()
            .map(|crossing| {
                rules
                    .iter()
                    .filter(|rule| rule.crossings.includes(&crossing.id))
                    .cloned()
                    .collect()
            })
            .collect();
        for (crossing, rules) in crossings.iter().zip(&by_crossing) {
            check_contradictions(crossing, rules)?;
        }
        Ok(Crossings {
            crossings,
            rules,
            by_crossing,
        })
    }

    /// The Iran–Iraq reference data embedded in the crate: every crossing of the corridor
    /// and the dated history of their schedules and closures from 2013 to 2023, with
    /// sources (`crates/corridor-crossings/data/README.md`). A test checks that it loads,
    /// so this fails only if the crate was built from edited data.
    pub fn reference() -> Result<Crossings, CrossingsError> {
        Crossings::load(
            REFERENCE_REGISTRY,
            REFERENCE_REGISTRY_CSV.as_bytes(),
            REFERENCE_CALENDAR,
            REFERENCE_CALENDAR_CSV.as_bytes(),
        )
    }

    /// [`Crossings::reference`], read once per process and shared (the error as text).
    pub fn reference_shared() -> Result<&'static Crossings, String> {
        static REFERENCE: std::sync::OnceLock<Result<Crossings, String>> =
            std::sync::OnceLock::new();
        REFERENCE
            .get_or_init(|| Crossings::reference().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Every crossing, in registry order.
    pub fn list(&self) -> &[Crossing] {
        &self.crossings
    }

    /// Every rule, in file order.
    pub fn rules(&self) -> &[Arc<Rule>] {
        &self.rules
    }

    /// The crossing whose id is `name`, else the one that answers to it
    /// ([`Crossing::answers_to`]: a side's name or native name, or an alias), ignoring case.
    /// Names are unique across crossings (the registry is checked), so at most one matches.
    pub fn find(&self, name: &str) -> Option<&Crossing> {
        let name = name.trim();
        self.crossings
            .iter()
            .find(|crossing| crossing.id == name)
            .or_else(|| {
                self.crossings
                    .iter()
                    .find(|crossing| crossing.answers_to(name))
            })
    }

    /// The rules that apply to the crossing named `name` (as [`Crossings::find`]), in file
    /// order.
    pub fn rules_for(&self, name: &str) -> Result<&[Arc<Rule>], CrossingsError> {
        let index = self.index(name)?;
        Ok(&self.by_crossing[index])
    }

    /// The status of the crossing named `name` (its id or a name, as [`Crossings::find`])
    /// on `date`.
    pub fn status(&self, name: &str, date: GregorianDate) -> Result<DayStatus, CrossingsError> {
        let index = self.index(name)?;
        Ok(eval::evaluate(
            &self.crossings[index],
            &self.by_crossing[index],
            date,
        ))
    }

    /// The status of the crossing named `name` on every day from `from` to `to`, inclusive.
    pub fn calendar(
        &self,
        name: &str,
        from: GregorianDate,
        to: GregorianDate,
    ) -> Result<Vec<DayStatus>, CrossingsError> {
        if to < from {
            return Err(CrossingsError::ReversedRange { from, to });
        }
        let index = self.index(name)?;
        let (crossing, rules) = (&self.crossings[index], &self.by_crossing[index]);
        let (first, last) = (from.days_since_epoch(), to.days_since_epoch());
        Ok((first..=last)
            .filter_map(|day| GregorianDate::from_days_since_epoch(day).ok())
            .map(|date| eval::evaluate(crossing, rules, date))
            .collect())
    }

    /// The status of every crossing on `date`, in registry order.
    pub fn open_on(&self, date: GregorianDate) -> Vec<DayStatus> {
        self.crossings
            .iter()
            .zip(&self.by_crossing)
            .map(|(crossing, rules)| eval::evaluate(crossing, rules, date))
            .collect()
    }

    fn index(&self, name: &str) -> Result<usize, CrossingsError> {
        let crossing = self
            .find(name)
            .ok_or_else(|| CrossingsError::UnknownCrossing {
                name: name.to_owned(),
            })?;
        self.crossings
            .iter()
            .position(|known| known.id == crossing.id)
            .ok_or_else(|| CrossingsError::UnknownCrossing {
                name: name.to_owned(),
            })
    }
}

/// Checks that no two of `rules` (those of `crossing`, in file order) contradict each
/// other: two schedules starting on the same day, or two single-day exceptions on the same
/// day. The later of the two rows is the one reported.
fn check_contradictions(crossing: &Crossing, rules: &[Arc<Rule>]) -> Result<(), CrossingsError> {
    let mut schedules: HashMap<GregorianDate, &Rule> = HashMap::new();
    let mut exceptions: HashMap<GregorianDate, &Rule> = HashMap::new();
    for rule in rules {
        let (seen, what) = match rule.kind {
            RuleKind::Schedule => (&mut schedules, "schedules start"),
            RuleKind::OpenDay | RuleKind::ClosedDay => {
                (&mut exceptions, "single-day exceptions fall")
            }
            _ => continue,
        };
        let Some(from) = rule.from else { continue };
        if let Some(first) = seen.insert(from, rule) {
            return Err(CrossingsError::field(
                &rule.file,
                rule.line,
                "from",
                format!(
                    "contradicts line {}: two {what} on {from} for crossing {:?}, so neither supersedes the other",
                    first.line, crossing.id
                ),
            ));
        }
    }
    Ok(())
}
