//! `corridor crossings`: the crossings registry and operating calendars.
//!
//! `list` shows the registry; `status` which crossings are open on a day (today by
//! default) and the days after it; `calendar` one crossing day by day. All read the
//! Iran–Iraq reference shipped with `corridor-crossings`, or a user's own registry and
//! rules files (`--registry FILE --calendar FILE`, format in `docs/formats/crossings.md`).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};

use corridor_calendar::{Calendar, GregorianDate, HijriDate, Period, SolarHijriDate};
use corridor_cli::render;
use corridor_crossings::json::{crossing_json, day_json, why};
use corridor_crossings::{Crossing, Crossings, DayState, DayStatus, Side};

use crate::trade::OutputFormat;

/// The most days `status --days` shows.
const MAX_STATUS_DAYS: u32 = 366;
/// The most days `calendar` shows: 20 years.
const MAX_CALENDAR_DAYS: i64 = 7_305;
/// The widest "why" cell of a table; CSV and JSON give the whole text.
const WHY_WIDTH: usize = 72;

#[derive(Subcommand)]
pub(crate) enum CrossingsCommand {
    /// List the crossings: both sides' names and regions, modes, status and capacity.
    List(ListArgs),
    /// Which crossings are open on a day (today by default) and the days after it, with
    /// hours, capacity and the rule that decided.
    Status(StatusArgs),
    /// One crossing day by day: open or closed, hours, trucks, and why.
    Calendar(CalendarArgs),
}

/// The crossing files: the shipped reference unless both are given.
#[derive(Args)]
pub(crate) struct CrossingFiles {
    /// A registry of crossings (CSV, docs/formats/crossings.md) to use instead of the
    /// shipped Iran–Iraq reference; needs --calendar.
    #[arg(long, value_name = "FILE", requires = "calendar")]
    pub(crate) registry: Option<PathBuf>,
    /// An operating calendar (CSV rules for the crossings of --registry) to use instead of
    /// the shipped reference; needs --registry.
    #[arg(long, value_name = "FILE", requires = "registry")]
    pub(crate) calendar: Option<PathBuf>,
}

impl CrossingFiles {
    /// Whether the user named files.
    pub(crate) fn given(&self) -> bool {
        self.registry.is_some() || self.calendar.is_some()
    }

    /// The crossings of the user's files, else the shipped reference. File errors name the
    /// file (as given), the line and the field.
    pub(crate) fn load(&self) -> Result<Crossings> {
        match (&self.registry, &self.calendar) {
            (Some(registry), Some(calendar)) => Ok(Crossings::load(
                &registry.display().to_string(),
                open(registry)?,
                &calendar.display().to_string(),
                open(calendar)?,
            )?),
            (None, None) => Ok(Crossings::reference()?),
            _ => bail!("--registry and --calendar go together: give both files, or neither for the shipped reference"),
        }
    }
}

fn open(path: &Path) -> Result<File> {
    File::open(path).with_context(|| format!("open {}", path.display()))
}

/// The calendar that dates and periods without a prefix are written in.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum DatesArg {
    Gregorian,
    SolarHijri,
    LunarHijri,
}

#[derive(Args)]
pub(crate) struct ListArgs {
    #[command(flatten)]
    files: CrossingFiles,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
}

#[derive(Args)]
pub(crate) struct StatusArgs {
    #[command(flatten)]
    files: CrossingFiles,
    /// The first day: 2020-06-08 (Gregorian), SH1399-03-19 (Solar Hijri) or AH1441-10-16
    /// (lunar Hijri); 1399-03-19 is read as Solar Hijri (no Gregorian year before 1600 is
    /// supported). Default: today (UTC, from the system clock).
    #[arg(long, value_name = "DATE")]
    on: Option<String>,
    /// How many days from --on: 1 (that day only) to 366; 7 for a week.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_STATUS_DAYS)))]
    days: u32,
    /// Only these crossings (id or either side's name; repeatable).
    #[arg(long = "crossing", value_name = "NAME")]
    crossings: Vec<String>,
    /// The calendar of dates written without an SH or AH prefix.
    #[arg(long, value_enum)]
    dates: Option<DatesArg>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
}

