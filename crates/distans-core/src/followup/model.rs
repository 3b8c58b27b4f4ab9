//! Uppföljning: follow-ups scheduled from agreements (a risk assessment at
//! the start, then the follow-up checklist every `follow_up_interval_months`)
//! and from development talks; answered together by the employee and a
//! manager (or HR); answers that reveal a risk become actions with an owner
//! and a due date.

use crate::kernel::ids::PersonId;
use crate::kernel::{AgreementId, FollowUpActionId, FollowUpId};
use std::collections::BTreeMap;

use crate::access::Action;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::{Date, OffsetDateTime};

use crate::followup::checklist;
use crate::followup::checklist::ChecklistTemplate;
use crate::kernel::PersonRef;
use crate::kernel::{CoreError, CoreResult};

/// Open-ended agreements get follow-ups for this many months from the start.
pub const OPEN_ENDED_MONTHS: u32 = 24;
/// Days before the due date that the parties are reminded.
pub const REMIND_DAYS_AHEAD: i64 = 7;
/// An action's default time to be done, in days.
pub const ACTION_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpKind {
    /// The work-environment risk assessment of the remote workplace, at the start.
    RiskAssessment,
    /// The regular follow-up ("Distansarbete uppföljning").
    FollowUp,
    /// A follow-up held at the development talk (medarbetarsamtal).
    DevelopmentTalk,
}

impl FollowUpKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpKind::RiskAssessment => "risk_assessment",
            FollowUpKind::FollowUp => "follow_up",
            FollowUpKind::DevelopmentTalk => "development_talk",
        }
    }
    pub fn parse(s: &str) -> FollowUpKind {
        match s {
            "risk_assessment" => FollowUpKind::RiskAssessment,
            "development_talk" => FollowUpKind::DevelopmentTalk,
            _ => FollowUpKind::FollowUp,
        }
    }
    /// The checklist it is answered with.
    pub fn template_key(self) -> &'static str {
        match self {
            FollowUpKind::RiskAssessment => checklist::RISK_ASSESSMENT,
            _ => checklist::FOLLOW_UP,
        }
    }
}

/// Stored: `open`, `done`, `cancelled`; shown: an open one is `due` or,
/// after its due date, `overdue`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpState {
    Due,
    Overdue,
    Done,
    Cancelled,
}

impl FollowUpState {
    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpState::Due => "due",
            FollowUpState::Overdue => "overdue",
            FollowUpState::Done => "done",
            FollowUpState::Cancelled => "cancelled",
        }
    }
    /// The stored value (`open` for due and overdue).
    pub fn stored(self) -> &'static str {
        match self {
            FollowUpState::Due | FollowUpState::Overdue => "open",
            FollowUpState::Done => "done",
            FollowUpState::Cancelled => "cancelled",
        }
    }
    /// From the stored value and the due date, on `today`.
    pub fn of(stored: &str, due: Date, today: Date) -> FollowUpState {
        match stored {
            "done" => FollowUpState::Done,
            "cancelled" => FollowUpState::Cancelled,
            _ if due < today => FollowUpState::Overdue,
            _ => FollowUpState::Due,
        }
    }
    pub fn is_open(self) -> bool {
        matches!(self, FollowUpState::Due | FollowUpState::Overdue)
    }
}

/// A party's confirmation of the answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    pub by: PersonRef,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// A follow-up of a person (uppföljning, riskbedömning or development talk).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUp {
    pub id: FollowUpId,
    pub kind: FollowUpKind,
    pub person: PersonRef,
    #[serde(skip)]
    pub unit_path: String,
    pub agreement_id: Option<AgreementId>,
    pub due: Date,
    pub state: FollowUpState,
    /// The checklist it is answered with.
    pub template_key: String,
    /// The version answered (set by the first save of answers).
    pub template_version: Option<i64>,
    /// Question id → answer ("yes"/"no", 1–5 or text).
    pub answers: BTreeMap<String, Value>,
    /// Question id → a comment.
    pub comments: BTreeMap<String, String>,
    /// The employee's confirmation of the answers as stored.
    pub employee_confirmed: Option<Confirmation>,
    /// A manager's (or HR's) confirmation of the answers as stored.
    pub manager_confirmed: Option<Confirmation>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub completed_at: Option<OffsetDateTime>,
    /// Open actions from this follow-up.
    pub open_actions: i64,
    pub version: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionState {
    Open,
    Closed,
}

