//! The privacy notice at the first sign-in: before anything else, a person
//! who signed in through the pages (a password or the identity provider)
//! and has not seen the notice's latest version is shown it once, with a
//! button to go on. Having seen it is recorded (with the version) and
//! audited; a newer version saved by HR is shown again at the next
//! sign-in. Sign-in through the API is not held up.

use askama::Template;
use axum::extract::Form;
use distans_core::kernel::PersonId;
use distans_core::privacy::PrivacyNotice;
use distans_core::CoreError;
use serde::Deserialize;
use tower_sessions::Session;

use super::ctx::{render, OrPage};
use super::form::redirect;
use super::privacy::{notice_part, NOTICE_PARTS};
use super::{Ctx, Reply};
use crate::AppState;

/// The session's mark that the notice is still to be seen (its version).
pub const SESSION_NOTICE: &str = "notice_due";

/// The screen's address.
pub const PATH: &str = "/integritet/forsta";

/// Whether a page may be shown while the notice waits: the screen itself,
/// the notice, signing out, the language switch, the accessibility
/// statement.
pub fn open_while_due(path: &str) -> bool {
    path == "/integritet"
        || path.starts_with(PATH)
        || path == "/logga-ut"
        || path.starts_with("/sprak/")
        || path == "/tillganglighet"
}

/// Where a person just signed in goes: the notice first when it is due
/// (marked in the session), else where they were going.
pub async fn after_sign_in(
    app: &AppState,
    session: &Session,
    person: PersonId,
    next: &str,
) -> Result<String, CoreError> {
    let Some(version) = app.core.privacy.notice_due(person).await? else {
        return Ok(next.to_string());
    };
    session
        .insert(SESSION_NOTICE, version)
        .await
        .map_err(|e| CoreError::Internal(format!("session: {e}")))?;
    let q = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
    Ok(format!("{PATH}?{q}"))
}

#[derive(Template)]
#[template(path = "privacy_first.html")]
struct FirstNotice<'a> {
    c: &'a Ctx,
    parts: Vec<(&'static str, String)>,
    version: i64,
    next: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// The notice, with the button to go on.
pub async fn show(mut c: Ctx, axum::extract::Query(q): axum::extract::Query<NextQuery>) -> Reply {
    c.page("").await?;
    let notice: Option<PrivacyNotice> = c.core().privacy.notice().await.or_page(&c)?;
    let parts = NOTICE_PARTS
        .iter()
        .map(|k| (*k, notice_part(&c, notice.as_ref(), k)))
        .collect();
    let page = FirstNotice {
        c: &c,
        parts,
        version: notice.as_ref().map_or(0, |n| n.version),
        next: super::signin::safe_next(q.next.as_deref()),
    };
    render(&c, &page)
}

#[derive(Deserialize)]
pub struct SeenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    next: String,
}

/// "Continue": records the version seen and goes where the person was going.
pub async fn seen(c: Ctx, Form(f): Form<SeenForm>) -> Reply {
    let actor = c.posted(&f.csrf)?;
    let version = f.version.trim().parse::<i64>().map_err(|_| {
        c.fail(CoreError::invalid(
            "version",
            "no such version of the notice",
        ))
    })?;
    c.core()
        .privacy
        .notice_seen(&actor, version)
        .await
        .or_page(&c)?;
    if let Some(s) = &c.session {
        s.remove::<i64>(SESSION_NOTICE)
            .await
            .map_err(|e| c.fail(CoreError::Internal(format!("session: {e}"))))?;
    }
    redirect(&super::signin::safe_next(Some(&f.next)))
}
