//! Dates as the product speaks of them: the five weekdays people work,
//! dates parsed from what people type, the years the product accepts, and
//! periods ([`DateRange`]) whose days can be walked without overflow.
//!
//! Every date that enters the product is between [`FIRST`] and [`LAST`]
//! (years 1900–2199): `parse_date` refuses any other, and a `DateRange` is
//! built only from dates within them. Arithmetic on such a date by a
//! bounded number of days (a few years at most) can therefore never leave
//! the range `time` can hold (years −9999 to 9999); where the number of
//! days is not bounded, [`add_days`] or [`plus_days`] check the result.

use serde::{Deserialize, Serialize};
use time::macros::date;
use time::{Date, Duration};

use crate::kernel::error::{CoreError, CoreResult};

/// The first year the product accepts.
pub const FIRST_YEAR: i32 = 1900;
/// The last year the product accepts.
pub const LAST_YEAR: i32 = 2199;
/// The first date the product accepts.
pub const FIRST: Date = date!(1900 - 01 - 01);
/// The last date the product accepts.
pub const LAST: Date = date!(2199 - 12 - 31);
/// The longest period whose days are walked one by one (about three
/// years): longer than any list, plan or import period the product has, so
/// only a period nobody means is refused by it.
pub const MAX_RANGE_DAYS: i64 = 1100;

/// Monday to Friday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
}

impl Weekday {
    pub const ALL: [Weekday; 5] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];

    pub fn parse(s: &str) -> Result<Weekday, String> {
        match s.trim().to_lowercase().as_str() {
            "mon" | "mån" | "måndag" | "monday" => Ok(Weekday::Mon),
            "tue" | "tis" | "tisdag" | "tuesday" => Ok(Weekday::Tue),
            "wed" | "ons" | "onsdag" | "wednesday" => Ok(Weekday::Wed),
            "thu" | "tor" | "torsdag" | "thursday" => Ok(Weekday::Thu),
            "fri" | "fre" | "fredag" | "friday" => Ok(Weekday::Fri),
            other => Err(format!(
                "\"{other}\" is not a weekday (mon, tue, wed, thu, fri)"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Weekday::Mon => "mon",
            Weekday::Tue => "tue",
            Weekday::Wed => "wed",
            Weekday::Thu => "thu",
            Weekday::Fri => "fri",
        }
    }

    pub fn swedish(self) -> &'static str {
        match self {
            Weekday::Mon => "måndag",
            Weekday::Tue => "tisdag",
            Weekday::Wed => "onsdag",
            Weekday::Thu => "torsdag",
            Weekday::Fri => "fredag",
        }
    }

    pub fn of(d: Date) -> Option<Weekday> {
        match d.weekday() {
            time::Weekday::Monday => Some(Weekday::Mon),
            time::Weekday::Tuesday => Some(Weekday::Tue),
            time::Weekday::Wednesday => Some(Weekday::Wed),
            time::Weekday::Thursday => Some(Weekday::Thu),
            time::Weekday::Friday => Some(Weekday::Fri),
            _ => None,
        }
    }
}

/// The fixed remote weekdays of an arrangement: each of Monday–Friday at
/// most once, kept in week order. Built only by [`Weekdays::parse`] or
/// [`Weekdays::new`], so a list with a day twice cannot exist.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<Weekday>", into = "Vec<Weekday>")]
pub struct Weekdays(Vec<Weekday>);

impl Weekdays {
    /// The days given, in week order; a day given twice is refused.
    pub fn new(days: impl IntoIterator<Item = Weekday>) -> Result<Weekdays, String> {
        let mut seen: Vec<Weekday> = vec![];
        for d in days {
            if seen.contains(&d) {
                return Err(format!("{} appears twice", d.as_str()));
            }
            seen.push(d);
        }
        seen.sort();
        Ok(Weekdays(seen))
    }

    /// Parses the names people and clients give (`mon`, `måndag`, …),
    /// naming `field[i]` for the first that is not a weekday or repeats one.
    pub fn parse<S: AsRef<str>>(field: &str, names: &[S]) -> Result<Weekdays, CoreError> {
        let mut days: Vec<Weekday> = vec![];
        for (i, name) in names.iter().enumerate() {
            let at = || format!("{field}[{i}]");
            let d = Weekday::parse(name.as_ref()).map_err(|m| CoreError::invalid(at(), m))?;
            if days.contains(&d) {
                return Err(CoreError::invalid(
                    at(),
                    format!("{} appears twice", d.as_str()),
                ));
            }
            days.push(d);
        }
        days.sort();
        Ok(Weekdays(days))
    }

