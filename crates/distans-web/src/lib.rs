//! The web layer of distans: HTML pages rendered on the server, the JSON
//! API with its OpenAPI document, sign-in, sessions and security headers.
//!
//! It authenticates and parses; the core authorises and decides. It never
//! talks SQL.
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod api;
pub mod auth;
pub mod client;
pub mod error;
pub mod html;
pub mod i18n;
pub mod ics;
pub mod idempotency;
mod input;
pub mod localtime;
pub mod memo;
pub mod notices;
pub mod oidc;
pub mod scim;
pub mod security;
pub mod session;

use std::sync::Arc;

use axum::http::Request;
use axum::Router;
use distans_core::Core;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// The header that carries a request's id: set on the way in (a client's
/// own is kept), named in every log line of the request, and returned in
/// the answer.
pub const REQUEST_ID: &str = "x-request-id";

/// How the web layer behaves.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// A session ends after this long without use.
    pub session_idle_minutes: i64,
    /// The address people reach the server at, without a trailing slash
    /// (`https://distans.kommun.se`): links that leave the browser, such as
    /// calendar feed URLs, are made from it.
    pub public_url: String,
    /// The proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: client::TrustedProxies,
    /// The organisation's identity provider (OpenID Connect), if any.
    pub oidc: Option<oidc::OidcSettings>,
    /// Whether people may sign in with a local password. When not, only
    /// administrators may (the way in when the identity provider fails).
    pub local_login: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            session_idle_minutes: 8 * 60,
            public_url: "http://127.0.0.1:8080".into(),
            trusted_proxies: client::TrustedProxies::default(),
            oidc: None,
            local_login: true,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub core: Arc<Core>,
    pub limits: Arc<auth::LoginLimits>,
    pub config: Arc<WebConfig>,
    pub jobs: distans_core::rotation::runs::PlannerRuns,
    /// The identity provider, when one is configured.
    pub oidc: Option<Arc<oidc::Provider>>,
    /// The JSON of remembered answers.
    pub answers: Arc<memo::Answers>,
}

impl AppState {
    /// The application's state; an error names the setting that is wrong.
    pub fn try_new(core: Arc<Core>, config: WebConfig) -> Result<Self, String> {
        let oidc = match &config.oidc {
            Some(s) => Some(Arc::new(oidc::Provider::new(
                s.clone(),
                &config.public_url,
            )?)),
            None => None,
        };
        Ok(AppState {
            core,
            limits: Arc::new(auth::LoginLimits::default()),
            config: Arc::new(config),
            jobs: distans_core::rotation::runs::PlannerRuns::default(),
            oidc,
            answers: Arc::default(),
        })
    }

    /// The application's state; an identity provider that cannot be set
    /// up is left out (and logged). The server uses [`AppState::try_new`].
    pub fn new(core: Arc<Core>, config: WebConfig) -> Self {
        let mut plain = config.clone();
        plain.oidc = None;
        Self::try_new(core.clone(), config).unwrap_or_else(|e| {
            tracing::error!(error = %e, "the identity provider is left out");
            AppState {
                core,
                limits: Arc::new(auth::LoginLimits::default()),
                config: Arc::new(plain),
                jobs: distans_core::rotation::runs::PlannerRuns::default(),
                oidc: None,
                answers: Arc::default(),
            }
        })
    }
}

/// The OpenAPI document of the API, as served at `/api/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::routes_and_document().1
}

/// The span a request's log lines are made in: its id, method and path. Never
/// the query string: it may hold secrets.
fn request_span(req: &Request<axum::body::Body>) -> tracing::Span {
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        id = %id,
        method = %req.method(),
        path = %req.uri().path()
    )
}

/// The whole application: pages, API, static files, with sessions,
/// security headers and a request id on every request.
pub fn app(state: AppState) -> Router {
    let (api_router, openapi) = api::routes_and_document();
    let openapi = Arc::new(openapi);
    let sessions = session::layer(&state);
    Router::new()
        .merge(api_router)
        .route(
            "/api/openapi.json",
            axum::routing::get(move || {
                let doc = openapi.clone();
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        )
        .merge(scim::router())
        .merge(html::router())
        .fallback(html::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            idempotency::answer_once,
        ))
        .with_state(state)
        .layer(sessions)
        .layer(axum::middleware::from_fn(counters_once))
        .layer(axum::middleware::from_fn(input::refuse_control_characters))
        .layer(axum::extract::DefaultBodyLimit::max(input::BODY_LIMIT))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            input::BODY_LIMIT,
        ))
        .layer(axum::middleware::from_fn(input::refuse_large_bodies))
        .layer(axum::middleware::map_response(security::headers))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// Serves a request with one read of the database's change counters for
/// all its questions (again after a change of its own); see
/// `distans_core::kernel::counters`.
async fn counters_once(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    distans_core::kernel::counters::serving(next.run(req)).await
}
