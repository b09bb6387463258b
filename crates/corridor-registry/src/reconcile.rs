//! Where sources disagree: every period some source reports, with each source's figure for
//! exactly that period (given, or added up from its own finer figures), and the spread.
//!
//! A customs administration publishes months; a chamber of commerce quotes a month or the
//! first five months of the year; the partner country's customs report the opposite flow
//! (Iraq's imports from Iran against Iran's exports to Iraq: the *mirror* figure). For each
//! period any source states, a source's value is its own figure for that period, or the sum
//! of its figures that exactly tile the period (months adding up to a quarter, days adding
//! up to a month), or nothing.

use std::collections::{BTreeSet, HashMap};

use corridor_calendar::{Calendar, GregorianDate, Period, PeriodKind};
use corridor_import::SourceKind;

use corridor_monitor::ratio_bp;

use crate::report::{FlowChoice, ReportError, TradeChoice};
use crate::{codes, Figure, Source};

/// What to reconcile.
#[derive(Clone, Debug)]
pub struct ReconcileQuery {
    /// The reporter.
    pub reporter: String,
    /// The partner (required: reconciling needs a pair).
    pub partner: String,
    /// Exports, imports, or total trade, from the reporter's side.
    pub flow: FlowChoice,
    /// Goods, services or all.
    pub trade: TradeChoice,
    /// Only periods that start on or after this day.
    pub from: Option<GregorianDate>,
    /// Only periods that end on or before this day.
    pub to: Option<GregorianDate>,
    /// Whether the partner's own figures for the opposite flow are set beside.
    pub mirror: bool,
    /// Also show periods only one source states.
    pub all: bool,
}

/// One source's value for a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceValue {
    /// The source's name, with `(mirror)` for the partner's figures.
    pub source: String,
    /// Its kind (`Mirror` for the partner's figures, whatever the source's own kind).
    pub kind: SourceKind,
    /// The value in US cents.
    pub value_cents: i128,
    /// How many of the source's figures were added up (1 when it states the period itself).
    pub parts: usize,
}

/// One period and what each source says about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReconcileRow {
    /// The period's first day.
    pub first_day: GregorianDate,
    /// Its last day.
    pub last_day: GregorianDate,
    /// A name for it: `1399-02 (Solar Hijri)`, `1399-01..1399-05 (Solar Hijri)`, `2022
    /// (Gregorian)`, or its dates.
    pub label: String,
    /// Each source with a value, largest first.
    pub values: Vec<SourceValue>,
    /// Largest minus smallest value, in cents (0 with fewer than two).
    pub spread_cents: i128,
    /// The spread as a share of the smallest value, in basis points.
    pub spread_bp: Option<i128>,
}

/// A source's side: its name, kind and whether it is the partner's mirror figure.
type Side = (String, SourceKind);

