//! Cuts a stream of events into ledger batches: one kind of event per batch, at most
//! [`BATCH_EVENTS_MAX`] events, and a linked chain never split across two batches.

use corridor_ledger::{Account, Event, Transfer, BATCH_EVENTS_MAX};

use crate::jsonl::LineError;

/// An event with where it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Located<T> {
    /// 0-based position among the input's events.
    pub index: u64,
    /// 1-based line number.
    pub line: u64,
    /// The event.
    pub event: T,
}

/// A batch ready for the ledger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Batch {
    /// `create_account` events.
    Accounts(Vec<Located<Account>>),
    /// `create_transfer` events.
    Transfers(Vec<Located<Transfer>>),
}

impl Batch {
    /// Events in the batch.
    pub fn len(&self) -> usize {
        match self {
            Batch::Accounts(events) => events.len(),
            Batch::Transfers(events) => events.len(),
        }
    }

    /// Whether the batch has no events.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Collects events and hands out full batches.
pub struct Batcher {
    events_max: usize,
    current: Vec<Located<Event>>,
    /// Where the open linked chain starts in `current`.
    chain_start: Option<usize>,
}

impl Batcher {
    /// A batcher cutting batches of at most `events_max` (at most [`BATCH_EVENTS_MAX`]).
    pub fn new(events_max: usize) -> Batcher {
        assert!((1..=BATCH_EVENTS_MAX).contains(&events_max));
        Batcher {
            events_max,
            current: Vec::new(),
            chain_start: None,
        }
    }

    /// Adds an event; returns a batch when one is complete.
    pub fn push(&mut self, located: Located<Event>) -> Result<Option<Batch>, LineError> {
        let mut ready = None;
        if let Some(last) = self.current.last() {
            let same_kind = matches!(
                (&last.event, &located.event),
                (Event::CreateAccount(_), Event::CreateAccount(_))
                    | (Event::CreateTransfer(_), Event::CreateTransfer(_))
            );
            if !same_kind {
                if self.chain_start.is_some() {
                    return Err(LineError {
                        line: located.line,
                        field: Some("op".into()),
                        message: "a linked chain cannot mix create_account and create_transfer \
                                  events"
                            .into(),
                    });
                }
                ready = Some(self.take(self.current.len()));
            }
        }
        if self.current.len() == self.events_max {
            let cut = match self.chain_start {
                Some(0) => {
                    return Err(LineError {
                        line: located.line,
                        field: Some("flags".into()),
                        message: format!(
                            "a linked chain may hold at most {} events",
                            self.events_max
                        ),
                    })
                }
                Some(start) => start,
                None => self.current.len(),
            };
            assert!(ready.is_none(), "a kind change empties the batch");
            ready = Some(self.take(cut));
        }
        if located.event.is_linked() && self.chain_start.is_none() {
            self.chain_start = Some(self.current.len());
        }
        if !located.event.is_linked() {
            self.chain_start = None;
        }
        self.current.push(located);
        Ok(ready)
    }

    /// The last batch, if any events are left. An open chain at the end goes to the ledger as
    /// it is, which answers `linked_event_chain_open`.
    pub fn finish(mut self) -> Option<Batch> {
        (!self.current.is_empty()).then(|| self.take(self.current.len()))
    }

    /// Takes the first `count` events as a batch; the rest stay (an open chain moves along).
    fn take(&mut self, count: usize) -> Batch {
        let rest = self.current.split_off(count);
        let events = std::mem::replace(&mut self.current, rest);
        self.chain_start = self.chain_start.map(|start| start - count.min(start));
        let kind_is_account = matches!(
            events.first().map(|e| &e.event),
            Some(Event::CreateAccount(_))
        );
        if kind_is_account {
            Batch::Accounts(
                events
                    .into_iter()
                    .map(|e| match e.event {
                        Event::CreateAccount(a) => Located {
                            index: e.index,
                            line: e.line,
                            event: a,
                        },
                        Event::CreateTransfer(_) => unreachable!("a batch holds one kind"),
                    })
                    .collect(),
            )
        } else {
            Batch::Transfers(
                events
                    .into_iter()
                    .map(|e| match e.event {
                        Event::CreateTransfer(t) => Located {
                            index: e.index,
                            line: e.line,
                            event: t,
                        },
                        Event::CreateAccount(_) => unreachable!("a batch holds one kind"),
                    })
                    .collect(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use corridor_ledger::TransferFlags;

    fn transfer(index: u64, linked: bool) -> Located<Event> {
        let flags = if linked {
            TransferFlags::LINKED
        } else {
            TransferFlags::NONE
        };
        let event = Event::CreateTransfer(Transfer {
            id: u128::from(index) + 1,
            flags,
            ..Transfer::default()
        });
        Located {
            index,
            line: index + 1,
            event,
        }
    }

    fn account(index: u64) -> Located<Event> {
        let event = Event::CreateAccount(Account {
            id: u128::from(index) + 1,
            ..Account::default()
        });
        Located {
            index,
            line: index + 1,
            event,
        }
    }

    /// Feeds a pattern (`a` account, `t` transfer, `l` linked transfer) and returns the sizes
    /// of the batches cut.
    fn check(pattern: &str, events_max: usize) -> Result<Vec<usize>, LineError> {
        let mut batcher = Batcher::new(events_max);
        let mut sizes = Vec::new();
        for (index, kind) in pattern.chars().enumerate() {
            let index = index as u64;
            let located = match kind {
                'a' => account(index),
                't' => transfer(index, false),
                'l' => transfer(index, true),
                _ => unreachable!(),
            };
            if let Some(batch) = batcher.push(located)? {
                sizes.push(batch.len());
            }
        }
        sizes.extend(batcher.finish().map(|b| b.len()));
        Ok(sizes)
    }

    #[test]
    fn batches_are_cut_by_kind_size_and_chain() {
        assert_eq!(check("aaattt", 10).unwrap(), [3, 3]);
        assert_eq!(check("tttttttt", 3).unwrap(), [3, 3, 2]);
        assert_eq!(check("ttllt", 3).unwrap(), [2, 3]);
        assert_eq!(check("tlltt", 3).unwrap(), [1, 3, 1]);
        assert_eq!(check("ttl", 3).unwrap(), [3]);
        assert_eq!(check("", 3).unwrap(), Vec::<usize>::new());
        assert_eq!(
            check("lllll", 3).unwrap_err().field.as_deref(),
            Some("flags")
        );
        assert_eq!(check("ala", 3).unwrap_err().line, 3);
    }
}
