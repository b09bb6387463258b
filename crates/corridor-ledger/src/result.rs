//! Per-event results, in descending order of precedence: when several reasons apply to one
//! event, the first one listed is returned. The table in `docs/ledger-results.md` explains each.

/// Declares a result enum with its snake_case names.
macro_rules! result_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)* }) => {
        $(#[$meta])*
        #[must_use]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
        }

        impl $name {
            /// Every result, in precedence order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stable snake_case name used in every output and in the API.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// The result whose name is `name`.
            pub fn from_name(name: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|result| result.as_str() == name)
            }

            /// Whether the event was applied (`ok`).
            pub const fn is_ok(self) -> bool {
                matches!(self, $name::Ok)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

result_enum! {
    /// The result of one `create_account` event.
    CreateAccountResult {
        /// The account was created.
        Ok => "ok",
        /// Another event of the same linked chain failed, so this one was not applied.
        LinkedEventFailed => "linked_event_failed",
        /// The batch ended inside a linked chain (its last event has the `linked` flag).
        LinkedEventChainOpen => "linked_event_chain_open",
        /// Timestamps are assigned by the ledger.
        TimestampMustBeZero => "timestamp_must_be_zero",
        /// A flag bit without a meaning was set.
        ReservedFlag => "reserved_flag",
        /// The id 0 is reserved.
        IdMustNotBeZero => "id_must_not_be_zero",
        /// The id `u128::MAX` is reserved.
        IdMustNotBeIntMax => "id_must_not_be_int_max",
        /// An account with this id exists with other flags.
        ExistsWithDifferentFlags => "exists_with_different_flags",
        /// An account with this id exists with another `user_data_128`.
        ExistsWithDifferentUserData128 => "exists_with_different_user_data_128",
        /// An account with this id exists with another `user_data_64`.
        ExistsWithDifferentUserData64 => "exists_with_different_user_data_64",
        /// An account with this id exists with another `user_data_32`.
        ExistsWithDifferentUserData32 => "exists_with_different_user_data_32",
        /// An account with this id exists on another ledger.
        ExistsWithDifferentLedger => "exists_with_different_ledger",
        /// An account with this id exists with another code.
        ExistsWithDifferentCode => "exists_with_different_code",
        /// This account already exists, identical: a retry. Nothing changed.
        Exists => "exists",
        /// `debits_must_not_exceed_credits` and `credits_must_not_exceed_debits` together.
        FlagsAreMutuallyExclusive => "flags_are_mutually_exclusive",
        /// Balances are kept by the ledger and must be zero in a request.
        DebitsPendingMustBeZero => "debits_pending_must_be_zero",
        /// Balances are kept by the ledger and must be zero in a request.
        DebitsPostedMustBeZero => "debits_posted_must_be_zero",
        /// Balances are kept by the ledger and must be zero in a request.
        CreditsPendingMustBeZero => "credits_pending_must_be_zero",
        /// Balances are kept by the ledger and must be zero in a request.
        CreditsPostedMustBeZero => "credits_posted_must_be_zero",
        /// Ledger 0 is reserved.
        LedgerMustNotBeZero => "ledger_must_not_be_zero",
        /// Code 0 is reserved.
        CodeMustNotBeZero => "code_must_not_be_zero",
    }
}

result_enum! {
    /// The result of one `create_transfer` event.
    CreateTransferResult {
        /// The transfer was applied.
        Ok => "ok",
        /// Another event of the same linked chain failed, so this one was not applied.
        LinkedEventFailed => "linked_event_failed",
        /// The batch ended inside a linked chain (its last event has the `linked` flag).
        LinkedEventChainOpen => "linked_event_chain_open",
        /// Timestamps are assigned by the ledger.
        TimestampMustBeZero => "timestamp_must_be_zero",
        /// A flag bit without a meaning was set.
        ReservedFlag => "reserved_flag",
        /// The id 0 is reserved.
        IdMustNotBeZero => "id_must_not_be_zero",
        /// The id `u128::MAX` is reserved.
        IdMustNotBeIntMax => "id_must_not_be_int_max",
        /// A transfer with this id exists with other flags.
        ExistsWithDifferentFlags => "exists_with_different_flags",
        /// A transfer with this id exists with another `pending_id`.
        ExistsWithDifferentPendingId => "exists_with_different_pending_id",
        /// A transfer with this id exists with another timeout.
        ExistsWithDifferentTimeout => "exists_with_different_timeout",
        /// A transfer with this id exists with another debit account.
        ExistsWithDifferentDebitAccountId => "exists_with_different_debit_account_id",
        /// A transfer with this id exists with another credit account.
        ExistsWithDifferentCreditAccountId => "exists_with_different_credit_account_id",
        /// A transfer with this id exists with another amount.
        ExistsWithDifferentAmount => "exists_with_different_amount",
        /// A transfer with this id exists with another `user_data_128`.
        ExistsWithDifferentUserData128 => "exists_with_different_user_data_128",
        /// A transfer with this id exists with another `user_data_64`.
        ExistsWithDifferentUserData64 => "exists_with_different_user_data_64",
        /// A transfer with this id exists with another `user_data_32`.
        ExistsWithDifferentUserData32 => "exists_with_different_user_data_32",
        /// A transfer with this id exists on another ledger.
        ExistsWithDifferentLedger => "exists_with_different_ledger",
        /// A transfer with this id exists with another code.
        ExistsWithDifferentCode => "exists_with_different_code",
        /// This transfer already exists, identical: a retry. Nothing changed.
        Exists => "exists",
        /// Flags that exclude each other: at most one of `pending`, `post_pending`,
        /// `void_pending`; no balancing or closing flag on a post or void.
        FlagsAreMutuallyExclusive => "flags_are_mutually_exclusive",
        /// The debit account id 0 is reserved (allowed only on post/void, which inherit it).
        DebitAccountIdMustNotBeZero => "debit_account_id_must_not_be_zero",
        /// The debit account id `u128::MAX` is reserved.
        DebitAccountIdMustNotBeIntMax => "debit_account_id_must_not_be_int_max",
        /// The credit account id 0 is reserved (allowed only on post/void, which inherit it).
        CreditAccountIdMustNotBeZero => "credit_account_id_must_not_be_zero",
        /// The credit account id `u128::MAX` is reserved.
        CreditAccountIdMustNotBeIntMax => "credit_account_id_must_not_be_int_max",
        /// The debit and credit accounts are the same account.
        AccountsMustBeDifferent => "accounts_must_be_different",
        /// Only a post or void names a pending transfer.
        PendingIdMustBeZero => "pending_id_must_be_zero",
        /// A post or void must name the pending transfer.
        PendingIdMustNotBeZero => "pending_id_must_not_be_zero",
        /// The pending id `u128::MAX` is reserved.
        PendingIdMustNotBeIntMax => "pending_id_must_not_be_int_max",
        /// A post or void cannot name itself.
        PendingIdMustBeDifferent => "pending_id_must_be_different",
        /// Only a pending transfer may have a timeout.
        TimeoutReservedForPendingTransfer => "timeout_reserved_for_pending_transfer",
        /// A closing transfer must be pending (voiding it reopens the account).
        ClosingTransferMustBePending => "closing_transfer_must_be_pending",
        /// A transfer moves a positive amount. A post may give 0 to post the full amount; a
        /// balancing transfer's amount is a ceiling and may be 0 (or come out as 0).
        AmountMustNotBeZero => "amount_must_not_be_zero",
        /// Ledger 0 is reserved (allowed only on post/void, which inherit it).
        LedgerMustNotBeZero => "ledger_must_not_be_zero",
        /// Code 0 is reserved (allowed only on post/void, which inherit it).
        CodeMustNotBeZero => "code_must_not_be_zero",
        /// No account has the debit account id.
        DebitAccountNotFound => "debit_account_not_found",
        /// No account has the credit account id.
        CreditAccountNotFound => "credit_account_not_found",
        /// The two accounts are on different ledgers.
        AccountsMustHaveTheSameLedger => "accounts_must_have_the_same_ledger",
        /// The transfer's ledger is not the accounts' ledger.
        TransferMustHaveTheSameLedgerAsAccounts => "transfer_must_have_the_same_ledger_as_accounts",
        /// No transfer has the pending id.
        PendingTransferNotFound => "pending_transfer_not_found",
        /// The transfer named by the pending id is not a pending transfer.
        PendingTransferNotPending => "pending_transfer_not_pending",
        /// The post/void names another debit account than the pending transfer.
        PendingTransferHasDifferentDebitAccountId => "pending_transfer_has_different_debit_account_id",
        /// The post/void names another credit account than the pending transfer.
        PendingTransferHasDifferentCreditAccountId =>
            "pending_transfer_has_different_credit_account_id",
        /// The post/void names another ledger than the pending transfer.
        PendingTransferHasDifferentLedger => "pending_transfer_has_different_ledger",
        /// The post/void names another code than the pending transfer.
        PendingTransferHasDifferentCode => "pending_transfer_has_different_code",
        /// A post or void names more than was reserved.
        ExceedsPendingTransferAmount => "exceeds_pending_transfer_amount",
        /// A void names less than was reserved (it gives 0 or the reserved amount).
        PendingTransferHasDifferentAmount => "pending_transfer_has_different_amount",
        /// The pending transfer was already posted.
        PendingTransferAlreadyPosted => "pending_transfer_already_posted",
        /// The pending transfer was already voided.
        PendingTransferAlreadyVoided => "pending_transfer_already_voided",
        /// The pending transfer's timeout has passed; its reservation is (or will be) released.
        PendingTransferExpired => "pending_transfer_expired",
        /// The debit account is closed (only a void of the reservation that closed it passes).
        DebitAccountAlreadyClosed => "debit_account_already_closed",
        /// The credit account is closed (only a void of the reservation that closed it passes).
        CreditAccountAlreadyClosed => "credit_account_already_closed",
        /// `debits_pending` would overflow 128 bits.
        OverflowsDebitsPending => "overflows_debits_pending",
        /// `credits_pending` would overflow 128 bits.
        OverflowsCreditsPending => "overflows_credits_pending",
        /// `debits_posted` would overflow 128 bits.
        OverflowsDebitsPosted => "overflows_debits_posted",
        /// `credits_posted` would overflow 128 bits.
        OverflowsCreditsPosted => "overflows_credits_posted",
        /// `debits_pending + debits_posted` would overflow 128 bits.
        OverflowsDebits => "overflows_debits",
        /// `credits_pending + credits_posted` would overflow 128 bits.
        OverflowsCredits => "overflows_credits",
        /// The expiry time (timestamp + timeout) would overflow.
        OverflowsTimeout => "overflows_timeout",
        /// The debit account has `debits_must_not_exceed_credits` and too few credits.
        ExceedsCredits => "exceeds_credits",
        /// The credit account has `credits_must_not_exceed_debits` and too few debits.
        ExceedsDebits => "exceeds_debits",
    }
}
