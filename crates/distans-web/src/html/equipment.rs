//! "Utrustning" (the inventory, lending, returns, what to collect) and
//! "Omplacering" (the redeployment view). Plain forms, no JavaScript.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use distans_core::equipment::{Item, ItemKind, ItemState, Loan};
use distans_core::kernel::{Page, Paging};
use distans_core::plan::{DayState, PlanDay};
use distans_core::redeployment::{RedeployRow, MAX_CSV_ROWS};
use distans_core::CoreError;
use serde::Deserialize;
use uuid::Uuid;

use super::ctx::render;
use super::form::{id_of, FormErrors};
use super::{Ctx, HtmlError};
use crate::api::equipment::{item_filter, redeploy_query, RedeploymentParams};
use crate::AppState;

const PAGE_SIZE: i64 = 50;

/// A loan as a page row.
pub struct LoanRow {
    pub id: Uuid,
    pub identifier: String,
    pub kind: String,
    pub category: String,
    pub description: String,
    pub person_id: Uuid,
    pub person: String,
    pub unit: String,
    pub lent_at: String,
    pub lent_by: String,
    pub last_day: String,
}

pub fn loan_row(c: &Ctx, l: &Loan) -> LoanRow {
    LoanRow {
        id: l.id,
        identifier: l.item.identifier.clone(),
        kind: c.t(&format!("equipment-kind-{}", l.item.kind.as_str())),
        category: c.t(&format!("equipment-category-{}", l.item.category.as_str())),
        description: l.item.description.clone(),
        person_id: l.person.id,
        person: l.person.name.clone(),
        unit: l.unit.name.clone(),
        lent_at: l.lent_at.date().to_string(),
        lent_by: l.lent_by.name.clone(),
        last_day: l
            .agreement
            .as_ref()
            .and_then(|g| g.last_day)
            .map(|d| d.to_string())
            .unwrap_or_else(|| "–".into()),
    }
}

/// An item as a page row.
pub struct ItemRow {
    pub id: Uuid,
    pub identifier: String,
    pub kind: String,
    pub category: String,
    pub description: String,
    pub state: &'static str,
    pub state_name: String,
    pub version: i64,
}

fn item_row(c: &Ctx, i: &Item) -> ItemRow {
    ItemRow {
        id: i.id,
        identifier: i.identifier.clone(),
        kind: c.t(&format!("equipment-kind-{}", i.kind.as_str())),
        category: c.t(&format!("equipment-category-{}", i.category.as_str())),
        description: i.description.clone(),
        state: i.state.as_str(),
        state_name: c.t(&format!("equipment-state-{}", i.state.as_str())),
        version: i.version,
    }
}

/// An option of a select.
pub struct Opt {
    pub value: &'static str,
    pub label: String,
}

fn kind_opts(c: &Ctx) -> Vec<Opt> {
    ItemKind::ALL
        .iter()
        .map(|k| Opt {
            value: k.as_str(),
            label: c.t(&format!("equipment-kind-{}", k.as_str())),
        })
        .collect()
}

fn state_opts(c: &Ctx, settable: bool) -> Vec<Opt> {
    ItemState::ALL
        .iter()
        .filter(|s| !settable || **s != ItemState::OnLoan)
        .map(|s| Opt {
            value: s.as_str(),
            label: c.t(&format!("equipment-state-{}", s.as_str())),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "equipment.html")]
struct EquipmentPage<'a> {
    c: &'a Ctx,
    items: Vec<ItemRow>,
    total: i64,
    prev: Option<String>,
    next: Option<String>,
    kinds: Vec<Opt>,
    states: Vec<Opt>,
    settable: Vec<Opt>,
    f_state: String,
    f_kind: String,
    f_q: String,
    may_manage: bool,
    may_lend: bool,
    lent: Vec<LoanRow>,
    lent_total: i64,
    collect: Vec<LoanRow>,
    errors: FormErrors,
    form: EquipmentForm,
}

#[derive(Deserialize, Default, Clone)]
pub struct EquipmentQuery {
    state: Option<String>,
    kind: Option<String>,
    q: Option<String>,
    sida: Option<i64>,
}

/// The fields of the page's forms, as sent (to show them again on an error).
#[derive(Deserialize, Default, Clone)]
pub struct EquipmentForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub identifier: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub item: String,
    #[serde(default)]
    pub employee_number: String,
    #[serde(default)]
    pub person: String,
    #[serde(default)]
    pub back: String,
}

