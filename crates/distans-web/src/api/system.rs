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

/// 200 when the database answers, 503 when it does not.
#[utoipa::path(get, path = "/healthz", tag = "system",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let engine = state.core.system.engine().to_string();
    match state.core.system.health().await {
        Ok(()) => (
            StatusCode::OK,
            Json(Health {
                status: "ok".into(),
                database: engine,
            }),
        ),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "unavailable".into(),
                    database: engine,
                }),
            )
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
