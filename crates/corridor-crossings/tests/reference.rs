//! The embedded Iran–Iraq reference data: it loads, and real dates come out as the sources
//! say (DOMAIN.md §4.3, crates/corridor-crossings/data/README.md).
#![allow(clippy::unwrap_used)]

use corridor_calendar::{HijriDate, SolarHijriDate, Weekday};
use corridor_crossings::{
    CrossingStatus, Crossings, DayState, DayStatus, Effect, GregorianDate, Hours, Mode, Reason,
    RuleKind,
};

fn reference() -> Crossings {
    Crossings::reference().unwrap()
}

fn date(text: &str) -> GregorianDate {
    corridor_crossings::parse_day(text).unwrap()
}

fn status(crossings: &Crossings, name: &str, day: &str) -> DayStatus {
    crossings.status(name, date(day)).unwrap()
}

/// `open 250`, `closed outbreak`, `unknown`: the state, with the capacity when open and the
/// reason when closed.
fn summary(status: &DayStatus) -> String {
    match status.state {
        DayState::Open => format!(
            "open {}",
            status
                .trucks
                .map_or("?".to_owned(), |trucks| trucks.to_string())
        ),
        DayState::Closed => format!(
            "closed {}",
            status
                .reason()
                .map_or("-".to_owned(), |reason| reason.to_string())
        ),
        DayState::Unknown => "unknown".to_owned(),
    }
}

#[track_caller]
fn check(crossings: &Crossings, name: &str, day: &str, expected: &str) {
    let status = status(crossings, name, day);
    assert_eq!(summary(&status), expected, "{name} on {day}: {status:#?}");
}

#[test]
fn reference_data_loads_and_covers_domain_4_1() {
    let crossings = reference();
    let ids: Vec<&str> = crossings.list().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "mehran",
            "chazabeh",
            "shalamcheh",
            "arvand",
            "khosravi",
            "soumar",
            "parviz-khan",
            "bashmaq",
            "tamarchin",
            "sayran-band",
            "kileh",
            "shushmeh",
            "jankalah",
            "kalashin"
        ]
    );
    for crossing in crossings.list() {
        assert_eq!(crossing.side_a.country, "IRN", "{}", crossing.id);
        assert_eq!(crossing.side_b.country, "IRQ", "{}", crossing.id);
        assert!(crossing.side_a.region.is_some(), "{}", crossing.id);
        assert!(crossing.side_b.region.is_some(), "{}", crossing.id);
        assert!(
            !crossing.sources.is_empty(),
            "{} has no source",
            crossing.id
        );
        assert!(!crossing.modes.is_empty(), "{}", crossing.id);
    }
    // Every rule has a note and a source, and its line is its line in the file (which has
    // comment lines before the header).
    let text = include_str!("../data/iran-iraq-calendar.csv");
    let lines: Vec<&str> = text.lines().collect();
    for rule in crossings.rules() {
        assert!(!rule.source.is_empty(), "{} has no source", rule.location());
        assert!(!rule.note.is_empty(), "{} has no note", rule.location());
        assert_eq!(rule.file, "iran-iraq-calendar.csv");
        let line = lines[usize::try_from(rule.line).unwrap() - 1];
        let expected = format!("{},{},", rule.crossings, rule.kind);
        assert!(line.starts_with(&expected), "{}: {line}", rule.location());
    }
    let text = include_str!("../data/iran-iraq-crossings.csv");
    let lines: Vec<&str> = text.lines().collect();
    for crossing in crossings.list() {
        let line = lines[usize::try_from(crossing.line).unwrap() - 1];
        assert!(line.starts_with(&format!("{},", crossing.id)), "{line}");
    }
    let mehran = crossings.find("mehran").unwrap();
    assert_eq!(mehran.side_a.name, "Mehran");
    assert_eq!(mehran.side_b.name, "Zurbatiyah");
    assert_eq!(mehran.side_a.region.as_deref(), Some("Ilam"));
    assert_eq!(mehran.side_b.region.as_deref(), Some("Wasit"));
    assert_eq!(mehran.trucks_per_day, Some(250));
    assert_eq!(mehran.status, CrossingStatus::Official);
    assert_eq!(mehran.modes, [Mode::Road]);
    assert_eq!(mehran.display_name(), "Mehran / Zurbatiyah");
    assert_eq!(crossings.find("arvand").unwrap().modes, [Mode::Port]);
    assert_eq!(
        crossings.find("soumar").unwrap().status,
        CrossingStatus::Unofficial
    );
    assert_eq!(
        crossings.find("jankalah").unwrap().status,
        CrossingStatus::Planned
    );
    assert_eq!(
        crossings.find("kalashin").unwrap().status,
        CrossingStatus::Proposed
    );
    assert_eq!(
        crossings.find("shalamcheh").unwrap().display_name(),
        "Shalamcheh"
    );
}

