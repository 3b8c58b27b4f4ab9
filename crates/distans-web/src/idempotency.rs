//! `Idempotency-Key` on the API's POST requests: a client that sends a
//! request again with the same key (because the first answer never reached
//! it) gets the first answer again, marked `Idempotent-Replayed: true`, and
//! nothing is created twice. Keys are per client (its token or session) and
//! kept for a day; the same key for another request is a 422, and while the
//! first request is still being answered a retry gets 409.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use distans_core::idempotency::rules::{fingerprint, parse_key};
use distans_core::idempotency::{KeptAnswer, KeyState, KeyedRequest};
use distans_core::CoreError;

use crate::error::ApiError;
use crate::input::BODY_LIMIT;
use crate::AppState;

pub const HEADER: &str = "idempotency-key";
pub const REPLAYED: &str = "idempotent-replayed";

/// The middleware: does nothing unless a POST to the API carries the header.
pub async fn answer_once(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST || !req.uri().path().starts_with("/api/v1/") {
        return next.run(req).await;
    }
    let Some(key) = req.headers().get(HEADER) else {
        return next.run(req).await;
    };
    let key = match key
        .to_str()
        .map_err(|_| ())
        .and_then(|k| parse_key(k).map_err(|_| ()))
    {
        Ok(k) => k,
        Err(()) => {
            return ApiError(CoreError::invalid(
                "Idempotency-Key",
                "must be 1 to 255 visible ASCII characters (a UUID, say)",
            ))
            .into_response()
        }
    };
    // Whose key: a hash of the credentials the request is made with.
    let Some(scope) = credentials(&req) else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        return ApiError(CoreError::TooLarge {
            limit_bytes: BODY_LIMIT as u64,
        })
        .into_response();
    };
    let target = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("");
    let keyed = KeyedRequest {
        scope,
        key,
        fingerprint: fingerprint(&[parts.method.as_str().as_bytes(), target.as_bytes(), &bytes]),
    };
    let idem = &state.core.idempotency;
    match idem.begin(&keyed).await {
        Err(e) => ApiError(e).into_response(),
        Ok(KeyState::Answered(a)) => replay(a),
        Ok(KeyState::InProgress) => ApiError(CoreError::Conflict(
            "a request with this Idempotency-Key is still being answered; try again shortly".into(),
        ))
        .into_response(),
        Ok(KeyState::OtherRequest) => ApiError(CoreError::Rule {
            field: Some("Idempotency-Key".into()),
            message: "this key was used for another request; use a new key for a new request"
                .into(),
        })
        .into_response(),
        Ok(KeyState::New) => {
            let resp = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            let (parts, body) = resp.into_parts();
            let body = match to_bytes(body, BODY_LIMIT).await {
                Ok(b) => b,
                Err(e) => {
                    tracing::error!(error = %e, "could not read the answer to keep it");
                    let _ = idem
                        .finish(
                            &keyed,
                            &KeptAnswer {
                                status: 500,
                                content_type: String::new(),
                                body: vec![],
                            },
                        )
                        .await;
                    return StatusCode::INTERNAL_SERVER_ERROR.into_response();
                }
            };
            let answer = KeptAnswer {
                status: parts.status.as_u16(),
                content_type: parts
                    .headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string(),
                body: body.to_vec(),
            };
            if let Err(e) = idem.finish(&keyed, &answer).await {
                tracing::warn!(error = %e, "could not keep the answer for its Idempotency-Key");
            }
            Response::from_parts(parts, Body::from(body))
        }
    }
}

/// The first answer, again.
fn replay(a: KeptAnswer) -> Response {
    let status = StatusCode::from_u16(a.status).unwrap_or(StatusCode::OK);
    let mut resp = (status, a.body).into_response();
    if let Ok(v) = HeaderValue::from_str(&a.content_type) {
        if !a.content_type.is_empty() {
            resp.headers_mut().insert(header::CONTENT_TYPE, v);
        }
    }
    resp.headers_mut()
        .insert(REPLAYED, HeaderValue::from_static("true"));
    resp
}

/// A hash of the request's credentials (its bearer token or session
/// cookie), or none when it has neither.
fn credentials(req: &Request) -> Option<String> {
    let headers = req.headers();
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        return Some(fingerprint(&[b"authorization", auth.as_bytes()]));
    }
    let session = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .find(|c| c.starts_with(&format!("{}=", crate::session::COOKIE)))?;
    Some(fingerprint(&[b"session", session.as_bytes()]))
}
