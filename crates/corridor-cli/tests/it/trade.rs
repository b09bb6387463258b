//! `corridor trade`, `report` and `target`: loading files whole or not at all, reports,
//! reconciliation, targets and forecasts, through the real binary.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::run;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../corridor-import/tests/fixtures")
        .join(name)
        .to_str()
        .unwrap()
        .to_owned()
}

/// Runs `corridor` and returns stdout, failing the test with stderr if it fails.
#[track_caller]
fn ok(args: &[&str]) -> String {
    let output = run(args);
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Runs `corridor`, expects it to fail, returns stderr.
#[track_caller]
fn fails(args: &[&str]) -> String {
    let output = run(args);
    assert!(!output.status.success(), "{args:?} succeeded");
    String::from_utf8(output.stderr).unwrap()
}

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn loaded_figures(data: &str) -> u64 {
    json_lines(&ok(&["trade", "loads", "--json", "--data", data]))
        .iter()
        .map(|load| load["loaded"].as_u64().unwrap())
        .sum()
}

#[test]
fn files_load_once_and_reports_read_them() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let out = ok(&[
        "trade",
        "load",
        "--data",
        data,
        &fixture("figures.csv"),
        &fixture("comtrade_plus_goods.csv"),
    ]);
    assert!(out.contains("loaded"), "{out}");
    let before = loaded_figures(data);
    assert!(before > 0);
    // Loading the same file again changes nothing.
    let again = ok(&["trade", "load", "--data", data, &fixture("figures.csv")]);
    assert!(again.contains("already loaded"), "{again}");
    assert_eq!(loaded_figures(data), before);

    // Farvardin 1399 from IRICA; Ordibehesht from the chamber's estimate, the only source.
    let rows = json_lines(&ok(&[
        "report",
        "trade",
        "--data",
        data,
        "--reporter",
        "IRN",
        "--partner",
        "IRQ",
        "--by",
        "solar-month",
        "--format",
        "json",
    ]));
    let month = |period: &str| {
        rows.iter()
            .find(|row| row["period"] == period)
            .unwrap_or_else(|| panic!("no {period} in {rows:?}"))
            .clone()
    };
    assert_eq!(month("1399-01")["value_usd_cents"], "25900000000");
    assert_eq!(month("1399-01")["first_day"], "2020-03-20");
    assert_eq!(month("1399-02")["value_usd_cents"], "80000000000");
    assert!(month("1399-02")["source"]
        .as_str()
        .unwrap()
        .contains("Chamber"));

    // China's partners in 2022 from the Comtrade rows: Iraq first, Iran second.
    let ranking = json_lines(&ok(&[
        "report",
        "partners",
        "--data",
        data,
        "--reporter",
        "CHN",
        "--flow",
        "import",
        "--period",
        "2022",
        "--calendar",
        "gregorian",
        "--format",
        "json",
    ]));
    let order: Vec<&str> = ranking
        .iter()
        .map(|row| row["group"].as_str().unwrap())
        .collect();
    assert_eq!(&order[..2], ["IRQ", "IRN"]);
    assert_eq!(ranking[0]["value_usd_cents"], "3938474522500");

    // CSV output has a header and one line per row.
    let csv = ok(&[
        "report",
        "trade",
        "--data",
        data,
        "--reporter",
        "CHN",
        "--flow",
        "total",
        "--by",
        "year",
        "--format",
        "csv",
    ]);
    assert!(csv.starts_with("period,from,to,value_usd,"), "{csv}");
}

