//! The ledger behind one writer thread, with group commit.
//!
//! The store is single-threaded and every batch ends with one durable write, so the service
//! puts one thread in front of it. Requests come in over a channel; when the thread takes a
//! transfer request, it also takes every other transfer request already waiting, up to one
//! ledger batch ([`BATCH_EVENTS_MAX`] events), applies them all as one batch with one
//! durable write, and answers each caller with its own results. Under load many requests
//! share one write; alone, a request is applied at once (no waiting window).
//!
//! Each request's events stay together and in order, and a request may not end inside a
//! linked chain (checked before it is queued), so no chain ever spans two callers.

use std::thread::JoinHandle;
use std::time::{SystemTime, UNIX_EPOCH};

use corridor_ledger::{
    Account, CreateAccountResult, CreateTransferResult, Transfer, TransferFlags, BATCH_EVENTS_MAX,
};
use corridor_store::{HistoryQuery, LedgerStore, StoreError};
use tokio::sync::mpsc::error::TryRecvError;
use tokio::sync::mpsc::{channel, Receiver, Sender};
use tokio::sync::oneshot;

use crate::metrics::Metrics;

type Reply<T> = oneshot::Sender<Result<T, WriterError>>;

/// Work run with the store on the writer thread.
type StoreWork = Box<dyn FnOnce(&mut dyn LedgerStore) + Send>;

/// What the writer thread is asked to do.
enum Command {
    Transfers(Vec<Transfer>, Reply<Vec<CreateTransferResult>>),
    Accounts(Vec<Account>, Reply<Vec<CreateAccountResult>>),
    LookupAccounts(Vec<u128>, Reply<Vec<Account>>),
    AllAccounts(Reply<Vec<Account>>),
    LookupTransfers(Vec<u128>, Reply<Vec<Transfer>>),
    History(HistoryQuery, Reply<Option<Vec<Transfer>>>),
    /// Work that needs the store itself (posting a settlement plan across batches): it
    /// runs on the writer thread, between batches, and answers through its own channel.
    With(StoreWork),
}

/// Why a request did not reach the ledger.
#[derive(Debug, thiserror::Error)]
pub enum WriterError {
    /// The writer has stopped (shutting down, or the store failed).
    #[error("the ledger is not available: {0}")]
    Unavailable(String),
    /// The store failed on this request.
    #[error("the ledger failed: {0}")]
    Store(#[from] StoreError),
    /// The request's events do not fit in one batch, or it ends inside a linked chain.
    #[error("{0}")]
    Invalid(String),
}

/// A handle to the ledger writer; cheap to clone.
#[derive(Clone, Debug)]
pub struct LedgerHandle {
    sender: Sender<Command>,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Command")
    }
}

/// Starts the writer thread over `store`. The thread stops, closing the store, when every
/// handle is dropped and what was queued is done; `close` is called with the store.
pub fn start<S, C>(
    store: S,
    metrics: std::sync::Arc<Metrics>,
    close: C,
) -> std::io::Result<(LedgerHandle, JoinHandle<()>)>
where
    S: LedgerStore + Send + 'static,
    C: FnOnce(S) + Send + 'static,
{
    let (sender, receiver) = channel(16_384);
    let thread = std::thread::Builder::new()
        .name("corridor-ledger".to_owned())
        .spawn(move || {
            let mut store = store;
            run(&mut store, receiver, &metrics);
            close(store);
        })?;
    Ok((LedgerHandle { sender }, thread))
}

/// Nanoseconds since 1970, the ledger's clock.
pub(crate) fn now_nanos() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

