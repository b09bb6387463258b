//! The one error type of the storage layer; every backend maps its own errors into it.

/// Why a store operation failed. Expected ledger outcomes (insufficient funds, an existing
/// id) are results, not errors: an error means the operation itself did not happen.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Reading or writing the backend failed.
    #[error("{operation}: {source}")]
    Io {
        /// What was being done.
        operation: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Stored data fails its checks: a checksum, a format, or the ledger's invariants.
    #[error("stored ledger data is corrupt: {0}")]
    Corrupt(String),
    /// An earlier batch could not be made durable; the store must be reopened.
    #[error("the store stopped after a failed write ({0}); reopen it to recover")]
    Poisoned(String),
    /// The request breaks a limit of the store.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// Another process holds the store.
    #[error("the store at {0} is in use by another process")]
    Locked(String),
}

impl StoreError {
    /// An I/O error with what was being done.
    pub fn io(operation: impl Into<String>, source: std::io::Error) -> StoreError {
        StoreError::Io {
            operation: operation.into(),
            source,
        }
    }
}
