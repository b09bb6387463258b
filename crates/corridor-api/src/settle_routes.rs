//! Routes of parties, clearing runs, and the dashboard's settlement and accounts views.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use corridor_core::Currency;
use corridor_ledger::{Account, PendingStatus, TransferFlags};
use corridor_settlement::post::{account_id, Holder};
use corridor_store::HistoryQuery;

use crate::access::{party_key, Principal, Role};
use crate::clearing::{
    self, read_parties, ClearingStore, ObligationExplained, PartyRecord, PoolTotals, Posted,
    RunInputs, RunSummary,
};
use crate::error::ApiError;
use crate::openapi::{ErrorBody, Failures};
use crate::routes::Body;
use crate::server::{now_seconds, AppState};

/// Runs `work` on the clearing store off the async threads.
async fn with_clearing<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&mut ClearingStore) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let store = state.clearing.clone();
    tokio::task::spawn_blocking(move || {
        let mut store = store
            .lock()
            .map_err(|_| ApiError::Internal("the clearing store's lock is poisoned".to_owned()))?;
        work(&mut store)
    })
    .await
    .map_err(|error| ApiError::Internal(format!("clearing failed: {error}")))?
}

/// The current time as `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn now_text() -> Result<String, ApiError> {
    let seconds = now_seconds();
    let date = crate::trade::today()?;
    let rest = seconds % 86_400;
    Ok(format!(
        "{date}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    ))
}

/// The parties.
#[derive(Serialize, ToSchema)]
pub(crate) struct PartiesOut {
    parties: Vec<PartyRecord>,
}

#[utoipa::path(
    get,
    path = "/api/v1/parties",
    security(("bearer" = [])),
    responses((status = 200, description = "The parties the caller may see", body = PartiesOut), Failures)
)]
pub(crate) async fn list_parties(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
) -> Result<Json<PartiesOut>, ApiError> {
    let parties = with_clearing(&state, |store| Ok(store.parties()?)).await?;
    Ok(Json(PartiesOut {
        parties: parties
            .into_iter()
            .filter(|p| {
                principal.role != Role::Participant || principal.party.as_ref() == Some(&p.id)
            })
            .collect(),
    }))
}

/// Parties to add or replace: the CLI's parties file as text.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PartiesIn {
    /// CSV: `id,country,kind,name`.
    #[schema(example = "id,country,kind,name\nCBI,IRN,central-bank,Central Bank of Iran\n")]
    csv: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/parties",
    request_body = PartiesIn,
    security(("bearer" = [])),
    responses((status = 200, description = "The parties now kept", body = PartiesOut), Failures)
)]
pub(crate) async fn put_parties(
    State(state): State<AppState>,
    Body(body): Body<PartiesIn>,
) -> Result<Json<PartiesOut>, ApiError> {
    let parties = read_parties("parties", &body.csv)?;
    let parties = with_clearing(&state, move |store| {
        store.put_parties(&parties)?;
        Ok(store.parties()?)
    })
    .await?;
    Ok(Json(PartiesOut { parties }))
}

/// The runs, newest first.
#[derive(Serialize, ToSchema)]
pub(crate) struct RunsOut {
    runs: Vec<RunSummary>,
}

#[utoipa::path(
    get,
    path = "/api/v1/clearing/runs",
    security(("bearer" = [])),
    responses((status = 200, description = "The last 100 runs, newest first", body = RunsOut), Failures)
)]
pub(crate) async fn list_runs(State(state): State<AppState>) -> Result<Json<RunsOut>, ApiError> {
    let runs = with_clearing(&state, |store| Ok(store.runs(100)?)).await?;
    Ok(Json(RunsOut { runs }))
}

#[utoipa::path(
    post,
    path = "/api/v1/clearing/runs",
    request_body = RunInputs,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Cleared and kept", body = RunSummary),
        (status = 200, description = "The same cycle was run before: that run", body = RunSummary),
        Failures
    )
)]
pub(crate) async fn submit_run(
    State(state): State<AppState>,
    Body(inputs): Body<RunInputs>,
) -> Result<(StatusCode, Json<RunSummary>), ApiError> {
    let created_at = now_text()?;
    let submitted = with_clearing(&state, move |store| {
        clearing::submit_run(store, inputs, created_at)
    })
    .await?;
    if submitted.created {
        state.metrics.clearing_run();
    }
    let status = if submitted.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(submitted.summary)))
}

