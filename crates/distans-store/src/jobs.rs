//! Planner runs (rotation jobs), kept in the database so that any app
//! server can show, cancel and publish a run another server computes.
//! Called from the `Store` impl.

use time::OffsetDateTime;
use uuid::Uuid;

use distans_core::rotation::PlannerJobRow;
use distans_core::CoreError;
use distans_core::CoreResult;

use crate::impl_store::{BeginWrite, SqlStore};
use crate::{db_err, on_db_old as on_db};

#[derive(sqlx::FromRow)]
struct JobRow {
    id: Uuid,
    owner_id: Uuid,
    problem: String,
    time_limit: f64,
    finished: bool,
    cancel_requested: bool,
    done: i64,
    total: i64,
    best_cost: Option<i64>,
    result: Option<String>,
    elapsed_ms: Option<i64>,
    published_id: Option<Uuid>,
    heartbeat_at: OffsetDateTime,
    created_at: OffsetDateTime,
}

impl From<JobRow> for PlannerJobRow {
    fn from(r: JobRow) -> Self {
        PlannerJobRow {
            id: r.id,
            owner: r.owner_id,
            problem: r.problem,
            time_limit: r.time_limit,
            finished: r.finished,
            cancel_requested: r.cancel_requested,
            done: r.done,
            total: r.total,
            best_cost: r.best_cost,
            result: r.result,
            elapsed_ms: r.elapsed_ms,
            published: r.published_id,
            heartbeat_at: r.heartbeat_at,
            created_at: r.created_at,
        }
    }
}

impl SqlStore {
    pub(crate) async fn insert_planner_job_impl(
        &self,
        j: &PlannerJobRow,
        max_running: i64,
        fresh_after: OffsetDateTime,
        purge_before: OffsetDateTime,
    ) -> CoreResult<()> {
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            sqlx::query("DELETE FROM planner_jobs WHERE created_at < $1")
                .bind(purge_before).execute(&mut *tx).await.map_err(db_err)?;
            let (running,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM planner_jobs
                 WHERE owner_id = $1 AND finished = FALSE AND heartbeat_at >= $2")
                .bind(j.owner).bind(fresh_after)
                .fetch_one(&mut *tx).await.map_err(db_err)?;
            if running >= max_running {
                return Err(CoreError::Conflict(
                    "you already have plans being made; wait for them or cancel one".into()));
            }
            sqlx::query(
                "INSERT INTO planner_jobs (id, owner_id, problem, time_limit, finished,
                    cancel_requested, done, total, best_cost, result, elapsed_ms,
                    published_id, heartbeat_at, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)")
                .bind(j.id).bind(j.owner).bind(&j.problem).bind(j.time_limit)
                .bind(j.finished).bind(j.cancel_requested).bind(j.done).bind(j.total)
                .bind(j.best_cost).bind(&j.result).bind(j.elapsed_ms).bind(j.published)
                .bind(j.heartbeat_at).bind(j.created_at)
                .execute(&mut *tx).await.map_err(db_err)?;
            tx.commit().await.map_err(db_err)
        })
    }

    pub(crate) async fn planner_job_impl(&self, id: Uuid) -> CoreResult<Option<PlannerJobRow>> {
        let row: Option<JobRow> = on_db!(self.db(), p => sqlx::query_as(
            "SELECT id, owner_id, problem, time_limit, finished, cancel_requested, done,
                    total, best_cost, result, elapsed_ms, published_id, heartbeat_at, created_at
             FROM planner_jobs WHERE id = $1")
            .bind(id).fetch_optional(p).await.map_err(db_err)?);
        Ok(row.map(Into::into))
    }

    pub(crate) async fn planner_job_progress_impl(
        &self,
        id: Uuid,
        done: i64,
        total: i64,
        best_cost: Option<i64>,
        at: OffsetDateTime,
    ) -> CoreResult<bool> {
        let row: Option<(bool,)> = on_db!(self.db(), p => sqlx::query_as(
            "UPDATE planner_jobs SET done = $2, total = $3, best_cost = $4, heartbeat_at = $5
             WHERE id = $1 RETURNING cancel_requested")
            .bind(id).bind(done).bind(total).bind(best_cost).bind(at)
            .fetch_optional(p).await.map_err(db_err)?);
        Ok(row.is_some_and(|r| r.0))
    }

    pub(crate) async fn planner_job_finish_impl(
        &self,
        id: Uuid,
        result: &str,
        elapsed_ms: i64,
        at: OffsetDateTime,
    ) -> CoreResult<()> {
        on_db!(self.db(), p => sqlx::query(
            "UPDATE planner_jobs SET finished = TRUE, result = $2, elapsed_ms = $3,
                 heartbeat_at = $4, done = total
             WHERE id = $1")
            .bind(id).bind(result).bind(elapsed_ms).bind(at)
            .execute(p).await.map(|_| ()).map_err(db_err)?);
        Ok(())
    }

    pub(crate) async fn planner_job_cancel_impl(&self, id: Uuid) -> CoreResult<()> {
        on_db!(self.db(), p => sqlx::query(
            "UPDATE planner_jobs SET cancel_requested = TRUE WHERE id = $1")
            .bind(id).execute(p).await.map(|_| ()).map_err(db_err)?);
        Ok(())
    }

    pub(crate) async fn planner_job_published_impl(
        &self,
        id: Uuid,
        rotation: Uuid,
    ) -> CoreResult<()> {
        on_db!(self.db(), p => sqlx::query(
            "UPDATE planner_jobs SET published_id = $2 WHERE id = $1")
            .bind(id).bind(rotation).execute(p).await.map(|_| ()).map_err(db_err)?);
        Ok(())
    }
}
