//! The audit log: an append-only hash chain (its head row serialises
//! appenders; triggers refuse changes), read newest first or after a
//! sequence number.

use async_trait::async_trait;
use sqlx::types::Json;
use sqlx::QueryBuilder;
use time::OffsetDateTime;
use uuid::Uuid;

use distans_core::audit::{AuditEntry, AuditFilter};
use distans_core::kernel::{Page, Paging, Work};
use distans_core::store::AuditPort;
use distans_core::CoreResult;

use crate::db::{fetch, on_db};
use crate::error::{StoreError, StoreResult};
use crate::store::{each, read_page, write_work, SqlStore};

const AUDIT_SELECT: &str =
    "SELECT seq, at, actor_id, actor, action, entity, entity_id, before, after, prev_hash, hash FROM audit_log";

#[derive(sqlx::FromRow)]
struct AuditRow {
    seq: i64,
    at: OffsetDateTime,
    actor_id: Option<Uuid>,
    actor: String,
    action: String,
    entity: String,
    entity_id: String,
    before: Option<Json<serde_json::Value>>,
    after: Option<Json<serde_json::Value>>,
    prev_hash: String,
    hash: String,
}

impl TryFrom<AuditRow> for AuditEntry {
    type Error = StoreError;
    fn try_from(r: AuditRow) -> StoreResult<AuditEntry> {
        Ok(AuditEntry {
            seq: r.seq,
            at: r.at,
            actor_id: r.actor_id,
            actor: r.actor,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            before: r.before.map(|j| j.0),
            after: r.after.map(|j| j.0),
            prev_hash: r.prev_hash,
            hash: r.hash,
        })
    }
}

#[async_trait]
impl AuditPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn audit(&self, filter: &AuditFilter, paging: Paging) -> CoreResult<Page<AuditEntry>> {
        on_db!(self.db(), p => read_page!(
            p,
            AuditRow,
            "SELECT COUNT(*) FROM audit_log",
            AUDIT_SELECT,
            |q: &mut QueryBuilder<'_, _>| {
                q.push(" WHERE 1 = 1");
                if let Some(e) = &filter.entity {
                    q.push(" AND entity = ").push_bind(e.clone());
                }
                if let Some(e) = &filter.entity_id {
                    q.push(" AND entity_id = ").push_bind(e.clone());
                }
                if let Some(f) = filter.from {
                    q.push(" AND at >= ").push_bind(f);
                }
            },
            "seq DESC",
            paging
        ))
    }

    #[tracing::instrument(skip_all)]
    async fn audit_after(&self, after: i64, limit: i64) -> CoreResult<Vec<AuditEntry>> {
        let rows: Vec<AuditRow> = fetch!(
            self.db(),
            fetch_all,
            &format!("{AUDIT_SELECT} WHERE seq > $1 ORDER BY seq LIMIT $2"),
            after,
            limit
        )?;
        Ok(each(rows)?)
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
}
