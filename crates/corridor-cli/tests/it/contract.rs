//! `corridor contract`: register contracts, apply declarations (in any order, more than
//! once), each contract's history, and bad files refused with file, line and field.

use corridor_core::Currency;
use corridor_settlement::post::{account_id, ledger_of, Holder};

use crate::run;

fn ok(args: &[&str]) -> String {
    let output = run(args);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// A ledger with the pool `POOL` funded with 1,000,000 IQD (it may not go below zero).
fn funded(data: &str) {
    let iqd = Currency::from_code("IQD").unwrap();
    let pool = account_id(&Holder::Party("POOL".to_owned()), iqd);
    let ledger = ledger_of(iqd);
    let events = format!(
        "{{\"op\":\"create_account\",\"id\":\"{pool}\",\"ledger\":{ledger},\"code\":1,\"flags\":[\"debits_must_not_exceed_credits\"]}}\n\
         {{\"op\":\"create_account\",\"id\":\"7\",\"ledger\":{ledger},\"code\":1}}\n\
         {{\"op\":\"create_transfer\",\"id\":\"1\",\"debit_account_id\":\"7\",\"credit_account_id\":\"{pool}\",\"amount\":\"1000000000\",\"ledger\":{ledger},\"code\":1}}\n"
    );
    let file = std::path::Path::new(data).join("funding.jsonl");
    std::fs::write(&file, events).unwrap();
    ok(&["ledger", "apply", "--data", data, file.to_str().unwrap()]);
}

fn write(data: &str, name: &str, text: &str) -> String {
    let path = std::path::Path::new(data).join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

fn contract_json(data: &str, id: &str) -> serde_json::Value {
    serde_json::from_str(&ok(&[
        "contract", "show", id, "--data", data, "--format", "json",
    ]))
    .unwrap()
}

const CONTRACTS: &str =
    "contract,payer,payee,amount,currency,date,deadline,hs_code,crossing,description
K-1,POOL,EXP-A,\"300,000.000\",IQD,2026-11-01,2030-06-30,1006,Mehran,rice
K-2,POOL,EXP-B,\"100,000.000\",IQD,2026-11-01,2030-06-30,0804,Shalamcheh,dates
";

const HEADER: &str =
    "declaration,date,reporter,partner,flow,hs_code,value,currency,value_usd,crossing,contract\n";

#[test]
fn contracts_are_paid_when_their_goods_cross_exactly_once_in_any_order() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    funded(data);
    let contracts = write(data, "contracts.csv", CONTRACTS);
    let out = ok(&["contract", "register", "--data", data, &contracts]);
    assert!(out.contains("K-1: registered and reserved"), "{out}");
    let again = ok(&["contract", "register", "--data", data, &contracts]);
    assert!(
        again.contains("K-1: registered before, unchanged"),
        "{again}"
    );

    // Two shipments for K-1 in two files, loaded in reverse order and twice each; one
    // for K-2 larger than the contract.
    let first = write(
        data,
        "d1.csv",
        &format!(
            "{HEADER}D-1,2026-11-10,IRN,IRQ,export,1006,\"100,000.000\",IQD,76.34,Mehran,K-1\n"
        ),
    );
    let second = write(
        data,
        "d2.csv",
        &format!(
            "{HEADER}D-2,2026-11-12,IRN,IRQ,export,1006,\"150,000.000\",IQD,114.50,Zurbatiyah,K-1\n\
             D-3,2026-11-12,IRN,IRQ,export,0804,\"120,000.000\",IQD,91.60,Shalamcheh,K-2\n"
        ),
    );
    for file in [&second, &first, &second, &first] {
        ok(&["contract", "ship", "--data", data, file]);
    }
    let k1 = contract_json(data, "K-1");
    assert_eq!(k1["status"], "partly paid", "{k1}");
    assert_eq!(k1["paid"], "250000.000");
    assert_eq!(k1["reserved"], "50000.000");
    assert_eq!(k1["history"].as_array().unwrap().len(), 3, "{k1}");
    let k2 = contract_json(data, "K-2");
    assert_eq!(k2["status"], "paid", "{k2}");
    assert_eq!(k2["paid"], "100000.000");

    // The ledger agrees: the payees' accounts hold what the book says.
    let iqd = Currency::from_code("IQD").unwrap();
    let accounts = crate::accounts(dir.path());
    let credits = |party: &str| -> String {
        let id = account_id(&Holder::Party(party.to_owned()), iqd).to_string();
        accounts
            .iter()
            .find(|a| a["id"] == id.as_str())
            .map(|a| a["credits_posted"].as_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    assert_eq!(credits("EXP-A"), "250000000");
    assert_eq!(credits("EXP-B"), "100000000");
    crate::assert_balanced(&accounts);

    let table = ok(&["contract", "list", "--data", data]);
    assert!(
        table.contains("partly paid") && table.contains("K-2"),
        "{table}"
    );
}

#[test]
fn bad_files_are_refused_with_file_line_and_field_and_nothing_is_paid() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    funded(data);
    let contracts = write(data, "contracts.csv", CONTRACTS);
    ok(&["contract", "register", "--data", data, &contracts]);
    let cases = [
        (
            "D-9,2026-11-10,IRN,IRQ,export,1006,1.000,IQD,0.01,Mehran,K-404\n",
            "line 3, field contract",
        ),
        (
            "D-9,2026-11-10,IRN,IRQ,export,1006,1.000,IQD,0.01,Nowhere,K-1\n",
            "line 3, field crossing",
        ),
        (
            "D-9,2026-10-01,IRN,IRQ,export,1006,1.000,IQD,0.01,Mehran,K-1\n",
            "line 3, field date",
        ),
    ];
    for (row, expected) in cases {
        let file = write(
            data,
            "bad.csv",
            &format!("{HEADER}D-8,2026-11-10,IRN,IRQ,export,1006,1.000,IQD,0.01,Mehran,K-2\n{row}"),
        );
        let output = run(&["contract", "ship", "--data", data, &file]);
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("bad.csv") && stderr.contains(expected),
            "{stderr}"
        );
        assert_eq!(contract_json(data, "K-2")["paid"], "0.000");
    }
    // A contract whose payer has no account; a deadline before the date.
    let bad = write(
        data,
        "bad-contracts.csv",
        "contract,payer,payee,amount,currency,date,deadline\nK-3,NOBODY,EXP-C,1.000,IQD,2026-11-01,2030-01-01\n",
    );
    let output = run(&["contract", "register", "--data", data, &bad]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 2, field payer"), "{stderr}");
    let bad = write(
        data,
        "bad-contracts.csv",
        "contract,payer,payee,amount,currency,date,deadline\nK-3,POOL,EXP-C,1.000,IQD,2026-11-01,2026-10-01\n",
    );
    let output = run(&["contract", "register", "--data", data, &bad]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("line 2") && stderr.contains("deadline"),
        "{stderr}"
    );
    let listed = ok(&["contract", "list", "--data", data, "--format", "json"]);
    assert!(!listed.contains("K-3"), "{listed}");
}
