//! Posting a clearing settlement plan to the ledger, atomically and idempotently.
//!
//! A [`Plan`] is a list of transfers between holders (parties and countries' clearing agents)
//! that a clearing run decided; [`post_plan`] writes it to a [`LedgerStore`] so that either
//! every transfer of the plan is posted or none is, and so that posting the same plan again
//! changes nothing ([`PostOutcome::AlreadyPosted`]).
//!
//! # Accounts
//!
//! Each holder has one account per currency, created on demand by [`post_plan`]:
//!
//! - id: [`account_id`], the first 16 bytes (big-endian) of SHA-256 over a tagged encoding
//!   of the holder's kind, its id and the currency's code;
//! - ledger: [`ledger_of`], one ledger per currency;
//! - code: [`ACCOUNT_CODE_PARTY`] (1) or [`ACCOUNT_CODE_AGENT`] (2);
//! - flags: none. A clearing account records what its holder paid and received through
//!   clearing, so it may go either way;
//! - user data: a party's account carries the party's key in `user_data_128`
//!   ([`crate::party_key`]), as the service expects; an agent's, 0.
//!
//! An account that already exists with these fields is used as it is; one that exists with
//! other fields (flags, ledger, code, user data) stops the post before anything is written.
//! Accounts created by a post that then fails stay, with zero balances: creating them again is
//! a no-op, and balances are what a failed post must leave unchanged.
//!
//! # Transfers
//!
//! Transfer `i` of plan `p` has the id [`transfer_id`]`(p, i)`, so reposting a plan sends the
//! same ids and the ledger's idempotency applies. Its `user_data_128` is the plan id, its
//! `user_data_64` the first 8 bytes (big-endian) of SHA-256 of the obligation id it discharges
//! ([`obligation_digest`], 0 if none), its `user_data_32` the obligation's position in the plan
//! (`u32::MAX` if none), its ledger [`ledger_of`] the currency and its code the plan's code.
//!
//! # Why two paths
//!
//! The ledger's atomic unit is a linked chain, and a chain lives within one batch of at most
//! [`BATCH_EVENTS_MAX`] events: nothing makes two batches succeed or fail together.
//!
//! - A plan of at most [`BATCH_EVENTS_MAX`] transfers goes as **one batch, one linked chain**
//!   (every transfer but the last has the `linked` flag): the ledger applies all of it or none
//!   of it.
//! - A larger plan goes in **two phases**. First every transfer is created as a pending
//!   transfer (timeout 0, so it never expires), in batches of [`BATCH_EVENTS_MAX`], each
//!   batch one linked chain. If a batch is rejected, every reservation made so far is voided
//!   ([`void_id`]) and the error returned: nothing is posted. Once every transfer is
//!   reserved, the reservations are posted ([`post_id`]) in batches of independent events.
//!   Posting a reservation cannot fail as long as only this function resolves the plan's
//!   reservations: the accounts have no balance bounds and the plan closes none, the
//!   reservations do not expire, and the ledger's overflow checks counted the reserved
//!   amounts when they were reserved. In the ledger, each plan transfer of a two-phase post
//!   is a reservation and its post; the posted balances are what the plan says.
//!
//! If the store fails in the middle (a crash, a full disk), the ledger holds whole batches
//! only, and posting the plan again finishes the post (or the voiding), as below.
//!
//! # Idempotency and recovery
//!
//! Before writing, [`post_plan`] looks up the plan's ids. Every one it finds must hold what
//! this plan would write ([`PostError::Conflict`] otherwise: another plan under the same id,
//! or the same id with other content). Then:
//!
//! - everything present → [`PostOutcome::AlreadyPosted`], nothing written;
//! - nothing present → a fresh post;
//! - some present (a two-phase post interrupted by a crash) → the post is finished: the
//!   missing reservations are made, then every reservation not yet posted is posted (the
//!   same ids with the same content answer `exists` and change nothing);
//! - a void present (a two-phase post that failed) → the voiding is finished and
//!   [`PostError::Aborted`] returned: the plan's ids are spent, and the plan has to be made
//!   again under a new id.
//!
//! A chain whose events all come back `exists` (posted by an earlier call between the lookup
//! and the write) is reported as [`PostOutcome::AlreadyPosted`], not as a failure.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use std::ops::Range;

use corridor_core::{Currency, Money};
use corridor_ledger::{
    Account, AccountFlags, CreateAccountResult, CreateTransferResult, Transfer, TransferFlags,
    BATCH_EVENTS_MAX,
};
use corridor_store::{LedgerStore, StoreError};
use sha2::{Digest, Sha256};

/// The account code of a party's clearing account.
pub const ACCOUNT_CODE_PARTY: u16 = 1;

/// The account code of a country's clearing agent's account.
pub const ACCOUNT_CODE_AGENT: u16 = 2;

/// Who holds an account in a plan.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Holder {
    /// A party, by its id.
    Party(String),
    /// A country's clearing agent, by the country's ISO 3166 alpha-3 code (`IRN`, `IRQ`).
    Agent(String),
}

impl fmt::Display for Holder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Holder::Party(id) => write!(f, "party {id:?}"),
            Holder::Agent(country) => write!(f, "the clearing agent of {country}"),
        }
    }
}

/// One transfer of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanTransfer {
    /// Who pays.
    pub debit: Holder,
    /// Who is paid.
    pub credit: Holder,
    /// How much; positive.
    pub amount: Money,
    /// What the transfer is (for clearing plans, the constants of [`crate::plan`]:
    /// `CODE_OFFSET`, `CODE_CASH`, `CODE_POOL_PAYMENT`, `CODE_POOL_CHARGE`); not 0.
    pub code: u16,
    /// The obligation's position in the plan and its id, if the transfer discharges one.
    pub obligation: Option<(u32, String)>,
}

/// A settlement plan: the transfers to post, under one id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The plan's id, nonzero, chosen by the caller from a digest of the inputs: posting the
    /// same id again is a retry.
    pub id: u128,
    /// The transfers, in the order they are applied.
    pub transfers: Vec<PlanTransfer>,
}

/// What [`post_plan`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostOutcome {
    /// The plan is posted now (in full: a post interrupted earlier was finished).
    Posted {
        /// Accounts this call created.
        accounts_created: usize,
        /// Transfers in the plan.
        transfers: usize,
    },
    /// The plan was posted before; nothing changed.
    AlreadyPosted {
        /// Transfers in the plan.
        transfers: usize,
    },
}

