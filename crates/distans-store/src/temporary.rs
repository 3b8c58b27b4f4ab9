//! Temporary decisions: remote work allowed for a period to some units (or
//! everyone), with their limits, delegates and checklist as JSON.

use async_trait::async_trait;
use sqlx::types::Json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use distans_core::kernel::{Page, Paging, Work};
use distans_core::store::TemporaryPort;
use distans_core::temporary::{DecisionsOn, TemporaryDecision};
use distans_core::CoreResult;

use crate::store::{read_page, row, write_work, List, SqlStore};
use crate::stored::{days, json};

row! {
    struct TempRow => TemporaryDecision {
        id: Uuid,
        title: String,
        description: String,
        without_agreement: bool,
        tasks_must_allow: bool,
        created_at: OffsetDateTime,
    }
    with {
        start_date: Date,
        end_date: Date,
        units: String,
        unit_paths: String,
        max_remote_days: i64,
        delegates: String,
        checklist: String,
    }
    person {
        issued_by: issued_by, given_name, family_name;
    }
    |r| {
        start: r.start_date,
        end: r.end_date,
        units: json("temporary_decisions.units", &r.units)?,
        unit_paths: json("temporary_decisions.unit_paths", &r.unit_paths)?,
        max_remote_days: days("temporary_decisions.max_remote_days", r.max_remote_days)?,
        delegates: json("temporary_decisions.delegates", &r.delegates)?,
        checklist: json("temporary_decisions.checklist", &r.checklist)?,
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
            .bind(d.id.uuid())
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
            .bind(d.issued_by.id.uuid())
            .bind(work.at)
            .execute(&mut *tx)
            .await?;
        })
    }

    #[tracing::instrument(skip_all)]
    async fn temporary_decisions(
        &self,
        on: DecisionsOn,
        paging: Paging,
    ) -> CoreResult<Page<TemporaryDecision>> {
        // Temporary decisions, the latest starting first.
        const DECISIONS: List = List {
            count: "temporary_decisions t",
            about: None,
            select: "SELECT t.id, t.title, t.description, t.start_date, t.end_date, CAST(t.units AS TEXT) AS units,
                CAST(t.unit_paths AS TEXT) AS unit_paths, t.max_remote_days, t.without_agreement,
                t.tasks_must_allow, CAST(t.delegates AS TEXT) AS delegates,
                CAST(t.checklist AS TEXT) AS checklist, t.issued_by, p.given_name, p.family_name, t.created_at
                FROM temporary_decisions t JOIN people p ON p.id = t.issued_by",
            order: "t.start_date DESC, t.id DESC",
        };
        read_page!(self.db(), TempRow, &DECISIONS, paging, |q| {
            match on {
                DecisionsOn::Any => {}
                DecisionsOn::InForceOn(d) => {
                    q.push(" AND t.start_date <= ").push_bind(d);
                    q.push(" AND t.end_date >= ").push_bind(d);
                }
                DecisionsOn::NotEndedOn(d) => {
                    q.push(" AND t.end_date >= ").push_bind(d);
                }
            }
        })
    }
}
