//! The one implementation of [`distans_core::store::Store`] (every slice's
//! port), running the same SQL on SQLite (embedded, the default) or
//! PostgreSQL.
//!
//! Each query is written once with `$1` placeholders and expanded for both
//! engines by `on_db!` (see [`db`]); database errors become meaning in one
//! place ([`error`]), stored values are read back strictly ([`stored`]),
//! and a change is written with its unit of work, its audit entries and
//! notices, in one transaction ([`store`]). Each slice's port is in a file
//! of its own. This crate knows nothing of HTTP.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod db;
mod error;
mod sql;
mod store;
mod stored;

mod absences;
mod agreements;
mod audit;
mod cases;
mod counters;
mod coverage;
mod demo;
mod departures;
mod deviations;
mod equipment;
mod feed;
mod followup;
mod idempotency;
mod identity;
mod notify;
mod occasional;
mod org;
mod org_edit;
mod org_import;
mod passwords;
mod people;
mod plan;
mod policy;
mod presence;
mod privacy;
mod redeployment;
mod rotation;
mod scim;
mod search;
mod stats;
mod stats_coverage;
mod stats_days;
mod system;
mod temporary;
mod workdays;

pub use counters::NOT_PLAN_INPUTS;
pub use db::{Db, StoreConfig};
pub use store::{sort_key, SqlStore};
