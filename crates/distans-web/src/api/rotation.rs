//! The rotation planner over HTTP: the input of `rotation-planning.md` in,
//! its output back.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::Json;
use distans_core::model::Role;
use distans_core::CoreError;
use serde::Deserialize;
use utoipa::IntoParams;

use super::ApiQuery;
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use crate::AppState;

/// The longest a planning request may run.
pub const MAX_SECONDS: f64 = 60.0;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    /// Seconds the solver may use (default 10, at most 60); it returns its
    /// best plan by then, with status `feasible` if not proven optimal.
    time_limit: Option<f64>,
}

/// Plan a rotation: the input of rotation-planning.md in, the plan out
/// (`optimal`, `feasible` or `infeasible` with conflicts). Managers and HR.
#[utoipa::path(post, path = "/api/v1/rotation", tag = "rotation", params(PlanQuery),
    request_body(content = Object, description = "The planner's input (rotation-planning.md)", content_type = "application/json"),
    security(("session" = []), ("token" = [])),
    responses((status = 200, description = "The planner's output (rotation-planning.md)", body = Object), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn plan(
    State(_state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<PlanQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<serde_json::Value>> {
    if !(actor.has(Role::Manager) || actor.has(Role::Hr)) {
        return Err(CoreError::forbidden("only managers and HR may plan rotations").into());
    }
    let json_body = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json_body {
        return Err(
            CoreError::invalid("body", "send the input as Content-Type: application/json").into(),
        );
    }
    let limit = q.time_limit.unwrap_or(10.0);
    if !(limit.is_finite() && limit > 0.0 && limit <= MAX_SECONDS) {
        return Err(CoreError::invalid(
            "time_limit",
            format!("must be more than 0 and at most {MAX_SECONDS} seconds"),
        )
        .into());
    }
    let text =
        std::str::from_utf8(&body).map_err(|_| CoreError::invalid("body", "is not UTF-8"))?;
    let input = distans_planner::parse_input(text)
        .map_err(|e| CoreError::invalid(e.path.clone(), e.message.clone()))?;
    let opts = distans_planner::SolveOptions {
        time_limit: Some(std::time::Duration::from_secs_f64(limit)),
        ..Default::default()
    };
    let out = tokio::task::spawn_blocking(move || distans_planner::solve(&input, &opts))
        .await
        .map_err(CoreError::internal)?;
    Ok(Json(
        serde_json::to_value(out).map_err(CoreError::internal)?,
    ))
}
