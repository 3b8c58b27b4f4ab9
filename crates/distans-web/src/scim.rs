//! SCIM 2.0 (RFC 7644) at `/scim/v2`: a provisioning client, with a token
//! from `distans scim-token create`, keeps people and groups. Answers are
//! `application/scim+json`; errors have SCIM's own shape.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use distans_core::kernel::Actor;
use distans_core::scim::model::{Listed, ScimChange, ScimKind, ScimRef, Window};
use distans_core::scim::rules::{self, LIST};
use distans_core::scim::service::MAX_COUNT;
use distans_core::CoreError;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::error::{log_internal, status_of};
use crate::AppState;

mod discovery;

const CONTENT_TYPE: &str = "application/scim+json";
const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// A core error as SCIM tells it.
pub struct ScimError(pub CoreError);

impl From<CoreError> for ScimError {
    fn from(e: CoreError) -> Self {
        ScimError(e)
    }
}

impl IntoResponse for ScimError {
    fn into_response(self) -> Response {
        let e = &self.0;
        let (status, scim_type) = match e {
            CoreError::Invalid { field, .. } => (
                StatusCode::BAD_REQUEST,
                Some(match field.as_str() {
                    "filter" => "invalidFilter",
                    "path" => "invalidPath",
                    "body" | "Operations" | "op" => "invalidSyntax",
                    _ => "invalidValue",
                }),
            ),
            CoreError::Conflict(m) if m.contains("meanwhile") => {
                (StatusCode::PRECONDITION_FAILED, None)
            }
            CoreError::Conflict(_) => (StatusCode::CONFLICT, Some("uniqueness")),
            CoreError::Rule { .. } => (StatusCode::BAD_REQUEST, Some("invalidValue")),
            other => (status_of(other), None),
        };
        let detail = match e {
            CoreError::Internal(_) => {
                let id = log_internal(e, None);
                format!("something went wrong on our side (error id {id})")
            }
            CoreError::Invalid { field, message } if !message.contains(field.as_str()) => {
                format!("{field}: {message}")
            }
            other => other.to_string(),
        };
        let mut body =
            json!({"schemas": [ERROR], "status": status.as_u16().to_string(), "detail": detail});
        if let Some(t) = scim_type {
            body["scimType"] = json!(t);
        }
        let mut resp = scim(status, body);
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        resp
    }
}

type ScimResult<T> = Result<T, ScimError>;

fn scim(status: StatusCode, body: Value) -> Response {
    let mut r = (status, body.to_string()).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    r
}

/// A resource, with its version as the ETag.
fn resource(status: StatusCode, body: Value) -> Response {
    let etag = body["meta"]["version"].as_str().map(str::to_string);
    let location = body["meta"]["location"].as_str().map(str::to_string);
    let mut r = scim(status, body);
    if let Some(v) = etag.and_then(|e| HeaderValue::from_str(&e).ok()) {
        r.headers_mut().insert(header::ETAG, v);
    }
    if status == StatusCode::CREATED {
        if let Some(v) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
            r.headers_mut().insert(header::LOCATION, v);
        }
    }
    r
}

/// The provisioning client behind the bearer token; 401 without a live one.
pub struct ScimClient(pub Actor);

impl FromRequestParts<AppState> for ScimClient {
    type Rejection = ScimError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ScimError> {
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim);
        match secret {
            Some(s) => match state.core.scim.client(s).await? {
                Some(a) => Ok(ScimClient(a)),
                None => Err(ScimError(CoreError::Unauthenticated)),
            },
            None => Err(ScimError(CoreError::Unauthenticated)),
        }
    }
}

/// A JSON body, sent as `application/scim+json` or `application/json`.
fn body(headers: &HeaderMap, bytes: &Bytes) -> ScimResult<Value> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !(ct.starts_with(CONTENT_TYPE) || ct.starts_with("application/json")) {
        return Err(ScimError(CoreError::invalid(
            "body",
            "send the body as application/scim+json or application/json",
        )));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        ScimError(CoreError::invalid(
            "body",
            format!("is not valid JSON ({e})"),
        ))
    })
}

/// A request's body as SCIM JSON (see `body`).
struct ScimBody(Value);

