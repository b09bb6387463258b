use super::*;

/// Parses `text` as line 7 and renders the outcome: the event's debug form or the error.
fn check(text: &str, expected: &str) {
    let got = match parse_line(7, text) {
        Ok(Some(event)) => format!("{event:?}"),
        Ok(None) => "blank".to_owned(),
        Err(error) => error.to_string(),
    };
    assert!(
        got.contains(expected),
        "{text}\n got: {got}\n expected to contain: {expected}"
    );
}

#[test]
fn good_events() {
    check(
        r#"{"op":"create_account","id":"1","ledger":840,"code":1}"#,
        "id: 1, ",
    );
    // A whole number however written is an integer: 1e3, 2.50e1, 7.0.
    check(
        r#"{"op":"create_transfer","id":7.0,"debit_account_id":1,"credit_account_id":2,"amount":1e3,"ledger":2.50e1,"code":1}"#,
        "amount: 1000, pending_id: 0, user_data_128: 0, user_data_64: 0, user_data_32: 0, timeout: 0, ledger: 25,",
    );
    check(
        r#"{"op":"create_account","id":1,"ledger":"840","code":1,"flags":["debits_must_not_exceed_credits"]}"#,
        "DEBITS_MUST_NOT_EXCEED_CREDITS".to_lowercase().as_str(),
    );
    check(
        r#"{"op":"create_transfer","id":"340282366920938463463374607431768211454","debit_account_id":1,"credit_account_id":2,"amount":"340282366920938463463374607431768211455","ledger":840,"code":1}"#,
        "amount: 340282366920938463463374607431768211455",
    );
    check(
        r#"{"op":"create_transfer","id":5,"pending_id":4,"flags":["post_pending"]}"#,
        "pending_id: 4",
    );
    check(
        r#"{"op":"create_transfer","id":5,"debit_account_id":1,"credit_account_id":2,"amount":3,"ledger":1,"code":1,"flags":["pending","linked"],"timeout":60}"#,
        "timeout: 60",
    );
    check("   ", "blank");
}

