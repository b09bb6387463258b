//! The API through its router (no socket): access control for every route and role, tokens,
//! participants' view, the ledger's answers, errors.
#![allow(clippy::unwrap_used)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

use corridor_api::access::{Allowed, RULES};
use corridor_api::{app, party_key, AppState, Role, TokenStore};

struct Service {
    _dir: tempfile::TempDir,
    router: Router,
    tokens: Vec<(Role, String)>,
    participant_b: String,
    revoked: String,
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A service with one token per role (the participant acts for party "A"), a second
/// participant for party "B", and a revoked operator token.
fn service() -> Service {
    let dir = tempfile::tempdir().unwrap();
    let mut store = TokenStore::open(&dir.path().join("service.sqlite")).unwrap();
    let mut tokens = Vec::new();
    for role in Role::ALL {
        let party = (role == Role::Participant).then_some("A");
        let (_, token) = store.create(role, party, None, now()).unwrap();
        tokens.push((role, token));
    }
    let (_, participant_b) = store
        .create(Role::Participant, Some("B"), None, now())
        .unwrap();
    let (info, revoked) = store.create(Role::Operator, None, None, now()).unwrap();
    store.revoke(&info.id, now()).unwrap();
    drop(store);
    let (state, _thread) = AppState::open(dir.path()).unwrap();
    Service {
        _dir: dir,
        router: app(state, 64 * 1024),
        tokens,
        participant_b,
        revoked,
    }
}

impl Service {
    fn token(&self, role: Role) -> &str {
        &self.tokens.iter().find(|(r, _)| *r == role).unwrap().1
    }

