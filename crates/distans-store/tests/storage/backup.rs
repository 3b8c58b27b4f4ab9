//! A backup taken while the app runs, and read back.

use std::sync::Arc;

use distans_core::store::*;
use distans_store::{SqlStore, StoreConfig};

use super::{core, fresh_dbs, temp_dir};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_while_running() {
    for t in fresh_dbs().await {
        let store = Arc::new(t.open().await);
        let c = core(&store);
        c.demo.load_demo(60).await.unwrap();
        let dir = temp_dir();
        let dest = dir.0.join(if t.label == "sqlite" {
            "copy.db"
        } else {
            "copy.dump"
        });
        let dest_s = dest.to_string_lossy().to_string();
        store
            .backup(&dest_s)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", t.label));
        assert!(std::fs::metadata(&dest).unwrap().len() > 0);
        assert!(store.backup(&dest_s).await.is_err(), "never overwrites");
        match t.label {
            "sqlite" => {
                let copy_store = Arc::new(
                    SqlStore::open(&StoreConfig {
                        url: dest_s.clone(),
                        max_connections: 1,
                    })
                    .await
                    .unwrap(),
                );
                let copy = core(&copy_store);
                assert_eq!(
                    copy_store.counts().await.unwrap(),
                    store.counts().await.unwrap()
                );
                assert!(copy.audit.verify_audit(None).await.unwrap().ok);
            }
            _ => {
                let out = std::process::Command::new("pg_restore")
                    .arg("--list")
                    .arg(&dest)
                    .output()
                    .unwrap();
                assert!(out.status.success());
                assert!(String::from_utf8_lossy(&out.stdout).contains("audit_log"));
            }
        }
        store.db().close().await;
        t.drop_db().await;
    }
}
