//! Simulates the example pair in `data/` and prints the comparison, the monthly values and
//! the time each simulation took:
//!
//! ```text
//! cargo run --release -p corridor-simulate --example compare [-- --json]
//! ```
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;
use std::time::Instant;

use corridor_calendar::Calendar;
use corridor_simulate::{compare, Scenario};

const SCENARIOS: [(&str, &str); 2] = [
    (
        "data/mehran-two-days.toml",
        include_str!("../data/mehran-two-days.toml"),
    ),
    (
        "data/all-open-daily.toml",
        include_str!("../data/all-open-daily.toml"),
    ),
];

fn main() -> ExitCode {
    let json = std::env::args().any(|arg| arg == "--json");
    let mut results = Vec::new();
    for (name, text) in SCENARIOS {
        let scenario = match Scenario::parse(name, text) {
            Ok(scenario) => scenario,
            Err(error) => {
                eprintln!("{error}");
                return ExitCode::FAILURE;
            }
        };
        let started = Instant::now();
        let result = scenario.simulate();
        let elapsed = started.elapsed();
        eprintln!(
            "{name}: {} days, {} trucks, simulated in {:.2} ms",
            result.days,
            result.corridor.arrived,
            elapsed.as_secs_f64() * 1000.0
        );
        results.push(result);
    }
    let comparison = compare(&results);
    if json {
        match serde_json::to_string_pretty(&comparison) {
            Ok(text) => println!("{text}"),
            Err(error) => {
                eprintln!("{error}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        println!("{}", comparison.table().render());
        println!(
            "{}",
            comparison.monthly_table(Calendar::SolarHijri).render()
        );
    }
    ExitCode::SUCCESS
}
