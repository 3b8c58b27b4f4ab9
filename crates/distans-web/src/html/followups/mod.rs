//! "Uppföljningar": the follow-ups due and overdue with the open actions,
//! a follow-up's checklist form (the employee and the manager each confirm
//! the same answers), the actions' forms, the checklists (HR edits them as
//! one line per question), and the development talk form on the agreement
//! page.

pub mod agreement;
pub mod checklists;
pub mod followup;

use askama::Template;
use axum::extract::Query;
use distans_core::followup::{
    ActionState, FollowUp, FollowUpAction, FollowUpKind, FollowUpQuery, FollowUpState, StateFilter,
};
use serde::Deserialize;

use crate::html::ctx::{render, OrPage};
use crate::html::pager::{paging, Pager};
use crate::html::{Ctx, Reply};

fn kind_key(k: &FollowUpKind) -> String {
    format!("followup-kind-{}", k.as_str())
}

fn state_key(s: &FollowUpState) -> String {
    format!("followup-state-{}", s.as_str())
}

#[derive(Template)]
#[template(path = "followups.html")]
struct ListPage<'a> {
    c: &'a Ctx,
    items: Vec<FollowUp>,
    pager: Pager,
    actions: Vec<FollowUpAction>,
    actions_pager: Pager,
    status: String,
    may_edit_checklists: bool,
}

impl ListPage<'_> {
    fn kind(&self, k: &FollowUpKind) -> String {
        self.c.t(&kind_key(k))
    }
    fn state(&self, s: &FollowUpState) -> String {
        self.c.t(&state_key(s))
    }
    fn tab(&self, s: &str) -> &'static str {
        if self.status == s {
            "page"
        } else {
            "false"
        }
    }
    fn confirmations(&self, f: &FollowUp) -> String {
        let mut v = vec![];
        if f.employee_confirmed.is_some() {
            v.push(self.c.t("role-employee"));
        }
        if f.manager_confirmed.is_some() {
            v.push(self.c.t("followup-party-manager"));
        }
        if v.is_empty() {
            "–".into()
        } else {
            v.join(", ")
        }
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    /// The page of follow-ups, and of open actions.
    sida: Option<i64>,
    asida: Option<i64>,
}

pub async fn list_page(mut c: Ctx, Query(q): Query<ListQuery>) -> Reply {
    c.nav = "followups";
    let actor = c.actor()?.clone();
    let status = match q.status.as_deref() {
        Some("done") => "done",
        Some("cancelled") => "cancelled",
        _ => "open",
    };
    let query = FollowUpQuery {
        state: Some(StateFilter::parse(status).or_page(&c)?),
        ..Default::default()
    };
    let followup = &c.core().followup;
    let (at, paged) = paging(q.sida);
    let (actions_at, actions_paged) = paging(q.asida);
    let page = followup.followups(&actor, &query, paged);
    let page = page.await.or_page(&c)?;
    let open = Some(ActionState::Open);
    let actions = followup.actions(&actor, open, actions_paged);
    let actions = actions.await.or_page(&c)?;
    let base = format!("/uppfoljningar?status={status}");
    let pager = Pager::new(&page, at, &format!("{base}&asida={actions_at}"));
    let mut actions_pager = Pager::new(&actions, actions_at, &format!("{base}&sida={at}"));
    for link in [&mut actions_pager.prev, &mut actions_pager.next]
        .into_iter()
        .flatten()
    {
        link.push_str("#open-actions");
    }
    let page = ListPage {
        c: &c,
        items: page.items,
        pager,
        actions: actions.items,
        actions_pager,
        status: status.into(),
        may_edit_checklists: followup.may_edit_checklists(&actor),
    };
    render(&c, &page)
}
