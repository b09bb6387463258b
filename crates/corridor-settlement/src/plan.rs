//! A clearing result as a settlement plan for the ledger: which transfers carry it out,
//! and the plan's id.
//!
//! Every obligation's outcome becomes transfers in the obligation's own currency:
//!
//! | code | transfer | from | to |
//! | --- | --- | --- | --- |
//! | [`CODE_OFFSET`] | what was set off or netted | debtor | creditor |
//! | [`CODE_CASH`] | what was paid in cash | debtor | creditor |
//! | [`CODE_POOL_PAYMENT`] | what a restricted pool paid | the pool | creditor |
//! | [`CODE_POOL_CHARGE`] | what the debtor was charged for it, in the charge currency | debtor | the pool's owner |
//!
//! Set-off transfers add up to nothing for every party (a set-off is a circulation): they
//! record, obligation by obligation, what was discharged without money. The plan's id is a
//! digest of its transfers, so the same result always makes the same plan and posting it
//! again is a retry ([`crate::post`]).

use corridor_clearing::{ClearingResult, Network, ObligationOutcome, Pool, PoolPayment};
use corridor_core::Money;
use sha2::{Digest, Sha256};

use crate::post::{Holder, Plan, PlanTransfer};

/// Transfer code: discharged without money (set off or netted).
pub const CODE_OFFSET: u16 = 1;
/// Transfer code: paid in cash by the debtor.
pub const CODE_CASH: u16 = 2;
/// Transfer code: paid by a restricted pool to the creditor.
pub const CODE_POOL_PAYMENT: u16 = 3;
/// Transfer code: charged to the debtor for a pool's payment, paid to the pool's owner.
pub const CODE_POOL_CHARGE: u16 = 4;

/// The pool payments for obligation `i`: `result.pool_payments` holds each pool's
/// payments together, by obligation, so each pool's are searched by bisection.
pub fn pool_payments_of(result: &ClearingResult, i: usize) -> Vec<&PoolPayment> {
    let payments = &result.pool_payments;
    let mut found = Vec::new();
    let mut start = 0;
    while start < payments.len() {
        let pool = payments[start].pool;
        let end = start + payments[start..].partition_point(|p| p.pool == pool);
        let run = &payments[start..end];
        let at = run.partition_point(|p| p.obligation < i);
        found.extend(run[at..].iter().take_while(|p| p.obligation == i));
        start = end;
    }
    found
}

/// The plan that carries out `result` (a method's result on `network`, with `pools` as
/// given to [`corridor_clearing::pool_settlement`]). `own(i)` is obligation `i`'s outcome
/// in its own currency (its outcome in `result`, unless the cycle was cleared in one
/// currency at fixed rates). `method` names the method in the plan's digest.
pub fn settlement_plan(
    network: &Network,
    result: &ClearingResult,
    pools: &[Pool],
    own: &dyn Fn(usize) -> ObligationOutcome,
    method: &str,
) -> Plan {
    let mut transfers = Vec::new();
    for (i, o) in network.obligations().iter().enumerate() {
        let outcome = own(i);
        let position = u32::try_from(i).unwrap_or(u32::MAX);
        let mut push = |debit: &str, credit: &str, amount: Money, code: u16| {
            if amount.amount_minor() > 0 {
                transfers.push(PlanTransfer {
                    debit: Holder::Party(debit.to_owned()),
                    credit: Holder::Party(credit.to_owned()),
                    amount,
                    code,
                    obligation: Some((position, o.id.clone())),
                });
            }
        };
        push(&o.debtor, &o.creditor, outcome.offset, CODE_OFFSET);
        push(&o.debtor, &o.creditor, outcome.cash, CODE_CASH);
        for payment in pool_payments_of(result, i) {
            if let Some(pool) = pools.get(payment.pool) {
                push(&pool.pool, &o.creditor, payment.paid, CODE_POOL_PAYMENT);
                push(&o.debtor, &pool.owner, payment.charged, CODE_POOL_CHARGE);
            }
        }
    }
    Plan {
        id: plan_id(method, &transfers),
        transfers,
    }
}

