//! The OpenAPI document of the API.

use super::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_document_describes_the_api() {
    let app = spawn_app().await;
    let doc = app.get("/api/openapi.json", None).await.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/healthz",
        "/api/v1/login",
        "/api/v1/logout",
        "/api/v1/me",
        "/api/v1/me/tokens",
        "/api/v1/units",
        "/api/v1/units/{id}",
        "/api/v1/units/{id}/close",
        "/api/v1/sites",
        "/api/v1/sites/{id}",
        "/api/v1/people",
        "/api/v1/people/{id}",
        "/api/v1/people/{id}/deactivate",
        "/api/v1/people/{id}/reactivate",
        "/api/v1/audit",
    ] {
        assert!(
            paths.contains_key(p),
            "{p} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["securitySchemes"]["token"].is_object());
    assert!(doc["components"]["schemas"]["MeView"].is_object());
}

/// Every `$ref` in a part of the document.
fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(|r| r.as_str()) {
                out.push(r.to_string());
            }
            m.values().for_each(|v| refs(v, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// Each operation answers with a success, and a JSON success names its
/// schema; every schema named anywhere is one of the document's.
#[test]
fn every_operation_describes_its_success() {
    let doc = serde_json::to_value(distans_web::openapi()).unwrap();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let responses = op["responses"].as_object().unwrap();
            let success: Vec<_> = responses
                .iter()
                .filter(|(status, _)| status.starts_with('2'))
                .collect();
            assert!(!success.is_empty(), "{method} {path} has no 2xx answer");
            for (status, answer) in success {
                if status == "204" {
                    continue;
                }
                let content = answer["content"].as_object();
                assert!(
                    content.is_some_and(|c| !c.is_empty()),
                    "{method} {path} {status} describes no body"
                );
                if let Some(json) = content.and_then(|c| c.get("application/json")) {
                    assert!(
                        json["schema"].is_object(),
                        "{method} {path} {status} names no schema"
                    );
                }
            }
        }
    }
    assert!(operations > 80, "only {operations} operations");
    let mut named = vec![];
    refs(&doc, &mut named);
    for r in named {
        let name = r.trim_start_matches("#/components/schemas/");
        assert!(schemas.contains_key(name), "{r} is not in the document");
    }
}

/// Every date the API takes or gives is described as `format: date`: the
/// request bodies' and query strings' dates (strings checked by the
/// server), and the dates it answers with.
#[test]
fn dates_are_described_as_dates() {
    let doc = serde_json::to_value(distans_web::openapi()).unwrap();
    let names = [
        "date",
        "from",
        "to",
        "start",
        "end",
        "first_day",
        "last_day",
        "valid_from",
        "due",
        "due_before",
        "on",
        "ends_on",
    ];
    let is_string = |s: &serde_json::Value| {
        s["type"] == "string"
            || s["type"]
                .as_array()
                .is_some_and(|t| t.iter().any(|x| x == "string"))
    };
    let mut checked = vec![];
    for (schema, body) in doc["components"]["schemas"].as_object().unwrap() {
        let Some(props) = body["properties"].as_object() else {
            continue;
        };
        for (name, p) in props {
            if names.contains(&name.as_str()) && is_string(p) {
                assert_eq!(p["format"], "date", "{schema}.{name}: {p}");
                checked.push(format!("{schema}.{name}"));
            }
        }
    }
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                // The audit log's `from` is a date or a time.
                if p["in"] != "query" || !names.contains(&name) || path == "/api/v1/audit" {
                    continue;
                }
                assert_eq!(p["schema"]["format"], "date", "{method} {path} ?{name}");
                checked.push(format!("{method} {path} ?{name}"));
            }
        }
    }
    for must in [
        "AbsenceBody.first_day",
        "RequestInput.start",
        "PlanDay.date",
        "Absence.last_day",
        "get /api/v1/plan ?from",
        "get /api/v1/coverage ?to",
        "get /api/v1/redeployment ?from",
    ] {
        assert!(checked.iter().any(|c| c == must), "{must} in {checked:?}");
    }
}

#[test]
fn every_operation_documents_the_errors_it_can_give() {
    let doc = serde_json::to_value(distans_web::openapi()).unwrap();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.starts_with("/api/v1/") {
            continue;
        }
        for (method, op) in item.as_object().unwrap() {
            let statuses = op["responses"].as_object().unwrap();
            let mut must = vec!["400", "403", "404", "503"];
            if path != "/api/v1/login" {
                must.push("401");
            }
            if method != "get" {
                must.extend(["409", "413", "422"]);
            }
            for s in must {
                assert!(
                    statuses.contains_key(s),
                    "{method} {path} does not document {s}"
                );
                let body = &statuses[s]["content"]["application/json"]["schema"];
                assert!(body.is_object(), "{method} {path} {s} has no body: {op}");
            }
            checked += 1;
        }
    }
    assert!(checked > 60, "{checked}");
}

/// Each route's body is described as the route reads it: two bodies of the
/// same Rust name must not share one schema.
#[test]
fn request_bodies_are_the_ones_the_routes_take() {
    let doc = serde_json::to_value(distans_web::openapi()).unwrap();
    let body_of = |path: &str| {
        let r = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
            ["$ref"]
            .as_str()
            .unwrap_or_else(|| panic!("{path} has no body"))
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        doc["components"]["schemas"][&r]["properties"].clone()
    };
    assert!(body_of("/api/v1/deviations/{id}/close")["action"].is_object());
    let action = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .find(|p| p.starts_with("/api/v1/actions/") && p.ends_with("/close"))
        .expect("closing an action")
        .clone();
    assert!(body_of(&action)["note"].is_object());
}