fn run(store: &mut dyn LedgerStore, mut receiver: Receiver<Command>, metrics: &Metrics) {
    let mut held: Option<Command> = None;
    loop {
        let command = match held.take() {
            Some(command) => command,
            None => match receiver.blocking_recv() {
                Some(command) => command,
                None => return,
            },
        };
        match command {
            Command::Transfers(events, reply) => {
                // Group commit: take every transfer request already waiting that fits.
                let mut group = vec![(events, reply)];
                let mut total: usize = group[0].0.len();
                loop {
                    match receiver.try_recv() {
                        Ok(Command::Transfers(events, reply)) => {
                            if total + events.len() > BATCH_EVENTS_MAX {
                                held = Some(Command::Transfers(events, reply));
                                break;
                            }
                            total += events.len();
                            group.push((events, reply));
                        }
                        Ok(other) => {
                            held = Some(other);
                            break;
                        }
                        Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
                    }
                }
                let batch: Vec<Transfer> = group
                    .iter()
                    .flat_map(|(events, _)| events.iter().copied())
                    .collect();
                let outcome = store.create_transfers(now_nanos(), &batch);
                metrics.batch(group.len(), batch.len());
                match outcome {
                    Ok(results) => {
                        let mut at = 0;
                        for (events, reply) in group {
                            let end = at + events.len();
                            let mine = results.get(at..end).map(<[_]>::to_vec).ok_or_else(|| {
                                WriterError::Unavailable(
                                    "the ledger answered fewer results than events".to_owned(),
                                )
                            });
                            at = end;
                            let _ = reply.send(mine);
                        }
                    }
                    Err(error) => {
                        let text = error.to_string();
                        for (_, reply) in group {
                            let _ = reply.send(Err(WriterError::Unavailable(text.clone())));
                        }
                    }
                }
            }
            Command::Accounts(events, reply) => {
                let _ = reply.send(
                    store
                        .create_accounts(now_nanos(), &events)
                        .map_err(WriterError::from),
                );
            }
            Command::LookupAccounts(ids, reply) => {
                let _ = reply.send(store.lookup_accounts(&ids).map_err(WriterError::from));
            }
            Command::AllAccounts(reply) => {
                let _ = reply.send(store.accounts().map_err(WriterError::from));
            }
            Command::LookupTransfers(ids, reply) => {
                let _ = reply.send(store.lookup_transfers(&ids).map_err(WriterError::from));
            }
            Command::History(query, reply) => {
                let _ = reply.send(store.account_transfers(&query).map_err(WriterError::from));
            }
            Command::With(work) => work(store),
        }
    }
}

impl LedgerHandle {
    async fn ask<T>(&self, make: impl FnOnce(Reply<T>) -> Command) -> Result<T, WriterError> {
        let (reply, answer) = oneshot::channel();
        // The channel is bounded: a full queue makes callers wait (back pressure).
        self.sender
            .send(make(reply))
            .await
            .map_err(|_| WriterError::Unavailable("the ledger writer has stopped".to_owned()))?;
        answer
            .await
            .map_err(|_| WriterError::Unavailable("the ledger writer has stopped".to_owned()))?
    }

    /// Runs `work` with the store on the writer thread (between batches) and returns its
    /// answer: for work that must see and change the ledger as one step, such as posting a
    /// settlement plan.
    pub async fn with_store<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut dyn LedgerStore) -> T + Send + 'static,
    ) -> Result<T, WriterError> {
        self.ask(move |reply: Reply<T>| {
            Command::With(Box::new(move |store: &mut dyn LedgerStore| {
                let _ = reply.send(Ok(work(store)));
            }))
        })
        .await
    }

    /// Applies transfers, together with whatever else is waiting; the results are this
    /// request's, in order.
    pub async fn create_transfers(
        &self,
        events: Vec<Transfer>,
    ) -> Result<Vec<CreateTransferResult>, WriterError> {
        if events.len() > BATCH_EVENTS_MAX {
            return Err(WriterError::Invalid(format!(
                "at most {BATCH_EVENTS_MAX} transfers per request"
            )));
        }
        if events
            .last()
            .is_some_and(|t| t.flags.contains(TransferFlags::LINKED))
        {
            return Err(WriterError::Invalid(
                "the last transfer has the `linked` flag: a linked chain must end within the request"
                    .to_owned(),
            ));
        }
        if events.is_empty() {
            return Ok(Vec::new());
        }
        self.ask(|reply| Command::Transfers(events, reply)).await
    }

    /// Creates accounts, as one batch.
    pub async fn create_accounts(
        &self,
        events: Vec<Account>,
    ) -> Result<Vec<CreateAccountResult>, WriterError> {
        if events.len() > BATCH_EVENTS_MAX {
            return Err(WriterError::Invalid(format!(
                "at most {BATCH_EVENTS_MAX} accounts per request"
            )));
        }
        if events.is_empty() {
            return Ok(Vec::new());
        }
        self.ask(|reply| Command::Accounts(events, reply)).await
    }

    /// The accounts with these ids (those that exist).
    pub async fn lookup_accounts(&self, ids: Vec<u128>) -> Result<Vec<Account>, WriterError> {
        self.ask(|reply| Command::LookupAccounts(ids, reply)).await
    }

    /// Every account.
    pub async fn accounts(&self) -> Result<Vec<Account>, WriterError> {
        self.ask(Command::AllAccounts).await
    }

    /// The transfers with these ids (those that exist).
    pub async fn lookup_transfers(&self, ids: Vec<u128>) -> Result<Vec<Transfer>, WriterError> {
        self.ask(|reply| Command::LookupTransfers(ids, reply)).await
    }

    /// A page of an account's history; `None` when the account does not exist.
    pub async fn history(&self, query: HistoryQuery) -> Result<Option<Vec<Transfer>>, WriterError> {
        self.ask(|reply| Command::History(query, reply)).await
    }
}