#[derive(Args)]
pub(crate) struct CalendarArgs {
    #[command(flatten)]
    files: CrossingFiles,
    /// The crossing: its id or either side's name (or native name, or an alias), ignoring
    /// case.
    name: String,
    /// The first day, or a period whose first day it is: a date (2020-06-08,
    /// SH1399-03-19, AH1441-10-16), a month (2020-06, 1399-03 or SH1399-03), a quarter
    /// (2020-Q2, 1399-Q1) or a year (2020, 1399). Years before 1600 are Solar Hijri.
    #[arg(long, value_name = "DATE|PERIOD")]
    from: String,
    /// The last day, or a period whose last day it is. Default: the end of --from (the day,
    /// or the last day of its period).
    #[arg(long, value_name = "DATE|PERIOD")]
    to: Option<String>,
    /// The calendar of dates and periods written without an SH or AH prefix.
    #[arg(long, value_enum)]
    dates: Option<DatesArg>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
}

pub(crate) fn run(command: CrossingsCommand) -> Result<()> {
    match command {
        CrossingsCommand::List(args) => list(args),
        CrossingsCommand::Status(args) => status(args),
        CrossingsCommand::Calendar(args) => calendar(args),
    }
}

fn list(args: ListArgs) -> Result<()> {
    let crossings = args.files.load()?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let list = crossings.list();
    match args.format {
        OutputFormat::Table => {
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|c| {
                    vec![
                        c.id.clone(),
                        side_name(&c.side_a),
                        c.side_a.region.clone().unwrap_or_default(),
                        side_name(&c.side_b),
                        c.side_b.region.clone().unwrap_or_default(),
                        modes(c),
                        c.status.keyword().to_owned(),
                        optional(c.trucks_per_day),
                    ]
                })
                .collect();
            let header = [
                "id",
                "side_a",
                "region_a",
                "side_b",
                "region_b",
                "modes",
                "status",
                "trucks_per_day",
            ];
            out.write_all(render::table(&header, &rows).as_bytes())?;
        }
        OutputFormat::Csv => {
            let mut writer = csv::Writer::from_writer(&mut out);
            writer.write_record([
                "id",
                "a_country",
                "a_name",
                "a_native_name",
                "a_region",
                "b_country",
                "b_name",
                "b_native_name",
                "b_region",
                "aliases",
                "modes",
                "status",
                "trucks_per_day",
                "tonnes_per_day",
                "notes",
                "sources",
            ])?;
            for c in list {
                writer.write_record([
                    c.id.clone(),
                    c.side_a.country.clone(),
                    c.side_a.name.clone(),
                    c.side_a.native_name.clone().unwrap_or_default(),
                    c.side_a.region.clone().unwrap_or_default(),
                    c.side_b.country.clone(),
                    c.side_b.name.clone(),
                    c.side_b.native_name.clone().unwrap_or_default(),
                    c.side_b.region.clone().unwrap_or_default(),
                    c.aliases.join(";"),
                    modes(c),
                    c.status.keyword().to_owned(),
                    optional(c.trucks_per_day),
                    optional(c.tonnes_per_day),
                    c.notes.clone(),
                    c.sources.join(";"),
                ])?;
            }
            writer.flush()?;
        }
        OutputFormat::Json => {
            for c in list {
                writeln!(out, "{}", crossing_json(c))?;
            }
        }
    }
    Ok(())
}

/// `IRN Mehran`.
fn side_name(side: &Side) -> String {
    format!("{} {}", side.country, side.name)
}

fn modes(c: &Crossing) -> String {
    c.modes
        .iter()
        .map(|m| m.keyword())
        .collect::<Vec<_>>()
        .join(";")
}

