//! Notices: the in-app notifications and the e-mail outbox. A notice is
//! stored as its message (a key and its values, JSON), to be rendered in
//! the reader's language; notices from before messages keep their text. A
//! unit of work's notices are written by [`write_notices!`] in the
//! transaction of the change they tell of, a mail in the recipient's
//! language; the [`NotifyPort`] impl lists and marks notifications and
//! hands queued mails to the sending worker.

use async_trait::async_trait;
use distans_core::kernel::PersonId;
use distans_core::kernel::{LeaseId, MailId};
use sqlx::types::Json;
use time::OffsetDateTime;
use uuid::Uuid;

use distans_core::kernel::{Message, Page, Paging};
use distans_core::notify::{NoticeContent, Notification, OutboxMail};
use distans_core::store::NotifyPort;
use distans_core::CoreResult;

use crate::db::{execute, fetch};
use crate::error::{invalid_stored, StoreResult};
use crate::SqlStore;

/// Writes in-app notifications and queues e-mails for `$notices`
/// (`&[Notice]`) at `$at`, in the caller's transaction `$tx`, inside an
/// `on_db!` body.
macro_rules! write_notices {
    ($tx:expr, $at:expr, $notices:expr) => {{
        let notices: &[distans_core::kernel::Notice] = $notices;
        let at: time::OffsetDateTime = $at;
        for n in notices {
            let message = sqlx::types::Json(&n.message);
            sqlx::query(
                "INSERT INTO notifications (id, person_id, kind, subject, body, link, message, created_at, read_at)
                 VALUES ($1, $2, $3, '', '', '', $4, $5, NULL)",
            )
            .bind(uuid::Uuid::now_v7())
            .bind(n.person_id.uuid())
            .bind(&n.kind)
            .bind(&message)
            .bind(at)
            .execute(&mut *$tx)
            .await?;
            if let Some(email) = &n.email {
                sqlx::query(
                    "INSERT INTO outbox (id, recipient, subject, body, message, language, created_at, attempts, next_attempt_at, locked_until, sent_at, last_error)
                     VALUES ($1, $2, '', '', $3, COALESCE((SELECT language FROM people WHERE id = $4), 'sv'), $5, 0, $5, NULL, NULL, NULL)",
                )
                .bind(uuid::Uuid::now_v7())
                .bind(email)
                .bind(&message)
                .bind(n.person_id.uuid())
                .bind(at)
                .execute(&mut *$tx)
                .await?;
            }
        }
    }};
}
pub(crate) use write_notices;

/// Writes the notifications and queued e-mails of `$broadcasts`
/// (`&[Broadcast]`) at `$at` in the caller's transaction `$tx`: everyone
/// active in the units reached, read and written a thousand at a time, so a
/// message to the whole organisation never holds it in memory.
macro_rules! write_broadcasts {
    ($tx:expr, $at:expr, $broadcasts:expr) => {{
        let broadcasts: &[distans_core::kernel::Broadcast] = $broadcasts;
        let at: time::OffsetDateTime = $at;
        for b in broadcasts {
            let message = sqlx::types::Json(&b.message);
            let mut after: Option<uuid::Uuid> = None;
            loop {
                let mut q = sqlx::QueryBuilder::new(
                    "SELECT p.id, p.email, p.language FROM people p JOIN units u ON u.id = p.unit_id
                     WHERE p.deactivated_at IS NULL",
                );
                if !b.unit_paths.is_empty() {
                    q.push(" AND ");
                    $crate::sql::push_below(&mut q, "u.path", &b.unit_paths);
                }
                for p in &b.except {
                    q.push(" AND p.id <> ").push_bind(p.uuid());
                }
                if let Some(last) = after {
                    q.push(" AND p.id > ").push_bind(last);
                }
                q.push(" ORDER BY p.id LIMIT 1000");
                let reached: Vec<(uuid::Uuid, Option<String>, String)> =
                    q.build_query_as().fetch_all(&mut *$tx).await?;
                let Some(last) = reached.last() else { break };
                after = Some(last.0);
                let mut n = sqlx::QueryBuilder::new(
                    "INSERT INTO notifications (id, person_id, kind, subject, body, link, message, created_at, read_at) ",
                );
                n.push_values(&reached, |mut row, (id, _, _)| {
                    row.push_bind(uuid::Uuid::now_v7())
                        .push_bind(*id)
                        .push_bind(&b.kind)
                        .push("''")
                        .push("''")
                        .push("''")
                        .push_bind(message.clone())
                        .push_bind(at)
                        .push("NULL");
                });
                n.build().execute(&mut *$tx).await?;
                let mailed: Vec<_> = reached
                    .iter()
                    .filter_map(|(_, email, language)| email.as_ref().map(|e| (e, language)))
                    .collect();
                if !mailed.is_empty() {
                    let mut m = sqlx::QueryBuilder::new(
                        "INSERT INTO outbox (id, recipient, subject, body, message, language, created_at, attempts, next_attempt_at, locked_until, sent_at, last_error) ",
                    );
                    m.push_values(&mailed, |mut row, (email, language)| {
                        row.push_bind(uuid::Uuid::now_v7())
                            .push_bind(*email)
                            .push("''")
                            .push("''")
                            .push_bind(message.clone())
                            .push_bind(*language)
                            .push_bind(at)
                            .push("0")
                            .push_bind(at)
                            .push("NULL")
                            .push("NULL")
                            .push("NULL");
                    });
                    m.build().execute(&mut *$tx).await?;
                }
            }
        }
    }};
}
pub(crate) use write_broadcasts;

