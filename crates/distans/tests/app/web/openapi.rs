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
