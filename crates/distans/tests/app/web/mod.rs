//! The web layer in-process: the API, the pages, sign-in, sessions, CSRF,
//! and the access matrix of every route × every role. This module holds what
//! the feature modules share: a fresh app on the demo organisation, requests
//! and responses, and the real readers of PDFs and calendar feeds.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use distans_core::kernel::clock::SystemClock;
use distans_core::store::*;
use distans_core::Core;
use distans_store::{SqlStore, StoreConfig};
use distans_web::auth::LoginLimits;
use distans_web::{AppState, WebConfig};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;
use uuid::Uuid;

struct TempDir(std::path::PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct App {
    router: Router,
    core: Arc<Core>,
    /// The store `core` was built from: tests read storage through it.
    store: Arc<SqlStore>,
    url: String,
    _dir: Option<TempDir>,
}

struct Resp {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.text()))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }
    fn cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("distans_session="))
            .map(|v| v.split(';').next().unwrap_or("").to_string())
    }
}

/// A fresh PostgreSQL database named `prefix_<random>` on the test server:
/// (its URL, the admin pool that made it, its name). `None` (a note, never
/// in CI) when `DISTANS_TEST_POSTGRES` is not set.
async fn fresh_postgres(prefix: &str) -> Option<(String, sqlx::PgPool, String)> {
    let base = match std::env::var("DISTANS_TEST_POSTGRES") {
        Ok(u) if !u.is_empty() => u,
        _ => {
            assert!(
                std::env::var("CI").is_err(),
                "DISTANS_TEST_POSTGRES must be set in CI"
            );
            eprintln!("NOTE: DISTANS_TEST_POSTGRES is not set; skipping the PostgreSQL half");
            return None;
        }
    };
    let name = format!(
        "{prefix}_{}",
        rand::Rng::gen::<u64>(&mut rand::thread_rng())
    );
    let admin = sqlx::PgPool::connect(&base).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    let url = format!("{}/{name}", base.rsplit_once('/').unwrap().0);
    Some((url, admin, name))
}

async fn store_at(url: &str) -> Arc<SqlStore> {
    let store = SqlStore::open(&StoreConfig {
        url: url.into(),
        max_connections: 5,
    })
    .await
    .unwrap();
    Arc::new(store)
}

/// The Core of an app server on this store.
async fn core_on(store: Arc<SqlStore>) -> Arc<Core> {
    let core = Core::new(store, Arc::new(SystemClock));
    core.ensure_defaults().await.unwrap();
    Arc::new(core)
}

async fn core_at(url: &str) -> Arc<Core> {
    core_on(store_at(url).await).await
}

fn router(core: Arc<Core>, limits: Option<LoginLimits>) -> Router {
    let mut state = AppState::new(core, WebConfig::default());
    if let Some(l) = limits {
        state.limits = Arc::new(l);
    }
    distans_web::app(state)
}

