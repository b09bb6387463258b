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
        // A sample of obligations was explained on demand, by cycles of two or more.
        assert!(result["explain_sample"].as_u64().unwrap() > 0);
        assert!(result["explain_mean_cycles"].as_f64().unwrap() >= 1.0);
        assert!(result["explain_mean_cycle_length"].as_f64().unwrap() >= 2.0);
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

const POOL_PARTIES: &str = "id,country,kind,name\n\
    CBI,IRN,central-bank,Central Bank of Iran\n\
    TBI-POOL,IRQ,restricted-pool,Iranian revenues at an Iraqi bank\n\
    IR-IMP,IRN,trader,\n\
    IR-EXP,IRN,trader,\n\
    IQ-IMP,IRQ,trader,\n\
    IQ-EXP,IRQ,trader,\n";

const POOL_OBLIGATIONS: &str = "id,debtor,creditor,amount,currency,due_date,hs_code\n\
    1,IR-IMP,IQ-EXP,1000000.000,IQD,2024-05-01,1001\n\
    2,IQ-IMP,IR-EXP,400000.000,IQD,2024-05-02,\n\
    3,IQ-EXP,IQ-IMP,500000.000,IQD,2024-05-03,\n\
    4,IR-EXP,IR-IMP,700000.000,IQD,2024-05-03,\n\
    5,IR-IMP,IQ-EXP,300000.000,IQD,2024-05-04,8703\n";

const POOLS: &str = "pool,owner,amount,currency,charge_currency,rate,creditor_countries,creditor_kinds,goods,basic_goods\n\
    TBI-POOL,CBI,500000.000,IQD,IRR,32.5,IRQ,trader,10 30,10 30\n";

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