    pub fn as_slice(&self) -> &[Weekday] {
        &self.0
    }
}

impl std::ops::Deref for Weekdays {
    type Target = [Weekday];
    fn deref(&self) -> &[Weekday] {
        &self.0
    }
}

impl TryFrom<Vec<Weekday>> for Weekdays {
    type Error = String;
    fn try_from(days: Vec<Weekday>) -> Result<Weekdays, String> {
        Weekdays::new(days)
    }
}

impl From<Weekdays> for Vec<Weekday> {
    fn from(w: Weekdays) -> Vec<Weekday> {
        w.0
    }
}

/// Parses `YYYY-MM-DD`, naming `field` when it is not a date or not one the
/// product accepts (years [`FIRST_YEAR`]–[`LAST_YEAR`]).
pub fn parse_date(field: &str, s: &str) -> Result<Date, CoreError> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let t = s.trim();
    match Date::parse(t, &fmt) {
        Ok(d) => check_date(field, d),
        Err(_) if far_year(t) => Err(out_of_bounds(field, format!("\"{t}\""))),
        Err(_) => Err(CoreError::invalid(
            field,
            format!("\"{s}\" is not a date (YYYY-MM-DD)"),
        )),
    }
}

/// Whether `t` is shaped as a date whose year has a sign or other than four
/// digits (`-2026-01-01`, `10000-01-01`): a date, but not one accepted.
fn far_year(t: &str) -> bool {
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    let signed = body.len() != t.len();
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    let Some((year, rest)) = body.split_once('-') else {
        return false;
    };
    let Some((month, day)) = rest.split_once('-') else {
        return false;
    };
    digits(year)
        && (signed || year.len() != 4)
        && month.len() == 2
        && day.len() == 2
        && digits(month)
        && digits(day)
}

/// Whether the product accepts `d`: years [`FIRST_YEAR`]–[`LAST_YEAR`].
pub fn in_bounds(d: Date) -> bool {
    (FIRST..=LAST).contains(&d)
}

/// `d`, if the product accepts it; else an error naming `field` and the
/// years accepted.
pub fn check_date(field: &str, d: Date) -> CoreResult<Date> {
    if in_bounds(d) {
        Ok(d)
    } else {
        Err(out_of_bounds(field, d))
    }
}

fn out_of_bounds(field: &str, d: impl std::fmt::Display) -> CoreError {
    CoreError::invalid(
        field,
        format!("{d} is outside the years accepted ({FIRST_YEAR}–{LAST_YEAR})"),
    )
}

/// `d` moved by `days` days, if the result is a date the product accepts.
pub fn plus_days(d: Date, days: i64) -> Option<Date> {
    // Beyond the span of the accepted years no date is in bounds; the check
    // also keeps `Duration::days` from overflowing.
    if days.unsigned_abs() > (LAST - FIRST).whole_days().unsigned_abs() {
        return None;
    }
    d.checked_add(Duration::days(days))
        .filter(|x| in_bounds(*x))
}

/// `d` moved by `days` days, naming `field` when the result is not a date
/// the product accepts.
pub fn add_days(field: &str, d: Date, days: i64) -> CoreResult<Date> {
    plus_days(d, days).ok_or_else(|| {
        CoreError::invalid(
            field,
            format!(
                "{days} days from {d} is outside the years accepted ({FIRST_YEAR}–{LAST_YEAR})"
            ),
        )
    })
}

/// `d` moved by `days` days, stopping at [`FIRST`] or [`LAST`]: for
/// defaults such as "four weeks on", which should not fail near the bounds.
pub fn plus_days_clamped(d: Date, days: i64) -> Date {
    match plus_days(d, days) {
        Some(x) => x,
        None if days < 0 => FIRST,
        None => LAST,
    }
}

/// A period of days, first and last included, that the product accepts:
/// both ends within [`FIRST`]..=[`LAST`], the first not after the last, at
/// most [`MAX_RANGE_DAYS`] days. Its days can be walked without overflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateRange {
    from: Date,
    to: Date,
}

