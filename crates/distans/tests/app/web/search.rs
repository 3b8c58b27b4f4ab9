//! Search, role by role: everyone finds the units and themselves; a
//! manager their units' people with their agreements and requests; HR
//! everyone — on SQLite and on PostgreSQL. The page says it in words and
//! links each hit to its page.

use axum::http::StatusCode;
use serde_json::Value;
use uuid::Uuid;

use super::{core_on, fresh_postgres, request_body, router, spawn_app, store_at, App};

fn ids(v: &Value, kind: &str) -> Vec<String> {
    v[kind]["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{kind} in {v}"))
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_string())
        .collect()
}

fn people(v: &Value, kind: &str) -> Vec<String> {
    v[kind]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["person"].as_str().unwrap().to_string())
        .collect()
}

async fn search(app: &App, who: &str, query: &str) -> Value {
    let r = app.get(&format!("/api/v1/search?{query}"), Some(who)).await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.text());
    r.json()
}

/// What each role finds of Anna (in chef's unit) and Bo (in bygg's unit).
async fn each_role_finds_what_it_may_see(app: &App) {
    let (anna_id, bo_id) = (app.id_of("anna").await, app.id_of("bo").await);
    let anna = app.login("anna").await;
    let chef = app.login("chef").await;
    let bygg = app.login("bygg").await;
    let hr = app.login("hr").await;
    // Bo applies: a request of his that only he, his managers and HR find.
    let bo = app.login("bo").await;
    let start = app.core.today() + time::Duration::days(40);
    let r = app
        .call(
            axum::http::Method::POST,
            "/api/v1/requests",
            Some(&bo),
            Some(request_body(1, start, None)),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let bo_request = r.json()["id"].as_str().unwrap().to_string();

    // The employee: herself, never a colleague of another unit.
    let v = search(app, &anna, "q=Anna+Lindqvist").await;
    assert_eq!(ids(&v, "people"), vec![anna_id.clone()], "{v}");
    let v = search(app, &anna, "q=Bo+Ek").await;
    assert!(
        ids(&v, "people").is_empty(),
        "an employee does not find Bo: {v}"
    );
    assert!(
        ids(&v, "agreements").is_empty() && ids(&v, "requests").is_empty(),
        "{v}"
    );
    // Her own requests and agreements, and only hers, whatever she types.
    let v = search(app, &anna, "q=Lindqvist&kind=requests&limit=50").await;
    assert!(
        people(&v, "requests").iter().all(|p| p == "Anna Lindqvist"),
        "{v}"
    );
    for q in [
        "q=an&kind=requests&limit=50",
        "q=an&kind=agreements&limit=50",
    ] {
        let v = search(app, &anna, q).await;
        let kind = if q.contains("requests") {
            "requests"
        } else {
            "agreements"
        };
        assert!(
            people(&v, kind).iter().all(|p| p == "Anna Lindqvist"),
            "{q}: {v}"
        );
    }
    // Units are everyone's.
    let v = search(app, &anna, "q=Bygglov").await;
    assert!(!ids(&v, "units").is_empty(), "{v}");

    // A manager: the people of their units, not another unit's.
    let v = search(app, &chef, "q=Anna+Lindqvist").await;
    assert_eq!(ids(&v, "people"), vec![anna_id.clone()], "{v}");
    let v = search(app, &chef, "q=Bo+Ek").await;
    assert!(
        !ids(&v, "people").contains(&bo_id),
        "chef does not manage Bo: {v}"
    );
    assert!(
        people(&v, "requests").is_empty() && people(&v, "agreements").is_empty(),
        "{v}"
    );
    let v = search(app, &bygg, "q=Bo+Ek").await;
    assert!(ids(&v, "people").contains(&bo_id), "bygg manages Bo: {v}");
    assert!(
        ids(&v, "requests").contains(&bo_request),
        "Bo's request: {v}"
    );
    assert!(people(&v, "agreements").iter().all(|p| p == "Bo Ek"), "{v}");
    let v = search(app, &bo, "q=Bo+Ek&kind=requests").await;
    assert!(ids(&v, "requests").contains(&bo_request), "his own: {v}");
    let v = search(app, &chef, "q=Bo+Ek&kind=requests").await;
    assert!(ids(&v, "requests").is_empty(), "not chef's: {v}");
    let v = search(app, &bygg, "q=Anna+Lindqvist").await;
    assert!(!ids(&v, "people").contains(&anna_id), "{v}");

    // HR: everyone, also by employee number.
    let v = search(app, &hr, "q=Bo+Ek").await;
    assert!(ids(&v, "people").contains(&bo_id), "{v}");
    assert!(ids(&v, "requests").contains(&bo_request), "{v}");
    let v = search(app, &hr, "q=an&kind=agreements").await;
    assert!(
        !ids(&v, "agreements").is_empty(),
        "HR finds others' agreements: {v}"
    );
    assert!(
        people(&v, "agreements")
            .iter()
            .any(|p| p != "Anna Lindqvist"),
        "{v}"
    );
    let number = app
        .get(&format!("/api/v1/people/{anna_id}"), Some(&hr))
        .await
        .json()["employee_number"]
        .as_str()
        .unwrap()
        .to_string();
    let v = search(app, &hr, &format!("q={number}&kind=people")).await;
    assert_eq!(ids(&v, "people"), vec![anna_id.clone()], "{v}");
    assert!(v.get("units").is_none(), "only the kind asked for: {v}");

    // Paged: one kind, pages that do not overlap, bounded.
    let p1 = search(app, &hr, "q=an&kind=people&limit=10").await;
    let p2 = search(app, &hr, "q=an&kind=people&limit=10&offset=10").await;
    assert_eq!(ids(&p1, "people").len(), 10);
    assert_eq!(p1["people"]["more"], true, "{p1}");
    assert!(ids(&p2, "people")
        .iter()
        .all(|i| !ids(&p1, "people").contains(i)));
    let all = search(app, &hr, "q=an").await;
    assert_eq!(ids(&all, "people").len(), 5, "a first look: five of each");
    for bad in [
        "q=a",
        "q=an&kind=salaries",
        "q=an&limit=51&kind=people",
        "q=an&offset=5",
    ] {
        let r = app.get(&format!("/api/v1/search?{bad}"), Some(&hr)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.text());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_only_what_each_role_may_see_on_sqlite() {
    each_role_finds_what_it_may_see(&spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_only_what_each_role_may_see_on_postgres() {
    let Some((url, admin, name)) = fresh_postgres("distans_search").await else {
        return;
    };
    {
        let store = store_at(&url).await;
        let core = core_on(store.clone()).await;
        core.demo.load_demo(300).await.unwrap();
        let app = App {
            router: router(core.clone(), None),
            core,
            store,
            url: url.clone(),
            _dir: None,
        };
        each_role_finds_what_it_may_see(&app).await;
    }
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_search_page_groups_hits_in_words_with_links() {
    let app = spawn_app().await;
    let bo_id = app.id_of("bo").await;
    let hr = app.login("hr").await;
    let anna = app.login("anna").await;

    // Every page has the search box in the header.
    let start = app.get("/", Some(&anna)).await.text();
    assert!(start.contains(r#"role="search""#) && start.contains(r#"action="/sok""#));

    let page = app.get("/sok?q=Bo+Ek", Some(&hr)).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(
        html.contains(&format!(r#"href="/personer/{bo_id}""#)),
        "{html}"
    );
    assert!(
        html.contains("<h2 id=\"search-h-people\">Personer"),
        "{html}"
    );
    assert!(html.contains("<h2 id=\"search-h-units\">Enheter"), "{html}");
    // States in words, never the stored codes; ids only in links.
    assert!(!html.contains("awaiting_signatures") && !html.contains(">active"));
    let visible: String = html
        .split('<')
        .map(|part| part.split_once('>').map(|(_, t)| t).unwrap_or(""))
        .collect();
    assert!(
        !visible.split_whitespace().any(|w| Uuid::parse_str(
            w.trim_matches(|c: char| !c.is_ascii_hexdigit() && c != '-')
        )
        .is_ok()),
        "no ids in the text"
    );

    // Anna finds no Bo on the page either, and is told so in words.
    let html = app.get("/sok?q=Bo+Ek", Some(&anna)).await.text();
    assert!(!html.contains(&format!("/personer/{bo_id}")));
    assert!(html.contains("Inget hittades för ”Bo Ek”"), "{html}");

    // Too short: the form again with the error at the field.
    let r = app.get("/sok?q=B", Some(&hr)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("Skriv minst två"), "{}", r.text());

    // One kind, paged by links that keep the words.
    let html = app.get("/sok?q=an&kind=people", Some(&hr)).await.text();
    assert!(html.contains("sida=2"), "a next page: {html}");
    let next = app
        .get("/sok?q=an&kind=people&sida=2", Some(&hr))
        .await
        .text();
    assert!(next.contains("rel=\"prev\""), "{next}");

    // English too.
    let r = app
        .call(
            axum::http::Method::PATCH,
            "/api/v1/me",
            Some(&hr),
            Some(serde_json::json!({"language": "en"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = app.get("/sok?q=Bo+Ek", Some(&hr)).await.text();
    assert!(html.contains("<h2 id=\"search-h-people\">People"), "{html}");
}
