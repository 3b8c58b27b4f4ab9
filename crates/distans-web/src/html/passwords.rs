//! Setting a local password through a one-time link: "Glömt lösenord?"
//! asks for one, an administrator sends one, the link's page sets it.

use askama::Template;
use axum::extract::{Form, Path};
use axum::http::StatusCode;
use distans_core::CoreError;
use std::time::Instant;

use super::ctx::{render, Ctx, OrPage, Reply};
use super::form::{get, id_of, redirect, with_status, FormErrors, Pairs};

#[derive(Template)]
#[template(path = "password_forgot.html")]
struct ForgotPage<'a> {
    c: &'a Ctx,
    sent: bool,
}

/// The "Glömt lösenord?" form.
pub async fn forgot_form(mut c: Ctx) -> Reply {
    c.ensure_csrf().await?;
    render(&c, &ForgotPage { c: &c, sent: false })
}

/// Sends a link if the login names an account with an address; the page
/// says the same either way. Repeated asks for one login slow down like
/// wrong passwords do.
pub async fn forgot_submit(
    mut c: Ctx,
    crate::client::ClientIp(ip): crate::client::ClientIp,
    Form(f): Form<Pairs>,
) -> Reply {
    c.check_csrf(get(&f, "csrf"))?;
    let login = get(&f, "login");
    let limits = &c.app.limits;
    limits.check(login, ip, Instant::now()).or_page(&c)?;
    limits.failed(login, ip, Instant::now());
    c.core().passwords.forgot(login).await.or_page(&c)?;
    c.ensure_csrf().await?;
    render(&c, &ForgotPage { c: &c, sent: true })
}

#[derive(Template)]
#[template(path = "password_set.html")]
struct SetPage<'a> {
    c: &'a Ctx,
    name: String,
    username: String,
    errors: FormErrors,
}

/// The link's page: a new password, twice.
pub async fn set_form(mut c: Ctx, Path(secret): Path<String>) -> Reply {
    c.ensure_csrf().await?;
    let account = c.core().passwords.link_account(&secret).await.or_page(&c)?;
    let page = SetPage {
        c: &c,
        name: account.name,
        username: account.username,
        errors: FormErrors::default(),
    };
    render(&c, &page)
}

/// Sets the password; the link then stops working.
pub async fn set_submit(mut c: Ctx, Path(secret): Path<String>, Form(f): Form<Pairs>) -> Reply {
    c.check_csrf(get(&f, "csrf"))?;
    let (password, again) = (get(&f, "password"), get(&f, "again"));
    let result = if password != again {
        Err(CoreError::invalid(
            "again",
            "the passwords are not the same",
        ))
    } else {
        c.core().passwords.set_password(&secret, password).await
    };
    match result {
        Ok(()) => redirect("/logga-in?losenord=nytt"),
        Err(e @ CoreError::Invalid { .. }) => {
            c.ensure_csrf().await?;
            let account = c.core().passwords.link_account(&secret).await.or_page(&c)?;
            let page = SetPage {
                c: &c,
                name: account.name,
                username: account.username,
                errors: FormErrors::from_core(&c, "password", &e),
            };
            Ok(with_status(render(&c, &page)?, StatusCode::BAD_REQUEST))
        }
        Err(e) => Err(c.fail(e)),
    }
}

/// An administrator sends a person the link.
pub async fn send_link(c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    let actor = c.posted(get(&f, "csrf"))?;
    let id = id_of(&c, &id, "person")?;
    c.core()
        .passwords
        .send_link(&actor, id.into())
        .await
        .or_page(&c)?;
    redirect(&format!(
        "/personer/{id}?losenordslank=skickad#password-link"
    ))
}
