//! On-site coverage: each unit's rules of how many people, and which, must
//! be on site, and the site's desk maximum; per day, what the plan gives.

use crate::kernel::ids::{PersonId, UnitId};
use crate::kernel::{CoverageRuleId, SiteId};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::kernel::dates::Weekday;
use crate::kernel::gap::RuleKind;
use crate::kernel::PersonRef;
use crate::org::model::Site;
use crate::org::model::UnitDetail;
use crate::plan::model::PlanDay;
use std::collections::HashMap;

/// A stored coverage rule of a unit. It counts the people whose home unit
/// is the rule's unit or below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageRule {
    pub id: CoverageRuleId,
    pub unit_id: UnitId,
    pub kind: RuleKind,
    /// Only people with this skill count (`min_onsite`).
    pub skill: Option<String>,
    /// For `min_onsite`: how many must be on site. Unused for `max_desks`.
    pub min_onsite: i64,
    /// The weekdays the rule applies on; `None` = every workday.
    pub weekdays: Option<Vec<Weekday>>,
    pub version: i64,
}

/// A rule as HR or a manager writes it, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCoverageRule {
    pub kind: RuleKind,
    pub skill: Option<String>,
    pub min_onsite: i64,
    pub weekdays: Option<Vec<Weekday>>,
}

/// The largest `min_onsite` accepted.
pub const MAX_MIN_ONSITE: i64 = 10_000;

/// A person a rule may count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: PersonId,
    pub name: String,
    pub skills: Vec<String>,
    pub site_id: Option<SiteId>,
    pub unit_id: UnitId,
    pub unit_path: String,
}

/// One rule on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleDay {
    /// The rule's id.
    pub rule: CoverageRuleId,
    pub kind: RuleKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skill: Option<String>,
    /// At least this many on site (`min_onsite`), or at most (`max_desks`).
    pub required: i64,
    /// On site according to the plan.
    pub planned: i64,
    /// How many are missing (`min_onsite`) or too many (`max_desks`); 0 when covered.
    pub gap: i64,
}

/// One day of a unit's coverage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageDay {
    pub date: Date,
    pub rules: Vec<RuleDay>,
    /// The unit's people on site (at least half the day).
    pub on_site: Vec<PersonRef>,
}

/// The most people a unit's plan or coverage covers at once.
pub const MAX_UNIT_MEMBERS: i64 = 3000;

/// A unit's plan and coverage for a period: what the grid shows.
#[derive(Debug, Clone)]
pub struct UnitPlan {
    pub unit: UnitDetail,
    pub rules: Vec<CoverageRule>,
    pub members: Vec<Member>,
    pub workdays: Vec<Date>,
    /// Each member's workdays, in order.
    pub plans: HashMap<PersonId, Vec<PlanDay>>,
    pub coverage: Vec<CoverageDay>,
}

/// One site on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteDay {
    pub date: Date,
    /// On site at least half the day.
    pub on_site: i64,
    pub remote: i64,
    pub other: i64,
    pub absent: i64,
}

/// A site's occupancy over a period, against its desks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteOccupancy {
    pub site: Site,
    /// People who sit at the site.
    pub people: i64,
    pub days: Vec<SiteDay>,
}
