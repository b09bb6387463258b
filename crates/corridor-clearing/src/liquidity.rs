//! Multilateral set-off with liquidity: the most debt that can be discharged when, in
//! addition to cycles, each party may pay cash up to its liquidity.
//!
//! Model, per currency. Discharge `f_e` of obligation `e` (`0 <= f_e <= amount_e`). A party
//! `p` whose discharged debts exceed its discharged claims pays the difference `c_p` in
//! cash, at most its liquidity `L_p`; a party whose discharged claims exceed its discharged
//! debts receives the difference `r_p`; what is paid is received (`sum c = sum r`). Add one
//! node `Z`, the cash, with a free (cost 0) arc `Z -> p` of capacity `L_p` for every party
//! with liquidity and a free arc `p -> Z` for every creditor: the feasible discharges are
//! exactly the circulations of this graph, and the largest total discharge is the largest
//! circulation counting only the obligation arcs (cost -1 each). Without liquidity there
//! is no arc `Z -> p`, so nothing can flow through `Z`: the problem is plain set-off.
//!
//! Two bounds that change nothing keep the numbers small: `L_p` is cut to what `p` owes
//! in the currency (it cannot pay out more than the debts it discharges), and the arc
//! `p -> Z` gets a capacity (what `p` is owed plus its liquidity plus one) that no flow
//! reaches. Solved exactly by the primal–dual solver (`primaldual.rs`), with no pruning
//! to strongly connected components (cash makes chains dischargeable).
//!
//! Certificate: potentials `p` with `p[Z] = 0`. For every feasible discharge `g` with
//! cash `x_p` paid and `y_p` received, conservation telescopes to
//! `sum g = sum_e g_e (1 - p[d] + p[c]) + sum_p x_p p[p] - sum_p y_p p[p]`, which is at
//! most `sum_e amount_e max(0, 1 - p[d] + p[c]) + sum_p L_p max(0, p[p])` as long as
//! every creditor has `p[p] >= 0`. The result reaches that bound (so it is maximal) when,
//! besides the obligation conditions of plain set-off, every creditor has `p[p] >= 0`,
//! every party that receives has `p[p] <= 0`, every party that pays has `p[p] >= 0`, and
//! every party that pays less than `L_p` has `p[p] <= 0`.
//!
//! Reporting. A payer's cash is attributed to its own discharged obligations, in index
//! order: their `cash` is the part of the discharge the payer funded; every other discharged
//! amount (cycles, and obligations further along the chain the cash settles) is `offset`.
//! Payments go from payers to receivers, matched first within each country (so that no
//! more cash crosses a border than the net positions force), then across, each in party
//! index order. Any matching settles every party: each pays or receives exactly the
//! difference between its discharged debts and claims.

use std::collections::BTreeMap;

use corridor_core::{Currency, Money};

use crate::outcome::{Account, ClearingResult, Method, ObligationOutcome, Payment};
use crate::setoff::{solve_currency, solve_kept, Certificate, CertificateError, SetOffError};
use crate::Network;

