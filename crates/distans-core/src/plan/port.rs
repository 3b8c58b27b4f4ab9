//! What the plan slice needs of storage. One implementation (in
//! `distans-store`) runs it on SQLite and PostgreSQL; every method that
//! changes data is one transaction with its audit entry and notices.

use crate::kernel::ids::PersonId;
use crate::kernel::SiteId;

use async_trait::async_trait;

use crate::kernel::CoreResult;

#[async_trait]
pub trait PlanPort: Send + Sync {
    /// The rules and exceptions of these people for a period.
    async fn plan_rules(
        &self,
        people: &[PersonId],
        from: time::Date,
        to: time::Date,
    ) -> CoreResult<std::collections::HashMap<PersonId, crate::plan::model::PersonRules>>;
    /// Everyone sitting at `site` (or at any site, with `None`), with their
    /// site and their plan's rules for a period. Bounded by the organisation
    /// size; used for occupancy, one site or one day at a time.
    async fn site_plan_rules(
        &self,
        site: Option<SiteId>,
        from: time::Date,
        to: time::Date,
    ) -> CoreResult<crate::plan::model::SitePeople>;
}
