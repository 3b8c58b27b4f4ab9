//! The organisation: the unit tree, a unit's page with its people and own
//! rules, the people list and a person's page.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect};
use axum::Form;
use distans_core::agreements::{Agreement, AgreementState};
use distans_core::kernel::{Actor, Page};
use distans_core::org::{PersonSummary, PersonView, UnitDetail, UnitSummary};
use distans_core::policy::{PolicyView, UnitOverride};
use distans_core::temporary::TemporaryDecision;
use serde::Deserialize;
use uuid::Uuid;

use super::ctx::{render, OrPage};
use super::form::{get, id_of, render_form, FormErrors, Pairs};
use super::pager::{paging, Pager};
use super::{Ctx, HtmlError, Reply};
use crate::i18n::Lang;

/// The units down to the departments (kommun, förvaltningar, avdelningar),
/// at most 500.
pub async fn top_units(c: &Ctx, actor: &Actor) -> Result<Page<UnitSummary>, HtmlError> {
    let units = c.core().org.units(actor, None, Some(2), super::first(500));
    units.await.or_page(c)
}

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage<'a> {
    c: &'a Ctx,
    units: Vec<UnitSummary>,
    more: bool,
}

pub async fn org_tree(mut c: Ctx) -> Reply {
    let actor = c.page("org").await?;
    let page = top_units(&c, &actor).await?;
    render(
        &c,
        &OrgPage {
            c: &c,
            more: page.next.is_some(),
            units: page.items,
        },
    )
}

#[derive(Deserialize)]
pub struct ListQuery {
    sida: Option<i64>,
    q: Option<String>,
}

/// A page of people, searched for, and its pager: the people of `unit`, or
/// everyone the actor may list. `base` makes the pager's links of the search.
async fn people_list(
    c: &Ctx,
    actor: &Actor,
    unit: Option<Uuid>,
    q: &ListQuery,
    base: impl FnOnce(&str) -> String,
) -> Result<(Page<PersonSummary>, Pager), HtmlError> {
    let (page, paging) = paging(q.sida);
    let search = q.q.as_deref().unwrap_or_default();
    let people = c
        .core()
        .org
        .people(
            actor,
            unit.map(Into::into),
            unit.is_none(),
            Some(search),
            paging,
        )
        .await
        .or_page(c)?;
    let pager = Pager::new(&people, page, &base(search));
    Ok((people, pager))
}

fn search_query(search: &str) -> String {
    serde_urlencoded::to_string([("q", search)]).unwrap_or_default()
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage<'a> {
    c: &'a Ctx,
    policy: PolicyView,
    own_rules: Option<UnitOverride>,
    unit: UnitDetail,
    people: Option<Page<PersonSummary>>,
    pager: Option<Pager>,
    q: String,
    may_see_plan: bool,
    history: Option<super::history::History>,
}

pub async fn unit_page(mut c: Ctx, Path(id): Path<String>, Query(q): Query<ListQuery>) -> Reply {
    let actor = c.page("org").await?;
    let id = id_of(&c, &id, "unit")?;
    let unit = c.core().org.unit(&actor, id.into()).await.or_page(&c)?;
    let (people, pager) = if c.core().org.may_list_people(&actor, &unit) {
        let (p, pager) = people_list(&c, &actor, Some(id), &q, |search| {
            if search.is_empty() {
                format!("/enheter/{id}")
            } else {
                format!("/enheter/{id}?{}", search_query(search))
            }
        })
        .await?;
        (Some(p), Some(pager))
    } else {
        (None, None)
    };
    let policy = c
        .core()
        .policy
        .policy(&actor, None, Some(id.into()))
        .await
        .or_page(&c)?;
    let own_rules = policy
        .policy
        .rules
        .unit_overrides
        .iter()
        .find(|o| o.unit_id == id.into())
        .cloned();
    let history = super::history::history(&c, &actor, "unit", id).await?;
    let page = UnitPage {
        c: &c,
        policy,
        own_rules,
        history,
        may_see_plan: c.core().coverage.may_read_unit_plan(&actor, &unit),
        unit,
        people,
        pager,
        q: q.q.unwrap_or_default(),
    };
    render(&c, &page)
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage<'a> {
    c: &'a Ctx,
    people: Page<PersonSummary>,
    pager: Pager,
    q: String,
}

pub async fn people_page(mut c: Ctx, Query(q): Query<ListQuery>) -> Reply {
    let actor = c.page("people").await?;
    let (people, pager) = people_list(&c, &actor, None, &q, |search| {
        format!("/personer?{}", search_query(search))
    })
    .await?;
    let page = PeoplePage {
        c: &c,
        people,
        pager,
        q: q.q.unwrap_or_default(),
    };
    render(&c, &page)
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage<'a> {
    c: &'a Ctx,
    p: PersonView,
    agreements: Vec<Agreement>,
    temporary: Vec<TemporaryDecision>,
    // Equipment.
    loans: Option<super::equipment::PersonLoans>,
    /// Just sent a link to set a password.
    link_sent: bool,
    /// Why producing the person's data was refused (a missing reference).
    export_error: Option<String>,
    /// The commute form's errors and its values as sent.
    errors: FormErrors,
    commute_sent: Option<(String, String)>,
    history: Option<super::history::History>,
    /// One's own choice whether colleagues see one on site (one's own page).
    share: Option<distans_core::presence::ShareChoice>,
}

