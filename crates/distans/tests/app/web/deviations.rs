//! Deviations: the policy's fields and anonymity on the pages.

use axum::http::{header, Method, StatusCode};
use serde_json::json;

use super::{csrf_of, form, policy_body, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deviation_policy_fields_round_trip_and_anonymity_on_the_pages() {
    let app = spawn_app().await;
    let (anna, chef, hr) = (
        app.login("anna").await,
        app.login("chef").await,
        app.login("hr").await,
    );
    // Defaults: admin is told of serious information-security deviations; anonymity allowed.
    let p = app.get("/api/v1/policy", Some(&anna)).await.json();
    assert_eq!(p["security_deviation_roles"], json!(["admin"]));
    assert_eq!(p["deviation_reporter_anonymity"], true);

    // Anna reports anonymously through the form; chef sees "anonym rapportör", HR sees her.
    let csrf = csrf_of(&app.get("/avvikelser/ny", Some(&anna)).await.text());
    let today = app.core.today().to_string();
    let r = form(
        &app.router,
        "/avvikelser/ny",
        Some(&anna),
        &[
            ("csrf", csrf.as_str()),
            ("kind", "work_environment"),
            ("date", today.as_str()),
            ("description", "Hög ljudnivå i kontorslandskapet"),
            ("anonymous", "on"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = r.headers[header::LOCATION].to_str().unwrap().to_string();
    let html = app.get(&page, Some(&chef)).await.text();
    assert!(html.contains("anonym rapportör"), "{html}");
    assert!(!html.contains("Anna Lindqvist"), "{html}");
    assert!(html.contains("/kvittera"), "chef may acknowledge");
    let html = app.get(&page, Some(&hr)).await.text();
    assert!(html.contains("Anna Lindqvist"));
    let html = app.get(&page, Some(&anna)).await.text();
    assert!(
        !html.contains("/kvittera"),
        "the reporter may not acknowledge"
    );
    // A bad report names the field on the page.
    let r = form(
        &app.router,
        "/avvikelser/ny",
        Some(&anna),
        &[
            ("csrf", csrf.as_str()),
            ("kind", "other"),
            ("date", today.as_str()),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("href=\"#f-description\""));

    // A manager may report about someone in their unit: it goes to the manager above.
    let html = app.get("/avvikelser/ny", Some(&chef)).await.text();
    let anna_id = app.id_of("anna").await;
    assert!(
        html.contains(&format!("<option value=\"{anna_id}\">")),
        "{html}"
    );
    let ccsrf = csrf_of(&html);
    let r = form(
        &app.router,
        "/avvikelser/ny",
        Some(&chef),
        &[
            ("csrf", ccsrf.as_str()),
            ("kind", "presence"),
            ("date", today.as_str()),
            ("description", "Uteblev från arbetsplatsträffen"),
            ("person", anna_id.as_str()),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let id = r.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let v = app
        .get(&format!("/api/v1/deviations/{id}"), Some(&chef))
        .await
        .json();
    assert_eq!(v["person"]["id"], anna_id.as_str());
    assert_ne!(v["responsible"]["id"], app.id_of("chef").await.as_str());
    assert!(!app
        .get(&format!("/avvikelser/{id}"), Some(&chef))
        .await
        .text()
        .contains("/kvittera"));

    // HR changes the new fields in the policy form; they round-trip.
    let csrf = csrf_of(&app.get("/distanspolicy/ny", Some(&hr)).await.text());
    let r = form(
        &app.router,
        "/distanspolicy/ny",
        Some(&hr),
        &[
            ("csrf", csrf.as_str()),
            ("valid_from", today.as_str()),
            ("manager_limit_days", "2"),
            ("max_days_per_week", "4"),
            ("agreement_required", "on"),
            ("occasional_days_per_week", "2"),
            ("prerequisites", "wifi: Godkänt WiFi"),
            ("secrecy_tasks", "sekretessklassad"),
            ("presence_requirements", "APT på plats"),
            ("follow_up_interval_months", "6"),
            ("notice_period_days", "30"),
            ("extra_aids_above_days", "2"),
            ("security_deviation_roles", "hr"),
            ("security_deviation_roles", "auditor"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let p = app.get("/api/v1/policy", Some(&anna)).await.json();
    assert_eq!(p["security_deviation_roles"], json!(["hr", "auditor"]));
    assert_eq!(p["deviation_reporter_anonymity"], false);
    let html = app.get("/distanspolicy/ny", Some(&hr)).await.text();
    assert!(html.contains("value=\"auditor\" checked"));
    assert!(!html.contains("value=\"admin\" checked"));
    // Now an anonymous report is refused, naming the field.
    let r = app
        .call(
            Method::POST,
            "/api/v1/deviations",
            Some(&anna),
            Some(json!({"kind": "other", "description": "x", "date": today, "anonymous": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "anonymous");
    // An unknown role is refused by the API, naming the element.
    let mut body = policy_body();
    body["security_deviation_roles"] = json!(["janitor"]);
    let r = app
        .call(
            Method::POST,
            "/api/v1/policy/versions",
            Some(&hr),
            Some(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["field"], "security_deviation_roles[0]");
}
