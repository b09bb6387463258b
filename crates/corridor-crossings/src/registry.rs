//! The registry of crossings: who is on each side, what crosses, how much.

use std::fmt;
use std::io::Read;
use std::str::FromStr;

use crate::table::{Column, Row, Table};
use crate::CrossingsError;

/// One side of a crossing: the country and the place there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Side {
    /// The country, an ISO 3166-1 alpha-3 code in upper case (`IRN`).
    pub country: String,
    /// The crossing's name on this side, in Latin transliteration (`Mehran`).
    pub name: String,
    /// The name in the side's own script, if given (`مهران`).
    pub native_name: Option<String>,
    /// The province, governorate or region this side lies in, if given (`Ilam`).
    pub region: Option<String>,
}

/// How goods cross.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    /// By road (trucks).
    Road,
    /// By rail.
    Rail,
    /// Through a river or sea port.
    Port,
}

impl Mode {
    /// The keyword used in files: `road`, `rail` or `port`.
    pub fn keyword(self) -> &'static str {
        match self {
            Mode::Road => "road",
            Mode::Rail => "rail",
            Mode::Port => "port",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

impl FromStr for Mode {
    type Err = String;

    /// Reads `road`, `rail` or `port` (ASCII case ignored).
    fn from_str(text: &str) -> Result<Mode, String> {
        [Mode::Road, Mode::Rail, Mode::Port]
            .into_iter()
            .find(|mode| text.eq_ignore_ascii_case(mode.keyword()))
            .ok_or_else(|| format!("unknown mode {text:?}; expected road, rail or port"))
    }
}

/// The standing of a crossing between the two governments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CrossingStatus {
    /// Recognised by both governments.
    Official,
    /// Working and tolerated, but not (yet) recognised by both governments.
    SemiOfficial,
    /// Working without recognition.
    Unofficial,
    /// Agreed or decided, not yet built or opened.
    Planned,
    /// Proposed only.
    Proposed,
}

impl CrossingStatus {
    /// All statuses, in declaration order.
    pub const ALL: [CrossingStatus; 5] = [
        CrossingStatus::Official,
        CrossingStatus::SemiOfficial,
        CrossingStatus::Unofficial,
        CrossingStatus::Planned,
        CrossingStatus::Proposed,
    ];

    /// The keyword used in files: `official`, `semi-official`, `unofficial`, `planned` or
    /// `proposed`.
    pub fn keyword(self) -> &'static str {
        match self {
            CrossingStatus::Official => "official",
            CrossingStatus::SemiOfficial => "semi-official",
            CrossingStatus::Unofficial => "unofficial",
            CrossingStatus::Planned => "planned",
            CrossingStatus::Proposed => "proposed",
        }
    }
}

impl fmt::Display for CrossingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

impl FromStr for CrossingStatus {
    type Err = String;

    /// Reads a keyword (ASCII case ignored).
    fn from_str(text: &str) -> Result<CrossingStatus, String> {
        CrossingStatus::ALL
            .into_iter()
            .find(|status| text.eq_ignore_ascii_case(status.keyword()))
            .ok_or_else(|| {
                format!(
                    "unknown status {text:?}; expected official, semi-official, unofficial, planned or proposed"
                )
            })
    }
}

/// A border crossing, as the registry file describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crossing {
    /// The crossing's id: a slug of lower-case ASCII letters, digits and hyphens
    /// (`mehran`), used by calendar rules.
    pub id: String,
    /// The first side (in the reference data, Iran's).
    pub side_a: Side,
    /// The second side (in the reference data, Iraq's).
    pub side_b: Side,
    /// Other spellings that [`Crossings::find`](crate::Crossings::find) accepts
    /// (`Chazzabeh`, `Manzarieh`).
    pub aliases: Vec<String>,
    /// How goods cross (at least one).
    pub modes: Vec<Mode>,
    /// The crossing's standing.
    pub status: CrossingStatus,
    /// The published capacity in trucks a day, if any. Never 0.
    pub trucks_per_day: Option<u32>,
    /// The published capacity in tonnes a day, if any. Never 0.
    pub tonnes_per_day: Option<u32>,
    /// Free-text notes.
    pub notes: String,
    /// Where the facts come from (URLs or citations).
    pub sources: Vec<String>,
    /// The line of the registry file that describes it.
    pub line: u64,
}

impl Crossing {
    /// The name for display: `Mehran / Zurbatiyah`, or one name when both sides use it
    /// (`Shalamcheh`).
    pub fn display_name(&self) -> String {
        if self.side_a.name.eq_ignore_ascii_case(&self.side_b.name) {
            self.side_a.name.clone()
        } else {
            format!("{} / {}", self.side_a.name, self.side_b.name)
        }
    }

    /// Every name this crossing answers to: its id, both sides' names and native names,
    /// and its aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        [
            Some(self.id.as_str()),
            Some(self.side_a.name.as_str()),
            Some(self.side_b.name.as_str()),
            self.side_a.native_name.as_deref(),
            self.side_b.native_name.as_deref(),
        ]
        .into_iter()
        .flatten()
        .chain(self.aliases.iter().map(String::as_str))
    }

    /// Whether `name` is one of [`Crossing::names`], ignoring case.
    pub fn answers_to(&self, name: &str) -> bool {
        let wanted = name.trim().to_lowercase();
        self.names().any(|known| known.to_lowercase() == wanted)
    }
}

