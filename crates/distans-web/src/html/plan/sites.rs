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
    /// Per weekday: how full the site is.
    pub days: Vec<Option<SiteDay>>,
}

/// A site's day: people on site against its desks.
pub struct SiteDay {
    pub on_site: i64,
    /// Percent of the desks taken (may pass 100).
    pub percent: i64,
    pub level: Fullness,
}

/// How full a site is, told in words as well as colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fullness {
    /// Under 90 % of the desks.
    Room,
    /// 90 % to all of the desks.
    NearlyFull,
    /// More people than desks.
    Over,
}

/// How full a site is with `on_site` people at `desks` desks.
pub fn fullness(on_site: i64, desks: i64) -> Fullness {
    if on_site > desks {
        Fullness::Over
    } else if on_site * 10 >= desks * 9 && on_site > 0 {
        Fullness::NearlyFull
    } else {
        Fullness::Room
    }
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
    /// The bar's width class, in steps of ten percent (full at 100).
    fn step(&self, d: &SiteDay) -> i64 {
        ((d.percent + 5) / 10 * 10).clamp(0, 100)
    }

    /// The day's class and words for how full it is.
    fn level(&self, d: &SiteDay) -> (&'static str, String) {
        match d.level {
            Fullness::Room => ("", String::new()),
            Fullness::NearlyFull => ("nearly-full", self.c.t("sites-nearly-full")),
            Fullness::Over => ("gap", self.c.t("sites-over")),
        }
    }
}

fn site_row(s: SiteOccupancy, dates: &[time::Date]) -> SiteRow {
    let desks = s.site.desks;
    let day = |d: &time::Date| {
        let x = s.days.iter().find(|x| x.date == *d)?;
        let percent = if desks > 0 {
            x.on_site * 100 / desks
        } else if x.on_site > 0 {
            100
        } else {
            0
        };
        Some(SiteDay {
            on_site: x.on_site,
            percent,
            level: fullness(x.on_site, desks),
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_is_over_only_with_more_people_than_desks() {
        assert_eq!(fullness(0, 0), Fullness::Room);
        assert_eq!(fullness(1, 0), Fullness::Over);
        assert_eq!(fullness(80, 100), Fullness::Room);
        assert_eq!(fullness(89, 100), Fullness::Room);
        assert_eq!(fullness(90, 100), Fullness::NearlyFull);
        assert_eq!(fullness(100, 100), Fullness::NearlyFull);
        assert_eq!(fullness(101, 100), Fullness::Over);
    }
}
