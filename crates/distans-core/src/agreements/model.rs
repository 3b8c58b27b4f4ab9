//! Överenskommelse om distansarbete: the agreement an approved regular
//! arrangement becomes, signed by both parties, then frozen (its SHA-256
//! recorded).

use crate::kernel::ids::{PersonId, UnitId};
use crate::kernel::{AgreementId, PersonRef, RequestId};
use serde::{Deserialize, Serialize};

use time::{Date, OffsetDateTime};

use crate::access::Action;
use crate::policy::terms::Terms;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgreementState {
    Draft,
    AwaitingSignatures,
    Active,
    Ended,
    Expired,
}

impl AgreementState {
    pub fn as_str(self) -> &'static str {
        match self {
            AgreementState::Draft => "draft",
            AgreementState::AwaitingSignatures => "awaiting_signatures",
            AgreementState::Active => "active",
            AgreementState::Ended => "ended",
            AgreementState::Expired => "expired",
        }
    }
    pub fn parse(s: &str) -> AgreementState {
        match s {
            "draft" => AgreementState::Draft,
            "active" => AgreementState::Active,
            "ended" => AgreementState::Ended,
            "expired" => AgreementState::Expired,
            _ => AgreementState::AwaitingSignatures,
        }
    }
}

/// The facts of one agreement, filled into the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementFacts {
    pub organisation: String,
    pub employee: String,
    pub employee_number: String,
    pub unit: String,
    pub decider: String,
    pub terms: Terms,
    pub presence: String,
    pub follow_up_months: u8,
    pub notice_days: u16,
    pub policy_version: i64,
}

/// An agreement as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Agreement {
    pub id: AgreementId,
    pub request_id: RequestId,
    pub person_id: PersonId,
    pub person_name: String,
    /// Who decided and signs for the employer.
    pub decider_id: PersonId,
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
    /// The unit the person moved to since the agreement was made for their
    /// unit: until a manager of that unit confirms it (or ends it), it is
    /// their task. None when the person is where the agreement was made.
    pub moved_to: Option<UnitId>,
    pub version: i64,
}

/// Who an agreement is between, as a new draft names them.
#[derive(Debug, Clone)]
pub struct Parties {
    pub request_id: RequestId,
    pub person: PersonRef,
    pub decider: PersonRef,
}

impl Agreement {
    /// A new draft between the parties, on the terms and with the text
    /// given: unsigned, not ended, at its first version.
    pub fn draft(
        id: AgreementId,
        parties: Parties,
        terms: Terms,
        (policy_version, notice_days): (i64, i64),
        text: String,
    ) -> Agreement {
        Agreement {
            id,
            request_id: parties.request_id,
            person_id: parties.person.id,
            person_name: parties.person.name,
            decider_id: parties.decider.id,
            decider_name: parties.decider.name,
            state: AgreementState::Draft,
            terms,
            policy_version,
            notice_days,
            text,
            text_sha256: None,
            employee_signed_at: None,
            decider_signed_at: None,
            ends_on: None,
            ended_by: None,
            end_reason: None,
            moved_to: None,
            version: 1,
        }
    }

    /// Sending it for signatures, as the access policy knows it.
    pub fn send_action(&self) -> Action<'static> {
        Action::SendAgreement {
            person_id: self.person_id,
            decider_id: self.decider_id,
        }
    }

    /// Signing it.
    pub fn sign_action(&self) -> Action<'static> {
        Action::SignAgreement {
            person_id: self.person_id,
            decider_id: self.decider_id,
        }
    }

    /// Giving notice on it.
    pub fn end_action(&self) -> Action<'static> {
        Action::EndAgreement {
            person_id: self.person_id,
            decider_id: self.decider_id,
        }
    }

    /// The state on `today`: an active agreement past its last day has
    /// expired (or ended, when someone gave notice).
    pub fn state_on(&self, today: Date) -> AgreementState {
        match self.state {
            AgreementState::Active => match (self.ends_on, self.terms.end()) {
                (Some(e), _) if e < today => AgreementState::Ended,
                (None, Some(e)) if e < today => AgreementState::Expired,
                _ => AgreementState::Active,
            },
            s => s,
        }
    }

    /// Days it is in force: the first day and the last (if any).
    pub fn last_day(&self) -> Option<Date> {
        match (self.ends_on, self.terms.end()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}
