//! Who is calling: a session cookie or a bearer token becomes an
//! [`Actor`]; sign-in checks the password (argon2id, off the async threads)
//! behind a rate limit.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use distans_core::kernel::Actor;
use distans_core::CoreError;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tower_sessions::Session;
use uuid::Uuid;

use crate::error::ApiError;
use crate::AppState;

pub const SESSION_PERSON: &str = "person_id";
pub const SESSION_CSRF: &str = "csrf";

/// Sign-in attempts allowed per username and per client address.
pub struct LoginLimits {
    by_user: DefaultKeyedRateLimiter<String>,
    by_ip: DefaultKeyedRateLimiter<IpAddr>,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits::new(10, Duration::from_secs(6), 60, Duration::from_millis(500))
    }
}

impl LoginLimits {
    /// `burst` attempts at once, then one more every `every`.
    pub fn new(user_burst: u32, user_every: Duration, ip_burst: u32, ip_every: Duration) -> Self {
        let quota = |burst: u32, every: Duration| {
            Quota::with_period(every)
                .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
                .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN))
        };
        LoginLimits {
            by_user: RateLimiter::keyed(quota(user_burst, user_every)),
            by_ip: RateLimiter::keyed(quota(ip_burst, ip_every)),
        }
    }

    fn check(&self, username: &str, ip: Option<IpAddr>) -> Result<(), CoreError> {
        let wait = |e: governor::NotUntil<governor::clock::QuantaInstant>| {
            let secs = e
                .wait_time_from(governor::clock::Clock::now(
                    &governor::clock::DefaultClock::default(),
                ))
                .as_secs()
                + 1;
            CoreError::RateLimited {
                retry_after_secs: secs,
            }
        };
        if let Some(ip) = ip {
            self.by_ip.check_key(&ip).map_err(wait)?;
        }
        self.by_user
            .check_key(&username.to_lowercase())
            .map_err(wait)
    }
}

/// Checks a username and password; the person's id on success.
pub async fn sign_in(
    state: &AppState,
    username: &str,
    pw: &str,
    ip: Option<IpAddr>,
) -> Result<Uuid, CoreError> {
    match state
        .core
        .identity
        .sign_in(username, pw, |u| state.limits.check(u, ip))
        .await
    {
        Ok(p) => {
            tracing::info!(person = %p, "signed in");
            Ok(p.into())
        }
        Err(CoreError::BadCredentials) => {
            tracing::info!("failed sign-in");
            Err(CoreError::BadCredentials)
        }
        Err(e) => Err(e),
    }
}

/// The client's address, when the server knows it (not in in-process tests).
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Session,
    Token,
}

/// The caller, if signed in (by session or bearer token).
pub struct MaybeActor(pub Option<(Actor, Via)>);

impl FromRequestParts<AppState> for MaybeActor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(h) = parts.headers.get(header::AUTHORIZATION) {
            let v = h.to_str().unwrap_or("");
            let Some(secret) = v.strip_prefix("Bearer ").map(str::trim) else {
                return Err(ApiError(CoreError::Unauthenticated));
            };
            return match state.core.identity.actor_by_token(secret).await? {
                Some(a) => Ok(MaybeActor(Some((a, Via::Token)))),
                None => Err(ApiError(CoreError::Unauthenticated)),
            };
        }
        let Ok(session) = Session::from_request_parts(parts, state).await else {
            return Ok(MaybeActor(None));
        };
        let person: Option<Uuid> = session.get(SESSION_PERSON).await.ok().flatten();
        match person {
            Some(p) => Ok(MaybeActor(
                state
                    .core
                    .identity
                    .actor(p.into())
                    .await?
                    .map(|a| (a, Via::Session)),
            )),
            None => Ok(MaybeActor(None)),
        }
    }
}

/// A signed-in caller of the API; 401 otherwise. A POST with a session
/// cookie must be JSON: a cross-site form can only send form encodings, and
/// PUT, PATCH and DELETE cannot come cross-site without a CORS preflight
/// (which we never grant). With SameSite=Lax cookies this keeps CSRF out.
pub struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let MaybeActor(found) = MaybeActor::from_request_parts(parts, state).await?;
        let Some((actor, via)) = found else {
            return Err(ApiError(CoreError::Unauthenticated));
        };
        if via == Via::Session && parts.method == Method::POST && !is_json(parts) {
            return Err(ApiError(CoreError::forbidden(
                "requests that change something must send Content-Type: application/json",
            )));
        }
        Ok(ApiActor(actor))
    }
}

pub fn is_json(parts: &Parts) -> bool {
    is_json_headers(&parts.headers)
}

/// Whether a request says it sends JSON.
pub fn is_json_headers(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// Compares two secrets in constant time.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_stop_a_burst() {
        let l = LoginLimits::new(3, Duration::from_secs(60), 100, Duration::from_millis(1));
        for _ in 0..3 {
            assert!(l.check("anna", None).is_ok());
        }
        assert!(matches!(
            l.check("Anna", None),
            Err(CoreError::RateLimited { .. })
        ));
        assert!(l.check("bo", None).is_ok());
    }

    #[test]
    fn secrets_compare() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
    }
}