/// A digest of the method and the transfers: the same plan always has the same id; never
/// 0 or `u128::MAX`.
pub fn plan_id(method: &str, transfers: &[PlanTransfer]) -> u128 {
    let mut digest = Sha256::new();
    digest.update(b"corridor/plan/v1\0");
    digest.update(method.as_bytes());
    digest.update(b"\0");
    for t in transfers {
        for holder in [&t.debit, &t.credit] {
            match holder {
                Holder::Party(id) => digest.update(format!("p{}:{id}\0", id.len())),
                Holder::Agent(country) => digest.update(format!("a:{country}\0")),
            }
        }
        let obligation = t.obligation.as_ref().map_or("", |(_, id)| id.as_str());
        digest.update(format!(
            "{}:{}:{}:{}:{obligation}\0",
            t.amount.amount_minor(),
            t.amount.currency().code(),
            t.code,
            obligation.len()
        ));
    }
    let bytes = digest.finalize();
    let mut id = [0_u8; 16];
    id.copy_from_slice(&bytes[..16]);
    u128::from_be_bytes(id).clamp(1, u128::MAX - 1)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use corridor_calendar::GregorianDate;
    use corridor_clearing::{
        pool_settlement, set_off, then_liquidity, Obligation, Party, PartyKind,
    };
    use corridor_core::{Currency, Rate};
    use corridor_store::{LedgerStore, MemoryStore};
    use proptest::prelude::*;

    use super::*;
    use crate::post::{account_id, post_plan, PostOutcome};

    fn party(id: &str, country: &str, kind: PartyKind) -> Party {
        Party {
            id: id.to_owned(),
            country: country.to_owned(),
            kind,
            name: None,
        }
    }

    /// A small corridor in IQD with a pool, random obligations between its traders.
    fn case() -> impl Strategy<Value = (Network, Vec<Pool>, Vec<(usize, Money)>)> {
        let obligation = (
            0_usize..6,
            0_usize..6,
            1_i128..10_000,
            1_u8..28,
            any::<bool>(),
        );
        (
            prop::collection::vec(obligation, 1..30),
            0_i128..40_000,
            prop::collection::vec((0_usize..6, 0_i128..5_000), 0..4),
        )
            .prop_map(|(list, available, cash)| {
                let iqd = Currency::from_code("IQD").expect("IQD");
                let traders = ["ir-1", "ir-2", "ir-3", "iq-1", "iq-2", "iq-3"];
                let mut parties: Vec<Party> = traders
                    .iter()
                    .map(|id| {
                        party(
                            id,
                            if id.starts_with("ir") { "IRN" } else { "IRQ" },
                            PartyKind::Trader,
                        )
                    })
                    .collect();
                parties.push(party("cbi", "IRN", PartyKind::CentralBank));
                parties.push(party("pool", "IRQ", PartyKind::RestrictedPool));
                let obligations: Vec<Obligation> = list
                    .into_iter()
                    .enumerate()
                    .filter(|(_, (d, c, ..))| d != c)
                    .map(|(k, (d, c, amount, day, basic))| Obligation {
                        id: format!("o{k:02}"),
                        debtor: traders[d].to_owned(),
                        creditor: traders[c].to_owned(),
                        amount: Money::from_minor(amount, iqd),
                        due: GregorianDate::new(2025, 3, day).expect("a date"),
                        hs_code: basic.then(|| "1001".to_owned()),
                        reference: None,
                    })
                    .collect();
                let network = Network::new(parties, obligations).expect("valid");
                let pool = Pool {
                    pool: "pool".to_owned(),
                    owner: "cbi".to_owned(),
                    available: Money::from_minor(available, iqd),
                    charge_currency: Currency::from_code("IRR").expect("IRR"),
                    rate: Rate::new(325, 10).expect("a rate"),
                    debtor_countries: Vec::new(),
                    creditor_countries: vec!["IRQ".to_owned()],
                    creditor_kinds: Vec::new(),
                    debtors: Vec::new(),
                    goods: vec!["10".to_owned()],
                    basic_goods: vec!["10".to_owned()],
                };
                let liquidity = cash
                    .into_iter()
                    .filter_map(|(p, amount)| {
                        Some((
                            network.party_index(traders[p])?,
                            Money::from_minor(amount, iqd),
                        ))
                    })
                    .collect();
                (network, vec![pool], liquidity)
            })
    }

    /// Each (party, currency)'s net position in the ledger: credits minus debits posted.
    fn ledger_nets(store: &mut MemoryStore, network: &Network) -> BTreeMap<(String, String), i128> {
        let mut nets = BTreeMap::new();
        let accounts = store.accounts().expect("accounts");
        for party in network.parties() {
            for code in ["IQD", "IRR"] {
                let currency = Currency::from_code(code).expect("a currency");
                let id = account_id(&Holder::Party(party.id.clone()), currency);
                if let Some(a) = accounts.iter().find(|a| a.id == id) {
                    let net = a.credits_posted as i128 - a.debits_posted as i128;
                    if net != 0 {
                        nets.insert((party.id.clone(), code.to_owned()), net);
                    }
                }
            }
        }
        nets
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn a_posted_plan_moves_what_the_result_says_and_posts_once((network, pools, liquidity) in case()) {
            let setoff = set_off(&network).expect("solves");
            let pooled = pool_settlement(&network, &pools, Some(&setoff)).expect("pools");
            let result = then_liquidity(&network, &pooled, &liquidity).expect("cash");
            let plan = settlement_plan(&network, &result, &pools, &|i| result.obligations[i], "pool");
            // Deterministic: the same result makes the same plan.
            let again = settlement_plan(&network, &result, &pools, &|i| result.obligations[i], "pool");
            prop_assert_eq!(&plan, &again);

            // What each party should have gained or lost, from the result alone.
            let mut expected: BTreeMap<(String, String), i128> = BTreeMap::new();
            let mut add = |party: &str, money: Money, sign: i128| {
                *expected.entry((party.to_owned(), money.currency().code().to_owned())).or_insert(0) +=
                    sign * money.amount_minor();
            };
            for (i, o) in network.obligations().iter().enumerate() {
                let outcome = result.obligations[i];
                let moved = Money::from_minor(outcome.offset.amount_minor() + outcome.cash.amount_minor(), outcome.offset.currency());
                add(&o.debtor, moved, -1);
                add(&o.creditor, moved, 1);
                add(&o.creditor, outcome.pooled, 1);
            }
            for payment in &result.pool_payments {
                let o = &network.obligations()[payment.obligation];
                add(&pools[payment.pool].pool, payment.paid, -1);
                add(&o.debtor, payment.charged, -1);
                add(&pools[payment.pool].owner, payment.charged, 1);
            }
            expected.retain(|_, net| *net != 0);

            let mut store = MemoryStore::in_memory();
            let mut clock = 1_u64;
            let mut now = || { clock += 1; clock };
            let outcome = post_plan(&mut store, &plan, &mut now).expect("posts");
            let posted_transfers = matches!(outcome, PostOutcome::Posted { transfers, .. } if transfers == plan.transfers.len());
            prop_assert!(posted_transfers);
            store.check_invariants().expect("the ledger's invariants hold");
            prop_assert_eq!(ledger_nets(&mut store, &network), expected.clone());
            if plan.transfers.is_empty() {
                // Nothing discharged: posting again posts nothing again.
                return Ok(());
            }
            let again = post_plan(&mut store, &plan, &mut now).expect("reposts");
            prop_assert!(matches!(again, PostOutcome::AlreadyPosted { .. }), "posting twice changed something");
            prop_assert_eq!(ledger_nets(&mut store, &network), expected);
        }
    }
}
