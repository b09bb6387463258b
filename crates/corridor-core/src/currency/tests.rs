use super::*;

/// Looks `code` up and renders the result as `CODE scale N` or `error: ...`.
#[track_caller]
fn check(code: &str, expected: &str) {
    let actual = match Currency::from_code(code) {
        Ok(currency) => format!("{currency} scale {}", currency.scale()),
        Err(error) => format!("error: {error}"),
    };
    assert_eq!(actual, expected, "from_code({code:?})");
}

#[test]
fn from_code() {
    check("USD", "USD scale 2");
    check("EUR", "EUR scale 2");
    check("GBP", "GBP scale 2");
    check("CHF", "CHF scale 2");
    check("JPY", "JPY scale 0");
    check("CNY", "CNY scale 2");
    check("AED", "AED scale 2");
    check("SAR", "SAR scale 2");
    check("KWD", "KWD scale 3");
    check("BHD", "BHD scale 3");
    check("OMR", "OMR scale 3");
    check("JOD", "JOD scale 3");
    check("IQD", "IQD scale 3");
    check("IRR", "IRR scale 2");
    check("TRY", "TRY scale 2");
    check("RUB", "RUB scale 2");
    check("INR", "INR scale 2");
    check("KRW", "KRW scale 0");
    check("AFN", "AFN scale 2");
    check("PKR", "PKR scale 2");
    check("SYP", "SYP scale 2");
    check("LBP", "LBP scale 2");
    check("QAR", "QAR scale 2");
    check("EGP", "EGP scale 2");
    check("AZN", "AZN scale 2");
    check("AMD", "AMD scale 2");
    check("TMT", "TMT scale 2");
    check("CLF", "CLF scale 4");
    check("ZAR", "ZAR scale 2");
}

#[test]
fn from_code_errors() {
    let expected = |code: &str| {
        format!(
            "error: unknown currency code {code:?}: expected three upper-case letters of a \
             currency in the ISO 4217 table"
        )
    };
    for code in [
        "", "usd", "Usd", "US", "USDX", " USD", "USD ", "XAU", "XYZ", "AAA", "ZZZ", "€",
    ] {
        check(code, &expected(code));
    }
}

#[test]
fn table_is_sorted_and_unique() {
    let codes: Vec<&str> = Currency::all().iter().map(Currency::code).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(codes, sorted);
}

#[test]
fn every_table_entry_is_found() {
    for currency in Currency::all() {
        assert_eq!(Currency::from_code(currency.code()), Ok(*currency));
    }
}

#[test]
fn constants_match_the_table() {
    let constants = [
        (Currency::USD, "USD"),
        (Currency::EUR, "EUR"),
        (Currency::IQD, "IQD"),
        (Currency::IRR, "IRR"),
        (Currency::JPY, "JPY"),
        (Currency::KWD, "KWD"),
    ];
    for (constant, code) in constants {
        assert_eq!(Currency::from_code(code), Ok(constant));
    }
}

#[test]
fn display_and_debug() {
    assert_eq!(Currency::IQD.to_string(), "IQD");
    assert_eq!(format!("{:>5}|", Currency::IQD), "  IQD|");
    assert_eq!(format!("{:?}", Currency::IQD), "IQD");
}
