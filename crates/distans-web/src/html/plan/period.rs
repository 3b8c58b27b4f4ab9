//! Which period a plan page shows: `?vecka=2026-W48` or `?manad=2026-11`,
//! and the links to the periods before and after.

use distans_core::kernel::calendar::{iso_week, week_monday};
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

/// The Monday of `d`'s week.
pub fn monday_of(d: Date) -> Date {
    d - Duration::days(d.weekday().number_days_from_monday() as i64)
}

impl View {
    pub fn of(q: &PeriodQuery, today: Date, c: &Ctx) -> Result<View, HtmlError> {
        if let Some(m) = q.manad.as_deref().filter(|s| !s.is_empty()) {
            return parse_month(m)
                .map(View::Month)
                .ok_or_else(|| c.fail(CoreError::invalid("manad", "write the month as 2026-11")));
        }
        match q.vecka.as_deref().filter(|s| !s.is_empty()) {
            Some(w) => parse_week(w)
                .map(View::Week)
                .ok_or_else(|| c.fail(CoreError::invalid("vecka", "write the week as 2026-W48"))),
            None => Ok(View::Week(monday_of(today))),
        }
    }

    /// The Monday of the week asked for (a month is not asked of pages that
    /// show weeks only).
    pub fn monday(q: &PeriodQuery, today: Date, c: &Ctx) -> Result<Date, HtmlError> {
        let week = PeriodQuery {
            vecka: q.vecka.clone(),
            manad: None,
        };
        Ok(View::of(&week, today, c)?.range().0)
    }

    pub fn range(self) -> (Date, Date) {
        match self {
            View::Week(m) => (m, m + Duration::days(4)),
            View::Month(first) => {
                let next = first.replace_day(28).unwrap_or(first) + Duration::days(4);
                let last = next.replace_day(1).unwrap_or(next) - Duration::days(1);
                (first, last)
            }
        }
    }

    pub fn param(self) -> String {
        match self {
            View::Week(m) => format!("vecka={}", week_param(m)),
            View::Month(f) => format!("manad={}", month_param(f)),
        }
    }

    pub fn prev(self) -> View {
        match self {
            View::Week(m) => View::Week(m - Duration::days(7)),
            View::Month(f) => {
                let p = f - Duration::days(1);
                View::Month(p.replace_day(1).unwrap_or(p))
            }
        }
    }

    pub fn next(self) -> View {
        match self {
            View::Week(m) => View::Week(m + Duration::days(7)),
            View::Month(_) => View::Month(self.range().1 + Duration::days(1)),
        }
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
        assert_eq!(feb.range(), (date!(2026 - 02 - 01), date!(2026 - 02 - 28)));
        assert_eq!(feb.next(), View::Month(date!(2026 - 03 - 01)));
        assert_eq!(feb.prev(), View::Month(date!(2026 - 01 - 01)));
        let dec = View::Month(date!(2026 - 12 - 01));
        assert_eq!(dec.range().1, date!(2026 - 12 - 31));
        assert_eq!(dec.next(), View::Month(date!(2027 - 01 - 01)));
        assert_eq!(week_param(date!(2027 - 01 - 01)), "2026-W53");
    }
}
