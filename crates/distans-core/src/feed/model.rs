//! Each person's secret calendar feed: an unguessable URL that calendar
//! programs (Outlook, Google Calendar) poll without signing in, showing the
//! person's plan.

use crate::kernel::ids::PersonId;
use time::OffsetDateTime;

use crate::org::model::Site;
use crate::plan::model::PlanDay;

/// Days back the feed shows (4 weeks).
pub const FEED_DAYS_BACK: i64 = 28;
/// Days ahead the feed shows (13 weeks).
pub const FEED_DAYS_AHEAD: i64 = 91;

/// What a feed shows: whose plan, where they work, and the days.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarFeed {
    pub person: PersonId,
    pub name: String,
    pub site: Option<Site>,
    pub days: Vec<PlanDay>,
    pub generated: OffsetDateTime,
}
