//! The manager's overview: the units they manage, this week: who is on site
//! and where coverage has gaps.

use askama::Template;
use axum::extract::Query;
use distans_core::kernel::UnitId;
use distans_core::CoreError;
use uuid::Uuid;

use super::{week_param, DayView, PeriodQuery, View, Week};
use crate::html::ctx::render;
use crate::html::{Ctx, Reply};

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
    too_big: Vec<(UnitId, String)>,
}

/// The units a manager manages, this week: who is on site and where coverage has gaps.
pub async fn overview(mut c: Ctx, Query(q): Query<PeriodQuery>) -> Reply {
    c.nav = "overview";
    let actor = c.actor()?.clone();
    let monday = View::monday(&q, c.core().today(), &c)?;
    let week = Week::of(&c, monday).await?;
    let mut units = vec![];
    let mut too_big = vec![];
    for m in actor.manages.iter().take(50) {
        let up = c.core().coverage.unit_plan(&actor, m.id, week.days);
        match up.await {
            Ok(up) => {
                let on = |d: &time::Date| {
                    let day = up.coverage.iter().find(|x| x.date == *d)?;
                    Some((day.on_site.len(), day.rules.iter().any(|r| r.gap > 0)))
                };
                let days: Vec<_> = week.dates.iter().map(on).collect();
                units.push(UnitSummaryRow {
                    id: m.id.into(),
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
    let page = OverviewPage {
        c: &c,
        heading: week.short_heading(&c),
        head: week.head,
        units,
        week: week_param(monday),
        prev: week.prev,
        next: week.next,
        too_big,
    };
    render(&c, &page)
}
