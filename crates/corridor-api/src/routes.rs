//! The routes: health, metrics, accounts, transfers, tokens.

use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{delete, get, post};
use axum::{Extension, Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use corridor_ledger::{Account, Event, Transfer};
use corridor_store::HistoryQuery;

use crate::access::{Principal, Role};
use crate::error::ApiError;
use crate::jsonl::{parse_transfer_list, parse_value};
use crate::openapi::{
    AccountOut, AccountPage, CreatedToken, ErrorBody, EventResult, Failures, NewToken, Results,
    Status, TokenList, TransferOut, TransferPage, WhoAmI,
};
#[allow(unused_imports)]
use crate::openapi::{AccountsIn, TransfersIn};
use crate::server::{now_seconds, AppState};
use crate::settle_routes as settle;
use crate::trade;
use crate::writer::WriterError;

/// A JSON body; a malformed one is a `bad_request` in the API's error format.
pub(crate) struct Body<T>(pub(crate) T);

/// A body's bytes; a body over the limit is a `payload_too_large` in the API's format.
pub(crate) struct RawBody(pub(crate) axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::body::Bytes::from_request(request, state)
            .await
            .map(RawBody)
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::TooLarge("the request body is too large".to_owned())
                } else {
                    ApiError::BadRequest(format!("cannot read the body: {rejection}"))
                }
            })
    }
}

/// Query parameters; malformed ones are a `bad_request` in the API's format.
pub(crate) struct Params<T>(pub(crate) T);

impl<T: DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| Params(value))
            .map_err(|rejection| {
                ApiError::BadRequest(format!("bad query: {}", rejection.body_text()))
            })
    }
}

/// The `{id}` of a path: a decimal integer, neither 0 nor more than 38 digits.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub(crate) struct IdPath {
    /// The id, a decimal integer.
    #[param(pattern = "^[1-9][0-9]{0,37}$")]
    id: String,
}

/// The `{id}` of a token's path.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub(crate) struct TokenPath {
    /// The token's id: 16 hexadecimal digits.
    #[param(pattern = "^[0-9a-f]{16}$")]
    id: String,
}

impl<T: DeserializeOwned> Body<T> {
    /// Reads a body already in memory.
    fn from_bytes(bytes: &[u8]) -> Result<Body<T>, ApiError> {
        // Every body is an object: serde would also read a struct from an array of its
        // fields' values, which the API does not offer.
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(ApiError::BadRequest(
                "the body is not a JSON object".to_owned(),
            ));
        }
        serde_json::from_slice(bytes)
            .map(Body)
            .map_err(|e| ApiError::BadRequest(format!("the body is not valid JSON here: {e}")))
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let RawBody(bytes) = RawBody::from_request(request, state).await?;
        Body::from_bytes(&bytes)
    }
}

