//! Security headers on every response. The CSP allows no inline script and
//! no third-party origin: pages work without JavaScript. Nothing is kept
//! in a cache (pages and answers are about someone) unless a response says
//! otherwise (the style sheet, the calendar feed).

use axum::http::{header, HeaderName, HeaderValue};
use axum::response::Response;

pub const CSP: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Whether a header is set on every response, or only where the handler
/// set none of its own.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Set {
    Always,
    Unless,
}

/// The headers every response gets.
const HEADERS: [(HeaderName, &str, Set); 6] = [
    (header::CACHE_CONTROL, "no-store", Set::Unless),
    (header::CONTENT_SECURITY_POLICY, CSP, Set::Unless),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff", Set::Always),
    (header::X_FRAME_OPTIONS, "DENY", Set::Always),
    (header::REFERRER_POLICY, "same-origin", Set::Always),
    (
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=()",
        Set::Always,
    ),
];

/// Sets the security headers on a response (a `map_response` middleware).
pub async fn headers(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    for (name, value, set) in HEADERS {
        if set == Set::Always || !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    }
    resp
}
