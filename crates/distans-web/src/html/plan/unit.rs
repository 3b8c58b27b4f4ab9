//! A unit's week: people × days, coverage at the bottom, and the unit's
//! coverage rules with the form that adds one.

use distans_core::kernel::CoverageRuleId;
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query};
use distans_core::coverage::CoverageRule;
use distans_core::kernel::gap::RuleKind;
use time::Date;
use uuid::Uuid;

use super::{day_view, week_heading, week_param, DayView, PeriodQuery, View, Week};
use crate::html::ctx::OrPage;
use crate::html::form::{id_of, render_form, FormErrors};
use crate::html::{Ctx, Reply};

pub struct GridRow {
    pub id: Uuid,
    pub name: String,
    pub days: Vec<DayView>,
}

pub struct CoverageCell {
    pub date: String,
    /// "3 av minst 3", or empty on a day off.
    pub lines: Vec<(String, bool)>,
    pub gap: bool,
}

pub struct RuleView {
    pub id: Uuid,
    pub version: i64,
    pub text: String,
}

#[derive(Template)]
#[template(path = "plan_unit.html")]
struct UnitPlanPage<'a> {
    c: &'a Ctx,
    unit_id: Uuid,
    unit_name: String,
    heading: String,
    head: Vec<DayView>,
    rows: Vec<GridRow>,
    coverage: Vec<CoverageCell>,
    gap_days: usize,
    rules: Vec<RuleView>,
    may_edit: bool,
    has_site: bool,
    prev: String,
    next: String,
    errors: FormErrors,
    form_skill: String,
    form_min: String,
    week_param: String,
}

impl UnitPlanPage<'_> {
    fn week(&self) -> String {
        self.week_param.clone()
    }
}

/// A coverage rule's count on a day: "3 av minst 3".
fn coverage_line(c: &Ctx, kind: RuleKind, skill: Option<String>, planned: i64, n: i64) -> String {
    let mut args = vec![("planned", planned.to_string()), ("n", n.to_string())];
    let key = match (kind, skill) {
        (RuleKind::MaxDesks, _) => "cov-desks",
        (_, Some(s)) => {
            args.push(("skill", s));
            "cov-min-skill"
        }
        (_, None) => "cov-min",
    };
    c.lang.ta(key, &args)
}

/// The unit's page for the week of `monday`; the rule form `form` (skill,
/// least on site) as sent, with its errors.
pub async fn unit_plan_page(
    c: &Ctx,
    unit: Uuid,
    monday: Date,
    errors: FormErrors,
    form: (String, String),
) -> Reply {
    let actor = c.actor()?;
    let week = Week::of(c, monday).await?;
    let up = c.core().coverage.unit_plan(actor, unit.into(), week.days);
    let up = up.await.or_page(c)?;
    let day_off = |d: &Date| week.cal.day_off(*d);
    let rows = up
        .members
        .iter()
        .map(|m| {
            let plan = up.plans.get(&m.id);
            let day = |d: &Date| {
                let p = plan.and_then(|p| p.iter().find(|x| x.date == *d));
                day_view(c, *d, p, day_off(d), false)
            };
            GridRow {
                id: m.id.into(),
                name: m.name.clone(),
                days: week.dates.iter().map(day).collect(),
            }
        })
        .collect();
    let rules_by_id: HashMap<CoverageRuleId, &CoverageRule> =
        up.rules.iter().map(|r| (r.id, r)).collect();
    let cell = |d: &Date| {
        let lines: Vec<(String, bool)> = match up.coverage.iter().find(|x| x.date == *d) {
            None => vec![],
            Some(day) => day
                .rules
                .iter()
                .map(|r| {
                    let skill = rules_by_id.get(&r.rule).and_then(|x| x.skill.clone());
                    let line = coverage_line(c, r.kind, skill, r.planned, r.required);
                    (line, r.gap > 0)
                })
                .collect(),
        };
        CoverageCell {
            date: d.to_string(),
            gap: lines.iter().any(|(_, g)| *g),
            lines,
        }
    };
    let coverage: Vec<CoverageCell> = week.dates.iter().map(cell).collect();
    let rules = up.rules.iter().map(|r| RuleView {
        id: r.id.into(),
        version: r.version,
        text: rule_text(c, r),
    });
    let page = UnitPlanPage {
        c,
        unit_id: unit,
        unit_name: up.unit.unit.name.clone(),
        heading: week_heading(c, monday),
        head: week.head,
        rows,
        gap_days: coverage.iter().filter(|c| c.gap).count(),
        coverage,
        rules: rules.collect(),
        may_edit: c.core().coverage.may_edit_coverage(actor, &up.unit),
        has_site: up.unit.site.is_some(),
        prev: week.prev,
        next: week.next,
        errors,
        form_skill: form.0,
        form_min: form.1,
        week_param: week_param(monday),
    };
    render_form(c, &page, &page.errors)
}

/// A unit's week: people × days, coverage at the bottom.
pub async fn unit_plan(mut c: Ctx, Path(id): Path<String>, Query(q): Query<PeriodQuery>) -> Reply {
    c.nav = "overview";
    let id = id_of(&c, &id, "unit")?;
    c.ensure_csrf().await?;
    let monday = View::monday(&q, c.core().today(), &c)?;
    let no_form = (String::new(), String::new());
    unit_plan_page(&c, id, monday, FormErrors::default(), no_form).await
}

/// A coverage rule in words: "Minst 3 på plats måndag, tisdag".
fn rule_text(c: &Ctx, r: &CoverageRule) -> String {
    let days = match &r.weekdays {
        None => c.t("rule-every-day"),
        Some(ws) => ws
            .iter()
            .map(|w| c.t(&format!("weekday-{}", w.as_str())))
            .collect::<Vec<_>>()
            .join(", "),
    };
    let n = ("n", r.min_onsite.to_string());
    match (r.kind, &r.skill) {
        (RuleKind::MinOnsite, None) => c.lang.ta("rule-min", &[n, ("days", days)]),
        (RuleKind::MinOnsite, Some(s)) => c
            .lang
            .ta("rule-min-skill", &[n, ("skill", s.clone()), ("days", days)]),
        (RuleKind::MaxDesks, _) => c.lang.ta("rule-desks", &[("days", days)]),
    }
}
