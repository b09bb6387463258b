//! Bilateral netting per pair and currency, and multilateral netting through one clearing
//! agent per country.
//!
//! Both settle every obligation in full: part of it by offset, the rest by cash. Which
//! obligations of a party the cash is attributed to is a convention: earliest due date
//! first, then obligation id.

use std::collections::BTreeMap;

use corridor_core::Money;

use crate::outcome::{Account, ClearingResult, Method, ObligationOutcome, Payment};
use crate::Network;

/// Bilateral netting: for each pair of parties and currency, the smaller of the two gross
/// amounts is discharged by offset on both sides and the difference is paid in cash by the
/// net debtor of the pair.
pub fn bilateral_netting(network: &Network) -> ClearingResult {
    let obligations = network.obligations();
    let mut outcomes: Vec<ObligationOutcome> = obligations
        .iter()
        .map(|o| settled_by_offset(o.amount))
        .collect();
    // Group by (currency, lower party, higher party).
    let mut order: Vec<usize> = (0..obligations.len()).collect();
    let key = |i: usize| {
        let (d, c) = (network.debtor(i), network.creditor(i));
        (obligations[i].amount.currency(), d.min(c), d.max(c))
    };
    order.sort_by_key(|&i| key(i));
    let mut payments = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let group_key = key(order[start]);
        let mut end = start;
        while end < order.len() && key(order[end]) == group_key {
            end += 1;
        }
        let (currency, low, high) = group_key;
        let group = &order[start..end];
        // `forward`: low owes high.
        let (mut forward, mut backward): (Vec<usize>, Vec<usize>) =
            group.iter().partition(|&&i| network.debtor(i) == low);
        let gross = |side: &[usize]| -> i128 {
            side.iter()
                .map(|&i| obligations[i].amount.amount_minor())
                .sum()
        };
        let (forward_gross, backward_gross) = (gross(&forward), gross(&backward));
        let (payer, payee, larger, net) = if forward_gross >= backward_gross {
            (low, high, &mut forward, forward_gross - backward_gross)
        } else {
            (high, low, &mut backward, backward_gross - forward_gross)
        };
        if net > 0 {
            by_due_then_id(network, larger);
            attribute_cash(network, larger, net, &mut outcomes);
            payments.push(Payment {
                from: Account::Party(payer),
                to: Account::Party(payee),
                amount: Money::from_minor(net, currency),
            });
        }
        start = end;
    }
    ClearingResult::assemble(
        network,
        Method::BilateralNetting,
        outcomes,
        payments,
        Vec::new(),
    )
}

/// Multilateral netting through one clearing agent per country: every net debtor pays its
/// net position to its country's agent, every agent pays the net creditors of its country,
/// and the agents settle the differences between countries (for two countries: one
/// payment). Agents are notional ([`Account::Agent`]); a party of kind clearing agent is
/// netted like any other party.
///
/// Between more than two countries, net debtor countries are matched to net creditor
/// countries in the order of their codes.
pub fn multilateral_netting(network: &Network) -> ClearingResult {
    let obligations = network.obligations();
    let mut outcomes: Vec<ObligationOutcome> = obligations
        .iter()
        .map(|o| settled_by_offset(o.amount))
        .collect();
    let mut payments = Vec::new();
    for &currency in network.currencies() {
        let net = network.net_positions(currency);
        // Outgoing obligations per party, in this currency.
        let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); network.parties().len()];
        for i in network.obligations_in(currency) {
            outgoing[network.debtor(i)].push(i);
        }
        let mut country_net: BTreeMap<&str, i128> = BTreeMap::new();
        for (party, &position) in net.iter().enumerate() {
            if position == 0 {
                continue;
            }
            let country = network.parties()[party].country.as_str();
            *country_net.entry(country).or_insert(0) += position;
            let agent = Account::Agent(country.to_owned());
            let amount = Money::from_minor(position.abs(), currency);
            if position < 0 {
                by_due_then_id(network, &mut outgoing[party]);
                attribute_cash(network, &outgoing[party], -position, &mut outcomes);
                payments.push(Payment {
                    from: Account::Party(party),
                    to: agent,
                    amount,
                });
            } else {
                payments.push(Payment {
                    from: agent,
                    to: Account::Party(party),
                    amount,
                });
            }
        }
        // A country whose parties are net debtors has an agent with a surplus to send.
        let mut senders: Vec<(&str, i128)> = country_net
            .iter()
            .filter(|(_, &n)| n < 0)
            .map(|(&c, &n)| (c, -n))
            .collect();
        let mut receivers: Vec<(&str, i128)> = country_net
            .iter()
            .filter(|(_, &n)| n > 0)
            .map(|(&c, &n)| (c, n))
            .collect();
        let (mut s, mut r) = (0, 0);
        while s < senders.len() && r < receivers.len() {
            let amount = senders[s].1.min(receivers[r].1);
            payments.push(Payment {
                from: Account::Agent(senders[s].0.to_owned()),
                to: Account::Agent(receivers[r].0.to_owned()),
                amount: Money::from_minor(amount, currency),
            });
            senders[s].1 -= amount;
            receivers[r].1 -= amount;
            if senders[s].1 == 0 {
                s += 1;
            }
            if receivers[r].1 == 0 {
                r += 1;
            }
        }
    }
    ClearingResult::assemble(
        network,
        Method::MultilateralNetting,
        outcomes,
        payments,
        Vec::new(),
    )
}

fn settled_by_offset(amount: Money) -> ObligationOutcome {
    ObligationOutcome::new(amount.amount_minor(), 0, 0, amount.currency())
}

fn by_due_then_id(network: &Network, obligations: &mut [usize]) {
    // Indices are in id order, so the index breaks ties by id.
    obligations.sort_by_key(|&i| (network.obligations()[i].due, i));
}

/// Attributes `cash` minor units to `obligations` in order, each up to its amount; the
/// rest of each obligation stays discharged by offset.
fn attribute_cash(
    network: &Network,
    obligations: &[usize],
    mut cash: i128,
    outcomes: &mut [ObligationOutcome],
) {
    for &i in obligations {
        if cash == 0 {
            break;
        }
        let amount = network.obligations()[i].amount;
        let part = cash.min(amount.amount_minor());
        cash -= part;
        outcomes[i].cash = Money::from_minor(part, amount.currency());
        outcomes[i].offset = Money::from_minor(amount.amount_minor() - part, amount.currency());
    }
}
