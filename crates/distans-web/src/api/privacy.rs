//! Personal data and public records: a person's own data (and HR
//! producing it for a person), the disposal rules, legal holds, disposal
//! runs and the privacy notice.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use distans_core::kernel::dates::parse_date;
use distans_core::privacy::service::RunBy;
use distans_core::privacy::{self as core_privacy, DisposalAction, RecordType, RuleChange};
use distans_core::CoreError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;

use super::extract::ApiJson;
use super::IdPath;
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use crate::AppState;

type Records = Vec<BTreeMap<String, Value>>;

/// Who asked for the document.
#[derive(Serialize, ToSchema)]
pub struct Requested {
    /// `own` (the person) or `hr` (a request the person made, registered by HR).
    by: String,
    /// The registered request's reference, when HR produced it.
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
}

/// Everything distans holds about one person (GDPR Art. 15), as one
/// document: a key per kind of record. Another person appears only by
/// role (`you`, `manager`, `hr`, `manager_or_hr`, `colleague`, `staff`),
/// never by name or id; secrets and hashes are never included. Each
/// section holds at most 5,000 records; `truncated` names those cut.
#[derive(Serialize, ToSchema)]
pub struct PersonalData {
    /// `distans-personal-data/1`.
    format: String,
    person: uuid::Uuid,
    generated_at: OffsetDateTime,
    requested: Requested,
    #[schema(value_type = Vec<Object>)]
    profile: Records,
    #[schema(value_type = Vec<Object>)]
    roles: Records,
    #[schema(value_type = Vec<Object>)]
    units_managed: Records,
    #[schema(value_type = Vec<Object>)]
    commute: Records,
    #[schema(value_type = Vec<Object>)]
    requests: Records,
    #[schema(value_type = Vec<Object>)]
    request_events: Records,
    /// With the text as signed.
    #[schema(value_type = Vec<Object>)]
    agreements: Records,
    /// Days of published rotations.
    #[schema(value_type = Vec<Object>)]
    plan_days: Records,
    #[schema(value_type = Vec<Object>)]
    occasional_days: Records,
    #[schema(value_type = Vec<Object>)]
    absences: Records,
    #[schema(value_type = Vec<Object>)]
    followups: Records,
    #[schema(value_type = Vec<Object>)]
    risk_assessments: Records,
    #[schema(value_type = Vec<Object>)]
    followup_actions: Records,
    #[schema(value_type = Vec<Object>)]
    deviations_reported: Records,
    #[schema(value_type = Vec<Object>)]
    deviations_concerning: Records,
    #[schema(value_type = Vec<Object>)]
    equipment_loans: Records,
    #[schema(value_type = Vec<Object>)]
    notifications: Records,
    #[schema(value_type = Vec<Object>)]
    emails: Records,
    /// Personal API tokens: names and dates, never the token.
    #[schema(value_type = Vec<Object>)]
    tokens: Records,
    #[schema(value_type = Vec<Object>)]
    password_links: Records,
    /// Whether a calendar feed exists (its secret address is not repeated).
    #[schema(value_type = Vec<Object>)]
    calendar_feed: Records,
    /// Entries about the person (in full), and what they did (action and time).
    #[schema(value_type = Vec<Object>)]
    audit_entries: Records,
    truncated: Vec<String>,
}

/// The person's data as the JSON document the API describes.
fn document(data: &core_privacy::PersonalData) -> ApiResult<Json<Value>> {
    let v = serde_json::to_value(data).map_err(|e| CoreError::Internal(e.to_string()))?;
    Ok(Json(v))
}

/// Everything distans holds about the signed-in person (GDPR Art. 15).
#[utoipa::path(get, path = "/api/v1/me/export", tag = "personal data",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = PersonalData), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn export_my_data(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<Value>> {
    let data = state.core.privacy.export_own(&actor).await?;
    document(&data)
}

