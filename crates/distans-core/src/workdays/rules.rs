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

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn closed_days_are_kept_for_2000_to_2100() {
        assert!(check_year(2000).is_ok() && check_year(2100).is_ok());
        for y in [1999, 2101, -5] {
            let e = check_year(y).unwrap_err();
            assert_eq!(e.field(), Some("year"));
            assert!(e.to_string().contains("between 2000 and 2100"), "{e}");
        }
    }

    #[test]
    fn a_year_runs_from_new_years_day_to_new_years_eve() {
        assert_eq!(
            year_bounds(2028),
            Ok((date!(2028 - 01 - 01), date!(2028 - 12 - 31)))
        );
        assert_eq!(year_bounds(1_000_000).unwrap_err().field(), Some("year"));
    }
}
