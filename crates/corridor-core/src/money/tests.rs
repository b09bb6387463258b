use proptest::prelude::*;

use super::*;
use crate::strategies::{any_amount_minor, any_currency};

/// Evaluates a one-operation expression over parsed amounts and renders the result as
/// money text or `error: ...`. Forms: `A + B`, `A - B`, `A * k` and `neg A`.
#[track_caller]
fn check(expression: &str, expected: &str) {
    let money = |text: &str| Money::parse(text).unwrap();
    let result = if let Some(operand) = expression.strip_prefix("neg ") {
        money(operand).checked_neg()
    } else if let Some((left, right)) = expression.split_once(" + ") {
        money(left).checked_add(money(right))
    } else if let Some((left, right)) = expression.split_once(" - ") {
        money(left).checked_sub(money(right))
    } else if let Some((left, factor)) = expression.split_once(" * ") {
        money(left).checked_mul_int(factor.parse().unwrap())
    } else {
        panic!("unknown expression form: {expression:?}")
    };
    let actual = match result {
        Ok(money) => money.to_string(),
        Err(error) => format!("error: {error}"),
    };
    assert_eq!(actual, expected, "{expression}");
}

const MAX_USD: &str = "1,701,411,834,604,692,317,316,873,037,158,841,057.27 USD";
const MIN_USD: &str = "-1,701,411,834,604,692,317,316,873,037,158,841,057.28 USD";

#[test]
fn arithmetic() {
    check("1.00 USD + 2.50 USD", "3.50 USD");
    check("1.00 USD + -2.50 USD", "-1.50 USD");
    check("0.01 USD - 0.02 USD", "-0.01 USD");
    check("1,000 JPY - 1 JPY", "999 JPY");
    check("0.001 IQD + 0.999 IQD", "1.000 IQD");
    check("neg 5.00 EUR", "-5.00 EUR");
    check("neg -5.00 EUR", "5.00 EUR");
    check("neg 0.00 EUR", "0.00 EUR");
    check("1.25 USD * 3", "3.75 USD");
    check("1.25 USD * -3", "-3.75 USD");
    check("1.25 USD * 0", "0.00 USD");
    check(&format!("{MAX_USD} + 0.00 USD"), MAX_USD);
    check(&format!("{MIN_USD} + {MAX_USD}"), "-0.01 USD");
    check(
        &format!("{MAX_USD} * -1"),
        "-1,701,411,834,604,692,317,316,873,037,158,841,057.27 USD",
    );
}

#[test]
fn arithmetic_errors() {
    let overflow = |operation: &str| {
        format!("error: overflow: the result of {operation} does not fit in 128-bit minor units")
    };
    check(&format!("{MAX_USD} + 0.01 USD"), &overflow("addition"));
    check(&format!("{MIN_USD} + -0.01 USD"), &overflow("addition"));
    check(&format!("{MIN_USD} - 0.01 USD"), &overflow("subtraction"));
    check(&format!("{MAX_USD} - -0.01 USD"), &overflow("subtraction"));
    check(&format!("neg {MIN_USD}"), &overflow("negation"));
    check(&format!("{MIN_USD} * -1"), &overflow("multiplication"));
    check(&format!("{MAX_USD} * 2"), &overflow("multiplication"));
    check(
        "1.00 USD + 1.00 EUR",
        "error: currency mismatch: cannot combine USD with EUR",
    );
    check(
        "1.00 USD - 1.000 IQD",
        "error: currency mismatch: cannot combine USD with IQD",
    );
    // A mismatch is reported even when the amounts would also overflow.
    check(
        &format!("{MAX_USD} + 1.00 EUR"),
        "error: currency mismatch: cannot combine USD with EUR",
    );
}

/// Formats minor units of the currency `code` and compares `Display` with `expected`.
#[track_caller]
fn check_format(amount_minor: i128, code: &str, expected: &str) {
    let money = Money::from_minor(amount_minor, Currency::from_code(code).unwrap());
    assert_eq!(money.to_string(), expected, "{amount_minor} {code}");
    let amount = expected.split_once(' ').unwrap().0;
    assert_eq!(money.format_amount(), amount, "{amount_minor} {code}");
}

