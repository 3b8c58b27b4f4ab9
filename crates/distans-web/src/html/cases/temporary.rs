//! Temporary decisions (a crisis, a closed office): the list, and the form
//! of HR and directors to issue one.

use askama::Template;
use axum::Form;
use distans_core::kernel::Page;
use distans_core::kernel::{PersonId, UnitId};
use distans_core::org::UnitSummary;
use distans_core::temporary::{TemporaryDecision, TemporaryDecisionInput};

use crate::html::ctx::OrPage;
use crate::html::form::{all, answer, get, invalid, redirect, render_form, FormErrors, Pairs};
use crate::html::org::top_units;
use crate::html::{first, Ctx, Reply};

#[derive(Template)]
#[template(path = "temporary.html")]
struct TemporaryPage<'a> {
    c: &'a Ctx,
    decisions: Page<TemporaryDecision>,
    may_issue: bool,
    errors: FormErrors,
    v: Pairs,
    checklist: String,
    /// Units that may be chosen as the scope (kommun, förvaltningar, avdelningar).
    units: Vec<UnitSummary>,
}

impl TemporaryPage<'_> {
    fn unit_chosen(&self, id: &UnitId) -> bool {
        let id = id.to_string();
        self.v.iter().any(|(k, v)| k == "units" && *v == id)
    }
    fn delegate_chosen(&self, id: &PersonId) -> bool {
        let id = id.to_string();
        self.v.iter().any(|(k, v)| k == "delegates" && *v == id)
    }
    fn val(&self, k: &str) -> String {
        get(&self.v, k).to_string()
    }
    fn checked(&self, k: &str) -> bool {
        self.v.is_empty() || get(&self.v, k) == "on"
    }
}

/// The page, its form empty or (`v`) as sent with its errors.
async fn temporary_with(c: &Ctx, errors: FormErrors, v: Pairs) -> Reply {
    let actor = c.actor()?;
    let decisions = c.core().temporary.temporary_decisions(actor, first(100));
    let decisions = decisions.await.or_page(c)?;
    let checklist = if v.is_empty() {
        distans_core::temporary::DEFAULT_CRISIS_CHECKLIST.join("\n")
    } else {
        get(&v, "checklist").to_string()
    };
    let may_issue = c.can.issue_temporary_decisions;
    let units = if may_issue {
        let units = top_units(c, actor).await?.items.into_iter();
        units.filter(|u| u.depth > 0).collect()
    } else {
        vec![]
    };
    let page = TemporaryPage {
        c,
        decisions,
        units,
        may_issue,
        errors,
        v,
        checklist,
    };
    render_form(c, &page, &page.errors)
}

pub async fn temporary_page(mut c: Ctx) -> Reply {
    c.page("temporary").await?;
    temporary_with(&c, FormErrors::default(), vec![]).await
}

/// The ids chosen in a multiple select, without the empty choice.
fn chosen(f: &Pairs, k: &str) -> Vec<String> {
    all(f, k).into_iter().filter(|u| !u.is_empty()).collect()
}

pub async fn temporary_issue(mut c: Ctx, Form(f): Form<Pairs>) -> Reply {
    c.nav = "temporary";
    let actor = c.posted(get(&f, "csrf"))?;
    let input = TemporaryDecisionInput {
        title: get(&f, "title").into(),
        description: get(&f, "description").into(),
        start: get(&f, "start").into(),
        end: get(&f, "end").into(),
        units: chosen(&f, "units"),
        max_remote_days: get(&f, "max_remote_days").parse().ok(),
        without_agreement: get(&f, "without_agreement") == "on",
        tasks_must_allow: get(&f, "tasks_must_allow") == "on",
        delegates: chosen(&f, "delegates"),
        checklist: Some(get(&f, "checklist").lines().map(str::to_string).collect()),
    };
    let temporary = &c.core().temporary;
    let result = temporary.issue_temporary_decision(&actor, &input).await;
    let done = |_| redirect("/tillfalliga-beslut");
    answer(&c, result, "temporary", invalid, done, |errors| {
        temporary_with(&c, errors, f)
    })
    .await
}
