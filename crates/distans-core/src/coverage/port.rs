//! What the coverage slice needs of storage. One implementation (in
//! `distans-store`) runs it on SQLite and PostgreSQL; every method that
//! changes data is one transaction with its audit entry and notices.

use crate::kernel::ids::UnitId;
use crate::kernel::CoverageRuleId;
use async_trait::async_trait;

use crate::kernel::CoreResult;
use crate::kernel::Work;

#[async_trait]
pub trait CoveragePort: Send + Sync {
    /// The coverage rules of these units.
    async fn coverage_rules(
        &self,
        units: &[UnitId],
    ) -> CoreResult<Vec<crate::coverage::model::CoverageRule>>;
    async fn coverage_rule(
        &self,
        id: CoverageRuleId,
    ) -> CoreResult<Option<crate::coverage::model::CoverageRule>>;
    /// Inserts a rule (`expected_version` `None`) or updates it if it still
    /// has that version (else `Conflict`).
    async fn save_coverage_rule(
        &self,
        rule: &crate::coverage::model::CoverageRule,
        expected_version: Option<i64>,
        work: &Work,
    ) -> CoreResult<()>;
    /// Inserts many rules in one transaction with one audit entry (the demo).
    async fn insert_coverage_rules(
        &self,
        rules: &[crate::coverage::model::CoverageRule],
        work: &Work,
    ) -> CoreResult<()>;
    async fn delete_coverage_rule(
        &self,
        id: CoverageRuleId,
        expected_version: Option<i64>,
        work: &Work,
    ) -> CoreResult<()>;
    /// The people whose home unit is at or below `unit_path` and who had
    /// not left before `from`, with skills and site, in name order;
    /// `Invalid` if more than `limit`.
    async fn members_under(
        &self,
        unit_path: &str,
        from: time::Date,
        limit: i64,
    ) -> CoreResult<Vec<crate::coverage::model::Member>>;
}
