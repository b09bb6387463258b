//! `corridor simulate`: what-if scenarios of shipments through the crossings, side by side.
//!
//! Each `--scenario` file (TOML or JSON, `docs/formats/scenario.md`) is parsed and
//! simulated by `corridor-simulate`; the results are compared, the first scenario being the
//! baseline. With `--reference-calendar`, crossings whose ids the `corridor-crossings`
//! registry knows take their calendar from its operating calendar
//! ([`corridor_simulate::ReferenceCalendar`]); the others keep the scenario's own.

use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};

use corridor_simulate::{side_by_side, Scenario};

use crate::crossings::CrossingFiles;
use crate::CalendarArg;

#[derive(Args)]
pub(crate) struct SimulateArgs {
    /// A scenario file, TOML or JSON (docs/formats/scenario.md). Repeat to compare
    /// scenarios side by side; the first is the baseline.
    #[arg(long = "scenario", value_name = "FILE", required = true)]
    scenarios: Vec<PathBuf>,
    /// Output: tables, or one JSON object with the comparison and every result.
    #[arg(long, value_enum, default_value = "table")]
    format: SimulateFormat,
    /// Take each crossing's calendar from the shipped operating calendar (`corridor
    /// crossings`) when its id is a reference crossing's: closed days there are closed;
    /// open days have the rule's published trucks, else the scenario's capacity; days the
    /// reference knows nothing of, and other crossings, keep the scenario's calendar.
    #[arg(long)]
    reference_calendar: bool,
    #[command(flatten)]
    files: CrossingFiles,
    /// The calendar of the monthly table.
    #[arg(long, value_enum, default_value = "solar-hijri")]
    months: CalendarArg,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum SimulateFormat {
    Table,
    Json,
}

pub(crate) fn run(args: SimulateArgs) -> Result<()> {
    if args.files.given() && !args.reference_calendar {
        bail!("--registry and --calendar name the crossing files of --reference-calendar; add --reference-calendar");
    }
    let crossings = if args.reference_calendar {
        Some(args.files.load()?)
    } else {
        None
    };
    let mut inputs: Vec<(String, Scenario)> = Vec::new();
    for path in &args.scenarios {
        let file = path.display().to_string();
        let reader = File::open(path).with_context(|| format!("open {file}"))?;
        let scenario = Scenario::read(&file, reader)?;
        inputs.push((file, scenario));
    }
    let side = side_by_side(&inputs, crossings.as_ref());
    let comparison = &side.comparison;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match args.format {
        SimulateFormat::Json => {
            writeln!(out, "{}", serde_json::to_string(&side)?)?;
        }
        SimulateFormat::Table => {
            for (index, run) in side.scenarios.iter().enumerate() {
                let role = if index == 0 { " (baseline)" } else { "" };
                writeln!(out, "{}. {}{role}: {}", index + 1, run.name, run.file)?;
                if args.reference_calendar {
                    writeln!(
                        out,
                        "   calendar: operating calendar for {}; the scenario's own for {}",
                        list_or_none(&run.reference_crossings),
                        list_or_none(&run.inline_crossings)
                    )?;
                }
            }
            writeln!(out)?;
            out.write_all(comparison.table().render().as_bytes())?;
            writeln!(out)?;
            out.write_all(
                comparison
                    .monthly_table(args.months.calendar())
                    .render()
                    .as_bytes(),
            )?;
        }
    }
    Ok(())
}

fn list_or_none(ids: &[String]) -> String {
    if ids.is_empty() {
        "none".to_owned()
    } else {
        ids.join(", ")
    }
}
