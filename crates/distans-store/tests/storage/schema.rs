//! Both engines, SQLite and PostgreSQL, have the same schema.

use distans_store::{SqlStore, StoreConfig};

use super::{fresh_postgres, postgres_base, temp_dir};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_schemas_agree() {
    let Some(base) = postgres_base() else { return };
    let dir = temp_dir();
    let sqlite = SqlStore::open(&StoreConfig {
        url: dir.0.join("s.db").to_string_lossy().into(),
        max_connections: 1,
    })
    .await
    .unwrap();
    let pg_db = fresh_postgres(&base).await;
    let pg = pg_db.open().await;
    let a = sqlite.db().schema().await.unwrap();
    let b = pg.db().schema().await.unwrap();
    assert!(!a.is_empty());
    assert_eq!(a, b, "the SQLite and PostgreSQL schemas differ");
    pg.db().close().await;
    pg_db.drop_db().await;
}
