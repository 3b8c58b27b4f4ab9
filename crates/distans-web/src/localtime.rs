//! Moments as people read them: in the organisation's local time
//! (Europe/Stockholm, summer time included), never in UTC. The time zone
//! database is built into the binary, so every server shows the same.

use std::sync::OnceLock;

use jiff::tz::TimeZone;
use jiff::Timestamp;
use time::OffsetDateTime;

/// The organisation's time zone.
pub const ZONE: &str = "Europe/Stockholm";

fn zone() -> &'static TimeZone {
    static TZ: OnceLock<TimeZone> = OnceLock::new();
    // The zone is in the built-in database; UTC only if it ever were not.
    TZ.get_or_init(|| TimeZone::get(ZONE).unwrap_or(TimeZone::UTC))
}

fn format(t: &OffsetDateTime, pattern: &str) -> String {
    let nanos = t.unix_timestamp_nanos();
    match Timestamp::from_nanosecond(nanos) {
        Ok(ts) => ts.to_zoned(zone().clone()).strftime(pattern).to_string(),
        Err(_) => String::new(),
    }
}

/// The first moment of a day in the organisation's time zone.
pub fn start_of(d: time::Date) -> OffsetDateTime {
    let civil = jiff::civil::date(d.year() as i16, u8::from(d.month()) as i8, d.day() as i8);
    civil
        .to_zoned(zone().clone())
        .ok()
        .and_then(|z| OffsetDateTime::from_unix_timestamp(z.timestamp().as_second()).ok())
        .unwrap_or_else(|| d.midnight().assume_utc())
}

/// To the minute: `2026-11-23 15:05`.
pub fn minute(t: &OffsetDateTime) -> String {
    format(t, "%Y-%m-%d %H:%M")
}

/// To the second: `2026-11-23 15:05:09`.
pub fn second(t: &OffsetDateTime) -> String {
    format(t, "%Y-%m-%d %H:%M:%S")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_starts_at_local_midnight() {
        use time::macros::{date, datetime};
        assert_eq!(
            start_of(date!(2026 - 01 - 15)),
            datetime!(2026-01-14 23:00 UTC)
        );
        assert_eq!(
            start_of(date!(2026 - 07 - 15)),
            datetime!(2026-07-14 22:00 UTC)
        );
    }
    use time::macros::datetime;

    #[test]
    fn winter_and_summer_time_in_sweden() {
        assert_eq!(minute(&datetime!(2026-01-15 12:00 UTC)), "2026-01-15 13:00");
        assert_eq!(minute(&datetime!(2026-07-15 12:00 UTC)), "2026-07-15 14:00");
        // The night summer time begins: 01:59:59 UTC is 03:59:59 local.
        assert_eq!(
            second(&datetime!(2026-03-29 00:59:59 UTC)),
            "2026-03-29 01:59:59"
        );
        assert_eq!(
            second(&datetime!(2026-03-29 01:00:00 UTC)),
            "2026-03-29 03:00:00"
        );
        // Late in the evening UTC is already the next day here.
        assert_eq!(minute(&datetime!(2026-12-31 23:30 UTC)), "2027-01-01 00:30");
    }
}
