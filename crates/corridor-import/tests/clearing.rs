//! The clearing cycle's input files: parties, obligations, liquidity.

#![allow(clippy::unwrap_used)]

use corridor_calendar::GregorianDate;
use corridor_core::{Currency, Money};
use corridor_import::{LiquidityReader, ObligationRow, ObligationsReader, PartiesReader};

fn errors<T>(rows: impl Iterator<Item = Result<T, corridor_import::ImportError>>) -> Vec<String> {
    rows.filter_map(Result::err)
        .map(|e| e.to_string())
        .collect()
}

#[test]
fn obligations_read_amounts_exactly_and_dates_in_either_calendar() {
    let text = "\u{feff}id,debtor,creditor,amount,currency,due_date,calendar,hs_code,reference\r\n\
        17,IR-IMP-1,IQ-EXP-1,\"1,250.75\",USD,2020-05-04,,0702.00,INV-9\r\n\
        18,IQ-IMP-2,IR-EXP-2,2500000,IQD,1399-02-15,solar-hijri,,\r\n";
    let rows: Vec<_> = ObligationsReader::new("obligations.csv", text.as_bytes())
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].amount, Money::from_minor(125_075, Currency::USD));
    assert_eq!(rows[0].hs_code.as_ref().unwrap().as_str(), "070200");
    assert_eq!(rows[0].reference.as_deref(), Some("INV-9"));
    assert_eq!(rows[0].line, 2);
    let iqd = Currency::from_code("IQD").unwrap();
    assert_eq!(rows[1].amount, Money::from_minor(2_500_000_000, iqd));
    // 1399-02-15 in the Solar Hijri calendar is 2020-05-04.
    assert_eq!(rows[1].due, GregorianDate::new(2020, 5, 4).unwrap());
    assert_eq!(rows[0].due, rows[1].due);
}

#[test]
fn bad_obligations_name_line_column_and_value() {
    let text = "id,debtor,creditor,amount,currency,due_date\n\
        1,A,B,0,USD,2020-01-01\n\
        2,A,B,-5.00,USD,2020-01-01\n\
        3,A,B,1.001,USD,2020-01-01\n\
        4,A,B,10,XXX,2020-01-01\n\
        5,A,B,10,USD,2020-02-30\n\
        6,,B,10,USD,2020-01-01\n\
        7,A,B,10,USD,2020-01-01\n";
    let errors = errors(ObligationsReader::new("o.csv", text.as_bytes()).unwrap());
    assert_eq!(errors.len(), 6, "{errors:#?}");
    let expect = [
        ("o.csv line 2, column amount", "not more than zero"),
        ("o.csv line 3, column amount", "-5.00"),
        ("o.csv line 4, column amount", "1.001"),
        ("o.csv line 5, column currency", "XXX"),
        ("o.csv line 6, column due_date", "2020-02-30"),
        ("o.csv line 7, column debtor", "required"),
    ];
    for (error, (place, detail)) in errors.iter().zip(expect) {
        assert!(
            error.starts_with(place) && error.contains(detail),
            "{error}"
        );
    }
    let unknown = ObligationsReader::new(
        "o.csv",
        "id,debtor,creditor,amount,currency,due,x\n".as_bytes(),
    )
    .unwrap_err()
    .to_string();
    assert!(unknown.contains("due"), "{unknown}");
}

#[test]
fn parties_and_liquidity() {
    let parties = "id,country,kind,name\nCBI,IRN,central-bank,Central Bank of Iran\nTBI,irq,bank,\nX,IRN,smuggler,\n";
    let rows: Vec<_> = PartiesReader::new("p.csv", parties.as_bytes())
        .unwrap()
        .collect();
    let cbi = rows[0].as_ref().unwrap();
    assert_eq!(
        (cbi.id.as_str(), cbi.country, cbi.kind),
        ("CBI", "IRN", "central-bank")
    );
    assert_eq!(cbi.name.as_deref(), Some("Central Bank of Iran"));
    assert_eq!(rows[1].as_ref().unwrap().country, "IRQ");
    let error = rows[2].as_ref().unwrap_err().to_string();
    assert!(
        error.contains("line 4, column kind") && error.contains("smuggler"),
        "{error}"
    );

    let liquidity = "party,amount,currency\nTBI,0,USD\nCBI,-1,USD\n";
    let rows: Vec<_> = LiquidityReader::new("l.csv", liquidity.as_bytes())
        .unwrap()
        .collect();
    assert_eq!(
        rows[0].as_ref().unwrap().amount,
        Money::from_minor(0, Currency::USD)
    );
    assert!(rows[1]
        .as_ref()
        .unwrap_err()
        .to_string()
        .contains("negative"));
}

