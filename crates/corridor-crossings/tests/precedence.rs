//! Precedence of rules, on small calendars written for each case.
#![allow(clippy::unwrap_used)]

use corridor_crossings::{Crossings, DayState, DayStatus, Effect, GregorianDate, Reason, RuleKind};

const REGISTRY: &str = "\
id,a_country,a_name,b_country,b_name,modes,status,trucks_per_day,tonnes_per_day
alpha,IRN,Alpha,IRQ,Alfa,road,official,100,
beta,TUR,Beta,GEO,Beta,road;rail,official,,5000
";

const HEADER: &str =
    "crossings,kind,from,to,weekdays,hours,trucks,tonnes,lunar,before,after,reason,note,source\n";

fn load(rules: &str) -> Crossings {
    let calendar = format!("{HEADER}{rules}");
    Crossings::load(
        "registry.csv",
        REGISTRY.as_bytes(),
        "rules.csv",
        calendar.as_bytes(),
    )
    .unwrap()
}

fn date(text: &str) -> GregorianDate {
    corridor_crossings::parse_day(text).unwrap()
}

fn status(crossings: &Crossings, id: &str, day: &str) -> DayStatus {
    crossings.status(id, date(day)).unwrap()
}

/// The effects and rule lines of a day, such as `decides:3 overridden:2`.
fn effects(status: &DayStatus) -> String {
    status
        .rules
        .iter()
        .map(|applied| format!("{}:{}", applied.effect, applied.rule.line))
        .collect::<Vec<_>>()
        .join(" ")
}

// 2024-01-01 is a Monday.

#[test]
fn schedule_decides_by_weekday() {
    let crossings = load("alpha,schedule,2024-01-01,,Mon;Wed,08:00-16:00,80,,,,,,,\n");
    let monday = status(&crossings, "alpha", "2024-01-01");
    assert_eq!(monday.state, DayState::Open);
    assert_eq!(monday.hours.unwrap().to_string(), "08:00-16:00");
    assert_eq!(monday.trucks, Some(80));
    assert_eq!(effects(&monday), "decides:2");
    let tuesday = status(&crossings, "alpha", "2024-01-02");
    assert_eq!(tuesday.state, DayState::Closed);
    assert_eq!(
        (tuesday.trucks, tuesday.tonnes, tuesday.hours),
        (Some(0), Some(0), None)
    );
    assert_eq!(tuesday.reason(), None);
    // Before the schedule: unknown.
    let before = status(&crossings, "alpha", "2023-12-31");
    assert_eq!(before.state, DayState::Unknown);
    assert_eq!((before.trucks, before.hours), (None, None));
    assert!(before.rules.is_empty());
}

#[test]
fn capacity_falls_back_to_the_registry() {
    let crossings = load("alpha;beta,schedule,2024-01-01,,daily,,,,,,,,,\n");
    let alpha = status(&crossings, "alpha", "2024-01-01");
    assert_eq!((alpha.trucks, alpha.tonnes), (Some(100), None));
    assert!(alpha.capacity_from_registry);
    let beta = status(&crossings, "beta", "2024-01-01");
    assert_eq!((beta.trucks, beta.tonnes), (None, Some(5000)));
    assert!(beta.capacity_from_registry);
}

#[test]
fn later_schedule_supersedes_and_a_bounded_one_gives_way_again() {
    let crossings = load(
        "alpha,schedule,2024-01-01,,daily,,50,,,,,,,\n\
         alpha,schedule,2024-02-01,2024-02-29,Sun,,20,,,,,outbreak,,\n\
         alpha,schedule,2024-01-15,,Mon-Fri,,40,,,,,,,\n",
    );
    // Saturday 2024-01-06: daily.
    assert_eq!(status(&crossings, "alpha", "2024-01-06").trucks, Some(50));
    // Saturday 2024-01-20: Mon-Fri (line 4, later start than line 2, though written after).
    let saturday = status(&crossings, "alpha", "2024-01-20");
    assert_eq!(saturday.state, DayState::Closed);
    assert_eq!(effects(&saturday), "decides:4");
    // February: the bounded schedule (Sundays only).
    assert_eq!(status(&crossings, "alpha", "2024-02-04").trucks, Some(20));
    assert_eq!(
        status(&crossings, "alpha", "2024-02-05").state,
        DayState::Closed
    );
    assert_eq!(
        status(&crossings, "alpha", "2024-02-05").reason(),
        Some(Reason::Outbreak)
    );
    // March: the bounded one has ended; Mon-Fri applies again.
    assert_eq!(status(&crossings, "alpha", "2024-03-04").trucks, Some(40));
    assert_eq!(
        status(&crossings, "alpha", "2024-03-02").state,
        DayState::Closed
    );
}

