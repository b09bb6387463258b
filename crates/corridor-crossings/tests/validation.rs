//! Every kind of bad input is rejected with the file, the line and the field.
#![allow(clippy::unwrap_used)]

use corridor_crossings::{Crossings, CrossingsError};

const REGISTRY_HEADER: &str = "id,a_country,a_name,b_country,b_name,modes,status,trucks_per_day\n";
const REGISTRY: &str = "\
id,a_country,a_name,b_country,b_name,modes,status,trucks_per_day
alpha,IRN,Alpha,IRQ,Alfa,road,official,100
beta,IRN,Beta,IRQ,Beta,road,official,
";
const RULES_HEADER: &str =
    "crossings,kind,from,to,weekdays,hours,trucks,tonnes,lunar,before,after,reason,note,source\n";

fn load(registry: &str, rules: &str) -> Result<Crossings, CrossingsError> {
    Crossings::load(
        "crossings.csv",
        registry.as_bytes(),
        "calendar.csv",
        rules.as_bytes(),
    )
}

/// The error for a registry of `REGISTRY_HEADER` and `rows`.
#[track_caller]
fn registry_error(rows: &str) -> String {
    load(&format!("{REGISTRY_HEADER}{rows}"), RULES_HEADER)
        .unwrap_err()
        .to_string()
}

/// The error for the rules `rows` under `RULES_HEADER`, with `REGISTRY`.
#[track_caller]
fn rules_error(rows: &str) -> String {
    load(REGISTRY, &format!("{RULES_HEADER}{rows}"))
        .unwrap_err()
        .to_string()
}

#[test]
fn valid_inputs_load() {
    let crossings = load(
        REGISTRY,
        &format!("{RULES_HEADER}*,schedule,2024-01-01,,daily,,,,,,,,,\n"),
    )
    .unwrap();
    assert_eq!(crossings.list().len(), 2);
    assert_eq!(crossings.rules().len(), 1);
    // Only the required columns, in another order, with a byte-order mark and CRLF.
    let registry = "\u{feff}status,modes,b_name,b_country,a_name,a_country,id\r\nofficial,road,B,IRQ,A,IRN,alpha\r\n";
    let rules = "kind,crossings,from,weekdays\r\nschedule,alpha,2024-01-01,Sat-Thu\r\n";
    let crossings = load(registry, rules).unwrap();
    assert_eq!(crossings.list()[0].id, "alpha");
}

#[test]
fn registry_errors() {
    assert_eq!(
        registry_error("alpha,IRN,A,IRQ,B,road,official,\nalpha,IRN,C,IRQ,D,road,official,\n"),
        "crossings.csv:3: id: duplicate crossing id \"alpha\" (first on line 2)"
    );
    assert_eq!(
        registry_error("Alpha One,IRN,A,IRQ,B,road,official,\n"),
        "crossings.csv:2: id: bad id \"Alpha One\": use lower-case ASCII letters, digits and single hyphens, such as \"mehran\" or \"parviz-khan\""
    );
    assert_eq!(
        registry_error("alpha,IRX,A,IRQ,B,road,official,\n"),
        "crossings.csv:2: a_country: unknown country \"IRX\": expected an ISO 3166-1 alpha-3 code such as IRN"
    );
    assert_eq!(
        registry_error("alpha,IRN,A,IQ,B,road,official,\n"),
        "crossings.csv:2: b_country: unknown country \"IQ\": expected an ISO 3166-1 alpha-3 code such as IRN"
    );
    assert_eq!(
        registry_error("alpha,IRN,A,IRQ,B,road;air,official,\n"),
        "crossings.csv:2: modes: unknown mode \"air\"; expected road, rail or port"
    );
    assert_eq!(
        registry_error("alpha,IRN,A,IRQ,B,road,closed,\n"),
        "crossings.csv:2: status: unknown status \"closed\"; expected official, semi-official, unofficial, planned or proposed"
    );
    assert_eq!(
        registry_error("alpha,IRN,A,IRQ,B,road,official,0\n"),
        "crossings.csv:2: trucks_per_day: capacity 0: leave the field empty when no capacity is published"
    );
    assert_eq!(
        registry_error("alpha,IRN,A,IRQ,B,road,official,2.5\n"),
        "crossings.csv:2: trucks_per_day: bad number \"2.5\": expected a whole number of digits"
    );
    assert_eq!(
        registry_error("alpha,IRN,,IRQ,B,road,official,\n"),
        "crossings.csv:2: a_name: required field is empty"
    );
    assert_eq!(
        registry_error("alpha,IRN,Border,IRQ,B,road,official,\nbeta,IRN,C,IRQ,border,road,official,\n"),
        "crossings.csv:3: b_name: name \"border\" is also a name of crossing \"alpha\" (line 2); names must pick one crossing"
    );
    assert_eq!(
        registry_error("alpha,IRN,A,IRQ,B,road,official\n"),
        "crossings.csv:2: 7 fields, but the header has 8"
    );
}

