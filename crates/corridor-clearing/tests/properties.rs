//! Property tests on random small networks.

mod common;

use std::collections::BTreeMap;

use common::{owes, party, reference_optimum};
use corridor_clearing::{
    bilateral_netting, explain, explain_set_off, multilateral_netting, set_off, verify_certificate,
    Account, ClearingResult, Explainer, Network, Obligation, Party,
};
use corridor_core::Currency;
use proptest::prelude::*;

const COUNTRIES: [&str; 2] = ["IRN", "IRQ"];

/// Parties `p0..pn` split between two countries, and obligations between them in USD or
/// IQD, each as (debtor, creditor, amount, IQD?).
fn inputs() -> impl Strategy<Value = (Vec<Party>, Vec<Obligation>)> {
    (2_usize..=7).prop_flat_map(|n| {
        let countries = proptest::collection::vec(0_usize..2, n);
        let obligations = proptest::collection::vec(
            (
                0..n,
                1..n,
                1_i128..=30,
                proptest::bool::weighted(0.2),
                1_u8..=28,
            ),
            0..=14,
        );
        (countries, obligations).prop_map(move |(countries, raw)| {
            let parties: Vec<Party> = countries
                .iter()
                .enumerate()
                .map(|(i, &c)| party(&format!("p{i}"), COUNTRIES[c]))
                .collect();
            let obligations = raw
                .iter()
                .enumerate()
                .map(|(k, &(d, shift, amount, iqd, day))| {
                    let c = (d + shift) % n; // never d
                    let currency = if iqd { Currency::IQD } else { Currency::USD };
                    let mut o = owes(
                        &format!("o{k:02}"),
                        &format!("p{d}"),
                        &format!("p{c}"),
                        amount,
                        currency,
                    );
                    o.due = common::date(day);
                    o
                })
                .collect();
            (parties, obligations)
        })
    })
}

fn build(parties: &[Party], obligations: &[Obligation]) -> Network {
    Network::new(parties.to_vec(), obligations.to_vec()).expect("generated inputs are valid")
}

/// Net positions computed here, from the inputs: (party id, currency) -> owed to minus owes.
fn net_positions(obligations: &[Obligation]) -> BTreeMap<(String, Currency), i128> {
    let mut net = BTreeMap::new();
    for o in obligations {
        *net.entry((o.creditor.clone(), o.amount.currency()))
            .or_insert(0) += o.amount.amount_minor();
        *net.entry((o.debtor.clone(), o.amount.currency()))
            .or_insert(0) -= o.amount.amount_minor();
    }
    net
}

/// Cash received minus paid per (party id, currency), from a result's payments.
fn cash_balance(network: &Network, result: &ClearingResult) -> BTreeMap<(String, Currency), i128> {
    let mut balance = BTreeMap::new();
    for p in &result.payments {
        let currency = p.amount.currency();
        if let Account::Party(i) = p.from {
            *balance
                .entry((network.parties()[i].id.clone(), currency))
                .or_insert(0) -= p.amount.amount_minor();
        }
        if let Account::Party(i) = p.to {
            *balance
                .entry((network.parties()[i].id.clone(), currency))
                .or_insert(0) += p.amount.amount_minor();
        }
    }
    balance
}