/// A run's id in a path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub(crate) struct RunPath {
    /// `run-` and 16 hexadecimal digits.
    #[param(pattern = "^run-[0-9a-f]{16}$")]
    id: String,
}

/// A run's obligation in a path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub(crate) struct ObligationPath {
    /// `run-` and 16 hexadecimal digits.
    #[param(pattern = "^run-[0-9a-f]{16}$")]
    id: String,
    /// The obligation's id.
    obligation: String,
}

#[utoipa::path(
    get,
    path = "/api/v1/clearing/runs/{id}",
    params(RunPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The run's report: totals, parties' cash, pools and every obligation's outcome (the JSON of `corridor clear --format json`)", body = Object),
        (status = 404, description = "No such run", body = ErrorBody),
        Failures
    )
)]
pub(crate) async fn get_run(
    State(state): State<AppState>,
    Path(RunPath { id }): Path<RunPath>,
) -> Result<axum::response::Response, ApiError> {
    let report = with_clearing(&state, move |store| {
        store
            .report(&id)?
            .ok_or_else(|| ApiError::NotFound(format!("no run {id}")))
    })
    .await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        report,
    )
        .into_response())
}

#[utoipa::path(
    get,
    path = "/api/v1/clearing/runs/{id}/obligations/{obligation}",
    params(ObligationPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The obligation's outcome and why: the set-off cycles through it, its pool payments", body = ObligationExplained),
        (status = 404, description = "No such run or obligation (or not the caller's)", body = ErrorBody),
        Failures
    )
)]
pub(crate) async fn explain_obligation(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(ObligationPath { id, obligation }): Path<ObligationPath>,
) -> Result<Json<ObligationExplained>, ApiError> {
    let explained = with_clearing(&state, move |store| {
        let visible = |debtor: &str, creditor: &str| match principal.role {
            Role::Participant => principal
                .party
                .as_deref()
                .is_some_and(|p| p == debtor || p == creditor),
            _ => true,
        };
        clearing::explain(store, &id, &obligation, &visible)
    })
    .await?;
    Ok(Json(explained))
}

#[utoipa::path(
    post,
    path = "/api/v1/clearing/runs/{id}/post",
    params(RunPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Posted, or already posted (nothing changed)", body = Posted),
        (status = 404, description = "No such run", body = ErrorBody),
        Failures
    )
)]
pub(crate) async fn post_run(
    State(state): State<AppState>,
    Path(RunPath { id }): Path<RunPath>,
) -> Result<Json<Posted>, ApiError> {
    let run = id.clone();
    let plan = with_clearing(&state, move |store| clearing::plan_of(store, &run)).await?;
    let plan_id = plan.id;
    let outcome = state
        .ledger
        .with_store(move |ledger| {
            let mut now = crate::writer::now_nanos;
            clearing::post_run(ledger, &plan, &mut now)
        })
        .await?
        .map_err(|error| ApiError::BadRequest(format!("post run {id}: {error}")))?;
    let posted = with_clearing(&state, move |store| {
        clearing::posted(store, &id, plan_id, &outcome)
    })
    .await?;
    Ok(Json(posted))
}

/// An open reservation.
#[derive(Serialize, ToSchema)]
pub(crate) struct PendingOut {
    id: String,
    debit_account_id: String,
    credit_account_id: String,
    debit_party: Option<String>,
    credit_party: Option<String>,
    amount_minor: String,
    currency: Option<String>,
    exponent: Option<u8>,
    /// Seconds after its creation it expires (0: never).
    timeout: u32,
    /// Nanoseconds since 1970.
    timestamp: String,
}

/// The settlement page: pools, open reservations, the last runs.
#[derive(Serialize, ToSchema)]
pub(crate) struct SettlementOut {
    pools: Vec<PoolView>,
    pending: Vec<PendingOut>,
    runs: Vec<RunSummary>,
}

/// A pool as of the newest run with pools.
#[derive(Serialize, ToSchema)]
pub(crate) struct PoolView {
    #[serde(flatten)]
    totals: PoolTotals,
    /// The run.
    run: String,
}

