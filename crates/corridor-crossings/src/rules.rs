//! The operating calendar: its rules, their text forms, and reading a rules file.

use std::fmt;
use std::io::Read;
use std::str::FromStr;

use corridor_calendar::{GregorianDate, HijriDate, HijriMonth, SolarHijriDate, Weekday};

use crate::registry::{is_slug, parse_count};
use crate::table::{Column, Row, Table};
use crate::{Crossing, CrossingsError};

/// The most days a lunar rule may reach before or after its event. Keeps every window
/// shorter than half a lunar year, so a day can only belong to an event of the lunar year
/// it falls in or of the one before or after.
pub const MAX_LUNAR_WINDOW: u16 = 120;

/// What a rule does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleKind {
    /// A weekly schedule: the weekdays the crossing opens, its hours and capacity, from a
    /// day (and optionally to a day). A later-starting schedule supersedes an earlier one
    /// while it is in force.
    Schedule,
    /// A closure of one or more whole days (the first may start, and the last end, at a
    /// time of day).
    Closure,
    /// One day on which the crossing is open, whatever else applies.
    OpenDay,
    /// One day on which the crossing is closed, whatever else applies.
    ClosedDay,
    /// A closure around a day of the lunar Hijri calendar, every year: from `before` days
    /// before the event to `after` days after it.
    LunarClosure,
}

impl RuleKind {
    /// All kinds, in declaration order.
    pub const ALL: [RuleKind; 5] = [
        RuleKind::Schedule,
        RuleKind::Closure,
        RuleKind::OpenDay,
        RuleKind::ClosedDay,
        RuleKind::LunarClosure,
    ];

    /// The keyword used in files: `schedule`, `closure`, `open-day`, `closed-day`,
    /// `lunar-closure`.
    pub fn keyword(self) -> &'static str {
        match self {
            RuleKind::Schedule => "schedule",
            RuleKind::Closure => "closure",
            RuleKind::OpenDay => "open-day",
            RuleKind::ClosedDay => "closed-day",
            RuleKind::LunarClosure => "lunar-closure",
        }
    }
}

impl fmt::Display for RuleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

impl FromStr for RuleKind {
    type Err = String;

    fn from_str(text: &str) -> Result<RuleKind, String> {
        RuleKind::ALL
            .into_iter()
            .find(|kind| text.eq_ignore_ascii_case(kind.keyword()))
            .ok_or_else(|| {
                format!("unknown kind {text:?}; expected schedule, closure, open-day, closed-day or lunar-closure")
            })
    }
}

/// Why a crossing is closed (or a schedule was set).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// An epidemic (COVID-19 in 2020).
    Outbreak,
    /// A pilgrimage (Arbaeen): the road is given to pilgrims, trucks are stopped.
    Pilgrimage,
    /// An election.
    Election,
    /// A political dispute between the governments, or one government's decision.
    Dispute,
    /// An attack, unrest or another security concern.
    Security,
    /// A public or religious holiday.
    Holiday,
    /// Anything else (say what in the note).
    Other,
}

impl Reason {
    /// All reasons, in declaration order.
    pub const ALL: [Reason; 7] = [
        Reason::Outbreak,
        Reason::Pilgrimage,
        Reason::Election,
        Reason::Dispute,
        Reason::Security,
        Reason::Holiday,
        Reason::Other,
    ];

