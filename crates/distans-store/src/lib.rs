//! The one implementation of [`distans_core::store::Store`] (every slice's port), running the same
//! SQL on SQLite (embedded, the default) or PostgreSQL.
//!
//! Each query is written once with `$1` placeholders and expanded for both
//! engines by [`on_db!`]. This crate knows nothing of HTTP.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod absences;
mod agreements;
mod coverage;
mod db;
mod demo;
mod feeds;
mod impl_store;
mod jobs;
mod notify;
mod plan;
pub use impl_store::{sort_key, SqlStore};
mod rows;
// Equipment and redeployment.
mod equipment;
// Deviations.
mod deviations;
// Follow-ups.
mod followups;

pub use db::{Db, StoreConfig};

use distans_core::CoreError;

/// Maps a database error to meaning: unique violations become conflicts,
/// the rest are internal (their text goes to the log only).
pub(crate) fn db_err(e: sqlx::Error) -> CoreError {
    if let sqlx::Error::Database(d) = &e {
        if d.is_unique_violation() {
            let what = d.constraint().unwrap_or("a unique value").to_string();
            return CoreError::Conflict(format!("already exists ({what})"));
        }
        if d.is_foreign_key_violation() {
            return CoreError::Conflict("refers to something that does not exist".into());
        }
    }
    CoreError::Internal(format!("database: {e}"))
}
