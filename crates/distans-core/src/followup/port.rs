//! What the followup slice needs of storage. One implementation (in
//! `distans-store`) runs it on SQLite and PostgreSQL; every method that
//! changes data is one transaction with its audit entry and notices.

use crate::kernel::{FollowUpActionId, FollowUpId};
use async_trait::async_trait;

use crate::kernel::CoreResult;
use crate::kernel::Work;
use crate::kernel::{Page, Paging};

#[async_trait]
pub trait FollowUpPort: Send + Sync {
    /// The newest version of each checklist template.
    async fn checklists(&self) -> CoreResult<Vec<crate::followup::checklist::ChecklistTemplate>>;
    /// A checklist's newest version, or the version asked for.
    async fn checklist(
        &self,
        key: &str,
        version: Option<i64>,
    ) -> CoreResult<Option<crate::followup::checklist::ChecklistTemplate>>;
    /// Every version of a checklist, newest first (at most 100).
    async fn checklist_versions(
        &self,
        key: &str,
    ) -> CoreResult<Vec<crate::followup::checklist::ChecklistTemplate>>;
    /// Saves `t` as version `expected + 1`; `Conflict` unless `expected` is
    /// the newest version (0: none yet).
    async fn save_checklist(
        &self,
        t: &crate::followup::checklist::ChecklistTemplate,
        expected: i64,
        work: &Work,
    ) -> CoreResult<crate::followup::checklist::ChecklistTemplate>;
    /// Inserts follow-ups (a development talk; the demo's) in one transaction.
    async fn insert_followups(
        &self,
        items: &[crate::followup::model::FollowUp],
        work: &Work,
    ) -> CoreResult<()>;
    /// Follow-ups by due date (state as stored: open ones come as `due`).
    async fn followups(
        &self,
        filter: &crate::followup::model::FollowUpFilter,
        paging: Paging,
    ) -> CoreResult<Page<crate::followup::model::FollowUp>>;
    async fn followup(
        &self,
        id: FollowUpId,
    ) -> CoreResult<Option<crate::followup::model::FollowUp>>;
    /// Writes answers, confirmations and state if the stored version is
    /// still `expected` (else `Conflict`), with the actions completion made.
    async fn save_followup(
        &self,
        f: &crate::followup::model::FollowUp,
        expected: i64,
        actions: &[crate::followup::model::FollowUpAction],
        work: &Work,
    ) -> CoreResult<()>;
    /// Actions by due date.
    async fn followup_actions(
        &self,
        filter: &crate::followup::model::ActionFilter,
        paging: Paging,
    ) -> CoreResult<Page<crate::followup::model::FollowUpAction>>;
    async fn followup_action(
        &self,
        id: FollowUpActionId,
    ) -> CoreResult<Option<crate::followup::model::FollowUpAction>>;
    /// Writes owner, due date, state and note if the stored version is still `expected`.
    async fn update_followup_action(
        &self,
        a: &crate::followup::model::FollowUpAction,
        expected: i64,
        work: &Work,
    ) -> CoreResult<()>;
    /// Open follow-ups due from `today` to `until` not yet reminded, and
    /// those overdue not yet reminded of that.
    async fn followups_to_remind(
        &self,
        today: time::Date,
        until: time::Date,
        limit: i64,
    ) -> CoreResult<Vec<crate::followup::model::FollowUp>>;
    /// Marks the reminder sent (the overdue one, or the one before) with
    /// its notices; false when another server was first.
    async fn mark_followup_reminded(
        &self,
        id: FollowUpId,
        overdue: bool,
        work: &Work,
    ) -> CoreResult<bool>;
    /// Open actions past their due date whose owner was not yet reminded.
    async fn actions_to_remind(
        &self,
        today: time::Date,
        limit: i64,
    ) -> CoreResult<Vec<crate::followup::model::FollowUpAction>>;
    async fn mark_action_reminded(&self, id: FollowUpActionId, work: &Work) -> CoreResult<bool>;
}
