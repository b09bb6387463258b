//! Clearing across currencies at rates fixed for the cycle.
//!
//! Without rates each currency clears on its own: a USD debt cannot be set off against an
//! EUR one. With [`FxRates`], every obligation is converted to one clearing currency before
//! clearing (each amount rounded half to even to the clearing currency's minor unit), the
//! methods run on the converted obligations, and what each method discharged is converted
//! back to the obligation's own currency with [`FxRates::back`] (the inverse rate, half to
//! even, never more than the obligation's amount; a fully discharged obligation is fully
//! discharged in its own currency too).

use corridor_core::{Currency, Money, Rate, Rounding};

use crate::{Obligation, ObligationOutcome};

/// Rates fixed for a clearing cycle: one unit of each listed currency is worth `rate` units
/// of the clearing currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FxRates {
    to: Currency,
    rates: Vec<(Currency, Rate)>,
}

/// Why obligations cannot be converted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FxError {
    /// Two rates are given for one currency.
    #[error("rate {index}: a second rate for {currency}")]
    DuplicateRate {
        /// The second rate's position in the list given.
        index: usize,
        /// The currency.
        currency: Currency,
    },
    /// A rate converts the clearing currency into itself.
    #[error("rate {index}: {currency} is the clearing currency")]
    ClearingCurrency {
        /// The rate's position in the list given.
        index: usize,
        /// The currency.
        currency: Currency,
    },
    /// An obligation is in a currency with no rate.
    #[error("obligation {obligation:?}: field currency: no rate from {currency} to {to}")]
    NoRate {
        /// The obligation's id.
        obligation: String,
        /// Its currency.
        currency: Currency,
        /// The clearing currency.
        to: Currency,
    },
    /// An obligation's amount cannot be converted: it overflows or rounds to nothing.
    #[error("obligation {obligation:?}: field amount: {amount} {reason} in {to}")]
    Unconvertible {
        /// The obligation's id.
        obligation: String,
        /// Its amount.
        amount: Money,
        /// The clearing currency.
        to: Currency,
        /// What happens to it.
        reason: &'static str,
    },
}

impl FxError {
    /// The id of the obligation the error is about, if it is about one.
    pub fn obligation_id(&self) -> Option<&str> {
        match self {
            FxError::NoRate { obligation, .. } | FxError::Unconvertible { obligation, .. } => {
                Some(obligation)
            }
            FxError::DuplicateRate { .. } | FxError::ClearingCurrency { .. } => None,
        }
    }
}

impl FxRates {
    /// Rates into `to`: (currency, units of `to` per unit of currency). At most one rate
    /// per currency, none for `to` itself.
    pub fn new(to: Currency, rates: Vec<(Currency, Rate)>) -> Result<FxRates, FxError> {
        for (index, (currency, _)) in rates.iter().enumerate() {
            if *currency == to {
                return Err(FxError::ClearingCurrency {
                    index,
                    currency: *currency,
                });
            }
            if rates[..index].iter().any(|(c, _)| c == currency) {
                return Err(FxError::DuplicateRate {
                    index,
                    currency: *currency,
                });
            }
        }
        Ok(FxRates { to, rates })
    }

    /// The clearing currency.
    pub fn clearing_currency(&self) -> Currency {
        self.to
    }

    /// The rate from `currency` into the clearing currency; 1 for the clearing currency.
    pub fn rate(&self, currency: Currency) -> Option<Rate> {
        if currency == self.to {
            return Rate::new(1, 1).ok();
        }
        self.rates
            .iter()
            .find(|(c, _)| *c == currency)
            .map(|(_, rate)| *rate)
    }

    /// `obligations` with every amount in the clearing currency, in the same order.
    pub fn convert(&self, obligations: &[Obligation]) -> Result<Vec<Obligation>, FxError> {
        obligations
            .iter()
            .map(|obligation| {
                let amount = self.to_clearing(&obligation.id, obligation.amount)?;
                Ok(Obligation {
                    amount,
                    ..obligation.clone()
                })
            })
            .collect()
    }

    fn to_clearing(&self, id: &str, amount: Money) -> Result<Money, FxError> {
        let currency = amount.currency();
        let rate = self.rate(currency).ok_or_else(|| FxError::NoRate {
            obligation: id.to_owned(),
            currency,
            to: self.to,
        })?;
        let unconvertible = |reason| FxError::Unconvertible {
            obligation: id.to_owned(),
            amount,
            to: self.to,
            reason,
        };
        let converted = amount
            .convert(rate, self.to, Rounding::HalfEven)
            .map_err(|_| unconvertible("overflows"))?;
        if converted.amount_minor() <= 0 {
            return Err(unconvertible("rounds to nothing"));
        }
        Ok(converted)
    }

    /// A part of a converted obligation (`part` of `converted`, both in the clearing
    /// currency), back in the obligation's own currency: `original` when the part is the
    /// whole, otherwise at the inverse rate, half to even, at most `original`.
    pub fn back(&self, original: Money, converted: Money, part: Money) -> Money {
        let currency = original.currency();
        if part.amount_minor() >= converted.amount_minor() {
            return original;
        }
        if part.amount_minor() <= 0 || currency == self.to {
            return Money::from_minor(part.amount_minor().max(0), currency);
        }
        let back = self
            .rate(currency)
            .and_then(|rate| Rate::new(rate.denominator(), rate.numerator()).ok())
            .and_then(|inverse| part.convert(inverse, currency, Rounding::HalfEven).ok())
            .map_or(original.amount_minor(), |m| m.amount_minor());
        Money::from_minor(back.min(original.amount_minor()), currency)
    }
}

