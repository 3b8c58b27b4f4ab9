//! Workdays: ISO weeks and Swedish public holidays, computed (never typed
//! in), plus an organisation's own closed days.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month, Weekday};

use crate::kernel::dates::DateRange;

/// Easter Sunday (the Gregorian computus, "Anonymous Gregorian algorithm").
pub fn easter_sunday(year: i32) -> Option<Date> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = ((h + l - 7 * m + 114) % 31) + 1;
    let month = Month::try_from(month as u8).ok()?;
    Date::from_calendar_date(year, month, day as u8).ok()
}

/// The first `weekday` on or after `d`, if `time` can hold it.
fn on_or_after(d: Date, weekday: Weekday) -> Option<Date> {
    let mut x = d;
    while x.weekday() != weekday {
        x = x.next_day()?;
    }
    Some(x)
}

/// A day off: the date and its Swedish name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Holiday {
    pub date: Date,
    pub name: String,
}

/// Sweden's public holidays ("allmänna helgdagar", lagen 1989:253) and the
/// eves that workplaces treat as days off (midsommarafton, julafton,
/// nyårsafton), for a year.
pub fn swedish_holidays(year: i32) -> Vec<Holiday> {
    let mut out = vec![];
    let mut add = |d: Option<Date>, name: &str| {
        if let Some(date) = d {
            out.push(Holiday {
                date,
                name: name.to_string(),
            });
        }
    };
    let ymd = |m: Month, d: u8| Date::from_calendar_date(year, m, d).ok();
    add(ymd(Month::January, 1), "Nyårsdagen");
    add(ymd(Month::January, 6), "Trettondedag jul");
    if let Some(easter) = easter_sunday(year) {
        let after = |n: i64| easter.checked_add(Duration::days(n));
        add(after(-2), "Långfredagen");
        add(Some(easter), "Påskdagen");
        add(after(1), "Annandag påsk");
        add(after(39), "Kristi himmelsfärdsdag");
        add(after(49), "Pingstdagen");
    }
    add(ymd(Month::May, 1), "Första maj");
    add(ymd(Month::June, 6), "Sveriges nationaldag");
    // Midsommardagen: the Saturday of 20–26 June; the eve the Friday before.
    if let Some(midsommar) = ymd(Month::June, 20).and_then(|d| on_or_after(d, Weekday::Saturday)) {
        add(midsommar.previous_day(), "Midsommarafton");
        add(Some(midsommar), "Midsommardagen");
    }
    // Alla helgons dag: the Saturday of 31 October – 6 November.
    add(
        ymd(Month::October, 31).and_then(|d| on_or_after(d, Weekday::Saturday)),
        "Alla helgons dag",
    );
    add(ymd(Month::December, 24), "Julafton");
    add(ymd(Month::December, 25), "Juldagen");
    add(ymd(Month::December, 26), "Annandag jul");
    add(ymd(Month::December, 31), "Nyårsafton");
    out.sort();
    out
}

/// The organisation's workdays: Monday–Friday, minus Swedish holidays and
/// the organisation's own closed days.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    pub closed: BTreeSet<Date>,
}

impl WorkCalendar {
    pub fn new(closed: impl IntoIterator<Item = Date>) -> Self {
        WorkCalendar {
            closed: closed.into_iter().collect(),
        }
    }

    /// Why `d` is not a workday, if it is not.
    pub fn day_off(&self, d: Date) -> Option<String> {
        if matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) {
            return Some("helg".into());
        }
        if let Some(h) = swedish_holidays(d.year()).into_iter().find(|h| h.date == d) {
            return Some(h.name);
        }
        if self.closed.contains(&d) {
            return Some("stängt".into());
        }
        None
    }

    pub fn is_workday(&self, d: Date) -> bool {
        self.day_off(d).is_none()
    }

    /// The workdays of a period, in order.
    pub fn workdays(&self, period: DateRange) -> Vec<Date> {
        period.days().filter(|d| self.is_workday(*d)).collect()
    }
}

/// The ISO week of a date, as written in Sweden: "v. 47" (and the ISO year).
pub fn iso_week(d: Date) -> (i32, u8) {
    let (y, w, _) = d.to_iso_week_date();
    (y, w)
}

