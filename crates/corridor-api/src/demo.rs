//! The demo corridor for `corridor serve --demo`: trade data and targets (the registry's
//! demo: real public figures and generated customs detail), the example clearing cycle's
//! parties, three clearing cycles cleared and kept, the newest posted to the ledger, and a
//! few open reservations on the restricted pool (payments waiting for goods to cross). A
//! newcomer sees a living corridor with one command. Loading it again changes nothing.

use std::path::Path;

use corridor_store::LedgerStore;
use corridor_store_embedded::{EmbeddedConfig, EmbeddedStore, SNAPSHOT_INTERVAL_TRANSFERS};

use crate::clearing::{self, read_parties, ClearingStore, RunInputs};

const PARTIES: &str = include_str!("../../../docs/examples/clearing/parties.csv");
const OBLIGATIONS: &str = include_str!("../../../docs/examples/clearing/obligations.csv");
const POOLS: &str = include_str!("../../../docs/examples/clearing/pools.csv");
const FX: &str = include_str!("../../../docs/examples/clearing/fx.csv");
const LIQUIDITY: &str = include_str!("../../../docs/examples/clearing/liquidity.csv");

/// A party of the demo whose participant token `serve --demo` prints.
pub const DEMO_PARTICIPANT: &str = "IR-IMP-TEHRAN";

/// The demo's contracts: Iraqi exporters paid from Iran's gas revenues held at the Trade
/// Bank of Iraq when their goods cross.
const CONTRACTS: &str = "contract,payer,payee,amount,currency,date,deadline,hs_code,crossing,description
INV-1201,TBI-GAS-POOL,IQ-EXP-BASRA,\"48,000,000.000\",IQD,2026-11-01,2027-06-30,0804,Shalamcheh,dates
INV-1202,TBI-GAS-POOL,IQ-EXP-NAJAF,\"31,500,000.000\",IQD,2026-11-01,2027-06-30,1006,Mehran,rice
INV-1203,TBI-GAS-POOL,IQ-EXP-ERBIL,\"12,750,000.000\",IQD,2026-11-01,2027-06-30,3004,Bashmaq,medicines
";

/// A first shipment of dates under INV-1201, through Shalamcheh.
const SHIPMENTS: &str = "declaration,date,reporter,partner,flow,hs_code,value,currency,value_usd,crossing,transport_mode,contract
IQ-EX-2026-88412,2026-11-20,IRQ,IRN,export,0804,\"20,000,000.000\",IQD,\"15,267.18\",Shalamcheh,road,INV-1201
";

/// Why the demo could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The trade registry failed.
    #[error("the demo's trade data: {0}")]
    Registry(String),
    /// The clearing store failed.
    #[error("the demo's clearing cycles: {0}")]
    Clearing(String),
    /// The ledger failed.
    #[error("the demo's ledger: {0}")]
    Ledger(String),
}

/// What loading the demo did.
#[derive(Debug, Default)]
pub struct DemoLoaded {
    /// Trade figures loaded now (0 when the demo was there already).
    pub figures: u64,
    /// Clearing runs kept now.
    pub runs: usize,
    /// Plans posted now.
    pub posted: usize,
    /// Reservations made now.
    pub reservations: usize,
}

/// The demo's cycles: the example, and two earlier cycles made from it (other invoices,
/// a month earlier, fewer obligations).
fn cycles() -> Vec<RunInputs> {
    let earlier = |prefix: &str, month: &str, keep: usize| {
        let mut text = String::new();
        for (n, line) in OBLIGATIONS.lines().enumerate() {
            if n == 0 {
                text.push_str(line);
            } else if n % keep != 0 {
                text.push_str(
                    &line
                        .replacen("INV-", prefix, 1)
                        .replace("2024-05-", &format!("2024-{month}-")),
                );
            } else {
                continue;
            }
            text.push('\n');
        }
        text
    };
    let inputs = |obligations: String| RunInputs {
        method: Some("pool".to_owned()),
        obligations: Some(obligations),
        parties: Some(PARTIES.to_owned()),
        pools: Some(POOLS.to_owned()),
        fx: Some(FX.to_owned()),
        liquidity: Some(LIQUIDITY.to_owned()),
    };
    vec![
        inputs(earlier("INV-03-", "03", 3)),
        inputs(earlier("INV-04-", "04", 4)),
        inputs(OBLIGATIONS.to_owned()),
    ]
}