async fn page(
    state: &AppState,
    c: &Ctx,
    q: EquipmentQuery,
    errors: FormErrors,
    form: EquipmentForm,
) -> Result<Response, HtmlError> {
    let actor = c.actor()?.clone();
    let filter = item_filter(q.state.as_deref(), q.kind.as_deref(), q.q.as_deref())
        .map_err(|e| c.fail(e))?;
    let page_no = q.sida.unwrap_or(1).clamp(1, 100_000);
    let items = state
        .core
        .equipment
        .equipment(
            &actor,
            filter,
            Paging {
                limit: PAGE_SIZE,
                offset: (page_no - 1) * PAGE_SIZE,
            },
        )
        .await
        .map_err(|e| c.fail(e))?;
    let may_lend = state.core.equipment.may_lend_anyone(&actor);
    let (lent, collect) = if may_lend {
        (
            state
                .core
                .equipment
                .loans(
                    &actor,
                    None,
                    true,
                    Paging {
                        limit: 100,
                        offset: 0,
                    },
                )
                .await
                .map_err(|e| c.fail(e))?,
            state
                .core
                .equipment
                .loans_to_collect(
                    &actor,
                    Paging {
                        limit: 200,
                        offset: 0,
                    },
                )
                .await
                .map_err(|e| c.fail(e))?,
        )
    } else {
        (Page::new(vec![], 0, 0), Page::new(vec![], 0, 0))
    };
    let base = serde_urlencoded::to_string([
        ("state", q.state.clone().unwrap_or_default()),
        ("kind", q.kind.clone().unwrap_or_default()),
        ("q", q.q.clone().unwrap_or_default()),
    ])
    .unwrap_or_default();
    let bad = !errors.is_empty();
    let mut r = render(
        c,
        &EquipmentPage {
            c,
            items: items.items.iter().map(|i| item_row(c, i)).collect(),
            total: items.total,
            prev: (page_no > 1).then(|| format!("/utrustning?{base}&sida={}", page_no - 1)),
            next: items
                .next
                .map(|_| format!("/utrustning?{base}&sida={}", page_no + 1)),
            kinds: kind_opts(c),
            states: state_opts(c, false),
            settable: state_opts(c, true),
            f_state: q.state.unwrap_or_default(),
            f_kind: q.kind.unwrap_or_default(),
            f_q: q.q.unwrap_or_default(),
            may_manage: state.core.equipment.may_manage_equipment(&actor),
            may_lend,
            lent: lent.items.iter().map(|l| loan_row(c, l)).collect(),
            lent_total: lent.total,
            collect: collect.items.iter().map(|l| loan_row(c, l)).collect(),
            errors,
            form,
        },
    )?;
    if bad {
        *r.status_mut() = axum::http::StatusCode::BAD_REQUEST;
    }
    Ok(r)
}

pub async fn equipment_page(
    State(state): State<AppState>,
    mut c: Ctx,
    Query(q): Query<EquipmentQuery>,
) -> Result<Response, HtmlError> {
    c.nav = "equipment";
    c.actor()?;
    c.ensure_csrf().await?;
    page(
        &state,
        &c,
        q,
        FormErrors::default(),
        EquipmentForm::default(),
    )
    .await
}

/// A form's failure: refusals and breakage as pages, the rest at the form.
async fn form_failed(
    state: &AppState,
    c: &Ctx,
    form_name: &str,
    e: CoreError,
    f: EquipmentForm,
) -> Result<Response, HtmlError> {
    match e {
        e @ (CoreError::Forbidden(_) | CoreError::Internal(_) | CoreError::NotFound(_)) => {
            Err(c.fail(e))
        }
        e => {
            let errors = FormErrors::from_core(c, form_name, &e);
            page(state, c, EquipmentQuery::default(), errors, f).await
        }
    }
}

pub async fn add_item(
    State(state): State<AppState>,
    mut c: Ctx,
    Form(f): Form<EquipmentForm>,
) -> Result<Response, HtmlError> {
    c.nav = "equipment";
    let actor = c.actor()?.clone();
    c.check_csrf(&f.csrf)?;
    match state
        .core
        .equipment
        .add_equipment(&actor, &f.kind, &f.identifier, &f.description)
        .await
    {
        Ok(i) => Ok(Redirect::to(&format!(
            "/utrustning?q={}",
            serde_urlencoded::to_string([("", i.identifier.as_str())])
                .unwrap_or_default()
                .trim_start_matches('=')
        ))
        .into_response()),
        Err(e) => form_failed(&state, &c, "equipment", e, f).await,
    }
}

#[derive(Deserialize)]
pub struct StateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    state: String,
    version: Option<i64>,
}

