//! Roles, principals, and the one table of who may call which route.

/// What a token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Manages tokens and parties.
    Admin,
    /// Runs the ledger and clearing.
    Operator,
    /// One party: sees and submits only its own accounts and transfers.
    Participant,
    /// Reads and loads trade data.
    Analyst,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [
        Role::Admin,
        Role::Operator,
        Role::Participant,
        Role::Analyst,
    ];

    /// The role's name, as tokens and the CLI write it.
    pub fn name(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Operator => "operator",
            Role::Participant => "participant",
            Role::Analyst => "analyst",
        }
    }

    /// The role named `name`.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.name() == name)
    }
}

/// Who is calling: the token's id, its role and, for a participant, its party.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The token's public id.
    pub token_id: String,
    /// The token's role.
    pub role: Role,
    /// The party a participant acts for.
    pub party: Option<String>,
}

impl Principal {
    /// Whether the caller may see or use an account whose `user_data_128` is `owner`:
    /// anyone but a participant may; a participant only its own party's accounts.
    pub fn owns(&self, owner: u128) -> bool {
        match (self.role, &self.party) {
            (Role::Participant, Some(party)) => party_key(party) == owner,
            (Role::Participant, None) => false,
            _ => true,
        }
    }
}

pub use corridor_settlement::party_key;

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Allowed {
    /// Anyone, without a token.
    Public,
    /// Tokens of these roles.
    Roles(&'static [Role]),
}

/// One route and who may call it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The HTTP method.
    pub method: &'static str,
    /// The route, as the router writes it (`/api/v1/accounts/{id}`).
    pub path: &'static str,
    /// Who may call it.
    pub allowed: Allowed,
}

const fn rule(method: &'static str, path: &'static str, allowed: Allowed) -> Rule {
    Rule {
        method,
        path,
        allowed,
    }
}

const LEDGER_READERS: &[Role] = &[Role::Admin, Role::Operator, Role::Participant];
const LEDGER_WRITERS: &[Role] = &[Role::Operator, Role::Participant];
const ADMIN: &[Role] = &[Role::Admin];
const OPERATORS: &[Role] = &[Role::Admin, Role::Operator];
const TRADE_READERS: &[Role] = &[Role::Admin, Role::Operator, Role::Analyst];
const TRADE_LOADERS: &[Role] = &[Role::Admin, Role::Analyst];
const EVERYONE: &[Role] = &[
    Role::Admin,
    Role::Operator,
    Role::Participant,
    Role::Analyst,
];
const PARTY_READERS: &[Role] = &[Role::Admin, Role::Operator, Role::Participant];

/// Every route of the service and who may call it. A request to a route that is not here is
/// refused, whatever its token.
pub const RULES: &[Rule] = &[
    rule("GET", "/health", Allowed::Public),
    rule("GET", "/ready", Allowed::Public),
    rule("GET", "/metrics", Allowed::Roles(OPERATORS)),
    rule("GET", "/api/v1/openapi.json", Allowed::Public),
    rule("GET", "/api/v1/whoami", Allowed::Roles(&Role::ALL)),
    rule("GET", "/api/v1/accounts", Allowed::Roles(LEDGER_READERS)),
    rule("POST", "/api/v1/accounts", Allowed::Roles(OPERATORS)),
    rule(
        "GET",
        "/api/v1/accounts/{id}",
        Allowed::Roles(LEDGER_READERS),
    ),
    rule(
        "GET",
        "/api/v1/accounts/{id}/transfers",
        Allowed::Roles(LEDGER_READERS),
    ),
    rule("POST", "/api/v1/transfers", Allowed::Roles(LEDGER_WRITERS)),
    rule(
        "GET",
        "/api/v1/transfers/{id}",
        Allowed::Roles(LEDGER_READERS),
    ),
    rule("GET", "/api/v1/tokens", Allowed::Roles(ADMIN)),
    rule("POST", "/api/v1/tokens", Allowed::Roles(ADMIN)),
    rule("DELETE", "/api/v1/tokens/{id}", Allowed::Roles(ADMIN)),
    // The dashboard's page and assets: public (the data behind them is not).
    rule("GET", "/", Allowed::Public),
    rule("GET", "/assets/app.js", Allowed::Public),
    rule("GET", "/assets/app.css", Allowed::Public),
    rule(
        "GET",
        "/api/v1/dashboard/overview",
        Allowed::Roles(TRADE_READERS),
    ),
    rule(
        "GET",
        "/api/v1/dashboard/settlement",
        Allowed::Roles(OPERATORS),
    ),
    rule(
        "GET",
        "/api/v1/dashboard/accounts",
        Allowed::Roles(LEDGER_READERS),
    ),
    rule("GET", "/api/v1/trade/report", Allowed::Roles(TRADE_READERS)),
    rule(
        "GET",
        "/api/v1/trade/partners",
        Allowed::Roles(TRADE_READERS),
    ),
    rule("GET", "/api/v1/targets", Allowed::Roles(TRADE_READERS)),
    rule("GET", "/api/v1/trade/loads", Allowed::Roles(TRADE_READERS)),
    rule("POST", "/api/v1/trade/loads", Allowed::Roles(TRADE_LOADERS)),
    rule(
        "GET",
        "/api/v1/trade/forecast",
        Allowed::Roles(TRADE_READERS),
    ),
    rule("GET", "/api/v1/parties", Allowed::Roles(PARTY_READERS)),
    rule("POST", "/api/v1/parties", Allowed::Roles(ADMIN)),
    rule("GET", "/api/v1/obligations", Allowed::Roles(PARTY_READERS)),
    rule("POST", "/api/v1/obligations", Allowed::Roles(PARTY_READERS)),
    rule("GET", "/api/v1/clearing/runs", Allowed::Roles(OPERATORS)),
    rule("POST", "/api/v1/clearing/runs", Allowed::Roles(OPERATORS)),
    rule(
        "GET",
        "/api/v1/clearing/runs/{id}",
        Allowed::Roles(OPERATORS),
    ),
    rule(
        "GET",
        "/api/v1/clearing/runs/{id}/plan",
        Allowed::Roles(OPERATORS),
    ),
    rule(
        "GET",
        "/api/v1/clearing/runs/{id}/obligations/{obligation}",
        Allowed::Roles(PARTY_READERS),
    ),
    rule(
        "POST",
        "/api/v1/clearing/runs/{id}/post",
        Allowed::Roles(OPERATORS),
    ),
    rule("GET", "/api/v1/contracts", Allowed::Roles(PARTY_READERS)),
    rule("POST", "/api/v1/contracts", Allowed::Roles(OPERATORS)),
    rule(
        "POST",
        "/api/v1/contracts/shipments",
        Allowed::Roles(OPERATORS),
    ),
    rule(
        "GET",
        "/api/v1/contracts/{id}",
        Allowed::Roles(PARTY_READERS),
    ),
    // The crossings' calendars are public facts; every signed-in role may read them.
    rule("GET", "/api/v1/crossings", Allowed::Roles(EVERYONE)),
    rule("GET", "/api/v1/crossings/status", Allowed::Roles(EVERYONE)),
    rule(
        "GET",
        "/api/v1/crossings/{name}/calendar",
        Allowed::Roles(EVERYONE),
    ),
    rule("POST", "/api/v1/simulate", Allowed::Roles(TRADE_READERS)),
    rule(
        "GET",
        "/api/v1/simulate/example",
        Allowed::Roles(TRADE_READERS),
    ),
];

/// The rule for a method and a matched route, if there is one.
pub(crate) fn rule_for(method: &str, path: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|rule| rule.method == method && rule.path == path)
}