/// Loads the demo into the data directory `data` and its embedded ledger (before the
/// service opens them).
pub fn load_demo(
    data: &Path,
    created_at: &str,
    now_nanos: &mut dyn FnMut() -> u64,
) -> Result<DemoLoaded, DemoError> {
    let mut ledger = EmbeddedStore::open(EmbeddedConfig {
        dir: data.join("ledger"),
        snapshot_interval_transfers: SNAPSHOT_INTERVAL_TRANSFERS,
    })
    .map_err(|e| DemoError::Ledger(e.to_string()))?;
    let loaded = load_demo_into(data, None, created_at, now_nanos, &mut ledger)?;
    ledger
        .close()
        .map_err(|e| DemoError::Ledger(e.to_string()))?;
    Ok(loaded)
}

/// Loads the demo's trade data into `data`, its clearing runs beside the service's other
/// tables (`data`, or the PostgreSQL schema of `database`), and its ledger part (the posted
/// plan, the reservations) into `ledger`, whichever store that is.
pub fn load_demo_into(
    data: &Path,
    database: Option<&crate::PostgresConfig>,
    created_at: &str,
    now_nanos: &mut dyn FnMut() -> u64,
    ledger: &mut dyn LedgerStore,
) -> Result<DemoLoaded, DemoError> {
    let mut loaded = DemoLoaded::default();
    let mut registry = corridor_registry::Registry::open_target(&crate::tables_target(
        data,
        "registry.sqlite",
        database,
    ))
    .map_err(|e| DemoError::Registry(e.to_string()))?;
    let report = corridor_registry::demo::load_demo_at(&mut registry, created_at)
        .map_err(|e| DemoError::Registry(e.to_string()))?;
    loaded.figures = report.files.iter().map(|f| f.report.loaded).sum();
    drop(registry);

    let mut store =
        ClearingStore::open_target(&crate::tables_target(data, "clearing.sqlite", database))
            .map_err(|e| DemoError::Clearing(e.to_string()))?;
    let parties =
        read_parties("parties.csv", PARTIES).map_err(|e| DemoError::Clearing(e.to_string()))?;
    store
        .put_parties(&parties)
        .map_err(|e| DemoError::Clearing(e.to_string()))?;
    let mut ids = Vec::new();
    for inputs in cycles() {
        let submitted = clearing::submit_run(&mut store, inputs, created_at.to_owned())
            .map_err(|e| DemoError::Clearing(e.to_string()))?;
        loaded.runs += usize::from(submitted.created);
        ids.push(submitted.summary.id);
    }

    // The newest cycle is posted; the earlier ones were settled before the ledger started.
    if let Some(newest) = ids.last() {
        let plan = clearing::plan_of(&mut store, newest)
            .map_err(|e| DemoError::Clearing(e.to_string()))?;
        let outcome = clearing::post_run(ledger, &plan, now_nanos)
            .map_err(|e| DemoError::Ledger(e.to_string()))?;
        if matches!(
            outcome,
            corridor_settlement::post::PostOutcome::Posted { .. }
        ) {
            loaded.posted += 1;
        }
        clearing::posted(&mut store, newest, plan.id, &outcome)
            .map_err(|e| DemoError::Clearing(e.to_string()))?;
    }
    // Contracts paid on crossing: Iraqi exporters' payments from the gas pool, reserved
    // until their goods cross; one has shipped part of its goods.
    let registered =
        crate::contracts::register_file(ledger, &mut store, "contracts.csv", CONTRACTS, now_nanos)
            .map_err(|e| DemoError::Ledger(e.to_string()))?;
    loaded.reservations = registered.registered.len();
    crate::contracts::ship_file(ledger, &mut store, "declarations.csv", SHIPMENTS, now_nanos)
        .map_err(|e| DemoError::Ledger(e.to_string()))?;
    Ok(loaded)
}
