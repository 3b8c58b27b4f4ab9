//! The one implementation of [`distans_core::store::Store`] (every slice's port), running the same
//! SQL on SQLite (embedded, the default) or PostgreSQL.
//!
//! Each query is written once with `$1` placeholders and expanded for both
//! engines by [`on_db!`]. This crate knows nothing of HTTP.
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod absences;
mod agreements;
mod coverage;
mod db;
mod demo;
mod feeds;
mod impl_store;
mod jobs;
mod plan;
pub use impl_store::{sort_key, SqlStore};
mod rows;
// Equipment and redeployment.
mod equipment;
// Deviations.
mod deviations;
mod error;
mod notify;
// Follow-ups.
mod followups;

pub use db::{Db, StoreConfig};

/// Writes a unit of work's notices ([`notify::write_notices!`]) from a body
/// of the former dispatch, whose errors are already [`CoreError`]s.
macro_rules! notices_in_old_body {
    ($tx:expr, $at:expr, $notices:expr) => {{
        let written: Result<(), crate::error::StoreError> = async {
            crate::notify::write_notices!($tx, $at, $notices);
            Ok(())
        }
        .await;
        written?
    }};
}
pub(crate) use notices_in_old_body;

use distans_core::CoreError;

/// Maps a database error to meaning: unique violations become conflicts,
/// the rest are internal (their text goes to the log only).
pub(crate) fn db_err(e: sqlx::Error) -> CoreError {
    CoreError::from(error::StoreError::Db(e))
}