/// One's own language, chosen on one's own page: pages, notices and
/// e-mails follow it, in this browser at once (its cookie) and everywhere
/// else from the next page.
pub async fn set_own_language(c: Ctx, Form(f): Form<Pairs>) -> Reply {
    let actor = c.posted(get(&f, "csrf"))?;
    let language = c
        .core()
        .identity
        .set_language(&actor, get(&f, "language"))
        .await
        .or_page(&c)?;
    let mut resp = Redirect::to(&format!("/personer/{}#language", actor.person_id)).into_response();
    let secure = c.app.config.secure_cookies;
    crate::html::signin::set_lang_cookie(&mut resp, Lang::of(language), secure);
    Ok(resp)
}

#[derive(Deserialize)]
pub struct PersonQuery {
    losenordslank: Option<String>,
    registerutdrag: Option<String>,
}

pub async fn person_page(
    mut c: Ctx,
    Path(id): Path<String>,
    Query(q): Query<PersonQuery>,
) -> Reply {
    let actor = c.actor()?.clone();
    c.nav = if id == actor.person_id.to_string() {
        "me"
    } else {
        "people"
    };
    c.ensure_csrf().await?;
    let id = id_of(&c, &id, "person")?;
    let page = PersonShown {
        link_sent: q.losenordslank.as_deref() == Some("skickad"),
        export_error: q
            .registerutdrag
            .is_some()
            .then(|| c.t("pd-hr-reference-missing")),
        ..Default::default()
    };
    person_reply(&c, id, page).await
}

/// What a person's page shows besides the person: a notice, or a form of
/// one's own sent back with what was wrong.
#[derive(Default)]
pub struct PersonShown {
    /// Just sent a link to set a password.
    pub link_sent: bool,
    /// Why producing the person's data was refused (a missing reference).
    pub export_error: Option<String>,
    /// The commute form's errors, and its values as sent (km, mode).
    pub errors: FormErrors,
    pub commute_sent: Option<(String, String)>,
}

/// A person's page (400 when a form of it is shown with errors).
pub async fn person_reply(c: &Ctx, id: Uuid, shown: PersonShown) -> Reply {
    let actor = c.actor()?.clone();
    let p = c.core().org.person(&actor, id.into()).await.or_page(c)?;
    // Agreements for those who may see the person's cases; temporary decisions for all who see them.
    let agreements = c
        .core()
        .agreements
        .agreements_of(&actor, id.into())
        .await
        .unwrap_or_default();
    let temporary = c
        .core()
        .temporary
        .temporary_decisions_for_person(id.into())
        .await
        .or_page(c)?;
    // Equipment.
    let loans = super::person_loans(c, id).await?;
    // Who is in: one's own choice, on one's own page.
    let share = if actor.person_id == p.id {
        Some(c.core().presence.share_choice(&actor).await.or_page(c)?)
    } else {
        None
    };
    let errors = shown.errors.clone();
    render_form(
        c,
        &PersonPage {
            c,
            p,
            agreements,
            temporary,
            loans,
            link_sent: shown.link_sent,
            export_error: shown.export_error,
            errors: shown.errors,
            commute_sent: shown.commute_sent,
            history: super::history::history(c, &actor, "person", id).await?,
            share,
        },
        &errors,
    )
}

impl PersonPage<'_> {
    /// Whether this is the reader's own page (where their settings are).
    fn own(&self) -> bool {
        self.c
            .actor
            .as_ref()
            .is_some_and(|a| a.person_id == self.p.id)
    }

    /// One's own choice whether colleagues see one on site, as the form
    /// marks it: `yes`, `no`, or `policy` (never chose).
    fn share_value(&self) -> &'static str {
        match self.share.and_then(|s| s.chosen) {
            Some(true) => "yes",
            Some(false) => "no",
            None => "policy",
        }
    }

    /// What the policy says for those who never chose, in words.
    fn share_policy_text(&self) -> String {
        let default = self.share.is_some_and(|s| s.policy_default);
        self.c.t(if default {
            "share-policy-yes"
        } else {
            "share-policy-no"
        })
    }

    /// The reader's own language, as they chose it.
    fn own_language(&self) -> &'static str {
        self.c
            .actor
            .as_ref()
            .map(|a| a.language.code())
            .unwrap_or("sv")
    }

    // Equipment: where the loan forms return to.
    fn loans_back(&self) -> String {
        format!("/personer/{}#person-loans", self.p.id)
    }
    fn gstate(&self, s: &AgreementState) -> String {
        super::cases::agreement_state_name(self.c, s)
    }
    fn commute(&self) -> String {
        match (self.p.commute_km, self.p.commute_mode) {
            (Some(km), Some(m)) => {
                format!("{km} km, {}", self.c.t(&format!("commute-{}", m.as_str())))
            }
            (Some(km), None) => format!("{km} km"),
            _ => "–".into(),
        }
    }
    /// One's own commute distance as the form shows it (as sent, when
    /// sent back with errors).
    fn commute_km(&self) -> String {
        match &self.commute_sent {
            Some((km, _)) => km.clone(),
            None => self.p.commute_km.map(|k| k.to_string()).unwrap_or_default(),
        }
    }
    /// The commute modes to choose from: (value, name, chosen).
    fn commute_modes(&self) -> Vec<(&'static str, String, bool)> {
        super::stats::COMMUTE_MODES
            .iter()
            .map(|m| {
                (
                    m.as_str(),
                    self.c.t(&format!("commute-{}", m.as_str())),
                    match &self.commute_sent {
                        Some((_, sent)) => sent == m.as_str(),
                        None => self.p.commute_mode == Some(*m),
                    },
                )
            })
            .collect()
    }
}
