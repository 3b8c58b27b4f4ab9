//! Which period a plan page shows: `?vecka=2026-W48` or `?manad=2026-11`,
//! and the links to the periods before and after.

use distans_core::kernel::calendar::{iso_week, week_monday};
use distans_core::kernel::dates::{add_days, plus_days, DateRange};
use distans_core::CoreError;
use serde::Deserialize;
use time::{Date, Duration, Month};

use crate::html::{Ctx, HtmlError};

/// Which period a page shows: `?vecka=2026-W48` or `?manad=2026-11`.
#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    pub vecka: Option<String>,
    pub manad: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Week(Date),
    Month(Date),
}

pub fn week_param(d: Date) -> String {
    let (y, w) = iso_week(d);
    format!("{y}-W{w:02}")
}

pub fn month_param(d: Date) -> String {
    format!("{}-{:02}", d.year(), d.month() as u8)
}

pub fn parse_week(s: &str) -> Option<Date> {
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

/// The Monday of `d`'s week (`d` itself before the first Monday `time`
/// can hold).
pub fn monday_of(d: Date) -> Date {
    d.checked_sub(Duration::days(d.weekday().number_days_from_monday() as i64))
        .unwrap_or(d)
}

/// Monday to Friday of the week of `monday`, if the product accepts those
/// days; else an error naming `vecka`.
pub fn week_days(monday: Date) -> Result<DateRange, CoreError> {
    DateRange::new(("vecka", "vecka"), monday, add_days("vecka", monday, 4)?)
}

/// The Monday `weeks` weeks from `monday`, or `monday` itself where that
/// week would not be one the product accepts (the links at the ends).
pub fn week_step(monday: Date, weeks: i64) -> Date {
    plus_days(monday, 7 * weeks)
        .filter(|m| week_days(*m).is_ok())
        .unwrap_or(monday)
}

impl View {
    /// The period asked for; an error page when it is not one, or not
    /// within the years the product accepts.
    pub fn of(q: &PeriodQuery, today: Date, c: &Ctx) -> Result<View, HtmlError> {
        let view = if let Some(m) = q.manad.as_deref().filter(|s| !s.is_empty()) {
            parse_month(m)
                .map(View::Month)
                .ok_or_else(|| c.fail(CoreError::invalid("manad", "write the month as 2026-11")))?
        } else {
            match q.vecka.as_deref().filter(|s| !s.is_empty()) {
                Some(w) => parse_week(w).map(View::Week).ok_or_else(|| {
                    c.fail(CoreError::invalid("vecka", "write the week as 2026-W48"))
                })?,
                None => View::Week(monday_of(today)),
            }
        };
        view.range().map_err(|e| c.fail(e))?;
        Ok(view)
    }

    /// The Monday of the week asked for (a month is not asked of pages that
    /// show weeks only).
    pub fn monday(q: &PeriodQuery, today: Date, c: &Ctx) -> Result<Date, HtmlError> {
        let week = PeriodQuery {
            vecka: q.vecka.clone(),
            manad: None,
        };
        match View::of(&week, today, c)? {
            View::Week(m) | View::Month(m) => Ok(m),
        }
    }

    /// The days shown: Monday to Friday, or the whole month; an error
    /// naming `vecka` or `manad` outside the years the product accepts.
    pub fn range(self) -> Result<DateRange, CoreError> {
        match self {
            View::Week(m) => week_days(m),
            View::Month(first) => {
                let last = first
                    .replace_day(first.month().length(first.year()))
                    .map_err(|_| CoreError::invalid("manad", "is not a month"))?;
                DateRange::new(("manad", "manad"), first, last)
            }
        }
    }

    pub fn param(self) -> String {
        match self {
            View::Week(m) => format!("vecka={}", week_param(m)),
            View::Month(f) => format!("manad={}", month_param(f)),
        }
    }

    /// The period before, or this one at the first the product accepts.
    pub fn prev(self) -> View {
        let before = match self {
            View::Week(m) => Some(View::Week(week_step(m, -1))),
            View::Month(f) => f
                .previous_day()
                .and_then(|p| p.replace_day(1).ok())
                .map(View::Month),
        };
        before.filter(|v| v.range().is_ok()).unwrap_or(self)
    }

    /// The period after, or this one at the last the product accepts.
    pub fn next(self) -> View {
        let after = match self {
            View::Week(m) => Some(View::Week(week_step(m, 1))),
            View::Month(_) => self
                .range()
                .ok()
                .and_then(|r| r.to().next_day())
                .map(View::Month),
        };
        after.filter(|v| v.range().is_ok()).unwrap_or(self)
    }
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
        let r = feb.range().unwrap();
        assert_eq!(
            (r.from(), r.to()),
            (date!(2026 - 02 - 01), date!(2026 - 02 - 28))
        );
        assert_eq!(feb.next(), View::Month(date!(2026 - 03 - 01)));
        assert_eq!(feb.prev(), View::Month(date!(2026 - 01 - 01)));
        let dec = View::Month(date!(2026 - 12 - 01));
        assert_eq!(dec.range().unwrap().to(), date!(2026 - 12 - 31));
        assert_eq!(dec.next(), View::Month(date!(2027 - 01 - 01)));
        assert_eq!(week_param(date!(2027 - 01 - 01)), "2026-W53");
    }

    #[test]
    fn periods_stay_within_the_years_accepted() {
        // The first and last weeks and months accepted: the links stay put.
        let first = View::Week(date!(1900 - 01 - 01));
        assert_eq!(first.prev(), first);
        let last = View::Week(date!(2199 - 12 - 23));
        assert_eq!(last.next(), last);
        assert_eq!(last.prev(), View::Week(date!(2199 - 12 - 16)));
        let dec = View::Month(date!(2199 - 12 - 01));
        assert_eq!(dec.range().unwrap().to(), date!(2199 - 12 - 31));
        assert_eq!(dec.next(), dec);
        let jan = View::Month(date!(1900 - 01 - 01));
        assert_eq!(jan.prev(), jan);
        // Weeks and months beyond them are refused, naming the parameter.
        for w in ["2199-W53", "2200-W01", "9999-W52", "1899-W52", "0001-W01"] {
            if let Some(m) = parse_week(w) {
                assert_eq!(
                    View::Week(m).range().unwrap_err().field(),
                    Some("vecka"),
                    "{w}"
                );
            }
        }
        for m in ["2200-01", "9999-12", "1899-12", "0001-01"] {
            let v = View::Month(parse_month(m).unwrap());
            assert_eq!(v.range().unwrap_err().field(), Some("manad"), "{m}");
        }
        // The week of 31 December 2199 reaches into 2200.
        assert_eq!(monday_of(date!(2199 - 12 - 31)), date!(2199 - 12 - 30));
        assert!(week_days(date!(2199 - 12 - 30)).is_err());
        assert_eq!(monday_of(Date::MIN), Date::MIN);
        assert_eq!(week_step(date!(2199 - 12 - 23), 1), date!(2199 - 12 - 23));
    }
}
