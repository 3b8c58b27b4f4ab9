//! Who is calling: a session cookie or a bearer token becomes an
//! [`Actor`]; sign-in checks the password (argon2id, off the async threads)
//! behind a rate limit.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use distans_core::identity::rules::{backoff, external};
use distans_core::identity::SessionActor;
use distans_core::kernel::Actor;
use distans_core::CoreError;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tower_sessions::Session;
use uuid::Uuid;

use crate::error::ApiError;
use crate::AppState;

pub const SESSION_PERSON: &str = "person_id";
pub const SESSION_CSRF: &str = "csrf";
/// How the session's person signed in: `password` or `oidc`.
pub const SESSION_VIA: &str = "signed_in_by";

/// How sign-in attempts are slowed: per client address, a steady rate;
/// per username and client, a wait after failures that doubles with each
/// one ([`backoff`]). Guessing wrong at someone's username from one place
/// never keeps them out from another. Held in this server's memory: with
/// several servers each keeps its own count.
pub struct LoginLimits {
    by_ip: DefaultKeyedRateLimiter<IpAddr>,
    failures: Mutex<HashMap<(String, Option<IpAddr>), Failures>>,
}

/// Failed sign-ins in a row for one username from one client.
struct Failures {
    count: u32,
    last: Instant,
    next_try: Instant,
}

/// Clients tracked at most; beyond it, those quiet for an hour are forgotten.
const MAX_TRACKED: usize = 10_000;
const FORGET_AFTER: Duration = Duration::from_secs(3600);

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits::new(60, Duration::from_millis(500))
    }
}

