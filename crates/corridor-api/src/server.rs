//! The application (a function returning a router, so tests need no socket) and the server
//! around it: binding, access control, limits, metrics, graceful shutdown.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::HeaderMap;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use axum::Router;

use corridor_store_embedded::{EmbeddedConfig, EmbeddedStore, SNAPSHOT_INTERVAL_TRANSFERS};

use crate::access_impl::{rule_for, Allowed};
use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::tokens::{TokenCache, TokenError, TokenStore};
use crate::writer::{self, LedgerHandle};
use crate::Principal;

/// How to run the service.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// The data directory: the ledger in `DIR/ledger`, tokens in `DIR/service.sqlite`, trade
    /// data in `DIR/registry.sqlite`, parties and clearing runs in `DIR/clearing.sqlite`.
    pub data: PathBuf,
    /// Where to listen.
    pub addr: SocketAddr,
    /// The largest request body, in bytes.
    pub max_body_bytes: usize,
    /// The longest a request may take before it is answered `unavailable`.
    pub request_timeout: Duration,
    /// Requests a second one token may send (a bucket holding one second's worth); 0 for
    /// no limit.
    pub rate_limit: u32,
    /// The ledger on PostgreSQL instead of `DIR/ledger`.
    pub database: Option<corridor_store_postgres::PostgresConfig>,
}

impl ServeConfig {
    /// Defaults for `data` and `addr`: 4 MiB bodies, 30 s per request.
    pub fn new(data: PathBuf, addr: SocketAddr) -> ServeConfig {
        ServeConfig {
            data,
            addr,
            max_body_bytes: 4 << 20,
            request_timeout: Duration::from_secs(30),
            rate_limit: 20_000,
            database: None,
        }
    }
}

/// Why the service could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The ledger could not be opened.
    #[error("open the ledger in {dir}: {error}")]
    Ledger {
        /// The ledger's directory.
        dir: String,
        /// The store's error.
        error: corridor_store::StoreError,
    },
    /// The token store could not be opened.
    #[error(transparent)]
    Tokens(#[from] TokenError),
    /// The trade registry or the clearing store could not be opened.
    #[error("{0}")]
    Data(String),
    /// The ledger's writer thread could not be started.
    #[error("start the ledger's writer thread: {0}")]
    Thread(String),
    /// Binding or serving failed.
    #[error("serve on {addr}: {error}")]
    Io {
        /// The address.
        addr: SocketAddr,
        /// The error.
        error: std::io::Error,
    },
}

/// What every handler shares.
#[derive(Clone, Debug)]
pub struct AppState {
    pub(crate) ledger: LedgerHandle,
    pub(crate) tokens: Arc<TokenCache>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) request_timeout: Duration,
    pub(crate) limiter: Arc<RateLimiter>,
    pub(crate) registry: crate::trade::SharedRegistry,
    pub(crate) clearing: crate::clearing::SharedClearing,
}

/// A token bucket per token: `rate` requests a second, at most one second's worth saved.
#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    rate: f64,
    buckets: std::sync::Mutex<std::collections::HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    fn new(rate: u32) -> RateLimiter {
        RateLimiter {
            rate: f64::from(rate),
            buckets: std::sync::Mutex::default(),
        }
    }

    /// Whether `token` may send one more request now.
    fn allow(&self, token: &str) -> bool {
        if self.rate <= 0.0 {
            return true;
        }
        let now = Instant::now();
        let Ok(mut buckets) = self.buckets.lock() else {
            return true;
        };
        let (level, last) = buckets.entry(token.to_owned()).or_insert((self.rate, now));
        let refilled =
            (*level + now.duration_since(*last).as_secs_f64() * self.rate).min(self.rate);
        *last = now;
        if refilled >= 1.0 {
            *level = refilled - 1.0;
            true
        } else {
            *level = refilled;
            false
        }
    }
}

impl AppState {
    /// Sets the requests a second each token may send (0: no limit).
    pub fn with_rate_limit(mut self, rate: u32) -> AppState {
        self.limiter = Arc::new(RateLimiter::new(rate));
        self
    }

