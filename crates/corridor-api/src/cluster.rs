//! Several servers on one PostgreSQL ledger.
//!
//! Every server listens at once. One of them holds the ledger's lock and is its sequencer:
//! it serves requests itself and advertises its address in the ledger's schema
//! (`corridor_sequencer`). The others are standbys: they forward every request, as it came,
//! to the sequencer's address and return its answer, while a thread of theirs waits for the
//! lock. When the sequencer's session ends (the process died, its connection was cut), one
//! standby gets the lock, opens the ledger (replaying the log), advertises itself and serves
//! from then on. A request that reaches a standby while no sequencer answers gets 503
//! `unavailable`: retryable, since transfer ids make a retry apply at most once.
//!
//! A standby keeps its connections to the sequencer open and reuses them (a pool of idle
//! HTTP/1 connections): a new connection per request would cost a round trip each and,
//! under load, leave the standby's ephemeral ports in `TIME_WAIT` until none were left.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use axum::Router;
use corridor_store_postgres::PostgresConfig;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tower::ServiceExt;

use crate::error::ApiError;
use crate::server::{app, AppState, ServeConfig, ServeError};

/// How long a standby trusts the sequencer's advertised address before reading it again.
const ADDRESS_FRESH: Duration = Duration::from_secs(1);

/// What serves requests in this process: the sequencer's router once this server holds the
/// ledger; until then, forwarding.
struct Node {
    local: RwLock<Option<Router>>,
    database: PostgresConfig,
    /// The sequencer's address, and when it was read.
    sequencer: Mutex<Option<(String, Instant)>>,
    /// This server's own address, never forwarded to.
    own: SocketAddr,
    /// The longest a forwarded request may take.
    timeout: Duration,
    /// Connections to the sequencer, kept open between forwarded requests.
    client: Client<HttpConnector, Body>,
}

/// Idle connections to the sequencer kept per standby, and for how long.
const IDLE_CONNECTIONS: usize = 64;
const IDLE_FOR: Duration = Duration::from_secs(30);

/// The client a standby forwards with: connections kept open and reused, no delay on small
/// writes, a connection attempt bounded by `timeout`.
fn forwarding_client(timeout: Duration) -> Client<HttpConnector, Body> {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    connector.set_connect_timeout(Some(timeout));
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(IDLE_CONNECTIONS)
        .pool_idle_timeout(IDLE_FOR)
        .build(connector)
}

impl Node {
    /// The sequencer's address, from the cache or the database.
    async fn sequencer(self: &Arc<Node>) -> Option<String> {
        if let Ok(cached) = self.sequencer.lock() {
            if let Some((address, read)) = cached.as_ref() {
                if read.elapsed() < ADDRESS_FRESH {
                    return Some(address.clone());
                }
            }
        }
        let node = self.clone();
        let address = tokio::task::spawn_blocking(move || {
            corridor_store_postgres::sequencer_address(&node.database)
        })
        .await
        .ok()?
        .ok()??;
        if address == self.own.to_string() {
            return None;
        }
        if let Ok(mut cached) = self.sequencer.lock() {
            *cached = Some((address.clone(), Instant::now()));
        }
        Some(address)
    }

    async fn handle(self: Arc<Node>, request: Request) -> Response {
        let local = self.local.read().ok().and_then(|router| router.clone());
        if let Some(router) = local {
            return match router.oneshot(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
        }
        let Some(address) = self.sequencer().await else {
            return ApiError::Unavailable("no server holds the ledger yet; retry".to_owned())
                .into_response();
        };
        let forwarded =
            tokio::time::timeout(self.timeout, forward(&self.client, &address, request)).await;
        match forwarded.unwrap_or_else(|_| Err("no answer in time".to_owned())) {
            Ok(response) => response,
            Err(error) => {
                // The address may be stale: read it again next time.
                if let Ok(mut cached) = self.sequencer.lock() {
                    *cached = None;
                }
                ApiError::Unavailable(format!(
                    "the ledger's sequencer at {address} did not answer ({error}); retry"
                ))
                .into_response()
            }
        }
    }
}

/// Sends `request` to the server at `address` (`host:port`), on a connection of `client`'s
/// pool, and returns its answer.
async fn forward(
    client: &Client<HttpConnector, Body>,
    address: &str,
    mut request: Request,
) -> Result<Response, String> {
    let path = request
        .uri()
        .path_and_query()
        .map_or("/", |path| path.as_str());
    let uri: axum::http::Uri = format!("http://{address}{path}")
        .parse()
        .map_err(|e| format!("the address {address:?}: {e}"))?;
    *request.uri_mut() = uri;
    strip_hop_by_hop(request.headers_mut());
    let response = client.request(request).await.map_err(|e| {
        // The client's own error says only "client error": its source says what happened.
        match std::error::Error::source(&e) {
            Some(source) => format!("{e}: {source}"),
            None => e.to_string(),
        }
    })?;
    Ok(response.map(Body::new))
}

/// Removes the headers that concern only the connection the request came on (RFC 9110,
/// section 7.6.1): a client's `Connection: close` would otherwise close the standby's
/// connection to the sequencer too, and the body's framing is the client library's to set.
fn strip_hop_by_hop(headers: &mut axum::http::HeaderMap) {
    use axum::http::header;
    let named: Vec<String> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|name| name.trim().to_ascii_lowercase())
        .filter(|name| !name.is_empty())
        .collect();
    for name in named {
        headers.remove(name.as_str());
    }
    for name in [
        header::CONNECTION,
        header::TE,
        header::TRAILER,
        header::TRANSFER_ENCODING,
        header::UPGRADE,
        header::PROXY_AUTHORIZATION,
    ] {
        headers.remove(name);
    }
    for name in ["keep-alive", "proxy-connection"] {
        headers.remove(name);
    }
}

