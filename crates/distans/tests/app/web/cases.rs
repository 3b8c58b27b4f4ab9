//! Cases: apply, decide, sign and end an agreement; temporary decisions.

use axum::http::{header, Method, StatusCode};
use distans_core::store::*;
use serde_json::json;

use super::{csrf_of, form, pdf_text, request_body, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_decide_sign_and_end_through_the_api() {
    let app = spawn_app().await;
    let (anna, chef, hr) = (
        app.login("anna").await,
        app.login("chef").await,
        app.login("hr").await,
    );
    let start = app.core.today() + time::Duration::days(14);

    // The policy as api.md shapes it.
    let p = app.get("/api/v1/policy", Some(&anna)).await.json();
    assert_eq!(p["version"], 1);
    assert_eq!(p["manager_limit_days"], 2);
    assert_eq!(p["prerequisites"][0]["key"], "wifi");

    // Refusals name the rule and the field.
    let mut body = request_body(2, start, None);
    body["confirmations"] = json!(["wifi"]);
    let r = app
        .call(Method::POST, "/api/v1/requests", Some(&anna), Some(body))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "confirmations");
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("vpn"));
    let mut body = request_body(2, start, None);
    body["weekdays"] = json!(["mon", "lör"]);
    let r = app
        .call(Method::POST, "/api/v1/requests", Some(&anna), Some(body))
        .await;
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("weekdays[1]"))
    );

    // A preview says who decides, before anything is sent.
    let pv = app
        .call(
            Method::POST,
            "/api/v1/requests/preview",
            Some(&anna),
            Some(request_body(3, start, None)),
        )
        .await
        .json();
    assert_eq!(
        (pv["decider"].as_str(), pv["decider_name"].as_str()),
        (Some("hr"), Some("HR"))
    );
    let pv = app
        .call(
            Method::POST,
            "/api/v1/requests/preview",
            Some(&anna),
            Some(request_body(2, start, None)),
        )
        .await
        .json();
    assert_eq!(
        (pv["decider"].as_str(), pv["decider_name"].as_str()),
        (Some("manager"), Some("Karin Holm"))
    );

    let r = app
        .call(
            Method::POST,
            "/api/v1/requests",
            Some(&anna),
            Some(request_body(
                2,
                start,
                Some(start + time::Duration::days(60)),
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let req = r.json();
    assert_eq!(
        (req["state"].as_str(), req["decider"].as_str()),
        (Some("submitted"), Some("manager"))
    );
    let id = req["id"].as_str().unwrap();
    let mine = app
        .get("/api/v1/requests?mine=true&state=submitted", Some(&anna))
        .await
        .json();
    assert_eq!(mine["total"], 1);
    assert_eq!(
        app.get("/api/v1/requests?state=nope", Some(&anna))
            .await
            .json()["error"]["field"],
        "state"
    );
    let notes = app
        .get("/api/v1/me/notifications", Some(&chef))
        .await
        .json();
    assert_eq!(notes["items"][0]["kind"], "request_received");

    // Decided on a stale version: 409. Then approved; deciding again: 409.
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/requests/{id}/decision"),
            Some(&chef),
            Some(json!({"decision": "approve", "version": 99})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/requests/{id}/decision"),
            Some(&chef),
            Some(json!({"decision": "approve", "version": 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let gid = r.json()["agreement_id"].as_str().unwrap().to_string();
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/requests/{id}/decision"),
            Some(&hr),
            Some(json!({"decision": "decline", "reason": "nej"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // Both sign; the agreement is active with its text's hash.
    let g = app
        .get(&format!("/api/v1/agreements/{gid}"), Some(&anna))
        .await
        .json();
    assert_eq!(g["state"], "draft");
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/agreements/{gid}/send"),
            Some(&anna),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/agreements/{gid}/send"),
            Some(&chef),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["state"], "awaiting_signatures");
    // In the pages, signing comes after reading: without the tick it is
    // refused at the field and nothing is signed.
    let page = app
        .get(&format!("/overenskommelser/{gid}"), Some(&anna))
        .await
        .text();
    let (text_at, sign_at) = (
        page.find("agreement-text-h").unwrap(),
        page.find("/signera").unwrap(),
    );
    assert!(sign_at > text_at, "the sign form follows the text");
    let csrf = csrf_of(&page);
    let sign_path = format!("/overenskommelser/{gid}/signera");
    let r = form(&app.router, &sign_path, Some(&anna), &[("csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("id=\"e-read\""), "{}", r.text());
    let g = app
        .get(&format!("/api/v1/agreements/{gid}"), Some(&anna))
        .await
        .json();
    assert!(g["employee_signed_at"].is_null(), "{g}");
    let r = form(
        &app.router,
        &sign_path,
        Some(&anna),
        &[("csrf", &csrf), ("read", "1")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/agreements/{gid}/sign"),
            Some(&chef),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let g = app
        .get(&format!("/api/v1/agreements/{gid}"), Some(&hr))
        .await
        .json();
    assert_eq!(g["state"], "active");
    assert_eq!(g["text_sha256"].as_str().unwrap().len(), 64);

    // The PDF for the archive: real text, Swedish characters, both signatures, the hash.
    let r = app
        .get(&format!("/api/v1/agreements/{gid}/pdf"), Some(&anna))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(r.body.starts_with(b"%PDF"));
    let text = pdf_text(&r.body);
    for needle in [
        "Överenskommelse om distansarbete",
        "Anna Lindqvist",
        "Karin Holm",
        "Sjöviks kommun",
        "Informationssäkerhet",
        "uppsägningstid",
        g["text_sha256"].as_str().unwrap(),
    ] {
        assert!(
            text.contains(needle),
            "{needle:?} missing from the PDF's text:\n{text}"
        );
    }
    let signed = g["employee_signed_at"].as_str().unwrap();
    let signed =
        time::OffsetDateTime::parse(signed, &time::format_description::well_known::Rfc3339)
            .unwrap();
    assert!(
        text.contains(&distans_web::localtime::minute(&signed)),
        "the signature's moment is printed in local time:\n{text}"
    );
    // In words: no id, the state as a word, no UTC, no "till och med tills vidare".
    assert!(!text.contains(&gid), "no id in the PDF:\n{text}");
    assert!(
        text.lines()
            .any(|l| l.contains("Status") && l.trim_end().ends_with("Gäller")),
        "{text}"
    );
    assert!(!text.contains("UTC") && !text.contains("active"), "{text}");
    assert!(!text.contains("till och med tills vidare"), "{text}");
    let bo = app.login("bo").await;
    assert_eq!(
        app.get(&format!("/api/v1/agreements/{gid}/pdf"), Some(&bo))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Ending it in the pages shows what that means first.
    let r = form(
        &app.router,
        &format!("/overenskommelser/{gid}/avsluta"),
        Some(&anna),
        &[("csrf", &csrf), ("reason", "Byter tjänst")],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let check = r.text();
    for words in [
        "Kontrollera innan du avslutar",
        "Sista dag den gäller",
        "Uppföljningar efter sista dagen ställs in",
        "name=\"confirm\" value=\"1\"",
    ] {
        assert!(check.contains(words), "{words}: {check}");
    }
    let g = app
        .get(&format!("/api/v1/agreements/{gid}"), Some(&anna))
        .await
        .json();
    assert!(g["ends_on"].is_null(), "nothing ended yet: {g}");
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/agreements/{gid}/end"),
            Some(&anna),
            Some(json!({"reason": "Byter tjänst"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.json()["ends_on"].is_string());

    // 3 days goes to HR, which the manager cannot decide.
    let later = start + time::Duration::days(100);
    let r = app
        .call(
            Method::POST,
            "/api/v1/requests",
            Some(&anna),
            Some(request_body(3, later, None)),
        )
        .await
        .json();
    assert_eq!(r["decider"], "hr");
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/requests/{}/decision", r["id"].as_str().unwrap()),
            Some(&chef),
            Some(json!({"decision": "approve"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // A temporary decision for the whole organisation reaches everyone.
    let r = app
        .call(Method::POST, "/api/v1/temporary-decisions", Some(&hr), Some(json!({
            "title": "Hemarbete under pandemin", "start": app.core.today().to_string(),
            "end": (app.core.today() + time::Duration::days(14)).to_string(), "max_remote_days": 5
        })))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert!(r.json()["checklist"].as_array().unwrap().len() >= 5);
    assert_eq!(
        app.get("/api/v1/temporary-decisions", Some(&bo))
            .await
            .json()["total"],
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_temporary_decision_for_one_unit_from_the_form() {
    let app = spawn_app().await;
    let hr = app.login("hr").await;
    let chef_id = app.id_of("chef").await;
    let chef_actor = app
        .store
        .actor(chef_id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    // The unit above chef's (Kontaktcenter), chosen on the form; chef is the delegate.
    let kc_unit = app
        .store
        .unit(chef_actor.manages[0].id)
        .await
        .unwrap()
        .unwrap();
    let avdelning = kc_unit.ancestors.last().unwrap().id.to_string();
    let page = app.get("/tillfalliga-beslut", Some(&hr)).await.text();
    assert!(
        page.contains(&format!("value=\"{avdelning}\"")),
        "the unit can be chosen"
    );
    let csrf = csrf_of(&page);
    let today = app.core.today();
    let anna = app.login("anna").await;
    let r = app
        .call(
            Method::PATCH,
            "/api/v1/me",
            Some(&anna),
            Some(json!({"language": "en"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = form(
        &app.router,
        "/tillfalliga-beslut",
        Some(&hr),
        &[
            ("csrf", &csrf),
            ("title", "Hemarbete vid smittspridning"),
            ("start", &(today + time::Duration::days(3)).to_string()),
            ("end", &(today + time::Duration::days(10)).to_string()),
            ("max_remote_days", "4"),
            ("without_agreement", "on"),
            ("tasks_must_allow", "on"),
            ("units", &avdelning),
            ("delegates", &chef_id),
            (
                "checklist",
                "Vilka uppgifter kan göras hemifrån?\nVem måste vara på plats?",
            ),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    // From the day it is issued, days before it starts, anna (in a unit
    // below the one named) sees a banner that says how it reaches her, in
    // her own language, and is told by e-mail in it.
    let start = app.get("/", Some(&anna)).await.text();
    let banner = start
        .split("class=\"banner crisis\"")
        .nth(1)
        .expect("a banner")
        .split("</section>")
        .next()
        .unwrap();
    assert!(
        banner.contains("Temporary decision:</span> Hemarbete vid smittspridning"),
        "{banner}"
    );
    assert!(
        banner.contains(&format!("Applies from {}", today + time::Duration::days(3))),
        "{banner}"
    );
    assert!(banner.contains("because it belongs to"), "{banner}");
    assert!(banner.contains("Up to 4 remote days a week."), "{banner}");
    let mailed = |who: String| {
        let url = app.url.clone();
        async move {
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{url}"))
                .await
                .unwrap();
            let rows: Vec<(String,)> = sqlx::query_as(
                "SELECT o.language FROM outbox o JOIN people p ON p.email = o.recipient
                 WHERE p.id = ? AND CAST(o.message AS TEXT) LIKE '%temporary-decision-issued%'",
            )
            .bind(uuid::Uuid::parse_str(&who).unwrap())
            .fetch_all(&pool)
            .await
            .unwrap();
            rows.into_iter().map(|(l,)| l).collect::<Vec<_>>()
        }
    };
    assert_eq!(
        mailed(app.id_of("anna").await).await,
        vec!["en".to_string()]
    );
    assert!(
        mailed(app.id_of("bo").await).await.is_empty(),
        "bo is outside it"
    );
    assert!(
        mailed(chef_id.clone()).await.is_empty(),
        "the delegate is told once, as delegate"
    );
    let notes = app
        .get("/api/v1/me/notifications", Some(&anna))
        .await
        .json();
    assert!(notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["kind"] == "temporary_decision_issued"));
    // The header counts what anna has not read; marking it read clears it.
    assert!(
        start.contains("<span class=\"badge\">1<span class=\"visually-hidden\"> unread</span>"),
        "{start}"
    );
    let inbox = app.get("/notiser", Some(&anna)).await.text();
    let r = form(
        &app.router,
        "/notiser/last",
        Some(&anna),
        &[("csrf", &csrf_of(&inbox))],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(!app
        .get("/", Some(&anna))
        .await
        .text()
        .contains("class=\"badge\""));
    let bo = app.login("bo").await;
    assert!(
        !app.get("/", Some(&bo))
            .await
            .text()
            .contains("Hemarbete vid smittspridning"),
        "bo's unit is outside the scope"
    );
    let chef = app.login("chef").await;
    let notes = app
        .get("/api/v1/me/notifications", Some(&chef))
        .await
        .json();
    assert!(notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["kind"] == "temporary_decision_delegated"));
    let list = app
        .get("/api/v1/temporary-decisions", Some(&hr))
        .await
        .json();
    assert_eq!(list["items"][0]["units"][0]["id"], avdelning.as_str());
    assert_eq!(list["items"][0]["checklist"].as_array().unwrap().len(), 2);
    assert_eq!(list["items"][0]["max_remote_days"], 4);
}
