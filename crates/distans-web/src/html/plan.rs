//! The plan's pages: a person's week and month, a unit's week grid with its
//! coverage, the manager's overview, the sites' occupancy. Plain forms; no
//! JavaScript needed.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use distans_core::coverage::SiteOccupancy;
use distans_core::coverage::{CoverageRule, NewCoverageRule};
use distans_core::kernel::calendar::{iso_week, week_monday, WorkCalendar};
use distans_core::kernel::gap::{GapWarning, RuleKind};
use distans_core::plan::{DayState, Part, PlanDay, Source};
use distans_core::CoreError;
use serde::Deserialize;
use time::{Date, Duration, Month};
use uuid::Uuid;

use super::ctx::render;
use super::form::{get, id_of, FormErrors, Pairs};
use super::{Ctx, HtmlError};
use crate::i18n::Lang;
use crate::AppState;

/// Which period a page shows: `?vecka=2026-W48` or `?manad=2026-11`.
#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    vecka: Option<String>,
    manad: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Week(Date),
    Month(Date),
}

fn week_param(d: Date) -> String {
    let (y, w) = iso_week(d);
    format!("{y}-W{w:02}")
}

fn month_param(d: Date) -> String {
    format!("{}-{:02}", d.year(), d.month() as u8)
}

fn parse_week(s: &str) -> Option<Date> {
    let (y, w) = s
        .trim()
        .split_once("-W")
        .or_else(|| s.trim().split_once("-w"))?;
    week_monday(y.parse().ok()?, w.parse().ok()?)
}

fn parse_month(s: &str) -> Option<Date> {
    let (y, m) = s.trim().split_once('-')?;
    let m = Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, m, 1).ok()
}

impl View {
    fn of(q: &PeriodQuery, today: Date, c: &Ctx) -> Result<View, HtmlError> {
        if let Some(m) = q.manad.as_deref().filter(|s| !s.is_empty()) {
            return parse_month(m)
                .map(View::Month)
                .ok_or_else(|| c.fail(CoreError::invalid("manad", "write the month as 2026-11")));
        }
        match q.vecka.as_deref().filter(|s| !s.is_empty()) {
            Some(w) => parse_week(w)
                .map(View::Week)
                .ok_or_else(|| c.fail(CoreError::invalid("vecka", "write the week as 2026-W48"))),
            None => Ok(View::Week(
                today - Duration::days(today.weekday().number_days_from_monday() as i64),
            )),
        }
    }

    fn range(self) -> (Date, Date) {
        match self {
            View::Week(m) => (m, m + Duration::days(4)),
            View::Month(first) => {
                let next = first.replace_day(28).unwrap_or(first) + Duration::days(4);
                let last = next.replace_day(1).unwrap_or(next) - Duration::days(1);
                (first, last)
            }
        }
    }

    fn param(self) -> String {
        match self {
            View::Week(m) => format!("vecka={}", week_param(m)),
            View::Month(f) => format!("manad={}", month_param(f)),
        }
    }

    fn prev(self) -> View {
        match self {
            View::Week(m) => View::Week(m - Duration::days(7)),
            View::Month(f) => {
                let p = f - Duration::days(1);
                View::Month(p.replace_day(1).unwrap_or(p))
            }
        }
    }

    fn next(self) -> View {
        match self {
            View::Week(m) => View::Week(m + Duration::days(7)),
            View::Month(f) => {
                let (_, last) = self.range();
                let _ = f;
                View::Month(last + Duration::days(1))
            }
        }
    }
}

fn weekday_name(lang: Lang, d: Date) -> &'static str {
    let i = d.weekday().number_days_from_monday() as usize;
    match lang {
        Lang::Sv => [
            "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag",
        ][i],
        Lang::En => [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ][i],
    }
}

fn weekday_short(lang: Lang, d: Date) -> &'static str {
    let i = d.weekday().number_days_from_monday() as usize;
    match lang {
        Lang::Sv => ["mån", "tis", "ons", "tor", "fre", "lör", "sön"][i],
        Lang::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i],
    }
}