/// The currency of a ledger (`corridor_settlement::post::ledger_of`: the code's letters).
fn currency_of(ledger: u32) -> Option<Currency> {
    let bytes = ledger.to_be_bytes();
    if bytes[0] != 0 {
        return None;
    }
    std::str::from_utf8(&bytes[1..])
        .ok()
        .and_then(|code| Currency::from_code(code).ok())
}

/// The party of each account key, for the parties the service keeps.
fn parties_by_key(parties: &[PartyRecord]) -> HashMap<u128, &PartyRecord> {
    parties.iter().map(|p| (party_key(&p.id), p)).collect()
}

#[utoipa::path(
    get,
    path = "/api/v1/dashboard/settlement",
    security(("bearer" = [])),
    responses((status = 200, description = "Pools, open reservations on them, the last runs", body = SettlementOut), Failures)
)]
pub(crate) async fn dashboard_settlement(
    State(state): State<AppState>,
) -> Result<Json<SettlementOut>, ApiError> {
    let (runs, parties) =
        with_clearing(&state, |store| Ok((store.runs(20)?, store.parties()?))).await?;
    let pools: Vec<PoolView> = runs
        .iter()
        .find(|run| !run.pools.is_empty())
        .map(|run| {
            run.pools
                .iter()
                .map(|p| PoolView {
                    totals: p.clone(),
                    run: run.id.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    // The pools' accounts: those of the pools named by runs, and of parties kept as
    // restricted pools, in the pools' currencies.
    let mut pool_accounts: Vec<u128> = Vec::new();
    for pool in &pools {
        if let Ok(currency) = Currency::from_code(&pool.totals.currency) {
            pool_accounts.push(account_id(
                &Holder::Party(pool.totals.pool.clone()),
                currency,
            ));
        }
    }
    // Parties kept as restricted pools: their accounts in any currency (looked up by id,
    // never by scanning the ledger's accounts).
    for party in parties.iter().filter(|p| p.kind == "restricted-pool") {
        for currency in Currency::all() {
            pool_accounts.push(account_id(&Holder::Party(party.id.clone()), *currency));
        }
    }
    pool_accounts.sort_unstable();
    pool_accounts.dedup();
    let pending = state
        .ledger
        .with_store(
            move |ledger| -> Result<Vec<corridor_ledger::Transfer>, corridor_store::StoreError> {
                let existing: Vec<u128> = ledger
                    .lookup_accounts(&pool_accounts)?
                    .iter()
                    .map(|a| a.id)
                    .collect();
                let mut open = Vec::new();
                for account in existing {
                    let page = ledger.account_transfers(&HistoryQuery {
                        limit: 1_000,
                        reversed: true,
                        ..HistoryQuery::first(account, 1_000)
                    })?;
                    for transfer in page.unwrap_or_default() {
                        if transfer.flags.contains(TransferFlags::PENDING)
                            && transfer.debit_account_id == account
                            && matches!(
                                ledger.pending_status(transfer.id)?,
                                Some(PendingStatus::Pending)
                            )
                        {
                            open.push(transfer);
                        }
                    }
                }
                open.sort_by_key(|t| std::cmp::Reverse(t.timestamp));
                open.truncate(100);
                Ok(open)
            },
        )
        .await?
        .map_err(|e| ApiError::Unavailable(e.to_string()))?;
    let accounts = state
        .ledger
        .lookup_accounts(
            pending
                .iter()
                .flat_map(|t| [t.debit_account_id, t.credit_account_id])
                .collect(),
        )
        .await?;
    let by_key = parties_by_key(&parties);
    let party_of = |id: u128| {
        accounts
            .iter()
            .find(|a| a.id == id)
            .and_then(|a| by_key.get(&a.user_data_128))
            .map(|p| p.id.clone())
    };
    Ok(Json(SettlementOut {
        pending: pending
            .iter()
            .map(|t| {
                let currency = currency_of(t.ledger);
                PendingOut {
                    id: t.id.to_string(),
                    debit_account_id: t.debit_account_id.to_string(),
                    credit_account_id: t.credit_account_id.to_string(),
                    debit_party: party_of(t.debit_account_id),
                    credit_party: party_of(t.credit_account_id),
                    amount_minor: t.amount.to_string(),
                    currency: currency.map(|c| c.code().to_owned()),
                    exponent: currency.map(Currency::scale),
                    timeout: t.timeout,
                    timestamp: t.timestamp.to_string(),
                }
            })
            .collect(),
        pools,
        runs,
    }))
}

/// An account as the dashboard shows it.
#[derive(Serialize, ToSchema)]
pub(crate) struct AccountView {
    id: String,
    party: Option<String>,
    party_name: Option<String>,
    currency: Option<String>,
    exponent: Option<u8>,
    code: u16,
    debits_posted: String,
    credits_posted: String,
    debits_pending: String,
    credits_pending: String,
    /// Credits posted less debits posted, in minor units (may be negative).
    balance_minor: String,
}

/// The accounts the caller may see.
#[derive(Serialize, ToSchema)]
pub(crate) struct AccountsView {
    accounts: Vec<AccountView>,
}

#[utoipa::path(
    get,
    path = "/api/v1/dashboard/accounts",
    security(("bearer" = [])),
    responses((status = 200, description = "The accounts the caller may see, with their parties and currencies (at most 10,000)", body = AccountsView), Failures)
)]
pub(crate) async fn dashboard_accounts(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
) -> Result<Json<AccountsView>, ApiError> {
    let parties = with_clearing(&state, |store| Ok(store.parties()?)).await?;
    let accounts = state.ledger.accounts().await?;
    let by_key = parties_by_key(&parties);
    let visible: Vec<&Account> = accounts
        .iter()
        .filter(|a| principal.owns(a.user_data_128))
        .take(10_000)
        .collect();
    Ok(Json(AccountsView {
        accounts: visible
            .into_iter()
            .map(|a| {
                let currency = currency_of(a.ledger);
                let party = by_key.get(&a.user_data_128);
                // A participant's own accounts carry its key even when the party is not kept.
                let party_id = party.map(|p| p.id.clone()).or_else(|| {
                    principal
                        .party
                        .clone()
                        .filter(|p| party_key(p) == a.user_data_128)
                });
                AccountView {
                    id: a.id.to_string(),
                    party: party_id,
                    party_name: party.and_then(|p| p.name.clone()),
                    currency: currency.map(|c| c.code().to_owned()),
                    exponent: currency.map(Currency::scale),
                    code: a.code,
                    debits_posted: a.debits_posted.to_string(),
                    credits_posted: a.credits_posted.to_string(),
                    debits_pending: a.debits_pending.to_string(),
                    credits_pending: a.credits_pending.to_string(),
                    balance_minor: (i128::try_from(a.credits_posted)
                        .unwrap_or(i128::MAX)
                        .saturating_sub(i128::try_from(a.debits_posted).unwrap_or(i128::MAX)))
                    .to_string(),
                }
            })
            .collect(),
    }))
}

/// Obligations to submit for the next clearing cycle: the CLI's obligations file as text.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ObligationsIn {
    /// CSV: `id,debtor,creditor,amount,currency,due_date,calendar,hs_code,reference`.
    #[schema(
        example = "id,debtor,creditor,amount,currency,due_date,calendar,hs_code,reference\nINV-1,IQ-IMP-BAGHDAD,IR-EXP-KERMANSHAH,\"412,500,000.000\",IQD,2024-05-05,,2523,cement\n"
    )]
    csv: String,
}

