//! Several app servers on one database: what one server changes about who
//! may do what — signing out, deactivating a person, changing their roles —
//! holds on another from its very next request, although each server
//! remembers signed-in callers between requests; so do one's own choices
//! and the policy in force, which each server remembers too; and a plan,
//! a unit's plan and coverage, a coverage rule or a closed day changed
//! through one server is what the other answers next, though it
//! remembers those answers too.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use uuid::Uuid;

use super::{core_at, csrf_of, form, fresh_postgres, router, send, Resp, TempDir};

async fn call(r: &Router, method: Method, path: &str, auth: &str, body: Option<Value>) -> Resp {
    let mut b = Request::builder().method(method).uri(path);
    b = if auth.starts_with("Bearer ") {
        b.header(header::AUTHORIZATION, auth)
    } else {
        b.header(header::COOKIE, auth)
    };
    let req = match body {
        Some(v) => b
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(v.to_string()))
            .unwrap(),
        None => b.body(Body::empty()).unwrap(),
    };
    send(r, req).await
}

async fn login(r: &Router, user: &str) -> String {
    let req = Request::post("/api/v1/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"username": user, "password": "demo"}).to_string(),
        ))
        .unwrap();
    let resp = send(r, req).await;
    assert_eq!(resp.status, StatusCode::OK, "{user}: {}", resp.text());
    resp.cookie().unwrap()
}

async fn token(r: &Router, cookie: &str) -> String {
    let resp = call(
        r,
        Method::POST,
        "/api/v1/me/tokens",
        cookie,
        Some(json!({"name": "skript"})),
    )
    .await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.text());
    format!("Bearer {}", resp.json()["secret"].as_str().unwrap())
}