    /// Opens the data directory: the embedded ledger behind its writer thread, and the
    /// tokens. The thread ends, closing the ledger, when every clone of the state is gone.
    pub fn open(data: &Path) -> Result<(AppState, JoinHandle<()>), ServeError> {
        let dir = data.join("ledger");
        let store = EmbeddedStore::open(EmbeddedConfig {
            dir: dir.clone(),
            snapshot_interval_transfers: SNAPSHOT_INTERVAL_TRANSFERS,
        })
        .map_err(|error| ServeError::Ledger {
            dir: dir.display().to_string(),
            error,
        })?;
        AppState::with_store(data, None, store, |store: EmbeddedStore| {
            if let Err(error) = store.close() {
                tracing::error!(%error, "closing the ledger failed");
            }
        })
    }

    /// Opens the data directory with the ledger on PostgreSQL. When another server is the
    /// ledger's sequencer, this one waits as a standby, trying again every half second,
    /// and takes over when the other's session ends (its advisory lock goes with it).
    pub fn open_postgres(
        data: &Path,
        config: &corridor_store_postgres::PostgresConfig,
    ) -> Result<(AppState, JoinHandle<()>), ServeError> {
        let mut said = false;
        let store = loop {
            match corridor_store_postgres::try_open(config) {
                Ok((store, report)) => {
                    tracing::info!(
                        batches = report.batches,
                        events = report.events,
                        schema = %config.schema,
                        "the ledger on PostgreSQL is open; this server is its sequencer"
                    );
                    break store;
                }
                Err(corridor_store::StoreError::Locked(what)) => {
                    if !said {
                        tracing::info!(%what, "standby: another server is the sequencer");
                        said = true;
                    }
                    std::thread::sleep(Duration::from_millis(500));
                }
                Err(error) => {
                    return Err(ServeError::Ledger {
                        dir: format!("PostgreSQL schema {:?}", config.schema),
                        error,
                    })
                }
            }
        };
        // After a failed write (PostgreSQL restarted, the connection cut) the ledger reopens
        // itself, replaying what is durable.
        let again = config.clone();
        let reopen: crate::recover::Reopen<corridor_store_postgres::PostgresStore> =
            Box::new(move || corridor_store_postgres::open(&again).map(|(store, _)| store));
        AppState::with_store(
            data,
            Some(config),
            crate::recover::Recovering::new(store, reopen),
            drop,
        )
    }

    fn with_store<S, C>(
        data: &Path,
        database: Option<&corridor_store_postgres::PostgresConfig>,
        store: S,
        close: C,
    ) -> Result<(AppState, JoinHandle<()>), ServeError>
    where
        S: corridor_store::LedgerStore + Send + 'static,
        C: FnOnce(S) + Send + 'static,
    {
        // With the ledger on PostgreSQL, the tokens and clearing runs are there too: every
        // server of the ledger sees the same, and a standby taking over finds them.
        let tokens = TokenStore::open_target(&tables_target(data, "service.sqlite", database))?;
        let registry = corridor_registry::Registry::open_target(&tables_target(
            data,
            "registry.sqlite",
            database,
        ))
        .map_err(|error| ServeError::Data(format!("open the trade registry: {error}")))?;
        let clearing = crate::clearing::ClearingStore::open_target(&tables_target(
            data,
            "clearing.sqlite",
            database,
        ))
        .map_err(|error| ServeError::Data(error.to_string()))?;
        let metrics = Arc::new(Metrics::default());
        let (ledger, thread) = writer::start(store, metrics.clone(), close)
            .map_err(|error| ServeError::Thread(error.to_string()))?;
        Ok((
            AppState {
                ledger,
                tokens: TokenCache::start(tokens)?,
                metrics,
                request_timeout: Duration::from_secs(30),
                limiter: Arc::new(RateLimiter::new(0)),
                registry: Arc::new(std::sync::Mutex::new(crate::trade::RegistryState::new(
                    registry,
                ))),
                clearing: Arc::new(std::sync::Mutex::new(clearing)),
            },
            thread,
        ))
    }
}

/// Where the service's own tables go (tokens in `service.sqlite`, parties and clearing runs
/// in `clearing.sqlite`): that file of the data directory `data` on the embedded default, or
/// the ledger's schema when the ledger is on PostgreSQL.
pub fn tables_target(
    data: &Path,
    file: &str,
    database: Option<&corridor_store_postgres::PostgresConfig>,
) -> corridor_sql::Target {
    match database {
        None => corridor_sql::Target::Sqlite(data.join(file)),
        Some(config) => corridor_sql::Target::Postgres {
            url: config.url.clone(),
            schema: config.schema.clone(),
        },
    }
}

