//! The policy, requests and decisions, agreements and temporary decisions
//! (notifications are in `crate::notices`).

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{PersonRef, UnitRef, Weekday, Wire};

/// What a new policy version has when HR leaves it out: the domain's default.
fn default_security_deviation_roles() -> Vec<String> {
    distans_core::policy::PolicyRules::default().security_deviation_roles
}

fn yes() -> bool {
    true
}

/// A prerequisite the applicant must confirm (approved wifi, …).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Prerequisite {
    pub key: String,
    pub text: String,
}
wire_struct!(distans_core::policy::Prerequisite => Prerequisite { key, text });
wire_struct!(Prerequisite => distans_core::policy::Prerequisite { key, text });

/// What a unit may set differently from the organisation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UnitOverride {
    pub unit_id: Uuid,
    /// Days a week the unit's manager may approve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager_limit_days: Option<u8>,
    /// The most remote days a week at all in this unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_days_per_week: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presence_requirements: Option<String>,
}
wire_struct!(distans_core::policy::UnitOverride => UnitOverride {
    unit_id, manager_limit_days, max_days_per_week, presence_requirements,
});
wire_struct!(UnitOverride => distans_core::policy::UnitOverride {
    unit_id, manager_limit_days, max_days_per_week, presence_requirements,
});

/// The content of a policy version: what HR writes.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PolicyRules {
    /// Remote days a week a manager may approve; above it HR decides.
    pub manager_limit_days: u8,
    /// The most remote days a week of a regular arrangement.
    pub max_days_per_week: u8,
    /// Whether regular remote work needs a written, signed agreement.
    pub agreement_required: bool,
    pub prerequisites: Vec<Prerequisite>,
    /// Tasks (skills) that may not be done remotely, e.g. secrecy-classified work.
    pub secrecy_tasks: Vec<String>,
    /// Presence requirements written into every agreement.
    pub presence_requirements: String,
    /// Months between follow-ups of an agreement.
    pub follow_up_interval_months: u8,
    /// Days of notice when either party ends an agreement.
    pub notice_period_days: u16,
    /// Extra aids may be borrowed home above this many days a week.
    pub extra_aids_above_days: u8,
    /// Occasional remote days a week without an agreement (None: no limit).
    #[serde(default)]
    pub occasional_days_per_week: Option<u8>,
    #[serde(default)]
    pub unit_overrides: Vec<UnitOverride>,
    /// Roles whose holders are told at once of a serious information-security deviation.
    #[serde(default = "default_security_deviation_roles")]
    pub security_deviation_roles: Vec<String>,
    /// Whether a reporter may ask to be anonymous to the unit (the system
    /// still keeps who reported).
    #[serde(default = "yes")]
    pub deviation_reporter_anonymity: bool,
    /// Whether people who never chose show colleagues of their unit the days
    /// they are on site ("Vem är på plats?"); each person may choose otherwise.
    #[serde(default = "yes")]
    pub share_presence_default: bool,
}
wire_struct!(distans_core::policy::PolicyRules => PolicyRules {
    manager_limit_days, max_days_per_week, agreement_required, prerequisites, secrecy_tasks,
    presence_requirements, follow_up_interval_months, notice_period_days, extra_aids_above_days,
    occasional_days_per_week, unit_overrides, security_deviation_roles,
    deviation_reporter_anonymity, share_presence_default,
});
wire_struct!(PolicyRules => distans_core::policy::PolicyRules {
    manager_limit_days, max_days_per_week, agreement_required, prerequisites, secrecy_tasks,
    presence_requirements, follow_up_interval_months, notice_period_days, extra_aids_above_days,
    occasional_days_per_week, unit_overrides, security_deviation_roles,
    deviation_reporter_anonymity, share_presence_default,
});

/// What may be overridden, resolved for one unit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EffectiveRules {
    pub manager_limit_days: u8,
    pub max_days_per_week: u8,
    pub presence_requirements: String,
}
wire_struct!(distans_core::policy::EffectiveRules => EffectiveRules {
    manager_limit_days, max_days_per_week, presence_requirements,
});

