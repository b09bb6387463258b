//! The `corridor` command line: the only crate that touches the process (arguments,
//! environment, clock, terminal). The library part holds the pieces tests and fuzzers reach:
//! the JSON-lines event format, batching, and `ledger apply`.

pub mod apply;
pub mod batch;
pub mod jsonl;
pub mod render;