/// Why a plan was not posted.
#[derive(Debug, thiserror::Error)]
pub enum PostError {
    /// The plan's id is 0.
    #[error("a plan's id must not be 0")]
    ZeroPlanId,
    /// A transfer of the plan is malformed; nothing was written.
    #[error("plan transfer {index} is invalid: {reason}; nothing was posted")]
    InvalidTransfer {
        /// The transfer's position in the plan.
        index: usize,
        /// What is wrong.
        reason: String,
    },
    /// The store failed. What the ledger holds is consistent (the ledger applies a batch or
    /// nothing), and posting the plan again finishes or redoes the post.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The ledger rejected a holder's account (an account with its id exists with other
    /// fields, for example); no transfer was written.
    #[error(
        "the ledger rejected the {currency} account of {holder} (id {account_id:#x}): {result}; \
         nothing was posted"
    )]
    AccountRejected {
        /// Whose account.
        holder: Holder,
        /// In which currency.
        currency: Currency,
        /// The account's id.
        account_id: u128,
        /// The ledger's result.
        result: CreateAccountResult,
    },
    /// The ledger rejected a transfer of the plan; nothing was posted (a two-phase post voided
    /// its reservations).
    #[error(
        "the ledger rejected transfer {index} of plan {plan:#x} (id {transfer_id:#x}): {result}; \
         nothing was posted"
    )]
    TransferRejected {
        /// The plan's id.
        plan: u128,
        /// The transfer's position in the plan.
        index: usize,
        /// The transfer's id.
        transfer_id: u128,
        /// The ledger's result.
        result: CreateTransferResult,
    },
    /// The ledger holds an id of this plan with other content: another plan under the same
    /// id, or the same plan changed. Nothing was written.
    #[error(
        "plan {plan:#x}: the ledger holds {what} {index} (id {id:#x}) with a different \
         {field}; is another plan posted under this id? Nothing was written"
    )]
    Conflict {
        /// The plan's id.
        plan: u128,
        /// Which kind of id: "transfer", "post of reservation", "void of reservation".
        what: &'static str,
        /// The transfer's position in the plan.
        index: usize,
        /// The id found.
        id: u128,
        /// The first field that differs.
        field: &'static str,
    },
    /// An earlier post of this plan failed and voided its reservations: the plan's ids are
    /// spent. Every reservation of the plan is voided now; make the plan again under a new id.
    #[error(
        "plan {plan:#x} was abandoned by an earlier post that failed (its reservations are \
         voided); nothing is posted, make the plan again under a new id"
    )]
    Aborted {
        /// The plan's id.
        plan: u128,
    },
    /// Voiding a reservation after a failure was rejected: the ledger holds reservations of
    /// the plan that are neither posted nor voided. Posting the plan again retries the voids.
    #[error(
        "voiding reservation {index} of plan {plan:#x} was rejected: {result} (after: {cause})"
    )]
    VoidRejected {
        /// The plan's id.
        plan: u128,
        /// The transfer's position in the plan.
        index: usize,
        /// The ledger's result.
        result: CreateTransferResult,
        /// Why the post was being undone.
        cause: Box<PostError>,
    },
    /// Posting a reservation was rejected. This happens only if something other than
    /// [`post_plan`] resolved the plan's reservations; the plan is then partly posted.
    #[error(
        "posting reservation {index} of plan {plan:#x} was rejected: {result}; the plan is \
         partly posted, something else resolved its reservations"
    )]
    PostRejected {
        /// The plan's id.
        plan: u128,
        /// The transfer's position in the plan.
        index: usize,
        /// The ledger's result.
        result: CreateTransferResult,
    },
}

/// The ledger of a currency: its three ASCII letters packed big-endian into the low 24 bits
/// (`USD` = `0x55_53_44`). `corridor_core` has no ISO 4217 numeric codes; this mapping is
/// stable, one-to-one and never 0.
pub fn ledger_of(currency: Currency) -> u32 {
    currency
        .code()
        .bytes()
        .fold(0u32, |ledger, byte| (ledger << 8) | u32::from(byte))
}

/// The id of a holder's account in a currency: the first 16 bytes (big-endian) of SHA-256
/// over `corridor/post/account/v1`, a 0 byte, the kind (1 party, 2 agent), the id's length
/// (u64 big-endian), the id's UTF-8 bytes and the currency's three letters. Never 0 or
/// `u128::MAX` (those map to 1 and `u128::MAX - 1`).
pub fn account_id(holder: &Holder, currency: Currency) -> u128 {
    let (kind, id) = match holder {
        Holder::Party(id) => (1u8, id),
        Holder::Agent(id) => (2u8, id),
    };
    let length = (id.len() as u64).to_be_bytes();
    digest_id(&[
        b"corridor/post/account/v1\0",
        &[kind],
        &length,
        id.as_bytes(),
        currency.code().as_bytes(),
    ])
}

/// The id of transfer `index` of plan `plan` (in a two-phase post: its reservation): the first
/// 16 bytes of SHA-256 over `corridor/post/transfer/v1`, a 0 byte, the plan id (16 bytes) and
/// the index (8 bytes), big-endian. Never 0 or `u128::MAX`.
pub fn transfer_id(plan: u128, index: usize) -> u128 {
    indexed_id(b"corridor/post/transfer/v1\0", plan, index)
}

/// The id of the transfer that posts the reservation of transfer `index` of plan `plan` (two
/// phases only); as [`transfer_id`], tagged `corridor/post/post/v1`.
pub fn post_id(plan: u128, index: usize) -> u128 {
    indexed_id(b"corridor/post/post/v1\0", plan, index)
}

/// The id of the transfer that voids the reservation of transfer `index` of plan `plan` (a
/// failed two-phase post); as [`transfer_id`], tagged `corridor/post/void/v1`.
pub fn void_id(plan: u128, index: usize) -> u128 {
    indexed_id(b"corridor/post/void/v1\0", plan, index)
}