fn month_name(lang: Lang, d: Date) -> &'static str {
    let i = d.month() as usize - 1;
    match lang {
        Lang::Sv => [
            "januari",
            "februari",
            "mars",
            "april",
            "maj",
            "juni",
            "juli",
            "augusti",
            "september",
            "oktober",
            "november",
            "december",
        ][i],
        Lang::En => [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ][i],
    }
}

fn state_key(s: DayState) -> &'static str {
    match s {
        DayState::Workplace => "workplace",
        DayState::Remote => "remote",
        DayState::Other => "other",
        DayState::Absent => "absent",
    }
}

fn source_key(s: Source) -> &'static str {
    match s {
        Source::Absence => "absence",
        Source::Occasional => "occasional",
        Source::Rotation => "rotation",
        Source::Agreement => "agreement",
        Source::Default => "default",
    }
}

/// The reason a day is off, in the page's language.
fn off_label(c: &Ctx, why: &str) -> String {
    match why {
        "helg" => c.t("plan-weekend"),
        "stängt" => c.t("plan-closed"),
        holiday => holiday.to_string(),
    }
}

/// A day as the pages show it.
pub struct DayView {
    pub date: String,
    pub label: String,
    pub short: String,
    pub day_of_month: u8,
    /// Not a workday: why (holiday name, closed).
    pub off: Option<String>,
    /// CSS class and text of the state: `remote`, `workplace`, …
    pub state: String,
    pub state_label: String,
    pub source_label: String,
    /// For a half day: "förmiddag: distans, eftermiddag: på arbetsplatsen".
    pub half: Option<String>,
    pub occasional: bool,
    pub editable: bool,
}

fn day_view(
    c: &Ctx,
    d: Date,
    plan: Option<&PlanDay>,
    off: Option<String>,
    editable: bool,
) -> DayView {
    let mut v = DayView {
        date: d.to_string(),
        label: format!(
            "{} {} {}",
            weekday_name(c.lang, d),
            d.day(),
            month_name(c.lang, d)
        ),
        short: format!(
            "{} {}/{}",
            weekday_short(c.lang, d),
            d.day(),
            d.month() as u8
        ),
        day_of_month: d.day(),
        off: off.map(|o| off_label(c, &o)),
        state: "off".into(),
        state_label: String::new(),
        source_label: String::new(),
        half: None,
        occasional: false,
        editable: false,
    };
    if let (Some(p), None) = (plan, &v.off) {
        v.state = if p.part.is_some() && p.on_site() && p.state != DayState::Workplace {
            "half".into()
        } else {
            state_key(p.state).into()
        };
        v.state_label = c.t(&format!("state-{}", state_key(p.state)));
        v.source_label = c.t(&format!("source-{}", source_key(p.source)));
        if let (Some(part), Some(rest)) = (p.part, p.rest) {
            let (am, pm) = match part {
                Part::Am => (p.state, rest),
                Part::Pm => (rest, p.state),
            };
            v.half = Some(format!(
                "{}: {}, {}: {}",
                c.t("part-am"),
                c.t(&format!("state-{}", state_key(am))).to_lowercase(),
                c.t("part-pm"),
                c.t(&format!("state-{}", state_key(pm))).to_lowercase()
            ));
            v.state_label = c.t("state-half");
        }
        v.occasional = p.source == Source::Occasional;
        v.editable = editable && p.source != Source::Absence;
    }
    v
}

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
        if self.own {
            "/plan".into()
        } else {
            format!("/personer/{}/plan", self.person_id)
        }
    }
}

