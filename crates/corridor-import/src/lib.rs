//! Readers of trade files into normalized [`TradeRecord`]s: UN Comtrade CSV (current,
//! legacy and compact layouts, through [`ComtradeRow`]), customs declarations
//! ([`CustomsReader`]), services ([`ServicesReader`]) and published figures with their
//! sources ([`FiguresReader`]). The formats are documented in
//! `docs/formats/trade-files.md`.
//!
//! # Design
//!
//! - **No files, bounded memory.** Every reader reads from any [`std::io::Read`]; the
//!   caller opens the file and passes a name used in errors. Each is an iterator of rows and
//!   holds one record at a time, whatever the size of the input.
//! - **Comtrade layout from the header.** Columns are found by name, not position; the
//!   current layout (`typeCode`, `freqCode`, `refYear`, ...) is tried first, then the legacy
//!   one (`Year`, `Period`, `Trade Flow`, ...), then the compact bulk form (`Year`,
//!   `Reporter Code`, `Trade Flow Code`, ..., `Value`). A header that is none of them is an
//!   error naming the missing columns of each. [`ComtradeRow::into_record`] normalizes a
//!   row; a row that is only part of a figure (second partner, customs procedure, mode of
//!   transport, sub-flow) says so in the record's `breakdown`.
//! - **Corridor's own formats are strict.** Column names are exact, in any order; an
//!   unknown column is an error listing the accepted ones; empty optional fields are "not
//!   given".
//! - **Real files are untidy**, and these quirks are accepted: a UTF-8 byte-order mark,
//!   ISO-8859-1 text (a field that is not valid UTF-8 is read as Latin-1), CRLF line ends, a
//!   trailing comma on every Comtrade data row (exactly one extra, empty field), integers
//!   written as floats (`"7903767147.0"`), spaces around codes, and Comtrade's own country
//!   codes (842 USA, 699 India, ... through [`corridor_reference::country_by_comtrade_code`]).
//! - **Money is exact.** US dollar values become an `i128` count of cents by reading the
//!   decimal digits; no float is ever involved. Fractions of a cent, which Comtrade writes
//!   (`"314026861.381"`), are rounded to the cent, half to even.
//! - **Errors** are one enum, [`ImportError`], whose messages name the input, the line, the
//!   column (its header) and the value.
#![deny(clippy::float_arithmetic)]
#![deny(missing_docs)]

mod clearing;
mod contracts;
mod customs;
mod error;
mod figures;
mod input;
mod number;
mod reader;
mod record;
mod row;
mod services;
mod table;

pub use clearing::{
    read_obligations, FxReader, FxRow, LiquidityReader, LiquidityRow, ObligationRow,
    ObligationsJsonReader, ObligationsReader, PartiesReader, PartyRow, PoolRow, PoolsReader,
    PARTY_KINDS,
};
pub use contracts::{ContractRow, ContractsReader};
pub use customs::{CustomsReader, Declaration};
pub use error::ImportError;
pub use figures::{FigureSource, FiguresReader};
pub use reader::ComtradeReader;
pub use record::{Quantity, SourceKind, TradePeriod, TradeRecord};
pub use row::{Commodity, ComtradeRow, CountryRef, Flow, Frequency, Layout, TradeType};
pub use services::ServicesReader;
