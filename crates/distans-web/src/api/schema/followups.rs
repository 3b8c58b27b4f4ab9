//! Checklists, follow-ups and the actions risks become.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use super::PersonRef;

wire_enum! {
    #[serde(rename_all = "snake_case")]
    pub enum QuestionType = distans_core::followup::checklist::QuestionType {
        /// "yes" or "no".
        YesNo,
        /// 1 (worst) to 5 (best).
        Scale,
        /// Free text.
        Text,
        /// A day (YYYY-MM-DD).
        Date,
    }
}

/// One question of a checklist.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Question {
    /// Stable within the template's versions: answers are keyed by it.
    pub id: String,
    pub text: String,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    #[serde(default)]
    pub required: bool,
    /// yes_no: the answer ("yes" or "no") that reveals a risk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_answer: Option<String>,
    /// scale: an answer at or below this reveals a risk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_at_most: Option<u8>,
}
wire_struct!(distans_core::followup::checklist::Question => Question {
    id, text, kind, required, risk_answer, risk_at_most,
});
wire_struct!(Question => distans_core::followup::checklist::Question {
    id, text, kind, required, risk_answer, risk_at_most,
});

/// A version of a checklist template.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChecklistTemplate {
    pub key: String,
    pub version: i64,
    pub title: String,
    pub questions: Vec<Question>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub created_by: String,
}
wire_struct!(distans_core::followup::checklist::ChecklistTemplate => ChecklistTemplate {
    key, version, title, questions, created_at, created_by,
});

/// A template as HR writes it (`PUT /api/v1/checklists/{key}`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ChecklistInput {
    pub title: String,
    pub questions: Vec<Question>,
    /// The version edited: when given and no longer the newest, 409.
    pub version: Option<i64>,
}
wire_struct!(ChecklistInput => distans_core::followup::checklist::ChecklistInput {
    title, questions, version,
});

wire_enum! {
    #[serde(rename_all = "snake_case")]
    pub enum FollowUpKind = distans_core::followup::FollowUpKind {
        /// The work-environment risk assessment of the remote workplace, at the start.
        RiskAssessment,
        /// The regular follow-up ("Distansarbete uppföljning").
        FollowUp,
        /// A follow-up held at the development talk (medarbetarsamtal).
        DevelopmentTalk,
    }
}

wire_enum! {
    /// Stored: `open`, `done`, `cancelled`; shown: an open one is `due` or,
    /// after its due date, `overdue`.
    #[serde(rename_all = "snake_case")]
    pub enum FollowUpState = distans_core::followup::FollowUpState {
        Due,
        Overdue,
        Done,
        Cancelled,
    }
}

/// A party's confirmation of the answers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Confirmation {
    pub by: PersonRef,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}
wire_struct!(distans_core::followup::Confirmation => Confirmation { by, at });

/// A follow-up of a person (uppföljning, riskbedömning or development talk).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FollowUp {
    pub id: Uuid,
    pub kind: FollowUpKind,
    pub person: PersonRef,
    pub agreement_id: Option<Uuid>,
    pub due: Date,
    pub state: FollowUpState,
    /// The checklist it is answered with.
    pub template_key: String,
    /// The version answered (set by the first save of answers).
    pub template_version: Option<i64>,
    /// Question id → answer ("yes"/"no", 1–5 or text).
    #[schema(value_type = Object)]
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
wire_struct!(distans_core::followup::FollowUp => FollowUp {
    id, kind, person, agreement_id, due, state, template_key, template_version, answers, comments,
    employee_confirmed, manager_confirmed, completed_at, open_actions, version,
});

wire_enum! {
    #[serde(rename_all = "snake_case")]
    pub enum ActionState = distans_core::followup::ActionState {
        Open,
        Closed,
    }
}

/// An action to remove a risk a follow-up revealed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FollowUpAction {
    pub id: Uuid,
    pub followup_id: Uuid,
    /// Whose follow-up it came from.
    pub person: PersonRef,
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
wire_struct!(distans_core::followup::FollowUpAction => FollowUpAction {
    id, followup_id, person, question_id, description, owner, due, state, note, closed_by,
    closed_at, created_at, version,
});

/// Answers sent by a party (`POST /api/v1/followups/{id}/answers`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct AnswersInput {
    /// Question id → answer: "yes"/"no" (or true/false), 1–5, or text.
    /// Replaces the stored answers; a missing or empty one is unanswered.
    #[schema(value_type = Object)]
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
wire_struct!(AnswersInput => distans_core::followup::AnswersInput {
    answers, comments, complete, version,
});

/// A follow-up with what its page shows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FollowUpDetail {
    #[serde(flatten)]
    pub followup: FollowUp,
    /// The checklist version answered, or the current one if none yet.
    pub template: ChecklistTemplate,
    pub actions: Vec<FollowUpAction>,
    /// `employee`, `manager` or null: the caller's party.
    pub party: Option<String>,
}
wire_struct!(distans_core::followup::FollowUpDetail => FollowUpDetail {
    followup, template, actions, party,
});
