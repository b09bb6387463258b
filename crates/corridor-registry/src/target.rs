//! Targets: an amount of trade to reach over a period, stored in the registry.

use corridor_calendar::{Calendar, GregorianDate, Period, PeriodKind};
use corridor_sql::Value;

use crate::report::{FlowChoice, TradeChoice};
use crate::{codes, Registry, RegistryError};

/// What a target covers and how much it asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetSpec {
    /// A short unique name, e.g. `irn-irq-20bn`.
    pub name: String,
    /// The reporter whose figures count.
    pub reporter: String,
    /// The partner (ISO alpha-3), or [`crate::WORLD`] for trade with everyone.
    pub partner: String,
    /// Exports, imports, or both (total trade).
    pub flow: FlowChoice,
    /// Goods, services, or all.
    pub trade: TradeChoice,
    /// The span: a Solar Hijri or Gregorian year (or month, quarter), or the year ending on a
    /// deadline.
    pub span: TargetSpan,
    /// The amount, in US cents.
    pub amount_cents: i128,
    /// Who set it and where it was stated.
    pub note: Option<String>,
}

/// The time a target is measured over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetSpan {
    /// A calendar period, e.g. Solar Hijri year 1404.
    Period(Period),
    /// The twelve Gregorian months that end with the month of this deadline: "$20 billion
    /// of annual trade by 2021-12-31" is measured over January to December 2021.
    Deadline(GregorianDate),
}

impl TargetSpan {
    /// The months the target is measured over, in its calendar: twelve Gregorian months for
    /// a deadline; the months of a period of either calendar.
    pub fn months(self) -> Result<Vec<Period>, RegistryError> {
        let calendar_error = |error: corridor_calendar::CalendarError| RegistryError::Target {
            name: String::new(),
            reason: error.to_string(),
        };
        let (first, last) = match self {
            TargetSpan::Period(period) => {
                let kind = match period.calendar() {
                    Calendar::SolarHijri => PeriodKind::SolarMonth,
                    Calendar::Gregorian => PeriodKind::GregorianMonth,
                };
                (
                    Period::containing(kind, period.first_day()).map_err(calendar_error)?,
                    Period::containing(kind, period.last_day()).map_err(calendar_error)?,
                )
            }
            TargetSpan::Deadline(date) => {
                let last =
                    Period::containing(PeriodKind::GregorianMonth, date).map_err(calendar_error)?;
                let mut first = last;
                for _ in 0..11 {
                    first = first.previous().map_err(calendar_error)?;
                }
                (first, last)
            }
        };
        let mut months = vec![first];
        let mut month = first;
        while month != last {
            month = month.next().map_err(calendar_error)?;
            months.push(month);
        }
        Ok(months)
    }

    /// The span's first and last day.
    pub fn days(self) -> Result<(GregorianDate, GregorianDate), RegistryError> {
        let months = self.months()?;
        match (months.first(), months.last()) {
            (Some(first), Some(last)) => Ok((first.first_day(), last.last_day())),
            _ => Err(RegistryError::Target {
                name: String::new(),
                reason: "the span has no months".to_owned(),
            }),
        }
    }

    /// `1404` (with the calendar), or `by 2021-12-31`.
    pub fn label(self) -> String {
        match self {
            TargetSpan::Period(period) => format!("{period} ({})", period.calendar()),
            TargetSpan::Deadline(date) => format!("by {date}"),
        }
    }
}

/// A stored target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Its number.
    pub id: i64,
    /// Its definition.
    pub spec: TargetSpec,
}

impl Registry {
    /// Stores a new target. Its name must be new.
    pub fn add_target(&mut self, spec: TargetSpec) -> Result<Target, RegistryError> {
        let error = |reason: String| RegistryError::Target {
            name: spec.name.clone(),
            reason,
        };
        if spec.amount_cents <= 0 {
            return Err(error("the amount must be more than zero".to_owned()));
        }
        let amount = i64::try_from(spec.amount_cents)
            .map_err(|_| error("the amount is too large".to_owned()))?;
        let (first, last) = spec.span.days().map_err(|e| error(e.to_string()))?;
        let (calendar, period) = match spec.span {
            TargetSpan::Period(period) => (codes::calendar(period.calendar()), period.to_string()),
            TargetSpan::Deadline(date) => ("deadline", date.to_string()),
        };
        let id = self.with_db(|db| {
            let taken = db.query_opt(
                "SELECT id FROM target WHERE name = ?1",
                &[Value::from(&spec.name)],
            )?;
            if taken.is_some() {
                return Err(error("a target with this name exists".to_owned()));
            }
            let row = db.query_opt(
                "INSERT INTO target (name, reporter, partner, flow, trade, calendar, period,
                                     first_day, last_day, amount_cents, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id",
                &[
                    Value::from(&spec.name),
                    Value::from(&spec.reporter),
                    Value::from(&spec.partner),
                    Value::from(spec.flow.name()),
                    Value::from(spec.trade.name()),
                    Value::from(calendar),
                    Value::from(period),
                    Value::Integer(first.days_since_epoch()),
                    Value::Integer(last.days_since_epoch()),
                    Value::Integer(amount),
                    Value::from(spec.note.as_ref()),
                ],
            )?;
            Ok(row.map(|row| row.i64(0)).transpose()?.unwrap_or_default())
        })?;
        Ok(Target { id, spec })
    }

    /// Deletes the target called `name`; false if there was none.
    pub fn remove_target(&mut self, name: &str) -> Result<bool, RegistryError> {
        let deleted = self.with_db(|db| {
            Ok(db.execute("DELETE FROM target WHERE name = ?1", &[Value::from(name)])?)
        })?;
        Ok(deleted > 0)
    }

    /// Every target, by number.
    pub fn targets(&self) -> Result<Vec<Target>, RegistryError> {
        let rows = self.with_db(|db| {
            Ok(db.query(
                "SELECT id, name, reporter, partner, flow, trade, calendar, period, amount_cents,
                        note
                 FROM target ORDER BY id",
                &[],
            )?)
        })?;
        let mut targets = Vec::new();
        for row in rows {
            let (id, name, reporter, partner, flow, trade, calendar, period, amount, note) = (
                row.i64(0)?,
                row.text(1)?,
                row.text(2)?,
                row.text(3)?,
                row.text(4)?,
                row.text(5)?,
                row.text(6)?,
                row.text(7)?,
                row.i64(8)?,
                row.opt_text(9)?,
            );
            let corrupt = |reason: String| RegistryError::Corrupt {
                table: "target",
                row: id.to_string(),
                reason,
            };
            let span = if calendar == "deadline" {
                let date = period
                    .parse::<GregorianDate>()
                    .map_err(|e| corrupt(e.to_string()))?;
                TargetSpan::Deadline(date)
            } else {
                let calendar = codes::calendar_from(&calendar)
                    .ok_or_else(|| corrupt(format!("unknown calendar {calendar:?}")))?;
                TargetSpan::Period(
                    Period::parse(&period, calendar).map_err(|e| corrupt(e.to_string()))?,
                )
            };
            targets.push(Target {
                id,
                spec: TargetSpec {
                    name,
                    reporter,
                    partner,
                    flow: FlowChoice::from_name(&flow)
                        .ok_or_else(|| corrupt(format!("unknown flow {flow:?}")))?,
                    trade: TradeChoice::from_name(&trade)
                        .ok_or_else(|| corrupt(format!("unknown trade {trade:?}")))?,
                    span,
                    amount_cents: i128::from(amount),
                    note,
                },
            });
        }
        Ok(targets)
    }
}
