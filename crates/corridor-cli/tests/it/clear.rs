//! `corridor clear`: the methods from files, and bad input named by file, line and column.

use serde_json::Value;

use crate::run;

const PARTIES: &str = "id,country,kind,name\n\
    IR-IMP,IRN,trader,Tehran importer\n\
    IR-EXP,IRN,trader,Tabriz exporter\n\
    IQ-IMP,IRQ,trader,Basra importer\n\
    IQ-EXP,IRQ,trader,Baghdad exporter\n";

/// The two-country case: importers on both sides owe exporters across the border, and a
/// domestic debt on each side closes the loop.
const OBLIGATIONS: &str = "id,debtor,creditor,amount,currency,due_date\n\
    1,IR-IMP,IQ-EXP,1000.00,USD,2024-05-01\n\
    2,IQ-IMP,IR-EXP,800.00,USD,2024-05-02\n\
    3,IQ-EXP,IQ-IMP,500.00,USD,2024-05-03\n\
    4,IR-EXP,IR-IMP,700.00,USD,2024-05-03\n";

fn files(dir: &std::path::Path, obligations: &str) -> (String, String) {
    let parties = dir.join("parties.csv");
    let debts = dir.join("obligations.csv");
    std::fs::write(&parties, PARTIES).unwrap();
    std::fs::write(&debts, obligations).unwrap();
    (
        parties.to_str().unwrap().to_owned(),
        debts.to_str().unwrap().to_owned(),
    )
}

#[test]
fn each_method_reports_what_it_discharges_and_what_crosses_the_border() {
    let dir = tempfile::tempdir().unwrap();
    let (parties, obligations) = files(dir.path(), OBLIGATIONS);
    let output = run(&[
        "clear",
        "--parties",
        &parties,
        "--obligations",
        &obligations,
        "--format",
        "json",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let method = |name: &str| {
        results
            .iter()
            .find(|r| r["method"] == name)
            .unwrap()
            .clone()
    };
    let netting = method("netting");
    assert_eq!(netting["total_debt"]["USD"], "3000.00");
    assert_eq!(
        netting["cash_moved"]["USD"], "3000.00",
        "no pair owes both ways"
    );
    let multilateral = method("multilateral");
    // Net positions: IR-IMP -300, IR-EXP +100, IQ-IMP -300, IQ-EXP +500; 200 crosses.
    assert_eq!(multilateral["cash_moved"]["USD"], "600.00");
    assert_eq!(multilateral["cash_cross_border"]["USD"], "200.00");
    let setoff = method("setoff");
    // The four-party cycle carries 500 (its smallest debt) with no cash at all.
    assert_eq!(setoff["discharged"]["USD"], "2000.00");
    assert_eq!(setoff["cash_moved"]["USD"], "0.00");
    assert_eq!(setoff["certificates_checked"], 1);
    let first = &setoff["obligations"][0];
    assert_eq!(first["remaining"], "500.00");
    assert!(first["path"][0]
        .as_str()
        .unwrap()
        .contains("IR-IMP → IQ-EXP → IQ-IMP → IR-EXP"));
}

#[test]
fn bad_obligations_are_named_by_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let (parties, obligations) = files(
        dir.path(),
        "id,debtor,creditor,amount,currency,due_date\n\
         1,IR-IMP,IQ-EXP,10.00,USD,2024-05-01\n\
         2,IR-IMP,NOBODY,10.00,USD,2024-05-01\n",
    );
    let output = run(&[
        "clear",
        "--parties",
        &parties,
        "--obligations",
        &obligations,
    ]);
    assert!(!output.status.success());
    let error = String::from_utf8(output.stderr).unwrap();
    assert!(
        error.contains("obligations.csv line 3, column creditor"),
        "{error}"
    );
    assert!(error.contains("NOBODY"), "{error}");

    let (parties, obligations) = files(
        dir.path(),
        "id,debtor,creditor,amount,currency,due_date\n1,IR-IMP,IR-IMP,10.00,USD,2024-05-01\n",
    );
    let output = run(&[
        "clear",
        "--parties",
        &parties,
        "--obligations",
        &obligations,
    ]);
    let error = String::from_utf8(output.stderr).unwrap();
    assert!(
        error.contains("line 2") && error.contains("itself"),
        "{error}"
    );
}

#[test]
fn the_bench_clears_each_model_end_to_end() {
    for model in ["uniform", "corridor", "supply"] {
        let output = run(&[
            "clear",
            "bench",
            "--parties",
            "300",
            "--obligations",
            "3000",
            "--model",
            model,
        ]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let result: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(result["model"], model);
        assert_eq!(result["obligations"], 3000);
        let debt: i128 = result["debt_cents"].as_str().unwrap().parse().unwrap();
        let discharged: i128 = result["discharged_cents"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            0 < discharged && discharged < debt,
            "{model}: {discharged} of {debt}"
        );
        assert!(result["cycles"].as_u64().unwrap() > 0);
    }
}

#[test]
fn obligations_may_come_as_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let (parties, _) = files(dir.path(), OBLIGATIONS);
    let jsonl = dir.path().join("obligations.jsonl");
    let lines: Vec<String> = OBLIGATIONS
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            format!(
                r#"{{"id":"{}","debtor":"{}","creditor":"{}","amount":"{}","currency":"{}","due_date":"{}"}}"#,
                f[0], f[1], f[2], f[3], f[4], f[5]
            )
        })
        .collect();
    std::fs::write(&jsonl, lines.join("\n")).unwrap();
    let output = run(&[
        "clear",
        "--parties",
        &parties,
        "--obligations",
        jsonl.to_str().unwrap(),
        "--method",
        "setoff",
        "--format",
        "json",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(result["discharged"]["USD"], "2000.00");
}

#[test]
fn liquidity_lets_a_chain_clear_with_cash() {
    let dir = tempfile::tempdir().unwrap();
    // A chain with no cycle: IR-IMP owes IR-EXP, who owes IQ-EXP. Set-off alone discharges
    // nothing; with 100 of liquidity at IR-IMP, both debts are discharged: 100 of cash
    // passes from IR-IMP to IQ-EXP and IR-EXP's debt is set off against its claim.
    let (parties, obligations) = files(
        dir.path(),
        "id,debtor,creditor,amount,currency,due_date\n\
         1,IR-IMP,IR-EXP,100.00,USD,2024-05-01\n\
         2,IR-EXP,IQ-EXP,100.00,USD,2024-05-01\n",
    );
    let liquidity = dir.path().join("liquidity.csv");
    std::fs::write(&liquidity, "party,amount,currency\nIR-IMP,100.00,USD\n").unwrap();
    let output = run(&[
        "clear",
        "--parties",
        &parties,
        "--obligations",
        &obligations,
        "--liquidity",
        liquidity.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let method = |name: &str| {
        results
            .iter()
            .find(|r| r["method"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(method("setoff")["discharged"]["USD"], "0.00");
    let with_cash = method("setoff+liquidity");
    assert_eq!(with_cash["discharged"]["USD"], "200.00");
    assert_eq!(with_cash["cash_moved"]["USD"], "100.00");
    assert_eq!(with_cash["cash_cross_border"]["USD"], "100.00");

    std::fs::write(&liquidity, "party,amount,currency\nNOBODY,1.00,USD\n").unwrap();
    let output = run(&[
        "clear",
        "--parties",
        &parties,
        "--obligations",
        &obligations,
        "--liquidity",
        liquidity.to_str().unwrap(),
    ]);
    let error = String::from_utf8(output.stderr).unwrap();
    assert!(
        error.contains("liquidity.csv line 2, column party"),
        "{error}"
    );
}
