//! What the workdays slice needs of storage. One implementation (in
//! `distans-store`) runs it on SQLite and PostgreSQL; every method that
//! changes data is one transaction with its audit entry and notices.

use async_trait::async_trait;

use crate::kernel::CoreResult;
use crate::kernel::Work;

#[async_trait]
pub trait WorkdaysPort: Send + Sync {
    /// The organisation's own closed days in a period.
    async fn closed_days(&self, from: time::Date, to: time::Date) -> CoreResult<Vec<time::Date>>;
    /// The organisation's closed days in a period, with their names.
    async fn closed_days_named(
        &self,
        from: time::Date,
        to: time::Date,
    ) -> CoreResult<Vec<(time::Date, String)>>;
    /// Adds a closed day; `Conflict` if it is one already.
    async fn insert_closed_day(&self, day: time::Date, name: &str, work: &Work) -> CoreResult<()>;
    /// Removes a closed day; false if it was none.
    async fn delete_closed_day(&self, day: time::Date, work: &Work) -> CoreResult<bool>;
}
