//! Equipment and redeployment.

use axum::http::{header, Method, StatusCode};
use serde_json::{json, Value};

use super::spawn_app;

/// Who sees which loans through the API, a loan lent and returned, and the
/// redeployment CSV parsed back (a director may use it too).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loans_by_role_and_the_redeployment_csv() {
    let app = spawn_app().await;
    let anna = app.id_of("anna").await;
    let bo = app.id_of("bo").await;
    let chef_id = app.id_of("chef").await;
    let anna_c = app.login("anna").await;
    let chef = app.login("chef").await;
    let hr = app.login("hr").await;
    let direktor = app.login("direktor").await;
    let people = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["person"]["id"].as_str().unwrap().to_string())
            .collect()
    };
    // An employee sees their own, a manager their units', HR everyone's.
    let r = app.get("/api/v1/loans?open=true", Some(&anna_c)).await;
    let own = people(&r.json());
    assert!(!own.is_empty() && own.iter().all(|p| *p == anna), "{own:?}");
    let r = app.get("/api/v1/loans?open=true", Some(&chef)).await;
    let units = people(&r.json());
    assert!(
        units.contains(&anna) && units.contains(&chef_id),
        "{units:?}"
    );
    assert!(!units.contains(&bo));
    let r = app
        .get("/api/v1/loans?open=true&limit=500", Some(&hr))
        .await;
    let all = people(&r.json());
    assert!(all.contains(&anna) && all.contains(&bo));

    // Chef lends a laptop to anna (her agreement: none, basic equipment is fine), then takes it back.
    let item = app
        .get("/api/v1/equipment?kind=laptop&state=available", Some(&chef))
        .await
        .json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .call(
            Method::POST,
            "/api/v1/loans",
            Some(&chef),
            Some(json!({"item": item, "person": anna})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let loan = r.json()["id"].as_str().unwrap().to_string();
    let r = app
        .call(
            Method::POST,
            "/api/v1/loans",
            Some(&hr),
            Some(json!({"item": item, "person": bo})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    let page = app.get(&format!("/personer/{anna}"), Some(&anna_c)).await;
    assert!(page.text().contains("person-loans"));
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/loans/{loan}/return"),
            Some(&chef),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.json()["returned_at"].is_string());
    let r = app
        .get(&format!("/api/v1/equipment/{item}"), Some(&hr))
        .await;
    assert_eq!(r.json()["state"], "available");

    // The redeployment CSV: a header row and one row per match.
    let skill = "reception";
    let r = app
        .get(
            &format!("/api/v1/redeployment?skill={skill}&limit=200"),
            Some(&direktor),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let n = r.json()["items"].as_array().unwrap().len();
    assert!(n > 0);
    let r = app
        .get(
            &format!("/api/v1/redeployment.csv?skill={skill}"),
            Some(&hr),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let body = r
        .body
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap()
        .to_vec();
    // For Swedish Excel: `;`, a BOM, Swedish headers, names first, days in words.
    let mut rd = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(body.as_slice());
    let header_row = rd.headers().unwrap().clone();
    assert_eq!(&header_row[0], "Namn");
    assert_eq!(&header_row[4], "Tillgängliga dagar");
    assert_eq!(&header_row[9], "Person-id");
    assert!(header_row.len() > 10, "a column per workday");
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), n);
    let words = [
        "På arbetsplatsen",
        "Distans",
        "Annan arbetsplats",
        "Frånvarande",
    ];
    for row in &rows {
        assert!(row[2].split(", ").any(|s| s == skill), "{row:?}");
        assert_eq!(row.len(), header_row.len());
        assert!(
            row.iter()
                .skip(10)
                .all(|c| c.is_empty() || words.iter().any(|w| c.starts_with(w))),
            "{row:?}"
        );
    }
    // The page links to it with the same filters.
    let page = app
        .get(&format!("/omplacering?skill={skill}"), Some(&direktor))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("/api/v1/redeployment.csv?"));
    assert!(page.text().contains("skill=reception"));
}
