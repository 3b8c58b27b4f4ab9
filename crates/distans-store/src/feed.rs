//! Secret calendar feeds: one secret URL per person for their plan as
//! iCalendar, kept as the secret itself so the same URL can be shown again.

use async_trait::async_trait;
use distans_core::kernel::PersonId;
use uuid::Uuid;

use distans_core::kernel::Work;
use distans_core::store::FeedPort;
use distans_core::{CoreError, CoreResult};

use crate::db::fetch;
use crate::store::{write_if_changed, write_work, SqlStore};

#[async_trait]
impl FeedPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn calendar_feed_secret(&self, person: PersonId) -> CoreResult<Option<String>> {
        let row: Option<(String,)> = fetch!(
            self.db(),
            fetch_optional,
            "SELECT secret FROM calendar_feeds WHERE person_id = $1",
            person.uuid()
        )?;
        Ok(row.map(|(s,)| s))
    }

    #[tracing::instrument(skip_all)]
    async fn create_calendar_feed(
        &self,
        person: PersonId,
        secret: &str,
        work: &Work,
    ) -> CoreResult<String> {
        // A feed made meanwhile by another request is kept, and shown.
        let made = write_if_changed!(
            self,
            work,
            "INSERT INTO calendar_feeds (person_id, secret, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (person_id) DO NOTHING",
            person.uuid(),
            secret,
            work.at
        )?;
        if made {
            return Ok(secret.to_string());
        }
        self.calendar_feed_secret(person)
            .await?
            .ok_or_else(|| CoreError::Internal("a calendar feed vanished while it was made".into()))
    }

    #[tracing::instrument(skip_all)]
    async fn replace_calendar_feed(
        &self,
        person: PersonId,
        secret: &str,
        work: &Work,
    ) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            sqlx::query(
                "INSERT INTO calendar_feeds (person_id, secret, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (person_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at",
            )
            .bind(person.uuid())
            .bind(secret)
            .bind(work.at)
            .execute(&mut *tx)
            .await?;
        })
    }

    #[tracing::instrument(skip_all)]
    async fn delete_calendar_feed(&self, person: PersonId, work: &Work) -> CoreResult<bool> {
        write_if_changed!(
            self,
            work,
            "DELETE FROM calendar_feeds WHERE person_id = $1",
            person.uuid()
        )
    }

    #[tracing::instrument(skip_all)]
    async fn person_by_calendar_secret(&self, secret: &str) -> CoreResult<Option<PersonId>> {
        if secret.is_empty() {
            return Err(CoreError::invalid("secret", "is empty"));
        }
        let row: Option<(Uuid,)> = fetch!(
            self.db(),
            fetch_optional,
            "SELECT person_id FROM calendar_feeds WHERE secret = $1",
            secret
        )?;
        Ok(row.map(|(p,)| p.into()))
    }
}