    /// The keyword used in files: `outbreak`, `pilgrimage`, `election`, `dispute`,
    /// `security`, `holiday`, `other`.
    pub fn keyword(self) -> &'static str {
        match self {
            Reason::Outbreak => "outbreak",
            Reason::Pilgrimage => "pilgrimage",
            Reason::Election => "election",
            Reason::Dispute => "dispute",
            Reason::Security => "security",
            Reason::Holiday => "holiday",
            Reason::Other => "other",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

impl FromStr for Reason {
    type Err = String;

    fn from_str(text: &str) -> Result<Reason, String> {
        Reason::ALL
            .into_iter()
            .find(|reason| text.eq_ignore_ascii_case(reason.keyword()))
            .ok_or_else(|| {
                format!("unknown reason {text:?}; expected outbreak, pilgrimage, election, dispute, security, holiday or other")
            })
    }
}

/// A set of weekdays.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct WeekdaySet(u8);

impl WeekdaySet {
    /// No day.
    pub const NONE: WeekdaySet = WeekdaySet(0);
    /// Every day.
    pub const DAILY: WeekdaySet = WeekdaySet(0b111_1111);

    /// Whether `day` is in the set.
    pub fn contains(self, day: Weekday) -> bool {
        self.0 & bit(day) != 0
    }

    /// The set with `day` added.
    pub fn with(self, day: Weekday) -> WeekdaySet {
        WeekdaySet(self.0 | bit(day))
    }

    /// Whether the set has no day.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The days in the set, Monday first.
    pub fn days(self) -> impl Iterator<Item = Weekday> {
        Weekday::ALL
            .into_iter()
            .filter(move |day| self.contains(*day))
    }
}

fn bit(day: Weekday) -> u8 {
    1 << (day.number() - 1)
}

impl fmt::Display for WeekdaySet {
    /// Writes `daily`, `none`, or the days' abbreviations joined by `;`, Monday first
    /// (`Wed;Sun`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == WeekdaySet::DAILY {
            return f.write_str("daily");
        }
        if self.is_empty() {
            return f.write_str("none");
        }
        let days: Vec<&str> = self.days().map(Weekday::abbreviation).collect();
        f.write_str(&days.join(";"))
    }
}

impl FromStr for WeekdaySet {
    type Err = String;

    /// Reads `daily`, `none`, or items joined by `;`, each a day (`Mon`, `monday`) or a range
    /// of days (`Sat-Thu`, which runs forward through the week and may wrap past Sunday).
    fn from_str(text: &str) -> Result<WeekdaySet, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("daily") {
            return Ok(WeekdaySet::DAILY);
        }
        if text.eq_ignore_ascii_case("none") {
            return Ok(WeekdaySet::NONE);
        }
        let day = |name: &str| {
            name.trim().parse::<Weekday>().map_err(|_| {
                format!(
                    "unknown weekday {:?}; expected Mon, Tue, Wed, Thu, Fri, Sat, Sun (or the full English name), a range such as Sat-Thu, daily or none",
                    name.trim()
                )
            })
        };
        let mut set = WeekdaySet::NONE;
        for item in text.split(';') {
            if item.trim().is_empty() {
                return Err(format!("empty item in weekday list {text:?}"));
            }
            if let Some((first, last)) = item.split_once('-') {
                let (first, last) = (day(first)?, day(last)?);
                let mut current = first;
                set = set.with(current);
                while current != last {
                    current = current.next();
                    set = set.with(current);
                }
            } else {
                set = set.with(day(item)?);
            }
        }
        Ok(set)
    }
}

/// A time of day, in minutes after midnight, from 00:00 to 24:00.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    /// 00:00, the start of a day.
    pub const MIDNIGHT: TimeOfDay = TimeOfDay(0);
    /// 24:00, the end of a day.
    pub const END_OF_DAY: TimeOfDay = TimeOfDay(24 * 60);

    /// The time `hour`:`minute`, if it is 00:00-24:00.
    pub fn new(hour: u8, minute: u8) -> Option<TimeOfDay> {
        let minutes = u16::from(hour) * 60 + u16::from(minute);
        (minute < 60 && minutes <= 24 * 60).then_some(TimeOfDay(minutes))
    }

    /// Minutes after midnight, 0-1440.
    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl fmt::Display for TimeOfDay {
    /// Writes `HH:MM`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl FromStr for TimeOfDay {
    type Err = String;

    /// Reads `HH:MM` (two-digit hour 00-24, two-digit minute; 24:00 is the end of the day).
    fn from_str(text: &str) -> Result<TimeOfDay, String> {
        let bad = || format!("bad time {text:?}: expected HH:MM from 00:00 to 24:00");
        let (hour, minute) = text.split_once(':').ok_or_else(bad)?;
        let two_digits = |part: &str| (part.len() == 2).then(|| parse_count(part)).flatten();
        let hour = two_digits(hour)
            .and_then(|h| u8::try_from(h).ok())
            .ok_or_else(bad)?;
        let minute = two_digits(minute)
            .and_then(|m| u8::try_from(m).ok())
            .ok_or_else(bad)?;
        TimeOfDay::new(hour, minute).ok_or_else(bad)
    }
}

/// Opening hours within one day: from `open` to `close`, `open` before `close`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Hours {
    /// When the crossing opens.
    pub open: TimeOfDay,
    /// When it closes (24:00 for the end of the day).
    pub close: TimeOfDay,
}

