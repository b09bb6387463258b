//! Pool-funded settlement: restricted funds paying eligible obligations.
//!
//! A restricted pool holds one country's money in the other country (for example energy
//! revenues owed to country A, held at a bank in country B in B's currency) and may only pay
//! certain obligations: those of debtors in A (or of named debtors) to creditors in B of
//! certain kinds, for certain goods. When it pays one, the creditor is paid at home, in B,
//! out of the pool; the debtor is charged at home, in A, in A's currency at the cycle's
//! rate, and the charge goes to the pool's owner (A's central bank, say). Nothing crosses the
//! border.
//!
//! [`pool_settlement`] runs after set-off (cycles discharge debt without any money, so
//! they come first) and pays what set-off left. Pools pay in id order; within a pool the
//! eligible obligations are paid by priority: earliest due date first; on the same day,
//! basic goods first; the rest by id. When the pool cannot pay a whole group of the same
//! priority (same due date, same basic-goods standing), it pays that group pro rata to what
//! is owed, in whole minor units: each gets the floor of its share, and the units left go
//! one each to the largest remainders (ties by id). An obligation a pool's rules do not
//! allow is never paid from it.

use std::cmp::Reverse;

use corridor_core::{Currency, Money, Rate, Rounding};

use crate::outcome::{Account, ClearingResult, Method, Payment, PoolPayment, PoolUsage};
use crate::setoff::SetOffError;
use crate::{Network, PartyKind};

/// A restricted pool and its rules, for one clearing cycle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pool {
    /// The party that holds the funds (of kind [`PartyKind::RestrictedPool`]).
    pub pool: String,
    /// The party the debtors' charges go to.
    pub owner: String,
    /// What the pool may pay this cycle; its currency is the only one it pays in.
    pub available: Money,
    /// The currency debtors are charged in.
    pub charge_currency: Currency,
    /// One unit of the pool's currency costs the debtor `rate` units of `charge_currency`;
    /// charges are rounded half to even to the charge currency's minor unit.
    pub rate: Rate,
    /// The debtors' countries (ISO 3166 alpha-3); empty: the owner's country.
    pub debtor_countries: Vec<String>,
    /// The creditors' countries; empty: none (the pool pays nothing).
    pub creditor_countries: Vec<String>,
    /// The creditors' kinds; empty: any.
    pub creditor_kinds: Vec<PartyKind>,
    /// The debtors it may pay for, by party id; empty: any debtor of `debtor_countries`.
    pub debtors: Vec<String>,
    /// HS chapters or headings it may pay for (a prefix of the obligation's HS code);
    /// empty: any obligation, with or without an HS code.
    pub goods: Vec<String>,
    /// HS chapters or headings of the basic goods, paid first among obligations due the
    /// same day.
    pub basic_goods: Vec<String>,
}

/// Why pools cannot be used as given.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// A pool names a party that is not in the network.
    #[error("pool {pool}: field {field}: unknown party {party:?}")]
    UnknownParty {
        /// The pool's position in the list given.
        pool: usize,
        /// The field: `pool`, `owner` or `debtors`.
        field: &'static str,
        /// The unknown id.
        party: String,
    },
    /// The pool's party is not a restricted pool.
    #[error("pool {pool}: field pool: party {party:?} is not of kind restricted-pool")]
    NotAPool {
        /// The pool's position in the list given.
        pool: usize,
        /// The party's id.
        party: String,
    },
    /// The same pool party is given twice.
    #[error("pool {pool}: field pool: pool {party:?} is given twice")]
    DuplicatePool {
        /// The second one's position in the list given.
        pool: usize,
        /// The party's id.
        party: String,
    },
    /// The available amount is negative.
    #[error("pool {pool}: field amount: {amount} is negative")]
    NegativeAmount {
        /// The pool's position in the list given.
        pool: usize,
        /// The amount.
        amount: Money,
    },
    /// A charge does not fit in the arithmetic.
    #[error("pool {pool}: field rate: a charge at this rate overflows")]
    Overflow {
        /// The pool's position in the list given.
        pool: usize,
    },
}

