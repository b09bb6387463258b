//! Importers for trade statistics: UN Comtrade CSV files, in the current (Comtrade Plus) and
//! the legacy layout, read into typed [`ComtradeRow`]s.
//!
//! # Design
//!
//! - **No files, bounded memory.** [`ComtradeReader`] reads from any [`std::io::Read`]; the
//!   caller opens the file and passes a name used in errors. It is an iterator of rows and
//!   holds one record at a time, whatever the size of the input.
//! - **Layout from the header.** Columns are found by name, not position; the current layout
//!   (`typeCode`, `freqCode`, `refYear`, ...) is tried first, then the legacy one (`Year`,
//!   `Period`, `Trade Flow`, ...). A header that is neither is an error naming the missing
//!   columns of both.
//! - **Real files are untidy**, and these quirks are accepted: a UTF-8 byte-order mark,
//!   ISO-8859-1 text (a field that is not valid UTF-8 is read as Latin-1), CRLF line ends, a
//!   trailing comma on every data row (exactly one extra, empty field), integers written as
//!   floats (`"7903767147.0"`), spaces around codes, and Comtrade's own country codes (842
//!   USA, 699 India, ... through [`corridor_reference::country_by_comtrade_code`]).
//! - **Money is exact.** US dollar values become an `i128` count of cents by reading the
//!   decimal digits; no float is ever involved. Fractions of a cent, which Comtrade writes
//!   (`"314026861.381"`), are rounded to the cent, half to even.
//! - **Errors** are one enum, [`ImportError`], whose messages name the input, the line, the
//!   column (its header) and the value.
#![deny(clippy::float_arithmetic)]
#![deny(missing_docs)]

mod error;
mod number;
mod reader;
mod record;
mod row;

pub use error::ImportError;
pub use reader::ComtradeReader;
pub use record::{Quantity, SourceKind, TradePeriod, TradeRecord};
pub use row::{Commodity, ComtradeRow, CountryRef, Flow, Frequency, Layout, TradeType};
