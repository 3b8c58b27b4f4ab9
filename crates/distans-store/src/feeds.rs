//! Secret calendar feeds, one per person. Called from the `Store` impl.

use uuid::Uuid;

use distans_core::kernel::Work;
use distans_core::CoreError;
use distans_core::CoreResult;

use crate::impl_store::{append_audit_rows, BeginWrite, SqlStore};
use crate::{db_err, on_db_old as on_db};

impl SqlStore {
    pub(crate) async fn calendar_feed_secret_impl(
        &self,
        person: Uuid,
    ) -> CoreResult<Option<String>> {
        let row: Option<(String,)> = on_db!(self.db(), p => sqlx::query_as(
            "SELECT secret FROM calendar_feeds WHERE person_id = $1")
            .bind(person).fetch_optional(p).await.map_err(db_err)?);
        Ok(row.map(|r| r.0))
    }

    pub(crate) async fn create_calendar_feed_impl(
        &self,
        person: Uuid,
        secret: &str,
        work: &Work,
    ) -> CoreResult<String> {
        let at = work.at;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            let n = sqlx::query(
                "INSERT INTO calendar_feeds (person_id, secret, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (person_id) DO NOTHING")
                .bind(person).bind(secret).bind(at)
                .execute(&mut *tx).await.map_err(db_err)?
                .rows_affected();
            if n == 1 {
                append_audit_rows!(tx, at, &work.audit);
            }
            let (s,): (String,) = sqlx::query_as("SELECT secret FROM calendar_feeds WHERE person_id = $1")
                .bind(person).fetch_one(&mut *tx).await.map_err(db_err)?;
            tx.commit().await.map_err(db_err)?;
            Ok(s)
        })
    }

    pub(crate) async fn replace_calendar_feed_impl(
        &self,
        person: Uuid,
        secret: &str,
        work: &Work,
    ) -> CoreResult<()> {
        let at = work.at;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            sqlx::query(
                "INSERT INTO calendar_feeds (person_id, secret, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (person_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at")
                .bind(person).bind(secret).bind(at)
                .execute(&mut *tx).await.map_err(db_err)?;
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)
        })
    }

    pub(crate) async fn delete_calendar_feed_impl(
        &self,
        person: Uuid,
        work: &Work,
    ) -> CoreResult<bool> {
        let at = work.at;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            let n = sqlx::query("DELETE FROM calendar_feeds WHERE person_id = $1")
                .bind(person).execute(&mut *tx).await.map_err(db_err)?
                .rows_affected();
            if n == 0 {
                return Ok(false);
            }
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)?;
            Ok(true)
        })
    }

    pub(crate) async fn person_by_calendar_secret_impl(
        &self,
        secret: &str,
    ) -> CoreResult<Option<Uuid>> {
        if secret.is_empty() {
            return Err(CoreError::invalid("secret", "is empty"));
        }
        let row: Option<(Uuid,)> = on_db!(self.db(), p => sqlx::query_as(
            "SELECT person_id FROM calendar_feeds WHERE secret = $1")
            .bind(secret).fetch_optional(p).await.map_err(db_err)?);
        Ok(row.map(|r| r.0))
    }
}
