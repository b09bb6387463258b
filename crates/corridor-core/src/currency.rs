//! ISO 4217 currencies and their minor-unit scales, from a fixed table.

use std::fmt;

/// A currency: an ISO 4217 alphabetic code and its minor-unit exponent (the *scale*).
///
/// The scale is the number of decimal places of the minor unit: 2 for USD (cents), 0 for
/// JPY, 3 for IQD (fils). A `Currency` can only be obtained from the built-in table, through
/// [`Currency::from_code`], [`Currency::all`] or the associated constants such as
/// [`Currency::USD`], so every value is a known currency with its ISO scale.
///
/// Scales are fixed once and never change: stored amounts are counts of minor units, and a
/// new scale would silently rescale them. A redenominated currency gets a new code.
/// Precious metals and fund codes (XAU, XAG, XDR, ...) are deliberately absent.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency {
    code: [u8; 3],
    scale: u8,
}

/// The error returned by [`Currency::from_code`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CurrencyError {
    /// The text is not the code of a currency in the table. Codes are case-sensitive.
    #[error(
        "unknown currency code {code:?}: expected three upper-case letters of a currency \
         in the ISO 4217 table"
    )]
    UnknownCode {
        /// The text that was looked up.
        code: String,
    },
}

impl Currency {
    /// Looks up a currency by its ISO 4217 alphabetic code, such as `"USD"`.
    ///
    /// The lookup is case-sensitive: `"usd"` is an error.
    ///
    /// ```
    /// use corridor_core::Currency;
    ///
    /// assert_eq!(Currency::from_code("IQD"), Ok(Currency::IQD));
    /// assert!(Currency::from_code("usd").is_err());
    /// ```
    pub fn from_code(code: &str) -> Result<Currency, CurrencyError> {
        let unknown = || CurrencyError::UnknownCode {
            code: code.to_owned(),
        };
        let code_bytes: [u8; 3] = code.as_bytes().try_into().map_err(|_| unknown())?;
        let index = CURRENCIES
            .binary_search_by(|currency| currency.code.cmp(&code_bytes))
            .map_err(|_| unknown())?;
        CURRENCIES.get(index).copied().ok_or_else(unknown)
    }

    /// Every currency in the table, sorted by code.
    pub const fn all() -> &'static [Currency] {
        CURRENCIES
    }

    /// The ISO 4217 alphabetic code, such as `"USD"`.
    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.code)
            .expect("currency codes are upper-case ASCII: the table is checked at compile time")
    }

    /// The minor-unit exponent: the number of decimal places of the minor unit.
    pub const fn scale(self) -> u8 {
        self.scale
    }
}

impl fmt::Display for Currency {
    /// Writes the ISO code, such as `USD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.code())
    }
}

impl fmt::Debug for Currency {
    /// Writes the ISO code, such as `USD`: the scale follows from the code.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Defines one associated constant per currency and the sorted table of all of them.
macro_rules! currency_table {
    ($($code:ident $scale:literal $name:literal,)*) => {
        impl Currency {
            $(
                #[doc = concat!(
                    "ISO 4217 `", stringify!($code), "`, ", $name, ": scale ",
                    stringify!($scale), "."
                )]
                pub const $code: Currency = Currency {
                    code: code_bytes(stringify!($code)),
                    scale: $scale,
                };
            )*
        }

        /// The currency table, sorted by code so that lookups can binary-search it.
        const CURRENCIES: &[Currency] = &[$(Currency::$code),*];
    };
}

// Source: the ISO 4217 list of current currencies ("minor unit" column). Keep it sorted by
// code; the compile-time check below fails the build otherwise.
currency_table! {
    AED 2 "UAE dirham",
    AFN 2 "Afghan afghani",
    AMD 2 "Armenian dram",
    AUD 2 "Australian dollar",
    AZN 2 "Azerbaijani manat",
    BHD 3 "Bahraini dinar",
    BRL 2 "Brazilian real",
    CAD 2 "Canadian dollar",
    CHF 2 "Swiss franc",
    CLF 4 "Chilean unidad de fomento",
    CLP 0 "Chilean peso",
    CNY 2 "Chinese yuan renminbi",
    CZK 2 "Czech koruna",
    DKK 2 "Danish krone",
    EGP 2 "Egyptian pound",
    EUR 2 "euro",
    GBP 2 "pound sterling",
    GEL 2 "Georgian lari",
    HKD 2 "Hong Kong dollar",
    IDR 2 "Indonesian rupiah",
    ILS 2 "Israeli new shekel",
    INR 2 "Indian rupee",
    IQD 3 "Iraqi dinar",
    IRR 2 "Iranian rial",
    ISK 0 "Icelandic krona",
    JOD 3 "Jordanian dinar",
    JPY 0 "Japanese yen",
    KGS 2 "Kyrgyz som",
    KRW 0 "South Korean won",
    KWD 3 "Kuwaiti dinar",
    KZT 2 "Kazakhstani tenge",
    LBP 2 "Lebanese pound",
    LYD 3 "Libyan dinar",
    MXN 2 "Mexican peso",
    MYR 2 "Malaysian ringgit",
    NOK 2 "Norwegian krone",
    NZD 2 "New Zealand dollar",
    OMR 3 "Omani rial",
    PKR 2 "Pakistani rupee",
    PLN 2 "Polish zloty",
    QAR 2 "Qatari riyal",
    RUB 2 "Russian ruble",
    SAR 2 "Saudi riyal",
    SEK 2 "Swedish krona",
    SGD 2 "Singapore dollar",
    SYP 2 "Syrian pound",
    THB 2 "Thai baht",
    TJS 2 "Tajikistani somoni",
    TMT 2 "Turkmenistan manat",
    TND 3 "Tunisian dinar",
    TRY 2 "Turkish lira",
    UAH 2 "Ukrainian hryvnia",
    USD 2 "US dollar",
    UZS 2 "Uzbekistani sum",
    VND 0 "Vietnamese dong",
    XAF 0 "CFA franc BEAC",
    XOF 0 "CFA franc BCEAO",
    YER 2 "Yemeni rial",
    ZAR 2 "South African rand",
}

/// Checks the table when the crate is compiled: `from_code` relies on the order, and
/// `code` relies on every code being ASCII.
const _: () = assert!(table_is_valid(CURRENCIES));

/// Turns a three-letter code into bytes, failing the build on anything else.
const fn code_bytes(code: &str) -> [u8; 3] {
    match code.as_bytes() {
        [first, second, third] => [*first, *second, *third],
        _ => panic!("a currency code has exactly three letters"),
    }
}

/// True when every code is upper-case ASCII and the codes are strictly increasing.
const fn table_is_valid(table: &[Currency]) -> bool {
    match table {
        [] => true,
        [first, rest @ ..] => {
            let ordered = match rest {
                [second, ..] => code_is_less(first.code, second.code),
                [] => true,
            };
            code_is_upper(first.code) && ordered && table_is_valid(rest)
        }
    }
}

const fn code_is_upper(code: [u8; 3]) -> bool {
    code[0].is_ascii_uppercase() && code[1].is_ascii_uppercase() && code[2].is_ascii_uppercase()
}

const fn code_is_less(left: [u8; 3], right: [u8; 3]) -> bool {
    if left[0] != right[0] {
        return left[0] < right[0];
    }
    if left[1] != right[1] {
        return left[1] < right[1];
    }
    left[2] < right[2]
}

#[cfg(test)]
mod tests;
