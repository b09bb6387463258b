//! Hand-checked cases.

mod common;

use common::{network, owes, party, usd};
use corridor_clearing::{
    bilateral_netting, explain_set_off, multilateral_netting, set_off, verify_certificate, Account,
    Certificate, CertificateError, Method, Network, NetworkError, ObligationField,
};
use corridor_core::{Currency, Money};

fn offsets(network: &Network, result: &corridor_clearing::ClearingResult) -> Vec<(String, i128)> {
    network
        .obligations()
        .iter()
        .zip(&result.obligations)
        .map(|(o, r)| (o.id.clone(), r.offset.amount_minor()))
        .collect()
}

fn pairs(list: &[(&str, i128)]) -> Vec<(String, i128)> {
    list.iter().map(|(id, x)| ((*id).to_owned(), *x)).collect()
}

#[test]
fn a_three_party_cycle_is_set_off_by_its_smallest_debt() {
    let net = network(
        &[("a", "IRN"), ("b", "IRN"), ("c", "IRQ")],
        vec![
            usd("o1", "a", "b", 1000),
            usd("o2", "b", "c", 700),
            usd("o3", "c", "a", 1200),
        ],
    );
    let result = set_off(&net).expect("solves");
    assert_eq!(result.method, Method::SetOff);
    assert_eq!(
        offsets(&net, &result),
        pairs(&[("o1", 700), ("o2", 700), ("o3", 700)])
    );
    let remaining: Vec<i128> = result
        .obligations
        .iter()
        .map(|o| o.remaining.amount_minor())
        .collect();
    assert_eq!(remaining, vec![300, 0, 500]);
    let totals = result.totals_for(Currency::USD).expect("USD totals");
    assert_eq!(totals.debt, Money::from_minor(2900, Currency::USD));
    assert_eq!(totals.discharged, Money::from_minor(2100, Currency::USD));
    assert_eq!(totals.remaining, Money::from_minor(800, Currency::USD));
    assert_eq!(totals.cash_moved.amount_minor(), 0);
    assert_eq!(totals.cash_cross_border.amount_minor(), 0);
    // 2100 / 2900 = 7241.379... bp
    assert_eq!(totals.saved_bp, 7241);
    assert!(result.payments.is_empty());

    let cycles = explain_set_off(&net, &result);
    assert_eq!(cycles.len(), 1);
    assert_eq!(cycles[0].obligations, vec![0, 1, 2]);
    assert_eq!(
        cycles[0].describe(&net),
        "7.00 USD set off through parties a → b → c → a (obligations o1, o2, o3)"
    );
}

#[test]
fn two_overlapping_cycles_prefer_the_longer_one_where_it_discharges_more() {
    // a→b is shared by a→b→a and a→b→c→a. Greedy on the short cycle first discharges
    // 8 + 4 + 4 + 4 = 20; the optimum sends 5 around the long cycle: 8 + 3 + 5 + 5 = 21.
    let net = network(
        &[("a", "IRN"), ("b", "IRQ"), ("c", "IRQ")],
        vec![
            usd("ab", "a", "b", 8),
            usd("ba", "b", "a", 4),
            usd("bc", "b", "c", 5),
            usd("ca", "c", "a", 5),
        ],
    );
    let result = set_off(&net).expect("solves");
    assert_eq!(
        offsets(&net, &result),
        pairs(&[("ab", 8), ("ba", 3), ("bc", 5), ("ca", 5)])
    );
    assert_eq!(
        result
            .totals_for(Currency::USD)
            .map(|t| t.discharged.amount_minor()),
        Some(21)
    );
    let cycles = explain_set_off(&net, &result);
    let total: i128 = cycles
        .iter()
        .map(|c| c.amount.amount_minor() * c.obligations.len() as i128)
        .sum();
    assert_eq!(total, 21);
    assert_eq!(cycles.len(), 2);
}

#[test]
fn a_chain_has_nothing_to_set_off() {
    let net = network(
        &[("a", "IRN"), ("b", "IRN"), ("c", "IRQ"), ("d", "IRQ")],
        vec![
            usd("o1", "a", "b", 50),
            usd("o2", "b", "c", 50),
            usd("o3", "c", "d", 20),
        ],
    );
    let result = set_off(&net).expect("solves");
    assert!(result
        .obligations
        .iter()
        .all(|o| o.offset.amount_minor() == 0));
    assert_eq!(
        result.totals_for(Currency::USD).map(|t| t.saved_bp),
        Some(0)
    );
    assert!(explain_set_off(&net, &result).is_empty());
    assert_eq!(result.certificates.len(), 1);
}

