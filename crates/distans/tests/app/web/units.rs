//! The organisation edited in the pages: a unit moved after a check of
//! what moves with it, a unit added and closed, a site changed.

use axum::http::{header, StatusCode};

use super::{csrf_of, form, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hr_moves_adds_and_closes_units_and_changes_a_site() {
    let app = spawn_app().await;
    let hr = app.login("hr").await;
    let chef = app.login("chef").await;
    let me = app.get("/api/v1/me", Some(&chef)).await.json();
    let kc = me["manages"][0].as_str().unwrap().to_string();
    let unit = app
        .get(&format!("/api/v1/units/{kc}"), Some(&hr))
        .await
        .json();
    let top = unit["ancestors"][0]["id"].as_str().unwrap().to_string();

    // The unit's page offers HR the form; the form lists where it may go.
    let page = app.get(&format!("/enheter/{kc}"), Some(&hr)).await.text();
    assert!(page.contains(&format!("/enheter/{kc}/andra")), "{page}");
    let page = app.get(&format!("/enheter/{kc}"), Some(&chef)).await.text();
    assert!(!page.contains("/andra"), "a manager is not offered it");
    let page = app
        .get(&format!("/enheter/{kc}/andra"), Some(&hr))
        .await
        .text();
    let csrf = csrf_of(&page);
    assert!(page.contains(&format!("value=\"{top}\"")), "{page}");

    // A new unit below the top; then move Kontaktcenter under it: first
    // the check, then the move.
    let r = form(
        &app.router,
        &format!("/enheter/{top}/ny"),
        Some(&hr),
        &[("csrf", &csrf), ("name", "Medborgarservice")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let new_unit = r
        .headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .trim_start_matches("/enheter/")
        .to_string();
    let version = unit["version"].as_i64().unwrap().to_string();
    let name = unit["name"].as_str().unwrap().to_string();
    let manager = unit["manager"]["id"].as_str().unwrap().to_string();
    let fields = [
        ("csrf", csrf.as_str()),
        ("name", name.as_str()),
        ("parent_id", new_unit.as_str()),
        ("manager", manager.as_str()),
        ("deputy", ""),
        ("site_id", ""),
        ("version", version.as_str()),
    ];
    let path = format!("/enheter/{kc}/andra");
    let r = form(&app.router, &path, Some(&hr), &fields).await;
    assert_eq!(r.status, StatusCode::OK);
    let check = r.text();
    assert!(check.contains("Kontrollera flytten"), "{check}");
    assert!(check.contains("Medborgarservice"), "{check}");
    let mut confirmed = fields.to_vec();
    confirmed.push(("confirm", "1"));
    let r = form(&app.router, &path, Some(&hr), &confirmed).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let moved = app
        .get(&format!("/api/v1/units/{kc}"), Some(&hr))
        .await
        .json();
    assert_eq!(moved["parent_id"], new_unit.as_str());
    // The unit's page tells the move in words.
    let page = app.get(&format!("/enheter/{kc}"), Some(&hr)).await.text();
    assert!(page.contains("Enheten ändrades"), "{page}");
    assert!(page.contains("till Medborgarservice"), "{page}");
    // The manager keeps managing it; the same change again is stale.
    let me = app.get("/api/v1/me", Some(&chef)).await.json();
    assert_eq!(me["manages"][0], kc.as_str());
    let r = form(&app.router, &path, Some(&hr), &confirmed).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.text().contains("Någon annan har ändrat enheten"),
        "{}",
        r.text()
    );

    // An empty unit closes, and leaves the tree.
    let r = form(
        &app.router,
        &format!("/enheter/{top}/ny"),
        Some(&hr),
        &[("csrf", &csrf), ("name", "Tillfällig")],
    )
    .await;
    let temp = r
        .headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .trim_start_matches("/enheter/")
        .to_string();
    let r = form(
        &app.router,
        &format!("/enheter/{temp}/stang"),
        Some(&hr),
        &[("csrf", &csrf), ("version", "1")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = app.get(&format!("/enheter/{temp}"), Some(&hr)).await.text();
    assert!(page.contains("Enheten stängdes"), "{page}");
    let units = app.get("/api/v1/units?limit=500", Some(&hr)).await.json();
    assert!(!units["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["id"] == temp.as_str()));

    // A site's desks changed on the sites page.
    let sites = app.get("/api/v1/sites", Some(&hr)).await.json();
    let s = &sites[0];
    let (id, v) = (
        s["id"].as_str().unwrap(),
        s["version"].as_i64().unwrap().to_string(),
    );
    let page = app.get("/arbetsplatser", Some(&hr)).await.text();
    assert!(page.contains("Hantera arbetsplatser"), "{page}");
    let fields = [
        ("csrf", csrf.as_str()),
        ("id", id),
        ("version", v.as_str()),
        ("name", s["name"].as_str().unwrap()),
        ("address", s["address"].as_str().unwrap()),
        ("desks", "77"),
    ];
    let r = form(&app.router, "/arbetsplatser/spara", Some(&hr), &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let sites = app.get("/api/v1/sites", Some(&hr)).await.json();
    let s = sites
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id)
        .unwrap();
    assert_eq!(s["desks"], 77);
}