#[test]
fn schedule_with_no_weekday_closes_until_superseded() {
    let crossings = load(
        "alpha,schedule,2024-01-01,,daily,,,,,,,,,\n\
         alpha,schedule,2024-01-10,,none,,,,,,,dispute,closed until further notice,\n\
         alpha,schedule,2024-02-01,,Sat;Sun,,,,,,,,reopened,\n",
    );
    assert_eq!(
        status(&crossings, "alpha", "2024-01-09").state,
        DayState::Open
    );
    let closed = status(&crossings, "alpha", "2024-01-31");
    assert_eq!(closed.state, DayState::Closed);
    assert_eq!(closed.reason(), Some(Reason::Dispute));
    assert_eq!(
        status(&crossings, "alpha", "2024-02-03").state,
        DayState::Open
    );
}

#[test]
fn closure_beats_schedule() {
    let crossings = load(
        "alpha,schedule,2024-01-01,,daily,,,,,,,,,\n\
         alpha,closure,2024-01-05,2024-01-07,,,,,,,,security,,news\n",
    );
    assert_eq!(
        status(&crossings, "alpha", "2024-01-04").state,
        DayState::Open
    );
    for day in ["2024-01-05", "2024-01-06", "2024-01-07"] {
        let closed = status(&crossings, "alpha", day);
        assert_eq!(closed.state, DayState::Closed, "{day}");
        assert_eq!(closed.reason(), Some(Reason::Security));
        assert_eq!(effects(&closed), "decides:3 overridden:2");
        assert_eq!(closed.trucks, Some(0));
    }
    assert_eq!(
        status(&crossings, "alpha", "2024-01-08").state,
        DayState::Open
    );
    // The crossing not named is not affected.
    assert_eq!(
        status(&crossings, "beta", "2024-01-06").state,
        DayState::Unknown
    );
}

#[test]
fn exception_beats_closure_and_closure_beats_lunar() {
    // 10 Dhu al-Hijjah 1445 is 2024-06-17 in the tabular calendar.
    let crossings = load(
        "*,schedule,2024-01-01,,daily,09:00-17:00,60,,,,,,,\n\
         alpha,lunar-closure,,,,,,,10 Dhu al-Hijjah,0,2,holiday,Eid,\n\
         alpha,closure,2024-06-18,2024-06-20,,,,,,,,election,,\n\
         alpha,open-day,2024-06-19,,,10:00-12:00,,,,,,,,\n\
         alpha,closed-day,2024-06-21,,,,,,,,,other,inspection,\n",
    );
    let eid = status(&crossings, "alpha", "2024-06-17");
    assert_eq!(eid.state, DayState::Closed);
    assert_eq!(eid.reason(), Some(Reason::Holiday));
    assert_eq!(eid.rules[0].event, Some(date("2024-06-17")));
    assert_eq!(effects(&eid), "decides:3 overridden:2");
    // Both a closure and the lunar window: the dated closure decides, the lunar one concurs.
    let both = status(&crossings, "alpha", "2024-06-18");
    assert_eq!(both.reason(), Some(Reason::Election));
    assert_eq!(effects(&both), "decides:4 concurs:3 overridden:2");
    // The open day beats the closure and the lunar rule; hours from its row, trucks from
    // the schedule.
    let open = status(&crossings, "alpha", "2024-06-19");
    assert_eq!(open.state, DayState::Open);
    assert_eq!(open.hours.unwrap().to_string(), "10:00-12:00");
    assert_eq!(open.trucks, Some(60));
    assert!(!open.capacity_from_registry);
    assert_eq!(
        effects(&open),
        "decides:5 supplies:2 overridden:4 overridden:3"
    );
    // The closed day beats an open schedule.
    let closed = status(&crossings, "alpha", "2024-06-21");
    assert_eq!(closed.reason(), Some(Reason::Other));
    assert_eq!(effects(&closed), "decides:6 overridden:2");
    assert_eq!(
        status(&crossings, "alpha", "2024-06-22").state,
        DayState::Open
    );
    // Beta has only the schedule.
    assert_eq!(
        status(&crossings, "beta", "2024-06-17").state,
        DayState::Open
    );
}

