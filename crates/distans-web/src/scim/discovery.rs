//! What the server supports (RFC 7643 §5–7): the service provider's
//! configuration, the schemas of the attributes the product keeps, and
//! the resource types.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use distans_core::scim::rules::{ENTERPRISE, GROUP, LIST, USER};
use distans_core::CoreError;
use serde_json::{json, Value};

use super::{base, scim, ScimClient, ScimError, ScimResult};
use crate::AppState;

fn attr(
    name: &str,
    kind: &str,
    multi: bool,
    required: bool,
    mutability: &str,
    sub: Vec<Value>,
) -> Value {
    let mut a = json!({
        "name": name, "type": kind, "multiValued": multi, "required": required,
        "caseExact": false, "mutability": mutability, "returned": "default", "uniqueness": "none",
        "description": name,
    });
    if !sub.is_empty() {
        a["subAttributes"] = Value::Array(sub);
    }
    a
}

fn s(name: &str) -> Value {
    attr(name, "string", false, false, "readWrite", vec![])
}

fn schema_list(base: &str) -> Vec<Value> {
    let mut user_name = attr("userName", "string", false, true, "readWrite", vec![]);
    user_name["uniqueness"] = json!("server");
    let mut members_value = s("value");
    members_value["mutability"] = json!("immutable");
    let mut display = s("display");
    display["mutability"] = json!("readOnly");
    let mut users = vec![
        json!({"id": USER, "name": "User", "description": "A person",
        "attributes": [
            user_name,
            attr("name", "complex", false, false, "readWrite", vec![s("givenName"), s("familyName")]),
            attr("emails", "complex", true, false, "readWrite", vec![s("value"), s("type"), attr("primary", "boolean", false, false, "readWrite", vec![])]),
            // Every person is active or not: a user written without it is active.
            attr("active", "boolean", false, true, "readWrite", vec![]),
        ]}),
        json!({"id": ENTERPRISE, "name": "EnterpriseUser", "description": "Enterprise user",
        "attributes": [
            s("employeeNumber"),
            s("department"),
            attr("manager", "complex", false, false, "readWrite", vec![s("value")]),
        ]}),
        json!({"id": GROUP, "name": "Group", "description": "A group; some grant roles",
        "attributes": [
            attr("displayName", "string", false, true, "readWrite", vec![]),
            attr("members", "complex", true, false, "readWrite", vec![members_value, display]),
        ]}),
    ];
    for sc in &mut users {
        let id = sc["id"].as_str().unwrap_or("").to_string();
        sc["schemas"] = json!(["urn:ietf:params:scim:schemas:core:2.0:Schema"]);
        sc["meta"] = json!({"resourceType": "Schema", "location": format!("{base}/Schemas/{id}")});
    }
    users
}

fn resource_type_list(base: &str) -> Vec<Value> {
    vec![
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"], "id": "User", "name": "User",
            "endpoint": "/Users", "description": "People", "schema": USER,
            "schemaExtensions": [{"schema": ENTERPRISE, "required": false}],
            "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/User")}}),
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"], "id": "Group", "name": "Group",
            "endpoint": "/Groups", "description": "Groups", "schema": GROUP,
            "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/Group")}}),
    ]
}

fn list(items: Vec<Value>) -> Response {
    scim(
        StatusCode::OK,
        json!({"schemas": [LIST], "totalResults": items.len(), "startIndex": 1, "itemsPerPage": items.len(), "Resources": items}),
    )
}

pub(super) async fn service_provider_config(
    State(st): State<AppState>,
    ScimClient(_): ScimClient,
) -> Response {
    scim(
        StatusCode::OK,
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "documentationUri": "https://github.com/distans/distans/blob/main/docs/identity.md",
            "patch": {"supported": true},
            "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
            "filter": {"supported": true, "maxResults": distans_core::scim::service::MAX_COUNT},
            "changePassword": {"supported": false},
            "sort": {"supported": false},
            "etag": {"supported": true},
            "authenticationSchemes": [{"type": "oauthbearertoken", "name": "Bearer token",
                "description": "A token from `distans scim-token create`", "primary": true}],
            "meta": {"resourceType": "ServiceProviderConfig", "location": format!("{}/ServiceProviderConfig", base(&st))},
        }),
    )
}

pub(super) async fn schemas(State(st): State<AppState>, ScimClient(_): ScimClient) -> Response {
    list(schema_list(&base(&st)))
}

pub(super) async fn schema(
    State(st): State<AppState>,
    ScimClient(_): ScimClient,
    Path(id): Path<String>,
) -> ScimResult<Response> {
    schema_list(&base(&st))
        .into_iter()
        .find(|s| s["id"] == json!(id))
        .map(|s| scim(StatusCode::OK, s))
        .ok_or(ScimError(CoreError::NotFound("schema")))
}

pub(super) async fn resource_types(
    State(st): State<AppState>,
    ScimClient(_): ScimClient,
) -> Response {
    list(resource_type_list(&base(&st)))
}

pub(super) async fn resource_type(
    State(st): State<AppState>,
    ScimClient(_): ScimClient,
    Path(id): Path<String>,
) -> ScimResult<Response> {
    resource_type_list(&base(&st))
        .into_iter()
        .find(|s| s["id"] == json!(id))
        .map(|s| scim(StatusCode::OK, s))
        .ok_or(ScimError(CoreError::NotFound("resource type")))
}
