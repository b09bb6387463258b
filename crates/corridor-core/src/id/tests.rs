use proptest::prelude::*;

use super::*;

/// Parses `input` as an id of type `T` and renders it with `Display` or as `error: ...`.
#[track_caller]
fn check<T>(input: &str, expected: &str)
where
    T: FromStr<Err = ParseIdError> + fmt::Display,
{
    let actual = match input.parse::<T>() {
        Ok(id) => id.to_string(),
        Err(error) => format!("error: {error}"),
    };
    assert_eq!(actual, expected, "{input:?}");
}

#[test]
fn parse() {
    check::<AccountId>("0", "0");
    check::<AccountId>("42", "42");
    check::<AccountId>("007", "7");
    check::<AccountId>(&u128::MAX.to_string(), &u128::MAX.to_string());
    check::<TransferId>("18446744073709551616", "18446744073709551616");
    check::<PartyId>("1", "1");
    check::<LedgerId>("4294967295", "4294967295");
}

#[test]
fn parse_errors() {
    check::<AccountId>(
        "",
        r#"error: invalid AccountId "": expected a decimal number"#,
    );
    check::<AccountId>(
        "+1",
        r#"error: invalid AccountId "+1": expected a decimal number"#,
    );
    check::<AccountId>(
        "-1",
        r#"error: invalid AccountId "-1": expected a decimal number"#,
    );
    check::<AccountId>(
        " 1",
        r#"error: invalid AccountId " 1": expected a decimal number"#,
    );
    check::<AccountId>(
        "1_000",
        r#"error: invalid AccountId "1_000": expected a decimal number"#,
    );
    check::<AccountId>(
        "0x10",
        r#"error: invalid AccountId "0x10": expected a decimal number"#,
    );
    check::<TransferId>(
        "١",
        r#"error: invalid TransferId "١": expected a decimal number"#,
    );
    check::<PartyId>(
        "340282366920938463463374607431768211456",
        r#"error: invalid PartyId "340282366920938463463374607431768211456": the number is too large"#,
    );
    check::<LedgerId>(
        "4294967296",
        r#"error: invalid LedgerId "4294967296": the number is too large"#,
    );
}

#[test]
fn new_get_and_order() {
    assert_eq!(AccountId::new(7).get(), 7);
    assert_eq!(LedgerId::new(3).get(), 3);
    assert!(TransferId::new(1) < TransferId::new(2));
    assert_eq!(format!("{:?}", PartyId::new(9)), "PartyId(9)");
    assert_eq!(format!("{:>4}", LedgerId::new(9)), "   9");
}

proptest! {
    #[test]
    fn display_then_parse_round_trips(raw in any::<u128>(), raw_ledger in any::<u32>()) {
        let account = AccountId::new(raw);
        prop_assert_eq!(account.to_string().parse::<AccountId>(), Ok(account));
        let transfer = TransferId::new(raw);
        prop_assert_eq!(transfer.to_string().parse::<TransferId>(), Ok(transfer));
        let party = PartyId::new(raw);
        prop_assert_eq!(party.to_string().parse::<PartyId>(), Ok(party));
        let ledger = LedgerId::new(raw_ledger);
        prop_assert_eq!(ledger.to_string().parse::<LedgerId>(), Ok(ledger));
    }
}
