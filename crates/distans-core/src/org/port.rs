//! What the org slice needs of storage. One implementation (in
//! `distans-store`) runs it on SQLite and PostgreSQL; every method that
//! changes data is one transaction with its audit entry and notices.

use crate::kernel::ids::{PersonId, UnitId};

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::kernel::csv::ImportError;
use crate::kernel::CoreResult;
use crate::kernel::{Page, Paging, PersonRef, Work};
use crate::org::edit::{PersonDraft, Provisioned};
use crate::org::model::{
    ImportReport, OrgCounts, OrgData, PeopleFilter, PersonRecord, PersonSummary, Site, UnitDetail,
    UnitSummary,
};

#[async_trait]
pub trait OrgPort: Send + Sync {
    /// Units in tree order (by path), optionally only below `under` and no
    /// deeper than `max_depth`.
    async fn units(
        &self,
        under: Option<UnitId>,
        max_depth: Option<i64>,
        paging: Paging,
    ) -> CoreResult<Page<UnitSummary>>;
    async fn unit(&self, id: UnitId) -> CoreResult<Option<UnitDetail>>;
    /// People matching `filter`, by name.
    async fn people(
        &self,
        filter: &PeopleFilter,
        search: Option<&str>,
        paging: Paging,
    ) -> CoreResult<Page<PersonSummary>>;
    async fn person(&self, id: PersonId) -> CoreResult<Option<PersonRecord>>;
    async fn counts(&self) -> CoreResult<OrgCounts>;
    async fn import_org(
        &self,
        data: &OrgData,
        actor_id: Option<PersonId>,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<ImportReport, ImportError>;
    /// Refreshes the query planner's statistics (after a bulk load).
    async fn analyze(&self) -> CoreResult<()>;
    /// Every site.
    async fn sites(&self) -> CoreResult<Vec<Site>>;
    /// Holders of a granted role (at most 100), with e-mail.
    async fn people_with_role(&self, role: &str) -> CoreResult<Vec<(PersonRef, Option<String>)>>;
    /// The distinct skills people have, in order (at most `limit`).
    async fn known_skills(&self, limit: i64) -> CoreResult<Vec<String>>;
    /// Every person's employee number and id.
    async fn employee_ids(&self) -> CoreResult<Vec<(String, PersonId)>>;
    /// Adds a person (with an account when the draft has a username).
    /// An employee number or username taken is a conflict.
    async fn create_person(
        &self,
        id: PersonId,
        draft: &PersonDraft,
        provisioned: Option<&Provisioned>,
        work: &Work,
    ) -> CoreResult<()>;
    /// Writes a person as the draft says, if they are still at `version`
    /// (else a conflict, nothing written); `provisioned` None leaves that
    /// as it is. The new version.
    async fn update_person(
        &self,
        id: PersonId,
        version: i64,
        draft: &PersonDraft,
        provisioned: Option<&Provisioned>,
        work: &Work,
    ) -> CoreResult<i64>;
}