    async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
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

/// Every `.route("path", method(...)...)` in the router's source, as (METHOD, path).
fn routes_in_source() -> Vec<(String, String)> {
    let source = include_str!("../src/routes.rs");
    let mut routes = Vec::new();
    for part in source.split(".route(").skip(1) {
        // The call runs to the next `.route(` or the end of the router's function, however
        // rustfmt lays it out.
        let part = part.split("\n}\n").next().unwrap_or("").trim_start();
        let Some(part) = part.strip_prefix('"') else {
            continue;
        };
        let Some((path, call)) = part.split_once('"') else {
            continue;
        };
        for method in ["get", "post", "put", "patch", "delete"] {
            if call.contains(&format!("{method}(")) {
                routes.push((method.to_uppercase(), path.to_owned()));
            }
        }
    }
    routes
}

#[test]
fn every_route_has_an_access_rule_and_every_rule_a_route() {
    let routes = routes_in_source();
    assert!(routes.len() >= 10, "{routes:?}");
    for (method, path) in &routes {
        assert!(
            RULES.iter().any(|r| r.method == method && r.path == path),
            "{method} {path} has no access rule: add it to access::RULES"
        );
    }
    for rule in RULES {
        assert!(
            routes
                .iter()
                .any(|(m, p)| m == rule.method && p == rule.path),
            "the rule for {} {} names no route",
            rule.method,
            rule.path
        );
    }
}

#[tokio::test]
async fn every_route_with_every_role_is_allowed_or_forbidden_as_the_table_says() {
    let service = service();
    for rule in RULES {
        let path = rule
            .path
            .replace("{id}", "1")
            .replace("{obligation}", "X-1");
        let body = (rule.method == "POST").then(|| json!({}));
        // Without a token.
        let (status, _) = service.call(rule.method, &path, None, body.clone()).await;
        match rule.allowed {
            Allowed::Public => assert!(status.is_success(), "{} {path}: {status}", rule.method),
            Allowed::Roles(_) => {
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{} {path}", rule.method)
            }
        }
        // With each role's token.
        for role in Role::ALL {
            let (status, answer) = service
                .call(rule.method, &path, Some(service.token(role)), body.clone())
                .await;
            let allowed = match rule.allowed {
                Allowed::Public => true,
                Allowed::Roles(roles) => roles.contains(&role),
            };
            if allowed {
                assert!(
                    status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                    "{} {path} as {}: {status} {answer}",
                    rule.method,
                    role.name()
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{} {path} as {}: {answer}",
                    rule.method,
                    role.name()
                );
                assert_eq!(answer["code"], "forbidden");
            }
        }
    }
}

#[tokio::test]
async fn bad_tokens_are_refused() {
    let service = service();
    let (status, answer) = service
        .call("GET", "/api/v1/whoami", Some(&service.revoked), None)
        .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthenticated"))
    );
    assert!(answer["message"].as_str().unwrap().contains("revoked"));
    for bad in [
        "nonsense",
        "cor_0000000000000000_ff",
        &service.token(Role::Admin).replace("cor_", "cor_0"),
    ] {
        let (status, _) = service.call("GET", "/api/v1/whoami", Some(bad), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{bad}");
    }
    let (status, answer) = service
        .call(
            "GET",
            "/api/v1/whoami",
            Some(service.token(Role::Participant)),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["party"], "A");
}

#[tokio::test]
async fn participants_see_and_debit_only_their_own_accounts() {
    let service = service();
    let operator = service.token(Role::Operator).to_owned();
    let a = party_key("A").to_string();
    let b = party_key("B").to_string();
    let (status, answer) = service
        .call(
            "POST",
            "/api/v1/accounts",
            Some(&operator),
            Some(json!({ "accounts": [
                { "id": "1", "ledger": 840, "code": 1, "user_data_128": a },
                { "id": "2", "ledger": 840, "code": 1, "user_data_128": b },
                { "id": "3", "ledger": 840, "code": 1, "user_data_128": a },
            ]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert!(
        answer["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["result"] == "ok"),
        "{answer}"
    );

    let participant_a = service.token(Role::Participant).to_owned();
    let (_, listed) = service
        .call("GET", "/api/v1/accounts", Some(&participant_a), None)
        .await;
    let ids: Vec<&str> = listed["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["1", "3"]);
    let (status, _) = service
        .call("GET", "/api/v1/accounts/2", Some(&participant_a), None)
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another party's account is not visible"
    );
    let (_, listed) = service
        .call("GET", "/api/v1/accounts", Some(&operator), None)
        .await;
    assert_eq!(listed["accounts"].as_array().unwrap().len(), 3);

    // A debits its own account: applied. Debiting B's account: refused, nothing applied.
    let (status, answer) = service
        .call("POST", "/api/v1/transfers", Some(&participant_a), Some(json!({ "transfers": [
            { "id": "10", "debit_account_id": "1", "credit_account_id": "2", "amount": "500", "ledger": 840, "code": 1 }
        ]})))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["results"][0]["result"], "ok");
    let (status, answer) = service
        .call("POST", "/api/v1/transfers", Some(&service.participant_b), Some(json!({ "transfers": [
            { "id": "11", "debit_account_id": "2", "credit_account_id": "3", "amount": "100", "ledger": 840, "code": 1 },
            { "id": "12", "debit_account_id": "1", "credit_account_id": "2", "amount": "100", "ledger": 840, "code": 1 }
        ]})))
        .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden")),
        "{answer}"
    );
    let (status, _) = service
        .call("GET", "/api/v1/transfers/11", Some(&operator), None)
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "nothing of a refused request is applied"
    );

    // Balances and history.
    let (_, account) = service
        .call("GET", "/api/v1/accounts/1", Some(&participant_a), None)
        .await;
    assert_eq!(account["debits_posted"], "500");
    let (_, history) = service
        .call(
            "GET",
            "/api/v1/accounts/2/transfers",
            Some(&service.participant_b),
            None,
        )
        .await;
    assert_eq!(history["transfers"][0]["id"], "10");
    // B sees the transfer (it is credited), A too; an analyst may not read the ledger.
    let (status, _) = service
        .call(
            "GET",
            "/api/v1/transfers/10",
            Some(&service.participant_b),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn malformed_requests_get_json_errors() {
    let service = service();
    let operator = service.token(Role::Operator).to_owned();
    let (status, answer) = service
        .call(
            "POST",
            "/api/v1/transfers",
            Some(&operator),
            Some(json!({ "transfers": [ { "id": "x" } ] })),
        )
        .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_request")),
        "{answer}"
    );
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("event 0, field `id`"),
        "{answer}"
    );
    let (status, answer) = service
        .call("POST", "/api/v1/transfers", Some(&operator), Some(json!({ "transfers": [
            { "id": "20", "debit_account_id": "1", "credit_account_id": "2", "amount": "1", "ledger": 840, "code": 1, "flags": ["linked"] }
        ]})))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("linked chain"));
    let huge = "x".repeat(100 * 1024);
    let (status, answer) = service
        .call(
            "POST",
            "/api/v1/transfers",
            Some(&operator),
            Some(json!({ "transfers": [], "pad": huge })),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{answer}");
    let (status, answer) = service
        .call("GET", "/api/v1/nothing", Some(&operator), None)
        .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (status, _) = service
        .call("GET", "/api/v1/accounts/abc", Some(&operator), None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_single_transfer_requests_each_get_their_own_result() {
    let service = service();
    let operator = service.token(Role::Operator).to_owned();
    let (status, _) = service
        .call(
            "POST",
            "/api/v1/accounts",
            Some(&operator),
            Some(json!({ "accounts": [
                { "id": "1", "ledger": 840, "code": 1 }, { "id": "2", "ledger": 840, "code": 1 }
            ]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let service = std::sync::Arc::new(service);
    let mut tasks = Vec::new();
    for k in 0..200_u32 {
        let service = service.clone();
        let operator = operator.clone();
        tasks.push(tokio::spawn(async move {
            // Every tenth request repeats an id: it must come back `exists`, applied once.
            let id = if k % 10 == 9 { 1000 + k - 1 } else { 1000 + k };
            let (status, answer) = service
                .call("POST", "/api/v1/transfers", Some(&operator), Some(json!({ "transfers": [
                    { "id": id.to_string(), "debit_account_id": "1", "credit_account_id": "2", "amount": "1", "ledger": 840, "code": 1 }
                ]})))
                .await;
            assert_eq!(status, StatusCode::OK, "{answer}");
            (k, answer["results"][0]["result"].as_str().unwrap().to_owned())
        }));
    }
    let mut ok = 0;
    for task in tasks {
        let (_, result) = task.await.unwrap();
        assert!(result == "ok" || result == "exists", "{result}");
        if result == "ok" {
            ok += 1;
        }
    }
    // 180 distinct ids: each applied exactly once.
    assert_eq!(ok, 180);
    let (_, account) = service
        .call("GET", "/api/v1/accounts/2", Some(&operator), None)
        .await;
    assert_eq!(account["credits_posted"], "180");
    let (_, metrics) = service.call("GET", "/metrics", Some(&operator), None).await;
    let text = metrics.as_str().unwrap().to_owned();
    assert!(
        text.contains("corridor_ledger_batched_requests_total 200"),
        "{text}"
    );
    assert!(text.contains("corridor_http_requests_total{method=\"POST\",route=\"/api/v1/transfers\",status=\"200\"} 200"));
}

#[tokio::test]
async fn a_token_that_floods_is_told_to_slow_down() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = TokenStore::open(&dir.path().join("service.sqlite")).unwrap();
    let (_, token) = store.create(Role::Operator, None, None, now()).unwrap();
    let (_, other) = store.create(Role::Operator, None, None, now()).unwrap();
    drop(store);
    let (state, _thread) = AppState::open(dir.path()).unwrap();
    let router = app(state.with_rate_limit(5), 64 * 1024);
    let service = Service {
        _dir: dir,
        router,
        tokens: Vec::new(),
        participant_b: String::new(),
        revoked: String::new(),
    };
    let mut statuses = Vec::new();
    let started = std::time::Instant::now();
    for _ in 0..40 {
        let (status, answer) = service
            .call("GET", "/api/v1/whoami", Some(&token), None)
            .await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(answer["code"], "rate_limited");
        }
        statuses.push(status.as_u16());
    }
    // A bucket of five: the first five pass at once, then the token must wait.
    assert_eq!(&statuses[..5], &[200; 5]);
    // However slow this machine, no more pass than the bucket plus what refilled.
    let passed = statuses.iter().filter(|&&s| s == 200).count() as f64;
    assert!(
        passed <= 5.0 + started.elapsed().as_secs_f64() * 5.0 + 1.0,
        "{statuses:?}"
    );
    assert!(statuses.contains(&429), "{statuses:?}");
    // Another token has its own bucket.
    let (status, _) = service
        .call("GET", "/api/v1/whoami", Some(&other), None)
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_openapi_document_describes_every_route_and_who_may_call_it() {
    let service = service();
    let (status, document) = service
        .call("GET", "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    let paths = document["paths"].as_object().unwrap();
    let mut documented = 0;
    for (path, operations) in paths {
        for (method, operation) in operations.as_object().unwrap() {
            documented += 1;
            let rule = RULES
                .iter()
                .find(|r| r.path == path && r.method.eq_ignore_ascii_case(method))
                .unwrap_or_else(|| panic!("{method} {path} is documented but has no rule"));
            let secured = operation.get("security").is_some();
            assert_eq!(secured, rule.allowed != Allowed::Public, "{method} {path}");
            // Every operation documents its success and the error format.
            let responses = operation["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|code| code.starts_with('2')),
                "{method} {path}"
            );
            assert!(
                responses.contains_key("400") && responses.contains_key("503"),
                "{method} {path}"
            );
        }
    }
    assert_eq!(documented, RULES.len(), "every rule's route is documented");
    assert!(document["components"]["securitySchemes"]["bearer"].is_object());
    assert!(document["components"]["schemas"]["AccountOut"].is_object());
}
