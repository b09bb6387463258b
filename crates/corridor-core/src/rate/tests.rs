use proptest::prelude::*;

use super::*;
use crate::strategies::{any_amount_minor, any_currency};

const ROUNDINGS: [(Rounding, &str); 4] = [
    (Rounding::Down, "down"),
    (Rounding::Up, "up"),
    (Rounding::HalfEven, "half-even"),
    (Rounding::HalfUp, "half-up"),
];

/// Converts `input` at `rate` (`"n/d"`) to the currency `to` with every rounding mode.
///
/// Renders the result once when all modes agree (the conversion is exact), and as
/// `down A | up B | half-even C | half-up D` otherwise.
#[track_caller]
fn check(input: &str, rate: &str, to: &str, expected: &str) {
    let money = Money::parse(input).unwrap();
    let (numerator, denominator) = rate.split_once('/').unwrap();
    let rate = Rate::new(numerator.parse().unwrap(), denominator.parse().unwrap()).unwrap();
    let to = Currency::from_code(to).unwrap();
    let results: Vec<String> = ROUNDINGS
        .iter()
        .map(|(rounding, _)| match money.convert(rate, to, *rounding) {
            Ok(converted) => converted.to_string(),
            Err(error) => format!("error: {error}"),
        })
        .collect();
    let actual = if results.iter().all(|result| *result == results[0]) {
        results[0].clone()
    } else {
        let labelled: Vec<String> = ROUNDINGS
            .iter()
            .zip(&results)
            .map(|((_, label), result)| format!("{label} {result}"))
            .collect();
        labelled.join(" | ")
    };
    assert_eq!(actual, expected, "{input} at {rate} to {to}");
}

const MAX_USD: &str = "1,701,411,834,604,692,317,316,873,037,158,841,057.27 USD";
const MIN_USD: &str = "-1,701,411,834,604,692,317,316,873,037,158,841,057.28 USD";
const OVERFLOW: &str =
    "error: overflow: the result of conversion does not fit in 128-bit minor units";

#[test]
fn convert() {
    // USD to IQD and back at 1 USD = 1310 IQD.
    check("100.00 USD", "1310/1", "IQD", "131,000.000 IQD");
    check("-100.00 USD", "1310/1", "IQD", "-131,000.000 IQD");
    check("0.01 USD", "1310/1", "IQD", "13.100 IQD");
    check("131,000.000 IQD", "1/1310", "USD", "100.00 USD");
    check("655.000 IQD", "1/1310", "USD", "0.50 USD");
    check(
        "0.001 IQD",
        "1/1310",
        "USD",
        "down 0.00 USD | up 0.01 USD | half-even 0.00 USD | half-up 0.00 USD",
    );
    check(
        "-0.001 IQD",
        "1/1310",
        "USD",
        "down 0.00 USD | up -0.01 USD | half-even 0.00 USD | half-up 0.00 USD",
    );
    check(
        "1.000 IQD",
        "1/1310",
        "USD",
        "down 0.00 USD | up 0.01 USD | half-even 0.00 USD | half-up 0.00 USD",
    );
    check(
        "6.549 IQD",
        "1/1310",
        "USD",
        "down 0.00 USD | up 0.01 USD | half-even 0.00 USD | half-up 0.00 USD",
    );
    // Exactly half a cent.
    check(
        "6.550 IQD",
        "1/1310",
        "USD",
        "down 0.00 USD | up 0.01 USD | half-even 0.00 USD | half-up 0.01 USD",
    );
    check(
        "-6.550 IQD",
        "1/1310",
        "USD",
        "down 0.00 USD | up -0.01 USD | half-even 0.00 USD | half-up -0.01 USD",
    );
    check(
        "6.551 IQD",
        "1/1310",
        "USD",
        "down 0.00 USD | up 0.01 USD | half-even 0.01 USD | half-up 0.01 USD",
    );
    // Exactly one and a half cents.
    check(
        "19.650 IQD",
        "1/1310",
        "USD",
        "down 0.01 USD | up 0.02 USD | half-even 0.02 USD | half-up 0.02 USD",
    );
    check(
        "-19.650 IQD",
        "1/1310",
        "USD",
        "down -0.01 USD | up -0.02 USD | half-even -0.02 USD | half-up -0.02 USD",
    );
    // Scale 0 on either side.
    check("1.00 USD", "150/1", "JPY", "150 JPY");
    check(
        "0.01 USD",
        "150/1",
        "JPY",
        "down 1 JPY | up 2 JPY | half-even 2 JPY | half-up 2 JPY",
    );
    check(
        "0.03 USD",
        "150/1",
        "JPY",
        "down 4 JPY | up 5 JPY | half-even 4 JPY | half-up 5 JPY",
    );
    check(
        "1 JPY",
        "1/150",
        "USD",
        "down 0.00 USD | up 0.01 USD | half-even 0.01 USD | half-up 0.01 USD",
    );
    check(
        "1,000 JPY",
        "1/150",
        "USD",
        "down 6.66 USD | up 6.67 USD | half-even 6.67 USD | half-up 6.67 USD",
    );
    // Rates need not be in lowest terms.
    check("1.000 KWD", "325/100", "USD", "3.25 USD");
    check("2.000 KWD", "650/200", "USD", "6.50 USD");
    // Identity rates, and pure scale changes.
    check("1.00 USD", "1/1", "EUR", "1.00 EUR");
    check("1.00 EUR", "1/1", "IQD", "1.000 IQD");
    check(
        "0.001 IQD",
        "1/1",
        "USD",
        "down 0.00 USD | up 0.01 USD | half-even 0.00 USD | half-up 0.00 USD",
    );
    check(
        "0.0001 CLF",
        "1/1",
        "JPY",
        "down 0 JPY | up 1 JPY | half-even 0 JPY | half-up 0 JPY",
    );
    check(
        "0 JPY",
        "340282366920938463463374607431768211455/1",
        "CLF",
        "0.0000 CLF",
    );
    check(
        "1,000,000.00 USD",
        "1000000/1",
        "IRR",
        "1,000,000,000,000.00 IRR",
    );
    // The extremes: common factors cancel before multiplying.
    check(
        MAX_USD,
        "1/1",
        "EUR",
        "1,701,411,834,604,692,317,316,873,037,158,841,057.27 EUR",
    );
    check(
        MIN_USD,
        "1/1",
        "EUR",
        "-1,701,411,834,604,692,317,316,873,037,158,841,057.28 EUR",
    );
    check(
        MAX_USD,
        "340282366920938463463374607431768211455/340282366920938463463374607431768211455",
        "EUR",
        "1,701,411,834,604,692,317,316,873,037,158,841,057.27 EUR",
    );
    check(
        MIN_USD,
        "1/2",
        "USD",
        "-850,705,917,302,346,158,658,436,518,579,420,528.64 USD",
    );
    check(MAX_USD, "1/100", "JPY", "down 17,014,118,346,046,923,173,168,730,371,588,410 JPY | up 17,014,118,346,046,923,173,168,730,371,588,411 JPY | half-even 17,014,118,346,046,923,173,168,730,371,588,411 JPY | half-up 17,014,118,346,046,923,173,168,730,371,588,411 JPY");
}