/// What a stored notice says: its message, or the text it was written as.
fn content(
    message: Option<Json<serde_json::Value>>,
    subject: String,
    body: String,
    link: String,
) -> StoreResult<NoticeContent> {
    match message {
        Some(Json(v)) => serde_json::from_value::<Message>(v)
            .map(NoticeContent::Message)
            .map_err(|e| invalid_stored("notifications.message", e.to_string())),
        None => Ok(NoticeContent::Written {
            subject,
            body,
            link,
        }),
    }
}

/// id, kind, subject, body, link, message, created, read
type NotificationRow = (
    Uuid,
    String,
    String,
    String,
    String,
    Option<Json<serde_json::Value>>,
    OffsetDateTime,
    Option<OffsetDateTime>,
);

/// id, recipient, subject, body, message, language, attempts
type MailRow = (
    Uuid,
    String,
    String,
    String,
    Option<Json<serde_json::Value>>,
    String,
    i64,
);

#[async_trait]
impl NotifyPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn notifications(
        &self,
        person: PersonId,
        paging: Paging,
    ) -> CoreResult<Page<Notification>> {
        let (total,): (i64,) = fetch!(
            self.db(),
            fetch_one,
            "SELECT COUNT(*) FROM notifications WHERE person_id = $1",
            person.uuid()
        )?;
        let rows: Vec<NotificationRow> = fetch!(
            self.db(),
            fetch_all,
            "SELECT id, kind, subject, body, link, message, created_at, read_at FROM notifications
             WHERE person_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
            person.uuid(),
            paging.limit,
            paging.offset
        )?;
        let items = rows
            .into_iter()
            .map(
                |(id, kind, subject, body, link, message, created_at, read_at)| {
                    Ok(Notification {
                        id: id.into(),
                        kind,
                        content: content(message, subject, body, link)?,
                        created_at,
                        read: read_at.is_some(),
                    })
                },
            )
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::new(items, total, paging.offset))
    }

    #[tracing::instrument(skip_all)]
    async fn unread_notifications(&self, person: PersonId) -> CoreResult<i64> {
        let (n,): (i64,) = fetch!(
            self.db(),
            fetch_one,
            "SELECT COUNT(*) FROM notifications WHERE person_id = $1 AND read_at IS NULL",
            person.uuid()
        )?;
        Ok(n)
    }

    #[tracing::instrument(skip_all)]
    async fn mark_notifications_read(
        &self,
        person: PersonId,
        at: OffsetDateTime,
    ) -> CoreResult<()> {
        execute!(
            self.db(),
            "UPDATE notifications SET read_at = $1 WHERE person_id = $2 AND read_at IS NULL",
            at,
            person.uuid()
        )?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(limit = limit))]
    async fn outbox_claim(
        &self,
        lease: LeaseId,
        (now, until): (OffsetDateTime, OffsetDateTime),
        limit: i64,
    ) -> CoreResult<Vec<OutboxMail>> {
        // One atomic UPDATE … RETURNING: a row whose lease another worker
        // took meanwhile no longer matches the WHERE and is skipped.
        let rows: Vec<MailRow> = fetch!(
            self.db(),
            fetch_all,
            "UPDATE outbox SET locked_until = $1, lease_id = $2, attempts = attempts + 1
             WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $3
                          AND (locked_until IS NULL OR locked_until <= $3) ORDER BY next_attempt_at LIMIT $4)
               AND sent_at IS NULL AND (locked_until IS NULL OR locked_until <= $3)
             RETURNING id, recipient, subject, body, message, language, attempts",
            until,
            lease.uuid(),
            now,
            limit
        )?;
        let mails = rows
            .into_iter()
            .map(
                |(id, recipient, subject, body, message, language, attempts)| {
                    Ok(OutboxMail {
                        id: id.into(),
                        recipient,
                        language,
                        content: content(message, subject, body, String::new())?,
                        attempts,
                    })
                },
            )
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(mails)
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn outbox_renew(
        &self,
        lease: LeaseId,
        id: MailId,
        until: OffsetDateTime,
    ) -> CoreResult<bool> {
        let n = execute!(
            self.db(),
            "UPDATE outbox SET locked_until = $1 WHERE id = $2 AND lease_id = $3 AND sent_at IS NULL",
            until,
            id.uuid(),
            lease.uuid()
        )?;
        Ok(n == 1)
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn outbox_sent(
        &self,
        lease: LeaseId,
        id: MailId,
        at: OffsetDateTime,
    ) -> CoreResult<bool> {
        let n = execute!(
            self.db(),
            "UPDATE outbox SET sent_at = $1, locked_until = NULL, last_error = NULL
             WHERE id = $2 AND lease_id = $3 AND sent_at IS NULL",
            at,
            id.uuid(),
            lease.uuid()
        )?;
        Ok(n == 1)
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn outbox_failed(
        &self,
        lease: LeaseId,
        id: MailId,
        error: &str,
        retry_at: OffsetDateTime,
    ) -> CoreResult<bool> {
        let n = execute!(
            self.db(),
            "UPDATE outbox SET locked_until = NULL, last_error = $1, next_attempt_at = $2
             WHERE id = $3 AND lease_id = $4 AND sent_at IS NULL",
            error,
            retry_at,
            id.uuid(),
            lease.uuid()
        )?;
        Ok(n == 1)
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
