//! Signing in and out, and the language switch.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use distans_core::CoreError;
use serde::Deserialize;

use super::ctx::{render, OrPage};
use super::form::{redirect, with_status};
use super::{Ctx, Reply};
use crate::auth;
use crate::i18n::{self, Lang};
use crate::AppState;

/// Where to go after signing in: only our own paths.
pub(super) fn safe_next(next: Option<&str>) -> String {
    super::local::local_or(next, "/")
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    c: &'a Ctx,
    next: String,
    /// The text of the button that signs in through the identity provider.
    oidc_button: Option<String>,
    /// Whether everyone may sign in with a password (else administrators only).
    local_login: bool,
    username: String,
    error: Option<(String, String)>,
    /// Just back from setting a password through a link.
    password_set: bool,
}

impl<'a> LoginPage<'a> {
    fn new(c: &'a Ctx, next: String, username: String, error: Option<(String, String)>) -> Self {
        let oidc_button = c.app.oidc.as_ref().map(|p| match &p.settings.name {
            Some(name) => c.ta("oidc-sign-in-with", "name", name),
            None => c.t("oidc-sign-in"),
        });
        LoginPage {
            c,
            next,
            local_login: c.app.config.local_login || oidc_button.is_none(),
            oidc_button,
            username,
            error,
            password_set: false,
        }
    }
    /// The path that begins a sign-in through the identity provider.
    fn oidc_href(&self) -> String {
        format!(
            "/auth/oidc/login?{}",
            serde_urlencoded::to_string([("next", self.next.as_str())]).unwrap_or_default()
        )
    }
    fn error_on(&self, field: &str) -> bool {
        self.error.as_ref().is_some_and(|e| e.0 == field)
    }
    fn error_text(&self) -> String {
        self.error.as_ref().map(|e| e.1.clone()).unwrap_or_default()
    }
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    /// `nytt` after a password was set through a link.
    losenord: Option<String>,
}

pub async fn login_form(mut c: Ctx, Query(q): Query<NextQuery>) -> Reply {
    if c.actor.is_some() {
        return redirect(&safe_next(q.next.as_deref()));
    }
    c.ensure_csrf().await?;
    render(
        &c,
        &LoginPage {
            password_set: q.losenord.as_deref() == Some("nytt"),
            ..LoginPage::new(&c, safe_next(q.next.as_deref()), String::new(), None)
        },
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf: String,
}

/// The field a failed sign-in points at, its text and the answer's status.
fn login_failure(e: &CoreError) -> Option<(&'static str, &'static str, StatusCode)> {
    Some(match e {
        CoreError::Invalid { field, .. } if field == "password" => (
            "password",
            "login-error-password-missing",
            StatusCode::BAD_REQUEST,
        ),
        CoreError::Invalid { .. } => (
            "username",
            "login-error-username-missing",
            StatusCode::BAD_REQUEST,
        ),
        CoreError::RateLimited { .. } => (
            "username",
            "login-error-rate",
            StatusCode::TOO_MANY_REQUESTS,
        ),
        CoreError::BadCredentials => ("username", "login-error-wrong", StatusCode::UNAUTHORIZED),
        CoreError::Forbidden(why) if why == auth::LOCAL_LOGIN_OFF => {
            ("username", "login-error-local-off", StatusCode::FORBIDDEN)
        }
        _ => return None,
    })
}

pub async fn login_submit(
    mut c: Ctx,
    crate::client::ClientIp(ip): crate::client::ClientIp,
    Form(f): Form<LoginForm>,
) -> Reply {
    c.check_csrf(&f.csrf)?;
    let next = safe_next(Some(&f.next));
    let e = match auth::sign_in(&c.app, &f.username, &f.password, ip).await {
        Ok(person) => {
            let Some(session) = &c.session else {
                return Err(c.fail(CoreError::Internal("no session".into())));
            };
            crate::api::start_session(session, person, "password")
                .await
                .or_page(&c)?;
            let to = super::first_notice::after_sign_in(&c.app, session, person.into(), &next)
                .await
                .or_page(&c)?;
            return redirect(&to);
        }
        Err(e) => e,
    };
    let Some((field, key, status)) = login_failure(&e) else {
        return Err(c.fail(e));
    };
    c.ensure_csrf().await?;
    let page = LoginPage::new(
        &c,
        next,
        f.username.clone(),
        Some((field.to_string(), c.t(key))),
    );
    Ok(with_status(render(&c, &page)?, status))
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

/// Ends the session here and, when the person signed in through the
/// identity provider and it offers that, sends the browser on to end the
/// provider's session too (it comes back to the sign-in page).
pub async fn logout(mut c: Ctx, Form(f): Form<CsrfForm>) -> Reply {
    c.check_csrf(&f.csrf)?;
    let mut id_token: Option<String> = None;
    if let Some(s) = &c.session {
        id_token = s.get(super::oidc::SESSION_ID_TOKEN).await.unwrap_or(None);
        s.flush()
            .await
            .map_err(|e| c.fail(CoreError::Internal(e.to_string())))?;
    }
    if let (Some(provider), Some(token)) = (&c.app.oidc, id_token) {
        if let Some(url) = provider.logout_url(&token).await {
            c.actor = None;
            // A page that goes on at once, not a redirect: the form that
            // signed out may only lead to this site (CSP form-action).
            return render(
                &c,
                &SignedOutPage {
                    c: &c,
                    end_session: url.to_string(),
                },
            );
        }
    }
    redirect("/logga-in")
}

#[derive(Template)]
#[template(path = "signed_out.html")]
struct SignedOutPage<'a> {
    c: &'a Ctx,
    /// The provider's end-session address, with the ID token as the hint.
    end_session: String,
}

pub async fn set_lang(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    Query(q): Query<NextQuery>,
) -> Response {
    let lang = Lang::parse(&lang).unwrap_or(Lang::Sv);
    let mut resp = Redirect::to(&safe_next(q.next.as_deref())).into_response();
    set_lang_cookie(&mut resp, lang, state.config.secure_cookies);
    resp
}

/// Makes this browser show the product in `lang`; the cookie is `Secure`
/// when the session's is.
pub fn set_lang_cookie(resp: &mut Response, lang: Lang, secure: bool) {
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax{}",
        i18n::COOKIE,
        lang.code(),
        if secure { "; Secure" } else { "" }
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
}
