//! Bearer tokens: created for a role (and a party), stored as SHA-256 digests, revocable,
//! with an expiry.
//!
//! A token reads `cor_<id>_<secret>`: `id` (16 hex digits) names it in lists and in
//! revocation; `secret` (64 hex digits, 256 random bits from the operating system) is
//! shown once, at creation, and only its digest is kept. Tokens live in SQLite,
//! `DIR/service.sqlite`, or in the PostgreSQL schema the servers of one ledger share (table
//! `token`, the same migrations on both through `corridor_sql`).

use std::collections::HashMap;
use std::path::Path;

use corridor_sql::{Database, Executor, Migration, Target, Value};
use sha2::{Digest, Sha256};

use crate::access::{Principal, Role};

/// A token as listed: everything but its secret.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct TokenInfo {
    /// The public id.
    pub id: String,
    /// The role.
    pub role: String,
    /// The party, for a participant.
    pub party: Option<String>,
    /// When it was created, in seconds since 1970.
    pub created_at: u64,
    /// When it expires, in seconds since 1970.
    pub expires_at: Option<u64>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<u64>,
}

/// Why a token cannot be made, found or used.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The token store failed.
    #[error("token store: {0}")]
    Store(#[from] corridor_sql::SqlError),
    /// The system's random source failed.
    #[error("no randomness for a token: {0}")]
    Random(String),
    /// A participant token needs a party, and only a participant has one.
    #[error("{0}")]
    Invalid(String),
    /// The token is not of the form `cor_<id>_<secret>`.
    #[error("the token is malformed")]
    Malformed,
    /// No token has this id, or its secret does not match.
    #[error("the token is not known")]
    Unknown,
    /// The token was revoked.
    #[error("the token was revoked")]
    Revoked,
    /// The token has expired.
    #[error("the token has expired")]
    Expired,
}

/// The tokens' tables, for SQLite and PostgreSQL alike.
pub(crate) const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "tokens",
    sqlite: "CREATE TABLE IF NOT EXISTS token (
                id TEXT PRIMARY KEY,
                digest BLOB NOT NULL,
                role TEXT NOT NULL,
                party TEXT,
                created_at INTEGER NOT NULL,
                expires_at INTEGER,
                revoked_at INTEGER
            )",
    postgres: "CREATE TABLE IF NOT EXISTS token (
                id TEXT PRIMARY KEY,
                digest BYTEA NOT NULL,
                role TEXT NOT NULL,
                party TEXT,
                created_at BIGINT NOT NULL,
                expires_at BIGINT,
                revoked_at BIGINT
            )",
}];

/// The tokens of one data directory or one PostgreSQL schema.
#[derive(Debug)]
pub struct TokenStore {
    db: Database,
}

/// One stored token, as verification needs it.
#[derive(Clone, Debug)]
struct Stored {
    digest: [u8; 32],
    role: Role,
    party: Option<String>,
    expires_at: Option<u64>,
    revoked: bool,
}

fn seconds(value: u64) -> Value {
    Value::Integer(i64::try_from(value).unwrap_or(i64::MAX))
}

impl TokenStore {
    /// Opens (creating if needed) the token store in the SQLite file at `path`.
    pub fn open(path: &Path) -> Result<TokenStore, TokenError> {
        TokenStore::open_target(&Target::Sqlite(path.to_owned()))
    }

    /// Opens (creating if needed) the token store at `target`.
    pub fn open_target(target: &Target) -> Result<TokenStore, TokenError> {
        let mut db = Database::open(target, "tokens")?;
        db.migrate("tokens", MIGRATIONS)?;
        Ok(TokenStore { db })
    }

    /// Creates a token; returns it as listed and the token itself (shown once).
    pub fn create(
        &mut self,
        role: Role,
        party: Option<&str>,
        expires_at: Option<u64>,
        now: u64,
    ) -> Result<(TokenInfo, String), TokenError> {
        match (role, party) {
            (Role::Participant, None) => {
                return Err(TokenError::Invalid(
                    "a participant token needs --party".to_owned(),
                ))
            }
            (Role::Participant, Some("")) => {
                return Err(TokenError::Invalid("the party is empty".to_owned()))
            }
            (Role::Participant, Some(_)) => {}
            (_, Some(_)) => {
                return Err(TokenError::Invalid(
                    "only a participant token names a party".to_owned(),
                ))
            }
            (_, None) => {}
        }
        let mut id = [0_u8; 8];
        let mut secret = [0_u8; 32];
        getrandom::getrandom(&mut id).map_err(|e| TokenError::Random(e.to_string()))?;
        getrandom::getrandom(&mut secret).map_err(|e| TokenError::Random(e.to_string()))?;
        let id = hex(&id);
        let secret = hex(&secret);
        self.db.execute(
            "INSERT INTO token (id, digest, role, party, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            &[
                Value::from(&id),
                Value::Blob(digest(&secret).to_vec()),
                Value::from(role.name()),
                Value::from(party),
                seconds(now),
                expires_at.map_or(Value::Null, seconds),
            ],
        )?;
        let info = TokenInfo {
            id: id.clone(),
            role: role.name().to_owned(),
            party: party.map(str::to_owned),
            created_at: now,
            expires_at,
            revoked_at: None,
        };
        Ok((info, format!("cor_{id}_{secret}")))
    }

    /// Revokes a token. Revoking one twice keeps the first time; an unknown id is an error.
    pub fn revoke(&mut self, id: &str, now: u64) -> Result<(), TokenError> {
        let known = self
            .db
            .query_opt("SELECT id FROM token WHERE id = ?1", &[Value::from(id)])?;
        if known.is_none() {
            return Err(TokenError::Unknown);
        }
        self.db.execute(
            "UPDATE token SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            &[Value::from(id), seconds(now)],
        )?;
        Ok(())
    }

    /// Every token, by creation time.
    pub fn list(&mut self) -> Result<Vec<TokenInfo>, TokenError> {
        let rows = self.db.query(
            "SELECT id, role, party, created_at, expires_at, revoked_at FROM token
             ORDER BY created_at, id",
            &[],
        )?;
        let time = |value: Option<i64>| value.and_then(|t| u64::try_from(t).ok());
        let mut tokens = Vec::with_capacity(rows.len());
        for row in rows {
            tokens.push(TokenInfo {
                id: row.text(0)?,
                role: row.text(1)?,
                party: row.opt_text(2)?,
                created_at: time(row.opt_i64(3)?).unwrap_or(0),
                expires_at: time(row.opt_i64(4)?),
                revoked_at: time(row.opt_i64(5)?),
            });
        }
        Ok(tokens)
    }

    /// Every token, by id, for verification.
    fn load(&mut self) -> Result<HashMap<String, Stored>, TokenError> {
        let rows = self.db.query(
            "SELECT id, digest, role, party, expires_at, revoked_at FROM token",
            &[],
        )?;
        let mut tokens = HashMap::new();
        for row in rows {
            let (Ok(digest), Some(role)) = (
                <[u8; 32]>::try_from(row.blob(1)?),
                Role::from_name(&row.text(2)?),
            ) else {
                continue;
            };
            tokens.insert(
                row.text(0)?,
                Stored {
                    digest,
                    role,
                    party: row.opt_text(3)?,
                    expires_at: row.opt_i64(4)?.and_then(|t| u64::try_from(t).ok()),
                    revoked: row.opt_i64(5)?.is_some(),
                },
            );
        }
        Ok(tokens)
    }
}

