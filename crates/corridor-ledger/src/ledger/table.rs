//! The ledger's id tables: open addressing with linear probing, from a nonzero 128-bit id to a
//! dense `u64` (a transfer's position, an account's place in the account array).
//!
//! Built for the idempotency index, which takes one insert per transfer and grows to millions
//! of entries. A slot is 8 bytes: the value and a fingerprint of the id (24 bits of its hash).
//! The ids themselves live in an array indexed by value (the transfer ids in commit order,
//! appended one after the other; the account ids in the account records), which a probe reads
//! only where a fingerprint matches. So the table is a quarter of what slots holding ids would
//! take, and eight slots share a 64-byte cache line: a lookup or an insert of a new id touches
//! one line of the table (two when its probe runs past the end of the line), and nothing else.
//! [`IdTable::warm`] reads those lines, so the batch loop can fetch them ahead; a lookup that
//! misses hands back the vacant slot, so the insert after it does not probe again. An empty
//! slot is 0 (a slot holds the value plus one). Removal (a linked chain's rollback) shifts the
//! entries after the hole back, so the table keeps no tombstones.
//!
//! The hash is foldhash with a per-process seed, as std's tables are seeded: clients choose the
//! ids, so a fixed hash would let them pick ids that collide. The seed changes only the order
//! of iteration, which nothing depends on.

use std::hash::BuildHasher;

/// Slots per cache line.
const LINE_SLOTS: usize = 8;

/// Eight slots, one cache line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(align(64))]
struct Line([u64; LINE_SLOTS]);

/// A slot holds the value plus one in its low bits, and the id's fingerprint above.
const VALUE_BITS: u32 = 40;
const VALUE_MASK: u64 = (1 << VALUE_BITS) - 1;

/// The largest value a table takes (about a trillion).
const VALUE_MAX: u64 = VALUE_MASK - 1;

/// The table holds at most this share of its slots (numerator over 2^LOAD_SHIFT): 3/4.
const LOAD_NUMERATOR: usize = 3;
const LOAD_SHIFT: u32 = 2;

/// Fewest lines a table that holds anything has.
const LINES_MIN: usize = 2;

/// Where a probe for an id ended: at the id's slot, or at the empty slot where it would go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Probe {
    /// The id is in the table, with this value.
    Found(u64),
    /// The id is not in the table; [`IdTable::insert_vacant`] puts it in this slot.
    Vacant(usize),
}

/// A hash table from nonzero `u128` ids to `u64` values, whose ids the caller keeps: every
/// method that may compare ids takes `key`, which gives the id stored with a value.
#[derive(Clone, Default)]
pub(crate) struct IdTable {
    /// A power of two many lines, or none.
    lines: Vec<Line>,
    len: usize,
    /// `64 - log2(slots)`: an id's home slot is its hash's top bits.
    shift: u32,
    hasher: foldhash::fast::RandomState,
}

impl std::fmt::Debug for IdTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdTable")
            .field("len", &self.len)
            .field("slots", &self.slots_count())
            .finish()
    }
}

impl IdTable {
    /// How many ids the table holds.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Makes room for `additional` more ids without growing. The lines are written once here,
    /// so the memory is in place before the first insert rather than faulted in by inserts.
    pub(crate) fn reserve(&mut self, additional: usize, key: impl Fn(u64) -> u128) {
        let needed = self.len.saturating_add(additional);
        if needed > self.limit() {
            self.resize(lines_for(needed), key);
        }
    }

    /// The hash of `id`, which [`IdTable::probe_hashed`] and [`IdTable::warm`] take (valid for
    /// this table only, through growth too).
    pub(crate) fn hash(&self, id: u128) -> u64 {
        self.hasher.hash_one(id)
    }

    /// Reads the line where a probe for the id with this hash starts (and the next one, when
    /// the probe starts near the end of its line and may run on), so that they are fetched
    /// ahead of the probe (the reads of successive calls do not depend on each other, so the
    /// processor overlaps their misses).
    #[inline]
    pub(crate) fn warm(&self, hash: u64) -> u64 {
        if self.lines.is_empty() {
            return 0;
        }
        let home = self.home(hash);
        let line = home / LINE_SLOTS;
        let mut touched = self.lines[line].0[0];
        if home % LINE_SLOTS >= LINE_SLOTS - 3 {
            touched ^= self.lines[(line + 1) & (self.lines.len() - 1)].0[0];
        }
        touched
    }

    /// The value of the first entry, from where a probe for the id with this hash starts,
    /// with the id's fingerprint: the id's value if the id is present, and `None` if it is
    /// absent, unless another id shares the fingerprint. Reads no key.
    #[inline]
    pub(crate) fn candidate(&self, hash: u64) -> Option<u64> {
        if self.lines.is_empty() {
            return None;
        }
        match self.scan(hash, |_| true) {
            Probe::Found(value) => Some(value),
            Probe::Vacant(_) => None,
        }
    }

