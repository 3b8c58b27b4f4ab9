//! A person's plan, a week or a month: one's own ("Min plan") and, for
//! their managers and HR, someone else's; with the form that sets a day.

use distans_core::kernel::PersonId;
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query};
use axum::Form;
use distans_core::kernel::calendar::iso_week;
use distans_core::kernel::dates::plus_days_clamped;
use distans_core::plan::{DayState, Part, PlanDay};
use distans_core::CoreError;
use serde::Deserialize;
use time::{Date, Duration};
use uuid::Uuid;

use super::period::{monday_of, month_param};
use super::{day_view, describe_gap, month_name, week_heading, week_param, DayView};
use super::{PeriodQuery, View};
use crate::html::ctx::{render, OrPage};
use crate::html::form::{get, id_of, redirect, with_status, FormErrors, Pairs};
use crate::html::{Ctx, Reply};

/// A problem with a change, shown above the plan.
pub struct Problem {
    pub message: String,
    /// The coverage gaps the change would open, described.
    pub gaps: Vec<String>,
    /// The change, to send again with "allow".
    pub date: String,
    pub state: String,
    pub part: String,
    pub can_allow: bool,
}

#[derive(Template)]
#[template(path = "plan_person.html")]
struct PersonPlanPage<'a> {
    c: &'a Ctx,
    person_id: Uuid,
    name: String,
    own: bool,
    heading: String,
    month: bool,
    days: Vec<DayView>,
    /// Month view: weeks of Monday–Friday cells (None outside the month).
    weeks: Vec<(u8, Vec<Option<DayView>>)>,
    prev: String,
    next: String,
    this_week: String,
    week_link: String,
    month_link: String,
    back: String,
    problem: Option<Problem>,
    saved: bool,
}

impl PersonPlanPage<'_> {
    /// The form field that brings the page back to this period.
    fn back_name(&self) -> &'static str {
        if self.month {
            "manad"
        } else {
            "vecka"
        }
    }

    fn back_value(&self) -> String {
        self.back
            .split_once('=')
            .map(|(_, v)| v.to_string())
            .unwrap_or_default()
    }

    fn any_editable(&self) -> bool {
        self.days.iter().any(|d| d.editable)
    }

    /// The ISO week of a month row, for its link.
    fn week_of(&self, cells: &[Option<DayView>]) -> String {
        cells
            .iter()
            .flatten()
            .next()
            .and_then(|d| {
                Date::parse(
                    &d.date,
                    &time::format_description::well_known::Iso8601::DATE,
                )
                .ok()
            })
            .map(week_param)
            .unwrap_or_default()
    }

    fn base(&self) -> String {
        plan_url(self.own, self.person_id.into())
    }
}

/// The address of a person's plan: one's own is `/plan`.
fn plan_url(own: bool, person: PersonId) -> String {
    if own {
        "/plan".into()
    } else {
        format!("/personer/{person}/plan")
    }
}

fn problem_of(c: &Ctx, e: &CoreError, f: &Pairs, can_allow: bool) -> Option<Problem> {
    let (message, gaps) = match e {
        CoreError::CoverageGap { gaps, .. } => (
            c.t("plan-gap-warning"),
            gaps.iter().map(|g| describe_gap(c, g)).collect(),
        ),
        CoreError::Rule { .. } | CoreError::Invalid { .. } => {
            let FormErrors(list) = FormErrors::from_core(c, "plan", e);
            (
                list.into_iter().map(|(_, m)| m).next().unwrap_or_default(),
                vec![],
            )
        }
        _ => return None,
    };
    Some(Problem {
        message,
        gaps,
        date: get(f, "date").to_string(),
        state: get(f, "state").to_string(),
        part: get(f, "part").to_string(),
        can_allow: can_allow && matches!(e, CoreError::CoverageGap { .. }),
    })
}

/// The days of a view: a week's five, or a month's Monday–Friday rows.
#[allow(clippy::type_complexity)]
fn days_of(
    view: View,
    mut view_of: impl FnMut(Date) -> DayView,
) -> (Vec<DayView>, Vec<(u8, Vec<Option<DayView>>)>) {
    let mut days = vec![];
    let mut weeks = vec![];
    // `View::of` made sure the view is within the years accepted.
    let Ok(range) = view.range() else {
        return (days, weeks);
    };
    match view {
        View::Week(_) => days.extend(range.days().map(view_of)),
        View::Month(first) => {
            let mut monday = monday_of(first);
            while monday <= range.to() {
                let (_, w) = iso_week(monday);
                let cells = (0..5)
                    .map(|i| monday.checked_add(Duration::days(i)))
                    .map(|d| d.filter(|d| range.contains(*d)).map(&mut view_of))
                    .collect();
                weeks.push((w, cells));
                let Some(next) = monday.checked_add(Duration::days(7)) else {
                    break;
                };
                monday = next;
            }
        }
    }
    (days, weeks)
}

