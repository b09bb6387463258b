//! The `corridor` command line: the only crate that touches the process (arguments,
//! environment, clock, terminal). The library part holds the pieces tests and fuzzers reach:
//! the JSON-lines event format, batching, `ledger apply`, and posting a clearing plan to the
//! ledger.

pub mod apply;
pub mod batch;
pub use corridor_api::jsonl;
pub use corridor_settlement::{plan, post};
pub mod render;