/// Sets the sources' figures side by side, period by period, oldest first.
pub fn reconcile(
    figures: &[Figure],
    sources: &[Source],
    query: &ReconcileQuery,
) -> Result<Vec<ReconcileRow>, ReportError> {
    let by_id: HashMap<i64, &Source> = sources.iter().map(|s| (s.id, s)).collect();
    fn opposite(flow: &str) -> &str {
        match flow {
            "X" => "M",
            "M" => "X",
            other => other,
        }
    }
    // Each side's figures by span, after choosing one figure per fact.
    let mut spans: HashMap<Side, HashMap<(i64, i64), i128>> = HashMap::new();
    let mut cells: HashMap<(Side, i64, i64, String, String), Vec<&Figure>> = HashMap::new();
    for figure in figures {
        let Some(source) = by_id.get(&figure.source_id) else {
            continue;
        };
        let side = if figure.reporter == query.reporter
            && figure.partner == query.partner
            && query.flow.admits_code(&figure.flow)
        {
            (source.name.clone(), source.kind)
        } else if query.mirror
            && figure.reporter == query.partner
            && figure.partner == query.reporter
            && query.flow.admits_code(opposite(&figure.flow))
        {
            (format!("{} (mirror)", source.name), SourceKind::Mirror)
        } else {
            continue;
        };
        if !query.trade.admits_code(&figure.trade) {
            continue;
        }
        cells
            .entry((
                side,
                figure.first_day,
                figure.last_day,
                figure.flow.clone(),
                figure.trade.clone(),
            ))
            .or_default()
            .push(figure);
    }
    // Per side, span and flow: a combined goods-and-services figure when the side gives one,
    // else its goods and services figures; each at the total when given, else at the
    // coarsest detail.
    let combined: std::collections::HashSet<(Side, i64, i64, String)> = cells
        .keys()
        .filter(|(_, _, _, _, trade)| trade == codes::COMBINED)
        .map(|(side, first, last, flow, _)| (side.clone(), *first, *last, flow.clone()))
        .collect();
    for ((side, first, last, flow, trade), figures) in cells {
        if (trade == codes::COMBINED) != combined.contains(&(side.clone(), first, last, flow)) {
            continue;
        }
        let level = figures.iter().map(|f| f.level).min().unwrap_or(0);
        let value: i128 = figures
            .iter()
            .filter(|f| f.level == level)
            .map(|f| f.value_cents)
            .sum();
        *spans
            .entry(side)
            .or_default()
            .entry((first, last))
            .or_insert(0) += value;
    }

    let from = query.from.map(GregorianDate::days_since_epoch);
    let to = query.to.map(GregorianDate::days_since_epoch);
    let periods: BTreeSet<(i64, i64)> = spans
        .values()
        .flat_map(|spans| spans.keys().copied())
        .filter(|(first, last)| {
            first != last
                && from.is_none_or(|from| *first >= from)
                && to.is_none_or(|to| *last <= to)
        })
        .collect();
    let mut rows = Vec::new();
    for (first, last) in periods {
        let mut values: Vec<SourceValue> = spans
            .iter()
            .filter_map(|((name, kind), spans)| {
                let (value_cents, parts) = value_over(spans, first, last)?;
                Some(SourceValue {
                    source: name.clone(),
                    kind: *kind,
                    value_cents,
                    parts,
                })
            })
            .collect();
        if values.len() < 2 && !query.all {
            continue;
        }
        values.sort_by(|a, b| {
            b.value_cents
                .cmp(&a.value_cents)
                .then(a.source.cmp(&b.source))
        });
        let (spread_cents, spread_bp) = match (values.first(), values.last()) {
            (Some(high), Some(low)) if values.len() > 1 => (
                high.value_cents - low.value_cents,
                ratio_bp(high.value_cents - low.value_cents, low.value_cents),
            ),
            _ => (0, None),
        };
        let first_day = GregorianDate::from_days_since_epoch(first)?;
        let last_day = GregorianDate::from_days_since_epoch(last)?;
        rows.push(ReconcileRow {
            first_day,
            last_day,
            label: span_label(first_day, last_day),
            values,
            spread_cents,
            spread_bp,
        });
    }
    Ok(rows)
}

/// A side's value over `first..=last`: its own figure for the span, or the sum of figures
/// that tile it exactly (the longest figure starting at each point; days count as tiles
/// only when they are all the side gives inside the span, since a day without a
/// declaration is a day without trade).
fn value_over(spans: &HashMap<(i64, i64), i128>, first: i64, last: i64) -> Option<(i128, usize)> {
    if let Some(value) = spans.get(&(first, last)) {
        return Some((*value, 1));
    }
    let inside: Vec<(i64, i64, i128)> = spans
        .iter()
        .filter(|((a, b), _)| *a >= first && *b <= last)
        .map(|((a, b), value)| (*a, *b, *value))
        .collect();
    if inside.is_empty() {
        return None;
    }
    if inside.iter().all(|(a, b, _)| a == b) {
        let total = inside.iter().map(|(_, _, value)| value).sum();
        return Some((total, inside.len()));
    }
    let mut at = first;
    let mut total = 0;
    let mut parts = 0;
    while at <= last {
        let (_, end, value) = inside
            .iter()
            .filter(|(a, b, _)| *a == at && a != b)
            .max_by_key(|(_, b, _)| *b)?;
        total += value;
        parts += 1;
        at = end + 1;
    }
    Some((total, parts))
}

/// The most natural name for a span of days.
pub fn span_label(first: GregorianDate, last: GregorianDate) -> String {
    for kind in PeriodKind::ALL {
        if let Ok(period) = Period::containing(kind, first) {
            if period.first_day() == first && period.last_day() == last {
                return format!("{period} ({})", period.calendar());
            }
        }
    }
    for (month, calendar) in [
        (PeriodKind::SolarMonth, Calendar::SolarHijri),
        (PeriodKind::GregorianMonth, Calendar::Gregorian),
    ] {
        if let (Ok(a), Ok(b)) = (
            Period::containing(month, first),
            Period::containing(month, last),
        ) {
            if a.first_day() == first && b.last_day() == last {
                return format!("{a}..{b} ({calendar})");
            }
        }
    }
    format!("{first} – {last}")
}