    /// Walks the probe sequence of `hash` from its home slot: the first entry with the
    /// hash's fingerprint whose value `accept` takes, or the first empty slot. The table
    /// must have lines.
    #[inline]
    fn scan(&self, hash: u64, mut accept: impl FnMut(u64) -> bool) -> Probe {
        let mask = self.mask();
        let tag = tag(hash);
        let mut index = self.home(hash);
        loop {
            let slot = self.slot(index);
            if slot == 0 {
                return Probe::Vacant(index);
            }
            if slot & !VALUE_MASK == tag {
                let value = (slot & VALUE_MASK) - 1;
                if accept(value) {
                    return Probe::Found(value);
                }
            }
            index = (index + 1) & mask;
        }
    }

    /// The value of `id`, if present.
    #[inline]
    pub(crate) fn get(&self, id: u128, key: impl Fn(u64) -> u128) -> Option<u64> {
        match self.probe(id, key) {
            Probe::Found(value) => Some(value),
            Probe::Vacant(_) => None,
        }
    }

    /// Finds `id`: its value, or the vacant slot it would take. Id 0 is never found.
    #[inline]
    pub(crate) fn probe(&self, id: u128, key: impl Fn(u64) -> u128) -> Probe {
        self.probe_hashed(id, self.hash(id), key)
    }

    /// [`IdTable::probe`] with the id's hash at hand.
    #[inline]
    pub(crate) fn probe_hashed(&self, id: u128, hash: u64, key: impl Fn(u64) -> u128) -> Probe {
        debug_assert_eq!(hash, self.hash(id));
        if self.lines.is_empty() || id == 0 {
            return Probe::Vacant(0);
        }
        self.scan(hash, |value| key(value) == id)
    }

    /// Inserts `id` (absent, nonzero; `hash` its hash) with `value` at the slot a
    /// [`Probe::Vacant`] gave, with nothing inserted or removed since that probe. `key` must
    /// already give `id` for `value`.
    #[inline]
    pub(crate) fn insert_vacant(
        &mut self,
        slot: usize,
        id: u128,
        hash: u64,
        value: u64,
        key: impl Fn(u64) -> u128,
    ) {
        assert!(id != 0 && value <= VALUE_MAX, "id is nonzero, value fits");
        debug_assert_eq!(hash, self.hash(id));
        if self.len + 1 > self.limit() {
            self.resize(lines_for(self.len + 1), &key);
            self.insert_new(hash, value);
            return;
        }
        debug_assert_eq!(self.probe(id, &key), Probe::Vacant(slot));
        *self.slot_mut(slot) = tag(hash) | (value + 1);
        self.len += 1;
    }

    /// Inserts `id` with `value`; returns the value it had, leaving it in place, if present.
    /// `key` must already give `id` for `value`.
    pub(crate) fn insert(
        &mut self,
        id: u128,
        value: u64,
        key: impl Fn(u64) -> u128,
    ) -> Option<u64> {
        match self.probe(id, &key) {
            Probe::Found(existing) => Some(existing),
            Probe::Vacant(slot) => {
                self.insert_vacant(slot, id, self.hash(id), value, key);
                None
            }
        }
    }

    /// Removes `id`; returns its value if it was present.
    pub(crate) fn remove(&mut self, id: u128, key: impl Fn(u64) -> u128) -> Option<u64> {
        let Probe::Found(value) = self.probe(id, &key) else {
            return None;
        };
        let mask = self.mask();
        let mut hole = self.home(self.hash(id));
        while self.slot(hole) & VALUE_MASK != value + 1 {
            hole = (hole + 1) & mask;
        }
        // Backward shift: move back every entry of the run after the hole whose home slot is
        // not between the hole and itself, so every probe still finds its id before a gap.
        let mut index = hole;
        loop {
            index = (index + 1) & mask;
            let slot = self.slot(index);
            if slot == 0 {
                break;
            }
            let home = self.home(self.hash(key((slot & VALUE_MASK) - 1)));
            if index.wrapping_sub(home) & mask >= index.wrapping_sub(hole) & mask {
                *self.slot_mut(hole) = slot;
                hole = index;
            }
        }
        *self.slot_mut(hole) = 0;
        self.len -= 1;
        Some(value)
    }