impl Hours {
    /// The whole day, 00:00-24:00.
    pub const ALL_DAY: Hours = Hours {
        open: TimeOfDay::MIDNIGHT,
        close: TimeOfDay::END_OF_DAY,
    };
}

impl fmt::Display for Hours {
    /// Writes `HH:MM-HH:MM`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.open, self.close)
    }
}

impl FromStr for Hours {
    type Err = String;

    /// Reads `HH:MM-HH:MM`, the first time before the second (no overnight hours).
    fn from_str(text: &str) -> Result<Hours, String> {
        let (open, close) = text.split_once('-').ok_or_else(|| {
            format!("bad hours {text:?}: expected HH:MM-HH:MM, such as 08:00-16:00")
        })?;
        let hours = Hours {
            open: open.trim().parse()?,
            close: close.trim().parse()?,
        };
        if hours.open >= hours.close {
            return Err(format!(
                "bad hours {text:?}: the opening time must come before the closing time (hours past midnight are not supported)"
            ));
        }
        Ok(hours)
    }
}

/// A day of the lunar Hijri year: a month and a day of it (1-30).
///
/// Day 30 of a month that has 29 days that year falls on the first of the next month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LunarDay {
    /// The month.
    pub month: HijriMonth,
    /// The day of the month, 1-30.
    pub day: u8,
}

impl LunarDay {
    /// The Gregorian day of this lunar day in Hijri `year`, as days since 1970-01-01, if
    /// the year is supported.
    pub(crate) fn days_in_year(self, year: i32) -> Option<i64> {
        let first = HijriDate::new(year, self.month.number(), 1).ok()?;
        Some(first.days_since_epoch() + i64::from(self.day) - 1)
    }
}

impl fmt::Display for LunarDay {
    /// Writes `20 Safar`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.day, self.month)
    }
}

impl FromStr for LunarDay {
    type Err = String;

    /// Reads `MM-DD` (`02-20`) or `D Month` (`20 Safar`, `10 Dhu al-Hijjah`).
    fn from_str(text: &str) -> Result<LunarDay, String> {
        let bad = || {
            format!("bad lunar day {text:?}: expected MM-DD (such as 02-20) or a day and a month name (such as 20 Safar)")
        };
        let text = text.trim();
        let (month, day) = if let Some((day, name)) = text.split_once(' ') {
            let day = parse_count(day).ok_or_else(bad)?;
            let month = name
                .trim()
                .parse::<HijriMonth>()
                .map_err(|error| error.to_string())?;
            (month, day)
        } else {
            let (month, day) = text.split_once('-').ok_or_else(bad)?;
            let month = parse_count(month)
                .and_then(|month| u8::try_from(month).ok())
                .ok_or_else(bad)?;
            let month = HijriMonth::from_number(month).map_err(|error| error.to_string())?;
            (month, parse_count(day).ok_or_else(bad)?)
        };
        if !(1..=30).contains(&day) {
            return Err(format!("bad lunar day {text:?}: the day must be 1-30"));
        }
        Ok(LunarDay {
            month,
            day: u8::try_from(day).map_err(|_| bad())?,
        })
    }
}

/// The crossings a rule applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applies {
    /// Every crossing of the registry (`*`).
    All,
    /// The crossings with these ids.
    To(Vec<String>),
}

impl Applies {
    /// Whether the rule applies to the crossing with id `id`.
    pub fn includes(&self, id: &str) -> bool {
        match self {
            Applies::All => true,
            Applies::To(ids) => ids.iter().any(|known| known == id),
        }
    }
}

impl fmt::Display for Applies {
    /// Writes `*` or the ids joined by `;`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Applies::All => f.write_str("*"),
            Applies::To(ids) => f.write_str(&ids.join(";")),
        }
    }
}

