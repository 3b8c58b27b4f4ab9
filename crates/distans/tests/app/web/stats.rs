//! Statistics through the API and the page: who sees which groups, CSV in
//! each language's conventions (read back with a real CSV reader), bad
//! questions named at their field, and suppression — including the attack
//! of subtracting visible cells from a visible total.

use std::collections::HashMap;
use std::sync::Arc;

use axum::http::{header, Method, StatusCode};
use distans_core::kernel::clock::SystemClock;
use distans_core::kernel::CoreConfig;
use distans_core::Core;
use serde_json::{json, Value};
use uuid::Uuid;

use super::{csrf_of, form, router, spawn_app, store_at, App, TempDir};

/// The demo app with a larger smallest group, so that suppression shows.
async fn app_with_min_group(min: i64) -> App {
    let dir = std::env::temp_dir().join(format!("distans-web-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = dir.join("t.db").to_string_lossy().to_string();
    let store = store_at(&url).await;
    let config = CoreConfig {
        stats_min_group: min,
        ..CoreConfig::default()
    };
    let core = Arc::new(Core::with_config(
        store.clone(),
        Arc::new(SystemClock),
        config,
    ));
    core.ensure_defaults().await.unwrap();
    core.demo.load_demo(300).await.unwrap();
    App {
        router: router(core.clone(), None),
        core,
        store,
        url,
        _dir: Some(TempDir(dir)),
    }
}

fn rows(v: &Value) -> &Vec<Value> {
    v["rows"].as_array().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everyone_sees_the_organisation_and_managers_their_units() {
    let app = spawn_app().await;
    let anna = app.login("anna").await;
    let hr = app.login("hr").await;
    let chef = app.login("chef").await;
    let v = app
        .get("/api/v1/stats/remote-share", Some(&anna))
        .await
        .json();
    assert!(rows(&v).iter().all(|r| r["part"] == "organisation"), "{v}");
    assert!(rows(&v)
        .iter()
        .any(|r| r["share"].as_f64().unwrap_or(0.0) > 0.0));
    let v = app
        .get("/api/v1/stats/remote-share", Some(&hr))
        .await
        .json();
    assert!(
        rows(&v).iter().any(|r| r["part"] == "total"),
        "HR sees the units"
    );
    // Every row says how many it stands for and whether it is hidden.
    assert!(rows(&v)
        .iter()
        .all(|r| r["people"].is_i64() && r["suppressed"].is_boolean()));
    let kc = app
        .store
        .actor(app.id_of("chef").await.parse().unwrap())
        .await
        .unwrap()
        .unwrap()
        .manages[0]
        .id;
    use distans_core::store::IdentityPort;
    let path = format!("/api/v1/stats/remote-share?unit={kc}&by=month");
    let r = app.get(&path, Some(&chef)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(rows(&r.json()).iter().all(|r| r["unit"].is_string()));
    assert_eq!(
        app.get(&path, Some(&anna)).await.status,
        StatusCode::FORBIDDEN
    );
    // Bad questions name their field.
    for (q, field) in [
        ("by=day", "by"),
        ("from=2026-13-01", "from"),
        ("unit=x", "unit"),
        ("format=xls", "format"),
        ("from=2020-01-01&to=2026-01-01", "to"),
    ] {
        let r = app
            .get(&format!("/api/v1/stats/remote-share?{q}"), Some(&hr))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
        assert_eq!(r.json()["error"]["field"], field, "{q}: {}", r.text());
    }
    // The page, without JavaScript: charts with their tables and filters.
    let page = app.get("/statistik", Some(&hr)).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(
        text.contains("<svg") && text.contains("id=\"stats-share\""),
        "{text}"
    );
    assert!(text.contains("href=\"#definitioner\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_follows_the_readers_language() {
    let app = spawn_app().await;
    let hr = app.login("hr").await;
    let r = app
        .get("/api/v1/stats/remote-share?by=month&format=csv", Some(&hr))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(
        r.body.starts_with(b"\xEF\xBB\xBF"),
        "Swedish: a byte-order mark"
    );
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&r.body[3..]);
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "Period");
    assert_eq!(&headers[5], "Distansandel (%)");
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert!(!records.is_empty());
    let shares: Vec<&str> = records
        .iter()
        .map(|r| r.get(5).unwrap())
        .filter(|s| !s.is_empty())
        .collect();
    assert!(
        shares.iter().all(|s| s.contains(',') && !s.contains('.')),
        "decimal commas: {shares:?}"
    );
    // The same by the Accept header, and in English when the person reads English.
    let r = app
        .call(
            Method::PATCH,
            "/api/v1/me",
            Some(&hr),
            Some(json!({"language": "en"})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text());
    let r = super::send(
        &app.router,
        axum::http::Request::builder()
            .uri("/api/v1/stats/agreements")
            .header(header::COOKIE, &hr)
            .header(header::ACCEPT, "text/csv")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.starts_with(b"\xEF\xBB\xBF"));
    let mut reader = csv::Reader::from_reader(&r.body[..]);
    assert_eq!(&reader.headers().unwrap()[4], "Count");
    assert!(reader.records().all(|r| r.is_ok()));
    let r = app
        .get("/api/v1/stats/emissions?format=csv", Some(&hr))
        .await;
    let mut reader = csv::Reader::from_reader(&r.body[..]);
    let gross: Vec<f64> = reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| !r[4].is_empty())
        .map(|r| r[4].parse::<f64>().unwrap())
        .collect();
    assert!(
        gross.iter().any(|g| *g > 0.0),
        "decimal points parse: {gross:?}"
    );
}

/// Suppression: small groups are hidden in JSON and CSV alike, and no
/// hidden group's figure can be had by subtracting the visible parts from
/// a visible total — for the organisation and for every unit HR may ask.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suppressed_groups_cannot_be_recovered_by_subtraction() {
    let min = 12;
    let app = app_with_min_group(min).await;
    let hr = app.login("hr").await;
    let mut queue = vec![String::new()];
    let mut seen = 0;
    let mut hidden_seen = 0;
    while let Some(unit) = queue.pop() {
        seen += 1;
        let q = if unit.is_empty() {
            String::new()
        } else {
            format!("&unit={unit}")
        };
        let v = app
            .get(
                &format!("/api/v1/stats/remote-share?by=month{q}"),
                Some(&hr),
            )
            .await
            .json();
        let mut by_period: HashMap<String, Vec<&Value>> = HashMap::new();
        for r in rows(&v) {
            by_period
                .entry(r["period"].as_str().unwrap().into())
                .or_default()
                .push(r);
            if r["suppressed"] == true {
                hidden_seen += 1;
                assert!(r["days"].is_null() && r["share"].is_null(), "{r}");
            } else {
                assert!(
                    r["people"].as_i64().unwrap() >= min || r["people"] == 0,
                    "{r}"
                );
            }
        }
        for (period, rs) in by_period {
            let whole = rs[0];
            if whole["suppressed"] == true {
                continue;
            }
            let parts = &rs[1..];
            let hidden: Vec<&&Value> = parts
                .iter()
                .filter(|r| r["suppressed"] == true && r["people"].as_i64().unwrap() > 0)
                .collect();
            let hidden_people: i64 = hidden.iter().map(|r| r["people"].as_i64().unwrap()).sum();
            // The attack: total − visible parts = the one hidden part.
            assert!(
                hidden.is_empty() || (hidden.len() >= 2 && hidden_people >= min),
                "{period} of {unit:?}: {} hidden part(s) of {hidden_people} people",
                hidden.len()
            );
            if hidden.is_empty() && !parts.is_empty() {
                let sum: f64 = parts.iter().map(|r| r["days"].as_f64().unwrap()).sum();
                let people: i64 = parts.iter().map(|r| r["people"].as_i64().unwrap()).sum();
                if people == whole["people"].as_i64().unwrap() {
                    assert!((sum - whole["days"].as_f64().unwrap()).abs() < 1e-6);
                }
            }
        }
        for r in rows(&v).iter().skip(1) {
            if r["part"] == "total"
                && r["suppressed"] == false
                && r["period"] == rows(&v)[0]["period"]
            {
                queue.push(r["unit"].as_str().unwrap().into());
            }
        }
    }
    assert!(seen > 3, "units were asked");
    assert!(hidden_seen > 0, "the demo has groups under {min}");
    // CSV hides the same cells.
    let r = app
        .get("/api/v1/stats/remote-share?by=month&format=csv", Some(&hr))
        .await;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&r.body[3..]);
    for rec in reader.records() {
        let rec = rec.unwrap();
        if &rec[6] == "ja" {
            assert!(rec[3].is_empty() && rec[5].is_empty(), "{rec:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_records_their_commute_and_hr_keeps_the_factors() {
    let app = spawn_app().await;
    let anna = app.login("anna").await;
    let hr = app.login("hr").await;
    let anna_id = app.id_of("anna").await;
    let path = format!("/api/v1/people/{anna_id}/commute");
    let r = app
        .call(
            Method::PUT,
            &path,
            Some(&anna),
            Some(json!({"distance_km": 12.5, "mode": "bil"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["mode"], "car");
    let r = app
        .call(
            Method::PUT,
            &path,
            Some(&anna),
            Some(json!({"distance_km": -1, "mode": "car"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["field"], "distance_km");
    // On one's own page too, in Swedish words and a decimal comma.
    let page = app
        .get(&format!("/personer/{anna_id}"), Some(&anna))
        .await
        .text();
    assert!(page.contains("action=\"/min-pendling\""), "{page}");
    let csrf = csrf_of(&page);
    let r = form(
        &app.router,
        "/min-pendling",
        Some(&anna),
        &[
            ("csrf", &csrf),
            ("distance_km", "7,5"),
            ("mode", "car_electric"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = app
        .get(&format!("/personer/{anna_id}"), Some(&anna))
        .await
        .text();
    assert!(page.contains("7.5 km, elbil"), "{page}");
    let f = app
        .get("/api/v1/stats/emission-factors", Some(&anna))
        .await
        .json();
    assert_eq!(f["version"], 0);
    assert!(f["source"].as_str().unwrap().contains("klimatresa.se"));
    let body = json!({"factors": [{"mode": "car", "kg_per_km": 0.1}], "home_office_kg_per_day": 0.3,
        "source": "Egen tabell 2026", "version": 0});
    let r = app
        .call(
            Method::PUT,
            "/api/v1/stats/emission-factors",
            Some(&anna),
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .call(
            Method::PUT,
            "/api/v1/stats/emission-factors",
            Some(&hr),
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = app
        .call(
            Method::PUT,
            "/api/v1/stats/emission-factors",
            Some(&hr),
            Some(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let e = app.get("/api/v1/stats/emissions", Some(&hr)).await.json();
    assert_eq!(e["factors"]["version"], 1);
    assert!(
        rows(&e).iter().any(|r| r["net_kg"].is_number()),
        "a net figure with a home-office factor"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_commute_is_shown_at_its_field_and_nothing_is_saved() {
    let app = spawn_app().await;
    let anna = app.login("anna").await;
    let anna_id = app.id_of("anna").await;
    let page = app
        .get(&format!("/personer/{anna_id}"), Some(&anna))
        .await
        .text();
    let csrf = csrf_of(&page);
    let person = format!("/api/v1/people/{anna_id}");
    let before = app
        .call(Method::GET, &person, Some(&anna), None)
        .await
        .json();
    for (km, mode, field, words, kept) in [
        (
            "-3",
            "car",
            "distance_km",
            "ett tal från 0 till 1000",
            "value=\"-3\"",
        ),
        (
            "tolv",
            "bus",
            "distance_km",
            "ett tal från 0 till 1000",
            "value=\"tolv\"",
        ),
        ("12", "", "mode", "Välj hur du reser", "value=\"12\""),
        (
            "",
            "train",
            "distance_km",
            "ett tal från 0 till 1000",
            "value=\"train\" selected",
        ),
    ] {
        let r = form(
            &app.router,
            "/min-pendling",
            Some(&anna),
            &[("csrf", &csrf), ("distance_km", km), ("mode", mode)],
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{km} {mode}");
        let page = r.text();
        // The summary at the top links to the field, which says what is wrong.
        assert!(page.contains("class=\"error-summary\""), "{page}");
        assert!(page.contains(&format!("href=\"#f-{field}\"")), "{page}");
        assert!(page.contains(&format!("id=\"e-{field}\"")), "{page}");
        assert!(page.contains("aria-invalid=\"true\""), "{page}");
        assert!(page.contains(words), "{km} {mode}: {page}");
        // What was typed is still there, and the rest of the page too.
        assert!(page.contains(kept), "{km} {mode}: {page}");
        assert!(page.contains("action=\"/mitt-sprak\""), "{page}");
    }
    let after = app
        .call(Method::GET, &person, Some(&anna), None)
        .await
        .json();
    assert_eq!(before["commute_km"], after["commute_km"], "nothing saved");
    assert_eq!(
        before["commute_mode"], after["commute_mode"],
        "nothing saved"
    );
}

/// Days with a coverage gap: the organisation for everyone, a unit for its
/// managers, JSON and CSV in each language's conventions, suppression in
/// both and against subtraction, bad questions named, and the page section.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coverage_gaps_in_json_csv_and_on_the_page() {
    let min = 12;
    let app = app_with_min_group(min).await;
    let anna = app.login("anna").await;
    let hr = app.login("hr").await;
    let v = app.get("/api/v1/stats/coverage", Some(&anna)).await.json();
    assert!(rows(&v).iter().all(|r| r["part"] == "organisation"), "{v}");
    let days: i64 = rows(&v)
        .iter()
        .map(|r| r["unit_days"].as_i64().unwrap())
        .sum();
    let gaps: i64 = rows(&v)
        .iter()
        .map(|r| r["gap_days"].as_i64().unwrap())
        .sum();
    assert!(days > 0 && gaps <= days, "the demo's units have rules: {v}");
    assert_eq!(v["by"], "week");
    // HR: the organisation with its top units, each unit with its parts;
    // a hidden group shows no figures and no total gives a hidden part away.
    let mut queue = vec![String::new()];
    let (mut seen, mut hidden_seen) = (0, 0);
    while let Some(unit) = queue.pop() {
        seen += 1;
        let q = if unit.is_empty() {
            String::new()
        } else {
            format!("&unit={unit}")
        };
        let r = app
            .get(&format!("/api/v1/stats/coverage?by=month{q}"), Some(&hr))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let v = r.json();
        let mut by_period: HashMap<String, Vec<&Value>> = HashMap::new();
        for r in rows(&v) {
            by_period
                .entry(r["period"].as_str().unwrap().into())
                .or_default()
                .push(r);
            assert!(r["people"].is_i64() && r["suppressed"].is_boolean(), "{r}");
            if r["suppressed"] == true {
                hidden_seen += 1;
                assert!(
                    r["unit_days"].is_null() && r["gap_days"].is_null() && r["share"].is_null(),
                    "{r}"
                );
            } else {
                assert!(
                    r["people"].as_i64().unwrap() >= min || r["people"] == 0,
                    "{r}"
                );
                assert!(
                    r["gap_days"].as_i64().unwrap() <= r["unit_days"].as_i64().unwrap(),
                    "{r}"
                );
            }
        }
        for (period, rs) in by_period {
            if rs[0]["suppressed"] == true {
                continue;
            }
            let hidden: Vec<&&Value> = rs[1..]
                .iter()
                .filter(|r| r["suppressed"] == true && r["people"].as_i64().unwrap() > 0)
                .collect();
            let people: i64 = hidden.iter().map(|r| r["people"].as_i64().unwrap()).sum();
            assert!(
                hidden.is_empty() || (hidden.len() >= 2 && people >= min),
                "{period} of {unit:?}: {} hidden part(s) of {people} people",
                hidden.len()
            );
            // With every part shown, the parts add up to the whole.
            if hidden.is_empty() && rs.len() > 1 {
                let sum: i64 = rs[1..]
                    .iter()
                    .map(|r| r["unit_days"].as_i64().unwrap())
                    .sum();
                assert_eq!(
                    sum,
                    rs[0]["unit_days"].as_i64().unwrap(),
                    "{period} of {unit:?}"
                );
            }
        }
        for r in rows(&v).iter().skip(1) {
            if r["part"] == "total"
                && r["suppressed"] == false
                && r["period"] == rows(&v)[0]["period"]
            {
                queue.push(r["unit"].as_str().unwrap().into());
            }
        }
    }
    assert!(seen > 3, "units were asked");
    assert!(hidden_seen > 0, "the demo has groups under {min}");
    // Bad questions name their field.
    for (q, field) in [
        ("by=day", "by"),
        ("from=2026-13-01", "from"),
        ("unit=x", "unit"),
        ("format=xls", "format"),
        ("from=2025-01-01&to=2026-01-02", "to"),
        ("from=2026-02-01&to=2026-01-01", "to"),
    ] {
        let r = app
            .get(&format!("/api/v1/stats/coverage?{q}"), Some(&hr))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
        assert_eq!(r.json()["error"]["field"], field, "{q}: {}", r.text());
    }
    // CSV in Swedish: `;`, a byte-order mark, Swedish headers, decimal
    // commas, and the hidden rows empty with "ja".
    let r = app
        .get("/api/v1/stats/coverage?by=month&format=csv", Some(&hr))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(r.body.starts_with(b"\xEF\xBB\xBF"));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&r.body[3..]);
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[4], "Dagar med lucka");
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert!(!records.is_empty());
    let mut hidden_rows = 0;
    for rec in &records {
        if &rec[6] == "ja" {
            hidden_rows += 1;
            assert!(
                rec[3].is_empty() && rec[4].is_empty() && rec[5].is_empty(),
                "{rec:?}"
            );
        } else if !rec[5].is_empty() {
            assert!(!rec[5].contains('.'), "decimal commas: {rec:?}");
        }
    }
    assert!(hidden_rows > 0, "hidden rows are in the CSV too");
    // By the Accept header, in English when the person reads English.
    let r = app
        .call(
            Method::PATCH,
            "/api/v1/me",
            Some(&hr),
            Some(json!({"language": "en"})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text());
    let r = super::send(
        &app.router,
        axum::http::Request::builder()
            .uri("/api/v1/stats/coverage?by=month")
            .header(header::COOKIE, &hr)
            .header(header::ACCEPT, "text/csv")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.starts_with(b"\xEF\xBB\xBF"));
    let mut reader = csv::Reader::from_reader(&r.body[..]);
    assert_eq!(&reader.headers().unwrap()[3], "Unit-days with a rule");
    let shares: Vec<f64> = reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| !r[5].is_empty())
        .map(|r| r[5].parse::<f64>().unwrap())
        .collect();
    assert!(
        shares.iter().all(|s| (0.0..=100.0).contains(s)),
        "{shares:?}"
    );
    // The page: the section with its chart, table, CSV link and definition.
    let text = app.get("/statistik", Some(&anna)).await.text();
    assert!(
        text.contains("id=\"gaps-h\"") && text.contains("id=\"stats-gaps\""),
        "{text}"
    );
    assert!(text.contains("/api/v1/stats/coverage?") && text.contains("href=\"#def-gaps\""));
    // Longer than the figure covers: the page says so and shows the rest.
    let r = app
        .get("/statistik?from=2025-01-01&to=2026-01-20", Some(&anna))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.text().contains("id=\"stats-gaps\"") && r.text().contains("id=\"stats-share\""));
}
