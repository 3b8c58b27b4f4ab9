//! `CoreError` → HTTP. The API answers with the error shape of `api.md`;
//! internal errors are logged with an id and never shown.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use distans_core::CoreError;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable code: unauthenticated, bad_credentials, forbidden, not_found,
    /// invalid, conflict, rule_broken, coverage_gap (send again with
    /// `allow_gap: true` to save anyway, if you may), rate_limited, internal.
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For `coverage_gap`: the rules and days the change would leave short.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gaps: Option<Vec<crate::api::schema::plan::GapWarning>>,
}

pub fn status_of(e: &CoreError) -> StatusCode {
    match e {
        CoreError::Unauthenticated | CoreError::BadCredentials => StatusCode::UNAUTHORIZED,
        CoreError::Forbidden(_) => StatusCode::FORBIDDEN,
        CoreError::NotFound(_) => StatusCode::NOT_FOUND,
        CoreError::Invalid { .. } => StatusCode::BAD_REQUEST,
        CoreError::Conflict(_) | CoreError::CoverageGap { .. } => StatusCode::CONFLICT,
        CoreError::Rule { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        CoreError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        CoreError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        CoreError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
        CoreError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Logs an internal error and returns its id: the request's id when there
/// is one (the id the request's other log lines and its `x-request-id`
/// header carry), else a fresh one.
pub fn log_internal(e: &CoreError, request_id: Option<&str>) -> String {
    let id = request_id
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    tracing::error!(error_id = %id, error = %e, "internal error");
    id
}

/// An error answered as JSON.
#[derive(Debug)]
pub struct ApiError(pub CoreError);

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = status_of(&self.0);
        let message = match &self.0 {
            CoreError::Internal(_) => {
                let id = log_internal(&self.0, None);
                format!("something went wrong on our side (error id {id})")
            }
            e => e.to_string(),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.0.code().into(),
                message,
                field: self.0.field().map(str::to_string),
                gaps: match &self.0 {
                    CoreError::CoverageGap { gaps, .. } => {
                        Some(gaps.iter().cloned().map(Into::into).collect())
                    }
                    _ => None,
                },
            },
        };
        let mut resp = (status, Json(body)).into_response();
        if let CoreError::RateLimited { retry_after_secs }
        | CoreError::Unavailable {
            retry_after_secs, ..
        } = self.0
        {
            if let Ok(v) = retry_after_secs.to_string().parse() {
                resp.headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, v);
            }
        }
        resp
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
