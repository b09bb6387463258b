//! Set-off with liquidity: hand-checked cases and properties on random small networks.

mod common;

use common::{network, owes, party, reference_optimum_with_liquidity, usd};
use corridor_clearing::{
    set_off, set_off_with_liquidity, verify_liquidity_certificate, Account, ClearingResult, Method,
    Network, Obligation, Party, PartyCash, Payment, SetOffError,
};
use corridor_core::{Currency, Money};
use proptest::prelude::*;

fn dollars(minor: i128) -> Money {
    Money::from_minor(minor, Currency::USD)
}

/// (offset, cash, remaining) per obligation, in index order.
fn outcomes(result: &ClearingResult) -> Vec<(i128, i128, i128)> {
    result
        .obligations
        .iter()
        .map(|o| {
            (
                o.offset.amount_minor(),
                o.cash.amount_minor(),
                o.remaining.amount_minor(),
            )
        })
        .collect()
}

/// A chain a → b → c with no cycle: set-off discharges nothing. With 100 of liquidity at
/// a, the model discharges 100 of both debts: a pays 100 in cash, directly to c (the
/// party left a net receiver); a's debt to b is discharged by that cash (`cash` 100), and
/// b's debt to c, which b settles without paying anything (its claim on a and its debt to
/// c cancel), is `offset` 100. b neither pays nor receives.
#[test]
fn a_chain_is_discharged_by_the_first_debtors_cash() {
    let net = network(
        &[("a", "IRN"), ("b", "IRN"), ("c", "IRQ")],
        vec![usd("o1", "a", "b", 100), usd("o2", "b", "c", 100)],
    );
    let plain = set_off(&net).expect("solves");
    let plain_totals = plain.totals_for(Currency::USD).expect("USD");
    assert_eq!(plain_totals.discharged.amount_minor(), 0);

    let a = net.party_index("a").expect("a");
    let c = net.party_index("c").expect("c");
    let liquidity = [(a, dollars(100))];
    let result = set_off_with_liquidity(&net, &liquidity).expect("solves");
    assert_eq!(result.method, Method::SetOffWithLiquidity);
    assert_eq!(outcomes(&result), vec![(0, 100, 0), (100, 0, 0)]);
    assert_eq!(
        result.payments,
        vec![Payment {
            from: Account::Party(a),
            to: Account::Party(c),
            amount: dollars(100),
        }]
    );
    assert_eq!(
        result.cash,
        vec![
            PartyCash {
                party: a,
                paid: dollars(100),
                received: dollars(0),
            },
            PartyCash {
                party: c,
                paid: dollars(0),
                received: dollars(100),
            },
        ]
    );
    let totals = result.totals_for(Currency::USD).expect("USD");
    assert_eq!(totals.debt, dollars(200));
    assert_eq!(totals.discharged, dollars(200));
    assert_eq!(totals.offset, dollars(100));
    assert_eq!(totals.cash_moved, dollars(100));
    assert_eq!(totals.cash_cross_border, dollars(100));
    assert_eq!(totals.remaining, dollars(0));
    assert_eq!(totals.saved_bp, 5000);
    assert_eq!(result.certificates.len(), 1);
    assert_eq!(
        verify_liquidity_certificate(&net, &liquidity, &result, &result.certificates[0]),
        Ok(())
    );
    // Liquidity at b or c discharges nothing more than b's or c's own debts allow: c owes
    // nothing, so its liquidity is useless; b's 100 discharges its debt to c only.
    let at_c = set_off_with_liquidity(&net, &[(c, dollars(100))]).expect("solves");
    assert_eq!(outcomes(&at_c), vec![(0, 0, 100), (0, 0, 100)]);
    assert!(at_c.payments.is_empty());
    let b = net.party_index("b").expect("b");
    let at_b = set_off_with_liquidity(&net, &[(b, dollars(100))]).expect("solves");
    assert_eq!(outcomes(&at_b), vec![(0, 0, 100), (0, 100, 0)]);
}

