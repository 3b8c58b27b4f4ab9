//! What every page needs: the language, the signed-in person, the CSRF
//! token, the request's id, and how errors become pages.

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use distans_core::access::{self, Can};
use distans_core::identity::rules::token;
use distans_core::kernel::{Actor, Role};
use distans_core::org::UnitKind;
use distans_core::{Core, CoreError};
use tower_sessions::Session;

use crate::auth::{same_secret, MaybeActor, SESSION_CSRF};
use crate::error::{log_internal, status_of};
use crate::i18n::Lang;
use crate::AppState;

pub struct Ctx {
    /// The application: its core, planner runs and settings.
    pub app: AppState,
    pub lang: Lang,
    pub actor: Option<Actor>,
    /// What the signed-in person can reach, as the access policy says: the
    /// menus and pages show exactly this.
    pub can: Can,
    pub csrf: String,
    /// Path and query of this page (for "next" and the language switch).
    pub here: String,
    pub session: Option<Session>,
    /// The navigation item to mark as current.
    pub nav: &'static str,
    /// The request's id (`x-request-id`), the one its log lines carry.
    pub request_id: Option<String>,
    /// The signed-in person's unread notifications, for the header (counted
    /// when a page is shown).
    pub unread: i64,
}

/// The request's id as the request-id layer set it (or the client sent it),
/// when it is plain text.
fn request_id_of(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get(crate::REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = HtmlError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let chosen_here = Lang::from_cookie(&parts.headers);
        let request_id = request_id_of(parts);
        let here = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let session = Session::from_request_parts(parts, state).await.ok();
        // Pages are for people in a browser: a bearer token is not used here.
        parts.headers.remove(axum::http::header::AUTHORIZATION);
        let actor = match MaybeActor::from_request_parts(parts, state).await {
            Ok(MaybeActor(a)) => a.map(|(a, _)| a),
            Err(_) => None,
        };
        let mut csrf = String::new();
        if let Some(s) = &session {
            csrf = s
                .get::<String>(SESSION_CSRF)
                .await
                .ok()
                .flatten()
                .unwrap_or_default();
        }
        // Someone who signed in in a browser sees the privacy notice
        // before anything else, once (see `first_notice`).
        if actor.is_some() && !super::first_notice::open_while_due(parts.uri.path()) {
            if let Some(s) = &session {
                if let Ok(Some(_)) = s.get::<i64>(super::first_notice::SESSION_NOTICE).await {
                    return Err(HtmlError::Notice(here));
                }
            }
        }
        let can = actor.as_ref().map(access::reach).unwrap_or_default();
        // This browser's choice, else the person's own, else Swedish.
        let lang = chosen_here
            .or(actor.as_ref().map(|a| Lang::of(a.language)))
            .unwrap_or(Lang::Sv);
        Ok(Ctx {
            app: state.clone(),
            lang,
            actor,
            can,
            csrf,
            here,
            session,
            nav: "",
            request_id,
            unread: 0,
        })
    }
}

impl Ctx {
    pub fn core(&self) -> &Core {
        &self.app.core
    }

    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    pub fn ta(&self, key: &str, name: &str, value: &str) -> String {
        self.lang.ta(key, &[(name, value.to_string())])
    }

    /// The signed-in person, or a redirect to the sign-in page.
    pub fn actor(&self) -> Result<&Actor, HtmlError> {
        self.actor
            .as_ref()
            .ok_or_else(|| HtmlError::SignIn(self.here.clone()))
    }

    /// A page: marks its navigation item, needs a signed-in person and gives
    /// the page's forms a CSRF token.
    pub async fn page(&mut self, nav: &'static str) -> Result<Actor, HtmlError> {
        self.nav = nav;
        let actor = self.actor()?.clone();
        self.ensure_csrf().await?;
        // The header's count; a page is still shown if it cannot be had.
        self.unread = self
            .core()
            .notify
            .unread_notifications(&actor)
            .await
            .unwrap_or(0);
        Ok(actor)
    }

    /// A form sent back: needs a signed-in person and the form's CSRF token.
    pub fn posted(&self, csrf: &str) -> Result<Actor, HtmlError> {
        let actor = self.actor()?.clone();
        self.check_csrf(csrf)?;
        Ok(actor)
    }

    pub fn user_name(&self) -> String {
        self.actor
            .as_ref()
            .map(|a| a.name.clone())
            .unwrap_or_default()
    }

    pub fn user_id(&self) -> String {
        self.actor
            .as_ref()
            .map(|a| a.person_id.to_string())
            .unwrap_or_default()
    }

