//! What the policy slice needs of storage. One implementation (in
//! `distans-store`) runs it on SQLite and PostgreSQL; every method that
//! changes data is one transaction with its audit entry and notices.

use async_trait::async_trait;

use crate::kernel::CoreResult;
use crate::kernel::Work;
use crate::policy::model::{NewPolicyVersion, PolicyVersion};

#[async_trait]
pub trait PolicyPort: Send + Sync {
    async fn policy_versions(&self) -> CoreResult<Vec<PolicyVersion>>;
    /// The version in force on `day`: the newest one valid from then or before.
    async fn policy_on(&self, day: time::Date) -> CoreResult<Option<PolicyVersion>>;
    /// Adds a version (numbered after the newest) and returns it; with
    /// `first`, a conflict unless there is none yet.
    async fn add_policy_version(
        &self,
        new: &NewPolicyVersion,
        work: &Work,
    ) -> CoreResult<PolicyVersion>;
}
