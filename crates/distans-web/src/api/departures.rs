//! People who leave: deactivating a person, and bringing them back.

use axum::extract::State;
use axum::Json;
use distans_core::departures::{By, DepartureInput};
use distans_core::kernel::dates::parse_date;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use super::extract::ApiJson;
use super::IdPath;
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use crate::AppState;

#[derive(Deserialize, ToSchema, Default)]
pub struct DeactivateBody {
    /// The last day the person works (YYYY-MM-DD); default today.
    #[schema(format = Date)]
    last_day: Option<String>,
    /// Why, as the records should say it (at most 500 characters).
    reason: Option<String>,
}

/// What a departure did.
#[derive(Serialize, ToSchema)]
pub struct DepartureReport {
    person: uuid::Uuid,
    last_day: Date,
    requests_withdrawn: usize,
    agreements_ended: usize,
    /// Equipment on loan, now on the manager's list to collect.
    loans_to_collect: usize,
    followups_closed: u64,
}

/// Deactivate a person who leaves: they can no longer sign in and every
/// session, token and calendar feed of theirs stops at once; open
/// requests are withdrawn, agreements end on the last day, open follow-ups
/// close, and their manager is told what equipment to collect. Nothing is
/// deleted. HR and administrators; 409 if already deactivated.
#[utoipa::path(post, path = "/api/v1/people/{id}/deactivate", tag = "organisation",
    params(("id" = String, Path, description = "person id")),
    request_body = DeactivateBody,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = DepartureReport), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn deactivate(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<DeactivateBody>,
) -> ApiResult<Json<DepartureReport>> {
    let last_day = body
        .last_day
        .as_deref()
        .map(|d| parse_date("last_day", d))
        .transpose()?;
    let r = state
        .core
        .departures
        .deactivate(
            By::Person(&actor),
            id.into(),
            DepartureInput {
                last_day,
                reason: body.reason,
            },
        )
        .await?;
    Ok(Json(DepartureReport {
        person: r.person.uuid(),
        last_day: r.last_day,
        requests_withdrawn: r.requests_withdrawn,
        agreements_ended: r.agreements_ended,
        loans_to_collect: r.loans_to_collect,
        followups_closed: r.followups_closed,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct Reactivated {
    /// False when the person was not deactivated.
    reactivated: bool,
}

/// Make a deactivated person active again (rehired, or deactivated by
/// mistake). What their departure wound up stays wound up. HR and
/// administrators.
#[utoipa::path(post, path = "/api/v1/people/{id}/reactivate", tag = "organisation",
    params(("id" = String, Path, description = "person id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Reactivated), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reactivate(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<Reactivated>> {
    let reactivated = state
        .core
        .departures
        .reactivate(By::Person(&actor), id.into())
        .await?;
    Ok(Json(Reactivated { reactivated }))
}
