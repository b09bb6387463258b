//! The ledger's records: accounts, transfers, their flags, and the per-event results.

/// Declares a set of flags stored in a `u16`, with named constants, `contains`, `with` and a name
/// table (used by codecs to turn flag names into bits and back).
macro_rules! flags_u16 {
    ($(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $flag:ident = $bit:expr, $text:literal;)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name(u16);

        impl $name {
            $($(#[$fmeta])* pub const $flag: $name = $name(1 << $bit);)*
            /// No flag set.
            pub const NONE: $name = $name(0);
            /// Every flag name with its value, in bit order.
            pub const NAMES: &'static [(&'static str, $name)] = &[$(($text, $name::$flag)),*];
            /// All bits that have a meaning; any other bit is reserved.
            pub const KNOWN_BITS: u16 = 0 $(| (1 << $bit))*;

            /// The flags from raw bits, reserved bits included (validation reports them).
            pub const fn from_bits(bits: u16) -> $name {
                $name(bits)
            }
            /// The raw bits.
            pub const fn bits(self) -> u16 {
                self.0
            }
            /// Whether every flag of `other` is set in `self`.
            pub const fn contains(self, other: $name) -> bool {
                self.0 & other.0 == other.0
            }
            /// `self` with the flags of `other` added.
            #[must_use]
            pub const fn with(self, other: $name) -> $name {
                $name(self.0 | other.0)
            }
            /// `self` with the flags of `other` removed.
            #[must_use]
            pub const fn without(self, other: $name) -> $name {
                $name(self.0 & !other.0)
            }
            /// Whether a bit outside the known flags is set.
            pub const fn has_reserved_bits(self) -> bool {
                self.0 & !Self::KNOWN_BITS != 0
            }
            /// The flag whose name is `name`, if any.
            pub fn from_name(name: &str) -> Option<$name> {
                Self::NAMES.iter().find(|(text, _)| *text == name).map(|(_, flag)| *flag)
            }
            /// The names of the flags that are set, in bit order.
            pub fn names(self) -> impl Iterator<Item = &'static str> {
                Self::NAMES
                    .iter()
                    .filter(move |(_, flag)| self.contains(*flag))
                    .map(|(text, _)| *text)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_list().entries(self.names()).finish()
            }
        }
    };
}

flags_u16! {
    /// Account flags.
    AccountFlags {
        /// This event and the next one in the batch succeed or fail together.
        LINKED = 0, "linked";
        /// `debits_pending + debits_posted` may never exceed `credits_posted`.
        DEBITS_MUST_NOT_EXCEED_CREDITS = 1, "debits_must_not_exceed_credits";
        /// `credits_pending + credits_posted` may never exceed `debits_posted`.
        CREDITS_MUST_NOT_EXCEED_DEBITS = 2, "credits_must_not_exceed_debits";
        /// The account takes no new transfers (set by a pending closing transfer).
        CLOSED = 3, "closed";
    }
}

flags_u16! {
    /// Transfer flags.
    TransferFlags {
        /// This event and the next one in the batch succeed or fail together.
        LINKED = 0, "linked";
        /// Reserve the amount in the pending balances; post or void it later.
        PENDING = 1, "pending";
        /// Post (part of) the pending transfer named by `pending_id`.
        POST_PENDING = 2, "post_pending";
        /// Void the pending transfer named by `pending_id`.
        VOID_PENDING = 3, "void_pending";
        /// Transfer at most what keeps the debit account within its credits.
        BALANCING_DEBIT = 4, "balancing_debit";
        /// Transfer at most what keeps the credit account within its debits.
        BALANCING_CREDIT = 5, "balancing_credit";
        /// A pending transfer that closes its debit account (voiding it reopens the account).
        CLOSING_DEBIT = 6, "closing_debit";
        /// A pending transfer that closes its credit account (voiding it reopens the account).
        CLOSING_CREDIT = 7, "closing_credit";
    }
}

/// An account: four balances kept by the ledger, identity and classification given by the client.
///
/// 128 bytes when encoded, like TigerBeetle's account record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Account {
    /// Client-chosen id, neither 0 nor `u128::MAX`.
    pub id: u128,
    /// Amount reserved by pending transfers that debit this account.
    pub debits_pending: u128,
    /// Amount posted to the debit side.
    pub debits_posted: u128,
    /// Amount reserved by pending transfers that credit this account.
    pub credits_pending: u128,
    /// Amount posted to the credit side.
    pub credits_posted: u128,
    /// Free client data, for example a party id.
    pub user_data_128: u128,
    /// Free client data, for example an external reference.
    pub user_data_64: u64,
    /// Free client data.
    pub user_data_32: u32,
    /// The asset (one currency) the account holds; transfers stay within one ledger.
    pub ledger: u32,
    /// The account's type, for example restricted pool, nostro, trader.
    pub code: u16,
    /// Flags.
    pub flags: AccountFlags,
    /// Nanoseconds, assigned by the ledger when the account is created; 0 in requests.
    pub timestamp: u64,
}

/// A transfer of `amount` from the debit account to the credit account.
///
/// 128 bytes when encoded, like TigerBeetle's transfer record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Transfer {
    /// Client-chosen id, neither 0 nor `u128::MAX`; the idempotency key.
    pub id: u128,
    /// The account debited.
    pub debit_account_id: u128,
    /// The account credited.
    pub credit_account_id: u128,
    /// Amount in the ledger's minor units. For a stored transfer: the amount actually moved.
    pub amount: u128,
    /// For `post_pending` / `void_pending`: the pending transfer's id; otherwise 0.
    pub pending_id: u128,
    /// Free client data.
    pub user_data_128: u128,
    /// Free client data.
    pub user_data_64: u64,
    /// Free client data.
    pub user_data_32: u32,
    /// Seconds after which a pending transfer expires (0: never). Only for pending transfers.
    pub timeout: u32,
    /// The ledger of both accounts.
    pub ledger: u32,
    /// The transfer's type.
    pub code: u16,
    /// Flags.
    pub flags: TransferFlags,
    /// Nanoseconds, assigned by the ledger; 0 in requests.
    pub timestamp: u64,
}

/// One event of a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// Create an account.
    CreateAccount(Account),
    /// Create a transfer.
    CreateTransfer(Transfer),
}

impl Event {
    /// The event's id.
    pub fn id(&self) -> u128 {
        match self {
            Event::CreateAccount(account) => account.id,
            Event::CreateTransfer(transfer) => transfer.id,
        }
    }

    /// Whether the event carries the `linked` flag.
    pub fn is_linked(&self) -> bool {
        match self {
            Event::CreateAccount(account) => account.flags.contains(AccountFlags::LINKED),
            Event::CreateTransfer(transfer) => transfer.flags.contains(TransferFlags::LINKED),
        }
    }
}

/// Where a pending transfer stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PendingStatus {
    /// Reserved, neither posted nor voided yet.
    Pending,
    /// Posted by the transfer with this timestamp.
    Posted {
        /// Timestamp of the posting transfer.
        timestamp: u64,
    },
    /// Voided by the transfer with this timestamp.
    Voided {
        /// Timestamp of the voiding transfer.
        timestamp: u64,
    },
    /// Released because its timeout passed; the release happened at this timestamp.
    Expired {
        /// Timestamp at which the ledger released the reservation.
        timestamp: u64,
    },
}
