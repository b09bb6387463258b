//! `corridor crossings`: the registry, and which crossings are open on a day or over a
//! period, in both calendars, from the shipped reference or a user's files.

use std::path::Path;

use serde_json::Value;

use crate::run;

/// Runs `corridor crossings ARGS` and returns stdout, failing the test with stderr if it
/// fails.
#[track_caller]
fn ok(args: &[&str]) -> String {
    let mut all = vec!["crossings"];
    all.extend_from_slice(args);
    let output = run(&all);
    assert!(
        output.status.success(),
        "{all:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Runs `corridor crossings ARGS`, expects it to fail, returns stderr.
#[track_caller]
fn fails(args: &[&str]) -> String {
    let mut all = vec!["crossings"];
    all.extend_from_slice(args);
    let output = run(&all);
    assert!(!output.status.success(), "{all:?} succeeded");
    String::from_utf8(output.stderr).unwrap()
}

/// The JSON lines of `corridor crossings ARGS --format json`.
#[track_caller]
fn days(args: &[&str]) -> Vec<Value> {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    ok(&all)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// `open 250`, `closed election`, `unknown`, from a day's JSON.
fn summary(day: &Value) -> String {
    match day["state"].as_str().unwrap() {
        "open" => format!("open {}", day["trucks"]),
        "closed" => format!("closed {}", day["reason"].as_str().unwrap_or("-")),
        other => other.to_owned(),
    }
}

/// Mehran on one day, asked with `status --on DAY --crossing mehran`.
#[track_caller]
fn mehran_on(day: &str) -> String {
    let rows = days(&["status", "--on", day, "--crossing", "mehran"]);
    assert_eq!(rows.len(), 1, "{rows:?}");
    summary(&rows[0])
}

#[test]
fn mehran_reopened_on_a_monday_and_was_closed_the_next_day_in_either_calendar() {
    assert_eq!(mehran_on("2020-06-08"), "open 250");
    assert_eq!(mehran_on("2020-06-09"), "closed outbreak");
    assert_eq!(mehran_on("SH1399-03-19"), "open 250");
    assert_eq!(mehran_on("sh1399-03-20"), "closed outbreak");
    // Without a prefix, a year before 1600 is Solar Hijri; --dates says it outright.
    assert_eq!(mehran_on("1399-03-19"), "open 250");
    let rows = days(&[
        "status",
        "--on",
        "1399-03-20",
        "--dates",
        "solar-hijri",
        "--crossing",
        "Zurbatiyah",
    ]);
    assert_eq!(rows[0]["date"], "2020-06-09");
    assert_eq!(summary(&rows[0]), "closed outbreak");
    // Both calendars' dates are given, and the weekday.
    let rows = days(&["status", "--on", "2020-06-08", "--crossing", "mehran"]);
    assert_eq!(rows[0]["solar_hijri"], "1399-03-19");
    assert_eq!(rows[0]["weekday"], "Monday");
    // The lunar Hijri date round-trips.
    let hijri = rows[0]["hijri"].as_str().unwrap();
    assert_eq!(mehran_on(&format!("AH{hijri}")), "open 250");

    // The same through `calendar`, one day or two.
    let rows = days(&[
        "calendar",
        "mehran",
        "--from",
        "SH1399-03-19",
        "--to",
        "SH1399-03-20",
    ]);
    let got: Vec<String> = rows.iter().map(summary).collect();
    assert_eq!(got, ["open 250", "closed outbreak"]);
    // "Is Mehran open on 1399-02-15?" One command: no (COVID-19 closure).
    let table = ok(&["calendar", "mehran", "--from", "SH1399-02-15"]);
    assert!(
        table.contains("2020-05-04  1399-02-15   Mon  closed"),
        "{table}"
    );
    assert!(table.contains("closure (outbreak)"), "{table}");
    assert!(table.contains("1 day: 0 open, 1 closed"), "{table}");
}

#[test]
fn the_week_mehran_reopened_has_three_open_days() {
    let rows = days(&["status", "--on", "2020-06-08", "--days", "7"]);
    // Every crossing of the reference on each of the 7 days.
    assert_eq!(rows.len(), 7 * 14);
    let open: Vec<&str> = rows
        .iter()
        .filter(|row| row["crossing"] == "mehran" && row["state"] == "open")
        .map(|row| row["date"].as_str().unwrap())
        .collect();
    // Mon + Wed in the week of the reopening, then Sun + Wed (iran-iraq-calendar.csv).
    assert_eq!(open, ["2020-06-08", "2020-06-10", "2020-06-14"]);
    let mehran: Vec<&Value> = rows.iter().filter(|r| r["crossing"] == "mehran").collect();
    assert_eq!(mehran.len(), 7);
    assert_eq!(mehran[6]["solar_hijri"], "1399-03-25");
    assert_eq!(mehran[6]["weekday"], "Sunday");

    let table = ok(&["status", "--on", "2020-06-08", "--days", "7"]);
    assert!(
        table.contains("2020-06-14  1399-03-25   Sun  mehran       open"),
        "{table}"
    );
    assert!(
        table.contains("open days of 7: mehran 3, chazabeh 0, shalamcheh 0"),
        "{table}"
    );
    // CSV: a header and one record per crossing and day.
    let csv = ok(&[
        "status",
        "--on",
        "2020-06-08",
        "--days",
        "7",
        "--format",
        "csv",
    ]);
    assert!(csv.starts_with("date,solar_hijri,hijri,weekday,crossing,state,"));
    assert_eq!(csv.lines().count(), 1 + 7 * 14);
}

#[test]
fn shalamcheh_closed_for_the_2021_election() {
    let rows = days(&["status", "--on", "2021-10-10", "--crossing", "shalamcheh"]);
    assert_eq!(summary(&rows[0]), "closed election");
    assert_eq!(rows[0]["rules"][0]["effect"], "decides");
    assert_eq!(rows[0]["rules"][0]["kind"], "closure");
    assert!(rows[0]["rules"][0]["source"]
        .as_str()
        .unwrap()
        .contains("mehrnews"));
    // The days around it are open, with the hours the closure leaves.
    let rows = days(&[
        "calendar",
        "Shalamcha",
        "--from",
        "2021-10-09",
        "--to",
        "2021-10-11",
    ]);
    let got: Vec<(String, Value)> = rows
        .iter()
        .map(|r| (summary(r), r["hours"].clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("open 250".to_owned(), Value::from("00:00-21:30")),
            ("closed election".to_owned(), Value::Null),
            ("open 250".to_owned(), Value::from("06:00-24:00")),
        ]
    );
    let table = ok(&["status", "--on", "2021-10-10"]);
    assert!(table.contains("closure (election)"), "{table}");
}

#[test]
fn calendar_takes_periods_of_either_calendar() {
    // Khordad 1399: 31 days from 2020-05-21.
    let rows = days(&["calendar", "mehran", "--from", "1399-03"]);
    assert_eq!(rows.len(), 31);
    assert_eq!(rows[0]["date"], "2020-05-21");
    assert_eq!(rows[30]["solar_hijri"], "1399-03-31");
    // June 2020 to Tir 1399 (ends 2020-07-21).
    let rows = days(&[
        "calendar",
        "mehran",
        "--from",
        "2020-06",
        "--to",
        "SH1399-04",
    ]);
    assert_eq!(rows.len(), 51);
    assert_eq!(rows[50]["date"], "2020-07-21");
    // Dhu al-Hijjah 1441, lunar Hijri: Eid al-Adha closes Mehran.
    let rows = days(&["calendar", "mehran", "--from", "AH1441-12"]);
    assert!(rows.len() == 29 || rows.len() == 30, "{}", rows.len());
    assert!(rows.iter().any(|r| summary(r) == "closed holiday"));
    let error = fails(&["calendar", "mehran", "--from", "2020-07", "--to", "2020-06"]);
    assert!(error.contains("ends before"), "{error}");
    let error = fails(&["calendar", "mehran", "--from", "2020-13"]);
    assert!(error.contains("--from \"2020-13\""), "{error}");
}

#[test]
fn unknown_crossings_are_named_with_the_known_ones() {
    let error = fails(&["calendar", "Mehrann", "--from", "2020-06-08"]);
    assert!(
        error.contains("no crossing is named \"Mehrann\""),
        "{error}"
    );
    assert!(error.contains("mehran, chazabeh, shalamcheh"), "{error}");
    let error = fails(&["status", "--crossing", "nowhere", "--on", "2020-06-08"]);
    assert!(error.contains("\"nowhere\""), "{error}");
}

#[test]
fn list_shows_both_sides() {
    let table = ok(&["list"]);
    let mehran = table.lines().find(|l| l.starts_with("mehran ")).unwrap();
    for part in [
        "IRN Mehran",
        "Ilam",
        "IRQ Zurbatiyah",
        "Wasit",
        "road",
        "official",
        "250",
    ] {
        assert!(mehran.contains(part), "{part}: {mehran}");
    }
    let rows = days(&["list"]);
    assert_eq!(rows.len(), 14);
    assert_eq!(rows[0]["side_b"]["name"], "Zurbatiyah");
    assert_eq!(rows[0]["modes"][0], "road");
    let csv = ok(&["list", "--format", "csv"]);
    assert!(csv.starts_with("id,a_country,a_name,"));
}

const REGISTRY: &str = "\
id,a_country,a_name,a_region,b_country,b_name,b_region,modes,status,trucks_per_day
alpha,FRA,Alphaville,North,BEL,Alphastad,South,road;rail,official,120
";

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn a_users_own_files_replace_the_reference() {
    let dir = tempfile::tempdir().unwrap();
    let registry = write(dir.path(), "registry.csv", REGISTRY);
    let calendar = write(
        dir.path(),
        "rules.csv",
        "crossings,kind,from,weekdays,hours,reason\n\
         alpha,schedule,2024-01-01,Mon-Fri,08:00-16:00,\n",
    );
    let files = [
        "--registry",
        registry.as_str(),
        "--calendar",
        calendar.as_str(),
    ];
    let mut args = vec!["list"];
    args.extend(files);
    let table = ok(&args);
    assert!(table.contains("FRA Alphaville"), "{table}");
    assert!(!table.contains("mehran"), "{table}");
    let mut args = vec!["status", "--on", "2024-06-07", "--days", "2"];
    args.extend(files);
    args.extend(["--format", "json"]);
    let rows: Vec<Value> = ok(&args)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<String> = rows.iter().map(summary).collect();
    // Friday open with the registry's capacity, Saturday closed by the schedule.
    assert_eq!(got, ["open 120", "closed -"]);
    assert_eq!(rows[0]["hours"], "08:00-16:00");
    assert_eq!(rows[0]["rules"][0]["file"], calendar.as_str());
}

#[test]
fn a_bad_calendar_file_is_refused_with_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let registry = write(dir.path(), "registry.csv", REGISTRY);
    let calendar = write(
        dir.path(),
        "rules.csv",
        "crossings,kind,from,weekdays,hours,reason\n\
         # a comment counts as a line\n\
         alpha,schedule,2024-01-01,Mon;Wedn,08:00-16:00,\n",
    );
    let error = fails(&[
        "status",
        "--registry",
        &registry,
        "--calendar",
        &calendar,
        "--on",
        "2024-06-07",
    ]);
    assert!(
        error.contains(&format!("{calendar}:3: weekdays: unknown weekday \"Wedn\"")),
        "{error}"
    );
    // A rule for a crossing the registry does not have.
    let calendar = write(
        dir.path(),
        "rules2.csv",
        "crossings,kind,from,weekdays\nbeta,schedule,2024-01-01,daily\n",
    );
    let error = fails(&["list", "--registry", &registry, "--calendar", &calendar]);
    assert!(
        error.contains(&format!("{calendar}:2: crossings:")),
        "{error}"
    );
    // One file without the other is refused by the argument parser.
    let error = fails(&["list", "--registry", &registry]);
    assert!(error.contains("--calendar"), "{error}");
}
