//! The service over the demo corridor: trade reports and targets, clearing runs (submit,
//! explain, post), the dashboard's views, and who sees what.
#![allow(clippy::unwrap_used)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

use corridor_api::{app, AppState, Role, TokenStore};

const PARTIES: &str = include_str!("../../../docs/examples/clearing/parties.csv");
const OBLIGATIONS: &str = include_str!("../../../docs/examples/clearing/obligations.csv");
const POOLS: &str = include_str!("../../../docs/examples/clearing/pools.csv");
const FX: &str = include_str!("../../../docs/examples/clearing/fx.csv");

struct Service {
    _dir: tempfile::TempDir,
    router: Router,
    operator: String,
    analyst: String,
    tehran: String,
    admin: String,
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn nanos() -> u64 {
    u64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos(),
    )
    .unwrap()
}

/// A service over a data directory holding the demo corridor (or nothing).
fn service(demo: bool) -> Service {
    let dir = tempfile::tempdir().unwrap();
    if demo {
        let loaded =
            corridor_api::demo::load_demo(dir.path(), "2026-11-23T00:00:00Z", &mut nanos).unwrap();
        assert!(loaded.figures > 1000 && loaded.runs == 3 && loaded.posted == 1);
        assert_eq!(loaded.reservations, 3);
        // Loading it again changes nothing.
        let again =
            corridor_api::demo::load_demo(dir.path(), "2026-11-24T00:00:00Z", &mut nanos).unwrap();
        assert_eq!(
            (again.figures, again.runs, again.posted, again.reservations),
            (0, 0, 0, 0)
        );
    }
    let mut store = TokenStore::open(&dir.path().join("service.sqlite")).unwrap();
    let (_, operator) = store.create(Role::Operator, None, None, now()).unwrap();
    let (_, analyst) = store.create(Role::Analyst, None, None, now()).unwrap();
    let (_, admin) = store.create(Role::Admin, None, None, now()).unwrap();
    let (_, tehran) = store
        .create(Role::Participant, Some("IR-IMP-TEHRAN"), None, now())
        .unwrap();
    drop(store);
    let (state, _thread) = AppState::open(dir.path()).unwrap();
    Service {
        _dir: dir,
        router: app(state, 1 << 20),
        operator,
        analyst,
        tehran,
        admin,
    }
}

impl Service {
    async fn call(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header("authorization", format!("Bearer {token}"));
        let request = match body {
            Some(body) => request
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
            None => request.body(Body::empty()).unwrap(),
        };
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let value = serde_json::from_slice(&bytes)
            .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        (status, value)
    }
}