#[test]
fn header_errors() {
    let error = load(
        "id,a_country,a_name,b_country,b_name,modes,status,capacity\n",
        RULES_HEADER,
    )
    .unwrap_err();
    assert_eq!(
        error,
        CrossingsError::Field {
            file: "crossings.csv".to_owned(),
            line: 1,
            field: "capacity".to_owned(),
            problem: "unknown column; the accepted columns are id, a_country, a_name, a_native_name, a_region, b_country, b_name, b_native_name, b_region, aliases, modes, status, trucks_per_day, tonnes_per_day, notes, sources".to_owned(),
        }
    );
    assert_eq!(
        load("id,a_country,a_name,b_country,b_name,modes\n", RULES_HEADER)
            .unwrap_err()
            .to_string(),
        "crossings.csv:1: status: required column missing from the header"
    );
    assert_eq!(
        load(REGISTRY, "crossings,kind,kind\n")
            .unwrap_err()
            .to_string(),
        "calendar.csv:1: kind: column named twice in the header"
    );
}

#[test]
fn line_numbers_count_comments_and_blank_lines() {
    let rules = format!(
        "# a comment\n{RULES_HEADER}# another\n\nalpha,schedule,2024-01-01,,daily,,,,,,,,,\n# more\nalpha,schedule,2024-01-01,,Mon,,,,,,,,,\n"
    );
    assert_eq!(
        load(REGISTRY, &rules).unwrap_err().to_string(),
        "calendar.csv:7: from: contradicts line 5: two schedules start on 2024-01-01 for crossing \"alpha\", so neither supersedes the other"
    );
}

#[test]
fn unknown_crossing_in_a_rule() {
    assert_eq!(
        rules_error("alpha;gamma,schedule,2024-01-01,,daily,,,,,,,,,\n"),
        "calendar.csv:2: crossings: unknown crossing id \"gamma\""
    );
    assert_eq!(
        rules_error("Alfa,schedule,2024-01-01,,daily,,,,,,,,,\n"),
        "calendar.csv:2: crossings: unknown crossing id \"Alfa\" (rules name crossings by id, such as \"mehran\")"
    );
    assert_eq!(
        rules_error("alpha;;beta,schedule,2024-01-01,,daily,,,,,,,,,\n"),
        "calendar.csv:2: crossings: empty item in \"alpha;;beta\""
    );
    assert_eq!(
        rules_error("alpha;alpha,schedule,2024-01-01,,daily,,,,,,,,,\n"),
        "calendar.csv:2: crossings: crossing \"alpha\" is named twice"
    );
}

#[test]
fn from_after_to() {
    assert_eq!(
        rules_error("alpha,closure,2024-03-10,2024-03-01,,,,,,,,security,,\n"),
        "calendar.csv:2: to: 2024-03-01 is before from 2024-03-10"
    );
    assert_eq!(
        rules_error("alpha,schedule,SH1403-01-10,2024-03-20,daily,,,,,,,,,\n"),
        "calendar.csv:2: to: 2024-03-20 is before from 2024-03-29"
    );
}

