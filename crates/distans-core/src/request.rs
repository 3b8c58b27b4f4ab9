//! Requests for regular remote work, their decisions, temporary (crisis)
//! decisions, and the notices that tell people about them.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::model::{PersonRef, UnitRef};
use crate::policy::{Arrangement, Decider};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RequestEvent {
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    pub actor: PersonRef,
    /// submitted, resubmitted, approved, declined, changes, withdrawn
    pub kind: String,
    pub reason: Option<String>,
    pub policy_version: i64,
}

/// A request for a regular remote-work arrangement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
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
    #[schema(value_type = String, format = DateTime)]
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
    pub person: Option<Uuid>,
    /// Requests of people at or below these unit paths…
    pub under: Option<Vec<String>>,
    /// …and/or at this decision level.
    pub decider: Option<Decider>,
}

/// A decision on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Approve,
    Decline,
    Changes,
}

/// Tillfälligt beslut: a time-bounded decision for the whole organisation
/// or some units, e.g. during a pandemic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TemporaryDecision {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    #[schema(value_type = String, format = Date)]
    pub start: Date,
    #[schema(value_type = String, format = Date)]
    pub end: Date,
    /// Whole organisation when empty.
    pub units: Vec<UnitRef>,
    #[serde(skip)]
    pub unit_paths: Vec<String>,
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
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

impl TemporaryDecision {
    pub fn applies_on(&self, d: Date) -> bool {
        self.start <= d && d <= self.end
    }
    pub fn covers_path(&self, unit_path: &str) -> bool {
        self.unit_paths.is_empty() || self.unit_paths.iter().any(|p| unit_path.starts_with(p))
    }
}

/// The checklist of seed 002 (Haninge, the managers' meeting of 17 March
/// 2020), item by item.
pub const DEFAULT_CRISIS_CHECKLIST: &[&str] = &[
    "Har medarbetaren arbetsuppgifter som är lämpliga att utföra hemifrån? Tänk på att kommunen är en offentlig förvaltning som hanterar allmänna handlingar och ska kunna ta emot besök. Arbetsuppgifter som innehåller sekretess får inte hanteras hemifrån.",
    "Har medarbetaren tillgång till de tekniska hjälpmedel som behövs för att kunna arbeta hemifrån? Vid distansarbete kan exempelvis VPN-uppkoppling krävas för att nå delar av kommunens IT-miljö.",
    "Behöver arbetsuppgifter fördelas om på arbetsplatsen för att möjliggöra att vissa medarbetare växelvis kan arbeta hemifrån?",
    "Hur många och vilka medarbetare behöver finnas på plats fysiskt på arbetsplatsen för att ge stöd till kollegor från egen och andra enheter?",
    "Hur många och vilka medarbetare behöver finnas på plats fysiskt på arbetsplatsen för att vara tillgängliga för medborgare, leverantörer med mera?",
];

/// Something to tell a person: in the app and, if they have an address, by e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub person_id: Uuid,
    pub email: Option<String>,
    /// request_received, request_decided, agreement_to_sign, agreement_signed, agreement_ending
    pub kind: String,
    pub subject: String,
    pub body: String,
    /// A path in the web UI.
    pub link: String,
}

/// A notice as shown in the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Notification {
    pub id: Uuid,
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub link: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    pub read: bool,
}

/// An e-mail waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMail {
    pub id: Uuid,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}
