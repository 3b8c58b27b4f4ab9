//! Extractors that turn malformed input into the API's error shape.

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use distans_core::kernel::dates::{parse_date, plus_days_clamped, DateRange};
use distans_core::CoreError;
use serde::de::DeserializeOwned;
use serde_json::Value;
use time::Date;
use uuid::Uuid;

use crate::error::ApiError;

/// A JSON body; a malformed one is a 400 naming what is wrong: the field
/// (as a path, `items[2].note`) whose value has the wrong type or holds a
/// control character, or the body itself.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !crate::auth::is_json_headers(req.headers()) {
            return Err(ApiError(CoreError::invalid(
                "body",
                "send the body as Content-Type: application/json",
            )));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            ApiError(match e.status() {
                axum::http::StatusCode::PAYLOAD_TOO_LARGE => CoreError::TooLarge {
                    limit_bytes: crate::input::BODY_LIMIT as u64,
                },
                _ => CoreError::invalid("body", e.body_text()),
            })
        })?;
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
            ApiError(CoreError::invalid(
                "body",
                format!("is not valid JSON ({e})"),
            ))
        })?;
        if let Some(field) = control_character_in(&value, String::new()) {
            return Err(ApiError(CoreError::invalid(
                field,
                "must not contain control characters",
            )));
        }
        serde_path_to_error::deserialize(value)
            .map(ApiJson)
            .map_err(|e| ApiError(data_error(&e)))
    }
}

/// A value of the wrong shape: the field is its path; at the top level
/// (a missing field), the field the message names.
fn data_error(e: &serde_path_to_error::Error<serde_json::Error>) -> CoreError {
    let message = e.inner().to_string();
    let path = e.path().to_string();
    if path != "." {
        return CoreError::invalid(path.clone(), format!("{path}: {message}"));
    }
    let field = message
        .split_once('`')
        .and_then(|(_, r)| r.split_once('`'))
        .map(|(f, _)| f.to_string())
        .unwrap_or_else(|| "body".into());
    CoreError::invalid(field, message)
}

/// The path of the first string (or key) holding a control character other
/// than a tab or a line break, if any.
fn control_character_in(v: &Value, at: String) -> Option<String> {
    let bad = |s: &str| {
        s.chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    };
    let field = |at: &str| {
        if at.is_empty() {
            "body".to_string()
        } else {
            at.to_string()
        }
    };
    match v {
        Value::String(s) if bad(s) => Some(field(&at)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, x)| control_character_in(x, format!("{}[{i}]", field(&at)))),
        Value::Object(m) => m.iter().find_map(|(k, x)| {
            let here = if at.is_empty() {
                k.clone()
            } else {
                format!("{at}.{k}")
            };
            if bad(k) {
                Some(field(&at))
            } else {
                control_character_in(x, here)
            }
        }),
        _ => None,
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

/// The period of `from` and `to` given in a query (either may be blank):
/// `from` defaults to `default_from`, `to` to `days` days in all (stopping
/// at the last day accepted). Each date is one the product accepts, `to`
/// not before `from`; an error names the parameter.
pub fn query_period(
    default_from: Date,
    from: Option<&str>,
    to: Option<&str>,
    days: i64,
) -> Result<DateRange, CoreError> {
    let from = match from.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => parse_date("from", s)?,
        None => default_from,
    };
    let to = match to.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => parse_date("to", s)?,
        None => plus_days_clamped(from, days - 1),
    };
    DateRange::new(("from", "to"), from, to)
}