#[derive(Deserialize, ToSchema)]
pub struct ExportBody {
    /// The reference (registry number) of the person's request.
    reference: String,
}

/// The same document for a person who asked for it, produced by HR; the
/// audit log records who produced it and for which request.
#[utoipa::path(post, path = "/api/v1/people/{id}/export", tag = "personal data",
    params(("id" = String, Path, description = "person id")),
    request_body = ExportBody,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = PersonalData), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn export_person_data(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<ExportBody>,
) -> ApiResult<Json<Value>> {
    let data = state
        .core
        .privacy
        .export_for(&actor, id.into(), &body.reference)
        .await?;
    document(&data)
}

/// One row of the disposal table.
#[derive(Serialize, ToSchema)]
pub struct DisposalRule {
    /// `declined_request`, `ended_agreement`, `plan_days`, `absences`,
    /// `follow_ups`, `risk_assessments`, `deviations`, `notifications`,
    /// `sessions`, `deactivated_people`, `commute` or `audit_payloads`.
    record_type: String,
    /// The event the period counts from.
    anchor: String,
    keep_months: u32,
    /// `delete`, `anonymise` or `keep` (for good, for the archive).
    action: String,
    /// The decision the rule rests on (the document-management plan).
    decision_ref: String,
    decision_date: Date,
    version: i64,
    #[serde(with = "time::serde::rfc3339")]
    updated_at: OffsetDateTime,
    updated_by: String,
}

