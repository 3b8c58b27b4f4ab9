//! Notices: in-app notifications and the e-mail outbox. A notice is stored
//! as its message (a key and its values, JSON), to be rendered in the
//! reader's language; notices from before messages keep their text. A mail
//! is queued in the recipient's language.

use async_trait::async_trait;
use sqlx::types::Json;
use time::OffsetDateTime;
use uuid::Uuid;

use distans_core::kernel::{Message, Page, Paging};
use distans_core::notify::{NoticeContent, Notification, OutboxMail};
use distans_core::{CoreError, CoreResult};

use crate::{db_err, on_db, SqlStore};

/// Writes in-app notifications and queues e-mails, in the caller's transaction.
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
            .bind(n.person_id)
            .bind(&n.kind)
            .bind(&message)
            .bind(at)
            .execute(&mut *$tx)
            .await
            .map_err($crate::db_err)?;
            if let Some(email) = &n.email {
                sqlx::query(
                    "INSERT INTO outbox (id, recipient, subject, body, message, language, created_at, attempts, next_attempt_at, locked_until, sent_at, last_error)
                     VALUES ($1, $2, '', '', $3, COALESCE((SELECT language FROM people WHERE id = $4), 'sv'), $5, 0, $5, NULL, NULL, NULL)",
                )
                .bind(uuid::Uuid::now_v7())
                .bind(email)
                .bind(&message)
                .bind(n.person_id)
                .bind(at)
                .execute(&mut *$tx)
                .await
                .map_err($crate::db_err)?;
            }
        }
    }};
}
pub(crate) use write_notices;

/// What a stored notice says: its message, or the text it was written as.
fn content(
    message: Option<Json<serde_json::Value>>,
    subject: String,
    body: String,
    link: String,
) -> CoreResult<NoticeContent> {
    match message {
        Some(Json(v)) => serde_json::from_value::<Message>(v)
            .map(NoticeContent::Message)
            .map_err(|e| {
                CoreError::Internal(format!("a stored notice has an invalid message: {e}"))
            }),
        None => Ok(NoticeContent::Written {
            subject,
            body,
            link,
        }),
    }
}

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

type OutboxRow = (
    Uuid,
    String,
    String,
    String,
    Option<Json<serde_json::Value>>,
    String,
    i64,
);

#[async_trait]
impl distans_core::store::NotifyPort for SqlStore {
    async fn notifications(&self, person: Uuid, paging: Paging) -> CoreResult<Page<Notification>> {
        let (total, rows): (i64, Vec<NotificationRow>) = on_db!(self.db(), p => {
            let (total,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM notifications WHERE person_id = $1")
                .bind(person).fetch_one(p).await.map_err(db_err)?;
            let rows = sqlx::query_as(
                "SELECT id, kind, subject, body, link, message, created_at, read_at FROM notifications WHERE person_id = $1
                 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3")
                .bind(person).bind(paging.limit).bind(paging.offset).fetch_all(p).await.map_err(db_err)?;
            (total, rows)
        });
        let items = rows
            .into_iter()
            .map(
                |(id, kind, subject, body, link, message, created_at, read_at)| {
                    Ok(Notification {
                        id,
                        kind,
                        content: content(message, subject, body, link)?,
                        created_at,
                        read: read_at.is_some(),
                    })
                },
            )
            .collect::<CoreResult<Vec<_>>>()?;
        Ok(Page::new(items, total, paging.offset))
    }

    async fn unread_notifications(&self, person: Uuid) -> CoreResult<i64> {
        on_db!(self.db(), p => sqlx::query_as::<_, (i64,)>("SELECT COUNT(*) FROM notifications WHERE person_id = $1 AND read_at IS NULL")
            .bind(person).fetch_one(p).await.map(|r| r.0).map_err(db_err))
    }

    async fn mark_notifications_read(&self, person: Uuid, at: OffsetDateTime) -> CoreResult<()> {
        on_db!(self.db(), p => sqlx::query("UPDATE notifications SET read_at = $1 WHERE person_id = $2 AND read_at IS NULL")
            .bind(at).bind(person).execute(p).await.map(|_| ()).map_err(db_err))
    }

    async fn outbox_claim(
        &self,
        now: OffsetDateTime,
        lease_secs: i64,
        limit: i64,
    ) -> CoreResult<Vec<OutboxMail>> {
        let until = now + time::Duration::seconds(lease_secs);
        let rows: Vec<OutboxRow> = on_db!(self.db(), p => {
            // One atomic UPDATE … RETURNING: a row whose lease another worker
            // took meanwhile no longer matches the WHERE and is skipped.
            sqlx::query_as(
                "UPDATE outbox SET locked_until = $1, attempts = attempts + 1
                 WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $2
                              AND (locked_until IS NULL OR locked_until <= $2) ORDER BY next_attempt_at LIMIT $3)
                   AND sent_at IS NULL AND (locked_until IS NULL OR locked_until <= $2)
                 RETURNING id, recipient, subject, body, message, language, attempts")
                .bind(until).bind(now).bind(limit).fetch_all(p).await.map_err(db_err)?
        });
        rows.into_iter()
            .map(
                |(id, recipient, subject, body, message, language, attempts)| {
                    Ok(OutboxMail {
                        id,
                        recipient,
                        language,
                        content: content(message, subject, body, String::new())?,
                        attempts,
                    })
                },
            )
            .collect()
    }

    async fn outbox_sent(&self, id: Uuid, at: OffsetDateTime) -> CoreResult<()> {
        on_db!(self.db(), p => sqlx::query("UPDATE outbox SET sent_at = $1, locked_until = NULL, last_error = NULL WHERE id = $2")
            .bind(at).bind(id).execute(p).await.map(|_| ()).map_err(db_err))
    }

    async fn outbox_failed(
        &self,
        id: Uuid,
        error: &str,
        retry_at: OffsetDateTime,
    ) -> CoreResult<()> {
        on_db!(self.db(), p => sqlx::query("UPDATE outbox SET locked_until = NULL, last_error = $1, next_attempt_at = $2 WHERE id = $3 AND sent_at IS NULL")
            .bind(error).bind(retry_at).bind(id).execute(p).await.map(|_| ()).map_err(db_err))
    }

    async fn outbox_pending(&self) -> CoreResult<i64> {
        on_db!(self.db(), p => sqlx::query_as::<_, (i64,)>("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
            .fetch_one(p).await.map(|r| r.0).map_err(db_err))
    }
}
