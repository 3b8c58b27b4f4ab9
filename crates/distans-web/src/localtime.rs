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