#[test]
fn find_by_either_side_alias_or_script() {
    let crossings = reference();
    let id = |name: &str| crossings.find(name).map(|crossing| crossing.id.clone());
    assert_eq!(id("Zurbatiyah").as_deref(), Some("mehran"));
    assert_eq!(id("ZURBATIYAH").as_deref(), Some("mehran"));
    assert_eq!(id("زرباطية").as_deref(), Some("mehran"));
    assert_eq!(id("Chazzabeh").as_deref(), Some("chazabeh"));
    assert_eq!(id("al-sheeb").as_deref(), Some("chazabeh"));
    assert_eq!(id("Mandali").as_deref(), Some("soumar"));
    assert_eq!(id("Manzarieh").as_deref(), Some("khosravi"));
    assert_eq!(id("Haji Omran").as_deref(), Some("tamarchin"));
    assert_eq!(id(" Tawela ").as_deref(), Some("shushmeh"));
    assert_eq!(id("Nowhere"), None);
    assert_eq!(
        crossings
            .status("Nowhere", date("2020-06-08"))
            .unwrap_err()
            .to_string(),
        "no crossing is named \"Nowhere\""
    );
    // Status answers to names too.
    assert_eq!(
        crossings.status("Zurbatiyah", date("2020-06-08")).unwrap(),
        crossings.status("mehran", date("2020-06-08")).unwrap()
    );
}

/// Mehran in 2020: closed for COVID-19, reopened on Monday 2020-06-08 (Monday and
/// Wednesday that week), then Sunday and Wednesday every week, 250 trucks a day.
#[test]
fn mehran_reopening_in_june_2020() {
    let crossings = reference();
    check(&crossings, "mehran", "2020-02-14", "open 250");
    check(&crossings, "mehran", "2020-02-15", "closed outbreak");
    check(&crossings, "mehran", "2020-02-24", "open 250");
    check(&crossings, "mehran", "2020-03-08", "closed outbreak");
    check(&crossings, "mehran", "2020-04-19", "closed outbreak");
    check(&crossings, "mehran", "2020-06-07", "closed outbreak");

    let reopening = status(&crossings, "mehran", "2020-06-08");
    assert_eq!(reopening.weekday, Weekday::Monday);
    assert_eq!(summary(&reopening), "open 250");
    assert!(!reopening.capacity_from_registry);
    let deciding: Vec<_> = reopening.deciding().collect();
    assert_eq!(deciding.len(), 1);
    assert_eq!(deciding[0].rule.kind, RuleKind::Schedule);
    assert_eq!(deciding[0].rule.source, "tehrantimes.com/news/448627");

    // Tuesday: not an open day of the week.
    let tuesday = status(&crossings, "mehran", "2020-06-09");
    assert_eq!(summary(&tuesday), "closed outbreak");
    assert_eq!(tuesday.trucks, Some(0));
    assert_eq!(
        tuesday.deciding().next().unwrap().rule.kind,
        RuleKind::Schedule
    );
    check(&crossings, "mehran", "2020-06-10", "open 250"); // Wednesday
    check(&crossings, "mehran", "2020-06-11", "closed outbreak"); // Thursday

    // SH 1399-03-24 is Saturday 2020-06-13, the first day of the next Iranian week: from
    // then on Sunday and Wednesday, so Saturday is closed.
    let sh = SolarHijriDate::new(1399, 3, 24).unwrap().to_gregorian();
    assert_eq!(sh, date("2020-06-13"));
    let saturday = crossings.status("mehran", sh).unwrap();
    assert_eq!(saturday.weekday, Weekday::Saturday);
    assert_eq!(summary(&saturday), "closed outbreak");
    assert_eq!(status(&crossings, "mehran", "SH1399-03-24"), saturday);
    check(&crossings, "mehran", "2020-06-14", "open 250"); // Sunday
    check(&crossings, "mehran", "2020-06-15", "closed outbreak"); // Monday, no longer open
    check(&crossings, "mehran", "2020-06-17", "open 250"); // Wednesday
    check(&crossings, "mehran", "2020-06-23", "closed outbreak"); // Tuesday

    // Two days a week, 500 trucks a week.
    let week = crossings
        .calendar("mehran", date("2020-06-13"), date("2020-06-19"))
        .unwrap();
    assert_eq!(week.iter().filter(|day| day.is_open()).count(), 2);
    assert_eq!(week.iter().filter_map(|day| day.trucks).sum::<u32>(), 500);
}

