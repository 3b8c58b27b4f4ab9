//! The terms of a regular arrangement — how many days a week, which
//! weekdays, where, from when and until when — shared by the request that
//! asks for them and the agreement that grants them. Built only through
//! [`Terms::new`], so a stored or sent arrangement always holds together:
//! no more fixed weekdays than days, no end before the start, an address
//! whenever the place is not the home.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::kernel::dates::{Weekday, Weekdays};
use crate::kernel::error::CoreError;

/// Where the remote work is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Place {
    Home,
    Other,
}

/// Remote days a week under a regular arrangement: 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct RemoteDays(u8);

impl RemoteDays {
    /// The most remote days a week there can be.
    pub const MAX: u8 = 5;
    /// One day a week, the least there can be.
    pub const ONE: RemoteDays = RemoteDays(1);

    /// A number of days a week, refused outside 1–5.
    pub fn new(days: i64) -> Result<RemoteDays, String> {
        match u8::try_from(days) {
            Ok(d) if (1..=Self::MAX).contains(&d) => Ok(RemoteDays(d)),
            _ => Err("must be between 1 and 5".into()),
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for RemoteDays {
    type Error = String;
    fn try_from(d: u8) -> Result<RemoteDays, String> {
        RemoteDays::new(i64::from(d))
    }
}

impl From<RemoteDays> for u8 {
    fn from(d: RemoteDays) -> u8 {
        d.0
    }
}

impl fmt::Display for RemoteDays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The longest address of another place, in characters.
pub const MAX_ADDRESS_CHARS: usize = 300;

/// What a regular arrangement is: the part a request and its agreement
/// share. Written out flat (`days_per_week`, `weekdays`, …); read back only
/// through [`Terms::new`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Terms {
    days_per_week: RemoteDays,
    /// Fixed remote weekdays (may be fewer than `days_per_week`: the rest float).
    weekdays: Weekdays,
    place: Place,
    place_address: Option<String>,
    start: Date,
    end: Option<Date>,
}

impl Terms {
    /// Checks the parts together, naming the field that does not fit: more
    /// fixed weekdays than days (`weekdays`), an end before the start
    /// (`end`), another place without an address or with a very long one
    /// (`place_address`). The address is trimmed; blank is none.
    pub fn new(
        days_per_week: RemoteDays,
        weekdays: Weekdays,
        (start, end): (Date, Option<Date>),
        place: Place,
        place_address: Option<String>,
    ) -> Result<Terms, CoreError> {
        if weekdays.len() > usize::from(days_per_week.get()) {
            return Err(CoreError::invalid(
                "weekdays",
                format!(
                    "{} weekdays but {days_per_week} days a week",
                    weekdays.len()
                ),
            ));
        }
        if end.is_some_and(|e| e < start) {
            return Err(CoreError::invalid("end", "must not be before start"));
        }
        let place_address = place_address
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        if place == Place::Other && place_address.is_none() {
            return Err(CoreError::invalid(
                "place_address",
                "give the address of the other place",
            ));
        }
        if place_address
            .as_ref()
            .is_some_and(|a| a.chars().count() > MAX_ADDRESS_CHARS)
        {
            return Err(CoreError::invalid(
                "place_address",
                format!("must be at most {MAX_ADDRESS_CHARS} characters"),
            ));
        }
        Ok(Terms {
            days_per_week,
            weekdays,
            place,
            place_address,
            start,
            end,
        })
    }

    /// At home, the days floating, from `start` until further notice: terms
    /// that always hold together.
    pub fn home(days_per_week: RemoteDays, start: Date) -> Terms {
        Terms {
            days_per_week,
            weekdays: Weekdays::default(),
            place: Place::Home,
            place_address: None,
            start,
            end: None,
        }
    }

    pub fn days_per_week(&self) -> u8 {
        self.days_per_week.get()
    }
    pub fn remote_days(&self) -> RemoteDays {
        self.days_per_week
    }
    pub fn weekdays(&self) -> &Weekdays {
        &self.weekdays
    }
    pub fn place(&self) -> Place {
        self.place
    }
    pub fn place_address(&self) -> Option<&str> {
        self.place_address.as_deref()
    }
    pub fn start(&self) -> Date {
        self.start
    }
    pub fn end(&self) -> Option<Date> {
        self.end
    }
    /// From when and until when (none: until further notice).
    pub fn period(&self) -> (Date, Option<Date>) {
        (self.start, self.end)
    }

    /// The same terms from another first day: an agreement renewed or
    /// moved keeps the rest; refused as [`Terms::new`] refuses.
    pub fn from_day(&self, start: Date, end: Option<Date>) -> Result<Terms, CoreError> {
        Terms::new(
            self.days_per_week,
            self.weekdays.clone(),
            (start, end),
            self.place,
            self.place_address.clone(),
        )
    }

    /// Whether `w` is one of the fixed remote weekdays.
    pub fn is_fixed(&self, w: Weekday) -> bool {
        self.weekdays.contains(&w)
    }

    /// The weekdays in the agreement's own words (Swedish, as the agreement
    /// text is written): the fixed days and how many float.
    pub fn weekdays_text(&self) -> String {
        let fixed: Vec<&str> = self.weekdays.iter().map(|w| w.swedish()).collect();
        let floating = usize::from(self.days_per_week()).saturating_sub(fixed.len());
        match (fixed.is_empty(), floating) {
            (true, _) => "dagarna bestäms vecka för vecka i samråd med chefen".into(),
            (false, 0) => fixed.join(", "),
            (false, n) => format!(
                "{} samt {n} {} som bestäms i samråd med chefen",
                fixed.join(", "),
                if n == 1 { "dag" } else { "dagar" }
            ),
        }
    }

    /// The place in the agreement's own words.
    pub fn place_text(&self) -> String {
        match (self.place, &self.place_address) {
            (Place::Home, _) => "i medarbetarens bostad".into(),
            (Place::Other, Some(a)) => format!("på {a}"),
            (Place::Other, None) => "på en annan överenskommen plats".into(),
        }
    }
}

/// Terms for tests, bent to hold together: the days clamped to 1–5, the
/// fixed weekdays cut to fit them, an end before the start dropped, an
/// address made up for another place.
#[cfg(test)]
impl Terms {
    pub(crate) fn loose(
        days: u8,
        weekdays: &[Weekday],
        (start, end): (Date, Option<Date>),
        place: Place,
        address: Option<&str>,
    ) -> Terms {
        let days = days.clamp(1, RemoteDays::MAX);
        let fixed = &weekdays[..weekdays.len().min(usize::from(days))];
        let address = match (place, address.map(str::trim)) {
            (Place::Other, None | Some("")) => Some("Annan plats 1"),
            (_, a) => a,
        };
        Terms::new(
            RemoteDays(days),
            Weekdays::new(fixed.iter().copied()).unwrap(),
            (start, end.filter(|e| *e >= start)),
            place,
            address.map(str::to_string),
        )
        .unwrap()
    }

    /// The same terms with other days a week (bent as [`Terms::loose`]).
    pub(crate) fn with_days(&self, days: u8) -> Terms {
        Terms::loose(
            days,
            &self.weekdays,
            self.period(),
            self.place,
            self.place_address(),
        )
    }

    /// The same terms from another first day (bent as [`Terms::loose`]).
    pub(crate) fn with_start(&self, start: Date) -> Terms {
        Terms::loose(
            self.days_per_week(),
            &self.weekdays,
            (start, self.end),
            self.place,
            self.place_address(),
        )
    }

    /// The same terms to another last day (bent as [`Terms::loose`]).
    pub(crate) fn with_end(&self, end: Option<Date>) -> Terms {
        Terms::loose(
            self.days_per_week(),
            &self.weekdays,
            (self.start, end),
            self.place,
            self.place_address(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn days(n: i64) -> RemoteDays {
        RemoteDays::new(n).unwrap()
    }

    fn wd(names: &[&str]) -> Weekdays {
        Weekdays::parse("weekdays", names).unwrap()
    }

    fn field(r: Result<Terms, CoreError>) -> Option<String> {
        r.err().and_then(|e| e.field().map(str::to_string))
    }

    const START: Date = date!(2026 - 01 - 05);

    #[test]
    fn remote_days_are_one_to_five() {
        for n in [-1, 0, 6, 256, i64::MAX] {
            assert!(RemoteDays::new(n).is_err(), "{n}");
        }
        for n in 1..=5 {
            assert_eq!(i64::from(days(n).get()), n);
        }
        assert!(serde_json::from_str::<RemoteDays>("6").is_err());
        assert_eq!(serde_json::to_string(&days(3)).unwrap(), "3");
    }

    #[test]
    fn weekdays_are_unique_and_in_week_order() {
        assert_eq!(
            wd(&["fre", "mon"]).as_slice(),
            &[Weekday::Mon, Weekday::Fri]
        );
        let e = Weekdays::parse("weekdays", &["mon", "måndag"]).unwrap_err();
        assert_eq!(e.field(), Some("weekdays[1]"));
        let e = Weekdays::parse("weekdays", &["mon", "sat"]).unwrap_err();
        assert_eq!(e.field(), Some("weekdays[1]"));
        assert!(serde_json::from_str::<Weekdays>(r#"["mon","mon"]"#).is_err());
        assert_eq!(
            serde_json::to_string(&wd(&["wed", "tue"])).unwrap(),
            r#"["tue","wed"]"#
        );
    }

    #[test]
    fn terms_hold_together() {
        let ok = Terms::new(days(2), wd(&["mon"]), (START, None), Place::Home, None).unwrap();
        assert_eq!(ok.days_per_week(), 2);
        let more = Terms::new(
            days(1),
            wd(&["mon", "tue"]),
            (START, None),
            Place::Home,
            None,
        );
        assert_eq!(field(more), Some("weekdays".into()));
        let back = Terms::new(
            days(1),
            wd(&[]),
            (START, Some(date!(2026 - 01 - 04))),
            Place::Home,
            None,
        );
        assert_eq!(field(back), Some("end".into()));
        let nowhere = Terms::new(
            days(1),
            wd(&[]),
            (START, None),
            Place::Other,
            Some("  ".into()),
        );
        assert_eq!(field(nowhere), Some("place_address".into()));
        let long = Terms::new(
            days(1),
            wd(&[]),
            (START, None),
            Place::Other,
            Some("x".repeat(301)),
        );
        assert_eq!(field(long), Some("place_address".into()));
        let there = Terms::new(
            days(1),
            wd(&[]),
            (START, None),
            Place::Other,
            Some(" Storgatan 1 ".into()),
        )
        .unwrap();
        assert_eq!(there.place_address(), Some("Storgatan 1"));
    }

    #[test]
    fn terms_are_written_flat() {
        let t = Terms::new(days(2), wd(&["tue"]), (START, None), Place::Home, None).unwrap();
        let v = serde_json::to_value(&t).unwrap();
        assert_eq!(v["days_per_week"], 2);
        assert_eq!(v["weekdays"], serde_json::json!(["tue"]));
        assert_eq!(v["place_address"], serde_json::Value::Null);
    }

    #[test]
    fn the_agreement_words() {
        let t = Terms::new(days(3), wd(&["mon"]), (START, None), Place::Home, None).unwrap();
        assert_eq!(
            t.weekdays_text(),
            "måndag samt 2 dagar som bestäms i samråd med chefen"
        );
        assert_eq!(t.place_text(), "i medarbetarens bostad");
        let f = Terms::new(days(2), wd(&[]), (START, None), Place::Home, None).unwrap();
        assert_eq!(
            f.weekdays_text(),
            "dagarna bestäms vecka för vecka i samråd med chefen"
        );
    }
}