#[test]
fn format() {
    check_format(125_075, "USD", "1,250.75 USD");
    check_format(-5, "USD", "-0.05 USD");
    check_format(0, "USD", "0.00 USD");
    check_format(1, "USD", "0.01 USD");
    check_format(10, "USD", "0.10 USD");
    check_format(100, "USD", "1.00 USD");
    check_format(99_999, "USD", "999.99 USD");
    check_format(100_000, "USD", "1,000.00 USD");
    check_format(-100_000_000, "USD", "-1,000,000.00 USD");
    check_format(1_000, "JPY", "1,000 JPY");
    check_format(0, "JPY", "0 JPY");
    check_format(-7, "JPY", "-7 JPY");
    check_format(999, "JPY", "999 JPY");
    check_format(12_345, "JPY", "12,345 JPY");
    check_format(123_456, "JPY", "123,456 JPY");
    check_format(1_234_567, "JPY", "1,234,567 JPY");
    check_format(1, "IQD", "0.001 IQD");
    check_format(131_000_000, "IQD", "131,000.000 IQD");
    check_format(-1_000, "KWD", "-1.000 KWD");
    check_format(1, "CLF", "0.0001 CLF");
    check_format(123_456_789, "CLF", "12,345.6789 CLF");
    check_format(i128::MAX, "USD", MAX_USD);
    check_format(i128::MIN, "USD", MIN_USD);
    check_format(
        i128::MIN,
        "JPY",
        "-170,141,183,460,469,231,731,687,303,715,884,105,728 JPY",
    );
    check_format(
        i128::MAX,
        "CLF",
        "17,014,118,346,046,923,173,168,730,371,588,410.5727 CLF",
    );
}

#[test]
fn display_pads() {
    let money = Money::from_minor(-5, Currency::USD);
    assert_eq!(format!("[{money:>12}]"), "[   -0.05 USD]");
    assert_eq!(format!("[{money:<12}]"), "[-0.05 USD   ]");
}

#[test]
fn accessors() {
    let money = Money::from_minor(-42, Currency::IRR);
    assert_eq!(money.amount_minor(), -42);
    assert_eq!(money.currency(), Currency::IRR);
    assert_eq!(
        Money::zero(Currency::IRR),
        Money::from_minor(0, Currency::IRR)
    );
}

fn expected(
    result: Option<i128>,
    currency: Currency,
    operation: MoneyOperation,
) -> Result<Money, MoneyError> {
    match result {
        Some(amount_minor) => Ok(Money::from_minor(amount_minor, currency)),
        None => Err(MoneyError::Overflow { operation }),
    }
}

/// Two different currencies.
fn distinct_currencies() -> impl Strategy<Value = (Currency, Currency)> {
    let all = Currency::all();
    // Pick one currency, then another at a non-zero offset from it in the table.
    (0..all.len(), 1..all.len()).prop_map(move |(index, offset)| {
        let other = index
            .checked_add(offset)
            .unwrap()
            .checked_rem(all.len())
            .unwrap();
        (all[index], all[other])
    })
}

proptest! {
    #[test]
    fn the_plain_form_is_the_grouped_form_without_separators(amount in any_amount_minor(), currency in any_currency()) {
        let money = Money::from_minor(amount, currency);
        prop_assert_eq!(money.format_plain(), money.format_amount().replace(',', ""));
    }

    #[test]
    fn add_never_wraps(left in any_amount_minor(), right in any_amount_minor(), currency in any_currency()) {
        let actual = Money::from_minor(left, currency).checked_add(Money::from_minor(right, currency));
        prop_assert_eq!(actual, expected(left.checked_add(right), currency, MoneyOperation::Add));
    }

    #[test]
    fn sub_never_wraps(left in any_amount_minor(), right in any_amount_minor(), currency in any_currency()) {
        let actual = Money::from_minor(left, currency).checked_sub(Money::from_minor(right, currency));
        prop_assert_eq!(actual, expected(left.checked_sub(right), currency, MoneyOperation::Subtract));
    }

    #[test]
    fn neg_never_wraps(amount in any_amount_minor(), currency in any_currency()) {
        let actual = Money::from_minor(amount, currency).checked_neg();
        prop_assert_eq!(actual, expected(amount.checked_neg(), currency, MoneyOperation::Negate));
    }

    #[test]
    fn mul_int_never_wraps(amount in any_amount_minor(), factor in any_amount_minor(), currency in any_currency()) {
        let actual = Money::from_minor(amount, currency).checked_mul_int(factor);
        prop_assert_eq!(actual, expected(amount.checked_mul(factor), currency, MoneyOperation::MultiplyInt));
    }

    #[test]
    fn mixing_currencies_is_an_error(left in any_amount_minor(), right in any_amount_minor(), (left_currency, right_currency) in distinct_currencies()) {
        let mismatch = Err(MoneyError::CurrencyMismatch { left: left_currency, right: right_currency });
        let left = Money::from_minor(left, left_currency);
        let right = Money::from_minor(right, right_currency);
        prop_assert_eq!(left.checked_add(right), mismatch);
        prop_assert_eq!(left.checked_sub(right), mismatch);
    }
}
