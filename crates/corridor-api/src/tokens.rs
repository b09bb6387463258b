//! Bearer tokens: created for a role (and a party), stored as SHA-256 digests, revocable,
//! with an expiry.
//!
//! A token reads `cor_<id>_<secret>`: `id` (16 hex digits) names it in lists and in
//! revocation; `secret` (64 hex digits, 256 random bits from the operating system) is
//! shown once, at creation, and only its digest is kept. Tokens live in SQLite,
//! `DIR/service.sqlite`.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
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
    Store(#[from] rusqlite::Error),
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

/// The tokens of one data directory.
#[derive(Debug)]
pub struct TokenStore {
    connection: Connection,
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

impl TokenStore {
    /// Opens (creating if needed) the token store at `path`.
    pub fn open(path: &Path) -> Result<TokenStore, TokenError> {
        let connection = Connection::open(path)?;
        connection.execute_batch(
            "CREATE TABLE IF NOT EXISTS token (
                id TEXT PRIMARY KEY,
                digest BLOB NOT NULL,
                role TEXT NOT NULL,
                party TEXT,
                created_at INTEGER NOT NULL,
                expires_at INTEGER,
                revoked_at INTEGER
            );",
        )?;
        Ok(TokenStore { connection })
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
        self.connection.execute(
            "INSERT INTO token (id, digest, role, party, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id,
                digest(&secret).to_vec(),
                role.name(),
                party,
                i64::try_from(now).unwrap_or(i64::MAX),
                expires_at.map(|t| i64::try_from(t).unwrap_or(i64::MAX)),
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
        let known: Option<String> = self
            .connection
            .query_row("SELECT id FROM token WHERE id = ?1", [id], |row| row.get(0))
            .optional()?;
        if known.is_none() {
            return Err(TokenError::Unknown);
        }
        self.connection.execute(
            "UPDATE token SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![id, i64::try_from(now).unwrap_or(i64::MAX)],
        )?;
        Ok(())
    }

    /// Every token, by creation time.
    pub fn list(&self) -> Result<Vec<TokenInfo>, TokenError> {
        let mut statement = self.connection.prepare(
            "SELECT id, role, party, created_at, expires_at, revoked_at FROM token
             ORDER BY created_at, id",
        )?;
        let rows = statement.query_map([], |row| {
            let time = |value: Option<i64>| value.and_then(|t| u64::try_from(t).ok());
            Ok(TokenInfo {
                id: row.get(0)?,
                role: row.get(1)?,
                party: row.get(2)?,
                created_at: time(row.get(3)?).unwrap_or(0),
                expires_at: time(row.get(4)?),
                revoked_at: time(row.get(5)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every token, by id, for verification.
    fn load(&self) -> Result<HashMap<String, Stored>, TokenError> {
        let mut statement = self
            .connection
            .prepare("SELECT id, digest, role, party, expires_at, revoked_at FROM token")?;
        let rows = statement.query_map([], |row| {
            let id: String = row.get(0)?;
            let bytes: Vec<u8> = row.get(1)?;
            let role: String = row.get(2)?;
            let expires_at: Option<i64> = row.get(4)?;
            let revoked_at: Option<i64> = row.get(5)?;
            Ok((
                id,
                bytes,
                role,
                row.get::<_, Option<String>>(3)?,
                expires_at,
                revoked_at,
            ))
        })?;
        let mut tokens = HashMap::new();
        for row in rows {
            let (id, bytes, role, party, expires_at, revoked_at) = row?;
            let (Ok(digest), Some(role)) = (<[u8; 32]>::try_from(bytes), Role::from_name(&role))
            else {
                continue;
            };
            tokens.insert(
                id,
                Stored {
                    digest,
                    role,
                    party,
                    expires_at: expires_at.and_then(|t| u64::try_from(t).ok()),
                    revoked: revoked_at.is_some(),
                },
            );
        }
        Ok(tokens)
    }
}

/// The tokens in memory, reloaded from the store at most once a second: a revocation made
/// with `corridor token revoke` while the server runs takes effect within a second.
#[derive(Debug)]
pub(crate) struct TokenCache {
    store: std::sync::Mutex<TokenStore>,
    tokens: std::sync::RwLock<(u64, HashMap<String, Stored>)>,
}

impl TokenCache {
    pub(crate) fn new(store: TokenStore) -> Result<TokenCache, TokenError> {
        let tokens = store.load()?;
        Ok(TokenCache {
            store: std::sync::Mutex::new(store),
            tokens: std::sync::RwLock::new((0, tokens)),
        })
    }

    /// The principal of a bearer token at `now` (seconds since 1970).
    pub(crate) fn verify(&self, token: &str, now: u64) -> Result<Principal, TokenError> {
        let (id, secret) = token
            .strip_prefix("cor_")
            .and_then(|rest| rest.split_once('_'))
            .ok_or(TokenError::Malformed)?;
        self.refresh(now)?;
        let tokens = self.tokens.read().map_err(|_| TokenError::Unknown)?;
        let stored = tokens.1.get(id).ok_or(TokenError::Unknown)?;
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

    /// Reloads the tokens when the last load is a second old or more.
    fn refresh(&self, now: u64) -> Result<(), TokenError> {
        let fresh = self
            .tokens
            .read()
            .map(|tokens| tokens.0 >= now)
            .unwrap_or(false);
        if fresh {
            return Ok(());
        }
        // One request reloads; the others meanwhile use what is loaded (at most a second
        // old) rather than queueing behind it.
        let Ok(store) = self.store.try_lock() else {
            return Ok(());
        };
        let loaded = store.load()?;
        drop(store);
        if let Ok(mut tokens) = self.tokens.write() {
            *tokens = (now, loaded);
        }
        Ok(())
    }

    /// Runs `f` on the store (creating, revoking, listing through the API), then reloads.
    pub(crate) fn with_store<T>(
        &self,
        now: u64,
        f: impl FnOnce(&mut TokenStore) -> Result<T, TokenError>,
    ) -> Result<T, TokenError> {
        let value = {
            let mut store = self.store.lock().map_err(|_| TokenError::Unknown)?;
            f(&mut store)?
        };
        let loaded = self.store.lock().map_err(|_| TokenError::Unknown)?.load()?;
        if let Ok(mut tokens) = self.tokens.write() {
            *tokens = (now, loaded);
        }
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
