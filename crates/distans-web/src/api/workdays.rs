//! The organisation's closed days (the public holidays are computed).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use distans_core::kernel::dates::parse_date;
use distans_core::CoreError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::schema::plan::ClosedDay;
use super::schema::Wire;
use super::{ApiJson, ApiQuery};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use crate::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The year (default: this year), 2000–2100.
    year: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ClosedDayList {
    items: Vec<ClosedDay>,
}

/// Parses `?year=`; this year when missing.
pub fn parse_year(s: Option<&str>, this_year: i32) -> Result<i32, CoreError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(this_year),
        Some(y) => y
            .parse::<i32>()
            .map_err(|_| CoreError::invalid("year", format!("\"{y}\" is not a year"))),
    }
}

/// The organisation's closed days in a year (on top of the public holidays).
#[utoipa::path(get, path = "/api/v1/closed-days", tag = "plan", params(YearQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = ClosedDayList), (status = 400, body = ErrorBody)))]
pub async fn list_closed_days(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<Json<ClosedDayList>> {
    let year = parse_year(q.year.as_deref(), state.core.today().year())?;
    Ok(Json(ClosedDayList {
        items: state.core.workdays.closed_days(&actor, year).await?.wire(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct ClosedDayBody {
    /// YYYY-MM-DD, a workday.
    #[schema(format = Date)]
    date: String,
    /// What the day is, e.g. "Klämdag".
    name: String,
}

/// Close the organisation on a workday (HR and administrators). 422 on a
/// weekend or public holiday, 409 when it is closed already.
#[utoipa::path(post, path = "/api/v1/closed-days", tag = "plan", request_body = ClosedDayBody,
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = ClosedDay), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_closed_day(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<ClosedDayBody>,
) -> ApiResult<(StatusCode, Json<ClosedDay>)> {
    let date = parse_date("date", &body.date)?;
    let d = state
        .core
        .workdays
        .add_closed_day(&actor, date, &body.name)
        .await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}

/// Open a closed day again (HR and administrators).
#[utoipa::path(delete, path = "/api/v1/closed-days/{date}", tag = "plan",
    params(("date" = String, Path, description = "YYYY-MM-DD")),
    security(("session" = []), ("token" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_closed_day(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(date): Path<String>,
) -> ApiResult<StatusCode> {
    let date = parse_date("date", &date)?;
    state.core.workdays.delete_closed_day(&actor, date).await?;
    Ok(StatusCode::NO_CONTENT)
}