/// Multilateral set-off with liquidity, exact: discharges the largest possible amount of
/// debt in each currency when, in addition to cycles, each party may pay cash up to its
/// liquidity in that currency to any creditor.
///
/// `liquidity`: (party index, amount) pairs; entries for the same party and currency add
/// up; a currency with no entry for a party gives it no liquidity there. Errors: a party
/// index out of range, a negative amount.
///
/// Each obligation's `offset` plus `cash` is what is discharged; `cash` is the part its
/// debtor paid for with its own liquidity. `payments` go from party to party. With no
/// liquidity in a currency, the currency's result is exactly [`set_off`]'s.
///
/// [`set_off`]: crate::set_off
pub fn set_off_with_liquidity(
    network: &Network,
    liquidity: &[(usize, Money)],
) -> Result<ClearingResult, SetOffError> {
    validate(network, liquidity)?;
    let mut discharged = vec![0_i128; network.obligations().len()];
    let mut certificates = Vec::new();
    for &currency in network.currencies() {
        let limits = limits(network, liquidity, currency);
        let certificate = if limits.cut.iter().all(|&l| l == 0) {
            solve_currency(network, currency, &mut discharged)
        } else {
            solve_with_cash(network, currency, &limits, &mut discharged)
        };
        certificates.push(certificate);
    }

    // Each payer's cash goes to its own discharged obligations, in index order.
    let mut payments = Vec::new();
    let mut left: BTreeMap<(usize, Currency), i128> = BTreeMap::new();
    for &currency in network.currencies() {
        let net_out = discharged_net_out(network, currency, &discharged);
        let mut pay: Vec<i128> = net_out.iter().map(|&x| x.max(0)).collect();
        let mut receive: Vec<i128> = net_out.iter().map(|&x| (-x).max(0)).collect();
        for (p, &x) in pay.iter().enumerate() {
            if x > 0 {
                left.insert((p, currency), x);
            }
        }
        match_payments(network, currency, &mut pay, &mut receive, &mut payments);
    }
    let mut outcomes: Vec<ObligationOutcome> = Vec::with_capacity(discharged.len());
    for (i, obligation) in network.obligations().iter().enumerate() {
        let currency = obligation.amount.currency();
        let f = discharged[i];
        let take = match left.get_mut(&(network.debtor(i), currency)) {
            Some(rest) => {
                let take = (*rest).min(f);
                *rest -= take;
                take
            }
            None => 0,
        };
        outcomes.push(ObligationOutcome::new(
            f - take,
            take,
            obligation.amount.amount_minor() - f,
            currency,
        ));
    }
    payments.sort_by(|a, b| {
        (a.amount.currency(), &a.from, &a.to).cmp(&(b.amount.currency(), &b.from, &b.to))
    });
    let result = ClearingResult::assemble(
        network,
        Method::SetOffWithLiquidity,
        outcomes,
        payments,
        certificates,
    );
    for certificate in &result.certificates {
        verify_liquidity_certificate(network, liquidity, &result, certificate)?;
    }
    Ok(result)
}

/// Rejects a party index out of range and a negative amount.
fn validate(network: &Network, liquidity: &[(usize, Money)]) -> Result<(), SetOffError> {
    for &(party, amount) in liquidity {
        let Some(p) = network.parties().get(party) else {
            return Err(SetOffError::UnknownParty { party });
        };
        if amount.amount_minor() < 0 {
            return Err(SetOffError::NegativeLiquidity {
                party: p.id.clone(),
                amount,
            });
        }
    }
    Ok(())
}

/// The parties' liquidity in one currency.
struct Limits {
    /// As given (entries added up, saturating), per party.
    given: Vec<i128>,
    /// Cut to what the party owes in the currency, per party.
    cut: Vec<i128>,
    /// What the party is owed in the currency, per party.
    owed_to: Vec<i128>,
}

/// The liquidity of every party in `currency`; entries naming no party are skipped (the
/// caller validates).
fn limits(network: &Network, liquidity: &[(usize, Money)], currency: Currency) -> Limits {
    let n = network.parties().len();
    let mut given = vec![0_i128; n];
    for &(party, amount) in liquidity {
        if party < n && amount.currency() == currency {
            given[party] = given[party].saturating_add(amount.amount_minor().max(0));
        }
    }
    let mut owes = vec![0_i128; n];
    let mut owed_to = vec![0_i128; n];
    for (i, obligation) in network.obligations().iter().enumerate() {
        if obligation.amount.currency() == currency {
            owes[network.debtor(i)] += obligation.amount.amount_minor();
            owed_to[network.creditor(i)] += obligation.amount.amount_minor();
        }
    }
    let cut = given.iter().zip(&owes).map(|(&l, &o)| l.min(o)).collect();
    Limits {
        given,
        cut,
        owed_to,
    }
}

/// Discharged debts minus discharged claims, per party, in `currency`: positive for a
/// party that pays, negative for one that receives.
fn discharged_net_out(network: &Network, currency: Currency, discharged: &[i128]) -> Vec<i128> {
    let mut net = vec![0_i128; network.parties().len()];
    for (i, obligation) in network.obligations().iter().enumerate() {
        if obligation.amount.currency() == currency {
            net[network.debtor(i)] += discharged[i];
            net[network.creditor(i)] -= discharged[i];
        }
    }
    net
}