fn nonzero(map: BTreeMap<(String, Currency), i128>) -> BTreeMap<(String, Currency), i128> {
    map.into_iter().filter(|(_, v)| *v != 0).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn set_off_is_bounded_conserves_net_positions_and_is_optimal((parties, obligations) in inputs()) {
        let network = build(&parties, &obligations);
        let result = set_off(&network).expect("solves");
        let mut discharged_net = BTreeMap::new();
        for (o, outcome) in network.obligations().iter().zip(&result.obligations) {
            let f = outcome.offset.amount_minor();
            prop_assert!(f >= 0 && f <= o.amount.amount_minor(), "{} discharged {}", o.id, f);
            prop_assert_eq!(outcome.cash.amount_minor(), 0);
            prop_assert_eq!(f + outcome.remaining.amount_minor(), o.amount.amount_minor());
            prop_assert_eq!(outcome.offset.currency(), o.amount.currency());
            *discharged_net.entry((o.creditor.clone(), o.amount.currency())).or_insert(0) += f;
            *discharged_net.entry((o.debtor.clone(), o.amount.currency())).or_insert(0) -= f;
        }
        // Remaining net positions equal the original ones: what was discharged nets to zero.
        prop_assert!(discharged_net.values().all(|&v| v == 0), "{:?}", discharged_net);
        prop_assert!(result.payments.is_empty());
        for &currency in network.currencies() {
            let totals = result.totals_for(currency).expect("totals");
            prop_assert_eq!(totals.discharged.amount_minor(), reference_optimum(&network, currency));
        }
        prop_assert_eq!(result.certificates.len(), network.currencies().len());
        for certificate in &result.certificates {
            prop_assert_eq!(verify_certificate(&network, &result, certificate), Ok(()));
        }
    }

    #[test]
    fn the_optimum_certificate_rejects_any_smaller_set_off((parties, obligations) in inputs()) {
        let network = build(&parties, &obligations);
        let result = set_off(&network).expect("solves");
        let mut empty = result.clone();
        for o in &mut empty.obligations {
            o.remaining = corridor_core::Money::from_minor(o.remaining.amount_minor() + o.offset.amount_minor(), o.offset.currency());
            o.offset = corridor_core::Money::zero(o.offset.currency());
        }
        for certificate in &result.certificates {
            let optimum = reference_optimum(&network, certificate.currency);
            let verdict = verify_certificate(&network, &empty, certificate);
            prop_assert_eq!(verdict.is_ok(), optimum == 0);
        }
    }

    #[test]
    fn the_explanation_adds_up_to_the_set_off((parties, obligations) in inputs()) {
        let network = build(&parties, &obligations);
        let result = set_off(&network).expect("solves");
        let cycles = explain_set_off(&network, &result);
        let mut explained = vec![0_i128; network.obligations().len()];
        for cycle in &cycles {
            prop_assert!(cycle.amount.amount_minor() > 0);
            prop_assert!(!cycle.obligations.is_empty());
            let len = cycle.obligations.len();
            for k in 0..len {
                let (this, next) = (cycle.obligations[k], cycle.obligations[(k + 1) % len]);
                prop_assert_eq!(network.creditor(this), network.debtor(next));
                prop_assert_eq!(network.obligations()[this].amount.currency(), cycle.amount.currency());
                explained[this] += cycle.amount.amount_minor();
            }
            let min = cycle.obligations.iter().min().copied();
            prop_assert_eq!(cycle.obligations.first().copied(), min);
        }
        let offsets: Vec<i128> = result.obligations.iter().map(|o| o.offset.amount_minor()).collect();
        prop_assert_eq!(explained, offsets);
        // The flat explanation holds the same cycles, and its index by obligation finds
        // exactly the cycles that contain each obligation.
        let flat = explain(&network, &result);
        prop_assert_eq!(flat.len(), cycles.len());
        prop_assert_eq!(flat.total_length(), cycles.iter().map(|c| c.obligations.len()).sum::<usize>());
        let owned: Vec<_> = flat.iter().map(|c| c.to_cycle()).collect();
        prop_assert_eq!(&owned, &cycles);
        let (starts, by_obligation) = flat.cycles_by_obligation(network.obligations().len());
        for i in 0..network.obligations().len() {
            let expected: Vec<u32> = cycles.iter().enumerate()
                .filter(|(_, c)| c.obligations.contains(&i))
                .map(|(k, _)| k as u32)
                .collect();
            prop_assert_eq!(&by_obligation[starts[i]..starts[i + 1]], expected.as_slice());
        }
    }

    #[test]
    fn each_obligation_is_explained_on_demand_by_its_own_cycles((parties, obligations) in inputs()) {
        let network = build(&parties, &obligations);
        let result = set_off(&network).expect("solves");
        let explainer = Explainer::new(&network, &result);
        for i in 0..network.obligations().len() {
            let cycles = explainer.obligation(i);
            let mut used = vec![0_i128; network.obligations().len()];
            for cycle in &cycles {
                prop_assert!(cycle.amount.amount_minor() > 0);
                prop_assert_eq!(cycle.obligations.first().copied(), Some(i));
                let len = cycle.obligations.len();
                prop_assert!(len >= 2);
                for k in 0..len {
                    let (this, next) = (cycle.obligations[k], cycle.obligations[(k + 1) % len]);
                    prop_assert_eq!(network.creditor(this), network.debtor(next));
                    prop_assert_eq!(network.obligations()[this].amount.currency(), cycle.amount.currency());
                    used[this] += cycle.amount.amount_minor();
                }
            }
            // Its cycles add up to its offset, and use no obligation beyond its own offset.
            prop_assert_eq!(used[i], result.obligations[i].offset.amount_minor());
            for (e, &u) in used.iter().enumerate() {
                prop_assert!(u <= result.obligations[e].offset.amount_minor());
            }
            // A shortest cycle: no cycle through i of fewer obligations has anything left
            // when the first one is chosen (checked for the simplest case: a two-cycle).
            if let Some(first) = cycles.first() {
                if first.obligations.len() > 2 {
                    let two = (0..network.obligations().len()).any(|e| {
                        e != i
                            && network.debtor(e) == network.creditor(i)
                            && network.creditor(e) == network.debtor(i)
                            && result.obligations[e].offset.amount_minor() > 0
                            && network.obligations()[e].amount.currency() == first.amount.currency()
                    });
                    prop_assert!(!two, "a two-obligation cycle was passed over");
                }
            }
        }
    }

    #[test]
    fn results_do_not_depend_on_input_order((parties, obligations) in inputs(), seed in any::<u64>()) {
        let network = build(&parties, &obligations);
        let mut shuffled_parties = parties.clone();
        let mut shuffled_obligations = obligations.clone();
        shuffle(&mut shuffled_parties, seed);
        shuffle(&mut shuffled_obligations, seed.rotate_left(17));
        let other = build(&shuffled_parties, &shuffled_obligations);
        prop_assert_eq!(set_off(&network).expect("solves"), set_off(&other).expect("solves"));
        prop_assert_eq!(bilateral_netting(&network), bilateral_netting(&other));
        prop_assert_eq!(multilateral_netting(&network), multilateral_netting(&other));
        let first = set_off(&network).expect("solves");
        prop_assert_eq!(explain_set_off(&network, &first), explain_set_off(&other, &first));
    }

    #[test]
    fn netting_settles_everything_and_conserves_net_positions((parties, obligations) in inputs()) {
        let network = build(&parties, &obligations);
        let expected = nonzero(net_positions(&obligations));
        for result in [bilateral_netting(&network), multilateral_netting(&network)] {
            for (o, outcome) in network.obligations().iter().zip(&result.obligations) {
                prop_assert!(outcome.offset.amount_minor() >= 0 && outcome.cash.amount_minor() >= 0);
                prop_assert_eq!(outcome.discharged(), o.amount);
                prop_assert_eq!(outcome.remaining.amount_minor(), 0);
            }
            // Every party ends up with exactly its net position in cash.
            prop_assert_eq!(nonzero(cash_balance(&network, &result)), expected.clone(), "{:?}", result.method);
            for totals in &result.totals {
                let paid: i128 = result.obligations.iter().map(|o| o.cash).filter(|c| c.currency() == totals.currency).map(|c| c.amount_minor()).sum();
                prop_assert_eq!(totals.cash_moved.amount_minor(), paid);
                prop_assert!(totals.cash_cross_border.amount_minor() >= 0);
            }
        }
        // Multilateral netting never moves more cash, nor more across the border, than
        // bilateral netting; and across the border exactly what one country is short.
        let (bilateral, multilateral) = (bilateral_netting(&network), multilateral_netting(&network));
        for (b, m) in bilateral.totals.iter().zip(&multilateral.totals) {
            prop_assert!(m.cash_moved.amount_minor() <= b.cash_moved.amount_minor());
            prop_assert!(m.cash_cross_border.amount_minor() <= b.cash_cross_border.amount_minor());
            let irn: i128 = expected.iter()
                .filter(|((id, c), _)| *c == m.currency && network.party_index(id).map(|i| network.parties()[i].country.as_str()) == Some("IRN"))
                .map(|(_, v)| *v)
                .sum();
            prop_assert_eq!(m.cash_cross_border.amount_minor(), irn.abs());
        }
    }
}

fn shuffle<T>(items: &mut [T], mut seed: u64) {
    for i in (1..items.len()).rev() {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let j = (seed >> 33) as usize % (i + 1);
        items.swap(i, j);
    }
}