impl PoolError {
    /// The position of the pool the error is about, in the list given.
    pub fn pool(&self) -> usize {
        match self {
            PoolError::UnknownParty { pool, .. }
            | PoolError::NotAPool { pool, .. }
            | PoolError::DuplicatePool { pool, .. }
            | PoolError::NegativeAmount { pool, .. }
            | PoolError::Overflow { pool } => *pool,
        }
    }

    /// The field of the pool the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            PoolError::UnknownParty { field, .. } => field,
            PoolError::NotAPool { .. } | PoolError::DuplicatePool { .. } => "pool",
            PoolError::NegativeAmount { .. } => "amount",
            PoolError::Overflow { .. } => "rate",
        }
    }
}

/// A pool with its parties resolved.
struct Resolved<'a> {
    given: usize,
    rules: &'a Pool,
    party: usize,
    owner: usize,
    debtors: Vec<usize>,
}

/// Pays what `after` left owed (everything, when `None`) from the restricted pools, and
/// returns the combined result: `after`'s offsets, cash and payments, plus the pools'
/// payments to creditors and the debtors' charges to the pools' owners.
///
/// `after` must be a result on the same network (set-off, typically). The result's method
/// is [`Method::PoolFunded`]; its certificates are `after`'s.
pub fn pool_settlement(
    network: &Network,
    pools: &[Pool],
    after: Option<&ClearingResult>,
) -> Result<ClearingResult, PoolError> {
    let mut resolved = resolve(network, pools)?;
    resolved.sort_by(|a, b| a.rules.pool.cmp(&b.rules.pool));

    let mut outcomes = match after {
        Some(result) => result.obligations.clone(),
        None => network
            .obligations()
            .iter()
            .map(|o| {
                crate::ObligationOutcome::new(0, 0, o.amount.amount_minor(), o.amount.currency())
            })
            .collect(),
    };
    let mut payments = after.map(|r| r.payments.clone()).unwrap_or_default();
    let mut pool_payments = Vec::new();
    let mut usage = Vec::new();

    for pool in &resolved {
        let currency = pool.rules.available.currency();
        let mut eligible: Vec<usize> = (0..network.obligations().len())
            .filter(|&i| outcomes[i].remaining.amount_minor() > 0 && eligible_for(network, pool, i))
            .collect();
        // Earliest due first, basic goods first on the same day, then by id (index).
        eligible.sort_by_key(|&i| {
            (
                network.obligations()[i].due,
                Reverse(is_basic(network, pool.rules, i)),
                i,
            )
        });
        let mut left = pool.rules.available.amount_minor();
        let mut paid_here: Vec<(usize, i128)> = Vec::new();
        let mut start = 0;
        while start < eligible.len() && left > 0 {
            let key = |i: usize| {
                (
                    network.obligations()[i].due,
                    is_basic(network, pool.rules, i),
                )
            };
            let mut end = start + 1;
            while end < eligible.len() && key(eligible[end]) == key(eligible[start]) {
                end += 1;
            }
            let group = &eligible[start..end];
            let owed: Vec<i128> = group
                .iter()
                .map(|&i| outcomes[i].remaining.amount_minor())
                .collect();
            let total: i128 = owed.iter().sum();
            if total <= left {
                paid_here.extend(group.iter().copied().zip(owed.iter().copied()));
                left -= total;
            } else {
                let shares =
                    pro_rata(left, &owed).ok_or(PoolError::Overflow { pool: pool.given })?;
                paid_here.extend(
                    group
                        .iter()
                        .copied()
                        .zip(shares)
                        .filter(|&(_, share)| share > 0),
                );
                left = 0;
            }
            start = end;
        }
        paid_here.sort_unstable();
        let mut charged_total = 0_i128;
        for &(i, paid) in &paid_here {
            let outcome = &mut outcomes[i];
            outcome.pooled = Money::from_minor(outcome.pooled.amount_minor() + paid, currency);
            outcome.remaining =
                Money::from_minor(outcome.remaining.amount_minor() - paid, currency);
            let paid = Money::from_minor(paid, currency);
            let charged = paid
                .convert(
                    pool.rules.rate,
                    pool.rules.charge_currency,
                    Rounding::HalfEven,
                )
                .map_err(|_| PoolError::Overflow { pool: pool.given })?;
            charged_total = charged_total
                .checked_add(charged.amount_minor())
                .ok_or(PoolError::Overflow { pool: pool.given })?;
            payments.push(Payment {
                from: Account::Party(pool.party),
                to: Account::Party(network.creditor(i)),
                amount: paid,
            });
            if charged.amount_minor() > 0 {
                payments.push(Payment {
                    from: Account::Party(network.debtor(i)),
                    to: Account::Party(pool.owner),
                    amount: charged,
                });
            }
            pool_payments.push(PoolPayment {
                pool: pool.given,
                obligation: i,
                paid,
                charged,
            });
        }
        let unpaid_eligible: i128 = (0..network.obligations().len())
            .filter(|&i| outcomes[i].remaining.amount_minor() > 0 && eligible_for(network, pool, i))
            .map(|i| outcomes[i].remaining.amount_minor())
            .sum();
        usage.push(PoolUsage {
            pool: pool.given,
            available: pool.rules.available,
            paid: Money::from_minor(pool.rules.available.amount_minor() - left, currency),
            charged: Money::from_minor(charged_total, pool.rules.charge_currency),
            obligations: paid_here.len(),
            unpaid_eligible: Money::from_minor(unpaid_eligible, currency),
        });
    }
    payments.sort_by(|a, b| {
        (a.amount.currency(), &a.from, &a.to).cmp(&(b.amount.currency(), &b.from, &b.to))
    });
    usage.sort_by_key(|u| u.pool);
    Ok(ClearingResult::assemble_with_pools(
        network,
        Method::PoolFunded,
        outcomes,
        payments,
        after.map(|r| r.certificates.clone()).unwrap_or_default(),
        pool_payments,
        usage,
    ))
}