/// Solves one currency with the cash node, writes the discharged amounts into
/// `discharged` and returns the certificate (potentials with the cash node's at 0).
fn solve_with_cash(
    network: &Network,
    currency: Currency,
    limits: &Limits,
    discharged: &mut [i128],
) -> Certificate {
    let party_count = network.parties().len();
    let edges = network.obligations_in(currency);
    let mut local = vec![u32::MAX; party_count];
    let mut parties: Vec<usize> = Vec::new();
    let (mut tails, mut heads, mut caps) = (Vec::new(), Vec::new(), Vec::new());
    for &e in &edges {
        for p in [network.debtor(e), network.creditor(e)] {
            if local[p] == u32::MAX {
                local[p] = parties.len() as u32;
                parties.push(p);
            }
        }
        tails.push(local[network.debtor(e)]);
        heads.push(local[network.creditor(e)]);
        caps.push(network.obligations()[e].amount.amount_minor());
    }
    let cash = parties.len() as u32;
    for (v, &p) in parties.iter().enumerate() {
        if limits.cut[p] > 0 {
            tails.push(cash);
            heads.push(v as u32);
            caps.push(limits.cut[p]);
        }
        if limits.owed_to[p] > 0 {
            tails.push(v as u32);
            heads.push(cash);
            caps.push(limits.owed_to[p] + limits.cut[p] + 1);
        }
    }
    let solution = solve_kept(parties.len() + 1, &tails, &heads, &caps, edges.len());
    for (k, &e) in edges.iter().enumerate() {
        discharged[e] = solution.flow[k];
    }
    let zero = solution.potential[cash as usize];
    let mut potentials = vec![0_i64; party_count];
    for (v, &p) in parties.iter().enumerate() {
        potentials[p] = solution.potential[v] - zero;
    }
    Certificate {
        currency,
        potentials,
    }
}

/// Matches what payers pay with what receivers receive in `currency`: first within each
/// country, then across, each in party index order. Adds the payments to `out`.
fn match_payments(
    network: &Network,
    currency: Currency,
    pay: &mut [i128],
    receive: &mut [i128],
    out: &mut Vec<Payment>,
) {
    let mut by_country: BTreeMap<&str, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
    for (p, party) in network.parties().iter().enumerate() {
        if pay[p] > 0 {
            by_country.entry(&party.country).or_default().0.push(p);
        }
        if receive[p] > 0 {
            by_country.entry(&party.country).or_default().1.push(p);
        }
    }
    for (payers, receivers) in by_country.values() {
        pair_off(currency, payers, receivers, pay, receive, out);
    }
    let payers: Vec<usize> = (0..pay.len()).filter(|&p| pay[p] > 0).collect();
    let receivers: Vec<usize> = (0..receive.len()).filter(|&p| receive[p] > 0).collect();
    pair_off(currency, &payers, &receivers, pay, receive, out);
}

/// Two pointers over `payers` and `receivers`: each payment the smaller of what the
/// current payer still pays and the current receiver still receives.
fn pair_off(
    currency: Currency,
    payers: &[usize],
    receivers: &[usize],
    pay: &mut [i128],
    receive: &mut [i128],
    out: &mut Vec<Payment>,
) {
    let (mut i, mut j) = (0, 0);
    while i < payers.len() && j < receivers.len() {
        let (p, q) = (payers[i], receivers[j]);
        let amount = pay[p].min(receive[q]);
        if amount > 0 {
            pay[p] -= amount;
            receive[q] -= amount;
            out.push(Payment {
                from: Account::Party(p),
                to: Account::Party(q),
                amount: Money::from_minor(amount, currency),
            });
        }
        if pay[p] == 0 {
            i += 1;
        }
        if receive[q] == 0 {
            j += 1;
        }
    }
}

