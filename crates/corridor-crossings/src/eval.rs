//! Evaluation: the status of a crossing on a day, and the rules that decided it.

use std::fmt;
use std::sync::Arc;

use corridor_calendar::{GregorianDate, Weekday};

use crate::rules::{Hours, Rule, RuleKind, TimeOfDay};
use crate::{Crossing, Reason};

/// Whether a crossing is open on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DayState {
    /// Open (for at least part of the day).
    Open,
    /// Closed all day.
    Closed,
    /// No rule says: the day is before the crossing's first schedule (or after a bounded
    /// one ends with nothing behind it), and no closure or exception covers it.
    Unknown,
}

impl DayState {
    /// `open`, `closed` or `unknown`.
    pub fn keyword(self) -> &'static str {
        match self {
            DayState::Open => "open",
            DayState::Closed => "closed",
            DayState::Unknown => "unknown",
        }
    }
}

impl fmt::Display for DayState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// What a rule did to a day's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    /// It decided whether the crossing is open (with its hours and capacity when it gives
    /// them).
    Decides,
    /// A schedule that gave hours or capacity to an open day decided by an `open-day` rule.
    Supplies,
    /// A closure starting or ending at a time of day that shortened the day's hours.
    Restricts,
    /// It applies and agrees with the outcome, but a rule of higher precedence decided.
    Concurs,
    /// It applies and says otherwise, but a rule of higher precedence decided.
    Overridden,
}

impl Effect {
    /// `decides`, `supplies`, `restricts`, `concurs` or `overridden`.
    pub fn keyword(self) -> &'static str {
        match self {
            Effect::Decides => "decides",
            Effect::Supplies => "supplies",
            Effect::Restricts => "restricts",
            Effect::Concurs => "concurs",
            Effect::Overridden => "overridden",
        }
    }
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// A rule that applies to a day, and what it did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// What the rule did.
    pub effect: Effect,
    /// The rule.
    pub rule: Arc<Rule>,
    /// For a lunar rule, the Gregorian day of the event this day belongs to (Arbaeen
    /// 1442: 2020-10-08).
    pub event: Option<GregorianDate>,
}

impl fmt::Display for Applied {
    /// Writes `decides: calendar.csv:14 closure (outbreak): note [source]`, leaving out what
    /// the rule does not have.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} {}",
            self.effect,
            self.rule.location(),
            self.rule.kind
        )?;
        if let Some(reason) = self.rule.reason {
            write!(f, " ({reason})")?;
        }
        if let Some(event) = self.event {
            if let Some(lunar) = self.rule.lunar {
                write!(f, " around {lunar} = {event}")?;
            }
        }
        if !self.rule.note.is_empty() {
            write!(f, ": {}", self.rule.note)?;
        }
        if !self.rule.source.is_empty() {
            write!(f, " [{}]", self.rule.source)?;
        }
        Ok(())
    }
}

/// The status of one crossing on one day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayStatus {
    /// The crossing's id.
    pub crossing: String,
    /// The day.
    pub date: GregorianDate,
    /// The day of the week.
    pub weekday: Weekday,
    /// Open, closed or unknown.
    pub state: DayState,
    /// The opening hours of an open day, if published (or shortened by a closure starting
    /// or ending that day). `None` when closed or unknown.
    pub hours: Option<Hours>,
    /// Trucks that may cross: `Some(0)` when closed; when open, the deciding rule's
    /// capacity, else the registry's, else `None` (not published, never 0); `None` when
    /// unknown.
    pub trucks: Option<u32>,
    /// Tonnes that may cross, as [`DayStatus::trucks`].
    pub tonnes: Option<u32>,
    /// Whether `trucks` or `tonnes` came from the registry because no rule gave them.
    pub capacity_from_registry: bool,
    /// Every rule that applies to the day, with its effect, deciding rules first.
    pub rules: Vec<Applied>,
}

impl DayStatus {
    /// Whether the crossing is open.
    pub fn is_open(&self) -> bool {
        self.state == DayState::Open
    }

    /// The rules that decided the day.
    pub fn deciding(&self) -> impl Iterator<Item = &Applied> {
        self.rules
            .iter()
            .filter(|applied| applied.effect == Effect::Decides)
    }

