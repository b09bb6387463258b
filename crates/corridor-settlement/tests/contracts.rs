//! Payment on crossing against an in-memory ledger: reservations at contract, payments when
//! the goods cross (whole, partial, several shipments in any order), release at the
//! deadline, exactly once however often files are loaded, and bad input changing nothing.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use corridor_core::Currency;
use corridor_import::{ContractsReader, CustomsReader, Declaration};
use corridor_ledger::{AccountFlags, PendingStatus, Transfer, TransferFlags};
use corridor_settlement::contracts::{
    register, reservation_id, ship, ContractError, ContractRecord, ShipmentRecord,
};
use corridor_settlement::post::{account_id, ledger_of, party_account, Holder};
use corridor_store::{LedgerStore, MemoryStore};
use proptest::prelude::*;

const DAY: u64 = 86_400 * 1_000_000_000;
/// 2024-06-01 00:00 UTC.
const JUNE_1: u64 = 19_875 * DAY;

/// The book: what the caller keeps between files.
#[derive(Default)]
struct Book {
    contracts: BTreeMap<String, ContractRecord>,
    shipments: Vec<ShipmentRecord>,
}

impl Book {
    fn applied(&self) -> BTreeSet<String> {
        self.shipments
            .iter()
            .map(|s| s.declaration.clone())
            .collect()
    }
}

struct World {
    ledger: MemoryStore,
    book: Book,
    clock: u64,
}

fn iqd() -> Currency {
    Currency::from_code("IQD").unwrap()
}

impl World {
    /// A ledger with the pool funded with `funds` (IQD minor units); the pool may not go
    /// below zero.
    fn new(funds: u128) -> World {
        let mut ledger = MemoryStore::in_memory();
        let mut pool = party_account("POOL", iqd());
        pool.flags = AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS;
        let source = party_account("CBI", iqd());
        ledger.create_accounts(JUNE_1, &[pool, source]).unwrap();
        let funding = Transfer {
            id: 1,
            debit_account_id: source.id,
            credit_account_id: pool.id,
            amount: funds,
            ledger: ledger_of(iqd()),
            code: 1,
            flags: TransferFlags::NONE,
            ..Transfer::default()
        };
        ledger.create_transfers(JUNE_1 + 1, &[funding]).unwrap();
        World {
            ledger,
            book: Book::default(),
            clock: JUNE_1 + 1_000,
        }
    }

    fn register(&mut self, csv: &str) -> Result<(), ContractError> {
        let rows: Vec<_> = ContractsReader::new("contracts.csv", csv.as_bytes())
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let known = self.book.contracts.clone();
        let mut clock = self.clock;
        let mut now = || {
            clock += 1_000;
            clock
        };
        let registered = register(&mut self.ledger, "contracts.csv", &rows, &known, &mut now)?;
        self.clock = clock;
        for record in registered.new {
            self.book.contracts.insert(record.id.clone(), record);
        }
        Ok(())
    }

    fn ship(&mut self, csv: &str) -> Result<usize, ContractError> {
        let mut reader = CustomsReader::new("declarations.csv", csv.as_bytes()).unwrap();
        let mut declarations: Vec<Declaration> = Vec::new();
        while let Some(declaration) = reader.next_declaration() {
            declarations.push(declaration.unwrap());
        }
        let known = |name: &str| -> Option<String> {
            ["mehran", "shalamcheh"]
                .into_iter()
                .find(|id| id.eq_ignore_ascii_case(name))
                .map(str::to_owned)
        };
        let applied = self.book.applied();
        let contracts = self.book.contracts.clone();
        let mut clock = self.clock;
        let mut now = || {
            clock += 1_000;
            clock
        };
        let shipped = ship(
            &mut self.ledger,
            "declarations.csv",
            &declarations,
            &contracts,
            &applied,
            &known,
            &mut now,
        )?;
        self.clock = clock;
        let count = shipped.new.len();
        self.book.shipments.extend(shipped.new);
        for contract in shipped.contracts {
            self.book.contracts.insert(contract.id.clone(), contract);
        }
        Ok(count)
    }

