//! One's notifications, and marking them read.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::Form;

use crate::html::ctx::{render, OrPage};
use crate::html::form::{get, redirect, Pairs};
use crate::html::{first, minute, Ctx, HtmlError};
use crate::notices::{shown, ShownNotice};
use crate::AppState;

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage<'a> {
    c: &'a Ctx,
    items: Vec<ShownNotice>,
}

impl NotificationsPage<'_> {
    fn when(&self, t: &time::OffsetDateTime) -> String {
        minute(t)
    }
}

pub async fn notifications_page(
    State(state): State<AppState>,
    mut c: Ctx,
) -> Result<Response, HtmlError> {
    let actor = c.page("notifications").await?;
    let items = state.core.notify.notifications(&actor, first(100));
    let items = items.await.or_page(&c)?.items;
    let items = items.iter().map(|n| shown(n, c.lang)).collect();
    render(&c, &NotificationsPage { c: &c, items })
}

pub async fn notifications_read(
    State(state): State<AppState>,
    c: Ctx,
    Form(f): Form<Pairs>,
) -> Result<Response, HtmlError> {
    let actor = c.posted(get(&f, "csrf"))?;
    let notify = &state.core.notify;
    notify.mark_notifications_read(&actor).await.or_page(&c)?;
    redirect("/notiser")
}