fn optional(value: Option<u32>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn status(args: StatusArgs) -> Result<()> {
    let crossings = args.files.load()?;
    let first = match &args.on {
        Some(text) => {
            let span = parse_span(text, args.dates, "--on")?;
            if span.first != span.last {
                bail!(
                    "--on {text:?} is a period, not a day; give a day and --days, or use `corridor crossings calendar NAME --from {text}`"
                );
            }
            span.first
        }
        None => today()?,
    };
    let wanted: Vec<&Crossing> = if args.crossings.is_empty() {
        crossings.list().iter().collect()
    } else {
        args.crossings
            .iter()
            .map(|name| find(&crossings, name))
            .collect::<Result<_>>()?
    };
    let mut days = Vec::new();
    for offset in 0..i64::from(args.days) {
        let date = first
            .add_days(offset)
            .with_context(|| format!("{} days from {first}", args.days))?;
        for crossing in &wanted {
            days.push(((*crossing).clone(), crossings.status(&crossing.id, date)?));
        }
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    print_days(&mut out, args.format, &days, true)?;
    if args.format == OutputFormat::Table {
        writeln!(out, "{}", status_summary(first, args.days, &wanted, &days))?;
    }
    Ok(())
}

/// One day: `2020-06-09 (SH 1399-03-20): open: arvand, bashmaq; closed: mehran; unknown:
/// none`. Several: `... to ...: open days of 7: mehran 3, chazabeh 0`.
fn status_summary(
    first: GregorianDate,
    count: u32,
    wanted: &[&Crossing],
    days: &[(Crossing, DayStatus)],
) -> String {
    if count == 1 {
        let ids = |state: DayState| {
            let ids: Vec<&str> = days
                .iter()
                .filter(|(_, day)| day.state == state)
                .map(|(crossing, _)| crossing.id.as_str())
                .collect();
            if ids.is_empty() {
                "none".to_owned()
            } else {
                ids.join(", ")
            }
        };
        return format!(
            "{}: open: {}; closed: {}; unknown: {}",
            both_dates(first),
            ids(DayState::Open),
            ids(DayState::Closed),
            ids(DayState::Unknown)
        );
    }
    let last = days.last().map_or(first, |(_, day)| day.date);
    let open: Vec<String> = wanted
        .iter()
        .map(|crossing| {
            let open = days
                .iter()
                .filter(|(c, day)| c.id == crossing.id && day.is_open())
                .count();
            format!("{} {open}", crossing.id)
        })
        .collect();
    format!(
        "{} to {}: open days of {count}: {}",
        both_dates(first),
        both_dates(last),
        open.join(", ")
    )
}

fn calendar(args: CalendarArgs) -> Result<()> {
    let crossings = args.files.load()?;
    let crossing = find(&crossings, &args.name)?.clone();
    let from = parse_span(&args.from, args.dates, "--from")?;
    let to = match &args.to {
        Some(text) => parse_span(text, args.dates, "--to")?,
        None => from,
    };
    let (first, last) = (from.first, to.last);
    if last < first {
        bail!("--to {} ends before --from {} starts", last, first);
    }
    let count = last.days_since_epoch() - first.days_since_epoch() + 1;
    if count > MAX_CALENDAR_DAYS {
        bail!(
            "{first} to {last} is {count} days; at most {MAX_CALENDAR_DAYS} (20 years) are shown"
        );
    }
    let days: Vec<(Crossing, DayStatus)> = crossings
        .calendar(&crossing.id, first, last)?
        .into_iter()
        .map(|day| (crossing.clone(), day))
        .collect();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if args.format == OutputFormat::Table {
        writeln!(
            out,
            "{} ({}): {} – {}, {} to {}",
            crossing.display_name(),
            crossing.id,
            place(&crossing.side_a),
            place(&crossing.side_b),
            both_dates(first),
            both_dates(last),
        )?;
    }
    print_days(&mut out, args.format, &days, false)?;
    if args.format == OutputFormat::Table {
        let count = |state: DayState| days.iter().filter(|(_, d)| d.state == state).count();
        let trucks: u64 = days
            .iter()
            .filter(|(_, d)| d.is_open())
            .filter_map(|(_, d)| d.trucks)
            .map(u64::from)
            .sum();
        let unpublished = days
            .iter()
            .filter(|(_, d)| d.is_open() && d.trucks.is_none())
            .count();
        let mut summary = format!(
            "{} day{}: {} open, {} closed, {} unknown; capacity {trucks} trucks",
            days.len(),
            if days.len() == 1 { "" } else { "s" },
            count(DayState::Open),
            count(DayState::Closed),
            count(DayState::Unknown),
        );
        if unpublished > 0 {
            summary.push_str(&format!(" (not published on {unpublished} open days)"));
        }
        writeln!(out, "{summary}")?;
    }
    Ok(())
}

/// `IRN Ilam`.
fn place(side: &Side) -> String {
    match &side.region {
        Some(region) => format!("{} {region}", side.country),
        None => side.country.clone(),
    }
}

/// `2020-06-08 (SH 1399-03-19)`.
fn both_dates(date: GregorianDate) -> String {
    format!("{date} (SH {})", SolarHijriDate::from_gregorian(date))
}

/// The crossing named `name`, or an error listing the known ids.
pub(crate) fn find<'a>(crossings: &'a Crossings, name: &str) -> Result<&'a Crossing> {
    crossings.find(name).with_context(|| {
        let ids: Vec<&str> = crossings.list().iter().map(|c| c.id.as_str()).collect();
        format!(
            "no crossing is named {name:?}; the known crossings are {}",
            ids.join(", ")
        )
    })
}

