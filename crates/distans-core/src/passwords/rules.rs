//! How long links last, and what a login field names. Pure.

use time::{Duration, OffsetDateTime};

use crate::passwords::model::LinkPurpose;

/// When a link made at `now` stops working.
pub fn expires(purpose: LinkPurpose, now: OffsetDateTime) -> OffsetDateTime {
    now + match purpose {
        LinkPurpose::Reset => Duration::hours(1),
        LinkPurpose::Welcome => Duration::days(7),
    }
}

/// What someone typed to find their account: a username or an e-mail
/// address, compared without case; nothing when it cannot be either.
pub fn login_key(typed: &str) -> Option<String> {
    let t = typed.trim().to_lowercase();
    (!t.is_empty() && t.len() <= 320 && !t.chars().any(char::is_control)).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_reset_lasts_an_hour_and_a_welcome_a_week() {
        let now = datetime!(2026-12-04 10:00 UTC);
        assert_eq!(
            expires(LinkPurpose::Reset, now),
            datetime!(2026-12-04 11:00 UTC)
        );
        assert_eq!(
            expires(LinkPurpose::Welcome, now),
            datetime!(2026-12-11 10:00 UTC)
        );
    }

    #[test]
    fn a_login_is_compared_without_case_or_spaces() {
        assert_eq!(
            login_key("  Anna@Kommun.SE "),
            Some("anna@kommun.se".into())
        );
        assert_eq!(login_key("   "), None);
        assert_eq!(login_key("a\u{0}b"), None);
    }
}