#[test]
fn lunar_window_every_year_and_validity() {
    // 20 Safar: 1445 = 2023-09-06, 1446 = 2024-08-26 (tabular).
    let crossings = load(
        "alpha,schedule,2020-01-01,,daily,,,,,,,,,\n\
         alpha,lunar-closure,2024-01-01,,,,,,02-20,2,1,pilgrimage,,\n",
    );
    // Before the rule is in force: open on Arbaeen 1445.
    assert_eq!(
        status(&crossings, "alpha", "2023-09-06").state,
        DayState::Open
    );
    assert_eq!(
        status(&crossings, "alpha", "2024-08-23").state,
        DayState::Open
    );
    for day in ["2024-08-24", "2024-08-26", "2024-08-27"] {
        let closed = status(&crossings, "alpha", day);
        assert_eq!(closed.reason(), Some(Reason::Pilgrimage), "{day}");
        assert_eq!(closed.rules[0].event, Some(date("2024-08-26")));
    }
    assert_eq!(
        status(&crossings, "alpha", "2024-08-28").state,
        DayState::Open
    );
    // Twenty years on.
    let later = corridor_calendar::HijriDate::new(1466, 2, 20)
        .unwrap()
        .to_gregorian();
    assert_eq!(
        crossings.status("alpha", later).unwrap().state,
        DayState::Closed
    );
}

#[test]
fn lunar_day_30_of_a_short_month_is_the_next_day() {
    // Safar always has 29 days in the tabular calendar: "30 Safar" is 1 Rabi al-Awwal.
    let crossings = load(
        "alpha,schedule,2020-01-01,,daily,,,,,,,,,\n\
         alpha,lunar-closure,,,,,,,02-30,0,0,holiday,,\n",
    );
    let first_rabi = corridor_calendar::HijriDate::new(1446, 3, 1)
        .unwrap()
        .to_gregorian();
    let day = crossings.status("alpha", first_rabi).unwrap();
    assert_eq!(day.state, DayState::Closed);
    let eve = first_rabi.add_days(-1).unwrap();
    assert_eq!(
        crossings.status("alpha", eve).unwrap().state,
        DayState::Open
    );
}

#[test]
fn closures_with_times_shorten_the_day() {
    let crossings = load(
        "alpha,schedule,2024-01-01,,daily,06:00-22:00,,,,,,,,\n\
         beta,schedule,2024-01-01,,daily,,,,,,,,,\n\
         alpha;beta,closure,2024-03-01T12:00,2024-03-03T08:00,,,,,,,,election,,\n\
         alpha,closure,2024-04-01T05:00,2024-04-02,,,,,,,,security,,\n",
    );
    let first = status(&crossings, "alpha", "2024-03-01");
    assert_eq!(first.state, DayState::Open);
    assert_eq!(first.hours.unwrap().to_string(), "06:00-12:00");
    assert_eq!(effects(&first), "decides:2 restricts:4");
    assert_eq!(
        status(&crossings, "alpha", "2024-03-02").state,
        DayState::Closed
    );
    assert_eq!(
        status(&crossings, "alpha", "2024-03-03")
            .hours
            .unwrap()
            .to_string(),
        "08:00-22:00"
    );
    // Without published hours, the day is cut from the whole day.
    assert_eq!(
        status(&crossings, "beta", "2024-03-01")
            .hours
            .unwrap()
            .to_string(),
        "00:00-12:00"
    );
    assert_eq!(status(&crossings, "beta", "2024-03-04").hours, None);
    // A closure from 05:00 leaves nothing of 06:00-22:00: closed, decided by the closure.
    let gone = status(&crossings, "alpha", "2024-04-01");
    assert_eq!(gone.state, DayState::Closed);
    assert_eq!(gone.reason(), Some(Reason::Security));
    assert_eq!(effects(&gone), "decides:5 overridden:2");
}

