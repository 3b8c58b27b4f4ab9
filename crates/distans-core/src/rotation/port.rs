//! What the rotation slice needs of storage. One implementation (in
//! `distans-store`) runs it on SQLite and PostgreSQL; every method that
//! changes data is one transaction with its audit entry and notices.

use crate::kernel::ids::{PersonId, UnitId};
use crate::kernel::{PlannerRunId, RotationPlanId};
use async_trait::async_trait;
use time::OffsetDateTime;

use crate::kernel::CoreResult;
use crate::kernel::Work;

#[async_trait]
pub trait RotationPort: Send + Sync {
    /// Stores a published rotation: its days replace earlier rotations'
    /// days of the same people in its period.
    #[allow(clippy::too_many_arguments)]
    async fn publish_rotation(
        &self,
        id: RotationPlanId,
        unit: UnitId,
        first: time::Date,
        last: time::Date,
        cost: i64,
        days: &[(PersonId, time::Date, crate::plan::model::DayState)],
        by: PersonId,
        work: &Work,
    ) -> CoreResult<()>;
    /// Stores a new run, unless its owner already has `max_running`
    /// unfinished runs that reported after `fresh_after` (then Conflict).
    /// Runs created before `purge_before` are removed.
    async fn insert_planner_job(
        &self,
        job: &crate::rotation::model::PlannerJobRow,
        max_running: i64,
        fresh_after: OffsetDateTime,
        purge_before: OffsetDateTime,
    ) -> CoreResult<()>;
    async fn planner_job(
        &self,
        id: PlannerRunId,
    ) -> CoreResult<Option<crate::rotation::model::PlannerJobRow>>;
    /// Records progress and the heartbeat; answers whether cancel was asked.
    async fn planner_job_progress(
        &self,
        id: PlannerRunId,
        done: i64,
        total: i64,
        best_cost: Option<i64>,
        at: OffsetDateTime,
    ) -> CoreResult<bool>;
    /// Stores the result (the output's JSON) and marks the run finished.
    async fn planner_job_finish(
        &self,
        id: PlannerRunId,
        result: &str,
        elapsed_ms: i64,
        at: OffsetDateTime,
    ) -> CoreResult<()>;
    /// Asks the server computing the run to stop.
    async fn planner_job_cancel(&self, id: PlannerRunId) -> CoreResult<()>;
    /// Records the rotation the run was published as.
    async fn planner_job_published(
        &self,
        id: PlannerRunId,
        rotation: RotationPlanId,
    ) -> CoreResult<()>;
}
