//! Text that enters through a query string or a form is checked once, here,
//! before any handler sees it: a control character (a NUL, an escape) is
//! refused naming the field. Forms may hold tabs and line breaks (a text
//! area); query strings may not. JSON bodies are checked where they are
//! read ([`crate::api::ApiJson`]).

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use distans_core::CoreError;

use crate::error::ApiError;
use crate::i18n::Lang;

/// The most a request body may hold, in bytes (the largest is an
/// organisation's CSV export).
pub const BODY_LIMIT: usize = 20 * 1024 * 1024;

/// Refuses a request that says its body is larger than [`BODY_LIMIT`]
/// before reading it: 413 in the API's error shape, or a short page. A body
/// that does not say its length is cut off at the limit where it is read.
pub async fn refuse_large_bodies(req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT as u64) {
        return too_large(&req);
    }
    next.run(req).await
}

fn too_large(req: &Request) -> Response {
    let e = CoreError::TooLarge {
        limit_bytes: BODY_LIMIT as u64,
    };
    answer(req, e, ("input-too-large-title", "input-too-large-text"))
}

/// The API's error shape for the API; for pages, a short page saying what
/// was wrong (`texts`: the keys of its title and text) with the error's status.
fn answer(req: &Request, e: CoreError, (title, text): (&str, &str)) -> Response {
    let status = crate::error::status_of(&e);
    if req.uri().path().starts_with("/api/") {
        return ApiError(e).into_response();
    }
    let lang = Lang::from_headers(req.headers());
    let page = format!(
        "<!doctype html><html lang=\"{}\"><meta charset=\"utf-8\"><title>{}</title><p>{}</p><p><a href=\"/\">{}</a></p></html>",
        lang.code(),
        lang.t(title),
        lang.t(text),
        lang.t("nav-start"),
    );
    (status, Html(page)).into_response()
}

/// Refuses a request whose query string or form holds a control character.
pub async fn refuse_control_characters(req: Request, next: Next) -> Response {
    if let Some(field) = req
        .uri()
        .query()
        .and_then(|q| bad_field(q.as_bytes(), false))
    {
        return refused(&req, &field);
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => return too_large(&Request::from_parts(parts, Body::empty())),
    };
    let req = Request::from_parts(parts, Body::from(bytes.clone()));
    match bad_field(&bytes, true) {
        Some(field) => refused(&req, &field),
        None => next.run(req).await,
    }
}

/// The first field (name) of `pairs` whose name or value holds a control
/// character; tabs and line breaks only where `multi_line`.
fn bad_field(pairs: &[u8], multi_line: bool) -> Option<String> {
    let bad = |s: &str| {
        s.chars()
            .any(|c| c.is_control() && !(multi_line && matches!(c, '\t' | '\n' | '\r')))
    };
    url::form_urlencoded::parse(pairs)
        .find(|(k, v)| bad(k) || bad(v))
        .map(|(k, _)| {
            if bad(&k) {
                "query".to_string()
            } else {
                k.into_owned()
            }
        })
}

/// A control character in `field`: refused.
fn refused(req: &Request, field: &str) -> Response {
    let e = CoreError::invalid(field, "must not contain control characters");
    answer(req, e, ("input-refused-title", "input-refused-text"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_by_field() {
        assert_eq!(bad_field(b"a=1&b=x%00y", true).as_deref(), Some("b"));
        assert_eq!(
            bad_field(b"next=%2F%0D%0Ax", false).as_deref(),
            Some("next")
        );
        assert_eq!(bad_field(b"text=two%0D%0Alines%09tab", true), None);
        assert_eq!(bad_field(b"q=%1B%5B31m", true).as_deref(), Some("q"));
        assert_eq!(bad_field(b"a%00=1", true).as_deref(), Some("query"));
        assert_eq!(bad_field(b"name=%C3%85sa+%C3%96berg", false), None);
    }
}
