//! Absences: entered by the person, their managers or HR; listed for those
//! who may see the person's plan.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use distans_core::kernel::dates::parse_date;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::query_id;
use super::schema::plan::Absence;
use super::schema::Wire;
use super::{ApiJson, ApiQuery, IdPath};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use crate::AppState;

#[derive(Deserialize, ToSchema)]
pub struct AbsenceBody {
    /// The person's id (default: you).
    person: Option<String>,
    /// First day, YYYY-MM-DD.
    #[schema(format = Date)]
    first_day: String,
    /// Last day (included), YYYY-MM-DD; at most a year after the first.
    #[schema(format = Date)]
    last_day: String,
}

/// Enter an absence: yours, or as a manager or HR someone else's. 409 when
/// it overlaps one already entered; 422 when longer than a year.
#[utoipa::path(post, path = "/api/v1/absences", tag = "plan", request_body = AbsenceBody,
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = Absence), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_absence(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<AbsenceBody>,
) -> ApiResult<(StatusCode, Json<Absence>)> {
    let person = query_id("person", body.person.as_deref())?.unwrap_or(actor.person_id.into());
    let first = parse_date("first_day", &body.first_day)?;
    let last = parse_date("last_day", &body.last_day)?;
    let a = state
        .core
        .absences
        .add_absence(&actor, person.into(), first, last)
        .await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AbsenceQuery {
    /// The person (default: you).
    person: Option<String>,
    /// Absences that end on or after this day (default: a month ago).
    #[param(format = Date)]
    from: Option<String>,
    /// … and start on or before this day (default: a year after `from`). At most 732 days.
    #[param(format = Date)]
    to: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AbsenceList {
    items: Vec<Absence>,
}

/// A person's absences in a period, for those who may see their plan.
#[utoipa::path(get, path = "/api/v1/absences", tag = "plan", params(AbsenceQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = AbsenceList), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_absences(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<AbsenceQuery>,
) -> ApiResult<Json<AbsenceList>> {
    let person = query_id("person", q.person.as_deref())?;
    let from = match q.from.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(parse_date("from", s)?),
        None => None,
    };
    let to = match q.to.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(parse_date("to", s)?),
        None => None,
    };
    Ok(Json(AbsenceList {
        items: state
            .core
            .absences
            .absences(&actor, person.map(Into::into), from, to)
            .await?
            .wire(),
    }))
}

/// Remove an absence: the days follow the plan's other rules again.
#[utoipa::path(delete, path = "/api/v1/absences/{id}", tag = "plan",
    params(("id" = String, Path, description = "absence id")),
    security(("session" = []), ("token" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_absence(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    state
        .core
        .absences
        .delete_absence(&actor, id.into())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