/// A transfer's `user_data_64` for an obligation: the first 8 bytes (big-endian) of SHA-256
/// of the obligation id's UTF-8 bytes.
pub fn obligation_digest(obligation_id: &str) -> u64 {
    let digest = Sha256::digest(obligation_id.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(bytes)
}

fn indexed_id(tag: &[u8], plan: u128, index: usize) -> u128 {
    digest_id(&[tag, &plan.to_be_bytes(), &(index as u64).to_be_bytes()])
}

fn digest_id(parts: &[&[u8]]) -> u128 {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    match u128::from_be_bytes(bytes) {
        0 => 1,
        u128::MAX => u128::MAX - 1,
        id => id,
    }
}

/// Posts `plan` to `store`, all or nothing, and idempotently (see the module docs). `now`
/// gives each batch's time in nanoseconds.
///
/// An empty plan changes nothing and returns [`PostOutcome::Posted`] with zero counts.
pub fn post_plan(
    store: &mut dyn LedgerStore,
    plan: &Plan,
    now: &mut dyn FnMut() -> u64,
) -> Result<PostOutcome, PostError> {
    post_plan_batched(store, plan, now, BATCH_EVENTS_MAX)
}

/// [`post_plan`] with batches of at most `batch_max` events (tests use small batches to reach
/// the two-phase path with small plans).
fn post_plan_batched(
    store: &mut dyn LedgerStore,
    plan: &Plan,
    now: &mut dyn FnMut() -> u64,
    batch_max: usize,
) -> Result<PostOutcome, PostError> {
    let prepared = prepare(plan)?;
    let mut poster = Poster {
        store,
        now,
        plan: plan.id,
        batch_max: batch_max.clamp(1, BATCH_EVENTS_MAX),
        prepared: &prepared,
    };
    if prepared.transfers.is_empty() {
        return Ok(PostOutcome::Posted {
            accounts_created: 0,
            transfers: 0,
        });
    }
    if prepared.transfers.len() <= poster.batch_max {
        poster.one_chain()
    } else {
        poster.two_phases()
    }
}

/// A plan turned into ledger records.
#[derive(Debug)]
struct Prepared {
    /// The accounts the plan needs, by holder and currency (sorted), with their records.
    accounts: Vec<(Holder, Currency, Account)>,
    /// The plan's transfers, without flags.
    transfers: Vec<Transfer>,
}

/// Checks the plan and builds its records.
fn prepare(plan: &Plan) -> Result<Prepared, PostError> {
    if plan.id == 0 {
        return Err(PostError::ZeroPlanId);
    }
    let mut holders = BTreeSet::new();
    let mut transfers = Vec::with_capacity(plan.transfers.len());
    for (index, planned) in plan.transfers.iter().enumerate() {
        let invalid = |reason: String| PostError::InvalidTransfer { index, reason };
        check_holder(&planned.debit).map_err(|reason| invalid(format!("debit: {reason}")))?;
        check_holder(&planned.credit).map_err(|reason| invalid(format!("credit: {reason}")))?;
        if planned.debit == planned.credit {
            return Err(invalid(format!("{} pays itself", planned.debit)));
        }
        let amount = u128::try_from(planned.amount.amount_minor())
            .ok()
            .filter(|amount| *amount > 0)
            .ok_or_else(|| invalid(format!("the amount {} is not positive", planned.amount)))?;
        if planned.code == 0 {
            return Err(invalid("the code must not be 0".into()));
        }
        let (user_data_64, user_data_32) = match &planned.obligation {
            None => (0, u32::MAX),
            Some((position, _)) if *position == u32::MAX => {
                return Err(invalid(
                    "the obligation position u32::MAX is reserved (it means none)".into(),
                ))
            }
            Some((position, id)) => (obligation_digest(id), *position),
        };
        let currency = planned.amount.currency();
        holders.insert((planned.debit.clone(), currency));
        holders.insert((planned.credit.clone(), currency));
        transfers.push(Transfer {
            id: transfer_id(plan.id, index),
            debit_account_id: account_id(&planned.debit, currency),
            credit_account_id: account_id(&planned.credit, currency),
            amount,
            pending_id: 0,
            user_data_128: plan.id,
            user_data_64,
            user_data_32,
            timeout: 0,
            ledger: ledger_of(currency),
            code: planned.code,
            flags: TransferFlags::NONE,
            timestamp: 0,
        });
    }
    let accounts = holders
        .into_iter()
        .map(|(holder, currency)| {
            let account = account_record(&holder, currency);
            (holder, currency, account)
        })
        .collect();
    Ok(Prepared {
        accounts,
        transfers,
    })
}

fn check_holder(holder: &Holder) -> Result<(), String> {
    match holder {
        Holder::Party(id) if id.is_empty() => Err("the party id is empty".into()),
        Holder::Agent(country)
            if country.len() != 3 || !country.bytes().all(|b| b.is_ascii_uppercase()) =>
        {
            Err(format!(
                "the agent's country {country:?} is not an ISO 3166 alpha-3 code"
            ))
        }
        _ => Ok(()),
    }
}

/// A party's account in a currency, as [`post_plan`] creates it (created when missing by
/// whatever pays the party).
pub fn party_account(party: &str, currency: Currency) -> Account {
    account_record(&Holder::Party(party.to_owned()), currency)
}

/// The account [`post_plan`] creates for a holder in a currency.
fn account_record(holder: &Holder, currency: Currency) -> Account {
    Account {
        id: account_id(holder, currency),
        ledger: ledger_of(currency),
        code: match holder {
            Holder::Party(_) => ACCOUNT_CODE_PARTY,
            Holder::Agent(_) => ACCOUNT_CODE_AGENT,
        },
        flags: AccountFlags::NONE,
        // A party's account carries the party's key, so that the service shows a
        // participant its own accounts.
        user_data_128: match holder {
            Holder::Party(id) => crate::party_key(id),
            Holder::Agent(_) => 0,
        },
        ..Account::default()
    }
}

/// The transfers of a one-chain post: every one linked but the last.
fn chain_events(transfers: &[Transfer]) -> Vec<Transfer> {
    let last = transfers.len().saturating_sub(1);
    transfers
        .iter()
        .enumerate()
        .map(|(offset, transfer)| Transfer {
            flags: if offset < last {
                TransferFlags::LINKED
            } else {
                TransferFlags::NONE
            },
            ..*transfer
        })
        .collect()
}

/// The reservations of the transfers in `range`, one linked chain.
fn reserve_events(transfers: &[Transfer], range: Range<usize>) -> Vec<Transfer> {
    chain_events(&transfers[range])
        .into_iter()
        .map(|transfer| Transfer {
            flags: transfer.flags.with(TransferFlags::PENDING),
            ..transfer
        })
        .collect()
}

/// The post (or void) of a reservation, with every field given so that the stored transfer
/// equals the event.
fn resolve_event(plan: u128, index: usize, transfer: &Transfer, post: bool) -> Transfer {
    Transfer {
        id: if post {
            post_id(plan, index)
        } else {
            void_id(plan, index)
        },
        pending_id: transfer.id,
        flags: if post {
            TransferFlags::POST_PENDING
        } else {
            TransferFlags::VOID_PENDING
        },
        ..*transfer
    }
}

/// The chunks of `0..len` of at most `size`.
fn chunks(len: usize, size: usize) -> impl Iterator<Item = Range<usize>> {
    (0..len)
        .step_by(size)
        .map(move |start| start..(start + size).min(len))
}

/// The first field in which a stored transfer differs from what the plan would write.
fn transfer_difference(expected: &Transfer, found: &Transfer) -> Option<&'static str> {
    let fields = [
        (expected.flags != found.flags, "flags"),
        (expected.pending_id != found.pending_id, "pending_id"),
        (expected.timeout != found.timeout, "timeout"),
        (
            expected.debit_account_id != found.debit_account_id,
            "debit_account_id",
        ),
        (
            expected.credit_account_id != found.credit_account_id,
            "credit_account_id",
        ),
        (expected.amount != found.amount, "amount"),
        (
            expected.user_data_128 != found.user_data_128,
            "user_data_128",
        ),
        (expected.user_data_64 != found.user_data_64, "user_data_64"),
        (expected.user_data_32 != found.user_data_32, "user_data_32"),
        (expected.ledger != found.ledger, "ledger"),
        (expected.code != found.code, "code"),
    ];
    fields
        .into_iter()
        .find(|(differs, _)| *differs)
        .map(|(_, field)| field)
}

/// How an existing account differs from the one the plan needs, in the ledger's terms (the
/// `closed` flag is the ledger's state, not compared).
fn account_difference(expected: &Account, found: &Account) -> Option<CreateAccountResult> {
    use CreateAccountResult as R;
    let closed = AccountFlags::CLOSED;
    if expected.flags.without(closed) != found.flags.without(closed) {
        Some(R::ExistsWithDifferentFlags)
    } else if expected.user_data_128 != found.user_data_128 {
        Some(R::ExistsWithDifferentUserData128)
    } else if expected.user_data_64 != found.user_data_64 {
        Some(R::ExistsWithDifferentUserData64)
    } else if expected.user_data_32 != found.user_data_32 {
        Some(R::ExistsWithDifferentUserData32)
    } else if expected.ledger != found.ledger {
        Some(R::ExistsWithDifferentLedger)
    } else if expected.code != found.code {
        Some(R::ExistsWithDifferentCode)
    } else {
        None
    }
}