impl From<WriterError> for ApiError {
    fn from(error: WriterError) -> ApiError {
        match error {
            WriterError::Invalid(message) => ApiError::BadRequest(message),
            WriterError::Unavailable(message) => ApiError::Unavailable(message),
            WriterError::Store(error) => ApiError::Unavailable(error.to_string()),
        }
    }
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics))
        .route("/api/v1/whoami", get(whoami))
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api/v1/accounts", get(list_accounts).post(create_accounts))
        .route("/api/v1/accounts/{id}", get(get_account))
        .route("/api/v1/accounts/{id}/transfers", get(account_transfers))
        .route("/api/v1/transfers", post(create_transfers))
        .route("/api/v1/transfers/{id}", get(get_transfer))
        .route("/api/v1/tokens", get(list_tokens).post(create_token))
        .route("/api/v1/tokens/{id}", delete(revoke_token))
        .route("/", get(crate::assets::index))
        .route("/assets/app.js", get(crate::assets::script))
        .route("/assets/app.css", get(crate::assets::style))
        .route("/api/v1/dashboard/overview", get(trade::dashboard_overview))
        .route(
            "/api/v1/dashboard/settlement",
            get(settle::dashboard_settlement),
        )
        .route(
            "/api/v1/dashboard/accounts",
            get(settle::dashboard_accounts),
        )
        .route("/api/v1/trade/report", get(trade::trade_report_route))
        .route("/api/v1/trade/partners", get(trade::trade_partners))
        .route("/api/v1/targets", get(trade::targets))
        .route(
            "/api/v1/trade/loads",
            get(trade::list_loads).post(trade::load_trade),
        )
        .route("/api/v1/trade/forecast", get(trade::trade_forecast))
        .route(
            "/api/v1/parties",
            get(settle::list_parties).post(settle::put_parties),
        )
        .route(
            "/api/v1/clearing/runs",
            get(settle::list_runs).post(settle::submit_run),
        )
        .route("/api/v1/clearing/runs/{id}", get(settle::get_run))
        .route("/api/v1/clearing/runs/{id}/plan", get(settle::get_plan))
        .route(
            "/api/v1/obligations",
            get(settle::list_obligations).post(settle::submit_obligations),
        )
        .route(
            "/api/v1/clearing/runs/{id}/obligations/{obligation}",
            get(settle::explain_obligation),
        )
        .route("/api/v1/clearing/runs/{id}/post", post(settle::post_run))
        .route(
            "/api/v1/contracts",
            get(crate::contract_routes::list_contracts)
                .post(crate::contract_routes::register_contracts),
        )
        .route(
            "/api/v1/contracts/shipments",
            post(crate::contract_routes::ship_contracts),
        )
        .route(
            "/api/v1/contracts/{id}",
            get(crate::contract_routes::get_contract),
        )
        .route(
            "/api/v1/crossings",
            get(crate::crossing_routes::list_crossings),
        )
        .route(
            "/api/v1/crossings/status",
            get(crate::crossing_routes::crossings_status),
        )
        .route(
            "/api/v1/crossings/{name}/calendar",
            get(crate::crossing_routes::crossing_calendar),
        )
        .route("/api/v1/simulate", post(crate::crossing_routes::simulate))
        .route(
            "/api/v1/simulate/example",
            get(crate::crossing_routes::simulate_example),
        )
}

#[utoipa::path(
    get,
    path = "/health",
    responses(
        (status = 200, description = "The process answers", body = Status),
        Failures
    )
)]
pub(crate) async fn health() -> Json<Status> {
    Json(Status {
        status: "ok".to_owned(),
    })
}

#[utoipa::path(
    get,
    path = "/ready",
    responses(
        (status = 200, description = "The ledger answers", body = Status),
        Failures
    )
)]
pub(crate) async fn ready(State(state): State<AppState>) -> Result<Json<Status>, ApiError> {
    state.ledger.lookup_accounts(Vec::new()).await?;
    Ok(Json(Status {
        status: "ready".to_owned(),
    }))
}

#[utoipa::path(
    get,
    path = "/metrics",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Prometheus text format", body = String, content_type = "text/plain"),
        Failures
    )
)]
pub(crate) async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [("content-type", "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}

#[utoipa::path(
    get,
    path = "/api/v1/whoami",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = WhoAmI),
        Failures
    )
)]
pub(crate) async fn whoami(Extension(principal): Extension<Principal>) -> Json<WhoAmI> {
    Json(WhoAmI {
        token: principal.token_id,
        role: principal.role.name().to_owned(),
        party: principal.party,
    })
}

/// The OpenAPI document of this API.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    responses(
        (status = 200, description = "The OpenAPI 3 document", body = Object),
        Failures
    )
)]
pub(crate) async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(crate::openapi::document())
}

/// An id in a path: a decimal `u128`.
fn id_of(text: &str) -> Result<u128, ApiError> {
    let bad = || ApiError::BadRequest(format!("{text:?} is not an id (a decimal integer)"));
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    text.parse().map_err(|_| bad())
}

/// A body of accounts.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AccountsBody {
    accounts: Vec<Value>,
}

/// A body of transfers, read the general way.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TransfersBody {
    transfers: Vec<Value>,
}

/// The events of a request body's list, each parsed as `op` says.
fn parse_events(list: Vec<Value>, op: &str) -> Result<Vec<Event>, ApiError> {
    list.into_iter()
        .enumerate()
        .map(|(index, mut value)| {
            if let Value::Object(object) = &mut value {
                object
                    .entry("op")
                    .or_insert_with(|| Value::String(op.to_owned()));
            }
            parse_value(index as u64, value).map_err(event_error)
        })
        .collect()
}

