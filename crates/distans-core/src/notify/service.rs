//! Notifications in the app.

use crate::kernel::{Actor, CoreResult, Page, Paging};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::notify::model::{Notification, OutboxMail};
use crate::Core;

impl Core {
    // Notifications.

    pub async fn notifications(
        &self,
        actor: &Actor,
        paging: Paging,
    ) -> CoreResult<Page<Notification>> {
        self.store.notifications(actor.person_id, paging).await
    }

    pub async fn mark_notifications_read(&self, actor: &Actor) -> CoreResult<()> {
        self.store
            .mark_notifications_read(actor.person_id, self.now())
            .await
    }
}

/// The e-mail outbox, as the job worker sends it.
impl Core {
    /// How many notices the actor has not read.
    pub async fn unread_notifications(&self, actor: &Actor) -> CoreResult<i64> {
        self.store.unread_notifications(actor.person_id).await
    }

    /// Claims up to `limit` mails due now for `lease_secs`: two workers never
    /// claim the same mail.
    pub async fn claim_mails(&self, lease_secs: i64, limit: i64) -> CoreResult<Vec<OutboxMail>> {
        self.store.outbox_claim(self.now(), lease_secs, limit).await
    }

    pub async fn mail_sent(&self, id: Uuid) -> CoreResult<()> {
        self.store.outbox_sent(id, self.now()).await
    }

    /// Records a failed attempt; the mail is tried again at `retry_at`.
    pub async fn mail_failed(
        &self,
        id: Uuid,
        error: &str,
        retry_at: OffsetDateTime,
    ) -> CoreResult<()> {
        self.store.outbox_failed(id, error, retry_at).await
    }

    /// Mails not yet sent.
    pub async fn mails_pending(&self) -> CoreResult<i64> {
        self.store.outbox_pending().await
    }
}
