//! Health and the audit log.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use distans_core::audit::AuditFilter;
use distans_core::kernel::dates::{check_date, parse_date};
use distans_core::kernel::Paging;
use distans_core::CoreError;
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use super::schema::org::{AuditEntry, ChainReport};
use super::schema::Page;
use super::ApiQuery;
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    status: String,
    database: String,
}

/// Liveness: 200 while the process serves requests, whatever the
/// database does (restarting the server would not mend the database; see
/// `/readyz` for whether it can take requests).
#[utoipa::path(get, path = "/healthz", tag = "system",
    responses((status = 200, body = Health)))]
pub async fn healthz(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        database: state.core.system.engine().to_string(),
    })
}

#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// `ready`, or `not_ready` when the database takes no writes.
    status: String,
    database: String,
    /// Why not, in words (the database is read-only, full, cannot be reached).
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

/// 200 when the database takes writes now (a small write is committed and
/// removed); 503 with `Retry-After` when it is read-only, full or gone. For
/// a load balancer: send traffic only to servers that are ready.
#[utoipa::path(get, path = "/readyz", tag = "system",
    responses((status = 200, body = Readiness),
        (status = 503, body = Readiness, headers(("Retry-After" = u64, description = "seconds")))))]
pub async fn readyz(State(state): State<AppState>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let database = state.core.system.engine().to_string();
    match state.core.system.readiness().await {
        Ok(()) => (
            StatusCode::OK,
            Json(Readiness {
                status: "ready".into(),
                database,
                reason: None,
            }),
        )
            .into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            let reason = match &e {
                CoreError::Unavailable { why, .. } => *why,
                _ => "the database does not take writes",
            };
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(axum::http::header::RETRY_AFTER, "5")],
                Json(Readiness {
                    status: "not_ready".into(),
                    database,
                    reason: Some(reason.into()),
                }),
            )
                .into_response()
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Kind of thing: person, unit, site, token, account, organisation…
    entity: Option<String>,
    /// Id of the thing.
    entity_id: Option<String>,
    /// Entries at or after this date (YYYY-MM-DD) or time (RFC 3339).
    from: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

pub fn parse_from(s: &str) -> Result<OffsetDateTime, CoreError> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        check_date("from", t.to_offset(time::UtcOffset::UTC).date())?;
        return Ok(t);
    }
    // Not a time: a date (whose error says the date's form), within the
    // years accepted.
    parse_date("from", s).map(|d| d.midnight().assume_utc())
}

/// The audit log, newest first. HR, auditors and administrators.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Page<AuditEntry>), (status = 403, body = ErrorBody)))]
pub async fn audit(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<Page<AuditEntry>>> {
    let paging = Paging::parse(q.limit, q.offset)?;
    let filter = AuditFilter {
        entity: q.entity.filter(|s| !s.is_empty()),
        entity_id: q.entity_id.filter(|s| !s.is_empty()),
        from: q
            .from
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(parse_from)
            .transpose()?,
        ..Default::default()
    };
    Ok(Json(
        state
            .core
            .audit
            .audit(&actor, &filter, paging)
            .await?
            .into(),
    ))
}

/// Checks the whole hash chain of the audit log.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = ChainReport), (status = 403, body = ErrorBody)))]
pub async fn audit_verify(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<ChainReport>> {
    Ok(Json(
        state.core.audit.verify_audit(Some(&actor)).await?.into(),
    ))
}
