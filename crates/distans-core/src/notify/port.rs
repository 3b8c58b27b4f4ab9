//! What the notify slice needs of storage. One implementation (in
//! `distans-store`) runs it on SQLite and PostgreSQL; every method that
//! changes data is one transaction with its audit entry and notices.

use crate::kernel::ids::PersonId;
use crate::kernel::MailId;
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
    /// Claims up to `limit` mails due at `now` for `lease` seconds: two
    /// workers never claim the same mail.
    async fn outbox_claim(
        &self,
        now: OffsetDateTime,
        lease_secs: i64,
        limit: i64,
    ) -> CoreResult<Vec<OutboxMail>>;
    async fn outbox_sent(&self, id: MailId, at: OffsetDateTime) -> CoreResult<()>;
    async fn outbox_failed(
        &self,
        id: MailId,
        error: &str,
        retry_at: OffsetDateTime,
    ) -> CoreResult<()>;
    /// Mails not yet sent (for the administrator's overview and tests).
    async fn outbox_pending(&self) -> CoreResult<i64>;
}