    /// (posted to the payee, pending on the pool) in minor units.
    fn balances(&mut self, payee: &str) -> (u128, u128) {
        let accounts = self
            .ledger
            .lookup_accounts(&[
                account_id(&Holder::Party(payee.to_owned()), iqd()),
                account_id(&Holder::Party("POOL".to_owned()), iqd()),
            ])
            .unwrap();
        let payee_posted = accounts
            .iter()
            .find(|a| a.id == account_id(&Holder::Party(payee.to_owned()), iqd()))
            .map_or(0, |a| a.credits_posted);
        let pool_pending = accounts
            .iter()
            .find(|a| a.id == account_id(&Holder::Party("POOL".to_owned()), iqd()))
            .map_or(0, |a| a.debits_pending);
        (payee_posted, pool_pending)
    }
}

const HEADER: &str =
    "contract,payer,payee,amount,currency,date,deadline,hs_code,crossing,description\n";
const DECLARATIONS: &str =
    "declaration,date,reporter,partner,flow,hs_code,value,currency,value_usd,crossing,contract\n";

fn contract(id: &str, amount: &str, deadline: &str) -> String {
    format!("{id},POOL,EXP-{id},\"{amount}\",IQD,2024-05-20,{deadline},1006,Mehran,rice\n")
}

fn declaration(id: &str, date: &str, value: &str, crossing: &str, contract: &str) -> String {
    format!("{id},{date},IRN,IRQ,export,1006,{value},IQD,1.00,{crossing},{contract}\n")
}

#[test]
fn a_crossing_pays_the_reservation_once() {
    let mut world = World::new(1_000_000_000);
    world
        .register(&format!(
            "{HEADER}{}",
            contract("C1", "300,000.000", "2024-09-30")
        ))
        .unwrap();
    assert_eq!(world.balances("EXP-C1"), (0, 300_000_000));
    // Registering again changes nothing.
    world
        .register(&format!(
            "{HEADER}{}",
            contract("C1", "300,000.000", "2024-09-30")
        ))
        .unwrap();
    assert_eq!(world.balances("EXP-C1"), (0, 300_000_000));

    let file = format!(
        "{DECLARATIONS}{}",
        declaration("D1", "2024-06-10", "300000.000", "Mehran", "C1")
    );
    assert_eq!(world.ship(&file).unwrap(), 1);
    assert_eq!(world.balances("EXP-C1"), (300_000_000, 0));
    assert!(world.book.shipments[0].outcome.contains("paid in full"));
    // The same file again: already applied, nothing more paid.
    assert_eq!(world.ship(&file).unwrap(), 0);
    assert_eq!(world.balances("EXP-C1"), (300_000_000, 0));
    world.ledger.check_invariants().unwrap();
}

#[test]
fn partial_shipments_pay_part_and_keep_the_rest_reserved_in_any_order() {
    let run = |order: &[usize]| {
        let mut world = World::new(1_000_000_000);
        world
            .register(&format!(
                "{HEADER}{}",
                contract("C1", "100,000.000", "2024-09-30")
            ))
            .unwrap();
        let rows = [
            declaration("D1", "2024-06-10", "40000.000", "Mehran", "C1"),
            declaration("D2", "2024-06-20", "30000.000", "shalamcheh", "C1"),
            declaration("D3", "2024-07-01", "50000.000", "Mehran", "C1"),
        ];
        for &k in order {
            world.ship(&format!("{DECLARATIONS}{}", rows[k])).unwrap();
        }
        (
            world.balances("EXP-C1"),
            world.book.contracts["C1"].paid_minor,
        )
    };
    // 40 + 30 + at most the 30 left: 100 paid, nothing still reserved.
    assert_eq!(run(&[0, 1, 2]), ((100_000_000, 0), 100_000_000));
    assert_eq!(run(&[2, 0, 1]), ((100_000_000, 0), 100_000_000));
    // Two of them: the rest stays reserved.
    let mut world = World::new(1_000_000_000);
    world
        .register(&format!(
            "{HEADER}{}",
            contract("C1", "100,000.000", "2024-09-30")
        ))
        .unwrap();
    let both = format!(
        "{DECLARATIONS}{}{}",
        declaration("D2", "2024-06-20", "30000.000", "Shalamcheh", "C1"),
        declaration("D1", "2024-06-10", "40000.000", "Mehran", "C1"),
    );
    world.ship(&both).unwrap();
    assert_eq!(world.balances("EXP-C1"), (70_000_000, 30_000_000));
    // Applied by crossing date, whatever the rows' order.
    assert_eq!(world.book.shipments[0].declaration, "D1");
    assert!(
        world.book.shipments[1].outcome.contains("still reserved"),
        "{:?}",
        world.book.shipments[1]
    );
    world.ledger.check_invariants().unwrap();
}

