//! The rotation planner on stored data: what a run is asked, locks, the
//! shortfalls it explains, and runs as stored so that every app server can
//! show, cancel and publish them.

use crate::kernel::ids::{PersonId, UnitId};
use crate::kernel::{PlannerRunId, RotationPlanId};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::org::model::UnitDetail;
use distans_planner as planner;
use std::collections::BTreeMap;

/// The most weeks planned from stored data at once.
pub const MAX_ROTATION_WEEKS: i64 = 8;

/// A cell the manager locked: this person has this state that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lock {
    pub person: PersonId,
    pub date: Date,
    /// `onsite` or `remote`.
    pub remote: bool,
}

/// A day the plan would show otherwise than the proposal once it is
/// published: the person's own occasional day (or half day) comes before a
/// rotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublishDifference {
    pub person: PersonId,
    pub name: String,
    pub date: Date,
    /// What the proposal says.
    pub proposed: crate::plan::model::DayState,
    /// What the plan will show.
    pub shown: crate::plan::model::PlanDay,
}

/// A planning problem built from stored data.
#[derive(Debug, Clone)]
pub struct RotationProblem {
    pub unit: UnitDetail,
    pub start: Date,
    pub weeks: i64,
    pub input: planner::Input,
    /// Employee id (the person's id) → name.
    pub names: BTreeMap<String, String>,
    /// Rules that could not be expressed in the planner's terms.
    pub notes: Vec<String>,
}

/// Someone who gets fewer remote days than their target in a week, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfall {
    pub person: String,
    pub name: String,
    pub week: u8,
    pub target: i64,
    pub remote: i64,
    /// Its share of the cost (10 · deficit²).
    pub cost: i64,
    /// The days they are on site and the rules that needed them there.
    pub reasons: Vec<String>,
}

/// A planner run as stored in the database, so that every app server can
/// show, cancel and publish a run that another server is computing.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannerJobRow {
    pub id: PlannerRunId,
    pub owner: PersonId,
    /// JSON of a [`StoredProblem`].
    pub problem: String,
    pub time_limit: f64,
    pub finished: bool,
    pub cancel_requested: bool,
    pub done: i64,
    pub total: i64,
    pub best_cost: Option<i64>,
    /// JSON of the planner's output, once finished.
    pub result: Option<String>,
    pub elapsed_ms: Option<i64>,
    pub published: Option<RotationPlanId>,
    /// When the server computing it last reported; a run whose server
    /// stopped reporting is shown as lost.
    pub heartbeat_at: OffsetDateTime,
    pub created_at: OffsetDateTime,
}

/// What a stored run keeps of its problem: enough to show the plan and to
/// check it again before publishing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredProblem {
    pub unit: UnitId,
    pub unit_name: String,
    pub start: Date,
    pub weeks: i64,
    pub input: planner::Input,
    pub names: BTreeMap<String, String>,
    pub notes: Vec<String>,
    pub locks: Vec<Lock>,
}

impl StoredProblem {
    pub fn of(p: &RotationProblem, locks: &[Lock]) -> Self {
        StoredProblem {
            unit: p.unit.unit.id,
            unit_name: p.unit.unit.name.clone(),
            start: p.start,
            weeks: p.weeks,
            input: p.input.clone(),
            names: p.names.clone(),
            notes: p.notes.clone(),
            locks: locks.to_vec(),
        }
    }
}
