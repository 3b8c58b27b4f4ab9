//! Notices: the in-app notifications and the e-mail outbox. A unit of
//! work's notices are written by [`write_notices!`] in the transaction of
//! the change they tell of; the [`NotifyPort`] impl lists and marks
//! notifications and hands queued mails to the sending worker.

use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

use distans_core::kernel::{Page, Paging};
use distans_core::notify::{Notification, OutboxMail};
use distans_core::store::NotifyPort;
use distans_core::CoreResult;

use crate::db::{execute, fetch};
use crate::SqlStore;

/// Writes in-app notifications and queues e-mails for `$notices`
/// (`&[Notice]`) at `$at`, in the caller's transaction `$tx`, inside an
/// `on_db!` body.
macro_rules! write_notices {
    ($tx:expr, $at:expr, $notices:expr) => {{
        let notices: &[distans_core::kernel::Notice] = $notices;
        let at: time::OffsetDateTime = $at;
        for n in notices {
            sqlx::query(
                "INSERT INTO notifications (id, person_id, kind, subject, body, link, created_at, read_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)",
            )
            .bind(uuid::Uuid::now_v7())
            .bind(n.person_id)
            .bind(&n.kind)
            .bind(&n.subject)
            .bind(&n.body)
            .bind(&n.link)
            .bind(at)
            .execute(&mut *$tx)
            .await?;
            if let Some(email) = &n.email {
                sqlx::query(
                    "INSERT INTO outbox (id, recipient, subject, body, created_at, attempts, next_attempt_at,
                        locked_until, sent_at, last_error)
                     VALUES ($1, $2, $3, $4, $5, 0, $5, NULL, NULL, NULL)",
                )
                .bind(uuid::Uuid::now_v7())
                .bind(email)
                .bind(&n.subject)
                .bind(&n.body)
                .bind(at)
                .execute(&mut *$tx)
                .await?;
            }
        }
    }};
}
pub(crate) use write_notices;

/// id, kind, subject, body, link, created, read
type NotificationRow = (
    Uuid,
    String,
    String,
    String,
    String,
    OffsetDateTime,
    Option<OffsetDateTime>,
);

/// id, recipient, subject, body, attempts
type MailRow = (Uuid, String, String, String, i64);

#[async_trait]
impl NotifyPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn notifications(&self, person: Uuid, paging: Paging) -> CoreResult<Page<Notification>> {
        let (total,): (i64,) = fetch!(
            self.db(),
            fetch_one,
            "SELECT COUNT(*) FROM notifications WHERE person_id = $1",
            person
        )?;
        let rows: Vec<NotificationRow> = fetch!(
            self.db(),
            fetch_all,
            "SELECT id, kind, subject, body, link, created_at, read_at FROM notifications
             WHERE person_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
            person,
            paging.limit,
            paging.offset
        )?;
        let items = rows
            .into_iter()
            .map(
                |(id, kind, subject, body, link, created_at, read_at)| Notification {
                    id,
                    kind,
                    subject,
                    body,
                    link,
                    created_at,
                    read: read_at.is_some(),
                },
            )
            .collect();
        Ok(Page::new(items, total, paging.offset))
    }

    #[tracing::instrument(skip_all)]
    async fn unread_notifications(&self, person: Uuid) -> CoreResult<i64> {
        let (n,): (i64,) = fetch!(
            self.db(),
            fetch_one,
            "SELECT COUNT(*) FROM notifications WHERE person_id = $1 AND read_at IS NULL",
            person
        )?;
        Ok(n)
    }

    #[tracing::instrument(skip_all)]
    async fn mark_notifications_read(&self, person: Uuid, at: OffsetDateTime) -> CoreResult<()> {
        execute!(
            self.db(),
            "UPDATE notifications SET read_at = $1 WHERE person_id = $2 AND read_at IS NULL",
            at,
            person
        )?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(limit = limit))]
    async fn outbox_claim(
        &self,
        now: OffsetDateTime,
        lease_secs: i64,
        limit: i64,
    ) -> CoreResult<Vec<OutboxMail>> {
        // One atomic UPDATE … RETURNING: a row whose lease another worker
        // took meanwhile no longer matches the WHERE and is skipped.
        let rows: Vec<MailRow> = fetch!(
            self.db(),
            fetch_all,
            "UPDATE outbox SET locked_until = $1, attempts = attempts + 1
             WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $2
                          AND (locked_until IS NULL OR locked_until <= $2) ORDER BY next_attempt_at LIMIT $3)
               AND sent_at IS NULL AND (locked_until IS NULL OR locked_until <= $2)
             RETURNING id, recipient, subject, body, attempts",
            now + time::Duration::seconds(lease_secs),
            now,
            limit
        )?;
        Ok(rows
            .into_iter()
            .map(|(id, recipient, subject, body, attempts)| OutboxMail {
                id,
                recipient,
                subject,
                body,
                attempts,
            })
            .collect())
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn outbox_sent(&self, id: Uuid, at: OffsetDateTime) -> CoreResult<()> {
        execute!(
            self.db(),
            "UPDATE outbox SET sent_at = $1, locked_until = NULL, last_error = NULL WHERE id = $2",
            at,
            id
        )?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn outbox_failed(
        &self,
        id: Uuid,
        error: &str,
        retry_at: OffsetDateTime,
    ) -> CoreResult<()> {
        execute!(
            self.db(),
            "UPDATE outbox SET locked_until = NULL, last_error = $1, next_attempt_at = $2
             WHERE id = $3 AND sent_at IS NULL",
            error,
            retry_at,
            id
        )?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn outbox_pending(&self) -> CoreResult<i64> {
        let (n,): (i64,) = fetch!(
            self.db(),
            fetch_one,
            "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL"
        )?;
        Ok(n)
    }
}
