//! Deviations (avvikelser): anyone reports one; the responsible manager
//! acknowledges it and closes it with the action taken.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use distans_core::deviations::StateFilter;
use distans_core::kernel::Paging;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::schema::deviations::{Deviation, DeviationInput};
use super::schema::Page;
use super::{ApiJson, ApiQuery, IdPath};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use crate::AppState;

/// Report a deviation. It goes at once to the personnel manager of the
/// unit of the person it concerns (default: you), or to HR when there is
/// none; a serious information-security deviation also to the holders of
/// the policy's `security_deviation_roles`. `anonymous` hides you from the
/// unit (HR still sees who reported); 422 when the policy does not allow it.
#[utoipa::path(post, path = "/api/v1/deviations", tag = "deviations", request_body = DeviationInput,
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = Deviation), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn report_deviation(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<DeviationInput>,
) -> ApiResult<(StatusCode, Json<Deviation>)> {
    let d = state
        .core
        .deviations
        .report_deviation(&actor, &body.into())
        .await?;
    Ok((StatusCode::CREATED, Json(d.redact_for(&actor).into())))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeviationsQuery {
    /// `open` (reported or acknowledged), `reported`, `acknowledged` or `closed`; default all.
    state: Option<String>,
    /// `mine` (those you reported), `to_handle` (those you handle as a
    /// manager, or HR); default every one you may see.
    scope: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// Deviations you may see, newest first: those you reported, those you
/// handle as a manager (of your units), all (HR). Without their trails.
#[utoipa::path(get, path = "/api/v1/deviations", tag = "deviations", params(DeviationsQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Page<Deviation>), (status = 400, body = ErrorBody)))]
pub async fn list_deviations(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<DeviationsQuery>,
) -> ApiResult<Json<Page<Deviation>>> {
    let paging = Paging::parse(q.limit, q.offset)?;
    let st = match q.state.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(StateFilter::parse(s)?),
        None => None,
    };
    let page = match q.scope.as_deref().unwrap_or("") {
        "" | "all" => state.core.deviations.deviations(&actor, st, paging).await?,
        "mine" => {
            state
                .core
                .deviations
                .my_deviation_reports(&actor, st, paging)
                .await?
        }
        "to_handle" => {
            state
                .core
                .deviations
                .deviations_to_handle(&actor, st, paging)
                .await?
        }
        other => {
            return Err(distans_core::CoreError::invalid(
                "scope",
                format!("\"{other}\" is not a scope (all, mine, to_handle)"),
            )
            .into())
        }
    };
    Ok(Json(page.into()))
}

/// A deviation with its trail: for its reporter, the responsible manager
/// and the managers above, HR (and, for a serious information-security
/// one, the policy's roles). Others: 404.
#[utoipa::path(get, path = "/api/v1/deviations/{id}", tag = "deviations",
    params(("id" = String, Path, description = "deviation id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Deviation), (status = 404, body = ErrorBody)))]
pub async fn get_deviation(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<Deviation>> {
    Ok(Json(
        state
            .core
            .deviations
            .deviation(&actor, id.into())
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct AcknowledgeBody {
    /// The version you saw (409 if it changed since).
    #[serde(default)]
    version: Option<i64>,
}

/// The responsible manager acknowledges the deviation; the reporter is told.
/// 409 when it is no longer `reported`.
#[utoipa::path(post, path = "/api/v1/deviations/{id}/acknowledge", tag = "deviations", request_body = AcknowledgeBody,
    params(("id" = String, Path, description = "deviation id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Deviation), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn acknowledge_deviation(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<AcknowledgeBody>,
) -> ApiResult<Json<Deviation>> {
    Ok(Json(
        state
            .core
            .deviations
            .acknowledge_deviation(&actor, id.into(), body.version)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct CloseDeviationBody {
    /// What was done about it.
    action: String,
    /// The version you saw (409 if it changed since).
    #[serde(default)]
    version: Option<i64>,
}

/// Close the deviation with the action taken (acknowledging it too, if it
/// was not); the reporter is told. 409 when it is closed already or changed
/// since `version`.
#[utoipa::path(post, path = "/api/v1/deviations/{id}/close", tag = "deviations", request_body = CloseDeviationBody,
    params(("id" = String, Path, description = "deviation id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Deviation), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn close_deviation(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<CloseDeviationBody>,
) -> ApiResult<Json<Deviation>> {
    Ok(Json(
        state
            .core
            .deviations
            .close_deviation(&actor, id.into(), &body.action, body.version)
            .await?
            .into(),
    ))
}