/// The result that explains a failed chain: the first that is neither applied nor a
/// consequence of another event's failure.
fn first_failure(results: &[CreateTransferResult]) -> Option<(usize, CreateTransferResult)> {
    use CreateTransferResult as R;
    let failed = |result: &&CreateTransferResult| !matches!(result, R::Ok | R::Exists);
    results
        .iter()
        .position(|result| failed(&result) && *result != R::LinkedEventFailed)
        .or_else(|| results.iter().position(|result| failed(&result)))
        .map(|offset| (offset, results[offset]))
}

/// One call of [`post_plan`].
struct Poster<'a> {
    store: &'a mut dyn LedgerStore,
    now: &'a mut dyn FnMut() -> u64,
    plan: u128,
    batch_max: usize,
    prepared: &'a Prepared,
}

impl Poster<'_> {
    fn transfers(&self) -> &[Transfer] {
        &self.prepared.transfers
    }

    /// A plan that fits one batch: one linked chain.
    fn one_chain(&mut self) -> Result<PostOutcome, PostError> {
        let events = chain_events(self.transfers());
        let count = events.len();
        let found = self.check_present(&events, "transfer")?;
        if found.len() == count {
            return Ok(PostOutcome::AlreadyPosted { transfers: count });
        }
        let accounts_created = self.create_accounts()?;
        let results = self.store.create_transfers((self.now)(), &events)?;
        if let Some((offset, result)) = first_failure(&results) {
            return Err(self.rejected(offset, result));
        }
        if results.iter().all(|r| *r == CreateTransferResult::Exists) {
            return Ok(PostOutcome::AlreadyPosted { transfers: count });
        }
        Ok(PostOutcome::Posted {
            accounts_created,
            transfers: count,
        })
    }

    /// A plan larger than a batch: reserve everything, then post (see the module docs).
    fn two_phases(&mut self) -> Result<PostOutcome, PostError> {
        let plan = self.plan;
        let count = self.transfers().len();
        let reservations: Vec<Transfer> = chunks(count, self.batch_max)
            .flat_map(|range| reserve_events(self.transfers(), range))
            .collect();
        let posts: Vec<Transfer> = (0..count)
            .map(|index| resolve_event(plan, index, &self.transfers()[index], true))
            .collect();
        let voids: Vec<Transfer> = (0..count)
            .map(|index| resolve_event(plan, index, &self.transfers()[index], false))
            .collect();
        let reserved = self.check_present(&reservations, "transfer")?;
        let posted = self.check_present(&posts, "post of reservation")?;
        let voided = self.check_present(&voids, "void of reservation")?;
        if !voided.is_empty() {
            return Err(self.abandon(&voids, PostError::Aborted { plan }));
        }
        if reserved.len() == count && posted.len() == count {
            return Ok(PostOutcome::AlreadyPosted { transfers: count });
        }
        let accounts_created = self.create_accounts()?;
        // Phase one: reserve, one linked chain per batch; chains already in the ledger are
        // skipped (a chain is all there or not at all).
        // Whether this call applied any transfer: if every event came back `exists`, an
        // earlier call posted the plan after the lookups above.
        let mut applied = false;
        for range in chunks(count, self.batch_max) {
            let chain = &reservations[range.clone()];
            if chain.iter().all(|t| reserved.contains(&t.id)) {
                continue;
            }
            let results = self.store.create_transfers((self.now)(), chain)?;
            if let Some((offset, result)) = first_failure(&results) {
                let error = self.rejected(range.start + offset, result);
                return Err(self.abandon(&voids, error));
            }
            applied |= results.contains(&CreateTransferResult::Ok);
        }
        // Phase two: post every reservation not posted yet, in batches of independent events
        // (a post cannot fail, see the module docs).
        let missing: Vec<(usize, Transfer)> = posts
            .iter()
            .enumerate()
            .filter(|(_, post)| !posted.contains(&post.id))
            .map(|(index, post)| (index, *post))
            .collect();
        for batch in missing.chunks(self.batch_max) {
            let events: Vec<Transfer> = batch.iter().map(|(_, post)| *post).collect();
            let results = self.store.create_transfers((self.now)(), &events)?;
            if let Some((offset, result)) = first_failure(&results) {
                return Err(PostError::PostRejected {
                    plan,
                    index: batch[offset].0,
                    result,
                });
            }
            applied |= results.contains(&CreateTransferResult::Ok);
        }
        if !applied {
            return Ok(PostOutcome::AlreadyPosted { transfers: count });
        }
        Ok(PostOutcome::Posted {
            accounts_created,
            transfers: count,
        })
    }

    /// The error for a rejected plan transfer.
    fn rejected(&self, index: usize, result: CreateTransferResult) -> PostError {
        PostError::TransferRejected {
            plan: self.plan,
            index,
            transfer_id: self.transfers()[index].id,
            result,
        }
    }

    /// Voids every reservation of the plan in the ledger (retries of voids answer `exists`)
    /// and returns `cause`, or the error that stopped the voiding.
    fn abandon(&mut self, voids: &[Transfer], cause: PostError) -> PostError {
        match self.void_reserved(voids) {
            Ok(()) => cause,
            Err(VoidFailure::Store(error)) => PostError::Store(error),
            Err(VoidFailure::Rejected { index, result }) => PostError::VoidRejected {
                plan: self.plan,
                index,
                result,
                cause: Box::new(cause),
            },
        }
    }

    fn void_reserved(&mut self, voids: &[Transfer]) -> Result<(), VoidFailure> {
        let ids: Vec<u128> = self.transfers().iter().map(|t| t.id).collect();
        let reserved = self
            .lookup(ids.iter().copied())
            .map_err(VoidFailure::Store)?;
        let to_void: Vec<(usize, Transfer)> = ids
            .iter()
            .enumerate()
            .filter(|(_, id)| reserved.contains_key(id))
            .map(|(index, _)| (index, voids[index]))
            .collect();
        for batch in to_void.chunks(self.batch_max) {
            let events: Vec<Transfer> = batch.iter().map(|(_, void)| *void).collect();
            let results = self
                .store
                .create_transfers((self.now)(), &events)
                .map_err(VoidFailure::Store)?;
            if let Some((offset, result)) = first_failure(&results) {
                return Err(VoidFailure::Rejected {
                    index: batch[offset].0,
                    result,
                });
            }
        }
        Ok(())
    }

    /// Looks up `expected`'s ids and checks that what is found holds the same fields; returns
    /// the ids found.
    fn check_present(
        &mut self,
        expected: &[Transfer],
        what: &'static str,
    ) -> Result<HashSet<u128>, PostError> {
        let found = self.lookup(expected.iter().map(|t| t.id))?;
        for (index, transfer) in expected.iter().enumerate() {
            if let Some(stored) = found.get(&transfer.id) {
                if let Some(field) = transfer_difference(transfer, stored) {
                    return Err(PostError::Conflict {
                        plan: self.plan,
                        what,
                        index,
                        id: transfer.id,
                        field,
                    });
                }
            }
        }
        Ok(found.into_keys().collect())
    }

    /// The transfers with these ids, by id, looked up a batch's worth at a time.
    fn lookup(
        &mut self,
        ids: impl Iterator<Item = u128>,
    ) -> Result<HashMap<u128, Transfer>, StoreError> {
        let ids: Vec<u128> = ids.collect();
        let mut found = HashMap::new();
        for batch in ids.chunks(BATCH_EVENTS_MAX) {
            for transfer in self.store.lookup_transfers(batch)? {
                found.insert(transfer.id, transfer);
            }
        }
        Ok(found)
    }

    /// Creates the plan's accounts that are missing, after checking that those present are
    /// the plan's; returns how many it created.
    fn create_accounts(&mut self) -> Result<usize, PostError> {
        let accounts = &self.prepared.accounts;
        let ids: Vec<u128> = accounts.iter().map(|(_, _, account)| account.id).collect();
        let mut found = HashMap::new();
        for batch in ids.chunks(BATCH_EVENTS_MAX) {
            for account in self.store.lookup_accounts(batch)? {
                found.insert(account.id, account);
            }
        }
        let rejected = |(holder, currency, account): &(Holder, Currency, Account), result| {
            PostError::AccountRejected {
                holder: holder.clone(),
                currency: *currency,
                account_id: account.id,
                result,
            }
        };
        let mut missing = Vec::new();
        for entry in accounts {
            match found.get(&entry.2.id) {
                Some(stored) => {
                    if let Some(result) = account_difference(&entry.2, stored) {
                        return Err(rejected(entry, result));
                    }
                }
                None => missing.push(entry),
            }
        }
        let mut created = 0;
        for batch in missing.chunks(self.batch_max) {
            let events: Vec<Account> = batch.iter().map(|(_, _, account)| *account).collect();
            let results = self.store.create_accounts((self.now)(), &events)?;
            for (entry, result) in batch.iter().zip(results) {
                match result {
                    CreateAccountResult::Ok => created += 1,
                    CreateAccountResult::Exists => {}
                    result => return Err(rejected(entry, result)),
                }
            }
        }
        Ok(created)
    }
}