#[test]
fn convert_errors() {
    check(MAX_USD, "2/1", "USD", OVERFLOW);
    check(MIN_USD, "2/1", "USD", OVERFLOW);
    check(MAX_USD, "1/1", "IQD", OVERFLOW);
    check(
        "170,141,183,460,469,231,731,687,303,715,884,105,727 JPY",
        "1/1",
        "USD",
        OVERFLOW,
    );
    check(
        "2 JPY",
        "340282366920938463463374607431768211455/1",
        "JPY",
        OVERFLOW,
    );
    // The exact result is i128::MIN in magnitude: it fits only when negative.
    check(MIN_USD, "1/1", "USD", MIN_USD);
    check(
        "1,701,411,834,604,692,317,316,873,037,158,841,057.27 USD",
        "1000000/999999",
        "USD",
        OVERFLOW,
    );
}

/// Makes a rate and renders it as `n/d` or `error: ...`.
#[track_caller]
fn check_rate(numerator: u128, denominator: u128, expected: &str) {
    let actual = match Rate::new(numerator, denominator) {
        Ok(rate) => {
            assert_eq!(
                (rate.numerator(), rate.denominator()),
                (numerator, denominator)
            );
            rate.to_string()
        }
        Err(error) => format!("error: {error}"),
    };
    assert_eq!(actual, expected, "Rate::new({numerator}, {denominator})");
}

#[test]
fn rate() {
    check_rate(1310, 1, "1310/1");
    check_rate(1, 1310, "1/1310");
    check_rate(2, 4, "2/4");
    check_rate(u128::MAX, u128::MAX, &format!("{0}/{0}", u128::MAX));
    check_rate(
        1,
        0,
        "error: invalid rate 1/0: the denominator must not be zero",
    );
    check_rate(
        0,
        0,
        "error: invalid rate 0/0: the denominator must not be zero",
    );
    check_rate(
        0,
        7,
        "error: invalid rate 0/7: the numerator must not be zero",
    );
}

#[test]
fn greatest_common_divisor_cases() {
    assert_eq!(greatest_common_divisor(0, 0), 0);
    assert_eq!(greatest_common_divisor(0, 5), 5);
    assert_eq!(greatest_common_divisor(5, 0), 5);
    assert_eq!(greatest_common_divisor(12, 18), 6);
    assert_eq!(greatest_common_divisor(17, 5), 1);
    assert_eq!(greatest_common_divisor(u128::MAX, u128::MAX), u128::MAX);
    assert_eq!(reduce(0, 0), (0, 0));
    assert_eq!(reduce(0, 9), (0, 1));
    assert_eq!(reduce(650, 200), (13, 4));
}

fn any_rounding() -> impl Strategy<Value = Rounding> {
    proptest::sample::select(ROUNDINGS.map(|(rounding, _)| rounding).to_vec())
}

