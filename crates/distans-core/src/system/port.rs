//! What the system slice needs of storage. One implementation (in
//! `distans-store`) runs it on SQLite and PostgreSQL; every method that
//! changes data is one transaction with its audit entry and notices.

use async_trait::async_trait;

use time::OffsetDateTime;

use crate::kernel::CoreResult;

#[async_trait]
pub trait SystemPort: Send + Sync {
    /// `sqlite` or `postgres`.
    fn engine(&self) -> &'static str;
    /// Writes and commits a little (a few kilobytes, removed again) at
    /// `at`: fails when the database cannot take writes (gone, read-only,
    /// full).
    async fn probe_write(&self, at: OffsetDateTime) -> CoreResult<()>;
    /// A consistent copy of the database at `dest`, taken while it runs.
    async fn backup(&self, dest: &str) -> CoreResult<()>;
}
