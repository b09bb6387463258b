//! The clearing model: parties, obligations and the validated [`Network`] they form.

use std::collections::HashMap;
use std::fmt;

use corridor_calendar::GregorianDate;
use corridor_core::{Currency, Money};

/// What a party is in the corridor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PartyKind {
    /// A central bank.
    CentralBank,
    /// A commercial bank.
    Bank,
    /// An importer or exporter.
    Trader,
    /// A restricted pool of funds (for example energy revenues held abroad).
    RestrictedPool,
    /// A clearing agent (central counterparty) of one country.
    ClearingAgent,
}

/// A party to obligations.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Party {
    /// The party's id, unique in a [`Network`].
    pub id: String,
    /// The party's country: an ISO 3166 alpha-3 code such as `IRN` or `IRQ`.
    pub country: String,
    /// What the party is.
    pub kind: PartyKind,
    /// A display name.
    pub name: Option<String>,
}

/// An obligation (an invoice): `debtor` owes `creditor` `amount`, due on `due`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Obligation {
    /// The obligation's id, unique in a [`Network`].
    pub id: String,
    /// The id of the party that owes.
    pub debtor: String,
    /// The id of the party that is owed.
    pub creditor: String,
    /// The amount owed; positive.
    pub amount: Money,
    /// The due date.
    pub due: GregorianDate,
    /// The HS code of the goods (or EBOPS code of the service), if known.
    pub hs_code: Option<String>,
    /// A free reference, such as the invoice number.
    pub reference: Option<String>,
}

/// The field of an [`Obligation`] that a [`NetworkError`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ObligationField {
    /// [`Obligation::id`].
    Id,
    /// [`Obligation::debtor`].
    Debtor,
    /// [`Obligation::creditor`].
    Creditor,
    /// [`Obligation::amount`].
    Amount,
}

impl fmt::Display for ObligationField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ObligationField::Id => "id",
            ObligationField::Debtor => "debtor",
            ObligationField::Creditor => "creditor",
            ObligationField::Amount => "amount",
        })
    }
}

/// Why a set of parties and obligations is not a valid [`Network`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NetworkError {
    /// Two parties have the same id.
    #[error("duplicate party id {party:?}")]
    DuplicateParty {
        /// The repeated id.
        party: String,
    },
    /// A party's country is not three upper-case ASCII letters.
    #[error("party {party:?}: country {country:?} is not an ISO 3166 alpha-3 code")]
    InvalidCountry {
        /// The party's id.
        party: String,
        /// The country as given.
        country: String,
    },
    /// Two obligations have the same id.
    #[error("obligation {obligation:?}: field {field}: duplicate obligation id")]
    DuplicateObligation {
        /// The repeated id.
        obligation: String,
        /// Always [`ObligationField::Id`].
        field: ObligationField,
    },
    /// An obligation names a party that is not in the network.
    #[error("obligation {obligation:?}: field {field}: unknown party {party:?}")]
    UnknownParty {
        /// The obligation's id.
        obligation: String,
        /// [`ObligationField::Debtor`] or [`ObligationField::Creditor`].
        field: ObligationField,
        /// The unknown party id.
        party: String,
    },
    /// An obligation's debtor and creditor are the same party.
    #[error("obligation {obligation:?}: field {field}: party {party:?} cannot owe itself")]
    OwesItself {
        /// The obligation's id.
        obligation: String,
        /// Always [`ObligationField::Creditor`].
        field: ObligationField,
        /// The party.
        party: String,
    },
    /// An obligation's amount is zero or negative.
    #[error("obligation {obligation:?}: field {field}: amount {amount} is not positive")]
    NonPositiveAmount {
        /// The obligation's id.
        obligation: String,
        /// Always [`ObligationField::Amount`].
        field: ObligationField,
        /// The amount as given.
        amount: Money,
    },
    /// The obligations of one currency add up to more than the clearing arithmetic can hold
    /// (`i128::MAX / 10^6` minor units), or there are more than `u32::MAX - 1` parties or
    /// obligations.
    #[error("the network is too large: {what}")]
    TooLarge {
        /// What is too large.
        what: String,
    },
}

impl NetworkError {
    /// The id of the obligation the error is about, if it is about one.
    pub fn obligation_id(&self) -> Option<&str> {
        match self {
            NetworkError::DuplicateObligation { obligation, .. }
            | NetworkError::UnknownParty { obligation, .. }
            | NetworkError::OwesItself { obligation, .. }
            | NetworkError::NonPositiveAmount { obligation, .. } => Some(obligation),
            NetworkError::DuplicateParty { .. }
            | NetworkError::InvalidCountry { .. }
            | NetworkError::TooLarge { .. } => None,
        }
    }

