//! Reference data for Corridor's trade monitor: HS codes, countries, EBOPS 2010 services and
//! the sectors people speak of.
//!
//! # Design
//!
//! - **Data is embedded.** The HS2017 and HS2022 nomenclatures, the HS sections and the
//!   country codes are public CSV files copied byte for byte into `data/` (sources, licences
//!   and checksums in `data/README.md`), compiled in with `include_str!` and parsed once, on
//!   first use. The EBOPS 2010 top level is a small hand-made table ([`EbopsEntry`], sources in its module).
//! - **Codes are validated newtypes.** [`HsCode`] is 2, 4 or 6 ASCII digits ([`HsCode::parse`]
//!   is strict; [`HsCode::from_comtrade`] repairs the leading zero Comtrade files drop).
//!   [`EbopsCode`] only names a code of the table.
//! - **Countries** carry ISO 3166-1 alpha-2, alpha-3 and numeric codes, the UN M49 code and
//!   English names; [`country_by_comtrade_code`] knows the five economies for which UN
//!   Comtrade's reporter codes differ from ISO numeric.
//! - **Sectors** ([`Sector`], [`SectorMap`]) group HS chapters and EBOPS codes; the default
//!   mapping is documented on [`SectorMap::default`] and can be overridden by CSV text.
//! - **Pure.** No file system, clock or network at run time. Errors are one enum,
//!   [`ReferenceError`], whose messages name the line, field and value.
#![deny(clippy::float_arithmetic)]
#![deny(missing_docs)]

mod country;
mod ebops;
mod error;
mod hs;
mod sector;
mod table;

pub use country::{
    countries, country_by_alpha2, country_by_alpha3, country_by_comtrade_code, country_by_numeric,
    Country, COMTRADE_EXCEPTIONS,
};
pub use ebops::{ebops_entries, ebops_lookup, EbopsCode, EbopsEntry};
pub use error::ReferenceError;
pub use hs::{
    chapter, hs_entries, hs_lookup, hs_sections, section_of, HsCode, HsEdition, HsEntry, HsLevel,
    HsSection,
};
pub use sector::{Sector, SectorMap};
