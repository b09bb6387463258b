use super::*;

#[track_caller]
fn check(text: &str, integral: Option<u64>, cents: Option<i128>) {
    assert_eq!(parse_integral(text), integral, "parse_integral({text:?})");
    assert_eq!(parse_cents(text), cents, "parse_cents({text:?})");
}

#[test]
fn integers_and_integral_floats() {
    check("842", Some(842), Some(84_200));
    check("842.0", Some(842), Some(84_200));
    check(" 0 ", Some(0), Some(0));
    check("7903767147.0", Some(7_903_767_147), Some(790_376_714_700));
    check("7.000", Some(7), Some(700));
}

#[test]
fn cents() {
    check("123.45", None, Some(12_345));
    check("1.5", None, Some(150));
    check("0.01", None, Some(1));
    check("-2.5", None, Some(-250));
    check("314026861.381", None, Some(31_402_686_138));
    check("0.125", None, Some(12));
    check("0.135", None, Some(14));
    check("0.1251", None, Some(13));
    check("0.12499", None, Some(12));
    check("-0.125", None, Some(-12));
    check("-0.126", None, Some(-13));
    check("1.2300", None, Some(123));
}

#[test]
fn rejected() {
    for text in [
        "", " ", ".", "1.", ".5", "-", "+1", "1e5", "1.5E+10", "1,000", "NaN", "0x10", "1..0",
        "--1",
    ] {
        check(text, None, None);
    }
    check("-1", None, Some(-100));
    check(
        "18446744073709551616",
        None,
        Some(1_844_674_407_370_955_161_600),
    );
    check(&"9".repeat(40), None, None);
}

#[test]
fn scaled_and_grouped() {
    assert_eq!(parse_scaled("1.2345", 3), Some(1234));
    assert_eq!(parse_scaled("1.2355", 3), Some(1236));
    assert_eq!(parse_scaled("442530212.778", 3), Some(442_530_212_778));
    assert_eq!(parse_scaled("7", 3), Some(7000));
    assert_eq!(parse_scaled("-7", 3), None);
    assert_eq!(ungroup("1,250,000.5").as_deref(), Some("1250000.5"));
    assert_eq!(ungroup("999").as_deref(), Some("999"));
    assert_eq!(ungroup("12,50"), None);
    assert_eq!(ungroup(",250"), None);
    assert_eq!(ungroup("1234,567"), None);
    assert_eq!(ungroup("1,234.5,6"), None);
    assert_eq!(decimals_count("1.250"), 3);
    assert_eq!(decimals_count("12"), 0);
}
