//! The wire types of the API and the OpenAPI 3 document generated from them and from the
//! handlers' annotations (`utoipa`): never written by hand, served at
//! `/api/v1/openapi.json`.

use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::RefOr;
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

/// The failures every operation may answer, each as an [`ErrorBody`].
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub(crate) enum Failures {
    #[response(status = 400, description = "Malformed")]
    BadRequest(ErrorBody),
    #[response(status = 401, description = "No or bad token")]
    Unauthenticated(ErrorBody),
    #[response(status = 403, description = "Not allowed")]
    Forbidden(ErrorBody),
    #[response(status = 413, description = "Body too large")]
    TooLarge(ErrorBody),
    #[response(status = 429, description = "Rate limited")]
    RateLimited(ErrorBody),
    #[response(status = 503, description = "Ledger unavailable")]
    Unavailable(ErrorBody),
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

/// A decimal string of digits matching `pattern`, or a whole JSON number from `minimum` to
/// `maximum`: ids, amounts and user data, as the ledger's JSON format takes them.
fn decimal(pattern: &str, minimum: f64, maximum: f64) -> RefOr<Schema> {
    Schema::OneOf(decimal_choices(pattern, minimum, maximum).build()).into()
}

/// [`decimal`], or null (left out).
fn nullable_decimal(pattern: &str, minimum: f64, maximum: f64) -> RefOr<Schema> {
    Schema::OneOf(
        decimal_choices(pattern, minimum, maximum)
            .item(ObjectBuilder::new().schema_type(SchemaType::Type(Type::Null)))
            .build(),
    )
    .into()
}

fn decimal_choices(pattern: &str, minimum: f64, maximum: f64) -> OneOfBuilder {
    OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(SchemaType::Type(Type::String))
                .pattern(Some(pattern)),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(SchemaType::Type(Type::Integer))
                .minimum(Some(minimum))
                .maximum(Some(maximum)),
        )
}

/// The largest JSON number the API takes (2^53 - 1); larger values are strings.
const MAX_EXACT: f64 = 9_007_199_254_740_991.0;

fn id_schema() -> RefOr<Schema> {
    decimal("^[1-9][0-9]{0,37}$", 1.0, MAX_EXACT)
}

fn amount_schema() -> RefOr<Schema> {
    decimal("^[0-9]{1,38}$", 0.0, MAX_EXACT)
}

fn user_data_128_schema() -> RefOr<Schema> {
    nullable_decimal("^[0-9]{1,38}$", 0.0, MAX_EXACT)
}

fn user_data_64_schema() -> RefOr<Schema> {
    nullable_decimal("^[0-9]{1,19}$", 0.0, MAX_EXACT)
}

/// The flags an account may be created with.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub(crate) enum AccountFlagName {
    Linked,
    DebitsMustNotExceedCredits,
    CreditsMustNotExceedDebits,
    Closed,
}

/// An account to create. Ids are decimal strings (integers are accepted too).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub(crate) struct AccountIn {
    #[schema(schema_with = id_schema)]
    pub(crate) id: String,
    #[schema(minimum = 0, maximum = 4294967295_u64)]
    pub(crate) ledger: u64,
    #[schema(minimum = 0, maximum = 65535)]
    pub(crate) code: u64,
    pub(crate) flags: Option<Vec<AccountFlagName>>,
    #[schema(schema_with = user_data_128_schema)]
    pub(crate) user_data_128: Option<String>,
    #[schema(schema_with = user_data_64_schema)]
    pub(crate) user_data_64: Option<String>,
    #[schema(minimum = 0, maximum = 4294967295_u64)]
    pub(crate) user_data_32: Option<u64>,
}

/// Accounts to create, as one batch (at most 8,189).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub(crate) struct AccountsIn {
    #[schema(max_items = 8189)]
    pub(crate) accounts: Vec<AccountIn>,
}

/// The flags of a transfer described here. (`linked` chains, which must end within a
/// request, and `post_pending` / `void_pending` with a `pending_id`, which resolve a
/// reservation, are accepted too: see the ledger's JSON-lines format.)
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub(crate) enum TransferFlagName {
    Pending,
    BalancingDebit,
    BalancingCredit,
    ClosingDebit,
    ClosingCredit,
}

