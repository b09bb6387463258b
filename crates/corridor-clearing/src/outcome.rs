//! What a clearing method returns: per obligation, per party and in total.

use corridor_core::{Currency, Money};

use crate::setoff::Certificate;
use crate::Network;

/// A clearing method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// Bilateral netting per pair of parties and currency.
    BilateralNetting,
    /// Multilateral netting through one clearing agent per country.
    MultilateralNetting,
    /// Multilateral set-off: the maximum circulation, no cash.
    SetOff,
    /// Multilateral set-off with liquidity: the most debt that can be discharged when, in
    /// addition to cycles, each party may pay cash up to its liquidity.
    SetOffWithLiquidity,
    /// The settlement plan with restricted pools: set-off first, then pool-funded payments
    /// of eligible obligations, then (when liquidity is given) cash up to each party's
    /// liquidity.
    PoolFunded,
}

/// One side of a cash payment.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Account {
    /// A party of the network, by index.
    Party(usize),
    /// The (notional) clearing agent of a country, by ISO 3166 alpha-3 code.
    Agent(String),
}

/// A cash payment that a method asks for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Payment {
    /// Who pays.
    pub from: Account,
    /// Who is paid.
    pub to: Account,
    /// How much; positive.
    pub amount: Money,
}

/// What happened to one obligation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ObligationOutcome {
    /// Discharged without cash: netted against opposite debts or set off in a cycle.
    pub offset: Money,
    /// Discharged by a cash payment.
    pub cash: Money,
    /// Discharged by payments from restricted pools.
    pub pooled: Money,
    /// Still owed.
    pub remaining: Money,
}

impl ObligationOutcome {
    /// An outcome of `offset` without cash, `cash` in cash, `remaining` still owed.
    pub(crate) fn new(offset: i128, cash: i128, remaining: i128, currency: Currency) -> Self {
        ObligationOutcome {
            offset: Money::from_minor(offset, currency),
            cash: Money::from_minor(cash, currency),
            pooled: Money::from_minor(0, currency),
            remaining: Money::from_minor(remaining, currency),
        }
    }

    /// Everything discharged: `offset + cash + pooled`.
    pub fn discharged(&self) -> Money {
        Money::from_minor(
            self.offset.amount_minor() + self.cash.amount_minor() + self.pooled.amount_minor(),
            self.offset.currency(),
        )
    }
}

/// A payment from a restricted pool for one obligation, and what its debtor was charged.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PoolPayment {
    /// The pool, by index in the pools given.
    pub pool: usize,
    /// The obligation, by index.
    pub obligation: usize,
    /// What the pool paid the obligation's creditor, in the obligation's currency.
    pub paid: Money,
    /// What the debtor was charged, in the pool's charge currency, paid to the pool's owner.
    pub charged: Money,
}

/// How one restricted pool was used.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PoolUsage {
    /// The pool, by index in the pools given.
    pub pool: usize,
    /// What it could pay this cycle.
    pub available: Money,
    /// What it paid.
    pub paid: Money,
    /// What its debtors were charged, in its charge currency.
    pub charged: Money,
    /// The obligations it paid (in part or in full).
    pub obligations: usize,
    /// Eligible obligations' amounts it could not pay: what was still owed on them after it.
    pub unpaid_eligible: Money,
}

/// What one party pays and receives in one currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PartyCash {
    /// The party's index.
    pub party: usize,
    /// Cash the party pays.
    pub paid: Money,
    /// Cash the party receives.
    pub received: Money,
}

/// The totals of one currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Totals {
    /// The currency.
    pub currency: Currency,
    /// All obligations added up: what paying every obligation gross would move.
    pub debt: Money,
    /// Discharged, by offset or cash.
    pub discharged: Money,
    /// Discharged without cash.
    pub offset: Money,
    /// Discharged by payments from restricted pools.
    pub pooled: Money,
    /// Still owed.
    pub remaining: Money,
    /// Cash paid by parties (payments between clearing agents are not counted twice),
    /// pools' payments, and the charges debtors paid to pools' owners in this currency.
    pub cash_moved: Money,
    /// Cash paid between parties or agents of different countries.
    pub cash_cross_border: Money,
    /// `offset / debt` in basis points, rounded half to even: the share of the gross debt
    /// that no cash had to settle.
    pub saved_bp: i64,
}

/// The result of one clearing method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClearingResult {
    /// The method.
    pub method: Method,
    /// One outcome per obligation, indexed like [`Network::obligations`].
    pub obligations: Vec<ObligationOutcome>,
    /// The cash payments the method asks for, in a deterministic order.
    pub payments: Vec<Payment>,
    /// Per party and currency, cash paid and received; only parties that pay or receive,
    /// sorted by currency then party.
    pub cash: Vec<PartyCash>,
    /// Per currency, sorted by code.
    pub totals: Vec<Totals>,
    /// For [`Method::SetOff`] and [`Method::SetOffWithLiquidity`], one optimality
    /// certificate per currency, already checked.
    pub certificates: Vec<Certificate>,
    /// For [`Method::PoolFunded`]: every pool payment, by pool then obligation.
    pub pool_payments: Vec<PoolPayment>,
    /// For [`Method::PoolFunded`]: per pool, what it paid.
    pub pools: Vec<PoolUsage>,
}

