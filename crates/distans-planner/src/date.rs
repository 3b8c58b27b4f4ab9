//! Minimal proleptic-Gregorian date arithmetic: enough to parse `YYYY-MM-DD`,
//! find the weekday and step by days. Dates are counted as days since
//! 1970-01-01 (a Thursday).

/// Days since 1970-01-01 of a valid civil date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let d = i64::from(d);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    // d is 1..=31 and m is 1..=12 by construction.
    (
        y,
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// The first day accepted and written, 1900-01-01 (days since 1970-01-01).
pub(crate) const FIRST_DAY: i64 = -25_567;
/// The last day accepted and written, 2199-12-31 (days since 1970-01-01).
pub(crate) const LAST_DAY: i64 = 84_005;

/// Whether a day is within the years accepted ([`crate::FIRST_YEAR`]–
/// [`crate::LAST_YEAR`]).
pub(crate) fn in_bounds(z: i64) -> bool {
    (FIRST_DAY..=LAST_DAY).contains(&z)
}

/// Parses a strict `YYYY-MM-DD` date (four-digit years; whether the year
/// is accepted is [`in_bounds`]'s to say).
pub(crate) fn parse_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let mut v: u32 = 0;
        for &c in b.get(r)? {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(c - b'0');
        }
        Some(v)
    };
    let y = digits(0..4)?;
    let m = digits(5..7)?;
    let d = digits(8..10)?;
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(i64::from(y), m) {
        return None;
    }
    Some(days_from_civil(i64::from(y), m, d))
}

/// Formats a day count as `YYYY-MM-DD`.
pub(crate) fn format_date(z: i64) -> String {
    let (y, m, d) = civil_from_days(z);
    format!("{y:04}-{m:02}-{d:02}")
}

/// 0 = Monday … 6 = Sunday.
pub(crate) fn weekday(z: i64) -> u32 {
    // 1970-01-01 was a Thursday (3).
    u32::try_from((z + 3).rem_euclid(7)).unwrap_or(0)
}

pub(crate) const WEEKDAY_KEYS: [&str; 5] = ["mon", "tue", "wed", "thu", "fri"];
pub(crate) const WEEKDAY_NAMES: [&str; 5] =
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];

/// Index 0..5 of a weekday key (`mon`…`fri`).
pub(crate) fn weekday_index(s: &str) -> Option<usize> {
    WEEKDAY_KEYS.iter().position(|k| *k == s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_weekday() {
        for z in -800_000..800_000i64 {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        let mon = parse_date("2026-01-05");
        assert_eq!(mon.map(weekday), Some(0));
        assert_eq!(mon.map(format_date).as_deref(), Some("2026-01-05"));
        assert_eq!(
            parse_date("2024-02-29").map(format_date).as_deref(),
            Some("2024-02-29")
        );
        assert!(parse_date("2025-02-29").is_none());
        assert!(parse_date("2025-2-01").is_none());
        assert!(parse_date("2025-13-01").is_none());
        assert!(parse_date("２０２５-01-01").is_none());
    }

    #[test]
    fn the_years_accepted() {
        assert_eq!(parse_date("1900-01-01"), Some(FIRST_DAY));
        assert_eq!(parse_date("2199-12-31"), Some(LAST_DAY));
        assert_eq!(
            civil_from_days(FIRST_DAY),
            (i64::from(crate::FIRST_YEAR), 1, 1)
        );
        assert_eq!(
            civil_from_days(LAST_DAY),
            (i64::from(crate::LAST_YEAR), 12, 31)
        );
        for s in ["1899-12-31", "2200-01-01", "9999-12-31", "0001-01-01"] {
            assert!(!parse_date(s).is_some_and(in_bounds), "{s}");
        }
        for s in ["10000-01-01", "-2026-01-01", "+2026-01-01"] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }
}
