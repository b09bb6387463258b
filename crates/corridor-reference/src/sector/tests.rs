use super::*;

/// Renders the sector of each `codes` item (an HS code, or an EBOPS code if it does not
/// parse as one) under `map`, joined by `; `.
fn sectors(map: &SectorMap, codes: &[&str]) -> String {
    codes
        .iter()
        .map(|text| {
            let sector = match HsCode::parse(text) {
                Ok(code) => map.sector_of_hs(&code),
                Err(_) => map.sector_of_ebops(&EbopsCode::parse(text).expect("a test code")),
            };
            format!("{text}: {}", sector.map_or("none", Sector::name))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Builds a map from `csv_text` and renders `codes`, or `error: <message>`.
#[track_caller]
fn check(csv_text: &str, codes: &[&str], expected: &str) {
    let actual = match SectorMap::with_overrides(csv_text) {
        Ok(map) => sectors(&map, codes),
        Err(error) => format!("error: {error}"),
    };
    assert_eq!(actual, expected, "{csv_text}");
}

#[test]
fn defaults() {
    let map = SectorMap::default();
    assert_eq!(
        sectors(
            &map,
            &["01", "0901", "2202", "27", "271012", "25", "68", "69", "70", "72"]
        ),
        "01: agriculture; 0901: agriculture; 2202: foodstuff; 27: energy; 271012: energy; \
         25: construction materials; 68: construction materials; 69: construction materials; \
         70: construction materials; 72: construction materials"
    );
    assert_eq!(
        sectors(
            &map,
            &["26", "7308", "29", "3901", "52", "8703", "90", "71", "99", "77"]
        ),
        "26: metals; 7308: metals; 29: chemicals and petrochemicals; \
         3901: chemicals and petrochemicals; 52: textiles; 8703: machinery and vehicles; \
         90: machinery and vehicles; 71: other goods; 99: other goods; 77: none"
    );
    assert_eq!(
        sectors(&map, &["SJ", "SE", "SC", "SD", "SI", "200"]),
        "SJ: engineering and technical services; SE: engineering and technical services; \
         SC: transport services; SD: travel; SI: other services; 200: none"
    );
    // Every chapter of both editions has a sector.
    for edition in HsEdition::ALL {
        for entry in crate::hs_entries(edition) {
            assert!(
                map.sector_of_hs(&entry.code()).is_some(),
                "{}",
                entry.code()
            );
        }
    }
}

#[test]
fn overrides() {
    check(
        "chapter_or_ebops_code,sector\n72,Metals\n# a comment\n\nSI, ICT services \n205,travel\n",
        &["72", "7214", "SI", "SC", "27"],
        "72: metals; 7214: metals; SI: ICT services; SC: travel; 27: energy",
    );
    check("", &["27"], "27: energy");
}

#[test]
fn override_errors_name_the_line() {
    check(
        "chapter_or_ebops_code,sector\n27,energy\n7,energy\n",
        &[],
        "error: sector overrides line 3, field chapter_or_ebops_code: \"7\" is not a 2-digit \
         HS chapter or an EBOPS 2010 main component (SA..SL)",
    );
    check(
        "77,metals\n",
        &[],
        "error: sector overrides line 1, field chapter_or_ebops_code: \"77\" is not an HS chapter",
    );
    check(
        "200,services\n",
        &[],
        "error: sector overrides line 1, field chapter_or_ebops_code: \"200\" is not a 2-digit \
         HS chapter or an EBOPS 2010 main component (SA..SL)",
    );
    check(
        "27,energy\nSJ,  \n",
        &[],
        "error: sector overrides line 2, field sector: \"  \" is empty",
    );
    check(
        "27,energy\n28\n",
        &[],
        "error: sector overrides line 2: expected 2 fields, found 1",
    );
    check(
        "SJ,engineering and technical services\n27,energy\nsj,other services\n",
        &[],
        "error: sector overrides line 3: code \"SJ\" was already given on line 1",
    );
}

#[test]
fn named_matches_standard_sectors() {
    assert_eq!(Sector::named(" Energy "), Sector::ENERGY);
    assert_eq!(Sector::named("ICT services").name(), "ICT services");
}
