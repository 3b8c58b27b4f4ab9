//! Deviations (avvikelser) and their trails.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{PersonRef, UnitRef};

wire_enum! {
    /// What kind of deviation.
    #[serde(rename_all = "snake_case")]
    pub enum DeviationKind = distans_core::deviations::DeviationKind {
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
}

wire_enum! {
    /// Where a deviation is: `reported` → `acknowledged` → `closed`.
    #[serde(rename_all = "snake_case")]
    pub enum DeviationState = distans_core::deviations::DeviationState {
        Reported,
        Acknowledged,
        Closed,
    }
}

/// One step of a deviation's trail.
#[derive(Debug, Clone, Serialize, ToSchema)]
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
wire_struct!(distans_core::deviations::DeviationEvent => DeviationEvent { at, actor, kind, text });

/// A deviation (avvikelse).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Deviation {
    pub id: Uuid,
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
}
wire_struct!(distans_core::deviations::Deviation => Deviation {
    id, kind, description, date, serious, anonymous, person, unit, reporter, responsible, state,
    action, policy_version, created_at, version, events,
});

/// A deviation as reported (`POST /api/v1/deviations`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct DeviationInput {
    /// `work_environment`, `information_security`, `presence`, `equipment` or `other`.
    pub kind: String,
    pub description: String,
    /// The day it happened, YYYY-MM-DD; not in the future.
    #[schema(format = Date)]
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
wire_struct!(DeviationInput => distans_core::deviations::DeviationInput {
    kind, description, date, serious, anonymous, person,
});
