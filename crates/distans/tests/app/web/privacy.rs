//! Personal data through the pages and the API: one's own data as a page,
//! a PDF and JSON with nobody else's in it; HR's extract for a registered
//! request; the disposal rules, a legal hold and a dry run; the privacy
//! notice, linked from every page.

use axum::http::{header, Method, StatusCode};
use serde_json::json;

use super::{csrf_of, form, pdf_text, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_sees_their_data_and_hr_produces_it_for_a_request() {
    let app = spawn_app().await;
    let anna = app.id_of("anna").await;
    let chef_id = app.id_of("chef").await;
    let anna_s = app.login("anna").await;

    // The API: one document, her data, nobody else's id.
    let r = app.get("/api/v1/me/export", Some(&anna_s)).await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert_eq!(doc["format"], "distans-personal-data/1");
    assert_eq!(doc["person"], anna.as_str());
    assert_eq!(doc["profile"][0]["given_name"], "Anna");
    for key in [
        "requests",
        "agreements",
        "absences",
        "equipment_loans",
        "audit_entries",
        "tokens",
    ] {
        assert!(doc[key].is_array(), "{key}");
    }
    assert!(!doc.to_string().contains(&chef_id));

    // The page, from her own page, and the PDF.
    let me = app
        .get(&format!("/personer/{anna}"), Some(&anna_s))
        .await
        .text();
    assert!(me.contains("href=\"/mina-uppgifter\""), "{me}");
    let page = app.get("/mina-uppgifter", Some(&anna_s)).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("Mina uppgifter") && html.contains("Utlånad utrustning"));
    assert!(html.contains("/integritet"), "the footer links the notice");
    // The page is for people: names and sentences, no ids (the JSON has them).
    let main = html
        .split("<main")
        .nth(1)
        .unwrap()
        .split("</main>")
        .next()
        .unwrap();
    assert!(!main.contains(anna.as_str()), "no id on the page: {main}");
    let pdf = app.get("/mina-uppgifter/pdf", Some(&anna_s)).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    let text = pdf_text(&pdf.body);
    assert!(
        text.contains("Mina uppgifter") && text.contains("Anna"),
        "{text}"
    );
    assert!(!text.contains(anna.as_str()), "no id in the PDF: {text}");

    // HR: a reference is needed; the extract is logged.
    let hr = app.login("hr").await;
    let person_page = app
        .get(&format!("/personer/{anna}"), Some(&hr))
        .await
        .text();
    assert!(
        person_page.contains("registerutdrag"),
        "HR is offered the extract"
    );
    let csrf = csrf_of(&person_page);
    let path = format!("/personer/{anna}/registerutdrag");
    let r = form(
        &app.router,
        &path,
        Some(&hr),
        &[("csrf", &csrf), ("reference", " ")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = form(
        &app.router,
        &path,
        Some(&hr),
        &[
            ("csrf", &csrf),
            ("reference", "HR 2026/17"),
            ("format", "page"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("HR 2026/17"));
    let r = app
        .get("/api/v1/audit?entity=person", Some(&hr))
        .await
        .json();
    assert!(
        r["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "privacy.export"),
        "{r}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hr_keeps_the_disposal_rules_and_holds() {
    let app = spawn_app().await;
    let hr = app.login("hr").await;
    let anna = app.id_of("anna").await;
    let rules = app.get("/api/v1/retention/rules", Some(&hr)).await.json();
    let absences = rules["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["record_type"] == "absences")
        .unwrap()
        .clone();
    assert_eq!(absences["action"], "delete");
    // A rule names its decision: the field is named when it does not.
    let body = json!({"keep_months": 36, "action": "delete", "decision_ref": " ", "decision_date": "2026-11-30", "version": absences["version"]});
    let r = app
        .call(
            Method::PUT,
            "/api/v1/retention/rules/absences",
            Some(&hr),
            Some(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["field"], "decision_ref");
    let body = json!({"keep_months": 36, "action": "anonymise", "decision_ref": "KS 2026/112", "decision_date": "2026-11-30", "version": absences["version"]});
    let r = app
        .call(
            Method::PUT,
            "/api/v1/retention/rules/absences",
            Some(&hr),
            Some(body),
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "action");
    let body = json!({"keep_months": 36, "action": "delete", "decision_ref": "KS 2026/112", "decision_date": "2026-11-30", "version": absences["version"]});
    let r = app
        .call(
            Method::PUT,
            "/api/v1/retention/rules/absences",
            Some(&hr),
            Some(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["keep_months"], 36);

    // A hold, listed, then lifted.
    let r = app
        .call(
            Method::POST,
            "/api/v1/legal-holds",
            Some(&hr),
            Some(json!({"person": anna, "reason": "Tvist"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    let r = app
        .call(
            Method::POST,
            "/api/v1/legal-holds",
            Some(&hr),
            Some(json!({"person": anna, "record": format!("agreement:{anna}"), "reason": "x"})),
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "record");
    let page = app.get("/gallring", Some(&hr)).await.text();
    assert!(
        page.contains("Tvist") && page.contains("KS 2026/112"),
        "{page}"
    );
    // The held person by name; an id only as a link's address.
    assert!(page.contains("\">Anna Lindqvist</a>"), "{page}");
    assert!(!page.contains(&format!(">{anna}<")), "{page}");
    let r = app
        .call(
            Method::POST,
            "/api/v1/retention/runs",
            Some(&hr),
            Some(json!({"dry_run": true, "as_of": "2040-01-01"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let run = r.json();
    assert_eq!(run["dry_run"], true);
    assert_eq!(
        run["counts"].as_array().unwrap().len(),
        12,
        "a count per record type"
    );
    let absences = run["counts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["record_type"] == "absences")
        .unwrap()
        .clone();
    assert!(absences["count"].as_u64().unwrap() > 0, "{absences}");
    let r = app
        .call(
            Method::DELETE,
            &format!("/api/v1/legal-holds/{id}"),
            Some(&hr),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(
        app.get("/api/v1/retention/runs", Some(&hr)).await.json()["items"]
            .as_array()
            .unwrap()
            .is_empty(),
        "a dry run is not recorded"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_privacy_notice_is_for_everyone_and_hr_edits_it() {
    let app = spawn_app().await;
    let page = app.get("/integritet", None).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    for h in [
        "Vilka personuppgifter behandlas?",
        "Rättslig grund",
        "Hur länge sparas de?",
        "Dina rättigheter",
        "Dataskyddsombud",
    ] {
        assert!(text.contains(h), "{h}");
    }
    let login = app.get("/logga-in", None).await.text();
    assert!(
        login.contains("href=\"/integritet\""),
        "linked from signing in"
    );
    let hr = app.login("hr").await;
    let csrf = csrf_of(&app.get("/integritet/andra", Some(&hr)).await.text());
    let fields = [
        ("csrf", csrf.as_str()),
        ("version", "0"),
        ("what", "Namn och e-post."),
        ("why", "Distansarbete."),
        ("legal_basis", "Artikel 6.1 b."),
        ("how_long", "Två år."),
        ("rights", "Registerutdrag."),
        ("dpo", ""),
    ];
    let r = form(&app.router, "/integritet/andra", Some(&hr), &fields).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("href=\"#f-dpo\""));
    let mut fields = fields.to_vec();
    fields[7] = ("dpo", "dso@sjovik.se");
    let r = form(&app.router, "/integritet/andra", Some(&hr), &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let text = app.get("/integritet", None).await.text();
    assert!(text.contains("dso@sjovik.se") && text.contains("Version 1."));
    // A second save at the old version is refused.
    let r = form(&app.router, "/integritet/andra", Some(&hr), &fields).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}