fn cents(value: &Value) -> i128 {
    value.as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn the_overview_gives_the_year_by_solar_month_against_the_last_and_the_targets() {
    let service = service(true);
    let (status, overview) = service
        .call("GET", "/api/v1/dashboard/overview", &service.analyst, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{overview}");
    // The reporter and partner come from the first target.
    assert_eq!(
        (overview["reporter"].as_str(), overview["partner"].as_str()),
        (Some("IRN"), Some("IRQ"))
    );
    let year = overview["year"].as_i64().unwrap();
    let months = overview["months"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    for (n, month) in months.iter().enumerate() {
        assert_eq!(month["month"].as_u64(), Some(n as u64 + 1));
        assert_eq!(month["year"].as_i64(), Some(year));
        assert_eq!(month["kind"], "solar-month");
    }
    // Ordibehesht is 21 April to 21 May in Gregorian terms, give or take a day by year.
    let ordibehesht = &months[1];
    assert_eq!(ordibehesht["period"], format!("{year}-02"));
    assert!(
        ordibehesht["first_day"]
            .as_str()
            .unwrap()
            .ends_with("-04-20")
            || ordibehesht["first_day"]
                .as_str()
                .unwrap()
                .ends_with("-04-21")
    );
    // The months add up to the year's total, and the previous year's to its.
    let sum: i128 = months.iter().map(|m| cents(&m["value_usd_cents"])).sum();
    assert_eq!(sum, cents(&overview["year_total"]["value_usd_cents"]));
    let before: i128 = overview["previous_year_months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| cents(&m["value_usd_cents"]))
        .sum();
    assert_eq!(
        before,
        cents(&overview["previous_year_total"]["value_usd_cents"])
    );
    // Growth is against the same month a year earlier.
    let last_ordibehesht = &overview["previous_year_months"][1];
    assert_eq!(
        ordibehesht["previous_year_usd_cents"],
        last_ordibehesht["value_usd_cents"]
    );
    let targets = overview["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 2);
    for target in targets {
        let progress = target["progress_bp"].as_i64().unwrap();
        let so_far = cents(&target["so_far_usd_cents"]);
        let amount = cents(&target["amount_usd_cents"]);
        assert!(
            (progress as i128 - so_far * 10_000 / amount).abs() <= 1,
            "{target}"
        );
    }
    // Another year, and an analyst's question with a bad year.
    let (status, earlier) = service
        .call(
            "GET",
            &format!("/api/v1/dashboard/overview?year={}", year - 1),
            &service.analyst,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(earlier["months"], overview["previous_year_months"]);
    let (status, error) = service
        .call(
            "GET",
            "/api/v1/dashboard/overview?year=soon",
            &service.analyst,
            None,
        )
        .await;
    assert_eq!(
        (status, error["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_request"))
    );
    // Participants see no trade data.
    let (status, _) = service
        .call("GET", "/api/v1/dashboard/overview", &service.tehran, None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn partners_and_grouped_reports_add_up() {
    let service = service(true);
    let (status, partners) = service
        .call(
            "GET",
            "/api/v1/trade/partners?reporter=IRN&period=1399",
            &service.analyst,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{partners}");
    let list = partners["partners"].as_array().unwrap();
    assert!(list.len() >= 3);
    // Iraq is the second export destination in 1399 (IRICA).
    assert_eq!(list[1]["row"]["group"], "IRQ");
    let ranks: Vec<u64> = list.iter().map(|p| p["rank"].as_u64().unwrap()).collect();
    assert_eq!(ranks, (1..=list.len() as u64).collect::<Vec<_>>());
    let values: Vec<i128> = list
        .iter()
        .map(|p| cents(&p["row"]["value_usd_cents"]))
        .collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]));

    for group in ["sector", "crossing"] {
        let (status, report) = service
            .call(
                "GET",
                &format!("/api/v1/trade/report?reporter=IRN&partner=IRQ&by=solar-year&from=1403&to=1403&group={group}"),
                &service.analyst,
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{report}");
        let rows = report["rows"].as_array().unwrap();
        assert!(rows.len() >= 5, "{group}: {report}");
        let sum: i128 = rows.iter().map(|r| cents(&r["value_usd_cents"])).sum();
        assert_eq!(
            sum,
            cents(&report["totals"][0]["value_usd_cents"]),
            "{group}"
        );
        let shares: i64 = rows.iter().map(|r| r["share_bp"].as_i64().unwrap()).sum();
        assert!(
            (shares - 10_000).abs() <= rows.len() as i64,
            "{group}: {shares}"
        );
    }
    // A month stands for the year holding it, when rows are by year.
    let (status, years) = service
        .call(
            "GET",
            "/api/v1/trade/report?reporter=IRN&partner=IRQ&by=solar-year&from=1403-02&to=1403-02",
            &service.analyst,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(years["totals"].as_array().unwrap().len(), 1);
    assert_eq!(years["totals"][0]["period"], "1403");
    let (status, error) = service
        .call(
            "GET",
            "/api/v1/trade/report?reporter=IRN&by=solar-year&from=1403-13",
            &service.analyst,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error["message"].as_str().unwrap().contains("from"),
        "{error}"
    );
}

fn example_run(method: &str) -> Value {
    json!({
        "method": method,
        "obligations": OBLIGATIONS,
        "parties": PARTIES,
        "pools": POOLS,
        "fx": FX,
    })
}

#[tokio::test]
async fn a_clearing_run_is_submitted_explained_and_posted_once() {
    let service = service(false);
    let (status, run) = service
        .call(
            "POST",
            "/api/v1/clearing/runs",
            &service.operator,
            Some(example_run("pool")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{run}");
    let id = run["id"].as_str().unwrap().to_owned();
    assert_eq!(run["method"], "pool");
    assert_eq!(run["posted"], false);
    let iqd = &run["currencies"][0];
    assert_eq!(iqd["currency"], "IQD");
    // Discharged = without cash + from pools + cash, and debt = discharged + remaining.
    assert_eq!(
        cents(&iqd["debt"]),
        cents(&iqd["discharged"]) + cents(&iqd["remaining"])
    );
    assert!(cents(&iqd["offset"]) > 0 && cents(&iqd["pooled"]) > 0);
    // The same cycle again is the same run.
    let (status, again) = service
        .call(
            "POST",
            "/api/v1/clearing/runs",
            &service.operator,
            Some(example_run("pool")),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["id"], run["id"]);
    // The report is the CLI's JSON.
    let (status, report) = service
        .call(
            "GET",
            &format!("/api/v1/clearing/runs/{id}"),
            &service.operator,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(report["method"], "pool");
    let obligations = report["obligations"].as_array().unwrap();
    assert_eq!(obligations.len(), OBLIGATIONS.lines().count() - 1);

    // INV-1004 is set off through a cycle; its parts add up to it.
    let (status, explained) = service
        .call(
            "GET",
            &format!("/api/v1/clearing/runs/{id}/obligations/INV-1004"),
            &service.operator,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{explained}");
    assert!(!explained["path"].as_array().unwrap().is_empty());
    let parts: f64 = ["offset", "pooled", "cash", "remaining"]
        .iter()
        .map(|k| explained[k].as_str().unwrap().parse::<f64>().unwrap())
        .sum();
    let amount: f64 = explained["amount"].as_str().unwrap().parse().unwrap();
    assert!((parts - amount).abs() < 0.01, "{explained}");
    // A participant sees its own obligations only.
    let own = obligations
        .iter()
        .find(|o| {
            let i = OBLIGATIONS
                .lines()
                .find(|l| l.starts_with(&format!("{},", o["id"].as_str().unwrap())))
                .unwrap();
            i.contains(",IR-IMP-TEHRAN,")
        })
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = service
        .call(
            "GET",
            &format!("/api/v1/clearing/runs/{id}/obligations/{own}"),
            &service.tehran,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = service
        .call(
            "GET",
            &format!("/api/v1/clearing/runs/{id}/obligations/INV-1001"),
            &service.tehran,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The plan: it pays from the pool and records the set-off, obligation by obligation.
    let (status, plan) = service
        .call(
            "GET",
            &format!("/api/v1/clearing/runs/{id}/plan"),
            &service.operator,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(plan["plan"], run["plan"]);
    let transfers = plan["transfers"].as_array().unwrap();
    assert!(transfers.iter().any(|t| t["kind"] == "pool_payment"));
    // Obligation by obligation, the plan's transfers are the report's parts.
    let minor = |text: &Value| {
        text.as_str()
            .unwrap()
            .replace('.', "")
            .parse::<i128>()
            .unwrap()
    };
    for obligation in obligations {
        for (kind, part) in [
            ("offset", "offset"),
            ("pool_payment", "pooled"),
            ("cash", "cash"),
        ] {
            let planned: i128 = transfers
                .iter()
                .filter(|t| t["kind"] == kind && t["obligation"] == obligation["id"])
                .map(|t| cents(&t["amount"]))
                .sum();
            assert_eq!(planned, minor(&obligation[part]), "{obligation} {kind}");
        }
    }
    // Posting twice posts once.
    let (status, posted) = service
        .call(
            "POST",
            &format!("/api/v1/clearing/runs/{id}/post"),
            &service.operator,
            None,
        )
        .await;
    assert_eq!(
        (status, posted["outcome"].as_str()),
        (StatusCode::OK, Some("posted")),
        "{posted}"
    );
    let (_, accounts_before) = service
        .call("GET", "/api/v1/dashboard/accounts", &service.operator, None)
        .await;
    let (status, posted) = service
        .call(
            "POST",
            &format!("/api/v1/clearing/runs/{id}/post"),
            &service.operator,
            None,
        )
        .await;
    assert_eq!(
        (status, posted["outcome"].as_str()),
        (StatusCode::OK, Some("already_posted"))
    );
    let (_, accounts_after) = service
        .call("GET", "/api/v1/dashboard/accounts", &service.operator, None)
        .await;
    assert_eq!(accounts_before, accounts_after);
    let (_, runs) = service
        .call("GET", "/api/v1/clearing/runs", &service.operator, None)
        .await;
    assert_eq!(runs["runs"][0]["posted"], true);

    // Every party's net across the ledger: the set-off part nets to nothing, so the sum of
    // all balances in each currency is zero.
    let mut by_currency = std::collections::BTreeMap::<String, i128>::new();
    for account in accounts_after["accounts"].as_array().unwrap() {
        *by_currency
            .entry(account["currency"].as_str().unwrap().to_owned())
            .or_default() += cents(&account["balance_minor"]);
    }
    assert!(by_currency.values().all(|v| *v == 0), "{by_currency:?}");
    // The participant sees only its own accounts.
    let (_, mine) = service
        .call("GET", "/api/v1/dashboard/accounts", &service.tehran, None)
        .await;
    let mine = mine["accounts"].as_array().unwrap();
    assert!(!mine.is_empty());
    assert!(
        mine.iter().all(|a| a["party"] == "IR-IMP-TEHRAN"),
        "{mine:?}"
    );
}

#[tokio::test]
async fn a_bad_cycle_names_its_input_line_and_column_and_keeps_nothing() {
    let service = service(false);
    let bad = OBLIGATIONS.replacen("IQ-IMP-BAGHDAD", "IQ-IMP-NOWHERE", 1);
    let mut body = example_run("pool");
    body["obligations"] = Value::String(bad);
    let (status, error) = service
        .call(
            "POST",
            "/api/v1/clearing/runs",
            &service.operator,
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("obligations line 2") && message.contains("IQ-IMP-NOWHERE"),
        "{message}"
    );
    let mut body = example_run("pool");
    body["pools"] = Value::String(POOLS.replace("32.06", "-1"));
    let (status, error) = service
        .call(
            "POST",
            "/api/v1/clearing/runs",
            &service.operator,
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("pools line 2"),
        "{error}"
    );
    let (_, runs) = service
        .call("GET", "/api/v1/clearing/runs", &service.operator, None)
        .await;
    assert_eq!(runs["runs"].as_array().unwrap().len(), 0);
    // A body that is not an object, though serde could read the struct from an array.
    let (status, _) = service
        .call(
            "POST",
            "/api/v1/clearing/runs",
            &service.operator,
            Some(json!([null, OBLIGATIONS])),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // A method that is not one.
    let (status, _) = service
        .call(
            "POST",
            "/api/v1/clearing/runs",
            &service.operator,
            Some(example_run("magic")),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_settlement_view_shows_the_pools_their_reservations_and_the_runs() {
    let service = service(true);
    let (status, settlement) = service
        .call(
            "GET",
            "/api/v1/dashboard/settlement",
            &service.operator,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{settlement}");
    let runs = settlement["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 3);
    assert_eq!(runs.iter().filter(|r| r["posted"] == true).count(), 1);
    let pool = &settlement["pools"][0];
    assert_eq!(pool["pool"], "TBI-GAS-POOL");
    assert_eq!(
        cents(&pool["amount"]),
        cents(&pool["paid"]) + cents(&pool["left"])
    );
    let pending = settlement["pending"].as_array().unwrap();
    assert_eq!(pending.len(), 3);
    assert!(pending.iter().all(|p| p["debit_party"] == "TBI-GAS-POOL"));
    // Not for analysts or participants.
    for token in [&service.analyst, &service.tehran] {
        let (status, _) = service
            .call("GET", "/api/v1/dashboard/settlement", token, None)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    // The dashboard's page is served, embedded.
    let (status, page) = service.call("GET", "/", "", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.as_str().unwrap().contains("<html"), "{page}");
}

/// Calls with a raw body (a file).
async fn upload(service: &Service, path: &str, token: &str, body: &str) -> (StatusCode, Value) {
    let request = Request::builder()
        .method("POST")
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "text/csv")
        .body(Body::from(body.to_owned()))
        .unwrap();
    let response = service.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

const DECLARATIONS: &str = "declaration,date,calendar,reporter,partner,flow,hs_code,hs_edition,value,currency,value_usd,net_weight_kg,crossing,transport_mode
EX-1399-000123,1399-02-15,solar-hijri,IRN,IRQ,export,0702.00,HS2017,\"25,000.00\",USD,,\"24,000\",Mehran,road
EX-1399-000124,1399-02-16,solar-hijri,IRN,IRQ,export,2523,HS2017,\"75,000.00\",USD,,\"300,000\",Chazabeh,road
";

#[tokio::test]
async fn an_analyst_loads_a_file_whole_once_and_reports_see_it() {
    let service = service(false);
    let path = "/api/v1/trade/loads?file=declarations.csv&source=IRICA&kind=customs";
    // A bad row rejects the file, naming its line and column; nothing is loaded.
    let bad = DECLARATIONS.replace("\"75,000.00\"", "lots");
    let (status, error) = upload(&service, path, &service.analyst, &bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("line 3") && message.contains("nothing was loaded"),
        "{message}"
    );
    let (_, loads) = service
        .call("GET", "/api/v1/trade/loads", &service.analyst, None)
        .await;
    assert_eq!(loads["loads"].as_array().unwrap().len(), 0);
    // Set aside, the bad row is listed and the rest loads.
    let (status, report) = upload(
        &service,
        &format!("{path}&skip_invalid=true&file=other.csv").replace("file=declarations.csv&", ""),
        &service.analyst,
        &bad,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        (report["loaded"].as_u64(), report["rejected"].as_u64()),
        (Some(1), Some(1))
    );
    assert!(report["rejected_rows"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("line 3"));
    // Reports see it (and keep their answer only until the registry changes).
    let crossings_path = "/api/v1/trade/report?reporter=IRN&partner=IRQ&by=solar-month&from=1399-02&to=1399-02&group=crossing";
    let (_, crossings) = service
        .call("GET", crossings_path, &service.analyst, None)
        .await;
    assert_eq!(
        crossings["rows"].as_array().unwrap().len(),
        1,
        "{crossings}"
    );
    // The good file loads, and again changes nothing.
    let (status, report) = upload(&service, path, &service.analyst, DECLARATIONS).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    // Its first row came with the other file already: stored once.
    assert_eq!(
        (report["loaded"].as_u64(), report["duplicates"].as_u64()),
        (Some(1), Some(1))
    );
    let (_, again) = upload(&service, path, &service.analyst, DECLARATIONS).await;
    assert_eq!(again["already_loaded"], report["load"]);
    // Operators and participants may not load.
    for token in [&service.operator, &service.tehran] {
        let (status, _) = upload(&service, path, token, DECLARATIONS).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let (status, crossings) = service
        .call(
            "GET",
            "/api/v1/trade/report?reporter=IRN&partner=IRQ&by=solar-month&from=1399-02&to=1399-02&group=crossing",
            &service.analyst,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let rows: Vec<(&str, &str)> = crossings["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["group"].as_str().unwrap(),
                r["value_usd_cents"].as_str().unwrap(),
            )
        })
        .collect();
    // Grouped by the crossings registry's ids, whatever side's name a declaration used.
    assert_eq!(rows, vec![("chazabeh", "7500000"), ("mehran", "2500000")]);
}

#[tokio::test]
async fn a_forecast_continues_the_monthly_history() {
    let service = service(true);
    let (status, forecast) = service
        .call(
            "GET",
            "/api/v1/trade/forecast?reporter=IRN&partner=IRQ&horizon=6&level=90",
            &service.analyst,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{forecast}");
    let history = forecast["history"].as_array().unwrap();
    let points = forecast["points"].as_array().unwrap();
    assert_eq!(points.len(), 6);
    assert!(history.len() >= 24);
    // The first point is the month after the last of the history.
    let last = history.last().unwrap()["period"].as_str().unwrap();
    let (year, month) = last.split_once('-').unwrap();
    let (year, month): (i32, u32) = (year.parse().unwrap(), month.parse().unwrap());
    let next = if month == 12 {
        format!("{}-01", year + 1)
    } else {
        format!("{year}-{:02}", month + 1)
    };
    assert_eq!(points[0]["period"], next);
    for point in points {
        let (lower, mid, upper) = (
            cents(&point["lower_usd_cents"]),
            cents(&point["point_usd_cents"]),
            cents(&point["upper_usd_cents"]),
        );
        assert!(lower <= mid && mid <= upper, "{point}");
    }
    let (status, _) = service
        .call(
            "GET",
            "/api/v1/trade/forecast?reporter=ZZZ",
            &service.analyst,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn participants_submit_their_own_obligations_and_a_run_clears_what_was_submitted() {
    let service = service(false);
    let (status, parties) = service
        .call(
            "POST",
            "/api/v1/parties",
            &service.admin,
            Some(json!({ "csv": PARTIES })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{parties}");
    assert_eq!(
        parties["parties"].as_array().unwrap().len(),
        PARTIES.lines().count() - 1
    );
    let header = OBLIGATIONS.lines().next().unwrap();
    let (tehran, others): (Vec<&str>, Vec<&str>) = OBLIGATIONS
        .lines()
        .skip(1)
        .partition(|line| line.contains(",IR-IMP-TEHRAN,"));
    assert!(!tehran.is_empty());
    let csv = |lines: &[&str]| format!("{header}\n{}\n", lines.join("\n"));
    // A participant may not submit another party's obligation; nothing is kept.
    let (status, error) = service
        .call(
            "POST",
            "/api/v1/obligations",
            &service.tehran,
            Some(json!({ "csv": csv(&[tehran[0], others[0]]) })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        error["message"].as_str().unwrap().contains("line 3"),
        "{error}"
    );
    let (_, open) = service
        .call("GET", "/api/v1/obligations", &service.operator, None)
        .await;
    assert_eq!(open["obligations"].as_array().unwrap().len(), 0);
    // Its own it may; again changes nothing; the same id with another amount is refused.
    let (status, submitted) = service
        .call(
            "POST",
            "/api/v1/obligations",
            &service.tehran,
            Some(json!({ "csv": csv(&tehran) })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{submitted}");
    assert_eq!(submitted["added"].as_u64(), Some(tehran.len() as u64));
    let (_, again) = service
        .call(
            "POST",
            "/api/v1/obligations",
            &service.tehran,
            Some(json!({ "csv": csv(&tehran) })),
        )
        .await;
    assert_eq!(
        (again["added"].as_u64(), again["already_submitted"].as_u64()),
        (Some(0), Some(tehran.len() as u64))
    );
    let changed = tehran[0].replacen(",\"", ",\"1,", 1);
    let (status, error) = service
        .call(
            "POST",
            "/api/v1/obligations",
            &service.tehran,
            Some(json!({ "csv": csv(&[changed.as_str()]) })),
        )
        .await;
    assert_eq!(
        (status, error["code"].as_str()),
        (StatusCode::CONFLICT, Some("conflict")),
        "{error}"
    );
    // The operator submits the rest and clears what was submitted, with the kept parties.
    let (status, _) = service
        .call(
            "POST",
            "/api/v1/obligations",
            &service.operator,
            Some(json!({ "csv": csv(&others) })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, run) = service
        .call(
            "POST",
            "/api/v1/clearing/runs",
            &service.operator,
            Some(json!({ "method": "setoff", "fx": FX })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{run}");
    assert_eq!(
        run["obligations"].as_u64(),
        Some(OBLIGATIONS.lines().count() as u64 - 1)
    );
    assert_eq!(
        run["parties"].as_u64(),
        Some(PARTIES.lines().count() as u64 - 1)
    );
    // The same result as the cycle given whole.
    let (_, whole) = service
        .call(
            "POST",
            "/api/v1/clearing/runs",
            &service.operator,
            Some(json!({ "method": "setoff", "fx": FX, "obligations": OBLIGATIONS, "parties": PARTIES })),
        )
        .await;
    assert_eq!(whole["currencies"], run["currencies"]);
    assert_eq!(whole["plan"], run["plan"]);
    // Nothing is open any more; the participant sees its own, with the run.
    let (_, open) = service
        .call("GET", "/api/v1/obligations", &service.operator, None)
        .await;
    assert_eq!(open["obligations"].as_array().unwrap().len(), 0);
    let (_, mine) = service
        .call(
            "GET",
            "/api/v1/obligations?open=false",
            &service.tehran,
            None,
        )
        .await;
    let mine = mine["obligations"].as_array().unwrap();
    assert_eq!(mine.len(), tehran.len());
    assert!(mine.iter().all(|o| o["run"] == run["id"]
        && (o["debtor"] == "IR-IMP-TEHRAN" || o["creditor"] == "IR-IMP-TEHRAN")));
    // With nothing open, a run without obligations says so.
    let (status, error) = service
        .call(
            "POST",
            "/api/v1/clearing/runs",
            &service.operator,
            Some(json!({ "method": "netting" })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("no obligations"));
}

#[tokio::test]
async fn answers_follow_the_registry_when_another_process_changes_it() {
    let service = service(false);
    let (_, before) = service
        .call("GET", "/api/v1/targets", &service.analyst, None)
        .await;
    assert_eq!(before["targets"].as_array().unwrap().len(), 0);
    // `corridor target add` beside the running service: another connection.
    let mut registry =
        corridor_registry::Registry::open(&service._dir.path().join("registry.sqlite")).unwrap();
    for target in corridor_registry::demo::targets().unwrap() {
        registry.add_target(target).unwrap();
    }
    drop(registry);
    let (_, after) = service
        .call("GET", "/api/v1/targets", &service.analyst, None)
        .await;
    assert_eq!(after["targets"].as_array().unwrap().len(), 2, "{after}");
}

/// Contracts paid on crossing through the service: the demo's contracts and their
/// histories, a new contract paid by a declaration (once, however often it is sent), a
/// bad declaration refused with its line and field, and who sees what.
#[tokio::test]
async fn contracts_are_reserved_paid_on_crossing_once_and_shown_with_their_history() {
    let service = service(true);
    let (status, list) = service
        .call("GET", "/api/v1/contracts", &service.operator, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let contracts = list["contracts"].as_array().unwrap();
    assert_eq!(contracts.len(), 3, "{list}");
    let basra = contracts.iter().find(|c| c["id"] == "INV-1201").unwrap();
    assert_eq!(basra["status"], "partly paid", "{basra}");
    assert_eq!(basra["paid"], "20000000.000");
    assert_eq!(basra["reserved"], "28000000.000");
    let events: Vec<&str> = basra["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["registered", "shipment"]);

    let contract = "contract,payer,payee,amount,currency,date,deadline,crossing\n\
        K-77,TBI-GAS-POOL,IQ-EXP-NAJAF,\"5,000.000\",IQD,2026-11-02,2030-01-31,Mehran\n";
    let (status, registered) = service
        .call(
            "POST",
            "/api/v1/contracts",
            &service.operator,
            Some(json!({ "csv": contract })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{registered}");
    assert_eq!(registered["registered"], json!(["K-77"]));
    let shipped = "declaration,date,reporter,partner,flow,hs_code,value,currency,value_usd,crossing,contract\n\
        IQ-EX-1,2026-11-25,IRQ,IRN,export,1006,\"6,000.000\",IQD,4.58,Zurbatiyah,K-77\n";
    for round in 0..2 {
        let (status, report) = service
            .call(
                "POST",
                "/api/v1/contracts/shipments",
                &service.operator,
                Some(json!({ "csv": shipped })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{report}");
        if round == 0 {
            assert_eq!(report["applied"][0]["paid"], "5000.000", "{report}");
            assert_eq!(report["applied"][0]["crossing"], "mehran", "{report}");
        } else {
            assert_eq!(report["already"], json!(["IQ-EX-1"]), "{report}");
        }
    }
    let (status, k77) = service
        .call("GET", "/api/v1/contracts/K-77", &service.operator, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{k77}");
    assert_eq!(k77["status"], "paid", "{k77}");
    assert_eq!(k77["history"].as_array().unwrap().len(), 2);

    // Unknown contract: refused with file, line and field; nothing applied.
    let bad = "declaration,date,reporter,partner,flow,hs_code,value,currency,value_usd,crossing,contract\n\
        IQ-EX-2,2026-11-25,IRQ,IRN,export,1006,1.000,IQD,0.01,Mehran,K-77\n\
        IQ-EX-3,2026-11-25,IRQ,IRN,export,1006,1.000,IQD,0.01,Mehran,NOPE\n";
    let (status, error) = service
        .call(
            "POST",
            "/api/v1/contracts/shipments",
            &service.operator,
            Some(json!({ "csv": bad })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("line 3, field contract"), "{message}");
    let (_, k77) = service
        .call("GET", "/api/v1/contracts/K-77", &service.operator, None)
        .await;
    assert_eq!(k77["history"].as_array().unwrap().len(), 2);
    // The listing (its shipments read in one query) shows each contract as it is shown
    // alone.
    let (_, list) = service
        .call("GET", "/api/v1/contracts", &service.operator, None)
        .await;
    let listed = list["contracts"].as_array().unwrap();
    assert_eq!(listed.len(), 4, "{list}");
    for contract in listed {
        let id = contract["id"].as_str().unwrap();
        let (_, alone) = service
            .call(
                "GET",
                &format!("/api/v1/contracts/{id}"),
                &service.operator,
                None,
            )
            .await;
        assert_eq!(&alone, contract, "{id}");
    }
    let shipped = listed
        .iter()
        .filter(|c| {
            c["history"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["event"] == "shipment")
        })
        .count();
    assert!(shipped >= 2, "{list}");

    // A participant sees only its party's contracts; analysts none.
    let (status, own) = service
        .call("GET", "/api/v1/contracts", &service.tehran, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(own["contracts"].as_array().unwrap().is_empty(), "{own}");
    let (status, _) = service
        .call("GET", "/api/v1/contracts/K-77", &service.tehran, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = service
        .call("GET", "/api/v1/contracts", &service.analyst, None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = service
        .call(
            "POST",
            "/api/v1/contracts",
            &service.tehran,
            Some(json!({ "csv": contract })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// The crossings' calendars and the what-if simulation through the service.
#[tokio::test]
async fn crossings_answer_for_real_days_and_scenarios_run_side_by_side() {
    let service = service(false);
    let (status, week) = service
        .call(
            "GET",
            "/api/v1/crossings/status?on=2020-06-08&days=7",
            &service.tehran,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{week}");
    let mehran = week["crossings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["crossing"] == "mehran")
        .unwrap();
    assert_eq!(mehran["open_days"], 3, "{mehran}");
    let open: Vec<&str> = mehran["days"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["state"] == "open")
        .map(|d| d["date"].as_str().unwrap())
        .collect();
    assert_eq!(open, ["2020-06-08", "2020-06-10", "2020-06-14"]);
    // Asked by the Iraqi side's name, in the Solar Hijri calendar.
    let (status, day) = service
        .call(
            "GET",
            "/api/v1/crossings/Zurbatiyah/calendar?from=SH1399-03-20",
            &service.analyst,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{day}");
    assert_eq!(day["crossing"], "mehran");
    assert_eq!(day["days"][0]["date"], "2020-06-09");
    assert_eq!(day["days"][0]["state"], "closed");
    let (status, _) = service
        .call(
            "GET",
            "/api/v1/crossings/Atlantis/calendar?from=2020-06-08",
            &service.analyst,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = service
        .call(
            "GET",
            "/api/v1/crossings/status?on=not-a-day",
            &service.analyst,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, example) = service
        .call("GET", "/api/v1/simulate/example", &service.analyst, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{example}");
    assert_eq!(example["scenarios"].as_array().unwrap().len(), 2);
    // Amounts are minor units; the result says of what.
    assert_eq!(example["results"][0]["currency"], "USD");
    assert_eq!(example["results"][0]["exponent"], 2);
    let backlog = |k: usize| -> u64 {
        example["results"][k]["crossings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "mehran")
            .map(|c| c["queued_at_end"].as_u64().unwrap())
            .unwrap()
    };
    assert!(backlog(0) > backlog(1), "{} vs {}", backlog(0), backlog(1));
    let bad = json!({ "scenarios": [
        { "name": "bad.toml", "text": "name = \"x\"\nseed = 1\ncurrency = \"USD\"\n[period]\nfrom = \"2020-01-01\"\nto = \"2019-01-01\"\n" }
    ]});
    let (status, error) = service
        .call("POST", "/api/v1/simulate", &service.analyst, Some(bad))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("bad.toml"),
        "{error}"
    );
    let (status, _) = service
        .call("GET", "/api/v1/simulate/example", &service.tehran, None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
