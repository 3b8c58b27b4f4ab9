//! The start page: what waits for the signed-in person.

use askama::Template;
use distans_core::agreements::Agreement;
use distans_core::cases::RemoteRequest;
use distans_core::org::{OrgCounts, PersonView, UnitSummary};
use distans_core::temporary::{Reach, TemporaryDecision};

use super::ctx::{render, OrPage};
use super::plan::{day_view, DayView, Week};
use super::presence::WhoView;
use super::HtmlError;
use super::{Ctx, Reply};
use distans_core::deviations::{Deviation, DeviationState, StateFilter};
use distans_core::followup::{FollowUp, FollowUpQuery};
use distans_core::kernel::dates::plus_days_clamped;
use distans_core::kernel::{Actor, Page, Paging, PersonRef};

#[derive(Template)]
#[template(path = "start.html")]
struct StartPage<'a> {
    c: &'a Ctx,
    managed: Vec<UnitSummary>,
    counts: Option<OrgCounts>,
    engine: &'static str,
    me: PersonView,
    to_decide: Vec<RemoteRequest>,
    to_sign: Vec<Agreement>,
    /// Agreements of people who moved in, to confirm or end (the first few).
    to_confirm: distans_core::kernel::Page<Agreement>,
    crisis: Vec<CrisisBanner>,
    /// The person's own week (the next one at a weekend), as the plan has it.
    week: Vec<DayView>,
    unread: i64,
    // Deviations.
    deviations_awaiting: i64,
    /// Requests to decide: how many, and the first few.
    to_decide_total: usize,
    /// Who of one's unit is on site today and on the next weekday.
    who: Vec<WhoView>,
    /// One's agreements (the newest first), each with its state in words.
    agreements: Vec<(Agreement, String)>,
    /// Follow-ups due within a month: one's own, one's units', or (HR) all.
    followups: Page<FollowUp>,
    /// Deviations waiting to be received (managers, HR): the first few.
    deviations: Page<Deviation>,
    /// The managed units today and this week.
    units_today: Vec<UnitTodayView>,
    /// A day was just saved from this page.
    saved: bool,
}

/// A managed unit today, in words.
pub(crate) struct UnitTodayView {
    pub id: String,
    pub name: String,
    /// (key of the state, how many, their names) — on site, remote, other place, absent.
    pub today: Vec<(&'static str, usize, String)>,
    /// The coverage rules broken from today to Friday, in words.
    pub gaps: Vec<String>,
    pub too_big: bool,
}

/// How many the start page lists of each kind before "see all".
const FIRST_FEW: usize = 5;

impl StartPage<'_> {
    fn first_requests(&self) -> &[RemoteRequest] {
        &self.to_decide[..self.to_decide.len().min(FIRST_FEW)]
    }
    fn followup_kind(&self, f: &FollowUp) -> String {
        self.c.t(&format!("followup-kind-{}", f.kind.as_str()))
    }
    fn deviation_kind(&self, d: &Deviation) -> String {
        self.c.t(&format!("deviation-kind-{}", d.kind.as_str()))
    }
    fn own(&self, p: &PersonRef) -> bool {
        self.c.actor.as_ref().is_some_and(|a| a.person_id == p.id)
    }
    fn more(&self, total: &i64, shown: usize) -> i64 {
        *total - shown as i64
    }
}

#[derive(serde::Deserialize, Default)]
pub struct StartQuery {
    sparat: Option<String>,
}

pub async fn start(mut c: Ctx, q: axum::extract::Query<StartQuery>) -> Reply {
    let actor = c.page("start").await?;
    let saved = q.sparat.is_some();
    let core = c.core();
    let mut managed = vec![];
    for m in actor.manages.iter().take(20) {
        if let Ok(u) = core.org.unit(&actor, m.id).await {
            managed.push(u.unit);
        }
    }
    let counts = if c.can.counts {
        Some(core.org.counts(&actor).await.or_page(&c)?)
    } else {
        None
    };
    let me = core.org.person(&actor, actor.person_id).await.or_page(&c)?;
    let (to_decide, to_sign) = super::cases::waiting(&c, &actor).await?;
    let today = core.today();
    let followups = core
        .followup
        .followups(
            &actor,
            &FollowUpQuery {
                due_before: Some(plus_days_clamped(today, 31)),
                state: None,
                person: None,
                agreement: None,
            },
            Paging::first(FIRST_FEW as i64),
        )
        .await
        .or_page(&c)?;
    let deviations = if c.can.handle_deviations {
        core.deviations
            .deviations_to_handle(
                &actor,
                Some(StateFilter::Only(DeviationState::Reported)),
                Paging::first(FIRST_FEW as i64),
            )
            .await
            .or_page(&c)?
    } else {
        Page::new(vec![], 0, 0)
    };
    let mut agreements: Vec<(Agreement, String)> = core
        .agreements
        .agreements_of(&actor, actor.person_id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|g| {
            let s = super::cases::agreement_state_name(&c, &g.state);
            (g, s)
        })
        .collect();
    agreements.truncate(3);
    let units_today = units_today(&c, &actor).await?;
    let week = my_week(&c, &actor).await?;
    let page = StartPage {
        c: &c,
        managed,
        counts,
        engine: core.system.engine(),
        me,
        to_decide_total: to_decide.len(),
        to_decide,
        to_sign,
        to_confirm: core
            .agreements
            .agreements_to_confirm(&actor, distans_core::kernel::Paging::first(10))
            .await
            .or_page(&c)?,
        week,
        saved,
        who: super::presence::today_and_next(&c).await?,
        agreements,
        followups,
        deviations,
        units_today,
        crisis: crisis_banners(
            &c,
            core.temporary
                .temporary_decisions_shown_to(&actor)
                .await
                .or_page(&c)?,
        ),
        unread: c.unread,
        // Deviations.
        deviations_awaiting: core
            .deviations
            .deviations_awaiting(&actor)
            .await
            .or_page(&c)?,
    };
    render(&c, &page)
}