#[test]
fn two_country_compensation_moves_nothing_across_the_border() {
    // An importer in IRN owes an exporter in IRQ, an importer in IRQ owes an exporter in
    // IRN, the same amount. Through one agent per country, each importer pays its own
    // country's agent, which pays the exporter at home: nothing crosses.
    let net = network(
        &[
            ("irn-imp", "IRN"),
            ("irn-exp", "IRN"),
            ("irq-imp", "IRQ"),
            ("irq-exp", "IRQ"),
        ],
        vec![
            usd("gas", "irq-imp", "irn-exp", 100_000),
            usd("wheat", "irn-imp", "irq-exp", 100_000),
        ],
    );
    let multilateral = multilateral_netting(&net);
    let totals = multilateral.totals_for(Currency::USD).expect("USD");
    assert_eq!(totals.cash_cross_border.amount_minor(), 0);
    assert_eq!(totals.cash_moved.amount_minor(), 200_000);
    assert_eq!(totals.discharged.amount_minor(), 200_000);
    assert!(multilateral
        .payments
        .iter()
        .all(|p| { !matches!((&p.from, &p.to), (Account::Agent(_), Account::Agent(_))) }));
    let irn_imp = net.party_index("irn-imp").expect("known");
    assert!(multilateral
        .payments
        .iter()
        .any(|p| p.from == Account::Party(irn_imp)
            && p.to == Account::Agent("IRN".to_owned())
            && p.amount.amount_minor() == 100_000));

    // Paid gross or netted pair by pair, all of it crosses.
    let bilateral = bilateral_netting(&net);
    let totals = bilateral.totals_for(Currency::USD).expect("USD");
    assert_eq!(totals.cash_cross_border.amount_minor(), 200_000);
    assert_eq!(totals.saved_bp, 0);
}

#[test]
fn unequal_trade_sends_only_the_difference_across() {
    let net = network(
        &[
            ("irn-imp", "IRN"),
            ("irn-exp", "IRN"),
            ("irq-imp", "IRQ"),
            ("irq-exp", "IRQ"),
        ],
        vec![
            usd("gas", "irq-imp", "irn-exp", 100_000),
            usd("wheat", "irn-imp", "irq-exp", 70_000),
        ],
    );
    let result = multilateral_netting(&net);
    let crossing: Vec<_> = result
        .payments
        .iter()
        .filter(|p| matches!((&p.from, &p.to), (Account::Agent(_), Account::Agent(_))))
        .collect();
    assert_eq!(crossing.len(), 1);
    assert_eq!(crossing[0].from, Account::Agent("IRQ".to_owned()));
    assert_eq!(crossing[0].to, Account::Agent("IRN".to_owned()));
    assert_eq!(crossing[0].amount.amount_minor(), 30_000);
    assert_eq!(
        result
            .totals_for(Currency::USD)
            .map(|t| t.cash_cross_border.amount_minor()),
        Some(30_000)
    );
}

#[test]
fn bilateral_netting_offsets_the_smaller_side_and_pays_the_difference() {
    let mut early = usd("late", "a", "b", 600);
    early.due = common::date(20);
    let net = network(
        &[("a", "IRN"), ("b", "IRQ")],
        vec![
            early,
            usd("early", "a", "b", 400),
            usd("back", "b", "a", 700),
        ],
    );
    let result = bilateral_netting(&net);
    // Obligations in id order: back, early, late. a owes 1000 gross, b owes 700: a pays 300,
    // attributed to a's earliest-due obligation first.
    let cash: Vec<i128> = result
        .obligations
        .iter()
        .map(|o| o.cash.amount_minor())
        .collect();
    let offset: Vec<i128> = result
        .obligations
        .iter()
        .map(|o| o.offset.amount_minor())
        .collect();
    assert_eq!(cash, vec![0, 300, 0]);
    assert_eq!(offset, vec![700, 100, 600]);
    assert_eq!(result.payments.len(), 1);
    assert_eq!(result.payments[0].from, Account::Party(0));
    assert_eq!(result.payments[0].amount.amount_minor(), 300);
    let totals = result.totals_for(Currency::USD).expect("USD");
    assert_eq!(totals.cash_moved.amount_minor(), 300);
    assert_eq!(totals.saved_bp, 8235); // 1400 / 1700
}

#[test]
fn currencies_clear_on_their_own() {
    // A cycle only if USD and IQD were mixed: no set-off.
    let net = network(
        &[("a", "IRN"), ("b", "IRQ")],
        vec![
            usd("o1", "a", "b", 100),
            owes("o2", "b", "a", 100, Currency::IQD),
        ],
    );
    let result = set_off(&net).expect("solves");
    assert!(result
        .obligations
        .iter()
        .all(|o| o.offset.amount_minor() == 0));
    assert_eq!(result.totals.len(), 2);
    assert_eq!(result.certificates.len(), 2);
}

