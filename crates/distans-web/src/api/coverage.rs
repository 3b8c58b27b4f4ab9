//! On-site coverage: the units' rules, each day's coverage, the sites' occupancy.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use distans_core::coverage::NewCoverageRule;
use distans_core::kernel::dates::plus_days_clamped;
use distans_core::CoreError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::extract::{query_id, query_period};
use super::schema::plan::{CoverageDay, CoverageRule, SiteOccupancy};
use super::schema::Wire;
use super::{ApiJson, ApiQuery, IdPath};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use crate::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    /// The unit (required).
    unit: Option<String>,
    /// First day (YYYY-MM-DD); default today.
    #[param(format = Date)]
    from: Option<String>,
    /// Last day; default four weeks on. At most 93 days.
    #[param(format = Date)]
    to: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CoverageResponse {
    days: Vec<CoverageDay>,
}

/// Per workday and rule of the unit: `required`, `planned` (on site by the
/// plan), `gap` (missing, or over the desks), and who is on site. For the
/// unit's managers and HR.
#[utoipa::path(get, path = "/api/v1/coverage", tag = "plan", params(CoverageQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = CoverageResponse), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_coverage(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<CoverageQuery>,
) -> ApiResult<Response> {
    let unit = query_id("unit", q.unit.as_deref())?
        .ok_or_else(|| CoreError::invalid("unit", "which unit? (?unit=id)"))?;
    let period = query_period(state.core.today(), q.from.as_deref(), q.to.as_deref(), 28)?;
    let up = state
        .core
        .coverage
        .unit_plan(&actor, unit.into(), period)
        .await?;
    Ok(state.answers.coverage.answer(&up, |up| {
        serde_json::to_vec(&CoverageResponse {
            days: up.coverage.clone().wire(),
        })
        .map_err(|e| CoreError::Internal(format!("writing coverage: {e}")))
    })?)
}

#[derive(Serialize, ToSchema)]
pub struct RuleList {
    items: Vec<CoverageRule>,
}

/// A unit's coverage rules.
#[utoipa::path(get, path = "/api/v1/units/{id}/coverage-rules", tag = "plan",
    params(("id" = String, Path, description = "unit id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = RuleList), (status = 404, body = ErrorBody)))]
pub async fn list_rules(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<RuleList>> {
    state.core.org.unit(&actor, id.into()).await?;
    Ok(Json(RuleList {
        items: state
            .core
            .coverage
            .coverage_rules(&actor, id.into())
            .await?
            .wire(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct RuleBody {
    /// `min_onsite` (default): at least `min_onsite` of the unit's people
    /// (with `skill`) on site; `max_desks`: at most the unit's site's desks.
    kind: Option<String>,
    skill: Option<String>,
    min_onsite: Option<i64>,
    /// mon…fri; leave out for every workday.
    weekdays: Option<Vec<String>>,
    /// For a change: the version you read (409 if it changed meanwhile).
    version: Option<i64>,
}

impl RuleBody {
    fn parse(&self) -> Result<NewCoverageRule, CoreError> {
        NewCoverageRule::parse(
            self.kind.as_deref().unwrap_or("min_onsite"),
            self.skill.as_deref(),
            self.min_onsite,
            self.weekdays.as_deref(),
        )
    }
}

/// Add a coverage rule to a unit (its managers and HR).
#[utoipa::path(post, path = "/api/v1/units/{id}/coverage-rules", tag = "plan", request_body = RuleBody,
    params(("id" = String, Path, description = "unit id")),
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = CoverageRule), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn add_rule(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<RuleBody>,
) -> ApiResult<(StatusCode, Json<CoverageRule>)> {
    let input = body.parse()?;
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .core
                .coverage
                .add_coverage_rule(&actor, id.into(), input)
                .await?
                .into(),
        ),
    ))
}

fn rule_id(id: &str) -> Result<Uuid, CoreError> {
    Uuid::parse_str(id).map_err(|_| CoreError::NotFound("coverage rule"))
}

/// Change a coverage rule; `version` is required (409 if it changed meanwhile).
#[utoipa::path(put, path = "/api/v1/coverage-rules/{id}", tag = "plan", request_body = RuleBody,
    params(("id" = String, Path, description = "rule id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = CoverageRule), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn put_rule(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RuleBody>,
) -> ApiResult<Json<CoverageRule>> {
    let id = rule_id(&id)?;
    let version = body
        .version
        .ok_or_else(|| CoreError::invalid("version", "send the version you read"))?;
    let input = body.parse()?;
    Ok(Json(
        state
            .core
            .coverage
            .update_coverage_rule(&actor, id.into(), version, input)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteRuleQuery {
    /// The version you read (409 if it changed meanwhile).
    version: Option<i64>,
}

/// Remove a coverage rule.
#[utoipa::path(delete, path = "/api/v1/coverage-rules/{id}", tag = "plan",
    params(("id" = String, Path, description = "rule id"), DeleteRuleQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_rule(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<DeleteRuleQuery>,
) -> ApiResult<StatusCode> {
    let id = rule_id(&id)?;
    state
        .core
        .coverage
        .delete_coverage_rule(&actor, id.into(), q.version)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OccupancyQuery {
    /// One site; without it every site (then at most 14 days).
    site: Option<String>,
    /// First day; default tomorrow.
    #[param(format = Date)]
    from: Option<String>,
    /// Last day; default `from`.
    #[param(format = Date)]
    to: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct OccupancyResponse {
    sites: Vec<SiteOccupancy>,
}

/// Who is on site, per site and workday, against its desks (managers, HR,
/// administrators). Default: every site, tomorrow.
#[utoipa::path(get, path = "/api/v1/occupancy", tag = "plan", params(OccupancyQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = OccupancyResponse), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn occupancy(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<OccupancyQuery>,
) -> ApiResult<Json<OccupancyResponse>> {
    let site = query_id("site", q.site.as_deref())?;
    let tomorrow = plus_days_clamped(state.core.today(), 1);
    let period = query_period(tomorrow, q.from.as_deref(), q.to.as_deref(), 1)?;
    Ok(Json(OccupancyResponse {
        sites: state
            .core
            .coverage
            .occupancy(&actor, site.map(Into::into), period)
            .await?
            .wire(),
    }))
}