/// An event's error as the API says it: `event N, field `f`: ...` (N counts from 0).
fn event_error(error: crate::jsonl::LineError) -> ApiError {
    ApiError::BadRequest(format!(
        "event {}{}: {}",
        error.line,
        error
            .field
            .map(|f| format!(", field `{f}`"))
            .unwrap_or_default(),
        error.message
    ))
}

fn results_json<R: std::fmt::Display>(
    ids: impl Iterator<Item = u128>,
    results: &[R],
) -> Json<Results> {
    Json(Results {
        results: ids
            .zip(results)
            .enumerate()
            .map(|(index, (id, result))| EventResult {
                index,
                id: id.to_string(),
                result: result.to_string(),
            })
            .collect(),
    })
}

#[utoipa::path(
    post,
    path = "/api/v1/accounts",
    request_body = AccountsIn,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Each account's result", body = Results),
        Failures
    )
)]
pub(crate) async fn create_accounts(
    State(state): State<AppState>,
    Body(body): Body<AccountsBody>,
) -> Result<Json<Results>, ApiError> {
    let list = body.accounts;
    let mut accounts = Vec::with_capacity(list.len());
    for event in parse_events(list, "create_account")? {
        match event {
            Event::CreateAccount(account) => accounts.push(account),
            Event::CreateTransfer(_) => {
                return Err(ApiError::BadRequest(
                    "`accounts` holds accounts only".to_owned(),
                ))
            }
        }
    }
    let ids: Vec<u128> = accounts.iter().map(|a| a.id).collect();
    let results = state.ledger.create_accounts(accounts).await?;
    Ok(results_json(ids.into_iter(), &results))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTransfers<'a> {
    #[serde(borrow)]
    transfers: &'a serde_json::value::RawValue,
}

#[utoipa::path(
    post,
    path = "/api/v1/transfers",
    request_body = TransfersIn,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Each transfer's result", body = Results),
        Failures
    )
)]
pub(crate) async fn create_transfers(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    RawBody(body): RawBody,
) -> Result<Json<Results>, ApiError> {
    // The fast path reads the transfers straight into their fields; anything it does not
    // take (an unknown field, a malformed body) is read the general way, which names the
    // problem.
    let fast = serde_json::from_slice::<RawTransfers<'_>>(&body)
        .ok()
        .and_then(|raw| parse_transfer_list(raw.transfers.get()));
    let transfers = match fast {
        Some(Ok(transfers)) => transfers,
        Some(Err(error)) => return Err(event_error(error)),
        None => {
            let Body(body) = Body::<TransfersBody>::from_bytes(&body)?;
            let list = body.transfers;
            let mut transfers = Vec::with_capacity(list.len());
            for event in parse_events(list, "create_transfer")? {
                match event {
                    Event::CreateTransfer(transfer) => transfers.push(transfer),
                    Event::CreateAccount(_) => {
                        return Err(ApiError::BadRequest(
                            "`transfers` holds transfers only".to_owned(),
                        ))
                    }
                }
            }
            transfers
        }
    };
    if principal.role == Role::Participant {
        check_participant_transfers(&state, &principal, &transfers).await?;
    }
    let ids: Vec<u128> = transfers.iter().map(|t| t.id).collect();
    let results = state.ledger.create_transfers(transfers).await?;
    Ok(results_json(ids.into_iter(), &results))
}

