//! Who works where: a state per person and workday, and the rules and
//! exceptions it follows from. Nothing is stored per person and day.

use crate::kernel::ids::PersonId;
use crate::kernel::SiteId;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::kernel::dates::Weekday;

/// Where a person works on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DayState {
    Workplace,
    Remote,
    /// Another place of work: another site, a visit.
    Other,
    /// Leave, sick: no reason is kept here.
    Absent,
}

/// Why a day has its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Absence,
    Occasional,
    Rotation,
    Agreement,
    Default,
}

/// Half of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    Am,
    Pm,
}

/// One person's day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanDay {
    pub date: Date,
    pub state: DayState,
    pub source: Source,
    /// For a half day: the half that `state` applies to; the other half is
    /// what the day would otherwise have been (`rest`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<Part>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rest: Option<DayState>,
}

impl PlanDay {
    /// Is the person at the workplace for at least half of the day?
    pub fn on_site(&self) -> bool {
        self.state == DayState::Workplace
            || (self.part.is_some() && self.rest == Some(DayState::Workplace))
    }
}

/// An occasional day the person (or their manager) set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Occasional {
    pub state: DayState,
    pub part: Option<Part>,
}

/// The span of an active agreement and its fixed remote weekdays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementSpan {
    pub start: Date,
    pub last: Option<Date>,
    pub weekdays: Vec<Weekday>,
    /// Remote days a week the agreement allows (fixed or not).
    pub days_per_week: i64,
}

/// The people sitting at one site or every site, for a period: how many sit
/// where (site `None`: nowhere), and the rules of those who have any
/// exception, agreement or rotation in the period (the rest are at the
/// workplace every workday).
#[derive(Debug, Clone, Default)]
pub struct SitePeople {
    pub counts: Vec<(Option<SiteId>, i64)>,
    pub people: Vec<(PersonId, Option<SiteId>, PersonRules)>,
}

/// One person's rules and exceptions for a period.
#[derive(Debug, Clone, Default)]
pub struct PersonRules {
    /// Absences as (first, last) days, both included.
    pub absences: Vec<(Date, Date)>,
    pub occasional: BTreeMap<Date, Occasional>,
    /// A published rotation plan's days.
    pub rotation: BTreeMap<Date, DayState>,
    pub agreements: Vec<AgreementSpan>,
}

/// The longest period one plan request covers.
pub const MAX_PLAN_DAYS: i64 = 93;

/// A person's day, as `GET /api/v1/plan` returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonDay {
    pub person: PersonId,
    #[serde(flatten)]
    pub day: PlanDay,
}