/// The Monday of the ISO week `week` of `year`.
pub fn week_monday(year: i32, week: u8) -> Option<Date> {
    Date::from_iso_week_date(year, week, Weekday::Monday).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::dates::span;
    use time::macros::date;

    #[test]
    fn easter_for_known_years() {
        let known = [
            (2000, date!(2000 - 04 - 23)),
            (2008, date!(2008 - 03 - 23)),
            (2011, date!(2011 - 04 - 24)),
            (2019, date!(2019 - 04 - 21)),
            (2024, date!(2024 - 03 - 31)),
            (2025, date!(2025 - 04 - 20)),
            (2026, date!(2026 - 04 - 05)),
            (2027, date!(2027 - 03 - 28)),
            (2038, date!(2038 - 04 - 25)),
        ];
        for (y, d) in known {
            assert_eq!(easter_sunday(y), Some(d), "{y}");
        }
    }

    #[test]
    fn swedish_holidays_2024_to_2027() {
        let names = |y| {
            swedish_holidays(y)
                .into_iter()
                .map(|h| (h.date, h.name))
                .collect::<Vec<_>>()
        };
        let h24 = names(2024);
        for (d, n) in [
            (date!(2024 - 03 - 29), "Långfredagen"),
            (date!(2024 - 04 - 01), "Annandag påsk"),
            (date!(2024 - 05 - 09), "Kristi himmelsfärdsdag"),
            (date!(2024 - 06 - 21), "Midsommarafton"),
            (date!(2024 - 06 - 22), "Midsommardagen"),
            (date!(2024 - 11 - 02), "Alla helgons dag"),
        ] {
            assert!(h24.contains(&(d, n.to_string())), "{d} {n}");
        }
        let h25 = names(2025);
        assert!(h25.contains(&(date!(2025 - 06 - 20), "Midsommarafton".into())));
        assert!(h25.contains(&(date!(2025 - 11 - 01), "Alla helgons dag".into())));
        assert!(h25.contains(&(date!(2025 - 05 - 29), "Kristi himmelsfärdsdag".into())));
        let h26 = names(2026);
        assert!(h26.contains(&(date!(2026 - 04 - 03), "Långfredagen".into())));
        assert!(h26.contains(&(date!(2026 - 06 - 19), "Midsommarafton".into())));
        assert!(h26.contains(&(date!(2026 - 10 - 31), "Alla helgons dag".into())));
        assert!(h26.contains(&(date!(2026 - 05 - 14), "Kristi himmelsfärdsdag".into())));
        let h27 = names(2027);
        assert!(h27.contains(&(date!(2027 - 03 - 26), "Långfredagen".into())));
        assert!(h27.contains(&(date!(2027 - 06 - 25), "Midsommarafton".into())));
        assert!(h27.contains(&(date!(2027 - 11 - 06), "Alla helgons dag".into())));
        assert_eq!(h26.len(), 16);
    }

    #[test]
    fn workdays_skip_weekends_holidays_and_closed_days() {
        let cal = WorkCalendar::new([date!(2026 - 12 - 28)]);
        // v. 52 of 2026: 21–25 Dec; julafton and juldagen are off.
        let w = cal.workdays(span(date!(2026 - 12 - 21), date!(2026 - 12 - 27)));
        assert_eq!(
            w,
            vec![
                date!(2026 - 12 - 21),
                date!(2026 - 12 - 22),
                date!(2026 - 12 - 23)
            ]
        );
        assert_eq!(cal.day_off(date!(2026 - 12 - 28)), Some("stängt".into()));
        assert_eq!(
            cal.day_off(date!(2026 - 06 - 19)),
            Some("Midsommarafton".into())
        );
        assert!(cal.is_workday(date!(2026 - 11 - 23)));
    }

    #[test]
    fn iso_weeks_across_year_ends() {
        assert_eq!(iso_week(date!(2026 - 11 - 23)), (2026, 48));
        assert_eq!(iso_week(date!(2026 - 11 - 20)), (2026, 47));
        // 1 Jan 2027 is a Friday: still week 53 of 2026.
        assert_eq!(iso_week(date!(2027 - 01 - 01)), (2026, 53));
        assert_eq!(iso_week(date!(2027 - 01 - 04)), (2027, 1));
        // 29 Dec 2025 (a Monday) is week 1 of 2026.
        assert_eq!(iso_week(date!(2025 - 12 - 29)), (2026, 1));
        assert_eq!(week_monday(2026, 1), Some(date!(2025 - 12 - 29)));
        assert_eq!(week_monday(2026, 53), Some(date!(2026 - 12 - 28)));
        assert_eq!(week_monday(2025, 53), None, "2025 has 52 weeks");
    }

    #[test]
    fn every_holiday_of_2026_with_its_name() {
        let got: Vec<(Date, String)> = swedish_holidays(2026)
            .into_iter()
            .map(|h| (h.date, h.name))
            .collect();
        let expected = [
            (date!(2026 - 01 - 01), "Nyårsdagen"),
            (date!(2026 - 01 - 06), "Trettondedag jul"),
            (date!(2026 - 04 - 03), "Långfredagen"),
            (date!(2026 - 04 - 05), "Påskdagen"),
            (date!(2026 - 04 - 06), "Annandag påsk"),
            (date!(2026 - 05 - 01), "Första maj"),
            (date!(2026 - 05 - 14), "Kristi himmelsfärdsdag"),
            (date!(2026 - 05 - 24), "Pingstdagen"),
            (date!(2026 - 06 - 06), "Sveriges nationaldag"),
            (date!(2026 - 06 - 19), "Midsommarafton"),
            (date!(2026 - 06 - 20), "Midsommardagen"),
            (date!(2026 - 10 - 31), "Alla helgons dag"),
            (date!(2026 - 12 - 24), "Julafton"),
            (date!(2026 - 12 - 25), "Juldagen"),
            (date!(2026 - 12 - 26), "Annandag jul"),
            (date!(2026 - 12 - 31), "Nyårsafton"),
        ];
        let expected: Vec<(Date, String)> =
            expected.iter().map(|(d, n)| (*d, n.to_string())).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn the_reason_a_day_is_off_is_the_one_people_read() {
        let cal = WorkCalendar::new([date!(2026 - 05 - 15), date!(2026 - 06 - 06)]);
        assert_eq!(cal.day_off(date!(2026 - 05 - 16)), Some("helg".into()));
        assert_eq!(
            cal.day_off(date!(2026 - 06 - 06)),
            Some("helg".into()),
            "a Saturday first of all"
        );
        assert_eq!(
            cal.day_off(date!(2026 - 05 - 14)),
            Some("Kristi himmelsfärdsdag".into())
        );
        assert_eq!(cal.day_off(date!(2026 - 05 - 15)), Some("stängt".into()));
        assert_eq!(cal.day_off(date!(2026 - 05 - 18)), None);
        assert_eq!(
            cal.workdays(span(date!(2026 - 05 - 16), date!(2026 - 05 - 17))),
            vec![],
            "a weekend"
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;
        use time::Duration;

        /// Easter by Gauss's method, an independent way to the same date.
        fn gauss_easter(y: i32) -> Date {
            let (a, b, c) = (y % 19, y % 4, y % 7);
            let k = y / 100;
            let p = (13 + 8 * k) / 25;
            let q = k / 4;
            let m = (15 - p + k - q) % 30;
            let n = (4 + k - q) % 7;
            let d = (19 * a + m) % 30;
            let e = (2 * b + 4 * c + 6 * d + n) % 7;
            let (month, day) = if d == 29 && e == 6 {
                (Month::April, 19)
            } else if d == 28 && e == 6 && (11 * m + 11) % 30 < 19 {
                (Month::April, 18)
            } else if 22 + d + e > 31 {
                (Month::April, d + e - 9)
            } else {
                (Month::March, 22 + d + e)
            };
            Date::from_calendar_date(y, month, day as u8).unwrap()
        }

        fn any_date() -> impl Strategy<Value = Date> {
            (0i64..365 * 120).prop_map(|n| date!(1990 - 01 - 01) + Duration::days(n))
        }

        proptest! {
            /// Easter is the Sunday Gauss's method gives, 22 March – 25 April.
            #[test]
            fn easter_agrees_with_gauss(y in 1583i32..=4099) {
                let e = easter_sunday(y).unwrap();
                prop_assert_eq!(e, gauss_easter(y));
                prop_assert_eq!(e.weekday(), Weekday::Sunday);
                prop_assert!(e >= date!(2000 - 03 - 22).replace_year(y).unwrap());
                prop_assert!(e <= date!(2000 - 04 - 25).replace_year(y).unwrap());
            }

            /// A year has its sixteen days off, sorted, each in the year and
            /// on the weekday the law ties it to.
            #[test]
            fn holidays_fall_on_their_weekdays(y in 1900i32..=2200) {
                let hs = swedish_holidays(y);
                prop_assert_eq!(hs.len(), 16);
                prop_assert!(hs.windows(2).all(|w| w[0] <= w[1]));
                let on = |name: &str| hs.iter().find(|h| h.name == name).map(|h| h.date).unwrap();
                for (name, wd) in [
                    ("Långfredagen", Weekday::Friday),
                    ("Påskdagen", Weekday::Sunday),
                    ("Annandag påsk", Weekday::Monday),
                    ("Kristi himmelsfärdsdag", Weekday::Thursday),
                    ("Pingstdagen", Weekday::Sunday),
                    ("Midsommarafton", Weekday::Friday),
                    ("Midsommardagen", Weekday::Saturday),
                    ("Alla helgons dag", Weekday::Saturday),
                ] {
                    prop_assert_eq!(on(name).weekday(), wd, "{}", name);
                }
                let midsommar = on("Midsommardagen");
                prop_assert!(midsommar.month() == Month::June && (20..=26).contains(&midsommar.day()));
                let helgon = on("Alla helgons dag");
                prop_assert!(
                    (helgon.month() == Month::October && helgon.day() == 31)
                        || (helgon.month() == Month::November && helgon.day() <= 6)
                );
                prop_assert!(hs.iter().all(|h| h.date.year() == y));
            }

            /// Weekends, holidays and closed days are never workdays; every
            /// other day is.
            #[test]
            fn a_workday_is_a_weekday_neither_holiday_nor_closed(
                d in any_date(),
                closed in proptest::collection::vec(any_date(), 0..3),
                close_it in any::<bool>(),
            ) {
                let mut closed = closed;
                if close_it {
                    closed.push(d);
                }
                let cal = WorkCalendar::new(closed.clone());
                let weekend = matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday);
                let holiday = swedish_holidays(d.year()).iter().any(|h| h.date == d);
                prop_assert_eq!(
                    cal.is_workday(d),
                    !weekend && !holiday && !closed.contains(&d)
                );
                prop_assert_eq!(cal.day_off(d).is_none(), cal.is_workday(d));
            }

            /// The workdays of a period are those of its two halves, in order.
            #[test]
            fn workdays_of_a_period_are_those_of_its_halves(
                from in any_date(),
                len in 0i64..60,
                cut in 0i64..60,
            ) {
                let cal = WorkCalendar::default();
                let to = from + Duration::days(len);
                let mid = from + Duration::days(cut.min(len));
                let all = cal.workdays(span(from, to));
                let mut halves = cal.workdays(span(from, mid));
                if mid < to {
                    halves.extend(cal.workdays(span(mid + Duration::days(1), to)));
                }
                prop_assert_eq!(&all, &halves);
                prop_assert!(all.windows(2).all(|w| w[0] < w[1]));
                prop_assert!(all.iter().all(|d| *d >= from && *d <= to && cal.is_workday(*d)));
                prop_assert!(all.len() as i64 <= len + 1);
            }

            /// A date's ISO week starts on a Monday at most six days before
            /// it, and that Monday has the same week.
            #[test]
            fn iso_weeks_round_trip_through_their_monday(d in any_date()) {
                let (y, w) = iso_week(d);
                prop_assert!((1..=53).contains(&w));
                let monday = week_monday(y, w).unwrap();
                prop_assert_eq!(monday.weekday(), Weekday::Monday);
                prop_assert!(monday <= d && (d - monday).whole_days() < 7);
                prop_assert_eq!(iso_week(monday), (y, w));
            }
        }
    }
}
