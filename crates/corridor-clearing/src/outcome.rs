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
    /// Still owed.
    pub remaining: Money,
}

impl ObligationOutcome {
    /// Everything discharged: `offset + cash`.
    pub fn discharged(&self) -> Money {
        Money::from_minor(
            self.offset.amount_minor() + self.cash.amount_minor(),
            self.offset.currency(),
        )
    }
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
    /// Still owed.
    pub remaining: Money,
    /// Cash paid by parties (payments between clearing agents are not counted twice).
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
        let country_of = |account: &Account| -> String {
            match account {
                Account::Party(p) => network.parties()[*p].country.clone(),
                Account::Agent(country) => country.clone(),
            }
        };
        let mut cash = Vec::new();
        let mut totals = Vec::new();
        for &currency in network.currencies() {
            let mut debt = 0_i128;
            let mut offset = 0_i128;
            let mut paid_cash = 0_i128;
            let mut remaining = 0_i128;
            for (obligation, outcome) in network.obligations().iter().zip(&obligations) {
                if obligation.amount.currency() == currency {
                    debt += obligation.amount.amount_minor();
                    offset += outcome.offset.amount_minor();
                    paid_cash += outcome.cash.amount_minor();
                    remaining += outcome.remaining.amount_minor();
                }
            }
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
                discharged: money(offset + paid_cash),
                offset: money(offset),
                remaining: money(remaining),
                cash_moved: money(paid_cash),
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