pub async fn set_item_state(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<StateForm>,
) -> Result<Response, HtmlError> {
    let actor = c.actor()?.clone();
    c.check_csrf(&f.csrf)?;
    let id = id_of(&c, &id, "item")?;
    let item = state
        .core
        .equipment
        .update_equipment(&actor, id, Some(&f.state), None, f.version)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(Redirect::to(&format!("/utrustning?q={}", urlenc(&item.identifier))).into_response())
}

fn urlenc(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)])
        .unwrap_or_default()
        .trim_start_matches("x=")
        .to_string()
}

/// Only paths of this site go back (never another site).
fn back_to(s: &str) -> String {
    if s.starts_with('/') && !s.starts_with("//") && !s.contains('\\') {
        s.to_string()
    } else {
        "/utrustning".into()
    }
}

pub async fn lend(
    State(state): State<AppState>,
    mut c: Ctx,
    Form(f): Form<EquipmentForm>,
) -> Result<Response, HtmlError> {
    c.nav = "equipment";
    let actor = c.actor()?.clone();
    c.check_csrf(&f.csrf)?;
    let result = async {
        let item = state
            .core
            .equipment
            .equipment_item_by_identifier(&actor, &f.item)
            .await?;
        let person = if !f.person.trim().is_empty() {
            Uuid::parse_str(f.person.trim()).map_err(|_| CoreError::NotFound("person"))?
        } else {
            state
                .core
                .equipment
                .person_by_employee_number(&actor, &f.employee_number)
                .await?
        };
        state
            .core
            .equipment
            .lend(&actor, item.id, person, None)
            .await
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&back_to(&f.back)).into_response()),
        Err(e) => form_failed(&state, &c, "lend", e, f).await,
    }
}

#[derive(Deserialize)]
pub struct ReturnForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    back: String,
}

pub async fn return_loan(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ReturnForm>,
) -> Result<Response, HtmlError> {
    let actor = c.actor()?.clone();
    c.check_csrf(&f.csrf)?;
    let id = id_of(&c, &id, "loan")?;
    state
        .core
        .equipment
        .return_loan(&actor, id, Some(&f.state))
        .await
        .map_err(|e| c.fail(e))?;
    Ok(Redirect::to(&back_to(&f.back)).into_response())
}

// The person page's section.

/// What the person page shows of a person's loans.
pub struct PersonLoans {
    pub person: Uuid,
    pub rows: Vec<LoanRow>,
    /// May the viewer lend to the person and take things back?
    pub may_lend: bool,
    pub settable: Vec<Opt>,
}

pub async fn person_loans(
    state: &AppState,
    c: &Ctx,
    person: Uuid,
) -> Result<Option<PersonLoans>, HtmlError> {
    let actor = c.actor()?.clone();
    let may_see = state.core.equipment.may_see_loans_of(&actor, person).await;
    if !may_see {
        return Ok(None);
    }
    let loans = state
        .core
        .equipment
        .loans_of_person_if_visible(&actor, person)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(Some(PersonLoans {
        person,
        rows: loans.iter().map(|l| loan_row(c, l)).collect(),
        may_lend: state.core.equipment.may_lend_to(&actor, person).await,
        settable: state_opts(c, true),
    }))
}

// Omplacering.

/// A day of a person's strip.
pub struct StripDay {
    pub date: String,
    pub class: &'static str,
    /// A letter or two, so that the state is not told by colour only.
    pub abbr: String,
    pub label: String,
}

pub struct RedeployRowView {
    pub id: Uuid,
    pub name: String,
    pub unit_id: Uuid,
    pub unit: String,
    pub skills: Vec<String>,
    pub workdays: i64,
    pub available: i64,
    pub remote: i64,
    pub workplace: i64,
    pub absent: i64,
    pub days: Vec<StripDay>,
}

fn state_key(s: DayState) -> &'static str {
    distans_core::redeployment::rules::state_name(s)
}

fn strip_day(c: &Ctx, d: &PlanDay) -> StripDay {
    let key = state_key(d.state);
    let half = d.part.is_some();
    StripDay {
        date: d.date.to_string(),
        class: if half { "half" } else { key },
        abbr: format!(
            "{}{}",
            c.t(&format!("redeploy-abbr-{key}")),
            if half { "½" } else { "" }
        ),
        label: format!(
            "{} {}{}",
            d.date,
            c.t(&format!("state-{key}")),
            if half {
                format!(" ({})", c.t("state-half"))
            } else {
                String::new()
            }
        ),
    }
}