#[test]
fn bad_input_names_line_and_field() {
    check(
        r#"{"op":"delete_account","id":1}"#,
        "line 7, field `op`: unknown op `delete_account`",
    );
    check(r#"{"id":1}"#, "line 7, field `op`: missing");
    check(
        r#"{"op":"create_account","ledger":1,"code":1}"#,
        "field `id`: missing",
    );
    check(
        r#"{"op":"create_account","id":0,"ledger":1,"code":1}"#,
        "field `id`: an id must not be zero",
    );
    check(
        r#"{"op":"create_account","id":"0","ledger":1,"code":1}"#,
        "field `id`: an id must not be zero",
    );
    check(
        r#"{"op":"create_transfer","id":1,"debit_account_id":1,"credit_account_id":2,"amount":"-5","ledger":1,"code":1}"#,
        "field `amount`: `-5` has a sign",
    );
    check(
        r#"{"op":"create_transfer","id":1,"debit_account_id":1,"credit_account_id":2,"amount":-5,"ledger":1,"code":1}"#,
        "field `amount`: `-5` has a sign",
    );
    check(
        r#"{"op":"create_transfer","id":1,"debit_account_id":1,"credit_account_id":2,"amount":"+5","ledger":1,"code":1}"#,
        "has a sign",
    );
    check(
        r#"{"op":"create_transfer","id":1,"debit_account_id":1,"credit_account_id":2,"amount":"340282366920938463463374607431768211456","ledger":1,"code":1}"#,
        "field `amount`: `340282366920938463463374607431768211456` does not fit in 128 bits",
    );
    check(
        r#"{"op":"create_transfer","id":1,"debit_account_id":1,"credit_account_id":2,"amount":1.5,"ledger":1,"code":1}"#,
        "field `amount`: `1.5` is not an unsigned integer",
    );
    check(
        r#"{"op":"create_transfer","id":1,"debit_account_id":1,"credit_account_id":2,"amount":1e-3,"ledger":1,"code":1}"#,
        "is not an unsigned integer",
    );
    check(
        r#"{"op":"create_transfer","id":1,"debit_account_id":1,"credit_account_id":2,"amount":9007199254740992,"ledger":1,"code":1}"#,
        "larger than 2^53-1",
    );
    check(
        r#"{"op":"create_transfer","id":1,"debit_account_id":1,"credit_account_id":2,"amount":5,"ledger":4294967296,"code":1}"#,
        "field `ledger`: `4294967296` does not fit in 32 bits",
    );
    check(
        r#"{"op":"create_transfer","id":1,"debit_account_id":1,"credit_account_id":2,"amount":5,"ledger":1,"code":70000}"#,
        "field `code`",
    );
    check(
        r#"{"op":"create_transfer","id":1,"debit_account_id":1,"credit_account_id":2,"amount":5,"ledger":1,"code":1,"colour":"red"}"#,
        "field `colour`: unknown field",
    );
    check(
        r#"{"op":"create_transfer","id":1,"debit_account_id":1,"credit_account_id":2,"amount":5,"ledger":1,"code":1,"flags":["urgent"]}"#,
        "field `flags`: unknown flag `urgent`",
    );
    check(
        r#"{"op":"create_transfer","id":1,"debit_account_id":1,"credit_account_id":2,"amount":5,"ledger":1,"code":1,"flags":"pending"}"#,
        "field `flags`: must be a list",
    );
    check(
        r#"{"op":"create_transfer","id":1,"credit_account_id":2,"amount":5,"ledger":1,"code":1}"#,
        "field `debit_account_id`: missing",
    );
    check(
        r#"{"op":"create_transfer","id":1,"debit_account_id":1,"credit_account_id":2,"amount":5,"ledger":1,"code":1,"pending_id":3}"#,
        "field `pending_id`",
    );
    check(
        r#"{"op":"create_transfer","id":2,"flags":["void_pending"]}"#,
        "field `pending_id`: missing",
    );
    check(
        r#"{"op":"create_account","id":1,"ledger":1,"code":1"#,
        "line 7: not valid JSON",
    );
    check(r#"[1,2]"#, "line 7: an event is a JSON object");
    check(
        r#"{"op":"create_account","id":true,"ledger":1,"code":1}"#,
        "field `id`: must be an integer or a decimal string",
    );
}

#[test]
fn rendered_events_parse_back() {
    let events = [
        r#"{"op":"create_account","id":"9","ledger":840,"code":3,"flags":["linked"]}"#,
        r#"{"op":"create_transfer","id":"5","debit_account_id":"1","credit_account_id":"2","amount":"3","ledger":1,"code":1,"flags":["pending"],"timeout":9}"#,
    ];
    for text in events {
        let event = parse_line(1, text).unwrap().unwrap();
        let again = parse_line(1, &render_event(&event)).unwrap().unwrap();
        assert_eq!(event, again);
    }
}

mod fuzz {
    //! The reader never panics: any text gives an event or an error naming the line.

    use proptest::prelude::*;

    use super::super::parse_line;

    /// Valid lines to mutate, so the fuzzer reaches deep into the field checks.
    const SEEDS: &[&str] = &[
        r#"{"op":"create_account","id":"1","ledger":840,"code":1,"flags":["linked"]}"#,
        r#"{"op":"create_transfer","id":5,"debit_account_id":1,"credit_account_id":2,"amount":"3","ledger":1,"code":1,"flags":["pending"],"timeout":9}"#,
        r#"{"op":"create_transfer","id":6,"pending_id":5,"flags":["post_pending"],"user_data":"77"}"#,
    ];

    fn mutated() -> impl Strategy<Value = String> {
        (
            0..SEEDS.len(),
            proptest::collection::vec((any::<u16>(), any::<char>(), 0u8..3), 0..6),
        )
            .prop_map(|(seed, edits)| {
                let mut chars: Vec<char> = SEEDS[seed].chars().collect();
                for (position, character, kind) in edits {
                    let at = usize::from(position) % (chars.len() + 1);
                    match kind {
                        0 => chars.insert(at, character),
                        1 if at < chars.len() => {
                            chars.remove(at);
                        }
                        _ if at < chars.len() => chars[at] = character,
                        _ => {}
                    }
                }
                chars.into_iter().collect()
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

        /// The API's fast reader of transfer lists agrees with the general one: the same
        /// transfers, or the same error, or it declines (and the general one is used).
        #[test]
        fn the_fast_transfer_reader_agrees_with_the_general_one(texts in proptest::collection::vec(mutated(), 1..4)) {
            let list = format!("[{}]", texts.join(","));
            if let Some(fast) = super::super::parse_transfer_list(&list) {
                let values: Vec<serde_json::Value> = serde_json::from_str(&list).unwrap();
                let general: Result<Vec<_>, _> = values
                    .into_iter()
                    .enumerate()
                    .map(|(index, value)| {
                        super::super::parse_value(index as u64, value).map(|event| match event {
                            crate::jsonl::Event::CreateTransfer(t) => Some(t),
                            crate::jsonl::Event::CreateAccount(_) => None,
                        })
                    })
                    .collect();
                match (fast, general) {
                    (Ok(fast), Ok(general)) => {
                        let general: Vec<_> = general.into_iter().flatten().collect();
                        prop_assert_eq!(fast, general);
                    }
                    (Err(fast), Err(general)) => prop_assert_eq!(fast, general),
                    (fast, general) => prop_assert!(false, "fast {:?} general {:?}", fast, general),
                }
            }
        }

        #[test]
        fn any_text_is_an_event_or_a_located_error(text in prop_oneof![any::<String>(), mutated()]) {
            match parse_line(42, &text) {
                Ok(_) => {}
                Err(error) => prop_assert_eq!(error.line, 42),
            }
        }
    }
}