fn json_lines(output: &std::process::Output) -> Vec<Value> {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn a_pool_pays_eligible_debt_after_set_off_and_the_plan_posts_once() {
    let dir = tempfile::tempdir().unwrap();
    let parties = write(dir.path(), "parties.csv", POOL_PARTIES);
    let obligations = write(dir.path(), "obligations.csv", POOL_OBLIGATIONS);
    let pools = write(dir.path(), "pools.csv", POOLS);
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let args = [
        "clear",
        "--parties",
        &parties,
        "--obligations",
        &obligations,
        "--pools",
        &pools,
        "--method",
        "pool",
        "--format",
        "json",
        "--post",
        "--data",
        data,
    ];
    let lines = json_lines(&run(&args));
    let plan = &lines[0];
    assert_eq!(plan["method"], "pool");
    // Set-off discharges 1,600,000 (two cycles); the pool pays 500,000 of invoice 1 (wheat),
    // not invoice 5 (cars); the importer is charged 500,000 × 32.5 IRR.
    assert_eq!(plan["discharged"]["IQD"], "2100000.000");
    assert_eq!(plan["pooled"]["IQD"], "500000.000");
    assert_eq!(plan["cash_cross_border"]["IQD"], "0.000");
    assert_eq!(plan["pools"][0]["paid"], "500000.000");
    assert_eq!(plan["pools"][0]["charged"], "16250000.00");
    assert_eq!(plan["pools"][0]["rate"], "32.5");
    let first = &plan["obligations"][0];
    assert_eq!(first["method"], "setoff+pool");
    assert_eq!(first["pooled"], "500000.000");
    assert!(first["path"][1]
        .as_str()
        .unwrap()
        .contains("paid from pool TBI-POOL to IQ-EXP"));
    let cars = &plan["obligations"][4];
    assert_eq!(cars["pooled"], "0.000");
    let posted = &lines[1];
    assert_eq!(posted["outcome"], "posted");
    let transfers = posted["transfers"].as_u64().unwrap();
    assert_eq!(transfers, 7);

    // The ledger holds what the plan says: the importer paid 16,250,000 IRR to the central
    // bank, and the pool paid 500,000 IQD to the exporter.
    let accounts = run(&["ledger", "accounts", "--data", data]);
    assert!(
        accounts.status.success(),
        "{}",
        String::from_utf8_lossy(&accounts.stderr)
    );
    let table = String::from_utf8_lossy(&accounts.stdout).into_owned();
    let nets: Vec<&str> = table
        .lines()
        .skip(1)
        .filter_map(|line| line.split_whitespace().nth(3))
        .collect();
    // 16,250,000.00 IRR from the importer to the central bank; 500,000.000 IQD out of the
    // pool; the exporter's net is the pool's payment plus what was set off in its favour.
    assert!(nets.contains(&"-1625000000"), "{table}");
    assert!(nets.contains(&"1625000000"), "{table}");
    assert!(nets.contains(&"-500000000"), "{table}");

    // Posting the same plan again changes nothing.
    let again = json_lines(&run(&args));
    assert_eq!(again[1]["outcome"], "already posted: nothing changed");
    assert_eq!(again[1]["plan"], posted["plan"]);
    let accounts_again = run(&["ledger", "accounts", "--data", data]);
    assert_eq!(accounts.stdout, accounts_again.stdout);
}

#[test]
fn a_bad_pool_is_named_by_file_line_and_column_and_nothing_is_posted() {
    let dir = tempfile::tempdir().unwrap();
    let parties = write(dir.path(), "parties.csv", POOL_PARTIES);
    let obligations = write(dir.path(), "obligations.csv", POOL_OBLIGATIONS);
    let data = dir.path().join("data");
    for (pools, expected) in [
        (
            "pool,owner,amount,currency,charge_currency,rate,creditor_countries,goods\n\
             TBI-POOL,CBI,5.000,IQD,IRR,32.5,IRQ,10 0199\n",
            "pools.csv line 2, column goods",
        ),
        (
            "pool,owner,amount,currency,charge_currency,rate,creditor_countries\n\
             TBI-POOL,CBI,5.000,IQD,IRR,32.5,XYZ\n",
            "pools.csv line 2, column creditor_countries",
        ),
        (
            "pool,owner,amount,currency,charge_currency,rate,creditor_countries\n\
             TBI-POOL,NOBODY,5.000,IQD,IRR,32.5,IRQ\n",
            "pools.csv line 2, column owner",
        ),
        (
            "pool,owner,amount,currency,charge_currency,rate,creditor_countries\n\
             TBI-POOL,CBI,5.000,IQD,IRR,-3,IRQ\n",
            "pools.csv line 2, column rate",
        ),
    ] {
        let pools = write(dir.path(), "pools.csv", pools);
        let output = run(&[
            "clear",
            "--parties",
            &parties,
            "--obligations",
            &obligations,
            "--pools",
            &pools,
            "--post",
            "--data",
            data.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{expected}");
        assert!(stderr.contains(expected), "{expected}: {stderr}");
        assert!(!data.join("ledger").exists(), "nothing was posted");
    }
}

#[test]
fn rates_fixed_for_the_cycle_let_currencies_clear_together() {
    let dir = tempfile::tempdir().unwrap();
    let parties = write(dir.path(), "parties.csv", PARTIES);
    // A cycle through three currencies: 1,000 USD, 1,310,000 IQD and 500 EUR, which at
    // the cycle's rates are 1,310,000, 1,310,000 and 720,500 IQD.
    let obligations = write(
        dir.path(),
        "obligations.csv",
        "id,debtor,creditor,amount,currency,due_date\n\
         1,IR-IMP,IQ-EXP,1000.00,USD,2024-05-01\n\
         2,IQ-EXP,IQ-IMP,1310000.000,IQD,2024-05-01\n\
         3,IQ-IMP,IR-IMP,500.00,EUR,2024-05-01\n",
    );
    let fx = write(
        dir.path(),
        "fx.csv",
        "from,to,rate\nUSD,IQD,1310\nEUR,IQD,1441\n",
    );
    let without = json_lines(&run(&[
        "clear",
        "--parties",
        &parties,
        "--obligations",
        &obligations,
        "--method",
        "setoff",
        "--format",
        "json",
    ]));
    assert_eq!(without[0]["discharged"]["USD"], "0.00");
    assert_eq!(without[0]["discharged"]["IQD"], "0.000");
    let with = json_lines(&run(&[
        "clear",
        "--parties",
        &parties,
        "--obligations",
        &obligations,
        "--method",
        "setoff",
        "--format",
        "json",
        "--fx",
        &fx,
    ]));
    let plan = &with[0];
    assert_eq!(plan["clearing_currency"], "IQD");
    // 720,500 IQD goes round the cycle (three times that discharged): in each obligation's own currency 550 USD,
    // 720,500 IQD and the whole 500 EUR.
    assert_eq!(plan["discharged"]["IQD"], "2161500.000");
    let discharged: Vec<(&str, &str)> = plan["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["discharged"].as_str().unwrap(),
                o["currency"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        discharged,
        [("550.00", "USD"), ("720500.000", "IQD"), ("500.00", "EUR")]
    );

    // A currency with no rate is named by file, line and column.
    let fx = write(dir.path(), "fx.csv", "from,to,rate\nUSD,IQD,1310\n");
    let output = run(&[
        "clear",
        "--parties",
        &parties,
        "--obligations",
        &obligations,
        "--fx",
        &fx,
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("obligations.csv line 4, column currency"),
        "{stderr}"
    );
}

#[test]
fn without_a_parties_file_the_parties_are_inferred() {
    let dir = tempfile::tempdir().unwrap();
    let obligations = write(dir.path(), "obligations.csv", OBLIGATIONS);
    let output = run(&[
        "clear",
        "--obligations",
        &obligations,
        "--method",
        "setoff",
        "--format",
        "json",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let lines = json_lines(&output);
    assert!(stderr.contains("4 parties inferred"), "{stderr}");
    assert_eq!(lines[0]["discharged"]["USD"], "2000.00");
}

/// The example cycle of `docs/examples/clearing`, as its README runs it.
#[test]
fn the_example_cycle_clears_and_posts_as_its_readme_says() {
    let example =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/clearing");
    let file = |name: &str| example.join(name).to_str().unwrap().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (parties, obligations, fx, pools, liquidity) = (
        file("parties.csv"),
        file("obligations.csv"),
        file("fx.csv"),
        file("pools.csv"),
        file("liquidity.csv"),
    );
    let lines = json_lines(&run(&[
        "clear",
        "--parties",
        &parties,
        "--obligations",
        &obligations,
        "--fx",
        &fx,
        "--pools",
        &pools,
        "--liquidity",
        &liquidity,
        "--method",
        "all",
        "--format",
        "json",
        "--post",
        "--data",
        data.to_str().unwrap(),
    ]));
    let methods: Vec<&str> = lines[..5]
        .iter()
        .map(|l| l["method"].as_str().unwrap())
        .collect();
    assert_eq!(
        methods,
        [
            "netting",
            "multilateral",
            "setoff",
            "setoff+liquidity",
            "pool"
        ]
    );
    let discharged = |k: usize| -> f64 {
        lines[k]["discharged"]["IQD"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    // Set-off alone discharges something; the plan with the pool and cash discharges more.
    assert!(discharged(2) > 0.0 && discharged(4) > discharged(2));
    let plan = &lines[4];
    // The pool is spent on eligible goods only, earliest due first: wheat (due 2 May) in
    // full, then medicines (due 3 May); never the car parts.
    let by_id = |id: &str| {
        plan["obligations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(by_id("INV-1004")["pooled"], "262000000.000");
    assert_eq!(by_id("INV-1006")["pooled"], "138000000.000");
    assert_eq!(by_id("INV-1007")["pooled"], "0.000");
    assert_eq!(by_id("INV-1005")["pooled"], "0.000");
    // The dollar and euro invoices are reported in their own currencies.
    assert_eq!(by_id("INV-1012")["currency"], "USD");
    assert_eq!(by_id("INV-1013")["currency"], "EUR");
    assert_eq!(plan["pools"][0]["charged"], "12824000000.00");
    // The last line says the plan was posted.
    assert_eq!(lines[5]["outcome"], "posted");
}

#[test]
fn explain_names_the_obligations_to_explain() {
    let dir = tempfile::tempdir().unwrap();
    let (parties, obligations) = files(dir.path(), OBLIGATIONS);
    let lines = json_lines(&run(&[
        "clear",
        "--parties",
        &parties,
        "--obligations",
        &obligations,
        "--method",
        "setoff",
        "--format",
        "json",
        "--explain",
        "1",
    ]));
    let paths: Vec<usize> = lines[0]["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["path"].as_array().unwrap().len())
        .collect();
    // Obligation 1 is explained (by its cycles), the others are not.
    assert!(paths[0] >= 1, "{paths:?}");
    assert!(paths[1..].iter().all(|&n| n == 0), "{paths:?}");
    let first = lines[0]["obligations"][0]["path"][0].as_str().unwrap();
    assert!(first.contains("(obligations 1,"), "{first}");

    let output = run(&[
        "clear",
        "--parties",
        &parties,
        "--obligations",
        &obligations,
        "--explain",
        "99",
    ]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no obligation \"99\""));
}

/// `clear --post` to a ledger on PostgreSQL: the same plan, the same accounts as on the
/// embedded ledger, and a second post changes nothing. Needs `CORRIDOR_TEST_DATABASE_URL`.
#[test]
fn a_plan_posts_to_postgres_as_to_the_embedded_ledger() {
    use std::io::Write;
    let url = match std::env::var("CORRIDOR_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            let _ = writeln!(
                std::io::stderr(),
                "skipped a_plan_posts_to_postgres_as_to_the_embedded_ledger: CORRIDOR_TEST_DATABASE_URL is not set"
            );
            return;
        }
    };
    let schema = crate::unique_schema("corridor_clear");
    let dir = tempfile::tempdir().unwrap();
    let parties = write(dir.path(), "parties.csv", POOL_PARTIES);
    let obligations = write(dir.path(), "obligations.csv", POOL_OBLIGATIONS);
    let pools = write(dir.path(), "pools.csv", POOLS);
    let embedded = dir.path().join("embedded");
    let embedded = embedded.to_str().unwrap();
    let on_postgres = dir.path().join("postgres");
    let on_postgres = on_postgres.to_str().unwrap();
    let args = |data: &str| {
        [
            "clear",
            "--parties",
            &parties,
            "--obligations",
            &obligations,
            "--pools",
            &pools,
            "--method",
            "pool",
            "--format",
            "json",
            "--post",
            "--data",
            data,
        ]
        .map(str::to_owned)
    };
    let lines = json_lines(&run(&args(embedded).each_ref().map(String::as_str)));
    let posted = |data: &str| {
        let output = crate::corridor()
            .args(args(data))
            .env("CORRIDOR_DATABASE_URL", &url)
            .env("CORRIDOR_DATABASE_SCHEMA", &schema)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        json_lines(&output)
    };
    let first = posted(on_postgres);
    assert_eq!(first[1]["outcome"], "posted");
    assert_eq!(first[1]["plan"], lines[1]["plan"]);
    let again = posted(on_postgres);
    assert_eq!(again[1]["outcome"], "already posted: nothing changed");
    let accounts = crate::corridor()
        .args(["ledger", "accounts", "--json", "--data", on_postgres])
        .env("CORRIDOR_DATABASE_URL", &url)
        .env("CORRIDOR_DATABASE_SCHEMA", &schema)
        .output()
        .unwrap();
    let strip = |text: &[u8]| -> Vec<serde_json::Value> {
        String::from_utf8_lossy(text)
            .lines()
            .map(|line| {
                let mut value: serde_json::Value = serde_json::from_str(line).unwrap();
                value.as_object_mut().unwrap().remove("timestamp");
                value
            })
            .collect()
    };
    assert_eq!(
        strip(&accounts.stdout),
        crate::accounts(std::path::Path::new(embedded))
    );
    if let Ok(mut client) = postgres::Client::connect(&url, postgres::NoTls) {
        let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"));
    }
}