/// What a submission did.
#[derive(Serialize, ToSchema)]
pub(crate) struct ObligationsSubmitted {
    /// Obligations kept now.
    added: usize,
    /// Obligations submitted before with the same fields (nothing changed for them).
    already_submitted: usize,
}

#[utoipa::path(
    post,
    path = "/api/v1/obligations",
    request_body = ObligationsIn,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Kept, all or none, for the next clearing run", body = ObligationsSubmitted),
        (status = 409, description = "An id was submitted before with other fields: nothing kept", body = ErrorBody),
        Failures
    )
)]
pub(crate) async fn submit_obligations(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Body(body): Body<ObligationsIn>,
) -> Result<Json<ObligationsSubmitted>, ApiError> {
    let party = match principal.role {
        Role::Participant => principal.party.clone(),
        _ => None,
    };
    let allowed = |line: u64, debtor: &str, creditor: &str| {
        match &party {
        Some(party) if party != debtor && party != creditor => Err(ApiError::Forbidden(format!(
            "obligations line {line}: {debtor} owes {creditor}; a participant submits only obligations of its own party ({party})"
        ))),
        _ => Ok(()),
    }
    };
    let records = clearing::read_obligations(&body.csv, &principal.token_id, &allowed)?;
    let outcome =
        with_clearing(&state, move |store| Ok(store.submit_obligations(&records)?)).await?;
    match outcome {
        Ok((added, already_submitted)) => Ok(Json(ObligationsSubmitted {
            added,
            already_submitted,
        })),
        Err(id) => Err(ApiError::Conflict(format!(
            "obligation {id:?} was submitted before with other fields: nothing was kept"
        ))),
    }
}