impl FromRequest<AppState> for ScimBody {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let headers = req.headers().clone();
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        body(&headers, &bytes)
            .map(ScimBody)
            .map_err(IntoResponse::into_response)
    }
}

/// The version an `If-Match` header asks for.
fn if_match(headers: &HeaderMap) -> Option<i64> {
    let v = headers.get(header::IF_MATCH)?.to_str().ok()?.trim();
    v.trim_start_matches("W/").trim_matches('"').parse().ok()
}

fn base(state: &AppState) -> String {
    format!("{}/scim/v2", state.config.public_url)
}

/// The user or group of `kind` a path names (none such when it is not an
/// id).
fn id_of(s: &str, kind: ScimKind) -> ScimResult<ScimRef> {
    s.parse::<Uuid>()
        .map(|id| kind.at(id))
        .map_err(|_| ScimError(CoreError::NotFound(kind.what())))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    filter: Option<String>,
    start_index: Option<i64>,
    count: Option<i64>,
    attributes: Option<String>,
    excluded_attributes: Option<String>,
}

/// Keeps only the asked-for attributes of a resource (`attributes`), or
/// drops those asked to be left out (`excludedAttributes`); `id`,
/// `schemas` and `meta` always stay. A sub-attribute (`name.givenName`,
/// `urn:…:User:department`) keeps or drops the attribute it is part of.
fn project(mut doc: Value, q: &ListQuery) -> Value {
    let names = |s: &Option<String>| -> Vec<String> {
        s.as_deref()
            .unwrap_or("")
            .split(',')
            .map(|a| a.trim().to_ascii_lowercase())
            .filter(|a| !a.is_empty())
            .collect()
    };
    // Does the attribute path `a` name the top-level attribute `k`?
    let names_key = |a: &str, k: &str| {
        a == k
            || a.strip_prefix(k)
                .is_some_and(|r| r.starts_with('.') || r.starts_with(':'))
    };
    let keep = names(&q.attributes);
    let drop = names(&q.excluded_attributes);
    if let Some(o) = doc.as_object_mut() {
        o.retain(|k, _| {
            let k = k.to_ascii_lowercase();
            matches!(k.as_str(), "id" | "schemas" | "meta")
                || ((keep.is_empty() || keep.iter().any(|a| names_key(a, &k)))
                    && !drop.contains(&k))
        });
    }
    doc
}

fn listed(l: Listed, q: &ListQuery) -> Response {
    let items: Vec<Value> = l.resources.into_iter().map(|d| project(d, q)).collect();
    scim(
        StatusCode::OK,
        json!({
            "schemas": [LIST],
            "totalResults": l.total,
            "startIndex": l.start_index,
            "itemsPerPage": items.len(),
            "Resources": items,
        }),
    )
}

fn window(q: &ListQuery) -> Window {
    rules::window(q.start_index, q.count, 100, MAX_COUNT)
}

/// Users or groups, for the handlers both share.
trait Resource: Send + Sync + 'static {
    const KIND: ScimKind;
}

struct Users;
struct Groups;

impl Resource for Users {
    const KIND: ScimKind = ScimKind::Users;
}

impl Resource for Groups {
    const KIND: ScimKind = ScimKind::Groups;
}

async fn list<R: Resource>(
    State(s): State<AppState>,
    ScimClient(a): ScimClient,
    Query(q): Query<ListQuery>,
) -> ScimResult<Response> {
    let (filter, w) = (q.filter.as_deref(), window(&q));
    let l = s.core.scim.list(&a, R::KIND, filter, w, &base(&s)).await?;
    Ok(listed(l, &q))
}

/// The query of a `POST …/.search` (RFC 7644 §3.4.3).
fn search_query(doc: &Value) -> ScimResult<ListQuery> {
    use distans_core::scim::filter::get_ci;
    let list = |k: &str| -> Option<String> {
        match get_ci(doc, k) {
            Some(Value::Array(a)) => Some(
                a.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        }
    };
    let number = |k: &str| -> ScimResult<Option<i64>> {
        match get_ci(doc, k) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| ScimError(CoreError::invalid(k, format!("{k} must be a number")))),
        }
    };
    Ok(ListQuery {
        filter: get_ci(doc, "filter")
            .and_then(Value::as_str)
            .map(str::to_string),
        start_index: number("startIndex")?,
        count: number("count")?,
        attributes: list("attributes"),
        excluded_attributes: list("excludedAttributes"),
    })
}

