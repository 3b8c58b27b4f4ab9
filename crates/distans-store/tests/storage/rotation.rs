//! Runs of the rotation planner, kept in the database for every app server.

use std::sync::Arc;

use distans_core::store::*;
use distans_core::CoreError;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{core, fresh_dbs, username_person};

/// Planner runs are shared by all app servers through the database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planner_runs_are_kept_for_every_server() {
    use distans_core::rotation::PlannerJobRow;
    for t in fresh_dbs().await {
        let store = Arc::new(t.open().await);
        let c = core(&store);
        c.demo.load_demo(60).await.unwrap();
        let owner = username_person(&store, "chef").await;
        let now = c.now();
        let row = |at: OffsetDateTime| PlannerJobRow {
            id: (Uuid::now_v7()).into(),
            owner,
            problem: "{\"unit\":1}".into(),
            time_limit: 12.5,
            finished: false,
            cancel_requested: false,
            done: 0,
            total: 40,
            best_cost: None,
            result: None,
            elapsed_ms: None,
            published: None,
            heartbeat_at: at,
            created_at: at,
        };
        let fresh = now - time::Duration::seconds(30);
        let purge = now - time::Duration::days(1);
        // An old run is purged by the next start; a stale one does not count.
        let old = row(now - time::Duration::days(2));
        store
            .insert_planner_job(&old, 2, old.created_at, old.created_at)
            .await
            .unwrap();
        let stale = row(now - time::Duration::minutes(5));
        store
            .insert_planner_job(&stale, 2, fresh, purge)
            .await
            .unwrap();
        let a = row(now);
        store.insert_planner_job(&a, 2, fresh, purge).await.unwrap();
        assert_eq!(
            store.planner_job(old.id).await.unwrap(),
            None,
            "{}",
            t.label
        );
        assert_eq!(
            store.planner_job(a.id).await.unwrap(),
            Some(a.clone()),
            "{}",
            t.label
        );
        let b = row(now);
        store.insert_planner_job(&b, 2, fresh, purge).await.unwrap();
        let third = store.insert_planner_job(&row(now), 2, fresh, purge).await;
        assert!(
            matches!(third, Err(CoreError::Conflict(_))),
            "{}: {third:?}",
            t.label
        );

        // Progress; a cancel asked on one server is read by the computing one.
        let later = now + time::Duration::seconds(2);
        assert!(!store
            .planner_job_progress(a.id, 10, 40, Some(77), later)
            .await
            .unwrap());
        store.planner_job_cancel(a.id).await.unwrap();
        assert!(store
            .planner_job_progress(a.id, 20, 40, Some(70), later)
            .await
            .unwrap());
        store
            .planner_job_finish(a.id, "{\"cost\":70}", 1234, later)
            .await
            .unwrap();
        let rot = Uuid::now_v7();
        store.planner_job_published(a.id, rot.into()).await.unwrap();
        let got = store.planner_job(a.id).await.unwrap().unwrap();
        assert_eq!(
            (
                got.finished,
                got.cancel_requested,
                got.done,
                got.total,
                got.best_cost
            ),
            (true, true, 40, 40, Some(70)),
            "{}",
            t.label
        );
        assert_eq!(got.result.as_deref(), Some("{\"cost\":70}"));
        assert_eq!(
            (got.elapsed_ms, got.published, got.heartbeat_at),
            (Some(1234), Some(rot.into()), later)
        );
        assert_eq!(got.time_limit, 12.5);
        // A finished run no longer counts.
        store
            .insert_planner_job(&row(now), 2, fresh, purge)
            .await
            .unwrap();
        assert!(!store
            .planner_job_progress((Uuid::now_v7()).into(), 1, 1, None, now)
            .await
            .unwrap());
        t.drop_db().await;
    }
}
