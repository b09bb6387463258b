//! Sectors: the groups of goods and services people speak of, and the mapping to them from
//! HS chapters and EBOPS codes.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use crate::hs::{hs_lookup, HsEdition};
use crate::table;
use crate::{EbopsCode, HsCode, ReferenceError};

/// A sector, by its lower-case English name. The standard ones are constants; an override
/// file may name others.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sector(Cow<'static, str>);

impl Sector {
    /// HS chapters 01-14: live animals, meat, fish, dairy, plants, vegetables, fruit, coffee
    /// and tea, cereals, milling products, oil seeds, lac, plaiting materials.
    pub const AGRICULTURE: Sector = Sector(Cow::Borrowed("agriculture"));
    /// HS chapters 15-24: fats and oils, prepared foods, beverages, animal feed, tobacco.
    pub const FOODSTUFF: Sector = Sector(Cow::Borrowed("foodstuff"));
    /// HS chapters 25 (salt, stone, cement), 68-70 (articles of stone and cement, ceramics,
    /// glass) and 72 (iron and steel).
    pub const CONSTRUCTION_MATERIALS: Sector = Sector(Cow::Borrowed("construction materials"));
    /// HS chapter 27: mineral fuels, oils, gas, electricity.
    pub const ENERGY: Sector = Sector(Cow::Borrowed("energy"));
    /// HS chapters 28-40: chemicals, pharmaceuticals, fertilisers, plastics, rubber.
    pub const CHEMICALS: Sector = Sector(Cow::Borrowed("chemicals and petrochemicals"));
    /// HS chapters 26 (ores) and 73-83 (articles of iron and steel, other base metals).
    pub const METALS: Sector = Sector(Cow::Borrowed("metals"));
    /// HS chapters 84-90: machinery, electrical equipment, vehicles, aircraft, ships,
    /// instruments.
    pub const MACHINERY: Sector = Sector(Cow::Borrowed("machinery and vehicles"));
    /// HS chapters 50-63.
    pub const TEXTILES: Sector = Sector(Cow::Borrowed("textiles"));
    /// Every other HS chapter.
    pub const OTHER_GOODS: Sector = Sector(Cow::Borrowed("other goods"));
    /// EBOPS SE (construction) and SJ (other business services, which holds architectural,
    /// engineering and other technical services).
    pub const ENGINEERING: Sector = Sector(Cow::Borrowed("engineering and technical services"));
    /// EBOPS SC.
    pub const TRANSPORT: Sector = Sector(Cow::Borrowed("transport services"));
    /// EBOPS SD.
    pub const TRAVEL: Sector = Sector(Cow::Borrowed("travel"));
    /// Every other EBOPS main component.
    pub const OTHER_SERVICES: Sector = Sector(Cow::Borrowed("other services"));

    /// The standard sectors, goods first.
    pub const STANDARD: [Sector; 13] = [
        Sector::AGRICULTURE,
        Sector::FOODSTUFF,
        Sector::CONSTRUCTION_MATERIALS,
        Sector::ENERGY,
        Sector::CHEMICALS,
        Sector::METALS,
        Sector::MACHINERY,
        Sector::TEXTILES,
        Sector::OTHER_GOODS,
        Sector::ENGINEERING,
        Sector::TRANSPORT,
        Sector::TRAVEL,
        Sector::OTHER_SERVICES,
    ];

    /// A sector by name: a standard one if the name matches it ignoring ASCII case and
    /// surrounding spaces, else a new sector with the trimmed name.
    pub fn named(name: &str) -> Sector {
        let name = name.trim();
        Sector::STANDARD
            .into_iter()
            .find(|sector| sector.0.eq_ignore_ascii_case(name))
            .unwrap_or_else(|| Sector(Cow::Owned(name.to_owned())))
    }