async fn search<R: Resource>(
    State(s): State<AppState>,
    ScimClient(a): ScimClient,
    ScimBody(doc): ScimBody,
) -> ScimResult<Response> {
    let q = search_query(&doc)?;
    let (filter, w) = (q.filter.as_deref(), window(&q));
    let l = s.core.scim.list(&a, R::KIND, filter, w, &base(&s)).await?;
    Ok(listed(l, &q))
}

async fn create<R: Resource>(
    State(s): State<AppState>,
    ScimClient(a): ScimClient,
    ScimBody(doc): ScimBody,
) -> ScimResult<Response> {
    let r = s.core.scim.create(&a, R::KIND, &doc, &base(&s)).await?;
    Ok(resource(StatusCode::CREATED, r))
}

async fn get_one<R: Resource>(
    State(s): State<AppState>,
    ScimClient(a): ScimClient,
    Path(id): Path<String>,
    Query(q): Query<ListQuery>,
) -> ScimResult<Response> {
    let r = s.core.scim.get(&a, id_of(&id, R::KIND)?, &base(&s)).await?;
    Ok(resource(StatusCode::OK, project(r, &q)))
}

/// PUT replaces a user or group, PATCH applies operations to it.
async fn change<R: Resource>(
    State(s): State<AppState>,
    ScimClient(a): ScimClient,
    Path(id): Path<String>,
    method: Method,
    headers: HeaderMap,
    bytes: Bytes,
) -> ScimResult<Response> {
    let id = id_of(&id, R::KIND)?;
    let doc = body(&headers, &bytes)?;
    let change = if method == Method::PATCH {
        ScimChange::Patch(&doc)
    } else {
        ScimChange::Replace(&doc)
    };
    let m = if_match(&headers);
    let r = s.core.scim.change(&a, id, change, m, &base(&s)).await?;
    Ok(resource(StatusCode::OK, r))
}

async fn delete<R: Resource>(
    State(s): State<AppState>,
    ScimClient(a): ScimClient,
    Path(id): Path<String>,
) -> ScimResult<StatusCode> {
    s.core.scim.delete(&a, id_of(&id, R::KIND)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Searching users and groups at once is not supported (501): search each.
async fn search_all(ScimClient(_): ScimClient) -> Response {
    scim(
        StatusCode::NOT_IMPLEMENTED,
        json!({"schemas": [ERROR], "status": "501",
            "detail": "search /Users/.search and /Groups/.search one at a time"}),
    )
}

async fn unknown(ScimClient(_): ScimClient) -> ScimError {
    ScimError(CoreError::NotFound("resource"))
}

/// The routes under `/scim/v2`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/scim/v2/Users", get(list::<Users>).post(create::<Users>))
        .route(
            "/scim/v2/Users/{id}",
            get(get_one::<Users>)
                .put(change::<Users>)
                .patch(change::<Users>)
                .delete(delete::<Users>),
        )
        .route("/scim/v2/.search", axum::routing::post(search_all))
        .route(
            "/scim/v2/Users/.search",
            axum::routing::post(search::<Users>),
        )
        .route(
            "/scim/v2/Groups",
            get(list::<Groups>).post(create::<Groups>),
        )
        .route(
            "/scim/v2/Groups/.search",
            axum::routing::post(search::<Groups>),
        )
        .route(
            "/scim/v2/Groups/{id}",
            get(get_one::<Groups>)
                .put(change::<Groups>)
                .patch(change::<Groups>)
                .delete(delete::<Groups>),
        )
        .route(
            "/scim/v2/ServiceProviderConfig",
            get(discovery::service_provider_config),
        )
        .route("/scim/v2/Schemas", get(discovery::schemas))
        .route("/scim/v2/Schemas/{id}", get(discovery::schema))
        .route("/scim/v2/ResourceTypes", get(discovery::resource_types))
        .route("/scim/v2/ResourceTypes/{id}", get(discovery::resource_type))
        .route("/scim/v2/{*rest}", axum::routing::any(unknown))
}
