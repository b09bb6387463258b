//! Corridor's shared vocabulary: currencies, money, exchange rates and typed ids.
//!
//! Every other Corridor crate speaks in these types, so they are kept small, exact and
//! boring. This crate is pure: it does no I/O, reads no clock and no environment, and has
//! no dependency besides `thiserror`.
//!
//! # Design
//!
//! - **Money is an integer count of minor units with its currency** ([`Money`]). The count
//!   is an `i128`: a year of corridor trade in IRR minor units is around 10^18, within 5x
//!   of `i64::MAX`, so 64 bits would not last. There are no floats anywhere in this crate,
//!   and the crate root denies `clippy::float_arithmetic` to keep it that way.
//! - **Arithmetic never wraps and never panics.** Every operation is checked and returns a
//!   [`MoneyError`] on overflow or on a currency mismatch. The crate root denies
//!   `clippy::arithmetic_side_effects` and `clippy::cast_possible_truncation`, so a bare
//!   `+` or a truncating `as` does not compile under clippy.
//! - **A currency's scale is data**, fixed in a sorted static table keyed by ISO 4217 code
//!   ([`Currency`]). A [`Currency`] can only come from that table, so its code is always
//!   three upper-case ASCII letters and its scale is the ISO minor-unit exponent. The table
//!   is checked at compile time: sorted, unique, upper-case.
//! - **Exchange rates are exact rationals** ([`Rate`]), and every conversion names its
//!   [`Rounding`] mode. Nothing rounds implicitly.
//! - **Text is the canonical machine form**: `1,250.75 USD`, with ASCII digits, `,` thousands
//!   grouping and `.` as the decimal point. [`Money::parse`] accepts exactly what `Display`
//!   writes (and a little more: ungrouped digits and fewer decimals), so parsing a formatted
//!   amount always gives it back. Localised presentation (Persian or Arabic digits,
//!   right-to-left layout) belongs to the presentation layer, not here.
//! - **Ids are newtypes** ([`AccountId`], [`TransferId`], [`PartyId`], [`LedgerId`]), so an
//!   account id cannot be passed where a transfer id is expected. They are plain numbers;
//!   generating them (time-ordered, client-side) and rejecting reserved values is the job of
//!   the callers and the ledger.
//!
//! # Example
//!
//! ```
//! use corridor_core::{Currency, Money, Rate, Rounding};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let price = Money::parse("1,250.75 USD")?;
//! assert_eq!(price.amount_minor(), 125_075);
//!
//! let total = price.checked_mul_int(2)?.checked_add(Money::parse("0.50 USD")?)?;
//! assert_eq!(total.to_string(), "2,502.00 USD");
//!
//! let rate = Rate::new(1310, 1)?; // 1 USD = 1310 IQD
//! let in_dinars = total.convert(rate, Currency::IQD, Rounding::HalfEven)?;
//! assert_eq!(in_dinars.to_string(), "3,277,620.000 IQD");
//! # Ok(())
//! # }
//! ```
#![deny(clippy::float_arithmetic)]
#![deny(clippy::arithmetic_side_effects)]
#![deny(clippy::cast_possible_truncation)]
#![deny(missing_docs)]

mod currency;
mod id;
mod money;
mod parse;
mod rate;
#[cfg(test)]
mod strategies;

pub use currency::{Currency, CurrencyError};
pub use id::{AccountId, LedgerId, ParseIdError, PartyId, TransferId};
pub use money::{Money, MoneyError, MoneyOperation};
pub use parse::ParseMoneyError;
pub use rate::{Rate, RateError, Rounding};
