//! What the agreements slice needs of storage. One implementation (in
//! `distans-store`) runs it on SQLite and PostgreSQL; every method that
//! changes data is one transaction with its audit entry and notices.

use crate::kernel::ids::PersonId;
use crate::kernel::{AgreementId, Page, Paging, UnitId};
use async_trait::async_trait;

use crate::agreements::model::Agreement;
use crate::kernel::CoreResult;
use crate::kernel::Work;

#[async_trait]
pub trait AgreementsPort: Send + Sync {
    async fn agreement(&self, id: AgreementId) -> CoreResult<Option<Agreement>>;
    async fn agreements_of(&self, person: PersonId) -> CoreResult<Vec<Agreement>>;
    /// Drafts the person decided and has not yet sent for signatures.
    async fn agreements_drafted_by(&self, person: PersonId) -> CoreResult<Vec<Agreement>>;
    /// Agreements the person must sign for the employer.
    async fn agreements_to_sign_as_decider(&self, person: PersonId) -> CoreResult<Vec<Agreement>>;
    /// Writes `a` if its stored version is still `expected`.
    async fn update_agreement(&self, a: &Agreement, expected: i64, work: &Work) -> CoreResult<()>;
    /// Live agreements whose last day is at most `until` and whose parties
    /// have not yet been told it is ending.
    async fn agreements_ending(&self, until: time::Date, limit: i64) -> CoreResult<Vec<Agreement>>;
    /// Records that the parties were told, with the notices.
    async fn mark_agreement_ending_notified(
        &self,
        id: AgreementId,
        work: &Work,
    ) -> CoreResult<bool>;
    /// [`Store::update_agreement`] that also adds and cancels follow-ups, in
    /// the same transaction.
    async fn update_agreement_scheduling(
        &self,
        a: &Agreement,
        expected: i64,
        schedule: &crate::followup::model::FollowUpSchedule,
        work: &Work,
    ) -> CoreResult<()>;
    /// The current template: (version, text).
    async fn agreement_template(&self) -> CoreResult<Option<(i64, String)>>;
    /// Saves a new template version; `Conflict` unless `expected` is the current one.
    async fn set_agreement_template(
        &self,
        text: &str,
        expected: i64,
        created_by: &str,
        work: &Work,
    ) -> CoreResult<i64>;
    /// Live agreements of people who moved out of the unit the agreement
    /// was made for (below these unit paths; `None`: anywhere), still in
    /// force on `today`.
    async fn agreements_moved(
        &self,
        under: Option<&[String]>,
        today: time::Date,
        paging: Paging,
    ) -> CoreResult<Page<Agreement>>;
    /// Such agreements whose new managers were not yet told of this move.
    async fn agreements_moved_untold(&self, limit: i64) -> CoreResult<Vec<Agreement>>;
    /// Records that the managers of `unit` were told, with the notices;
    /// false when someone else told them first.
    async fn mark_agreement_move_told(
        &self,
        id: AgreementId,
        unit: UnitId,
        work: &Work,
    ) -> CoreResult<bool>;
    /// The agreement now made for `unit` (the person's unit, still), with
    /// `g.decider_id` as the employer's party; a conflict unless it is at
    /// `expected` and the person is still in `unit`.
    async fn confirm_agreement_unit(
        &self,
        g: &Agreement,
        expected: i64,
        unit: UnitId,
        work: &Work,
    ) -> CoreResult<()>;
}
