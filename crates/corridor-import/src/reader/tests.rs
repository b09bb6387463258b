use proptest::prelude::*;

use super::*;

/// The 47 columns of the current layout, as Comtrade Plus writes them.
const CURRENT_HEADER: &str = "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,classificationCode,classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,customsDesc,mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,altQtyUnitAbbr,altQty,isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,legacyEstimationFlag,isReported,isAggregate";

/// The 35 columns of the legacy layout.
const LEGACY_HEADER: &str = "Classification,Year,Period,Period Desc.,Aggregate Level,Is Leaf Code,Trade Flow Code,Trade Flow,Reporter Code,Reporter,Reporter ISO,Partner Code,Partner,Partner ISO,2nd Partner Code,2nd Partner,2nd Partner ISO,Customs Proc. Code,Customs,Mode of Transport Code,Mode of Transport,Commodity Code,Commodity,Qty Unit Code,Qty Unit,Qty,Alt Qty Unit Code,Alt Qty Unit,Alt Qty,Netweight (kg),Gross weight (kg),Trade Value (US$),CIF Trade Value (US$),FOB Trade Value (US$),Flag";

/// Reads `input` and renders the header error, or one line per row (the row, or
/// `error: <message>`).
#[track_caller]
fn check(input: &[u8], expected: &str) {
    let actual = match ComtradeReader::new("test.csv", input) {
        Err(error) => format!("error: {error}"),
        Ok(reader) => {
            let layout = reader.layout();
            let mut lines = vec![format!("{layout:?}")];
            lines.extend(reader.map(|row| match row {
                Ok(row) => render(&row),
                Err(error) => format!("error: {error}"),
            }));
            lines.join("\n")
        }
    };
    assert_eq!(actual, expected);
}

fn render(row: &ComtradeRow) -> String {
    let country =
        |country: &CountryRef| format!("{}/{}", country.code, country.alpha3.unwrap_or("-"));
    let commodity = match &row.commodity {
        Commodity::Hs(code) => format!("HS {code}"),
        Commodity::Total => "TOTAL".to_owned(),
        Commodity::Ebops(code) => format!("EBOPS {code}"),
    };
    format!(
        "line {}: {:?} {:?} {:?} {}{} {} -> {} {:?} {} {} kg={} cents={}",
        row.line,
        row.layout,
        row.type_code,
        row.frequency,
        row.year,
        row.month
            .map_or(String::new(), |month| format!("-{month:02}")),
        country(&row.reporter),
        country(&row.partner),
        row.flow,
        commodity,
        row.classification,
        row.net_weight_kg
            .map_or("-".to_owned(), |kg| kg.to_string()),
        row.value_usd_cents,
    )
}