/// Less liquidity than the chain: a's 40 discharges 40 of each link; the rest remains.
#[test]
fn a_short_payer_discharges_what_it_can_pay_along_the_chain() {
    let net = network(
        &[("a", "IRN"), ("b", "IRN"), ("c", "IRN")],
        vec![usd("o1", "a", "b", 100), usd("o2", "b", "c", 70)],
    );
    let a = net.party_index("a").expect("a");
    let c = net.party_index("c").expect("c");
    let result = set_off_with_liquidity(&net, &[(a, dollars(40))]).expect("solves");
    assert_eq!(outcomes(&result), vec![(0, 40, 60), (40, 0, 30)]);
    assert_eq!(
        result.payments,
        vec![Payment {
            from: Account::Party(a),
            to: Account::Party(c),
            amount: dollars(40),
        }]
    );
    let totals = result.totals_for(Currency::USD).expect("USD");
    assert_eq!(totals.discharged, dollars(80));
    assert_eq!(totals.cash_cross_border, dollars(0));
}

/// A cycle a → b → c → a of 50 each with a tail d → a of 30: set-off discharges the
/// cycle (150). With d's 30, d's debt is discharged in cash too; a is the receiver.
#[test]
fn liquidity_adds_to_the_cycles() {
    let net = network(
        &[("a", "IRN"), ("b", "IRN"), ("c", "IRN"), ("d", "IRQ")],
        vec![
            usd("o1", "a", "b", 50),
            usd("o2", "b", "c", 50),
            usd("o3", "c", "a", 50),
            usd("o4", "d", "a", 30),
        ],
    );
    let a = net.party_index("a").expect("a");
    let d = net.party_index("d").expect("d");
    // Entries add up; an entry in another currency gives nothing in USD.
    let liquidity = [
        (d, dollars(20)),
        (d, dollars(10)),
        (a, Money::from_minor(1_000, Currency::IQD)),
    ];
    let result = set_off_with_liquidity(&net, &liquidity).expect("solves");
    assert_eq!(
        outcomes(&result),
        vec![(50, 0, 0), (50, 0, 0), (50, 0, 0), (0, 30, 0)]
    );
    assert_eq!(
        result.payments,
        vec![Payment {
            from: Account::Party(d),
            to: Account::Party(a),
            amount: dollars(30),
        }]
    );
    let totals = result.totals_for(Currency::USD).expect("USD");
    assert_eq!(totals.discharged, dollars(180));
    assert_eq!(totals.cash_cross_border, dollars(30));
}

/// Payers and receivers are matched within each country first: of two payers (one in
/// each country) and two receivers (one in each country), nothing crosses the border.
#[test]
fn payments_stay_in_the_country_when_they_can() {
    // x1 (IRN) → m (IRQ) → r1 (IRN) and x2 (IRQ) → m → r2 (IRQ): m is a pure
    // intermediary, the payers are x1 and x2, the receivers r1 and r2.
    let net = network(
        &[
            ("m", "IRQ"),
            ("r1", "IRN"),
            ("r2", "IRQ"),
            ("x1", "IRN"),
            ("x2", "IRQ"),
        ],
        vec![
            usd("o1", "x2", "m", 10),
            usd("o2", "x1", "m", 10),
            usd("o3", "m", "r2", 10),
            usd("o4", "m", "r1", 10),
        ],
    );
    let index = |id: &str| net.party_index(id).expect("party");
    let liquidity = [(index("x1"), dollars(10)), (index("x2"), dollars(10))];
    let result = set_off_with_liquidity(&net, &liquidity).expect("solves");
    let totals = result.totals_for(Currency::USD).expect("USD");
    assert_eq!(totals.discharged, dollars(40));
    assert_eq!(totals.cash_moved, dollars(20));
    assert_eq!(totals.cash_cross_border, dollars(0));
    assert_eq!(
        result.payments,
        vec![
            Payment {
                from: Account::Party(index("x1")),
                to: Account::Party(index("r1")),
                amount: dollars(10),
            },
            Payment {
                from: Account::Party(index("x2")),
                to: Account::Party(index("r2")),
                amount: dollars(10),
            },
        ]
    );
}

