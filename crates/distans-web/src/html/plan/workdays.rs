//! "Arbetsdagar och helgdagar": a year's public holidays (computed) and the
//! organisation's closed days, which HR and administrators add and remove.

use askama::Template;
use axum::extract::{Path, Query};
use axum::Form;
use distans_core::kernel::dates::parse_date;
use distans_core::CoreError;
use serde::Deserialize;

use super::weekday_key;
use crate::html::ctx::OrPage;
use crate::html::form::{answer, not_refused, redirect, render_form, FormErrors};
use crate::html::signin::CsrfForm;
use crate::html::{Ctx, Reply};

/// A day in a table.
pub struct DayRow {
    pub date: String,
    pub weekday: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "workdays.html")]
struct WorkdaysPage<'a> {
    c: &'a Ctx,
    year: i32,
    holidays: Vec<DayRow>,
    closed: Vec<DayRow>,
    may_edit: bool,
    errors: FormErrors,
    date: String,
    name: String,
}

#[derive(Deserialize)]
pub struct YearQuery {
    ar: Option<String>,
}

/// The year's page; the closed-day form (`date`, `name`) as sent, with its
/// errors.
async fn page(c: &Ctx, year: i32, errors: FormErrors, date: String, name: String) -> Reply {
    let actor = c.actor()?.clone();
    let workdays = &c.core().workdays;
    let off = workdays.days_off(&actor, year).await.or_page(c)?;
    let row = |date: time::Date, name: String| DayRow {
        date: date.to_string(),
        weekday: c.t(weekday_key(date)),
        name,
    };
    let page = WorkdaysPage {
        c,
        year,
        holidays: off
            .holidays
            .into_iter()
            .map(|h| row(h.date, h.name))
            .collect(),
        closed: off
            .closed
            .into_iter()
            .map(|d| row(d.date, d.name))
            .collect(),
        may_edit: workdays.may_edit_closed_days(&actor),
        errors,
        date,
        name,
    };
    render_form(c, &page, &page.errors)
}

pub async fn workdays_page(mut c: Ctx, Query(q): Query<YearQuery>) -> Reply {
    c.page("workdays").await?;
    let this_year = c.core().today().year();
    let year = crate::api::parse_year(q.ar.as_deref(), this_year).or_page(&c)?;
    page(
        &c,
        year,
        FormErrors::default(),
        String::new(),
        String::new(),
    )
    .await
}

#[derive(Deserialize)]
pub struct ClosedDayForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    ar: String,
}

pub async fn add_closed_day(mut c: Ctx, Form(f): Form<ClosedDayForm>) -> Reply {
    c.nav = "workdays";
    let actor = c.posted(&f.csrf)?;
    let workdays = &c.core().workdays;
    if !workdays.may_edit_closed_days(&actor) {
        return Err(c.fail(CoreError::forbidden(
            "only HR and administrators may change the closed days",
        )));
    }
    let this_year = c.core().today().year();
    let year = crate::api::parse_year(Some(&f.ar), this_year).unwrap_or(this_year);
    let result = match parse_date("date", &f.date) {
        Ok(d) => workdays.add_closed_day(&actor, d, &f.name).await,
        Err(e) => Err(e),
    };
    let done = |d: distans_core::workdays::ClosedDay| {
        redirect(&format!("/arbetsdagar?ar={}", d.date.year()))
    };
    answer(&c, result, "closed", not_refused, done, |errors| {
        page(&c, year, errors, f.date.clone(), f.name.clone())
    })
    .await
}

pub async fn remove_closed_day(c: Ctx, Path(date): Path<String>, Form(f): Form<CsrfForm>) -> Reply {
    let actor = c.posted(&f.csrf)?;
    let date = parse_date("date", &date).map_err(|_| c.fail(CoreError::NotFound("page")))?;
    let workdays = &c.core().workdays;
    workdays.delete_closed_day(&actor, date).await.or_page(&c)?;
    redirect(&format!("/arbetsdagar?ar={}", date.year()))
}
