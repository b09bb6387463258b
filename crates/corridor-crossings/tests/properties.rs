//! Properties of evaluation, over random calendars and over the reference data.
#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;

use corridor_crossings::{Crossings, DayState, DayStatus, Effect, GregorianDate};
use proptest::prelude::*;

const REGISTRY: &str = "\
id,a_country,a_name,b_country,b_name,modes,status,trucks_per_day,tonnes_per_day
alpha,IRN,Alpha,IRQ,Alfa,road,official,120,
beta,IRN,Beta,IRQ,Beta,road,official,,
gamma,TUR,Gamma,IRQ,Gama,rail,planned,,900
";
const IDS: [&str; 3] = ["alpha", "beta", "gamma"];

/// 2024-01-01, the first day random rules start on.
const BASE: i64 = 19_723;

/// One random rule, as a row of the rules file.
fn any_rule() -> impl Strategy<Value = String> {
    let crossings = prop_oneof![
        Just("*".to_owned()),
        proptest::sample::subsequence(IDS.to_vec(), 1..=3).prop_map(|ids| ids.join(";")),
    ];
    let day = 0_i64..366;
    let weekdays = prop_oneof![
        Just("daily".to_owned()),
        Just("none".to_owned()),
        proptest::sample::subsequence(vec!["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], 1..=7)
            .prop_map(|days| days.join(";")),
        Just("Sat-Thu".to_owned()),
    ];
    let hours = prop_oneof![
        Just(String::new()),
        (0_u8..12, 13_u8..=24).prop_map(|(open, close)| format!("{open:02}:00-{close:02}:00")),
    ];
    let capacity = prop_oneof![
        Just(String::new()),
        (1_u32..600).prop_map(|n| n.to_string())
    ];
    let reason = proptest::sample::select(vec![
        "outbreak",
        "pilgrimage",
        "election",
        "dispute",
        "security",
        "holiday",
        "other",
    ]);
    let time = prop_oneof![Just(None), (1_u8..24).prop_map(Some)];
    (
        crossings,
        0_u8..5,
        (day.clone(), 0_i64..40, time.clone(), time),
        (weekdays, hours, capacity.clone(), capacity),
        (1_u8..=12, 1_u8..=30, 0_u16..20, 0_u16..20),
        reason,
        proptest::bool::ANY,
    )
        .prop_map(
            |(crossings, kind, (from, length, from_time, to_time), (weekdays, hours, trucks, tonnes), (month, lunar_day, before, after), reason, bounded)| {
                let from_date = date_at(BASE + from);
                let to_date = date_at(BASE + from + length);
                match kind {
                    0 => {
                        let to = if bounded { to_date.to_string() } else { String::new() };
                        let (hours, trucks, tonnes, reason) = if weekdays == "none" {
                            (String::new(), String::new(), String::new(), reason)
                        } else {
                            (hours, trucks, tonnes, "")
                        };
                        format!("{crossings},schedule,{from_date},{to},{weekdays},{hours},{trucks},{tonnes},,,,{reason},,")
                    }
                    1 => {
                        let from_text = match from_time {
                            Some(hour) => format!("{from_date}T{hour:02}:00"),
                            None => from_date.to_string(),
                        };
                        let to_text = match to_time {
                            Some(hour) if !(length == 0 && from_time.is_some()) => {
                                format!("{to_date}T{hour:02}:00")
                            }
                            _ => to_date.to_string(),
                        };
                        format!("{crossings},closure,{from_text},{to_text},,,,,,,,{reason},,")
                    }
                    2 => format!("{crossings},open-day,{from_date},,,{hours},{trucks},{tonnes},,,,,,"),
                    3 => format!("{crossings},closed-day,{from_date},,,,,,,,,{reason},,"),
                    _ => {
                        let validity = if bounded {
                            format!("{from_date},{to_date}")
                        } else {
                            ",".to_owned()
                        };
                        format!("{crossings},lunar-closure,{validity},,,,,{month:02}-{lunar_day:02},{before},{after},{reason},,")
                    }
                }
            },
        )
}

fn date_at(days: i64) -> GregorianDate {
    GregorianDate::from_days_since_epoch(days).unwrap()
}

fn load(rules: &[String]) -> Result<Crossings, corridor_crossings::CrossingsError> {
    let mut text =
        "crossings,kind,from,to,weekdays,hours,trucks,tonnes,lunar,before,after,reason,note,source\n"
            .to_owned();
    for rule in rules {
        writeln!(text, "{rule}").unwrap();
    }
    Crossings::load(
        "registry.csv",
        REGISTRY.as_bytes(),
        "rules.csv",
        text.as_bytes(),
    )
}

/// The invariants every day's status keeps.
fn check_day(crossings: &Crossings, status: &DayStatus) -> Result<(), TestCaseError> {
    let crossing = crossings.find(&status.crossing).unwrap();
    let deciding = status.deciding().count();
    prop_assert_eq!(status.weekday, status.date.weekday());
    match status.state {
        DayState::Closed => {
            prop_assert_eq!(status.trucks, Some(0), "{:?}", status);
            prop_assert_eq!(status.tonnes, Some(0), "{:?}", status);
            prop_assert_eq!(status.hours, None);
            prop_assert!(deciding >= 1, "{:?}", status);
        }
        DayState::Open => {
            prop_assert!(status.trucks != Some(0), "{:?}", status);
            prop_assert!(status.tonnes != Some(0), "{:?}", status);
            if crossing.trucks_per_day.is_some() {
                prop_assert!(
                    status.trucks.is_some_and(|trucks| trucks > 0),
                    "{:?}",
                    status
                );
            }
            if let Some(hours) = status.hours {
                prop_assert!(hours.open < hours.close, "{:?}", status);
            }
            prop_assert_eq!(deciding, 1, "{:?}", status);
        }
        DayState::Unknown => {
            prop_assert_eq!(status.trucks, None);
            prop_assert_eq!(status.tonnes, None);
            prop_assert_eq!(deciding, 0, "{:?}", status);
            prop_assert!(status
                .rules
                .iter()
                .all(|applied| applied.effect == Effect::Restricts));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_calendars_keep_the_invariants(
        rules in proptest::collection::vec(any_rule(), 0..14),
        first in -90_i64..400,
        length in 0_i64..60,
        which in 0_usize..3,
    ) {
        // Contradictions (two schedules or exceptions on one day) are rare and rejected.
        let loaded = load(&rules);
        prop_assume!(loaded.is_ok());
        let crossings = loaded.unwrap();
        let id = IDS[which];
        let (from, to) = (date_at(BASE + first), date_at(BASE + first + length));
        let days = crossings.calendar(id, from, to).unwrap();
        prop_assert_eq!(days.len(), usize::try_from(length + 1).unwrap());
        let again = load(&rules).unwrap();
        for (offset, day) in (0_i64..).zip(&days) {
            let date = date_at(BASE + first + offset);
            prop_assert_eq!(day.date, date);
            // A day of the calendar is that day's status, and evaluation is deterministic,
            // also across loads.
            let single = crossings.status(id, date).unwrap();
            prop_assert_eq!(day, &single);
            prop_assert_eq!(&crossings.status(id, date).unwrap(), &single);
            prop_assert_eq!(&again.status(id, date).unwrap(), &single);
            check_day(&crossings, day)?;
        }
        for status in crossings.open_on(from) {
            check_day(&crossings, &status)?;
            prop_assert_eq!(&status, &crossings.status(&status.crossing, from).unwrap());
        }
    }

    #[test]
    fn reference_days_keep_the_invariants(days in 15_000_i64..20_800, length in 0_i64..30) {
        let crossings = Crossings::reference().unwrap();
        let (from, to) = (date_at(days), date_at(days + length));
        for crossing in crossings.list() {
            let calendar = crossings.calendar(&crossing.id, from, to).unwrap();
            for (offset, day) in (0_i64..).zip(&calendar) {
                prop_assert_eq!(day, &crossings.status(&crossing.id, date_at(days + offset)).unwrap());
                check_day(&crossings, day)?;
            }
        }
    }
}