    /// The obligation field the error is about, if it is about an obligation.
    pub fn field(&self) -> Option<ObligationField> {
        match self {
            NetworkError::DuplicateObligation { field, .. }
            | NetworkError::UnknownParty { field, .. }
            | NetworkError::OwesItself { field, .. }
            | NetworkError::NonPositiveAmount { field, .. } => Some(*field),
            NetworkError::DuplicateParty { .. }
            | NetworkError::InvalidCountry { .. }
            | NetworkError::TooLarge { .. } => None,
        }
    }
}

/// The positions of `obligations` in id order.
fn id_order(obligations: &[Obligation]) -> Vec<u32> {
    let prefix = |id: &str| {
        let mut bytes = [0_u8; 16];
        let n = id.len().min(16);
        bytes[..n].copy_from_slice(&id.as_bytes()[..n]);
        u128::from_be_bytes(bytes)
    };
    let mut keys: Vec<(u128, u32)> = obligations
        .iter()
        .zip(0_u32..)
        .map(|(o, i)| (prefix(&o.id), i))
        .collect();
    // A zero byte pads the prefix, so two ids with the same prefix still compare by the
    // whole id; a different prefix decides as the whole ids would.
    keys.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0).then_with(|| {
            obligations[a.1 as usize]
                .id
                .cmp(&obligations[b.1 as usize].id)
                .then(a.1.cmp(&b.1))
        })
    });
    keys.into_iter().map(|(_, i)| i).collect()
}

/// The largest total of one currency's obligations, in minor units. Leaves room for the
/// basis-point arithmetic (`total * 10_000`) and for sums of sums.
pub(crate) const MAX_CURRENCY_TOTAL: i128 = i128::MAX / 1_000_000;

/// A validated set of parties and obligations.
///
/// Parties and obligations are kept sorted by id, and every index this crate hands out
/// (party index, obligation index) is a position in those sorted lists. The result of
/// every method therefore depends only on the set of inputs, not on their order.
#[derive(Clone, Debug)]
pub struct Network {
    parties: Vec<Party>,
    obligations: Vec<Obligation>,
    debtors: Vec<u32>,
    creditors: Vec<u32>,
    currencies: Vec<Currency>,
}

impl Network {
    /// Validates and indexes parties and obligations.
    ///
    /// Rejects a duplicate party id, a country that is not three upper-case letters, a
    /// duplicate obligation id, an unknown debtor or creditor, a party owing itself and a
    /// zero or negative amount. Errors about obligations are reported for the first bad
    /// obligation in the order given (duplicates: the smallest repeated id).
    pub fn new(
        mut parties: Vec<Party>,
        obligations: Vec<Obligation>,
    ) -> Result<Network, NetworkError> {
        let limit = usize::try_from(u32::MAX - 1).unwrap_or(usize::MAX);
        if parties.len() > limit || obligations.len() > limit {
            return Err(NetworkError::TooLarge {
                what: "more than 4,294,967,294 parties or obligations".to_owned(),
            });
        }
        for party in &parties {
            let valid =
                party.country.len() == 3 && party.country.bytes().all(|b| b.is_ascii_uppercase());
            if !valid {
                return Err(NetworkError::InvalidCountry {
                    party: party.id.clone(),
                    country: party.country.clone(),
                });
            }
        }
        parties.sort_by(|a, b| a.id.cmp(&b.id));
        if let Some(pair) = parties.windows(2).find(|pair| pair[0].id == pair[1].id) {
            return Err(NetworkError::DuplicateParty {
                party: pair[0].id.clone(),
            });
        }
        let mut index: HashMap<&str, u32, foldhash::fast::FixedState> =
            HashMap::with_capacity_and_hasher(parties.len(), foldhash::fast::FixedState::default());
        for (party, i) in parties.iter().zip(0_u32..) {
            index.insert(party.id.as_str(), i);
        }

        // One pass in the order given: the first bad obligation is the one reported.
        let mut debtors = Vec::with_capacity(obligations.len());
        let mut creditors = Vec::with_capacity(obligations.len());
        for obligation in &obligations {
            let lookup = |party: &str, field: ObligationField| {
                index
                    .get(party)
                    .copied()
                    .ok_or_else(|| NetworkError::UnknownParty {
                        obligation: obligation.id.clone(),
                        field,
                        party: party.to_owned(),
                    })
            };
            let debtor = lookup(&obligation.debtor, ObligationField::Debtor)?;
            let creditor = lookup(&obligation.creditor, ObligationField::Creditor)?;
            if debtor == creditor {
                return Err(NetworkError::OwesItself {
                    obligation: obligation.id.clone(),
                    field: ObligationField::Creditor,
                    party: obligation.debtor.clone(),
                });
            }
            if obligation.amount.amount_minor() <= 0 {
                return Err(NetworkError::NonPositiveAmount {
                    obligation: obligation.id.clone(),
                    field: ObligationField::Amount,
                    amount: obligation.amount,
                });
            }
            debtors.push(debtor);
            creditors.push(creditor);
        }
        drop(index);

        // Sort by id through a permutation of small keys (the id's first 16 bytes, the
        // whole id only on a tie), then move each obligation once.
        let order = id_order(&obligations);
        if let Some(pair) = order
            .windows(2)
            .find(|pair| obligations[pair[0] as usize].id == obligations[pair[1] as usize].id)
        {
            return Err(NetworkError::DuplicateObligation {
                obligation: obligations[pair[0] as usize].id.clone(),
                field: ObligationField::Id,
            });
        }
        let mut slots: Vec<Option<Obligation>> = obligations.into_iter().map(Some).collect();
        let obligations: Vec<Obligation> = order
            .iter()
            .filter_map(|&i| slots[i as usize].take())
            .collect();
        drop(slots);
        let debtors: Vec<u32> = order.iter().map(|&i| debtors[i as usize]).collect();
        let creditors: Vec<u32> = order.iter().map(|&i| creditors[i as usize]).collect();

        let mut totals: Vec<(Currency, i128)> = Vec::new();
        for obligation in &obligations {
            let currency = obligation.amount.currency();
            let position = match totals.iter().position(|(c, _)| *c == currency) {
                Some(position) => position,
                None => {
                    totals.push((currency, 0));
                    totals.len() - 1
                }
            };
            let total = &mut totals[position].1;
            *total = total.saturating_add(obligation.amount.amount_minor());
            if *total > MAX_CURRENCY_TOTAL {
                return Err(NetworkError::TooLarge {
                    what: format!("the obligations in {currency} add up to too much"),
                });
            }
        }
        let mut currencies: Vec<Currency> = totals.into_iter().map(|(c, _)| c).collect();
        currencies.sort();
        Ok(Network {
            parties,
            obligations,
            debtors,
            creditors,
            currencies,
        })
    }

