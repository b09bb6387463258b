//! `corridor crossings`: the crossings registry and operating calendars.

use anyhow::Result;
use clap::Subcommand;

#[derive(Subcommand)]
pub(crate) enum CrossingsCommand {
    /// List the crossings.
    List,
}

pub(crate) fn run(command: CrossingsCommand) -> Result<()> {
    match command {
        CrossingsCommand::List => anyhow::bail!("not built yet"),
    }
}
