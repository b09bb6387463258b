use super::*;

/// Parses a month name and renders `number transliteration persian`, or `error: <message>`.
#[track_caller]
fn check(text: &str, expected: &str) {
    let actual = match text.parse::<SolarHijriMonth>() {
        Ok(month) => format!("{} {month} {}", month.number(), month.persian()),
        Err(error) => format!("error: {error}"),
    };
    assert_eq!(actual, expected, "{text}");
}

#[test]
fn names() {
    check("Farvardin", "1 Farvardin فروردین");
    check("Ordibehesht", "2 Ordibehesht اردیبهشت");
    check("Khordad", "3 Khordad خرداد");
    check("Tir", "4 Tir تیر");
    check("Mordad", "5 Mordad مرداد");
    check("Shahrivar", "6 Shahrivar شهریور");
    check("Mehr", "7 Mehr مهر");
    check("Aban", "8 Aban آبان");
    check("Azar", "9 Azar آذر");
    check("Dey", "10 Dey دی");
    check("Bahman", "11 Bahman بهمن");
    check("Esfand", "12 Esfand اسفند");
}

#[test]
fn variants_and_case() {
    check("farvardin", "1 Farvardin فروردین");
    check("FARVARDIN", "1 Farvardin فروردین");
    check("Ordibehest", "2 Ordibehesht اردیبهشت");
    check("ordibahesht", "2 Ordibehesht اردیبهشت");
    check("Amordad", "5 Mordad مرداد");
    check("amordad", "5 Mordad مرداد");
    check("امرداد", "5 Mordad مرداد");
    check("Shahrivar", "6 Shahrivar شهریور");
    check("Mihr", "7 Mehr مهر");
    check("Dei", "10 Dey دی");
    check("Isfand", "12 Esfand اسفند");
    check("اسفند", "12 Esfand اسفند");
    // Persian script written with Arabic yeh (U+064A) and kaf (U+0643).
    check("فروردين", "1 Farvardin فروردین");
    check("دي", "10 Dey دی");
}

#[test]
fn unknown_names() {
    check("", "error: unknown Solar Hijri month name \"\"");
    check(
        "Farvardin ",
        "error: unknown Solar Hijri month name \"Farvardin \"",
    );
    check("March", "error: unknown Solar Hijri month name \"March\"");
    check("1", "error: unknown Solar Hijri month name \"1\"");
    check("Mehrr", "error: unknown Solar Hijri month name \"Mehrr\"");
}

#[test]
fn numbers() {
    for (index, month) in SolarHijriMonth::ALL.into_iter().enumerate() {
        assert_eq!(usize::from(month.number()), index + 1);
        assert_eq!(SolarHijriMonth::from_number(month.number()), Ok(month));
        assert_eq!(month.transliteration().parse(), Ok(month));
        assert_eq!(month.persian().parse(), Ok(month));
        assert_eq!(month.to_string(), month.transliteration());
    }
    for number in [0, 13, 255] {
        assert_eq!(
            SolarHijriMonth::from_number(number)
                .unwrap_err()
                .to_string(),
            format!("month {number} is out of range 1-12")
        );
    }
}

/// The accepted spellings are unambiguous: none names two months.
#[test]
fn spellings_are_unique() {
    let mut spellings: Vec<String> = NAMES
        .iter()
        .flat_map(|(_, transliteration, persian, variants)| {
            [*transliteration, *persian]
                .into_iter()
                .chain(variants.iter().copied())
                .map(str::to_lowercase)
        })
        .collect();
    let count = spellings.len();
    spellings.sort();
    spellings.dedup();
    assert_eq!(spellings.len(), count);
}
