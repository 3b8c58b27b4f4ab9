//! People who leave, through the pages and the API: HR deactivates after a
//! check of what will happen; the person's sign-in, session and token stop
//! at once; HR can bring them back.

use axum::http::{header, StatusCode};
use serde_json::json;

use super::{csrf_of, form, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hr_deactivates_a_person_who_leaves_and_their_access_stops_at_once() {
    let app = spawn_app().await;
    let anna = app.id_of("anna").await;
    let anna_session = app.login("anna").await;
    let anna_token = format!("Bearer {}", app.token("anna").await);
    let hr = app.login("hr").await;
    assert_eq!(
        app.get("/api/v1/me", Some(&anna_token)).await.status,
        StatusCode::OK
    );

    // HR's path: the person's page offers it; the form; a bad date is
    // named at its field; the check lists what will happen.
    let page = app
        .get(&format!("/personer/{anna}"), Some(&hr))
        .await
        .text();
    assert!(
        page.contains(&format!("/personer/{anna}/avsluta")),
        "{page}"
    );
    let chef = app.login("chef").await;
    let page = app
        .get(&format!("/personer/{anna}"), Some(&chef))
        .await
        .text();
    assert!(!page.contains("/avsluta"), "a manager is not offered it");
    let page = app
        .get(&format!("/personer/{anna}/avsluta"), Some(&hr))
        .await
        .text();
    let csrf = csrf_of(&page);
    let path = format!("/personer/{anna}/avsluta");
    let r = form(
        &app.router,
        &path,
        Some(&hr),
        &[("csrf", &csrf), ("last_day", "31/1"), ("reason", "Slutar")],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let text = r.text();
    assert!(text.contains("href=\"#f-last_day\""), "{text}");
    assert!(text.contains("Ange sista arbetsdagen"), "{text}");

    let last_day = (app.core.today() + time::Duration::days(10)).to_string();
    let fields = [
        ("csrf", csrf.as_str()),
        ("last_day", last_day.as_str()),
        ("reason", "Slutar sin anställning"),
    ];
    let r = form(&app.router, &path, Some(&hr), &fields).await;
    assert_eq!(r.status, StatusCode::OK);
    let check = r.text();
    assert!(check.contains("Det här händer"), "{check}");
    assert!(
        check.contains("DL-1001"),
        "the equipment to collect: {check}"
    );
    assert!(check.contains(&last_day));
    // Nothing has happened yet.
    assert_eq!(
        app.get("/api/v1/me", Some(&anna_token)).await.status,
        StatusCode::OK
    );

    let mut confirmed = fields.to_vec();
    confirmed.push(("confirm", "1"));
    let r = form(&app.router, &path, Some(&hr), &confirmed).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(
        r.headers.get(header::LOCATION).unwrap(),
        &format!("/personer/{anna}#departure")
    );

    // Her token and session stop; she cannot sign in again.
    assert_eq!(
        app.get("/api/v1/me", Some(&anna_token)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get("/api/v1/me", Some(&anna_session)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = app
        .call(
            axum::http::Method::POST,
            "/api/v1/login",
            None,
            Some(json!({"username": "anna", "password": "demo"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text());

    // Her page and the API say so; a second departure is a conflict.
    let page = app
        .get(&format!("/personer/{anna}"), Some(&hr))
        .await
        .text();
    assert!(page.contains("Avslutad i distans"), "{page}");
    let v = app
        .get(&format!("/api/v1/people/{anna}"), Some(&hr))
        .await
        .json();
    assert_eq!(v["departure"]["last_day"], last_day);
    assert_eq!(v["departure"]["reason"], "Slutar sin anställning");
    let r = app
        .call(
            axum::http::Method::POST,
            &format!("/api/v1/people/{anna}/deactivate"),
            Some(&hr),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());

    // HR brings her back: she signs in again (her old token stays revoked).
    let r = app
        .call(
            axum::http::Method::POST,
            &format!("/api/v1/people/{anna}/reactivate"),
            Some(&hr),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.json()["reactivated"], true);
    app.login("anna").await;
    assert_eq!(
        app.get("/api/v1/me", Some(&anna_token)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_deactivates_with_a_report_and_names_bad_fields() {
    let app = spawn_app().await;
    let bo = app.id_of("bo").await;
    let admin = app.login("admin").await;
    let url = format!("/api/v1/people/{bo}/deactivate");
    let r = app
        .call(
            axum::http::Method::POST,
            &url,
            Some(&admin),
            Some(json!({"last_day": "tomorrow"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["field"], "last_day", "{}", r.text());
    let r = app
        .call(
            axum::http::Method::POST,
            &url,
            Some(&admin),
            Some(json!({"reason": "Pension"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let v = r.json();
    assert_eq!(v["person"], bo.as_str());
    assert_eq!(v["last_day"], app.core.today().to_string());
    for k in [
        "requests_withdrawn",
        "agreements_ended",
        "loans_to_collect",
        "followups_closed",
    ] {
        assert!(v[k].is_number(), "{k}: {v}");
    }
}
