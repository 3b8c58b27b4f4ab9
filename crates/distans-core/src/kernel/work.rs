//! What a use case writes besides its own change, in the same unit of work
//! (one transaction): the audit entry, and the notices to the people
//! concerned.

use crate::kernel::ids::PersonId;
use crate::kernel::{AgreementId, DeviationId, FollowUpId, RequestId};
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use crate::kernel::actor::Actor;

/// The unit of work of a change: when it happens, and what is written with
/// it in the same transaction — its audit entries and the notices to the
/// people concerned. Every port method that changes data takes one, so a
/// change is never stored without its trail.
#[derive(Debug, Clone, PartialEq)]
pub struct Work {
    pub at: OffsetDateTime,
    pub audit: Vec<NewAuditEntry>,
    pub notices: Vec<Notice>,
    /// Messages to everyone in some units, written by the store in the same
    /// transaction without loading the people into memory.
    pub broadcasts: Vec<Broadcast>,
}

impl Work {
    /// A change at `at` with its audit entry and no notices.
    pub fn new(at: OffsetDateTime, audit: NewAuditEntry) -> Work {
        crate::kernel::counters::changing();
        Work {
            at,
            audit: vec![audit],
            notices: vec![],
            broadcasts: vec![],
        }
    }

    /// The same work, telling these people.
    pub fn notify(mut self, notices: Vec<Notice>) -> Work {
        self.notices.extend(notices);
        self
    }

    /// The same work, telling everyone a broadcast reaches.
    pub fn broadcast(mut self, b: Broadcast) -> Work {
        self.broadcasts.push(b);
        self
    }
}

/// A message to every active person placed in some units or below them
/// (the whole organisation when `unit_paths` is empty), in the app and by
/// e-mail to those with an address, in each reader's language. Those in
/// `except` are left out (they are told otherwise, or did it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broadcast {
    /// Unit paths (`/<id>/…/`); a person is reached when their unit's path
    /// starts with one of them.
    pub unit_paths: Vec<String>,
    pub except: Vec<PersonId>,
    /// The stable category, as a [`Notice`]'s.
    pub kind: String,
    pub message: Message,
}

/// What a use case asks to be written to the log (and, in a stored
/// [`AuditEntry`](crate::audit::AuditEntry), what was written).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewAuditEntry {
    pub actor_id: Option<PersonId>,
    /// Display name of who did it ("Anna Lind", or "system" / "cli").
    pub actor: String,
    /// What was done, e.g. `person.update`, `import.people`, `token.create`.
    pub action: String,
    /// The kind of thing, e.g. `person`, `unit`, `token`.
    pub entity: String,
    pub entity_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Something to tell a person: in the app and, if they have an address, by
/// e-mail. What it says is a [`Message`], rendered in the recipient's
/// language by the web layer and the mailer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub person_id: PersonId,
    pub email: Option<String>,
    /// The stable category clients may filter on: `request_received`,
    /// `request_decided`, `agreement_to_sign`, `agreement_ending`, …
    pub kind: String,
    pub message: Message,
}

/// A message of the notice catalogue: its key, the values it is filled
/// with, and the page it leads to. The core never writes the sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub key: MessageKey,
    #[serde(default)]
    pub args: BTreeMap<String, String>,
    pub link: Link,
}

impl Message {
    pub fn new(key: MessageKey, link: Link) -> Message {
        Message {
            key,
            args: BTreeMap::new(),
            link,
        }
    }

    /// The same message with a value for `name`.
    pub fn arg(mut self, name: &str, value: impl ToString) -> Message {
        self.args.insert(name.into(), value.to_string());
        self
    }
}

/// The messages of the notice catalogue. The web layer and the mailer hold
/// the text of each, in every language, as `<key>-subject` and `<key>-body`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MessageKey {
    AgreementDraft,
    AgreementEnded,
    AgreementEndingSoon,
    AgreementKeptAfterMove,
    AgreementSigned,
    AgreementSignedByOne,
    AgreementToSign,
    AgreementToConfirm,
    AgreementToSignEmployer,
    DevelopmentTalkSet,
    DeviationAcknowledged,
    DeviationClosed,
    DeviationReported,
    DepartureEquipment,
    EquipmentToCollect,
    FollowupActionAssigned,
    FollowupActionClosed,
    FollowupActionOverdue,
    FollowupActionsCreated,
    FollowupConfirm,
    FollowupDue,
    FollowupOverdue,
    PasswordReset,
    PasswordWelcome,
    PersonDeparted,
    RequestApproved,
    RequestChanges,
    RequestDeclined,
    RequestReceived,
    TemporaryDecisionDelegated,
    TemporaryDecisionIssued,
}

