//! Rotation planning runs in the background: a job per run, with progress
//! and a cancel flag, kept in memory for an hour (one server; a job is lost
//! on restart, and the manager simply plans again).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use distans_core::rotation::{Lock, RotationProblem};
use distans_planner as planner;
use uuid::Uuid;

/// How long a finished job is kept.
const KEEP: Duration = Duration::from_secs(3600);
/// Running jobs per person at once.
pub const MAX_RUNNING_PER_PERSON: usize = 2;

pub struct Job {
    pub id: Uuid,
    pub owner: Uuid,
    pub problem: RotationProblem,
    pub locks: Vec<Lock>,
    pub time_limit: f64,
    pub started: Instant,
    pub cancel: Arc<AtomicBool>,
    pub done: AtomicU64,
    pub total: AtomicU64,
    /// `i64::MIN` until a cost is known.
    pub best_cost: std::sync::atomic::AtomicI64,
    pub result: Mutex<Option<(planner::Output, Duration)>>,
    pub published: Mutex<Option<Uuid>>,
}

impl Job {
    pub fn finished(&self) -> bool {
        self.result.lock().map(|r| r.is_some()).unwrap_or(true)
    }

    pub fn result(&self) -> Option<(planner::Output, Duration)> {
        self.result.lock().ok().and_then(|r| r.clone())
    }

    pub fn progress(&self) -> (u64, u64, Option<i64>) {
        let c = self.best_cost.load(Ordering::Relaxed);
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
            (c != i64::MIN).then_some(c),
        )
    }
}

#[derive(Default, Clone)]
pub struct Jobs {
    inner: Arc<Mutex<HashMap<Uuid, Arc<Job>>>>,
}

impl Jobs {
    /// Starts solving on a blocking thread; refuses when the person already
    /// has too many running.
    pub fn start(
        &self,
        owner: Uuid,
        problem: RotationProblem,
        locks: Vec<Lock>,
        time_limit: f64,
    ) -> Result<Arc<Job>, &'static str> {
        let job = Arc::new(Job {
            id: Uuid::new_v4(),
            owner,
            problem,
            locks,
            time_limit,
            started: Instant::now(),
            cancel: Arc::new(AtomicBool::new(false)),
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
            best_cost: std::sync::atomic::AtomicI64::new(i64::MIN),
            result: Mutex::new(None),
            published: Mutex::new(None),
        });
        {
            let mut map = self.inner.lock().map_err(|_| "jobs unavailable")?;
            map.retain(|_, j| !(j.finished() && j.started.elapsed() > KEEP));
            let running = map
                .values()
                .filter(|j| j.owner == owner && !j.finished())
                .count();
            if running >= MAX_RUNNING_PER_PERSON {
                return Err("you already have plans being made; wait for them or cancel one");
            }
            map.insert(job.id, job.clone());
        }
        let worker = job.clone();
        tokio::task::spawn_blocking(move || {
            let progress_job = worker.clone();
            let opts = planner::SolveOptions {
                time_limit: Some(Duration::from_secs_f64(worker.time_limit)),
                cancel: Some(worker.cancel.clone()),
                progress: Some(Arc::new(move |p: planner::Progress| {
                    progress_job.done.store(p.done, Ordering::Relaxed);
                    progress_job.total.store(p.total, Ordering::Relaxed);
                    if let Some(c) = p.best_cost {
                        progress_job.best_cost.store(c, Ordering::Relaxed);
                    }
                })),
            };
            let t = Instant::now();
            let out = planner::solve(&worker.problem.input, &opts);
            if let Ok(mut r) = worker.result.lock() {
                *r = Some((out, t.elapsed()));
            }
        });
        Ok(job)
    }

    /// A job of this person's (others' jobs are not found).
    pub fn get(&self, id: Uuid, owner: Uuid) -> Option<Arc<Job>> {
        self.inner
            .lock()
            .ok()
            .and_then(|m| m.get(&id).cloned())
            .filter(|j| j.owner == owner)
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_job_reports_progress_and_can_be_cancelled() {
        let jobs = Jobs::default();
        let owner = Uuid::new_v4();
        // Cancelled at once: the planner stops and gives its best plan so far.
        let job = jobs.start(owner, big_problem(), vec![], 60.0).unwrap();
        job.cancel.store(true, Ordering::Relaxed);
        assert!(
            jobs.get(job.id, Uuid::new_v4()).is_none(),
            "others' jobs are not found"
        );
        let t = Instant::now();
        while !job.finished() {
            assert!(
                t.elapsed() < Duration::from_secs(60),
                "cancel stops the planner"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let (out, _) = job.result().unwrap();
        assert_ne!(out.status, planner::Status::Optimal, "not claimed optimal");
        if out.status == planner::Status::Feasible {
            assert_eq!(
                planner::check::check(&job.problem.input, &out),
                Ok(out.cost)
            );
        }
        // Two at once per person; a third is refused.
        let mut small = big_problem();
        small.input.employees.truncate(200);
        small.input.rules.coverage.truncate(4);
        small.input.horizon.weeks = 1;
        let a = jobs.start(owner, small.clone(), vec![], 60.0).unwrap();
        let b = jobs.start(owner, small.clone(), vec![], 60.0).unwrap();
        assert!(
            jobs.start(owner, small.clone(), vec![], 60.0).is_err() || a.finished() || b.finished()
        );
        // Run to the end, progress counts every employee-week.
        let t = Instant::now();
        while !(a.finished() && b.finished()) {
            assert!(t.elapsed() < Duration::from_secs(120));
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let (done, total, best) = a.progress();
        assert_eq!((done, total), (200, 200));
        let (out, _) = a.result().unwrap();
        assert_eq!(best, Some(out.cost));
        assert_eq!(planner::check::check(&a.problem.input, &out), Ok(out.cost));
    }
}
