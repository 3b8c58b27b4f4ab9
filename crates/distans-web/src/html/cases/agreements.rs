//! An agreement's page with its text and signatures, and its buttons: send
//! it for signing, sign it, end it.

use askama::Template;
use axum::extract::{Path, Query};
use axum::Form;
use distans_core::access;
use distans_core::agreements::rules as agreement;
use distans_core::agreements::{Agreement, AgreementState};
use distans_core::kernel::Actor;
use distans_core::CoreError;
use serde::Deserialize;
use uuid::Uuid;

use super::agreement_state_name;
use crate::html::ctx::{render, OrPage};
use crate::html::followups::agreement::{for_agreement, AgreementFollowUps};
use crate::html::form::{act, get, id_of, render_form, FormErrors, Pairs};
use crate::html::pager::{paging, Pager};
use crate::html::{minute, Ctx, Reply};

#[derive(Template)]
#[template(path = "agreement.html")]
struct AgreementPage<'a> {
    c: &'a Ctx,
    g: Agreement,
    sections: Vec<(String, Vec<String>)>,
    may_sign: bool,
    may_end: bool,
    may_send: bool,
    /// The unit the person moved to, when the agreement waits for a
    /// manager there, and whether the viewer is one who decides.
    moved_to: Option<String>,
    may_confirm: bool,
    /// Signing was asked without confirming the text was read.
    errors: FormErrors,
    // Follow-ups.
    fu: AgreementFollowUps,
}

impl AgreementPage<'_> {
    fn state(&self) -> String {
        agreement_state_name(self.c, &self.g.state)
    }
    fn signed(&self, t: &Option<time::OffsetDateTime>) -> String {
        match t {
            Some(t) => self.c.ta("signed-at", "time", &minute(t)),
            None => self.c.t("not-signed"),
        }
    }
}

pub async fn agreement_page(mut c: Ctx, Path(id): Path<String>) -> Reply {
    let actor = c.page("requests").await?;
    let id = id_of(&c, &id, "agreement")?;
    page(&c, &actor, id, FormErrors::default()).await
}

/// The agreement's page, with the errors of a form of it.
async fn page(c: &Ctx, actor: &Actor, id: Uuid, errors: FormErrors) -> Reply {
    let g = c
        .core()
        .agreements
        .agreement(actor, id.into())
        .await
        .or_page(c)?;
    let me = actor.person_id;
    let may_sign = g.state == AgreementState::AwaitingSignatures
        && ((me == g.person_id && g.employee_signed_at.is_none())
            || (me == g.decider_id && g.decider_signed_at.is_none()));
    let may_end = matches!(
        g.state,
        AgreementState::Active | AgreementState::AwaitingSignatures
    ) && g.ends_on.is_none()
        && access::can(actor, g.end_action());
    let may_send = g.state == AgreementState::Draft && access::can(actor, g.send_action());
    let may_confirm = c.core().agreements.may_confirm_after_move(actor, &g).await
        && matches!(
            g.state,
            AgreementState::Active | AgreementState::AwaitingSignatures
        );
    let may_end = may_end || (may_confirm && g.ends_on.is_none());
    let moved_to = match g.moved_to {
        Some(u) => Some(c.core().org.unit(actor, u).await.or_page(c)?.unit.name),
        None => None,
    };
    let page = AgreementPage {
        c,
        sections: agreement::sections(&g.text),
        may_sign,
        may_end,
        may_send,
        moved_to,
        may_confirm,
        fu: for_agreement(c, actor, &g).await,
        errors,
        g,
    };
    render_form(c, &page, &page.errors)
}

#[derive(Template)]
#[template(path = "agreement_end_check.html")]
struct EndCheck<'a> {
    c: &'a Ctx,
    g: Agreement,
    last_day: String,
    notice_days: i64,
    to_return: Vec<String>,
    reason: String,
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

/// Signs, once the signer confirmed they read the whole text.
pub async fn agreement_sign(c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    if get(&f, "read") != "1" {
        let actor = c.posted(get(&f, "csrf"))?;
        let id = id_of(&c, &id, "agreement")?;
        let e = CoreError::invalid("read", "confirm that you have read the whole agreement");
        return page(&c, &actor, id, FormErrors::from_core(&c, "agreement", &e)).await;
    }
    let agreements = &c.core().agreements;
    let sign =
        |actor: Actor, id: Uuid| async move { agreements.sign_agreement(&actor, id.into()).await };
    act(&c, get(&f, "csrf"), &id, "agreement", sign, agreement_url).await
}

/// Gives notice, after a check of what it means (`confirm`).
pub async fn agreement_end(c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    if get(&f, "confirm") != "1" {
        let actor = c.posted(get(&f, "csrf"))?;
        let id = id_of(&c, &id, "agreement")?;
        let agreements = &c.core().agreements;
        let g = agreements.agreement(&actor, id.into()).await.or_page(&c)?;
        let preview = agreements
            .ending_preview(&actor, id.into())
            .await
            .or_page(&c)?;
        let check = EndCheck {
            c: &c,
            g,
            last_day: preview.last_day.to_string(),
            notice_days: preview.notice_days,
            to_return: preview.to_return,
            reason: get(&f, "reason").to_string(),
        };
        return render(&c, &check);
    }
    let reason = Some(get(&f, "reason"));
    let agreements = &c.core().agreements;
    let end = |actor: Actor, id: Uuid| async move {
        agreements.end_agreement(&actor, id.into(), reason).await
    };
    act(&c, get(&f, "csrf"), &id, "agreement", end, agreement_url).await
}

pub async fn agreement_confirm(c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    let version = get(&f, "version").parse::<i64>().unwrap_or(0);
    let agreements = &c.core().agreements;
    let confirm = |actor: Actor, id: Uuid| async move {
        agreements
            .confirm_after_move(&actor, id.into(), version)
            .await
    };
    act(
        &c,
        get(&f, "csrf"),
        &id,
        "agreement",
        confirm,
        agreement_url,
    )
    .await
}

#[derive(Template)]
#[template(path = "agreements_to_confirm.html")]
struct ToConfirmPage<'a> {
    c: &'a Ctx,
    agreements: Vec<Agreement>,
    pager: Pager,
}

#[derive(Deserialize)]
pub struct PageQuery {
    sida: Option<i64>,
}

/// Agreements of people who moved into the viewer's units, to confirm or end.
pub async fn agreements_to_confirm(mut c: Ctx, Query(q): Query<PageQuery>) -> Reply {
    let actor = c.page("requests").await?;
    let (page, paging) = paging(q.sida);
    let list = c
        .core()
        .agreements
        .agreements_to_confirm(&actor, paging)
        .await
        .or_page(&c)?;
    let pager = Pager::new(&list, page, "/overenskommelser-att-bekrafta");
    render(
        &c,
        &ToConfirmPage {
            c: &c,
            agreements: list.items,
            pager,
        },
    )
}
