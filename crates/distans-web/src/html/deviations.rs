//! Deviations (avvikelser): the report form (for everyone), the list (to
//! handle, and one's own reports) and a deviation's page with its trail and
//! the responsible manager's acknowledge and close forms.

use askama::Template;
use axum::extract::{Path, Query};
use axum::Form;
use distans_core::deviations::{
    Deviation, DeviationInput, DeviationKind, DeviationState, StateFilter,
};
use distans_core::kernel::Actor;
use serde::Deserialize;
use uuid::Uuid;

use super::ctx::{render, OrPage};
use super::form::{act, answer, get, id_of, invalid, not_refused, redirect, render_form};
use super::form::{FormErrors, Pairs};
use super::{first, minute, Ctx, HtmlError, Reply};

/// Names and texts shared by the deviation templates.
trait DeviationText {
    fn ctx(&self) -> &Ctx;
    fn kind(&self, k: &DeviationKind) -> String {
        self.ctx().t(&format!("deviation-kind-{}", k.as_str()))
    }
    fn state(&self, s: &DeviationState) -> String {
        self.ctx().t(&format!("deviation-state-{}", s.as_str()))
    }
    fn reporter(&self, d: &Deviation) -> String {
        match &d.reporter {
            Some(r) => r.name.clone(),
            None => self.ctx().t("deviation-anonymous-reporter"),
        }
    }
    fn responsible(&self, d: &Deviation) -> String {
        match &d.responsible {
            Some(r) => r.name.clone(),
            None => self.ctx().t("deviation-responsible-hr"),
        }
    }
}

// The list.

#[derive(Template)]
#[template(path = "deviations.html")]
struct ListPage<'a> {
    c: &'a Ctx,
    /// Whether the person handles deviations (a manager, HR).
    handles: bool,
    showing_closed: bool,
    to_handle: Vec<Deviation>,
    to_handle_total: i64,
    awaiting: i64,
    mine: Vec<Deviation>,
    mine_total: i64,
}

impl DeviationText for ListPage<'_> {
    fn ctx(&self) -> &Ctx {
        self.c
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    visa: Option<String>,
}

pub async fn list_page(mut c: Ctx, Query(q): Query<ListQuery>) -> Reply {
    let actor = c.page("deviations").await?;
    let deviations = &c.core().deviations;
    let showing_closed = q.visa.as_deref() == Some("stangda");
    let filter = Some(if showing_closed {
        StateFilter::Only(DeviationState::Closed)
    } else {
        StateFilter::Open
    });
    let handles = c.can.handle_deviations;
    let (to_handle, to_handle_total, awaiting) = if handles {
        let p = deviations.deviations_to_handle(&actor, filter, first(100));
        let p = p.await.or_page(&c)?;
        let n = deviations.deviations_awaiting(&actor).await.or_page(&c)?;
        (p.items, p.total, n)
    } else {
        (vec![], 0, 0)
    };
    let mine = deviations.my_deviation_reports(&actor, filter, first(100));
    let mine = mine.await.or_page(&c)?;
    let page = ListPage {
        c: &c,
        handles,
        showing_closed,
        to_handle,
        to_handle_total,
        awaiting,
        mine: mine.items,
        mine_total: mine.total,
    };
    render(&c, &page)
}

// Reporting.

#[derive(Template)]
#[template(path = "deviation_form.html")]
struct FormPage<'a> {
    c: &'a Ctx,
    kinds: Vec<DeviationKind>,
    input: DeviationInput,
    anonymity_allowed: bool,
    /// For managers: the people of their units it may concern (id, name).
    people: Vec<(String, String)>,
    errors: FormErrors,
}

impl DeviationText for FormPage<'_> {
    fn ctx(&self) -> &Ctx {
        self.c
    }
}

impl FormPage<'_> {
    fn is_kind(&self, k: &DeviationKind) -> bool {
        self.input.kind == k.as_str()
    }
    fn is_person(&self, id: &str) -> bool {
        self.input.person.as_deref() == Some(id)
    }
}

/// The people of a manager's units a report may concern (at most 500).
async fn people_managed(c: &Ctx, actor: &Actor) -> Result<Vec<(String, String)>, HtmlError> {
    let mut people = vec![];
    for m in actor.manages.iter().take(5) {
        let page = c
            .core()
            .org
            .people(actor, Some(m.id), true, None, first(500));
        for p in page.await.or_page(c)?.items {
            if p.id != actor.person_id && people.len() < 500 {
                people.push((p.id.to_string(), p.name));
            }
        }
    }
    people.sort_by(|a, b| a.1.cmp(&b.1));
    people.dedup();
    Ok(people)
}

