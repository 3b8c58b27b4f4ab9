//! The privacy notice at the first sign-in in a browser: shown before
//! anything else, once per version, recorded and audited; the API is not
//! held up. And the records officer's pages.

use axum::http::{header, Method, StatusCode};
use serde_json::json;

use super::{csrf_of, form, spawn_app, App};

/// Signs `user` in through the sign-in form, going to `next`: the session
/// cookie and where the browser is sent.
async fn sign_in_by_form(app: &App, user: &str, next: &str) -> (String, String) {
    let r = app.get("/logga-in", None).await;
    let cookie = r.cookie().unwrap();
    let csrf = csrf_of(&r.text());
    let r = form(
        &app.router,
        "/logga-in",
        Some(&cookie),
        &[
            ("username", user),
            ("password", "demo"),
            ("csrf", &csrf),
            ("next", next),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let to = r.headers[header::LOCATION].to_str().unwrap().to_string();
    (r.cookie().unwrap(), to)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_notice_comes_first_at_the_first_sign_in_and_once() {
    let app = spawn_app().await;
    let (anna, to) = sign_in_by_form(&app, "anna", "/plan").await;
    assert_eq!(to, "/integritet/forsta?next=%2Fplan");
    // Any other page sends her to it first.
    let r = app.get("/plan", Some(&anna)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers[header::LOCATION],
        "/integritet/forsta?next=%2Fplan"
    );
    // The API is not held up.
    assert_eq!(
        app.get("/api/v1/me", Some(&anna)).await.status,
        StatusCode::OK
    );
    // The screen: the notice's headings, and a form to go on.
    let page = app.get(&to, Some(&anna)).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    for h in [
        "Innan du börjar",
        "Vilka personuppgifter behandlas?",
        "Dataskyddsombud",
    ] {
        assert!(html.contains(h), "{h}");
    }
    assert!(html.contains("action=\"/integritet/forsta\""));
    let csrf = csrf_of(&html);
    // Without the form's token nothing is recorded.
    let r = form(
        &app.router,
        "/integritet/forsta",
        Some(&anna),
        &[("version", "0"), ("next", "/plan")],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A version that does not exist is refused, naming it.
    let r = form(
        &app.router,
        "/integritet/forsta",
        Some(&anna),
        &[("csrf", &csrf), ("version", "7"), ("next", "/plan")],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = form(
        &app.router,
        "/integritet/forsta",
        Some(&anna),
        &[
            ("csrf", &csrf),
            ("version", "0"),
            ("next", "//evil.example"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers[header::LOCATION], "/", "never off-site");
    assert_eq!(app.get("/plan", Some(&anna)).await.status, StatusCode::OK);
    // Her own data lists this sign-in, never the session's id.
    let export = app.get("/api/v1/me/export", Some(&anna)).await.json();
    let sessions = export["sessions"].as_array().unwrap();
    assert!(
        sessions
            .iter()
            .any(|s| s["signed_in_by"] == "password" && s["last_used_at"].is_string()),
        "{export}"
    );
    let id = anna.split(';').next().unwrap().split('=').nth(1).unwrap();
    assert!(!export.to_string().contains(id), "the session's id");
    // And that she has read the notice: which version, and when.
    assert_eq!(export["profile"][0]["notice_seen_version"], 0, "{export}");
    assert!(
        export["profile"][0]["notice_seen_at"].is_string(),
        "{export}"
    );
    // Recorded in the audit log, which HR reads.
    let hr = app.login("hr").await;
    let anna_id = app.id_of("anna").await;
    let log = app
        .get(
            &format!("/api/v1/audit?entity=person&entity_id={anna_id}"),
            Some(&hr),
        )
        .await
        .json();
    let seen: Vec<_> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "privacy_notice.seen")
        .collect();
    assert_eq!(seen.len(), 1, "{log}");
    assert_eq!(seen[0]["after"]["version"], 0);

    // The next sign-in goes straight on.
    let (_, to) = sign_in_by_form(&app, "anna", "/plan").await;
    assert_eq!(to, "/plan");
    // A new version of the notice is shown again.
    let r = app
        .call(
            Method::PUT,
            "/api/v1/privacy-notice",
            Some(&hr),
            Some(
                json!({"what": "Namn.", "why": "Distansarbete.", "legal_basis": "6.1 b.",
                        "how_long": "Två år.", "rights": "Utdrag.", "dpo": "dso@sjovik.se",
                        "version": 0}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let (anna, to) = sign_in_by_form(&app, "anna", "/").await;
    assert_eq!(to, "/integritet/forsta?next=%2F");
    let html = app.get(&to, Some(&anna)).await.text();
    assert!(html.contains("dso@sjovik.se") && html.contains("value=\"1\""));
    let r = form(
        &app.router,
        "/integritet/forsta",
        Some(&anna),
        &[("csrf", &csrf_of(&html)), ("version", "1"), ("next", "/")],
    )
    .await;
    assert_eq!(r.headers[header::LOCATION], "/");
    assert_eq!(app.get("/", Some(&anna)).await.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_records_officer_keeps_disposal_and_nothing_more() {
    let app = spawn_app().await;
    let arkiv = app.login("arkiv").await;
    let me = app.get("/api/v1/me", Some(&arkiv)).await.json();
    assert!(me.to_string().contains("\"records\""), "{me}");
    // The menu offers the disposal page, in words.
    let start = app.get("/", Some(&arkiv)).await.text();
    assert!(start.contains("href=\"/gallring\""));
    let page = app.get("/gallring", Some(&arkiv)).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("Gallra nu") && html.contains("Lägg spärr"));
    // A dry run and a rule changed from the page.
    let csrf = csrf_of(&html);
    let r = form(
        &app.router,
        "/gallring/korning",
        Some(&arkiv),
        &[("csrf", &csrf), ("dry_run", "true")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let rules = app
        .get("/api/v1/retention/rules", Some(&arkiv))
        .await
        .json();
    let commute = rules["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["record_type"] == "commute")
        .expect("commute data has a rule")
        .clone();
    let r = app
        .call(
            Method::PUT,
            "/api/v1/retention/rules/commute",
            Some(&arkiv),
            Some(
                json!({"keep_months": 12, "action": "delete", "decision_ref": "KS 2026/4, 3.2",
                        "decision_date": "2026-11-01", "version": commute["version"]}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // Nothing beyond an employee's rights otherwise.
    for path in ["/api/v1/people", "/api/v1/audit", "/logg"] {
        let r = app.get(path, Some(&arkiv)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
    let r = app.get("/api/v1/people?q=anna", Some(&arkiv)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