    /// Every value in the table, in no particular order.
    pub(crate) fn values(&self) -> impl Iterator<Item = u64> + '_ {
        self.lines
            .iter()
            .flat_map(|line| line.0)
            .filter(|slot| *slot != 0)
            .map(|slot| (slot & VALUE_MASK) - 1)
    }

    /// The most ids the slots hold before the table grows.
    fn limit(&self) -> usize {
        (self.slots_count() >> LOAD_SHIFT) * LOAD_NUMERATOR
    }

    fn slots_count(&self) -> usize {
        self.lines.len() * LINE_SLOTS
    }

    fn mask(&self) -> usize {
        self.slots_count() - 1
    }

    #[inline]
    fn slot(&self, index: usize) -> u64 {
        self.lines[index / LINE_SLOTS].0[index % LINE_SLOTS]
    }

    fn slot_mut(&mut self, index: usize) -> &mut u64 {
        &mut self.lines[index / LINE_SLOTS].0[index % LINE_SLOTS]
    }

    /// The home slot: a table of 2^k slots takes the hash's top k bits.
    #[inline]
    fn home(&self, hash: u64) -> usize {
        usize::try_from(hash >> self.shift).expect("slot index fits usize")
    }

    /// Inserts a value whose id is absent and has this hash, with room for it.
    fn insert_new(&mut self, hash: u64, value: u64) {
        let mask = self.mask();
        let mut index = self.home(hash);
        while self.slot(index) != 0 {
            index = (index + 1) & mask;
        }
        *self.slot_mut(index) = tag(hash) | (value + 1);
        self.len += 1;
    }

    fn resize(&mut self, lines: usize, key: impl Fn(u64) -> u128) {
        debug_assert!(lines.is_power_of_two() && lines >= LINES_MIN);
        let old = std::mem::take(&mut self.lines);
        // Written line by line (not `vec![..; n]`, which the allocator hands out as untouched
        // zero pages): the page faults happen here, once, and not one by one as inserts land.
        let mut fresh = Vec::with_capacity(lines);
        fresh.resize(lines, Line::default());
        self.lines = fresh;
        self.shift = 64 - (lines * LINE_SLOTS).trailing_zeros();
        self.len = 0;
        for slot in old.iter().flat_map(|line| line.0) {
            if slot != 0 {
                let value = (slot & VALUE_MASK) - 1;
                self.insert_new(self.hash(key(value)), value);
            }
        }
    }
}

/// The idempotency index: transfer id to position, with the ids in commit order (the keys of
/// its table).
#[derive(Clone, Debug, Default)]
pub(crate) struct TransferIndex {
    table: IdTable,
    /// The id of the transfer at each position.
    ids: Vec<u128>,
}

impl TransferIndex {
    /// How many transfers are indexed.
    pub(crate) fn len(&self) -> usize {
        self.table.len()
    }

    /// Makes room for `additional` more transfers, memory written and all, as the table's.
    pub(crate) fn reserve(&mut self, additional: usize) {
        let len = self.ids.len();
        self.ids.resize(len.saturating_add(additional), 0);
        self.ids.truncate(len);
        let ids = &self.ids;
        self.table.reserve(additional, key_in(ids));
    }

    /// The position of the transfer with this id.
    #[inline]
    pub(crate) fn get(&self, id: u128) -> Option<u64> {
        self.table.get(id, key_in(&self.ids))
    }

    /// Whether a transfer with this id is indexed.
    pub(crate) fn contains(&self, id: u128) -> bool {
        self.get(id).is_some()
    }

    /// See [`IdTable::hash`].
    pub(crate) fn hash(&self, id: u128) -> u64 {
        self.table.hash(id)
    }

    /// See [`IdTable::warm`].
    #[inline]
    pub(crate) fn warm(&self, hash: u64) -> u64 {
        self.table.warm(hash)
    }

    /// See [`IdTable::probe_hashed`].
    #[inline]
    pub(crate) fn probe_hashed(&self, id: u128, hash: u64) -> Probe {
        self.table.probe_hashed(id, hash, key_in(&self.ids))
    }

    /// Indexes `id` (with this hash) at the next position `seq`, at the slot a
    /// [`Probe::Vacant`] gave.
    #[inline]
    pub(crate) fn insert_vacant(&mut self, slot: usize, id: u128, hash: u64, seq: u64) {
        self.push_id(id, seq);
        let ids = &self.ids;
        self.table.insert_vacant(slot, id, hash, seq, key_in(ids));
    }

    /// Indexes `id` at the next position `seq`; panics if it is indexed already.
    pub(crate) fn insert_next(&mut self, id: u128, seq: u64) {
        match self.table.probe(id, key_in(&self.ids)) {
            Probe::Vacant(slot) => self.insert_vacant(slot, id, self.hash(id), seq),
            Probe::Found(_) => panic!("transfer id applied at most once"),
        }
    }

    /// Removes the last transfer indexed, which has this id.
    pub(crate) fn remove_last(&mut self, id: u128) {
        let ids = &self.ids;
        let seq = self.table.remove(id, key_in(ids));
        let last = self.ids.len().checked_sub(1).map(|last| last as u64);
        assert!(seq.is_some() && seq == last, "indexed transfer is the last");
        self.ids.pop();
    }

