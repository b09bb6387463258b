//! Times set-off on a random uniform network: `cargo run --release -p corridor-clearing
//! --example setoff_timing -- PARTIES OBLIGATIONS SEED`. A rough measurement for the next
//! session's bench (`corridor clear bench`), not the bench itself.
#![allow(clippy::print_stdout, missing_docs)]

use std::time::Instant;

use corridor_calendar::GregorianDate;
use corridor_clearing::{explain_set_off, set_off, Network, Obligation, Party, PartyKind};
use corridor_core::{Currency, Money};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let parties: usize = args.get(1).map_or(Ok(100_000), |a| a.parse())?;
    let obligations: usize = args.get(2).map_or(Ok(1_000_000), |a| a.parse())?;
    let seed: u64 = args.get(3).map_or(Ok(1), |a| a.parse())?;
    let mut rng = SmallRng::seed_from_u64(seed);
    let due = GregorianDate::new(2025, 3, 21)?;
    let party_list: Vec<Party> = (0..parties)
        .map(|i| Party {
            id: format!("p{i:07}"),
            country: if i % 2 == 0 { "IRN" } else { "IRQ" }.to_owned(),
            kind: PartyKind::Trader,
            name: None,
        })
        .collect();
    let obligation_list: Vec<Obligation> = (0..obligations)
        .map(|k| {
            let d = rng.gen_range(0..parties);
            let mut c = rng.gen_range(0..parties - 1);
            if c >= d {
                c += 1;
            }
            Obligation {
                id: format!("o{k:08}"),
                debtor: format!("p{d:07}"),
                creditor: format!("p{c:07}"),
                amount: Money::from_minor(rng.gen_range(1..=10_000_000), Currency::USD),
                due,
                hs_code: None,
                reference: None,
            }
        })
        .collect();
    let start = Instant::now();
    let network = Network::new(party_list, obligation_list)?;
    let built = start.elapsed();
    let result = set_off(&network)?;
    let solved = start.elapsed();
    let cycles = explain_set_off(&network, &result);
    let explained = start.elapsed();
    let total_len: usize = cycles.iter().map(|c| c.obligations.len()).sum();
    let max_len = cycles
        .iter()
        .map(|c| c.obligations.len())
        .max()
        .unwrap_or(0);
    println!("cycle lengths: total {total_len} max {max_len}");
    let totals = result.totals_for(Currency::USD).ok_or("no USD")?;
    println!(
        "parties {parties} obligations {obligations}: network {:.2}s, set-off (with certificate) {:.2}s, explain {:.2}s ({} cycles); discharged {} of {} ({} bp)",
        built.as_secs_f64(),
        (solved - built).as_secs_f64(),
        (explained - solved).as_secs_f64(),
        cycles.len(),
        totals.discharged,
        totals.debt,
        totals.saved_bp,
    );
    Ok(())
}