/// Describes a gap warning in the page's language.
pub(crate) fn describe_gap(c: &Ctx, g: &GapWarning) -> String {
    let (_, w) = iso_week(g.date);
    let day = format!("{} {} (v. {w})", weekday_name(c.lang, g.date), g.date);
    match g.kind {
        RuleKind::MinOnsite => {
            let what = match &g.skill {
                Some(s) => c.lang.ta(
                    "gap-min-skill",
                    &[("n", g.required.to_string()), ("skill", s.clone())],
                ),
                None => c.lang.ta("gap-min", &[("n", g.required.to_string())]),
            };
            c.lang.ta(
                "gap-line",
                &[
                    ("unit", g.unit.name.clone()),
                    ("day", day),
                    ("rule", what),
                    ("planned", g.planned.to_string()),
                ],
            )
        }
        RuleKind::MaxDesks => c.lang.ta(
            "gap-desks-line",
            &[
                ("unit", g.unit.name.clone()),
                ("day", day),
                ("desks", g.required.to_string()),
                ("planned", g.planned.to_string()),
            ],
        ),
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

async fn person_plan_page(
    state: &AppState,
    c: &Ctx,
    person: Uuid,
    view: View,
    problem: Option<Problem>,
    saved: bool,
) -> Result<Response, HtmlError> {
    let actor = c.actor()?;
    let own = actor.person_id == person;
    let who = state
        .core
        .org
        .person(actor, person)
        .await
        .map_err(|e| c.fail(e))?;
    let (from, to) = view.range();
    let plan = state
        .core
        .plan
        .plan(actor, Some(person), None, from, to)
        .await
        .map_err(|e| c.fail(e))?;
    let cal = state
        .core
        .workdays
        .calendar(from, to)
        .await
        .map_err(|e| c.fail(e))?;
    let may_set = state
        .core
        .coverage
        .may_set_plan_day(actor, person)
        .await
        .map_err(|e| c.fail(e))?;
    let lock = state.core.today() - Duration::days(state.core.config().plan_lock_days);
    let by_date: HashMap<Date, &PlanDay> = plan.iter().map(|d| (d.day.date, &d.day)).collect();
    let view_of = |d: Date| {
        day_view(
            c,
            d,
            by_date.get(&d).copied(),
            cal.day_off(d),
            may_set && d >= lock,
        )
    };
    let mut days = vec![];
    let mut weeks: Vec<(u8, Vec<Option<DayView>>)> = vec![];
    match view {
        View::Week(m) => {
            for i in 0..5 {
                days.push(view_of(m + Duration::days(i)));
            }
        }
        View::Month(first) => {
            let mut monday =
                first - Duration::days(first.weekday().number_days_from_monday() as i64);
            while monday <= to {
                let (_, w) = iso_week(monday);
                let cells = (0..5)
                    .map(|i| monday + Duration::days(i))
                    .map(|d| (d >= from && d <= to).then(|| view_of(d)))
                    .collect();
                weeks.push((w, cells));
                monday += Duration::days(7);
            }
        }
    }
    let heading = match view {
        View::Week(m) => {
            let (_, w) = iso_week(m);
            let fri = m + Duration::days(4);
            format!(
                "{} {w}, {} {} – {} {} {}",
                c.t("week"),
                m.day(),
                month_name(c.lang, m),
                fri.day(),
                month_name(c.lang, fri),
                fri.year()
            )
        }
        View::Month(f) => format!("{} {}", month_name(c.lang, f), f.year()),
    };
    let today = state.core.today();
    let page = PersonPlanPage {
        c,
        person_id: person,
        name: who.name,
        own,
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

#[derive(Debug, Default, Deserialize)]
pub struct PlanPageQuery {
    vecka: Option<String>,
    manad: Option<String>,
    sparat: Option<String>,
}

/// My plan: `/plan?vecka=…` or `?manad=…`.
pub async fn my_plan(
    State(state): State<AppState>,
    mut c: Ctx,
    Query(q): Query<PlanPageQuery>,
) -> Result<Response, HtmlError> {
    c.nav = "plan";
    let me = c.actor()?.person_id;
    c.ensure_csrf().await?;
    let view = View::of(
        &PeriodQuery {
            vecka: q.vecka,
            manad: q.manad,
        },
        state.core.today(),
        &c,
    )?;
    person_plan_page(&state, &c, me, view, None, q.sparat.is_some()).await
}

/// Someone's plan, for their managers and HR.
pub async fn person_plan(
    State(state): State<AppState>,
    mut c: Ctx,
    Path(id): Path<String>,
    Query(q): Query<PlanPageQuery>,
) -> Result<Response, HtmlError> {
    let id = id_of(&c, &id, "person")?;
    c.ensure_csrf().await?;
    let view = View::of(
        &PeriodQuery {
            vecka: q.vecka,
            manad: q.manad,
        },
        state.core.today(),
        &c,
    )?;
    person_plan_page(&state, &c, id, view, None, q.sparat.is_some()).await
}

/// Sets (or clears) a day from the plan page.
pub async fn set_day(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Result<Response, HtmlError> {
    let actor = c.actor()?.clone();
    c.check_csrf(get(&f, "csrf"))?;
    let person = id_of(&c, &id, "person")?;
    let back_q = PeriodQuery {
        vecka: Some(get(&f, "vecka").to_string()).filter(|s| !s.is_empty()),
        manad: Some(get(&f, "manad").to_string()).filter(|s| !s.is_empty()),
    };
    let view = View::of(&back_q, state.core.today(), &c)?;
    let result = async {
        let day = distans_core::kernel::dates::parse_date("date", get(&f, "date"))?;
        let st = match get(&f, "state") {
            "remote" => Some(DayState::Remote),
            "workplace" => Some(DayState::Workplace),
            "other" => Some(DayState::Other),
            "clear" => None,
            s => {
                return Err(CoreError::invalid(
                    "state",
                    format!("\"{s}\" is not a state"),
                ))
            }
        };
        let part = match get(&f, "part") {
            "am" => Some(Part::Am),
            "pm" => Some(Part::Pm),
            _ => None,
        };
        let allow = get(&f, "allow_gap") == "1";
        state
            .core
            .occasional
            .set_occasional_day(&actor, person, day, st, part, allow)
            .await
    }
    .await;
    let base = if person == actor.person_id {
        "/plan".to_string()
    } else {
        format!("/personer/{person}/plan")
    };
    match result {
        Ok(_) => {
            Ok(Redirect::to(&format!("{base}?{}&sparat=1#plan", view.param())).into_response())
        }
        Err(e) => {
            let can_allow = state
                .core
                .coverage
                .may_allow_gap(&actor, person)
                .await
                .unwrap_or(false);
            match problem_of(&c, &e, &f, can_allow) {
                Some(p) => {
                    let status = crate::error::status_of(&e);
                    let mut r = person_plan_page(&state, &c, person, view, Some(p), false).await?;
                    *r.status_mut() = status;
                    Ok(r)
                }
                None => Err(c.fail(e)),
            }
        }
    }
}

// A unit's week grid.

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

impl SitesPage<'_> {
    /// The bar's width class, in steps of ten percent.
    fn step(&self, pct: &i64) -> i64 {
        let pct = *pct;
        ((pct + 5) / 10 * 10).clamp(0, 100)
    }
}

fn rule_text(c: &Ctx, r: &CoverageRule) -> String {
    let days = match &r.weekdays {
        None => c.t("rule-every-day"),
        Some(ws) => ws
            .iter()
            .map(|w| c.t(&format!("weekday-{}", w.as_str())))
            .collect::<Vec<_>>()
            .join(", "),
    };
    match (r.kind, &r.skill) {
        (RuleKind::MinOnsite, None) => c.lang.ta(
            "rule-min",
            &[("n", r.min_onsite.to_string()), ("days", days)],
        ),
        (RuleKind::MinOnsite, Some(s)) => c.lang.ta(
            "rule-min-skill",
            &[
                ("n", r.min_onsite.to_string()),
                ("skill", s.clone()),
                ("days", days),
            ],
        ),
        (RuleKind::MaxDesks, _) => c.lang.ta("rule-desks", &[("days", days)]),
    }
}

async fn unit_plan_page(
    state: &AppState,
    c: &Ctx,
    unit: Uuid,
    monday: Date,
    errors: FormErrors,
    form: (String, String),
) -> Result<Response, HtmlError> {
    let actor = c.actor()?;
    let friday = monday + Duration::days(4);
    let up = state
        .core
        .coverage
        .unit_plan(actor, unit, monday, friday)
        .await
        .map_err(|e| c.fail(e))?;
    let cal: WorkCalendar = state
        .core
        .workdays
        .calendar(monday, friday)
        .await
        .map_err(|e| c.fail(e))?;
    let dates: Vec<Date> = (0..5).map(|i| monday + Duration::days(i)).collect();
    let head: Vec<DayView> = dates
        .iter()
        .map(|d| day_view(c, *d, None, cal.day_off(*d), false))
        .collect();
    let rows = up
        .members
        .iter()
        .map(|m| {
            let plan = up.plans.get(&m.id);
            GridRow {
                id: m.id,
                name: m.name.clone(),
                days: dates
                    .iter()
                    .map(|d| {
                        let p = plan.and_then(|p| p.iter().find(|x| x.date == *d));
                        day_view(c, *d, p, cal.day_off(*d), false)
                    })
                    .collect(),
            }
        })
        .collect();
    let rules_by_id: HashMap<Uuid, &CoverageRule> = up.rules.iter().map(|r| (r.id, r)).collect();
    let coverage: Vec<CoverageCell> = dates
        .iter()
        .map(|d| match up.coverage.iter().find(|x| x.date == *d) {
            None => CoverageCell {
                date: d.to_string(),
                lines: vec![],
                gap: false,
            },
            Some(day) => {
                let lines: Vec<(String, bool)> = day
                    .rules
                    .iter()
                    .map(|r| {
                        let label = match (
                            r.kind,
                            rules_by_id.get(&r.rule).and_then(|x| x.skill.clone()),
                        ) {
                            (RuleKind::MaxDesks, _) => c.lang.ta(
                                "cov-desks",
                                &[
                                    ("planned", r.planned.to_string()),
                                    ("n", r.required.to_string()),
                                ],
                            ),
                            (_, Some(s)) => c.lang.ta(
                                "cov-min-skill",
                                &[
                                    ("planned", r.planned.to_string()),
                                    ("n", r.required.to_string()),
                                    ("skill", s),
                                ],
                            ),
                            (_, None) => c.lang.ta(
                                "cov-min",
                                &[
                                    ("planned", r.planned.to_string()),
                                    ("n", r.required.to_string()),
                                ],
                            ),
                        };
                        (label, r.gap > 0)
                    })
                    .collect();
                let gap = lines.iter().any(|(_, g)| *g);
                CoverageCell {
                    date: d.to_string(),
                    lines,
                    gap,
                }
            }
        })
        .collect();
    let gap_days = coverage.iter().filter(|c| c.gap).count();
    let may_edit = state.core.coverage.may_edit_coverage(actor, &up.unit);
    let (_, w) = iso_week(monday);
    let page = UnitPlanPage {
        c,
        unit_id: unit,
        unit_name: up.unit.unit.name.clone(),
        heading: format!(
            "{} {w}, {} {} – {} {} {}",
            c.t("week"),
            monday.day(),
            month_name(c.lang, monday),
            friday.day(),
            month_name(c.lang, friday),
            friday.year()
        ),
        head,
        rows,
        coverage,
        gap_days,
        rules: up
            .rules
            .iter()
            .map(|r| RuleView {
                id: r.id,
                version: r.version,
                text: rule_text(c, r),
            })
            .collect(),
        may_edit,
        has_site: up.unit.site.is_some(),
        prev: format!("vecka={}", week_param(monday - Duration::days(7))),
        next: format!("vecka={}", week_param(monday + Duration::days(7))),
        errors,
        form_skill: form.0,
        form_min: form.1,
        week_param: week_param(monday),
    };
    render(c, &page)
}

/// A unit's week: people × days, coverage at the bottom.
pub async fn unit_plan(
    State(state): State<AppState>,
    mut c: Ctx,
    Path(id): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, HtmlError> {
    c.nav = "overview";
    let id = id_of(&c, &id, "unit")?;
    c.ensure_csrf().await?;
    let view = View::of(
        &PeriodQuery {
            vecka: q.vecka,
            manad: None,
        },
        state.core.today(),
        &c,
    )?;
    let (monday, _) = view.range();
    unit_plan_page(
        &state,
        &c,
        id,
        monday,
        FormErrors::default(),
        (String::new(), String::new()),
    )
    .await
}

/// Adds a coverage rule from the unit's week page.
pub async fn add_rule(
    State(state): State<AppState>,
    mut c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Result<Response, HtmlError> {
    c.nav = "overview";
    let actor = c.actor()?.clone();
    c.check_csrf(get(&f, "csrf"))?;
    let unit = id_of(&c, &id, "unit")?;
    let weekdays: Vec<String> = f
        .iter()
        .filter(|(k, _)| k == "weekdays")
        .map(|(_, v)| v.clone())
        .collect();
    let min = get(&f, "min_onsite").trim();
    let result = async {
        let min = match (get(&f, "kind"), min) {
            ("max_desks", _) => None,
            (_, "") => None,
            (_, m) => Some(
                m.parse::<i64>()
                    .map_err(|_| CoreError::invalid("min_onsite", "must be a whole number"))?,
            ),
        };
        let input = NewCoverageRule::parse(
            get(&f, "kind"),
            Some(get(&f, "skill")),
            min,
            (!weekdays.is_empty()).then_some(weekdays.as_slice()),
        )?;
        state
            .core
            .coverage
            .add_coverage_rule(&actor, unit, input)
            .await
    }
    .await;
    let monday = {
        let t = state.core.today();
        parse_week(get(&f, "vecka"))
            .unwrap_or(t - Duration::days(t.weekday().number_days_from_monday() as i64))
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!(
            "/enheter/{unit}/plan?vecka={}#rules",
            week_param(monday)
        ))
        .into_response()),
        Err(e @ (CoreError::Invalid { .. } | CoreError::Rule { .. })) => {
            let errors = FormErrors::from_core(&c, "rule", &e);
            let mut r = unit_plan_page(
                &state,
                &c,
                unit,
                monday,
                errors,
                (get(&f, "skill").to_string(), min.to_string()),
            )
            .await?;
            *r.status_mut() = axum::http::StatusCode::BAD_REQUEST;
            Ok(r)
        }
        Err(e) => Err(c.fail(e)),
    }
}

/// Removes a coverage rule.
pub async fn delete_rule(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Result<Response, HtmlError> {
    let actor = c.actor()?.clone();
    c.check_csrf(get(&f, "csrf"))?;
    let id = id_of(&c, &id, "coverage rule")?;
    let unit = id_of(&c, get(&f, "unit"), "unit")?;
    let version = get(&f, "version").parse::<i64>().ok();
    state
        .core
        .coverage
        .delete_coverage_rule(&actor, id, version)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(Redirect::to(&format!(
        "/enheter/{unit}/plan?vecka={}#rules",
        get(&f, "vecka")
    ))
    .into_response())
}

// The manager's overview.

pub struct UnitSummaryRow {
    pub id: Uuid,
    pub name: String,
    pub people: usize,
    /// Per weekday: (on site, gap?) or None on a day off.
    pub days: Vec<Option<(usize, bool)>>,
    pub gap_days: usize,
    pub rules: usize,
}

#[derive(Template)]
#[template(path = "plan_overview.html")]
struct OverviewPage<'a> {
    c: &'a Ctx,
    heading: String,
    head: Vec<DayView>,
    units: Vec<UnitSummaryRow>,
    week: String,
    prev: String,
    next: String,
    too_big: Vec<(Uuid, String)>,
}

/// The units a manager manages, this week: who is on site and where coverage has gaps.
pub async fn overview(
    State(state): State<AppState>,
    mut c: Ctx,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, HtmlError> {
    c.nav = "overview";
    let actor = c.actor()?.clone();
    let view = View::of(
        &PeriodQuery {
            vecka: q.vecka,
            manad: None,
        },
        state.core.today(),
        &c,
    )?;
    let (monday, friday) = view.range();
    let cal = state
        .core
        .workdays
        .calendar(monday, friday)
        .await
        .map_err(|e| c.fail(e))?;
    let dates: Vec<Date> = (0..5).map(|i| monday + Duration::days(i)).collect();
    let mut units = vec![];
    let mut too_big = vec![];
    for m in actor.manages.iter().take(50) {
        match state
            .core
            .coverage
            .unit_plan(&actor, m.id, monday, friday)
            .await
        {
            Ok(up) => {
                let days = dates
                    .iter()
                    .map(|d| {
                        up.coverage
                            .iter()
                            .find(|x| x.date == *d)
                            .map(|x| (x.on_site.len(), x.rules.iter().any(|r| r.gap > 0)))
                    })
                    .collect::<Vec<_>>();
                units.push(UnitSummaryRow {
                    id: m.id,
                    name: m.name.clone(),
                    people: up.members.len(),
                    gap_days: days.iter().flatten().filter(|(_, g)| *g).count(),
                    days,
                    rules: up.rules.len(),
                });
            }
            Err(CoreError::Rule { .. }) => too_big.push((m.id, m.name.clone())),
            Err(e) => return Err(c.fail(e)),
        }
    }
    let (_, w) = iso_week(monday);
    let page = OverviewPage {
        heading: format!("{} {w}", c.t("week")),
        head: dates
            .iter()
            .map(|d| day_view(&c, *d, None, cal.day_off(*d), false))
            .collect(),
        units,
        week: week_param(monday),
        prev: format!("vecka={}", week_param(monday - Duration::days(7))),
        next: format!("vecka={}", week_param(monday + Duration::days(7))),
        too_big,
        c: &c,
    };
    render(&c, &page)
}

// The sites' occupancy.

pub struct SiteRow {
    pub name: String,
    pub address: String,
    pub desks: i64,
    pub people: i64,
    /// Per weekday: on site, percent of desks (capped at 100 for the bar), over?
    pub days: Vec<Option<(i64, i64, bool)>>,
}

#[derive(Template)]
#[template(path = "plan_sites.html")]
struct SitesPage<'a> {
    c: &'a Ctx,
    heading: String,
    head: Vec<DayView>,
    sites: Vec<SiteRow>,
    prev: String,
    next: String,
}

/// Every site's occupancy in a week, against its desks.
pub async fn sites(
    State(state): State<AppState>,
    mut c: Ctx,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, HtmlError> {
    c.nav = "sites";
    let actor = c.actor()?.clone();
    let view = View::of(
        &PeriodQuery {
            vecka: q.vecka,
            manad: None,
        },
        state.core.today(),
        &c,
    )?;
    let (monday, friday) = view.range();
    let occ: Vec<SiteOccupancy> = state
        .core
        .coverage
        .occupancy(&actor, None, monday, friday)
        .await
        .map_err(|e| c.fail(e))?;
    let cal = state
        .core
        .workdays
        .calendar(monday, friday)
        .await
        .map_err(|e| c.fail(e))?;
    let dates: Vec<Date> = (0..5).map(|i| monday + Duration::days(i)).collect();
    let sites = occ
        .into_iter()
        .map(|s| SiteRow {
            days: dates
                .iter()
                .map(|d| {
                    s.days.iter().find(|x| x.date == *d).map(|x| {
                        let pct = if s.site.desks > 0 {
                            (x.on_site * 100 / s.site.desks).min(100)
                        } else {
                            100
                        };
                        (x.on_site, pct, x.on_site > s.site.desks)
                    })
                })
                .collect(),
            name: s.site.name,
            address: s.site.address,
            desks: s.site.desks,
            people: s.people,
        })
        .collect();
    let (_, w) = iso_week(monday);
    let page = SitesPage {
        heading: format!("{} {w}", c.t("week")),
        head: dates
            .iter()
            .map(|d| day_view(&c, *d, None, cal.day_off(*d), false))
            .collect(),
        sites,
        prev: format!("vecka={}", week_param(monday - Duration::days(7))),
        next: format!("vecka={}", week_param(monday + Duration::days(7))),
        c: &c,
    };
    render(&c, &page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn periods() {
        assert_eq!(parse_week("2026-W48"), Some(date!(2026 - 11 - 23)));
        assert_eq!(parse_week("2027-W01"), Some(date!(2027 - 01 - 04)));
        assert_eq!(parse_week("nonsense"), None);
        assert_eq!(parse_month("2026-02"), Some(date!(2026 - 02 - 01)));
        assert_eq!(parse_month("2026-13"), None);
        let feb = View::Month(date!(2026 - 02 - 01));
        assert_eq!(feb.range(), (date!(2026 - 02 - 01), date!(2026 - 02 - 28)));
        assert_eq!(feb.next(), View::Month(date!(2026 - 03 - 01)));
        assert_eq!(feb.prev(), View::Month(date!(2026 - 01 - 01)));
        let dec = View::Month(date!(2026 - 12 - 01));
        assert_eq!(dec.range().1, date!(2026 - 12 - 31));
        assert_eq!(dec.next(), View::Month(date!(2027 - 01 - 01)));
        assert_eq!(week_param(date!(2027 - 01 - 01)), "2026-W53");
    }
}
