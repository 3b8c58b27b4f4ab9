//! Liveness and readiness, and what clients get while the database cannot
//! take requests: 503 with `Retry-After`, soon, never a 500 after a wait.

use std::time::Instant;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use distans_store::Db;
use rand::Rng;
use serde_json::json;

use super::{core_on, router, send, store_at, App};

async fn pragma(app: &App, sql: &str) {
    let Db::Sqlite(pool) = app.store.db() else {
        panic!("an SQLite app");
    };
    sqlx::query(sql).execute(pool).await.unwrap();
}

async fn ready(app: &App) -> (StatusCode, serde_json::Value, Option<String>) {
    let r = app.get("/readyz", None).await;
    let retry = r
        .headers
        .get(header::RETRY_AFTER)
        .map(|v| v.to_str().unwrap().to_string());
    (r.status, r.json(), retry)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_or_full_sqlite_database_is_not_ready_and_writes_get_503() {
    // One connection, so that a setting made on it holds for every request.
    let dir =
        std::env::temp_dir().join(format!("distans-ready-{}", rand::thread_rng().gen::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = dir.join("r.db").to_string_lossy().to_string();
    let store = std::sync::Arc::new(
        distans_store::SqlStore::open(&distans_store::StoreConfig {
            url: url.clone(),
            max_connections: 1,
        })
        .await
        .unwrap(),
    );
    let core = core_on(store.clone()).await;
    core.demo.load_demo(30).await.unwrap();
    let app = App {
        router: router(core.clone(), None),
        core,
        store,
        url,
        _dir: None,
    };
    let (status, body, _) = ready(&app).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "ready");
    let anna = app.login("anna").await;

    // Read-only: reads work, writes and readiness say so.
    pragma(&app, "PRAGMA query_only = 1").await;
    assert_eq!(
        app.get("/healthz", None).await.status,
        StatusCode::OK,
        "alive"
    );
    let (status, body, retry) = ready(&app).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["status"], "not_ready");
    assert_eq!(body["reason"], "the database is read-only");
    assert!(retry.is_some());
    let r = app
        .call(
            Method::PATCH,
            "/api/v1/me",
            Some(&anna),
            Some(json!({"language": "en"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text());
    assert_eq!(r.json()["error"]["code"], "unavailable");
    assert!(r.headers.get(header::RETRY_AFTER).is_some());
    pragma(&app, "PRAGMA query_only = 0").await;
    assert_eq!(ready(&app).await.0, StatusCode::OK);

    // Full: the database may not grow; once it may, it is ready again
    // without a restart, and writes work.
    let Db::Sqlite(pool) = app.store.db() else {
        unreachable!()
    };
    pragma(&app, "VACUUM").await;
    let (pages,): (i64,) = sqlx::query_as("PRAGMA page_count")
        .fetch_one(pool)
        .await
        .unwrap();
    pragma(&app, &format!("PRAGMA max_page_count = {pages}")).await;
    let (status, body, _) = ready(&app).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["reason"], "the database is full");
    pragma(&app, &format!("PRAGMA max_page_count = {}", pages * 100)).await;
    assert_eq!(ready(&app).await.0, StatusCode::OK);
    let r = app
        .call(
            Method::PATCH,
            "/api/v1/me",
            Some(&anna),
            Some(json!({"language": "en"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_postgres_database_gets_503_within_a_second_or_two() {
    let Some((url, admin, name)) = super::fresh_postgres("distans_h").await else {
        return;
    };
    let store = store_at(&url).await;
    let core = core_on(store.clone()).await;
    core.demo.load_demo(30).await.unwrap();
    let app = App {
        router: router(core.clone(), None),
        core,
        store,
        url,
        _dir: None,
    };
    assert_eq!(ready(&app).await.0, StatusCode::OK);
    let chef = app.login("chef").await;

    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .unwrap();
    let t = Instant::now();
    let r = send(
        &app.router,
        Request::get("/api/v1/me")
            .header(header::COOKIE, &chef)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let waited = t.elapsed();
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text());
    assert_eq!(r.json()["error"]["code"], "unavailable");
    assert!(r.headers.get(header::RETRY_AFTER).is_some());
    // The pool gives up after a second; the bound leaves room for a slow machine.
    assert!(waited.as_secs_f64() < 5.0, "answered after {waited:?}");
    assert_eq!(ready(&app).await.0, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        app.get("/healthz", None).await.status,
        StatusCode::OK,
        "alive"
    );
}
