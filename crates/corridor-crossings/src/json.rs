//! The crossings and their days as JSON, as the CLI and the service print them.

use corridor_calendar::{HijriDate, SolarHijriDate};
use serde_json::{json, Value};

use crate::{Applied, Crossing, DayStatus, Side};

fn side_json(side: &Side) -> Value {
    json!({
        "country": side.country,
        "name": side.name,
        "native_name": side.native_name,
        "region": side.region,
    })
}

/// A crossing: id, display name, both sides, aliases, modes, status, capacity, notes and
/// sources.
pub fn crossing_json(c: &Crossing) -> Value {
    json!({
        "id": c.id,
        "name": c.display_name(),
        "side_a": side_json(&c.side_a),
        "side_b": side_json(&c.side_b),
        "aliases": c.aliases,
        "modes": c.modes.iter().map(|m| m.keyword()).collect::<Vec<_>>(),
        "status": c.status.keyword(),
        "trucks_per_day": c.trucks_per_day,
        "tonnes_per_day": c.tonnes_per_day,
        "notes": c.notes,
        "sources": c.sources,
    })
}

/// A crossing's day: the date in three calendars, open or closed, hours, capacity, why,
/// and every rule that applied with its effect.
pub fn day_json(crossing: &Crossing, day: &DayStatus) -> Value {
    json!({
        "date": day.date.to_string(),
        "solar_hijri": SolarHijriDate::from_gregorian(day.date).to_string(),
        "hijri": HijriDate::from_gregorian(day.date).to_string(),
        "weekday": day.weekday.name(),
        "crossing": day.crossing,
        "name": crossing.display_name(),
        "state": day.state.keyword(),
        "hours": day.hours.map(|h| h.to_string()),
        "trucks": day.trucks,
        "tonnes": day.tonnes,
        "capacity_from_registry": day.capacity_from_registry,
        "reason": day.reason().map(|r| r.keyword()),
        "why": why(day),
        "rules": day.rules.iter().map(applied_json).collect::<Vec<_>>(),
    })
}

fn applied_json(applied: &Applied) -> Value {
    let rule = &applied.rule;
    json!({
        "effect": applied.effect.keyword(),
        "file": rule.file,
        "line": rule.line,
        "kind": rule.kind.keyword(),
        "reason": rule.reason.map(|r| r.keyword()),
        "lunar": rule.lunar.map(|l| l.to_string()),
        "event": applied.event.map(|e| e.to_string()),
        "note": rule.note,
        "source": rule.source,
    })
}

/// Why the day is what it is: the deciding rules' kind, reason, lunar event and note.
pub fn why(day: &DayStatus) -> String {
    let texts: Vec<String> = day.deciding().map(applied_text).collect();
    if texts.is_empty() {
        "no rule applies".to_owned()
    } else {
        texts.join("; ")
    }
}

/// `closure (election): Closed for ...`, `lunar-closure (pilgrimage) around 20 Safar =
/// 2020-10-08: ...`.
pub fn applied_text(applied: &Applied) -> String {
    let rule = &applied.rule;
    let mut text = rule.kind.keyword().to_owned();
    if let Some(reason) = rule.reason {
        text.push_str(&format!(" ({reason})"));
    }
    if let (Some(lunar), Some(event)) = (rule.lunar, applied.event) {
        text.push_str(&format!(" around {lunar} = {event}"));
    }
    if !rule.note.is_empty() {
        text.push_str(": ");
        text.push_str(&rule.note);
    }
    text
}