/// Why voiding a plan's reservations stopped.
enum VoidFailure {
    Store(StoreError),
    Rejected {
        index: usize,
        result: CreateTransferResult,
    },
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use corridor_store::MemoryStore;
    use proptest::prelude::*;

    use super::*;

    /// A clock that ticks one microsecond per batch.
    fn clock() -> impl FnMut() -> u64 {
        let mut time = 1_000_000u64;
        move || {
            time += 1_000;
            time
        }
    }

    fn party(id: &str) -> Holder {
        Holder::Party(id.into())
    }

    fn agent(country: &str) -> Holder {
        Holder::Agent(country.into())
    }

    fn pay(debit: Holder, credit: Holder, minor: i128, currency: Currency) -> PlanTransfer {
        PlanTransfer {
            debit,
            credit,
            amount: Money::from_minor(minor, currency),
            code: 1,
            obligation: None,
        }
    }

    fn post(store: &mut dyn LedgerStore, plan: &Plan) -> Result<PostOutcome, PostError> {
        post_plan(store, plan, &mut clock())
    }

    /// Every account's balances: debits pending, debits posted, credits pending, credits posted.
    fn balances(store: &mut dyn LedgerStore) -> BTreeMap<u128, [u128; 4]> {
        store
            .accounts()
            .unwrap()
            .into_iter()
            .map(|a| {
                let balances = [
                    a.debits_pending,
                    a.debits_posted,
                    a.credits_pending,
                    a.credits_posted,
                ];
                (a.id, balances)
            })
            .collect()
    }

    /// Checks that `after` holds the balances of `before`, and zero balances for any account
    /// created since.
    fn assert_balances_unchanged(before: &BTreeMap<u128, [u128; 4]>, store: &mut MemoryStore) {
        for (id, balances) in balances(store) {
            let expected = before.get(&id).copied().unwrap_or([0; 4]);
            assert_eq!(balances, expected, "account {id:#x}");
        }
        store.check_invariants().unwrap();
    }

    /// Each account's net (credits less debits) the plan makes.
    fn plan_nets(plan: &Plan) -> BTreeMap<u128, i128> {
        let mut nets = BTreeMap::new();
        for t in &plan.transfers {
            let currency = t.amount.currency();
            let amount = t.amount.amount_minor();
            *nets.entry(account_id(&t.debit, currency)).or_insert(0) -= amount;
            *nets.entry(account_id(&t.credit, currency)).or_insert(0) += amount;
        }
        nets
    }

    /// Checks that every account the plan touches moved by what the plan says (from
    /// `before`), that nothing is left pending, and the ledger's invariants.
    fn assert_posted(before: &BTreeMap<u128, [u128; 4]>, store: &mut MemoryStore, plan: &Plan) {
        let after = balances(store);
        for (id, net) in plan_nets(plan) {
            let [dp, dpo, cp, cpo] = after[&id];
            let [_, dpo0, _, cpo0] = before.get(&id).copied().unwrap_or([0; 4]);
            assert_eq!((dp, cp), (0, 0), "account {id:#x} has pending balances");
            let moved = (cpo - cpo0) as i128 - (dpo - dpo0) as i128;
            assert_eq!(moved, net, "account {id:#x}");
        }
        store.check_invariants().unwrap();
    }

    fn small_plan(id: u128) -> Plan {
        let usd = Currency::USD;
        let irr = Currency::IRR;
        let mut transfers = vec![
            pay(party("ir-bank"), agent("IRN"), 50_000, usd),
            pay(agent("IRN"), agent("IRQ"), 30_000, usd),
            pay(agent("IRQ"), party("iq-trader"), 30_000, usd),
            pay(party("iq-trader"), party("ir-bank"), 120_000, irr),
        ];
        transfers[0].obligation = Some((0, "INV-1".into()));
        transfers[2].obligation = Some((7, "INV-2".into()));
        transfers[3].code = 3;
        Plan { id, transfers }
    }

    /// A plan of `count` transfers in a ring of parties, some through agents.
    fn large_plan(id: u128, count: usize) -> Plan {
        let transfers = (0..count)
            .map(|i| {
                let debit = party(&format!("p{}", i % 97));
                let credit = if i % 5 == 0 {
                    agent(["IRN", "IRQ", "TUR"][i % 3])
                } else {
                    party(&format!("p{}", (i + 1) % 97))
                };
                let currency = if i % 7 == 0 {
                    Currency::EUR
                } else {
                    Currency::USD
                };
                let mut transfer = pay(debit, credit, 1 + (i as i128 * 37) % 10_000, currency);
                transfer.obligation = Some((i as u32, format!("OB-{i}")));
                transfer
            })
            .collect();
        Plan { id, transfers }
    }

    /// A store that never finds transfers by id, as if another call posted the plan between
    /// `post_plan`'s lookups and its writes.
    struct BlindLookups(MemoryStore);

