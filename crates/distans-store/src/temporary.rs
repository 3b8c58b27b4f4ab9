//! Temporary decisions: remote work allowed for a period to some units (or
//! everyone), with their limits, delegates and checklist as JSON.

use async_trait::async_trait;
use sqlx::types::Json;
use sqlx::QueryBuilder;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use distans_core::kernel::{Page, Paging, Work};
use distans_core::store::TemporaryPort;
use distans_core::temporary::TemporaryDecision;
use distans_core::CoreResult;

use crate::db::on_db;
use crate::error::{StoreError, StoreResult};
use crate::store::{person, read_page, write_work, SqlStore};
use crate::stored::{days, json};

#[derive(sqlx::FromRow)]
struct TempRow {
    id: Uuid,
    title: String,
    description: String,
    start_date: Date,
    end_date: Date,
    units: String,
    unit_paths: String,
    max_remote_days: i64,
    without_agreement: bool,
    tasks_must_allow: bool,
    delegates: String,
    checklist: String,
    issued_by: Uuid,
    given_name: String,
    family_name: String,
    created_at: OffsetDateTime,
}

impl TryFrom<TempRow> for TemporaryDecision {
    type Error = StoreError;
    fn try_from(r: TempRow) -> StoreResult<TemporaryDecision> {
        Ok(TemporaryDecision {
            id: r.id,
            title: r.title,
            description: r.description,
            start: r.start_date,
            end: r.end_date,
            units: json("temporary_decisions.units", &r.units)?,
            unit_paths: json("temporary_decisions.unit_paths", &r.unit_paths)?,
            max_remote_days: days("temporary_decisions.max_remote_days", r.max_remote_days)?,
            without_agreement: r.without_agreement,
            tasks_must_allow: r.tasks_must_allow,
            delegates: json("temporary_decisions.delegates", &r.delegates)?,
            checklist: json("temporary_decisions.checklist", &r.checklist)?,
            issued_by: person(r.issued_by, &r.given_name, &r.family_name),
            created_at: r.created_at,
        })
    }
}

#[async_trait]
impl TemporaryPort for SqlStore {
    #[tracing::instrument(skip_all, fields(id = %d.id))]
    async fn insert_temporary_decision(
        &self,
        d: &TemporaryDecision,
        work: &Work,
    ) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            sqlx::query(
                "INSERT INTO temporary_decisions (id, title, description, start_date, end_date, units, unit_paths,
                    max_remote_days, without_agreement, tasks_must_allow, delegates, checklist, issued_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            )
            .bind(d.id)
            .bind(&d.title)
            .bind(&d.description)
            .bind(d.start)
            .bind(d.end)
            .bind(Json(&d.units))
            .bind(Json(&d.unit_paths))
            .bind(i64::from(d.max_remote_days))
            .bind(d.without_agreement)
            .bind(d.tasks_must_allow)
            .bind(Json(&d.delegates))
            .bind(Json(&d.checklist))
            .bind(d.issued_by.id)
            .bind(work.at)
            .execute(&mut *tx)
            .await?;
        })
    }

    #[tracing::instrument(skip_all)]
    async fn temporary_decisions(
        &self,
        on: Option<Date>,
        paging: Paging,
    ) -> CoreResult<Page<TemporaryDecision>> {
        on_db!(self.db(), p => read_page!(
            p,
            TempRow,
            "SELECT COUNT(*) FROM temporary_decisions t",
            "SELECT t.id, t.title, t.description, t.start_date, t.end_date, CAST(t.units AS TEXT) AS units,
                CAST(t.unit_paths AS TEXT) AS unit_paths, t.max_remote_days, t.without_agreement,
                t.tasks_must_allow, CAST(t.delegates AS TEXT) AS delegates,
                CAST(t.checklist AS TEXT) AS checklist, t.issued_by, p.given_name, p.family_name, t.created_at
             FROM temporary_decisions t JOIN people p ON p.id = t.issued_by",
            |q: &mut QueryBuilder<'_, _>| {
                if let Some(d) = on {
                    q.push(" WHERE t.start_date <= ").push_bind(d);
                    q.push(" AND t.end_date >= ").push_bind(d);
                }
            },
            "t.start_date DESC, t.id DESC",
            paging
        ))
    }
}