#[test]
fn a_bad_row_rejects_the_whole_file_unless_invalid_rows_are_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let file = dir.path().join("customs.csv");
    std::fs::write(
        &file,
        "declaration,date,reporter,partner,flow,hs_code,value,currency\n\
         D1,2023-05-10,IRN,IRQ,export,0702,100.00,USD\n\
         D2,2023-05-11,IRN,IRQ,sideways,0702,100.00,USD\n\
         D3,2023-05-12,IRN,IRQ,export,0702,50.00,USD\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let error = fails(&[
        "trade", "load", "--data", data, "--source", "Customs", "--kind", "customs", file,
    ]);
    assert!(error.contains("line 3"), "{error}");
    assert!(error.contains("flow"), "{error}");
    assert!(error.contains("sideways"), "{error}");
    assert!(error.contains("nothing was loaded"), "{error}");
    assert_eq!(loaded_figures(data), 0);

    let rejects: PathBuf = dir.path().join("rejects.csv");
    let out = ok(&[
        "trade",
        "load",
        "--data",
        data,
        "--source",
        "Customs",
        "--kind",
        "customs",
        "--skip-invalid",
        rejects.to_str().unwrap(),
        file,
    ]);
    assert!(
        out.contains("2 loaded") && out.contains("1 rejected"),
        "{out}"
    );
    let rejected = std::fs::read_to_string(&rejects).unwrap();
    let lines: Vec<&str> = rejected.lines().collect();
    assert_eq!(lines.len(), 2, "{rejected}");
    assert_eq!(lines[0], "file,line,reason,row");
    // The file, the line, the reason naming the column and the value, and the row itself.
    assert!(lines[1].starts_with(&format!("{file},3,")), "{rejected}");
    assert!(lines[1].contains("column flow"), "{rejected}");
    assert!(
        lines[1].ends_with("\"D2,2023-05-11,IRN,IRQ,sideways,0702,100.00,USD\""),
        "{rejected}"
    );

    // A command that fails on its second file keeps the first file's load and rejections,
    // and leaves no scratch files.
    let rejects2 = dir.path().join("rejects2.csv");
    let missing = dir.path().join("missing.csv");
    let error = fails(&[
        "trade",
        "load",
        "--data",
        dir.path().join("data2").to_str().unwrap(),
        "--source",
        "Customs",
        "--kind",
        "customs",
        "--skip-invalid",
        rejects2.to_str().unwrap(),
        file,
        missing.to_str().unwrap(),
    ]);
    assert!(error.contains("missing.csv"), "{error}");
    assert_eq!(
        std::fs::read_to_string(&rejects2).unwrap().lines().count(),
        2
    );
    assert!(!dir.path().join("rejects2.partial").exists());
    assert!(!dir.path().join("rejects2.scratch").exists());

    // A customs file must say whose figures these are.
    let error = fails(&["trade", "load", "--data", data, file]);
    assert!(error.contains("--source"), "{error}");
}

/// Three Solar Hijri years of monthly declarations (1400 to 1402) with a season and growth.
fn monthly_history(path: &Path) {
    let mut text = String::from(
        "declaration,date,calendar,reporter,partner,flow,hs_code,value,currency,crossing\n",
    );
    for (index, year) in [1400, 1401, 1402].into_iter().enumerate() {
        for month in 1..=12u32 {
            let season =
                [90, 95, 100, 105, 110, 100, 95, 90, 100, 105, 110, 120][month as usize - 1];
            let dollars = season * (100 + 10 * index as u32) * 10_000;
            text.push_str(&format!(
                "D{year}{month:02},{year}-{month:02}-10,solar-hijri,IRN,IRQ,export,2523,{dollars}.00,USD,Mehran\n"
            ));
        }
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn targets_report_progress_and_forecasts_beat_the_seasonal_naive_one() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let file = dir.path().join("declarations.csv");
    monthly_history(&file);
    ok(&[
        "trade",
        "load",
        "--data",
        data,
        "--source",
        "Customs",
        "--kind",
        "customs",
        file.to_str().unwrap(),
    ]);
    ok(&[
        "target",
        "add",
        "exports-1402",
        "--data",
        data,
        "--reporter",
        "IRN",
        "--partner",
        "IRQ",
        "--flow",
        "export",
        "--goods",
        "--period",
        "1402",
        "--amount",
        "1,600,000,000 USD",
    ]);
    let duplicate = fails(&[
        "target",
        "add",
        "exports-1402",
        "--data",
        data,
        "--reporter",
        "IRN",
        "--period",
        "1402",
        "--amount",
        "1 USD",
    ]);
    assert!(duplicate.contains("exists"), "{duplicate}");
    let listed = json_lines(&ok(&["target", "list", "--json", "--data", data]));
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["first_day"], "2023-03-21");

    // Mid-year (six months of 1402 ended by 1402-07-05 = 2023-09-27).
    let progress = json_lines(&ok(&[
        "target",
        "progress",
        "exports-1402",
        "--json",
        "--data",
        data,
        "--as-of",
        "2023-09-27",
    ]));
    let p = &progress[0];
    // 1402's first six months: (90+95+100+105+110+100) × 120 × 10,000 dollars.
    assert_eq!(p["so_far_usd_cents"], "72000000000");
    assert_eq!(p["open_months"], 6);
    assert!(p["forecast_projection_usd_cents"].is_string(), "{p}");
    assert!(p["model"].as_str().unwrap().starts_with("ETS"), "{p}");
    // The year's real total is 1,464 million: well short of 1,600 million.
    assert_eq!(p["status"], "behind");

    // After the year: the target was missed.
    let ended = json_lines(&ok(&[
        "target",
        "progress",
        "--json",
        "--data",
        data,
        "--as-of",
        "2024-04-01",
    ]));
    assert_eq!(ended[0]["status"], "missed");
    assert_eq!(ended[0]["so_far_usd_cents"], "146400000000");

    let forecast = ok(&[
        "report",
        "forecast",
        "--data",
        data,
        "--reporter",
        "IRN",
        "--partner",
        "IRQ",
        "--horizon",
        "6",
        "--backtest",
        "12",
    ]);
    assert!(forecast.contains("1403-01 Farvardin"), "{forecast}");
    assert!(forecast.contains("seasonal-naive MAPE"), "{forecast}");
}