    /// Indexes `id` at `seq`, for a ledger being rebuilt with `count` transfers (in any order:
    /// each position once). Returns false if the id is indexed already.
    pub(crate) fn restore(&mut self, id: u128, seq: u64, count: u64) -> bool {
        let place = usize::try_from(seq).expect("position fits usize");
        if self.ids.is_empty() {
            let count = usize::try_from(count).expect("count fits usize");
            self.ids.resize(count, 0);
        }
        self.ids[place] = id;
        let ids = &self.ids;
        self.table.insert(id, seq, key_in(ids)).is_none()
    }

    /// Every transfer id with its position, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u128, u64)> + '_ {
        let key = key_in(&self.ids);
        self.table.values().map(move |seq| (key(seq), seq))
    }

    #[inline]
    fn push_id(&mut self, id: u128, seq: u64) {
        assert_eq!(seq, self.ids.len() as u64, "the next position");
        self.ids.push(id);
    }
}

/// The key of a value: the id at that position of `ids`.
fn key_in(ids: &[u128]) -> impl Fn(u64) -> u128 + '_ {
    move |value| ids[usize::try_from(value).expect("value fits usize")]
}

/// The fingerprint of an id with this hash, in a slot's high bits: bits the home slot does
/// not use (it takes the top ones).
fn tag(hash: u64) -> u64 {
    hash << VALUE_BITS
}

/// The lines a table needs to hold `len` ids within its load limit.
fn lines_for(len: usize) -> usize {
    let slots = len
        .checked_mul(1 << LOAD_SHIFT)
        .map(|scaled| scaled.div_ceil(LOAD_NUMERATOR))
        .expect("table size fits usize");
    slots
        .div_ceil(LINE_SLOTS)
        .checked_next_power_of_two()
        .expect("table size fits usize")
        .max(LINES_MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys of the tests: value v has id (v + 1) * 7919.
    fn key(value: u64) -> u128 {
        (u128::from(value) + 1) * 7919
    }

    #[test]
    fn inserts_finds_and_removes_through_growth() {
        let mut table = IdTable::default();
        assert_eq!(table.get(5, key), None);
        assert_eq!(table.remove(5, key), None);
        for value in 0..10_000u64 {
            assert_eq!(table.insert(key(value), value, key), None);
        }
        assert_eq!(table.len(), 10_000);
        assert_eq!(table.insert(key(0), 0, key), Some(0));
        assert_eq!(table.get(0, key), None);
        for value in 0..10_000u64 {
            assert_eq!(table.get(key(value), key), Some(value));
            assert_eq!(table.get(key(value) + 1, key), None);
        }
        // Remove every other id, in an order unlike the inserts', and check the rest.
        for value in (0..10_000u64).rev().step_by(2) {
            assert_eq!(table.remove(key(value), key), Some(value));
        }
        for value in 0..10_000u64 {
            let expected = (value % 2 == 0).then_some(value);
            assert_eq!(table.get(key(value), key), expected, "{value}");
        }
        assert_eq!(table.len(), 5_000);
        let mut listed: Vec<u64> = table.values().collect();
        listed.sort_unstable();
        let expected: Vec<u64> = (0..10_000u64).filter(|value| value % 2 == 0).collect();
        assert_eq!(listed, expected);
    }

    #[test]
    fn removal_keeps_runs_that_wrap_around() {
        // A small table nearly full, so runs are long and some wrap past the last slot.
        let mut table = IdTable::default();
        table.reserve(12, key);
        for value in 0..12u64 {
            table.insert(key(value), value, key);
        }
        for removed in 0..12u64 {
            let mut copy = table.clone();
            assert_eq!(copy.remove(key(removed), key), Some(removed));
            for value in 0..12u64 {
                let expected = (value != removed).then_some(value);
                assert_eq!(copy.get(key(value), key), expected);
            }
        }
    }

    #[test]
    fn vacant_probe_then_insert() {
        let mut table = IdTable::default();
        for value in 0..100u64 {
            match table.probe(key(value), key) {
                Probe::Vacant(slot) => {
                    let hash = table.hash(key(value));
                    table.insert_vacant(slot, key(value), hash, value, key);
                }
                Probe::Found(_) => panic!("absent"),
            }
        }
        for value in 0..100u64 {
            assert_eq!(table.probe(key(value), key), Probe::Found(value));
        }
    }

    #[test]
    fn a_matching_fingerprint_is_checked_against_the_key() {
        let mut table = IdTable::default();
        table.insert(key(0), 0, key);
        // The same id, so the same fingerprint, but the key of value 0 is now another id.
        assert_eq!(table.get(key(0), |_| key(1)), None);
        assert_eq!(table.get(key(0), key), Some(0));
    }
}
