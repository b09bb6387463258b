//! `corridor simulate`: scenario files side by side, deterministic, with clear errors, and
//! with the crossings' reference calendar.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::run;

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../corridor-simulate/data")
        .join(name)
        .to_str()
        .unwrap()
        .to_owned()
}

/// Runs `corridor simulate ARGS` and returns stdout, failing the test with stderr if it
/// fails.
#[track_caller]
fn ok(args: &[&str]) -> String {
    let mut all = vec!["simulate"];
    all.extend_from_slice(args);
    let output = run(&all);
    assert!(
        output.status.success(),
        "{all:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Runs `corridor simulate ARGS`, expects it to fail, returns stderr.
#[track_caller]
fn fails(args: &[&str]) -> String {
    let mut all = vec!["simulate"];
    all.extend_from_slice(args);
    let output = run(&all);
    assert!(!output.status.success(), "{all:?} succeeded");
    String::from_utf8(output.stderr).unwrap()
}

#[track_caller]
fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    serde_json::from_str(&ok(&all)).unwrap()
}

/// A crossing's result in the `index`th scenario of a `--format json` output.
fn crossing<'a>(output: &'a Value, index: usize, id: &str) -> &'a Value {
    output["results"][index]["crossings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

#[test]
fn the_example_pair_side_by_side() {
    let (two_days, daily) = (
        example("mehran-two-days.toml"),
        example("all-open-daily.toml"),
    );
    let args = [
        "--scenario",
        two_days.as_str(),
        "--scenario",
        daily.as_str(),
    ];
    let table = ok(&args);
    assert!(table.contains("Mehran open two days a week"), "{table}");
    assert!(table.contains("All crossings open daily"), "{table}");
    assert!(table.contains("mehran: backlog at end"), "{table}");
    // The monthly table, Solar Hijri by default, Gregorian on request.
    assert!(table.contains("Tir 1399"), "{table}");
    let mut gregorian = args.to_vec();
    gregorian.extend(["--months", "gregorian"]);
    assert!(ok(&gregorian).contains("July 2020"));

    let output = json(&args);
    assert_eq!(
        output["scenarios"][0]["name"],
        "Mehran open two days a week"
    );
    assert_eq!(output["scenarios"][1]["file"], daily.as_str());
    assert_eq!(
        output["comparison"]["scenarios"],
        serde_json::json!(["Mehran open two days a week", "All crossings open daily"])
    );
    let backlog = |index: usize| crossing(&output, index, "mehran")["queued_at_end"].as_u64();
    assert!(
        backlog(0).unwrap() > backlog(1).unwrap(),
        "{:?} {:?}",
        backlog(0),
        backlog(1)
    );
    assert!(backlog(0).unwrap() > 10_000);
}

#[test]
fn the_same_seed_gives_the_same_json() {
    let file = example("mehran-two-days.toml");
    let args = ["--scenario", file.as_str(), "--format", "json"];
    let (first, second) = (ok(&args), ok(&args));
    assert!(first.len() > 1_000);
    assert_eq!(first, second);
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_bad_scenario_is_refused_with_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.toml",
        r#"name = "bad"
seed = 1
currency = "USD"
period = { from = "2020-06-08", to = "2020-06-30" }

[[crossings]]
id = "mehran"
capacity = 250

[[demand]]
sector = "foodstuffs"
crossing = "mehran"
trucks_per_day = 100
value_per_truck_minor = 500_000

[[routing]]
from = "mehran"
to = "khosravy"
extra_days = 1
"#,
    );
    let bad = bad.to_str().unwrap();
    let good = example("all-open-daily.toml");
    // Nothing is printed when any scenario is bad, wherever it comes.
    let output = run(&["simulate", "--scenario", &good, "--scenario", bad]);
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let error = String::from_utf8(output.stderr).unwrap();
    assert!(
        error.contains(&format!("{bad}:18:")),
        "the file and line: {error}"
    );
    assert!(error.contains("routing[0].to"), "the field: {error}");
    assert!(error.contains("khosravy"), "{error}");

    // A syntax error: the parser's line.
    let broken = write(dir.path(), "broken.toml", "name = \"x\"\nseed = \n");
    let error = fails(&["--scenario", broken.to_str().unwrap()]);
    assert!(error.contains("broken.toml:2:"), "{error}");
    let error = fails(&["--scenario", "no-such-file.toml"]);
    assert!(error.contains("no-such-file.toml"), "{error}");
}

/// Mehran open daily in the scenario, over March to May 2020, when the reference calendar
/// has it closed from 2020-03-08 (COVID-19).
const SPRING_2020: &str = r#"name = "spring 2020"
seed = 7
currency = "USD"
period = { from = "2020-03-01", to = "2020-05-31" }

[[crossings]]
id = "mehran"
capacity = 500

[[crossings]]
id = "elsewhere"
capacity = 500

[[demand]]
sector = "foodstuffs"
crossing = { mehran = 1, elsewhere = 1 }
trucks_per_day = 600
value_per_truck_minor = 500_000
arrivals = "fixed"
"#;

#[test]
fn the_reference_calendar_closes_mehran_in_spring_2020() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "spring.toml", SPRING_2020);
    let file = file.to_str().unwrap();
    let inline = json(&["--scenario", file]);
    let reference = json(&["--scenario", file, "--reference-calendar"]);
    let mehran = |output: &Value| {
        let mehran = crossing(output, 0, "mehran");
        (
            mehran["open_days"].as_u64().unwrap(),
            mehran["passed"].as_u64().unwrap(),
        )
    };
    // The scenario's own calendar: open all 92 days, 300 trucks a day pass.
    assert_eq!(mehran(&inline), (92, 92 * 300));
    // The reference: open from 2020-03-01 to 2020-03-07 only.
    assert_eq!(mehran(&reference), (7, 7 * 300));
    assert_eq!(inline["scenarios"][0]["calendar"], "inline");
    assert_eq!(reference["scenarios"][0]["calendar"], "reference");
    assert_eq!(
        reference["scenarios"][0]["reference_crossings"],
        serde_json::json!(["mehran"])
    );
    assert_eq!(
        reference["scenarios"][0]["inline_crossings"],
        serde_json::json!(["elsewhere"])
    );
    // A crossing the reference does not know keeps its calendar.
    assert_eq!(
        crossing(&inline, 0, "elsewhere")["passed"],
        crossing(&reference, 0, "elsewhere")["passed"]
    );
    let table = ok(&["--scenario", file, "--reference-calendar"]);
    assert!(
        table.contains("operating calendar for mehran; the scenario's own for elsewhere"),
        "{table}"
    );
    // The crossing files go with --reference-calendar only.
    let error = fails(&[
        "--scenario",
        file,
        "--registry",
        "r.csv",
        "--calendar",
        "c.csv",
    ]);
    assert!(error.contains("--reference-calendar"), "{error}");
}
