//! Bad scenarios: every error names the input, the line and (for invalid values) the
//! field.
#![allow(clippy::unwrap_used)]

use corridor_simulate::{Format, Position, Scenario, SimulateError};

/// A valid scenario; tests break one part of it. Line numbers are noted on the right.
const GOOD: &str = r#"name = "good"
seed = 7
currency = "USD"

[period]
from = "2020-06-08"
to = "2020-06-30"

[[crossings]]
id = "mehran"
capacity = 250
open = ["sun", "wed"]

[[crossings]]
id = "khosravi"
capacity = 600

[[demand]]
sector = "foodstuffs"
crossing = "mehran"
trucks_per_day = 100
value_per_truck_minor = 500000
seasonality = { calendar = "solar_hijri", percent = [100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100] }

[[routing]]
from = "mehran"
to = "khosravi"
extra_days = 1

[[targets]]
name = "1399"
amount_minor = 900000000000
from = "SH1399-01-01"
to = "SH1399-12-30"
"#;

fn parse_with(old: &str, new: &str) -> SimulateError {
    assert!(GOOD.contains(old), "{old:?} is not in the scenario");
    Scenario::parse("bad.toml", &GOOD.replacen(old, new, 1)).unwrap_err()
}

fn invalid(error: &SimulateError) -> (&str, Option<usize>, &str) {
    match error {
        SimulateError::Invalid {
            path,
            position,
            message,
            ..
        } => (path, position.map(|p| p.line), message),
        other => panic!("expected an invalid value, got {other:?}"),
    }
}

#[test]
fn the_good_scenario_parses() {
    let scenario = Scenario::parse("good.toml", GOOD).unwrap();
    assert_eq!(scenario.name(), "good");
    assert_eq!(scenario.spec().from.to_string(), "2020-06-08");
    assert_eq!(scenario.spec().targets[0].from.to_string(), "2020-03-20");
    assert_eq!(scenario.spec().targets[0].to.to_string(), "2021-03-20");
}

#[test]
fn an_unknown_crossing_in_a_routing_rule_names_field_and_line() {
    let error = parse_with("to = \"khosravi\"", "to = \"khosravy\"");
    assert_eq!(invalid(&error).0, "routing[0].to");
    assert_eq!(invalid(&error).1, Some(27));
    assert!(invalid(&error).2.contains("unknown crossing \"khosravy\""));
    assert!(invalid(&error).2.contains("\"mehran\", \"khosravi\""));
    assert_eq!(
        error.to_string(),
        "bad.toml:27:1: routing[0].to: unknown crossing \"khosravy\"; the scenario's \
         crossings are \"mehran\", \"khosravi\""
    );
}

#[test]
fn an_unknown_crossing_in_demand_names_field_and_line() {
    let error = parse_with("crossing = \"mehran\"", "crossing = \"mehrn\"");
    assert_eq!(invalid(&error).0, "demand[0].crossing");
    assert_eq!(invalid(&error).1, Some(20));
    let error = parse_with(
        "crossing = \"mehran\"",
        "crossing = { mehran = 2, shalamcheh = 1 }",
    );
    assert_eq!(invalid(&error).0, "demand[0].crossing.shalamcheh");
    assert_eq!(invalid(&error).1, Some(20));
}

#[test]
fn a_period_that_ends_before_it_starts() {
    let error = parse_with("to = \"2020-06-30\"", "to = \"2020-06-01\"");
    assert_eq!(invalid(&error).0, "period.to");
    assert_eq!(invalid(&error).1, Some(7));
    assert!(invalid(&error).2.contains("before it starts"));
}

#[test]
fn seasonality_needs_twelve_values() {
    let error = parse_with("100, 100, 100]", "100, 100]");
    assert_eq!(invalid(&error).0, "demand[0].seasonality.percent");
    assert_eq!(invalid(&error).1, Some(23));
    assert!(invalid(&error).2.contains("has 11 values"));
}

#[test]
fn capacity_zero_on_an_open_day() {
    let error = parse_with("capacity = 250", "capacity = 0");
    assert_eq!(invalid(&error).0, "crossings[0].capacity");
    assert_eq!(invalid(&error).1, Some(11));
    assert!(invalid(&error)
        .2
        .contains("capacity 0 on open days (sun+wed)"));
    // Closed on every weekday, capacity 0 is fine.
    let text = GOOD.replacen("capacity = 250", "capacity = 0", 1).replacen(
        "open = [\"sun\", \"wed\"]",
        "open = []",
        1,
    );
    assert!(Scenario::parse("ok.toml", &text).is_ok());
}

#[test]
fn bad_dates_weekdays_and_currency() {
    let error = parse_with("from = \"2020-06-08\"", "from = \"2020-02-30\"");
    assert_eq!(invalid(&error).0, "period.from");
    assert_eq!(invalid(&error).1, Some(6));
    assert!(invalid(&error).2.contains("day 30 does not exist"));

    let error = parse_with("from = \"SH1399-01-01\"", "from = \"SH1399-13-01\"");
    assert_eq!(invalid(&error).0, "targets[0].from");
    assert_eq!(invalid(&error).1, Some(33));

    let error = parse_with("open = [\"sun\", \"wed\"]", "open = [\"sun\", \"wedn\"]");
    assert_eq!(invalid(&error).0, "crossings[0].open[1]");
    assert_eq!(invalid(&error).1, Some(12));

    let error = parse_with("currency = \"USD\"", "currency = \"usd\"");
    assert_eq!(invalid(&error).0, "currency");
    assert_eq!(invalid(&error).1, Some(3));
}