/// Completes a plan with cash: after `result` (typically set-off and pools), each party
/// pays what it still owes up to its liquidity, as [`set_off_with_liquidity`] would on the
/// obligations' remaining amounts. Returns `result` with the cash added; its certificates
/// are `result`'s followed by the cash step's (on the remaining amounts).
///
/// [`set_off_with_liquidity`]: crate::set_off_with_liquidity
pub fn then_liquidity(
    network: &Network,
    result: &ClearingResult,
    liquidity: &[(usize, Money)],
) -> Result<ClearingResult, SetOffError> {
    let keep: Vec<(usize, Money)> = result
        .obligations
        .iter()
        .enumerate()
        .filter(|(_, outcome)| outcome.remaining.amount_minor() > 0)
        .map(|(i, outcome)| (i, outcome.remaining))
        .collect();
    let positions: Vec<usize> = keep.iter().map(|&(i, _)| i).collect();
    // Same parties (same indices); the k-th obligation of the remainder is `positions[k]`.
    let remainder = network.remainder(&keep);
    let cash = crate::set_off_with_liquidity(&remainder, liquidity)?;
    let mut outcomes = result.obligations.clone();
    for (k, &i) in positions.iter().enumerate() {
        let step = cash.obligations[k];
        let outcome = &mut outcomes[i];
        let currency = outcome.remaining.currency();
        outcome.offset = Money::from_minor(
            outcome.offset.amount_minor() + step.offset.amount_minor(),
            currency,
        );
        outcome.cash = Money::from_minor(
            outcome.cash.amount_minor() + step.cash.amount_minor(),
            currency,
        );
        outcome.remaining = step.remaining;
    }
    let mut payments = result.payments.clone();
    payments.extend(cash.payments);
    payments.sort_by(|a, b| {
        (a.amount.currency(), &a.from, &a.to).cmp(&(b.amount.currency(), &b.from, &b.to))
    });
    let mut certificates = result.certificates.clone();
    certificates.extend(cash.certificates);
    Ok(ClearingResult::assemble_with_pools(
        network,
        result.method,
        outcomes,
        payments,
        certificates,
        result.pool_payments.clone(),
        result.pools.clone(),
    ))
}

