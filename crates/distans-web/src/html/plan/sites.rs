//! The sites' occupancy: every site's people on site in a week, against its
//! desks.

use askama::Template;
use axum::extract::Query;
use distans_core::coverage::SiteOccupancy;

use super::{DayView, PeriodQuery, View, Week};
use crate::html::ctx::{render, OrPage};
use crate::html::{Ctx, Reply};

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
    /// For HR and administrators: every site with its version, to change.
    editable: Vec<(distans_core::org::Site, i64)>,
}

impl SitesPage<'_> {
    /// The bar's width class, in steps of ten percent.
    fn step(&self, pct: &i64) -> i64 {
        let pct = *pct;
        ((pct + 5) / 10 * 10).clamp(0, 100)
    }
}

fn site_row(s: SiteOccupancy, dates: &[time::Date]) -> SiteRow {
    let desks = s.site.desks;
    let day = |d: &time::Date| {
        let x = s.days.iter().find(|x| x.date == *d)?;
        let pct = if desks > 0 {
            (x.on_site * 100 / desks).min(100)
        } else {
            100
        };
        Some((x.on_site, pct, x.on_site > desks))
    };
    SiteRow {
        days: dates.iter().map(day).collect(),
        name: s.site.name,
        address: s.site.address,
        desks,
        people: s.people,
    }
}

/// Every site's occupancy in a week, against its desks.
pub async fn sites(mut c: Ctx, Query(q): Query<PeriodQuery>) -> Reply {
    let actor = c.page("sites").await?;
    let monday = View::monday(&q, c.core().today(), &c)?;
    let week = Week::of(&c, monday).await?;
    let occ = c.core().coverage.occupancy(&actor, None, week.days);
    let occ = occ.await.or_page(&c)?;
    let editable = if c.can.edit_organisation {
        c.core().org.sites_with_versions(&actor).await.or_page(&c)?
    } else {
        vec![]
    };
    let page = SitesPage {
        editable,
        c: &c,
        heading: week.short_heading(&c),
        sites: occ.into_iter().map(|s| site_row(s, &week.dates)).collect(),
        head: week.head,
        prev: week.prev,
        next: week.next,
    };
    render(&c, &page)
}
