//! Pool-funded settlement: eligibility, priorities, pro rata, charges, and properties.
#![allow(clippy::unwrap_used)]

mod common;

use common::{date, owes};
use corridor_clearing::{
    pool_settlement, set_off, Account, Method, Network, Obligation, Party, PartyKind, Pool,
    PoolError,
};
use corridor_core::{Currency, Money, Rate};
use proptest::prelude::*;

fn iqd() -> Currency {
    Currency::from_code("IQD").unwrap()
}

fn irr() -> Currency {
    Currency::from_code("IRR").unwrap()
}

fn party(id: &str, country: &str, kind: PartyKind) -> Party {
    Party {
        id: id.to_owned(),
        country: country.to_owned(),
        kind,
        name: None,
    }
}

/// Iran's central bank owns a pool of dinars at an Iraqi bank; Iranian importers owe Iraqi
/// exporters in dinars.
fn corridor_parties() -> Vec<Party> {
    vec![
        party("cbi", "IRN", PartyKind::CentralBank),
        party("pool", "IRQ", PartyKind::RestrictedPool),
        party("ir-imp-1", "IRN", PartyKind::Trader),
        party("ir-imp-2", "IRN", PartyKind::Trader),
        party("iq-exp-1", "IRQ", PartyKind::Trader),
        party("iq-exp-2", "IRQ", PartyKind::Trader),
        party("iq-bank", "IRQ", PartyKind::Bank),
        party("tr-exp", "TUR", PartyKind::Trader),
    ]
}

fn invoice(
    id: &str,
    debtor: &str,
    creditor: &str,
    minor: i128,
    day: u8,
    hs: Option<&str>,
) -> Obligation {
    Obligation {
        due: date(day),
        hs_code: hs.map(str::to_owned),
        ..owes(id, debtor, creditor, minor, iqd())
    }
}

fn rules(available: i128) -> Pool {
    Pool {
        pool: "pool".to_owned(),
        owner: "cbi".to_owned(),
        available: Money::from_minor(available, iqd()),
        charge_currency: irr(),
        // 1 IQD = 32.5 IRR.
        rate: Rate::new(325, 10).unwrap(),
        debtor_countries: Vec::new(),
        creditor_countries: vec!["IRQ".to_owned()],
        creditor_kinds: vec![PartyKind::Trader],
        debtors: Vec::new(),
        goods: vec!["10".to_owned(), "30".to_owned(), "0702".to_owned()],
        basic_goods: vec!["10".to_owned(), "30".to_owned()],
    }
}

fn pooled(network: &Network, result: &corridor_clearing::ClearingResult) -> Vec<(String, i128)> {
    network
        .obligations()
        .iter()
        .zip(&result.obligations)
        .filter(|(_, r)| r.pooled.amount_minor() > 0)
        .map(|(o, r)| (o.id.clone(), r.pooled.amount_minor()))
        .collect()
}

fn ids(list: &[(&str, i128)]) -> Vec<(String, i128)> {
    list.iter().map(|(id, x)| ((*id).to_owned(), *x)).collect()
}

#[test]
fn only_eligible_obligations_are_paid_and_debtors_are_charged_at_the_rate() {
    let net = Network::new(
        corridor_parties(),
        vec![
            invoice("wheat", "ir-imp-1", "iq-exp-1", 100_000, 5, Some("100199")),
            // Not on the goods list.
            invoice("cars", "ir-imp-1", "iq-exp-2", 100_000, 1, Some("8703")),
            // No goods named while the pool has a goods list.
            invoice("unnamed", "ir-imp-2", "iq-exp-1", 100_000, 1, None),
            // A creditor of the wrong kind.
            invoice("loan", "ir-imp-2", "iq-bank", 100_000, 1, Some("1001")),
            // A creditor in the wrong country.
            invoice("turkish", "ir-imp-2", "tr-exp", 100_000, 1, Some("1001")),
            // A debtor in the wrong country (not the owner's).
            invoice("domestic", "iq-exp-2", "iq-exp-1", 100_000, 1, Some("1001")),
            // The wrong currency.
            Obligation {
                due: date(1),
                hs_code: Some("3004".to_owned()),
                ..owes("in-usd", "ir-imp-2", "iq-exp-2", 100_000, Currency::USD)
            },
        ],
    )
    .unwrap();
    let result = pool_settlement(&net, &[rules(1_000_000)], None).unwrap();
    assert_eq!(result.method, Method::PoolFunded);
    assert_eq!(pooled(&net, &result), ids(&[("wheat", 100_000)]));
    let usage = &result.pools[0];
    assert_eq!(usage.paid, Money::from_minor(100_000, iqd()));
    // 100.000 IQD at 32.5 IRR = 3,250 IRR (IRR has no minor unit in ISO 4217? it has 2).
    let expected_charge = Money::from_minor(100_000, iqd())
        .convert(
            Rate::new(325, 10).unwrap(),
            irr(),
            corridor_core::Rounding::HalfEven,
        )
        .unwrap();
    assert_eq!(usage.charged, expected_charge);
    let cbi = net.party_index("cbi").unwrap();
    let debtor = net.party_index("ir-imp-1").unwrap();
    assert!(result
        .payments
        .iter()
        .any(|p| p.from == Account::Party(debtor)
            && p.to == Account::Party(cbi)
            && p.amount == expected_charge));
    // Nothing crosses the border: the pool pays in Iraq, the importer pays in Iran.
    assert!(result
        .totals
        .iter()
        .all(|t| t.cash_cross_border.amount_minor() == 0));
    let irr_totals = result.totals_for(irr()).unwrap();
    assert_eq!(irr_totals.cash_moved, expected_charge);
    assert_eq!(irr_totals.debt.amount_minor(), 0);
}