/// Checks the pools' parties and amounts and resolves them to indices.
fn resolve<'a>(network: &Network, pools: &'a [Pool]) -> Result<Vec<Resolved<'a>>, PoolError> {
    let mut resolved = Vec::with_capacity(pools.len());
    for (given, rules) in pools.iter().enumerate() {
        let find = |field: &'static str, id: &str| {
            network
                .party_index(id)
                .ok_or_else(|| PoolError::UnknownParty {
                    pool: given,
                    field,
                    party: id.to_owned(),
                })
        };
        let party = find("pool", &rules.pool)?;
        if network.parties()[party].kind != PartyKind::RestrictedPool {
            return Err(PoolError::NotAPool {
                pool: given,
                party: rules.pool.clone(),
            });
        }
        if pools[..given].iter().any(|p| p.pool == rules.pool) {
            return Err(PoolError::DuplicatePool {
                pool: given,
                party: rules.pool.clone(),
            });
        }
        let owner = find("owner", &rules.owner)?;
        let debtors = rules
            .debtors
            .iter()
            .map(|id| find("debtors", id))
            .collect::<Result<Vec<_>, _>>()?;
        if rules.available.amount_minor() < 0 {
            return Err(PoolError::NegativeAmount {
                pool: given,
                amount: rules.available,
            });
        }
        resolved.push(Resolved {
            given,
            rules,
            party,
            owner,
            debtors,
        });
    }
    Ok(resolved)
}

/// Whether the pool's rules allow it to pay obligation `i`.
fn eligible_for(network: &Network, pool: &Resolved<'_>, i: usize) -> bool {
    let obligation = &network.obligations()[i];
    let rules = pool.rules;
    if obligation.amount.currency() != rules.available.currency() {
        return false;
    }
    let debtor = network.debtor(i);
    let creditor = &network.parties()[network.creditor(i)];
    let debtor_country = &network.parties()[debtor].country;
    let debtor_ok = if rules.debtor_countries.is_empty() {
        *debtor_country == network.parties()[pool.owner].country
    } else {
        rules.debtor_countries.contains(debtor_country)
    };
    if !debtor_ok || (!pool.debtors.is_empty() && !pool.debtors.contains(&debtor)) {
        return false;
    }
    if !rules.creditor_countries.contains(&creditor.country)
        || (!rules.creditor_kinds.is_empty() && !rules.creditor_kinds.contains(&creditor.kind))
    {
        return false;
    }
    if debtor == pool.party || network.creditor(i) == pool.party {
        return false;
    }
    if rules.goods.is_empty() {
        return true;
    }
    matches_goods(obligation.hs_code.as_deref(), &rules.goods)
}

fn is_basic(network: &Network, rules: &Pool, i: usize) -> bool {
    matches_goods(
        network.obligations()[i].hs_code.as_deref(),
        &rules.basic_goods,
    )
}

/// Whether an HS code falls under one of the chapters or headings.
fn matches_goods(code: Option<&str>, list: &[String]) -> bool {
    code.is_some_and(|code| list.iter().any(|prefix| code.starts_with(prefix.as_str())))
}

/// Splits `amount` (less than the sum of `owed`, all positive) pro rata to `owed`, in whole
/// units: floors first, then one unit each to the largest remainders, ties to the first.
/// `None` if `amount * owed` overflows (beyond 10^19 units on both sides).
fn pro_rata(amount: i128, owed: &[i128]) -> Option<Vec<i128>> {
    let total: i128 = owed.iter().sum();
    let mut shares = Vec::with_capacity(owed.len());
    let mut remainders = Vec::with_capacity(owed.len());
    for (k, &o) in owed.iter().enumerate() {
        let exact = amount.checked_mul(o)?;
        shares.push(exact / total);
        remainders.push((Reverse(exact % total), k));
    }
    let mut left = amount - shares.iter().sum::<i128>();
    remainders.sort_unstable();
    for &(_, k) in &remainders {
        if left == 0 {
            break;
        }
        shares[k] += 1;
        left -= 1;
    }
    Some(shares)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pro_rata_splits_exactly_with_largest_remainders() {
        assert_eq!(pro_rata(10, &[5, 5, 10]), Some(vec![3, 2, 5]));
        assert_eq!(pro_rata(1, &[1, 1, 1]), Some(vec![1, 0, 0]));
        assert_eq!(pro_rata(7, &[3, 6]), Some(vec![2, 5]));
        assert_eq!(pro_rata(i128::MAX / 2, &[i128::MAX / 2, 3]), None);
        let shares = pro_rata(999, &[333, 333, 334, 1]).unwrap();
        assert_eq!(shares.iter().sum::<i128>(), 999);
        assert!(shares.iter().zip([333, 333, 334, 1]).all(|(s, o)| *s <= o));
    }
}