/// A fresh app on its own SQLite file with the demo organisation.
async fn spawn_app() -> App {
    let dir = std::env::temp_dir().join(format!("distans-web-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = dir.join("t.db").to_string_lossy().to_string();
    let store = store_at(&url).await;
    let core = core_on(store.clone()).await;
    core.demo.load_demo(300).await.unwrap();
    App {
        router: router(core.clone(), None),
        core,
        store,
        url,
        _dir: Some(TempDir(dir)),
    }
}

impl App {
    async fn call(
        &self,
        method: Method,
        path: &str,
        cookie: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(c) = cookie {
            if c.starts_with("Bearer ") {
                b = b.header(header::AUTHORIZATION, c);
            } else {
                b = b.header(header::COOKIE, c);
            }
        }
        let req = match body {
            Some(v) => b
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(v.to_string()))
                .unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        send(&self.router, req).await
    }

    async fn get(&self, path: &str, cookie: Option<&str>) -> Resp {
        self.call(Method::GET, path, cookie, None).await
    }

    async fn login(&self, user: &str) -> String {
        let r = self
            .call(
                Method::POST,
                "/api/v1/login",
                None,
                Some(json!({"username": user, "password": "demo"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{user}: {}", r.text());
        r.cookie().expect("a session cookie")
    }

    /// A personal API token of `user`, for scripts' requests.
    async fn token(&self, user: &str) -> String {
        let cookie = self.login(user).await;
        let r = self
            .call(
                Method::POST,
                "/api/v1/me/tokens",
                Some(&cookie),
                Some(json!({"name": "test"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        r.json()["secret"].as_str().unwrap().to_string()
    }

    async fn id_of(&self, user: &str) -> String {
        self.store
            .credentials(user)
            .await
            .unwrap()
            .unwrap()
            .0
            .to_string()
    }
}

async fn send(router: &Router, req: Request<Body>) -> Resp {
    let resp = router.clone().oneshot(req).await.unwrap();
    // No page or answer may show a key for want of its text, in either language.
    let missing = distans_web::i18n::missing_keys();
    assert!(missing.is_empty(), "texts missing for keys {missing:?}");
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Resp {
        status,
        headers,
        body,
    }
}

async fn form(router: &Router, path: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> Resp {
    let mut b = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    send(
        router,
        b.body(Body::from(serde_urlencoded::to_string(fields).unwrap()))
            .unwrap(),
    )
    .await
}

/// A hidden field's value in a page, as the browser reads it.
fn field_of(html: &str, name: &str) -> String {
    let at = format!("name=\"{name}\" value=\"");
    let i = html.find(&at).unwrap_or_else(|| panic!("a field {name}")) + at.len();
    html[i..]
        .split('"')
        .next()
        .unwrap()
        .replace("&#x2f;", "/")
        .replace("&#47;", "/")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// Where a sign-in through the pages (at `location`) ends up once the
/// person went on from the privacy notice shown at their first sign-in, as
/// they would: the notice's form sent back as the page filled it in.
async fn past_notice(router: &Router, cookie: &str, location: &str) -> String {
    if !location.starts_with("/integritet/forsta") {
        return location.to_string();
    }
    let b = Request::builder()
        .uri(location)
        .header(header::COOKIE, cookie);
    let html = send(router, b.body(Body::empty()).unwrap()).await.text();
    let r = form(
        router,
        "/integritet/forsta",
        Some(cookie),
        &[
            ("csrf", &csrf_of(&html)),
            ("version", &field_of(&html, "version")),
            ("next", &field_of(&html, "next")),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    r.headers[header::LOCATION].to_str().unwrap().to_string()
}

fn csrf_of(html: &str) -> String {
    let i = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    html[i..].split('"').next().unwrap().to_string()
}

/// The text of a PDF, as the real `pdftotext` (poppler) reads it.
fn pdf_text(pdf: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("distans-{}.pdf", Uuid::new_v4().simple()));
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (Debian package poppler-utils) is needed");
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// An iCalendar feed as the real Python `icalendar` package reads it: the
/// calendar's name and each event's fields, dates as YYYY-MM-DD.
fn ics_parsed(ics: &[u8]) -> Value {
    let path = std::env::temp_dir().join(format!("distans-{}.ics", Uuid::new_v4().simple()));
    std::fs::write(&path, ics).unwrap();
    let script = r#"
import json, sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
events = []
for e in cal.walk("VEVENT"):
    events.append({
        "uid": str(e["UID"]),
        "start": e.decoded("DTSTART").isoformat(),
        "end": e.decoded("DTEND").isoformat(),
        "stamp": e.decoded("DTSTAMP").isoformat(),
        "summary": str(e["SUMMARY"]),
        "description": str(e.get("DESCRIPTION", "")),
        "transp": str(e.get("TRANSP", "")),
    })
print(json.dumps({"name": str(cal.get("X-WR-CALNAME")), "events": events}))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script, path.to_str().unwrap()])
        .output()
        .expect("python3 with the icalendar package (pip install icalendar) is needed");
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "icalendar could not read the feed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn request_body(days: i64, start: time::Date, end: Option<time::Date>) -> Value {
    json!({
        "days_per_week": days, "weekdays": ["mon"], "start": start.to_string(), "end": end.map(|e| e.to_string()),
        "place": "home", "reason": "Kortare pendling",
        "confirmations": ["wifi", "it-security", "vpn", "home-insurance"]
    })
}

fn policy_body() -> Value {
    let mut v = serde_json::to_value(distans_core::policy::PolicyRules::default()).unwrap();
    v["valid_from"] = json!(time::OffsetDateTime::now_utc().date().to_string());
    v
}

mod access;
mod cases;
mod dates;
mod departures;
mod deviations;
mod editors;
mod equipment;
mod errors;
mod followups;
mod health;
mod idempotency;
mod notice;
mod oidc;
mod openapi;
mod passwords;
mod people;
mod plan;
mod privacy;
mod request_id;
mod rotation;
mod scim;
mod search;
mod servers;
mod signin;
mod start;
mod stats;
mod units;
