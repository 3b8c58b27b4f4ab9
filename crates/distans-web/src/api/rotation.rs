//! The rotation planner over HTTP: the input of `rotation-planning.md` in,
//! its output back.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::Json;
use distans_core::kernel::dates::parse_date;
use distans_core::rotation::Lock;
use distans_core::CoreError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{ApiJson, ApiQuery};
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
/// Or `{"unit", "from", "weeks", "locked"?}`: the input is built from the
/// unit's stored people, agreements, absences, temporary decisions,
/// coverage rules and desks, and the answer also has `shortfalls` (who gets
/// fewer remote days than their target, and why), `notes`, `names` and the
/// `input` used.
#[utoipa::path(post, path = "/api/v1/rotation", tag = "rotation", params(PlanQuery),
    request_body(content = Object, description = "The planner's input (rotation-planning.md)", content_type = "application/json"),
    security(("session" = []), ("token" = [])),
    responses((status = 200, description = "The planner's output (rotation-planning.md)", body = Object), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn plan(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<PlanQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<serde_json::Value>> {
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
    let value: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| CoreError::invalid("$", format!("malformed JSON: {e}")))?;
    let opts = distans_planner::SolveOptions {
        time_limit: Some(std::time::Duration::from_secs_f64(limit)),
        ..Default::default()
    };
    // `{"unit", "from", "weeks"}`: the input is built from stored data.
    if value.get("unit").is_some() && value.get("employees").is_none() {
        let req: StoredRequest =
            serde_json::from_value(value).map_err(|e| CoreError::invalid("body", e.to_string()))?;
        let problem = stored_problem(&state, &actor, &req).await?;
        let out = state
            .core
            .rotation
            .solve(&actor, problem.input.clone(), opts)
            .await?;
        let shortfalls =
            distans_core::rotation::rules::explain(&problem.input, &out, &problem.names);
        let mut v = serde_json::to_value(&out).map_err(CoreError::internal)?;
        if let serde_json::Value::Object(m) = &mut v {
            m.insert(
                "shortfalls".into(),
                serde_json::to_value(shortfalls).map_err(CoreError::internal)?,
            );
            m.insert("notes".into(), problem.notes.clone().into());
            m.insert(
                "conflicts".into(),
                distans_core::rotation::rules::named_conflicts(&out.conflicts, &problem.names)
                    .into(),
            );
            m.insert(
                "names".into(),
                serde_json::to_value(&problem.names).map_err(CoreError::internal)?,
            );
            m.insert(
                "input".into(),
                serde_json::to_value(&problem.input).map_err(CoreError::internal)?,
            );
        }
        return Ok(Json(v));
    }
    let text =
        std::str::from_utf8(&body).map_err(|_| CoreError::invalid("body", "is not UTF-8"))?;
    let input = distans_planner::parse_input(text)
        .map_err(|e| CoreError::invalid(e.path.clone(), e.message.clone()))?;
    let out = state.core.rotation.solve(&actor, input, opts).await?;
    Ok(Json(
        serde_json::to_value(out).map_err(CoreError::internal)?,
    ))
}

/// A rotation planned from stored data.
#[derive(Deserialize, ToSchema)]
pub struct StoredRequest {
    /// The unit (with the units below it).
    unit: String,
    /// The first Monday.
    #[schema(format = Date)]
    from: String,
    /// 1–8 ISO weeks.
    weeks: i64,
    /// Cells to keep: `[{"person", "date", "state": "onsite"|"remote"}]`.
    #[serde(default)]
    locked: Vec<LockBody>,
}

#[derive(Deserialize, ToSchema)]
pub struct LockBody {
    person: String,
    #[schema(format = Date)]
    date: String,
    state: String,
}

pub(crate) fn parse_locks(locks: &[LockBody]) -> Result<Vec<Lock>, CoreError> {
    locks
        .iter()
        .enumerate()
        .map(|(i, l)| {
            Ok(Lock {
                person: l.person.parse().map_err(|_| {
                    CoreError::invalid(format!("locked[{i}].person"), "is not a person id")
                })?,
                date: parse_date(&format!("locked[{i}].date"), &l.date)?,
                remote: match l.state.as_str() {
                    "remote" => true,
                    "onsite" => false,
                    s => {
                        return Err(CoreError::invalid(
                            format!("locked[{i}].state"),
                            format!("\"{s}\" is not onsite or remote"),
                        ))
                    }
                },
            })
        })
        .collect()
}

async fn stored_problem(
    state: &AppState,
    actor: &distans_core::kernel::Actor,
    req: &StoredRequest,
) -> Result<distans_core::rotation::RotationProblem, CoreError> {
    let unit = Uuid::parse_str(&req.unit).map_err(|_| CoreError::NotFound("unit"))?;
    let from = parse_date("from", &req.from)?;
    let locks = parse_locks(&req.locked)?;
    state
        .core
        .rotation
        .rotation_problem(actor, unit.into(), from, req.weeks, &locks)
        .await
}

#[derive(Deserialize, ToSchema)]
pub struct PublishBody {
    /// The unit, weeks and kept cells the plan was made for.
    #[serde(flatten)]
    request: StoredRequest,
    /// The plan to publish: person id → date → onsite|remote|absent, as the
    /// planner returned it.
    #[schema(value_type = Object)]
    plan: distans_planner::Plan,
    /// Publish although some days will show otherwise than the plan (the
    /// people's own occasional days come first); without it that is a 409
    /// naming them.
    #[serde(default)]
    confirm_differences: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Published {
    id: String,
    cost: i64,
}

/// Publish a rotation for a unit: it is checked against the unit's data as
/// it is now (409 if it no longer fits) and becomes the `rotation` in
/// everyone's plan for its days. The unit's managers and HR.
#[utoipa::path(post, path = "/api/v1/rotation/publish", tag = "rotation", request_body = PublishBody,
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = Published), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn publish(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<PublishBody>,
) -> ApiResult<(axum::http::StatusCode, Json<Published>)> {
    let problem = stored_problem(&state, &actor, &body.request).await?;
    let cost = distans_planner::check::cost_of(&problem.input, &body.plan);
    let out = distans_planner::Output {
        status: distans_planner::Status::Feasible,
        cost,
        lower_bound: None,
        plan: body.plan,
        conflicts: vec![],
    };
    let id = state
        .core
        .rotation
        .publish_rotation(&actor, &problem, &out, body.confirm_differences)
        .await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(Published {
            id: id.to_string(),
            cost,
        }),
    ))
}
