//! The audit log: append-only, one chain under many writers, tamper-evident.

use std::sync::Arc;

use distans_core::kernel::clock::SystemClock;
use distans_core::org::csv::parse_people_csv;
use distans_core::store::*;
use distans_core::Core;
use distans_store::Db;

use super::{audit, fresh_dbs, CSV};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn audit_chain_is_append_only_serialised_and_tamper_evident() {
    for t in fresh_dbs().await {
        let store = Arc::new(t.open().await);
        let label = t.label;
        let c = Arc::new(Core::new(store.clone(), Arc::new(SystemClock)));
        c.org
            .import(None, &parse_people_csv(CSV.as_bytes()).unwrap())
            .await
            .unwrap();

        // Many writers at once: the chain stays one chain.
        let mut tasks = vec![];
        for i in 0..16 {
            let c = c.clone();
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let who = if i % 2 == 0 { "karin" } else { "nobody" };
                let _ = store
                    .set_password(
                        who,
                        "h",
                        &distans_core::kernel::Work::new(
                            time::OffsetDateTime::now_utc(),
                            audit(&format!("t{i}")),
                        ),
                    )
                    .await;
                let karin = store
                    .actor(store.credentials("karin").await.unwrap().unwrap().0)
                    .await
                    .unwrap()
                    .unwrap();
                c.identity
                    .create_token(&karin, &format!("t{i}"), None)
                    .await
                    .unwrap();
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let report = c.audit.verify_audit(None).await.unwrap();
        assert!(report.ok, "{label}: {report:?}");

        // The database itself refuses to change or delete entries.
        let upd = "UPDATE audit_log SET actor = 'someone' WHERE seq = 2";
        let del = "DELETE FROM audit_log WHERE seq = 2";
        match store.db() {
            Db::Sqlite(p) => {
                assert!(sqlx::query(upd).execute(p).await.is_err(), "{label}");
                assert!(sqlx::query(del).execute(p).await.is_err(), "{label}");
                // Someone with the file and a shell goes around the trigger…
                sqlx::query("DROP TRIGGER audit_log_no_update")
                    .execute(p)
                    .await
                    .unwrap();
                sqlx::query(upd).execute(p).await.unwrap();
            }
            Db::Postgres(p) => {
                assert!(sqlx::query(upd).execute(p).await.is_err(), "{label}");
                assert!(sqlx::query(del).execute(p).await.is_err(), "{label}");
                sqlx::query("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
                    .execute(p)
                    .await
                    .unwrap();
                sqlx::query(upd).execute(p).await.unwrap();
            }
        }
        // …and the chain shows it.
        let report = c.audit.verify_audit(None).await.unwrap();
        assert!(!report.ok, "{label}");
        assert_eq!(report.broken_at, Some(2), "{label}: {report:?}");
        store.db().close().await;
        t.drop_db().await;
    }
}
