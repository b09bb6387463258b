//! Trade contracts whose payment waits for the goods to cross (format in
//! `docs/formats/contracts.md`).

use std::io::Read;

use corridor_calendar::GregorianDate;
use corridor_core::Money;
use corridor_reference::{HsCode, HsEdition};

use crate::table::{optional, required, ColumnSpec, Table, TableRow};
use crate::ImportError;

const COLUMNS: [ColumnSpec; 11] = [
    required("contract"),
    required("payer"),
    required("payee"),
    required("amount"),
    required("currency"),
    required("date"),
    optional("calendar"),
    required("deadline"),
    optional("hs_code"),
    optional("crossing"),
    optional("description"),
];

/// One contract: the payer reserves the amount for the payee at contract; the goods'
/// crossing pays it; the deadline passing without a crossing frees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContractRow {
    /// The 1-based line of the row.
    pub line: u64,
    /// The contract's id.
    pub id: String,
    /// The party that pays (its account in the currency is debited), e.g. a restricted pool.
    pub payer: String,
    /// The party paid (the exporter).
    pub payee: String,
    /// How much is reserved, more than zero.
    pub amount: Money,
    /// When the contract was made (read in the row's calendar).
    pub date: GregorianDate,
    /// The last day the goods may cross for the reservation to be paid.
    pub deadline: GregorianDate,
    /// The goods' HS code, when given.
    pub hs_code: Option<HsCode>,
    /// The crossing the goods are expected to use, as written.
    pub crossing: Option<String>,
    /// What the contract is for.
    pub description: Option<String>,
}

/// Reads a contracts file (CSV): one row per contract.
#[derive(Debug)]
pub struct ContractsReader<R> {
    table: Table<R>,
}

impl<R: Read> ContractsReader<R> {
    /// Reads and checks the header. `input` names the source in errors.
    pub fn new(input: impl Into<String>, reader: R) -> Result<Self, ImportError> {
        Ok(ContractsReader {
            table: Table::new(input.into(), reader, &COLUMNS)?,
        })
    }
}

impl<R: Read> Iterator for ContractsReader<R> {
    type Item = Result<ContractRow, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(self.table.next_row()?.and_then(|row| contract(&row)))
    }
}

fn contract(row: &TableRow<'_>) -> Result<ContractRow, ImportError> {
    let calendar = row.calendar(6)?;
    let payer = row.require(1)?.into_owned();
    let payee = row.require(2)?.into_owned();
    if payer == payee {
        return Err(row.invalid(2, &payee, "is the payer: a contract pays another party"));
    }
    let amount = crate::clearing::money(row, 3, 4, false)?;
    let date = row.date(5, calendar)?;
    let deadline = row.date(7, calendar)?;
    if deadline < date {
        let text = row.require(7)?;
        return Err(row.invalid(7, &text, "is before the contract's date"));
    }
    Ok(ContractRow {
        line: row.line(),
        id: row.require(0)?.into_owned(),
        payer,
        payee,
        amount,
        date,
        deadline,
        hs_code: match row.get(8) {
            Some(_) => Some(row.hs_code(8, &HsEdition::ALL)?),
            None => None,
        },
        crossing: row.text(9),
        description: row.text(10),
    })
}
