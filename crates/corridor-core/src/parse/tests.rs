use proptest::prelude::*;

use super::*;
use crate::strategies::{any_amount_minor, any_currency};

/// Parses `input` and renders the result as `<minor units> <code>` or `error: ...`.
#[track_caller]
fn check(input: &str, expected: &str) {
    let actual = match Money::parse(input) {
        Ok(money) => format!("{} {}", money.amount_minor(), money.currency()),
        Err(error) => format!("error: {error}"),
    };
    assert_eq!(actual, expected, "parse({input:?})");
    // `FromStr` is the same function.
    assert_eq!(input.parse::<Money>(), Money::parse(input));
}

/// Parses `input` as an amount of the currency `code`, rendered like `check`.
#[track_caller]
fn check_amount(input: &str, code: &str, expected: &str) {
    let currency = Currency::from_code(code).unwrap();
    let actual = match Money::parse_amount(input, currency) {
        Ok(money) => format!("{} {}", money.amount_minor(), money.currency()),
        Err(error) => format!("error: {error}"),
    };
    assert_eq!(actual, expected, "parse_amount({input:?}, {code})");
}

#[test]
fn parse() {
    check("1,250.75 USD", "125075 USD");
    check("1250.75 USD", "125075 USD");
    check("-0.05 USD", "-5 USD");
    check("0 USD", "0 USD");
    check("-0 USD", "0 USD");
    check("0.00 USD", "0 USD");
    check("1.5 USD", "150 USD");
    check("1 USD", "100 USD");
    check("007 USD", "700 USD");
    check("1,000 JPY", "1000 JPY");
    check("1000 JPY", "1000 JPY");
    check("-5 JPY", "-5 JPY");
    check("0.001 IQD", "1 IQD");
    check("0.1 IQD", "100 IQD");
    check("131,000.000 IQD", "131000000 IQD");
    check("1,234,567.891 KWD", "1234567891 KWD");
    check("0.0001 CLF", "1 CLF");
    check("12,345.6789 CLF", "123456789 CLF");
    check("999,999 USD", "99999900 USD");
    check(
        "1,701,411,834,604,692,317,316,873,037,158,841,057.27 USD",
        &format!("{} USD", i128::MAX),
    );
    check(
        "-1,701,411,834,604,692,317,316,873,037,158,841,057.28 USD",
        &format!("{} USD", i128::MIN),
    );
    check(
        "-170141183460469231731687303715884105728 JPY",
        &format!("{} JPY", i128::MIN),
    );
    check(
        "170141183460469231731687303715884105727 JPY",
        &format!("{} JPY", i128::MAX),
    );
}

