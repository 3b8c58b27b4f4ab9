//! Planner runs computed in the background: progress any app server can
//! read, cancelling from another server, the limit of runs per person, and
//! runs whose server stopped.

use distans_core::kernel::RotationPlanId;
use std::sync::Arc;
use std::time::{Duration, Instant};

use distans_core::org::{UnitDetail, UnitKind, UnitSummary};
use distans_core::rotation::runs::{
    PlannerRun as Job, PlannerRuns as Jobs, MAX_RUNNING_PER_PERSON,
};
use distans_core::rotation::{PlannerJobRow, RotationProblem, StoredProblem};
use distans_core::store::*;
use distans_core::{Core, CoreError};
use distans_planner as planner;
use uuid::Uuid;

use super::{core, fresh_dbs, username_person};

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
                id: Uuid::nil().into(),
                code: "u".into(),
                name: "U".into(),
                kind: UnitKind::Enhet,
                parent_id: None,
                depth: 0,
                manager: None,
                people: 4000,
                children: 0,
                version: 1,
            },
            ancestors: vec![],
            children: vec![],
            site: None,
            deputy: None,
            closed_at: None,
            path: String::new(),
        },
        start: time::macros::date!(2027 - 01 - 04),
        weeks: 8,
        input,
        names: Default::default(),
        notes: vec![],
    }
}

async fn demo_core(store: &Arc<distans_store::SqlStore>) -> (Arc<Core>, Uuid) {
    let core = Arc::new(core(store));
    core.demo.load_demo(60).await.unwrap();
    let owner = username_person(store, "chef").await;
    (core, owner.into())
}

async fn wait_finished(jobs: &Jobs, core: &Core, id: Uuid, owner: Uuid) -> Job {
    let t = Instant::now();
    loop {
        let j = jobs
            .get(&core.rotation, id.into(), owner.into())
            .await
            .unwrap()
            .unwrap();
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
    for t in fresh_dbs().await {
        let store = Arc::new(t.open().await);
        let (core, owner) = demo_core(&store).await;
        // Two app servers on one database.
        let a = Jobs {
            poll: Duration::from_millis(50),
        };
        let b = Jobs::default();
        let id = a
            .start(&core.rotation, owner.into(), big_problem(), vec![], 60.0)
            .await
            .unwrap();
        let seen = b
            .get(&core.rotation, id, owner.into())
            .await
            .unwrap()
            .unwrap();
        assert!(!seen.finished && !seen.lost);
        assert_eq!(seen.total, 4000 * 8);
        assert!(
            b.get(&core.rotation, id, Uuid::new_v4().into())
                .await
                .unwrap()
                .is_none(),
            "others' runs are not found"
        );
        // Cancelled from the other server: the planner stops and keeps its
        // best plan so far.
        b.cancel(&core.rotation, id).await.unwrap();
        let job = wait_finished(&b, &core, id.into(), owner).await;
        assert!(job.cancel_requested);
        let (out, _) = job.result.clone().unwrap();
        assert_ne!(out.status, planner::Status::Optimal, "not claimed optimal");
        if out.status == planner::Status::Feasible {
            assert_eq!(
                planner::check::check(&job.problem.input, &out),
                Ok(out.cost)
            );
        }
        b.published(&core.rotation, id, (Uuid::nil()).into())
            .await
            .unwrap();
        assert_eq!(
            a.get(&core.rotation, id, owner.into())
                .await
                .unwrap()
                .unwrap()
                .published,
            Some(RotationPlanId::nil())
        );

        // Two at once per person; a third is refused.
        let mut small = big_problem();
        small.input.employees.truncate(200);
        small.input.rules.coverage.truncate(4);
        small.input.horizon.weeks = 1;
        let one = a
            .start(&core.rotation, owner.into(), small.clone(), vec![], 60.0)
            .await
            .unwrap();
        let two = a
            .start(&core.rotation, owner.into(), small.clone(), vec![], 60.0)
            .await
            .unwrap();
        let third = a
            .start(&core.rotation, owner.into(), small.clone(), vec![], 60.0)
            .await;
        let both_running = !a
            .get(&core.rotation, one, owner.into())
            .await
            .unwrap()
            .unwrap()
            .finished
            && !a
                .get(&core.rotation, two, owner.into())
                .await
                .unwrap()
                .unwrap()
                .finished;
        if both_running {
            assert!(matches!(third, Err(CoreError::Conflict(_))), "{third:?}");
        }
        // Run to the end: progress counts every employee-week.
        let j = wait_finished(&b, &core, one.into(), owner).await;
        wait_finished(&b, &core, two.into(), owner).await;
        let (out, _) = j.result.clone().unwrap();
        assert_eq!((j.done, j.total), (200, 200));
        assert_eq!(planner::check::check(&j.problem.input, &out), Ok(out.cost));
        assert_eq!(j.problem.locks, vec![]);
        assert_eq!(j.problem.unit_name, "U");
        t.drop_db().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_whose_server_stopped_is_lost_and_does_not_count() {
    for t in fresh_dbs().await {
        let store = Arc::new(t.open().await);
        let (core, owner) = demo_core(&store).await;
        let jobs = Jobs::default();
        let long_ago = core.now() - time::Duration::minutes(5);
        for _ in 0..MAX_RUNNING_PER_PERSON {
            let row = PlannerJobRow {
                id: (Uuid::now_v7()).into(),
                owner: owner.into(),
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
            store
                .insert_planner_job(&row, 10, long_ago, long_ago - time::Duration::days(1))
                .await
                .unwrap();
            let j = jobs
                .get(&core.rotation, row.id, owner.into())
                .await
                .unwrap()
                .unwrap();
            assert!(j.lost && !j.finished);
            assert_eq!((j.done, j.total), (3, 10));
        }
        // The lost runs do not block a new one.
        let mut small = big_problem();
        small.input.employees.truncate(20);
        small.input.rules.coverage.truncate(2);
        small.input.horizon.weeks = 1;
        let id = jobs
            .start(&core.rotation, owner.into(), small, vec![], 5.0)
            .await
            .unwrap();
        assert!(wait_finished(&jobs, &core, id.into(), owner)
            .await
            .result
            .is_some());
        t.drop_db().await;
    }
}
