//! Extractors that turn malformed input into the API's error shape.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use distans_core::CoreError;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::error::ApiError;

/// A JSON body; a malformed one is a 400 naming what is wrong.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(ApiError(json_error(e))),
        }
    }
}

fn json_error(e: JsonRejection) -> CoreError {
    match e {
        JsonRejection::MissingJsonContentType(_) => {
            CoreError::invalid("body", "send the body as Content-Type: application/json")
        }
        JsonRejection::JsonDataError(d) => {
            // serde's message names the field: "missing field `x`" or "x: invalid type".
            let text = d.body_text();
            let detail = text
                .split_once(": ")
                .map(|(_, r)| r)
                .unwrap_or(&text)
                .to_string();
            let field = detail
                .split_once('`')
                .and_then(|(_, r)| r.split_once('`'))
                .map(|(f, _)| f.to_string())
                .or_else(|| detail.split_once(": ").map(|(f, _)| f.to_string()))
                .unwrap_or_else(|| "body".into());
            CoreError::invalid(field, detail)
        }
        JsonRejection::JsonSyntaxError(s) => {
            CoreError::invalid("body", format!("is not valid JSON ({})", s.body_text()))
        }
        other => CoreError::invalid("body", other.body_text()),
    }
}

/// Query parameters; a malformed one is a 400 naming it.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                let text = e.body_text();
                let detail = text
                    .strip_prefix("Failed to deserialize query string: ")
                    .unwrap_or(&text)
                    .to_string();
                let field = detail
                    .split_once(": ")
                    .map(|(f, _)| f.to_string())
                    .unwrap_or_else(|| "query".into());
                Err(ApiError(CoreError::invalid(field, detail)))
            }
            Err(e) => Err(ApiError(CoreError::invalid("query", e.body_text()))),
        }
    }
}

/// An id in the path. Anything that is not an id is simply not found.
pub struct IdPath(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(s)) => Uuid::parse_str(&s)
                .map(IdPath)
                .map_err(|_| ApiError(CoreError::NotFound("resource"))),
            Err(_) => Err(ApiError(CoreError::NotFound("resource"))),
        }
    }
}

/// Parses an optional id given in a query parameter.
pub fn query_id(field: &str, v: Option<&str>) -> Result<Option<Uuid>, ApiError> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Uuid::parse_str(s)
            .map(Some)
            .map_err(|_| ApiError(CoreError::invalid(field, format!("\"{s}\" is not an id")))),
        None => Ok(None),
    }
}
