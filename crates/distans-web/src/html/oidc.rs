//! Sign-in through the organisation's identity provider: `GET
//! /auth/oidc/login?next=` sends the browser there, `GET
//! /auth/oidc/callback` takes it back and, when the provider's answer holds
//! and names a provisioned, active person, starts their session (with a new
//! session id). What the flow must remember in between (state, nonce, PKCE
//! verifier, where to go next) is kept in the browser's session on the
//! server, and used once.

use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use distans_core::identity::ExternalMatch;
use distans_core::CoreError;
use serde::Deserialize;

use super::ctx::{render, OrPage};
use super::form::{redirect, with_status};
use super::{Ctx, Reply};
use crate::oidc::{Failure, Pending};

/// The session key of a sign-in begun and not yet finished.
const SESSION_PENDING: &str = "oidc_pending";
/// The session key of the ID token, to end the provider's session at sign-out.
pub const SESSION_ID_TOKEN: &str = "oidc_id_token";

#[derive(Template)]
#[template(path = "oidc_failed.html")]
struct FailedPage<'a> {
    c: &'a Ctx,
    heading: String,
    text: Vec<String>,
}

/// A plain page saying why the sign-in did not go through; never a session.
fn failed(c: &Ctx, status: StatusCode, heading: &str, text: &[&str]) -> Reply {
    let page = FailedPage {
        c,
        heading: c.t(heading),
        text: text.iter().map(|k| c.t(k)).collect(),
    };
    Ok(with_status(render(c, &page)?, status))
}

fn unavailable(c: &Ctx, why: &str) -> Reply {
    tracing::warn!(error = %why, "identity provider: cannot be used");
    failed(
        c,
        StatusCode::SERVICE_UNAVAILABLE,
        "oidc-unavailable-title",
        &["oidc-unavailable-text"],
    )
}

fn refused(c: &Ctx, why: &str) -> Reply {
    tracing::info!(reason = %why, "failed sign-in through the identity provider");
    failed(
        c,
        StatusCode::BAD_REQUEST,
        "oidc-failed-title",
        &["oidc-failed-text"],
    )
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

pub async fn login(c: Ctx, Query(q): Query<LoginQuery>) -> Reply {
    let Some(provider) = c.app.oidc.clone() else {
        return Err(c.fail(CoreError::NotFound("page")));
    };
    let Some(session) = &c.session else {
        return Err(c.fail(CoreError::Internal("no session".into())));
    };
    let next = super::local::local_or(q.next.as_deref(), "/");
    match provider.begin(next).await {
        Ok((url, pending)) => {
            session
                .insert(SESSION_PENDING, pending)
                .await
                .map_err(|e| c.fail(CoreError::Internal(format!("session: {e}"))))?;
            redirect(url.as_str())
        }
        Err(Failure::Unavailable(why) | Failure::Refused(why)) => unavailable(&c, &why),
    }
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    iss: Option<String>,
    error: Option<String>,
}

pub async fn callback(c: Ctx, Query(q): Query<CallbackQuery>) -> Reply {
    let Some(provider) = c.app.oidc.clone() else {
        return Err(c.fail(CoreError::NotFound("page")));
    };
    let Some(session) = c.session.clone() else {
        return Err(c.fail(CoreError::Internal("no session".into())));
    };
    // Used once, whatever comes of it.
    let pending: Option<Pending> = session
        .remove(SESSION_PENDING)
        .await
        .map_err(|e| c.fail(CoreError::Internal(format!("session: {e}"))))?;
    let Some(pending) = pending else {
        return refused(&c, "no sign-in was begun in this browser (or it was used)");
    };
    if let Some(e) = &q.error {
        return refused(&c, &format!("the provider answered {e:.60}"));
    }
    let (Some(code), Some(state)) = (q.code.as_deref(), q.state.as_deref()) else {
        return refused(&c, "the answer lacks code or state");
    };
    let next = pending.next.clone();
    let done = match provider
        .finish(pending, code, state, q.iss.as_deref())
        .await
    {
        Ok(d) => d,
        Err(Failure::Unavailable(why)) => return unavailable(&c, &why),
        Err(Failure::Refused(why)) => return refused(&c, &why),
    };
    let claim = provider.settings.claim.as_str();
    let found = match &done.claim_value {
        Some(v) => c
            .app
            .core
            .identity
            .person_for_claim(claim, v)
            .await
            .or_page(&c)?,
        None => ExternalMatch::Unknown,
    };
    let person = match found {
        ExternalMatch::Person(p) => p,
        ExternalMatch::Unknown | ExternalMatch::Deactivated => {
            tracing::info!(
                claim,
                deactivated = matches!(found, ExternalMatch::Deactivated),
                "failed sign-in through the identity provider: no such active person"
            );
            return failed(
                &c,
                StatusCode::FORBIDDEN,
                "oidc-unknown-title",
                &["oidc-unknown-text", "oidc-unknown-help"],
            );
        }
    };
    crate::api::start_session(&session, person.into(), "oidc")
        .await
        .or_page(&c)?;
    session
        .insert(SESSION_ID_TOKEN, done.id_token)
        .await
        .map_err(|e| c.fail(CoreError::Internal(format!("session: {e}"))))?;
    tracing::info!(person = %person, via = "oidc", "signed in");
    let to = super::first_notice::after_sign_in(&c.app, &session, person, &next)
        .await
        .or_page(&c)?;
    redirect(&to)
}
