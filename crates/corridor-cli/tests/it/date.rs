//! `corridor date`: Solar Hijri and Gregorian, both ways.

use crate::run;

#[track_caller]
fn check(args: &[&str], expected: &str) {
    let mut all = vec!["date"];
    all.extend_from_slice(args);
    let output = run(&all);
    let text = if output.status.success() {
        String::from_utf8_lossy(&output.stdout).into_owned()
    } else {
        format!("error: {}", String::from_utf8_lossy(&output.stderr))
    };
    assert!(text.contains(expected), "{args:?}: {text}");
}

#[test]
fn converts_both_ways_with_month_names() {
    check(&["2020-04-20"], "1399-02-01 (1 Ordibehesht 1399, اردیبهشت)");
    check(&["2020-03-19"], "1398-12-29 (29 Esfand 1398, اسفند)");
    check(&["1399-02-01", "--from", "solar-hijri"], "2020-04-20");
    check(&["1404-01-01", "--from", "solar-hijri"], "2025-03-21");
    check(&["2025-03-20", "--json"], r#""solar_hijri":"1403-12-30""#);
    check(
        &["2025-03-20", "--json"],
        r#""solar_hijri_month_name":"Esfand""#,
    );
    check(
        &["1403-12-30", "--from", "solar-hijri", "--json"],
        r#""gregorian":"2025-03-20""#,
    );
}

#[test]
fn bad_dates_are_refused_with_the_reason() {
    check(
        &["1404-12-30", "--from", "solar-hijri"],
        "day 30 does not exist in Esfand 1404",
    );
    check(&["2020-13-01"], "month 13 is out of range");
    check(&["20-01-01"], "error:");
}
