//! "Mina nycklar": personal tokens for scripts, and the secret address of
//! one's calendar feed.

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::Form;
use distans_core::identity::ApiToken;
use distans_core::kernel::Actor;
use distans_core::CoreError;
use serde::Deserialize;

use super::ctx::{render, OrPage};
use super::form::{act, redirect, with_status};
use super::signin::CsrfForm;
use super::{Ctx, HtmlError, Reply};

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage<'a> {
    c: &'a Ctx,
    tokens: Vec<ApiToken>,
    secret: Option<String>,
    error: Option<(String, String)>,
    name: String,
    days: String,
    /// The secret calendar feed URL, if the person has one.
    calendar_url: Option<String>,
}

impl TokensPage<'_> {
    fn error_on(&self, field: &str) -> bool {
        self.error.as_ref().is_some_and(|e| e.0 == field)
    }
    fn error_text(&self) -> String {
        self.error.as_ref().map(|e| e.1.clone()).unwrap_or_default()
    }
    fn when(&self, t: &Option<time::OffsetDateTime>) -> String {
        t.as_ref()
            .map(crate::localtime::second)
            .unwrap_or_else(|| "–".into())
    }
    fn created(&self, t: &ApiToken) -> String {
        crate::localtime::second(&t.created_at)
    }
}

/// The tokens page: a fresh `secret` once, or the form again with an
/// `error` and what was typed.
async fn tokens_page_with<'a>(
    c: &'a Ctx,
    actor: &Actor,
    secret: Option<String>,
    error: Option<(String, String)>,
    typed: Option<&TokenForm>,
) -> Result<TokensPage<'a>, HtmlError> {
    let tokens = c.core().identity.tokens(actor).await.or_page(c)?;
    let calendar_url = c
        .core()
        .feed
        .my_calendar_secret(actor)
        .await
        .or_page(c)?
        .map(|s| crate::api::feed_url(&c.app, &s));
    Ok(TokensPage {
        c,
        tokens,
        secret,
        error,
        name: typed.map(|f| f.name.clone()).unwrap_or_default(),
        days: typed.map_or_else(|| "90".into(), |f| f.days.clone()),
        calendar_url,
    })
}

pub async fn tokens_page(mut c: Ctx) -> Reply {
    let actor = c.page("tokens").await?;
    let page = tokens_page_with(&c, &actor, None, None, None).await?;
    render(&c, &page)
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    days: String,
}

pub async fn create_token(mut c: Ctx, Form(f): Form<TokenForm>) -> Reply {
    c.nav = "tokens";
    let actor = c.posted(&f.csrf)?;
    let result = match f.days.trim() {
        "" => Ok(None),
        d => d
            .parse::<i64>()
            .map(Some)
            .map_err(|_| CoreError::invalid("days", "must be a whole number")),
    };
    let result = match result {
        Ok(days) => {
            let created = c.core().identity.create_token(&actor, &f.name, days);
            created.await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(t) => {
            let page = tokens_page_with(&c, &actor, Some(t.secret), None, None).await?;
            render(&c, &page)
        }
        Err(CoreError::Invalid { field, .. }) => {
            let message = c.t(if field == "days" {
                "tokens-error-days"
            } else {
                "tokens-error-name"
            });
            let error = Some((field, message));
            let page = tokens_page_with(&c, &actor, None, error, Some(&f)).await?;
            Ok(with_status(render(&c, &page)?, StatusCode::BAD_REQUEST))
        }
        Err(e) => Err(c.fail(e)),
    }
}

pub async fn revoke_token(c: Ctx, Path(id): Path<String>, Form(f): Form<CsrfForm>) -> Reply {
    let identity = &c.core().identity;
    act(
        &c,
        &f.csrf,
        &id,
        "token",
        |actor, id| async move { identity.revoke_token(&actor, id.into()).await },
        |_, _| "/mina-nycklar".into(),
    )
    .await
}

/// The calendar feed from the tokens page: make it, renew it, remove it.
pub async fn calendar_feed_action(
    c: Ctx,
    Path(what): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Reply {
    let actor = c.posted(&f.csrf)?;
    let feed = &c.core().feed;
    let done = match what.as_str() {
        "skapa" => feed.calendar_secret(&actor).await.map(|_| ()),
        "byt" => feed.reset_calendar_secret(&actor).await.map(|_| ()),
        "ta-bort" => feed.revoke_calendar_secret(&actor).await.map(|_| ()),
        _ => Err(CoreError::NotFound("page")),
    };
    done.or_page(&c)?;
    redirect("/mina-nycklar#kalender")
}
