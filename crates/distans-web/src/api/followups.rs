//! Follow-ups: the checklists (versioned; HR edits them), the
//! follow-ups scheduled from agreements and development talks, their
//! answers, and the actions risks become.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use distans_core::followup::{ActionState, FollowUpQuery, StateFilter};
use distans_core::kernel::dates::parse_date;
use distans_core::kernel::Paging;
use distans_core::CoreError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::query_id;
use super::schema::followups::{
    AnswersInput, ChecklistInput, ChecklistTemplate, FollowUp, FollowUpAction, FollowUpDetail,
};
use super::schema::{Page, Wire};
use super::{ApiJson, ApiQuery, IdPath};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct ChecklistList {
    items: Vec<ChecklistTemplate>,
}

/// The current version of each checklist (`uppfoljning`, `riskbedomning`).
#[utoipa::path(get, path = "/api/v1/checklists", tag = "follow-ups",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = ChecklistList), (status = 401, body = ErrorBody)))]
pub async fn list_checklists(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<ChecklistList>> {
    Ok(Json(ChecklistList {
        items: state.core.followup.checklists(&actor).await?.wire(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// A version (default: the current one).
    version: Option<i64>,
}

/// A checklist: its current version, or `?version=`.
#[utoipa::path(get, path = "/api/v1/checklists/{key}", tag = "follow-ups",
    params(("key" = String, Path, description = "uppfoljning or riskbedomning"), VersionQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = ChecklistTemplate), (status = 404, body = ErrorBody)))]
pub async fn get_checklist(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(key): Path<String>,
    ApiQuery(q): ApiQuery<VersionQuery>,
) -> ApiResult<Json<ChecklistTemplate>> {
    Ok(Json(
        state
            .core
            .followup
            .checklist(&actor, &key, q.version)
            .await?
            .into(),
    ))
}

/// HR saves a checklist: the body is the template (title, questions, and
/// the version edited for a 409 if someone saved meanwhile); the answer is
/// the new version. Old versions are kept.
#[utoipa::path(put, path = "/api/v1/checklists/{key}", tag = "follow-ups",
    params(("key" = String, Path, description = "uppfoljning or riskbedomning")),
    request_body = ChecklistInput,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = ChecklistTemplate), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn put_checklist(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(key): Path<String>,
    ApiJson(body): ApiJson<ChecklistInput>,
) -> ApiResult<Json<ChecklistTemplate>> {
    Ok(Json(
        state
            .core
            .followup
            .save_checklist(&actor, &key, &body.into())
            .await?
            .into(),
    ))
}

/// Every version of a checklist, newest first.
#[utoipa::path(get, path = "/api/v1/checklists/{key}/versions", tag = "follow-ups",
    params(("key" = String, Path, description = "uppfoljning or riskbedomning")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = ChecklistList), (status = 404, body = ErrorBody)))]
