//! A person's facts edited by HR and administrators: name, employee
//! number, e-mail, title, home unit (after a check of what a move means),
//! site, skills and granted roles.

use askama::Template;
use axum::extract::{Form, Path};
use distans_core::agreements::AgreementState;
use distans_core::kernel::{Role, SiteId, UnitId};
use distans_core::org::edit::PersonChange;
use distans_core::org::{PersonView, Site, UnitDetail, UnitSummary};
use distans_core::CoreError;

use super::ctx::{render, Ctx, OrPage, Reply};
use super::form::{
    all, answer, form_errors, get, id_of, not_refused, redirect, render_form, FormErrors, Pairs,
};
use super::units::one;

/// The roles a person can be granted, in the order the form shows them.
const GRANTED: [Role; 5] = [
    Role::Hr,
    Role::Admin,
    Role::Auditor,
    Role::Director,
    Role::Records,
];

/// The form as typed.
#[derive(Debug, Clone, Default)]
struct Values {
    employee_number: String,
    given_name: String,
    family_name: String,
    email: String,
    title: String,
    unit: String,
    site: String,
    skills: String,
    roles: Vec<String>,
    version: String,
}

impl Values {
    fn of(p: &PersonView) -> Values {
        Values {
            employee_number: p.employee_number.clone(),
            given_name: p.given_name.clone(),
            family_name: p.family_name.clone(),
            email: p.email.clone().unwrap_or_default(),
            title: p.title.clone().unwrap_or_default(),
            unit: p.unit.id.to_string(),
            site: p
                .site
                .as_ref()
                .map(|s| s.id.to_string())
                .unwrap_or_default(),
            skills: p.skills.clone().unwrap_or_default().join(", "),
            roles: p
                .roles
                .iter()
                .filter(|r| GRANTED.contains(r))
                .map(|r| r.as_str().to_string())
                .collect(),
            version: p.version.to_string(),
        }
    }

    fn from_pairs(f: &Pairs) -> Values {
        let v = |k| get(f, k).trim().to_string();
        Values {
            employee_number: v("employee_number"),
            given_name: v("given_name"),
            family_name: v("family_name"),
            email: v("email"),
            title: v("title"),
            unit: v("unit_id"),
            site: v("site_id"),
            skills: v("skills"),
            roles: all(f, "roles"),
            version: v("version"),
        }
    }

    /// The change asked for, and the version it was made to.
    fn change(&self) -> Result<(i64, PersonChange), CoreError> {
        let version = self
            .version
            .parse()
            .map_err(|_| CoreError::invalid("version", "reload the page"))?;
        let unit = one::<UnitId>("unit_id", &self.unit)?
            .ok_or_else(|| CoreError::invalid("unit_id", "choose the home unit"))?;
        let skills = self
            .skills
            .split([',', ';', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        Ok((
            version,
            PersonChange {
                employee_number: Some(self.employee_number.clone()),
                given_name: Some(self.given_name.clone()),
                family_name: Some(self.family_name.clone()),
                email: Some(Some(self.email.clone())),
                title: Some(Some(self.title.clone())),
                unit_id: Some(unit),
                site_id: Some(one::<SiteId>("site_id", &self.site)?),
                skills: Some(skills),
                roles: Some(self.roles.clone()),
                username: None,
            },
        ))
    }

    /// The fields again, for the check of a move.
    fn hidden(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![
            ("employee_number", self.employee_number.clone()),
            ("given_name", self.given_name.clone()),
            ("family_name", self.family_name.clone()),
            ("email", self.email.clone()),
            ("title", self.title.clone()),
            ("unit_id", self.unit.clone()),
            ("site_id", self.site.clone()),
            ("skills", self.skills.clone()),
            ("version", self.version.clone()),
        ];
        out.extend(self.roles.iter().map(|r| ("roles", r.clone())));
        out
    }

    fn has_role(&self, r: &Role) -> bool {
        self.roles.iter().any(|x| x == r.as_str())
    }
}

#[derive(Template)]
#[template(path = "person_form.html")]
struct PersonForm<'a> {
    c: &'a Ctx,
    p: PersonView,
    v: Values,
    /// Units to choose the home unit from (id, name with its depth shown).
    units: Vec<(String, String)>,
    sites: Vec<Site>,
    roles: [Role; 5],
    errors: FormErrors,
}

impl PersonForm<'_> {
    /// The text fields: name, value, longest length, input type.
    fn texts(&self) -> [(&'static str, &str, u16, &'static str); 5] {
        let v = &self.v;
        [
            ("given_name", &v.given_name, 100, "text"),
            ("family_name", &v.family_name, 100, "text"),
            ("employee_number", &v.employee_number, 64, "text"),
            ("email", &v.email, 254, "email"),
            ("title", &v.title, 200, "text"),
        ]
    }

