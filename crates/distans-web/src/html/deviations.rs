//! Deviations (avvikelser): the report form (for everyone), the list (to
//! handle, and one's own reports) and a deviation's page with its trail and
//! the responsible manager's acknowledge and close forms.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use distans_core::deviations::{
    Deviation, DeviationInput, DeviationKind, DeviationState, StateFilter,
};
use distans_core::kernel::Paging;
use distans_core::CoreError;
use serde::Deserialize;

use super::ctx::render;
use super::form::{get, id_of, FormErrors, Pairs};
use super::{Ctx, HtmlError};
use crate::AppState;

fn when(t: &time::OffsetDateTime) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    t.format(&f).unwrap_or_default()
}

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

pub async fn list_page(
    State(state): State<AppState>,
    mut c: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, HtmlError> {
    c.nav = "deviations";
    let actor = c.actor()?.clone();
    c.ensure_csrf().await?;
    let core = &state.core;
    let showing_closed = q.visa.as_deref() == Some("stangda");
    let filter = if showing_closed {
        StateFilter::Only(DeviationState::Closed)
    } else {
        StateFilter::Open
    };
    let paging = Paging {
        limit: 100,
        offset: 0,
    };
    let handles = !actor.manages.is_empty() || actor.has(distans_core::kernel::Role::Hr);
    let (to_handle, to_handle_total, awaiting) = if handles {
        let p = core
            .deviations
            .deviations_to_handle(&actor, Some(filter), paging)
            .await
            .map_err(|e| c.fail(e))?;
        let n = core
            .deviations
            .deviations_awaiting(&actor)
            .await
            .map_err(|e| c.fail(e))?;
        (p.items, p.total, n)
    } else {
        (vec![], 0, 0)
    };
    let mine = core
        .deviations
        .my_deviation_reports(&actor, Some(filter), paging)
        .await
        .map_err(|e| c.fail(e))?;
    render(
        &c,
        &ListPage {
            c: &c,
            handles,
            showing_closed,
            to_handle,
            to_handle_total,
            awaiting,
            mine: mine.items,
            mine_total: mine.total,
        },
    )
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

async fn form_page(
    state: &AppState,
    c: &Ctx,
    input: DeviationInput,
    errors: FormErrors,
) -> Result<Response, HtmlError> {
    let anonymity_allowed = state
        .core
        .deviations
        .deviation_anonymity_allowed()
        .await
        .map_err(|e| c.fail(e))?;
    // A manager may report about someone in their units (at most 500 listed).
    let actor = c.actor()?.clone();
    let mut people = vec![];
    for m in actor.manages.iter().take(5) {
        let page = state
            .core
            .org
            .people(
                &actor,
                Some(m.id),
                true,
                None,
                Paging {
                    limit: 500,
                    offset: 0,
                },
            )
            .await
            .map_err(|e| c.fail(e))?;
        for p in page.items {
            if p.id != actor.person_id && people.len() < 500 {
                people.push((p.id.to_string(), p.name));
            }
        }
    }
    people.sort_by(|a, b| a.1.cmp(&b.1));
    people.dedup();
    let bad = !errors.is_empty();
    let mut r = render(
        c,
        &FormPage {
            c,
            kinds: DeviationKind::ALL.to_vec(),
            input,
            anonymity_allowed,
            people,
            errors,
        },
    )?;
    if bad {
        *r.status_mut() = axum::http::StatusCode::BAD_REQUEST;
    }
    Ok(r)
}

pub async fn report_form(State(state): State<AppState>, mut c: Ctx) -> Result<Response, HtmlError> {
    c.nav = "deviations";
    c.actor()?;
    c.ensure_csrf().await?;
    let input = DeviationInput {
        date: state.core.today().to_string(),
        ..Default::default()
    };
    form_page(&state, &c, input, FormErrors::default()).await
}

pub async fn report_submit(
    State(state): State<AppState>,
    mut c: Ctx,
    Form(f): Form<Pairs>,
) -> Result<Response, HtmlError> {
    c.nav = "deviations";
    let actor = c.actor()?.clone();
    c.check_csrf(get(&f, "csrf"))?;
    let input = DeviationInput {
        kind: get(&f, "kind").into(),
        description: get(&f, "description").into(),
        date: get(&f, "date").into(),
        serious: get(&f, "serious") == "on",
        anonymous: get(&f, "anonymous") == "on",
        person: Some(get(&f, "person").trim().to_string()).filter(|p| !p.is_empty()),
    };
    match state.core.deviations.report_deviation(&actor, &input).await {
        Ok(d) => Ok(Redirect::to(&format!("/avvikelser/{}", d.id)).into_response()),
        Err(e @ (CoreError::Forbidden(_) | CoreError::Internal(_))) => Err(c.fail(e)),
        Err(e) => {
            let errors = FormErrors::from_core(&c, "deviation", &e);
            form_page(&state, &c, input, errors).await
        }
    }
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
        when(t)
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

async fn deviation_page_with(
    state: &AppState,
    c: &Ctx,
    id: uuid::Uuid,
    action: String,
    errors: FormErrors,
) -> Result<Response, HtmlError> {
    let actor = c.actor()?.clone();
    let d = state
        .core
        .deviations
        .deviation(&actor, id)
        .await
        .map_err(|e| c.fail(e))?;
    let may_handle = state.core.deviations.may_handle_deviation(&actor, &d);
    let bad = !errors.is_empty();
    let mut r = render(
        c,
        &DeviationPage {
            c,
            d,
            may_handle,
            action,
            errors,
        },
    )?;
    if bad {
        *r.status_mut() = axum::http::StatusCode::BAD_REQUEST;
    }
    Ok(r)
}

pub async fn deviation_page(
    State(state): State<AppState>,
    mut c: Ctx,
    Path(id): Path<String>,
) -> Result<Response, HtmlError> {
    c.nav = "deviations";
    c.actor()?;
    c.ensure_csrf().await?;
    let id = id_of(&c, &id, "deviation")?;
    deviation_page_with(&state, &c, id, String::new(), FormErrors::default()).await
}

fn version_of(f: &Pairs) -> Option<i64> {
    get(f, "version").trim().parse().ok()
}

pub async fn acknowledge(
    State(state): State<AppState>,
    mut c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Result<Response, HtmlError> {
    c.nav = "deviations";
    let actor = c.actor()?.clone();
    c.check_csrf(get(&f, "csrf"))?;
    let id = id_of(&c, &id, "deviation")?;
    state
        .core
        .deviations
        .acknowledge_deviation(&actor, id, version_of(&f))
        .await
        .map_err(|e| c.fail(e))?;
    Ok(Redirect::to(&format!("/avvikelser/{id}")).into_response())
}

pub async fn close(
    State(state): State<AppState>,
    mut c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Result<Response, HtmlError> {
    c.nav = "deviations";
    let actor = c.actor()?.clone();
    c.check_csrf(get(&f, "csrf"))?;
    let id = id_of(&c, &id, "deviation")?;
    match state
        .core
        .deviations
        .close_deviation(&actor, id, get(&f, "action"), version_of(&f))
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/avvikelser/{id}")).into_response()),
        Err(e @ CoreError::Invalid { .. }) => {
            let errors = FormErrors::from_core(&c, "deviation", &e);
            deviation_page_with(&state, &c, id, get(&f, "action").into(), errors).await
        }
        Err(e) => Err(c.fail(e)),
    }
}