#[test]
fn shalamcheh_and_soumar_reopen_on_2020_07_07() {
    let crossings = reference();
    check(&crossings, "shalamcheh", "2020-07-06", "closed outbreak");
    check(&crossings, "shalamcheh", "2020-07-07", "closed outbreak"); // Tuesday
    check(&crossings, "shalamcheh", "2020-07-08", "open 250"); // Wednesday
    check(&crossings, "shalamcheh", "2020-07-12", "open 250"); // Sunday
    check(&crossings, "shalamcheh", "2020-07-13", "closed outbreak"); // Monday
    check(&crossings, "soumar", "2019-08-09", "open 250");
    check(&crossings, "soumar", "2019-08-10", "closed other");
    check(&crossings, "Mandali", "2020-07-08", "open 250");
}

#[test]
fn chazabeh_all_weekdays_except_friday() {
    let crossings = reference();
    check(&crossings, "chazabeh", "2020-08-01", "closed outbreak");
    // Saturday 2020-08-08 to Friday 2020-08-14.
    let week = crossings
        .calendar("chazabeh", date("2020-08-08"), date("2020-08-14"))
        .unwrap();
    let open: Vec<Weekday> = week
        .iter()
        .filter(|d| d.is_open())
        .map(|d| d.weekday)
        .collect();
    assert_eq!(
        open,
        [
            Weekday::Saturday,
            Weekday::Sunday,
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
            Weekday::Thursday
        ]
    );
    // No capacity published for Chazabeh: open, capacity unknown.
    assert_eq!(week[0].trucks, None);
}

/// Shalamcheh was closed from 21:30 on 2021-10-09 to 06:00 on 2021-10-11 for the Iraqi
/// parliamentary election of 2021-10-10.
#[test]
fn shalamcheh_election_closure_2021() {
    let crossings = reference();
    let election = status(&crossings, "shalamcheh", "2021-10-10");
    assert_eq!(election.state, DayState::Closed);
    assert_eq!(election.reason(), Some(Reason::Election));
    assert_eq!(election.trucks, Some(0));
    let deciding = election.deciding().next().unwrap();
    assert_eq!(deciding.rule.kind, RuleKind::Closure);
    assert_eq!(deciding.rule.source, "en.mehrnews.com/amp/179595");

    let eve = status(&crossings, "shalamcheh", "2021-10-09");
    assert_eq!(eve.state, DayState::Open);
    assert_eq!(eve.hours, Some("00:00-21:30".parse::<Hours>().unwrap()));
    assert!(eve
        .rules
        .iter()
        .any(|applied| applied.effect == Effect::Restricts
            && applied.rule.reason == Some(Reason::Election)));
    let after = status(&crossings, "shalamcheh", "2021-10-11");
    assert_eq!(after.state, DayState::Open);
    assert_eq!(after.hours.unwrap().to_string(), "06:00-24:00");
    check(&crossings, "shalamcheh", "2021-10-12", "open 250");
}