    /// The name, e.g. `energy`.
    pub fn name(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Sector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The default sector of each HS chapter, as inclusive ranges; chapters not listed are
/// [`Sector::OTHER_GOODS`].
const CHAPTER_RANGES: [(u8, u8, Sector); 11] = [
    (1, 14, Sector::AGRICULTURE),
    (15, 24, Sector::FOODSTUFF),
    (25, 25, Sector::CONSTRUCTION_MATERIALS),
    (26, 26, Sector::METALS),
    (27, 27, Sector::ENERGY),
    (28, 40, Sector::CHEMICALS),
    (50, 63, Sector::TEXTILES),
    (68, 70, Sector::CONSTRUCTION_MATERIALS),
    (72, 72, Sector::CONSTRUCTION_MATERIALS),
    (73, 83, Sector::METALS),
    (84, 90, Sector::MACHINERY),
];

/// Name of the override input, for errors.
const OVERRIDES_INPUT: &str = "sector overrides";
/// Header of the first override column.
const CODE_FIELD: &str = "chapter_or_ebops_code";
/// Header of the second override column.
const SECTOR_FIELD: &str = "sector";

/// Which sector each HS chapter and each EBOPS main component belongs to.
///
/// The default ([`SectorMap::default`]):
///
/// | HS chapters | sector |
/// | --- | --- |
/// | 01-14 | agriculture |
/// | 15-24 | foodstuff |
/// | 25, 68-70, 72 | construction materials (salt, stone, cement; their articles; ceramics; glass; iron and steel, in the corridor mostly rebar, billets and sections) |
/// | 26, 73-83 | metals |
/// | 27 | energy |
/// | 28-40 | chemicals and petrochemicals |
/// | 50-63 | textiles |
/// | 84-90 | machinery and vehicles |
/// | 41-49, 64-67, 71, 91-99 | other goods |
///
/// | EBOPS | sector |
/// | --- | --- |
/// | SC | transport services |
/// | SD | travel |
/// | SE, SJ | engineering and technical services (construction abroad and technical services are what is exported as "technical and engineering services") |
/// | SA, SB, SF-SI, SK, SL | other services |
/// | 200 (total) | none: it is an aggregate |
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectorMap {
    /// Chapter number -> sector.
    chapters: BTreeMap<u8, Sector>,
    /// EBOPS code -> sector.
    ebops: BTreeMap<EbopsCode, Sector>,
}

impl Default for SectorMap {
    fn default() -> SectorMap {
        let chapters = (1..=99)
            .filter(|chapter| *chapter != 77)
            .map(|chapter| {
                let sector = CHAPTER_RANGES
                    .iter()
                    .find(|(first, last, _)| (*first..=*last).contains(&chapter))
                    .map_or(Sector::OTHER_GOODS, |(_, _, sector)| sector.clone());
                (chapter, sector)
            })
            .collect();
        let ebops = crate::ebops_entries()
            .iter()
            .filter_map(|entry| {
                let sector = match entry.letter() {
                    "S" => return None,
                    "SC" => Sector::TRANSPORT,
                    "SD" => Sector::TRAVEL,
                    "SE" | "SJ" => Sector::ENGINEERING,
                    _ => Sector::OTHER_SERVICES,
                };
                Some((EbopsCode::parse(entry.letter()).ok()?, sector))
            })
            .collect();
        SectorMap { chapters, ebops }
    }
}

impl SectorMap {
    /// The default map with the assignments of `csv_text` on top.
    ///
    /// The text has two columns, `chapter_or_ebops_code,sector`: a 2-digit HS chapter
    /// (`27`) or an EBOPS code (`SJ`, `205`), and a sector name (a standard name is matched
    /// ignoring case; any other non-empty name makes a new sector). A first line with the
    /// header `chapter_or_ebops_code` is skipped; blank lines and lines starting with `#` are
    /// ignored. Errors name the line and the field; a code given twice is an error.
    pub fn with_overrides(csv_text: &str) -> Result<SectorMap, ReferenceError> {
        let mut map = SectorMap::default();
        let rows = table::read(OVERRIDES_INPUT, csv_text, false, true, 2)?;
        let mut seen: BTreeMap<String, u64> = BTreeMap::new();
        for (position, row) in rows.iter().enumerate() {
            let code = row.get(0).trim();
            if position == 0 && code.eq_ignore_ascii_case(CODE_FIELD) {
                continue;
            }
            let sector = Sector::named(row.get(1));
            if sector.name().is_empty() {
                return Err(row.invalid(OVERRIDES_INPUT, 1, SECTOR_FIELD, "is empty"));
            }
            let key = if code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit()) {
                let chapter = HsCode::parse(code)
                    .ok()
                    .filter(|chapter| {
                        HsEdition::ALL
                            .iter()
                            .any(|edition| hs_lookup(*edition, chapter).is_some())
                    })
                    .ok_or_else(|| {
                        row.invalid(OVERRIDES_INPUT, 0, CODE_FIELD, "is not an HS chapter")
                    })?;
                map.chapters.insert(chapter.chapter_number(), sector);
                chapter.to_string()
            } else {
                let ebops = EbopsCode::parse(code)
                    .ok()
                    .filter(|ebops| *ebops != EbopsCode::TOTAL)
                    .ok_or_else(|| {
                        row.invalid(
                            OVERRIDES_INPUT,
                            0,
                            CODE_FIELD,
                            "is not a 2-digit HS chapter or an EBOPS 2010 main component (SA..SL)",
                        )
                    })?;
                map.ebops.insert(ebops, sector);
                ebops.entry().letter().to_owned()
            };
            if let Some(first_line) = seen.insert(key.clone(), row.line) {
                return Err(ReferenceError::DuplicateCode {
                    input: OVERRIDES_INPUT,
                    line: row.line,
                    code: key,
                    first_line,
                });
            }
        }
        Ok(map)
    }

    /// The sector of the chapter `code` belongs to, or `None` for a chapter no edition has
    /// (77).
    pub fn sector_of_hs(&self, code: &HsCode) -> Option<&Sector> {
        self.chapters.get(&code.chapter_number())
    }

    /// The sector of an EBOPS main component, or `None` for the total (200), which is an
    /// aggregate of all sectors.
    pub fn sector_of_ebops(&self, code: &EbopsCode) -> Option<&Sector> {
        self.ebops.get(code)
    }
}

#[cfg(test)]
mod tests;