#[test]
fn duplicate_crossings_and_rules_to_themselves() {
    let error = parse_with("id = \"khosravi\"", "id = \"mehran\"");
    assert_eq!(invalid(&error).0, "crossings[1].id");
    assert_eq!(invalid(&error).1, Some(15));

    let error = parse_with("to = \"khosravi\"", "to = \"mehran\"");
    assert_eq!(invalid(&error).0, "routing[0].to");
    assert!(invalid(&error).2.contains("to itself"));
}

#[test]
fn a_target_outside_the_period() {
    let error = parse_with("to = \"SH1399-12-30\"", "to = \"SH1399-02-01\"");
    assert_eq!(invalid(&error).0, "targets[0].from");
    assert!(invalid(&error).2.contains("does not overlap"));
}

#[test]
fn syntax_errors_carry_the_parsers_position() {
    // Not TOML at all.
    let error = parse_with("seed = 7", "seed = = 7");
    match &error {
        SimulateError::Syntax {
            input,
            format,
            position,
            ..
        } => {
            assert_eq!(input, "bad.toml");
            assert_eq!(*format, Format::Toml);
            assert_eq!(position.map(|p| p.line), Some(2));
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    assert!(error.to_string().starts_with("bad.toml:2:"));

    // A field that does not exist.
    let error = parse_with("extra_days = 1", "extra_days = 1\ndelay = 3");
    assert_eq!(error.line(), Some(29));
    assert!(error.to_string().contains("unknown field `delay`"));

    // A negative capacity.
    let error = parse_with("capacity = 600", "capacity = -600");
    assert_eq!(error.line(), Some(16));

    // A missing field.
    let error = parse_with("extra_days = 1\n", "");
    assert!(error.to_string().contains("missing field `extra_days`"));
}

#[test]
fn json_scenarios_report_lines_too() {
    let json = r#"{
  "name": "json",
  "seed": 1,
  "currency": "USD",
  "period": {"from": "2020-06-08", "to": "2020-06-30"},
  "crossings": [
    {"id": "mehran", "capacity": 250, "open": ["sun", "wed"]}
  ],
  "demand": [
    {"sector": "food", "crossing": "mehran", "trucks_per_day": 100,
     "value_per_truck_minor": "500000"}
  ],
  "routing": [
    {"from": "mehran",
     "to": "chazabeh", "extra_days": 1}
  ]
}"#;
    let error = Scenario::parse("bad.json", json).unwrap_err();
    assert_eq!(invalid(&error).0, "routing[0].to");
    assert_eq!(invalid(&error).1, Some(15));
    match &error {
        SimulateError::Invalid { position, .. } => {
            assert_eq!(
                *position,
                Some(Position {
                    line: 15,
                    column: 12
                })
            );
        }
        other => panic!("{other:?}"),
    }

    let fixed = json.replace(
        ",\n  \"routing\": [\n    {\"from\": \"mehran\",\n     \"to\": \"chazabeh\", \"extra_days\": 1}\n  ]",
        "",
    );
    let scenario = Scenario::parse("good.json", &fixed).unwrap();
    assert_eq!(scenario.spec().demand[0].value_per_truck_minor, 500_000);

    let twice = fixed.replace(
        "\"crossing\": \"mehran\"",
        "\"crossing\": {\"mehran\": 1, \"mehran\": 2}",
    );
    let error = Scenario::parse("twice.json", &twice).unwrap_err();
    assert_eq!(invalid(&error).0, "demand[0].crossing.mehran");
    assert!(invalid(&error).2.contains("named twice"));
    assert_eq!(invalid(&error).1, Some(10));

    let broken = fixed.replace("\"seed\": 1,", "\"seed\": 1");
    let error = Scenario::parse("broken.json", &broken).unwrap_err();
    match &error {
        SimulateError::Syntax {
            format, position, ..
        } => {
            assert_eq!(*format, Format::Json);
            assert_eq!(position.map(|p| p.line), Some(4));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn readers_and_hand_built_specs() {
    let scenario = Scenario::read("good.toml", GOOD.as_bytes()).unwrap();
    assert_eq!(scenario.name(), "good");
    let error = Scenario::read("latin1.toml", &[b'n', 0xff, b'\n'][..]).unwrap_err();
    assert!(matches!(error, SimulateError::Read { .. }));

    let mut spec = scenario.spec().clone();
    spec.routing[0].to = "nowhere".to_owned();
    let error = Scenario::new(spec).unwrap_err();
    assert_eq!(error.path(), Some("routing[0].to"));
    assert_eq!(error.line(), None);
    assert!(error
        .to_string()
        .starts_with("scenario \"good\": routing[0].to: unknown crossing"));
}
