//! The static files the pages use: the style sheet and the rotation page's
//! progress script.

use axum::http::header;
use axum::response::{IntoResponse, Response};

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

pub async fn css() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_str!("../../static/distans.css"),
    )
}

pub async fn rotation_js() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../static/rotation.js"),
    )
}

pub async fn editors_js() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../static/editors.js"),
    )
}
