//! corridor-store-embedded
