//! Which years and days the closed days may be kept for.

use time::{Date, Month};

use crate::kernel::{CoreError, CoreResult};
use crate::workdays::model::YEARS;

pub fn check_year(year: i32) -> CoreResult<()> {
    if YEARS.contains(&year) {
        Ok(())
    } else {
        Err(CoreError::invalid(
            "year",
            format!("must be between {} and {}", YEARS.start(), YEARS.end()),
        ))
    }
}

pub fn year_bounds(year: i32) -> CoreResult<(Date, Date)> {
    let first = Date::from_calendar_date(year, Month::January, 1)
        .map_err(|_| CoreError::invalid("year", "is not a year"))?;
    let last = Date::from_calendar_date(year, Month::December, 31)
        .map_err(|_| CoreError::invalid("year", "is not a year"))?;
    Ok((first, last))
}
