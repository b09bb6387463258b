//! `corridor trade`, `corridor report` and `corridor target`: the trade registry's commands.

use std::fs::File;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{json, Value};

use corridor_calendar::{Calendar, GregorianDate, Period, PeriodKind};
use corridor_cli::render;
use corridor_core::{Currency, Money};
use corridor_import::SourceKind;
use corridor_monitor::{RequiredGrowth, TargetStatus};
use corridor_reference::SectorMap;
use corridor_registry::progress::{forecast, target_progress, target_query};
use corridor_registry::reconcile::{reconcile, ReconcileQuery};
use corridor_registry::report::{
    partner_ranking, trade_report, FlowChoice, Grouping, Precedence, ReportRow, TradeChoice,
    TradeQuery,
};
use corridor_registry::target::TargetSpan;
use corridor_registry::{
    ingest, FigureFilter, Format, LoadSpec, Registry, SourceSpec, TargetSpec, WORLD,
};

/// Opens (creating) the registry: `DIR/registry.sqlite`, or the PostgreSQL schema.
pub(crate) fn open_registry(dir: &DataDir) -> Result<Registry> {
    let config = dir.database.config();
    if config.is_none() {
        std::fs::create_dir_all(&dir.data)
            .with_context(|| format!("create the data directory {}", dir.data.display()))?;
    }
    let target = corridor_api::tables_target(&dir.data, "registry.sqlite", config.as_ref());
    Registry::open_target(&target).with_context(|| format!("open the trade registry in {target}"))
}

#[derive(Args)]
pub(crate) struct DataDir {
    /// The data directory (created on first use).
    #[arg(long, env = "CORRIDOR_DATA", default_value = "./corridor-data")]
    pub data: PathBuf,
    #[command(flatten)]
    pub database: crate::DatabaseArgs,
}

#[derive(Subcommand)]
pub(crate) enum TradeCommand {
    /// Load trade files (Comtrade, customs declarations, services, published figures).
    Load(LoadArgs),
    /// List the files loaded, with what each did.
    Loads(ListArgs),
    /// List the sources of figures.
    Sources(ListArgs),
    /// Measure loading and reporting on a generated Comtrade-layout file, against DuckDB
    /// (the `duckdb` Python package) in the same run; prints JSON.
    Bench(TradeBenchArgs),
}