fn row_view(c: &Ctx, r: &RedeployRow) -> RedeployRowView {
    RedeployRowView {
        id: r.person.id,
        name: r.person.name.clone(),
        unit_id: r.unit.id,
        unit: r.unit.name.clone(),
        skills: r.skills.clone(),
        workdays: r.workdays,
        available: r.available_days,
        remote: r.remote_days,
        workplace: r.workplace_days,
        absent: r.absent_days,
        days: r.days.iter().map(|d| strip_day(c, d)).collect(),
    }
}

#[derive(Template)]
#[template(path = "redeployment.html")]
struct RedeploymentPage<'a> {
    c: &'a Ctx,
    rows: Vec<RedeployRowView>,
    skills: Vec<String>,
    units: Vec<(Uuid, String)>,
    from: String,
    to: String,
    skill: String,
    unit: String,
    min: String,
    next: Option<String>,
    first: Option<String>,
    csv: String,
    max_csv: usize,
    errors: FormErrors,
}

pub async fn redeployment_page(
    State(state): State<AppState>,
    mut c: Ctx,
    Query(p): Query<RedeploymentParams>,
) -> Result<Response, HtmlError> {
    c.nav = "redeployment";
    let actor = c.actor()?.clone();
    if !state.core.redeployment.may_read_redeployment(&actor) {
        return Err(c.fail(CoreError::forbidden(
            "only HR and directors use the redeployment view",
        )));
    }
    let skills = state
        .core
        .redeployment
        .known_skills(&actor)
        .await
        .map_err(|e| c.fail(e))?;
    let units = state
        .core
        .org
        .units(
            &actor,
            None,
            Some(2),
            Paging {
                limit: 500,
                offset: 0,
            },
        )
        .await
        .map_err(|e| c.fail(e))?
        .items
        .into_iter()
        .map(|u| {
            (
                u.id,
                format!("{}{}", "– ".repeat(u.depth.max(0) as usize), u.name),
            )
        })
        .collect();
    let today = state.core.today();
    let mut errors = FormErrors::default();
    let mut rows = vec![];
    let mut next = None;
    let mut p = p;
    if p.limit.is_none() {
        p.limit = Some(50);
    }
    let q = redeploy_query(&p, today);
    let (from, to) = match &q {
        Ok(q) => (q.from.to_string(), q.to.to_string()),
        Err(_) => (
            p.from.clone().unwrap_or_default(),
            p.to.clone().unwrap_or_default(),
        ),
    };
    let filters = |after: Option<String>| {
        let mut v = vec![
            ("from", from.clone()),
            ("to", to.clone()),
            ("skill", p.skill.clone().unwrap_or_default()),
            ("unit", p.unit.clone().unwrap_or_default()),
            (
                "available_days_min",
                p.available_days_min.clone().unwrap_or_default(),
            ),
        ];
        if let Some(a) = after {
            v.push(("after", a));
        }
        serde_urlencoded::to_string(v).unwrap_or_default()
    };
    match q {
        Ok(q) => match state.core.redeployment.redeployment(&actor, &q).await {
            Ok(page) => {
                rows = page.items.iter().map(|r| row_view(&c, r)).collect();
                next = page
                    .next
                    .map(|n| format!("/omplacering?{}", filters(Some(n.to_string()))));
            }
            Err(e @ (CoreError::Forbidden(_) | CoreError::Internal(_))) => return Err(c.fail(e)),
            Err(e) => errors = FormErrors::from_core(&c, "redeploy", &e),
        },
        Err(e) => errors = FormErrors::from_core(&c, "redeploy", &e),
    }
    let bad = !errors.is_empty();
    let mut r = render(
        &c,
        &RedeploymentPage {
            c: &c,
            rows,
            skills,
            units,
            from: from.clone(),
            to: to.clone(),
            skill: p.skill.clone().unwrap_or_default(),
            unit: p.unit.clone().unwrap_or_default(),
            min: p.available_days_min.clone().unwrap_or_default(),
            next,
            first: p
                .after
                .as_ref()
                .filter(|a| !a.is_empty())
                .map(|_| format!("/omplacering?{}", filters(None))),
            csv: format!("/api/v1/redeployment.csv?{}", filters(None)),
            max_csv: MAX_CSV_ROWS,
            errors,
        },
    )?;
    if bad {
        *r.status_mut() = axum::http::StatusCode::BAD_REQUEST;
    }
    Ok(r)
}

impl RedeploymentPage<'_> {
    fn is_skill(&self, s: &str) -> bool {
        self.skill == s
    }
    fn is_unit(&self, u: &Uuid) -> bool {
        self.unit == u.to_string()
    }
}