impl FxRates {
    /// An outcome of a converted obligation (of `converted` in the clearing currency), in
    /// the obligation's own currency (`original`): each part converted back cumulatively
    /// (set off, then cash, then pools, each by [`FxRates::back`] of the running total), so
    /// the parts add up to `original` exactly.
    pub fn outcome_in_own_currency(
        &self,
        original: Money,
        converted: Money,
        outcome: &ObligationOutcome,
    ) -> ObligationOutcome {
        let clearing = converted.currency();
        let back = |minor: i128| {
            self.back(original, converted, Money::from_minor(minor, clearing))
                .amount_minor()
        };
        let offset = back(outcome.offset.amount_minor());
        let with_cash = back(outcome.offset.amount_minor() + outcome.cash.amount_minor());
        let with_pool = back(outcome.discharged().amount_minor());
        let money = |minor| Money::from_minor(minor, original.currency());
        ObligationOutcome {
            offset: money(offset),
            cash: money(with_cash - offset),
            pooled: money(with_pool - with_cash),
            remaining: money(original.amount_minor() - with_pool),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(minor: i128) -> Money {
        Money::from_minor(minor, Currency::USD)
    }

    #[test]
    fn converts_and_converts_back_within_the_original() {
        let iqd = Currency::from_code("IQD").unwrap();
        let rates = FxRates::new(Currency::USD, vec![(iqd, Rate::new(1, 1310).unwrap())]).unwrap();
        let original = Money::from_minor(1_310_000, iqd); // 1,310.000 IQD
        let converted = original
            .convert(rates.rate(iqd).unwrap(), Currency::USD, Rounding::HalfEven)
            .unwrap();
        assert_eq!(converted, usd(100));
        assert_eq!(rates.back(original, converted, usd(100)), original);
        assert_eq!(
            rates.back(original, converted, usd(50)),
            Money::from_minor(655_000, iqd)
        );
        assert_eq!(
            rates.back(original, converted, usd(0)),
            Money::from_minor(0, iqd)
        );
    }

    proptest::proptest! {
        #[test]
        fn an_outcome_in_its_own_currency_adds_up_to_the_obligation(
            amount in 1_i128..10_000_000_000,
            numerator in 1_u128..100_000,
            denominator in 1_u128..100_000,
            parts in (0_u32..=100, 0_u32..=100, 0_u32..=100),
        ) {
            let iqd = Currency::from_code("IQD").unwrap();
            let rates = FxRates::new(Currency::USD, vec![(iqd, Rate::new(numerator, denominator).unwrap())]).unwrap();
            let original = Money::from_minor(amount, iqd);
            let Ok(converted) = rates.convert(&[crate::Obligation {
                id: "o".to_owned(),
                debtor: "a".to_owned(),
                creditor: "b".to_owned(),
                amount: original,
                due: corridor_calendar::GregorianDate::new(2025, 1, 1).unwrap(),
                hs_code: None,
                reference: None,
            }]) else {
                return Ok(());
            };
            let converted = converted[0].amount;
            // Split the converted amount into offset, cash, pooled and remaining.
            let whole = converted.amount_minor();
            let offset = whole * i128::from(parts.0) / 100;
            let cash = (whole - offset) * i128::from(parts.1) / 100;
            let pooled = (whole - offset - cash) * i128::from(parts.2) / 100;
            let outcome = ObligationOutcome {
                offset: usd(offset),
                cash: usd(cash),
                pooled: usd(pooled),
                remaining: usd(whole - offset - cash - pooled),
            };
            let own = rates.outcome_in_own_currency(original, converted, &outcome);
            for part in [own.offset, own.cash, own.pooled, own.remaining] {
                proptest::prop_assert!(part.amount_minor() >= 0);
                proptest::prop_assert_eq!(part.currency(), iqd);
            }
            proptest::prop_assert_eq!(own.discharged().amount_minor() + own.remaining.amount_minor(), amount);
            // Fully discharged in the clearing currency is fully discharged at home. (The
            // converse need not hold: a clearing unit worth less than half a unit of the
            // obligation's currency rounds back to nothing.)
            if outcome.remaining.amount_minor() == 0 {
                proptest::prop_assert_eq!(own.remaining.amount_minor(), 0);
            }
        }
    }

    #[test]
    fn rejects_a_second_rate_and_the_clearing_currency() {
        let eur = Currency::from_code("EUR").unwrap();
        let rate = Rate::new(11, 10).unwrap();
        assert!(matches!(
            FxRates::new(Currency::USD, vec![(eur, rate), (eur, rate)]),
            Err(FxError::DuplicateRate { index: 1, .. })
        ));
        assert!(matches!(
            FxRates::new(Currency::USD, vec![(Currency::USD, rate)]),
            Err(FxError::ClearingCurrency { index: 0, .. })
        ));
    }
}