pub async fn checklist_versions(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(key): Path<String>,
) -> ApiResult<Json<ChecklistList>> {
    Ok(Json(ChecklistList {
        items: state
            .core
            .followup
            .checklist_versions(&actor, &key)
            .await?
            .wire(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FollowUpsQuery {
    /// Due on or before this day (YYYY-MM-DD); without `state`, only open
    /// ones (due or overdue).
    #[param(format = Date)]
    due_before: Option<String>,
    /// open (due or overdue), due, overdue, done, cancelled.
    state: Option<String>,
    /// Only this person's.
    person: Option<String>,
    /// Only this agreement's.
    agreement: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// Follow-ups by due date: your own; a manager's units' people's; HR's all.
/// `state` is `due` or `overdue` (from today) for open ones, else `done` or
/// `cancelled`.
#[utoipa::path(get, path = "/api/v1/followups", tag = "follow-ups", params(FollowUpsQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Page<FollowUp>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list_followups(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<FollowUpsQuery>,
) -> ApiResult<Json<Page<FollowUp>>> {
    let paging = Paging::parse(q.limit, q.offset)?;
    let query = FollowUpQuery {
        due_before: match q.due_before.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => Some(parse_date("due_before", s)?),
            None => None,
        },
        state: match q.state.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => Some(StateFilter::parse(s)?),
            None => None,
        },
        person: query_id("person", q.person.as_deref())?.map(Into::into),
        agreement: query_id("agreement", q.agreement.as_deref())?.map(Into::into),
    };
    Ok(Json(
        state
            .core
            .followup
            .followups(&actor, &query, paging)
            .await?
            .into(),
    ))
}

/// A follow-up with the checklist version it is answered with, its
/// actions, and your party (`employee` or `manager`).
#[utoipa::path(get, path = "/api/v1/followups/{id}", tag = "follow-ups",
    params(("id" = String, Path, description = "follow-up id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = FollowUpDetail), (status = 404, body = ErrorBody)))]
pub async fn get_followup(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<FollowUpDetail>> {
    Ok(Json(
        state
            .core
            .followup
            .followup(&actor, id.into())
            .await?
            .into(),
    ))
}

/// Save answers (the employee, their managers or HR); with `complete`,
/// confirm them as your party's. A change of answers clears the other
/// party's confirmation; when the employee and a manager (or HR) have both
/// confirmed, the follow-up is done and risky answers become actions.
/// 409 when `version` is not the stored one, or it is done.
#[utoipa::path(post, path = "/api/v1/followups/{id}/answers", tag = "follow-ups",
    params(("id" = String, Path, description = "follow-up id")),
    request_body = AnswersInput,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = FollowUp), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn answer_followup(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<AnswersInput>,
) -> ApiResult<Json<FollowUp>> {
    Ok(Json(
        state
            .core
            .followup
            .answer_followup(&actor, id.into(), &body.into())
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct TalkBody {
    /// The day of the development talk, YYYY-MM-DD.
    #[schema(format = Date)]
    date: String,
}

/// The manager (or HR) sets the development talk for an active agreement's
/// employee: a follow-up of kind `development_talk` due that day.
#[utoipa::path(post, path = "/api/v1/agreements/{id}/development-talk", tag = "follow-ups",
    params(("id" = String, Path, description = "agreement id")),
    request_body = TalkBody,
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = FollowUp), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn development_talk(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<TalkBody>,
) -> ApiResult<(StatusCode, Json<FollowUp>)> {
    state
        .core
        .agreements
        .check_development_talk(&actor, id.into())
        .await?;
    let date = parse_date("date", &body.date)?;
    let f = state
        .core
        .agreements
        .schedule_development_talk(&actor, id.into(), date)
        .await?;
    Ok((StatusCode::CREATED, Json(f.into())))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActionsQuery {
    /// open or closed.
    state: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// Actions from follow-ups, by due date: of your own follow-ups and those
/// you own; a manager's units' people's; HR's all.
#[utoipa::path(get, path = "/api/v1/actions", tag = "follow-ups", params(ActionsQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Page<FollowUpAction>), (status = 400, body = ErrorBody)))]
pub async fn list_actions(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ActionsQuery>,
) -> ApiResult<Json<Page<FollowUpAction>>> {
    let paging = Paging::parse(q.limit, q.offset)?;
    let st = match q.state.as_deref().filter(|s| !s.is_empty()) {
        Some("open") => Some(ActionState::Open),
        Some("closed") => Some(ActionState::Closed),
        Some(_) => return Err(CoreError::invalid("state", "must be open or closed").into()),
        None => None,
    };
    Ok(Json(
        state
            .core
            .followup
            .actions(&actor, st, paging)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct CloseActionBody {
    /// What was done.
    note: String,
}

/// Close an action with a note of what was done (its owner, the employee's
/// managers, HR).
#[utoipa::path(post, path = "/api/v1/actions/{id}/close", tag = "follow-ups",
    params(("id" = String, Path, description = "action id")),
    request_body = CloseActionBody,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = FollowUpAction), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn close_action(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<CloseActionBody>,
) -> ApiResult<Json<FollowUpAction>> {
    Ok(Json(
        state
            .core
            .followup
            .close_action(&actor, id.into(), &body.note)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ActionPatch {
    /// A new owner (person id).
    owner: Option<String>,
    /// A new due date, YYYY-MM-DD.
    #[schema(format = Date)]
    due: Option<String>,
}

/// Change an action's owner or due date (its owner, the employee's managers, HR).
#[utoipa::path(patch, path = "/api/v1/actions/{id}", tag = "follow-ups",
    params(("id" = String, Path, description = "action id")),
    request_body = ActionPatch,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = FollowUpAction), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn update_action(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<ActionPatch>,
) -> ApiResult<Json<FollowUpAction>> {
    let owner = query_id("owner", body.owner.as_deref())?;
    let due = match body.due.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(parse_date("due", s)?),
        None => None,
    };
    Ok(Json(
        state
            .core
            .followup
            .update_action(&actor, id.into(), owner.map(Into::into), due)
            .await?
            .into(),
    ))
}
