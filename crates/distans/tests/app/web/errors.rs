//! The error contract: every error is the API's error shape with the right
//! field and status, however the request goes wrong.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};

use super::{send, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_large_bodies_get_413_in_the_error_shape() {
    let app = spawn_app().await;
    let token = app.token("anna").await;
    let big = vec![b' '; 30 * 1024 * 1024];
    // Said up front, refused before it is read.
    let declared = Request::post("/api/v1/requests")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_LENGTH, big.len())
        .body(Body::from(big.clone()))
        .unwrap();
    // Not said: cut off where it is read.
    let streamed = Request::post("/api/v1/requests")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from_stream(futures_util::stream::iter(
            big.chunks(1024 * 1024)
                .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
                .collect::<Vec<_>>(),
        )))
        .unwrap();
    for req in [declared, streamed] {
        let r = send(&app.router, req).await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
        let e = &r.json()["error"];
        assert_eq!(e["code"], "too_large");
        assert_eq!(e["field"], "body");
    }
    // A page gets a page.
    let r = send(
        &app.router,
        Request::post("/ansokningar/ny")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::CONTENT_LENGTH, 30 * 1024 * 1024)
            .body(Body::from(big))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.text().contains("<html lang=\"sv\">"), "{}", r.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_names_its_children_once() {
    let app = spawn_app().await;
    let hr = app.login("hr").await;
    let units = app.get("/api/v1/units", Some(&hr)).await.json();
    let top = units["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["parent_id"].is_null())
        .unwrap()
        .clone();
    let r = app
        .get(
            &format!("/api/v1/units/{}", top["id"].as_str().unwrap()),
            Some(&hr),
        )
        .await;
    let text = r.text();
    let detail = r.json();
    let below = detail["children"].as_array().unwrap();
    assert_eq!(below.len() as i64, top["children"].as_i64().unwrap());
    // Each child says how many are below it; the unit itself says it once, as the list.
    assert_eq!(
        text.matches("\"children\":").count(),
        below.len() + 1,
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_before_any_policy_has_none() {
    let app = spawn_app().await;
    let anna = app.login("anna").await;
    let r = app.get("/api/v1/policy?on=1999-06-01", Some(&anna)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    assert_eq!(r.json()["error"]["code"], "not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_accessibility_statement_is_for_everyone_and_linked_from_every_page() {
    let app = spawn_app().await;
    let r = app.get("/tillganglighet", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let page = r.text();
    // The headings of DIGG's template, in order.
    let headings = [
        "Tillgänglighetsredogörelse",
        "Hur tillgänglig är tjänsten?",
        "Vad kan du göra om du inte kan använda delar av tjänsten?",
        "Rapportera brister i tjänstens tillgänglighet",
        "Tillsyn",
        "Teknisk information om tjänstens tillgänglighet",
        "Innehåll som inte är tillgängligt",
        "Hur vi testat tjänsten",
    ];
    let at: Vec<usize> = headings
        .iter()
        .map(|h| {
            page.find(&format!(">{h}</h"))
                .unwrap_or_else(|| panic!("{h} missing"))
        })
        .collect();
    assert!(
        at.windows(2).all(|w| w[0] < w[1]),
        "in the template's order"
    );
    let en = app.get("/tillganglighet", Some("lang=en")).await.text();
    assert!(en.contains(">Accessibility statement</h1>"), "{en}");
    let anna = app.login("anna").await;
    for path in ["/", "/plan", "/logga-in"] {
        let cookie = if path == "/logga-in" {
            None
        } else {
            Some(anna.as_str())
        };
        let html = app.get(path, cookie).await.text();
        assert!(html.contains("href=\"/tillganglighet\""), "{path}");
        assert!(html.contains("href=\"/hjalp\""), "help from {path}");
    }
    // Help in plain words, for anyone, and "what happens next" where a
    // process starts.
    let help = app.get("/hjalp", None).await;
    assert_eq!(help.status, StatusCode::OK);
    let help = help.text();
    for h in [
        "Så ansöker du",
        "Vad händer sedan?",
        "Vad överenskommelsen betyder",
    ] {
        assert!(help.contains(&format!(">{h}</h2>")), "{h}");
    }
    let form = app.get("/ansokningar/ny", Some(&anna)).await.text();
    assert!(
        form.contains("<details class=\"help\"><summary>Vad händer sedan?</summary>"),
        "{form}"
    );
    assert!(form.contains("href=\"/hjalp#sedan\""));
}