#[test]
fn parse_errors() {
    check("", r#"error: empty amount in """#);
    check(" USD", r#"error: empty amount in " USD""#);
    check(
        "1.00",
        r#"error: missing currency code in "1.00": expected an amount, one space and a code, as in "1,250.75 USD""#,
    );
    check(
        "1.00 ",
        r#"error: missing currency code in "1.00 ": expected an amount, one space and a code, as in "1,250.75 USD""#,
    );
    check(
        "USD",
        r#"error: missing currency code in "USD": expected an amount, one space and a code, as in "1,250.75 USD""#,
    );
    check(
        "1.00 usd",
        r#"error: unknown currency code "usd" in "1.00 usd""#,
    );
    check(
        "1.00 XAU",
        r#"error: unknown currency code "XAU" in "1.00 XAU""#,
    );
    check(
        "1.00  USD",
        r#"error: unknown currency code " USD" in "1.00  USD""#,
    );
    check(
        "1.00 USD ",
        r#"error: unknown currency code "USD " in "1.00 USD ""#,
    );
    check(
        "USD 1.00",
        r#"error: unknown currency code "1.00" in "USD 1.00""#,
    );
    check(
        "1.00USD EUR",
        r#"error: invalid character 'U' at position 4 in "1.00USD EUR""#,
    );
    check(
        "+1.00 USD",
        r#"error: invalid character '+' at position 0 in "+1.00 USD""#,
    );
    check(
        "--1.00 USD",
        r#"error: invalid character '-' at position 1 in "--1.00 USD""#,
    );
    check(
        "1-00 USD",
        r#"error: invalid character '-' at position 1 in "1-00 USD""#,
    );
    check(
        "1.0.0 USD",
        r#"error: invalid character '.' at position 3 in "1.0.0 USD""#,
    );
    check(
        "1.000,00 USD",
        r#"error: invalid character ',' at position 5 in "1.000,00 USD""#,
    );
    check(
        "1e5 USD",
        r#"error: invalid character 'e' at position 1 in "1e5 USD""#,
    );
    check(
        "1_000 USD",
        r#"error: invalid character '_' at position 1 in "1_000 USD""#,
    );
    check(
        "١٢ USD",
        r#"error: invalid character '١' at position 0 in "١٢ USD""#,
    );
    check(
        "€1 EUR",
        r#"error: invalid character '€' at position 0 in "€1 EUR""#,
    );
    check(
        "-",
        r#"error: missing currency code in "-": expected an amount, one space and a code, as in "1,250.75 USD""#,
    );
    check(
        "- USD",
        r#"error: expected a digit at position 1 in "- USD""#,
    );
    check(
        ".5 USD",
        r#"error: expected a digit at position 0 in ".5 USD""#,
    );
    check(
        "-.5 USD",
        r#"error: expected a digit at position 1 in "-.5 USD""#,
    );
    check(
        "1. USD",
        r#"error: expected a digit at position 2 in "1. USD""#,
    );
    check(
        "1.234 USD",
        r#"error: too many decimals in "1.234 USD": found 3, USD allows 2"#,
    );
    check(
        "1.230 USD",
        r#"error: too many decimals in "1.230 USD": found 3, USD allows 2"#,
    );
    check(
        "0.0001 IQD",
        r#"error: too many decimals in "0.0001 IQD": found 4, IQD allows 3"#,
    );
    check(
        "1.5 JPY",
        r#"error: decimal point in "1.5 JPY", but JPY has no minor units"#,
    );
    check(
        "1. JPY",
        r#"error: decimal point in "1. JPY", but JPY has no minor units"#,
    );
    check(
        "1.0 KRW",
        r#"error: decimal point in "1.0 KRW", but KRW has no minor units"#,
    );
    check(
        "1,25 USD",
        r#"error: bad thousands grouping in "1,25 USD": expected groups like 1,250,000"#,
    );
    check(
        "1,2500 USD",
        r#"error: bad thousands grouping in "1,2500 USD": expected groups like 1,250,000"#,
    );
    check(
        "1234,567 USD",
        r#"error: bad thousands grouping in "1234,567 USD": expected groups like 1,250,000"#,
    );
    check(
        ",100 USD",
        r#"error: bad thousands grouping in ",100 USD": expected groups like 1,250,000"#,
    );
    check(
        "-,100 USD",
        r#"error: bad thousands grouping in "-,100 USD": expected groups like 1,250,000"#,
    );
    check(
        "1,,000 USD",
        r#"error: bad thousands grouping in "1,,000 USD": expected groups like 1,250,000"#,
    );
    check(
        "1,000, USD",
        r#"error: bad thousands grouping in "1,000, USD": expected groups like 1,250,000"#,
    );
    check(
        "1, USD",
        r#"error: bad thousands grouping in "1, USD": expected groups like 1,250,000"#,
    );
    check(
        "1,00.5 USD",
        r#"error: bad thousands grouping in "1,00.5 USD": expected groups like 1,250,000"#,
    );
    check(
        "1,701,411,834,604,692,317,316,873,037,158,841,057.28 USD",
        r#"error: amount "1,701,411,834,604,692,317,316,873,037,158,841,057.28 USD" does not fit in 128-bit minor units"#,
    );
    check(
        "-1,701,411,834,604,692,317,316,873,037,158,841,057.29 USD",
        r#"error: amount "-1,701,411,834,604,692,317,316,873,037,158,841,057.29 USD" does not fit in 128-bit minor units"#,
    );
    check(
        "340282366920938463463374607431768211456 JPY",
        r#"error: amount "340282366920938463463374607431768211456 JPY" does not fit in 128-bit minor units"#,
    );
    // Overflow during the padding of missing decimals.
    check(
        "17014118346046923173168730371588410572.8 USD",
        r#"error: amount "17014118346046923173168730371588410572.8 USD" does not fit in 128-bit minor units"#,
    );
}

#[test]
fn parse_amount() {
    check_amount("1,250.75", "USD", "125075 USD");
    check_amount("-0.001", "IQD", "-1 IQD");
    check_amount("5", "JPY", "5 JPY");
    check_amount("", "USD", r#"error: empty amount in """#);
    check_amount(
        "1.00 USD",
        "USD",
        r#"error: invalid character ' ' at position 4 in "1.00 USD""#,
    );
    check_amount(
        "1.5",
        "JPY",
        r#"error: decimal point in "1.5", but JPY has no minor units"#,
    );
    check_amount(
        "-",
        "USD",
        r#"error: expected a digit at position 1 in "-""#,
    );
    check_amount(
        "1.",
        "USD",
        r#"error: expected a digit at position 2 in "1.""#,
    );
    check_amount(
        "1,0",
        "USD",
        r#"error: bad thousands grouping in "1,0": expected groups like 1,250,000"#,
    );
}

proptest! {
    #[test]
    fn format_then_parse_round_trips(amount_minor in any_amount_minor(), currency in any_currency()) {
        let money = Money::from_minor(amount_minor, currency);
        prop_assert_eq!(Money::parse(&money.to_string()), Ok(money));
        prop_assert_eq!(Money::parse_amount(&money.format_amount(), currency), Ok(money));
    }

    #[test]
    fn ungrouped_text_parses_like_grouped(amount_minor in any_amount_minor(), currency in any_currency()) {
        let money = Money::from_minor(amount_minor, currency);
        let ungrouped = money.to_string().replace(',', "");
        prop_assert_eq!(Money::parse(&ungrouped), Ok(money));
    }

    #[test]
    fn parse_never_panics(text in "[-0-9,. A-Za-z]{0,48}") {
        // Any outcome is fine; an accepted text must format back to something that parses
        // to the same value.
        if let Ok(money) = Money::parse(&text) {
            prop_assert_eq!(Money::parse(&money.to_string()), Ok(money));
        }
    }
}
