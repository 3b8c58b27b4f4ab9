//! Occasional days ("enstaka distansdagar"): a day a person works remotely,
//! at the workplace or elsewhere instead of what their plan says, within the
//! policy.

use time::Date;

use crate::plan::model::{DayState, Part};

/// A change of one person's day: set to `state` (a half day with `part`),
/// or back to what the plan says with `state = None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayChange {
    pub day: Date,
    pub state: Option<DayState>,
    pub part: Option<Part>,
}

impl DayChange {
    /// How much of a remote day the change adds: 1, ½ or nothing.
    pub fn remote_weight(&self) -> f64 {
        match (self.state, self.part) {
            (Some(DayState::Remote), Some(_)) => 0.5,
            (Some(DayState::Remote), None) => 1.0,
            _ => 0.0,
        }
    }
}