/// Today's date, UTC, from the system clock.
fn today() -> Result<GregorianDate> {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .context("the system clock is before 1970")?
        .as_secs();
    let days = i64::try_from(seconds / 86_400).context("the system clock is out of range")?;
    GregorianDate::from_days_since_epoch(days).context("today is out of the supported range")
}

/// A range of days, both included.
#[derive(Clone, Copy)]
struct Span {
    first: GregorianDate,
    last: GregorianDate,
}

/// The calendars a date or period may be written in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Written {
    Gregorian,
    SolarHijri,
    LunarHijri,
}

/// Reads a day or a period (month, quarter, year) of any of the three calendars: the
/// prefix `SH` or `AH` (any case) says which, else `dates`, else Gregorian, or Solar Hijri
/// when the year is before 1600 (the first Gregorian year supported).
fn parse_span(text: &str, dates: Option<DatesArg>, flag: &str) -> Result<Span> {
    let trimmed = text.trim();
    let prefix = trimmed.get(..2).unwrap_or_default();
    let (written, body) = if prefix.eq_ignore_ascii_case("SH") {
        (Written::SolarHijri, &trimmed[2..])
    } else if prefix.eq_ignore_ascii_case("AH") {
        (Written::LunarHijri, &trimmed[2..])
    } else {
        let written = match dates {
            Some(DatesArg::Gregorian) => Written::Gregorian,
            Some(DatesArg::SolarHijri) => Written::SolarHijri,
            Some(DatesArg::LunarHijri) => Written::LunarHijri,
            None => {
                let year = trimmed
                    .split('-')
                    .next()
                    .and_then(|y| y.parse::<i32>().ok());
                if year.is_some_and(|year| year < 1600) {
                    Written::SolarHijri
                } else {
                    Written::Gregorian
                }
            }
        };
        (written, trimmed)
    };
    let context = || format!("read {flag} {text:?}");
    if body.split('-').count() == 3 {
        let day = match written {
            Written::Gregorian => body.parse::<GregorianDate>().with_context(context)?,
            Written::SolarHijri => body
                .parse::<SolarHijriDate>()
                .with_context(context)?
                .to_gregorian(),
            Written::LunarHijri => body
                .parse::<HijriDate>()
                .with_context(context)?
                .to_gregorian(),
        };
        return Ok(Span {
            first: day,
            last: day,
        });
    }
    let calendar = match written {
        Written::Gregorian => Calendar::Gregorian,
        Written::SolarHijri => Calendar::SolarHijri,
        Written::LunarHijri => return lunar_period(body).with_context(context),
    };
    let period = Period::parse(body, calendar).with_context(context)?;
    Ok(Span {
        first: period.first_day(),
        last: period.last_day(),
    })
}

