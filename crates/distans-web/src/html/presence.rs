//! "Vem är på plats?": which colleagues of one's unit plan to be on site on
//! a day (as far as each shares it), and one's own choice whether they see
//! one.

use askama::Template;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect};
use axum::Form;
use distans_core::kernel::dates::parse_date;
use distans_core::kernel::{PersonRef, UnitId};
use distans_core::presence::WhoIsIn;
use distans_core::CoreError;
use serde::Deserialize;
use time::{Date, Duration};

use super::ctx::{render, OrPage};
use super::form::{get, Pairs};
use super::plan::{month_name, weekday_key, weekday_short};
use super::{Ctx, HtmlError, Reply};

/// Where the page is: `/vem-ar-pa-plats`.
pub const PATH: &str = "/vem-ar-pa-plats";

/// Who is in on a day, as a page or the start page shows it.
pub struct WhoView {
    /// "onsdag 10 mars".
    pub day_label: String,
    pub date: String,
    pub day_off: Option<String>,
    pub on_site: Vec<PersonRef>,
    /// "In Kontaktcenter Norr: 4 on site."
    pub count_text: String,
    pub not_sharing: i64,
    pub sees_everyone: bool,
}

impl WhoView {
    pub fn of(c: &Ctx, w: WhoIsIn) -> WhoView {
        WhoView {
            count_text: c.lang.ta(
                "who-count",
                &[
                    ("n", w.on_site.len().to_string()),
                    ("unit", w.unit.name.clone()),
                ],
            ),
            day_label: day_label(c, w.date),
            date: w.date.to_string(),
            day_off: w.day_off.map(|why| {
                if why == "helg" {
                    c.t("who-weekend")
                } else {
                    why
                }
            }),
            on_site: w.on_site,
            not_sharing: w.not_sharing,
            sees_everyone: w.sees_everyone,
        }
    }
}

/// "onsdag 10 mars".
pub fn day_label(c: &Ctx, d: Date) -> String {
    format!(
        "{} {} {}",
        c.t(weekday_key(d)),
        d.day(),
        month_name(c.lang, d)
    )
}

/// The next workday after `d` (Monday after a Friday); holidays are told
/// on the day itself.
pub fn next_weekday(d: Date) -> Date {
    let mut n = d + Duration::days(1);
    while matches!(n.weekday(), time::Weekday::Saturday | time::Weekday::Sunday) {
        n += Duration::days(1);
    }
    n
}

/// A day of the week strip: its link and whether it is the one shown.
pub struct StripDay {
    pub date: String,
    pub short: String,
    pub label: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "who_is_in.html")]
struct WhoPage<'a> {
    c: &'a Ctx,
    who: WhoView,
    strip: Vec<StripDay>,
    prev_week: String,
    next_week: String,
    /// The units to choose from (one's own and those one manages), with
    /// the one shown marked.
    units: Vec<(UnitId, String, bool)>,
    unit_param: String,
}

#[derive(Deserialize, Default)]
pub struct WhoQuery {
    dag: Option<String>,
    enhet: Option<String>,
}

/// The page: the day asked for (today when none), one's own unit unless
/// another is chosen.
pub async fn who_is_in_page(mut c: Ctx, Query(q): Query<WhoQuery>) -> Reply {
    let actor = c.page("whoisin").await?;
    let today = c.core().today();
    let day = match q.dag.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => parse_date("dag", s).or_page(&c)?,
        None => today,
    };
    let unit = match q.enhet.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(UnitId::from(
            uuid::Uuid::parse_str(s).map_err(|_| c.fail(CoreError::NotFound("unit")))?,
        )),
        None => None,
    };
    let w = c
        .core()
        .presence
        .who_is_in(&actor, unit, day)
        .await
        .or_page(&c)?;
    let shown_unit = w.unit.id;
    let monday = day - Duration::days(i64::from(day.weekday().number_days_from_monday()));
    let strip = (0..5)
        .map(|i| monday + Duration::days(i))
        .map(|d| StripDay {
            date: d.to_string(),
            short: weekday_short(c.lang, d).to_string(),
            label: day_label(&c, d),
            current: d == day,
        })
        .collect();
    let mut units = vec![(actor.unit.id, actor.unit.name.clone(), false)];
    for m in actor.manages.iter().take(20) {
        if m.id != actor.unit.id {
            units.push((m.id, m.name.clone(), false));
        }
    }
    for u in &mut units {
        u.2 = u.0 == shown_unit;
    }
    let unit_param = if shown_unit == actor.unit.id {
        String::new()
    } else {
        format!("&enhet={shown_unit}")
    };
    let page = WhoPage {
        who: WhoView::of(&c, w),
        strip,
        prev_week: (monday - Duration::days(7)).to_string(),
        next_week: (monday + Duration::days(7)).to_string(),
        units,
        unit_param,
        c: &c,
    };
    render(&c, &page)
}

/// One's own choice whether colleagues see one on site, from one's own page.
pub async fn set_own_share(c: Ctx, Form(f): Form<Pairs>) -> Reply {
    let actor = c.posted(get(&f, "csrf"))?;
    let share = match get(&f, "share") {
        "yes" => Some(true),
        "no" => Some(false),
        "policy" => None,
        _ => {
            return Err(c.fail(CoreError::invalid(
                "share",
                "choose whether colleagues see when you are on site",
            )))
        }
    };
    c.core()
        .presence
        .set_share_choice(&actor, share)
        .await
        .or_page(&c)?;
    Ok(Redirect::to(&format!("/personer/{}#share", actor.person_id)).into_response())
}

/// Who is in today and on the next weekday, for the start page; `None`
/// when it cannot be shown (a unit too big to list).
pub async fn today_and_next(c: &Ctx) -> Result<Vec<WhoView>, HtmlError> {
    let actor = c.actor()?;
    let today = c.core().today();
    let mut out = vec![];
    for d in [today, next_weekday(today)] {
        match c.core().presence.who_is_in(actor, None, d).await {
            Ok(w) => out.push(WhoView::of(c, w)),
            Err(CoreError::Rule { .. }) | Err(CoreError::Forbidden(_)) => return Ok(vec![]),
            Err(e) => return Err(c.fail(e)),
        }
    }
    Ok(out)
}