async fn form_page(c: &Ctx, input: DeviationInput, errors: FormErrors) -> Reply {
    let anonymity = c.core().deviations.deviation_anonymity_allowed().await;
    let anonymity_allowed = anonymity.or_page(c)?;
    // A manager may report about someone in their units.
    let actor = c.actor()?.clone();
    let page = FormPage {
        c,
        kinds: DeviationKind::ALL.to_vec(),
        input,
        anonymity_allowed,
        people: people_managed(c, &actor).await?,
        errors,
    };
    render_form(c, &page, &page.errors)
}

pub async fn report_form(mut c: Ctx) -> Reply {
    c.page("deviations").await?;
    let input = DeviationInput {
        date: c.core().today().to_string(),
        ..Default::default()
    };
    form_page(&c, input, FormErrors::default()).await
}

pub async fn report_submit(mut c: Ctx, Form(f): Form<Pairs>) -> Reply {
    c.nav = "deviations";
    let actor = c.posted(get(&f, "csrf"))?;
    let input = DeviationInput {
        kind: get(&f, "kind").into(),
        description: get(&f, "description").into(),
        date: get(&f, "date").into(),
        serious: get(&f, "serious") == "on",
        anonymous: get(&f, "anonymous") == "on",
        person: Some(get(&f, "person").trim().to_string()).filter(|p| !p.is_empty()),
    };
    let result = c.core().deviations.report_deviation(&actor, &input).await;
    let done = |d: Deviation| redirect(&deviation_url(d.id.into(), ()));
    answer(&c, result, "deviation", not_refused, done, |errors| {
        form_page(&c, input, errors)
    })
    .await
}

// One deviation.

#[derive(Template)]
#[template(path = "deviation.html")]
struct DeviationPage<'a> {
    c: &'a Ctx,
    d: Deviation,
    may_handle: bool,
    action: String,
    errors: FormErrors,
}

impl DeviationText for DeviationPage<'_> {
    fn ctx(&self) -> &Ctx {
        self.c
    }
}

impl DeviationPage<'_> {
    fn when(&self, t: &time::OffsetDateTime) -> String {
        minute(t)
    }
    fn event(&self, k: &str) -> String {
        self.c.t(&format!("deviation-event-{k}"))
    }
    fn event_text(&self, t: &str) -> String {
        // The implicit acknowledgement on closing is recorded in Swedish.
        if t == "vid avslut" {
            self.c.t("deviation-event-on-close")
        } else {
            t.to_string()
        }
    }
    fn person_name(&self) -> String {
        match &self.d.person {
            Some(p) => p.name.clone(),
            None => self.c.t("deviation-anonymous-reporter"),
        }
    }
}

/// The deviation's page; the close form's `action` as sent, with its errors.
async fn deviation_page_with(c: &Ctx, id: Uuid, action: String, errors: FormErrors) -> Reply {
    let actor = c.actor()?.clone();
    let deviations = &c.core().deviations;
    let d = deviations.deviation(&actor, id.into()).await.or_page(c)?;
    let page = DeviationPage {
        c,
        may_handle: deviations.may_handle_deviation(&actor, &d),
        d,
        action,
        errors,
    };
    render_form(c, &page, &page.errors)
}

pub async fn deviation_page(mut c: Ctx, Path(id): Path<String>) -> Reply {
    c.page("deviations").await?;
    let id = id_of(&c, &id, "deviation")?;
    deviation_page_with(&c, id, String::new(), FormErrors::default()).await
}

fn version_of(f: &Pairs) -> Option<i64> {
    get(f, "version").trim().parse().ok()
}

/// Back to the deviation's page.
fn deviation_url<T>(id: Uuid, _: T) -> String {
    format!("/avvikelser/{id}")
}

pub async fn acknowledge(mut c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    c.nav = "deviations";
    let deviations = &c.core().deviations;
    let version = version_of(&f);
    let ack = |actor: Actor, id: Uuid| async move {
        deviations
            .acknowledge_deviation(&actor, id.into(), version)
            .await
    };
    act(&c, get(&f, "csrf"), &id, "deviation", ack, deviation_url).await
}

pub async fn close(mut c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    c.nav = "deviations";
    let actor = c.posted(get(&f, "csrf"))?;
    let id = id_of(&c, &id, "deviation")?;
    let action = get(&f, "action");
    let deviations = &c.core().deviations;
    let result = deviations.close_deviation(&actor, id.into(), action, version_of(&f));
    let done = |_| redirect(&deviation_url(id, ()));
    answer(&c, result.await, "deviation", invalid, done, |errors| {
        deviation_page_with(&c, id, action.into(), errors)
    })
    .await
}