/// A transfer to create. Ids and amounts are decimal strings (integers are accepted too).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub(crate) struct TransferIn {
    #[schema(schema_with = id_schema)]
    pub(crate) id: String,
    #[schema(schema_with = id_schema)]
    pub(crate) debit_account_id: String,
    #[schema(schema_with = id_schema)]
    pub(crate) credit_account_id: String,
    #[schema(schema_with = amount_schema)]
    pub(crate) amount: String,
    #[schema(minimum = 0, maximum = 4294967295_u64)]
    pub(crate) ledger: u64,
    #[schema(minimum = 0, maximum = 65535)]
    pub(crate) code: u64,
    pub(crate) flags: Option<Vec<TransferFlagName>>,
    /// Seconds until a pending transfer expires.
    #[schema(minimum = 0, maximum = 4294967295_u64)]
    pub(crate) timeout: Option<u64>,
    #[schema(schema_with = user_data_128_schema)]
    pub(crate) user_data_128: Option<String>,
    #[schema(schema_with = user_data_64_schema)]
    pub(crate) user_data_64: Option<String>,
    #[schema(minimum = 0, maximum = 4294967295_u64)]
    pub(crate) user_data_32: Option<u64>,
}

/// Transfers to apply (at most 8,189); a linked chain must end within the request.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub(crate) struct TransfersIn {
    #[schema(max_items = 8189)]
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

/// The roles of tokens that act for no party.
#[derive(Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum StaffRole {
    Admin,
    Operator,
    Analyst,
}

/// The role of a token that acts for one party.
#[derive(Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ParticipantRole {
    Participant,
}

/// An admin's, operator's or analyst's token to create.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StaffToken {
    pub(crate) role: StaffRole,
    /// Days until it expires, up to 36,500; never when left out.
    #[schema(value_type = Option<u64>, minimum = 0, maximum = 36500)]
    pub(crate) expires_in_days: Option<serde_json::Number>,
}

/// A participant's token to create: it names its party.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ParticipantToken {
    #[allow(dead_code)]
    pub(crate) role: ParticipantRole,
    #[schema(min_length = 1)]
    pub(crate) party: String,
    /// Days until it expires, up to 36,500; never when left out.
    #[schema(value_type = Option<u64>, minimum = 0, maximum = 36500)]
    pub(crate) expires_in_days: Option<serde_json::Number>,
}

/// A token to create.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub(crate) enum NewToken {
    Participant(ParticipantToken),
    Staff(StaffToken),
}

impl NewToken {
    /// The role, the party and the days until expiry (`Err` for days that are not a
    /// whole number from 0 to 36,500).
    pub(crate) fn parts(&self) -> Result<(crate::Role, Option<&str>, Option<u64>), String> {
        let days = |number: &Option<serde_json::Number>| match number {
            None => Ok(None),
            Some(number) => crate::jsonl::whole_u64(number)
                .filter(|days| *days <= 36_500)
                .map(Some)
                .ok_or_else(|| {
                    format!(
                        "expires_in_days: {number} is not a whole number of days from 0 to 36,500"
                    )
                }),
        };
        Ok(match self {
            NewToken::Participant(token) => (
                crate::Role::Participant,
                Some(token.party.as_str()),
                days(&token.expires_in_days)?,
            ),
            NewToken::Staff(token) => (
                match token.role {
                    StaffRole::Admin => crate::Role::Admin,
                    StaffRole::Operator => crate::Role::Operator,
                    StaffRole::Analyst => crate::Role::Analyst,
                },
                None,
                days(&token.expires_in_days)?,
            ),
        })
    }
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
    info(title = "Corridor", description = "The Corridor clearing house's API: the ledger, parties and clearing runs, trade reports and targets, tokens."),
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
        crate::assets::index,
        crate::assets::script,
        crate::assets::style,
        crate::trade::dashboard_overview,
        crate::trade::trade_report_route,
        crate::trade::trade_partners,
        crate::trade::targets,
        crate::trade::list_loads,
        crate::trade::load_trade,
        crate::trade::trade_forecast,
        crate::settle_routes::dashboard_settlement,
        crate::settle_routes::dashboard_accounts,
        crate::settle_routes::list_parties,
        crate::settle_routes::put_parties,
        crate::settle_routes::list_obligations,
        crate::settle_routes::submit_obligations,
        crate::settle_routes::list_runs,
        crate::settle_routes::submit_run,
        crate::settle_routes::get_run,
        crate::settle_routes::get_plan,
        crate::settle_routes::explain_obligation,
        crate::settle_routes::post_run,
        crate::contract_routes::register_contracts,
        crate::contract_routes::ship_contracts,
        crate::contract_routes::list_contracts,
        crate::contract_routes::get_contract,
        crate::crossing_routes::list_crossings,
        crate::crossing_routes::crossings_status,
        crate::crossing_routes::crossing_calendar,
        crate::crossing_routes::simulate,
        crate::crossing_routes::simulate_example,
    ),
    modifiers(&Bearer)
)]
pub(crate) struct ApiDoc;

/// The OpenAPI document.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