/// Checks, in O(parties + obligations + payments), that `result` is a valid set-off with
/// `liquidity` in the certificate's currency and that the certificate's potentials (the
/// cash node's taken as 0) prove it maximal: no obligation discharged below zero or beyond
/// its amount, `remaining` what is left, payments between parties, positive, each party
/// paying at most its liquidity, each party's payments minus receipts equal to its
/// discharged debts minus discharged claims, the `cash` on a party's obligations adding up
/// to what it pays, and the optimality conditions of the module's model.
pub fn verify_liquidity_certificate(
    network: &Network,
    liquidity: &[(usize, Money)],
    result: &ClearingResult,
    certificate: &Certificate,
) -> Result<(), CertificateError> {
    let n = network.parties().len();
    if result.obligations.len() != network.obligations().len()
        || certificate.potentials.len() != n
        || validate(network, liquidity).is_err()
    {
        return Err(CertificateError::Shape);
    }
    let currency = certificate.currency;
    let p = &certificate.potentials;
    let limits = limits(network, liquidity, currency);
    let mut net_out = vec![0_i128; n];
    let mut attributed = vec![0_i128; n];
    for (i, obligation) in network.obligations().iter().enumerate() {
        if obligation.amount.currency() != currency {
            continue;
        }
        let outcome = &result.obligations[i];
        let (offset, cash) = (outcome.offset.amount_minor(), outcome.cash.amount_minor());
        let amount = obligation.amount.amount_minor();
        let f = offset.saturating_add(cash);
        let currencies_match = [outcome.offset, outcome.cash, outcome.remaining]
            .iter()
            .all(|m| m.currency() == currency);
        if !currencies_match
            || offset < 0
            || cash < 0
            || f > amount
            || outcome.remaining.amount_minor() != amount - f
        {
            return Err(CertificateError::OutOfBounds {
                obligation: obligation.id.clone(),
                discharged: outcome.discharged(),
                amount: obligation.amount,
            });
        }
        let (d, c) = (network.debtor(i), network.creditor(i));
        net_out[d] += f;
        net_out[c] -= f;
        attributed[d] += cash;
        let slack = i128::from(p[d]) - i128::from(p[c]);
        if (f < amount && slack < 1) || (f > 0 && slack > 1) {
            return Err(CertificateError::NotOptimal {
                obligation: obligation.id.clone(),
            });
        }
    }
    let fail = |party: Option<usize>, what: &'static str| CertificateError::Cash {
        party: party.map_or_else(String::new, |q| network.parties()[q].id.clone()),
        currency,
        what,
    };
    let mut paid = vec![0_i128; n];
    let mut received = vec![0_i128; n];
    for payment in result
        .payments
        .iter()
        .filter(|x| x.amount.currency() == currency)
    {
        let (Account::Party(from), Account::Party(to)) = (&payment.from, &payment.to) else {
            return Err(fail(None, "a payment is not between two parties"));
        };
        let amount = payment.amount.amount_minor();
        if *from >= n || *to >= n || from == to || amount <= 0 {
            return Err(fail(None, "a payment is not positive between two parties"));
        }
        paid[*from] = paid[*from].saturating_add(amount);
        received[*to] = received[*to].saturating_add(amount);
    }
    for q in 0..n {
        if paid[q] > limits.given[q] {
            return Err(fail(Some(q), "pays more than its liquidity"));
        }
        if paid[q] - received[q] != net_out[q] {
            return Err(CertificateError::NetPositionChanged {
                party: network.parties()[q].id.clone(),
                currency,
                change: (paid[q] - received[q]).saturating_sub(net_out[q]),
            });
        }
        if attributed[q] != paid[q] {
            return Err(fail(
                Some(q),
                "the cash on its obligations is not what it pays",
            ));
        }
        let pays = net_out[q].max(0);
        let receives = (-net_out[q]).max(0);
        let optimal = (limits.owed_to[q] == 0 || p[q] >= 0)
            && (receives == 0 || p[q] <= 0)
            && (pays == 0 || p[q] >= 0)
            && (pays >= limits.cut[q] || p[q] <= 0);
        if !optimal {
            return Err(fail(Some(q), "the potentials do not prove optimality here"));
        }
    }
    Ok(())
}
