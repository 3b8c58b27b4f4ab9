//! "Omplacering": who could help elsewhere in a period, with their skills
//! and their days as a strip; for HR and directors.

use askama::Template;
use axum::extract::Query;
use distans_core::kernel::UnitId;
use distans_core::plan::PlanDay;
use distans_core::redeployment::{RedeployRow, MAX_CSV_ROWS};
use distans_core::CoreError;
use uuid::Uuid;

use crate::api::equipment::{redeploy_query, RedeploymentParams};
use crate::html::ctx::OrPage;
use crate::html::form::{not_refused, render_form, FormErrors};
use crate::html::org::top_units;
use crate::html::{Ctx, Reply};

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

fn strip_day(c: &Ctx, d: &PlanDay) -> StripDay {
    let key = distans_core::redeployment::rules::state_name(d.state);
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
        id: r.person.id.into(),
        name: r.person.name.clone(),
        unit_id: r.unit.id.into(),
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
    units: Vec<(UnitId, String)>,
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

impl RedeploymentPage<'_> {
    fn is_skill(&self, s: &str) -> bool {
        self.skill == s
    }
    fn is_unit(&self, u: &UnitId) -> bool {
        self.unit == u.to_string()
    }
}

pub async fn redeployment_page(mut c: Ctx, Query(p): Query<RedeploymentParams>) -> Reply {
    c.nav = "redeployment";
    let actor = c.actor()?.clone();
    let redeployment = &c.core().redeployment;
    if !redeployment.may_read_redeployment(&actor) {
        return Err(c.fail(CoreError::forbidden(
            "only HR and directors use the redeployment view",
        )));
    }
    let skills = redeployment.known_skills(&actor).await.or_page(&c)?;
    let units = top_units(&c, &actor).await?.items.into_iter();
    let units = units
        .map(|u| {
            let indent = "– ".repeat(u.depth.max(0) as usize);
            (u.id, format!("{indent}{}", u.name))
        })
        .collect();
    let mut p = p;
    if p.limit.is_none() {
        p.limit = Some(50);
    }
    let q = redeploy_query(&p, c.core().today());
    let (from, to) = match &q {
        Ok(q) => (q.period.from().to_string(), q.period.to().to_string()),
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
    let result = match q {
        Ok(q) => redeployment.redeployment(&actor, &q).await,
        Err(e) => Err(e),
    };
    let (rows, next, errors) = match result {
        Ok(page) => (
            page.items.iter().map(|r| row_view(&c, r)).collect(),
            page.next
                .map(|n| format!("/omplacering?{}", filters(Some(n.to_string())))),
            FormErrors::default(),
        ),
        Err(e) if not_refused(&e) => (vec![], None, FormErrors::from_core(&c, "redeploy", &e)),
        Err(e) => return Err(c.fail(e)),
    };
    let page = RedeploymentPage {
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
    };
    render_form(&c, &page, &page.errors)
}
