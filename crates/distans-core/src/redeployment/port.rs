//! What the redeployment slice needs of storage. One implementation (in
//! `distans-store`) runs it on SQLite and PostgreSQL; every method that
//! changes data is one transaction with its audit entry and notices.

use async_trait::async_trait;
use uuid::Uuid;

use crate::kernel::CoreResult;

#[async_trait]
pub trait RedeploymentPort: Send + Sync {
    /// People by skill and unit, in name order after `after`, at most `limit`.
    async fn redeployment_people(
        &self,
        filter: &crate::redeployment::model::RedeployFilter,
        after: Option<Uuid>,
        limit: i64,
    ) -> CoreResult<Vec<crate::redeployment::model::RedeployPerson>>;
}
