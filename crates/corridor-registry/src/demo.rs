//! The demo corridor: the public figures of the Iran–Iraq corridor, and generated detail
//! around them, ready to load into a registry.
//!
//! Three files (described in `crates/corridor-registry/demo/README.md`):
//!
//! - `demo/figures.csv` ([`FIGURES_CSV`]): real figures quoted from public pages, each with
//!   its source, kind, address and publication date, in the `figures` format;
//! - generated customs declarations ([`customs_csv`]): Iran's exports to Iraq, spread over
//!   the border crossings with their closures, and coarser declarations of exports to the
//!   other top partners and of imports from Iraq, in the `customs` format, dated in the
//!   Solar Hijri calendar, under the source [`CUSTOMS_SOURCE`] (kind `generated`);
//! - generated services exports to Iraq by Solar Hijri month ([`services_csv`]), under the
//!   source [`SERVICES_SOURCE`].
//!
//! The generated files are a pure function of this code: a fixed seed, a hand-written
//! generator (SplitMix64, the same numbers on every platform), integer arithmetic only. Each
//! Solar Hijri year's generated total is calibrated to the public annual figure where one
//! exists (and to published partial-year and monthly figures, see [`plans`]), by
//! largest-remainder apportionment of whole cents.
//!
//! [`load_demo_at`] loads the three files and adds the `$20 bn` targets. Loading again changes
//! nothing: the files are the same bytes, so the registry answers "already loaded", and
//! targets that exist are skipped.

use std::fmt::Write as _;
use std::io;

use corridor_calendar::{CalendarError, GregorianDate, Period, SolarHijriDate};
use corridor_import::SourceKind;

use crate::report::{FlowChoice, TradeChoice};
use crate::{
    ingest, Format, IngestError, LoadReport, LoadSpec, Registry, SourceSpec, TargetSpan, TargetSpec,
};

/// The public figures (`figures` format), embedded.
pub const FIGURES_CSV: &str = include_str!("../demo/figures.csv");

/// The name the figures file is loaded under.
pub const FIGURES_FILE: &str = "demo/figures.csv";
/// The name the generated customs declarations are loaded under.
pub const CUSTOMS_FILE: &str = "demo/customs-generated.csv";
/// The name the generated services exports are loaded under.
pub const SERVICES_FILE: &str = "demo/services-generated.csv";

/// The source of the generated customs declarations.
pub const CUSTOMS_SOURCE: &str = "Demo customs declarations (generated)";
/// The source of the generated services exports.
pub const SERVICES_SOURCE: &str = "Demo services exports (generated)";

/// The revision every demo file is loaded with (the date of this version of the data).
/// Change it with the data: a figure loaded again under the same revision with another
/// value is a conflict, while a later revision replaces the periods it gives.
pub const DEMO_REVISION: &str = "2026-11-23";

/// The Solar Hijri years the generated files cover.
pub const YEARS: std::ops::RangeInclusive<i32> = 1396..=1403;

/// The seed of the generator.
const SEED: u64 = 0x1399_0259_0441_7300;

/// What loading one demo file did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoFile {
    /// The name it was loaded under ([`FIGURES_FILE`], [`CUSTOMS_FILE`], [`SERVICES_FILE`]).
    pub file: String,
    /// Its format.
    pub format: Format,
    /// What the load did (`already_loaded` when it was loaded before).
    pub report: LoadReport,
}

/// What became of one demo target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoTarget {
    /// The target's name.
    pub name: String,
    /// True if it was added; false if a target of that name existed and was left alone.
    pub added: bool,
}

/// What [`load_demo_at`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoReport {
    /// Each file, in the order loaded.
    pub files: Vec<DemoFile>,
    /// Each target, in the order added.
    pub targets: Vec<DemoTarget>,
}

impl DemoReport {
    /// Whether the load changed nothing (every file already loaded, every target existing).
    pub fn unchanged(&self) -> bool {
        self.files
            .iter()
            .all(|file| file.report.already_loaded.is_some())
            && self.targets.iter().all(|target| !target.added)
    }
}

/// Loads the demo corridor into `registry`: the public figures, the generated customs
/// declarations and services exports, and the targets (see [`targets`]). Each file is one
/// transaction; loading the demo again changes nothing. The loads are recorded as made at
/// `loaded_at` (the caller reads the clock).
pub fn load_demo_at(registry: &mut Registry, loaded_at: &str) -> Result<DemoReport, IngestError> {
    let customs = customs_csv().map_err(generation_error)?;
    let services = services_csv().map_err(generation_error)?;
    let generated = |name: &str| {
        Some(SourceSpec {
            name: name.to_owned(),
            kind: SourceKind::Generated,
            url: None,
        })
    };
    let files = [
        (FIGURES_FILE, Format::Figures, None, FIGURES_CSV),
        (
            CUSTOMS_FILE,
            Format::Customs,
            generated(CUSTOMS_SOURCE),
            customs.as_str(),
        ),
        (
            SERVICES_FILE,
            Format::Services,
            generated(SERVICES_SOURCE),
            services.as_str(),
        ),
    ];
    let mut report = DemoReport {
        files: Vec::new(),
        targets: Vec::new(),
    };
    for (file, format, source, text) in files {
        let spec = LoadSpec {
            file: file.to_owned(),
            format: format.name().to_owned(),
            revision: DEMO_REVISION.to_owned(),
            source,
            loaded_at: loaded_at.to_owned(),
        };
        let loaded = ingest(registry, spec, Some(format), text.as_bytes(), None)?;
        report.files.push(DemoFile {
            file: file.to_owned(),
            format,
            report: loaded,
        });
    }
    let existing: Vec<String> = registry
        .targets()?
        .into_iter()
        .map(|target| target.spec.name)
        .collect();
    for spec in targets().map_err(generation_error)? {
        let name = spec.name.clone();
        let added = !existing.contains(&name);
        if added {
            registry.add_target(spec)?;
        }
        report.targets.push(DemoTarget { name, added });
    }
    Ok(report)
}