/// A lunar Hijri year (`1441`) or month (`1441-12`).
fn lunar_period(text: &str) -> Result<Span> {
    let number = |part: &str, digits: std::ops::RangeInclusive<usize>| {
        (digits.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<i32>().ok())
            .flatten()
    };
    let bad = || {
        anyhow::anyhow!(
            "a lunar Hijri period is a year (YYYY) or a month (YYYY-MM); quarters are not used"
        )
    };
    let (year, months) = match text.split_once('-') {
        None => (number(text, 4..=4).ok_or_else(bad)?, (1, 12)),
        Some((year, month)) => {
            let year = number(year, 4..=4).ok_or_else(bad)?;
            let month = number(month, 1..=2)
                .and_then(|m| u8::try_from(m).ok())
                .ok_or_else(bad)?;
            (year, (month, month))
        }
    };
    let first = HijriDate::new(year, months.0, 1)?;
    let last = HijriDate::new(year, months.1, HijriDate::month_length(year, months.1)?)?;
    Ok(Span {
        first: first.to_gregorian(),
        last: last.to_gregorian(),
    })
}

/// Prints days of crossings; `with_crossing` adds the crossing's column to the table.
fn print_days(
    out: &mut dyn Write,
    format: OutputFormat,
    days: &[(Crossing, DayStatus)],
    with_crossing: bool,
) -> Result<()> {
    match format {
        OutputFormat::Table => {
            let mut header = vec!["date", "solar_hijri", "day"];
            if with_crossing {
                header.push("crossing");
            }
            header.extend(["state", "hours", "trucks", "why", "rule"]);
            let rows: Vec<Vec<String>> = days
                .iter()
                .map(|(crossing, day)| {
                    let mut row = vec![
                        day.date.to_string(),
                        SolarHijriDate::from_gregorian(day.date).to_string(),
                        day.weekday.abbreviation().to_owned(),
                    ];
                    if with_crossing {
                        row.push(crossing.id.clone());
                    }
                    row.extend([
                        day.state.keyword().to_owned(),
                        hours(day),
                        trucks(day),
                        truncate(&why(day), WHY_WIDTH),
                        rule_locations(day),
                    ]);
                    row
                })
                .collect();
            out.write_all(render::table(&header, &rows).as_bytes())?;
        }
        OutputFormat::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record([
                "date",
                "solar_hijri",
                "hijri",
                "weekday",
                "crossing",
                "state",
                "hours",
                "trucks",
                "tonnes",
                "capacity_from_registry",
                "reason",
                "why",
                "rule",
                "source",
            ])?;
            for (_, day) in days {
                writer.write_record([
                    day.date.to_string(),
                    SolarHijriDate::from_gregorian(day.date).to_string(),
                    HijriDate::from_gregorian(day.date).to_string(),
                    day.weekday.name().to_owned(),
                    day.crossing.clone(),
                    day.state.keyword().to_owned(),
                    hours(day),
                    optional(day.trucks),
                    optional(day.tonnes),
                    day.capacity_from_registry.to_string(),
                    day.reason()
                        .map(|r| r.keyword())
                        .unwrap_or_default()
                        .to_owned(),
                    why(day),
                    rule_locations(day),
                    day.deciding()
                        .map(|a| a.rule.source.as_str())
                        .filter(|source| !source.is_empty())
                        .collect::<Vec<_>>()
                        .join(" | "),
                ])?;
            }
            writer.flush()?;
        }
        OutputFormat::Json => {
            for (crossing, day) in days {
                writeln!(out, "{}", day_json(crossing, day))?;
            }
        }
    }
    Ok(())
}

fn hours(day: &DayStatus) -> String {
    day.hours.map(|h| h.to_string()).unwrap_or_default()
}

/// The trucks of a day: the number, `-` when open without a published capacity, empty
/// when unknown.
fn trucks(day: &DayStatus) -> String {
    match (day.state, day.trucks) {
        (_, Some(trucks)) => trucks.to_string(),
        (DayState::Open, None) => "-".to_owned(),
        _ => String::new(),
    }
}

/// `iran-iraq-calendar.csv:14` for each deciding rule.
fn rule_locations(day: &DayStatus) -> String {
    day.deciding()
        .map(|a| a.rule.location())
        .collect::<Vec<_>>()
        .join(" ")
}

fn truncate(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(most.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}