/// A participant may only debit its own party's accounts, and may not post or void
/// reservations (operators resolve them).
async fn check_participant_transfers(
    state: &AppState,
    principal: &Principal,
    transfers: &[Transfer],
) -> Result<(), ApiError> {
    let party = principal.party.clone().unwrap_or_default();
    let mut debits: Vec<u128> = transfers.iter().map(|t| t.debit_account_id).collect();
    debits.sort_unstable();
    debits.dedup();
    let owned: Vec<u128> = state
        .ledger
        .lookup_accounts(debits)
        .await?
        .into_iter()
        .filter(|a| principal.owns(a.user_data_128))
        .map(|a| a.id)
        .collect();
    for (index, transfer) in transfers.iter().enumerate() {
        if transfer.pending_id != 0 {
            return Err(ApiError::Forbidden(format!(
                "transfer {index}: a participant cannot post or void a pending transfer"
            )));
        }
        if !owned.contains(&transfer.debit_account_id) {
            return Err(ApiError::Forbidden(format!(
                "transfer {index}: account {} is not one of party {party:?}'s accounts",
                transfer.debit_account_id
            )));
        }
    }
    Ok(())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct Page {
    /// Accounts per page, 1 to 1,000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<usize>,
    /// List the accounts with ids after this one.
    #[param(pattern = "^[0-9]{1,38}$")]
    after: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/accounts",
    params(Page),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the accounts the caller may see", body = AccountPage),
        Failures
    )
)]
pub(crate) async fn list_accounts(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Params(page): Params<Page>,
) -> Result<Json<AccountPage>, ApiError> {
    let limit = page.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit {limit}: give 1 to 1,000"
        )));
    }
    let after = match &page.after {
        Some(text) => id_of(text)?,
        None => 0,
    };
    let accounts = state.ledger.accounts().await?;
    let visible: Vec<&Account> = accounts
        .iter()
        .filter(|a| a.id > after && principal.owns(a.user_data_128))
        .take(limit + 1)
        .collect();
    let next = (visible.len() > limit).then(|| visible[limit - 1].id.to_string());
    Ok(Json(AccountPage {
        accounts: visible
            .iter()
            .take(limit)
            .map(|a| AccountOut::from(*a))
            .collect(),
        next,
    }))
}

/// The account `id`, if the caller may see it.
async fn visible_account(
    state: &AppState,
    principal: &Principal,
    id: u128,
) -> Result<Account, ApiError> {
    state
        .ledger
        .lookup_accounts(vec![id])
        .await?
        .into_iter()
        .find(|a| principal.owns(a.user_data_128))
        .ok_or_else(|| ApiError::NotFound(format!("no account {id}")))
}

#[utoipa::path(
    get,
    path = "/api/v1/accounts/{id}",
    params(IdPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account", body = AccountOut),
        (status = 404, description = "No such account the caller may see", body = ErrorBody),
        Failures
    )
)]
pub(crate) async fn get_account(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(IdPath { id }): Path<IdPath>,
) -> Result<Json<AccountOut>, ApiError> {
    let account = visible_account(&state, &principal, id_of(&id)?).await?;
    Ok(Json(AccountOut::from(&account)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct HistoryPage {
    /// Transfers per page, 1 to 8,189 (default 100).
    #[param(minimum = 1, maximum = 8189)]
    limit: Option<u32>,
    /// The earliest timestamp (nanoseconds since 1970) included.
    #[param(minimum = 0)]
    from_timestamp: Option<i64>,
    /// The latest timestamp included.
    #[param(minimum = 0)]
    to_timestamp: Option<i64>,
    /// Newest first.
    #[serde(default)]
    reverse: bool,
}

/// A timestamp of a query: `default` when left out; a negative one is an error.
fn timestamp(value: Option<i64>, default: u64) -> Result<u64, ApiError> {
    match value {
        None => Ok(default),
        Some(t) => {
            u64::try_from(t).map_err(|_| ApiError::BadRequest(format!("timestamp {t} is negative")))
        }
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/accounts/{id}/transfers",
    params(IdPath, HistoryPage),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the account's transfers", body = TransferPage),
        (status = 404, description = "No such account the caller may see", body = ErrorBody),
        Failures
    )
)]
pub(crate) async fn account_transfers(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(IdPath { id }): Path<IdPath>,
    Params(page): Params<HistoryPage>,
) -> Result<Json<TransferPage>, ApiError> {
    let account = visible_account(&state, &principal, id_of(&id)?).await?;
    let limit = page.limit.unwrap_or(100);
    if !(1..=HistoryQuery::LIMIT_MAX).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit {limit}: give 1 to {}",
            HistoryQuery::LIMIT_MAX
        )));
    }
    let query = HistoryQuery {
        account_id: account.id,
        timestamp_min: timestamp(page.from_timestamp, 0)?,
        timestamp_max: timestamp(page.to_timestamp, u64::MAX)?,
        limit,
        reversed: page.reverse,
    };
    let transfers = state
        .ledger
        .history(query)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no account {}", account.id)))?;
    // The next page starts after the last timestamp (before it, newest first).
    let next = (transfers.len() == limit as usize)
        .then(|| transfers.last())
        .flatten()
        .map(|t| {
            if page.reverse {
                t.timestamp.saturating_sub(1)
            } else {
                t.timestamp.saturating_add(1)
            }
            .to_string()
        });
    Ok(Json(TransferPage {
        transfers: transfers.iter().map(TransferOut::from).collect(),
        next_timestamp: next,
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/transfers/{id}",
    params(IdPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The transfer", body = TransferOut),
        (status = 404, description = "No such transfer the caller may see", body = ErrorBody),
        Failures
    )
)]
pub(crate) async fn get_transfer(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(IdPath { id }): Path<IdPath>,
) -> Result<Json<TransferOut>, ApiError> {
    let id = id_of(&id)?;
    let not_found = || ApiError::NotFound(format!("no transfer {id}"));
    let transfer = state
        .ledger
        .lookup_transfers(vec![id])
        .await?
        .into_iter()
        .next()
        .ok_or_else(not_found)?;
    if principal.role == Role::Participant {
        let accounts = state
            .ledger
            .lookup_accounts(vec![transfer.debit_account_id, transfer.credit_account_id])
            .await?;
        if !accounts.iter().any(|a| principal.owns(a.user_data_128)) {
            return Err(not_found());
        }
    }
    Ok(Json(TransferOut::from(&transfer)))
}

#[utoipa::path(
    get,
    path = "/api/v1/tokens",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every token (never the secrets)", body = TokenList),
        Failures
    )
)]
pub(crate) async fn list_tokens(
    State(state): State<AppState>,
) -> Result<Json<TokenList>, ApiError> {
    let tokens = with_tokens(&state, |store| store.list())
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Json(TokenList { tokens }))
}

