//! `corridor ledger apply`: validate the whole input, then apply it batch by batch, printing
//! each batch's results once the batch is durable.

use std::io::{BufRead, Write};

use corridor_ledger::Event;
use corridor_store::{LedgerStore, StoreError};

use crate::batch::{Batch, Batcher, Located};
use crate::jsonl::{parse_line, LineError};

/// Why applying stopped.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The input has an invalid line; nothing was applied.
    #[error("{source_name}: {error}")]
    Line {
        /// The input's name (file path or `-`).
        source_name: String,
        /// The line's error.
        error: LineError,
    },
    /// Reading the input failed.
    #[error("read {source_name}: {error}")]
    Read {
        /// The input's name.
        source_name: String,
        /// The error.
        error: std::io::Error,
    },
    /// The store failed; the batches whose results were printed are durable, the rest were not
    /// applied.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing the results failed.
    #[error("write results: {0}")]
    Write(std::io::Error),
}

/// Counts of one run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ApplySummary {
    /// Events read.
    pub events: u64,
    /// Batches applied.
    pub batches: u64,
    /// Events whose result was `ok`.
    pub ok: u64,
}

/// Reads every event of `input` and checks the batching rules, applying nothing.
pub fn validate(
    input: impl BufRead,
    source_name: &str,
    events_max: usize,
) -> Result<u64, ApplyError> {
    let mut count = 0;
    for_each_batch(input, source_name, events_max, |_| {
        count += 1;
        Ok(())
    })?;
    Ok(count)
}

/// Applies every event of `input` (which [`validate`] accepted) to `store`. `now` gives each
/// batch's time; `on_batch` is told how many events were applied so far (for progress).
pub fn apply(
    store: &mut dyn LedgerStore,
    input: impl BufRead,
    source_name: &str,
    events_max: usize,
    now: &mut dyn FnMut() -> u64,
    out: &mut dyn Write,
    on_batch: &mut dyn FnMut(u64),
) -> Result<ApplySummary, ApplyError> {
    let mut summary = ApplySummary::default();
    let mut lines = String::new();
    for_each_batch(input, source_name, events_max, |batch| {
        lines.clear();
        match batch {
            Batch::Accounts(events) => {
                let bare: Vec<_> = events.iter().map(|e| e.event).collect();
                let results = store.create_accounts(now(), &bare)?;
                for (located, result) in events.iter().zip(results) {
                    summary.ok += u64::from(result.is_ok());
                    result_line(&mut lines, located, located.event.id, result.as_str());
                }
            }
            Batch::Transfers(events) => {
                let bare: Vec<_> = events.iter().map(|e| e.event).collect();
                let results = store.create_transfers(now(), &bare)?;
                for (located, result) in events.iter().zip(results) {
                    summary.ok += u64::from(result.is_ok());
                    result_line(&mut lines, located, located.event.id, result.as_str());
                }
            }
        }
        summary.events += batch.len() as u64;
        summary.batches += 1;
        // The batch is durable now: its results may be promised.
        out.write_all(lines.as_bytes())
            .and_then(|()| out.flush())
            .map_err(ApplyError::Write)?;
        on_batch(summary.events);
        Ok(())
    })?;
    Ok(summary)
}

fn result_line<T>(lines: &mut String, located: &Located<T>, id: u128, result: &str) {
    use std::fmt::Write as _;
    let _ = writeln!(
        lines,
        r#"{{"index":{},"line":{},"id":"{id}","result":"{result}"}}"#,
        located.index, located.line
    );
}

fn for_each_batch(
    input: impl BufRead,
    source_name: &str,
    events_max: usize,
    mut handle: impl FnMut(&Batch) -> Result<(), ApplyError>,
) -> Result<(), ApplyError> {
    let line_error = |error| ApplyError::Line {
        source_name: source_name.to_owned(),
        error,
    };
    let mut batcher = Batcher::new(events_max);
    let mut index = 0;
    for (number, text) in input.lines().enumerate() {
        let line = number as u64 + 1;
        let text = text.map_err(|error| match error.kind() {
            std::io::ErrorKind::InvalidData => line_error(LineError {
                line,
                field: None,
                message: "not UTF-8 text".into(),
            }),
            _ => ApplyError::Read {
                source_name: source_name.to_owned(),
                error,
            },
        })?;
        let Some(event) = parse_line(line, &text).map_err(line_error)? else {
            continue;
        };
        let located = Located::<Event> { index, line, event };
        index += 1;
        if let Some(batch) = batcher.push(located).map_err(line_error)? {
            handle(&batch)?;
        }
    }
    if let Some(batch) = batcher.finish() {
        handle(&batch)?;
    }
    Ok(())
}
