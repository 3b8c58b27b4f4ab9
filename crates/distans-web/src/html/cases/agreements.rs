//! An agreement's page with its text and signatures, and its buttons: send
//! it for signing, sign it, end it.

use askama::Template;
use axum::extract::Path;
use axum::Form;
use distans_core::access;
use distans_core::agreements::rules as agreement;
use distans_core::agreements::{Agreement, AgreementState};
use distans_core::kernel::Actor;
use uuid::Uuid;

use super::agreement_state_name;
use crate::html::ctx::{render, OrPage};
use crate::html::followups::agreement::{for_agreement, AgreementFollowUps};
use crate::html::form::{act, get, id_of, Pairs};
use crate::html::{minute_utc, Ctx, Reply};

#[derive(Template)]
#[template(path = "agreement.html")]
struct AgreementPage<'a> {
    c: &'a Ctx,
    g: Agreement,
    sections: Vec<(String, Vec<String>)>,
    may_sign: bool,
    may_end: bool,
    may_send: bool,
    // Follow-ups.
    fu: AgreementFollowUps,
}

impl AgreementPage<'_> {
    fn state(&self) -> String {
        agreement_state_name(self.c, &self.g.state)
    }
    fn signed(&self, t: &Option<time::OffsetDateTime>) -> String {
        match t {
            Some(t) => self.c.ta("signed-at", "time", &minute_utc(t)),
            None => self.c.t("not-signed"),
        }
    }
}

pub async fn agreement_page(mut c: Ctx, Path(id): Path<String>) -> Reply {
    let actor = c.page("requests").await?;
    let id = id_of(&c, &id, "agreement")?;
    let g = c
        .core()
        .agreements
        .agreement(&actor, id.into())
        .await
        .or_page(&c)?;
    let me = actor.person_id;
    let may_sign = g.state == AgreementState::AwaitingSignatures
        && ((me == g.person_id && g.employee_signed_at.is_none())
            || (me == g.decider_id && g.decider_signed_at.is_none()));
    let may_end = matches!(
        g.state,
        AgreementState::Active | AgreementState::AwaitingSignatures
    ) && g.ends_on.is_none()
        && access::can(&actor, g.end_action());
    let may_send = g.state == AgreementState::Draft && access::can(&actor, g.send_action());
    let page = AgreementPage {
        c: &c,
        sections: agreement::sections(&g.text),
        may_sign,
        may_end,
        may_send,
        fu: for_agreement(&c, &actor, &g).await,
        g,
    };
    render(&c, &page)
}

/// Back to the agreement's page after one of its buttons.
fn agreement_url<T>(id: Uuid, _: T) -> String {
    format!("/overenskommelser/{id}")
}

pub async fn agreement_send(c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    let text = get(&f, "text");
    // An empty text keeps the one the template gave.
    let text = Some(text).filter(|t| !t.trim().is_empty());
    let agreements = &c.core().agreements;
    let send = |actor: Actor, id: Uuid| async move {
        agreements.send_agreement(&actor, id.into(), text).await
    };
    act(&c, get(&f, "csrf"), &id, "agreement", send, agreement_url).await
}

pub async fn agreement_sign(c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    let agreements = &c.core().agreements;
    let sign =
        |actor: Actor, id: Uuid| async move { agreements.sign_agreement(&actor, id.into()).await };
    act(&c, get(&f, "csrf"), &id, "agreement", sign, agreement_url).await
}

pub async fn agreement_end(c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    let reason = Some(get(&f, "reason"));
    let agreements = &c.core().agreements;
    let end = |actor: Actor, id: Uuid| async move {
        agreements.end_agreement(&actor, id.into(), reason).await
    };
    act(&c, get(&f, "csrf"), &id, "agreement", end, agreement_url).await
}