impl ActionState {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionState::Open => "open",
            ActionState::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> ActionState {
        if s == "closed" {
            ActionState::Closed
        } else {
            ActionState::Open
        }
    }
}

/// An action to remove a risk a follow-up revealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpAction {
    pub id: FollowUpActionId,
    pub followup_id: FollowUpId,
    /// Whose follow-up it came from.
    pub person: PersonRef,
    #[serde(skip)]
    pub unit_path: String,
    pub question_id: String,
    pub description: String,
    pub owner: PersonRef,
    pub due: Date,
    pub state: ActionState,
    /// What was done (when closed).
    pub note: Option<String>,
    pub closed_by: Option<PersonRef>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub version: i64,
}

impl FollowUpAction {
    /// Handling it (closing, changing), as the access policy knows it.
    pub fn handle_action(&self) -> Action<'_> {
        Action::HandleFollowUpAction {
            owner_id: self.owner.id,
            unit_path: &self.unit_path,
        }
    }
}

/// Follow-ups an agreement's change adds and cancels, written by the same
/// transaction as the change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FollowUpSchedule {
    pub add: Vec<FollowUp>,
    /// Cancel this agreement's open follow-ups due after this day.
    pub cancel_after: Option<(AgreementId, Date)>,
}

/// The period an agreement runs, as the follow-ups are scheduled from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub agreement: AgreementId,
    pub person: PersonRef,
    pub start: Date,
    /// Its last day; `None` while it is open-ended.
    pub last_day: Option<Date>,
}

/// Whose follow-ups a list covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowUpScope {
    /// Everyone (HR).
    All,
    /// This person's own, those of people at or below these unit paths,
    /// and (for actions) those this person owns.
    Mine {
        person: PersonId,
        under: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateFilter {
    /// Due or overdue.
    Open,
    Due,
    Overdue,
    Done,
    Cancelled,
}

impl StateFilter {
    pub fn parse(s: &str) -> CoreResult<StateFilter> {
        Ok(match s {
            "open" => StateFilter::Open,
            "due" => StateFilter::Due,
            "overdue" => StateFilter::Overdue,
            "done" => StateFilter::Done,
            "cancelled" => StateFilter::Cancelled,
            _ => {
                return Err(CoreError::invalid(
                    "state",
                    "must be open, due, overdue, done or cancelled",
                ))
            }
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpFilter {
    pub scope: FollowUpScope,
    pub person: Option<PersonId>,
    pub agreement: Option<AgreementId>,
    /// Due on or before this day.
    pub due_before: Option<Date>,
    pub state: Option<StateFilter>,
    /// For `due`/`overdue`.
    pub today: Date,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionFilter {
    pub scope: FollowUpScope,
    pub state: Option<ActionState>,
    pub followup: Option<FollowUpId>,
}

/// Answers sent by a party (`POST /api/v1/followups/{id}/answers`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AnswersInput {
    /// Question id → answer: "yes"/"no" (or true/false), 1–5, or text.
    /// Replaces the stored answers; a missing or empty one is unanswered.
    pub answers: BTreeMap<String, Value>,
    /// Question id → a comment (for an action: what the risk is about).
    #[serde(default)]
    pub comments: BTreeMap<String, String>,
    /// Confirm these answers as your party's. The follow-up is done when the
    /// employee and a manager (or HR) have both confirmed the same answers.
    #[serde(default)]
    pub complete: bool,
    /// The follow-up's version you edited: 409 if someone saved meanwhile.
    pub version: Option<i64>,
}

/// A follow-up with what its page shows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FollowUpDetail {
    #[serde(flatten)]
    pub followup: FollowUp,
    /// The checklist version answered, or the current one if none yet.
    pub template: ChecklistTemplate,
    pub actions: Vec<FollowUpAction>,
    /// `employee`, `manager` or null: the caller's party.
    pub party: Option<String>,
}

/// Which side of a follow-up someone takes part as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Employee,
    Manager,
}

impl Party {
    pub fn as_str(self) -> &'static str {
        match self {
            Party::Employee => "employee",
            Party::Manager => "manager",
        }
    }
}

/// What a list of follow-ups asks for (the API's query).
#[derive(Debug, Clone, Default)]
pub struct FollowUpQuery {
    pub due_before: Option<Date>,
    pub state: Option<StateFilter>,
    pub person: Option<PersonId>,
    pub agreement: Option<AgreementId>,
}
