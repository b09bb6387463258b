//! Routes of contracts paid on crossing: register contracts, apply customs declarations,
//! and each contract's history. The ledger's part runs on the writer thread, with the book.

use axum::extract::{Path, State};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::{Principal, Role};
use crate::contracts::{self, ContractFileError, ContractView, RegisterReport, ShipReport};
use crate::error::ApiError;
use crate::openapi::{ErrorBody, Failures};
use crate::routes::Body;
use crate::server::AppState;

impl From<ContractFileError> for ApiError {
    fn from(error: ContractFileError) -> ApiError {
        match error {
            ContractFileError::Store(_) | ContractFileError::Crossings(_) => {
                ApiError::Internal(error.to_string())
            }
            ContractFileError::Contract(corridor_settlement::contracts::ContractError::Store(
                ref store,
            )) => ApiError::Internal(store.to_string()),
            other => ApiError::BadRequest(other.to_string()),
        }
    }
}

/// Runs `work` with the ledger (on its writer thread) and the book.
async fn with_book<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(
            &mut dyn corridor_store::LedgerStore,
            &mut crate::clearing::ClearingStore,
        ) -> Result<T, ContractFileError>
        + Send
        + 'static,
) -> Result<T, ApiError> {
    let clearing = state.clearing.clone();
    state
        .ledger
        .with_store(move |ledger| {
            let mut book = clearing.lock().map_err(|_| {
                ApiError::Internal("the clearing store's lock is poisoned".to_owned())
            })?;
            work(ledger, &mut book).map_err(ApiError::from)
        })
        .await?
}

/// A contracts file, or a customs declarations file, as text.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileIn {
    /// CSV (formats in `docs/formats/contracts.md`).
    #[schema(
        example = "contract,payer,payee,amount,currency,date,deadline\nK-1,TBI-GAS-POOL,IQ-EXP-BASRA,1000.000,IQD,2026-12-01,2027-03-01\n"
    )]
    csv: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/contracts",
    request_body = FileIn,
    security(("bearer" = [])),
    responses((status = 200, description = "Contracts registered and their amounts reserved; a contract registered before with the same terms is left as it is", body = RegisterReport), Failures)
)]
pub(crate) async fn register_contracts(
    State(state): State<AppState>,
    Body(body): Body<FileIn>,
) -> Result<Json<RegisterReport>, ApiError> {
    let report = with_book(&state, move |ledger, book| {
        let mut now = crate::writer::now_nanos;
        contracts::register_file(ledger, book, "contracts", &body.csv, &mut now)
    })
    .await?;
    Ok(Json(report))
}

#[utoipa::path(
    post,
    path = "/api/v1/contracts/shipments",
    request_body = FileIn,
    security(("bearer" = [])),
    responses((status = 200, description = "Customs declarations applied: each naming a contract pays it when its goods crossed in time; one applied before is left as it is", body = ShipReport), Failures)
)]
pub(crate) async fn ship_contracts(
    State(state): State<AppState>,
    Body(body): Body<FileIn>,
) -> Result<Json<ShipReport>, ApiError> {
    let report = with_book(&state, move |ledger, book| {
        let mut now = crate::writer::now_nanos;
        contracts::ship_file(ledger, book, "declarations", &body.csv, &mut now)
    })
    .await?;
    Ok(Json(report))
}

/// Contracts with their histories.
#[derive(Serialize, ToSchema)]
pub(crate) struct ContractsOut {
    contracts: Vec<ContractView>,
}

fn own_party(principal: &Principal) -> Option<String> {
    match principal.role {
        Role::Participant => Some(principal.party.clone().unwrap_or_default()),
        _ => None,
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/contracts",
    security(("bearer" = [])),
    responses((status = 200, description = "Every contract the caller may see (a participant: those its party pays or is paid by), with where each stands and its history", body = ContractsOut), Failures)
)]
pub(crate) async fn list_contracts(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
) -> Result<Json<ContractsOut>, ApiError> {
    let party = own_party(&principal);
    let contracts = with_book(&state, move |ledger, book| {
        contracts::contract_views(ledger, book, party.as_deref())
    })
    .await?;
    Ok(Json(ContractsOut { contracts }))
}

/// A contract's id.
#[derive(Deserialize, IntoParams)]
pub(crate) struct ContractPath {
    /// The contract's id.
    id: String,
}

#[utoipa::path(
    get,
    path = "/api/v1/contracts/{id}",
    params(ContractPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The contract, where it stands, and every step of its history", body = ContractView),
        (status = 404, description = "No such contract (or not the caller's party's)", body = ErrorBody),
        Failures
    )
)]
pub(crate) async fn get_contract(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(ContractPath { id }): Path<ContractPath>,
) -> Result<Json<ContractView>, ApiError> {
    let party = own_party(&principal);
    let wanted = id.clone();
    with_book(&state, move |ledger, book| {
        contracts::contract_view(ledger, book, &wanted, party.as_deref())
    })
    .await?
    .map(Json)
    .ok_or_else(|| ApiError::NotFound(format!("no contract {id}")))
}
