//! The start page: what waits for the signed-in person.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use distans_core::agreements::Agreement;
use distans_core::cases::RemoteRequest;
use distans_core::kernel::Role;
use distans_core::org::{OrgCounts, PersonView, UnitSummary};
use distans_core::temporary::TemporaryDecision;

use super::ctx::{render, OrPage};
use super::{Ctx, HtmlError};
use crate::AppState;

#[derive(Template)]
#[template(path = "start.html")]
struct StartPage<'a> {
    c: &'a Ctx,
    managed: Vec<UnitSummary>,
    counts: Option<OrgCounts>,
    engine: &'static str,
    me: PersonView,
    to_decide: Vec<RemoteRequest>,
    to_sign: Vec<Agreement>,
    temporary: Vec<TemporaryDecision>,
    unread: i64,
    // Deviations.
    deviations_awaiting: i64,
}

pub async fn start(State(state): State<AppState>, mut c: Ctx) -> Result<Response, HtmlError> {
    let actor = c.page("start").await?;
    let core = &state.core;
    let mut managed = vec![];
    for m in actor.manages.iter().take(20) {
        if let Ok(u) = core.org.unit(&actor, m.id).await {
            managed.push(u.unit);
        }
    }
    let counts = if actor.has(Role::Hr) || actor.has(Role::Admin) || actor.has(Role::Auditor) {
        Some(core.org.counts(&actor).await.or_page(&c)?)
    } else {
        None
    };
    let page = StartPage {
        c: &c,
        managed,
        counts,
        engine: core.system.engine(),
        me: core.org.person(&actor, actor.person_id).await.or_page(&c)?,
        to_decide: core.cases.requests_to_decide(&actor).await.or_page(&c)?,
        to_sign: core
            .agreements
            .agreements_to_sign(&actor)
            .await
            .or_page(&c)?,
        temporary: core
            .temporary
            .temporary_decisions_for_person(actor.person_id)
            .await
            .or_page(&c)?,
        unread: core.notify.unread_notifications(&actor).await.or_page(&c)?,
        // Deviations.
        deviations_awaiting: core
            .deviations
            .deviations_awaiting(&actor)
            .await
            .or_page(&c)?,
    };
    render(&c, &page)
}