    /// The label of one of the text fields.
    fn label(&self, field: &str) -> String {
        self.c.t(&format!("person-field-{field}"))
    }
}

#[derive(Template)]
#[template(path = "person_move_check.html")]
struct MoveCheck<'a> {
    c: &'a Ctx,
    p: PersonView,
    to: UnitDetail,
    /// Agreements in force that will wait for the new manager.
    agreements: usize,
    hidden: Vec<(&'static str, String)>,
}

/// Only HR and administrators see the form at all (the core decides the
/// change again).
fn editor(c: &Ctx) -> Result<(), super::HtmlError> {
    if c.can.edit_people {
        Ok(())
    } else {
        Err(c.fail(CoreError::Forbidden(
            "only HR and administrators may add or change people".into(),
        )))
    }
}

async fn form_page(c: &Ctx, id: uuid::Uuid, v: Option<Values>, errors: FormErrors) -> Reply {
    let actor = c.actor()?.clone();
    let p = c.core().org.person(&actor, id.into()).await.or_page(c)?;
    let units = c
        .core()
        .org
        .units(&actor, None, None, super::first(500))
        .await
        .or_page(c)?
        .items
        .into_iter()
        .map(|u: UnitSummary| {
            let indent = "– ".repeat(usize::try_from(u.depth).unwrap_or(0));
            (u.id.to_string(), format!("{indent}{}", u.name))
        })
        .collect();
    let sites = c.core().org.sites_with_versions(&actor).await.or_page(c)?;
    let v = v.unwrap_or_else(|| Values::of(&p));
    let page = PersonForm {
        c,
        p,
        v,
        units,
        sites: sites.into_iter().map(|(s, _)| s).collect(),
        roles: GRANTED,
        errors,
    };
    render_form(c, &page, &page.errors)
}

/// The person's form.
pub async fn person_form(mut c: Ctx, Path(id): Path<String>) -> Reply {
    c.page("people").await?;
    editor(&c)?;
    let id = id_of(&c, &id, "person")?;
    form_page(&c, id, None, FormErrors::default()).await
}

/// Saves the person; a move to another unit is shown for a check first
/// (`confirm`).
pub async fn person_save(mut c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    c.nav = "people";
    let actor = c.posted(get(&f, "csrf"))?;
    editor(&c)?;
    let id = id_of(&c, &id, "person")?;
    let v = Values::from_pairs(&f);
    let (version, change) = match v.change() {
        Ok(ch) => ch,
        Err(e) => {
            let errors = form_errors(&c, "person", e, not_refused)?;
            return form_page(&c, id, Some(v), errors).await;
        }
    };
    let p = c.core().org.person(&actor, id.into()).await.or_page(&c)?;
    let moving = change.unit_id.filter(|u| *u != p.unit.id);
    if let (Some(to), false) = (moving, get(&f, "confirm") == "1") {
        let to = c.core().org.unit(&actor, to).await.or_page(&c)?;
        let agreements = c
            .core()
            .agreements
            .agreements_of(&actor, id.into())
            .await
            .unwrap_or_default()
            .iter()
            .filter(|g| {
                matches!(
                    g.state,
                    AgreementState::Active | AgreementState::AwaitingSignatures
                ) && g.ends_on.is_none()
            })
            .count();
        let page = MoveCheck {
            c: &c,
            p,
            to,
            agreements,
            hidden: v.hidden(),
        };
        return render(&c, &page);
    }
    let result = c
        .core()
        .org
        .update_person(&actor, id.into(), version, &change)
        .await;
    let done = |p: PersonView| redirect(&format!("/personer/{}", p.id));
    answer(&c, result, "person", not_refused, done, |errors| {
        form_page(&c, id, Some(v), errors)
    })
    .await
}
