//! "Arbetsdagar och helgdagar": a year's public holidays (computed) and the
//! organisation's closed days, which HR and administrators add and remove.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use distans_core::kernel::dates::parse_date;
use distans_core::CoreError;
use serde::Deserialize;

use super::ctx::render;
use super::form::FormErrors;
use super::{Ctx, HtmlError};
use crate::AppState;

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

fn weekday_key(d: time::Date) -> &'static str {
    match d.weekday() {
        time::Weekday::Monday => "weekday-mon",
        time::Weekday::Tuesday => "weekday-tue",
        time::Weekday::Wednesday => "weekday-wed",
        time::Weekday::Thursday => "weekday-thu",
        time::Weekday::Friday => "weekday-fri",
        time::Weekday::Saturday => "weekday-sat",
        time::Weekday::Sunday => "weekday-sun",
    }
}

#[derive(Deserialize)]
pub struct YearQuery {
    ar: Option<String>,
}

async fn page(
    state: &AppState,
    c: &Ctx,
    year: i32,
    errors: FormErrors,
    date: String,
    name: String,
) -> Result<Response, HtmlError> {
    let actor = c.actor()?.clone();
    let off = state
        .core
        .workdays
        .days_off(&actor, year)
        .await
        .map_err(|e| c.fail(e))?;
    let row = |date: time::Date, name: String| DayRow {
        date: date.to_string(),
        weekday: c.t(weekday_key(date)),
        name,
    };
    let bad = !errors.is_empty();
    let mut r = render(
        c,
        &WorkdaysPage {
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
            may_edit: state.core.workdays.may_edit_closed_days(&actor),
            errors,
            date,
            name,
        },
    )?;
    if bad {
        *r.status_mut() = axum::http::StatusCode::BAD_REQUEST;
    }
    Ok(r)
}

pub async fn workdays_page(
    State(state): State<AppState>,
    mut c: Ctx,
    Query(q): Query<YearQuery>,
) -> Result<Response, HtmlError> {
    c.nav = "workdays";
    c.actor()?;
    c.ensure_csrf().await?;
    let year = crate::api::parse_year(q.ar.as_deref(), state.core.today().year())
        .map_err(|e| c.fail(e))?;
    page(
        &state,
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

pub async fn add_closed_day(
    State(state): State<AppState>,
    mut c: Ctx,
    Form(f): Form<ClosedDayForm>,
) -> Result<Response, HtmlError> {
    c.nav = "workdays";
    let actor = c.actor()?.clone();
    c.check_csrf(&f.csrf)?;
    if !state.core.workdays.may_edit_closed_days(&actor) {
        return Err(c.fail(CoreError::forbidden(
            "only HR and administrators may change the closed days",
        )));
    }
    let this_year = state.core.today().year();
    let year = crate::api::parse_year(Some(&f.ar), this_year).unwrap_or(this_year);
    let result = match parse_date("date", &f.date) {
        Ok(d) => state.core.workdays.add_closed_day(&actor, d, &f.name).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(d) => Ok(Redirect::to(&format!("/arbetsdagar?ar={}", d.date.year())).into_response()),
        Err(e @ (CoreError::Forbidden(_) | CoreError::Internal(_))) => Err(c.fail(e)),
        Err(e) => {
            let errors = FormErrors::from_core(&c, "closed", &e);
            page(&state, &c, year, errors, f.date.clone(), f.name.clone()).await
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn remove_closed_day(
    State(state): State<AppState>,
    c: Ctx,
    Path(date): Path<String>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, HtmlError> {
    let actor = c.actor()?.clone();
    c.check_csrf(&f.csrf)?;
    let date = parse_date("date", &date).map_err(|_| c.fail(CoreError::NotFound("page")))?;
    state
        .core
        .workdays
        .delete_closed_day(&actor, date)
        .await
        .map_err(|e| c.fail(e))?;
    Ok(Redirect::to(&format!("/arbetsdagar?ar={}", date.year())).into_response())
}
