//! The redeployment view: for a crisis staffing group, people across units
//! by skill, with their availability in a period and their plan, so that
//! someone can be asked to serve elsewhere for a while. HR and directors only.

use crate::kernel::ids::UnitId;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::kernel::dates::DateRange;
use crate::kernel::{PersonRef, UnitRef};
use crate::plan::model::PlanDay;

/// The longest period, in days.
pub const MAX_REDEPLOY_DAYS: i64 = 56;
/// The most people a page holds.
pub const MAX_REDEPLOY_LIMIT: i64 = 200;
/// The most people one page looks at (when a minimum of available days
/// leaves many out).
pub const MAX_SCAN: usize = 2000;
/// The most rows of a CSV export.
pub const MAX_CSV_ROWS: usize = 10_000;

/// What the people are picked by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RedeployFilter {
    pub skill: Option<String>,
    /// The unit's path: people whose home unit is at or below it.
    pub unit_path: Option<String>,
}

/// A person the store found, before their plan is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedeployPerson {
    pub person: PersonRef,
    pub unit: UnitRef,
    pub skills: Vec<String>,
}

/// A request of the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedeployQuery {
    pub period: DateRange,
    pub skill: Option<String>,
    pub unit: Option<UnitId>,
    pub available_days_min: Option<i64>,
    pub limit: i64,
    /// The last person of the page before.
    pub after: Option<Uuid>,
}

/// One person's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedeployRow {
    pub person: PersonRef,
    pub unit: UnitRef,
    pub skills: Vec<String>,
    /// Workdays in the period.
    pub workdays: i64,
    /// Workdays not absent.
    pub available_days: i64,
    pub remote_days: i64,
    pub workplace_days: i64,
    /// At another place of work.
    pub other_days: i64,
    pub absent_days: i64,
    /// The plan, workday by workday.
    pub days: Vec<PlanDay>,
}

/// A page of the view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedeployPage {
    pub items: Vec<RedeployRow>,
    /// Pass as `after` for the next page, when there may be more.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<Uuid>,
}