impl ClearingResult {
    /// Builds a result from per-obligation outcomes and payments, computing the per-party
    /// cash and the totals.
    pub(crate) fn assemble(
        network: &Network,
        method: Method,
        obligations: Vec<ObligationOutcome>,
        payments: Vec<Payment>,
        certificates: Vec<Certificate>,
    ) -> ClearingResult {
        ClearingResult::assemble_with_pools(
            network,
            method,
            obligations,
            payments,
            certificates,
            Vec::new(),
            Vec::new(),
        )
    }

    /// [`ClearingResult::assemble`], with pool payments.
    pub(crate) fn assemble_with_pools(
        network: &Network,
        method: Method,
        obligations: Vec<ObligationOutcome>,
        payments: Vec<Payment>,
        certificates: Vec<Certificate>,
        pool_payments: Vec<PoolPayment>,
        pools: Vec<PoolUsage>,
    ) -> ClearingResult {
        let country_of = |account: &Account| -> String {
            match account {
                Account::Party(p) => network.parties()[*p].country.clone(),
                Account::Agent(country) => country.clone(),
            }
        };
        let mut cash = Vec::new();
        let mut totals = Vec::new();
        let mut currencies = network.currencies().to_vec();
        for payment in &pool_payments {
            let currency = payment.charged.currency();
            if let Err(at) = currencies.binary_search(&currency) {
                currencies.insert(at, currency);
            }
        }
        for currency in currencies {
            let mut debt = 0_i128;
            let mut offset = 0_i128;
            let mut paid_cash = 0_i128;
            let mut pooled = 0_i128;
            let mut remaining = 0_i128;
            for (obligation, outcome) in network.obligations().iter().zip(&obligations) {
                if obligation.amount.currency() == currency {
                    debt += obligation.amount.amount_minor();
                    offset += outcome.offset.amount_minor();
                    paid_cash += outcome.cash.amount_minor();
                    pooled += outcome.pooled.amount_minor();
                    remaining += outcome.remaining.amount_minor();
                }
            }
            let charged: i128 = pool_payments
                .iter()
                .filter(|p| p.charged.currency() == currency)
                .map(|p| p.charged.amount_minor())
                .sum();
            let mut paid = vec![0_i128; network.parties().len()];
            let mut received = vec![0_i128; network.parties().len()];
            let mut cross = 0_i128;
            for payment in payments.iter().filter(|p| p.amount.currency() == currency) {
                let amount = payment.amount.amount_minor();
                if let Account::Party(p) = payment.from {
                    paid[p] += amount;
                }
                if let Account::Party(p) = payment.to {
                    received[p] += amount;
                }
                if country_of(&payment.from) != country_of(&payment.to) {
                    cross += amount;
                }
            }
            for party in 0..network.parties().len() {
                if paid[party] != 0 || received[party] != 0 {
                    cash.push(PartyCash {
                        party,
                        paid: Money::from_minor(paid[party], currency),
                        received: Money::from_minor(received[party], currency),
                    });
                }
            }
            let money = |minor| Money::from_minor(minor, currency);
            totals.push(Totals {
                currency,
                debt: money(debt),
                discharged: money(offset + paid_cash + pooled),
                offset: money(offset),
                pooled: money(pooled),
                remaining: money(remaining),
                cash_moved: money(paid_cash + pooled + charged),
                cash_cross_border: money(cross),
                saved_bp: basis_points(offset, debt),
            });
        }
        ClearingResult {
            method,
            obligations,
            payments,
            cash,
            totals,
            certificates,
            pool_payments,
            pools,
        }
    }

    /// The totals of one currency, if it occurs.
    pub fn totals_for(&self, currency: Currency) -> Option<&Totals> {
        self.totals.iter().find(|t| t.currency == currency)
    }
}

/// `part / whole` in basis points, rounded half to even; 0 when `whole` is 0.
///
/// Both are at most `MAX_CURRENCY_TOTAL`, so `part * 10_000` does not overflow.
pub(crate) fn basis_points(part: i128, whole: i128) -> i64 {
    if whole == 0 {
        return 0;
    }
    let scaled = part * 10_000;
    let quotient = scaled.div_euclid(whole);
    let remainder = scaled.rem_euclid(whole);
    let twice = remainder * 2;
    let rounded = if twice > whole || (twice == whole && quotient % 2 != 0) {
        quotient + 1
    } else {
        quotient
    };
    i64::try_from(rounded).unwrap_or(i64::MAX)
}
