//! Passwords set through a one-time link: asked for with "Glömt
//! lösenord?" (which never tells whether an account exists), or sent by an
//! administrator; the link works once.

use axum::http::{header, StatusCode};
use serde_json::json;
use sqlx::Row;

use super::{csrf_of, form, spawn_app, App};

/// The newest queued e-mail to `to`: its link's path.
async fn link_mailed_to(app: &App, to: &str) -> Option<String> {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", app.url))
        .await
        .unwrap();
    let row = sqlx::query("SELECT CAST(message AS TEXT) AS m FROM outbox WHERE recipient = ? ORDER BY created_at DESC, id DESC LIMIT 1")
        .bind(to)
        .fetch_optional(&pool)
        .await
        .unwrap()?;
    let m: serde_json::Value = serde_json::from_str(&row.get::<String, _>("m")).unwrap();
    (m["link"]["to"] == "set_password")
        .then(|| format!("/losenord/{}", m["link"]["id"].as_str().unwrap()))
}

async fn outbox_count(app: &App) -> i64 {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", app.url))
        .await
        .unwrap();
    sqlx::query("SELECT COUNT(*) AS n FROM outbox")
        .fetch_one(&pool)
        .await
        .unwrap()
        .get("n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forgotten_password_is_set_again_through_a_link_that_works_once() {
    let app = spawn_app().await;
    let anna = app.id_of("anna").await;
    let email: String = app
        .get(
            &format!("/api/v1/people/{anna}"),
            Some(&app.login("hr").await),
        )
        .await
        .json()["email"]
        .as_str()
        .unwrap()
        .to_string();

    let page = app.get("/logga-in", None).await;
    let cookie = page.cookie().unwrap();
    assert!(page.text().contains("/glomt-losenord"));
    let page = app.get("/glomt-losenord", Some(&cookie)).await.text();
    let csrf = csrf_of(&page);

    // An unknown login: the same answer, and no mail.
    let before = outbox_count(&app).await;
    let r = form(
        &app.router,
        "/glomt-losenord",
        Some(&cookie),
        &[("csrf", &csrf), ("login", "ingen-alls")],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let unknown = r.text();
    assert!(unknown.contains("Om det finns ett konto"), "{unknown}");
    assert_eq!(outbox_count(&app).await, before);

    // Her address, in other case: a mail with a link.
    let r = form(
        &app.router,
        "/glomt-losenord",
        Some(&cookie),
        &[("csrf", &csrf), ("login", &email.to_uppercase())],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("Om det finns ett konto"));
    let link = link_mailed_to(&app, &email)
        .await
        .expect("a link was mailed");

    // The link's page; two different passwords are refused at the field.
    let page = app.get(&link, Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    let page = page.text();
    assert!(page.contains("Anna Lindqvist"), "{page}");
    let csrf = csrf_of(&page);
    let r = form(
        &app.router,
        &link,
        Some(&cookie),
        &[
            ("csrf", &csrf),
            ("password", "en lång mening"),
            ("again", "en annan mening"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("Lösenorden är inte lika"), "{}", r.text());
    let r = form(
        &app.router,
        &link,
        Some(&cookie),
        &[
            ("csrf", &csrf),
            ("password", "en lång mening"),
            ("again", "en lång mening"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(
        r.headers.get(header::LOCATION).unwrap(),
        "/logga-in?losenord=nytt"
    );

    // The new password works, the old one does not, the link is spent.
    let login = |pw: &'static str| {
        let app = &app;
        async move {
            app.call(
                axum::http::Method::POST,
                "/api/v1/login",
                None,
                Some(json!({"username": "anna", "password": pw})),
            )
            .await
            .status
        }
    };
    assert_eq!(login("en lång mening").await, StatusCode::OK);
    assert_eq!(login("demo").await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.get(&link, Some(&cookie)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/losenord/dst_inte-en-lank", Some(&cookie))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_sends_a_link_to_set_a_password() {
    let app = spawn_app().await;
    let anna = app.id_of("anna").await;
    let admin = app.login("admin").await;
    let hr = app.login("hr").await;
    let page = app
        .get(&format!("/personer/{anna}"), Some(&admin))
        .await
        .text();
    assert!(page.contains("/losenordslank"), "{page}");
    let page_hr = app
        .get(&format!("/personer/{anna}"), Some(&hr))
        .await
        .text();
    assert!(!page_hr.contains("/losenordslank"), "HR is not offered it");
    let csrf = csrf_of(&page);
    let r = form(
        &app.router,
        &format!("/personer/{anna}/losenordslank"),
        Some(&admin),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let email = app
        .get(&format!("/api/v1/people/{anna}"), Some(&hr))
        .await
        .json()["email"]
        .as_str()
        .unwrap()
        .to_string();
    let link = link_mailed_to(&app, &email)
        .await
        .expect("a link was mailed");
    assert_eq!(app.get(&link, None).await.status, StatusCode::OK);
    let page = app
        .get(
            &format!("/personer/{anna}?losenordslank=skickad"),
            Some(&admin),
        )
        .await
        .text();
    assert!(page.contains("Länken är skickad"), "{page}");
}