#[test]
fn the_certificate_rejects_a_suboptimal_or_invalid_set_off() {
    let net = network(
        &[("a", "IRN"), ("b", "IRN"), ("c", "IRQ")],
        vec![
            usd("o1", "a", "b", 10),
            usd("o2", "b", "c", 7),
            usd("o3", "c", "a", 12),
        ],
    );
    let result = set_off(&net).expect("solves");
    let certificate: &Certificate = &result.certificates[0];
    assert_eq!(verify_certificate(&net, &result, certificate), Ok(()));

    // Setting off less is a valid circulation but not optimal.
    let mut smaller = result.clone();
    for o in &mut smaller.obligations {
        o.offset = Money::from_minor(o.offset.amount_minor() - 1, Currency::USD);
    }
    assert!(matches!(
        verify_certificate(&net, &smaller, certificate),
        Err(CertificateError::NotOptimal { .. })
    ));
    // Discharging one obligation alone changes net positions.
    let mut broken = result.clone();
    broken.obligations[0].offset = Money::from_minor(8, Currency::USD);
    assert!(matches!(
        verify_certificate(&net, &broken, certificate),
        Err(CertificateError::NetPositionChanged { .. })
    ));
    // Beyond the amount.
    let mut beyond = result.clone();
    beyond.obligations[1].offset = Money::from_minor(8, Currency::USD);
    assert!(matches!(
        verify_certificate(&net, &beyond, certificate),
        Err(CertificateError::OutOfBounds { .. })
    ));
}

#[test]
fn bad_input_is_rejected_naming_the_obligation_and_field() {
    let parties = || vec![party("a", "IRN"), party("b", "IRQ")];
    let check = |obligations, field: Option<ObligationField>, id: Option<&str>| {
        let error = Network::new(parties(), obligations).expect_err("invalid");
        assert_eq!(error.field(), field, "{error}");
        assert_eq!(error.obligation_id(), id, "{error}");
        error
    };
    let e = check(
        vec![usd("o1", "a", "zz", 5)],
        Some(ObligationField::Creditor),
        Some("o1"),
    );
    assert!(matches!(e, NetworkError::UnknownParty { ref party, .. } if party == "zz"));
    let e = check(
        vec![usd("o1", "zz", "a", 5)],
        Some(ObligationField::Debtor),
        Some("o1"),
    );
    assert!(matches!(e, NetworkError::UnknownParty { .. }));
    let e = check(
        vec![usd("o2", "a", "a", 5)],
        Some(ObligationField::Creditor),
        Some("o2"),
    );
    assert!(matches!(e, NetworkError::OwesItself { .. }));
    let e = check(
        vec![usd("o3", "a", "b", 0)],
        Some(ObligationField::Amount),
        Some("o3"),
    );
    assert!(matches!(e, NetworkError::NonPositiveAmount { .. }));
    let e = check(
        vec![usd("o4", "a", "b", -5)],
        Some(ObligationField::Amount),
        Some("o4"),
    );
    assert!(matches!(e, NetworkError::NonPositiveAmount { .. }));
    let e = check(
        vec![usd("o5", "a", "b", 5), usd("o5", "b", "a", 5)],
        Some(ObligationField::Id),
        Some("o5"),
    );
    assert!(matches!(e, NetworkError::DuplicateObligation { .. }));

    let duplicate = Network::new(vec![party("a", "IRN"), party("a", "IRQ")], Vec::new());
    assert!(matches!(duplicate, Err(NetworkError::DuplicateParty { ref party }) if party == "a"));
    let country = Network::new(vec![party("a", "Iran")], Vec::new());
    assert!(matches!(country, Err(NetworkError::InvalidCountry { .. })));
}

#[test]
fn the_reference_solver_finds_the_hand_checked_optima() {
    // The property tests compare against this solver; check it on the cases above.
    let overlapping = [(0, 1, 8), (1, 0, 4), (1, 2, 5), (2, 0, 5)];
    assert_eq!(common::reference_max_circulation(3, &overlapping), 21);
    assert_eq!(
        common::reference_max_circulation(3, &[(0, 1, 10), (1, 2, 7), (2, 0, 12)]),
        21
    );
    assert_eq!(
        common::reference_max_circulation(3, &[(0, 1, 10), (1, 2, 7)]),
        0
    );
}