impl DateRange {
    /// The period `from`–`to`; an error names `fields.0` (for `from`) or
    /// `fields.1` (for `to`, and for the order or the length).
    pub fn new(fields: (&str, &str), from: Date, to: Date) -> CoreResult<DateRange> {
        let (from_field, to_field) = fields;
        check_date(from_field, from)?;
        check_date(to_field, to)?;
        if to < from {
            return Err(CoreError::invalid(
                to_field,
                format!("must not be before {from_field}"),
            ));
        }
        let range = DateRange { from, to };
        if range.len_days() > MAX_RANGE_DAYS {
            return Err(CoreError::invalid(
                to_field,
                format!("a period is at most {MAX_RANGE_DAYS} days"),
            ));
        }
        Ok(range)
    }

    /// The part of `from`–`to` within the years accepted: for periods
    /// computed around a date the product accepts (its week, its month),
    /// which may reach past [`FIRST`] or [`LAST`].
    pub fn clamped(fields: (&str, &str), from: Date, to: Date) -> CoreResult<DateRange> {
        DateRange::new(fields, from.max(FIRST), to.min(LAST))
    }

    /// The period of the one day `d`.
    pub fn day(field: &str, d: Date) -> CoreResult<DateRange> {
        DateRange::new((field, field), d, d)
    }

    /// The period from `from` that is `days` days long (at least one).
    pub fn starting(fields: (&str, &str), from: Date, days: i64) -> CoreResult<DateRange> {
        let to = add_days(fields.1, from, days.max(1) - 1)?;
        DateRange::new(fields, from, to)
    }

    pub fn from(&self) -> Date {
        self.from
    }

    pub fn to(&self) -> Date {
        self.to
    }

    /// The number of days, both ends included (at least 1).
    pub fn len_days(&self) -> i64 {
        (self.to - self.from).whole_days() + 1
    }

    pub fn contains(&self, d: Date) -> bool {
        self.from <= d && d <= self.to
    }

    /// Whether the two periods share a day.
    pub fn overlaps(&self, other: &DateRange) -> bool {
        self.from <= other.to && other.from <= self.to
    }

    /// Every day, in order.
    pub fn days(&self) -> Days {
        Days {
            next: Some(self.from),
            last: self.to,
        }
    }
}

/// The days of a [`DateRange`], in order.
#[derive(Debug, Clone)]
pub struct Days {
    next: Option<Date>,
    last: Date,
}

impl Iterator for Days {
    type Item = Date;

    fn next(&mut self) -> Option<Date> {
        let d = self.next.filter(|d| *d <= self.last)?;
        self.next = if d < self.last { d.next_day() } else { None };
        Some(d)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self
            .next
            .map(|d| (self.last - d).whole_days() + 1)
            .unwrap_or(0)
            .max(0);
        let n = usize::try_from(n).unwrap_or(0);
        (n, Some(n))
    }
}

impl ExactSizeIterator for Days {}