    /// The parties, sorted by id. A party's index is its position here.
    pub fn parties(&self) -> &[Party] {
        &self.parties
    }

    /// The obligations, sorted by id. An obligation's index is its position here.
    pub fn obligations(&self) -> &[Obligation] {
        &self.obligations
    }

    /// The currencies that occur in the obligations, sorted by code.
    pub fn currencies(&self) -> &[Currency] {
        &self.currencies
    }

    /// The index of the party with this id.
    pub fn party_index(&self, id: &str) -> Option<usize> {
        self.parties
            .binary_search_by(|party| party.id.as_str().cmp(id))
            .ok()
    }

    /// The index of the obligation with this id.
    pub fn obligation_index(&self, id: &str) -> Option<usize> {
        self.obligations
            .binary_search_by(|obligation| obligation.id.as_str().cmp(id))
            .ok()
    }

    /// The party index of obligation `obligation`'s debtor. Panics if out of range.
    pub fn debtor(&self, obligation: usize) -> usize {
        self.debtors[obligation] as usize
    }

    /// The party index of obligation `obligation`'s creditor. Panics if out of range.
    pub fn creditor(&self, obligation: usize) -> usize {
        self.creditors[obligation] as usize
    }

    /// Every party's net position in `currency`, indexed by party: what it is owed minus
    /// what it owes. Positive for a net creditor.
    pub fn net_positions(&self, currency: Currency) -> Vec<i128> {
        let mut net = vec![0_i128; self.parties.len()];
        for (i, obligation) in self.obligations.iter().enumerate() {
            if obligation.amount.currency() == currency {
                let amount = obligation.amount.amount_minor();
                net[self.debtor(i)] -= amount;
                net[self.creditor(i)] += amount;
            }
        }
        net
    }

    /// The same parties and the obligations at `keep` (ascending indices) with new positive
    /// amounts in the same currency: the part of a cycle still owed. No validation is needed:
    /// a subset of a valid network with positive amounts is valid.
    pub(crate) fn remainder(&self, keep: &[(usize, Money)]) -> Network {
        let mut obligations = Vec::with_capacity(keep.len());
        let mut debtors = Vec::with_capacity(keep.len());
        let mut creditors = Vec::with_capacity(keep.len());
        for &(i, amount) in keep {
            obligations.push(Obligation {
                amount,
                ..self.obligations[i].clone()
            });
            debtors.push(self.debtors[i]);
            creditors.push(self.creditors[i]);
        }
        let mut currencies: Vec<Currency> =
            obligations.iter().map(|o| o.amount.currency()).collect();
        currencies.sort();
        currencies.dedup();
        Network {
            parties: self.parties.clone(),
            obligations,
            debtors,
            creditors,
            currencies,
        }
    }

    /// The indices of the obligations in `currency`, in index order.
    pub(crate) fn obligations_in(&self, currency: Currency) -> Vec<usize> {
        self.obligations
            .iter()
            .enumerate()
            .filter(|(_, obligation)| obligation.amount.currency() == currency)
            .map(|(i, _)| i)
            .collect()
    }
}
