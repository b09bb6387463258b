//! Parsing money from its canonical text form, `1,250.75 USD`.
//!
//! The grammar, in full:
//!
//! ```text
//! money    = amount " " code
//! amount   = ["-"] integer ["." fraction]
//! integer  = digit+ | digit{1,3} ("," digit{3})+
//! fraction = digit{1,scale}          (no "." at all when scale is 0)
//! digit    = "0" ..= "9"             (ASCII only)
//! ```
//!
//! Parsing makes two passes over the amount. The first checks the syntax and reports the
//! first problem with its position; the second accumulates the digits with checked
//! arithmetic. Keeping them apart means the value pass only ever sees well-formed text.

use std::str::FromStr;

use crate::money::signed_amount;
use crate::{Currency, Money};

/// The error returned by [`Money::parse`] and [`Money::parse_amount`].
///
/// Every variant carries the whole input text. Positions count characters (not bytes)
/// from 0.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseMoneyError {
    /// There is no amount: the text, or the part before the space, is empty.
    #[error("empty amount in {input:?}")]
    Empty {
        /// The text being parsed.
        input: String,
    },
    /// A character that has no place in an amount, such as a letter, a second `-` or `.`,
    /// or a non-ASCII digit.
    #[error("invalid character {character:?} at position {position} in {input:?}")]
    InvalidCharacter {
        /// The text being parsed.
        input: String,
        /// The offending character.
        character: char,
        /// Its position, in characters from 0.
        position: usize,
    },
    /// A digit is required but missing: `-`, `.5` or `1.`.
    #[error("expected a digit at position {position} in {input:?}")]
    MissingDigit {
        /// The text being parsed.
        input: String,
        /// Where the digit should be, in characters from 0.
        position: usize,
    },
    /// More decimal places than the currency has.
    #[error(
        "too many decimals in {input:?}: found {decimals_count}, {currency} allows {decimals_max}"
    )]
    TooManyDecimals {
        /// The text being parsed.
        input: String,
        /// The currency of the amount.
        currency: Currency,
        /// How many decimal places the text has.
        decimals_count: usize,
        /// How many the currency allows: its scale.
        decimals_max: u8,
    },
    /// The `,` thousands separators are misplaced: the first group must have one to three
    /// digits and every later group exactly three, as in `1,250,000`.
    #[error("bad thousands grouping in {input:?}: expected groups like 1,250,000")]
    BadGrouping {
        /// The text being parsed.
        input: String,
    },
    /// A decimal point in an amount of a currency without minor units, such as JPY.
    #[error("decimal point in {input:?}, but {currency} has no minor units")]
    DecimalPointInWholeCurrency {
        /// The text being parsed.
        input: String,
        /// The currency of the amount, whose scale is 0.
        currency: Currency,
    },
    /// No currency code: the text has no space, or nothing after it.
    #[error(
        "missing currency code in {input:?}: expected an amount, one space and a code, \
         as in \"1,250.75 USD\""
    )]
    MissingCurrency {
        /// The text being parsed.
        input: String,
    },
    /// The text after the space is not a currency in the table.
    #[error("unknown currency code {code:?} in {input:?}")]
    UnknownCurrency {
        /// The text being parsed.
        input: String,
        /// The text after the space.
        code: String,
    },
    /// The amount does not fit in 128 bits of minor units.
    #[error("amount {input:?} does not fit in 128-bit minor units")]
    Overflow {
        /// The text being parsed.
        input: String,
    },
}

impl Money {
    /// Parses an amount and its currency code, such as `1,250.75 USD` or `-5 JPY`.
    ///
    /// Accepts an optional leading `-`, ASCII digits with optional `,` thousands grouping, an
    /// optional `.` with up to `scale` decimals (fewer are padded: `1.5 USD` is 150 minor
    /// units), then exactly one space and a case-sensitive ISO code. Every string that
    /// `Display` writes parses back to the same `Money`.
    ///
    /// ```
    /// use corridor_core::{Currency, Money};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// assert_eq!(Money::parse("1,250.75 USD")?, Money::from_minor(125_075, Currency::USD));
    /// assert_eq!(Money::parse("0.001 IQD")?, Money::from_minor(1, Currency::IQD));
    /// assert!(Money::parse("1.5 JPY").is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn parse(text: &str) -> Result<Money, ParseMoneyError> {
        if text.is_empty() {
            return Err(ParseMoneyError::Empty {
                input: text.to_owned(),
            });
        }
        let (amount, code) = match text.split_once(' ') {
            Some((amount, code)) if !code.is_empty() => (amount, code),
            _ => {
                return Err(ParseMoneyError::MissingCurrency {
                    input: text.to_owned(),
                })
            }
        };
        let currency = Currency::from_code(code).map_err(|_| ParseMoneyError::UnknownCurrency {
            input: text.to_owned(),
            code: code.to_owned(),
        })?;
        // The amount is a prefix of `text`, so positions within it are positions in `text`.
        parse_in(amount, currency, text)
    }

    /// Parses an amount without a currency code, such as `1,250.75`, in the given currency.
    ///
    /// The amount syntax is the same as in [`Money::parse`].
    pub fn parse_amount(text: &str, currency: Currency) -> Result<Money, ParseMoneyError> {
        parse_in(text, currency, text)
    }
}

impl FromStr for Money {
    type Err = ParseMoneyError;