/// One rule of an operating calendar: one row of a rules file.
///
/// Which fields a rule has depends on its [`kind`](Rule::kind); the rules file format
/// (`docs/formats/crossings.md`) lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The rules file, as the caller named it.
    pub file: String,
    /// The line of the rules file.
    pub line: u64,
    /// The crossings it applies to.
    pub crossings: Applies,
    /// What it does.
    pub kind: RuleKind,
    /// The first day it covers: a schedule's first day in force, a closure's first day,
    /// the day of an open or closed day, the first day a lunar rule is in force (`None`:
    /// always).
    pub from: Option<GregorianDate>,
    /// A closure's starting time on its first day (closed from then on).
    pub from_time: Option<TimeOfDay>,
    /// The last day it covers, inclusive (`None`: a schedule in force until superseded, a
    /// lunar rule in force every year from `from` on).
    pub to: Option<GregorianDate>,
    /// A closure's ending time on its last day (open again from then on).
    pub to_time: Option<TimeOfDay>,
    /// A schedule's open weekdays (empty: closed until superseded).
    pub weekdays: WeekdaySet,
    /// Opening hours of a schedule or an open day, if published.
    pub hours: Option<Hours>,
    /// Trucks a day of a schedule or an open day, if published. Never 0.
    pub trucks: Option<u32>,
    /// Tonnes a day of a schedule or an open day, if published. Never 0.
    pub tonnes: Option<u32>,
    /// A lunar rule's event day.
    pub lunar: Option<LunarDay>,
    /// A lunar rule's days before the event (0 to [`MAX_LUNAR_WINDOW`]).
    pub before: u16,
    /// A lunar rule's days after the event (0 to [`MAX_LUNAR_WINDOW`]).
    pub after: u16,
    /// Why (required for closures, closed days, lunar closures and schedules with no open
    /// day).
    pub reason: Option<Reason>,
    /// Free text.
    pub note: String,
    /// Where the rule comes from.
    pub source: String,
}

impl Rule {
    /// Whether the rule's `from`..=`to` (either end open when `None`) contains `date`.
    pub(crate) fn in_force(&self, date: GregorianDate) -> bool {
        self.from.is_none_or(|from| from <= date) && self.to.is_none_or(|to| date <= to)
    }

