//! The JSON shapes of `rotation-planning.md`: [`Input`] and [`Output`].
//!
//! These types mirror the file format one to one (weekdays and dates stay
//! strings) so that a file read and written again is unchanged. Use
//! [`crate::parse_input`] to read and validate one; the solver works on a
//! validated internal model built from it.

use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// `null` or a missing field reads as the type's default (empty, 0, false).
fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A planning problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Input {
    #[serde(default, deserialize_with = "null_default")]
    pub horizon: Horizon,
    #[serde(default, deserialize_with = "null_default")]
    pub employees: Vec<Employee>,
    #[serde(default, deserialize_with = "null_default")]
    pub rules: Rules,
}

/// The weeks to plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Horizon {
    /// A Monday, `YYYY-MM-DD`.
    #[serde(default)]
    pub start: Option<String>,
    /// Number of ISO weeks, 1..=[`crate::MAX_WEEKS`].
    #[serde(default, deserialize_with = "null_default")]
    pub weeks: i64,
    /// Dates that are not workdays.
    #[serde(default, deserialize_with = "null_default")]
    pub holidays: Vec<String>,
}

/// One member of staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Employee {
    pub id: String,
    pub unit: String,
    #[serde(default, deserialize_with = "null_default")]
    pub skills: Vec<String>,
    /// `None` or `""`: no cohort.
    #[serde(default)]
    pub cohort: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub remote_target_per_week: i64,
    #[serde(default, deserialize_with = "null_default")]
    pub fixed_remote: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub fixed_onsite: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub absent: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub prefer_remote: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub prefer_onsite: Vec<String>,
    /// An extension of the document: single cells locked by a manager,
    /// date (`YYYY-MM-DD`) → `onsite` or `remote`. A locked workday has that
    /// state unless the employee is absent; dates that are not workdays of
    /// the horizon are ignored. Omitted from the JSON when empty.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub locked: BTreeMap<String, Locked>,
}

/// The state a manager locked a cell to (an extension of the document):
/// only `onsite` or `remote`; absences belong in `absent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Locked {
    Onsite,
    Remote,
}

// By hand, for clear errors: serde_json reports a non-string where a unit
// enum is expected as a syntax error, and "absent" deserves its own word.
impl<'de> Deserialize<'de> for Locked {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Locked, D::Error> {
        use serde::de::Error;
        let s = String::deserialize(d)?;
        match s.as_str() {
            "onsite" => Ok(Locked::Onsite),
            "remote" => Ok(Locked::Remote),
            "absent" => Err(D::Error::custom(
                "a cell cannot be locked absent (expected \"onsite\" or \"remote\"; absences go in `absent`)",
            )),
            other => Err(D::Error::custom(format!(
                "unknown state {other:?} (expected \"onsite\" or \"remote\")"
            ))),
        }
    }
}

impl From<Locked> for State {
    fn from(l: Locked) -> State {
        match l {
            Locked::Onsite => State::Onsite,
            Locked::Remote => State::Remote,
        }
    }
}

/// The hard rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    #[serde(default, deserialize_with = "null_default")]
    pub coverage: Vec<CoverageRule>,
    #[serde(default, deserialize_with = "null_default")]
    pub capacity: Vec<CapacityRule>,
    #[serde(default, deserialize_with = "null_default")]
    pub separate_cohorts: bool,
}

/// At least `min_onsite` onsite employees of `unit` with `skill` on each
/// workday whose weekday is in `weekdays` (`None` = every workday).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CoverageRule {
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub skill: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub min_onsite: i64,
    #[serde(default)]
    pub weekdays: Option<Vec<String>>,
}

/// At most `max_onsite` onsite employees whose unit is in `units`
/// (`None` = every unit) on each workday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CapacityRule {
    #[serde(default)]
    pub units: Option<Vec<String>>,
    #[serde(default, deserialize_with = "null_default")]
    pub max_onsite: i64,
}

/// The state of one employee on one workday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Onsite,
    Remote,
    Absent,
}

/// What the solver could show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The cost is proven minimal.
    Optimal,
    /// A plan that satisfies every hard constraint, not proven minimal.
    Feasible,
    /// No plan satisfies every hard constraint; see `conflicts`.
    Infeasible,
}

/// Employee id → date (`YYYY-MM-DD`) → state.
pub type Plan = BTreeMap<String, BTreeMap<String, State>>;

/// The planner's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Output {
    pub status: Status,
    /// The plan's cost (0 when infeasible).
    pub cost: i64,
    /// A proven lower bound on the optimum, when the solver has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lower_bound: Option<i64>,
    /// Every employee, every workday (empty when infeasible).
    #[serde(default)]
    pub plan: Plan,
    /// When infeasible: the rules, days and people that cannot all hold.
    #[serde(default)]
    pub conflicts: Vec<String>,
}
