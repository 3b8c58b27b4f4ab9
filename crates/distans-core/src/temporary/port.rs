//! What the temporary slice needs of storage. One implementation (in
//! `distans-store`) runs it on SQLite and PostgreSQL; every method that
//! changes data is one transaction with its audit entry and notices.

use async_trait::async_trait;

use crate::kernel::CoreResult;
use crate::kernel::Work;
use crate::kernel::{Page, Paging};
use crate::temporary::model::{DecisionsOn, TemporaryDecision};

#[async_trait]
pub trait TemporaryPort: Send + Sync {
    async fn insert_temporary_decision(&self, d: &TemporaryDecision, work: &Work)
        -> CoreResult<()>;
    /// Decisions, the latest starting first, of those `on` selects.
    async fn temporary_decisions(
        &self,
        on: DecisionsOn,
        paging: Paging,
    ) -> CoreResult<Page<TemporaryDecision>>;
}