/// The demo's targets: `irn-irq-20bn`, $20 bn of total trade (goods and services) between
/// Iran and Iraq over Solar Hijri year 1404, and `irn-irq-20bn-2021`, the earlier version
/// with a deadline of 2021-12-31.
pub fn targets() -> Result<Vec<TargetSpec>, CalendarError> {
    let twenty_bn = 20_000_000_000 * 100;
    Ok(vec![
        TargetSpec {
            name: "irn-irq-20bn".to_owned(),
            reporter: "IRN".to_owned(),
            partner: "IRQ".to_owned(),
            flow: FlowChoice::Total,
            trade: TradeChoice::All,
            span: TargetSpan::Period(Period::solar_year(1404)?),
            amount_cents: twenty_bn,
            note: Some(
                "$20 bn a year of Iran-Iraq trade: Rouhani (2018-11-20, from 'the current $12 bn'; \
                 2019-03-11 in Baghdad; 2019-04-06 with PM Abdul-Mahdi), Rouhani and PM \
                 al-Kadhimi (2020-07), the Iran-Iraq Joint Chamber of Commerce (2023-03-31; \
                 2023-07-05, 'double ... from just over $10 bn'). The statements give no year; \
                 the demo measures it over Solar Hijri 1404. Sources in DOMAIN.md section 1.8."
                    .to_owned(),
            ),
        },
        TargetSpec {
            name: "irn-irq-20bn-2021".to_owned(),
            reporter: "IRN".to_owned(),
            partner: "IRQ".to_owned(),
            flow: FlowChoice::Total,
            trade: TradeChoice::All,
            span: TargetSpan::Deadline(GregorianDate::new(2021, 12, 31)?),
            amount_cents: twenty_bn,
            note: Some(
                "The earlier version of the $20 bn target, with a deadline of 2021 (DESIGN.md). \
                 'By 2021' was not found verbatim: in April 2019 Rouhani hoped for $20 bn 'in \
                 the coming months' (business-standard.com, 2019-04-06), and in 2021 PM \
                 al-Kadhimi expected 'more than 21 billion a year' (iranpress.com 41349)."
                    .to_owned(),
            ),
        },
    ])
}

fn generation_error(error: CalendarError) -> IngestError {
    IngestError::Io {
        what: "generate the demo corridor".to_owned(),
        source: io::Error::other(error),
    }
}

// ---------------------------------------------------------------------------------------
// Deterministic randomness and integer apportionment

/// SplitMix64: tiny, and the same sequence on every platform.
struct Rng(u64);

impl Rng {
    /// A generator for one part of the data, so that changing one part leaves the others'
    /// numbers alone.
    fn for_parts(parts: &[u64]) -> Rng {
        let mut rng = Rng(SEED);
        for part in parts {
            rng.0 ^= part.wrapping_mul(0x9e37_79b9_7f4a_7c15);
            rng.next();
        }
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0; the bias is negligible for small `n`).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// `base` moved by up to `percent` % either way.
    fn jitter(&mut self, base: u64, percent: u64) -> u64 {
        base * (100 - percent + self.below(2 * percent + 1)) / 100
    }

    /// An index picked with probability proportional to `weights` (not all zero).
    fn pick(&mut self, weights: &[u64]) -> usize {
        let total: u64 = weights.iter().sum();
        let mut at = self.below(total);
        for (index, weight) in weights.iter().enumerate() {
            if at < *weight {
                return index;
            }
            at -= weight;
        }
        weights.len().saturating_sub(1)
    }
}

/// `total` split in proportion to `weights`, in whole units that add up to `total` exactly
/// (largest remainder; ties to the earlier index). All zero weights: all to the first.
fn apportion(total: i128, weights: &[u64]) -> Vec<i128> {
    if weights.is_empty() {
        return Vec::new();
    }
    let sum: i128 = weights.iter().map(|w| i128::from(*w)).sum();
    if sum == 0 {
        let mut shares = vec![0; weights.len()];
        shares[0] = total;
        return shares;
    }
    let mut shares: Vec<i128> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    for (index, weight) in weights.iter().enumerate() {
        let exact = total * i128::from(*weight);
        shares.push(exact.div_euclid(sum));
        remainders.push((exact.rem_euclid(sum), index));
    }
    let left = total - shares.iter().sum::<i128>();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, index) in remainders
        .into_iter()
        .take(usize::try_from(left).unwrap_or(0))
    {
        shares[index] += 1;
    }
    shares
}

// ---------------------------------------------------------------------------------------
// What is generated: yearly totals and the published figures each year is calibrated to

/// A published figure a generated year must reproduce, in US dollars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// One month's value (month 1-12).
    Month(u8, i128),
    /// The value of months 1 to n together (a cumulative figure from Nowruz).
    Through(u8, i128),
}

/// One generated series for one Solar Hijri year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct YearPlan {
    /// The Solar Hijri year.
    pub year: i32,
    /// The year's total in US dollars.
    pub total_usd: i128,
    /// Published figures inside the year the months must reproduce.
    pub anchors: &'static [Anchor],
}

/// Iran's generated series: the partner (ISO alpha-3) and flow, with its plan per year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeriesPlan {
    /// The partner.
    pub partner: &'static str,
    /// `export` or `import`.
    pub flow: &'static str,
    /// Goods (customs declarations) or services.
    pub services: bool,
    /// The years, 1396 to 1403.
    pub years: [YearPlan; 8],
}

