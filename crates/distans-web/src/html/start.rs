//! The start page: what waits for the signed-in person.

use askama::Template;
use distans_core::agreements::Agreement;
use distans_core::cases::RemoteRequest;
use distans_core::org::{OrgCounts, PersonView, UnitSummary};
use distans_core::temporary::{Reach, TemporaryDecision};

use super::ctx::{render, OrPage};
use super::plan::{day_view, DayView, Week};
use super::HtmlError;
use super::{Ctx, Reply};
use distans_core::kernel::Actor;

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
}

pub async fn start(mut c: Ctx) -> Reply {
    let actor = c.page("start").await?;
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
    let page = StartPage {
        c: &c,
        managed,
        counts,
        engine: core.system.engine(),
        me,
        to_decide,
        to_sign,
        to_confirm: core
            .agreements
            .agreements_to_confirm(&actor, distans_core::kernel::Paging::first(10))
            .await
            .or_page(&c)?,
        week: my_week(&c, &actor).await?,
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

/// The signed-in person's workweek, Monday to Friday, as their plan has it:
/// this week, or the next one at a weekend.
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
    Ok(week
        .dates
        .iter()
        .map(|d| {
            let day = plan.iter().find(|p| p.day.date == *d).map(|p| &p.day);
            day_view(c, *d, day, week.cal.day_off(*d), false)
        })
        .collect())
}
