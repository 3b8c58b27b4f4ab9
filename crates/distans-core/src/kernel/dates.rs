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
