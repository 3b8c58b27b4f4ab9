//! The plan: who works where, and occasional days.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use distans_core::kernel::dates::parse_date;
use distans_core::plan::{DayState, Part};
use distans_core::CoreError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::extract::{query_id, query_period};
use super::schema::plan::{PersonDay, PlanDay};
use super::schema::Wire;
use super::{ApiJson, ApiQuery};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use crate::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    /// One person (default: you, unless `unit` is given).
    person: Option<String>,
    /// The people of a unit.
    unit: Option<String>,
    /// First day (YYYY-MM-DD); default today.
    #[param(format = Date)]
    from: Option<String>,
    /// Last day; default four weeks on. At most 93 days.
    #[param(format = Date)]
    to: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanResponse {
    days: Vec<PersonDay>,
}

/// A state per person and workday (`workplace`, `remote`, `other`,
/// `absent`) with its `source` (`absence`, `occasional`, `rotation`,
/// `agreement`, `default`).
#[utoipa::path(get, path = "/api/v1/plan", tag = "plan", params(PlanQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = PlanResponse), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_plan(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<PlanQuery>,
) -> ApiResult<Response> {
    let period = query_period(state.core.today(), q.from.as_deref(), q.to.as_deref(), 28)?;
    let person = query_id("person", q.person.as_deref())?.map(Into::into);
    let unit = query_id("unit", q.unit.as_deref())?.map(Into::into);
    let days = state.core.plan.plan(&actor, person, unit, period).await?;
    Ok(state.answers.plans.answer(&days, |days| {
        serde_json::to_vec(&PlanResponse {
            days: days.to_vec().wire(),
        })
        .map_err(|e| CoreError::Internal(format!("writing a plan: {e}")))
    })?)
}

#[derive(Deserialize, ToSchema)]
pub struct DayBody {
    /// remote, workplace or other.
    state: String,
    /// am or pm, for half a day.
    part: Option<String>,
    /// Save even though it opens a coverage gap (the unit's managers and
    /// HR; recorded). Without it such a change is answered 409
    /// `coverage_gap` naming the rules and days.
    #[serde(default)]
    allow_gap: bool,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteDayQuery {
    /// Save even though it opens a coverage gap (managers, HR).
    allow_gap: Option<bool>,
}

fn parse_day(person: &str, date: &str) -> Result<(Uuid, time::Date), CoreError> {
    let p = Uuid::parse_str(person).map_err(|_| CoreError::NotFound("person"))?;
    Ok((p, parse_date("date", date)?))
}

/// Set an occasional day (or half day): yours, or as a manager or HR for someone else.
#[utoipa::path(put, path = "/api/v1/plan/{person}/{date}", tag = "plan", request_body = DayBody,
    params(("person" = String, Path, description = "person id"), ("date" = String, Path, description = "YYYY-MM-DD")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = PlanDay), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_day(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((person, date)): Path<(String, String)>,
    ApiJson(body): ApiJson<DayBody>,
) -> ApiResult<Json<PlanDay>> {
    let (person, day) = parse_day(&person, &date)?;
    let st = match body.state.as_str() {
        "remote" => DayState::Remote,
        "workplace" => DayState::Workplace,
        "other" => DayState::Other,
        s => {
            return Err(CoreError::invalid(
                "state",
                format!("\"{s}\" is not remote, workplace or other"),
            )
            .into())
        }
    };
    let part = match body.part.as_deref() {
        None | Some("") => None,
        Some("am") => Some(Part::Am),
        Some("pm") => Some(Part::Pm),
        Some(p) => {
            return Err(CoreError::invalid("part", format!("\"{p}\" is not am or pm")).into())
        }
    };
    Ok(Json(
        state
            .core
            .occasional
            .set_occasional_day(&actor, person.into(), day, Some(st), part, body.allow_gap)
            .await?
            .into(),
    ))
}

/// Remove an occasional day: the day follows the plan's rules again.
#[utoipa::path(delete, path = "/api/v1/plan/{person}/{date}", tag = "plan",
    params(DeleteDayQuery, ("person" = String, Path, description = "person id"), ("date" = String, Path, description = "YYYY-MM-DD")),
    security(("session" = []), ("token" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete_day(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((person, date)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<DeleteDayQuery>,
) -> ApiResult<StatusCode> {
    let (person, day) = parse_day(&person, &date)?;
    state
        .core
        .occasional
        .set_occasional_day(
            &actor,
            person.into(),
            day,
            None,
            None,
            q.allow_gap.unwrap_or(false),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
