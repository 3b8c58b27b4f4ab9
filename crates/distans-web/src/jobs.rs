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