const fn plan(year: i32, total_usd: i128, anchors: &'static [Anchor]) -> YearPlan {
    YearPlan {
        year,
        total_usd,
        anchors,
    }
}

use Anchor::{Month, Through};

/// Every generated series ([`plans`]): anchors are the published monthly and cumulative
/// figures the months reproduce.
const PLANS: [SeriesPlan; 8] = [
    SeriesPlan {
        partner: "IRQ",
        flow: "export",
        services: false,
        years: [
            plan(
                1396,
                6_300_000_000,
                &[Through(6, 3_000_000_000), Through(9, 4_659_000_000)],
            ),
            plan(
                1397,
                8_900_000_000,
                &[
                    Through(6, 4_500_000_000),
                    Through(9, 6_929_000_000),
                    Through(10, 7_500_000_000),
                ],
            ),
            plan(1398, 9_000_000_000, &[]),
            plan(
                1399,
                7_300_000_000,
                &[
                    Month(1, 259_000_000),
                    Month(5, 441_000_000),
                    Through(5, 2_406_000_000),
                    Through(7, 4_800_000_000),
                ],
            ),
            plan(
                1400,
                8_900_000_000,
                &[
                    Through(3, 2_300_000_000),
                    Through(4, 2_800_000_000),
                    Through(5, 3_163_343_248),
                    Through(6, 3_800_000_000),
                ],
            ),
            plan(
                1401,
                10_230_000_000,
                &[Through(4, 2_398_000_000), Through(10, 8_920_000_000)],
            ),
            plan(
                1402,
                10_000_000_000,
                &[Through(4, 2_927_000_000), Through(5, 3_550_000_000)],
            ),
            plan(1403, 12_000_000_000, &[Through(7, 7_300_000_000)]),
        ],
    },
    SeriesPlan {
        partner: "CHN",
        flow: "export",
        services: false,
        years: [
            plan(1396, 9_200_000_000, &[]),
            plan(1397, 9_200_000_000, &[Through(6, 4_600_000_000)]),
            plan(1398, 9_600_000_000, &[]),
            plan(
                1399,
                8_900_000_000,
                &[
                    Month(1, 523_000_000),
                    Through(5, 3_000_000_000),
                    Through(7, 4_400_000_000),
                ],
            ),
            plan(
                1400,
                13_000_000_000,
                &[Through(3, 3_100_000_000), Through(4, 4_400_000_000)],
            ),
            plan(1401, 14_600_000_000, &[Through(11, 13_600_000_000)]),
            plan(1402, 13_500_000_000, &[Through(4, 4_644_000_000)]),
            plan(1403, 13_800_000_000, &[Through(10, 11_500_000_000)]),
        ],
    },
    SeriesPlan {
        partner: "ARE",
        flow: "export",
        services: false,
        years: [
            plan(1396, 5_900_000_000, &[]),
            plan(1397, 6_000_000_000, &[]),
            plan(1398, 5_400_000_000, &[]),
            plan(
                1399,
                4_600_000_000,
                &[
                    Month(1, 355_000_000),
                    Month(5, 338_000_000),
                    Through(5, 1_554_000_000),
                    Through(7, 2_200_000_000),
                ],
            ),
            plan(
                1400,
                5_500_000_000,
                &[Through(3, 1_300_000_000), Through(4, 1_600_000_000)],
            ),
            plan(1401, 6_300_000_000, &[]),
            plan(1402, 6_000_000_000, &[Through(4, 2_000_000_000)]),
            plan(1403, 6_300_000_000, &[Through(10, 5_200_000_000)]),
        ],
    },
    SeriesPlan {
        partner: "TUR",
        flow: "export",
        services: false,
        years: [
            plan(1396, 3_300_000_000, &[]),
            plan(1397, 3_000_000_000, &[]),
            plan(1398, 2_800_000_000, &[]),
            plan(
                1399,
                2_500_000_000,
                &[
                    Month(1, 72_000_000),
                    Month(5, 108_000_000),
                    Through(5, 513_000_000),
                    Through(7, 1_400_000_000),
                ],
            ),
            plan(
                1400,
                3_200_000_000,
                &[Through(3, 595_000_000), Through(4, 921_000_000)],
            ),
            plan(1401, 7_400_000_000, &[Through(11, 6_900_000_000)]),
            plan(1402, 5_400_000_000, &[Through(4, 1_778_000_000)]),
            plan(1403, 4_200_000_000, &[Through(10, 3_500_000_000)]),
        ],
    },
    SeriesPlan {
        partner: "AFG",
        flow: "export",
        services: false,
        years: [
            plan(1396, 2_900_000_000, &[]),
            plan(1397, 2_700_000_000, &[]),
            plan(1398, 2_500_000_000, &[]),
            plan(
                1399,
                2_200_000_000,
                &[
                    Month(1, 125_000_000),
                    Month(5, 158_000_000),
                    Through(5, 871_000_000),
                    Through(7, 1_300_000_000),
                ],
            ),
            plan(
                1400,
                2_000_000_000,
                &[Through(3, 570_000_000), Through(4, 728_000_000)],
            ),
            plan(1401, 1_500_000_000, &[]),
            plan(1402, 1_600_000_000, &[]),
            plan(1403, 1_500_000_000, &[]),
        ],
    },
    SeriesPlan {
        partner: "IND",
        flow: "export",
        services: false,
        years: [
            plan(1396, 2_400_000_000, &[]),
            plan(1397, 3_300_000_000, &[]),
            plan(1398, 2_000_000_000, &[]),
            plan(1399, 900_000_000, &[]),
            plan(1400, 1_100_000_000, &[]),
            plan(1401, 1_500_000_000, &[]),
            plan(1402, 1_900_000_000, &[Through(4, 624_000_000)]),
            plan(1403, 2_200_000_000, &[Through(10, 1_800_000_000)]),
        ],
    },
    SeriesPlan {
        partner: "IRQ",
        flow: "import",
        services: false,
        years: [
            plan(1396, 45_000_000, &[]),
            plan(1397, 58_000_000, &[]),
            plan(1398, 70_000_000, &[]),
            plan(1399, 80_000_000, &[]),
            plan(1400, 330_000_000, &[Through(5, 175_989_687)]),
            plan(1401, 200_000_000, &[]),
            plan(1402, 350_000_000, &[]),
            plan(1403, 430_000_000, &[Through(3, 108_000_000)]),
        ],
    },
    SeriesPlan {
        partner: "IRQ",
        flow: "export",
        services: true,
        years: [
            plan(1396, 500_000_000, &[]),
            plan(1397, 550_000_000, &[]),
            plan(1398, 600_000_000, &[]),
            plan(1399, 420_000_000, &[]),
            plan(1400, 520_000_000, &[]),
            plan(1401, 650_000_000, &[]),
            plan(1402, 760_000_000, &[]),
            plan(1403, 930_000_000, &[Through(10, 780_000_000)]),
        ],
    },
];