/// A current-layout data row with every field quoted, as the real Comtrade downloads have it.
fn current_row(fields: &[(&str, &str)]) -> String {
    CURRENT_HEADER
        .split(',')
        .map(|column| {
            let value = fields
                .iter()
                .find(|(name, _)| *name == column)
                .map_or("", |(_, value)| value);
            format!("\"{value}\"")
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn current_layout_with_every_quirk() {
    let mut input = b"\xEF\xBB\xBF".to_vec();
    input.extend_from_slice(CURRENT_HEADER.as_bytes());
    input.extend_from_slice(b"\r\n");
    let usa_to_cote_divoire = current_row(&[
        ("typeCode", "C"),
        ("freqCode", "A"),
        ("refYear", "2022"),
        ("refMonth", "52"),
        ("reporterCode", "842"),
        ("flowCode", "X"),
        ("partnerCode", "384"),
        ("partnerDesc", "C@te d'Ivoire"),
        ("classificationCode", "H6"),
        ("cmdCode", "TOTAL"),
        ("motCode", "0 "),
        ("primaryValue", "7903767147.0"),
        ("netWgt", "1200.0"),
    ]);
    // Latin-1: the single byte 0xF4 for "ô".
    input.extend(
        usa_to_cote_divoire
            .bytes()
            .map(|b| if b == b'@' { 0xF4 } else { b }),
    );
    input.extend_from_slice(b",\r\n");
    let india_from_world = current_row(&[
        ("typeCode", "C"),
        ("freqCode", "M"),
        ("refYear", "2023.0"),
        ("refMonth", "5.0"),
        ("reporterCode", "699"),
        ("flowCode", "RM"),
        ("partnerCode", "0"),
        ("classificationCode", "H5 "),
        ("cmdCode", "10121 "),
        ("primaryValue", "123.45"),
    ]);
    input.extend_from_slice(india_from_world.as_bytes());
    input.extend_from_slice(b",\r\n");
    let iran_services_to_iraq = current_row(&[
        ("typeCode", "S"),
        ("freqCode", "A"),
        ("refYear", "2021"),
        ("refMonth", "99"),
        ("reporterCode", "364"),
        ("flowCode", "M"),
        ("partnerCode", "368"),
        ("classificationCode", "EB10"),
        ("cmdCode", "200"),
        ("primaryValue", "5.10"),
    ]);
    input.extend_from_slice(iran_services_to_iraq.as_bytes());
    input.extend_from_slice(b"\r\n");
    check(
        &input,
        "Current\n\
         line 2: Current Goods Annual 2022 842/USA -> 384/CIV Export TOTAL H6 kg=1200 cents=790376714700\n\
         line 3: Current Goods Monthly 2023-05 699/IND -> 0/- ReImport HS 010121 H5 kg=- cents=12345\n\
         line 4: Current Services Annual 2021 364/IRN -> 368/IRQ Import EBOPS 200 EB10 kg=- cents=510",
    );
}

#[test]
fn columns_are_found_by_name() {
    check(
        b"primaryValue,cmdCode,classificationCode,partnerCode,flowCode,reporterCode,refMonth,refYear,freqCode,typeCode\n\
          1,27,H4,368,RX,251,52,2015,A,C\n\
          2,2709,H4,757,X,579,52,2015,A,C\n",
        "Current\n\
         line 2: Current Goods Annual 2015 251/FRA -> 368/IRQ ReExport HS 27 H4 kg=- cents=100\n\
         line 3: Current Goods Annual 2015 579/NOR -> 757/CHE Export HS 2709 H4 kg=- cents=200",
    );
}

#[test]
fn legacy_layout() {
    let input = format!(
        "{LEGACY_HEADER}\r\n\
         H3,2009,2009,2009,4,1,2,Export,450,Madagascar,MDG,0,World,WLD,,,,,,,,100590,\"Maize (corn), other\",8,kg,1000,,,,1000.0,,2500.5,,,0\r\n\
         H4,2016,201603,March 2016,4,1,1,Re-Import,450,Madagascar,MDG,842,USA,USA,,,,,,,,TOTAL,All,,,,,,,,,7,,,0,\r\n"
    );
    check(
        input.as_bytes(),
        "Legacy\n\
         line 2: Legacy Goods Annual 2009 450/MDG -> 0/- Export HS 100590 H3 kg=1000 cents=250050\n\
         line 3: Legacy Goods Monthly 2016-03 450/MDG -> 842/USA ReImport TOTAL H4 kg=- cents=700",
    );
}

#[test]
fn legacy_layout_without_codes_uses_iso() {
    check(
        b"Classification,Year,Period,Trade Flow,Reporter ISO,Partner ISO,Commodity Code,Trade Value (US$)\n\
          H5,2017,2017,re-export,USA,IRQ,1202,10\n\
          H5,2017,2017,Import,IRN,WLD,1202,10\n\
          H5,2017,2017,Import,WLD,IRN,1202,10\n",
        "Legacy\n\
         line 2: Legacy Goods Annual 2017 842/USA -> 368/IRQ ReExport HS 1202 H5 kg=- cents=1000\n\
         line 3: Legacy Goods Annual 2017 364/IRN -> 0/- Import HS 1202 H5 kg=- cents=1000\n\
         error: test.csv line 4, column Reporter ISO: \"WLD\" is not an ISO 3166-1 alpha-3 country code",
    );
}

#[test]
fn unknown_header_names_missing_columns() {
    check(
        b"typeCode,freqCode,refYear,Year\n",
        "error: test.csv line 1: unknown header: current layout lacks columns refMonth, reporterCode, flowCode, partnerCode, classificationCode, cmdCode, primaryValue; \
         legacy layout lacks columns Classification, Period, Trade Flow, Reporter ISO, Partner ISO, Commodity Code, Trade Value (US$); \
         compact layout lacks columns Reporter Code, Trade Flow Code, Partner Code, Classification, Commodity Code, Value",
    );
    check(
        b"",
        "error: test.csv line 1: unknown header: current layout lacks columns typeCode, freqCode, refYear, refMonth, reporterCode, flowCode, partnerCode, classificationCode, cmdCode, primaryValue; \
         legacy layout lacks columns Classification, Year, Period, Trade Flow, Reporter ISO, Partner ISO, Commodity Code, Trade Value (US$); \
         compact layout lacks columns Year, Reporter Code, Trade Flow Code, Partner Code, Classification, Commodity Code, Value",
    );
}

#[test]
fn row_errors_name_line_column_and_value() {
    check(
        b"typeCode,freqCode,refYear,refMonth,reporterCode,flowCode,partnerCode,classificationCode,cmdCode,netWgt,primaryValue\r\n\
          C,A,2022,52,842,DX,0,H6,TOTAL,,1\r\n\
          C,A,2022,52,842,Exp\xF4rt,0,H6,TOTAL,,1\r\n\
          C,A,2022,52,842,X,0,H6,TOTAL,12.5,1\r\n\
          C,A,2022,52,842,X,0,H6,TOTAL,12,1.5E+3\r\n\
          C,A,2022,52,842,X,0,H6,TOTAL,12,1.0.1\r\n\
          C,A,2022,52,842,X,0,H6,TOTAL,12,1,oops\r\n\
          C,A,2022,52,842,X,0,H6,TOTAL,12\r\n\
          C,A,2022,52,842,X,0,H6,TOTAL,12,1,,\r\n\
          C,M,2022,13,842,X,0,H6,TOTAL,,1\r\n\
          C,A,22,52,842,X,0,H6,TOTAL,,1\r\n\
          C,A,2022,52,0,X,0,H6,TOTAL,,1\r\n\
          C,A,2022,52,842,X,99999,H6,TOTAL,,1\r\n\
          C,A,2022,52,842,X,0,S3,0011,,1\r\n\
          C,A,2022,52,842,X,0,H6,1234567,,1\r\n\
          G,A,2022,52,842,X,0,H6,TOTAL,,1\r\n\
          C,Q,2022,52,842,X,0,H6,TOTAL,,1\r\n\
          C,A,2022,52,842,X,0,H6,TOTAL,0.0,-0.5\r\n",
        "Current\n\
         error: test.csv line 2, column flowCode: \"DX\" is not a flow code (X, M, RX, RM, or the sub-flows MIP, MOP, XIP, XOP)\n\
         error: test.csv line 3, column flowCode: \"Expôrt\" is not a flow code (X, M, RX, RM, or the sub-flows MIP, MOP, XIP, XOP)\n\
         line 4: Current Goods Annual 2022 842/USA -> 0/- Export TOTAL H6 kg=12 cents=100\n\
         error: test.csv line 5, column primaryValue: \"1.5E+3\" is not a US$ amount (digits, one optional point)\n\
         error: test.csv line 6, column primaryValue: \"1.0.1\" is not a US$ amount (digits, one optional point)\n\
         error: test.csv line 7, column #12: \"oops\" is an extra field after the last column (only an empty one, from a trailing comma, is accepted)\n\
         error: test.csv line 8: expected 11 fields, found 10\n\
         error: test.csv line 9: expected 11 fields, found 13\n\
         error: test.csv line 10, column refMonth: \"13\" is not a month (1 to 12)\n\
         error: test.csv line 11, column refYear: \"22\" is not a 4-digit year\n\
         error: test.csv line 12, column reporterCode: \"0\" is World, which cannot report\n\
         error: test.csv line 13, column partnerCode: \"99999\" is not a country code (a whole number)\n\
         error: test.csv line 14, column classificationCode: \"S3\" is not an HS classification (H0 to H6), needed for a commodity code\n\
         error: test.csv line 15, column cmdCode: \"1234567\" is not an HS code of 2, 4 or 6 digits\n\
         error: test.csv line 16, column typeCode: \"G\" is not a type code (C, S)\n\
         error: test.csv line 17, column freqCode: \"Q\" is not a frequency code (A, M)\n\
         line 18: Current Goods Annual 2022 842/USA -> 0/- Export TOTAL H6 kg=0 cents=-50",
    );
}

#[test]
fn legacy_errors() {
    check(
        b"Classification,Year,Period,Trade Flow,Reporter ISO,Partner ISO,Commodity Code,Trade Value (US$)\n\
          H5,2017,2017,Transit,USA,IRQ,1202,10\n\
          H5,2017,201713,Import,USA,IRQ,1202,10\n\
          H5,2017,2017,Import,USA,XXX,1202,10\n",
        "Legacy\n\
         error: test.csv line 2, column Trade Flow: \"Transit\" is not a trade flow (Export, Import, Re-Export, Re-Import)\n\
         error: test.csv line 3, column Period: \"201713\" is not a year (YYYY) or month (YYYYMM)\n\
         error: test.csv line 4, column Partner ISO: \"XXX\" is not an ISO 3166-1 alpha-3 country code",
    );
}

/// Reads everything through [`CrlfToLf`], one `chunk`-sized read at a time.
fn crlf_to_lf(input: &[u8], chunk: usize) -> Vec<u8> {
    let mut reader = CrlfToLf::new(std::io::BufReader::with_capacity(chunk, input));
    let mut output = Vec::new();
    let mut buffer = vec![0; chunk];
    loop {
        let read = reader
            .read(&mut buffer)
            .expect("reading a slice cannot fail");
        if read == 0 {
            return output;
        }
        output.extend_from_slice(&buffer[..read]);
    }
}

#[test]
fn crlf_becomes_lf_across_buffer_boundaries() {
    let input = b"a\r\nb\rc\r\r\n\r";
    for chunk in 1..=input.len() + 1 {
        assert_eq!(crlf_to_lf(input, chunk), b"a\nb\rc\r\n\r", "chunk {chunk}");
    }
}

#[test]
fn lines_count_from_the_header_with_crlf_and_quoted_newlines() {
    check(
        b"primaryValue,cmdCode,classificationCode,partnerCode,flowCode,reporterCode,refMonth,refYear,freqCode,typeCode,cmdDesc\r\n\
          1,27,H4,368,RX,251,52,2015,A,C,\"Mineral\r\nfuels\"\r\n\
          1,27,H4,368,Q,251,52,2015,A,C,\r\n",
        "Current\n\
         line 2: Current Goods Annual 2015 251/FRA -> 368/IRQ ReExport HS 27 H4 kg=- cents=100\n\
         error: test.csv line 4, column flowCode: \"Q\" is not a flow code (X, M, RX, RM, or the sub-flows MIP, MOP, XIP, XOP)",
    );
}

#[test]
fn decode_falls_back_to_latin1() {
    assert_eq!(decode(b"C\xF4te"), "Côte");
    assert_eq!(decode("Côte".as_bytes()), "Côte");
    assert_eq!(decode(b"\xFF\x00"), "\u{ff}\u{0}");
}

proptest! {
    #[test]
    fn byte_soup_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(reader) = ComtradeReader::new("soup", bytes.as_slice()) {
            for _row in reader {}
        }
    }

    #[test]
    fn rows_of_soup_after_a_valid_header_never_panic(
        bytes in proptest::collection::vec(
            prop_oneof![any::<u8>(), Just(b','), Just(b'"'), Just(b'\n'), Just(b'.'), Just(b'0'), Just(b'7')],
            0..512,
        ),
        legacy in any::<bool>(),
    ) {
        let mut input = if legacy { LEGACY_HEADER } else { CURRENT_HEADER }.as_bytes().to_vec();
        input.push(b'\n');
        input.extend_from_slice(&bytes);
        let reader = ComtradeReader::new("soup", input.as_slice()).expect("valid header");
        for _row in reader {}
    }
}
