//! Several scenarios run and compared in one go, as `corridor simulate` and the service do.

use corridor_crossings::Crossings;
use serde::Serialize;

use crate::{compare, Comparison, ReferenceCalendar, Scenario, ScenarioResult};

/// A scenario as run: where it came from and which calendar each crossing used.
#[derive(Clone, Debug, Serialize)]
pub struct RunInfo {
    /// The file (or input) it was read from.
    pub file: String,
    /// The scenario's name.
    pub name: String,
    /// `reference` (the crossings' operating calendar where known) or `inline`.
    pub calendar: &'static str,
    /// Crossings whose calendar came from the operating calendar.
    pub reference_crossings: Vec<String>,
    /// Crossings that kept the scenario's own calendar.
    pub inline_crossings: Vec<String>,
}

/// Scenarios run side by side: what each was, the comparison (the first is the baseline),
/// and every result.
#[derive(Clone, Debug, Serialize)]
pub struct SideBySide {
    /// The scenarios, in order.
    pub scenarios: Vec<RunInfo>,
    /// The comparison.
    pub comparison: Comparison,
    /// Each scenario's result, in order.
    pub results: Vec<ScenarioResult>,
}

/// Runs `scenarios` (each with the name of its input) and compares them. With `reference`,
/// crossings the operating calendar knows take their days from it (see
/// [`ReferenceCalendar`]); the others keep the scenario's calendar.
pub fn side_by_side(scenarios: &[(String, Scenario)], reference: Option<&Crossings>) -> SideBySide {
    let mut infos = Vec::with_capacity(scenarios.len());
    let mut results = Vec::with_capacity(scenarios.len());
    for (file, scenario) in scenarios {
        let ids: Vec<String> = scenario
            .spec()
            .crossings
            .iter()
            .map(|c| c.id.clone())
            .collect();
        let (result, reference_crossings, inline_crossings) = match reference {
            None => (scenario.simulate(), Vec::new(), ids),
            Some(crossings) => {
                let calendar = ReferenceCalendar::for_scenario(crossings.clone(), scenario);
                let (known, other): (Vec<String>, Vec<String>) =
                    ids.into_iter().partition(|id| calendar.covers(id));
                (scenario.simulate_with(&calendar), known, other)
            }
        };
        infos.push(RunInfo {
            file: file.clone(),
            name: scenario.name().to_owned(),
            calendar: if reference.is_some() {
                "reference"
            } else {
                "inline"
            },
            reference_crossings,
            inline_crossings,
        });
        results.push(result);
    }
    SideBySide {
        scenarios: infos,
        comparison: compare(&results),
        results,
    }
}
