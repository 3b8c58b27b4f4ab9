//! The audit log: an append-only hash chain (its head row serialises
//! appenders; triggers refuse changes), read newest first or after a
//! sequence number.

use async_trait::async_trait;
use sqlx::types::Json;
use time::OffsetDateTime;
use uuid::Uuid;

use distans_core::audit::seal::SealedPayload;
use distans_core::audit::{AuditEntry, AuditFilter};
use distans_core::kernel::{NewAuditEntry, Page, Paging, Work};
use distans_core::store::AuditPort;
use distans_core::CoreResult;

use crate::db::{fetch, on_db, read_all};
use crate::store::{read_page, row, write_work, List, SqlStore};

/// An entry with its payload, when it keeps one apart (and it was not
/// removed by disposal).
const AUDIT_SELECT: &str = "SELECT seq, at, actor_id, actor, action, entity, entity_id, \
     COALESCE(p.before, audit_log.before) AS before, COALESCE(p.after, audit_log.after) AS after, \
     prev_hash, hash, audit_log.payload_hash, p.salt AS salt, s.payload_hash AS sealed_hash \
     FROM audit_log LEFT JOIN audit_payloads p ON p.entry_seq = audit_log.seq \
     LEFT JOIN audit_sealed s ON s.entry_seq = audit_log.seq";

row! {
    struct AuditRow => AuditEntry {
        seq: i64,
        at: OffsetDateTime,
        prev_hash: String,
        hash: String,
        payload_hash: Option<String>,
        salt: Option<String>,
        sealed_hash: Option<String>,
    }
    with {
        actor_id: Option<Uuid>,
        actor: String,
        action: String,
        entity: String,
        entity_id: String,
        before: Option<Json<serde_json::Value>>,
        after: Option<Json<serde_json::Value>>,
    }
    |r| let payload_removed = (r.payload_hash.is_some() || r.sealed_hash.is_some()) && r.salt.is_none(); {
        entry: NewAuditEntry {
            actor_id: r.actor_id.map(Into::into),
            actor: r.actor,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            before: r.before.map(|j| j.0),
            after: r.after.map(|j| j.0),
        },
        payload_removed,
    }
}

#[async_trait]
impl AuditPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn audit(&self, filter: &AuditFilter, paging: Paging) -> CoreResult<Page<AuditEntry>> {
        // The audit log, newest first.
        const AUDIT_LOG: List = List {
            count: "audit_log",
            about: None,
            select: AUDIT_SELECT,
            order: "seq DESC",
        };
        read_page!(self.db(), AuditRow, &AUDIT_LOG, paging, |q| {
            if let Some(e) = &filter.entity {
                q.push(" AND entity = ").push_bind(e.clone());
            }
            if let Some(e) = &filter.entity_id {
                q.push(" AND entity_id = ").push_bind(e.clone());
            }
            if let Some(f) = filter.from {
                q.push(" AND at >= ").push_bind(f);
            }
            if let Some(t) = filter.to {
                q.push(" AND at < ").push_bind(t);
            }
            if let Some(actors) = &filter.actors {
                q.push(" AND actor_id IN (NULL");
                for a in actors.iter().take(100) {
                    q.push(", ").push_bind(a.uuid());
                }
                q.push(")");
            }
        })
    }

    #[tracing::instrument(skip_all)]
    async fn audit_after(&self, after: i64, limit: i64) -> CoreResult<Vec<AuditEntry>> {
        read_all!(
            self.db(),
            AuditRow,
            &format!("{AUDIT_SELECT} WHERE seq > $1 ORDER BY seq LIMIT $2"),
            after,
            limit
        )
    }

    #[tracing::instrument(skip_all)]
    async fn audit_head(&self) -> CoreResult<(i64, String)> {
        fetch!(
            self.db(),
            fetch_one,
            "SELECT seq, hash FROM audit_head WHERE id = 1"
        )
    }

    #[tracing::instrument(skip_all)]
    async fn append_audit(&self, work: &Work) -> CoreResult<()> {
        write_work!(self, work, |tx| ())
    }

    #[tracing::instrument(skip_all)]
    async fn last_inline_entry(&self) -> CoreResult<Option<i64>> {
        let (last,): (Option<i64>,) = fetch!(
            self.db(),
            fetch_one,
            "SELECT MAX(seq) FROM audit_log
             WHERE payload_hash IS NULL AND (before IS NOT NULL OR after IS NOT NULL)"
        )?;
        Ok(last)
    }

    #[tracing::instrument(skip_all)]
    async fn seal_inline_entries(
        &self,
        payloads: &[SealedPayload],
        work: &Work,
    ) -> CoreResult<bool> {
        let Some(first) = payloads.first() else {
            return Ok(false);
        };
        on_db!(self.db(), pool => {
            let mut tx = crate::db::BeginWrite::begin_write(pool).await?;
            // Queue behind every appender, and another server's upgrade.
            sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1")
                .execute(&mut *tx)
                .await?;
            let (done,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM audit_sealed WHERE entry_seq = $1")
                    .bind(first.seq)
                    .fetch_one(&mut *tx)
                    .await?;
            if done > 0 {
                return Ok(false);
            }
            for chunk in payloads.chunks(200) {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO audit_payloads (entry_seq, salt, before, after) ",
                );
                qb.push_values(chunk, |mut b, p| {
                    b.push_bind(p.seq)
                        .push_bind(p.salt.clone())
                        .push_bind(p.before.clone().map(Json))
                        .push_bind(p.after.clone().map(Json));
                });
                qb.build().execute(&mut *tx).await?;
                let mut qb =
                    sqlx::QueryBuilder::new("INSERT INTO audit_sealed (entry_seq, payload_hash) ");
                qb.push_values(chunk, |mut b, p| {
                    b.push_bind(p.seq).push_bind(p.payload_hash.clone());
                });
                qb.build().execute(&mut *tx).await?;
            }
            // The one change the log allows: a sealed entry's inline data
            // cleared (the database refuses any other).
            sqlx::query(
                "UPDATE audit_log SET before = NULL, after = NULL
                 WHERE payload_hash IS NULL AND (before IS NOT NULL OR after IS NOT NULL)
                   AND seq IN (SELECT entry_seq FROM audit_sealed)",
            )
            .execute(&mut *tx)
            .await?;
            crate::store::append_audit_rows!(tx, work.at, &work.audit);
            tx.commit().await?;
            Ok(true)
        })
    }
}