/// Every generated series, with its yearly totals and the published figures its months
/// reproduce. Totals with a public annual figure use it (1398 $9 bn, 1399 $7.3 bn, 1401
/// $10.23 bn, 1402 $10 bn for Iraq; 1399 for the other partners); the others are
/// interpolated (see the demo's README).
pub fn plans() -> &'static [SeriesPlan] {
    &PLANS
}

/// Splits a year's total (cents) over its twelve months: the anchors exactly, the rest of
/// each stretch between anchors in proportion to `weights`.
fn calibrate(plan: &YearPlan, weights: &[u64; 12]) -> [i128; 12] {
    let mut months = [0i128; 12];
    let mut fixed = [false; 12];
    for anchor in plan.anchors {
        if let Month(month, usd) = anchor {
            let index = usize::from(month.clamp(&1, &12) - 1);
            months[index] = usd * 100;
            fixed[index] = true;
        }
    }
    let mut cuts: Vec<(usize, i128)> = plan
        .anchors
        .iter()
        .filter_map(|anchor| match anchor {
            Through(month, usd) => Some((usize::from(*month.clamp(&1, &12)), usd * 100)),
            Month(..) => None,
        })
        .collect();
    cuts.push((12, plan.total_usd * 100));
    cuts.sort();
    let (mut start, mut before) = (0usize, 0i128);
    for (end, through) in cuts {
        if end <= start {
            continue;
        }
        let stretch = start..end;
        let given: i128 = stretch
            .clone()
            .filter(|m| fixed[*m])
            .map(|m| months[m])
            .sum();
        let free: Vec<usize> = stretch.filter(|m| !fixed[*m]).collect();
        let rest = (through - before - given).max(0);
        let free_weights: Vec<u64> = free.iter().map(|m| weights[*m]).collect();
        for (month, value) in free.iter().zip(apportion(rest, &free_weights)) {
            months[*month] = value;
        }
        start = end;
        before = through;
    }
    months
}

// ---------------------------------------------------------------------------------------
// Border crossings and their calendar

/// A crossing of Iran's exports to Iraq (DOMAIN.md section 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Crossing {
    Mehran,
    Chazabeh,
    Shalamcheh,
    Khosravi,
    Soumar,
    Bashmaq,
    ParvizKhan,
    Tamarchin,
    KhorramshahrPort,
}

const CROSSINGS: [(Crossing, &str, &str, u64); 9] = [
    (Crossing::Mehran, "Mehran", "road", 22),
    (Crossing::Chazabeh, "Chazabeh", "road", 13),
    (Crossing::Shalamcheh, "Shalamcheh", "road", 16),
    (Crossing::Khosravi, "Khosravi", "road", 10),
    (Crossing::Soumar, "Soumar", "road", 3),
    (Crossing::Bashmaq, "Bashmaq", "road", 13),
    (Crossing::ParvizKhan, "Parviz Khan", "road", 10),
    (Crossing::Tamarchin, "Tamarchin", "road", 7),
    (Crossing::KhorramshahrPort, "Khorramshahr port", "river", 6),
];

/// Days since 1970-01-01 of the events that close crossings.
struct Schedule {
    covid: i64,
    trade_reopens: i64,
    mehran_february: (i64, i64),
    mehran_reopens: i64,
    mehran_sunday_wednesday: i64,
    shalamcheh_reopens: i64,
    chazabeh_reopens: i64,
    khosravi_reopens: i64,
    soumar_closed: i64,
    kri_referendum: i64,
    bashmaq_referendum_reopens: i64,
    kri_referendum_reopens: i64,
    bashmaq_2022: (i64, i64),
    election_2018: i64,
    shalamcheh_election_2021: i64,
    arbaeen: Vec<i64>,
    eid_al_adha: Vec<i64>,
}

fn day(year: i32, month: u8, day: u8) -> Result<i64, CalendarError> {
    Ok(GregorianDate::new(year, month, day)?.days_since_epoch())
}