#[test]
fn earliest_due_first_then_basic_goods_then_pro_rata() {
    let net = Network::new(
        corridor_parties(),
        vec![
            invoice("a-late-basic", "ir-imp-1", "iq-exp-1", 500, 9, Some("1001")),
            invoice(
                "b-early-other",
                "ir-imp-1",
                "iq-exp-1",
                300,
                2,
                Some("0702"),
            ),
            invoice("c-mid-other", "ir-imp-2", "iq-exp-2", 400, 5, Some("0702")),
            invoice("d-mid-basic", "ir-imp-2", "iq-exp-1", 200, 5, Some("3004")),
            invoice("e-last-1", "ir-imp-1", "iq-exp-2", 100, 20, Some("1001")),
            invoice("f-last-2", "ir-imp-2", "iq-exp-2", 300, 20, Some("1006")),
        ],
    )
    .unwrap();
    // 300 (b, due 2) + 200 (d, basic, due 5) + 400 (c, due 5) + 500 (a, due 9) = 1400,
    // then 10 units for e and f (owed 100 and 300): pro rata 2.5 and 7.5, the unit left to
    // the larger remainder, tie to the first: 3 and 7.
    let result = pool_settlement(&net, &[rules(1410)], None).unwrap();
    assert_eq!(
        pooled(&net, &result),
        ids(&[
            ("a-late-basic", 500),
            ("b-early-other", 300),
            ("c-mid-other", 400),
            ("d-mid-basic", 200),
            ("e-last-1", 3),
            ("f-last-2", 7),
        ])
    );
    assert_eq!(result.pools[0].paid.amount_minor(), 1410);
    assert_eq!(result.pools[0].unpaid_eligible.amount_minor(), 390);

    // Short on the day-5 group: the basic goods (d) are paid in full before c gets any.
    let result = pool_settlement(&net, &[rules(450)], None).unwrap();
    assert_eq!(
        pooled(&net, &result),
        ids(&[("b-early-other", 300), ("d-mid-basic", 150)])
    );
}

#[test]
fn named_debtors_limit_the_pool_and_an_empty_pool_pays_nothing() {
    let net = Network::new(
        corridor_parties(),
        vec![
            invoice("x", "ir-imp-1", "iq-exp-1", 1000, 1, Some("1001")),
            invoice("y", "ir-imp-2", "iq-exp-1", 1000, 1, Some("1001")),
        ],
    )
    .unwrap();
    let only_two = Pool {
        debtors: vec!["ir-imp-2".to_owned()],
        ..rules(5000)
    };
    let result = pool_settlement(&net, &[only_two], None).unwrap();
    assert_eq!(pooled(&net, &result), ids(&[("y", 1000)]));
    let result = pool_settlement(&net, &[rules(0)], None).unwrap();
    assert!(pooled(&net, &result).is_empty());
    assert_eq!(
        result.totals_for(iqd()).unwrap().remaining.amount_minor(),
        2000
    );
}