    impl LedgerStore for BlindLookups {
        fn create_accounts(
            &mut self,
            now: u64,
            events: &[Account],
        ) -> Result<Vec<CreateAccountResult>, StoreError> {
            self.0.create_accounts(now, events)
        }
        fn create_transfers(
            &mut self,
            now: u64,
            events: &[Transfer],
        ) -> Result<Vec<CreateTransferResult>, StoreError> {
            self.0.create_transfers(now, events)
        }
        fn lookup_accounts(&mut self, ids: &[u128]) -> Result<Vec<Account>, StoreError> {
            self.0.lookup_accounts(ids)
        }
        fn lookup_transfers(&mut self, _ids: &[u128]) -> Result<Vec<Transfer>, StoreError> {
            Ok(Vec::new())
        }
        fn accounts(&mut self) -> Result<Vec<Account>, StoreError> {
            self.0.accounts()
        }
        fn account_transfers(
            &mut self,
            query: &corridor_store::HistoryQuery,
        ) -> Result<Option<Vec<Transfer>>, StoreError> {
            self.0.account_transfers(query)
        }
        fn account_balances_as_of(
            &mut self,
            account_id: u128,
            timestamp: u64,
        ) -> Result<Option<corridor_ledger::Balances>, StoreError> {
            self.0.account_balances_as_of(account_id, timestamp)
        }
        fn pending_status(
            &mut self,
            id: u128,
        ) -> Result<Option<corridor_ledger::PendingStatus>, StoreError> {
            self.0.pending_status(id)
        }
        fn check_invariants(&mut self) -> Result<(), StoreError> {
            self.0.check_invariants()
        }
    }

    /// Creates the plan's accounts and sends `events` as one batch, as an interrupted post
    /// would have; every event must apply.
    fn send(store: &mut MemoryStore, prepared: &Prepared, events: &[Transfer]) {
        let accounts: Vec<Account> = prepared.accounts.iter().map(|(_, _, a)| *a).collect();
        for batch in accounts.chunks(BATCH_EVENTS_MAX) {
            let results = store.create_accounts(1, batch).unwrap();
            assert!(results
                .iter()
                .all(|r| matches!(r, CreateAccountResult::Ok | CreateAccountResult::Exists)));
        }
        for batch in events.chunks(BATCH_EVENTS_MAX) {
            let results = store.create_transfers(2, batch).unwrap();
            assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
        }
    }

    #[test]
    fn ids_and_ledgers_are_deterministic_and_distinct() {
        assert_eq!(ledger_of(Currency::USD), 0x55_53_44);
        assert_ne!(ledger_of(Currency::USD), ledger_of(Currency::EUR));
        let usd = Currency::USD;
        let id = account_id(&party("IRN"), usd);
        assert_eq!(id, account_id(&party("IRN"), usd));
        assert_ne!(id, account_id(&agent("IRN"), usd));
        assert_ne!(id, account_id(&party("IRN"), Currency::EUR));
        assert_ne!(account_id(&party("ab"), usd), account_id(&party("a"), usd));
        assert_eq!(transfer_id(9, 3), transfer_id(9, 3));
        let ids = [
            transfer_id(9, 3),
            transfer_id(9, 4),
            transfer_id(10, 3),
            post_id(9, 3),
            void_id(9, 3),
        ];
        let distinct: BTreeSet<u128> = ids.iter().copied().collect();
        assert_eq!(distinct.len(), ids.len());
        assert!(ids.iter().all(|id| *id != 0 && *id != u128::MAX));
        assert_ne!(obligation_digest("INV-1"), obligation_digest("INV-2"));
    }

    #[test]
    fn a_small_plan_posts_as_one_chain_and_balances_match() {
        let mut store = MemoryStore::in_memory();
        let plan = small_plan(42);
        let outcome = post(&mut store, &plan).unwrap();
        assert_eq!(
            outcome,
            PostOutcome::Posted {
                accounts_created: 6,
                transfers: 4
            }
        );
        assert_posted(&BTreeMap::new(), &mut store, &plan);
        let ids: Vec<u128> = (0..4).map(|i| transfer_id(42, i)).collect();
        let stored = store.lookup_transfers(&ids).unwrap();
        assert_eq!(stored.len(), 4);
        let flags: Vec<TransferFlags> = stored.iter().map(|t| t.flags).collect();
        let linked = TransferFlags::LINKED;
        assert_eq!(flags, [linked, linked, linked, TransferFlags::NONE]);
        assert!(stored.iter().all(|t| t.user_data_128 == 42));
        assert_eq!(stored[0].user_data_64, obligation_digest("INV-1"));
        assert_eq!((stored[0].user_data_32, stored[2].user_data_32), (0, 7));
        assert_eq!(
            (stored[1].user_data_64, stored[1].user_data_32),
            (0, u32::MAX)
        );
        assert_eq!(stored[3].ledger, ledger_of(Currency::IRR));
        assert_eq!(stored[3].code, 3);
        let accounts = store.accounts().unwrap();
        let agent_account = account_id(&agent("IRN"), Currency::USD);
        let agent_record = accounts.iter().find(|a| a.id == agent_account).unwrap();
        assert_eq!(agent_record.code, ACCOUNT_CODE_AGENT);
        assert_eq!(agent_record.flags, AccountFlags::NONE);
        assert_eq!(agent_record.ledger, ledger_of(Currency::USD));
    }

    #[test]
    fn reposting_changes_nothing() {
        let mut store = MemoryStore::in_memory();
        let plan = small_plan(42);
        post(&mut store, &plan).unwrap();
        let before = balances(&mut store);
        let outcome = post(&mut store, &plan).unwrap();
        assert_eq!(outcome, PostOutcome::AlreadyPosted { transfers: 4 });
        assert_eq!(balances(&mut store), before);
        // Another plan over the same accounts creates none and moves the balances again.
        let again = small_plan(43);
        let outcome = post(&mut store, &again).unwrap();
        assert_eq!(
            outcome,
            PostOutcome::Posted {
                accounts_created: 0,
                transfers: 4
            }
        );
        assert_posted(&before, &mut store, &again);
    }

    #[test]
    fn a_chain_that_comes_back_exists_is_already_posted() {
        let mut store = BlindLookups(MemoryStore::in_memory());
        let plan = small_plan(42);
        assert!(matches!(
            post(&mut store, &plan),
            Ok(PostOutcome::Posted { .. })
        ));
        let before = balances(&mut store.0);
        let outcome = post(&mut store, &plan).unwrap();
        assert_eq!(outcome, PostOutcome::AlreadyPosted { transfers: 4 });
        assert_eq!(balances(&mut store.0), before);
        // The same through two phases.
        let plan = large_plan(7, 50);
        let outcome = post_plan_batched(&mut store, &plan, &mut clock(), 8).unwrap();
        assert!(matches!(outcome, PostOutcome::Posted { .. }));
        let before = balances(&mut store.0);
        let outcome = post_plan_batched(&mut store, &plan, &mut clock(), 8).unwrap();
        assert_eq!(outcome, PostOutcome::AlreadyPosted { transfers: 50 });
        assert_eq!(balances(&mut store.0), before);
    }

    #[test]
    fn a_rejected_transfer_leaves_balances_unchanged() {
        let mut store = MemoryStore::in_memory();
        post(&mut store, &small_plan(1)).unwrap();
        let before = balances(&mut store);
        // The third debit of i128::MAX overflows the payer's debits.
        let max = i128::MAX;
        let usd = Currency::USD;
        let mut plan = small_plan(2);
        plan.transfers.extend([
            pay(party("whale"), party("a"), max, usd),
            pay(party("whale"), party("b"), max, usd),
            pay(party("whale"), party("c"), max, usd),
            pay(party("c"), party("d"), 5, usd),
        ]);
        let error = post(&mut store, &plan).unwrap_err();
        let PostError::TransferRejected { index, result, .. } = error else {
            panic!("{error}");
        };
        assert_eq!(
            (index, result),
            (6, CreateTransferResult::OverflowsDebitsPosted)
        );
        assert_balances_unchanged(&before, &mut store);
        // Trying again fails the same way.
        assert!(matches!(
            post(&mut store, &plan),
            Err(PostError::TransferRejected { index: 6, .. })
        ));
        assert_balances_unchanged(&before, &mut store);
    }