#[test]
fn bad_liquidity_is_rejected() {
    let net = network(
        &[("a", "IRN"), ("b", "IRN")],
        vec![usd("o1", "a", "b", 100)],
    );
    assert_eq!(
        set_off_with_liquidity(&net, &[(2, dollars(1))]),
        Err(SetOffError::UnknownParty { party: 2 })
    );
    assert_eq!(
        set_off_with_liquidity(&net, &[(0, dollars(-1))]),
        Err(SetOffError::NegativeLiquidity {
            party: "a".to_owned(),
            amount: dollars(-1),
        })
    );
}

/// The certificate rejects a result that pays more than the liquidity, and one that
/// discharges less than it could.
#[test]
fn the_certificate_rejects_bad_results() {
    let net = network(
        &[("a", "IRN"), ("b", "IRN"), ("c", "IRN")],
        vec![usd("o1", "a", "b", 100), usd("o2", "b", "c", 100)],
    );
    let a = net.party_index("a").expect("a");
    let result = set_off_with_liquidity(&net, &[(a, dollars(100))]).expect("solves");
    let certificate = &result.certificates[0];
    // The same result checked against less liquidity: a pays too much.
    assert!(verify_liquidity_certificate(&net, &[(a, dollars(99))], &result, certificate).is_err());
    // Nothing discharged, nothing paid: valid but not optimal.
    let mut nothing = result.clone();
    for o in &mut nothing.obligations {
        o.remaining = Money::from_minor(100, Currency::USD);
        o.offset = dollars(0);
        o.cash = dollars(0);
    }
    nothing.payments.clear();
    assert!(
        verify_liquidity_certificate(&net, &[(a, dollars(100))], &nothing, certificate).is_err()
    );
}

const COUNTRIES: [&str; 2] = ["IRN", "IRQ"];

/// Liquidity entries as generated: (party, minor units, IQD?).
type RawLiquidity = Vec<(usize, i128, bool)>;

/// Parties, obligations in USD or IQD, and liquidity entries.
fn inputs() -> impl Strategy<Value = (Vec<Party>, Vec<Obligation>, RawLiquidity)> {
    (2_usize..=7).prop_flat_map(|n| {
        let countries = proptest::collection::vec(0_usize..2, n);
        let obligations = proptest::collection::vec(
            (0..n, 1..n, 1_i128..=30, proptest::bool::weighted(0.2)),
            0..=14,
        );
        let liquidity =
            proptest::collection::vec((0..n, 0_i128..=40, proptest::bool::weighted(0.2)), 0..=5);
        (countries, obligations, liquidity).prop_map(move |(countries, raw, liquidity)| {
            let parties = countries
                .iter()
                .enumerate()
                .map(|(i, &c)| party(&format!("p{i}"), COUNTRIES[c]))
                .collect();
            let obligations = raw
                .iter()
                .enumerate()
                .map(|(k, &(d, shift, amount, iqd))| {
                    let currency = if iqd { Currency::IQD } else { Currency::USD };
                    let c = (d + shift) % n;
                    owes(
                        &format!("o{k:02}"),
                        &format!("p{d}"),
                        &format!("p{c}"),
                        amount,
                        currency,
                    )
                })
                .collect();
            (parties, obligations, liquidity)
        })
    })
}

