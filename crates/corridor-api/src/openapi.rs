//! The wire types of the API and the OpenAPI 3 document generated from them and from the
//! handlers' annotations (`utoipa`): never written by hand, served at
//! `/api/v1/openapi.json`.

use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use corridor_ledger::{Account, Transfer};

use crate::tokens::TokenInfo;

/// An error: a stable code and a message for people.
#[derive(Serialize, ToSchema)]
pub(crate) struct ErrorBody {
    /// `unauthenticated`, `forbidden`, `bad_request`, `not_found`, `payload_too_large`,
    /// `rate_limited`, `unavailable` or `internal`.
    pub(crate) code: String,
    /// What went wrong.
    pub(crate) message: String,
}

/// A status.
#[derive(Serialize, ToSchema)]
pub(crate) struct Status {
    /// `ok` or `ready`.
    pub(crate) status: String,
}

/// Who is calling.
#[derive(Serialize, ToSchema)]
pub(crate) struct WhoAmI {
    /// The token's public id.
    pub(crate) token: String,
    /// The token's role.
    pub(crate) role: String,
    /// The party of a participant.
    pub(crate) party: Option<String>,
}

/// An account with its balances. Ids and amounts are decimal strings (128 bits).
#[derive(Serialize, ToSchema)]
pub(crate) struct AccountOut {
    pub(crate) id: String,
    pub(crate) ledger: u32,
    pub(crate) code: u16,
    pub(crate) flags: Vec<String>,
    pub(crate) user_data_128: String,
    pub(crate) user_data_64: String,
    pub(crate) user_data_32: u32,
    pub(crate) debits_pending: String,
    pub(crate) debits_posted: String,
    pub(crate) credits_pending: String,
    pub(crate) credits_posted: String,
    /// Nanoseconds since 1970, assigned by the ledger.
    pub(crate) timestamp: String,
}

impl From<&Account> for AccountOut {
    fn from(a: &Account) -> AccountOut {
        AccountOut {
            id: a.id.to_string(),
            ledger: a.ledger,
            code: a.code,
            flags: a.flags.names().map(str::to_owned).collect(),
            user_data_128: a.user_data_128.to_string(),
            user_data_64: a.user_data_64.to_string(),
            user_data_32: a.user_data_32,
            debits_pending: a.debits_pending.to_string(),
            debits_posted: a.debits_posted.to_string(),
            credits_pending: a.credits_pending.to_string(),
            credits_posted: a.credits_posted.to_string(),
            timestamp: a.timestamp.to_string(),
        }
    }
}

/// A page of accounts.
#[derive(Serialize, ToSchema)]
pub(crate) struct AccountPage {
    pub(crate) accounts: Vec<AccountOut>,
    /// Pass as `after` for the next page; null on the last.
    pub(crate) next: Option<String>,
}

/// A transfer as the ledger stored it.
#[derive(Serialize, ToSchema)]
pub(crate) struct TransferOut {
    pub(crate) id: String,
    pub(crate) debit_account_id: String,
    pub(crate) credit_account_id: String,
    pub(crate) amount: String,
    pub(crate) pending_id: String,
    pub(crate) ledger: u32,
    pub(crate) code: u16,
    pub(crate) flags: Vec<String>,
    pub(crate) timeout: u32,
    pub(crate) user_data_128: String,
    pub(crate) user_data_64: String,
    pub(crate) user_data_32: u32,
    /// Nanoseconds since 1970, assigned by the ledger.
    pub(crate) timestamp: String,
}

impl From<&Transfer> for TransferOut {
    fn from(t: &Transfer) -> TransferOut {
        TransferOut {
            id: t.id.to_string(),
            debit_account_id: t.debit_account_id.to_string(),
            credit_account_id: t.credit_account_id.to_string(),
            amount: t.amount.to_string(),
            pending_id: t.pending_id.to_string(),
            ledger: t.ledger,
            code: t.code,
            flags: t.flags.names().map(str::to_owned).collect(),
            timeout: t.timeout,
            user_data_128: t.user_data_128.to_string(),
            user_data_64: t.user_data_64.to_string(),
            user_data_32: t.user_data_32,
            timestamp: t.timestamp.to_string(),
        }
    }
}

