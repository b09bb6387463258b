use super::*;

/// Renders a country as `alpha2 alpha3 numeric m49 comtrade name`, or `none`.
#[track_caller]
fn check(country: Option<&Country>, expected: &str) {
    let actual = country.map_or("none".to_owned(), |country| {
        format!(
            "{} {} {} {} {} {}",
            country.alpha2(),
            country.alpha3(),
            country.numeric(),
            country.m49(),
            country.comtrade_code(),
            country.name()
        )
    });
    assert_eq!(actual, expected);
}

#[test]
fn embedded_file_parses_fully() {
    let countries = parse_countries(COUNTRIES_CSV).expect("country-codes.csv parses");
    assert_eq!(countries.len(), 249);
    assert_eq!(super::countries().len(), 249);
}

#[test]
fn corridor_countries() {
    check(
        country_by_alpha2("IR"),
        "IR IRN 364 364 364 Iran (Islamic Republic of)",
    );
    check(
        country_by_alpha3("IRN"),
        "IR IRN 364 364 364 Iran (Islamic Republic of)",
    );
    check(
        country_by_numeric(364),
        "IR IRN 364 364 364 Iran (Islamic Republic of)",
    );
    check(country_by_alpha2("iq"), "IQ IRQ 368 368 368 Iraq");
    check(country_by_alpha3("irq"), "IQ IRQ 368 368 368 Iraq");
    check(country_by_numeric(368), "IQ IRQ 368 368 368 Iraq");
    check(country_by_numeric(156), "CN CHN 156 156 156 China");
    check(
        country_by_numeric(784),
        "AE ARE 784 784 784 United Arab Emirates",
    );
    check(country_by_numeric(792), "TR TUR 792 792 792 Türkiye");
    check(country_by_numeric(4), "AF AFG 4 4 4 Afghanistan");
    assert_eq!(
        country_by_alpha2("IR").map(Country::short_name),
        Some("Iran")
    );
    check(country_by_alpha2("XX"), "none");
    check(country_by_alpha3(""), "none");
    check(country_by_numeric(0), "none");
}

#[test]
fn comtrade_exceptions() {
    check(
        country_by_comtrade_code(842),
        "US USA 840 840 842 United States of America",
    );
    check(country_by_comtrade_code(699), "IN IND 356 356 699 India");
    check(country_by_comtrade_code(251), "FR FRA 250 250 251 France");
    check(
        country_by_comtrade_code(757),
        "CH CHE 756 756 757 Switzerland",
    );
    check(country_by_comtrade_code(579), "NO NOR 578 578 579 Norway");
    // Other codes are ISO numeric; the ISO codes of the five are accepted too.
    check(
        country_by_comtrade_code(364),
        "IR IRN 364 364 364 Iran (Islamic Republic of)",
    );
    check(
        country_by_comtrade_code(840),
        "US USA 840 840 842 United States of America",
    );
    check(country_by_comtrade_code(0), "none");
}