impl LoginLimits {
    /// Per client address: `burst` attempts at once, then one more every `every`.
    pub fn new(ip_burst: u32, ip_every: Duration) -> Self {
        let quota = Quota::with_period(ip_every)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(ip_burst).unwrap_or(NonZeroU32::MIN));
        LoginLimits {
            by_ip: RateLimiter::keyed(quota),
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn failures(&self) -> std::sync::MutexGuard<'_, HashMap<(String, Option<IpAddr>), Failures>> {
        self.failures.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn key(username: &str, ip: Option<IpAddr>) -> (String, Option<IpAddr>) {
        (username.trim().to_lowercase(), ip)
    }

    /// Whether `username` may try now from `ip`; 429 with the wait if not.
    pub fn check(&self, username: &str, ip: Option<IpAddr>, now: Instant) -> Result<(), CoreError> {
        if let Some(ip) = ip {
            self.by_ip.check_key(&ip).map_err(|e| {
                let clock = governor::clock::DefaultClock::default();
                let wait = e.wait_time_from(governor::clock::Clock::now(&clock));
                rate_limited(wait)
            })?;
        }
        match self.failures().get(&Self::key(username, ip)) {
            Some(f) if f.next_try > now => Err(rate_limited(f.next_try - now)),
            _ => Ok(()),
        }
    }

    /// A wrong password for `username` from `ip`: the next try waits longer.
    pub fn failed(&self, username: &str, ip: Option<IpAddr>, now: Instant) {
        let mut all = self.failures();
        if all.len() >= MAX_TRACKED {
            all.retain(|_, f| now.saturating_duration_since(f.last) < FORGET_AFTER);
        }
        let f = all.entry(Self::key(username, ip)).or_insert(Failures {
            count: 0,
            last: now,
            next_try: now,
        });
        f.count = f.count.saturating_add(1);
        f.last = now;
        f.next_try = now + Duration::from_secs(backoff::wait_secs(f.count));
    }

    /// A successful sign-in clears the count for that username and client.
    pub fn succeeded(&self, username: &str, ip: Option<IpAddr>) {
        self.failures().remove(&Self::key(username, ip));
    }
}

/// 429, saying in whole seconds (at least one) when to try again.
fn rate_limited(wait: Duration) -> CoreError {
    CoreError::RateLimited {
        retry_after_secs: u64::try_from(wait.as_millis().div_ceil(1000))
            .unwrap_or(u64::MAX)
            .max(1),
    }
}

/// Why a right password is refused when local sign-in is turned off.
pub const LOCAL_LOGIN_OFF: &str =
    "sign-in with a password is turned off; sign in through the organisation's identity provider";

/// Checks a username and password; the person's id on success. With local
/// sign-in turned off only administrators get in this way (403 for others).
pub async fn sign_in(
    state: &AppState,
    username: &str,
    pw: &str,
    ip: Option<IpAddr>,
) -> Result<Uuid, CoreError> {
    match state
        .core
        .identity
        .sign_in(username, pw, |u| state.limits.check(u, ip, Instant::now()))
        .await
    {
        Ok(p) => {
            state.limits.succeeded(username, ip);
            if !state.config.local_login {
                // Break glass: with local sign-in off, administrators still
                // get in with their password.
                let roles = match state.core.identity.actor(p).await? {
                    Some(a) => a.roles,
                    None => Vec::new(),
                };
                if !external::local_sign_in_allowed(false, &roles) {
                    tracing::info!(person = %p, "refused sign-in: local sign-in is off");
                    return Err(CoreError::forbidden(LOCAL_LOGIN_OFF));
                }
            }
            tracing::info!(person = %p, via = "password", "signed in");
            Ok(p.into())
        }
        Err(CoreError::BadCredentials) => {
            state.limits.failed(username, ip, Instant::now());
            tracing::info!("failed sign-in");
            Err(CoreError::BadCredentials)
        }
        Err(e) => Err(e),
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
        let Some(id) = session.id() else {
            return Ok(MaybeActor(None));
        };
        // The session's person from its own column, remembered between
        // requests while the database's sign-in counter stands still (one
        // short read per request). Sessions that name no person there, and
        // ended ones (whose cookie is then removed), are read in full.
        if let SessionActor::SignedIn(a) = state
            .core
            .identity
            .session_actor(&id.to_string())
            .await
            .map_err(ApiError)?
        {
            return Ok(MaybeActor(Some((a, Via::Session))));
        }
        // A session that cannot be read because the database is away is
        // not "signed out": the caller is told to come back (503).
        let person: Option<Uuid> = match session.get(SESSION_PERSON).await {
            Ok(p) => p,
            Err(tower_sessions::session::Error::Store(
                tower_sessions::session_store::Error::Backend(e),
            )) => {
                tracing::warn!(error = %e, "could not read the session");
                return Err(ApiError(CoreError::Unavailable {
                    why: "the database cannot be reached",
                    retry_after_secs: 5,
                }));
            }
            Err(_) => None,
        };
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

    fn wait(r: Result<(), CoreError>) -> Option<u64> {
        match r {
            Ok(()) => None,
            Err(CoreError::RateLimited { retry_after_secs }) => Some(retry_after_secs),
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn failures_slow_that_username_from_that_client_only() {
        let l = LoginLimits::default();
        let (here, there) = (
            Some("192.0.2.1".parse().unwrap()),
            Some("198.51.100.2".parse().unwrap()),
        );
        let t0 = Instant::now();
        for _ in 0..backoff::FREE_FAILURES {
            assert_eq!(wait(l.check("anna", here, t0)), None);
            l.failed("anna", here, t0);
        }
        // The next try from here waits; the name is the same in any case.
        assert_eq!(wait(l.check("Anna ", here, t0)), Some(1));
        // Anna from elsewhere, and others from here, are not slowed.
        assert_eq!(wait(l.check("anna", there, t0)), None);
        assert_eq!(wait(l.check("bo", here, t0)), None);
        // After the wait one more try is allowed; failing it doubles the wait.
        let t1 = t0 + Duration::from_secs(1);
        assert_eq!(wait(l.check("anna", here, t1)), None);
        l.failed("anna", here, t1);
        assert_eq!(wait(l.check("anna", here, t1)), Some(2));
        // Never a lock: the wait passes, and a success clears the count.
        let t2 = t1 + Duration::from_secs(2);
        assert_eq!(wait(l.check("anna", here, t2)), None);
        l.succeeded("anna", here);
        l.failed("anna", here, t2);
        assert_eq!(wait(l.check("anna", here, t2)), None);
    }

    #[test]
    fn the_wait_has_a_ceiling() {
        let l = LoginLimits::default();
        let t0 = Instant::now();
        for _ in 0..100 {
            l.failed("anna", None, t0);
        }
        assert_eq!(
            wait(l.check("anna", None, t0)),
            Some(backoff::MAX_WAIT_SECS)
        );
    }

    #[test]
    fn a_client_address_has_a_steady_rate() {
        let l = LoginLimits::new(3, Duration::from_secs(60));
        let ip = Some("192.0.2.1".parse().unwrap());
        let now = Instant::now();
        for name in ["a", "b", "c"] {
            assert_eq!(wait(l.check(name, ip, now)), None);
        }
        assert!(wait(l.check("d", ip, now)).is_some());
        assert_eq!(wait(l.check("d", None, now)), None);
    }

    #[test]
    fn secrets_compare() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
    }
}