fn to_money(liquidity: &[(usize, i128, bool)]) -> Vec<(usize, Money)> {
    liquidity
        .iter()
        .map(|&(p, minor, iqd)| {
            let currency = if iqd { Currency::IQD } else { Currency::USD };
            (p, Money::from_minor(minor, currency))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Bounded, at least plain set-off, exactly the reference optimum, no party paying more
    /// than its liquidity, every party settled (its payments make up the difference between
    /// its discharged debts and claims), the cash attributed to the payer's obligations,
    /// the certificates valid, and the same result twice.
    #[test]
    fn set_off_with_liquidity_is_valid_and_optimal((parties, obligations, raw) in inputs()) {
        let network = Network::new(parties, obligations).expect("valid");
        let liquidity = to_money(&raw);
        let result = set_off_with_liquidity(&network, &liquidity).expect("solves");
        let plain = set_off(&network).expect("solves");
        let n = network.parties().len();
        for &currency in network.currencies() {
            let mut given = vec![0_i128; n];
            for &(p, m) in &liquidity {
                if m.currency() == currency {
                    given[p] += m.amount_minor();
                }
            }
            let totals = result.totals_for(currency).expect("totals");
            let plain_totals = plain.totals_for(currency).expect("totals");
            prop_assert!(totals.discharged.amount_minor() >= plain_totals.discharged.amount_minor());
            prop_assert_eq!(
                totals.discharged.amount_minor(),
                reference_optimum_with_liquidity(&network, currency, &given)
            );
            let mut net_out = vec![0_i128; n];
            let mut attributed = vec![0_i128; n];
            for (i, (o, outcome)) in network.obligations().iter().zip(&result.obligations).enumerate() {
                if o.amount.currency() != currency {
                    continue;
                }
                let (offset, cash) = (outcome.offset.amount_minor(), outcome.cash.amount_minor());
                prop_assert!(offset >= 0 && cash >= 0);
                prop_assert_eq!(offset + cash + outcome.remaining.amount_minor(), o.amount.amount_minor());
                prop_assert!(outcome.remaining.amount_minor() >= 0);
                net_out[network.debtor(i)] += offset + cash;
                net_out[network.creditor(i)] -= offset + cash;
                attributed[network.debtor(i)] += cash;
            }
            let mut paid = vec![0_i128; n];
            let mut received = vec![0_i128; n];
            let mut moved = 0;
            for payment in result.payments.iter().filter(|x| x.amount.currency() == currency) {
                let (Account::Party(from), Account::Party(to)) = (&payment.from, &payment.to) else {
                    panic!("a payment between parties");
                };
                prop_assert!(payment.amount.amount_minor() > 0);
                paid[*from] += payment.amount.amount_minor();
                received[*to] += payment.amount.amount_minor();
                moved += payment.amount.amount_minor();
            }
            for p in 0..n {
                prop_assert!(paid[p] <= given[p], "party {} pays {} of {}", p, paid[p], given[p]);
                prop_assert_eq!(paid[p] - received[p], net_out[p]);
                prop_assert_eq!(attributed[p], paid[p]);
                prop_assert!(paid[p] == 0 || received[p] == 0);
            }
            prop_assert_eq!(totals.cash_moved.amount_minor(), moved);
        }
        prop_assert_eq!(result.certificates.len(), network.currencies().len());
        for certificate in &result.certificates {
            prop_assert_eq!(verify_liquidity_certificate(&network, &liquidity, &result, certificate), Ok(()));
        }
        prop_assert_eq!(set_off_with_liquidity(&network, &liquidity).expect("solves"), result);
    }

    /// With no liquidity (none given, or all zero) the result is plain set-off's.
    #[test]
    fn without_liquidity_it_is_plain_set_off((parties, obligations, raw) in inputs()) {
        let network = Network::new(parties, obligations).expect("valid");
        let mut expected = set_off(&network).expect("solves");
        expected.method = Method::SetOffWithLiquidity;
        let zeros: Vec<(usize, Money)> = to_money(&raw)
            .into_iter()
            .map(|(p, m)| (p, Money::zero(m.currency())))
            .collect();
        prop_assert_eq!(set_off_with_liquidity(&network, &[]).expect("solves"), expected.clone());
        prop_assert_eq!(set_off_with_liquidity(&network, &zeros).expect("solves"), expected);
    }

    /// The certificate of the optimum rejects the empty discharge unless the optimum is 0.
    #[test]
    fn the_certificate_rejects_discharging_nothing((parties, obligations, raw) in inputs()) {
        let network = Network::new(parties, obligations).expect("valid");
        let liquidity = to_money(&raw);
        let result = set_off_with_liquidity(&network, &liquidity).expect("solves");
        let mut nothing = result.clone();
        for o in &mut nothing.obligations {
            o.remaining = Money::from_minor(o.remaining.amount_minor() + o.discharged().amount_minor(), o.remaining.currency());
            o.offset = Money::zero(o.offset.currency());
            o.cash = Money::zero(o.cash.currency());
        }
        nothing.payments.clear();
        for certificate in &result.certificates {
            let optimum = result.totals_for(certificate.currency).expect("totals").discharged.amount_minor();
            let verdict = verify_liquidity_certificate(&network, &liquidity, &nothing, certificate);
            prop_assert_eq!(verdict.is_ok(), optimum == 0);
        }
    }
}
