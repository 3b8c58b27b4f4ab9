//! What the notify slice needs of storage. One implementation (in
//! `distans-store`) runs it on SQLite and PostgreSQL; every method that
//! changes data is one transaction with its audit entry and notices.

use crate::kernel::ids::PersonId;
use crate::kernel::{LeaseId, MailId};
use async_trait::async_trait;
use time::OffsetDateTime;

use crate::kernel::CoreResult;
use crate::kernel::{Page, Paging};
use crate::notify::model::{Notification, OutboxMail};

#[async_trait]
pub trait NotifyPort: Send + Sync {
    async fn notifications(
        &self,
        person: PersonId,
        paging: Paging,
    ) -> CoreResult<Page<Notification>>;
    async fn unread_notifications(&self, person: PersonId) -> CoreResult<i64>;
    async fn mark_notifications_read(&self, person: PersonId, at: OffsetDateTime)
        -> CoreResult<()>;
    /// Claims up to `limit` mails due at `now` under `lease` until
    /// `until`: two workers never hold the same mail.
    async fn outbox_claim(
        &self,
        lease: LeaseId,
        (now, until): (OffsetDateTime, OffsetDateTime),
        limit: i64,
    ) -> CoreResult<Vec<OutboxMail>>;
    /// Holds mail `id` until `until`, if `lease` still holds it unsent.
    async fn outbox_renew(
        &self,
        lease: LeaseId,
        id: MailId,
        until: OffsetDateTime,
    ) -> CoreResult<bool>;
    /// Marks mail `id` sent at `at`, if `lease` still holds it.
    async fn outbox_sent(&self, lease: LeaseId, id: MailId, at: OffsetDateTime)
        -> CoreResult<bool>;
    /// Lets go of mail `id` after a failed try, to be tried again at
    /// `retry_at`, if `lease` still holds it.
    async fn outbox_failed(
        &self,
        lease: LeaseId,
        id: MailId,
        error: &str,
        retry_at: OffsetDateTime,
    ) -> CoreResult<bool>;
    /// Mails not yet sent (for the administrator's overview and tests).
    async fn outbox_pending(&self) -> CoreResult<i64>;
}