/// Two currencies with the same scale (possibly the same currency).
fn same_scale_currencies() -> impl Strategy<Value = (Currency, Currency)> {
    any_currency().prop_flat_map(|from| {
        let peers: Vec<Currency> = Currency::all()
            .iter()
            .copied()
            .filter(|to| to.scale() == from.scale())
            .collect();
        (Just(from), proptest::sample::select(peers))
    })
}

/// The exact conversion result as a fraction of `to` minor units, with magnitudes:
/// `(|amount| * numerator * 10^to.scale, denominator * 10^from.scale)`.
///
/// The inputs are small enough for every product to fit.
fn exact_fraction(amount_minor: i128, rate: Rate, from: Currency, to: Currency) -> (u128, u128) {
    let numerator = amount_minor
        .unsigned_abs()
        .checked_mul(rate.numerator())
        .and_then(|product| product.checked_mul(10_u128.pow(u32::from(to.scale()))))
        .unwrap();
    let denominator = rate
        .denominator()
        .checked_mul(10_u128.pow(u32::from(from.scale())))
        .unwrap();
    (numerator, denominator)
}

proptest! {
    #[test]
    fn unit_rate_between_same_scale_currencies_is_identity(
        amount_minor in any_amount_minor(),
        (from, to) in same_scale_currencies(),
        unit in prop_oneof![Just(1_u128), 1_u128..=u128::MAX],
        rounding in any_rounding(),
    ) {
        let rate = Rate::new(unit, unit).unwrap();
        let converted = Money::from_minor(amount_minor, from).convert(rate, to, rounding);
        prop_assert_eq!(converted, Ok(Money::from_minor(amount_minor, to)));
    }

    #[test]
    fn rounding_modes_bracket_the_exact_value(
        amount_minor in -1_000_000_000_000_000_i128..=1_000_000_000_000_000,
        numerator in 1_u128..=1_000_000,
        denominator in 1_u128..=1_000_000,
        from in any_currency(),
        to in any_currency(),
    ) {
        let rate = Rate::new(numerator, denominator).unwrap();
        let money = Money::from_minor(amount_minor, from);
        let (exact_numerator, exact_denominator) = exact_fraction(amount_minor, rate, from, to);
        let magnitude = |rounding| {
            let converted = money.convert(rate, to, rounding).unwrap();
            prop_assert_eq!(converted.currency(), to);
            // The sign is the amount's, or the result is zero.
            prop_assert!(converted.amount_minor() == 0 || (converted.amount_minor() < 0) == (amount_minor < 0));
            Ok(converted.amount_minor().unsigned_abs())
        };
        let down = magnitude(Rounding::Down)?;
        let up = magnitude(Rounding::Up)?;
        // Down never exceeds the exact value, and is the largest integer that does not.
        prop_assert!(down.checked_mul(exact_denominator).unwrap() <= exact_numerator);
        prop_assert!(down.checked_add(1).unwrap().checked_mul(exact_denominator).unwrap() > exact_numerator);
        // Up is Down, plus one unless the conversion is exact.
        let exact = down.checked_mul(exact_denominator).unwrap() == exact_numerator;
        prop_assert_eq!(up, if exact { down } else { down.checked_add(1).unwrap() });
        // The two half modes pick the nearer of the two, and differ only on a tie.
        let twice_numerator = exact_numerator.checked_mul(2).unwrap();
        let twice_down = down.checked_mul(2).unwrap().checked_mul(exact_denominator).unwrap();
        let twice_up = up.checked_mul(2).unwrap().checked_mul(exact_denominator).unwrap();
        let distance_down = twice_numerator.checked_sub(twice_down).unwrap();
        let distance_up = twice_up.checked_sub(twice_numerator).unwrap();
        let half_up = magnitude(Rounding::HalfUp)?;
        let half_even = magnitude(Rounding::HalfEven)?;
        let nearer = match distance_down.cmp(&distance_up) {
            _ if exact => Some(down),
            std::cmp::Ordering::Less => Some(down),
            std::cmp::Ordering::Greater => Some(up),
            std::cmp::Ordering::Equal => None,
        };
        match nearer {
            Some(nearer) => {
                prop_assert_eq!(half_up, nearer);
                prop_assert_eq!(half_even, nearer);
            }
            None => {
                prop_assert_eq!(half_up, up);
                prop_assert_eq!(half_even % 2, 0);
            }
        }
    }

    #[test]
    fn convert_never_panics(
        amount_minor in any_amount_minor(),
        numerator in prop_oneof![1_u128..=1_000_000, 1_u128..=u128::MAX],
        denominator in prop_oneof![1_u128..=1_000_000, 1_u128..=u128::MAX],
        from in any_currency(),
        to in any_currency(),
        rounding in any_rounding(),
    ) {
        let rate = Rate::new(numerator, denominator).unwrap();
        match Money::from_minor(amount_minor, from).convert(rate, to, rounding) {
            Ok(converted) => prop_assert_eq!(converted.currency(), to),
            Err(error) => prop_assert_eq!(error, MoneyError::Overflow { operation: MoneyOperation::Convert }),
        }
    }
}
