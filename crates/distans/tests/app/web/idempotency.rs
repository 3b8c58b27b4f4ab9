//! `Idempotency-Key`: a retried creating request gets the first answer and
//! creates nothing twice.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};

use super::{send, spawn_app, App, Resp};

async fn report(app: &App, token: &str, key: Option<&str>, description: &str) -> Resp {
    let mut req = Request::post("/api/v1/deviations")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    let today = app.core.today().to_string();
    let body =
        json!({"kind": "other", "description": description, "date": today, "anonymous": false});
    send(&app.router, req.body(Body::from(body.to_string())).unwrap()).await
}

async fn reported(app: &App, token: &str, description: &str) -> usize {
    let r = send(
        &app.router,
        Request::get("/api/v1/deviations?whose=reported&limit=500")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let list: Value = r.json();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["description"] == description)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_request_gets_the_first_answer_and_creates_nothing_twice() {
    let app = spawn_app().await;
    let anna = app.token("anna").await;
    let first = report(&app, &anna, Some("7d1c2e9a-retry"), "Trasig stol").await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    assert!(first.headers.get("idempotent-replayed").is_none());
    let again = report(&app, &anna, Some("7d1c2e9a-retry"), "Trasig stol").await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(again.json(), first.json(), "the same answer");
    assert_eq!(
        reported(&app, &anna, "Trasig stol").await,
        1,
        "created once"
    );

    // The key for another request: refused, naming the header.
    let other = report(&app, &anna, Some("7d1c2e9a-retry"), "Något annat").await;
    assert_eq!(
        other.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        other.text()
    );
    assert_eq!(other.json()["error"]["field"], "Idempotency-Key");
    assert_eq!(reported(&app, &anna, "Något annat").await, 0);

    // Keys are per client: the same key from someone else is theirs.
    let bo = app.token("bo").await;
    let theirs = report(&app, &bo, Some("7d1c2e9a-retry"), "Trasig stol").await;
    assert_eq!(theirs.status, StatusCode::CREATED);
    assert!(theirs.headers.get("idempotent-replayed").is_none());
    assert_ne!(theirs.json()["id"], first.json()["id"]);

    // Without a key every request is its own; a key that is not one is a 400.
    report(&app, &anna, None, "Trasig stol").await;
    assert_eq!(reported(&app, &anna, "Trasig stol").await, 2);
    let bad = report(&app, &anna, Some("två ord"), "x").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["error"]["field"], "Idempotency-Key");
}