/// The application: every route behind access control, body limit and metrics.
pub fn app(state: AppState, max_body_bytes: usize) -> Router {
    crate::routes::router()
        .route_layer(middleware::from_fn_with_state(state.clone(), guard))
        .fallback(|| async { ApiError::NotFound("no such route".to_owned()) })
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state(state)
}

/// Seconds since 1970, the clock of tokens' expiry.
pub(crate) fn now_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Checks the route's rule and the caller's token, answers within the time limit, and
/// counts the request.
async fn guard(
    State(state): State<AppState>,
    matched: Option<MatchedPath>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = matched.map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let response = match authorize(&state, &method, &route, request.headers()) {
        Ok(principal) => {
            if let Some(principal) = principal {
                request.extensions_mut().insert(principal);
            }
            match tokio::time::timeout(state.request_timeout, next.run(request)).await {
                Ok(response) => response,
                Err(_) => {
                    ApiError::Unavailable("the request took too long".to_owned()).into_response()
                }
            }
        }
        Err(error) => error.into_response(),
    };
    state.metrics.request(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// The caller's principal (`None` on a public route), or why it may not call the route.
fn authorize(
    state: &AppState,
    method: &str,
    route: &str,
    headers: &HeaderMap,
) -> Result<Option<Principal>, ApiError> {
    let rule = rule_for(method, route).ok_or_else(|| {
        if crate::access::RULES.iter().any(|rule| rule.path == route) {
            ApiError::MethodNotAllowed(format!("{route} does not take {method}"))
        } else {
            ApiError::Forbidden(format!("no access rule for {method} {route}: refused"))
        }
    })?;
    let roles = match rule.allowed {
        Allowed::Public => return Ok(None),
        Allowed::Roles(roles) => roles,
    };
    let token = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .ok_or_else(|| {
            ApiError::Unauthenticated("send a token: `Authorization: Bearer cor_...`".to_owned())
        })?;
    let principal =
        state
            .tokens
            .verify(token.trim(), now_seconds())
            .map_err(|error| match error {
                TokenError::Store(_) | TokenError::Random(_) => {
                    ApiError::Internal(error.to_string())
                }
                other => ApiError::Unauthenticated(other.to_string()),
            })?;
    if !roles.contains(&principal.role) {
        return Err(ApiError::Forbidden(format!(
            "a {} token may not call {method} {route}",
            principal.role.name()
        )));
    }
    if !state.limiter.allow(&principal.token_id) {
        return Err(ApiError::RateLimited(format!(
            "token {} sent more than {} requests a second",
            principal.token_id, state.limiter.rate
        )));
    }
    Ok(Some(principal))
}

/// Runs the service until Ctrl-C or SIGTERM, then stops taking requests, lets those in
/// flight finish, and closes the ledger after the last accepted batch is durable.
pub fn serve(config: ServeConfig, on_ready: impl FnOnce(SocketAddr)) -> Result<(), ServeError> {
    serve_until(config, on_ready, shutdown_signal())
}

/// [`serve`], stopping when `shutdown` completes instead of on a signal (benches, tests).
pub fn serve_until(
    config: ServeConfig,
    on_ready: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    if let Some(database) = config.database.clone() {
        return crate::cluster::serve_postgres(config, database, on_ready, shutdown);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| ServeError::Io {
            addr: config.addr,
            error,
        })?;
    let (state, thread) = AppState::open(&config.data)?;
    let mut state = state.with_rate_limit(config.rate_limit);
    state.request_timeout = config.request_timeout;
    let addr = config.addr;
    let io = |error| ServeError::Io { addr, error };
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(io)?;
        let bound = listener.local_addr().map_err(io)?;
        on_ready(bound);
        tracing::info!(%bound, "serving");
        // Small answers go out at once: without TCP_NODELAY, Nagle's algorithm and the
        // client's delayed acknowledgement hold some of them for 40 ms.
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, app(state, config.max_body_bytes))
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(io)
    })?;
    // Every handler (and its clone of the ledger handle) is gone: the writer finishes what
    // it accepted and closes the store.
    drop(runtime);
    let _ = thread.join();
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