#[utoipa::path(
    post,
    path = "/api/v1/tokens",
    request_body = NewToken,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The token, shown once", body = CreatedToken),
        Failures
    )
)]
pub(crate) async fn create_token(
    State(state): State<AppState>,
    Body(body): Body<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let (role, party, days) = body.parts().map_err(ApiError::BadRequest)?;
    let now = now_seconds();
    let expires_at = days.map(|days| now.saturating_add(days.saturating_mul(86_400)));
    let party = party.map(str::to_owned);
    let (info, token) = with_tokens(&state, move |store| {
        store.create(role, party.as_deref(), expires_at, now)
    })
    .await
    .map_err(|e| match e {
        crate::TokenError::Invalid(message) => ApiError::BadRequest(message),
        other => ApiError::Internal(other.to_string()),
    })?;
    Ok((StatusCode::CREATED, Json(CreatedToken { token, info })))
}

#[utoipa::path(
    delete,
    path = "/api/v1/tokens/{id}",
    params(TokenPath),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "No such token", body = ErrorBody),
        Failures
    )
)]
pub(crate) async fn revoke_token(
    State(state): State<AppState>,
    Path(TokenPath { id }): Path<TokenPath>,
) -> Result<StatusCode, ApiError> {
    let now = now_seconds();
    let revoked = id.clone();
    with_tokens(&state, move |store| store.revoke(&revoked, now))
        .await
        .map_err(|e| match e {
            crate::TokenError::Unknown => ApiError::NotFound(format!("no token {id}")),
            other => ApiError::Internal(other.to_string()),
        })?;
    Ok(StatusCode::NO_CONTENT)
}

/// Runs `f` on the token store on a blocking thread (the store may be PostgreSQL's
/// synchronous client), then reloads the tokens.
async fn with_tokens<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&mut crate::TokenStore) -> Result<T, crate::TokenError> + Send + 'static,
) -> Result<T, crate::TokenError> {
    let tokens = state.tokens.clone();
    tokio::task::spawn_blocking(move || tokens.with_store(f))
        .await
        .map_err(|e| crate::TokenError::Invalid(format!("the token task failed: {e}")))?
}
