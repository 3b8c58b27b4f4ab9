//! Policy, requests and decisions, agreements, temporary decisions,
//! notifications.

use crate::i18n::Lang;
use crate::notices::{shown, ShownNotice};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use distans_core::agreements;
use distans_core::cases::{RequestState, Verdict};
use distans_core::kernel::dates::parse_date;
use distans_core::kernel::Paging;
use distans_core::CoreError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::query_id;
use super::schema::cases::{
    Agreement, Decision, PolicyRules, PolicyVersion, PolicyView, RemoteRequest, RequestInput,
    RequestPreview, TemporaryDecision, TemporaryDecisionInput,
};
use super::schema::{Page, Wire};
use super::{ApiJson, ApiQuery, IdPath};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use crate::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PolicyQuery {
    /// The day (YYYY-MM-DD); default today.
    #[param(format = Date)]
    on: Option<String>,
    /// The unit whose overrides apply; default your own.
    unit: Option<String>,
}

/// The policy version in force, and the rules as they apply in a unit.
#[utoipa::path(get, path = "/api/v1/policy", tag = "policy", params(PolicyQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = PolicyView), (status = 401, body = ErrorBody)))]
pub async fn get_policy(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<PolicyQuery>,
) -> ApiResult<Json<PolicyView>> {
    let on =
        q.on.as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| parse_date("on", s))
            .transpose()?;
    let unit = query_id("unit", q.unit.as_deref())?;
    Ok(Json(
        state
            .core
            .policy
            .policy(&actor, on, unit.map(Into::into))
            .await?
            .into(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct PolicyVersions {
    items: Vec<PolicyVersion>,
}

/// Every version of the policy, newest first.
#[utoipa::path(get, path = "/api/v1/policy/versions", tag = "policy",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = PolicyVersions)))]
pub async fn policy_versions(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<PolicyVersions>> {
    Ok(Json(PolicyVersions {
        items: state.core.policy.policy_versions(&actor).await?.wire(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct NewPolicyVersion {
    /// The first day it applies (today or later).
    #[schema(format = Date)]
    valid_from: String,
    #[serde(flatten)]
    rules: PolicyRules,
}

/// A new version of the policy (HR).
#[utoipa::path(post, path = "/api/v1/policy/versions", tag = "policy", request_body = NewPolicyVersion,
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = PolicyVersion), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn add_policy_version(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<NewPolicyVersion>,
) -> ApiResult<(StatusCode, Json<PolicyVersion>)> {
    let from = parse_date("valid_from", &body.valid_from)?;
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .core
                .policy
                .add_policy_version(&actor, body.rules.into(), from)
                .await?
                .into(),
        ),
    ))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct Template {
    version: i64,
    /// Sections start with "## "; placeholders are written {like_this}.
    text: String,
}

/// The agreement template (HR).
#[utoipa::path(get, path = "/api/v1/agreement-template", tag = "policy",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Template), (status = 403, body = ErrorBody)))]
pub async fn get_template(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<Template>> {
    let (version, text) = state.core.agreements.agreement_template(&actor).await?;
    Ok(Json(Template { version, text }))
}

/// A new version of the agreement template (HR). `version` is the one you
/// edited; if someone saved meanwhile, 409.
#[utoipa::path(put, path = "/api/v1/agreement-template", tag = "policy", request_body = Template,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Template), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn put_template(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<Template>,
) -> ApiResult<Json<Template>> {
    let version = state
        .core
        .agreements
        .set_agreement_template(&actor, &body.text, body.version)
        .await?;
    Ok(Json(Template {
        version,
        text: body.text.replace("\r\n", "\n"),
    }))
}

/// Apply for a regular remote-work arrangement. Judged against the policy
/// and your tasks; 422 names the rule it breaks.
#[utoipa::path(post, path = "/api/v1/requests", tag = "requests", request_body = RequestInput,
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = RemoteRequest), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn submit_request(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<RequestInput>,
) -> ApiResult<(StatusCode, Json<RemoteRequest>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .core
                .cases
                .submit_request(&actor, &body.into())
                .await?
                .into(),
        ),
    ))
}

/// Check a request without sending it: who would decide it, or which rule it breaks.
#[utoipa::path(post, path = "/api/v1/requests/preview", tag = "requests", request_body = RequestInput,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = RequestPreview), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn preview_request(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<RequestInput>,
) -> ApiResult<Json<RequestPreview>> {
    Ok(Json(
        state
            .core
            .cases
            .preview_request(&actor, &body.into())
            .await?
            .into(),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestsQuery {
    /// submitted, changes_requested, approved, declined, withdrawn
    state: Option<String>,
    /// Only your own.
    mine: Option<bool>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// Requests you may see: your own, your units' (managers), all (HR, auditors).
#[utoipa::path(get, path = "/api/v1/requests", tag = "requests", params(RequestsQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Page<RemoteRequest>), (status = 400, body = ErrorBody)))]
pub async fn list_requests(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<RequestsQuery>,
) -> ApiResult<Json<Page<RemoteRequest>>> {
    let paging = Paging::parse(q.limit, q.offset)?;
    let st = match q.state.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(RequestState::parse(s).ok_or_else(|| {
            CoreError::invalid("state", format!("\"{s}\" is not a request state"))
        })?),
        None => None,
    };
    Ok(Json(
        state
            .core
            .cases
            .requests(&actor, st, q.mine.unwrap_or(false), paging)
            .await?
            .into(),
    ))
}

/// A request with its history.
#[utoipa::path(get, path = "/api/v1/requests/{id}", tag = "requests",
    params(("id" = String, Path, description = "request id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = RemoteRequest), (status = 404, body = ErrorBody)))]
pub async fn get_request(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<RemoteRequest>> {
    Ok(Json(
        state.core.cases.request(&actor, id.into()).await?.into(),
    ))
}

/// Change a request that was sent back for changes, and send it again.
#[utoipa::path(put, path = "/api/v1/requests/{id}", tag = "requests", request_body = RequestInput,
    params(("id" = String, Path, description = "request id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = RemoteRequest), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn resubmit_request(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<RequestInput>,
) -> ApiResult<Json<RemoteRequest>> {
    Ok(Json(
        state
            .core
            .cases
            .resubmit_request(&actor, id.into(), &body.into(), None)
            .await?
            .into(),
    ))
}

/// Withdraw your own open request.
#[utoipa::path(post, path = "/api/v1/requests/{id}/withdraw", tag = "requests",
    params(("id" = String, Path, description = "request id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = RemoteRequest), (status = 409, body = ErrorBody)))]
pub async fn withdraw_request(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<RemoteRequest>> {
    Ok(Json(
        state
            .core
            .cases
            .withdraw_request(&actor, id.into())
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct DecisionBody {
    decision: Decision,
    /// Required when declining or asking for changes.
    reason: Option<String>,
    /// The request's `version` you decided on; 409 if it changed since.
    version: Option<i64>,
    /// Approve even though the fixed weekdays open a coverage gap in the
    /// first four weeks (else 409 `coverage_gap` naming the rules and days).
    #[serde(default)]
    allow_gap: bool,
}

/// Approve, decline or ask for changes. Approval creates the agreement
/// (`agreement_id`).
#[utoipa::path(post, path = "/api/v1/requests/{id}/decision", tag = "requests", request_body = DecisionBody,
    params(("id" = String, Path, description = "request id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = RemoteRequest), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn decide(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<DecisionBody>,
) -> ApiResult<Json<RemoteRequest>> {
    Ok(Json(
        state
            .core
            .cases
            .decide(
                &actor,
                id.into(),
                Verdict {
                    decision: body.decision.into(),
                    reason: body.reason.as_deref(),
                    expected: body.version,
                    allow_gap: body.allow_gap,
                },
            )
            .await?
            .into(),
    ))
}

/// An agreement.
#[utoipa::path(get, path = "/api/v1/agreements/{id}", tag = "agreements",
    params(("id" = String, Path, description = "agreement id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Agreement), (status = 404, body = ErrorBody)))]
pub async fn get_agreement(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<Agreement>> {
    Ok(Json(
        state
            .core
            .agreements
            .agreement(&actor, id.into())
            .await?
            .into(),
    ))
}

/// The agreement as a PDF for the archive: its text, the facts, both
/// signatures with their times and, once frozen, the text's SHA-256.
#[utoipa::path(get, path = "/api/v1/agreements/{id}/pdf", tag = "agreements",
    params(("id" = String, Path, description = "agreement id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, description = "The PDF", content_type = "application/pdf"), (status = 404, body = ErrorBody)))]
pub async fn agreement_pdf(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let g = state.core.agreements.agreement(&actor, id.into()).await?;
    let organisation = state
        .core
        .org
        .units(
            &actor,
            None,
            Some(0),
            Paging {
                limit: 1,
                offset: 0,
            },
        )
        .await?
        .items
        .first()
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let doc = agreement_document(&g, organisation);
    let bytes = tokio::task::spawn_blocking(move || distans_pdf::agreement_pdf(&doc))
        .await
        .map_err(CoreError::internal)?
        .map_err(CoreError::internal)?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/pdf".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"overenskommelse-{}.pdf\"", g.id),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The PDF's content, in Swedish (the agreement's language), told in words:
/// the parties by name, the state as a word, times in local time.
pub fn agreement_document(
    g: &agreements::Agreement,
    organisation: String,
) -> distans_pdf::AgreementDoc {
    let local = |t: &Option<time::OffsetDateTime>| t.as_ref().map(crate::localtime::minute);
    let utc = |t: &Option<time::OffsetDateTime>| {
        let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
        t.as_ref()
            .and_then(|t| t.to_offset(time::UtcOffset::UTC).format(&f).ok())
    };
    let weekdays: Vec<&str> = g.terms.weekdays().iter().map(|w| w.swedish()).collect();
    let mut state = Lang::Sv.t(&format!("agreement-state-{}", g.state.as_str()));
    if let Some(first) = state.get(..1) {
        state = first.to_uppercase() + &state[1..];
    }
    let facts = vec![
        ("Medarbetare".to_string(), g.person_name.clone()),
        ("Beslutad av".to_string(), g.decider_name.clone()),
        (
            "Omfattning".to_string(),
            format!(
                "{} dagar per vecka{}",
                g.terms.days_per_week(),
                if weekdays.is_empty() {
                    String::new()
                } else {
                    format!(": {}", weekdays.join(", "))
                }
            ),
        ),
        (
            "Period".to_string(),
            match g.terms.end() {
                Some(end) => format!("{} – {}", g.terms.start(), end),
                None => format!("Från och med {}, tills vidare", g.terms.start()),
            },
        ),
        ("Policyversion".to_string(), g.policy_version.to_string()),
        ("Status".to_string(), state),
    ];
    distans_pdf::AgreementDoc {
        title: "Överenskommelse om distansarbete".into(),
        organisation,
        reference: format!("{}, från och med {}", g.person_name, g.terms.start()),
        sections: distans_core::agreements::rules::sections(&g.text)
            .into_iter()
            .map(|(heading, paragraphs)| distans_pdf::Section {
                heading,
                paragraphs,
            })
            .collect(),
        facts,
        signatures: vec![
            distans_pdf::Signature {
                role: "Medarbetare".into(),
                name: g.person_name.clone(),
                signed_at: local(&g.employee_signed_at),
                signed_utc: utc(&g.employee_signed_at),
            },
            distans_pdf::Signature {
                role: "För arbetsgivaren".into(),
                name: g.decider_name.clone(),
                signed_at: local(&g.decider_signed_at),
                signed_utc: utc(&g.decider_signed_at),
            },
        ],
        text_sha256: g.text_sha256.clone(),
        language: "sv".into(),
    }
}

#[derive(Deserialize, ToSchema, Default)]
pub struct SendBody {
    /// The text, if the decider adjusted the template's text for this case.
    text: Option<String>,
}

/// Send a draft agreement for signatures (the one who decided, or HR).
#[utoipa::path(post, path = "/api/v1/agreements/{id}/send", tag = "agreements", request_body = SendBody,
    params(("id" = String, Path, description = "agreement id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Agreement), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn send_agreement(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<SendBody>,
) -> ApiResult<Json<Agreement>> {
    let agreements = &state.core.agreements;
    Ok(Json(
        agreements
            .send_agreement(&actor, id.into(), body.text.as_deref())
            .await?
            .into(),
    ))
}

/// Sign an agreement (the employee, or the one who decided). When both
/// have signed it is active and its text frozen.
#[utoipa::path(post, path = "/api/v1/agreements/{id}/sign", tag = "agreements",
    params(("id" = String, Path, description = "agreement id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Agreement), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn sign_agreement(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<Agreement>> {
    let agreements = &state.core.agreements;
    Ok(Json(
        agreements.sign_agreement(&actor, id.into()).await?.into(),
    ))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct EndBody {
    reason: Option<String>,
}

/// End an agreement with the notice period (either party, or HR).
#[utoipa::path(post, path = "/api/v1/agreements/{id}/end", tag = "agreements", request_body = EndBody,
    params(("id" = String, Path, description = "agreement id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Agreement), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn end_agreement(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<EndBody>,
) -> ApiResult<Json<Agreement>> {
    let agreements = &state.core.agreements;
    Ok(Json(
        agreements
            .end_agreement(&actor, id.into(), body.reason.as_deref())
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmBody {
    /// The agreement's version as read: a stale one is a 409.
    version: i64,
}

/// Keep the agreement of a person who moved unit (a manager of the new
/// unit, or HR): it holds in the new unit, and the confirming manager
/// signs for the employer from then on. To end it instead, `POST …/end`.
#[utoipa::path(post, path = "/api/v1/agreements/{id}/confirm", tag = "agreements", request_body = ConfirmBody,
    params(("id" = String, Path, description = "agreement id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Agreement), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn confirm_agreement(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<ConfirmBody>,
) -> ApiResult<Json<Agreement>> {
    let agreements = &state.core.agreements;
    Ok(Json(
        agreements
            .confirm_after_move(&actor, id.into(), body.version)
            .await?
            .into(),
    ))
}

/// Agreements of people who moved into the caller's units and wait for a
/// manager there to confirm or end them (HR: all of them).
#[utoipa::path(get, path = "/api/v1/agreements-to-confirm", tag = "agreements",
    params(ListQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Page<Agreement>), (status = 400, body = ErrorBody)))]
pub async fn agreements_to_confirm(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Page<Agreement>>> {
    let agreements = &state.core.agreements;
    Ok(Json(
        agreements
            .agreements_to_confirm(&actor, Paging::parse(q.limit, q.offset)?)
            .await?
            .into(),
    ))
}

/// Issue a temporary decision (HR).
#[utoipa::path(post, path = "/api/v1/temporary-decisions", tag = "temporary decisions", request_body = TemporaryDecisionInput,
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = TemporaryDecision), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn issue_temporary_decision(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<TemporaryDecisionInput>,
) -> ApiResult<(StatusCode, Json<TemporaryDecision>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .core
                .temporary
                .issue_temporary_decision(&actor, &body.into())
                .await?
                .into(),
        ),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    limit: Option<i64>,
    offset: Option<i64>,
}

/// Temporary decisions: all of them for HR and auditors; for others those
/// in force today that concern them.
#[utoipa::path(get, path = "/api/v1/temporary-decisions", tag = "temporary decisions", params(ListQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Page<TemporaryDecision>)))]
pub async fn list_temporary_decisions(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Page<TemporaryDecision>>> {
    let paging = Paging::parse(q.limit, q.offset)?;
    Ok(Json(
        state
            .core
            .temporary
            .temporary_decisions(&actor, paging)
            .await?
            .into(),
    ))
}

/// Your notifications, newest first.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "sign-in", params(ListQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Page<ShownNotice>)))]
pub async fn notifications(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    headers: axum::http::HeaderMap,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Page<ShownNotice>>> {
    let paging = Paging::parse(q.limit, q.offset)?;
    let page = state.core.notify.notifications(&actor, paging).await?;
    let lang = Lang::from_headers(&headers);
    Ok(Json(Page {
        items: page.items.iter().map(|n| shown(n, lang)).collect(),
        total: page.total,
        next: page.next,
    }))
}

/// Mark all your notifications read.
#[utoipa::path(post, path = "/api/v1/me/notifications/read", tag = "sign-in",
    security(("session" = []), ("token" = [])),
    responses((status = 204)))]
pub async fn notifications_read(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<StatusCode> {
    state.core.notify.mark_notifications_read(&actor).await?;
    Ok(StatusCode::NO_CONTENT)
}
