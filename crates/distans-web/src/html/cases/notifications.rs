//! One's notifications, and marking them read.

use askama::Template;
use axum::Form;

use crate::html::ctx::{render, OrPage};
use crate::html::form::{get, redirect, Pairs};
use crate::html::{first, minute, Ctx, Reply};
use crate::notices::{shown, ShownNotice};

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

pub async fn notifications_page(mut c: Ctx) -> Reply {
    let actor = c.page("notifications").await?;
    let items = c.core().notify.notifications(&actor, first(100));
    let items = items.await.or_page(&c)?.items;
    let items = items.iter().map(|n| shown(n, c.lang)).collect();
    render(&c, &NotificationsPage { c: &c, items })
}

pub async fn notifications_read(c: Ctx, Form(f): Form<Pairs>) -> Reply {
    let actor = c.posted(get(&f, "csrf"))?;
    let notify = &c.core().notify;
    notify.mark_notifications_read(&actor).await.or_page(&c)?;
    redirect("/notiser")
}
