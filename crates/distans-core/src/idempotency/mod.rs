//! Retried requests: a client that sends a creating request again with the
//! same `Idempotency-Key` (after a timeout, a dropped connection) gets the
//! first answer back, and nothing is created twice — across app servers,
//! since the keys are stored.

pub mod model;
pub mod port;
pub mod rules;
pub mod service;

pub use model::*;
