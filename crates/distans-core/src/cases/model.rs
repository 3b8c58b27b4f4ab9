//! A request for regular remote work and its history.

use crate::kernel::ids::PersonId;
use crate::kernel::{AgreementId, RequestId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::kernel::{PersonRef, UnitRef};
use crate::policy::model::{Arrangement, Decider};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    Submitted,
    ChangesRequested,
    Approved,
    Declined,
    Withdrawn,
}

impl RequestState {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::Submitted => "submitted",
            RequestState::ChangesRequested => "changes_requested",
            RequestState::Approved => "approved",
            RequestState::Declined => "declined",
            RequestState::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<RequestState> {
        match s {
            "submitted" => Some(RequestState::Submitted),
            "changes_requested" => Some(RequestState::ChangesRequested),
            "approved" => Some(RequestState::Approved),
            "declined" => Some(RequestState::Declined),
            "withdrawn" => Some(RequestState::Withdrawn),
            _ => None,
        }
    }
    /// Still waiting for someone.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            RequestState::Submitted | RequestState::ChangesRequested
        )
    }
}

/// One step in a request's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestEvent {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub actor: PersonRef,
    /// submitted, resubmitted, approved, declined, changes, withdrawn
    pub kind: String,
    pub reason: Option<String>,
    pub policy_version: i64,
}

/// A request for a regular remote-work arrangement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemoteRequest {
    pub id: RequestId,
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
    pub agreement_id: Option<AgreementId>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub version: i64,
    #[serde(skip)]
    pub unit_path: String,
    pub history: Vec<RequestEvent>,
}

/// Filters of a request list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestFilter {
    pub state: Option<RequestState>,
    /// Only this person's own requests.
    pub person: Option<PersonId>,
    /// Requests of people at or below these unit paths…
    pub under: Option<Vec<String>>,
    /// …and/or at this decision level.
    pub decider: Option<Decider>,
}

/// A decision on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Approve,
    Decline,
    Changes,
}

/// A decider's verdict on a request: the decision, its reason, the
/// version the decider saw, and whether coverage gaps it opens are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict<'a> {
    pub decision: Decision,
    pub reason: Option<&'a str>,
    pub expected: Option<i64>,
    pub allow_gap: bool,
}

impl From<Decision> for Verdict<'_> {
    /// The decision alone: no reason, whatever version, no gaps allowed.
    fn from(decision: Decision) -> Self {
        Verdict {
            decision,
            reason: None,
            expected: None,
            allow_gap: false,
        }
    }
}

/// What a request would become, shown before it is sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestPreview {
    pub decider: Decider,
    /// Who will decide (the manager's name, or "HR").
    pub decider_name: String,
    pub days_per_week: u8,
    pub manager_limit_days: u8,
    pub policy_version: i64,
    pub needs_agreement: bool,
}
