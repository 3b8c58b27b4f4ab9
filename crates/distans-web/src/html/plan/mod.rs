//! The plan's pages: a person's week and month, a unit's week grid with its
//! coverage rules, the manager's overview, the sites' occupancy, and the
//! workdays with the organisation's closed days. Plain forms; no JavaScript
//! needed.

pub mod overview;
mod period;
pub mod person;
pub mod rules;
pub mod sites;
pub mod unit;
pub mod workdays;

use distans_core::kernel::calendar::{iso_week, WorkCalendar};
use distans_core::kernel::dates::{plus_days, DateRange};
use distans_core::kernel::gap::{GapWarning, RuleKind};
use distans_core::plan::{DayState, Part, PlanDay, Source};
use time::Date;

use crate::html::ctx::OrPage;
use crate::html::{Ctx, HtmlError};
use crate::i18n::Lang;
pub use period::{week_param, PeriodQuery, View};

/// The text key of a day's weekday: `weekday-mon`, …
pub fn weekday_key(d: Date) -> &'static str {
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

pub fn weekday_short(lang: Lang, d: Date) -> &'static str {
    let i = d.weekday().number_days_from_monday() as usize;
    match lang {
        Lang::Sv => ["mån", "tis", "ons", "tor", "fre", "lör", "sön"][i],
        Lang::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i],
    }
}

pub(crate) fn month_name(lang: Lang, d: Date) -> &'static str {
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

/// "Vecka 48, 23 november – 27 november 2026".
fn week_heading(c: &Ctx, monday: Date) -> String {
    let (_, w) = iso_week(monday);
    let fri = plus_days(monday, 4).unwrap_or(monday);
    format!(
        "{} {w}, {} {} – {} {} {}",
        c.t("week"),
        monday.day(),
        month_name(c.lang, monday),
        fri.day(),
        month_name(c.lang, fri),
        fri.year()
    )
}

pub(crate) fn state_key(s: DayState) -> &'static str {
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

pub(crate) fn day_view(
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
            c.t(weekday_key(d)),
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
        let state_text = |s: DayState| c.t(&format!("state-{}", state_key(s)));
        v.state_label = state_text(p.state);
        v.source_label = c.t(&format!("source-{}", source_key(p.source)));
        if let (Some(part), Some(rest)) = (p.part, p.rest) {
            let (am, pm) = match part {
                Part::Am => (p.state, rest),
                Part::Pm => (rest, p.state),
            };
            v.half = Some(format!(
                "{}: {}, {}: {}",
                c.t("part-am"),
                state_text(am).to_lowercase(),
                c.t("part-pm"),
                state_text(pm).to_lowercase()
            ));
            v.state_label = c.t("state-half");
        }
        v.occasional = p.source == Source::Occasional;
        v.editable = editable && p.source != Source::Absence;
    }
    v
}

/// Describes a gap warning in the page's language.
pub(crate) fn describe_gap(c: &Ctx, g: &GapWarning) -> String {
    let (_, w) = iso_week(g.date);
    let day = format!("{} {} (v. {w})", c.t(weekday_key(g.date)), g.date);
    let unit = ("unit", g.unit.name.clone());
    let planned = ("planned", g.planned.to_string());
    match g.kind {
        RuleKind::MinOnsite => {
            let what = match &g.skill {
                Some(s) => c.lang.ta(
                    "gap-min-skill",
                    &[("n", g.required.to_string()), ("skill", s.clone())],
                ),
                None => c.lang.ta("gap-min", &[("n", g.required.to_string())]),
            };
            c.lang
                .ta("gap-line", &[unit, ("day", day), ("rule", what), planned])
        }
        RuleKind::MaxDesks => c.lang.ta(
            "gap-desks-line",
            &[
                unit,
                ("day", day),
                ("desks", g.required.to_string()),
                planned,
            ],
        ),
    }
}

/// The week of the unit, overview and sites pages: its workdays, their
/// heads, and the links to the weeks before and after.
pub struct Week {
    pub monday: Date,
    /// Monday to Friday.
    pub days: DateRange,
    pub dates: Vec<Date>,
    pub cal: WorkCalendar,
    pub head: Vec<DayView>,
    pub prev: String,
    pub next: String,
}

impl Week {
    /// The week of `monday`; an error page when it is not a week the
    /// product accepts.
    pub async fn of(c: &Ctx, monday: Date) -> Result<Week, HtmlError> {
        let days = period::week_days(monday).map_err(|e| c.fail(e))?;
        let cal = c.core().workdays.calendar(days).await;
        let cal = cal.or_page(c)?;
        let dates: Vec<Date> = days.days().collect();
        let head = dates
            .iter()
            .map(|d| day_view(c, *d, None, cal.day_off(*d), false))
            .collect();
        Ok(Week {
            monday,
            days,
            dates,
            cal,
            head,
            prev: format!("vecka={}", week_param(period::week_step(monday, -1))),
            next: format!("vecka={}", week_param(period::week_step(monday, 1))),
        })
    }

    /// "Vecka 48".
    pub fn short_heading(&self, c: &Ctx) -> String {
        let (_, w) = iso_week(self.monday);
        format!("{} {w}", c.t("week"))
    }
}
