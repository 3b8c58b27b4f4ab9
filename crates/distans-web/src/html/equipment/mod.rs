//! "Utrustning": the inventory, lending, returns and what to collect; the
//! loans on a person's page; and "Omplacering" (the redeployment view).
//! Plain forms, no JavaScript.

pub mod redeployment;

use askama::Template;
use axum::extract::{Path, Query};
use axum::Form;
use distans_core::equipment::{Item, ItemKind, ItemState, Loan};
use distans_core::kernel::{Actor, Page};
use distans_core::CoreError;
use serde::Deserialize;
use uuid::Uuid;

use crate::api::equipment::item_filter;
use crate::html::ctx::OrPage;
use crate::html::form::{act, redirect, render_form, FormErrors};
use crate::html::pager::paging;
use crate::html::{first, Ctx, HtmlError, Reply};

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
        id: l.id.into(),
        identifier: l.item.identifier.clone(),
        kind: c.t(&format!("equipment-kind-{}", l.item.kind.as_str())),
        category: c.t(&format!("equipment-category-{}", l.item.category.as_str())),
        description: l.item.description.clone(),
        person_id: l.person.id.into(),
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
        id: i.id.into(),
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

/// The loans out and the loans to collect, for those who lend.
async fn loans(c: &Ctx, actor: &Actor) -> Result<(Page<Loan>, Page<Loan>), HtmlError> {
    let equipment = &c.core().equipment;
    let lent = equipment.loans(actor, None, true, first(100)).await;
    let lent = lent.or_page(c)?;
    let collect = equipment.loans_to_collect(actor, first(200)).await;
    Ok((lent, collect.or_page(c)?))
}

async fn page(c: &Ctx, q: EquipmentQuery, errors: FormErrors, form: EquipmentForm) -> Reply {
    let actor = c.actor()?.clone();
    let equipment = &c.core().equipment;
    let filter = item_filter(q.state.as_deref(), q.kind.as_deref(), q.q.as_deref());
    let filter = filter.or_page(c)?;
    let (page_no, paging) = paging(q.sida);
    let items = equipment
        .equipment(&actor, filter, paging)
        .await
        .or_page(c)?;
    let may_lend = equipment.may_lend_anyone(&actor);
    let (lent, collect) = if may_lend {
        loans(c, &actor).await?
    } else {
        (Page::new(vec![], 0, 0), Page::new(vec![], 0, 0))
    };
    let base = serde_urlencoded::to_string([
        ("state", q.state.clone().unwrap_or_default()),
        ("kind", q.kind.clone().unwrap_or_default()),
        ("q", q.q.clone().unwrap_or_default()),
    ])
    .unwrap_or_default();
    let rows = |loans: Page<Loan>| loans.items.iter().map(|l| loan_row(c, l)).collect();
    let page = EquipmentPage {
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
        may_manage: equipment.may_manage_equipment(&actor),
        may_lend,
        lent_total: lent.total,
        lent: rows(lent),
        collect: rows(collect),
        errors,
        form,
    };
    render_form(c, &page, &page.errors)
}

pub async fn equipment_page(mut c: Ctx, Query(q): Query<EquipmentQuery>) -> Reply {
    c.page("equipment").await?;
    let no_form = EquipmentForm::default();
    page(&c, q, FormErrors::default(), no_form).await
}

/// The core's answer to one of the page's forms: `done` on success;
/// refusals and breakage as error pages; the rest at the form.
async fn answered<T>(
    c: &Ctx,
    form_name: &str,
    result: Result<T, CoreError>,
    f: EquipmentForm,
    done: impl FnOnce(T) -> String,
) -> Reply {
    match result {
        Ok(v) => redirect(&done(v)),
        Err(e @ (CoreError::Forbidden(_) | CoreError::Internal(_) | CoreError::NotFound(_))) => {
            Err(c.fail(e))
        }
        Err(e) => {
            let errors = FormErrors::from_core(c, form_name, &e);
            page(c, EquipmentQuery::default(), errors, f).await
        }
    }
}

/// A value for a query string.
fn urlenc(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)])
        .unwrap_or_default()
        .trim_start_matches("x=")
        .to_string()
}

/// The inventory, searched for an item.
fn item_url(i: &Item) -> String {
    format!("/utrustning?q={}", urlenc(&i.identifier))
}

pub async fn add_item(mut c: Ctx, Form(f): Form<EquipmentForm>) -> Reply {
    c.nav = "equipment";
    let actor = c.posted(&f.csrf)?;
    let equipment = &c.core().equipment;
    let added = equipment.add_equipment(&actor, &f.kind, &f.identifier, &f.description);
    let result = added.await;
    answered(&c, "equipment", result, f, |i| item_url(&i)).await
}

#[derive(Deserialize)]
pub struct StateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    state: String,
    version: Option<i64>,
}

pub async fn set_item_state(c: Ctx, Path(id): Path<String>, Form(f): Form<StateForm>) -> Reply {
    let equipment = &c.core().equipment;
    let (to, version) = (Some(f.state.as_str()), f.version);
    let set = |actor: Actor, id: Uuid| async move {
        equipment
            .update_equipment(&actor, id.into(), to, None, version)
            .await
    };
    act(&c, &f.csrf, &id, "item", set, |_, i| item_url(&i)).await
}

/// Only paths of this site go back (never another site).
fn back_to(s: &str) -> String {
    crate::html::local::local_or(Some(s), "/utrustning")
}

pub async fn lend(mut c: Ctx, Form(f): Form<EquipmentForm>) -> Reply {
    c.nav = "equipment";
    let actor = c.posted(&f.csrf)?;
    let equipment = &c.core().equipment;
    let result = async {
        let item = equipment.equipment_item_by_identifier(&actor, &f.item);
        let item = item.await?;
        let person = if !f.person.trim().is_empty() {
            f.person
                .trim()
                .parse()
                .map_err(|_| CoreError::NotFound("person"))?
        } else {
            let by_number = equipment.person_by_employee_number(&actor, &f.employee_number);
            by_number.await?
        };
        equipment.lend(&actor, item.id, person, None).await
    }
    .await;
    let back = back_to(&f.back);
    answered(&c, "lend", result, f, |_| back).await
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

pub async fn return_loan(c: Ctx, Path(id): Path<String>, Form(f): Form<ReturnForm>) -> Reply {
    let equipment = &c.core().equipment;
    let returned = Some(f.state.as_str());
    let give_back = |actor: Actor, id: Uuid| async move {
        equipment.return_loan(&actor, id.into(), returned).await
    };
    act(&c, &f.csrf, &id, "loan", give_back, |_, _| back_to(&f.back)).await
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

pub async fn person_loans(c: &Ctx, person: Uuid) -> Result<Option<PersonLoans>, HtmlError> {
    let actor = c.actor()?.clone();
    let equipment = &c.core().equipment;
    if !equipment.may_see_loans_of(&actor, person.into()).await {
        return Ok(None);
    }
    let loans = equipment
        .loans_of_person_if_visible(&actor, person.into())
        .await;
    let loans = loans.or_page(c)?;
    Ok(Some(PersonLoans {
        person,
        rows: loans.iter().map(|l| loan_row(c, l)).collect(),
        may_lend: equipment.may_lend_to(&actor, person.into()).await,
        settable: state_opts(c, true),
    }))
}
