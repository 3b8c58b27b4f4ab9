//! Servers starting at once on an empty database: the schema, the default
//! policy, agreement template and checklists are made once, and every
//! server starts.

use std::sync::Arc;

use distans_core::store::*;

use super::{core, fresh_dbs};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn servers_starting_at_once_make_the_defaults_once() {
    for t in fresh_dbs().await {
        let label = t.label;
        // Four servers on one database (on PostgreSQL they also migrate at
        // once; one SQLite file has one server, so it is migrated first).
        let stores: Vec<Arc<_>> = if label == "postgres" {
            let (a, b, c, d) = tokio::join!(t.open(), t.open(), t.open(), t.open());
            [a, b, c, d].into_iter().map(Arc::new).collect()
        } else {
            let first = Arc::new(t.open().await);
            vec![first.clone(), first.clone(), first.clone(), first]
        };
        let cores: Vec<_> = stores.iter().map(core).collect();
        let (a, b, c, d) = tokio::join!(
            cores[0].ensure_defaults(),
            cores[1].ensure_defaults(),
            cores[2].ensure_defaults(),
            cores[3].ensure_defaults()
        );
        for r in [a, b, c, d] {
            r.unwrap_or_else(|e| panic!("{label}: a server did not start: {e}"));
        }
        let store = &stores[0];
        assert_eq!(store.policy_versions().await.unwrap().len(), 1, "{label}");
        let (version, _) = store.agreement_template().await.unwrap().unwrap();
        assert_eq!(version, 1, "{label}");
        // Starting again changes nothing.
        cores[0].ensure_defaults().await.unwrap();
        assert_eq!(store.policy_versions().await.unwrap().len(), 1, "{label}");
        drop(cores);
        drop(stores);
        t.drop_db().await;
    }
}
