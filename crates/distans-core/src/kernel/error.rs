//! The one error type of the domain. The web layer maps it to HTTP statuses
//! and pages; its `code` strings are part of the public API and stable.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CoreError {
    /// Nobody is signed in (401).
    #[error("sign in first")]
    Unauthenticated,
    /// Wrong username or password (401).
    #[error("wrong username or password")]
    BadCredentials,
    /// Signed in, but this role may not do this (403).
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// Unknown, or not visible to the caller (404). Never tells which.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Malformed or invalid input (400), naming the field.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// The thing changed meanwhile, or a state forbids the change (409).
    #[error("{0}")]
    Conflict(String),
    /// Breaks a rule of the policy or the organisation (422).
    #[error("{message}")]
    Rule {
        field: Option<String>,
        message: String,
    },
    /// The change would open a gap in on-site coverage (409): a warning
    /// that the unit's managers may override with `allow_gap`.
    #[error("{message}")]
    CoverageGap {
        message: String,
        gaps: Vec<crate::kernel::gap::GapWarning>,
    },
    /// Too many attempts (429).
    #[error("too many attempts, try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// The request is larger than the product takes (413).
    #[error("the request is larger than {limit_bytes} bytes")]
    TooLarge { limit_bytes: u64 },
    /// The database cannot take the request now: it is gone, read-only or
    /// full (503). Nothing was changed; try again later.
    #[error(
        "the service is unavailable for the moment ({why}); try again in {retry_after_secs} s"
    )]
    Unavailable {
        why: &'static str,
        retry_after_secs: u64,
    },
    /// Something broke inside; the text is for the log, never the client.
    #[error("internal error: {0}")]
    Internal(String),
}

impl CoreError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        CoreError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn forbidden(why: impl Into<String>) -> Self {
        CoreError::Forbidden(why.into())
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        CoreError::Internal(e.to_string())
    }

    /// The stable machine-readable code of the API's error shape.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::Unauthenticated => "unauthenticated",
            CoreError::BadCredentials => "bad_credentials",
            CoreError::Forbidden(_) => "forbidden",
            CoreError::NotFound(_) => "not_found",
            CoreError::Invalid { .. } => "invalid",
            CoreError::Conflict(_) => "conflict",
            CoreError::Rule { .. } => "rule_broken",
            CoreError::CoverageGap { .. } => "coverage_gap",
            CoreError::RateLimited { .. } => "rate_limited",
            CoreError::TooLarge { .. } => "too_large",
            CoreError::Unavailable { .. } => "unavailable",
            CoreError::Internal(_) => "internal",
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            CoreError::Invalid { field, .. } => Some(field),
            CoreError::Rule { field, .. } => field.as_deref(),
            CoreError::CoverageGap { .. } => Some("allow_gap"),
            CoreError::TooLarge { .. } => Some("body"),
            _ => None,
        }
    }
}

pub type CoreResult<T> = Result<T, CoreError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_its_stable_code_and_field() {
        let all = [
            (CoreError::Unauthenticated, "unauthenticated", None),
            (CoreError::BadCredentials, "bad_credentials", None),
            (CoreError::forbidden("x"), "forbidden", None),
            (CoreError::NotFound("person"), "not_found", None),
            (CoreError::invalid("start", "m"), "invalid", Some("start")),
            (CoreError::Conflict("c".into()), "conflict", None),
            (
                CoreError::Rule {
                    field: Some("days_per_week".into()),
                    message: "m".into(),
                },
                "rule_broken",
                Some("days_per_week"),
            ),
            (
                CoreError::Rule {
                    field: None,
                    message: "m".into(),
                },
                "rule_broken",
                None,
            ),
            (
                CoreError::CoverageGap {
                    message: "m".into(),
                    gaps: vec![],
                },
                "coverage_gap",
                Some("allow_gap"),
            ),
            (
                CoreError::RateLimited {
                    retry_after_secs: 3,
                },
                "rate_limited",
                None,
            ),
            (
                CoreError::TooLarge { limit_bytes: 10 },
                "too_large",
                Some("body"),
            ),
            (
                CoreError::Unavailable {
                    why: "the database is full",
                    retry_after_secs: 5,
                },
                "unavailable",
                None,
            ),
            (CoreError::internal("db down"), "internal", None),
        ];
        for (e, code, field) in all {
            assert_eq!((e.code(), e.field()), (code, field), "{e:?}");
        }
    }

    #[test]
    fn messages_read_as_sentences() {
        assert_eq!(
            CoreError::invalid("end", "must not be before start").to_string(),
            "end: must not be before start"
        );
        assert_eq!(
            CoreError::NotFound("request").to_string(),
            "request not found"
        );
        assert_eq!(
            CoreError::RateLimited {
                retry_after_secs: 30
            }
            .to_string(),
            "too many attempts, try again in 30 s"
        );
        assert_eq!(
            CoreError::forbidden("only HR").to_string(),
            "not allowed: only HR"
        );
    }
}
