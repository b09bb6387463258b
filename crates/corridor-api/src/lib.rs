//! The Corridor service: an HTTP API (axum) over the ledger.
//!
//! - **Access** ([`access`]): bearer tokens ([`TokenStore`]: stored as SHA-256 digests,
//!   revocable, with an expiry) carry a [`Role`] and, for participants, a party. Every route
//!   is in one table, [`access::RULES`], with the roles that may call it; a route that is not
//!   in the table is refused (deny by default), and a test walks every route with every role.
//! - **The ledger behind one writer** ([`writer`]): one thread owns the store. Transfer
//!   requests arriving together from any number of connections are applied as one ledger
//!   batch with one durable write, and each caller gets its own results: a bank that sends
//!   one transfer per request still gets batch throughput.
//! - **Errors** are JSON, `{"code": "...", "message": "..."}`, with a stable snake_case
//!   code per kind ([`ApiError`]).
//! - **Operations**: `/health` (the process answers), `/ready` (the ledger answers),
//!   `/metrics` (Prometheus text: requests by route and status, latencies, batches,
//!   transfers), graceful shutdown (the writer finishes what it accepted and closes the
//!   store).
//!
//! The JSON of accounts and transfers is the JSON-lines format of `corridor ledger apply`
//! ([`jsonl`]): ids and amounts are decimal strings.

mod access_impl;
mod assets;
pub mod clearing;
mod cluster;
mod contract_routes;
pub mod contracts;
mod crossing_routes;
pub mod demo;
mod error;
pub mod jsonl;
mod metrics;
mod openapi;
pub mod recover;
mod routes;
mod server;
mod settle_routes;
#[cfg(test)]
mod tables_tests;
mod tokens;
mod trade;
pub mod writer;

/// Roles, principals and the table of who may call what.
pub mod access {
    pub use crate::access_impl::{party_key, Allowed, Principal, Role, Rule, RULES};
}

pub use access::{party_key, Principal, Role};
pub use corridor_sql::Target;
pub use corridor_store_postgres::PostgresConfig;
pub use error::ApiError;
pub use openapi::document as openapi_document;
pub use server::{app, serve, serve_until, tables_target, AppState, ServeConfig, ServeError};
pub use tokens::{TokenError, TokenInfo, TokenStore};