impl From<core_privacy::DisposalRule> for DisposalRule {
    fn from(r: core_privacy::DisposalRule) -> Self {
        DisposalRule {
            record_type: r.record_type.as_str().into(),
            anchor: r.record_type.anchor().into(),
            keep_months: r.keep_months,
            action: r.action.as_str().into(),
            decision_ref: r.decision_ref,
            decision_date: r.decision_date,
            version: r.version,
            updated_at: r.updated_at,
            updated_by: r.updated_by,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DisposalRules {
    items: Vec<DisposalRule>,
}

/// The disposal table (HR, administrators, auditors).
#[utoipa::path(get, path = "/api/v1/retention/rules", tag = "personal data",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = DisposalRules), (status = 403, body = ErrorBody)))]
pub async fn retention_rules(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<DisposalRules>> {
    let items = state.core.privacy.disposal_rules(&actor).await?;
    Ok(Json(DisposalRules {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct DisposalRuleBody {
    /// Months kept after the anchor event (0–1200).
    keep_months: u32,
    /// `delete`, `anonymise` (only `deactivated_people`) or `keep`.
    action: String,
    /// The decision the rule rests on, e.g. "KS 2026/112, 4.3".
    decision_ref: String,
    #[schema(format = Date)]
    decision_date: String,
    /// The version read (409 when another was saved meanwhile).
    version: i64,
}

/// Changes the rule of a record type (HR).
#[utoipa::path(put, path = "/api/v1/retention/rules/{type}", tag = "personal data",
    params(("type" = String, Path, description = "record type, e.g. absences")),
    request_body = DisposalRuleBody,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = DisposalRule), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn put_retention_rule(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(kind): Path<String>,
    ApiJson(body): ApiJson<DisposalRuleBody>,
) -> ApiResult<Json<DisposalRule>> {
    let t = RecordType::parse(&kind).ok_or(CoreError::NotFound("record type"))?;
    let action = DisposalAction::parse(&body.action)
        .ok_or_else(|| CoreError::invalid("action", "one of delete, anonymise, keep"))?;
    let change = RuleChange {
        keep_months: body.keep_months,
        action,
        decision_ref: body.decision_ref,
        decision_date: parse_date("decision_date", &body.decision_date)?,
        version: body.version,
    };
    let r = state.core.privacy.save_rule(&actor, t, &change).await?;
    Ok(Json(r.into()))
}

/// A legal hold.
#[derive(Serialize, ToSchema)]
pub struct LegalHold {
    id: uuid::Uuid,
    person: Option<uuid::Uuid>,
    /// `kind:id` of the record held.
    record: Option<String>,
    reason: String,
    #[serde(with = "time::serde::rfc3339")]
    placed_at: OffsetDateTime,
    placed_by: String,
    #[serde(with = "time::serde::rfc3339::option")]
    lifted_at: Option<OffsetDateTime>,
    lifted_by: Option<String>,
}

impl From<core_privacy::LegalHold> for LegalHold {
    fn from(h: core_privacy::LegalHold) -> Self {
        LegalHold {
            id: h.id,
            person: h.person.map(|p| p.uuid()),
            record: h.record,
            reason: h.reason,
            placed_at: h.placed_at,
            placed_by: h.placed_by,
            lifted_at: h.lifted_at,
            lifted_by: h.lifted_by,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct LegalHolds {
    items: Vec<LegalHold>,
}

/// Legal holds, those in force first (HR, administrators, auditors).
#[utoipa::path(get, path = "/api/v1/legal-holds", tag = "personal data",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = LegalHolds), (status = 403, body = ErrorBody)))]
pub async fn legal_holds(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<LegalHolds>> {
    let items = state.core.privacy.holds(&actor).await?;
    Ok(Json(LegalHolds {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct HoldBody {
    /// The person held (every record about them) …
    person: Option<uuid::Uuid>,
    /// … or one record, as `kind:id` (kind: request, agreement, absence,
    /// followup, deviation).
    record: Option<String>,
    /// Why (a dispute, an inspection).
    reason: String,
}

/// Places a legal hold: nothing it holds is disposed of until it is lifted (HR).
#[utoipa::path(post, path = "/api/v1/legal-holds", tag = "personal data",
    request_body = HoldBody,
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = LegalHold), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn place_legal_hold(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<HoldBody>,
) -> ApiResult<(StatusCode, Json<LegalHold>)> {
    let h = state
        .core
        .privacy
        .place_hold(
            &actor,
            body.person.map(Into::into),
            body.record.as_deref(),
            &body.reason,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(h.into())))
}

/// Lifts a legal hold (HR); 404 when none with the id is in force.
#[utoipa::path(delete, path = "/api/v1/legal-holds/{id}", tag = "personal data",
    params(("id" = String, Path, description = "legal hold id")),
    security(("session" = []), ("token" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn lift_legal_hold(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    state.core.privacy.lift_hold(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How many records of a type a run disposed of.
#[derive(Serialize, ToSchema)]
pub struct DisposalCount {
    record_type: String,
    action: String,
    /// Records whose period ended before this day.
    before: Date,
    count: u64,
    /// Records due that a legal hold kept.
    held: u64,
    rule_version: i64,
    decision_ref: String,
}

/// A disposal run (kept for good), or what one would do.
#[derive(Serialize, ToSchema)]
pub struct DisposalRun {
    id: uuid::Uuid,
    #[serde(with = "time::serde::rfc3339")]
    at: OffsetDateTime,
    as_of: Date,
    by: String,
    dry_run: bool,
    counts: Vec<DisposalCount>,
}

impl From<core_privacy::DisposalRun> for DisposalRun {
    fn from(r: core_privacy::DisposalRun) -> Self {
        DisposalRun {
            id: r.id,
            at: r.at,
            as_of: r.as_of,
            by: r.by,
            dry_run: r.dry_run,
            counts: r
                .counts
                .into_iter()
                .map(|c| DisposalCount {
                    record_type: c.record_type.as_str().into(),
                    action: c.action.as_str().into(),
                    before: c.before,
                    count: c.count,
                    held: c.held,
                    rule_version: c.rule_version,
                    decision_ref: c.decision_ref,
                })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DisposalRuns {
    items: Vec<DisposalRun>,
}

/// The latest disposal runs, newest first (HR, administrators, auditors).
#[utoipa::path(get, path = "/api/v1/retention/runs", tag = "personal data",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = DisposalRuns), (status = 403, body = ErrorBody)))]
pub async fn retention_runs(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<DisposalRuns>> {
    let items = state.core.privacy.runs(&actor).await?;
    Ok(Json(DisposalRuns {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct RunBody {
    /// Apply the rules as of this day (default today).
    #[schema(format = Date)]
    as_of: Option<String>,
    /// Only count what would be disposed of.
    #[serde(default)]
    dry_run: bool,
}

/// Applies the disposal rules now (HR, administrators); the daily job does
/// the same by itself.
#[utoipa::path(post, path = "/api/v1/retention/runs", tag = "personal data",
    request_body = RunBody,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = DisposalRun), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn run_retention(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<RunBody>,
) -> ApiResult<Json<DisposalRun>> {
    let as_of = body
        .as_of
        .as_deref()
        .map(|d| parse_date("as_of", d))
        .transpose()?;
    let r = state
        .core
        .privacy
        .run(RunBy::Person(&actor), as_of, body.dry_run)
        .await?;
    Ok(Json(r.into()))
}

/// The privacy notice (GDPR Art. 13) under its headings.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct NoticeText {
    /// What personal data is processed.
    what: String,
    /// Why.
    why: String,
    /// On what legal basis.
    legal_basis: String,
    /// How long it is kept.
    how_long: String,
    /// The person's rights.
    rights: String,
    /// The data protection officer and how to reach them.
    dpo: String,
}

/// The privacy notice as HR wrote it; `version` 0 and no `updated_at`
/// while the defaults are shown.
#[derive(Serialize, ToSchema)]
pub struct PrivacyNotice {
    #[serde(flatten)]
    text: NoticeText,
    version: i64,
    #[serde(with = "time::serde::rfc3339::option")]
    updated_at: Option<OffsetDateTime>,
}

/// The privacy notice (also the page `/integritet`, for anyone).
#[utoipa::path(get, path = "/api/v1/privacy-notice", tag = "personal data",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = PrivacyNotice)))]
pub async fn privacy_notice(
    State(state): State<AppState>,
    ApiActor(_actor): ApiActor,
) -> ApiResult<Json<PrivacyNotice>> {
    let n = state.core.privacy.notice().await?;
    Ok(Json(match n {
        Some(n) => PrivacyNotice {
            text: NoticeText {
                what: n.text.what,
                why: n.text.why,
                legal_basis: n.text.legal_basis,
                how_long: n.text.how_long,
                rights: n.text.rights,
                dpo: n.text.dpo,
            },
            version: n.version,
            updated_at: Some(n.updated_at),
        },
        None => {
            let t = |k: &str| crate::i18n::Lang::Sv.t(&format!("pn-default-{k}"));
            PrivacyNotice {
                text: NoticeText {
                    what: t("what"),
                    why: t("why"),
                    legal_basis: t("legal_basis"),
                    how_long: t("how_long"),
                    rights: t("rights"),
                    dpo: t("dpo"),
                },
                version: 0,
                updated_at: None,
            }
        }
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct NoticeBody {
    #[serde(flatten)]
    text: NoticeText,
    /// The version read (0 while the defaults are shown); 409 when another
    /// was saved meanwhile.
    version: i64,
}

/// Saves a new version of the privacy notice (HR).
#[utoipa::path(put, path = "/api/v1/privacy-notice", tag = "personal data",
    request_body = NoticeBody,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = PrivacyNotice), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn put_privacy_notice(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<NoticeBody>,
) -> ApiResult<Json<PrivacyNotice>> {
    let text = core_privacy::NoticeText {
        what: body.text.what,
        why: body.text.why,
        legal_basis: body.text.legal_basis,
        how_long: body.text.how_long,
        rights: body.text.rights,
        dpo: body.text.dpo,
    };
    state
        .core
        .privacy
        .save_notice(&actor, &text, body.version)
        .await?;
    privacy_notice(State(state), ApiActor(actor)).await
}