impl Schedule {
    fn new() -> Result<Schedule, CalendarError> {
        let days = |list: &[(i32, u8, u8)]| -> Result<Vec<i64>, CalendarError> {
            list.iter().map(|(y, m, d)| day(*y, *m, *d)).collect()
        };
        Ok(Schedule {
            covid: day(2020, 3, 8)?,
            trade_reopens: day(2020, 9, 12)?,
            mehran_february: (day(2020, 2, 15)?, day(2020, 2, 23)?),
            mehran_reopens: day(2020, 6, 8)?,
            mehran_sunday_wednesday: day(2020, 6, 14)?,
            shalamcheh_reopens: day(2020, 7, 7)?,
            chazabeh_reopens: day(2020, 8, 2)?,
            khosravi_reopens: day(2020, 7, 23)?,
            soumar_closed: day(2019, 8, 10)?,
            kri_referendum: day(2017, 10, 15)?,
            bashmaq_referendum_reopens: day(2017, 10, 25)?,
            kri_referendum_reopens: day(2018, 1, 1)?,
            bashmaq_2022: (day(2022, 1, 1)?, day(2022, 1, 22)?),
            election_2018: day(2018, 5, 12)?,
            shalamcheh_election_2021: day(2021, 10, 10)?,
            // Arbaeen (truck bans at the southern crossings); none in 2020, when pilgrims
            // from Iran were not admitted.
            arbaeen: days(&[
                (2017, 11, 9),
                (2018, 10, 30),
                (2019, 10, 19),
                (2021, 9, 27),
                (2022, 9, 17),
                (2023, 9, 6),
                (2024, 8, 25),
            ])?,
            // Eid al-Adha (Mehran stops for four days).
            eid_al_adha: days(&[
                (2017, 9, 1),
                (2018, 8, 21),
                (2019, 8, 11),
                (2020, 7, 31),
                (2021, 7, 20),
                (2022, 7, 9),
                (2023, 6, 28),
                (2024, 6, 16),
            ])?,
        })
    }