#[derive(Args)]
pub(crate) struct TradeBenchArgs {
    /// Rows of the generated file.
    #[arg(long, default_value_t = 10_000_000)]
    rows: u64,
    /// Where the file and the registry go (default: a new directory under the system's
    /// temporary directory, removed afterwards).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// The generator's seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Skip the DuckDB comparison.
    #[arg(long)]
    no_duckdb: bool,
    /// Load into PostgreSQL (a new schema, dropped afterwards) instead of a SQLite file:
    /// postgres://user@host:port/database.
    #[arg(long)]
    database_url: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum FormatArg {
    Comtrade,
    Customs,
    Services,
    Figures,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum KindArg {
    Customs,
    Official,
    Mirror,
    Estimate,
    Generated,
}

impl KindArg {
    fn kind(self) -> SourceKind {
        match self {
            KindArg::Customs => SourceKind::Customs,
            KindArg::Official => SourceKind::Official,
            KindArg::Mirror => SourceKind::Mirror,
            KindArg::Estimate => SourceKind::Estimate,
            KindArg::Generated => SourceKind::Generated,
        }
    }
}

#[derive(Args)]
pub(crate) struct LoadArgs {
    #[command(flatten)]
    data: DataDir,
    /// The files, each loaded whole or not at all.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The format; detected from the header when not given.
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// The source of the figures (Comtrade files default to "UN Comtrade"; figures files
    /// name a source on every row).
    #[arg(long, requires = "kind")]
    source: Option<String>,
    /// The kind of figures the source publishes.
    #[arg(long, value_enum)]
    kind: Option<KindArg>,
    /// Where the source publishes.
    #[arg(long)]
    url: Option<String>,
    /// The data's revision (an ISO date orders correctly): a later revision replaces what an
    /// earlier one gave for the same source, reporter and period. Defaults to the date in a
    /// Comtrade bulk file's name (`...[2023-01-03]`), else none.
    #[arg(long)]
    revision: Option<String>,
    /// Load the valid rows and write each invalid one, with its reason, to this CSV file.
    #[arg(long, value_name = "FILE")]
    skip_invalid: Option<PathBuf>,
    /// One JSON object per file instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub(crate) struct ListArgs {
    #[command(flatten)]
    data: DataDir,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run_trade(command: TradeCommand) -> Result<()> {
    match command {
        TradeCommand::Load(args) => load(args),
        TradeCommand::Loads(args) => loads(args),
        TradeCommand::Sources(args) => sources(args),
        TradeCommand::Bench(args) => trade_bench(args),
    }
}

fn trade_bench(args: TradeBenchArgs) -> Result<()> {
    let (dir, temporary) = match &args.dir {
        Some(dir) => (dir.clone(), false),
        None => (
            std::env::temp_dir().join(format!("corridor-trade-bench-{}", std::process::id())),
            true,
        ),
    };
    let result = corridor_bench::trade::run_trade(
        &dir,
        &corridor_bench::trade::TradeBenchConfig {
            rows: args.rows,
            seed: args.seed,
            duckdb: !args.no_duckdb,
            postgres_url: args.database_url.clone(),
        },
    );
    if temporary {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    writeln!(out, "{}", serde_json::to_string_pretty(&result?)?)?;
    Ok(())
}

/// The date in a Comtrade bulk file's name, `COMTRADE-FINAL-...[2023-01-03]`.
fn revision_from_name(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let start = name.rfind('[')?;
    let end = start + name[start..].find(']')?;
    let date = &name[start + 1..end];
    date.parse::<GregorianDate>().ok().map(|_| date.to_owned())
}

fn load(args: LoadArgs) -> Result<()> {
    let mut registry = open_registry(&args.data)?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut rejected = match &args.skip_invalid {
        Some(path) => Some(Rejects::create(path)?),
        None => None,
    };
    for path in &args.files {
        let file = File::open(path).with_context(|| format!("open {}", path.display()))?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let name = path.display().to_string();
        let spec = LoadSpec {
            file: name.clone(),
            format: String::new(),
            revision: args
                .revision
                .clone()
                .or_else(|| revision_from_name(path))
                .unwrap_or_default(),
            source: match (&args.source, args.kind) {
                (Some(source), Some(kind)) => Some(SourceSpec {
                    name: source.clone(),
                    kind: kind.kind(),
                    url: args.url.clone(),
                }),
                _ => None,
            },
            loaded_at: now_text()?,
        };
        let format = args.format.map(|format| match format {
            FormatArg::Comtrade => Format::Comtrade,
            FormatArg::Customs => Format::Customs,
            FormatArg::Services => Format::Services,
            FormatArg::Figures => Format::Figures,
        });
        let bar = if io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new(size);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg} {bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar.set_message(name.clone());
            bar
        } else {
            indicatif::ProgressBar::hidden()
        };
        let input = bar.wrap_read(file);
        if let Some(rejects) = rejected.as_mut() {
            rejects.begin()?;
        }
        let mut sink = |error: &corridor_import::ImportError| match rejected.as_mut() {
            Some(rejects) => rejects.write(error),
            None => Ok(()),
        };
        let report = ingest(
            &mut registry,
            spec,
            format,
            input,
            args.skip_invalid.as_ref().map(|_| &mut sink as _),
        );
        bar.finish_and_clear();
        let report = report.with_context(|| format!("load {name}: nothing was loaded"))?;
        if let Some(rejects) = rejected.as_mut() {
            rejects.commit(path)?;
        }
        if args.json {
            writeln!(
                out,
                "{}",
                json!({
                    "file": name,
                    "load": report.load_id,
                    "read": report.read,
                    "loaded": report.loaded,
                    "duplicates": report.duplicates,
                    "superseded": report.superseded,
                    "replaced": report.replaced,
                    "rejected": report.rejected,
                    "already_loaded": report.already_loaded,
                })
            )?;
        } else if let Some(earlier) = report.already_loaded {
            writeln!(
                out,
                "{name}: already loaded (load {earlier}); nothing changed ({} rows read)",
                report.read
            )?;
        } else {
            writeln!(
                out,
                "{name}: load {}: {} rows read, {} loaded, {} duplicates, {} superseded by a later revision, {} replaced, {} rejected",
                report.load_id,
                report.read,
                report.loaded,
                report.duplicates,
                report.superseded,
                report.replaced,
                report.rejected
            )?;
        }
    }
    if let Some(rejects) = rejected {
        rejects.finish()?;
    }
    Ok(())
}

/// The `--skip-invalid` file: `file,line,reason,row` for every rejected row of every file
/// loaded. Each file's rejections go to a scratch file while it loads; once its load has
/// committed they are copied, with the rejected rows' text, into the output, which takes
/// its name when the command ends. A file that fails to load adds nothing.
struct Rejects {
    path: PathBuf,
    scratch: PathBuf,
    building: PathBuf,
    out: csv::Writer<File>,
    /// The rejections of the file being loaded: (line, reason).
    current: Option<csv::Writer<File>>,
}

impl Rejects {
    fn create(path: &Path) -> Result<Rejects> {
        let building = path.with_extension("partial");
        let scratch = path.with_extension("scratch");
        let file =
            File::create(&building).with_context(|| format!("create {}", building.display()))?;
        let mut out = csv::Writer::from_writer(file);
        out.write_record(["file", "line", "reason", "row"])?;
        Ok(Rejects {
            path: path.to_owned(),
            scratch,
            building,
            out,
            current: None,
        })
    }

    /// Starts collecting the rejections of a new file.
    fn begin(&mut self) -> Result<()> {
        let file = File::create(&self.scratch)
            .with_context(|| format!("create {}", self.scratch.display()))?;
        self.current = Some(
            csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(file),
        );
        Ok(())
    }

    fn write(&mut self, error: &corridor_import::ImportError) -> io::Result<()> {
        let Some(current) = self.current.as_mut() else {
            return Ok(());
        };
        let line = error.line().to_string();
        current
            .write_record([line.as_str(), &error.to_string()])
            .map_err(io::Error::other)
    }

    /// The load of `source` committed: copies its rejections with the rows' text (both
    /// are in line order, so one pass over each).
    fn commit(&mut self, source: &Path) -> Result<()> {
        let Some(mut current) = self.current.take() else {
            return Ok(());
        };
        current.flush()?;
        drop(current);
        let name = source.display().to_string();
        let mut reasons = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(&self.scratch)
            .with_context(|| format!("read {}", self.scratch.display()))?;
        let mut lines = io::BufReader::new(
            File::open(source).with_context(|| format!("open {}", source.display()))?,
        );
        let mut number = 0u64;
        let mut text = Vec::new();
        for record in reasons.records() {
            let record = record?;
            let line: u64 = record.get(0).unwrap_or_default().parse().unwrap_or(0);
            let reason = record.get(1).unwrap_or_default();
            while number < line {
                text.clear();
                if io::BufRead::read_until(&mut lines, b'\n', &mut text)? == 0 {
                    break;
                }
                number += 1;
            }
            let row = if number == line {
                String::from_utf8_lossy(&text)
                    .trim_end_matches(['\r', '\n'])
                    .to_owned()
            } else {
                String::new()
            };
            self.out
                .write_record([name.as_str(), &line.to_string(), reason, &row])?;
        }
        let _ = std::fs::remove_file(&self.scratch);
        Ok(())
    }

    /// The command is over: the output takes its name.
    fn finish(mut self) -> Result<()> {
        self.out.flush()?;
        let _ = std::fs::remove_file(&self.scratch);
        std::fs::rename(&self.building, &self.path)
            .with_context(|| format!("write {}", self.path.display()))?;
        Ok(())
    }
}

impl Drop for Rejects {
    /// A command that stops on an error still leaves the rejections of the files it did load
    /// (the output only ever holds those), and no scratch file. After [`Rejects::finish`]
    /// there is nothing left to do.
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.scratch);
        if self.building.exists() && self.out.flush().is_ok() {
            let _ = std::fs::rename(&self.building, &self.path);
        }
    }
}

fn loads(args: ListArgs) -> Result<()> {
    let registry = open_registry(&args.data)?;
    let loads = registry.loads()?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if args.json {
        for load in loads {
            writeln!(
                out,
                "{}",
                json!({
                    "load": load.id, "file": load.file, "format": load.format,
                    "sha256": load.digest, "revision": load.revision, "loaded_at": load.loaded_at,
                    "read": load.report.read, "loaded": load.report.loaded,
                    "duplicates": load.report.duplicates, "superseded": load.report.superseded,
                    "replaced": load.report.replaced, "rejected": load.report.rejected,
                })
            )?;
        }
        return Ok(());
    }
    let rows: Vec<Vec<String>> = loads
        .iter()
        .map(|load| {
            vec![
                load.id.to_string(),
                load.loaded_at.clone(),
                load.format.clone(),
                load.revision.clone(),
                load.report.loaded.to_string(),
                load.report.duplicates.to_string(),
                load.report.replaced.to_string(),
                load.report.rejected.to_string(),
                load.file.clone(),
            ]
        })
        .collect();
    out.write_all(
        render::table(
            &[
                "load",
                "loaded_at",
                "format",
                "revision",
                "loaded",
                "duplicates",
                "replaced",
                "rejected",
                "file",
            ],
            &rows,
        )
        .as_bytes(),
    )?;
    Ok(())
}

fn sources(args: ListArgs) -> Result<()> {
    let registry = open_registry(&args.data)?;
    let sources = registry.sources()?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if args.json {
        for source in sources {
            writeln!(
                out,
                "{}",
                json!({"id": source.id, "name": source.name, "kind": source.kind.name(), "url": source.url})
            )?;
        }
        return Ok(());
    }
    let rows: Vec<Vec<String>> = sources
        .iter()
        .map(|s| {
            vec![
                s.id.to_string(),
                s.name.clone(),
                s.kind.name().to_owned(),
                s.url.clone().unwrap_or_default(),
            ]
        })
        .collect();
    out.write_all(render::table(&["id", "name", "kind", "url"], &rows).as_bytes())?;
    Ok(())
}

/// Seconds since the Unix epoch, from the system clock.
fn unix_seconds() -> Result<u64> {
    Ok(std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("read the clock")?
        .as_secs())
}

/// The current time as `YYYY-MM-DDTHH:MM:SSZ`, as loads record it.
pub(crate) fn now_text() -> Result<String> {
    let seconds = unix_seconds()?;
    let date = GregorianDate::from_days_since_epoch(
        i64::try_from(seconds / 86_400).context("read the clock")?,
    )?;
    let rest = seconds % 86_400;
    Ok(format!(
        "{date}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    ))
}

/// Today's date (UTC).
fn today() -> Result<GregorianDate> {
    Ok(GregorianDate::from_days_since_epoch(
        i64::try_from(unix_seconds()? / 86_400).context("read the clock")?,
    )?)
}

// ---------------------------------------------------------------------------------------
// Reports

#[derive(Subcommand)]
pub(crate) enum ReportCommand {
    /// Trade by period (Solar Hijri or Gregorian), optionally grouped, with shares, growth
    /// over the previous year and records.
    Trade(TradeArgs),
    /// The reporter's partners ranked for one period.
    Partners(PartnersArgs),
    /// Where sources disagree, period by period (mirror figures included).
    Reconcile(ReconcileArgs),
    /// Forecast the coming months with a seasonal model, with prediction intervals and a
    /// backtest against the seasonal-naive forecast.
    Forecast(ForecastArgs),
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum MonthArg {
    SolarMonth,
    Month,
}

#[derive(Args)]
pub(crate) struct ForecastArgs {
    #[command(flatten)]
    scope: Scope,
    /// One partner; default: all (World).
    #[arg(long)]
    partner: Option<String>,
    /// Months of which calendar.
    #[arg(long, value_enum, default_value = "solar-month")]
    by: MonthArg,
    /// How many months ahead.
    #[arg(long, default_value_t = 12)]
    horizon: usize,
    /// The prediction interval's level, in percent.
    #[arg(long, default_value_t = 80)]
    level: u8,
    /// Also fit on all but the last N months and compare the model's error on them (MAPE)
    /// with the seasonal-naive forecast's.
    #[arg(long, value_name = "N")]
    backtest: Option<usize>,
    /// Use history up to this month only (in the calendar of --by).
    #[arg(long)]
    until: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum FlowArg {
    Export,
    Import,
    Total,
}

impl FlowArg {
    fn choice(self) -> FlowChoice {
        match self {
            FlowArg::Export => FlowChoice::Export,
            FlowArg::Import => FlowChoice::Import,
            FlowArg::Total => FlowChoice::Total,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ByArg {
    SolarMonth,
    SolarQuarter,
    SolarYear,
    Month,
    Quarter,
    Year,
}

impl ByArg {
    fn kind(self) -> PeriodKind {
        match self {
            ByArg::SolarMonth => PeriodKind::SolarMonth,
            ByArg::SolarQuarter => PeriodKind::SolarQuarter,
            ByArg::SolarYear => PeriodKind::SolarYear,
            ByArg::Month => PeriodKind::GregorianMonth,
            ByArg::Quarter => PeriodKind::GregorianQuarter,
            ByArg::Year => PeriodKind::GregorianYear,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum GroupArg {
    Partner,
    Section,
    Chapter,
    Sector,
    Crossing,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum OutputFormat {
    Table,
    Csv,
    Json,
}

/// What every report shares: the registry, whose trade, which flow, goods or services.
#[derive(Args)]
pub(crate) struct Scope {
    #[command(flatten)]
    data: DataDir,
    /// The reporting country (ISO alpha-3).
    #[arg(long)]
    reporter: String,
    /// Exports, imports, or total trade.
    #[arg(long, value_enum, default_value = "export")]
    flow: FlowArg,
    /// Goods only (the default).
    #[arg(long, conflicts_with_all = ["services", "all"])]
    goods: bool,
    /// Services only.
    #[arg(long, conflicts_with = "all")]
    services: bool,
    /// Goods and services together.
    #[arg(long)]
    all: bool,
    /// Use only these sources, the first preferred (repeatable). Default: every source, by
    /// kind (customs, official, mirror, estimate, generated).
    #[arg(long = "source")]
    sources: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
}

impl Scope {
    fn trade(&self) -> TradeChoice {
        if self.services {
            TradeChoice::Services
        } else if self.all {
            TradeChoice::All
        } else {
            TradeChoice::Goods
        }
    }

    fn reporter(&self) -> Result<String> {
        country_code(&self.reporter, "--reporter")
    }
}

fn country_code(text: &str, flag: &str) -> Result<String> {
    let code = text.trim().to_ascii_uppercase();
    if code == WORLD || corridor_reference::country_by_alpha3(&code).is_some() {
        Ok(code)
    } else {
        bail!("{flag} {text:?} is not an ISO 3166 alpha-3 country code (such as IRN, IRQ) or WLD")
    }
}

#[derive(Args)]
pub(crate) struct TradeArgs {
    #[command(flatten)]
    scope: Scope,
    /// One partner (ISO alpha-3); default: all (World).
    #[arg(long)]
    partner: Option<String>,
    /// The periods rows are given by.
    #[arg(long, value_enum, default_value = "solar-month")]
    by: ByArg,
    /// The first period shown, in the calendar of --by (1399-01, 1399-Q1, 1399, 2020-05 ...).
    #[arg(long)]
    from: Option<String>,
    /// The last period shown.
    #[arg(long)]
    to: Option<String>,
    /// Split each period by partner, HS section, HS chapter, sector or crossing.
    #[arg(long, value_enum)]
    group: Option<GroupArg>,
    /// A CSV of sector overrides (`chapter_or_ebops_code,sector`).
    #[arg(long, value_name = "FILE")]
    sectors: Option<PathBuf>,
}

#[derive(Args)]
pub(crate) struct PartnersArgs {
    #[command(flatten)]
    scope: Scope,
    /// The period: 1399, 1399-Q1, 1399-05 (Solar Hijri by default), or 2022, 2022-05 with
    /// --calendar gregorian.
    #[arg(long)]
    period: String,
    /// The calendar of --period.
    #[arg(long, value_enum, default_value = "solar-hijri")]
    calendar: crate::CalendarArg,
    /// Show only the first N partners.
    #[arg(long, default_value_t = 20)]
    top: usize,
}

#[derive(Args)]
pub(crate) struct ReconcileArgs {
    #[command(flatten)]
    scope: Scope,
    /// The partner.
    #[arg(long)]
    partner: String,
    /// Only periods from this Gregorian date on.
    #[arg(long)]
    from: Option<String>,
    /// Only periods up to this Gregorian date.
    #[arg(long)]
    to: Option<String>,
    /// Leave out the partner's own figures for the opposite flow.
    #[arg(long)]
    no_mirror: bool,
    /// Also show periods that only one source states.
    #[arg(long)]
    every_period: bool,
}

pub(crate) fn run_report(command: ReportCommand) -> Result<()> {
    match command {
        ReportCommand::Trade(args) => report_trade(args),
        ReportCommand::Partners(args) => report_partners(args),
        ReportCommand::Reconcile(args) => report_reconcile(args),
        ReportCommand::Forecast(args) => report_forecast(args),
    }
}

fn calendar_of(kind: PeriodKind) -> Calendar {
    kind.calendar()
}

fn parse_period(text: &str, kind: PeriodKind, flag: &str) -> Result<Period> {
    let period =
        Period::parse(text, calendar_of(kind)).with_context(|| format!("read {flag} {text:?}"))?;
    if period.kind() != kind {
        bail!(
            "{flag} {text:?} is a {}, but rows are by {kind}",
            period.kind()
        );
    }
    Ok(period)
}

fn sector_map(path: Option<&Path>) -> Result<SectorMap> {
    match path {
        None => Ok(SectorMap::default()),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("read {}", path.display()))?;
            SectorMap::with_overrides(&text).with_context(|| format!("read {}", path.display()))
        }
    }
}

/// US cents as dollars: `1,234.56`.
pub(crate) fn usd(cents: i128) -> String {
    Money::from_minor(cents, Currency::USD).format_amount()
}

pub(crate) use corridor_settlement::cycle::percent_digits;

/// Basis points as a percentage: `12.34%`.
pub(crate) fn percent(bp: i128) -> String {
    format!("{}%", percent_digits(bp))
}

/// A period's name for people: `1399-02 Ordibehesht`, `2020-Q2`.
pub(crate) fn period_name(period: Period) -> String {
    match (period.kind(), period.month()) {
        (PeriodKind::SolarMonth, Some(month)) => {
            match corridor_calendar::SolarHijriMonth::from_number(month) {
                Ok(name) => format!("{period} {}", name.transliteration()),
                Err(_) => period.to_string(),
            }
        }
        _ => period.to_string(),
    }
}

fn row_json(row: &ReportRow) -> Value {
    json!({
        "period": row.period.to_string(),
        "calendar": codes_calendar(row.period.calendar()),
        "first_day": row.period.first_day().to_string(),
        "last_day": row.period.last_day().to_string(),
        "group": row.group.as_ref().map(|g| g.code.clone()),
        "group_name": row.group.as_ref().map(|g| g.label.clone()),
        "value_usd_cents": row.value_cents.to_string(),
        "share_bp": row.share_bp,
        "previous_year_usd_cents": row.previous_cents.map(|v| v.to_string()),
        "growth_bp": row.growth_bp,
        "record": row.record,
        "source": row.source,
        "partial": row.partial.map(|c| json!({"covered_days": c.covered_days, "days": c.days})),
    })
}

fn codes_calendar(calendar: Calendar) -> &'static str {
    match calendar {
        Calendar::Gregorian => "gregorian",
        Calendar::SolarHijri => "solar-hijri",
    }
}

fn row_cells(row: &ReportRow, grouped: bool) -> Vec<String> {
    let mut cells = vec![
        period_name(row.period),
        row.period.first_day().to_string(),
        row.period.last_day().to_string(),
    ];
    if grouped {
        let (code, label) = row
            .group
            .as_ref()
            .map_or((String::new(), String::new()), |g| {
                (g.code.clone(), g.label.clone())
            });
        cells.push(code);
        cells.push(truncate(&label, 40));
    }
    cells.push(usd(row.value_cents));
    if grouped {
        cells.push(row.share_bp.map(percent).unwrap_or_default());
    }
    cells.push(row.previous_cents.map(usd).unwrap_or_default());
    cells.push(row.growth_bp.map(percent).unwrap_or_default());
    cells.push(if row.record { "record" } else { "" }.to_owned());
    cells.push(row.source.clone());
    cells.push(
        row.partial
            .map(|c| format!("partial: {} of {} days", c.covered_days, c.days))
            .unwrap_or_default(),
    );
    cells
}

fn truncate(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(most - 1).collect();
        cut.push('…');
        cut
    }
}

fn row_header(grouped: bool) -> Vec<&'static str> {
    let mut header = vec!["period", "from", "to"];
    if grouped {
        header.extend(["group", "name"]);
    }
    header.push("value_usd");
    if grouped {
        header.push("share");
    }
    header.extend([
        "previous_year_usd",
        "growth",
        "record",
        "source",
        "coverage",
    ]);
    header
}

fn write_rows(
    out: &mut dyn Write,
    format: OutputFormat,
    header: &[&str],
    rows: &[Vec<String>],
    json_rows: Vec<Value>,
) -> Result<()> {
    match format {
        OutputFormat::Table => out.write_all(render::table(header, rows).as_bytes())?,
        OutputFormat::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record(header)?;
            for row in rows {
                writer.write_record(row)?;
            }
            writer.flush()?;
        }
        OutputFormat::Json => {
            for value in json_rows {
                writeln!(out, "{value}")?;
            }
        }
    }
    Ok(())
}

fn report_trade(args: TradeArgs) -> Result<()> {
    let registry = open_registry(&args.scope.data)?;
    let by = args.by.kind();
    let query = TradeQuery {
        reporter: args.scope.reporter()?,
        partner: args
            .partner
            .as_deref()
            .map(|p| country_code(p, "--partner"))
            .transpose()?,
        flow: args.scope.flow.choice(),
        trade: args.scope.trade(),
        by,
        from: args
            .from
            .as_deref()
            .map(|p| parse_period(p, by, "--from"))
            .transpose()?,
        to: args
            .to
            .as_deref()
            .map(|p| parse_period(p, by, "--to"))
            .transpose()?,
        group: args.group.map(|group| match group {
            GroupArg::Partner => Grouping::Partner,
            GroupArg::Section => Grouping::Section,
            GroupArg::Chapter => Grouping::Chapter,
            GroupArg::Sector => Grouping::Sector,
            GroupArg::Crossing => Grouping::Crossing,
        }),
        precedence: Precedence {
            sources: args.scope.sources.clone(),
        },
    };
    let sectors = sector_map(args.sectors.as_deref())?;
    let figures = registry.figures(&query.report_filter())?;
    let report = trade_report(&figures, &registry.sources()?, &query, &sectors)?;
    let grouped = query.group.is_some();
    let rows = if grouped {
        &report.rows
    } else {
        &report.totals
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    write_rows(
        &mut out,
        args.scope.format,
        &row_header(grouped),
        &rows
            .iter()
            .map(|row| row_cells(row, grouped))
            .collect::<Vec<_>>(),
        rows.iter().map(row_json).collect(),
    )?;
    if args.scope.format == OutputFormat::Table {
        if rows.is_empty() {
            writeln!(out, "no figures match")?;
        }
        if report.unplaced.figures > 0 {
            writeln!(
                out,
                "not shown: {} figures worth {} USD that cover more than one {} (longer periods, or periods of the other calendar)",
                report.unplaced.figures,
                usd(report.unplaced.value_cents),
                by
            )?;
        }
    }
    Ok(())
}

fn report_partners(args: PartnersArgs) -> Result<()> {
    let registry = open_registry(&args.scope.data)?;
    let calendar = args.calendar.calendar();
    let period = Period::parse(&args.period, calendar)
        .with_context(|| format!("read --period {:?}", args.period))?;
    let query = TradeQuery {
        reporter: args.scope.reporter()?,
        partner: None,
        flow: args.scope.flow.choice(),
        trade: args.scope.trade(),
        by: period.kind(),
        from: None,
        to: None,
        group: None,
        precedence: Precedence {
            sources: args.scope.sources.clone(),
        },
    };
    let figures = registry.figures(&query.report_filter())?;
    let (ranking, world) = partner_ranking(
        &figures,
        &registry.sources()?,
        &query,
        period,
        &SectorMap::default(),
    )?;
    let header = [
        "rank",
        "partner",
        "name",
        "value_usd",
        "share",
        "previous_year_usd",
        "growth",
        "record",
        "source",
    ];
    let shown: Vec<_> = ranking.iter().take(args.top).collect();
    let rows: Vec<Vec<String>> = shown
        .iter()
        .map(|rank| {
            let group =
                rank.row
                    .group
                    .clone()
                    .unwrap_or_else(|| corridor_registry::report::GroupKey {
                        code: String::new(),
                        label: String::new(),
                    });
            vec![
                rank.rank.to_string(),
                group.code,
                group.label,
                usd(rank.row.value_cents),
                rank.share_of_world_bp.map(percent).unwrap_or_default(),
                rank.row.previous_cents.map(usd).unwrap_or_default(),
                rank.row.growth_bp.map(percent).unwrap_or_default(),
                if rank.row.record { "record" } else { "" }.to_owned(),
                rank.row.source.clone(),
            ]
        })
        .collect();
    let json_rows = shown
        .iter()
        .map(|rank| {
            let mut value = row_json(&rank.row);
            if let Value::Object(object) = &mut value {
                object.insert("rank".into(), rank.rank.into());
                object.insert("share_of_world_bp".into(), rank.share_of_world_bp.into());
            }
            value
        })
        .collect();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    write_rows(&mut out, args.scope.format, &header, &rows, json_rows)?;
    if args.scope.format == OutputFormat::Table {
        match world {
            Some(world) => writeln!(
                out,
                "{} {} {} with the world: {} USD ({})",
                query.reporter,
                period_name(period),
                query.flow.name(),
                usd(world.value_cents),
                world.source
            )?,
            None => writeln!(out, "no figures for {}", period_name(period))?,
        }
    }
    Ok(())
}

fn report_reconcile(args: ReconcileArgs) -> Result<()> {
    let registry = open_registry(&args.scope.data)?;
    let date = |text: &Option<String>, flag: &str| -> Result<Option<GregorianDate>> {
        text.as_deref()
            .map(|t| {
                t.parse::<GregorianDate>()
                    .with_context(|| format!("read {flag} {t:?}"))
            })
            .transpose()
    };
    let query = ReconcileQuery {
        reporter: args.scope.reporter()?,
        partner: country_code(&args.partner, "--partner")?,
        flow: args.scope.flow.choice(),
        trade: args.scope.trade(),
        from: date(&args.from, "--from")?,
        to: date(&args.to, "--to")?,
        mirror: !args.no_mirror,
        all: args.every_period,
    };
    let figures = registry.figures(&FigureFilter {
        reporters: vec![query.reporter.clone(), query.partner.clone()],
        ..FigureFilter::default()
    })?;
    let sources: Vec<_> = registry
        .sources()?
        .into_iter()
        .filter(|s| args.scope.sources.is_empty() || args.scope.sources.contains(&s.name))
        .collect();
    let rows = reconcile(&figures, &sources, &query)?;
    let header = [
        "period",
        "from",
        "to",
        "source",
        "kind",
        "value_usd",
        "parts",
        "spread_usd",
        "spread",
    ];
    let mut cells = Vec::new();
    let mut json_rows = Vec::new();
    for row in &rows {
        for (index, value) in row.values.iter().enumerate() {
            let first = index == 0;
            cells.push(vec![
                if first {
                    row.label.clone()
                } else {
                    String::new()
                },
                if first {
                    row.first_day.to_string()
                } else {
                    String::new()
                },
                if first {
                    row.last_day.to_string()
                } else {
                    String::new()
                },
                value.source.clone(),
                value.kind.name().to_owned(),
                usd(value.value_cents),
                value.parts.to_string(),
                if first {
                    usd(row.spread_cents)
                } else {
                    String::new()
                },
                if first {
                    row.spread_bp.map(percent).unwrap_or_default()
                } else {
                    String::new()
                },
            ]);
        }
        json_rows.push(json!({
            "period": row.label,
            "first_day": row.first_day.to_string(),
            "last_day": row.last_day.to_string(),
            "values": row.values.iter().map(|v| json!({
                "source": v.source, "kind": v.kind.name(),
                "value_usd_cents": v.value_cents.to_string(), "parts": v.parts,
            })).collect::<Vec<_>>(),
            "spread_usd_cents": row.spread_cents.to_string(),
            "spread_bp": row.spread_bp,
        }));
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    write_rows(&mut out, args.scope.format, &header, &cells, json_rows)?;
    if args.scope.format == OutputFormat::Table && rows.is_empty() {
        writeln!(out, "no period is stated by two sources")?;
    }
    Ok(())
}

fn report_forecast(args: ForecastArgs) -> Result<()> {
    let registry = open_registry(&args.scope.data)?;
    let by = match args.by {
        MonthArg::SolarMonth => PeriodKind::SolarMonth,
        MonthArg::Month => PeriodKind::GregorianMonth,
    };
    if !(1..=99).contains(&args.level) {
        bail!(
            "--level {} must be a percentage between 1 and 99",
            args.level
        );
    }
    let query = TradeQuery {
        reporter: args.scope.reporter()?,
        partner: args
            .partner
            .as_deref()
            .map(|p| country_code(p, "--partner"))
            .transpose()?,
        flow: args.scope.flow.choice(),
        trade: args.scope.trade(),
        by,
        from: None,
        to: args
            .until
            .as_deref()
            .map(|p| parse_period(p, by, "--until"))
            .transpose()?,
        group: None,
        precedence: Precedence {
            sources: args.scope.sources.clone(),
        },
    };
    let figures = registry.figures(&query.figure_filter())?;
    let level = f64::from(args.level) / 100.0;
    let report = forecast(
        &figures,
        &registry.sources()?,
        &query,
        args.horizon,
        level,
        args.backtest,
    )?;
    let header = [
        "period",
        "from",
        "to",
        "forecast_usd",
        "lower_usd",
        "upper_usd",
    ];
    let rows: Vec<Vec<String>> = report
        .points
        .iter()
        .map(|(period, point)| {
            vec![
                period_name(*period),
                period.first_day().to_string(),
                period.last_day().to_string(),
                usd(point.point),
                usd(point.lower),
                usd(point.upper),
            ]
        })
        .collect();
    let json_rows = report
        .points
        .iter()
        .map(|(period, point)| {
            json!({
                "period": period.to_string(),
                "first_day": period.first_day().to_string(),
                "last_day": period.last_day().to_string(),
                "forecast_usd_cents": point.point.to_string(),
                "lower_usd_cents": point.lower.to_string(),
                "upper_usd_cents": point.upper.to_string(),
                "level_percent": args.level,
                "model": report.model.to_string(),
            })
        })
        .collect();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    write_rows(&mut out, args.scope.format, &header, &rows, json_rows)?;
    if args.scope.format == OutputFormat::Table {
        let (first, last) = (report.history.months.first(), report.history.months.last());
        if let (Some(first), Some(last)) = (first, last) {
            writeln!(
                out,
                "model {} fitted on {} months ({first} to {last}); {}% prediction intervals",
                report.model,
                report.history.months.len(),
                args.level
            )?;
        }
        if let Some(backtest) = &report.backtest {
            writeln!(
                out,
                "backtest on the last {} months: model MAPE {}, seasonal-naive MAPE {}",
                backtest.scored,
                percent(i128::from(backtest.model_mape_bp)),
                percent(i128::from(backtest.seasonal_naive_mape_bp))
            )?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The demo corridor

#[derive(Subcommand)]
pub(crate) enum DemoCommand {
    /// Load the demo corridor into the registry: the real public figures of the Iran–Iraq
    /// corridor with their sources, generated declarations and services around them, and
    /// the $20 billion targets. Loading it again changes nothing.
    Load(ListArgs),
}

pub(crate) fn run_demo(command: DemoCommand) -> Result<()> {
    match command {
        DemoCommand::Load(args) => {
            let mut registry = open_registry(&args.data)?;
            let report = corridor_registry::demo::load_demo_at(&mut registry, &now_text()?)
                .context("load the demo corridor: nothing was loaded")?;
            let stdout = io::stdout();
            let mut out = stdout.lock();
            for file in &report.files {
                let r = &file.report;
                if args.json {
                    writeln!(
                        out,
                        "{}",
                        json!({"file": file.file, "format": file.format.name(), "loaded": r.loaded,
                               "read": r.read, "already_loaded": r.already_loaded})
                    )?;
                } else if r.already_loaded.is_some() {
                    writeln!(out, "{}: already loaded", file.file)?;
                } else {
                    writeln!(out, "{}: {} figures loaded", file.file, r.loaded)?;
                }
            }
            for target in &report.targets {
                if args.json {
                    writeln!(
                        out,
                        "{}",
                        json!({"target": target.name, "added": target.added})
                    )?;
                } else {
                    writeln!(
                        out,
                        "target {}: {}",
                        target.name,
                        if target.added {
                            "added"
                        } else {
                            "already there"
                        }
                    )?;
                }
            }
            Ok(())
        }
    }
}

// ---------------------------------------------------------------------------------------
// Targets

#[derive(Subcommand)]
pub(crate) enum TargetCommand {
    /// Add a target.
    Add(TargetAddArgs),
    /// List the targets.
    List(ListArgs),
    /// Remove a target.
    Remove(TargetRemoveArgs),
    /// Progress toward targets: value so far, run-rate and forecast projections, the
    /// monthly growth needed, met or missed.
    Progress(TargetProgressArgs),
}

#[derive(Args)]
pub(crate) struct TargetProgressArgs {
    #[command(flatten)]
    data: DataDir,
    /// The target's name; all targets when not given.
    name: Option<String>,
    /// Measure progress as of this Gregorian date (default: today).
    #[arg(long)]
    as_of: Option<String>,
    /// Use only these sources, the first preferred (repeatable).
    #[arg(long = "source")]
    sources: Vec<String>,
    /// Also list each month of the target's span.
    #[arg(long)]
    months: bool,
    /// One JSON object per target instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub(crate) struct TargetAddArgs {
    #[command(flatten)]
    data: DataDir,
    /// A short unique name.
    name: String,
    /// The reporting country.
    #[arg(long)]
    reporter: String,
    /// The partner; default: the world.
    #[arg(long)]
    partner: Option<String>,
    /// Exports, imports, or total trade.
    #[arg(long, value_enum, default_value = "total")]
    flow: FlowArg,
    /// Goods only.
    #[arg(long, conflicts_with_all = ["services", "all"])]
    goods: bool,
    /// Services only.
    #[arg(long, conflicts_with = "all")]
    services: bool,
    /// Goods and services (the default).
    #[arg(long)]
    all: bool,
    /// The period: a year (1404), quarter or month, in --calendar.
    #[arg(
        long,
        required_unless_present = "deadline",
        conflicts_with = "deadline"
    )]
    period: Option<String>,
    /// The calendar of --period.
    #[arg(long, value_enum, default_value = "solar-hijri")]
    calendar: crate::CalendarArg,
    /// Instead of a period: annual trade measured over the twelve months ending with this
    /// date's month (Gregorian, YYYY-MM-DD).
    #[arg(long)]
    deadline: Option<String>,
    /// The amount, such as "20,000,000,000 USD" or "20000000000.00 USD".
    #[arg(long)]
    amount: String,
    /// Who set it, and where it was stated.
    #[arg(long)]
    note: Option<String>,
}

#[derive(Args)]
pub(crate) struct TargetRemoveArgs {
    #[command(flatten)]
    data: DataDir,
    /// The target's name.
    name: String,
}

pub(crate) fn run_target(command: TargetCommand) -> Result<()> {
    match command {
        TargetCommand::Add(args) => target_add(args),
        TargetCommand::List(args) => target_list(args),
        TargetCommand::Progress(args) => target_progress_command(args),
        TargetCommand::Remove(args) => {
            let mut registry = open_registry(&args.data)?;
            if !registry.remove_target(&args.name)? {
                bail!("no target is called {:?}", args.name);
            }
            Ok(())
        }
    }
}

/// Reads an amount in US dollars: `20,000,000,000 USD`, `20000000000.00`, `$20,000,000,000`.
pub(crate) fn parse_usd(text: &str) -> Result<i128> {
    let trimmed = text.trim().trim_start_matches('$');
    let with_currency = if trimmed.ends_with("USD") {
        trimmed.to_owned()
    } else {
        format!("{trimmed} USD")
    };
    let money = Money::parse(&with_currency)
        .with_context(|| format!("read amount {text:?} (US dollars, at most 2 decimals)"))?;
    if money.currency() != Currency::USD {
        bail!("amount {text:?} must be in US dollars");
    }
    Ok(money.amount_minor())
}

fn target_add(args: TargetAddArgs) -> Result<()> {
    let mut registry = open_registry(&args.data)?;
    let span = match (&args.period, &args.deadline) {
        (_, Some(deadline)) => TargetSpan::Deadline(
            deadline
                .parse::<GregorianDate>()
                .with_context(|| format!("read --deadline {deadline:?}"))?,
        ),
        (Some(period), None) => {
            let calendar = args.calendar.calendar();
            TargetSpan::Period(
                Period::parse(period, calendar)
                    .with_context(|| format!("read --period {period:?}"))?,
            )
        }
        (None, None) => bail!("give --period or --deadline"),
    };
    let trade = if args.goods {
        TradeChoice::Goods
    } else if args.services {
        TradeChoice::Services
    } else {
        TradeChoice::All
    };
    let target = registry.add_target(TargetSpec {
        name: args.name.clone(),
        reporter: country_code(&args.reporter, "--reporter")?,
        partner: match &args.partner {
            Some(partner) => country_code(partner, "--partner")?,
            None => WORLD.to_owned(),
        },
        flow: args.flow.choice(),
        trade,
        span,
        amount_cents: parse_usd(&args.amount)?,
        note: args.note.clone(),
    })?;
    let (first, last) = target.spec.span.days()?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    writeln!(
        out,
        "target {} added: {} USD of {} {} {} with {}, {} ({first} to {last})",
        target.spec.name,
        usd(target.spec.amount_cents),
        target.spec.reporter,
        target.spec.trade.name(),
        target.spec.flow.name(),
        target.spec.partner,
        target.spec.span.label()
    )?;
    Ok(())
}

fn target_list(args: ListArgs) -> Result<()> {
    let registry = open_registry(&args.data)?;
    let targets = registry.targets()?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if args.json {
        for target in &targets {
            let (first, last) = target.spec.span.days()?;
            writeln!(
                out,
                "{}",
                json!({
                    "name": target.spec.name, "reporter": target.spec.reporter,
                    "partner": target.spec.partner, "flow": target.spec.flow.name(),
                    "trade": target.spec.trade.name(), "span": target.spec.span.label(),
                    "first_day": first.to_string(), "last_day": last.to_string(),
                    "amount_usd_cents": target.spec.amount_cents.to_string(),
                    "note": target.spec.note,
                })
            )?;
        }
        return Ok(());
    }
    let rows: Vec<Vec<String>> = targets
        .iter()
        .map(|t| {
            vec![
                t.spec.name.clone(),
                t.spec.reporter.clone(),
                t.spec.partner.clone(),
                t.spec.flow.name().to_owned(),
                t.spec.trade.name().to_owned(),
                t.spec.span.label(),
                usd(t.spec.amount_cents),
                t.spec.note.clone().unwrap_or_default(),
            ]
        })
        .collect();
    out.write_all(
        render::table(
            &[
                "name",
                "reporter",
                "partner",
                "flow",
                "trade",
                "span",
                "amount_usd",
                "note",
            ],
            &rows,
        )
        .as_bytes(),
    )?;
    Ok(())
}

fn status_name(status: TargetStatus) -> &'static str {
    match status {
        TargetStatus::Met => "met",
        TargetStatus::Missed => "missed",
        TargetStatus::OnTrack => "on track",
        TargetStatus::Behind => "behind",
        TargetStatus::NoData => "no data",
    }
}

fn required_growth_text(growth: RequiredGrowth) -> String {
    match growth {
        RequiredGrowth::Rate { monthly_bp } => {
            format!("{} a month", percent(i128::from(monthly_bp)))
        }
        RequiredGrowth::NotNeeded => "none (met)".to_owned(),
        RequiredGrowth::NoMonthsLeft => "no months left".to_owned(),
        RequiredGrowth::NoBase => "undefined (no figure for the last month)".to_owned(),
    }
}

fn target_progress_command(args: TargetProgressArgs) -> Result<()> {
    let registry = open_registry(&args.data)?;
    let as_of = match &args.as_of {
        Some(text) => text
            .parse::<GregorianDate>()
            .with_context(|| format!("read --as-of {text:?}"))?,
        None => today()?,
    };
    let targets: Vec<_> = registry
        .targets()?
        .into_iter()
        .filter(|t| args.name.as_ref().is_none_or(|name| t.spec.name == *name))
        .collect();
    if let (Some(name), true) = (&args.name, targets.is_empty()) {
        bail!("no target is called {name:?}");
    }
    let sources = registry.sources()?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for target in &targets {
        let figures =
            registry.figures(&target_query(target, Precedence::default()).figure_filter())?;
        let report = target_progress(
            &figures,
            &sources,
            target,
            as_of,
            Precedence {
                sources: args.sources.clone(),
            },
        )?;
        let p = &report.progress;
        if args.json {
            writeln!(
                out,
                "{}",
                json!({
                    "name": target.spec.name,
                    "span": target.spec.span.label(),
                    "as_of": as_of.to_string(),
                    "target_usd_cents": target.spec.amount_cents.to_string(),
                    "so_far_usd_cents": p.so_far.to_string(),
                    "progress_bp": p.progress_bp.to_string(),
                    "remaining_usd_cents": p.remaining.to_string(),
                    "open_months": p.open_months,
                    "run_rate_projection_usd_cents": p.run_rate_projection.map(|v| v.to_string()),
                    "forecast_projection_usd_cents": p.forecast_projection.map(|v| v.to_string()),
                    "needed_per_month_usd_cents": p.needed_per_month.map(|v| v.to_string()),
                    "required_growth": required_growth_text(p.required_growth),
                    "status": status_name(p.status),
                    "model": report.forecast.as_ref().map(|f| f.model.to_string()),
                    "months": report.months.iter().map(|(m, v)| json!({
                        "period": m.to_string(), "value_usd_cents": v.map(|v| v.to_string()),
                    })).collect::<Vec<_>>(),
                })
            )?;
            continue;
        }
        let (first, last) = target.spec.span.days()?;
        writeln!(
            out,
            "{}: {} USD of {} {} {} with {}, {} ({first} to {last}), as of {as_of}",
            target.spec.name,
            usd(target.spec.amount_cents),
            target.spec.reporter,
            target.spec.trade.name(),
            target.spec.flow.name(),
            target.spec.partner,
            target.spec.span.label(),
        )?;
        writeln!(
            out,
            "  so far              {} USD ({} of the target), {} months without figures",
            usd(p.so_far),
            percent(p.progress_bp),
            p.open_months
        )?;
        if let Some(value) = p.run_rate_projection {
            writeln!(out, "  run-rate projection {} USD", usd(value))?;
        }
        match (&report.forecast, p.forecast_projection) {
            (Some(forecast), Some(value)) => writeln!(
                out,
                "  forecast projection {} USD (model {})",
                usd(value),
                forecast.model
            )?,
            _ => {
                if let Some(reason) = &report.no_forecast {
                    writeln!(out, "  no forecast: {reason}")?;
                }
            }
        }
        if let Some(value) = p.needed_per_month {
            writeln!(
                out,
                "  needed              {} USD a month on average; growth needed {}",
                usd(value),
                required_growth_text(p.required_growth)
            )?;
        }
        writeln!(out, "  status              {}", status_name(p.status))?;
        if args.months {
            for (month, value) in &report.months {
                writeln!(
                    out,
                    "    {:<22} {:>20}",
                    period_name(*month),
                    value.map(usd).unwrap_or_else(|| "-".to_owned())
                )?;
            }
        }
    }
    if targets.is_empty() {
        writeln!(out, "no targets (add one with corridor target add)")?;
    }
    Ok(())
}
