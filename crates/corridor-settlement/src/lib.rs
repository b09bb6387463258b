//! Settlement: what the CLI (`corridor clear --post`) and the service share to turn a
//! clearing result into ledger transfers and post them.
//!
//! - [`plan`]: a clearing result as a settlement plan (one transfer per part of each
//!   obligation: set off, cash, pool payment, charge) under an id that is a digest of it;
//! - [`post`]: posting a plan to any [`corridor_store::LedgerStore`], all or nothing and
//!   idempotent;
//! - [`contracts`]: payment on crossing: a contract's reservation, posted when a customs
//!   declaration shows its goods crossing, released when its deadline passes;
//! - [`party_key`]: the `user_data_128` that marks an account as a party's, which the
//!   service's access control reads.

pub mod contracts;
pub mod cycle;
pub mod plan;
pub mod post;

use sha2::{Digest, Sha256};

/// The key that marks an account as a party's: its `user_data_128`. The first 16 bytes of
/// SHA-256 over a tag and the party id, never 0.
pub fn party_key(party: &str) -> u128 {
    let mut digest = Sha256::new();
    digest.update(b"corridor/party/v1\0");
    digest.update(party.as_bytes());
    let bytes = digest.finalize();
    let mut key = [0_u8; 16];
    key.copy_from_slice(&bytes[..16]);
    u128::from_be_bytes(key).max(1)
}
