//! Notifications in the app.

use crate::kernel::MailId;
use crate::kernel::{Actor, CoreResult, Page, Paging};
use std::sync::Arc;
use time::OffsetDateTime;

use crate::kernel::Env;
use crate::notify::model::{Notification, OutboxMail};
use crate::notify::port::NotifyPort;

/// Notifications in the app and the e-mail outbox.
#[derive(Clone)]
pub struct NotifyService {
    port: Arc<dyn NotifyPort>,
    env: Env,
}

impl NotifyService {
    pub(crate) fn new(port: Arc<dyn NotifyPort>, env: Env) -> Self {
        NotifyService { port, env }
    }
}

impl NotifyService {
    // Notifications.

    #[tracing::instrument(skip_all)]
    pub async fn notifications(
        &self,
        actor: &Actor,
        paging: Paging,
    ) -> CoreResult<Page<Notification>> {
        self.port.notifications(actor.person_id, paging).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn mark_notifications_read(&self, actor: &Actor) -> CoreResult<()> {
        self.port
            .mark_notifications_read(actor.person_id, self.env.now())
            .await
    }
}

/// The e-mail outbox, as the job worker sends it.
impl NotifyService {
    /// How many notices the actor has not read.
    #[tracing::instrument(skip_all)]
    pub async fn unread_notifications(&self, actor: &Actor) -> CoreResult<i64> {
        self.port.unread_notifications(actor.person_id).await
    }

    /// Claims up to `limit` mails due now for `lease_secs`: two workers never
    /// claim the same mail.
    #[tracing::instrument(skip_all)]
    pub async fn claim_mails(&self, lease_secs: i64, limit: i64) -> CoreResult<Vec<OutboxMail>> {
        self.port
            .outbox_claim(self.env.now(), lease_secs, limit)
            .await
    }

    #[tracing::instrument(skip_all)]
    pub async fn mail_sent(&self, id: MailId) -> CoreResult<()> {
        self.port.outbox_sent(id, self.env.now()).await
    }

    /// Records a failed attempt; the mail is tried again at `retry_at`.
    #[tracing::instrument(skip_all)]
    pub async fn mail_failed(
        &self,
        id: MailId,
        error: &str,
        retry_at: OffsetDateTime,
    ) -> CoreResult<()> {
        self.port.outbox_failed(id, error, retry_at).await
    }

    /// Mails not yet sent.
    #[tracing::instrument(skip_all)]
    pub async fn mails_pending(&self) -> CoreResult<i64> {
        self.port.outbox_pending().await
    }
}
