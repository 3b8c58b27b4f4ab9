//! Notifications in the app.

use crate::kernel::{Actor, CoreResult, Page, Paging};
use crate::kernel::{LeaseId, MailId};
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

use crate::kernel::Env;
use crate::notify::model::{MailClaim, Notification};
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

    /// Claims up to `limit` mails due now, held for `lease_secs`: two
    /// workers never hold the same mail. Whoever sends one renews its hold
    /// first ([`NotifyService::mail_sending`]) and marks it with the same
    /// claim, so a worker that lost a mail to another (its hold ran out)
    /// neither sends it nor marks it.
    #[tracing::instrument(skip_all)]
    pub async fn claim_mails(&self, lease_secs: i64, limit: i64) -> CoreResult<MailClaim> {
        let now = self.env.now();
        let lease = LeaseId::new();
        let mails = self
            .port
            .outbox_claim(lease, (now, now + Duration::seconds(lease_secs)), limit)
            .await?;
        Ok(MailClaim {
            lease,
            lease_secs,
            mails,
        })
    }

    /// Renews the hold on mail `id` for the claim's time from now, right
    /// before it is sent; false if the claim no longer holds it (do not send).
    #[tracing::instrument(skip_all)]
    pub async fn mail_sending(&self, claim: &MailClaim, id: MailId) -> CoreResult<bool> {
        let until = self.env.now() + Duration::seconds(claim.lease_secs);
        self.port.outbox_renew(claim.lease, id, until).await
    }

    /// Marks mail `id` sent; false if the claim had lost it.
    #[tracing::instrument(skip_all)]
    pub async fn mail_sent(&self, claim: &MailClaim, id: MailId) -> CoreResult<bool> {
        self.port.outbox_sent(claim.lease, id, self.env.now()).await
    }

    /// Records a failed attempt; the mail is tried again at `retry_at`.
    /// False if the claim had lost it.
    #[tracing::instrument(skip_all)]
    pub async fn mail_failed(
        &self,
        claim: &MailClaim,
        id: MailId,
        error: &str,
        retry_at: OffsetDateTime,
    ) -> CoreResult<bool> {
        self.port
            .outbox_failed(claim.lease, id, error, retry_at)
            .await
    }

    /// Mails not yet sent.
    #[tracing::instrument(skip_all)]
    pub async fn mails_pending(&self) -> CoreResult<i64> {
        self.port.outbox_pending().await
    }
}