/// A page of an account's transfers.
#[derive(Serialize, ToSchema)]
pub(crate) struct TransferPage {
    pub(crate) transfers: Vec<TransferOut>,
    /// Pass as `from_timestamp` (or `to_timestamp` with `reverse`) for the next page.
    pub(crate) next_timestamp: Option<String>,
}

/// An account to create. Ids are decimal strings or integers; `flags` are names
/// (`linked`, `debits_must_not_exceed_credits`, `credits_must_not_exceed_debits`).
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub(crate) struct AccountIn {
    pub(crate) id: String,
    pub(crate) ledger: u32,
    pub(crate) code: u16,
    pub(crate) flags: Option<Vec<String>>,
    pub(crate) user_data_128: Option<String>,
    pub(crate) user_data_64: Option<String>,
    pub(crate) user_data_32: Option<u32>,
}

/// Accounts to create, as one batch.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub(crate) struct AccountsIn {
    pub(crate) accounts: Vec<AccountIn>,
}

/// A transfer to create (or, with `pending_id` and the `post_pending` or `void_pending`
/// flag, to resolve). Ids and amounts are decimal strings or integers.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub(crate) struct TransferIn {
    pub(crate) id: String,
    pub(crate) debit_account_id: Option<String>,
    pub(crate) credit_account_id: Option<String>,
    pub(crate) amount: Option<String>,
    pub(crate) ledger: Option<u32>,
    pub(crate) code: Option<u16>,
    pub(crate) flags: Option<Vec<String>>,
    pub(crate) pending_id: Option<String>,
    pub(crate) timeout: Option<u32>,
    pub(crate) user_data_128: Option<String>,
    pub(crate) user_data_64: Option<String>,
    pub(crate) user_data_32: Option<u32>,
}

/// Transfers to apply; a linked chain must end within the request.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub(crate) struct TransfersIn {
    pub(crate) transfers: Vec<TransferIn>,
}

/// One event's result.
#[derive(Serialize, ToSchema)]
pub(crate) struct EventResult {
    pub(crate) index: usize,
    pub(crate) id: String,
    /// `ok`, or the reason it was not applied (`exists`, `exceeds_credits`, ...; listed in
    /// `docs/ledger-results.md`).
    pub(crate) result: String,
}

/// Each event's result, in order.
#[derive(Serialize, ToSchema)]
pub(crate) struct Results {
    pub(crate) results: Vec<EventResult>,
}

/// A token to create.
#[derive(Deserialize, ToSchema)]
pub(crate) struct NewToken {
    /// `admin`, `operator`, `participant` or `analyst`.
    pub(crate) role: String,
    /// For a participant: its party.
    pub(crate) party: Option<String>,
    /// Days until it expires; never when left out.
    pub(crate) expires_in_days: Option<u64>,
}

/// A created token: shown once.
#[derive(Serialize, ToSchema)]
pub(crate) struct CreatedToken {
    pub(crate) token: String,
    pub(crate) info: TokenInfo,
}

/// The tokens.
#[derive(Serialize, ToSchema)]
pub(crate) struct TokenList {
    pub(crate) tokens: Vec<TokenInfo>,
}

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Corridor", description = "The Corridor clearing house's API: the ledger, tokens."),
    paths(
        crate::routes::health,
        crate::routes::ready,
        crate::routes::metrics,
        crate::routes::openapi_json,
        crate::routes::whoami,
        crate::routes::list_accounts,
        crate::routes::create_accounts,
        crate::routes::get_account,
        crate::routes::account_transfers,
        crate::routes::create_transfers,
        crate::routes::get_transfer,
        crate::routes::list_tokens,
        crate::routes::create_token,
        crate::routes::revoke_token,
    ),
    modifiers(&Bearer)
)]
pub(crate) struct ApiDoc;

/// The OpenAPI document.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