/// A stored policy version.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PolicyVersion {
    pub id: Uuid,
    pub version: i64,
    /// Applies from this date.
    pub valid_from: Date,
    #[serde(flatten)]
    pub rules: PolicyRules,
    pub created_by: String,
}
wire_struct!(distans_core::policy::PolicyVersion => PolicyVersion {
    id, version, valid_from, rules, created_by,
});

/// The policy in force, with what applies in one unit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PolicyView {
    #[serde(flatten)]
    pub policy: PolicyVersion,
    /// The rules as they apply in the caller's (or the asked) unit.
    pub effective: EffectiveRules,
}
wire_struct!(distans_core::policy::PolicyView => PolicyView { policy, effective });

wire_enum! {
    /// Who decides a request.
    #[serde(rename_all = "lowercase")]
    pub enum Decider = distans_core::policy::Decider {
        Manager,
        Hr,
    }
}

wire_enum! {
    /// Where the remote work is done.
    #[serde(rename_all = "lowercase")]
    pub enum Place = distans_core::policy::Place {
        Home,
        Other,
    }
}

/// What a regular arrangement is: the part a request and its agreement share.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Terms {
    /// Remote days a week, 1–5.
    pub days_per_week: u8,
    /// Fixed remote weekdays (may be fewer than `days_per_week`: the rest float).
    pub weekdays: Vec<Weekday>,
    pub start: Date,
    /// The last day; none: until further notice.
    pub end: Option<Date>,
    pub place: Place,
    pub place_address: Option<String>,
}

impl From<distans_core::policy::Terms> for Terms {
    fn from(t: distans_core::policy::Terms) -> Terms {
        Terms {
            days_per_week: t.days_per_week(),
            weekdays: t.weekdays().iter().map(|w| (*w).into()).collect(),
            start: t.start(),
            end: t.end(),
            place: t.place().into(),
            place_address: t.place_address().map(str::to_string),
        }
    }
}

impl Wire<Terms> for distans_core::policy::Terms {
    fn wire(self) -> Terms {
        self.into()
    }
}

/// A regular arrangement as applied for, after parsing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Arrangement {
    #[serde(flatten)]
    pub terms: Terms,
    pub reason: String,
    pub confirmations: Vec<String>,
}
wire_struct!(distans_core::policy::Arrangement => Arrangement {
    terms, reason, confirmations,
});

/// A request as a client sends it, before parsing.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RequestInput {
    pub days_per_week: Option<i64>,
    #[serde(default)]
    pub weekdays: Vec<String>,
    #[schema(format = Date)]
    pub start: Option<String>,
    #[schema(format = Date)]
    pub end: Option<String>,
    pub place: Option<String>,
    pub place_address: Option<String>,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub confirmations: Vec<String>,
}
wire_struct!(RequestInput => distans_core::policy::RequestInput {
    days_per_week, weekdays, start, end, place, place_address, reason, confirmations,
});

wire_enum! {
    #[serde(rename_all = "snake_case")]
    pub enum RequestState = distans_core::cases::RequestState {
        Submitted,
        ChangesRequested,
        Approved,
        Declined,
        Withdrawn,
    }
}

/// One step in a request's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RequestEvent {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub actor: PersonRef,
    /// submitted, resubmitted, approved, declined, changes, withdrawn
    pub kind: String,
    pub reason: Option<String>,
    pub policy_version: i64,
}
wire_struct!(distans_core::cases::RequestEvent => RequestEvent {
    at, actor, kind, reason, policy_version,
});

/// A request for a regular remote-work arrangement.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RemoteRequest {
    pub id: Uuid,
    pub person: PersonRef,
    pub unit: UnitRef,
    pub state: RequestState,
    /// `manager` or `hr`.
    pub decider: Decider,
    /// The manager it was sent to (manager-level requests).
    pub assigned_to: Option<PersonRef>,
    #[serde(flatten)]
    pub arrangement: Arrangement,
    /// The policy version it was judged under.
    pub policy_version: i64,
    pub decided_by: Option<PersonRef>,
    pub decision_reason: Option<String>,
    pub agreement_id: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub version: i64,
    pub history: Vec<RequestEvent>,
}
wire_struct!(distans_core::cases::RemoteRequest => RemoteRequest {
    id, person, unit, state, decider, assigned_to, arrangement, policy_version, decided_by,
    decision_reason, agreement_id, created_at, version, history,
});