    pub fn other_lang(&self) -> &'static str {
        match self.lang {
            Lang::Sv => "en",
            Lang::En => "sv",
        }
    }

    pub fn other_lang_name(&self) -> &'static str {
        match self.lang {
            Lang::Sv => "English",
            Lang::En => "Svenska",
        }
    }

    pub fn here_encoded(&self) -> String {
        serde_urlencoded::to_string([("next", self.here.as_str())]).unwrap_or_default()
    }

    pub fn current(&self, item: &str) -> &'static str {
        if self.nav == item {
            "page"
        } else {
            "false"
        }
    }

    pub fn kind_name(&self, k: &UnitKind) -> String {
        self.t(&format!("kind-{}", k.as_str()))
    }

    pub fn count(&self, key: &str, n: impl std::fmt::Display) -> String {
        self.lang.ta(key, &[("n", n.to_string())])
    }

    pub fn decider_name(&self, d: &distans_core::policy::Decider) -> String {
        self.t(&format!("decider-{}", d.as_str()))
    }

    pub fn role_name(&self, r: &Role) -> String {
        self.t(&format!("role-{}", r.as_str()))
    }

    /// Makes sure the session has a CSRF token (and so a cookie) before a
    /// form is shown.
    pub async fn ensure_csrf(&mut self) -> Result<(), HtmlError> {
        if self.csrf.is_empty() {
            let Some(s) = &self.session else {
                return Err(HtmlError::Core(
                    CoreError::Internal("no session layer".into()),
                    Box::new(self.clone_light()),
                ));
            };
            let t = token::random_secret();
            s.insert(SESSION_CSRF, &t).await.map_err(|e| {
                HtmlError::Core(
                    CoreError::Internal(e.to_string()),
                    Box::new(self.clone_light()),
                )
            })?;
            self.csrf = t;
        }
        Ok(())
    }

    /// Checks the token a form sent back.
    pub fn check_csrf(&self, sent: &str) -> Result<(), HtmlError> {
        if !self.csrf.is_empty() && same_secret(&self.csrf, sent) {
            Ok(())
        } else {
            Err(HtmlError::Core(
                CoreError::forbidden("the form has expired; reload the page and try again"),
                Box::new(self.clone_light()),
            ))
        }
    }

    pub fn clone_light(&self) -> Ctx {
        Ctx {
            app: self.app.clone(),
            lang: self.lang,
            actor: self.actor.clone(),
            can: self.can,
            csrf: self.csrf.clone(),
            here: self.here.clone(),
            session: self.session.clone(),
            nav: self.nav,
            request_id: self.request_id.clone(),
            unread: self.unread,
        }
    }

    pub fn fail(&self, e: CoreError) -> HtmlError {
        HtmlError::Core(e, Box::new(self.clone_light()))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    c: &'a Ctx,
    status: u16,
    heading: String,
    message: String,
}

/// What a page handler answers: a page or a redirect, or an error page.
pub type Reply = Result<Response, HtmlError>;

/// An error shown as a page (or a redirect to sign in).
pub enum HtmlError {
    SignIn(String),
    /// The privacy notice is to be seen first; then the page asked for.
    Notice(String),
    Core(CoreError, Box<Ctx>),
}

impl IntoResponse for HtmlError {
    fn into_response(self) -> Response {
        match self {
            HtmlError::SignIn(next) => {
                let q = serde_urlencoded::to_string([("next", next.as_str())]).unwrap_or_default();
                Redirect::to(&format!("/logga-in?{q}")).into_response()
            }
            HtmlError::Notice(next) => {
                let q = serde_urlencoded::to_string([("next", next.as_str())]).unwrap_or_default();
                Redirect::to(&format!("{}?{q}", super::first_notice::PATH)).into_response()
            }
            HtmlError::Core(e, c) => {
                let status = status_of(&e);
                let (heading, message) = match &e {
                    CoreError::NotFound(_) => (c.t("error-not-found"), c.t("error-not-found-text")),
                    // The core's reason is English and for logs; the page says it in the user's language.
                    CoreError::Forbidden(_) => {
                        (c.t("error-forbidden"), c.t("error-forbidden-text"))
                    }
                    CoreError::Internal(_) => {
                        let id = log_internal(&e, c.request_id.as_deref());
                        (
                            c.t("error-internal"),
                            c.ta("error-internal-text", "id", &id),
                        )
                    }
                    CoreError::Invalid { field, .. } => (
                        c.t("error-other"),
                        c.ta("error-invalid-text", "field", field),
                    ),
                    CoreError::Conflict(_) => (c.t("error-other"), c.t("error-conflict-text")),
                    CoreError::RateLimited { .. } => (c.t("error-other"), c.t("login-error-rate")),
                    _ => (c.t("error-other"), c.t("error-other-text")),
                };
                let page = ErrorPage {
                    c: &c,
                    status: status.as_u16(),
                    heading,
                    message,
                };
                match page.render() {
                    Ok(html) => (status, Html(html)).into_response(),
                    Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "error").into_response(),
                }
            }
        }
    }
}

/// Renders a template, or an error page if that fails.
pub fn render<T: Template>(c: &Ctx, t: &T) -> Result<Response, HtmlError> {
    t.render()
        .map(|h| Html(h).into_response())
        .map_err(|e| c.fail(CoreError::Internal(format!("template: {e}"))))
}

/// A core answer on a page: a refusal or a failure becomes an error page.
pub trait OrPage<T> {
    fn or_page(self, c: &Ctx) -> Result<T, HtmlError>;
}

impl<T> OrPage<T> for Result<T, CoreError> {
    fn or_page(self, c: &Ctx) -> Result<T, HtmlError> {
        self.map_err(|e| c.fail(e))
    }
}