#[test]
fn bad_weekdays() {
    assert_eq!(
        rules_error("alpha,schedule,2024-01-01,,Mon;Wedn,,,,,,,,,\n"),
        "calendar.csv:2: weekdays: unknown weekday \"Wedn\"; expected Mon, Tue, Wed, Thu, Fri, Sat, Sun (or the full English name), a range such as Sat-Thu, daily or none"
    );
    assert_eq!(
        rules_error("alpha,schedule,2024-01-01,,Sat-Xyz,,,,,,,,,\n"),
        "calendar.csv:2: weekdays: unknown weekday \"Xyz\"; expected Mon, Tue, Wed, Thu, Fri, Sat, Sun (or the full English name), a range such as Sat-Thu, daily or none"
    );
    assert_eq!(
        rules_error("alpha,schedule,2024-01-01,,Mon;,,,,,,,,,\n"),
        "calendar.csv:2: weekdays: empty item in weekday list \"Mon;\""
    );
    assert_eq!(
        rules_error("alpha,schedule,2024-01-01,,,,,,,,,,,\n"),
        "calendar.csv:2: weekdays: required field is empty (daily, none, or days such as Sun;Wed)"
    );
}

#[test]
fn bad_dates() {
    assert_eq!(
        rules_error("alpha,schedule,2020-02-30,,daily,,,,,,,,,\n"),
        "calendar.csv:2: from: bad date \"2020-02-30\": day 30 does not exist in February 2020 (29 days)"
    );
    assert_eq!(
        rules_error("alpha,closure,2020-01-01,SH1399-12-31,,,,,,,,other,,\n"),
        "calendar.csv:2: to: bad date \"SH1399-12-31\": day 31 does not exist in Esfand 1399 (30 days)"
    );
    assert_eq!(
        rules_error("alpha,closure,2020-01-01,AH1441-12-30,,,,,,,,other,,\n"),
        "calendar.csv:2: to: bad date \"AH1441-12-30\": day 30 does not exist in Dhu al-Hijjah 1441 AH (29 days)"
    );
    assert_eq!(
        rules_error("alpha,closed-day,8 June 2020,,,,,,,,,other,,\n"),
        "calendar.csv:2: from: bad date \"8 June 2020\": malformed date \"8 June 2020\": expected YYYY-MM-DD (4-digit year, 1- or 2-digit month and day)"
    );
    assert_eq!(
        rules_error("alpha,closure,2021-10-09T25:00,2021-10-11,,,,,,,,election,,\n"),
        "calendar.csv:2: from: bad time \"25:00\": expected HH:MM from 00:00 to 24:00"
    );
    assert_eq!(
        rules_error("alpha,schedule,2021-10-09T08:00,,daily,,,,,,,,,\n"),
        "calendar.csv:2: from: a time of day is only allowed on a closure"
    );
    assert_eq!(
        rules_error("alpha,closure,2021-10-09,,,,,,,,,election,,\n"),
        "calendar.csv:2: to: required field is empty: a closure needs its last day (use a schedule with weekdays \"none\" for a closure until further notice)"
    );
    assert_eq!(
        rules_error("alpha,schedule,,,daily,,,,,,,,,\n"),
        "calendar.csv:2: from: required field is empty"
    );
    assert_eq!(
        rules_error("alpha,closure,2021-10-09T08:00,2021-10-09T10:00,,,,,,,,election,,\n"),
        "calendar.csv:2: to: a closure starting and ending on the same day at given times is not supported; describe the day with an open-day row and its hours"
    );
}

