use super::*;

/// Looks `text` up in `edition` and renders `code [section] description`, `absent`, or
/// `error: <message>` when the text is not a code.
#[track_caller]
fn check(edition: HsEdition, text: &str, expected: &str) {
    let actual = match HsCode::parse(text) {
        Ok(code) => match hs_lookup(edition, &code) {
            Some(entry) => format!(
                "{} [{}] {}",
                entry.code(),
                entry.section().map_or("-", HsSection::numeral),
                entry.description()
            ),
            None => "absent".to_owned(),
        },
        Err(error) => format!("error: {error}"),
    };
    assert_eq!(actual, expected, "{edition} {text}");
}

#[test]
fn embedded_files_parse_fully() {
    let sections = parse_sections(SECTIONS_CSV).expect("sections parse");
    assert_eq!(sections.len(), 21);
    assert_eq!(
        sections[6].name(),
        "Plastics and articles thereof; rubber and articles thereof"
    );

    let hs2022 = parse_nomenclature("hs2022", HS2022_CSV, &sections).expect("HS2022 parses");
    assert_eq!(hs2022.records, 6_940);
    let count = |nomenclature: &Nomenclature, level: HsLevel| {
        nomenclature
            .entries
            .iter()
            .filter(|entry| entry.code.level() == level)
            .count()
    };
    assert_eq!(count(&hs2022, HsLevel::Chapter), 97);
    assert_eq!(count(&hs2022, HsLevel::Heading), 1_229);
    assert_eq!(count(&hs2022, HsLevel::Subheading), 5_613);

    let hs2017 = parse_nomenclature("hs2017", HS2017_CSV, &sections).expect("HS2017 parses");
    // 6,710 data rows: 97 chapters, 1,223 headings, 5,388 subheadings, the total row and a
    // final row of empty fields.
    assert_eq!(hs2017.records, 6_710);
    assert_eq!(count(&hs2017, HsLevel::Chapter), 97);
    assert_eq!(count(&hs2017, HsLevel::Heading), 1_223);
    assert_eq!(count(&hs2017, HsLevel::Subheading), 5_388);

    // The statics hold the same data.
    assert_eq!(hs_sections().len(), 21);
    assert_eq!(hs_entries(HsEdition::Hs2022).len(), 6_939);
    assert_eq!(hs_entries(HsEdition::Hs2017).len(), 6_708);
}

#[test]
fn lookups() {
    check(HsEdition::Hs2022, "01", "01 [I] Animals; live");
    check(HsEdition::Hs2017, "01", "01 [I] Animals; live");
    check(
        HsEdition::Hs2022,
        "2709",
        "2709 [V] Petroleum oils and oils obtained from bituminous minerals; crude",
    );
    check(
        HsEdition::Hs2022,
        "99",
        "99 [-] Commodities not specified according to kind",
    );
    check(HsEdition::Hs2022, "77", "absent");
    // 8524 was deleted in HS2007 and reused in HS2022 for flat panel display modules.
    check(
        HsEdition::Hs2022,
        "8524",
        "8524 [XVI] Flat panel display modules, whether or not incorporating touch-sensitive screens",
    );
    check(HsEdition::Hs2017, "8524", "absent");
    check(
        HsEdition::Hs2022,
        "TOTAL",
        "error: HS code \"TOTAL\" is not 2, 4 or 6 ASCII digits",
    );
}

#[test]
fn sections_and_chapters() {
    let code = HsCode::parse("010121").expect("valid");
    assert_eq!(
        section_of(&code).map(HsSection::name),
        Some("live animals; animal products")
    );
    assert_eq!(section_of(&code).map(HsSection::number), Some(1));
    assert_eq!(
        chapter(HsEdition::Hs2022, &code).map(HsEntry::description),
        Some("Animals; live")
    );
    let heading = hs_lookup(HsEdition::Hs2022, &code).and_then(HsEntry::parent);
    assert_eq!(
        heading.map(|code| code.to_string()),
        Some("0101".to_owned())
    );
    let steel = HsCode::parse("7214").expect("valid");
    assert_eq!(section_of(&steel).map(HsSection::numeral), Some("XV"));
    assert_eq!(section_of(&HsCode::parse("99").expect("valid")), None);
    assert_eq!(HsEdition::Hs2017.comtrade_code(), "H5");
}

/// Renders a parsed code or the error.
fn render(result: Result<HsCode, ReferenceError>) -> String {
    match result {
        Ok(code) => format!("{code} {:?}", code.level()),
        Err(error) => format!("error: {error}"),
    }
}

#[test]
fn parse_is_strict() {
    assert_eq!(render(HsCode::parse("01")), "01 Chapter");
    assert_eq!(render(HsCode::parse("0101")), "0101 Heading");
    assert_eq!(render(HsCode::parse("010121")), "010121 Subheading");
    for text in [
        "", "1", "10121", "0101 ", " 01", "01.01", "0101211", "ab", "٠١",
    ] {
        assert_eq!(
            render(HsCode::parse(text)),
            format!("error: HS code {text:?} is not 2, 4 or 6 ASCII digits")
        );
    }
}

#[test]
fn from_comtrade_repairs_leading_zero() {
    assert_eq!(render(HsCode::from_comtrade("10121")), "010121 Subheading");
    assert_eq!(render(HsCode::from_comtrade("101")), "0101 Heading");
    assert_eq!(render(HsCode::from_comtrade("1")), "01 Chapter");
    assert_eq!(render(HsCode::from_comtrade(" 8542 ")), "8542 Heading");
    assert_eq!(render(HsCode::from_comtrade("271012")), "271012 Subheading");
    assert_eq!(
        render(HsCode::from_comtrade("TOTAL")),
        "error: HS code \"TOTAL\" is not 2, 4 or 6 ASCII digits"
    );
    assert_eq!(
        render(HsCode::from_comtrade("1012100")),
        "error: HS code \"1012100\" is not 2, 4 or 6 ASCII digits"
    );
}

#[test]
fn malformed_nomenclature_names_line_and_field() {
    let sections = parse_sections(SECTIONS_CSV).expect("sections parse");
    let text =
        "section,hscode,description,parent,level\nI,01,Animals; live,TOTAL,2\nI,0101,Horses,02,4\n";
    let error = parse_nomenclature("test.csv", text, &sections).err();
    assert_eq!(
        error.map(|error| error.to_string()),
        Some("test.csv line 3, field parent: \"02\" is not the code one level up".to_owned())
    );
}