    /// `file:line`, for messages.
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

/// The rules file's columns.
const COLUMNS: &[Column] = &[
    Column {
        name: "crossings",
        required: true,
    },
    Column {
        name: "kind",
        required: true,
    },
    Column {
        name: "from",
        required: false,
    },
    Column {
        name: "to",
        required: false,
    },
    Column {
        name: "weekdays",
        required: false,
    },
    Column {
        name: "hours",
        required: false,
    },
    Column {
        name: "trucks",
        required: false,
    },
    Column {
        name: "tonnes",
        required: false,
    },
    Column {
        name: "lunar",
        required: false,
    },
    Column {
        name: "before",
        required: false,
    },
    Column {
        name: "after",
        required: false,
    },
    Column {
        name: "reason",
        required: false,
    },
    Column {
        name: "note",
        required: false,
    },
    Column {
        name: "source",
        required: false,
    },
];

/// Which fields each kind takes: `(column, kinds that take it)`. A field given to a kind
/// that does not take it is an error, so that a misplaced value is never silently ignored.
const TAKES: &[(&str, &[RuleKind])] = &[
    ("weekdays", &[RuleKind::Schedule]),
    ("hours", &[RuleKind::Schedule, RuleKind::OpenDay]),
    ("trucks", &[RuleKind::Schedule, RuleKind::OpenDay]),
    ("tonnes", &[RuleKind::Schedule, RuleKind::OpenDay]),
    ("lunar", &[RuleKind::LunarClosure]),
    ("before", &[RuleKind::LunarClosure]),
    ("after", &[RuleKind::LunarClosure]),
    (
        "to",
        &[
            RuleKind::Schedule,
            RuleKind::Closure,
            RuleKind::LunarClosure,
        ],
    ),
];

/// Reads a rules file and checks each row on its own and against the registry; the
/// checks across rows are in [`crate::validate`].
pub(crate) fn read_rules(
    file: &str,
    reader: impl Read,
    crossings: &[Crossing],
) -> Result<Vec<Rule>, CrossingsError> {
    let table = Table::read(file, reader, COLUMNS)?;
    table
        .rows(file)
        .map(|row| read_rule(&row, crossings))
        .collect()
}

fn read_rule(row: &Row<'_>, crossings: &[Crossing]) -> Result<Rule, CrossingsError> {
    let applies = read_applies(row, crossings)?;
    let kind = row
        .required("kind")?
        .parse::<RuleKind>()
        .map_err(|problem| row.error("kind", problem))?;
    for (column, kinds) in TAKES {
        if row.get(column).is_some() && !kinds.contains(&kind) {
            return Err(row.error(column, format!("not used by a {kind} rule; leave it empty")));
        }
    }
    let (from, from_time) = match row.get("from") {
        Some(text) => {
            let (date, time) = parse_moment(text).map_err(|problem| row.error("from", problem))?;
            (Some(date), time)
        }
        None if kind == RuleKind::LunarClosure => (None, None),
        None => return Err(row.error("from", "required field is empty")),
    };
    let (to, to_time) = match row.get("to") {
        Some(text) => {
            let (date, time) = parse_moment(text).map_err(|problem| row.error("to", problem))?;
            (Some(date), time)
        }
        None if kind == RuleKind::Closure => {
            return Err(row.error(
                "to",
                "required field is empty: a closure needs its last day (use a schedule with weekdays \"none\" for a closure until further notice)",
            ))
        }
        None => (None, None),
    };
    if kind != RuleKind::Closure {
        if from_time.is_some() {
            return Err(row.error("from", "a time of day is only allowed on a closure"));
        }
        if to_time.is_some() {
            return Err(row.error("to", "a time of day is only allowed on a closure"));
        }
    }
    if let (Some(from), Some(to)) = (from, to) {
        if to < from {
            return Err(row.error("to", format!("{to} is before from {from}")));
        }
        if from == to && from_time.is_some() && to_time.is_some() {
            return Err(row.error(
                "to",
                "a closure starting and ending on the same day at given times is not supported; describe the day with an open-day row and its hours",
            ));
        }
    }
    if from_time == Some(TimeOfDay::END_OF_DAY) {
        return Err(row.error(
            "from",
            "a closure cannot start at 24:00; start it the next day",
        ));
    }
    if to_time == Some(TimeOfDay::MIDNIGHT) {
        return Err(row.error("to", "a closure cannot end at 00:00; end it the day before"));
    }
    let weekdays = match row.get("weekdays") {
        Some(text) => text
            .parse::<WeekdaySet>()
            .map_err(|problem| row.error("weekdays", problem))?,
        None if kind == RuleKind::Schedule => {
            return Err(row.error(
                "weekdays",
                "required field is empty (daily, none, or days such as Sun;Wed)",
            ))
        }
        None => WeekdaySet::NONE,
    };
    let opens = match kind {
        RuleKind::Schedule => !weekdays.is_empty(),
        RuleKind::OpenDay => true,
        _ => false,
    };
    let hours = row
        .get("hours")
        .map(|text| {
            text.parse::<Hours>()
                .map_err(|problem| row.error("hours", problem))
        })
        .transpose()?;
    let trucks = read_capacity(row, "trucks")?;
    let tonnes = read_capacity(row, "tonnes")?;
    if !opens {
        for (column, given) in [
            ("hours", hours.is_some()),
            ("trucks", trucks.is_some()),
            ("tonnes", tonnes.is_some()),
        ] {
            if given {
                return Err(row.error(
                    column,
                    "a schedule with no open weekday has no hours or capacity; leave it empty",
                ));
            }
        }
    }
    let lunar = match row.get("lunar") {
        Some(text) => Some(
            text.parse::<LunarDay>()
                .map_err(|problem| row.error("lunar", problem))?,
        ),
        None if kind == RuleKind::LunarClosure => {
            return Err(row.error(
                "lunar",
                "required field is empty (such as 02-20 or 20 Safar)",
            ))
        }
        None => None,
    };
    let before = read_window(row, "before")?;
    let after = read_window(row, "after")?;
    let reason = row
        .get("reason")
        .map(|text| {
            text.parse::<Reason>()
                .map_err(|problem| row.error("reason", problem))
        })
        .transpose()?;
    let closes = matches!(
        kind,
        RuleKind::Closure | RuleKind::ClosedDay | RuleKind::LunarClosure
    ) || (kind == RuleKind::Schedule && weekdays.is_empty());
    if closes && reason.is_none() {
        return Err(row.error(
            "reason",
            "required field is empty: a rule that closes a crossing gives a reason (outbreak, pilgrimage, election, dispute, security, holiday or other)",
        ));
    }
    Ok(Rule {
        file: row.file.to_owned(),
        line: row.line,
        crossings: applies,
        kind,
        from,
        from_time,
        to,
        to_time,
        weekdays,
        hours,
        trucks,
        tonnes,
        lunar,
        before,
        after,
        reason,
        note: row.get("note").unwrap_or_default().to_owned(),
        source: row.get("source").unwrap_or_default().to_owned(),
    })
}

fn read_applies(row: &Row<'_>, crossings: &[Crossing]) -> Result<Applies, CrossingsError> {
    let text = row.required("crossings")?;
    if text == "*" {
        return Ok(Applies::All);
    }
    let mut ids: Vec<String> = Vec::new();
    for id in text.split(';').map(str::trim) {
        if id.is_empty() {
            return Err(row.error("crossings", format!("empty item in {text:?}")));
        }
        if !crossings.iter().any(|crossing| crossing.id == id) {
            let hint = if is_slug(id) {
                String::new()
            } else {
                " (rules name crossings by id, such as \"mehran\")".to_owned()
            };
            return Err(row.error("crossings", format!("unknown crossing id {id:?}{hint}")));
        }
        if ids.iter().any(|known| known == id) {
            return Err(row.error("crossings", format!("crossing {id:?} is named twice")));
        }
        ids.push(id.to_owned());
    }
    Ok(Applies::To(ids))
}

fn read_capacity(row: &Row<'_>, field: &str) -> Result<Option<u32>, CrossingsError> {
    let Some(text) = row.get(field) else {
        return Ok(None);
    };
    match parse_count(text) {
        Some(0) => Err(row.error(
            field,
            "capacity 0 on an open day: leave it empty when unknown, or close the day with a closure or a schedule with weekdays \"none\"",
        )),
        Some(value) => Ok(Some(value)),
        None => Err(row.error(field, format!("bad number {text:?}: expected a whole number of digits"))),
    }
}

fn read_window(row: &Row<'_>, field: &str) -> Result<u16, CrossingsError> {
    let Some(text) = row.get(field) else {
        return Ok(0);
    };
    parse_count(text)
        .and_then(|value| u16::try_from(value).ok())
        .filter(|value| *value <= MAX_LUNAR_WINDOW)
        .ok_or_else(|| {
            row.error(
                field,
                format!("bad number of days {text:?}: expected 0 to {MAX_LUNAR_WINDOW}"),
            )
        })
}

/// Parses a day, optionally with a time: `2020-06-08` (Gregorian), `SH1399-03-19` (Solar
/// Hijri), `AH1441-12-10` (lunar Hijri, tabular), each optionally followed by `T` and
/// `HH:MM`.
pub fn parse_moment(text: &str) -> Result<(GregorianDate, Option<TimeOfDay>), String> {
    let (day, time) = match text.split_once('T') {
        Some((day, time)) => (day, Some(time.parse::<TimeOfDay>()?)),
        None => (text, None),
    };
    Ok((parse_day(day)?, time))
}

/// Parses a day written in any of the three calendars: `2020-06-08` (Gregorian),
/// `SH1399-03-19` (Solar Hijri), `AH1441-12-10` (lunar Hijri, tabular). The markers
/// ignore ASCII case.
pub fn parse_day(text: &str) -> Result<GregorianDate, String> {
    let bad = |error: corridor_calendar::CalendarError| format!("bad date {text:?}: {error}");
    let prefix = text.get(..2).unwrap_or_default();
    if prefix.eq_ignore_ascii_case("SH") {
        text[2..]
            .parse::<SolarHijriDate>()
            .map(SolarHijriDate::to_gregorian)
            .map_err(bad)
    } else if prefix.eq_ignore_ascii_case("AH") {
        text[2..]
            .parse::<HijriDate>()
            .map(HijriDate::to_gregorian)
            .map_err(bad)
    } else {
        text.parse::<GregorianDate>().map_err(bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekday_sets() {
        let parse = |text: &str| text.parse::<WeekdaySet>().map(|set| set.to_string());
        assert_eq!(parse("daily"), Ok("daily".to_owned()));
        assert_eq!(parse("NONE"), Ok("none".to_owned()));
        assert_eq!(parse("Sun;Wed"), Ok("Wed;Sun".to_owned()));
        assert_eq!(parse("wednesday; sunday"), Ok("Wed;Sun".to_owned()));
        assert_eq!(parse("Sat-Thu"), Ok("Mon;Tue;Wed;Thu;Sat;Sun".to_owned()));
        assert_eq!(parse("Mon-Sun"), Ok("daily".to_owned()));
        assert_eq!(parse("Fri-Fri"), Ok("Fri".to_owned()));
        assert_eq!(parse("Mon;Tue-Wed;Mon"), Ok("Mon;Tue;Wed".to_owned()));
        assert!(parse("").is_err());
        assert!(parse("Mon,Wed").is_err());
        let set: WeekdaySet = "Sat-Thu".parse().unwrap();
        assert!(set.contains(Weekday::Saturday));
        assert!(!set.contains(Weekday::Friday));
        assert_eq!(set.days().count(), 6);
    }

    #[test]
    fn times_and_hours() {
        assert_eq!(
            "08:30".parse::<TimeOfDay>().map(TimeOfDay::minutes),
            Ok(510)
        );
        assert_eq!("24:00".parse::<TimeOfDay>(), Ok(TimeOfDay::END_OF_DAY));
        for bad in ["24:01", "8:30", "08:60", "0830", "08:3", "-1:00", ""] {
            assert!(bad.parse::<TimeOfDay>().is_err(), "{bad}");
        }
        assert_eq!(
            "08:00-16:30"
                .parse::<Hours>()
                .map(|hours| hours.to_string()),
            Ok("08:00-16:30".to_owned())
        );
        assert_eq!(Hours::ALL_DAY.to_string(), "00:00-24:00");
        assert!("08:00-08:00".parse::<Hours>().is_err());
        assert!("22:00-06:00".parse::<Hours>().is_err());
    }

    #[test]
    fn lunar_days() {
        let parse = |text: &str| text.parse::<LunarDay>().map(|day| day.to_string());
        assert_eq!(parse("02-20"), Ok("20 Safar".to_owned()));
        assert_eq!(parse("20 Safar"), Ok("20 Safar".to_owned()));
        assert_eq!(parse("10 Dhu al-Hijjah"), Ok("10 Dhu al-Hijjah".to_owned()));
        assert_eq!(parse("10 Zul Hijjah"), Ok("10 Dhu al-Hijjah".to_owned()));
        assert_eq!(parse("12-30"), Ok("30 Dhu al-Hijjah".to_owned()));
        assert!(parse("02-00").is_err());
        assert!(parse("Safar 20").is_err());
        assert!(parse("2-20-1").is_err());
        // 20 Safar 1442 is 2020-10-08; "30 Safar" is the day after 29 Safar.
        let arbaeen: LunarDay = "02-20".parse().unwrap();
        assert_eq!(
            arbaeen.days_in_year(1442),
            Some(
                "2020-10-08"
                    .parse::<GregorianDate>()
                    .unwrap()
                    .days_since_epoch()
            )
        );
        let thirtieth: LunarDay = "02-30".parse().unwrap();
        let first_rabi = HijriDate::new(1442, 3, 1).unwrap().days_since_epoch();
        assert_eq!(thirtieth.days_in_year(1442), Some(first_rabi));
        assert_eq!(arbaeen.days_in_year(2041), None);
    }

    #[test]
    fn days_in_three_calendars() {
        let day = |text: &str| parse_day(text).map(|date| date.to_string());
        assert_eq!(day("2020-06-08"), Ok("2020-06-08".to_owned()));
        assert_eq!(day("SH1399-03-19"), Ok("2020-06-08".to_owned()));
        assert_eq!(day("sh1399-03-19"), Ok("2020-06-08".to_owned()));
        assert_eq!(day("AH1442-02-20"), Ok("2020-10-08".to_owned()));
        assert_eq!(
            day("SH1399-13-01"),
            Err("bad date \"SH1399-13-01\": month 13 is out of range 1-12".to_owned())
        );
        assert!(day("H1442-02-20").is_err());
        assert!(day("").is_err());
        assert!(day("ش1399-03-19").is_err());
        assert_eq!(
            parse_moment("2021-10-09T21:30")
                .map(|(date, time)| (date.to_string(), time.map(|t| t.to_string()))),
            Ok(("2021-10-09".to_owned(), Some("21:30".to_owned())))
        );
        assert!(parse_moment("2021-10-09T").is_err());
    }

    #[test]
    fn keywords_round_trip() {
        for kind in RuleKind::ALL {
            assert_eq!(kind.keyword().parse::<RuleKind>(), Ok(kind));
        }
        for reason in Reason::ALL {
            assert_eq!(
                reason.to_string().to_uppercase().parse::<Reason>(),
                Ok(reason)
            );
        }
    }
}