#[test]
fn bad_report_arguments_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let error = fails(&[
        "report",
        "trade",
        "--data",
        data,
        "--reporter",
        "XXX",
        "--by",
        "solar-month",
    ]);
    assert!(
        error.contains("--reporter") && error.contains("XXX"),
        "{error}"
    );
    let error = fails(&[
        "report",
        "trade",
        "--data",
        data,
        "--reporter",
        "IRN",
        "--by",
        "solar-month",
        "--from",
        "1399",
    ]);
    assert!(error.contains("--from"), "{error}");
    let error = fails(&[
        "report",
        "trade",
        "--data",
        data,
        "--reporter",
        "IRN",
        "--source",
        "Nobody",
    ]);
    assert!(error.contains("Nobody"), "{error}");
}

/// The trade registry in PostgreSQL (`--database-url`): the same files loaded there and in a
/// data directory give the same loads' counts and the same reports, a bad file leaves both
/// unchanged, and a target set there is seen. Needs `CORRIDOR_TEST_DATABASE_URL`.
#[test]
fn the_registry_on_postgres_answers_as_the_embedded_one() {
    let url = match std::env::var("CORRIDOR_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "skipped the_registry_on_postgres_answers_as_the_embedded_one: CORRIDOR_TEST_DATABASE_URL is not set"
            );
            return;
        }
    };
    let schema = crate::unique_schema("corridor_trade");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let empty = tempfile::tempdir().unwrap();
    let pg_data = empty.path().to_str().unwrap();
    let embedded = |args: &[&str]| -> String {
        let mut all = args.to_vec();
        all.extend(["--data", data]);
        ok(&all)
    };
    let postgres = |args: &[&str], succeed: bool| -> String {
        let output = crate::corridor()
            .args(args)
            .args([
                "--data",
                pg_data,
                "--database-url",
                &url,
                "--database-schema",
                &schema,
            ])
            .output()
            .unwrap();
        assert_eq!(
            output.status.success(),
            succeed,
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap() + &String::from_utf8_lossy(&output.stderr)
    };
    let files = [
        fixture("figures.csv"),
        fixture("comtrade_plus_goods.csv"),
        fixture("customs.csv"),
    ];
    for file in &files {
        let load = [
            "trade",
            "load",
            "--source",
            "Customs",
            "--kind",
            "customs",
            file.as_str(),
        ];
        let load: &[&str] = if file.ends_with("customs.csv") {
            &load
        } else {
            &[load[0], load[1], load[6]]
        };
        embedded(load);
        postgres(load, true);
    }
    // A bad file: refused whole by both, nothing of it kept.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "declaration,date,reporter,partner,flow,hs_code,value,currency\nD1,2023-05-10,IRN,IRQ,export,0702,1.00,USD\nD2,2023-05-11,IRN,IRQ,export,0702,oops,USD\n",
    )
    .unwrap();
    let bad = bad.to_str().unwrap();
    let load_bad = [
        "trade", "load", "--source", "Customs", "--kind", "customs", bad,
    ];
    let error = postgres(&load_bad, false);
    assert!(error.contains("bad.csv line 3"), "{error}");
    // No directory was needed: everything is in PostgreSQL.
    assert!(std::fs::read_dir(pg_data).unwrap().next().is_none());
    let loads = |text: String| -> Vec<(String, String)> {
        json_lines(&text)
            .iter()
            .map(|l| (l["file"].to_string(), l["loaded"].to_string()))
            .collect()
    };
    assert_eq!(
        loads(embedded(&["trade", "loads", "--json"])),
        loads(
            postgres(&["trade", "loads", "--json"], true)
                .lines()
                .filter(|l| l.starts_with('{'))
                .collect::<Vec<_>>()
                .join("\n")
        )
    );
    for report in [
        vec![
            "report",
            "trade",
            "--reporter",
            "IRN",
            "--partner",
            "IRQ",
            "--by",
            "solar-month",
            "--format",
            "json",
        ],
        vec![
            "report",
            "trade",
            "--reporter",
            "CHN",
            "--flow",
            "total",
            "--by",
            "year",
            "--format",
            "csv",
        ],
        vec![
            "report",
            "partners",
            "--reporter",
            "CHN",
            "--flow",
            "import",
            "--period",
            "2022",
            "--calendar",
            "gregorian",
            "--format",
            "json",
        ],
    ] {
        let a = embedded(&report);
        let b = postgres(&report, true);
        assert!(!a.trim().is_empty(), "{report:?}");
        assert!(b.starts_with(&a), "{report:?}:\n{a}\n---\n{b}");
    }
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"));
}

