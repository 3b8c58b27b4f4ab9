//! Both engines, SQLite and PostgreSQL, have the same schema.

use distans_store::{SqlStore, StoreConfig};

use super::{fresh_postgres, postgres_base, temp_dir, TempDir, TestDb};

/// A fresh, empty store on each engine.
struct Both {
    sqlite: SqlStore,
    pg: SqlStore,
    pg_db: TestDb,
    _dir: TempDir,
}

impl Both {
    /// None when PostgreSQL is not configured (outside CI).
    async fn open() -> Option<Both> {
        let base = postgres_base()?;
        let dir = temp_dir();
        let sqlite = SqlStore::open(&StoreConfig {
            url: dir.0.join("s.db").to_string_lossy().into(),
            max_connections: 1,
        })
        .await
        .unwrap();
        let pg_db = fresh_postgres(&base).await;
        let pg = pg_db.open().await;
        Some(Both {
            sqlite,
            pg,
            pg_db,
            _dir: dir,
        })
    }

    async fn done(self) {
        self.pg.db().close().await;
        self.pg_db.drop_db().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_schemas_agree() {
    let Some(both) = Both::open().await else {
        return;
    };
    let (sqlite, pg) = (&both.sqlite, &both.pg);
    let a = sqlite.db().schema().await.unwrap();
    let b = pg.db().schema().await.unwrap();
    assert!(!a.is_empty());
    assert_eq!(a, b, "the SQLite and PostgreSQL schemas differ");
    both.done().await;
}

/// Every table moves the plan counter on every change (and on PostgreSQL at
/// the commit), but for the bookkeeping listed in `NOT_PLAN_INPUTS`: a
/// table added without the counter's triggers, and not listed there, fails
/// here, so no plan an app server remembers can outlive a change to it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_table_moves_the_plan_counter_but_the_bookkeeping() {
    use std::collections::BTreeSet;
    let Some(both) = Both::open().await else {
        return;
    };
    let (sqlite, pg) = (&both.sqlite, &both.pg);
    let left_out: BTreeSet<&str> = distans_store::NOT_PLAN_INPUTS
        .iter()
        .map(|(t, _)| *t)
        .collect();
    for store in [sqlite, pg] {
        let tables: BTreeSet<String> = store
            .db()
            .schema()
            .await
            .unwrap()
            .into_iter()
            .map(|(t, _, _)| t)
            .collect();
        for t in &left_out {
            assert!(
                tables.contains(*t),
                "{t} is listed as left out but is no table"
            );
        }
        let mut expected = vec![];
        for t in tables.iter().filter(|t| !left_out.contains(t.as_str())) {
            for event in ["DELETE", "INSERT", "UPDATE"] {
                expected.push((t.clone(), event.to_string()));
            }
        }
        let found = store.db().plan_counter_triggers().await.unwrap();
        assert_eq!(
            found, expected,
            "each table but the bookkeeping needs the plan counter's triggers"
        );
    }
    both.done().await;
}