/// A temporary decision as its banner tells it: from the day it is issued
/// to its last day, with how it reaches the reader.
pub(crate) struct CrisisBanner {
    pub title: String,
    /// When it applies, in a sentence.
    pub when: String,
    /// Whom it applies to, and how it reaches the reader.
    pub reach: String,
    /// What it allows.
    pub allows: String,
}

pub(crate) fn crisis_banners(c: &Ctx, shown: Vec<(TemporaryDecision, Reach)>) -> Vec<CrisisBanner> {
    let today = c.core().today();
    shown
        .into_iter()
        .map(|(d, reach)| {
            let (start, end) = (d.start.to_string(), d.end.to_string());
            let when = if d.start <= today {
                c.lang.ta("temporary-banner-now", &[("end", end)])
            } else {
                c.lang
                    .ta("temporary-banner-coming", &[("start", start), ("end", end)])
            };
            let reach = match reach {
                Reach::WholeOrganisation => c.t("temporary-reach-whole"),
                Reach::OwnUnit { unit } => c.ta("temporary-reach-own", "unit", &unit),
                Reach::ThroughParent { unit, parent } => c.lang.ta(
                    "temporary-reach-parent",
                    &[("unit", unit), ("parent", parent)],
                ),
                Reach::ManagedUnit { unit } => c.ta("temporary-reach-managed", "unit", &unit),
                Reach::Delegated => c.t("temporary-reach-delegated"),
            };
            CrisisBanner {
                title: d.title,
                when,
                reach,
                allows: c.count("temporary-days", d.max_remote_days),
            }
        })
        .collect()
}

/// The units the person manages, today and the rest of the week, in words.
async fn units_today(c: &Ctx, actor: &Actor) -> Result<Vec<UnitTodayView>, HtmlError> {
    if actor.manages.is_empty() {
        return Ok(vec![]);
    }
    let units = c
        .core()
        .presence
        .my_units_today(actor, c.core().today())
        .await
        .or_page(c)?;
    let names = |v: &[PersonRef]| {
        v.iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    Ok(units
        .into_iter()
        .map(|u| UnitTodayView {
            id: u.unit.id.to_string(),
            name: u.unit.name.clone(),
            today: u
                .today
                .map(|d| {
                    vec![
                        ("workplace", d.on_site.len(), names(&d.on_site)),
                        ("remote", d.remote.len(), names(&d.remote)),
                        ("other", d.other.len(), names(&d.other)),
                        ("absent", d.absent.len(), names(&d.absent)),
                    ]
                })
                .unwrap_or_default(),
            gaps: u.gaps.iter().map(|g| describe_gap_now(c, g)).collect(),
            too_big: u.too_big,
        })
        .collect())
}

/// A gap the plan has (not one a change would open), in words.
fn describe_gap_now(c: &Ctx, g: &distans_core::kernel::gap::GapWarning) -> String {
    // The warning's sentence (`describe_gap`) speaks of a change ("would
    // be"); the start page tells the plan as it is.
    let day = super::presence::day_label(c, g.date);
    let missing = (g.required - g.planned).abs().to_string();
    match g.kind {
        distans_core::kernel::gap::RuleKind::MinOnsite => match &g.skill {
            Some(skill) => c.lang.ta(
                "start-gap-skill",
                &[("day", day), ("n", missing), ("skill", skill.clone())],
            ),
            None => c.lang.ta("start-gap", &[("day", day), ("n", missing)]),
        },
        distans_core::kernel::gap::RuleKind::MaxDesks => c
            .lang
            .ta("start-gap-desks", &[("day", day), ("n", missing)]),
    }
}

/// The signed-in person's workweek, Monday to Friday, as their plan has it:
/// this week, or the next one at a weekend; the days the person may still
/// change have a form.
async fn my_week(c: &Ctx, actor: &Actor) -> Result<Vec<DayView>, HtmlError> {
    let today = c.core().today();
    let from_monday = i64::from(today.weekday().number_days_from_monday());
    let monday = if from_monday >= 5 {
        today + time::Duration::days(7 - from_monday)
    } else {
        today - time::Duration::days(from_monday)
    };
    let week = Week::of(c, monday).await?;
    let plan = c
        .core()
        .plan
        .plan(actor, Some(actor.person_id), None, week.days)
        .await
        .or_page(c)?;
    let core = c.core();
    let may_set = core
        .coverage
        .may_set_plan_day(actor, actor.person_id)
        .await
        .or_page(c)?;
    // As the plan page: days before the lock are no longer changed.
    let lock = plus_days_clamped(today, core.config().plan_lock_days.saturating_neg());
    Ok(week
        .dates
        .iter()
        .map(|d| {
            let day = plan.iter().find(|p| p.day.date == *d).map(|p| &p.day);
            day_view(c, *d, day, week.cal.day_off(*d), may_set && *d >= lock)
        })
        .collect())
}
