//! What a use case writes besides its own change, in the same unit of work
//! (one transaction): the audit entry, and the notices to the people
//! concerned.

use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

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
}

impl Work {
    /// A change at `at` with its audit entry and no notices.
    pub fn new(at: OffsetDateTime, audit: NewAuditEntry) -> Work {
        Work {
            at,
            audit: vec![audit],
            notices: vec![],
        }
    }

    /// The same work, telling these people.
    pub fn notify(mut self, notices: Vec<Notice>) -> Work {
        self.notices.extend(notices);
        self
    }
}

/// What a use case asks to be written to the log.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEntry {
    pub actor_id: Option<Uuid>,
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

impl NewAuditEntry {
    /// An entry for what `actor` did to the entity `entity` with id `id`.
    pub fn by(actor: &Actor, action: &str, entity: &str, id: impl ToString) -> Self {
        NewAuditEntry {
            actor_id: Some(actor.person_id),
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