#[test]
fn capacity_zero_on_an_open_day() {
    assert_eq!(
        rules_error("alpha,schedule,2024-01-01,,Sun;Wed,,0,,,,,,,\n"),
        "calendar.csv:2: trucks: capacity 0 on an open day: leave it empty when unknown, or close the day with a closure or a schedule with weekdays \"none\""
    );
    assert_eq!(
        rules_error("alpha,open-day,2024-01-01,,,,,0,,,,,,\n"),
        "calendar.csv:2: tonnes: capacity 0 on an open day: leave it empty when unknown, or close the day with a closure or a schedule with weekdays \"none\""
    );
    assert_eq!(
        rules_error("alpha,schedule,2024-01-01,,none,,250,,,,,outbreak,,\n"),
        "calendar.csv:2: trucks: a schedule with no open weekday has no hours or capacity; leave it empty"
    );
}

#[test]
fn contradictory_rules() {
    // Two schedules for one crossing starting the same day, one of them through `*`.
    assert_eq!(
        rules_error(
            "*,schedule,2024-01-01,,daily,,,,,,,,,\nbeta,schedule,2024-06-01,,Mon,,,,,,,,,\nbeta,schedule,2024-01-01,2024-03-01,Sun,,,,,,,,,\n"
        ),
        "calendar.csv:4: from: contradicts line 2: two schedules start on 2024-01-01 for crossing \"beta\", so neither supersedes the other"
    );
    // An open day and a closed day on the same day (written in two calendars).
    assert_eq!(
        rules_error(
            "alpha,open-day,2020-06-08,,,,,,,,,,,\nalpha;beta,closed-day,SH1399-03-19,,,,,,,,,holiday,,\n"
        ),
        "calendar.csv:3: from: contradicts line 2: two single-day exceptions fall on 2020-06-08 for crossing \"alpha\", so neither supersedes the other"
    );
    // Overlapping closures, and a closure over a schedule, do not contradict.
    load(
        REGISTRY,
        &format!(
            "{RULES_HEADER}alpha,schedule,2024-01-01,,daily,,,,,,,,,\nalpha,closure,2024-02-01,2024-02-10,,,,,,,,outbreak,,\nalpha,closure,2024-02-05,2024-02-20,,,,,,,,security,,\nalpha,schedule,2024-02-01,,Mon,,,,,,,,,\n"
        ),
    )
    .unwrap();
}

