//! The organisation edited by HR and administrators: a unit renamed,
//! moved (after a check of what moves with it), given a manager, deputy and
//! site, a unit added below another, an empty unit closed; sites added and
//! changed.

use askama::Template;
use axum::extract::{Form, Path};
use distans_core::kernel::{PersonId, SiteId, UnitId};
use distans_core::org::units::{NewUnit, SiteInput, UnitChange};
use distans_core::org::{Site, UnitDetail, UnitSummary};
use distans_core::CoreError;

use super::ctx::{render, Ctx, OrPage, Reply};
use super::form::{
    answer, form_errors, get, id_of, not_refused, redirect, render_form, FormErrors, Pairs,
};

/// The form as typed.
#[derive(Debug, Clone, Default)]
struct Values {
    name: String,
    parent: String,
    manager: String,
    deputy: String,
    site: String,
    version: String,
}

impl Values {
    fn of(u: &UnitDetail, manager: &str, deputy: &str) -> Values {
        Values {
            name: u.unit.name.clone(),
            parent: opt(u.unit.parent_id.map(|p| p.to_string())),
            manager: manager.into(),
            deputy: deputy.into(),
            site: opt(u.site.as_ref().map(|s| s.id.to_string())),
            version: u.unit.version.to_string(),
        }
    }
    fn from_pairs(f: &Pairs) -> Values {
        let v = |k| get(f, k).trim().to_string();
        Values {
            name: v("name"),
            parent: v("parent_id"),
            manager: v("manager"),
            deputy: v("deputy"),
            site: v("site_id"),
            version: v("version"),
        }
    }
    fn change(&self) -> Result<UnitChange, CoreError> {
        Ok(UnitChange {
            name: Some(self.name.clone()),
            parent: one::<UnitId>("parent_id", &self.parent)?,
            manager: Some(one::<PersonId>("manager", &self.manager)?),
            deputy: Some(one::<PersonId>("deputy", &self.deputy)?),
            site: Some(one::<SiteId>("site_id", &self.site)?),
            version: self
                .version
                .parse()
                .map_err(|_| CoreError::invalid("version", "reload the page"))?,
        })
    }
    fn hidden(&self) -> Vec<(&'static str, String)> {
        vec![
            ("name", self.name.clone()),
            ("parent_id", self.parent.clone()),
            ("manager", self.manager.clone()),
            ("deputy", self.deputy.clone()),
            ("site_id", self.site.clone()),
            ("version", self.version.clone()),
        ]
    }
}

fn opt(s: Option<String>) -> String {
    s.unwrap_or_default()
}

/// A chosen id, or none for an empty choice.
pub(super) fn one<T: From<uuid::Uuid>>(field: &str, s: &str) -> Result<Option<T>, CoreError> {
    if s.is_empty() {
        return Ok(None);
    }
    uuid::Uuid::parse_str(s)
        .map(|u| Some(u.into()))
        .map_err(|_| CoreError::invalid(field, "choose from the list"))
}

#[derive(Template)]
#[template(path = "unit_form.html")]
struct UnitForm<'a> {
    c: &'a Ctx,
    unit: UnitDetail,
    v: Values,
    /// Units it may move under (id, name with its depth shown), in tree order.
    units: Vec<(String, String)>,
    /// People who may manage it (id, name).
    people: Vec<(String, String)>,
    sites: Vec<Site>,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "unit_move_check.html")]
struct MoveCheck<'a> {
    c: &'a Ctx,
    unit: UnitDetail,
    to: UnitDetail,
    hidden: Vec<(&'static str, String)>,
}

async fn form_page(c: &Ctx, id: uuid::Uuid, v: Option<Values>, errors: FormErrors) -> Reply {
    let actor = c.actor()?.clone();
    let unit = c.core().org.unit(&actor, id.into()).await.or_page(c)?;
    let units_page = c.core().org.units(&actor, None, None, super::first(500));
    let units: Vec<(String, String)> = units_page
        .await
        .or_page(c)?
        .items
        .into_iter()
        .filter(|u: &UnitSummary| u.id != unit.unit.id)
        .map(|u| {
            let indent = "– ".repeat(usize::try_from(u.depth).unwrap_or(0));
            (u.id.to_string(), format!("{indent}{}", u.name))
        })
        .collect();
    let people_page = c
        .core()
        .org
        .people(&actor, Some(id.into()), true, None, super::first(500));
    let people = people_page
        .await
        .or_page(c)?
        .items
        .into_iter()
        .map(|p| (p.id.to_string(), p.name))
        .collect();
    let sites = c.core().org.sites_with_versions(&actor).await.or_page(c)?;
    let manager = unit.unit.manager.as_ref().map(|m| m.id.to_string());
    let deputy = unit.deputy.as_ref().map(|m| m.id.to_string());
    let v = v.unwrap_or_else(|| Values::of(&unit, &opt(manager), &opt(deputy)));
    let page = UnitForm {
        c,
        unit,
        v,
        units,
        people,
        sites: sites.into_iter().map(|(s, _)| s).collect(),
        errors,
    };
    render_form(c, &page, &page.errors)
}