    /// Whether `crossing` takes goods (`food`: HS chapters 01-24) on `day`.
    fn open(&self, crossing: Crossing, day: i64, food: bool, perishable: bool) -> bool {
        use Crossing::*;
        // 1970-01-01 was a Thursday: 0 is Sunday.
        let weekday = (day + 4).rem_euclid(7);
        let (sunday, monday, wednesday, friday) = (0, 1, 3, 5);
        let covid = (self.covid..self.trade_reopens).contains(&day);
        let southern = matches!(crossing, Mehran | Chazabeh | Shalamcheh | Khosravi);
        let federal = southern || crossing == Soumar;
        if federal && day == self.election_2018 {
            return false;
        }
        if southern
            && !perishable
            && self
                .arbaeen
                .iter()
                .any(|arbaeen| (arbaeen - 14..=arbaeen + 3).contains(&day))
        {
            return false;
        }
        match crossing {
            Mehran => {
                let (from, to) = self.mehran_february;
                if (from..=to).contains(&day)
                    || self
                        .eid_al_adha
                        .iter()
                        .any(|eid| (*eid..eid + 4).contains(&day))
                {
                    return false;
                }
                if !covid {
                    return true;
                }
                if day < self.mehran_reopens {
                    false
                } else if day <= self.mehran_sunday_wednesday {
                    weekday == monday || weekday == wednesday
                } else {
                    weekday == sunday || weekday == wednesday
                }
            }
            Shalamcheh => {
                if day == self.shalamcheh_election_2021 {
                    return false;
                }
                !covid
                    || (day >= self.shalamcheh_reopens
                        && food
                        && (weekday == sunday || weekday == wednesday))
            }
            Soumar => {
                if day >= self.soumar_closed && day < self.shalamcheh_reopens {
                    return false;
                }
                !covid || weekday == sunday || weekday == wednesday
            }
            Chazabeh => {
                !covid || (day >= self.chazabeh_reopens && weekday != friday && weekday != 6)
            }
            Khosravi => !covid || day >= self.khosravi_reopens,
            Bashmaq => {
                let (from, to) = self.bashmaq_2022;
                if (self.kri_referendum..self.bashmaq_referendum_reopens).contains(&day)
                    || (from..=to).contains(&day)
                {
                    return false;
                }
                !covid || weekday == sunday || weekday == wednesday
            }
            ParvizKhan | Tamarchin => {
                !covid && !(self.kri_referendum..self.kri_referendum_reopens).contains(&day)
            }
            KhorramshahrPort => true,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Products

/// A product line: its HS2017 and HS2022 subheadings, its weight in the partner's mix, and
/// its price in US cents per kilogram.
#[derive(Clone, Copy)]
struct Product {
    hs2017: &'static str,
    hs2022: &'static str,
    weight: u64,
    cents_per_kg: i128,
}

const fn product(hs: &'static str, weight: u64, cents_per_kg: i128) -> Product {
    Product {
        hs2017: hs,
        hs2022: hs,
        weight,
        cents_per_kg,
    }
}

/// Iran's exports to Iraq by road and river (natural gas goes by pipeline, apart).
const IRAQ_EXPORTS: [Product; 48] = [
    product("070200", 50, 30), // tomatoes
    product("070310", 20, 20), // onions
    product("070190", 30, 20), // potatoes
    product("080610", 10, 60), // grapes
    product("080719", 20, 25), // melons
    product("080810", 20, 50), // apples
    product("080510", 10, 40), // oranges
    product("040120", 20, 80), // milk
    Product {
        hs2017: "040310",
        hs2022: "040320",
        weight: 30,
        cents_per_kg: 100,
    }, // yoghurt
    product("040610", 20, 300), // cheese
    product("040721", 20, 120), // eggs
    product("020714", 20, 200), // chicken
    product("150790", 20, 120), // soya-bean oil
    product("170199", 10, 50), // sugar
    product("170490", 20, 250), // confectionery
    product("190219", 20, 90), // pasta
    product("190590", 30, 200), // biscuits and bakery
    product("200989", 10, 100), // fruit juice
    product("210690", 20, 250), // food preparations
    product("252329", 60, 5),  // Portland cement
    product("251710", 10, 2),  // gravel
    product("680293", 10, 40), // granite
    product("690721", 40, 50), // ceramic tiles
    product("720711", 30, 45), // steel billets
    product("721310", 20, 55), // wire rod
    product("721420", 40, 55), // reinforcing bars
    product("720839", 20, 60), // flat-rolled steel
    product("721650", 10, 60), // steel sections
    product("730630", 20, 90), // steel tubes
    product("760410", 10, 300), // aluminium bars
    product("390110", 40, 110), // polyethylene
    product("392010", 10, 180), // plastic film
    product("392321", 10, 150), // plastic bags
    product("391723", 10, 140), // plastic pipes
    product("271112", 20, 45), // propane (LPG)
    product("271320", 20, 35), // bitumen
    product("310210", 10, 30), // urea
    product("281512", 10, 40), // caustic soda
    Product {
        hs2017: "340220",
        hs2022: "340250",
        weight: 20,
        cents_per_kg: 120,
    }, // detergents
    product("340111", 10, 150), // soap
    product("300490", 10, 2000), // medicines
    product("841810", 10, 400), // refrigerators
    product("841510", 10, 600), // air conditioners
    product("854449", 10, 500), // cables
    product("870322", 10, 800), // cars
    product("870421", 10, 700), // lorries
    product("570110", 5, 1500), // carpets
    product("940360", 10, 300), // furniture
];

/// Natural gas by pipeline.
const GAS: Product = product("271121", 1, 35);

/// The gas share of each year's exports to Iraq, in percent (1396-1403).
const GAS_PERCENT: [i128; 8] = [4, 12, 18, 20, 22, 10, 22, 30];

const CHINA_EXPORTS: [Product; 8] = [
    product("390110", 30, 110), // polyethylene
    product("290511", 20, 30),  // methanol
    product("260111", 20, 8),   // iron ore
    product("740311", 10, 800), // copper cathodes
    product("720711", 10, 45),  // steel billets
    product("310210", 5, 30),   // urea
    product("271112", 15, 45),  // propane
    product("080251", 5, 900),  // pistachios
];

const UAE_EXPORTS: [Product; 8] = [
    product("070200", 10, 30),  // tomatoes
    product("080810", 10, 50),  // apples
    product("080251", 15, 900), // pistachios
    product("721420", 15, 55),  // reinforcing bars
    product("252329", 10, 5),   // cement
    product("390110", 20, 110), // polyethylene
    product("170490", 10, 250), // confectionery
    product("690721", 10, 50),  // ceramic tiles
];

const TURKEY_EXPORTS: [Product; 6] = [
    product("271112", 20, 45),  // propane
    product("390110", 25, 110), // polyethylene
    product("760110", 15, 220), // aluminium
    product("740311", 10, 800), // copper cathodes
    product("080251", 5, 900),  // pistachios
    product("310210", 10, 30),  // urea
];

const AFGHANISTAN_EXPORTS: [Product; 8] = [
    product("271112", 20, 45),  // propane
    product("190590", 15, 200), // biscuits
    product("252329", 15, 5),   // cement
    product("721420", 15, 55),  // reinforcing bars
    product("392321", 10, 150), // plastic bags
    product("150790", 10, 120), // soya-bean oil
    product("170199", 10, 50),  // sugar
    product("340111", 5, 150),  // soap
];

const INDIA_EXPORTS: [Product; 5] = [
    product("080410", 20, 150), // dates
    product("080251", 20, 900), // pistachios
    product("310210", 25, 30),  // urea
    product("290511", 20, 30),  // methanol
    product("271112", 15, 45),  // propane
];

const IRAQ_IMPORTS: [Product; 7] = [
    product("710812", 40, 5_500_000), // gold, unwrought
    product("760110", 15, 220),       // aluminium ingots
    product("401110", 8, 300),        // car tyres
    product("870322", 8, 900),        // cars
    product("080410", 15, 100),       // dates
    product("250300", 8, 10),         // sulphur
    product("720449", 6, 30),         // scrap
];

// ---------------------------------------------------------------------------------------
// The generated files

/// One day of a Solar Hijri month.
struct Day {
    days_since_epoch: i64,
    date: SolarHijriDate,
    /// How busy the day is (Friday and Nowruz holidays are quiet), out of 100.
    weight: u64,
}

fn month_days(year: i32, month: u8) -> Result<Vec<Day>, CalendarError> {
    let first = SolarHijriDate::new(year, month, 1)?;
    let mut days = Vec::new();
    for number in 1..=first.days_in_month() {
        let date = SolarHijriDate::new(year, month, number)?;
        let days_since_epoch = date.days_since_epoch();
        let friday = (days_since_epoch + 4).rem_euclid(7) == 5;
        let nowruz = month == 1 && (number <= 4 || number == 12 || number == 13);
        let weight = if nowruz {
            25
        } else if friday {
            30
        } else {
            100
        };
        days.push(Day {
            days_since_epoch,
            date,
            weight,
        });
    }
    Ok(days)
}

/// The usual shape of a year of exports to Iraq, by Solar Hijri month (Nowruz is quiet;
/// summer and the end of the year are busy).
const IRAQ_SEASON: [u64; 12] = [70, 88, 92, 96, 100, 98, 90, 88, 94, 96, 98, 112];
/// The shape of other series.
const FLAT_SEASON: [u64; 12] = [90, 95, 100, 100, 100, 100, 100, 100, 100, 100, 100, 110];
/// Gas to Iraq peaks with the summer's power demand.
const GAS_SEASON: [u64; 12] = [80, 90, 105, 120, 125, 115, 95, 85, 90, 95, 100, 100];

/// The share of the crossings' usual capacity open in a month, in thousandths.
fn capacity_permille(schedule: &Schedule, days: &[Day]) -> u64 {
    let mut open = 0;
    let mut usual = 0;
    for day in days {
        for (crossing, _, _, weight) in CROSSINGS {
            usual += weight * day.weight;
            if schedule.open(crossing, day.days_since_epoch, false, false) {
                open += weight * day.weight;
            }
        }
    }
    (open * 1000).checked_div(usual).unwrap_or(1000)
}

/// One generated declaration, before its number is given.
struct Declaration {
    day: usize,
    partner: &'static str,
    import: bool,
    hs: &'static str,
    usd_cents: i128,
    cents_per_kg: i128,
    crossing: &'static str,
    transport: &'static str,
    euro: bool,
}

/// US cents per euro cent ×10,000 (the USD/EUR rate), by year 1396-1403.
const EUR_RATE: [i128; 8] = [
    11_800, 11_500, 11_100, 11_800, 11_600, 10_500, 10_850, 10_800,
];

fn money(cents: i128) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// The monthly values (cents) of a series for every year, calibrated to its plan.
fn series_months(
    series: usize,
    plan: &SeriesPlan,
    schedule: &Schedule,
) -> Result<Vec<[i128; 12]>, CalendarError> {
    let mut years = Vec::new();
    for year_plan in &plan.years {
        let mut weights = [0u64; 12];
        for (index, weight) in weights.iter_mut().enumerate() {
            let month = index as u8 + 1;
            let mut rng = Rng::for_parts(&[1, series as u64, year_plan.year as u64, month.into()]);
            *weight = if plan.partner == "IRQ" && plan.flow == "export" && !plan.services {
                let days = month_days(year_plan.year, month)?;
                let capacity = capacity_permille(schedule, &days);
                rng.jitter(IRAQ_SEASON[index], 6) * (350 + 650 * capacity / 1000)
            } else if plan.services && year_plan.year == 1399 && month <= 4 {
                rng.jitter(FLAT_SEASON[index], 8) * 600
            } else {
                rng.jitter(FLAT_SEASON[index], 8) * 1000
            };
        }
        years.push(calibrate(year_plan, &weights));
    }
    Ok(years)
}

/// The generated customs declarations (`customs` format, Solar Hijri dates): Iran's exports
/// to Iraq by crossing, its exports to China, the UAE, Turkey, Afghanistan and India, and
/// its imports from Iraq, Solar Hijri years 1396-1403.
pub fn customs_csv() -> Result<String, CalendarError> {
    let schedule = Schedule::new()?;
    let goods: Vec<(usize, &SeriesPlan)> = PLANS
        .iter()
        .enumerate()
        .filter(|(_, plan)| !plan.services)
        .collect();
    let mut monthly = Vec::new();
    for (series, plan) in &goods {
        monthly.push(series_months(*series, plan, &schedule)?);
    }
    let mut out = String::from(
        "declaration,date,calendar,reporter,partner,flow,hs_code,hs_edition,value,currency,\
         value_usd,net_weight_kg,crossing,transport_mode\n",
    );
    for (year_index, year) in YEARS.enumerate() {
        let edition = if year >= 1401 { "HS2022" } else { "HS2017" };
        let (mut exports, mut imports) = (0u32, 0u32);
        for month in 1..=12u8 {
            let days = month_days(year, month)?;
            let mut declarations = Vec::new();
            for ((series, plan), months) in goods.iter().zip(&monthly) {
                let value = months[year_index][usize::from(month - 1)];
                let mut rng = Rng::for_parts(&[2, *series as u64, year as u64, month.into()]);
                month_declarations(
                    &mut declarations,
                    &mut rng,
                    plan,
                    value,
                    year_index,
                    month,
                    &days,
                    &schedule,
                    edition,
                );
            }
            declarations.sort_by(|a, b| {
                (a.day, a.import, a.partner, a.hs).cmp(&(b.day, b.import, b.partner, b.hs))
            });
            for declaration in declarations {
                let number = if declaration.import {
                    imports += 1;
                    format!("IM-{year}-{imports:06}")
                } else {
                    exports += 1;
                    format!("EX-{year}-{exports:06}")
                };
                let date = days[declaration.day].date;
                let (value, currency, value_usd) = if declaration.euro {
                    let rate = EUR_RATE[year_index];
                    let euro_cents = (declaration.usd_cents * 10_000 + rate / 2) / rate;
                    (money(euro_cents), "EUR", money(declaration.usd_cents))
                } else {
                    (money(declaration.usd_cents), "USD", String::new())
                };
                let kg = (declaration.usd_cents / declaration.cents_per_kg.max(1)).max(1);
                let _ = writeln!(
                    out,
                    "{number},{date},solar-hijri,IRN,{},{},{},{edition},{value},{currency},\
                     {value_usd},{kg},{},{}",
                    declaration.partner,
                    if declaration.import {
                        "import"
                    } else {
                        "export"
                    },
                    declaration.hs,
                    declaration.crossing,
                    declaration.transport,
                );
            }
        }
    }
    Ok(out)
}

/// For each day of a month, the crossings open to a kind of goods (weight, name, mode), and
/// the day's weight for picking it (its open capacity times how busy it is).
type OpenDays = (Vec<Vec<(u64, &'static str, &'static str)>>, Vec<u64>);

fn open_crossings(schedule: &Schedule, days: &[Day], food: bool, perishable: bool) -> OpenDays {
    let open: Vec<Vec<(u64, &'static str, &'static str)>> = days
        .iter()
        .map(|day| {
            CROSSINGS
                .iter()
                .filter(|(crossing, ..)| {
                    schedule.open(*crossing, day.days_since_epoch, food, perishable)
                })
                .map(|(_, name, transport, weight)| (*weight, *name, *transport))
                .collect()
        })
        .collect();
    let weights = open
        .iter()
        .zip(days)
        .map(|(open, day)| open.iter().map(|(w, ..)| w).sum::<u64>() * day.weight)
        .collect();
    (open, weights)
}

/// Adds one series' declarations for one month, worth `value` cents in all.
#[allow(clippy::too_many_arguments)]
fn month_declarations(
    out: &mut Vec<Declaration>,
    rng: &mut Rng,
    plan: &SeriesPlan,
    value: i128,
    year_index: usize,
    month: u8,
    days: &[Day],
    schedule: &Schedule,
    edition: &str,
) {
    if value <= 0 || days.is_empty() {
        return;
    }
    let import = plan.flow == "import";
    let iraq = plan.partner == "IRQ";
    let (products, transport, average_usd, most): (&[Product], &str, i128, i128) =
        match (plan.partner, import) {
            ("IRQ", false) => (&IRAQ_EXPORTS, "road", 1_500_000, 700),
            ("IRQ", true) => (&IRAQ_IMPORTS, "road", 300_000, 30),
            ("CHN", _) => (&CHINA_EXPORTS, "sea", 40_000_000, 25),
            ("ARE", _) => (&UAE_EXPORTS, "sea", 25_000_000, 25),
            ("TUR", _) => (&TURKEY_EXPORTS, "road", 15_000_000, 25),
            ("AFG", _) => (&AFGHANISTAN_EXPORTS, "road", 10_000_000, 25),
            _ => (&INDIA_EXPORTS, "sea", 15_000_000, 25),
        };
    let hs = |product: &Product| {
        if edition == "HS2022" {
            product.hs2022
        } else {
            product.hs2017
        }
    };
    let mut rest = value;
    // Gas to Iraq: two pipeline invoices a month, at most 45% of the month.
    if iraq && !import {
        let gas_year = plan.years[year_index].total_usd * 100 * GAS_PERCENT[year_index] / 100;
        let season: u64 = GAS_SEASON.iter().sum();
        let gas = (gas_year * i128::from(GAS_SEASON[usize::from(month - 1)]) / i128::from(season))
            .min(value * 45 / 100);
        let last = days.len() - 1;
        for (day, cents) in [14.min(last), last]
            .into_iter()
            .zip(apportion(gas, &[1, 1]))
        {
            if cents > 0 {
                out.push(Declaration {
                    day,
                    partner: plan.partner,
                    import,
                    hs: hs(&GAS),
                    usd_cents: cents,
                    cents_per_kg: GAS.cents_per_kg,
                    crossing: "",
                    transport: "pipeline",
                    euro: false,
                });
            }
        }
        rest -= gas;
    }
    let count = (rest / (average_usd * 100)).clamp(3, most);
    let count = usize::try_from(count).unwrap_or(3);
    let product_weights: Vec<u64> = products.iter().map(|p| p.weight).collect();
    let mut picked = Vec::with_capacity(count);
    let mut sizes = Vec::with_capacity(count);
    for _ in 0..count {
        picked.push(&products[rng.pick(&product_weights)]);
        sizes.push(40 + rng.below(120));
    }
    let mut open_cache: [Option<OpenDays>; 4] = [None, None, None, None];
    for (product, cents) in picked.into_iter().zip(apportion(rest, &sizes)) {
        if cents <= 0 {
            continue;
        }
        let chapter = product.hs2022.get(..2).unwrap_or("99");
        let food = chapter <= "24";
        let perishable = matches!(chapter, "02" | "03" | "04" | "07" | "08");
        let gold = product.hs2022 == "710812";
        let euro = !import && rng.below(100) < 15;
        let (day, crossing, transport) = if iraq && !gold {
            // A day weighted by the capacity open on it, then a crossing open that day.
            let slot = usize::from(food) * 2 + usize::from(perishable);
            let (open, day_weights) = open_cache[slot]
                .get_or_insert_with(|| open_crossings(schedule, days, food, perishable));
            let index = rng.pick(day_weights);
            let choices = &open[index];
            let weights: Vec<u64> = choices.iter().map(|(w, ..)| *w).collect();
            match choices.get(rng.pick(&weights)) {
                Some((_, name, mode)) => (index, *name, *mode),
                None => (index, "Khorramshahr port", "river"),
            }
        } else {
            let weights: Vec<u64> = days.iter().map(|day| day.weight).collect();
            let mode = if gold { "air" } else { transport };
            (rng.pick(&weights), "", mode)
        };
        out.push(Declaration {
            day,
            partner: plan.partner,
            import,
            hs: hs(product),
            usd_cents: cents,
            cents_per_kg: product.cents_per_kg,
            crossing,
            transport,
            euro,
        });
    }
}

/// The generated services exports to Iraq (`services` format): construction (EBOPS `SE`)
/// and other business services (`SJ`, which holds engineering and technical services), by
/// Solar Hijri month, 1396-1403.
pub fn services_csv() -> Result<String, CalendarError> {
    let schedule = Schedule::new()?;
    let mut out = String::from("reporter,partner,flow,period,calendar,ebops,value_usd\n");
    for (series, plan) in PLANS.iter().enumerate().filter(|(_, plan)| plan.services) {
        let months = series_months(series, plan, &schedule)?;
        for (year, values) in YEARS.zip(&months) {
            for (index, value) in values.iter().enumerate() {
                let month = index + 1;
                let mut rng = Rng::for_parts(&[3, series as u64, year as u64, month as u64]);
                let construction = rng.jitter(55, 15);
                let split = apportion(*value, &[construction, 100 - construction]);
                for (code, cents) in ["SE", "SJ"].into_iter().zip(split) {
                    let _ = writeln!(
                        out,
                        "IRN,{},{},{year}-{month:02},solar-hijri,{code},{}",
                        plan.partner,
                        plan.flow,
                        money(cents)
                    );
                }
            }
        }
    }
    Ok(out)
}
