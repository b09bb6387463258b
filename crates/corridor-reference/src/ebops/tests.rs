use super::*;

/// Parses `text` and renders `letter numeric name`, or `error: <message>`.
#[track_caller]
fn check(text: &str, expected: &str) {
    let actual = match EbopsCode::parse(text) {
        Ok(code) => {
            let entry = ebops_lookup(code);
            let numeric = entry.numeric().map_or("-".to_owned(), |n| n.to_string());
            format!("{} {numeric} {}", entry.letter(), entry.name())
        }
        Err(error) => format!("error: {error}"),
    };
    assert_eq!(actual, expected, "{text}");
}

#[test]
fn codes() {
    check("200", "S 200 Total EBOPS 2010 services");
    check("S", "S 200 Total EBOPS 2010 services");
    check("SC", "SC 205 Transport");
    check("205", "SC 205 Transport");
    check("236", "SD 236 Travel");
    check("sd", "SD 236 Travel");
    check(" SE ", "SE 249 Construction");
    check("SJ", "SJ - Other business services");
    check("SL", "SL - Government goods and services n.i.e.");
    check(
        "SM",
        "error: EBOPS code \"SM\" is not an EBOPS 2010 code known here (200, S or SA..SL)",
    );
    check(
        "",
        "error: EBOPS code \"\" is not an EBOPS 2010 code known here (200, S or SA..SL)",
    );
    check(
        "0",
        "error: EBOPS code \"0\" is not an EBOPS 2010 code known here (200, S or SA..SL)",
    );
}

#[test]
fn table_is_consistent() {
    assert_eq!(ebops_entries().len(), 13);
    for (index, entry) in ebops_entries().iter().enumerate() {
        let code = EbopsCode::parse(entry.letter()).expect("letter codes parse");
        assert_eq!(ebops_lookup(code), entry, "{index}");
    }
    assert_eq!(EbopsCode::TOTAL.to_string(), "200");
    assert_eq!(
        EbopsCode::parse("SJ").map(|code| code.to_string()),
        Ok("SJ".to_owned())
    );
}
