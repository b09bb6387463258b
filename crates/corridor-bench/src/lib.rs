//! corridor-bench