    /// The reason of the first deciding rule that gives one (a closed day's cause).
    pub fn reason(&self) -> Option<Reason> {
        self.deciding().find_map(|applied| applied.rule.reason)
    }
}

/// A closure that begins or ends on the day at a time of day.
enum Clip {
    /// Closed from this time to the end of the day.
    ClosedFrom(TimeOfDay),
    /// Closed from the start of the day to this time.
    ClosedUntil(TimeOfDay),
}

/// The status of `crossing` on `date` under `rules` (the rules that apply to it).
pub(crate) fn evaluate(crossing: &Crossing, rules: &[Arc<Rule>], date: GregorianDate) -> DayStatus {
    let weekday = date.weekday();
    let mut exception: Option<&Arc<Rule>> = None;
    let mut closures: Vec<&Arc<Rule>> = Vec::new();
    let mut partial: Vec<(&Arc<Rule>, Clip)> = Vec::new();
    let mut lunar: Vec<(&Arc<Rule>, GregorianDate)> = Vec::new();
    let mut schedule: Option<&Arc<Rule>> = None;
    for rule in rules {
        match rule.kind {
            RuleKind::OpenDay | RuleKind::ClosedDay if rule.from == Some(date) => {
                exception = Some(rule);
            }
            RuleKind::Closure if rule.in_force(date) => match (rule.from_time, rule.to_time) {
                (Some(time), _) if rule.from == Some(date) => {
                    partial.push((rule, Clip::ClosedFrom(time)));
                }
                (_, Some(time)) if rule.to == Some(date) => {
                    partial.push((rule, Clip::ClosedUntil(time)));
                }
                _ => closures.push(rule),
            },
            RuleKind::LunarClosure if rule.in_force(date) => {
                if let Some(event) = lunar_event(rule, date) {
                    lunar.push((rule, event));
                }
            }
            RuleKind::Schedule
                if rule.in_force(date)
                    && schedule.is_none_or(|current| current.from < rule.from) =>
            {
                schedule = Some(rule);
            }
            _ => {}
        }
    }
    let schedule_opens = schedule.map(|rule| rule.weekdays.contains(weekday));
    let mut status = DayStatus {
        crossing: crossing.id.clone(),
        date,
        weekday,
        state: DayState::Unknown,
        hours: None,
        trucks: None,
        tonnes: None,
        capacity_from_registry: false,
        rules: Vec::new(),
    };
    let push =
        |status: &mut DayStatus, effect: Effect, rule: &Arc<Rule>, event: Option<GregorianDate>| {
            status.rules.push(Applied {
                effect,
                rule: Arc::clone(rule),
                event,
            });
        };
    // The effect on lower-precedence rules of a closed outcome: a schedule that would open
    // is overridden, anything that closes concurs.
    let closed_effect = |opens: bool| {
        if opens {
            Effect::Overridden
        } else {
            Effect::Concurs
        }
    };

    if let Some(exception) = exception {
        push(&mut status, Effect::Decides, exception, None);
        let open = exception.kind == RuleKind::OpenDay;
        if open {
            let (trucks, trucks_registry) = capacity(
                exception.trucks,
                schedule.and_then(|s| s.trucks),
                crossing.trucks_per_day,
            );
            let (tonnes, tonnes_registry) = capacity(
                exception.tonnes,
                schedule.and_then(|s| s.tonnes),
                crossing.tonnes_per_day,
            );
            status.state = DayState::Open;
            status.hours = exception.hours.or(schedule.and_then(|s| s.hours));
            status.trucks = trucks;
            status.tonnes = tonnes;
            status.capacity_from_registry = trucks_registry || tonnes_registry;
            if let Some(rule) = schedule {
                let supplies = (exception.hours.is_none() && rule.hours.is_some())
                    || (exception.trucks.is_none() && rule.trucks.is_some())
                    || (exception.tonnes.is_none() && rule.tonnes.is_some());
                let effect = if supplies {
                    Effect::Supplies
                } else if schedule_opens == Some(true) {
                    Effect::Concurs
                } else {
                    Effect::Overridden
                };
                push(&mut status, effect, rule, None);
            }
        } else {
            close(&mut status);
            if let Some(rule) = schedule {
                push(
                    &mut status,
                    closed_effect(schedule_opens == Some(true)),
                    rule,
                    None,
                );
            }
        }
        let lower = if open {
            Effect::Overridden
        } else {
            Effect::Concurs
        };
        for rule in &closures {
            push(&mut status, lower, rule, None);
        }
        for (rule, event) in &lunar {
            push(&mut status, lower, rule, Some(*event));
        }
        for (rule, _) in &partial {
            push(&mut status, lower, rule, None);
        }
        return status;
    }

    if !closures.is_empty() || !lunar.is_empty() {
        close(&mut status);
        for rule in &closures {
            push(&mut status, Effect::Decides, rule, None);
        }
        let lunar_effect = if closures.is_empty() {
            Effect::Decides
        } else {
            Effect::Concurs
        };
        for (rule, event) in &lunar {
            push(&mut status, lunar_effect, rule, Some(*event));
        }
        for (rule, _) in &partial {
            push(&mut status, Effect::Concurs, rule, None);
        }
        if let Some(rule) = schedule {
            push(
                &mut status,
                closed_effect(schedule_opens == Some(true)),
                rule,
                None,
            );
        }
        return status;
    }

    let Some(rule) = schedule else {
        for (rule, _) in &partial {
            push(&mut status, Effect::Restricts, rule, None);
        }
        return status;
    };
    if schedule_opens != Some(true) {
        close(&mut status);
        push(&mut status, Effect::Decides, rule, None);
        for (partial_rule, _) in &partial {
            push(&mut status, Effect::Concurs, partial_rule, None);
        }
        return status;
    }
    let mut hours = rule.hours;
    if !partial.is_empty() {
        let mut clipped = rule.hours.unwrap_or(Hours::ALL_DAY);
        for (_, clip) in &partial {
            match *clip {
                Clip::ClosedFrom(time) => clipped.close = clipped.close.min(time),
                Clip::ClosedUntil(time) => clipped.open = clipped.open.max(time),
            }
        }
        if clipped.open >= clipped.close {
            close(&mut status);
            for (partial_rule, _) in &partial {
                push(&mut status, Effect::Decides, partial_rule, None);
            }
            push(&mut status, Effect::Overridden, rule, None);
            return status;
        }
        hours = Some(clipped);
    }
    let (trucks, trucks_registry) = capacity(None, rule.trucks, crossing.trucks_per_day);
    let (tonnes, tonnes_registry) = capacity(None, rule.tonnes, crossing.tonnes_per_day);
    status.state = DayState::Open;
    status.hours = hours;
    status.trucks = trucks;
    status.tonnes = tonnes;
    status.capacity_from_registry = trucks_registry || tonnes_registry;
    push(&mut status, Effect::Decides, rule, None);
    for (partial_rule, _) in &partial {
        push(&mut status, Effect::Restricts, partial_rule, None);
    }
    status
}

/// Marks the day closed: no hours, nothing crosses.
fn close(status: &mut DayStatus) {
    status.state = DayState::Closed;
    status.hours = None;
    status.trucks = Some(0);
    status.tonnes = Some(0);
    status.capacity_from_registry = false;
}

/// The first capacity given, and whether it was the registry's.
fn capacity(
    exception: Option<u32>,
    schedule: Option<u32>,
    registry: Option<u32>,
) -> (Option<u32>, bool) {
    match exception.or(schedule) {
        Some(value) => (Some(value), false),
        None => (registry, registry.is_some()),
    }
}

/// The day of the event of lunar `rule` whose window covers `date`, if one does.
fn lunar_event(rule: &Rule, date: GregorianDate) -> Option<GregorianDate> {
    let lunar = rule.lunar?;
    let day = date.days_since_epoch();
    let year = date.to_hijri().year();
    (year - 1..=year + 1).find_map(|year| {
        let event = lunar.days_in_year(year)?;
        let window = event - i64::from(rule.before)..=event + i64::from(rule.after);
        if window.contains(&day) {
            GregorianDate::from_days_since_epoch(event).ok()
        } else {
            None
        }
    })
}
