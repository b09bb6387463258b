//! The trade registry benchmark: a Comtrade-layout file of many rows is generated, loaded
//! into the registry and answered a grouped report; DuckDB (the `duckdb` Python package)
//! reads the same file and runs the same aggregation in the same run, and the two sets of
//! results are compared value by value. A report of totals is also run twice in the same
//! run: from the rows the database adds up for it, and from the summary rows as stored.
//! The registry is a SQLite file, or a new PostgreSQL schema dropped afterwards.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use corridor_calendar::PeriodKind;
use corridor_import::ComtradeReader;
use corridor_reference::{countries, hs_entries, HsEdition, HsLevel, SectorMap};
use corridor_registry::report::{
    trade_report, FlowChoice, Grouping, Precedence, TradeChoice, TradeQuery, TradeReport,
};
use corridor_registry::{ingest, FigureFilter, Format, LoadSpec, Registry};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use crate::{round_to, run_python, BenchError};

/// The header of Comtrade's current layout (47 columns).
const HEADER: &str = "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,classificationCode,classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,customsDesc,mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,altQtyUnitAbbr,altQty,isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,legacyEstimationFlag,isReported,isAggregate";

/// Reporters, partners and codes of the generated file.
const REPORTERS: usize = 20;
const PARTNERS: usize = 50;
const CODES_PER_CELL: usize = 42;
/// How many times each report is run; the median is kept.
const REPORT_RUNS: usize = 5;

/// What the trade benchmark measures.
#[derive(Clone, Debug)]
pub struct TradeBenchConfig {
    /// Rows of the generated file.
    pub rows: u64,
    /// The random seed.
    pub seed: u64,
    /// Also run DuckDB (`python3` with the `duckdb` package) on the same file.
    pub duckdb: bool,
    /// Load into a new schema of this PostgreSQL database (dropped afterwards) instead of
    /// a SQLite file.
    pub postgres_url: Option<String>,
}