wire_enum! {
    /// A decision on a request.
    #[serde(rename_all = "lowercase")]
    pub enum Decision = distans_core::cases::Decision {
        Approve,
        Decline,
        Changes,
    }
}

/// What a request would become, shown before it is sent.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RequestPreview {
    pub decider: Decider,
    /// Who will decide (the manager's name, or "HR").
    pub decider_name: String,
    pub days_per_week: u8,
    pub manager_limit_days: u8,
    pub policy_version: i64,
    pub needs_agreement: bool,
}
wire_struct!(distans_core::cases::RequestPreview => RequestPreview {
    decider, decider_name, days_per_week, manager_limit_days, policy_version, needs_agreement,
});

wire_enum! {
    #[serde(rename_all = "snake_case")]
    pub enum AgreementState = distans_core::agreements::AgreementState {
        Draft,
        AwaitingSignatures,
        Active,
        Ended,
        Expired,
    }
}

/// An agreement as stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Agreement {
    pub id: Uuid,
    pub request_id: Uuid,
    pub person_id: Uuid,
    pub person_name: String,
    /// Who decided and signs for the employer.
    pub decider_id: Uuid,
    pub decider_name: String,
    pub state: AgreementState,
    #[serde(flatten)]
    pub terms: Terms,
    pub policy_version: i64,
    pub notice_days: i64,
    pub text: String,
    /// SHA-256 of `text`, recorded when both have signed.
    pub text_sha256: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub employee_signed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub decider_signed_at: Option<OffsetDateTime>,
    /// Set when a party gave notice: the last day it applies.
    pub ends_on: Option<Date>,
    pub ended_by: Option<String>,
    pub end_reason: Option<String>,
    /// The unit the person moved to since the agreement was made: a
    /// manager there confirms it (`POST /api/v1/agreements/{id}/confirm`)
    /// or ends it. Absent when the person is where it was made.
    pub moved_to: Option<Uuid>,
    pub version: i64,
}
wire_struct!(distans_core::agreements::Agreement => Agreement {
    id, request_id, person_id, person_name, decider_id, decider_name, state, terms,
    policy_version, notice_days, text, text_sha256,
    employee_signed_at, decider_signed_at, ends_on, ended_by, end_reason, moved_to, version,
});

/// Tillfälligt beslut: a time-bounded decision for the whole organisation
/// or some units, e.g. during a pandemic.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TemporaryDecision {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub start: Date,
    pub end: Date,
    /// Whole organisation when empty.
    pub units: Vec<UnitRef>,
    /// Remote days a week it allows.
    pub max_remote_days: u8,
    /// Whether those days need no agreement.
    pub without_agreement: bool,
    /// Only for staff whose tasks allow it (no secrecy-classified tasks).
    pub tasks_must_allow: bool,
    /// Managers it is delegated to.
    pub delegates: Vec<PersonRef>,
    pub checklist: Vec<String>,
    pub issued_by: PersonRef,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}
wire_struct!(distans_core::temporary::TemporaryDecision => TemporaryDecision {
    id, title, description, start, end, units, max_remote_days, without_agreement, tasks_must_allow,
    delegates, checklist, issued_by, created_at,
});

/// A temporary decision as HR writes it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct TemporaryDecisionInput {
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[schema(format = Date)]
    pub start: String,
    #[schema(format = Date)]
    pub end: String,
    /// Unit ids; empty or missing = the whole organisation.
    #[serde(default)]
    pub units: Vec<String>,
    pub max_remote_days: Option<i64>,
    #[serde(default = "yes")]
    pub without_agreement: bool,
    #[serde(default = "yes")]
    pub tasks_must_allow: bool,
    /// Person ids of managers it is delegated to.
    #[serde(default)]
    pub delegates: Vec<String>,
    /// The checklist; missing = the default (seed 002).
    pub checklist: Option<Vec<String>>,
}
wire_struct!(TemporaryDecisionInput => distans_core::temporary::TemporaryDecisionInput {
    title, description, start, end, units, max_remote_days, without_agreement, tasks_must_allow,
    delegates, checklist,
});
