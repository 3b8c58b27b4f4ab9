//! The secret calendar feed: the URL (created on first use), renewing and
//! revoking it, and the feed itself, fetched without signing in.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use distans_core::CoreError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct CalendarUrl {
    /// The secret iCalendar URL: whoever has it can read your plan.
    url: String,
}

/// The feed URL of a secret.
pub fn feed_url(state: &AppState, secret: &str) -> String {
    format!(
        "{}/kalender/{secret}.ics",
        state.config.public_url.trim_end_matches('/')
    )
}

/// Your secret iCalendar URL, to subscribe to in Outlook or Google
/// Calendar. Made on the first call; the same URL after that.
#[utoipa::path(get, path = "/api/v1/me/calendar", tag = "plan",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = CalendarUrl), (status = 401, body = ErrorBody)))]
pub async fn get_calendar(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<CalendarUrl>> {
    let secret = state.core.feed.calendar_secret(&actor).await?;
    Ok(Json(CalendarUrl {
        url: feed_url(&state, &secret),
    }))
}

/// A new secret URL; the old one stops working at once.
#[utoipa::path(post, path = "/api/v1/me/calendar/reset", tag = "plan",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = CalendarUrl), (status = 401, body = ErrorBody)))]
pub async fn reset_calendar(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<CalendarUrl>> {
    let secret = state.core.feed.reset_calendar_secret(&actor).await?;
    Ok(Json(CalendarUrl {
        url: feed_url(&state, &secret),
    }))
}

/// Revoke your feed URL without a new one (also when you had none).
#[utoipa::path(delete, path = "/api/v1/me/calendar", tag = "plan",
    security(("session" = []), ("token" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn delete_calendar(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<StatusCode> {
    state.core.feed.revoke_calendar_secret(&actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The feed: `text/calendar`, one all-day event per workday from four
/// weeks back to 13 weeks ahead ("Distans", "På arbetsplatsen", "Annan
/// arbetsplats", "Frånvarande"; half days as "Distans (fm)"). No sign-in:
/// the secret in the URL is the permission. Unknown or revoked: 404.
#[utoipa::path(get, path = "/kalender/{file}", tag = "plan",
    params(("file" = String, Path, description = "the secret followed by .ics")),
    responses(
        (status = 200, description = "The iCalendar feed", content_type = "text/calendar", body = String),
        (status = 404, body = ErrorBody)))]
pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> ApiResult<Response> {
    let secret = file.strip_suffix(".ics").unwrap_or(&file);
    let feed = state
        .core
        .feed
        .calendar_feed(secret)
        .await?
        .ok_or(CoreError::NotFound("calendar"))?;
    let body = crate::ics::render(&feed)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=900"),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"distans.ics\"",
            ),
            (
                header::HeaderName::from_static("x-robots-tag"),
                "noindex, nofollow",
            ),
        ],
        body,
    )
        .into_response())
}
