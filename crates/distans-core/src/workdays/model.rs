//! The organisation's own closed days ("klämdagar" and the like) on top of
//! Sweden's public holidays, which are computed (`kernel::calendar`).

use serde::{Deserialize, Serialize};
use time::Date;

use crate::kernel::calendar::Holiday;

/// The years the calendar covers.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// A day the organisation is closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedDay {
    pub date: Date,
    pub name: String,
}

/// A year's days off: the public holidays (computed) and the closed days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearDaysOff {
    pub year: i32,
    pub holidays: Vec<Holiday>,
    pub closed: Vec<ClosedDay>,
}
