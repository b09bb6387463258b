//! Typed ids: one newtype per entity, so that ids of different kinds cannot be mixed up.
//!
//! Ids are plain numbers here. Generating them (128 bits, time-ordered: 48 bits of
//! milliseconds then 80 random bits, chosen by the client) and rejecting reserved values
//! such as zero are the callers' and the ledger's jobs. The text form is decimal.

use std::fmt;
use std::str::FromStr;

/// The error returned by the `FromStr` implementations of the id types.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseIdError {
    /// The text is empty or has a character other than an ASCII digit.
    #[error("invalid {id_type} {input:?}: expected a decimal number")]
    NotDecimal {
        /// The id type being parsed, such as `AccountId`.
        id_type: &'static str,
        /// The text being parsed.
        input: String,
    },
    /// The number is too large for the id type.
    #[error("invalid {id_type} {input:?}: the number is too large")]
    TooLarge {
        /// The id type being parsed, such as `AccountId`.
        id_type: &'static str,
        /// The text being parsed.
        input: String,
    },
}

/// Defines an id newtype over an unsigned integer, with `new`, `get`, decimal `Display`
/// and decimal `FromStr`.
macro_rules! id_newtype {
    ($(#[$meta:meta])* $name:ident($inner:ty)) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        pub struct $name($inner);

        impl $name {
            #[doc = concat!("Wraps a raw `", stringify!($inner), "`.")]
            pub const fn new(value: $inner) -> $name {
                $name(value)
            }

            #[doc = concat!("The raw `", stringify!($inner), "`.")]
            pub const fn get(self) -> $inner {
                self.0
            }
        }

        impl fmt::Display for $name {
            /// Writes the id in decimal.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = ParseIdError;

            /// Parses ASCII decimal digits; no sign, no spaces, no separators.
            fn from_str(text: &str) -> Result<$name, ParseIdError> {
                parse_decimal(text, stringify!($name)).map($name)
            }
        }
    };
}

id_newtype! {
    /// Identifies an account. Accounts belong to one ledger, hence to one currency.
    AccountId(u128)
}

id_newtype! {
    /// Identifies a transfer. The id doubles as the idempotency key: submitting the same
    /// id twice must not move money twice.
    TransferId(u128)
}

id_newtype! {
    /// Identifies a party: a person or firm that owns accounts.
    PartyId(u128)
}

id_newtype! {
    /// Identifies a ledger. There is one ledger per currency, and transfers never cross
    /// ledgers.
    LedgerId(u32)
}

const _: () = assert!(std::mem::size_of::<AccountId>() == 16);
const _: () = assert!(std::mem::size_of::<TransferId>() == 16);
const _: () = assert!(std::mem::size_of::<PartyId>() == 16);
const _: () = assert!(std::mem::size_of::<LedgerId>() == 4);

/// Parses a decimal number, accepting only ASCII digits: the standard parsers would also
/// take a leading `+`.
fn parse_decimal<T: FromStr>(text: &str, id_type: &'static str) -> Result<T, ParseIdError> {
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(ParseIdError::NotDecimal {
            id_type,
            input: text.to_owned(),
        });
    }
    // Only ASCII digits remain, so the standard parser can only fail on overflow.
    text.parse().map_err(|_| ParseIdError::TooLarge {
        id_type,
        input: text.to_owned(),
    })
}

#[cfg(test)]
mod tests;
