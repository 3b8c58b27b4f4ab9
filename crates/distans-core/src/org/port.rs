//! What the org slice needs of storage. One implementation (in
//! `distans-store`) runs it on SQLite and PostgreSQL; every method that
//! changes data is one transaction with its audit entry and notices.

use crate::kernel::ids::{PersonId, UnitId};
use crate::kernel::{SiteId, Work};
use crate::org::model::Unit;
use crate::org::units::UnitWrite;

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::kernel::csv::ImportError;
use crate::kernel::CoreResult;
use crate::kernel::{Page, Paging, PersonRef};
use crate::org::edit::{PersonDraft, Provisioned};
use crate::org::model::{
    ImportReport, OrgCounts, OrgData, PeopleFilter, PersonRecord, PersonSummary, Site, UnitDetail,
    UnitSummary,
};

/// The import of the organisation from the HR system's file.
#[async_trait]
pub trait OrgImportPort: Send + Sync {
    /// Compares the file with what is stored and writes the difference,
    /// all or nothing, as `actor` (`actor_id` when a person) at `at`.
    async fn import_org(
        &self,
        data: &OrgData,
        actor_id: Option<PersonId>,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<ImportReport, ImportError>;
    /// Refreshes the query planner's statistics (after a bulk load).
    async fn analyze(&self) -> CoreResult<()>;
}

#[async_trait]
pub trait OrgPort: OrgImportPort {
    /// Units in tree order (by path), optionally only below `under` and no
    /// deeper than `max_depth`.
    async fn units(
        &self,
        under: Option<UnitId>,
        max_depth: Option<i64>,
        paging: Paging,
    ) -> CoreResult<Page<UnitSummary>>;
    async fn unit(&self, id: UnitId) -> CoreResult<Option<UnitDetail>>;
    /// A unit's place in the tree (its path), all that deciding access to
    /// it needs; one read.
    async fn unit_path(&self, id: UnitId) -> CoreResult<Option<String>>;
    /// People matching `filter`, by name.
    async fn people(
        &self,
        filter: &PeopleFilter,
        search: Option<&str>,
        paging: Paging,
    ) -> CoreResult<Page<PersonSummary>>;
    /// The ids of the people matching `filter`, by name, at most `limit`.
    async fn people_ids(&self, filter: &PeopleFilter, limit: i64) -> CoreResult<Vec<PersonId>>;
    async fn person(&self, id: PersonId) -> CoreResult<Option<PersonRecord>>;
    /// The path of a person's unit, all that deciding access to their plan
    /// needs; one read.
    async fn person_unit_path(&self, id: PersonId) -> CoreResult<Option<String>>;
    async fn counts(&self) -> CoreResult<OrgCounts>;
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

/// What editing the organisation in the app needs of storage.
#[async_trait]
pub trait OrgEditPort: Send + Sync {
    /// Adds a unit; `Conflict` when its code is taken.
    async fn insert_unit(&self, unit: &Unit, work: &Work) -> CoreResult<()>;
    /// A unit's manager and deputy.
    async fn unit_people(&self, id: UnitId) -> CoreResult<(Option<PersonId>, Option<PersonId>)>;
    /// Writes a unit's change (moving the units below with it) if it is
    /// still at version `expected`, else `Conflict`.
    async fn update_unit(&self, unit: &UnitWrite, expected: i64, work: &Work) -> CoreResult<()>;
    /// Closes a unit at version `expected` that nobody belongs to and no
    /// open unit is below; else `Conflict`.
    async fn close_unit(&self, id: UnitId, expected: i64, work: &Work) -> CoreResult<()>;
    /// Adds a site; `Conflict` when its name is taken.
    async fn insert_site(&self, site: &Site, work: &Work) -> CoreResult<()>;
    /// A site and its version.
    async fn site_version(&self, id: SiteId) -> CoreResult<Option<(Site, i64)>>;
    /// Every site with its version.
    async fn sites_with_versions(&self) -> CoreResult<Vec<(Site, i64)>>;
    /// Writes a site's change if it is still at version `expected`.
    async fn update_site(&self, site: &Site, expected: i64, work: &Work) -> CoreResult<()>;
}