    #[test]
    fn an_account_with_other_fields_stops_the_post_before_any_write() {
        let mut store = MemoryStore::in_memory();
        let taken = Account {
            id: account_id(&agent("IRQ"), Currency::USD),
            ledger: ledger_of(Currency::USD),
            code: ACCOUNT_CODE_AGENT,
            flags: AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS,
            ..Account::default()
        };
        let results = store.create_accounts(1, &[taken]).unwrap();
        assert_eq!(results, [CreateAccountResult::Ok]);
        let error = post(&mut store, &small_plan(42)).unwrap_err();
        let PostError::AccountRejected { holder, result, .. } = &error else {
            panic!("{error}");
        };
        assert_eq!(holder, &agent("IRQ"));
        assert_eq!(*result, CreateAccountResult::ExistsWithDifferentFlags);
        assert!(error.to_string().contains("exists_with_different_flags"));
        let accounts = store.accounts().unwrap();
        assert_eq!(accounts.len(), 1, "no account created");
        assert_eq!(accounts[0].id, taken.id);
    }

    #[test]
    fn another_plan_under_the_same_id_is_a_conflict() {
        let mut store = MemoryStore::in_memory();
        post(&mut store, &small_plan(42)).unwrap();
        let before = balances(&mut store);
        let mut changed = small_plan(42);
        changed.transfers[1].amount = Money::from_minor(30_100, Currency::USD);
        let error = post(&mut store, &changed).unwrap_err();
        assert!(
            matches!(
                error,
                PostError::Conflict {
                    index: 1,
                    field: "amount",
                    ..
                }
            ),
            "{error}"
        );
        // A longer plan under the same id: the old last transfer was not linked.
        let mut longer = small_plan(42);
        longer
            .transfers
            .push(pay(party("x"), party("y"), 1, Currency::USD));
        let error = post(&mut store, &longer).unwrap_err();
        assert!(
            matches!(
                error,
                PostError::Conflict {
                    index: 3,
                    field: "flags",
                    ..
                }
            ),
            "{error}"
        );
        assert_balances_unchanged(&before, &mut store);
    }

    #[test]
    fn malformed_plans_are_refused_before_any_write() {
        let mut store = MemoryStore::in_memory();
        let usd = Currency::USD;
        assert!(matches!(
            post(
                &mut store,
                &Plan {
                    id: 0,
                    transfers: vec![]
                }
            ),
            Err(PostError::ZeroPlanId)
        ));
        let cases: Vec<(PlanTransfer, &str)> = vec![
            (pay(party("a"), party("b"), 0, usd), "not positive"),
            (pay(party("a"), party("b"), -5, usd), "not positive"),
            (pay(party("a"), party("a"), 5, usd), "pays itself"),
            (pay(party(""), party("a"), 5, usd), "party id is empty"),
            (pay(party("a"), agent("iran"), 5, usd), "alpha-3"),
            (
                PlanTransfer {
                    code: 0,
                    ..pay(party("a"), party("b"), 5, usd)
                },
                "code",
            ),
            (
                PlanTransfer {
                    obligation: Some((u32::MAX, "X".into())),
                    ..pay(party("a"), party("b"), 5, usd)
                },
                "reserved",
            ),
        ];
        for (bad, message) in cases {
            let plan = Plan {
                id: 5,
                transfers: vec![pay(party("a"), party("b"), 5, usd), bad],
            };
            let error = post(&mut store, &plan).unwrap_err();
            assert!(
                matches!(error, PostError::InvalidTransfer { index: 1, .. }),
                "{error}"
            );
            assert!(error.to_string().contains(message), "{error}");
        }
        assert!(store.accounts().unwrap().is_empty());
        let empty = Plan {
            id: 5,
            transfers: vec![],
        };
        assert_eq!(
            post(&mut store, &empty).unwrap(),
            PostOutcome::Posted {
                accounts_created: 0,
                transfers: 0
            }
        );
    }

    #[test]
    fn a_large_plan_posts_in_two_phases_and_reposts_idempotently() {
        let mut store = MemoryStore::in_memory();
        let plan = large_plan(77, 20_000);
        let outcome = post(&mut store, &plan).unwrap();
        assert!(
            matches!(
                outcome,
                PostOutcome::Posted {
                    transfers: 20_000,
                    ..
                }
            ),
            "{outcome:?}"
        );
        assert_posted(&BTreeMap::new(), &mut store, &plan);
        let first = store.lookup_transfers(&[transfer_id(77, 0)]).unwrap();
        let pending_linked = TransferFlags::PENDING.with(TransferFlags::LINKED);
        assert_eq!(first[0].flags, pending_linked);
        let last_of_chain = BATCH_EVENTS_MAX - 1;
        let chain_end = store
            .lookup_transfers(&[transfer_id(77, last_of_chain)])
            .unwrap();
        assert_eq!(chain_end[0].flags, TransferFlags::PENDING);
        let posted = store.lookup_transfers(&[post_id(77, 19_999)]).unwrap();
        assert_eq!(posted[0].pending_id, transfer_id(77, 19_999));
        let before = balances(&mut store);
        let outcome = post(&mut store, &plan).unwrap();
        assert_eq!(outcome, PostOutcome::AlreadyPosted { transfers: 20_000 });
        assert_eq!(balances(&mut store), before);
    }

    #[test]
    fn a_large_plan_that_fails_voids_its_reservations() {
        let mut store = MemoryStore::in_memory();
        post(&mut store, &small_plan(1)).unwrap();
        let before = balances(&mut store);
        let mut plan = large_plan(78, 20_000);
        // In the second batch: the third reservation of i128::MAX overflows the payer's debits.
        for index in [9_000, 9_001, 9_002] {
            plan.transfers[index] = pay(
                party("whale"),
                party(&format!("sink{index}")),
                i128::MAX,
                Currency::USD,
            );
        }
        let error = post(&mut store, &plan).unwrap_err();
        assert!(
            matches!(
                error,
                PostError::TransferRejected {
                    index: 9_002,
                    result: CreateTransferResult::OverflowsDebitsPending,
                    ..
                }
            ),
            "{error}"
        );
        assert_balances_unchanged(&before, &mut store);
        // The first batch was reserved, then voided.
        let status = store.pending_status(transfer_id(78, 0)).unwrap();
        assert!(matches!(
            status,
            Some(corridor_ledger::PendingStatus::Voided { .. })
        ));
        let error = post(&mut store, &plan).unwrap_err();
        assert!(matches!(error, PostError::Aborted { plan: 78 }), "{error}");
        assert_balances_unchanged(&before, &mut store);
    }

    #[test]
    fn an_interrupted_reservation_is_finished() {
        let mut store = MemoryStore::in_memory();
        let plan = large_plan(79, 20_000);
        let prepared = prepare(&plan).unwrap();
        // The first batch of reservations made it before the crash.
        let first = reserve_events(&prepared.transfers, 0..BATCH_EVENTS_MAX);
        send(&mut store, &prepared, &first);
        let outcome = post(&mut store, &plan).unwrap();
        assert_eq!(
            outcome,
            PostOutcome::Posted {
                accounts_created: 0,
                transfers: 20_000
            }
        );
        assert_posted(&BTreeMap::new(), &mut store, &plan);
        let before = balances(&mut store);
        let outcome = post(&mut store, &plan).unwrap();
        assert_eq!(outcome, PostOutcome::AlreadyPosted { transfers: 20_000 });
        assert_eq!(balances(&mut store), before);
    }