/// The period `from`–`to`, for tests that know it is one.
#[cfg(test)]
pub(crate) fn span(from: Date, to: Date) -> DateRange {
    DateRange::new(("from", "to"), from, to).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn weekdays_in_english_and_swedish() {
        for w in Weekday::ALL {
            assert_eq!(Weekday::parse(w.as_str()), Ok(w));
            assert_eq!(Weekday::parse(w.swedish()), Ok(w));
            assert_eq!(Weekday::parse(&w.swedish().to_uppercase()), Ok(w));
        }
        assert_eq!(Weekday::parse(" Fre "), Ok(Weekday::Fri));
        let e = Weekday::parse("Lördag").unwrap_err();
        assert!(e.contains("\"lördag\" is not a weekday"), "{e}");
        assert!(Weekday::parse("sun").is_err());
        assert_eq!(
            serde_json::to_string(&Weekday::Wed).unwrap(),
            "\"wed\"",
            "as the API writes it"
        );
    }

    #[test]
    fn dates_are_iso_and_name_their_field() {
        assert_eq!(
            parse_date("from", " 2026-02-28 "),
            Ok(date!(2026 - 02 - 28))
        );
        for bad in [
            "2026-02-29",
            "2026-2-1",
            "28/2 2026",
            "",
            "2026-02-28T10:00",
        ] {
            let e = parse_date("from", bad).unwrap_err();
            assert_eq!(e.field(), Some("from"), "{bad}");
            assert!(e.to_string().contains("YYYY-MM-DD"));
        }
        assert!(parse_date("x", "2028-02-29").is_ok(), "a leap day");
    }

    #[test]
    fn dates_outside_the_years_accepted_are_refused_naming_the_field() {
        for bad in [
            "-2026-01-01",
            "0001-01-01",
            "1899-12-31",
            "2200-01-01",
            "9999-12-31",
            "10000-01-01",
            "-0001-12-31",
        ] {
            let e = parse_date("first_day", bad).unwrap_err();
            assert_eq!(e.field(), Some("first_day"), "{bad}");
            assert!(e.to_string().contains("1900–2199"), "{bad}: {e}");
        }
        assert_eq!(parse_date("d", "1900-01-01"), Ok(FIRST));
        assert_eq!(parse_date("d", "2199-12-31"), Ok(LAST));
        assert_eq!((FIRST.year(), LAST.year()), (FIRST_YEAR, LAST_YEAR));
        assert_eq!(
            (distans_planner::FIRST_YEAR, distans_planner::LAST_YEAR),
            (FIRST_YEAR, LAST_YEAR),
            "the planner accepts the same years"
        );
        assert!(check_date("d", date!(2026 - 05 - 01)).is_ok());
        assert_eq!(
            check_date("due", Date::MAX).unwrap_err().field(),
            Some("due")
        );
    }

    #[test]
    fn adding_days_never_overflows() {
        assert_eq!(plus_days(LAST, 1), None);
        assert_eq!(plus_days(FIRST, -1), None);
        assert_eq!(plus_days(LAST, 0), Some(LAST));
        assert_eq!(plus_days(Date::MAX, 1), None);
        assert_eq!(plus_days(Date::MIN, -1), None);
        for n in [i64::MAX, i64::MIN, i64::MAX / 86_400 + 1] {
            assert_eq!(plus_days(date!(2026 - 01 - 01), n), None, "{n}");
        }
        assert_eq!(
            plus_days(date!(2026 - 12 - 31), 1),
            Some(date!(2027 - 01 - 01))
        );
        let e = add_days("to", LAST, 27).unwrap_err();
        assert_eq!(e.field(), Some("to"));
        assert!(e.to_string().contains("1900–2199"), "{e}");
        assert_eq!(plus_days_clamped(LAST, 27), LAST);
        assert_eq!(plus_days_clamped(FIRST, -31), FIRST);
        assert_eq!(plus_days_clamped(FIRST, i64::MAX), LAST);
        assert_eq!(
            plus_days_clamped(date!(2026 - 01 - 01), 27),
            date!(2026 - 01 - 28)
        );
    }

    #[test]
    fn a_range_is_checked_and_walked() {
        let f = ("from", "to");
        let r = DateRange::new(f, date!(2026 - 02 - 27), date!(2026 - 03 - 02)).unwrap();
        assert_eq!(
            (r.from(), r.to(), r.len_days()),
            (date!(2026 - 02 - 27), date!(2026 - 03 - 02), 4)
        );
        assert_eq!(
            r.days().collect::<Vec<_>>(),
            [
                date!(2026 - 02 - 27),
                date!(2026 - 02 - 28),
                date!(2026 - 03 - 01),
                date!(2026 - 03 - 02)
            ]
        );
        assert_eq!(r.days().len(), 4);
        assert!(r.contains(date!(2026 - 03 - 01)) && !r.contains(date!(2026 - 03 - 03)));
        let e = DateRange::new(f, date!(2026 - 03 - 02), date!(2026 - 03 - 01)).unwrap_err();
        assert_eq!(e.field(), Some("to"));
        assert!(e.to_string().contains("must not be before from"), "{e}");
        let e = DateRange::new(("first_day", "last_day"), Date::MIN, LAST).unwrap_err();
        assert_eq!(e.field(), Some("first_day"));
        let e = DateRange::new(("first_day", "last_day"), LAST, Date::MAX).unwrap_err();
        assert_eq!(e.field(), Some("last_day"));
        assert!(e.to_string().contains("1900–2199"), "{e}");
        let long = DateRange::new(f, FIRST, LAST).unwrap_err();
        assert_eq!(long.field(), Some("to"));
        assert!(long.to_string().contains("at most 1100 days"), "{long}");
        assert!(DateRange::starting(f, FIRST, MAX_RANGE_DAYS).is_ok());
        assert!(DateRange::starting(f, FIRST, MAX_RANGE_DAYS + 1).is_err());
        // The last day accepted is walked without stepping past it.
        let end = DateRange::day("date", LAST).unwrap();
        assert_eq!(end.days().collect::<Vec<_>>(), [LAST]);
        let e = DateRange::starting(f, LAST, 28).unwrap_err();
        assert_eq!(e.field(), Some("to"));
        // The week around the last day accepted, cut at it.
        let week = DateRange::clamped(f, date!(2199 - 12 - 30), date!(2200 - 01 - 03)).unwrap();
        assert_eq!((week.from(), week.to()), (date!(2199 - 12 - 30), LAST));
        assert_eq!(
            DateRange::clamped(f, Date::MAX, Date::MAX)
                .unwrap_err()
                .field(),
            Some("from")
        );
        let a = DateRange::new(f, date!(2026 - 01 - 01), date!(2026 - 01 - 10)).unwrap();
        let b = DateRange::new(f, date!(2026 - 01 - 10), date!(2026 - 01 - 20)).unwrap();
        let c = DateRange::new(f, date!(2026 - 01 - 11), date!(2026 - 01 - 20)).unwrap();
        assert!(a.overlaps(&b) && b.overlaps(&a) && !a.overlaps(&c));
    }

    /// Any day `time` can hold, far outside the years accepted included.
    fn any_date() -> impl Strategy<Value = Date> {
        let (lo, hi) = (Date::MIN.to_julian_day(), Date::MAX.to_julian_day());
        prop_oneof![
            (lo..=hi).prop_map(|j| Date::from_julian_day(j).unwrap()),
            (FIRST.to_julian_day() - 5..=LAST.to_julian_day() + 5)
                .prop_map(|j| Date::from_julian_day(j).unwrap()),
            (0i64..3000).prop_map(|n| date!(2026 - 01 - 01) + time::Duration::days(n - 1500)),
            Just(LAST),
            Just(FIRST),
            Just(Date::MAX),
            Just(Date::MIN),
        ]
    }

    proptest! {
        /// Any pair either builds a range whose days are exactly its
        /// length, one after another, from first to last; or is refused,
        /// naming one of its fields.
        #[test]
        fn any_pair_is_a_range_or_refused_by_name(from in any_date(), to in any_date()) {
            match DateRange::new(("from", "to"), from, to) {
                Ok(r) => {
                    let days: Vec<Date> = r.days().collect();
                    prop_assert_eq!(days.len() as i64, r.len_days());
                    prop_assert!(r.len_days() <= MAX_RANGE_DAYS);
                    prop_assert_eq!(days.first().copied(), Some(from));
                    prop_assert_eq!(days.last().copied(), Some(to));
                    prop_assert!(days.windows(2).all(|w| w[0].next_day() == Some(w[1])));
                    prop_assert!(days.iter().all(|d| r.contains(*d) && in_bounds(*d)));
                }
                Err(e) => {
                    prop_assert!(matches!(e.field(), Some("from") | Some("to")), "{:?}", e);
                    prop_assert!(
                        !in_bounds(from) || !in_bounds(to) || to < from
                            || (to - from).whole_days() + 1 > MAX_RANGE_DAYS,
                        "{} – {} refused: {}", from, to, e
                    );
                }
            }
        }

        /// Moving a date by any number of days never panics, and stays
        /// within the years accepted.
        #[test]
        fn moving_a_date_never_panics(d in any_date(), n in any::<i64>()) {
            if let Some(x) = plus_days(d, n) {
                prop_assert!(in_bounds(x));
            }
            prop_assert!(in_bounds(plus_days_clamped(d, n)));
        }

        /// Weekday::of agrees with the calendar, and a week has each workday once.
        #[test]
        fn the_weekday_of_a_date(n in 0i64..=109_572) {
            let d = FIRST + time::Duration::days(n);
            match Weekday::of(d) {
                Some(w) => prop_assert_eq!(
                    w as u8,
                    d.weekday().number_days_from_monday()
                ),
                None => prop_assert!(d.weekday().number_days_from_monday() >= 5),
            }
            prop_assert_eq!(parse_date("d", &d.to_string()), Ok(d));
        }
    }
}
