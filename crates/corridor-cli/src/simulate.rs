//! `corridor simulate`: what-if scenarios of shipments through the crossings.

use anyhow::Result;
use clap::Args;

#[derive(Args)]
pub(crate) struct SimulateArgs {}

pub(crate) fn run(_args: SimulateArgs) -> Result<()> {
    anyhow::bail!("not built yet")
}