impl MessageKey {
    pub const ALL: &'static [MessageKey] = &[
        MessageKey::AgreementDraft,
        MessageKey::AgreementEnded,
        MessageKey::AgreementEndingSoon,
        MessageKey::AgreementKeptAfterMove,
        MessageKey::AgreementSigned,
        MessageKey::AgreementSignedByOne,
        MessageKey::AgreementToSign,
        MessageKey::AgreementToConfirm,
        MessageKey::AgreementToSignEmployer,
        MessageKey::DevelopmentTalkSet,
        MessageKey::DeviationAcknowledged,
        MessageKey::DeviationClosed,
        MessageKey::DeviationReported,
        MessageKey::DepartureEquipment,
        MessageKey::EquipmentToCollect,
        MessageKey::FollowupActionAssigned,
        MessageKey::FollowupActionClosed,
        MessageKey::FollowupActionOverdue,
        MessageKey::FollowupActionsCreated,
        MessageKey::FollowupConfirm,
        MessageKey::FollowupDue,
        MessageKey::FollowupOverdue,
        MessageKey::PasswordReset,
        MessageKey::PasswordWelcome,
        MessageKey::PersonDeparted,
        MessageKey::RequestApproved,
        MessageKey::RequestChanges,
        MessageKey::RequestDeclined,
        MessageKey::RequestReceived,
        MessageKey::TemporaryDecisionDelegated,
        MessageKey::TemporaryDecisionIssued,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MessageKey::AgreementDraft => "agreement-draft",
            MessageKey::AgreementEnded => "agreement-ended",
            MessageKey::AgreementEndingSoon => "agreement-ending-soon",
            MessageKey::AgreementKeptAfterMove => "agreement-kept-after-move",
            MessageKey::AgreementSigned => "agreement-signed",
            MessageKey::AgreementSignedByOne => "agreement-signed-by-one",
            MessageKey::AgreementToSign => "agreement-to-sign",
            MessageKey::AgreementToConfirm => "agreement-to-confirm",
            MessageKey::AgreementToSignEmployer => "agreement-to-sign-employer",
            MessageKey::DevelopmentTalkSet => "development-talk-set",
            MessageKey::DeviationAcknowledged => "deviation-acknowledged",
            MessageKey::DeviationClosed => "deviation-closed",
            MessageKey::DeviationReported => "deviation-reported",
            MessageKey::DepartureEquipment => "departure-equipment",
            MessageKey::EquipmentToCollect => "equipment-to-collect",
            MessageKey::FollowupActionAssigned => "followup-action-assigned",
            MessageKey::FollowupActionClosed => "followup-action-closed",
            MessageKey::FollowupActionOverdue => "followup-action-overdue",
            MessageKey::FollowupActionsCreated => "followup-actions-created",
            MessageKey::FollowupConfirm => "followup-confirm",
            MessageKey::FollowupDue => "followup-due",
            MessageKey::FollowupOverdue => "followup-overdue",
            MessageKey::PasswordReset => "password-reset",
            MessageKey::PasswordWelcome => "password-welcome",
            MessageKey::PersonDeparted => "person-departed",
            MessageKey::RequestApproved => "request-approved",
            MessageKey::RequestChanges => "request-changes",
            MessageKey::RequestDeclined => "request-declined",
            MessageKey::RequestReceived => "request-received",
            MessageKey::TemporaryDecisionDelegated => "temporary-decision-delegated",
            MessageKey::TemporaryDecisionIssued => "temporary-decision-issued",
        }
    }

    pub fn parse(s: &str) -> Option<MessageKey> {
        Self::ALL.iter().copied().find(|k| k.as_str() == s)
    }
}

/// Where a notice leads: a page of the product, named by what it shows.
/// The web layer turns it into a URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "to", content = "id", rename_all = "snake_case")]
pub enum Link {
    Request(RequestId),
    Agreement(AgreementId),
    FollowUp(FollowUpId),
    Deviation(DeviationId),
    /// A person's page.
    Person(PersonId),
    /// The page where a one-time link sets a password (its secret).
    SetPassword(String),
    /// The equipment a manager has to collect.
    EquipmentToCollect,
    TemporaryDecisions,
}

impl NewAuditEntry {
    /// An entry for what `actor` did to the entity `entity` with id `id`.
    pub fn by(actor: &Actor, action: &str, entity: &str, id: impl ToString) -> Self {
        NewAuditEntry {
            // A provisioning client is no person: its name says who it was.
            actor_id: (!actor.is_client()).then_some(actor.person_id),
            actor: actor.name.clone(),
            action: action.into(),
            entity: entity.into(),
            entity_id: id.to_string(),
            before: None,
            after: None,
        }
    }

    /// An entry for what the system did by itself (a reminder, an expiry).
    pub fn system(action: &str, entity: &str, id: impl ToString) -> Self {
        NewAuditEntry {
            actor_id: None,
            actor: "system".into(),
            action: action.into(),
            entity: entity.into(),
            entity_id: id.to_string(),
            before: None,
            after: None,
        }
    }

    /// The same entry with what the thing was before.
    pub fn before(mut self, v: Value) -> Self {
        self.before = Some(v);
        self
    }

    /// The same entry with what the thing is after.
    pub fn after(mut self, v: Value) -> Self {
        self.after = Some(v);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn every_message_key_reads_back() {
        for k in MessageKey::ALL {
            assert_eq!(MessageKey::parse(k.as_str()), Some(*k));
            let json = serde_json::to_string(k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.as_str()));
        }
        assert_eq!(MessageKey::parse("no-such-message"), None);
    }

    #[test]
    fn a_message_keeps_its_values_and_link() {
        let id = Uuid::from_u128(7);
        let m = Message::new(MessageKey::RequestReceived, Link::Request(id.into()))
            .arg("person", "Anna Lind")
            .arg("days", 2);
        assert_eq!(m.args.get("days").map(String::as_str), Some("2"));
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["link"], serde_json::json!({"to": "request", "id": id}));
        let back: Message = serde_json::from_value(json).unwrap();
        assert_eq!(back, m);
    }
}