/// Generates the file, loads it, reports; returns the JSON the command prints.
pub fn run_trade(dir: &Path, config: &TradeBenchConfig) -> Result<Value, BenchError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| BenchError::Unexpected(format!("{}: {e}", "create the bench directory")))?;
    let csv = dir.join("comtrade-bench.csv");
    let started = Instant::now();
    let reporter = generate(&csv, config)?;
    let generate_seconds = started.elapsed().as_secs_f64();
    let file_bytes = std::fs::metadata(&csv)
        .map_err(|e| BenchError::Unexpected(format!("{}: {e}", "read the generated file")))?
        .len();

    // Parsing alone: where the load's time goes.
    let started = Instant::now();
    let file = File::open(&csv)
        .map_err(|e| BenchError::Unexpected(format!("{}: {e}", "open the generated file")))?;
    let mut parsed = 0u64;
    for row in
        ComtradeReader::new("bench", file).map_err(|e| BenchError::Unexpected(e.to_string()))?
    {
        row.map_err(|e| BenchError::Unexpected(e.to_string()))?;
        parsed += 1;
    }
    let parse_seconds = started.elapsed().as_secs_f64();

    let target = match &config.postgres_url {
        Some(url) => corridor_sql::Target::Postgres {
            url: url.clone(),
            schema: format!("corridor_trade_bench_{}", crate::now_nanos()),
        },
        None => {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(dir.join(format!("registry.sqlite{suffix}")));
            }
            corridor_sql::Target::Sqlite(dir.join("registry.sqlite"))
        }
    };
    let outcome = load_and_report(&csv, &target, &reporter);
    if let corridor_sql::Target::Postgres { url, schema } = &target {
        crate::postgres::drop_schema(&mut crate::postgres::connect(url)?, schema);
    }
    let measured = outcome?;
    let ours = measured.rows;
    let load_rate = measured.read as f64 / measured.load_seconds;
    let mut result = json!({
        "bench": "trade registry: load a Comtrade-layout CSV, then a grouped report",
        "backend": match &target {
            corridor_sql::Target::Sqlite(_) => "sqlite",
            corridor_sql::Target::Postgres { .. } => "postgres",
        },
        "rows": config.rows,
        "file_bytes": file_bytes,
        "generate_seconds": round_to(generate_seconds, 2),
        "report": format!("{reporter} exports by Gregorian year and HS chapter (every partner, monthly figures)"),
        "corridor": {
            "parse_only_rows_per_second": (parsed as f64 / parse_seconds).round(),
            "load_seconds": round_to(measured.load_seconds, 2),
            "load_rows_per_second": load_rate.round(),
            "loaded": measured.loaded,
            "report_ms": round_to(measured.report_ms, 2),
            "report_summary_rows_fetched": measured.fetched,
            "report_rows": ours.len(),
            "totals_report": measured.totals,
        },
    });
    if config.duckdb {
        let duck = duckdb(&csv, &reporter)?;
        let duck_load = duck["load_seconds"].as_f64().unwrap_or(f64::NAN);
        let duck_report = duck["report_ms"].as_f64().unwrap_or(f64::NAN);
        let theirs: BTreeMap<(i32, String), i128> = duck["result"]
            .as_array()
            .map(|rows| {
                rows.iter()
                    .filter_map(|row| {
                        Some((
                            (
                                i32::try_from(row[0].as_i64()?).ok()?,
                                row[1].as_str()?.to_owned(),
                            ),
                            row[2].as_str()?.parse::<i128>().ok()?,
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let duck_rate = config.rows as f64 / duck_load;
        if let Value::Object(object) = &mut result {
            object.insert(
                "duckdb".into(),
                json!({
                    "version": duck["version"],
                    "load_seconds": round_to(duck_load, 2),
                    "load_rows_per_second": duck_rate.round(),
                    "report_ms": round_to(duck_report, 2),
                    "report_rows": theirs.len(),
                }),
            );
            object.insert(
                "ratios".into(),
                json!({
                    "load_speed_corridor_over_duckdb": round_to(load_rate / duck_rate, 3),
                    "report_speed_corridor_over_duckdb": round_to(duck_report / measured.report_ms, 3),
                    "goals": "load at least 0.5, report at least 1.0",
                }),
            );
            object.insert("results_match".into(), json!(theirs == ours));
        }
    }
    Ok(result)
}

/// What loading and reporting measured.
struct Measured {
    read: u64,
    loaded: u64,
    load_seconds: f64,
    /// The report by chapter (compared with DuckDB's): median milliseconds, summary rows
    /// fetched, and its rows by year and chapter.
    report_ms: f64,
    fetched: usize,
    rows: BTreeMap<(i32, String), i128>,
    /// A report of totals from rows added up in the database, beside the same report from
    /// the rows as stored, as JSON.
    totals: Value,
}

/// Loads the file into the registry at `target`, then runs each report several times and
/// keeps the median: the report by chapter, and the report of totals both from the rows
/// the database adds up and from the rows as stored.
fn load_and_report(
    csv: &Path,
    target: &corridor_sql::Target,
    reporter: &str,
) -> Result<Measured, BenchError> {
    let unexpected = |e: &dyn std::fmt::Display| BenchError::Unexpected(e.to_string());
    let mut registry = Registry::open_target(target).map_err(|e| unexpected(&e))?;
    let started = Instant::now();
    let file = File::open(csv)
        .map_err(|e| BenchError::Unexpected(format!("{}: {e}", "open the generated file")))?;
    let load = ingest(
        &mut registry,
        LoadSpec {
            file: csv.display().to_string(),
            format: String::new(),
            revision: String::new(),
            source: None,
            loaded_at: String::new(),
        },
        Some(Format::Comtrade),
        file,
        None,
    )
    .map_err(|e| unexpected(&e))?;
    let load_seconds = started.elapsed().as_secs_f64();

    let query = TradeQuery {
        reporter: reporter.to_owned(),
        partner: None,
        flow: FlowChoice::Export,
        trade: TradeChoice::Goods,
        by: PeriodKind::GregorianYear,
        from: None,
        to: None,
        group: Some(Grouping::Chapter),
        precedence: Precedence::default(),
    };
    let sectors = SectorMap::default();
    let run = |query: &TradeQuery,
               filter: &FigureFilter|
     -> Result<(f64, usize, Option<TradeReport>), BenchError> {
        let mut times = Vec::with_capacity(REPORT_RUNS);
        let mut fetched = 0;
        let mut last = None;
        for _ in 0..REPORT_RUNS {
            let started = Instant::now();
            let figures = registry.figures(filter).map_err(|e| unexpected(&e))?;
            let sources = registry.sources().map_err(|e| unexpected(&e))?;
            let report =
                trade_report(&figures, &sources, query, &sectors).map_err(|e| unexpected(&e))?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            fetched = figures.len();
            last = Some(report);
        }
        Ok((median(&mut times), fetched, last))
    };
    let (report_ms, fetched, report) = run(&query, &query.report_filter())?;
    // A report of totals: where the database adds up what the report does not group by.
    let totals = TradeQuery {
        group: None,
        by: PeriodKind::SolarMonth,
        ..query.clone()
    };
    let (totals_baseline_ms, totals_baseline_fetched, totals_baseline) =
        run(&totals, &totals.figure_filter())?;
    let (totals_ms, totals_fetched, totals_report) = run(&totals, &totals.report_filter())?;
    let totals = json!({
        "report": format!("{reporter} exports by Solar Hijri month (every partner, no grouping)"),
        "report_ms": round_to(totals_ms, 2),
        "summary_rows_fetched": totals_fetched,
        "baseline_every_summary_row": {
            "what": "the same report from the reporter's summary rows as stored, added up outside the database",
            "report_ms": round_to(totals_baseline_ms, 2),
            "summary_rows_fetched": totals_baseline_fetched,
            "same_result": totals_report == totals_baseline,
        },
        "report_speed_over_baseline": round_to(totals_baseline_ms / totals_ms, 2),
    });
    let rows = report
        .iter()
        .flat_map(|report| &report.rows)
        .map(|row| {
            let group = row.group.as_ref().map_or(String::new(), |g| g.code.clone());
            ((row.period.year(), group), row.value_cents)
        })
        .collect();
    Ok(Measured {
        totals,
        read: load.read,
        loaded: load.loaded,
        load_seconds,
        report_ms,
        fetched,
        rows,
    })
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Writes `config.rows` monthly rows of the current layout: reporters by period, each
/// with partners, flows and HS subheadings, values with cents. Returns the reporter the
/// report asks about.
fn generate(path: &Path, config: &TradeBenchConfig) -> Result<String, BenchError> {
    let mut rng = SmallRng::seed_from_u64(config.seed);
    let all: Vec<_> = countries()
        .iter()
        .filter(|c| c.alpha3().len() == 3)
        .collect();
    let reporters: Vec<_> = all.iter().step_by(7).take(REPORTERS).copied().collect();
    let partners: Vec<_> = all
        .iter()
        .skip(3)
        .step_by(4)
        .take(PARTNERS)
        .copied()
        .collect();
    let codes: Vec<String> = hs_entries(HsEdition::Hs2022)
        .iter()
        .filter(|e| e.code().level() == HsLevel::Subheading)
        .map(|e| e.code().as_str().to_owned())
        .collect();
    let file = File::create(path)
        .map_err(|e| BenchError::Unexpected(format!("{}: {e}", "create the bench file")))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let write_error =
        |e: std::io::Error| BenchError::Unexpected(format!("write the bench file: {e}"));
    writeln!(out, "{HEADER}").map_err(write_error)?;
    let mut written = 0u64;
    'outer: for year in 2000..2600 {
        for month in 1..=12u32 {
            for reporter in &reporters {
                for flow in ["X", "M"] {
                    for partner in &partners {
                        if partner.alpha3() == reporter.alpha3() {
                            continue;
                        }
                        let start = rng.gen_range(0..codes.len() - CODES_PER_CELL);
                        for code in &codes[start..start + CODES_PER_CELL] {
                            if written == config.rows {
                                break 'outer;
                            }
                            let cents: u64 = rng.gen_range(100..5_000_000_000);
                            writeln!(
                                out,
                                "C,M,{year}{month:02}01,{year},{month},{year}{month:02},{},{},,{flow},,{},{},,0,,,H6,HS,true,{code},,6,true,C00,,0,0,,8,kg,{},false,-1,,,false,{},false,,false,,,{}.{:02},4,false,false",
                                reporter.comtrade_code(),
                                reporter.alpha3(),
                                partner.comtrade_code(),
                                partner.alpha3(),
                                cents / 1000,
                                cents / 700,
                                cents / 100,
                                cents % 100,
                            )
                            .map_err(write_error)?;
                            written += 1;
                        }
                    }
                }
            }
        }
    }
    out.flush().map_err(write_error)?;
    Ok(reporters
        .first()
        .map_or_else(|| "IRN".to_owned(), |c| c.alpha3().to_owned()))
}

/// The same load and aggregation in DuckDB, through its Python package.
fn duckdb(csv: &Path, reporter: &str) -> Result<Value, BenchError> {
    const SCRIPT: &str = r#"
import json, sys, time, statistics
import duckdb
path, reporter, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
t = time.perf_counter()
con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?, header = true, types = {'primaryValue': 'DECIMAL(18,2)', 'cmdCode': 'VARCHAR'})", [path])
load = time.perf_counter() - t
query = """SELECT refYear, substr(cmdCode, 1, 2) AS chapter, SUM(primaryValue) AS value
           FROM t WHERE reporterISO = ? AND flowCode = 'X' AND typeCode = 'C'
             AND partnerCode <> 0 AND partner2Code = 0 AND customsCode = 'C00' AND motCode = 0
           GROUP BY 1, 2"""
times = []
for _ in range(runs):
    t = time.perf_counter()
    rows = con.execute(query, [reporter]).fetchall()
    times.append((time.perf_counter() - t) * 1000)
print(json.dumps({
    "version": duckdb.__version__,
    "load_seconds": load,
    "report_ms": statistics.median(times),
    "result": [[int(y), c, str(int(v * 100))] for (y, c, v) in rows],
}))
"#;
    let runs = REPORT_RUNS.to_string();
    run_python(
        "DuckDB",
        "duckdb",
        SCRIPT,
        &[csv.as_os_str(), reporter.as_ref(), runs.as_ref()],
    )
}