/// Arbaeen 1442 (20 Safar) was on 2020-10-08; the truck ban at the southern crossings
/// covers it, and every year's Arbaeen.
#[test]
fn arbaeen_truck_ban() {
    let crossings = reference();
    let arbaeen = HijriDate::new(1442, 2, 20).unwrap().to_gregorian();
    assert_eq!(arbaeen, date("2020-10-08"));
    for crossing in ["mehran", "chazabeh", "shalamcheh", "khosravi"] {
        let day = crossings.status(crossing, arbaeen).unwrap();
        assert_eq!(day.state, DayState::Closed, "{crossing}");
        assert_eq!(day.reason(), Some(Reason::Pilgrimage), "{crossing}");
        let applied = day.deciding().next().unwrap();
        assert_eq!(applied.rule.kind, RuleKind::LunarClosure);
        assert_eq!(applied.event, Some(arbaeen));
    }
    // The window: 14 days before to 3 days after.
    check(&crossings, "mehran", "2020-09-23", "open 250");
    check(&crossings, "mehran", "2020-09-24", "closed pilgrimage");
    check(&crossings, "mehran", "2020-10-11", "closed pilgrimage");
    check(&crossings, "mehran", "2020-10-12", "open 250");
    // Not at the northern crossings.
    assert_eq!(
        status(&crossings, "bashmaq", "2020-10-08").state,
        DayState::Open
    );
    // The reported bans fall inside the computed windows: late October to mid November 2017
    // (Arbaeen 2017-11-09), and Chazzabeh 2019-10-07 to about 2019-10-22.
    for day in ["2017-10-28", "2017-11-09", "2017-11-13"] {
        check(&crossings, "khosravi", day, "closed pilgrimage");
    }
    for day in ["2019-10-07", "2019-10-19", "2019-10-22"] {
        check(&crossings, "chazabeh", day, "closed pilgrimage");
    }
    // Any year: Arbaeen 1450 (2028).
    let later = HijriDate::new(1450, 2, 20).unwrap().to_gregorian();
    let day = crossings.status("mehran", later).unwrap();
    assert_eq!(day.reason(), Some(Reason::Pilgrimage));
}

/// Mehran stops for Eid al-Adha: 10 Dhu al-Hijjah 1441 was 2020-07-31.
#[test]
fn eid_al_adha_at_mehran() {
    let crossings = reference();
    // 2020-08-02 is a Sunday, an open day of the schedule, but Eid closes it.
    let sunday = status(&crossings, "mehran", "2020-08-02");
    assert_eq!(summary(&sunday), "closed holiday");
    assert_eq!(
        sunday.deciding().next().unwrap().event,
        Some(date("2020-07-31"))
    );
    assert!(sunday
        .rules
        .iter()
        .any(|applied| applied.effect == Effect::Overridden
            && applied.rule.kind == RuleKind::Schedule));
    check(&crossings, "mehran", "2020-07-29", "open 250"); // Wednesday before
    check(&crossings, "mehran", "2020-08-05", "open 250"); // Wednesday after
    check(&crossings, "mehran", "AH1441-12-09", "closed holiday");
    check(&crossings, "mehran", "AH1441-12-14", "closed holiday");
}

#[test]
fn other_history() {
    let crossings = reference();
    check(&crossings, "khosravi", "2013-06-08", "closed security");
    check(&crossings, "khosravi", "2020-07-22", "closed outbreak");
    check(&crossings, "khosravi", "2020-07-23", "open ?");
    check(&crossings, "bashmaq", "2017-10-20", "closed dispute");
    check(&crossings, "bashmaq", "2017-10-25", "open ?");
    check(&crossings, "tamarchin", "2020-07-26", "closed outbreak");
    // Before the history starts, and at crossings that are only planned: unknown.
    check(&crossings, "mehran", "2012-06-01", "unknown");
    // ... except where a recurring rule reaches: Arbaeen 1434 was about 2013-01-02.
    check(&crossings, "mehran", "2012-12-31", "closed pilgrimage");
    check(&crossings, "jankalah", "2021-01-01", "unknown");
    let all = crossings.open_on(date("2020-06-08"));
    assert_eq!(all.len(), crossings.list().len());
    let state = |id: &str| {
        all.iter()
            .find(|day| day.crossing == id)
            .map(|day| (day.state, day.reason()))
            .unwrap()
    };
    // Of the five main crossings facing federal Iraq, only Mehran had reopened.
    assert_eq!(state("mehran"), (DayState::Open, Some(Reason::Outbreak)));
    for id in ["chazabeh", "shalamcheh", "khosravi"] {
        assert_eq!(
            state(id),
            (DayState::Closed, Some(Reason::Outbreak)),
            "{id}"
        );
    }
    assert_eq!(state("soumar"), (DayState::Closed, Some(Reason::Other)));
    assert_eq!(state("kalashin"), (DayState::Unknown, None));
    for (day, crossing) in all.iter().zip(crossings.list()) {
        assert_eq!(day.crossing, crossing.id);
        assert_eq!(
            *day,
            crossings.status(&crossing.id, date("2020-06-08")).unwrap()
        );
    }
}
