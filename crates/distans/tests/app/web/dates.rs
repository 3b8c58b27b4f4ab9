//! Dates at the edge: every date the API and the pages take is one of the
//! years accepted (1900–2199); any other is refused naming its field,
//! never a failure of the server, and periods reaching the last day
//! accepted are answered.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use super::{spawn_app, App, Resp};

/// Years far outside those accepted, and the last day `time` can hold.
const FAR: [&str; 5] = [
    "-2026-01-01",
    "0001-01-01",
    "9999-01-04",
    "10000-01-01",
    "9999-12-31",
];

#[track_caller]
fn refused(r: &Resp, field: &str, what: &str) {
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{what}: {}", r.text());
    let e = r.json();
    assert_eq!(e["error"]["code"], "invalid", "{what}: {e}");
    assert_eq!(e["error"]["field"], field, "{what}: {e}");
}

async fn post(app: &App, path: &str, cookie: &str, body: Value) -> Resp {
    app.call(Method::POST, path, Some(cookie), Some(body)).await
}

async fn unit_of(app: &App, manager: &str) -> String {
    let me = app.get("/api/v1/me", Some(manager)).await.json();
    me["manages"][0].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn far_dates_in_query_strings_are_refused_naming_the_parameter() {
    let app = spawn_app().await;
    let chef = app.login("chef").await;
    let hr = app.login("hr").await;
    let unit = unit_of(&app, &chef).await;
    for d in FAR {
        for (path, field, who) in [
            (format!("/api/v1/plan?from={d}"), "from", &chef),
            (format!("/api/v1/plan?from=2026-01-05&to={d}"), "to", &chef),
            (
                format!("/api/v1/coverage?unit={unit}&from={d}"),
                "from",
                &chef,
            ),
            (
                format!("/api/v1/coverage?unit={unit}&from=2026-01-05&to={d}"),
                "to",
                &chef,
            ),
            (format!("/api/v1/occupancy?from={d}"), "from", &chef),
            (
                format!("/api/v1/occupancy?from=2026-01-05&to={d}"),
                "to",
                &chef,
            ),
            (format!("/api/v1/absences?from={d}"), "from", &chef),
            (
                format!("/api/v1/absences?from=2026-01-05&to={d}"),
                "to",
                &chef,
            ),
            (format!("/api/v1/redeployment?from={d}"), "from", &hr),
            (
                format!("/api/v1/redeployment?from=2026-01-05&to={d}"),
                "to",
                &hr,
            ),
            (format!("/api/v1/redeployment.csv?from={d}"), "from", &hr),
            (format!("/api/v1/audit?from={d}"), "from", &hr),
            (
                format!("/api/v1/followups?due_before={d}"),
                "due_before",
                &hr,
            ),
        ] {
            refused(&app.get(&path, Some(who)).await, field, &path);
        }
    }
    let r = app
        .get("/api/v1/audit?from=9999-12-31T23:00:00Z", Some(&hr))
        .await;
    refused(&r, "from", "a time in year 9999");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn far_dates_in_bodies_and_paths_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let anna = app.login("anna").await;
    let chef = app.login("chef").await;
    let hr = app.login("hr").await;
    let unit = unit_of(&app, &chef).await;
    let anna_id = app.id_of("anna").await;
    for d in FAR {
        let mut request = super::request_body(2, time::macros::date!(2026 - 01 - 05), None);
        request["start"] = json!(d);
        let cases: Vec<(&str, Value, &str, &str)> = vec![
            (
                "/api/v1/absences",
                json!({"first_day": d, "last_day": "2026-01-09"}),
                "first_day",
                &anna,
            ),
            (
                "/api/v1/absences",
                json!({"first_day": "2026-01-05", "last_day": d}),
                "last_day",
                &anna,
            ),
            (
                "/api/v1/rotation",
                json!({"unit": unit, "from": d, "weeks": 1}),
                "from",
                &chef,
            ),
            (
                "/api/v1/rotation",
                json!({"unit": unit, "from": "2026-01-05", "weeks": 1,
                    "locked": [{"person": anna_id, "date": d, "state": "remote"}]}),
                "locked[0].date",
                &chef,
            ),
            (
                "/api/v1/rotation",
                json!({"horizon": {"start": d, "weeks": 1}, "employees": []}),
                "horizon.start",
                &chef,
            ),
            (
                "/api/v1/closed-days",
                json!({"date": d, "name": "Klämdag"}),
                "date",
                &hr,
            ),
            ("/api/v1/requests", request, "start", &anna),
            (
                "/api/v1/deviations",
                json!({"kind": "other", "description": "Test", "date": d}),
                "date",
                &anna,
            ),
            (
                "/api/v1/temporary-decisions",
                json!({"title": "Kris", "start": d, "end": "2026-02-01"}),
                "start",
                &hr,
            ),
            (
                "/api/v1/temporary-decisions",
                json!({"title": "Kris", "start": "2026-01-05", "end": d}),
                "end",
                &hr,
            ),
        ];
        for (path, body, field, who) in cases {
            let r = post(&app, path, who, body.clone()).await;
            refused(&r, field, &format!("{path} {body}"));
        }
        let mut policy = super::policy_body();
        policy["valid_from"] = json!(d);
        let r = post(&app, "/api/v1/policy/versions", &hr, policy).await;
        refused(&r, "valid_from", "a policy version");
        let r = app
            .call(
                Method::PUT,
                &format!("/api/v1/plan/{anna_id}/{d}"),
                Some(&anna),
                Some(json!({"state": "remote"})),
            )
            .await;
        refused(&r, "date", "an occasional day");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn periods_up_to_the_last_day_accepted_are_answered() {
    let app = spawn_app().await;
    let chef = app.login("chef").await;
    let hr = app.login("hr").await;
    let unit = unit_of(&app, &chef).await;
    // From the last day accepted: the default period ends there too.
    for (path, who) in [
        ("/api/v1/plan?from=2199-12-31".to_string(), &chef),
        (
            format!("/api/v1/coverage?unit={unit}&from=2199-12-31"),
            &chef,
        ),
        ("/api/v1/occupancy?from=2199-12-31".to_string(), &chef),
        ("/api/v1/absences?from=2199-12-31".to_string(), &chef),
        ("/api/v1/redeployment?from=2199-12-31".to_string(), &hr),
        ("/api/v1/redeployment?from=1900-01-01".to_string(), &hr),
        (
            "/api/v1/plan?from=2199-10-01&to=2199-12-31".to_string(),
            &chef,
        ),
        ("/api/v1/audit?from=2199-12-31".to_string(), &hr),
    ] {
        let r = app.get(&path, Some(who)).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text());
    }
    // A rotation's weeks must end by then.
    let r = post(
        &app,
        "/api/v1/rotation",
        &chef,
        json!({"unit": unit, "from": "2199-12-30", "weeks": 1}),
    )
    .await;
    refused(&r, "weeks", "a week reaching 2200");
    let r = post(
        &app,
        "/api/v1/rotation",
        &chef,
        json!({"horizon": {"start": "2199-12-23", "weeks": 2}, "employees": []}),
    )
    .await;
    refused(&r, "horizon.weeks", "a planner horizon reaching 2200");
    let r = post(
        &app,
        "/api/v1/rotation?time_limit=5",
        &chef,
        json!({"unit": unit, "from": "2199-12-23", "weeks": 1}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let out = r.json();
    let days: Vec<&String> = out["plan"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|p| p.as_object().unwrap().keys())
        .collect();
    assert!(!days.is_empty());
    assert!(days.iter().all(|d| d.as_str() <= "2199-12-31"), "{days:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_pages_refuse_far_weeks_and_months_and_show_the_last_ones() {
    let app = spawn_app().await;
    let anna = app.login("anna").await;
    let chef = app.login("chef").await;
    let unit = unit_of(&app, &chef).await;
    let anna_id = app.id_of("anna").await;
    for (q, field) in [
        ("vecka=9999-W52", "vecka"),
        ("vecka=2200-W01", "vecka"),
        ("vecka=0001-W01", "vecka"),
        ("vecka=-2026-W01", "vecka"),
        ("manad=9999-12", "manad"),
        ("manad=10000-01", "manad"),
        ("manad=0001-01", "manad"),
        ("manad=2200-01", "manad"),
    ] {
        for (path, who) in [
            (format!("/plan?{q}"), &anna),
            (format!("/personer/{anna_id}/plan?{q}"), &chef),
        ] {
            let r = app.get(&path, Some(who)).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}");
            assert!(r.text().contains(field), "{path}: {}", r.text());
        }
        if field == "vecka" {
            for path in [
                format!("/enheter/{unit}/plan?{q}"),
                format!("/oversikt?{q}"),
                format!("/arbetsplatser?{q}"),
            ] {
                let r = app.get(&path, Some(&chef)).await;
                assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}");
                assert!(r.text().contains(field), "{path}: {}", r.text());
            }
        }
    }
    // The first and last weeks and months accepted are shown; their links
    // onwards stay on them.
    for q in [
        "vecka=2199-W52",
        "manad=2199-12",
        "vecka=1900-W01",
        "manad=1900-01",
    ] {
        let r = app.get(&format!("/plan?{q}"), Some(&anna)).await;
        assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.text());
        assert!(r.text().contains(q), "{q}");
    }
    for path in [
        format!("/enheter/{unit}/plan?vecka=2199-W52"),
        "/oversikt?vecka=2199-W52".to_string(),
        "/arbetsplatser?vecka=1900-W01".to_string(),
    ] {
        let r = app.get(&path, Some(&chef)).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text());
    }
}