/// `GET /api/v1/me` on a server: the status and, when signed in, the roles.
async fn me(r: &Router, auth: &str) -> (StatusCode, Vec<String>) {
    let resp = call(r, Method::GET, "/api/v1/me", auth, None).await;
    let roles = if resp.status == StatusCode::OK {
        resp.json()["roles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    } else {
        vec![]
    };
    (resp.status, roles)
}

/// Runs the checks against two servers on the database at `url`, on which
/// the demo is loaded first.
async fn two_servers(url: &str) {
    let one = core_at(url).await;
    one.demo.load_demo(120).await.unwrap();
    let (a, b) = (router(one, None), router(core_at(url).await, None));

    let hr = login(&a, "hr").await;
    let admin = login(&a, "admin").await;
    let anna = login(&a, "anna").await;
    let bo = login(&a, "bo").await;
    let bo_token = token(&a, &bo).await;
    // The other server has seen them all (and remembers them).
    for auth in [&hr, &anna, &bo, &bo_token] {
        for _ in 0..2 {
            assert_eq!(me(&b, auth).await.0, StatusCode::OK);
        }
    }
    let bo_id = call(&b, Method::GET, "/api/v1/me", &bo, None).await.json()["id"]
        .as_str()
        .unwrap()
        .to_string();

    // A role granted on one server is there on the other's next request,
    // by session and by token; and taken away again.
    let path = format!("/api/v1/people/{bo_id}");
    for (roles, has) in [(json!(["auditor"]), true), (json!([]), false)] {
        let version = call(&a, Method::GET, &path, &hr, None).await.json()["version"].clone();
        let r = call(
            &a,
            Method::PATCH,
            &path,
            &hr,
            Some(json!({"version": version, "roles": roles})),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        for auth in [&bo, &bo_token] {
            let (status, got) = me(&b, auth).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(got.contains(&"auditor".to_string()), has, "{got:?}");
        }
    }

    // One's own choice whether colleagues see one on site, made on one
    // server, is what the other answers next; so is a new policy's default
    // for those who follow it.
    let shares = |r: Resp| {
        let v = r.json();
        (
            v["share_presence"].clone(),
            v["share_presence_chosen"].clone(),
        )
    };
    let default = call(&b, Method::GET, "/api/v1/me", &anna, None)
        .await
        .json()["share_presence"]
        .as_bool()
        .unwrap();
    for choice in [json!(!default), json!(default), Value::Null] {
        let r = call(
            &a,
            Method::PATCH,
            "/api/v1/me",
            &anna,
            Some(json!({ "share_presence": choice })),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let want = choice.as_bool().unwrap_or(default);
        let got = shares(call(&b, Method::GET, "/api/v1/me", &anna, None).await);
        assert_eq!(got, (json!(want), choice.clone()));
    }
    let mut policy = super::policy_body();
    policy["share_presence_default"] = json!(!default);
    let r = call(
        &a,
        Method::POST,
        "/api/v1/policy/versions",
        &hr,
        Some(policy),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let got = shares(call(&b, Method::GET, "/api/v1/me", &anna, None).await);
    assert_eq!(got, (json!(!default), Value::Null));

    // Signing out on one server ends the session on the other at once;
    // others' sessions go on.
    let r = call(&a, Method::POST, "/api/v1/logout", &anna, Some(json!({}))).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(me(&b, &anna).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&b, &hr).await.0, StatusCode::OK);

    // Deactivating a person on one server stops their session and token on
    // the other at once.
    let r = call(
        &a,
        Method::POST,
        &format!("/api/v1/people/{bo_id}/deactivate"),
        &admin,
        Some(json!({"reason": "Slutar"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(me(&b, &bo).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&b, &bo_token).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&b, &hr).await.0, StatusCode::OK);

    // A plan changed through one server is what the other answers next.
    let hr_id = call(&b, Method::GET, "/api/v1/me", &hr, None).await.json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let today = time::OffsetDateTime::now_utc().date();
    let (from, to) = (
        today + time::Duration::days(7),
        today + time::Duration::days(34),
    );
    let plan = format!("/api/v1/plan?person={hr_id}&from={from}&to={to}");
    let days = call(&b, Method::GET, &plan, &hr, None).await.json()["days"].clone();
    let day = days
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["state"] != "remote")
        .expect("a day not remote")["date"]
        .as_str()
        .unwrap()
        .to_string();
    let state_on_b = |days: &Value| {
        days.as_array()
            .unwrap()
            .iter()
            .find(|d| d["date"] == day.as_str())
            .unwrap()["state"]
            .clone()
    };
    // So is the plan of the person's unit, and its coverage, which the
    // other server has answered (and remembers) before the change.
    let unit_id = call(&b, Method::GET, "/api/v1/me", &hr, None).await.json()["unit"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let unit_plan = format!("/api/v1/plan?unit={unit_id}&from={from}&to={to}");
    let coverage = format!("/api/v1/coverage?unit={unit_id}&from={from}&to={to}");
    let state_in_unit = |days: &Value| {
        days.as_array()
            .unwrap()
            .iter()
            .find(|d| d["date"] == day.as_str() && d["person"] == hr_id.as_str())
            .unwrap()["state"]
            .clone()
    };
    let on_site = |days: &Value| {
        days.as_array()
            .unwrap()
            .iter()
            .find(|d| d["date"] == day.as_str())
            .unwrap()["on_site"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == hr_id.as_str())
    };
    let unit_days = call(&b, Method::GET, &unit_plan, &hr, None).await.json()["days"].clone();
    let state_before = state_in_unit(&unit_days);
    assert_ne!(state_before, "remote");
    let cov = call(&b, Method::GET, &coverage, &hr, None).await.json()["days"].clone();
    let on_site_before = on_site(&cov);
    assert_eq!(on_site_before, state_before == "workplace", "{cov}");
    let r = call(
        &a,
        Method::PUT,
        &format!("/api/v1/plan/{hr_id}/{day}"),
        &hr,
        Some(json!({"state": "remote", "allow_gap": true})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let days = call(&b, Method::GET, &plan, &hr, None).await.json()["days"].clone();
    assert_eq!(state_on_b(&days), "remote");
    let unit_days = call(&b, Method::GET, &unit_plan, &hr, None).await.json()["days"].clone();
    assert_eq!(state_in_unit(&unit_days), "remote");
    let cov = call(&b, Method::GET, &coverage, &hr, None).await.json()["days"].clone();
    assert!(!on_site(&cov), "remote, so not on site: {cov}");
    let r = call(
        &a,
        Method::DELETE,
        &format!("/api/v1/plan/{hr_id}/{day}?allow_gap=true"),
        &hr,
        None,
    )
    .await;
    assert!(r.status.is_success(), "{}", r.text());
    let days = call(&b, Method::GET, &plan, &hr, None).await.json()["days"].clone();
    assert_ne!(state_on_b(&days), "remote");
    let unit_days = call(&b, Method::GET, &unit_plan, &hr, None).await.json()["days"].clone();
    assert_eq!(state_in_unit(&unit_days), state_before);
    let cov = call(&b, Method::GET, &coverage, &hr, None).await.json()["days"].clone();
    assert_eq!(on_site(&cov), on_site_before);

    // A coverage rule added through one server is in the other's next
    // answer, and gone from it once removed.
    let rules_of = |cov: &Value| {
        cov.as_array().unwrap()[0]["rules"]
            .as_array()
            .unwrap()
            .len()
    };
    let rules_before = rules_of(&cov);
    let r = call(
        &a,
        Method::POST,
        &format!("/api/v1/units/{unit_id}/coverage-rules"),
        &hr,
        Some(json!({"kind": "min_onsite", "min_onsite": 1})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let rule_id = r.json()["id"].as_str().unwrap().to_string();
    let cov = call(&b, Method::GET, &coverage, &hr, None).await.json()["days"].clone();
    assert_eq!(rules_of(&cov), rules_before + 1);
    let r = call(
        &a,
        Method::DELETE,
        &format!("/api/v1/coverage-rules/{rule_id}"),
        &hr,
        None,
    )
    .await;
    assert!(r.status.is_success(), "{}", r.text());
    let cov = call(&b, Method::GET, &coverage, &hr, None).await.json()["days"].clone();
    assert_eq!(rules_of(&cov), rules_before);

    // What a browser's session holds, changed through one server, is what
    // the other goes by next, though both remember it: the privacy notice
    // due at the first sign-in, read on one server, is done on the other.
    let r = send(&a, Request::get("/logga-in").body(Body::empty()).unwrap()).await;
    let (cookie, csrf) = (r.cookie().unwrap(), csrf_of(&r.text()));
    let r = form(
        &a,
        "/logga-in",
        Some(&cookie),
        &[
            ("username", "chef"),
            ("password", "demo"),
            ("csrf", &csrf),
            ("next", "/plan"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let chef = r.cookie().unwrap();
    let page = |server: &Router, path: &str| {
        let req = Request::get(path)
            .header(header::COOKIE, chef.as_str())
            .body(Body::empty())
            .unwrap();
        let server = server.clone();
        async move { send(&server, req).await }
    };
    for server in [&a, &b] {
        let r = page(server, "/plan").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "the notice first");
    }
    let notice = page(&b, "/integritet/forsta?next=%2Fplan").await.text();
    let r = form(
        &b,
        "/integritet/forsta",
        Some(&chef),
        &[
            ("csrf", &csrf_of(&notice)),
            ("version", "0"),
            ("next", "/plan"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    for server in [&a, &b] {
        assert_eq!(page(server, "/plan").await.status, StatusCode::OK);
    }

    // A day the organisation closes through one server is no workday in
    // the other's next answer; opened again, it is back.
    let has_day = |days: &Value| {
        days.as_array()
            .unwrap()
            .iter()
            .any(|d| d["date"] == day.as_str())
    };
    let r = call(
        &a,
        Method::POST,
        "/api/v1/closed-days",
        &admin,
        Some(json!({"date": day, "name": "Stängt"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let days = call(&b, Method::GET, &plan, &hr, None).await.json()["days"].clone();
    assert!(!has_day(&days), "{day} is closed");
    let days = call(&b, Method::GET, &unit_plan, &hr, None).await.json()["days"].clone();
    assert!(!has_day(&days), "{day} is closed for the unit");
    let days = call(&b, Method::GET, &coverage, &hr, None).await.json()["days"].clone();
    assert!(!has_day(&days), "{day} is closed for coverage");
    let r = call(
        &a,
        Method::DELETE,
        &format!("/api/v1/closed-days/{day}"),
        &admin,
        None,
    )
    .await;
    assert!(r.status.is_success(), "{}", r.text());
    let days = call(&b, Method::GET, &plan, &hr, None).await.json()["days"].clone();
    assert!(has_day(&days), "{day} is open again");
    let days = call(&b, Method::GET, &coverage, &hr, None).await.json()["days"].clone();
    assert!(has_day(&days), "{day} is open again for coverage");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_one_server_changes_holds_on_the_next_request_to_another_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("distans-two-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let _dir = TempDir(dir.clone());
    two_servers(&dir.join("t.db").to_string_lossy()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_one_server_changes_holds_on_the_next_request_to_another_on_postgres() {
    let Some((url, admin, name)) = fresh_postgres("distans_two").await else {
        return;
    };
    two_servers(&url).await;
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await;
}