#[test]
fn obligations_in_json_lines_read_like_the_csv() {
    use corridor_import::ObligationsJsonReader;
    let text = "{\"id\":\"17\",\"debtor\":\"IR-IMP\",\"creditor\":\"IQ-EXP\",\"amount\":\"1,250.75\",\"currency\":\"USD\",\"due_date\":\"2020-05-04\",\"hs_code\":\"0702.00\"}\n\
        \n\
        {\"id\":\"18\",\"debtor\":\"IQ-IMP\",\"creditor\":\"IR-EXP\",\"amount\":2500000,\"currency\":\"IQD\",\"due_date\":\"1399-02-15\",\"calendar\":\"solar-hijri\",\"reference\":null}\n\
        {\"id\":\"19\",\"debtor\":\"A\",\"creditor\":\"B\",\"amount\":\"1.001\",\"currency\":\"USD\",\"due_date\":\"2020-01-01\"}\n\
        {\"id\":\"20\",\"debtor\":\"A\",\"creditor\":\"B\",\"amount\":\"1\",\"currency\":\"USD\",\"due\":\"2020-01-01\"}\n\
        {\"id\":\"21\",\"debtor\":\"A\",\"creditor\":\"B\",\"amount\":\"1\",\"currency\":\"USD\"}\n\
        [1,2]\n\
        {\"id\":21,\n";
    let rows: Vec<_> = ObligationsJsonReader::new("o.jsonl", text.as_bytes()).collect();
    assert_eq!(rows.len(), 7);
    let first = rows[0].as_ref().unwrap();
    assert_eq!(first.amount, Money::from_minor(125_075, Currency::USD));
    assert_eq!(first.line, 1);
    let second = rows[1].as_ref().unwrap();
    assert_eq!(second.line, 3, "the blank line counts");
    assert_eq!(
        second.due, first.due,
        "1399-02-15 Solar Hijri is 2020-05-04"
    );
    assert_eq!(second.amount.amount_minor(), 2_500_000_000);
    let errors: Vec<String> = rows[2..]
        .iter()
        .map(|row| row.as_ref().unwrap_err().to_string())
        .collect();
    assert!(
        errors[0].starts_with("o.jsonl line 4, column amount") && errors[0].contains("1.001"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].contains("line 5") && errors[1].contains("unknown key \"due\""),
        "{}",
        errors[1]
    );
    assert!(
        errors[2].contains("line 6") && errors[2].contains("missing keys: due_date"),
        "{}",
        errors[2]
    );
    assert!(
        errors[3].contains("line 7") && errors[3].contains("not a JSON object"),
        "{}",
        errors[3]
    );
    assert!(
        errors[4].contains("line 8") && errors[4].contains("not JSON"),
        "{}",
        errors[4]
    );
}

/// Rows of the obligations format, one with a quoted reference that spans two lines.
fn many_obligations(count: usize, bad_at: Option<usize>) -> String {
    let mut text = String::from("id,debtor,creditor,amount,currency,due_date,reference\r\n");
    for k in 0..count {
        let amount = if Some(k) == bad_at { "12.345" } else { "12.34" };
        let reference = if k % 7 == 3 {
            "\"two\nlines, \"\"quoted\"\"\"".to_owned()
        } else {
            format!("r{k}")
        };
        text.push_str(&format!(
            "o{k},a{k},b{k},{amount},USD,2024-05-01,{reference}\r\n"
        ));
    }
    text
}

#[test]
fn reading_in_parts_gives_the_rows_and_lines_of_reading_in_one_go() {
    let text = many_obligations(500, None);
    let sequential: Vec<ObligationRow> = ObligationsReader::new("o.csv", text.as_bytes())
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(sequential.len(), 500);
    assert!(sequential[3].reference.as_deref().unwrap().contains('\n'));
    for threads in [1, 2, 3, 8] {
        let parallel =
            corridor_import::read_obligations("o.csv", text.as_bytes(), threads).unwrap();
        assert_eq!(parallel, sequential, "{threads} threads");
    }
    // Cuts at every possible place give the same rows: a small file, many threads.
    let small = many_obligations(9, None);
    let one: Vec<ObligationRow> = ObligationsReader::new("o.csv", small.as_bytes())
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for threads in 1..=20 {
        assert_eq!(
            corridor_import::read_obligations("o.csv", small.as_bytes(), threads).unwrap(),
            one
        );
    }
}

#[test]
fn reading_in_parts_reports_the_first_bad_row_by_its_line() {
    let text = many_obligations(500, Some(400));
    let sequential = ObligationsReader::new("o.csv", text.as_bytes())
        .unwrap()
        .find_map(Result::err)
        .unwrap();
    let parallel = corridor_import::read_obligations("o.csv", text.as_bytes(), 2).unwrap_err();
    assert_eq!(parallel.to_string(), sequential.to_string());
    assert_eq!(parallel.line(), sequential.line());
    assert!(parallel.to_string().contains("12.345"), "{parallel}");
}