/// Which obligations to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ObligationsQuery {
    /// Only those not yet in a run (default true).
    open: Option<bool>,
}

/// Submitted obligations.
#[derive(Serialize, ToSchema)]
pub(crate) struct ObligationsOut {
    obligations: Vec<clearing::ObligationRecord>,
}

#[utoipa::path(
    get,
    path = "/api/v1/obligations",
    params(ObligationsQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "The submitted obligations the caller may see (a participant: its party's)", body = ObligationsOut), Failures)
)]
pub(crate) async fn list_obligations(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    crate::routes::Params(query): crate::routes::Params<ObligationsQuery>,
) -> Result<Json<ObligationsOut>, ApiError> {
    let party = match principal.role {
        Role::Participant => Some(principal.party.clone().unwrap_or_default()),
        _ => None,
    };
    let open = query.open.unwrap_or(true);
    let obligations = with_clearing(&state, move |store| {
        Ok(store.obligations(party.as_deref(), open)?)
    })
    .await?;
    Ok(Json(ObligationsOut { obligations }))
}

/// One transfer of a settlement plan.
#[derive(Serialize, ToSchema)]
pub(crate) struct PlanTransferOut {
    /// The ledger transfer's id when posted.
    id: String,
    /// Who pays: a party, or a country's clearing agent (`agent:IRQ`).
    debit: String,
    /// Who is paid.
    credit: String,
    /// Minor units.
    amount: String,
    currency: String,
    exponent: u8,
    /// `offset`, `cash`, `pool_payment` or `pool_charge`.
    kind: &'static str,
    /// The obligation it discharges.
    obligation: Option<String>,
}

/// A run's settlement plan: the ledger transfers that carry it out.
#[derive(Serialize, ToSchema)]
pub(crate) struct PlanOut {
    run: String,
    /// 32 hexadecimal digits.
    plan: String,
    transfers: Vec<PlanTransferOut>,
}

fn holder_name(holder: &Holder) -> String {
    match holder {
        Holder::Party(id) => id.clone(),
        Holder::Agent(country) => format!("agent:{country}"),
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/clearing/runs/{id}/plan",
    params(RunPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The transfers that carry the run out (what posting it applies)", body = PlanOut),
        (status = 404, description = "No such run", body = ErrorBody),
        Failures
    )
)]
pub(crate) async fn get_plan(
    State(state): State<AppState>,
    Path(RunPath { id }): Path<RunPath>,
) -> Result<Json<PlanOut>, ApiError> {
    let run = id.clone();
    let plan = with_clearing(&state, move |store| clearing::plan_of(store, &run)).await?;
    use corridor_settlement::plan::{CODE_CASH, CODE_OFFSET, CODE_POOL_CHARGE, CODE_POOL_PAYMENT};
    Ok(Json(PlanOut {
        run: id,
        plan: format!("{:032x}", plan.id),
        transfers: plan
            .transfers
            .iter()
            .enumerate()
            .map(|(index, t)| PlanTransferOut {
                id: corridor_settlement::post::transfer_id(plan.id, index).to_string(),
                debit: holder_name(&t.debit),
                credit: holder_name(&t.credit),
                amount: t.amount.amount_minor().to_string(),
                currency: t.amount.currency().code().to_owned(),
                exponent: t.amount.currency().scale(),
                kind: match t.code {
                    CODE_OFFSET => "offset",
                    CODE_CASH => "cash",
                    CODE_POOL_PAYMENT => "pool_payment",
                    CODE_POOL_CHARGE => "pool_charge",
                    _ => "other",
                },
                obligation: t.obligation.as_ref().map(|(_, id)| id.clone()),
            })
            .collect(),
    }))
}