#[test]
fn the_deadline_passing_frees_the_money_and_a_late_declaration_pays_nothing() {
    let mut world = World::new(1_000_000_000);
    world
        .register(&format!(
            "{HEADER}{}",
            contract("C1", "100,000.000", "2024-06-05")
        ))
        .unwrap();
    assert_eq!(world.balances("EXP-C1"), (0, 100_000_000));
    // Time passes beyond the deadline: the ledger releases the reservation.
    world.clock = JUNE_1 + 10 * DAY;
    let now = world.clock;
    world.ledger.create_transfers(now, &[]).unwrap();
    let status = world.ledger.pending_status(reservation_id("C1")).unwrap();
    assert!(
        matches!(status, Some(PendingStatus::Expired { .. })),
        "{status:?}"
    );
    assert_eq!(world.balances("EXP-C1"), (0, 0));
    world
        .ship(&format!(
            "{DECLARATIONS}{}",
            declaration("D1", "2024-06-04", "100000.000", "Mehran", "C1")
        ))
        .unwrap();
    assert_eq!(world.balances("EXP-C1"), (0, 0));
    assert!(
        world.book.shipments[0].outcome.contains("released"),
        "{:?}",
        world.book.shipments[0]
    );
    // Past the deadline but before the ledger's next batch (its reservation not yet
    // released): nothing is paid, and the file is not refused.
    world
        .register(&format!(
            "{HEADER}{}",
            contract("C3", "10.000", "2024-06-20")
        ))
        .unwrap();
    world.clock = JUNE_1 + 30 * DAY;
    world
        .ship(&format!(
            "{DECLARATIONS}{}",
            declaration("D3", "2024-06-19", "10.000", "Mehran", "C3")
        ))
        .unwrap();
    assert!(
        world.book.shipments[1].outcome.contains("released"),
        "{:?}",
        world.book.shipments[1]
    );
    assert_eq!(world.balances("EXP-C3").0, 0);
    // A contract registered after its deadline reserves nothing.
    world
        .register(&format!(
            "{HEADER}{}",
            contract("C2", "1.000", "2024-06-05")
        ))
        .unwrap();
    assert_eq!(world.book.contracts["C2"].reservation, None);
}