async fn person_plan_page(
    c: &Ctx,
    person: Uuid,
    view: View,
    problem: Option<Problem>,
    saved: bool,
) -> Reply {
    let actor = c.actor()?;
    let core = c.core();
    let who = core.org.person(actor, person.into()).await.or_page(c)?;
    let range = view.range().or_page(c)?;
    let (from, to) = (range.from(), range.to());
    let plan = core
        .plan
        .plan(actor, Some(person.into()), None, range)
        .await;
    let plan = plan.or_page(c)?;
    let cal = core.workdays.calendar(range).await.or_page(c)?;
    let may_set = core.coverage.may_set_plan_day(actor, person.into()).await;
    let may_set = may_set.or_page(c)?;
    let lock = plus_days_clamped(core.today(), core.config().plan_lock_days.saturating_neg());
    let by_date: HashMap<Date, &PlanDay> = plan.iter().map(|d| (d.day.date, &d.day)).collect();
    let (days, weeks) = days_of(view, |d| {
        let plan = by_date.get(&d).copied();
        day_view(c, d, plan, cal.day_off(d), may_set && d >= lock)
    });
    let heading = match view {
        View::Week(m) => week_heading(c, m),
        View::Month(f) => format!("{} {}", month_name(c.lang, f), f.year()),
    };
    let today = core.today();
    let page = PersonPlanPage {
        c,
        person_id: person,
        name: who.name,
        own: actor.person_id == person.into(),
        heading,
        month: matches!(view, View::Month(_)),
        days,
        weeks,
        prev: view.prev().param(),
        next: view.next().param(),
        this_week: match view {
            View::Week(_) => format!("vecka={}", week_param(today)),
            View::Month(_) => format!("manad={}", month_param(today)),
        },
        week_link: format!("vecka={}", week_param(from.max(today.min(to)))),
        month_link: format!("manad={}", month_param(from)),
        back: view.param(),
        problem,
        saved,
    };
    render(c, &page)
}

/// `?sparat=1`: the plan was just saved.
#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    sparat: Option<String>,
}

/// The plan of `person` in the period asked for.
async fn plan_shown(c: &Ctx, person: Uuid, p: &PeriodQuery, s: &SavedQuery) -> Reply {
    let view = View::of(p, c.core().today(), c)?;
    person_plan_page(c, person, view, None, s.sparat.is_some()).await
}

/// My plan: `/plan?vecka=…` or `?manad=…`.
pub async fn my_plan(
    mut c: Ctx,
    Query(p): Query<PeriodQuery>,
    Query(s): Query<SavedQuery>,
) -> Reply {
    c.nav = "plan";
    let me = c.actor()?.person_id;
    c.ensure_csrf().await?;
    plan_shown(&c, me.into(), &p, &s).await
}

/// Someone's plan, for their managers and HR.
pub async fn person_plan(
    mut c: Ctx,
    Path(id): Path<String>,
    Query(p): Query<PeriodQuery>,
    Query(s): Query<SavedQuery>,
) -> Reply {
    let id = id_of(&c, &id, "person")?;
    c.ensure_csrf().await?;
    plan_shown(&c, id, &p, &s).await
}

/// The day's state as the form sends it; `None` clears the day.
fn day_state(s: &str) -> Result<Option<DayState>, CoreError> {
    match s {
        "remote" => Ok(Some(DayState::Remote)),
        "workplace" => Ok(Some(DayState::Workplace)),
        "other" => Ok(Some(DayState::Other)),
        "clear" => Ok(None),
        "" => Err(CoreError::invalid(
            "state_choice",
            "choose where the day is worked",
        )),
        s => Err(CoreError::invalid(
            "state",
            format!("\"{s}\" is not a state"),
        )),
    }
}

/// Sets (or clears) a day from the plan page.
pub async fn set_day(c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    let actor = c.posted(get(&f, "csrf"))?;
    let person = PersonId::from(id_of(&c, &id, "person")?);
    let given = |k: &str| Some(get(&f, k).to_string()).filter(|s| !s.is_empty());
    let back_q = PeriodQuery {
        vecka: given("vecka"),
        manad: given("manad"),
    };
    let view = View::of(&back_q, c.core().today(), &c)?;
    let result = async {
        let day = distans_core::kernel::dates::parse_date("date", get(&f, "date"))?;
        let st = day_state(get(&f, "state"))?;
        let part = match get(&f, "part") {
            "am" => Some(Part::Am),
            "pm" => Some(Part::Pm),
            _ => None,
        };
        let allow = get(&f, "allow_gap") == "1";
        c.core()
            .occasional
            .set_occasional_day(&actor, person, day, st, part, allow)
            .await
    }
    .await;
    let e = match result {
        Ok(_) if get(&f, "back") == "start" && person == actor.person_id => {
            return redirect("/?sparat=1#start-week");
        }
        Ok(_) => {
            let base = plan_url(person == actor.person_id, person);
            return redirect(&format!("{base}?{}&sparat=1#plan", view.param()));
        }
        Err(e) => e,
    };
    let coverage = &c.core().coverage;
    let can_allow = coverage
        .may_allow_gap(&actor, person)
        .await
        .unwrap_or(false);
    let Some(p) = problem_of(&c, &e, &f, can_allow) else {
        return Err(c.fail(e));
    };
    let page = person_plan_page(&c, person.into(), view, Some(p), false).await?;
    Ok(with_status(page, crate::error::status_of(&e)))
}
