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
        "/api/v1/people",
        "/api/v1/people/{id}",
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