/// `trade bench`, small: a report of totals from rows added up in the database matches the
/// one from the summary rows as stored and fetches fewer rows, on SQLite and (with
/// `CORRIDOR_TEST_DATABASE_URL`) on PostgreSQL, whose schema is dropped afterwards.
#[test]
fn the_trade_bench_reports_the_same_from_fewer_rows_on_each_backend() {
    use std::io::Write;
    let mut backends = vec![None];
    match std::env::var("CORRIDOR_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => backends.push(Some(url)),
        _ => {
            let _ = writeln!(
                std::io::stderr(),
                "skipped the trade bench on PostgreSQL: CORRIDOR_TEST_DATABASE_URL is not set"
            );
        }
    }
    for url in backends {
        let dir = tempfile::tempdir().unwrap();
        let mut args = vec![
            "trade",
            "bench",
            "--rows",
            "20000",
            "--no-duckdb",
            "--dir",
            dir.path().to_str().unwrap(),
        ];
        if let Some(url) = &url {
            args.extend(["--database-url", url.as_str()]);
        }
        let result: Value = serde_json::from_str(&ok(&args)).unwrap();
        let expected = if url.is_some() { "postgres" } else { "sqlite" };
        assert_eq!(result["backend"], expected);
        let corridor = &result["corridor"];
        assert_eq!(corridor["loaded"], 20000, "{result}");
        assert!(corridor["report_rows"].as_u64().unwrap() > 10, "{result}");
        // A report of totals: the database adds up the chapters the report does not show.
        let totals = &corridor["totals_report"];
        assert_eq!(
            totals["baseline_every_summary_row"]["same_result"], true,
            "{result}"
        );
        assert!(
            totals["summary_rows_fetched"].as_u64().unwrap()
                < totals["baseline_every_summary_row"]["summary_rows_fetched"]
                    .as_u64()
                    .unwrap(),
            "{result}"
        );
    }
}