#[test]
fn dates_in_three_calendars() {
    // SH 1403-01-01 = 2024-03-20 (Nowruz 1403); AH 1445-10-01 (Eid al-Fitr) and SH 1403-01-06.
    let crossings = load(
        "alpha,schedule,SH1403-01-01,,daily,,,,,,,,,\n\
         alpha,closed-day,AH1445-10-01,,,,,,,,,holiday,Eid al-Fitr,\n\
         alpha,closed-day,sh1403-01-06,,,,,,,,,holiday,,\n",
    );
    let rules = crossings.rules_for("alpha").unwrap();
    assert_eq!(rules[0].from, Some(date("2024-03-20")));
    let eid = corridor_calendar::HijriDate::new(1445, 10, 1)
        .unwrap()
        .to_gregorian();
    assert_eq!(rules[1].from, Some(eid));
    assert_eq!(rules[2].from, Some(date("2024-03-25")));
    assert_eq!(
        status(&crossings, "alpha", "2024-03-19").state,
        DayState::Unknown
    );
    assert_eq!(
        status(&crossings, "alpha", "2024-03-20").state,
        DayState::Open
    );
    assert_eq!(
        crossings.status("alpha", eid).unwrap().state,
        DayState::Closed
    );
    assert_eq!(
        status(&crossings, "alpha", "2024-03-25").state,
        DayState::Closed
    );
    assert_eq!(rules[1].kind, RuleKind::ClosedDay);
}

#[test]
fn explanation_text() {
    let crossings = load(
        "alpha,schedule,2024-01-01,,daily,,,,,,,,,\n\
         alpha,lunar-closure,,,,,,,20 Safar,1,1,pilgrimage,Arbaeen,example.org/arbaeen\n",
    );
    let day = status(&crossings, "alpha", "2024-08-26");
    assert_eq!(
        day.rules[0].to_string(),
        "decides: rules.csv:3 lunar-closure (pilgrimage) around 20 Safar = 2024-08-26: Arbaeen [example.org/arbaeen]"
    );
    assert_eq!(day.rules[1].to_string(), "overridden: rules.csv:2 schedule");
    assert_eq!(day.rules[1].effect, Effect::Overridden);
}

#[test]
fn calendar_ranges() {
    let crossings = load("alpha,schedule,2024-01-01,,Mon,,,,,,,,,\n");
    let days = crossings
        .calendar("alpha", date("2024-01-01"), date("2024-01-14"))
        .unwrap();
    assert_eq!(days.len(), 14);
    assert_eq!(days.iter().filter(|day| day.is_open()).count(), 2);
    assert_eq!(
        crossings
            .calendar("alpha", date("2024-01-02"), date("2024-01-01"))
            .unwrap_err()
            .to_string(),
        "the range 2024-01-02 to 2024-01-01 ends before it starts"
    );
    assert_eq!(
        crossings
            .calendar("gamma", date("2024-01-01"), date("2024-01-01"))
            .unwrap_err()
            .to_string(),
        "no crossing is named \"gamma\""
    );
    let one = crossings
        .calendar("alpha", date("2024-01-01"), date("2024-01-01"))
        .unwrap();
    assert_eq!(one, [status(&crossings, "alpha", "2024-01-01")]);
}

/// The example of docs/formats/crossings.md.
#[test]
fn format_doc_example() {
    let registry = "\
id,a_country,a_name,b_country,b_name,modes,status,trucks_per_day
mehran,IRN,Mehran,IRQ,Zurbatiyah,road,official,250
";
    let calendar = "\
crossings,kind,from,to,weekdays,hours,trucks,lunar,before,after,reason,note,source
mehran,schedule,2013-01-01,,daily,,,,,,,baseline assumption,
mehran,closure,2020-03-16,2020-06-07,,,,,,,outbreak,COVID-19,en.mehrnews.com/news/157391
mehran,schedule,2020-06-08,2020-06-12,Mon;Wed,,250,,,,outbreak,,tehrantimes.com/news/448627
mehran,schedule,SH1399-03-24,,Sun;Wed,,250,,,,outbreak,,tehrantimes.com/news/448627
mehran,lunar-closure,,,,,,20 Safar,14,3,pilgrimage,Arbaeen,
";
    let crossings = Crossings::load(
        "crossings.csv",
        registry.as_bytes(),
        "calendar.csv",
        calendar.as_bytes(),
    )
    .unwrap();
    let day = |text: &str| status(&crossings, "mehran", text);
    assert_eq!(
        (day("2020-06-08").state, day("2020-06-08").trucks),
        (DayState::Open, Some(250))
    );
    assert_eq!(day("2020-06-09").state, DayState::Closed);
    assert_eq!(day("2020-06-13").state, DayState::Closed);
    assert_eq!(day("2020-10-08").reason(), Some(Reason::Pilgrimage));
}
