//! Every request has an id: the answer carries it in `x-request-id` (a
//! client's own id is kept), and no two requests share one.

use std::collections::HashSet;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use uuid::Uuid;

use super::{form, send, spawn_app, Resp};

const REQUEST_ID: &str = "x-request-id";

/// The answer's request id.
fn request_id(r: &Resp) -> String {
    r.headers
        .get(REQUEST_ID)
        .expect("an x-request-id header")
        .to_str()
        .expect("a request id in plain text")
        .to_string()
}

/// A request id the server made: a random (version 4) UUID.
fn made_by_server(id: &str) -> bool {
    Uuid::parse_str(id).is_ok_and(|u| u.get_version_num() == 4)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_has_its_own_request_id() {
    let app = spawn_app().await;
    let anna = app.login("anna").await;
    let mut answers = vec![];
    // Pages, a redirect to sign in, the API, its description, a static
    // file, a missing page, a refused API call.
    for (path, cookie, status) in [
        ("/", Some(anna.as_str()), StatusCode::OK),
        ("/plan", Some(anna.as_str()), StatusCode::OK),
        ("/plan", None, StatusCode::SEE_OTHER),
        ("/logga-in", None, StatusCode::OK),
        ("/healthz", None, StatusCode::OK),
        ("/api/v1/me", Some(anna.as_str()), StatusCode::OK),
        ("/api/v1/me", None, StatusCode::UNAUTHORIZED),
        ("/api/openapi.json", None, StatusCode::OK),
        ("/static/distans.css", None, StatusCode::OK),
        ("/finns-inte", Some(anna.as_str()), StatusCode::NOT_FOUND),
        (
            "/ansokningar/inte-ett-id",
            Some(anna.as_str()),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let r = app.get(path, cookie).await;
        assert_eq!(r.status, status, "GET {path}: {}", r.text());
        answers.push((format!("GET {path}"), r));
    }
    // A form without its CSRF token, and an API call that changes something.
    let r = form(&app.router, "/logga-ut", Some(&anna), &[("csrf", "fel")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    answers.push(("POST /logga-ut".into(), r));
    let r = app
        .call(Method::POST, "/api/v1/logout", Some(&anna), None)
        .await;
    answers.push(("POST /api/v1/logout".into(), r));

    let mut seen = HashSet::new();
    for (what, r) in &answers {
        let id = request_id(r);
        assert!(made_by_server(&id), "{what}: {id:?} is not a UUID");
        assert!(seen.insert(id.clone()), "{what}: {id} was given before");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clients_request_id_is_kept() {
    let app = spawn_app().await;
    for path in ["/", "/healthz", "/finns-inte"] {
        let req = Request::get(path)
            .header(REQUEST_ID, "kund-4711")
            .body(Body::empty())
            .unwrap();
        let r = send(&app.router, req).await;
        assert_eq!(request_id(&r), "kund-4711", "GET {path}");
    }
    // The same request twice: two ids.
    let first = request_id(&app.get("/healthz", None).await);
    let second = request_id(&app.get("/healthz", None).await);
    assert!(made_by_server(&first) && made_by_server(&second));
    assert_ne!(first, second);
}
