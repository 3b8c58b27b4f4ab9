//! Deviations ("avvikelser"): anyone reports one (work environment,
//! information security, presence not kept, equipment); the responsible
//! manager is told at once and handles it to closure: acknowledged, then
//! closed with the action taken, with a trail.

use crate::kernel::ids::PersonId;
use crate::kernel::DeviationId;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::kernel::{CoreError, CoreResult};
use crate::kernel::{PersonRef, UnitRef};

/// The longest description or action, in characters.
pub const MAX_TEXT: usize = 4000;

/// What kind of deviation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviationKind {
    /// Arbetsmiljö.
    WorkEnvironment,
    /// Informationssäkerhet.
    InformationSecurity,
    /// Närvaro som inte hölls.
    Presence,
    /// Utrustning.
    Equipment,
    Other,
}

impl DeviationKind {
    pub const ALL: [DeviationKind; 5] = [
        DeviationKind::WorkEnvironment,
        DeviationKind::InformationSecurity,
        DeviationKind::Presence,
        DeviationKind::Equipment,
        DeviationKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeviationKind::WorkEnvironment => "work_environment",
            DeviationKind::InformationSecurity => "information_security",
            DeviationKind::Presence => "presence",
            DeviationKind::Equipment => "equipment",
            DeviationKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<DeviationKind> {
        DeviationKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }
}

/// Where a deviation is: `reported` → `acknowledged` → `closed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviationState {
    Reported,
    Acknowledged,
    Closed,
}

impl DeviationState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeviationState::Reported => "reported",
            DeviationState::Acknowledged => "acknowledged",
            DeviationState::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<DeviationState> {
        match s {
            "reported" => Some(DeviationState::Reported),
            "acknowledged" => Some(DeviationState::Acknowledged),
            "closed" => Some(DeviationState::Closed),
            _ => None,
        }
    }
}

/// Which states a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateFilter {
    /// Not yet closed (reported or acknowledged).
    Open,
    Only(DeviationState),
}

impl StateFilter {
    /// `open`, `reported`, `acknowledged` or `closed`.
    pub fn parse(s: &str) -> CoreResult<StateFilter> {
        match s.trim() {
            "open" => Ok(StateFilter::Open),
            other => DeviationState::parse(other)
                .map(StateFilter::Only)
                .ok_or_else(|| {
                    CoreError::invalid(
                        "state",
                        format!(
                            "\"{other}\" is not a state (open, reported, acknowledged, closed)"
                        ),
                    )
                }),
        }
    }
}

/// One step of a deviation's trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviationEvent {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Who; missing for the report of an anonymous reporter, to those who may not see them.
    pub actor: Option<PersonRef>,
    /// `reported`, `acknowledged`, `closed`.
    pub kind: String,
    /// The action taken (closed), or a note (e.g. acknowledged on closing).
    pub text: Option<String>,
}

/// A deviation (avvikelse).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deviation {
    pub id: DeviationId,
    pub kind: DeviationKind,
    pub description: String,
    /// The day it happened.
    pub date: Date,
    pub serious: bool,
    /// The reporter asked to be anonymous to the unit.
    pub anonymous: bool,
    /// Who it concerns; missing when that is the anonymous reporter.
    pub person: Option<PersonRef>,
    /// The concerned person's unit when it was reported.
    pub unit: UnitRef,
    /// Who reported it; missing ("anonym rapportör") to those who may not see it.
    pub reporter: Option<PersonRef>,
    /// The manager who handles it; missing when HR does (no manager above).
    pub responsible: Option<PersonRef>,
    pub state: DeviationState,
    /// What was done (when closed).
    pub action: Option<String>,
    pub policy_version: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub version: i64,
    /// The trail, oldest first (empty in lists).
    pub events: Vec<DeviationEvent>,
    #[serde(skip)]
    pub reporter_id: PersonId,
    #[serde(skip)]
    pub person_id: PersonId,
    #[serde(skip)]
    pub unit_path: String,
}

/// A deviation as reported (`POST /api/v1/deviations`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DeviationInput {
    /// `work_environment`, `information_security`, `presence`, `equipment` or `other`.
    pub kind: String,
    pub description: String,
    /// The day it happened, YYYY-MM-DD; not in the future.
    pub date: String,
    #[serde(default)]
    pub serious: bool,
    /// Anonymous to the unit (if the policy allows it).
    #[serde(default)]
    pub anonymous: bool,
    /// The id of the person it concerns (default: you).
    #[serde(default)]
    pub person: Option<String>,
}

/// A report after parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDeviation {
    pub kind: DeviationKind,
    pub description: String,
    pub date: Date,
    pub serious: bool,
    pub anonymous: bool,
    pub person: Option<PersonId>,
}

/// Which deviations a list covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviationScope {
    /// Every deviation (HR).
    All,
    /// Those the person reported, is responsible for, that concern people at
    /// or below these unit paths (except themselves), and — with
    /// `security` — every serious information-security deviation.
    Of {
        person: PersonId,
        under: Vec<String>,
        security: bool,
    },
    /// Only those this person must handle now: responsible for, or of
    /// people at or below these paths (not reported by or about them).
    ToHandle {
        person: PersonId,
        under: Vec<String>,
    },
    /// Only those this person reported.
    ReportedBy(PersonId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviationFilter {
    pub scope: DeviationScope,
    pub state: Option<StateFilter>,
}
