//! Dates as the product speaks of them: the five weekdays people work,
//! and dates parsed from what people type.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::kernel::error::CoreError;

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

/// Parses `YYYY-MM-DD`, naming `field` when it is not a date.
pub fn parse_date(field: &str, s: &str) -> Result<Date, CoreError> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), &fmt)
        .map_err(|_| CoreError::invalid(field, format!("\"{s}\" is not a date (YYYY-MM-DD)")))
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

    proptest! {
        /// Weekday::of agrees with the calendar, and a week has each workday once.
        #[test]
        fn the_weekday_of_a_date(n in 0i64..100_000) {
            let d = date!(1970 - 01 - 01) + time::Duration::days(n);
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