    /// Same as [`Money::parse`].
    fn from_str(text: &str) -> Result<Money, ParseMoneyError> {
        Money::parse(text)
    }
}

/// Parses `amount` in `currency`, reporting errors against `input`, which starts with
/// `amount`.
fn parse_in(amount: &str, currency: Currency, input: &str) -> Result<Money, ParseMoneyError> {
    let syntax = check_syntax(amount, currency, input)?;
    let overflow = || ParseMoneyError::Overflow {
        input: input.to_owned(),
    };
    let mut magnitude: u128 = 0;
    // `to_digit` skips the sign, the separators and the point: the syntax pass has already
    // checked that every other character is an ASCII digit.
    for digit in amount
        .chars()
        .filter_map(|character| character.to_digit(10))
    {
        magnitude = magnitude
            .checked_mul(10)
            .and_then(|shifted| shifted.checked_add(u128::from(digit)))
            .ok_or_else(overflow)?;
    }
    // Pad the missing decimals: "1.5 USD" is 150 cents.
    for _ in syntax.decimals_count..usize::from(currency.scale()) {
        magnitude = magnitude.checked_mul(10).ok_or_else(overflow)?;
    }
    let amount_minor = signed_amount(magnitude, syntax.negative).ok_or_else(overflow)?;
    Ok(Money::from_minor(amount_minor, currency))
}

/// What the syntax pass learns about a well-formed amount.
struct Syntax {
    negative: bool,
    decimals_count: usize,
}

fn check_syntax(amount: &str, currency: Currency, input: &str) -> Result<Syntax, ParseMoneyError> {
    if amount.is_empty() {
        return Err(ParseMoneyError::Empty {
            input: input.to_owned(),
        });
    }
    let mut scanner = Scanner {
        currency,
        input,
        negative: false,
        integer_digits_count: 0,
        group_digits_count: 0,
        grouped: false,
        decimals_count: None,
    };
    for (position, character) in amount.chars().enumerate() {
        scanner.step(position, character)?;
    }
    scanner.finish(amount.chars().count())
}

/// The state of the syntax pass, one character at a time.
struct Scanner<'a> {
    currency: Currency,
    input: &'a str,
    negative: bool,
    /// Digits before the decimal point, in all groups.
    integer_digits_count: usize,
    /// Digits since the last `,`, or since the start when there is none.
    group_digits_count: usize,
    /// Whether a `,` has been seen.
    grouped: bool,
    /// `None` before the decimal point, then the number of decimals so far.
    decimals_count: Option<usize>,
}

impl Scanner<'_> {
    fn step(&mut self, position: usize, character: char) -> Result<(), ParseMoneyError> {
        match (character, self.decimals_count) {
            ('-', None) if position == 0 => self.negative = true,
            ('0'..='9', None) => {
                self.integer_digits_count = self.integer_digits_count.saturating_add(1);
                self.group_digits_count = self.group_digits_count.saturating_add(1);
            }
            ('0'..='9', Some(decimals_count)) => {
                self.decimals_count = Some(decimals_count.saturating_add(1));
            }
            (',', None) => {
                let group_is_valid = if self.grouped {
                    self.group_digits_count == 3
                } else {
                    (1..=3).contains(&self.group_digits_count)
                };
                if !group_is_valid {
                    return Err(self.bad_grouping());
                }
                self.grouped = true;
                self.group_digits_count = 0;
            }
            ('.', None) => {
                if self.currency.scale() == 0 {
                    return Err(ParseMoneyError::DecimalPointInWholeCurrency {
                        input: self.input.to_owned(),
                        currency: self.currency,
                    });
                }
                self.finish_integer(position)?;
                self.decimals_count = Some(0);
            }
            _ => {
                return Err(ParseMoneyError::InvalidCharacter {
                    input: self.input.to_owned(),
                    character,
                    position,
                })
            }
        }
        Ok(())
    }

    /// Checks the integer part once it has ended, at `position` (the point or the end).
    fn finish_integer(&self, position: usize) -> Result<(), ParseMoneyError> {
        if self.grouped && self.group_digits_count != 3 {
            return Err(self.bad_grouping());
        }
        if self.integer_digits_count == 0 {
            return Err(self.missing_digit(position));
        }
        Ok(())
    }

    fn finish(self, end_position: usize) -> Result<Syntax, ParseMoneyError> {
        let decimals_count = match self.decimals_count {
            None => {
                self.finish_integer(end_position)?;
                0
            }
            Some(0) => return Err(self.missing_digit(end_position)),
            Some(decimals_count) => decimals_count,
        };
        let decimals_max = self.currency.scale();
        if decimals_count > usize::from(decimals_max) {
            return Err(ParseMoneyError::TooManyDecimals {
                input: self.input.to_owned(),
                currency: self.currency,
                decimals_count,
                decimals_max,
            });
        }
        Ok(Syntax {
            negative: self.negative,
            decimals_count,
        })
    }

    fn bad_grouping(&self) -> ParseMoneyError {
        ParseMoneyError::BadGrouping {
            input: self.input.to_owned(),
        }
    }

    fn missing_digit(&self, position: usize) -> ParseMoneyError {
        ParseMoneyError::MissingDigit {
            input: self.input.to_owned(),
            position,
        }
    }
}

#[cfg(test)]
mod tests;