/// The registry file's columns.
const COLUMNS: &[Column] = &[
    Column {
        name: "id",
        required: true,
    },
    Column {
        name: "a_country",
        required: true,
    },
    Column {
        name: "a_name",
        required: true,
    },
    Column {
        name: "a_native_name",
        required: false,
    },
    Column {
        name: "a_region",
        required: false,
    },
    Column {
        name: "b_country",
        required: true,
    },
    Column {
        name: "b_name",
        required: true,
    },
    Column {
        name: "b_native_name",
        required: false,
    },
    Column {
        name: "b_region",
        required: false,
    },
    Column {
        name: "aliases",
        required: false,
    },
    Column {
        name: "modes",
        required: true,
    },
    Column {
        name: "status",
        required: true,
    },
    Column {
        name: "trucks_per_day",
        required: false,
    },
    Column {
        name: "tonnes_per_day",
        required: false,
    },
    Column {
        name: "notes",
        required: false,
    },
    Column {
        name: "sources",
        required: false,
    },
];

/// Reads and checks a registry file.
pub(crate) fn read_registry(
    file: &str,
    reader: impl Read,
) -> Result<Vec<Crossing>, CrossingsError> {
    let table = Table::read(file, reader, COLUMNS)?;
    let mut crossings: Vec<Crossing> = Vec::new();
    for row in table.rows(file) {
        let crossing = read_crossing(&row)?;
        if let Some(other) = crossings.iter().find(|other| other.id == crossing.id) {
            return Err(row.error(
                "id",
                format!(
                    "duplicate crossing id {:?} (first on line {})",
                    crossing.id, other.line
                ),
            ));
        }
        for (field, name) in names_with_fields(&crossing) {
            if let Some(other) = crossings.iter().find(|other| other.answers_to(name)) {
                return Err(row.error(
                    field,
                    format!(
                        "name {name:?} is also a name of crossing {:?} (line {}); names must pick one crossing",
                        other.id, other.line
                    ),
                ));
            }
        }
        crossings.push(crossing);
    }
    Ok(crossings)
}

/// Each name of a crossing with the column it came from.
fn names_with_fields(crossing: &Crossing) -> Vec<(&'static str, &str)> {
    let mut names = vec![
        ("id", crossing.id.as_str()),
        ("a_name", crossing.side_a.name.as_str()),
        ("b_name", crossing.side_b.name.as_str()),
    ];
    names.extend(
        crossing
            .side_a
            .native_name
            .as_deref()
            .map(|name| ("a_native_name", name)),
    );
    names.extend(
        crossing
            .side_b
            .native_name
            .as_deref()
            .map(|name| ("b_native_name", name)),
    );
    names.extend(
        crossing
            .aliases
            .iter()
            .map(|name| ("aliases", name.as_str())),
    );
    names
}

fn read_crossing(row: &Row<'_>) -> Result<Crossing, CrossingsError> {
    let id = row.required("id")?;
    if !is_slug(id) {
        return Err(row.error(
            "id",
            format!("bad id {id:?}: use lower-case ASCII letters, digits and single hyphens, such as \"mehran\" or \"parviz-khan\""),
        ));
    }
    let side_a = read_side(row, "a")?;
    let side_b = read_side(row, "b")?;
    let aliases = split_list(row.get("aliases"));
    let modes = split_list(row.get("modes"))
        .iter()
        .map(|mode| {
            mode.parse::<Mode>()
                .map_err(|problem| row.error("modes", problem))
        })
        .collect::<Result<Vec<Mode>, CrossingsError>>()?;
    if modes.is_empty() {
        return Err(row.error("modes", "required field is empty"));
    }
    let status = row
        .required("status")?
        .parse::<CrossingStatus>()
        .map_err(|problem| row.error("status", problem))?;
    Ok(Crossing {
        id: id.to_owned(),
        side_a,
        side_b,
        aliases,
        modes,
        status,
        trucks_per_day: capacity(row, "trucks_per_day")?,
        tonnes_per_day: capacity(row, "tonnes_per_day")?,
        notes: row.get("notes").unwrap_or_default().to_owned(),
        sources: split_list(row.get("sources")),
        line: row.line,
    })
}

fn read_side(row: &Row<'_>, prefix: &str) -> Result<Side, CrossingsError> {
    let country_field = format!("{prefix}_country");
    let code = row.required(&country_field)?;
    let country = corridor_reference::country_by_alpha3(code).ok_or_else(|| {
        row.error(
            &country_field,
            format!("unknown country {code:?}: expected an ISO 3166-1 alpha-3 code such as IRN"),
        )
    })?;
    Ok(Side {
        country: country.alpha3().to_ascii_uppercase(),
        name: row.required(&format!("{prefix}_name"))?.to_owned(),
        native_name: row.get(&format!("{prefix}_native_name")).map(str::to_owned),
        region: row.get(&format!("{prefix}_region")).map(str::to_owned),
    })
}

/// An optional capacity: a positive whole number.
fn capacity(row: &Row<'_>, field: &str) -> Result<Option<u32>, CrossingsError> {
    let Some(text) = row.get(field) else {
        return Ok(None);
    };
    match parse_count(text) {
        Some(0) => Err(row.error(
            field,
            "capacity 0: leave the field empty when no capacity is published",
        )),
        Some(value) => Ok(Some(value)),
        None => Err(row.error(
            field,
            format!("bad number {text:?}: expected a whole number of digits"),
        )),
    }
}

/// A whole number written with ASCII digits only.
pub(crate) fn parse_count(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// A `;`-separated list, each item trimmed, empty items dropped.
pub(crate) fn split_list(text: Option<&str>) -> Vec<String> {
    text.unwrap_or_default()
        .split(';')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Lower-case ASCII letters and digits in groups joined by single hyphens.
pub(crate) fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}
