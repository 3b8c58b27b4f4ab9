//! Rotation planning runs in the background. A run is kept in the database
//! (`planner_jobs`), so that the app servers stay stateless: the server
//! that starts a run computes it on a blocking thread and writes its
//! progress every `poll`; any server can show the run, cancel it (a flag
//! the computing server reads at its next report) and publish it. A run
//! whose server stopped reporting (it was restarted) is shown as lost, and
//! the manager plans again. Runs are removed a day after they started.

use crate::kernel::ids::PersonId;
use crate::kernel::{PlannerRunId, RotationPlanId};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use distans_planner as planner;

use crate::kernel::{CoreError, CoreResult};
use crate::rotation::model::{Lock, PlannerJobRow, RotationProblem, StoredProblem};
use crate::rotation::service::RotationService;

/// Running runs per person at once.
pub const MAX_RUNNING_PER_PERSON: i64 = 2;
/// A run that has not reported for this long is lost.
const LOST_AFTER: time::Duration = time::Duration::seconds(30);
/// How long runs are kept.
const KEEP: time::Duration = time::Duration::days(1);

/// A run as any server sees it.
#[derive(Debug, Clone)]
pub struct PlannerRun {
    pub id: PlannerRunId,
    pub owner: PersonId,
    pub problem: StoredProblem,
    pub time_limit: f64,
    pub finished: bool,
    /// Unfinished, and its server stopped reporting.
    pub lost: bool,
    pub cancel_requested: bool,
    pub done: u64,
    pub total: u64,
    pub best_cost: Option<i64>,
    pub result: Option<(planner::Output, Duration)>,
    pub published: Option<RotationPlanId>,
}

impl PlannerRun {
    pub fn progress(&self) -> (u64, u64, Option<i64>) {
        (self.done, self.total, self.best_cost)
    }
}

/// Starts and reads planner runs.
#[derive(Debug, Clone)]
pub struct PlannerRuns {
    /// How often a computing server reports progress and reads the cancel flag.
    pub poll: Duration,
}

impl Default for PlannerRuns {
    fn default() -> Self {
        PlannerRuns {
            poll: Duration::from_millis(300),
        }
    }
}

fn corrupt(what: &str, e: serde_json::Error) -> CoreError {
    CoreError::Internal(format!("stored planner run: {what}: {e}"))
}

impl PlannerRuns {
    /// Stores the run and starts computing it here; refuses (Conflict) when
    /// the person already has too many running.
    pub async fn start(
        &self,
        rotation: &RotationService,
        owner: PersonId,
        problem: RotationProblem,
        locks: Vec<Lock>,
        time_limit: f64,
    ) -> CoreResult<PlannerRunId> {
        let stored = StoredProblem::of(&problem, &locks);
        let json = serde_json::to_string(&stored).map_err(|e| corrupt("problem", e))?;
        let now = rotation.env.now();
        let total = (problem.input.employees.len() as i64) * problem.input.horizon.weeks;
        let row = PlannerJobRow {
            id: PlannerRunId::new(),
            owner,
            problem: json,
            time_limit,
            finished: false,
            cancel_requested: false,
            done: 0,
            total,
            best_cost: None,
            result: None,
            elapsed_ms: None,
            published: None,
            heartbeat_at: now,
            created_at: now,
        };
        rotation
            .port
            .insert_planner_job(&row, MAX_RUNNING_PER_PERSON, now - LOST_AFTER, now - KEEP)
            .await?;
        let id = row.id;
        let cancel = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicU64::new(0));
        let total = Arc::new(AtomicU64::new(total.max(0) as u64));
        let best = Arc::new(AtomicI64::new(i64::MIN));
        let opts = planner::SolveOptions {
            time_limit: Some(Duration::from_secs_f64(time_limit)),
            cancel: Some(cancel.clone()),
            progress: Some({
                let (done, total, best) = (done.clone(), total.clone(), best.clone());
                Arc::new(move |p: planner::Progress| {
                    done.store(p.done, Ordering::Relaxed);
                    total.store(p.total, Ordering::Relaxed);
                    if let Some(c) = p.best_cost {
                        best.store(c, Ordering::Relaxed);
                    }
                })
            }),
        };
        let input = problem.input;
        let mut solving = tokio::task::spawn_blocking(move || {
            let t = Instant::now();
            let out = planner::solve(&input, &opts);
            (out, t.elapsed())
        });
        let rotation = rotation.clone();
        let poll = self.poll;
        tokio::spawn(async move {
            let finished = loop {
                tokio::select! {
                    r = &mut solving => break r,
                    _ = tokio::time::sleep(poll) => {
                        let b = best.load(Ordering::Relaxed);
                        match rotation.port.planner_job_progress(
                            id,
                            done.load(Ordering::Relaxed) as i64,
                            total.load(Ordering::Relaxed) as i64,
                            (b != i64::MIN).then_some(b),
                            rotation.env.now(),
                        ).await {
                            Ok(true) => cancel.store(true, Ordering::Relaxed),
                            Ok(false) => {}
                            Err(e) => tracing::warn!(error = %e, job = %id, "could not record the planner's progress"),
                        }
                    }
                }
            };
            match finished {
                Ok((out, took)) => {
                    let saved = match serde_json::to_string(&out) {
                        Ok(json) => {
                            rotation
                                .port
                                .planner_job_finish(
                                    id,
                                    &json,
                                    took.as_millis() as i64,
                                    rotation.env.now(),
                                )
                                .await
                        }
                        Err(e) => Err(corrupt("result", e)),
                    };
                    if let Err(e) = saved {
                        tracing::error!(error = %e, job = %id, "could not store the planner's result");
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, job = %id, "the planner stopped unexpectedly")
                }
            }
        });
        Ok(id)
    }

    /// A run of this person's (others' runs are not found).
    pub async fn get(
        &self,
        rotation: &RotationService,
        id: PlannerRunId,
        owner: PersonId,
    ) -> CoreResult<Option<PlannerRun>> {
        let Some(r) = rotation.port.planner_job(id).await? else {
            return Ok(None);
        };
        if r.owner != owner {
            return Ok(None);
        }
        let problem: StoredProblem =
            serde_json::from_str(&r.problem).map_err(|e| corrupt("problem", e))?;
        let result = match (&r.result, r.elapsed_ms) {
            (Some(json), ms) => Some((
                serde_json::from_str::<planner::Output>(json).map_err(|e| corrupt("result", e))?,
                Duration::from_millis(ms.unwrap_or(0).max(0) as u64),
            )),
            _ => None,
        };
        Ok(Some(PlannerRun {
            id: r.id,
            owner: r.owner,
            problem,
            time_limit: r.time_limit,
            finished: r.finished,
            lost: !r.finished && r.heartbeat_at < rotation.env.now() - LOST_AFTER,
            cancel_requested: r.cancel_requested,
            done: r.done.max(0) as u64,
            total: r.total.max(0) as u64,
            best_cost: r.best_cost,
            result,
            published: r.published,
        }))
    }

    /// Asks the computing server to stop the run: it keeps its best plan so far.
    pub async fn cancel(&self, rotation: &RotationService, id: PlannerRunId) -> CoreResult<()> {
        rotation.port.planner_job_cancel(id).await
    }

    /// Records the rotation the run was published as.
    pub async fn published(
        &self,
        rotation: &RotationService,
        id: PlannerRunId,
        published_as: RotationPlanId,
    ) -> CoreResult<()> {
        rotation.port.planner_job_published(id, published_as).await
    }
}
