//! Time comes from a clock that tests can set, so that anything time-driven
//! (sessions, reminders, expiries) can be tested without sleeping.

use std::sync::{Arc, Mutex};
use time::OffsetDateTime;

pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> OffsetDateTime;
}

/// Wall-clock time in UTC, in whole seconds: a value read back equals the
/// value written on both engines, and SQLite's RFC 3339 text sorts in time
/// order (a fraction of a second would break that).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        whole_seconds(OffsetDateTime::now_utc())
    }
}

/// A clock that stays where tests put it.
#[derive(Debug, Clone)]
pub struct FixedClock(Arc<Mutex<OffsetDateTime>>);

impl FixedClock {
    pub fn new(at: OffsetDateTime) -> Self {
        FixedClock(Arc::new(Mutex::new(whole_seconds(at))))
    }
    pub fn set(&self, at: OffsetDateTime) {
        if let Ok(mut g) = self.0.lock() {
            *g = whole_seconds(at);
        }
    }
    pub fn advance(&self, by: time::Duration) {
        if let Ok(mut g) = self.0.lock() {
            *g += by;
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        match self.0.lock() {
            Ok(g) => *g,
            Err(p) => *p.into_inner(),
        }
    }
}

pub fn whole_seconds(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t)
}