#[test]
fn fields_and_keywords() {
    assert_eq!(
        rules_error("alpha,reopening,2024-01-01,,daily,,,,,,,,,\n"),
        "calendar.csv:2: kind: unknown kind \"reopening\"; expected schedule, closure, open-day, closed-day or lunar-closure"
    );
    assert_eq!(
        rules_error("alpha,closure,2024-01-01,2024-01-02,,,,,,,,flood,,\n"),
        "calendar.csv:2: reason: unknown reason \"flood\"; expected outbreak, pilgrimage, election, dispute, security, holiday or other"
    );
    assert_eq!(
        rules_error("alpha,closure,2024-01-01,2024-01-02,,,,,,,,,,\n"),
        "calendar.csv:2: reason: required field is empty: a rule that closes a crossing gives a reason (outbreak, pilgrimage, election, dispute, security, holiday or other)"
    );
    assert_eq!(
        rules_error("alpha,closure,2024-01-01,2024-01-02,Mon,,,,,,,security,,\n"),
        "calendar.csv:2: weekdays: not used by a closure rule; leave it empty"
    );
    assert_eq!(
        rules_error("alpha,closed-day,2024-01-01,2024-01-02,,,,,,,,security,,\n"),
        "calendar.csv:2: to: not used by a closed-day rule; leave it empty"
    );
    assert_eq!(
        rules_error("alpha,schedule,2024-01-01,,daily,16:00-08:00,,,,,,,,\n"),
        "calendar.csv:2: hours: bad hours \"16:00-08:00\": the opening time must come before the closing time (hours past midnight are not supported)"
    );
    assert_eq!(
        rules_error("alpha,schedule,2024-01-01,,daily,8-16,,,,,,,,\n"),
        "calendar.csv:2: hours: bad time \"8\": expected HH:MM from 00:00 to 24:00"
    );
    assert_eq!(
        rules_error("alpha,lunar-closure,,,,,,,,,,holiday,,\n"),
        "calendar.csv:2: lunar: required field is empty (such as 02-20 or 20 Safar)"
    );
    assert_eq!(
        rules_error("alpha,lunar-closure,,,,,,,20 Safr,,,holiday,,\n"),
        "calendar.csv:2: lunar: unknown Hijri month name \"Safr\""
    );
    assert_eq!(
        rules_error("alpha,lunar-closure,,,,,,,02-31,,,holiday,,\n"),
        "calendar.csv:2: lunar: bad lunar day \"02-31\": the day must be 1-30"
    );
    assert_eq!(
        rules_error("alpha,lunar-closure,,,,,,,13-01,,,holiday,,\n"),
        "calendar.csv:2: lunar: month 13 is out of range 1-12"
    );
    assert_eq!(
        rules_error("alpha,lunar-closure,,,,,,,02-20,121,,pilgrimage,,\n"),
        "calendar.csv:2: before: bad number of days \"121\": expected 0 to 120"
    );
    assert_eq!(
        rules_error("alpha,lunar-closure,,,,,,,02-20,,-1,pilgrimage,,\n"),
        "calendar.csv:2: after: bad number of days \"-1\": expected 0 to 120"
    );
    assert_eq!(
        rules_error("alpha,schedule,2024-01-01,,daily,,,,,,,,,\nalpha,schedule,2024-02-01,,daily,,,,,3,,,,\n"),
        "calendar.csv:3: before: not used by a schedule rule; leave it empty"
    );
    assert_eq!(
        rules_error("alpha,schedule,2024-01-01,,daily,,,,,,,,,,extra\n"),
        "calendar.csv:2: 15 fields, but the header has 14"
    );
}

#[test]
fn file_level_errors() {
    assert_eq!(
        load("", RULES_HEADER).unwrap_err().to_string(),
        "crossings.csv:1: empty file: expected a header line"
    );
    assert_eq!(
        load("# only a comment\n\n", RULES_HEADER)
            .unwrap_err()
            .to_string(),
        "crossings.csv:1: empty file: expected a header line"
    );
    let mut latin1 =
        format!("{RULES_HEADER}alpha,closure,2024-01-01,2024-01-02,,,,,,,,other,").into_bytes();
    latin1.extend_from_slice(b"caf\xe9,\n");
    assert_eq!(
        Crossings::load(
            "crossings.csv",
            REGISTRY.as_bytes(),
            "calendar.csv",
            latin1.as_slice()
        )
        .unwrap_err()
        .to_string(),
        "calendar.csv:2: not UTF-8"
    );
    assert_eq!(
        rules_error("alpha,closure,2024-01-01,2024-01-02,,,,,,,,other,\"unterminated,\n"),
        "calendar.csv:2: a quoted field is not closed before the end of the file"
    );
}

#[test]
fn quoted_fields_may_span_lines() {
    // The note of line 2 spans lines 2-4; the bad row after it is line 5.
    let rows = "alpha,schedule,2024-01-01,,daily,,,,,,,,\"first line\nsecond, with a comma\nthird \"\"quoted\"\"\",src\nalpha,schedule,2024-01-01,,Mon,,,,,,,,,\n";
    assert_eq!(
        rules_error(rows),
        "calendar.csv:5: from: contradicts line 2: two schedules start on 2024-01-01 for crossing \"alpha\", so neither supersedes the other"
    );
    let crossings = load(
        REGISTRY,
        &format!("{RULES_HEADER}{}", &rows[..rows.rfind("alpha").unwrap()]),
    )
    .unwrap();
    assert_eq!(
        crossings.rules()[0].note,
        "first line\nsecond, with a comma\nthird \"quoted\""
    );
}
