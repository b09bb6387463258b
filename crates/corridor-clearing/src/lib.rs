//! Clearing of a trade corridor's obligations.
//!
//! Traders of two countries owe each other money that cannot simply be wired across the
//! border. Given the parties and their obligations ([`Network`]), this crate computes what
//! each clearing method would discharge and what cash it would move:
//!
//! - [`bilateral_netting`]: per pair of parties and currency, the smaller gross amount is
//!   offset and the difference paid;
//! - [`multilateral_netting`]: every party pays or receives only its net position, through
//!   one clearing agent per country, and the agents settle one net amount between countries;
//! - [`set_off`]: multilateral set-off, the largest amount of debt that can be discharged
//!   without any cash at all (the maximum circulation of the obligation graph), solved
//!   exactly in integers by a primal–dual minimum-cost flow method and returned with an optimality
//!   [`Certificate`] that [`verify_certificate`] checks in linear time;
//!   [`explain`] decomposes it into short cycles of obligations, stored flat
//!   ([`explain_set_off`]: the same cycles, one `Vec` each);
//! - [`set_off_with_liquidity`]: the largest amount discharged when, in addition to
//!   cycles, each party may pay cash up to its liquidity; exact too, with a certificate
//!   that [`verify_liquidity_certificate`] checks.
//!
//! - [`pool_settlement`]: restricted pools pay what set-off left of the obligations their
//!   rules allow (earliest due first, basic goods first, pro rata when short), and each
//!   debtor is charged in its own currency at the pool's rate.
//!
//! Each currency clears on its own, unless [`FxRates`] fixed for the cycle convert every
//! obligation to one clearing currency first. Amounts are [`Money`]: integer
//! minor units, never floats. The crate is pure and deterministic: no I/O, no clock, no
//! randomness; parties and obligations are indexed in id order, so the same set of inputs
//! gives the same result whatever their order.
//!
//! [`Money`]: corridor_core::Money
#![deny(clippy::float_arithmetic)]

mod explain;
mod fx;
mod liquidity;
mod model;
mod netting;
mod outcome;
mod pool;
mod primaldual;
mod scc;
mod setoff;
#[cfg(test)]
mod simplex;

pub use explain::{
    explain, explain_set_off, Explainer, SetOffCycle, SetOffCycleRef, SetOffExplanation,
};
pub use fx::{FxError, FxRates};
pub use liquidity::{set_off_with_liquidity, verify_liquidity_certificate};
pub use model::{Network, NetworkError, Obligation, ObligationField, Party, PartyKind};
pub use netting::{bilateral_netting, multilateral_netting};
pub use outcome::{
    Account, ClearingResult, Method, ObligationOutcome, PartyCash, Payment, PoolPayment, PoolUsage,
    Totals,
};
pub use pool::{pool_settlement, then_liquidity, Pool, PoolError};
pub use setoff::{set_off, verify_certificate, Certificate, CertificateError, SetOffError};
