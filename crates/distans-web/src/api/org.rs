//! Units and people.

use axum::extract::State;
use axum::Json;
use distans_core::kernel::Paging;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::query_id;
use super::schema::org::{PersonSummary, PersonView, UnitDetail, UnitSummary};
use super::schema::plan::CoverageRule;
use super::schema::{Page, Wire};
use super::{ApiQuery, IdPath};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use crate::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitsQuery {
    /// Only units at or below this unit.
    under: Option<String>,
    /// Only units at most this deep (0 = the top).
    depth: Option<i64>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// Units in tree order.
#[utoipa::path(get, path = "/api/v1/units", tag = "organisation", params(UnitsQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Page<UnitSummary>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list_units(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<UnitsQuery>,
) -> ApiResult<Json<Page<UnitSummary>>> {
    let paging = Paging::parse(q.limit, q.offset)?;
    let under = query_id("under", q.under.as_deref())?;
    Ok(Json(
        state
            .core
            .org
            .units(&actor, under.map(Into::into), q.depth, paging)
            .await?
            .into(),
    ))
}

/// A unit with its parents, children, manager and site.
#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "organisation",
    params(("id" = String, Path, description = "unit id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = UnitResponse), (status = 404, body = ErrorBody)))]
pub async fn get_unit(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<UnitResponse>> {
    let unit = state.core.org.unit(&actor, id.into()).await?;
    let coverage_rules = state
        .core
        .coverage
        .coverage_rules(&actor, id.into())
        .await?;
    Ok(Json(UnitResponse {
        unit: unit.into(),
        coverage_rules: coverage_rules.wire(),
    }))
}

/// A unit, with its coverage rules.
#[derive(Serialize, ToSchema)]
pub struct UnitResponse {
    #[serde(flatten)]
    unit: UnitDetail,
    coverage_rules: Vec<CoverageRule>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// The unit whose people to list; without it, everyone you may list.
    unit: Option<String>,
    /// Include the units below `unit`.
    below: Option<bool>,
    /// Part of a name, or an employee number.
    q: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// People, by name. Managers list their units, HR, administrators and auditors everyone.
#[utoipa::path(get, path = "/api/v1/people", tag = "organisation", params(PeopleQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Page<PersonSummary>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_people(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<PeopleQuery>,
) -> ApiResult<Json<Page<PersonSummary>>> {
    let paging = Paging::parse(q.limit, q.offset)?;
    let unit = query_id("unit", q.unit.as_deref())?;
    Ok(Json(
        state
            .core
            .org
            .people(
                &actor,
                unit.map(Into::into),
                q.below.unwrap_or(false),
                q.q.as_deref(),
                paging,
            )
            .await?
            .into(),
    ))
}

/// A person, as far as the caller may see them (404 when not at all).
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "organisation",
    params(("id" = String, Path, description = "person id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = PersonView), (status = 404, body = ErrorBody)))]
pub async fn get_person(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<PersonView>> {
    Ok(Json(state.core.org.person(&actor, id.into()).await?.into()))
}
