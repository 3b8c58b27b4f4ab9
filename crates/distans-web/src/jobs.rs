//! Rotation planning runs in the background. A run is kept in the database
//! (`planner_jobs`), so that the app servers stay stateless: the server
//! that starts a run computes it on a blocking thread and writes its
//! progress every `poll`; any server can show the run, cancel it (a flag
//! the computing server reads at its next report) and publish it. A run
//! whose server stopped reporting (it was restarted) is shown as lost, and
//! the manager plans again. Runs are removed a day after they started.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use distans_core::error::CoreResult;
use distans_core::rotation::{Lock, PlannerJobRow, RotationProblem, StoredProblem};
use distans_core::{Core, CoreError};
use distans_planner as planner;
use uuid::Uuid;

/// Running runs per person at once.
pub const MAX_RUNNING_PER_PERSON: i64 = 2;
/// A run that has not reported for this long is lost.
const LOST_AFTER: time::Duration = time::Duration::seconds(30);
/// How long runs are kept.
const KEEP: time::Duration = time::Duration::days(1);

/// A run as any server sees it.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: Uuid,
    pub owner: Uuid,
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
    pub published: Option<Uuid>,
}

impl Job {
    pub fn progress(&self) -> (u64, u64, Option<i64>) {
        (self.done, self.total, self.best_cost)
    }
}

/// Starts and reads planner runs.
#[derive(Debug, Clone)]
pub struct Jobs {
    /// How often a computing server reports progress and reads the cancel flag.
    pub poll: Duration,
}

impl Default for Jobs {
    fn default() -> Self {
        Jobs {
            poll: Duration::from_millis(300),
        }
    }
}

fn corrupt(what: &str, e: serde_json::Error) -> CoreError {
    CoreError::Internal(format!("stored planner run: {what}: {e}"))
}