#[test]
fn bad_input_names_file_line_and_field_and_changes_nothing() {
    let mut world = World::new(1_000_000_000);
    world
        .register(&format!(
            "{HEADER}{}{}",
            contract("C1", "100,000.000", "2024-09-30"),
            contract("C2", "100,000.000", "2024-09-30")
        ))
        .unwrap();
    let before = world.balances("EXP-C1");
    let cases = [
        (
            declaration("D9", "2024-06-10", "1.000", "Mehran", "NOPE"),
            "line 3, field contract",
        ),
        (
            declaration("D9", "2024-06-10", "1.000", "Atlantis", "C1"),
            "line 3, field crossing",
        ),
        (
            declaration("D9", "2024-05-01", "1.000", "Mehran", "C1"),
            "line 3, field date",
        ),
        (
            "D9,2024-06-10,IRN,IRQ,export,1006,1.00,EUR,1.10,Mehran,C1\n".to_owned(),
            "line 3, field currency",
        ),
    ];
    for (bad, expected) in cases {
        // A good row first: it must not be paid either.
        let file = format!(
            "{DECLARATIONS}{}{bad}",
            declaration("D1", "2024-06-10", "10.000", "Mehran", "C2")
        );
        let error = world.ship(&file).unwrap_err().to_string();
        assert!(error.contains(expected), "{error}");
        assert!(error.contains("declarations.csv"), "{error}");
        assert_eq!(world.balances("EXP-C1"), before);
        assert_eq!(world.balances("EXP-C2").0, 0);
        assert!(world.book.shipments.is_empty());
    }
    // Other terms for a registered contract, and more than the pool holds.
    let error = world
        .register(&format!(
            "{HEADER}{}",
            contract("C1", "5.000", "2024-09-30")
        ))
        .unwrap_err()
        .to_string();
    assert!(error.contains("line 2, field contract"), "{error}");
    let error = world
        .register(&format!(
            "{HEADER}{}",
            contract("C3", "900,000.000", "2024-09-30")
        ))
        .unwrap_err()
        .to_string();
    assert!(error.contains("field amount"), "{error}");
    assert!(!world.book.contracts.contains_key("C3"));
    assert_eq!(
        world.ledger.pending_status(reservation_id("C3")).unwrap(),
        None
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Random shipments against two contracts, each file loaded in a random order and some
    /// twice: the ledger's invariants hold; each contract's payee received exactly what the
    /// book says was paid, never more than the contract; what is paid plus what is still
    /// reserved never exceeds it; and each declaration was applied once.
    #[test]
    fn payments_never_exceed_contracts_and_apply_once(
        shipments in proptest::collection::vec((0..2usize, 1..60u32, 1..90u32), 1..10),
        order in proptest::collection::vec(0..10usize, 1..14),
    ) {
        let mut world = World::new(10_000_000_000);
        world.register(&format!(
            "{HEADER}{}{}",
            contract("C0", "100,000.000", "2024-12-31"),
            contract("C1", "70,000.000", "2024-12-31")
        )).unwrap();
        let rows: Vec<String> = shipments
            .iter()
            .enumerate()
            .map(|(k, (c, thousands, day))| {
                let date = corridor_calendar::GregorianDate::from_days_since_epoch(19_875 + i64::from(*day)).unwrap();
                declaration(&format!("D{k}"), &date.to_string(), &format!("{thousands}000.000"), "Mehran", &format!("C{c}"))
            })
            .collect();
        for k in order {
            let row = &rows[k % rows.len()];
            world.ship(&format!("{DECLARATIONS}{row}")).unwrap();
        }
        world.ledger.check_invariants().unwrap();
        let applied: Vec<&String> = world.book.shipments.iter().map(|s| &s.declaration).collect();
        let unique: BTreeSet<&String> = applied.iter().copied().collect();
        prop_assert_eq!(applied.len(), unique.len());
        for (id, amount) in [("C0", 100_000_000_i128), ("C1", 70_000_000)] {
            let record = world.book.contracts[id].clone();
            let paid: i128 = world.book.shipments.iter().filter(|s| s.contract == id).map(|s| s.posted_minor).sum();
            prop_assert_eq!(paid, record.paid_minor);
            prop_assert!(record.paid_minor + record.reserved_minor <= amount);
            let (posted, _) = world.balances(&format!("EXP-{id}"));
            prop_assert_eq!(i128::try_from(posted).unwrap(), paid);
            // Nothing is lost: what is not paid is still reserved (the deadline is far).
            prop_assert_eq!(record.paid_minor + record.reserved_minor, amount);
        }
    }
}

/// The ledger took a file's transfers but the book was never written (a crash between the
/// two): loading the file again writes the book and pays nothing twice.
#[test]
fn a_load_interrupted_before_the_book_is_taken_up_again_without_paying_twice() {
    let mut world = World::new(1_000_000_000);
    world
        .register(&format!(
            "{HEADER}{}",
            contract("C1", "100,000.000", "2024-09-30")
        ))
        .unwrap();
    let file = format!(
        "{DECLARATIONS}{}{}",
        declaration("D1", "2024-06-10", "40000.000", "Mehran", "C1"),
        declaration("D2", "2024-06-11", "20000.000", "Mehran", "C1"),
    );
    let book = std::mem::take(&mut world.book.shipments);
    let contracts = world.book.contracts.clone();
    world.ship(&file).unwrap();
    let paid = world.balances("EXP-C1");
    assert_eq!(paid, (60_000_000, 40_000_000));
    // Forget what the book learnt.
    world.book.shipments = book;
    world.book.contracts = contracts;
    assert_eq!(world.ship(&file).unwrap(), 2);
    assert_eq!(world.balances("EXP-C1"), paid);
    assert_eq!(world.book.contracts["C1"].paid_minor, 60_000_000);
    assert_eq!(world.book.contracts["C1"].reserved_minor, 40_000_000);
    world.ledger.check_invariants().unwrap();
}

/// A declaration repeated in a file (even with another date) pays once.
#[test]
fn a_declaration_repeated_in_a_file_pays_once() {
    let mut world = World::new(1_000_000_000);
    world
        .register(&format!(
            "{HEADER}{}",
            contract("C1", "100,000.000", "2024-09-30")
        ))
        .unwrap();
    let file = format!(
        "{DECLARATIONS}{}{}{}",
        declaration("D1", "2024-06-10", "10000.000", "Mehran", "C1"),
        declaration("D2", "2024-06-05", "10000.000", "Mehran", "C1"),
        declaration("D1", "2024-06-01", "10000.000", "Mehran", "C1"),
    );
    assert_eq!(world.ship(&file).unwrap(), 2);
    assert_eq!(world.balances("EXP-C1"), (20_000_000, 80_000_000));
    world.ledger.check_invariants().unwrap();
}