/// Serves on a PostgreSQL ledger shared with other servers until `shutdown` completes.
pub(crate) fn serve_postgres(
    config: ServeConfig,
    database: PostgresConfig,
    on_ready: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| ServeError::Io {
            addr: config.addr,
            error,
        })?;
    let addr = config.addr;
    let io = |error| ServeError::Io { addr, error };
    let writer: Arc<Mutex<Option<JoinHandle<()>>>> = Arc::default();
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(io)?;
        let bound = listener.local_addr().map_err(io)?;
        let node = Arc::new(Node {
            local: RwLock::new(None),
            database: database.clone(),
            sequencer: Mutex::new(None),
            own: bound,
            timeout: config.request_timeout,
            client: forwarding_client(config.request_timeout),
        });
        // Wait for the ledger's lock on a thread of its own; serve (forwarding) meanwhile.
        let taking_over = {
            let node = node.clone();
            let writer = writer.clone();
            let config = config.clone();
            tokio::task::spawn_blocking(move || -> Result<(), ServeError> {
                let opened = AppState::open_postgres(&config.data, &database);
                if let Err(error) = &opened {
                    // Said now, not at shutdown: until it is fixed this server only forwards.
                    tracing::error!(%error, "this server cannot take over the ledger");
                }
                let (state, thread) = opened?;
                let mut state = state.with_rate_limit(config.rate_limit);
                state.request_timeout = config.request_timeout;
                if let Ok(mut slot) = writer.lock() {
                    *slot = Some(thread);
                }
                if let Ok(mut local) = node.local.write() {
                    *local = Some(app(state, config.max_body_bytes));
                }
                match corridor_store_postgres::advertise(&database, &bound.to_string()) {
                    Ok(()) => tracing::info!(%bound, "this server is the ledger's sequencer"),
                    // It serves; the others cannot forward to it until it is advertised.
                    Err(error) => tracing::error!(%error, "advertising this sequencer failed"),
                }
                Ok(())
            })
        };
        on_ready(bound);
        tracing::info!(%bound, "serving; forwarding to the sequencer until this server holds the ledger");
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let service = Router::new().fallback(move |request: Request| node.clone().handle(request));
        let served = axum::serve(listener, service)
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(io);
        // A standby that never took over stops waiting with the process.
        drop(taking_over);
        served
    })?;
    // A standby still waiting for the lock is left behind: the process is ending.
    runtime.shutdown_timeout(Duration::from_secs(1));
    let thread = writer.lock().ok().and_then(|mut slot| slot.take());
    if let Some(thread) = thread {
        let _ = thread.join();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::routing::get;

    use super::*;

    /// Forwarded requests reuse their connections, even those whose client said
    /// `Connection: close`: one after another they share one or two (not one each); after
    /// a burst of requests at once, the connections it opened serve the next ones. Every
    /// answer comes back to its request.
    #[test]
    fn forwarded_requests_reuse_their_connections() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let address = listener.local_addr().unwrap().to_string();
            let accepted = Arc::new(AtomicUsize::new(0));
            let counted = accepted.clone();
            let listener = listener.tap_io(move |_| {
                counted.fetch_add(1, Ordering::SeqCst);
            });
            let app = Router::new().route(
                "/echo",
                get(|request: Request| async move {
                    // Headers about the client's own connection do not reach the server.
                    assert!(request.headers().get("x-hop").is_none());
                    request.uri().query().unwrap_or_default().to_owned()
                }),
            );
            tokio::spawn(async move { axum::serve(listener, app).await });

            let client = forwarding_client(Duration::from_secs(30));
            let send = |n: usize| {
                let client = client.clone();
                let address = address.clone();
                async move {
                    // Every other request as a client that closes its own connection.
                    let mut request = Request::builder().uri(format!("/echo?n={n}"));
                    if n.is_multiple_of(2) {
                        request = request.header("connection", "close, x-hop");
                        request = request.header("x-hop", "1");
                    }
                    let request = request.body(Body::empty()).unwrap();
                    let response = forward(&client, &address, request).await.unwrap();
                    assert_eq!(response.status(), 200);
                    let body = axum::body::to_bytes(response.into_body(), 1024)
                        .await
                        .unwrap();
                    assert_eq!(body, format!("n={n}").as_bytes());
                }
            };
            for n in 0..50 {
                send(n).await;
            }
            // A connection goes back to the pool a moment after its answer is read, so the
            // next request may open a second one; never one per request.
            let sequential = accepted.load(Ordering::SeqCst);
            assert!(
                sequential <= 5,
                "one after another: {sequential} connections"
            );
            let together: Vec<_> = (50..150).map(|n| tokio::spawn(send(n))).collect();
            for task in together {
                task.await.unwrap();
            }
            // HTTP/1 takes a connection per request in flight: at most one each, and the
            // pool keeps some of them open.
            let connections = accepted.load(Ordering::SeqCst);
            assert!(connections <= 101, "{connections} connections");
            for n in 150..200 {
                send(n).await;
            }
            let after = accepted.load(Ordering::SeqCst);
            assert!(
                after <= connections + 2,
                "idle connections are reused: {connections}, then {after}"
            );
        });
    }
}