impl Jobs {
    /// Stores the run and starts computing it here; refuses (Conflict) when
    /// the person already has too many running.
    pub async fn start(
        &self,
        core: &Arc<Core>,
        owner: Uuid,
        problem: RotationProblem,
        locks: Vec<Lock>,
        time_limit: f64,
    ) -> CoreResult<Uuid> {
        let stored = StoredProblem::of(&problem, &locks);
        let json = serde_json::to_string(&stored).map_err(|e| corrupt("problem", e))?;
        let now = core.now();
        let total = (problem.input.employees.len() as i64) * problem.input.horizon.weeks;
        let row = PlannerJobRow {
            id: Uuid::now_v7(),
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
        core.store
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
        let core = core.clone();
        let poll = self.poll;
        tokio::spawn(async move {
            let finished = loop {
                tokio::select! {
                    r = &mut solving => break r,
                    _ = tokio::time::sleep(poll) => {
                        let b = best.load(Ordering::Relaxed);
                        match core.store.planner_job_progress(
                            id,
                            done.load(Ordering::Relaxed) as i64,
                            total.load(Ordering::Relaxed) as i64,
                            (b != i64::MIN).then_some(b),
                            core.now(),
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
                            core.store
                                .planner_job_finish(id, &json, took.as_millis() as i64, core.now())
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
    pub async fn get(&self, core: &Core, id: Uuid, owner: Uuid) -> CoreResult<Option<Job>> {
        let Some(r) = core.store.planner_job(id).await? else {
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
        Ok(Some(Job {
            id: r.id,
            owner: r.owner,
            problem,
            time_limit: r.time_limit,
            finished: r.finished,
            lost: !r.finished && r.heartbeat_at < core.now() - LOST_AFTER,
            cancel_requested: r.cancel_requested,
            done: r.done.max(0) as u64,
            total: r.total.max(0) as u64,
            best_cost: r.best_cost,
            result,
            published: r.published,
        }))
    }

    /// Asks the computing server to stop the run: it keeps its best plan so far.
    pub async fn cancel(&self, core: &Core, id: Uuid) -> CoreResult<()> {
        core.store.planner_job_cancel(id).await
    }

    /// Records the rotation the run was published as.
    pub async fn published(&self, core: &Core, id: Uuid, rotation: Uuid) -> CoreResult<()> {
        core.store.planner_job_published(id, rotation).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use distans_core::model::UnitKind;
    use distans_core::store::{UnitDetail, UnitSummary};

    /// A large problem: 40 units of 100 with tight, skill-dependent coverage.
    fn big_problem() -> RotationProblem {
        let mut employees = vec![];
        let mut coverage = vec![];
        for u in 0..40 {
            for i in 0..100 {
                employees.push(planner::Employee {
                    id: format!("e{u}-{i}"),
                    unit: format!("u{u}"),
                    skills: if i % 3 == 0 { vec!["x".into()] } else { vec![] },
                    remote_target_per_week: 3,
                    prefer_remote: vec![["mon", "fri", "wed"][i % 3].into()],
                    ..Default::default()
                });
            }
            coverage.push(planner::CoverageRule {
                unit: Some(format!("u{u}")),
                skill: None,
                min_onsite: 55,
                weekdays: None,
            });
            coverage.push(planner::CoverageRule {
                unit: Some(format!("u{u}")),
                skill: Some("x".into()),
                min_onsite: 20,
                weekdays: None,
            });
        }
        let input = planner::Input {
            horizon: planner::Horizon {
                start: Some("2027-01-04".into()),
                weeks: 8,
                holidays: vec![],
            },
            employees,
            rules: planner::Rules {
                coverage,
                capacity: vec![],
                separate_cohorts: false,
            },
        };
        RotationProblem {
            unit: UnitDetail {
                unit: UnitSummary {
                    id: Uuid::nil(),
                    code: "u".into(),
                    name: "U".into(),
                    kind: UnitKind::Enhet,
                    parent_id: None,
                    depth: 0,
                    manager: None,
                    people: 4000,
                    children: 0,
                },
                ancestors: vec![],
                children: vec![],
                site: None,
                path: String::new(),
            },
            start: time::macros::date!(2027 - 01 - 04),
            weeks: 8,
            input,
            names: Default::default(),
            notes: vec![],
        }
    }

    async fn core() -> (Arc<Core>, Uuid, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("distans-jobs-{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = distans_store::SqlStore::open(&distans_store::StoreConfig {
            url: dir.join("j.db").to_string_lossy().into(),
            max_connections: 4,
        })
        .await
        .unwrap();
        let core = Arc::new(Core::new(
            Arc::new(store),
            Arc::new(distans_core::clock::SystemClock),
        ));
        core.load_demo(60).await.unwrap();
        let owner = core.store.credentials("chef").await.unwrap().unwrap().0;
        (core, owner, dir)
    }

    async fn wait_finished(jobs: &Jobs, core: &Core, id: Uuid, owner: Uuid) -> Job {
        let t = Instant::now();
        loop {
            let j = jobs.get(core, id, owner).await.unwrap().unwrap();
            if j.finished {
                return j;
            }
            assert!(!j.lost, "a running job reports");
            assert!(t.elapsed() < Duration::from_secs(120), "the planner stops");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_job_reports_progress_and_any_server_can_see_and_cancel_it() {
        let (core, owner, dir) = core().await;
        // Two app servers on one database.
        let a = Jobs {
            poll: Duration::from_millis(50),
        };
        let b = Jobs::default();
        let id = a
            .start(&core, owner, big_problem(), vec![], 60.0)
            .await
            .unwrap();
        let seen = b.get(&core, id, owner).await.unwrap().unwrap();
        assert!(!seen.finished && !seen.lost);
        assert_eq!(seen.total, 4000 * 8);
        assert!(
            b.get(&core, id, Uuid::new_v4()).await.unwrap().is_none(),
            "others' runs are not found"
        );
        // Cancelled from the other server: the planner stops and keeps its
        // best plan so far.
        b.cancel(&core, id).await.unwrap();
        let job = wait_finished(&b, &core, id, owner).await;
        assert!(job.cancel_requested);
        let (out, _) = job.result.clone().unwrap();
        assert_ne!(out.status, planner::Status::Optimal, "not claimed optimal");
        if out.status == planner::Status::Feasible {
            assert_eq!(
                planner::check::check(&job.problem.input, &out),
                Ok(out.cost)
            );
        }
        b.published(&core, id, Uuid::nil()).await.unwrap();
        assert_eq!(
            a.get(&core, id, owner).await.unwrap().unwrap().published,
            Some(Uuid::nil())
        );

        // Two at once per person; a third is refused.
        let mut small = big_problem();
        small.input.employees.truncate(200);
        small.input.rules.coverage.truncate(4);
        small.input.horizon.weeks = 1;
        let one = a
            .start(&core, owner, small.clone(), vec![], 60.0)
            .await
            .unwrap();
        let two = a
            .start(&core, owner, small.clone(), vec![], 60.0)
            .await
            .unwrap();
        let third = a.start(&core, owner, small.clone(), vec![], 60.0).await;
        let both_running = !a.get(&core, one, owner).await.unwrap().unwrap().finished
            && !a.get(&core, two, owner).await.unwrap().unwrap().finished;
        if both_running {
            assert!(matches!(third, Err(CoreError::Conflict(_))), "{third:?}");
        }
        // Run to the end: progress counts every employee-week.
        let j = wait_finished(&b, &core, one, owner).await;
        wait_finished(&b, &core, two, owner).await;
        let (out, _) = j.result.clone().unwrap();
        assert_eq!((j.done, j.total), (200, 200));
        assert_eq!(planner::check::check(&j.problem.input, &out), Ok(out.cost));
        assert_eq!(j.problem.locks, vec![]);
        assert_eq!(j.problem.unit_name, "U");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_run_whose_server_stopped_is_lost_and_does_not_count() {
        let (core, owner, dir) = core().await;
        let jobs = Jobs::default();
        let long_ago = core.now() - time::Duration::minutes(5);
        for _ in 0..MAX_RUNNING_PER_PERSON {
            let row = PlannerJobRow {
                id: Uuid::now_v7(),
                owner,
                problem: serde_json::to_string(&StoredProblem::of(&big_problem(), &[])).unwrap(),
                time_limit: 5.0,
                finished: false,
                cancel_requested: false,
                done: 3,
                total: 10,
                best_cost: None,
                result: None,
                elapsed_ms: None,
                published: None,
                heartbeat_at: long_ago,
                created_at: long_ago,
            };
            core.store
                .insert_planner_job(&row, 10, long_ago, long_ago - time::Duration::days(1))
                .await
                .unwrap();
            let j = jobs.get(&core, row.id, owner).await.unwrap().unwrap();
            assert!(j.lost && !j.finished);
            assert_eq!((j.done, j.total), (3, 10));
        }
        // The lost runs do not block a new one.
        let mut small = big_problem();
        small.input.employees.truncate(20);
        small.input.rules.coverage.truncate(2);
        small.input.horizon.weeks = 1;
        let id = jobs.start(&core, owner, small, vec![], 5.0).await.unwrap();
        assert!(wait_finished(&jobs, &core, id, owner)
            .await
            .result
            .is_some());
        let _ = std::fs::remove_dir_all(dir);
    }
}