/// The tokens in memory, reloaded from the store by a thread of their own about once a
/// second: a token created or revoked with `corridor token` (or through another server of the
/// same PostgreSQL ledger) takes effect within a second or two, and verifying a request never
/// waits on the database. When the store cannot be read, the tokens last read stay in force
/// (and the failure is logged) until it can.
#[derive(Debug)]
pub(crate) struct TokenCache {
    store: std::sync::Mutex<TokenStore>,
    tokens: std::sync::RwLock<HashMap<String, Stored>>,
}

/// How often the tokens are read again.
const RELOAD_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

impl TokenCache {
    /// Loads the tokens and starts the thread that keeps them fresh; it ends when the cache
    /// is dropped.
    pub(crate) fn start(mut store: TokenStore) -> Result<std::sync::Arc<TokenCache>, TokenError> {
        let tokens = store.load()?;
        let cache = std::sync::Arc::new(TokenCache {
            store: std::sync::Mutex::new(store),
            tokens: std::sync::RwLock::new(tokens),
        });
        let weak = std::sync::Arc::downgrade(&cache);
        std::thread::Builder::new()
            .name("corridor-tokens".to_owned())
            .spawn(move || loop {
                std::thread::sleep(RELOAD_EVERY);
                let Some(cache) = weak.upgrade() else {
                    return;
                };
                if let Err(error) = cache.reload() {
                    tracing::warn!(%error, "could not read the tokens again; the ones read before stay in force");
                }
            })
            .map_err(|e| TokenError::Invalid(format!("start the token thread: {e}")))?;
        Ok(cache)
    }

    /// The principal of a bearer token at `now` (seconds since 1970).
    pub(crate) fn verify(&self, token: &str, now: u64) -> Result<Principal, TokenError> {
        let (id, secret) = token
            .strip_prefix("cor_")
            .and_then(|rest| rest.split_once('_'))
            .ok_or(TokenError::Malformed)?;
        let tokens = self.tokens.read().map_err(|_| TokenError::Unknown)?;
        let stored = tokens.get(id).ok_or(TokenError::Unknown)?;
        let given = digest(secret);
        // Compare every byte, whatever the first difference.
        let difference = given
            .iter()
            .zip(stored.digest.iter())
            .fold(0_u8, |acc, (a, b)| acc | (a ^ b));
        if difference != 0 {
            return Err(TokenError::Unknown);
        }
        if stored.revoked {
            return Err(TokenError::Revoked);
        }
        if stored.expires_at.is_some_and(|t| t <= now) {
            return Err(TokenError::Expired);
        }
        Ok(Principal {
            token_id: id.to_owned(),
            role: stored.role,
            party: stored.party.clone(),
        })
    }

    /// Reads the tokens again. Blocking: not on an async runtime's worker threads.
    fn reload(&self) -> Result<(), TokenError> {
        let loaded = self.store.lock().map_err(|_| TokenError::Unknown)?.load()?;
        if let Ok(mut tokens) = self.tokens.write() {
            *tokens = loaded;
        }
        Ok(())
    }

    /// Runs `f` on the store (creating, revoking, listing through the API), then reloads.
    /// Blocking: call it from a blocking thread.
    pub(crate) fn with_store<T>(
        &self,
        f: impl FnOnce(&mut TokenStore) -> Result<T, TokenError>,
    ) -> Result<T, TokenError> {
        let value = {
            let mut store = self.store.lock().map_err(|_| TokenError::Unknown)?;
            f(&mut store)?
        };
        self.reload()?;
        Ok(value)
    }
}

fn digest(secret: &str) -> [u8; 32] {
    let mut digest = Sha256::new();
    digest.update(b"corridor/token/v1\0");
    digest.update(secret.as_bytes());
    digest.finalize().into()
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut text, byte| {
        let _ = write!(text, "{byte:02x}");
        text
    })
}