    #[test]
    fn an_interrupted_posting_is_finished() {
        let mut store = MemoryStore::in_memory();
        let plan = large_plan(80, 20_000);
        let prepared = prepare(&plan).unwrap();
        // Everything reserved, and the posts of the first half made it before the crash.
        let reservations: Vec<Transfer> = chunks(20_000, BATCH_EVENTS_MAX)
            .flat_map(|range| reserve_events(&prepared.transfers, range))
            .collect();
        let posts: Vec<Transfer> = (0..10_000)
            .map(|i| resolve_event(80, i, &prepared.transfers[i], true))
            .collect();
        send(&mut store, &prepared, &reservations);
        send(&mut store, &prepared, &posts);
        let outcome = post(&mut store, &plan).unwrap();
        assert!(matches!(outcome, PostOutcome::Posted { .. }), "{outcome:?}");
        assert_posted(&BTreeMap::new(), &mut store, &plan);
        assert_eq!(
            post(&mut store, &plan).unwrap(),
            PostOutcome::AlreadyPosted { transfers: 20_000 }
        );
    }

    #[test]
    fn an_interrupted_voiding_is_finished() {
        let mut store = MemoryStore::in_memory();
        let plan = large_plan(81, 20_000);
        let prepared = prepare(&plan).unwrap();
        // The first batch was reserved, a later one failed, and the voiding stopped halfway.
        let first = reserve_events(&prepared.transfers, 0..BATCH_EVENTS_MAX);
        let voids: Vec<Transfer> = (0..100)
            .map(|i| resolve_event(81, i, &prepared.transfers[i], false))
            .collect();
        send(&mut store, &prepared, &first);
        send(&mut store, &prepared, &voids);
        let error = post(&mut store, &plan).unwrap_err();
        assert!(matches!(error, PostError::Aborted { plan: 81 }), "{error}");
        for (id, balances) in balances(&mut store) {
            assert_eq!(balances, [0; 4], "account {id:#x}");
        }
        store.check_invariants().unwrap();
    }

    #[test]
    fn the_embedded_store_keeps_a_posted_plan_across_a_reopen() {
        use corridor_store_embedded::{EmbeddedConfig, EmbeddedStore};
        let dir = tempfile::tempdir().unwrap();
        let config = EmbeddedConfig {
            dir: dir.path().to_path_buf(),
            snapshot_interval_transfers: 1_000_000,
        };
        let plan = large_plan(82, 300);
        let mut store = EmbeddedStore::open(config.clone()).unwrap();
        let outcome = post_plan_batched(&mut store, &plan, &mut clock(), 64).unwrap();
        assert!(matches!(outcome, PostOutcome::Posted { .. }));
        let before = balances(&mut store);
        store.close().unwrap();
        let mut store = EmbeddedStore::open(config).unwrap();
        let outcome = post_plan_batched(&mut store, &plan, &mut clock(), 64).unwrap();
        assert_eq!(outcome, PostOutcome::AlreadyPosted { transfers: 300 });
        assert_eq!(balances(&mut store), before);
        store.check_invariants().unwrap();
    }

    /// A holder whose USD account is closed (by a pending closing transfer to a holder no plan
    /// names): the ledger rejects any transfer of a plan that touches it.
    const CLOSED: &str = "closed";

    fn close_account(store: &mut MemoryStore) {
        let usd = Currency::USD;
        let closed = account_record(&party(CLOSED), usd);
        let other = account_record(&party("closer"), usd);
        let results = store.create_accounts(1, &[closed, other]).unwrap();
        assert!(results.iter().all(|r| r.is_ok()));
        let closing = Transfer {
            id: 1,
            debit_account_id: closed.id,
            credit_account_id: other.id,
            amount: 1,
            ledger: ledger_of(usd),
            code: 9,
            flags: TransferFlags::PENDING.with(TransferFlags::CLOSING_DEBIT),
            ..Transfer::default()
        };
        assert_eq!(
            store.create_transfers(2, &[closing]).unwrap(),
            [CreateTransferResult::Ok]
        );
    }

    /// Random plans over a few holders and two currencies; now and then the closed holder,
    /// whose transfers the ledger rejects.
    fn plans() -> impl Strategy<Value = Plan> {
        let holder = prop_oneof![
            20 => (0..5u8).prop_map(|i| party(&format!("p{i}"))),
            6 => prop::sample::select(vec!["IRN", "IRQ"]).prop_map(agent),
            1 => Just(party(CLOSED)),
        ];
        let amount = prop_oneof![1..1_000i128, 1..i128::from(u64::MAX)];
        let currency = prop::sample::select(vec![Currency::USD, Currency::IRR]);
        let transfer = (
            holder.clone(),
            holder,
            amount,
            currency,
            1..6u16,
            any::<bool>(),
        );
        let transfer = transfer
            .prop_filter("a holder does not pay itself", |(d, c, ..)| d != c)
            .prop_map(|(debit, credit, minor, currency, code, discharges)| {
                let mut transfer = pay(debit, credit, minor, currency);
                transfer.code = code;
                transfer.obligation = discharges.then(|| (u32::from(code), format!("o{minor}")));
                transfer
            });
        (1..u128::MAX, prop::collection::vec(transfer, 0..14))
            .prop_map(|(id, transfers)| Plan { id, transfers })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn posting_twice_equals_posting_once(
            earlier in plans(),
            plan in plans(),
            batch_max in 1..6usize,
        ) {
            let mut store = MemoryStore::in_memory();
            close_account(&mut store);
            let mut now = clock();
            // Some state first, posted or not.
            let _ = post_plan_batched(&mut store, &earlier, &mut now, batch_max);
            store.check_invariants().unwrap();
            let before = balances(&mut store);
            let first = post_plan_batched(&mut store, &plan, &mut now, batch_max);
            let once = balances(&mut store);
            let second = post_plan_batched(&mut store, &plan, &mut now, batch_max);
            store.check_invariants().unwrap();
            prop_assert_eq!(balances(&mut store), once.clone());
            match first {
                Ok(PostOutcome::Posted { transfers, .. }) => {
                    prop_assert_eq!(transfers, plan.transfers.len());
                    assert_posted(&before, &mut store, &plan);
                    let expected = if plan.transfers.is_empty() {
                        PostOutcome::Posted { accounts_created: 0, transfers: 0 }
                    } else {
                        PostOutcome::AlreadyPosted { transfers }
                    };
                    prop_assert_eq!(second.unwrap(), expected);
                }
                Ok(PostOutcome::AlreadyPosted { .. }) => {
                    prop_assert!(earlier.id == plan.id, "already posted only under a reused id");
                }
                Err(PostError::TransferRejected { .. }) | Err(PostError::Conflict { .. }) => {
                    assert_balances_unchanged(&before, &mut store);
                    prop_assert!(second.is_err());
                }
                Err(error) => prop_assert!(false, "unexpected error: {}", error),
            }
        }
    }
}
