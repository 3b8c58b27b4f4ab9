//! A request's page, with its history, and the decision form of those who
//! decide.

use askama::Template;
use axum::extract::Path;
use axum::Form;
use distans_core::cases::{Decision, RemoteRequest, Verdict};
use distans_core::CoreError;
use uuid::Uuid;

use super::{state_name, weekdays_text};
use crate::html::ctx::OrPage;
use crate::html::form::{get, id_of, redirect, render_form, FormErrors, Pairs};
use crate::html::plan::describe_gap;
use crate::html::{minute, Ctx, Reply};

#[derive(Template)]
#[template(path = "request.html")]
struct RequestPage<'a> {
    c: &'a Ctx,
    r: RemoteRequest,
    may_decide: bool,
    is_mine: bool,
    errors: FormErrors,
}

impl RequestPage<'_> {
    fn state(&self) -> String {
        state_name(self.c, &self.r.state)
    }
    fn weekdays_text(&self) -> String {
        weekdays_text(self.c, self.r.arrangement.terms.weekdays().iter())
    }
    fn when(&self, t: &time::OffsetDateTime) -> String {
        minute(t)
    }
    fn event(&self, k: &str) -> String {
        self.c.t(&format!("event-{k}"))
    }
}

async fn request_page_with(c: &Ctx, id: Uuid, errors: FormErrors) -> Reply {
    let actor = c.actor()?;
    let r = c.core().cases.request(actor, id.into()).await.or_page(c)?;
    let page = RequestPage {
        c,
        may_decide: c.core().cases.may_decide(actor, &r),
        is_mine: r.person.id == actor.person_id,
        r,
        errors,
    };
    render_form(c, &page, &page.errors)
}

pub async fn request_page(mut c: Ctx, Path(id): Path<String>) -> Reply {
    c.page("requests").await?;
    let id = id_of(&c, &id, "request")?;
    request_page_with(&c, id, FormErrors::default()).await
}

fn decision_of(f: &Pairs) -> Option<Decision> {
    match get(f, "decision") {
        "approve" => Some(Decision::Approve),
        "decline" => Some(Decision::Decline),
        "changes" => Some(Decision::Changes),
        _ => None,
    }
}

pub async fn request_decide(mut c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    c.nav = "requests";
    let actor = c.posted(get(&f, "csrf"))?;
    let id = id_of(&c, &id, "request")?;
    let errors = match decision_of(&f) {
        None => FormErrors(vec![("decision".into(), c.t("err-decision-decision"))]),
        Some(decision) => {
            let verdict = Verdict {
                decision,
                reason: Some(get(&f, "reason")),
                expected: get(&f, "version").parse::<i64>().ok(),
                allow_gap: get(&f, "allow_gap") == "1",
            };
            let decided = c.core().cases.decide(&actor, id.into(), verdict);
            match decided.await {
                Ok(r) => {
                    return redirect(&match r.agreement_id {
                        Some(g) => format!("/overenskommelser/{g}"),
                        None => format!("/ansokningar/{id}"),
                    })
                }
                Err(e @ CoreError::Invalid { .. }) => FormErrors::from_core(&c, "decision", &e),
                Err(CoreError::CoverageGap { gaps, .. }) => {
                    let lines: Vec<String> = gaps.iter().map(|g| describe_gap(&c, g)).collect();
                    let message = format!("{} {}", c.t("plan-gap-warning"), lines.join(" "));
                    FormErrors(vec![("allow_gap".into(), message)])
                }
                Err(e) => return Err(c.fail(e)),
            }
        }
    };
    request_page_with(&c, id, errors).await
}
