//! What the demo slice needs of storage. One implementation (in
//! `distans-store`) runs it on SQLite and PostgreSQL; every method that
//! changes data is one transaction with its audit entry and notices.

use async_trait::async_trait;

use crate::agreements::model::Agreement;
use crate::kernel::CoreResult;
use crate::kernel::Work;

#[async_trait]
pub trait DemoPort: Send + Sync {
    /// Writes the demo's plan data in one transaction, unless there are
    /// agreements, occasional days or absences already (then false).
    async fn insert_demo_plan(
        &self,
        plan: &crate::demo::model::DemoPlan,
        work: &Work,
    ) -> CoreResult<bool>;
    /// Active agreements without any follow-up (the demo).
    async fn agreements_without_followups(&self, limit: i64) -> CoreResult<Vec<Agreement>>;
}