#[test]
fn pools_pay_only_what_set_off_left() {
    let net = Network::new(
        corridor_parties(),
        vec![
            invoice("import", "ir-imp-1", "iq-exp-1", 1000, 1, Some("1001")),
            // The Iraqi exporter owes the importer 400 for something else: a cycle of 400.
            invoice("back", "iq-exp-1", "ir-imp-1", 400, 1, None),
        ],
    )
    .unwrap();
    let setoff = set_off(&net).unwrap();
    let result = pool_settlement(&net, &[rules(10_000)], Some(&setoff)).unwrap();
    let import = net.obligation_index("import").unwrap();
    let outcome = result.obligations[import];
    assert_eq!(outcome.offset.amount_minor(), 400);
    assert_eq!(outcome.pooled.amount_minor(), 600);
    assert_eq!(outcome.remaining.amount_minor(), 0);
    assert_eq!(result.certificates, setoff.certificates);
    let totals = result.totals_for(iqd()).unwrap();
    assert_eq!(totals.discharged.amount_minor(), 1400);
    assert_eq!(totals.pooled.amount_minor(), 600);
}

#[test]
fn bad_pools_are_rejected_naming_the_field() {
    let net = Network::new(
        corridor_parties(),
        vec![invoice("x", "ir-imp-1", "iq-exp-1", 1000, 1, None)],
    )
    .unwrap();
    let error = pool_settlement(
        &net,
        &[Pool {
            owner: "nobody".to_owned(),
            ..rules(1)
        }],
        None,
    )
    .unwrap_err();
    assert_eq!((error.pool(), error.field()), (0, "owner"));
    let error = pool_settlement(
        &net,
        &[Pool {
            pool: "cbi".to_owned(),
            ..rules(1)
        }],
        None,
    )
    .unwrap_err();
    assert!(matches!(error, PoolError::NotAPool { .. }));
    let error = pool_settlement(
        &net,
        &[
            rules(1),
            Pool {
                debtors: vec!["ghost".to_owned()],
                ..rules(1)
            },
        ],
        None,
    )
    .unwrap_err();
    assert_eq!((error.pool(), error.field()), (1, "pool"));
    let error = pool_settlement(
        &net,
        &[Pool {
            debtors: vec!["ghost".to_owned()],
            ..rules(1)
        }],
        None,
    )
    .unwrap_err();
    assert_eq!((error.pool(), error.field()), (0, "debtors"));
}

/// A random corridor: obligations between Iranian and Iraqi traders in IQD, some with
/// basic goods, and a pool of random size.
fn random_case() -> impl Strategy<Value = (Network, Pool)> {
    let obligation = (
        0_usize..4,
        0_usize..4,
        1_i128..5000,
        1_u8..28,
        0_usize..4,
        any::<bool>(),
    );
    (prop::collection::vec(obligation, 1..40), 0_i128..60_000).prop_map(|(list, available)| {
        let mut parties = corridor_parties();
        parties.push(party("ir-imp-3", "IRN", PartyKind::Trader));
        parties.push(party("iq-exp-3", "IRQ", PartyKind::Trader));
        let importers = ["ir-imp-1", "ir-imp-2", "ir-imp-3", "cbi"];
        let exporters = ["iq-exp-1", "iq-exp-2", "iq-exp-3", "iq-bank"];
        let goods = [Some("1001"), Some("3004"), Some("0702"), None];
        let obligations = list
            .into_iter()
            .enumerate()
            .map(|(k, (d, c, amount, day, g, backwards))| {
                let (debtor, creditor) = if backwards {
                    (exporters[c], importers[d])
                } else {
                    (importers[d], exporters[c])
                };
                invoice(&format!("o{k:03}"), debtor, creditor, amount, day, goods[g])
            })
            .collect();
        (
            Network::new(parties, obligations).unwrap(),
            rules(available),
        )
    })
}

