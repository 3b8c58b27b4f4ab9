//! What the deviations slice needs of storage. One implementation (in
//! `distans-store`) runs it on SQLite and PostgreSQL; every method that
//! changes data is one transaction with its audit entry and notices.

use crate::kernel::DeviationId;
use async_trait::async_trait;

use crate::kernel::CoreResult;
use crate::kernel::Work;
use crate::kernel::{Page, Paging};

#[async_trait]
pub trait DeviationsPort: Send + Sync {
    /// Adds a reported deviation with its first event and notices.
    async fn insert_deviation(
        &self,
        d: &crate::deviations::model::Deviation,
        work: &Work,
    ) -> CoreResult<()>;
    /// A deviation with its trail, unredacted.
    async fn deviation(
        &self,
        id: DeviationId,
    ) -> CoreResult<Option<crate::deviations::model::Deviation>>;
    /// Deviations (without their trails), newest first.
    async fn deviations(
        &self,
        filter: &crate::deviations::model::DeviationFilter,
        paging: Paging,
    ) -> CoreResult<Page<crate::deviations::model::Deviation>>;
    /// Writes `d`'s state and action if its stored version is still
    /// `expected`, with the new events and notices; `Conflict` otherwise.
    async fn update_deviation(
        &self,
        d: &crate::deviations::model::Deviation,
        expected: i64,
        events: &[crate::deviations::model::DeviationEvent],
        work: &Work,
    ) -> CoreResult<()>;
}