/// Only HR and administrators see the organisation's forms at all (the
/// core decides each change again).
fn editor(c: &Ctx) -> Result<(), super::HtmlError> {
    if c.can.edit_organisation {
        Ok(())
    } else {
        Err(c.fail(CoreError::Forbidden(
            "only HR and administrators may change the organisation".into(),
        )))
    }
}

/// The unit's form.
pub async fn unit_form(mut c: Ctx, Path(id): Path<String>) -> Reply {
    c.page("org").await?;
    editor(&c)?;
    let id = id_of(&c, &id, "unit")?;
    form_page(&c, id, None, FormErrors::default()).await
}

/// Saves the unit; a move is shown for a check first (`confirm`).
pub async fn unit_save(mut c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    c.nav = "org";
    let actor = c.posted(get(&f, "csrf"))?;
    editor(&c)?;
    let id = id_of(&c, &id, "unit")?;
    let v = Values::from_pairs(&f);
    let change = match v.change() {
        Ok(ch) => ch,
        Err(e) => {
            let errors = form_errors(&c, "unit", e, not_refused)?;
            return form_page(&c, id, Some(v), errors).await;
        }
    };
    let unit = c.core().org.unit(&actor, id.into()).await.or_page(&c)?;
    let moving = change.parent.filter(|p| Some(*p) != unit.unit.parent_id);
    if let (Some(to), false) = (moving, get(&f, "confirm") == "1") {
        let to = c.core().org.unit(&actor, to).await.or_page(&c)?;
        let page = MoveCheck {
            c: &c,
            unit,
            to,
            hidden: v.hidden(),
        };
        return render(&c, &page);
    }
    let result = c.core().org.change_unit(&actor, id.into(), &change).await;
    let done = |u: UnitDetail| redirect(&format!("/enheter/{}", u.unit.id));
    answer(&c, result, "unit", not_refused, done, |errors| {
        form_page(&c, id, Some(v), errors)
    })
    .await
}

/// Adds a unit below this one.
pub async fn unit_add(mut c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    c.nav = "org";
    let actor = c.posted(get(&f, "csrf"))?;
    editor(&c)?;
    let id = id_of(&c, &id, "unit")?;
    let input = NewUnit {
        name: get(&f, "name").into(),
        parent: Some(id.into()),
        ..NewUnit::default()
    };
    let made = c.core().org.create_unit(&actor, &input).await.or_page(&c)?;
    redirect(&format!("/enheter/{}", made.unit.id))
}

/// Closes an empty unit.
pub async fn unit_close(mut c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    c.nav = "org";
    let actor = c.posted(get(&f, "csrf"))?;
    editor(&c)?;
    let id = id_of(&c, &id, "unit")?;
    let version = get(&f, "version").parse().unwrap_or(0);
    c.core()
        .org
        .close_unit(&actor, id.into(), version)
        .await
        .or_page(&c)?;
    redirect(&format!("/enheter/{id}"))
}

/// Adds a site, or changes one (`id`), from the sites page.
pub async fn site_save(mut c: Ctx, Form(f): Form<Pairs>) -> Reply {
    c.nav = "sites";
    let actor = c.posted(get(&f, "csrf"))?;
    editor(&c)?;
    let desks = get(&f, "desks").trim();
    let input = SiteInput {
        name: Some(get(&f, "name").into()),
        address: Some(get(&f, "address").into()),
        desks: Some(desks.parse().map_err(|_| {
            c.fail(CoreError::invalid(
                "desks",
                "a whole number of desks, 0 or more",
            ))
        })?),
        version: get(&f, "version").parse().ok(),
    };
    let id = get(&f, "id");
    if id.is_empty() {
        c.core().org.create_site(&actor, &input).await.or_page(&c)?;
    } else {
        let id = id_of(&c, id, "site")?;
        c.core()
            .org
            .change_site(&actor, id.into(), &input)
            .await
            .or_page(&c)?;
    }
    redirect("/arbetsplatser#sites-edit")
}