proptest! {
    #[test]
    fn pools_never_overpay_and_keep_every_amount_whole((net, pool) in random_case()) {
        let setoff = set_off(&net).unwrap();
        let result = pool_settlement(&net, std::slice::from_ref(&pool), Some(&setoff)).unwrap();
        let mut paid = 0_i128;
        for (i, (obligation, outcome)) in net.obligations().iter().zip(&result.obligations).enumerate() {
            // Every obligation's parts add up to its amount, none negative.
            prop_assert!(outcome.pooled.amount_minor() >= 0 && outcome.remaining.amount_minor() >= 0);
            prop_assert_eq!(
                outcome.discharged().amount_minor() + outcome.remaining.amount_minor(),
                obligation.amount.amount_minor()
            );
            prop_assert_eq!(outcome.offset, setoff.obligations[i].offset);
            // Ineligible obligations are never paid from the pool.
            let creditor = &net.parties()[net.creditor(i)];
            let debtor = &net.parties()[net.debtor(i)];
            let eligible = debtor.country == "IRN" && creditor.country == "IRQ"
                && creditor.kind == PartyKind::Trader
                && obligation.hs_code.as_deref().is_some_and(|c| pool.goods.iter().any(|g| c.starts_with(g.as_str())));
            if !eligible {
                prop_assert_eq!(outcome.pooled.amount_minor(), 0);
            }
            paid += outcome.pooled.amount_minor();
        }
        // The pool pays at most what it has, and all of it when eligible debt is left over.
        prop_assert!(paid <= pool.available.amount_minor());
        let usage = &result.pools[0];
        prop_assert_eq!(usage.paid.amount_minor(), paid);
        if usage.unpaid_eligible.amount_minor() > 0 {
            prop_assert_eq!(paid, pool.available.amount_minor());
        }
        // No obligation due later is paid while an eligible one due earlier is left unpaid.
        let is_eligible = |i: usize| {
            let obligation = &net.obligations()[i];
            let creditor = &net.parties()[net.creditor(i)];
            net.parties()[net.debtor(i)].country == "IRN" && creditor.country == "IRQ"
                && creditor.kind == PartyKind::Trader
                && obligation.hs_code.as_deref().is_some_and(|c| pool.goods.iter().any(|g| c.starts_with(g.as_str())))
        };
        let earliest_unpaid = (0..net.obligations().len())
            .filter(|&i| is_eligible(i) && result.obligations[i].remaining.amount_minor() > 0)
            .map(|i| net.obligations()[i].due)
            .min();
        if let Some(earliest) = earliest_unpaid {
            for i in 0..net.obligations().len() {
                if net.obligations()[i].due > earliest {
                    prop_assert_eq!(result.obligations[i].pooled.amount_minor(), 0);
                }
            }
        }
        // Deterministic: the same input, the same result.
        let again = pool_settlement(&net, std::slice::from_ref(&pool), Some(&setoff)).unwrap();
        prop_assert_eq!(&again, &result);
        // Every pool payment goes to the obligation's creditor; every charge comes from its
        // debtor and goes to the owner.
        for p in &result.pool_payments {
            prop_assert!(p.paid.amount_minor() > 0);
            prop_assert_eq!(p.paid.currency(), iqd());
            prop_assert_eq!(p.charged.currency(), irr());
        }
    }
}

#[test]
fn cash_completes_the_plan_after_set_off_and_pools() {
    let net = Network::new(
        corridor_parties(),
        vec![
            invoice("import", "ir-imp-1", "iq-exp-1", 1000, 1, Some("1001")),
            invoice("back", "iq-exp-1", "ir-imp-1", 100, 1, None),
            invoice("cars", "ir-imp-2", "iq-exp-2", 500, 1, Some("8703")),
        ],
    )
    .unwrap();
    let setoff = set_off(&net).unwrap();
    let pooled = pool_settlement(&net, &[rules(600)], Some(&setoff)).unwrap();
    let imp2 = net.party_index("ir-imp-2").unwrap();
    let imp1 = net.party_index("ir-imp-1").unwrap();
    let liquidity = [
        (imp1, Money::from_minor(1000, iqd())),
        (imp2, Money::from_minor(200, iqd())),
    ];
    let plan = corridor_clearing::then_liquidity(&net, &pooled, &liquidity).unwrap();
    let at = |id: &str| plan.obligations[net.obligation_index(id).unwrap()];
    assert_eq!(
        (
            at("import").offset.amount_minor(),
            at("import").pooled.amount_minor(),
            at("import").cash.amount_minor(),
            at("import").remaining.amount_minor()
        ),
        (100, 600, 300, 0)
    );
    // The cars are not eligible for the pool: only the importer's 200 pays them.
    assert_eq!(
        (
            at("cars").pooled.amount_minor(),
            at("cars").cash.amount_minor(),
            at("cars").remaining.amount_minor()
        ),
        (0, 200, 300)
    );
    assert_eq!(plan.method, Method::PoolFunded);
    assert_eq!(plan.pool_payments, pooled.pool_payments);
    let totals = plan.totals_for(iqd()).unwrap();
    assert_eq!(totals.discharged.amount_minor(), 100 * 2 + 600 + 300 + 200);
    assert_eq!(totals.cash_moved.amount_minor(), 600 + 300 + 200);
}
