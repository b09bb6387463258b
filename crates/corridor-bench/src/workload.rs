//! The corridor workload: central banks, banks, restricted revenue pools and traders on one
//! ledger; payments between them, some two-phase (reserved at contract, posted or voided when
//! the goods cross), some paid from a restricted pool. Generated batch by batch from a seed,
//! so the same options always give the same events.

use std::collections::VecDeque;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use corridor_ledger::{Account, AccountFlags, Transfer, TransferFlags};

/// The workload's ledger (one currency).
pub const LEDGER: u32 = 840;
/// Account codes.
pub const CODE_CENTRAL_BANK: u16 = 1;
/// A commercial bank.
pub const CODE_BANK: u16 = 2;
/// A restricted revenue pool: may not go below zero.
pub const CODE_POOL: u16 = 3;
/// A trader.
pub const CODE_TRADER: u16 = 4;
/// Transfer code of a payment.
pub const CODE_PAYMENT: u16 = 10;
/// Transfer code of pool funding.
pub const CODE_FUNDING: u16 = 11;
/// Timeout of a reservation, in seconds.
pub const PENDING_TIMEOUT_SECONDS: u32 = 3_600;

/// What to generate.
#[derive(Clone, Debug)]
pub struct WorkloadConfig {
    /// Accounts (at least 4).
    pub accounts: u64,
    /// Transfers, funding included.
    pub transfers: u64,
    /// Events per batch.
    pub batch: usize,
    /// With K, every payment debits one of K hot accounts (restricted pools).
    pub hot_accounts: Option<u64>,
    /// Percentage of payments that are two-phase.
    pub pending_percent: u8,
    /// Generator seed.
    pub seed: u64,
}

/// Counts of what was generated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WorkloadCounts {
    /// Plain payments.
    pub plain: u64,
    /// Reservations.
    pub pending: u64,
    /// Posts of reservations.
    pub posted: u64,
    /// Voids of reservations.
    pub voided: u64,
    /// Pool fundings.
    pub funding: u64,
}

/// Generates the workload batch by batch.
pub struct Workload {
    config: WorkloadConfig,
    rng: SmallRng,
    generated: u64,
    next_id: u128,
    /// Reservations waiting to be posted or voided, with the batch that made them.
    open: VecDeque<(u64, u128)>,
    batches_made: u64,
    /// Counts so far.
    pub counts: WorkloadCounts,
}

/// The first id of the accounts; ids are time-ordered-looking but deterministic.
const ACCOUNT_ID_BASE: u128 = 1 << 80;

impl Workload {
    /// A generator for `config`.
    pub fn new(config: WorkloadConfig) -> Workload {
        assert!(
            config.accounts >= 4,
            "the workload needs at least 4 accounts"
        );
        let rng = SmallRng::seed_from_u64(config.seed);
        Workload {
            config,
            rng,
            generated: 0,
            next_id: 1 << 100,
            open: VecDeque::new(),
            batches_made: 0,
            counts: WorkloadCounts::default(),
        }
    }

    fn pools_count(&self) -> u64 {
        self.config
            .hot_accounts
            .unwrap_or(1)
            .min(self.config.accounts / 2)
            .max(1)
    }

    /// The accounts: one central bank, the pools, then banks and traders.
    pub fn accounts(&self) -> Vec<Account> {
        let pools = self.pools_count();
        (0..self.config.accounts)
            .map(|index| {
                let (code, flags) = if index == 0 {
                    (CODE_CENTRAL_BANK, AccountFlags::NONE)
                } else if index <= pools {
                    (CODE_POOL, AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS)
                } else if index % 10 == 0 {
                    (CODE_BANK, AccountFlags::NONE)
                } else {
                    (CODE_TRADER, AccountFlags::NONE)
                };
                Account {
                    id: ACCOUNT_ID_BASE + u128::from(index),
                    ledger: LEDGER,
                    code,
                    flags,
                    user_data_64: index,
                    ..Account::default()
                }
            })
            .collect()
    }

    /// The next batch of transfers, or `None` when all were generated.
    pub fn next_batch(&mut self) -> Option<Vec<Transfer>> {
        if self.generated >= self.config.transfers {
            return None;
        }
        let size = (self.config.transfers - self.generated).min(self.config.batch as u64);
        let batch_number = self.batches_made;
        self.batches_made += 1;
        let mut batch = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        if batch_number == 0 {
            // The central bank funds every pool first.
            for pool in 1..=self.pools_count().min(size) {
                batch.push(self.transfer(0, pool, u128::from(u64::MAX) << 32, CODE_FUNDING));
                self.counts.funding += 1;
            }
        }
        while (batch.len() as u64) < size {
            let event = self.next_payment(batch_number);
            batch.push(event);
        }
        self.generated += size;
        Some(batch)
    }

    fn next_payment(&mut self, batch_number: u64) -> Transfer {
        let due = self
            .open
            .front()
            .is_some_and(|(made, _)| *made < batch_number);
        let pending_share = f64::from(self.config.pending_percent) / 100.0;
        if due && self.rng.gen_bool(pending_share.min(1.0)) {
            let (_, pending_id) = self.open.pop_front().expect("due reservation");
            let post = self.rng.gen_bool(0.8);
            let flags = if post {
                TransferFlags::POST_PENDING
            } else {
                TransferFlags::VOID_PENDING
            };
            if post {
                self.counts.posted += 1;
            } else {
                self.counts.voided += 1;
            }
            return Transfer {
                id: self.fresh_id(),
                pending_id,
                flags,
                ..Transfer::default()
            };
        }
        let debit = self.debit_index();
        let mut credit = self.rng.gen_range(1..self.config.accounts);
        if credit == debit {
            credit = if credit + 1 < self.config.accounts {
                credit + 1
            } else {
                1
            };
        }
        let amount = u128::from(self.rng.gen_range(100u64..100_000_000));
        let mut transfer = self.transfer(debit, credit, amount, CODE_PAYMENT);
        if self.rng.gen_bool(pending_share.min(1.0)) {
            transfer.flags = TransferFlags::PENDING;
            transfer.timeout = PENDING_TIMEOUT_SECONDS;
            self.open.push_back((batch_number, transfer.id));
            self.counts.pending += 1;
        } else {
            self.counts.plain += 1;
        }
        transfer
    }

    fn debit_index(&mut self) -> u64 {
        match self.config.hot_accounts {
            Some(_) => self.rng.gen_range(1..=self.pools_count()),
            None => self.rng.gen_range(1..self.config.accounts),
        }
    }

    fn transfer(&mut self, debit: u64, credit: u64, amount: u128, code: u16) -> Transfer {
        Transfer {
            id: self.fresh_id(),
            debit_account_id: ACCOUNT_ID_BASE + u128::from(debit),
            credit_account_id: ACCOUNT_ID_BASE + u128::from(credit),
            amount,
            ledger: LEDGER,
            code,
            ..Transfer::default()
        }
    }

    fn fresh_id(&mut self) -> u128 {
        // Distinct, and random in the low bits as client-made ids are.
        self.next_id += 1;
        (self.next_id << 24) | u128::from(self.rng.gen::<u32>() & 0x00ff_ffff)
    }
}
