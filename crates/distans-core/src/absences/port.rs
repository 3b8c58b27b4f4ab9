//! What the absences slice needs of storage. One implementation (in
//! `distans-store`) runs it on SQLite and PostgreSQL; every method that
//! changes data is one transaction with its audit entry and notices.

use crate::kernel::ids::PersonId;
use crate::kernel::AbsenceId;
use async_trait::async_trait;
use time::OffsetDateTime;

use crate::kernel::csv::ImportError;
use crate::kernel::CoreResult;
use crate::kernel::Work;

#[async_trait]
pub trait AbsencesPort: Send + Sync {
    /// A person's absences that touch a period, by first day (at most 1000).
    async fn absences(
        &self,
        person: PersonId,
        from: time::Date,
        to: time::Date,
    ) -> CoreResult<Vec<crate::absences::model::Absence>>;
    async fn absence(&self, id: AbsenceId) -> CoreResult<Option<crate::absences::model::Absence>>;
    /// Adds an absence; `Conflict` when it overlaps one of the person's.
    async fn insert_absence(
        &self,
        a: &crate::absences::model::Absence,
        by: Option<PersonId>,
        work: &Work,
    ) -> CoreResult<()>;
    /// Removes an absence; false if there was none.
    async fn delete_absence(&self, id: AbsenceId, work: &Work) -> CoreResult<bool>;
    /// Imports absences in one transaction: all or nothing.
    async fn import_absences(
        &self,
        file: &crate::absences::model::AbsenceFile,
        actor_id: Option<PersonId>,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<crate::absences::model::AbsenceImportReport, ImportError>;
}
