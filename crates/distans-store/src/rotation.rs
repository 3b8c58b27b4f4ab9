//! Rotations: published rotation plans, whose days replace the agreements'
//! weekdays for their people, and the planner runs that make them, kept in
//! the database so that any app server can show, cancel and publish a run
//! another server computes.

use async_trait::async_trait;
use distans_core::kernel::{PersonId, UnitId};
use distans_core::kernel::{PlannerRunId, RotationPlanId};
use sqlx::QueryBuilder;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use distans_core::kernel::Work;
use distans_core::plan::DayState;
use distans_core::rotation::PlannerJobRow;
use distans_core::store::RotationPort;
use distans_core::CoreResult;

use crate::db::{execute, fetch, on_db, read_one, BeginWrite};
use crate::error::conflict;
use crate::plan::{push_who, Who};
use crate::sql::insert_rows;
use crate::store::{row, write_work, SqlStore};
use crate::stored::Stored;

row! {
    struct JobRow => PlannerJobRow {
        id: Uuid,
        problem: String,
        time_limit: f64,
        finished: bool,
        cancel_requested: bool,
        done: i64,
        total: i64,
        best_cost: Option<i64>,
        result: Option<String>,
        elapsed_ms: Option<i64>,
        heartbeat_at: OffsetDateTime,
        created_at: OffsetDateTime,
    }
    with {
        owner_id: Uuid,
        published_id: Option<Uuid>,
    }
    |r| {
        owner: r.owner_id.into(),
        published: r.published_id.map(Into::into),
    }
}

#[async_trait]
impl RotationPort for SqlStore {
    #[allow(clippy::too_many_arguments)]
    #[tracing::instrument(skip_all, fields(id = %id, unit = %unit))]
    async fn publish_rotation(
        &self,
        id: RotationPlanId,
        unit: UnitId,
        first: Date,
        last: Date,
        cost: i64,
        days: &[(PersonId, Date, DayState)],
        by: PersonId,
        work: &Work,
    ) -> CoreResult<()> {
        let mut people: Vec<PersonId> = days.iter().map(|d| d.0).collect();
        people.sort();
        people.dedup();
        write_work!(self, work, |tx| {
            sqlx::query(
                "INSERT INTO rotation_plans (id, unit_id, first_day, last_day, cost, published_by, published_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id.uuid())
            .bind(unit.uuid())
            .bind(first)
            .bind(last)
            .bind(cost)
            .bind(by.uuid())
            .bind(work.at)
            .execute(&mut *tx)
            .await?;
            // Earlier rotations' days of these people in this period give way.
            for chunk in people.chunks(300) {
                let mut q = QueryBuilder::new("DELETE FROM rotation_days WHERE day >= ");
                q.push_bind(first).push(" AND day <= ").push_bind(last);
                q.push(" AND plan_id <> ").push_bind(id.uuid());
                push_who(&mut q, "person_id", Who::Ids(chunk));
                q.build().execute(&mut *tx).await?;
            }
            insert_rows!(
                tx,
                "INSERT INTO rotation_days (plan_id, person_id, day, state) ",
                days,
                300,
                |b, (person, day, state)| b
                    .push_bind(id.uuid())
                    .push_bind((*person).uuid())
                    .push_bind(*day)
                    .push_bind(state.stored()),
            );
        })
    }

    #[tracing::instrument(skip_all, fields(id = %j.id))]
    async fn insert_planner_job(
        &self,
        j: &PlannerJobRow,
        max_running: i64,
        fresh_after: OffsetDateTime,
        purge_before: OffsetDateTime,
    ) -> CoreResult<()> {
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("DELETE FROM planner_jobs WHERE created_at < $1")
                .bind(purge_before)
                .execute(&mut *tx)
                .await?;
            let (running,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM planner_jobs WHERE owner_id = $1 AND finished = FALSE AND heartbeat_at >= $2",
            )
            .bind(j.owner.uuid())
            .bind(fresh_after)
            .fetch_one(&mut *tx)
            .await?;
            if running >= max_running {
                return Err(conflict("you already have plans being made; wait for them or cancel one"));
            }
            sqlx::query(
                "INSERT INTO planner_jobs (id, owner_id, problem, time_limit, finished, cancel_requested, done, total,
                    best_cost, result, elapsed_ms, published_id, heartbeat_at, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            )
            .bind(j.id.uuid())
            .bind(j.owner.uuid())
            .bind(&j.problem)
            .bind(j.time_limit)
            .bind(j.finished)
            .bind(j.cancel_requested)
            .bind(j.done)
            .bind(j.total)
            .bind(j.best_cost)
            .bind(&j.result)
            .bind(j.elapsed_ms)
            .bind(j.published.map(|i| i.uuid()))
            .bind(j.heartbeat_at)
            .bind(j.created_at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn planner_job(&self, id: PlannerRunId) -> CoreResult<Option<PlannerJobRow>> {
        read_one!(
            self.db(),
            JobRow,
            "SELECT id, owner_id, problem, time_limit, finished, cancel_requested, done, total, best_cost, result,
                elapsed_ms, published_id, heartbeat_at, created_at
             FROM planner_jobs WHERE id = $1",
            id.uuid()
        )
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn planner_job_progress(
        &self,
        id: PlannerRunId,
        done: i64,
        total: i64,
        best_cost: Option<i64>,
        at: OffsetDateTime,
    ) -> CoreResult<bool> {
        let row: Option<(bool,)> = fetch!(
            self.db(),
            fetch_optional,
            "UPDATE planner_jobs SET done = $2, total = $3, best_cost = $4, heartbeat_at = $5
             WHERE id = $1 RETURNING cancel_requested",
            id.uuid(),
            done,
            total,
            best_cost,
            at
        )?;
        Ok(row.is_some_and(|(cancel,)| cancel))
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn planner_job_finish(
        &self,
        id: PlannerRunId,
        result: &str,
        elapsed_ms: i64,
        at: OffsetDateTime,
    ) -> CoreResult<()> {
        execute!(
            self.db(),
            "UPDATE planner_jobs SET finished = TRUE, result = $2, elapsed_ms = $3, heartbeat_at = $4, done = total
             WHERE id = $1",
            id.uuid(),
            result,
            elapsed_ms,
            at
        )?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn planner_job_cancel(&self, id: PlannerRunId) -> CoreResult<()> {
        execute!(
            self.db(),
            "UPDATE planner_jobs SET cancel_requested = TRUE WHERE id = $1",
            id.uuid()
        )?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn planner_job_published(
        &self,
        id: PlannerRunId,
        rotation: RotationPlanId,
    ) -> CoreResult<()> {
        execute!(
            self.db(),
            "UPDATE planner_jobs SET published_id = $2 WHERE id = $1",
            id.uuid(),
            rotation.uuid()
        )?;
        Ok(())
    }
}
