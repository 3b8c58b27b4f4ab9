//! What provisioning keeps: clients' tokens, people as SCIM users, groups.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use crate::kernel::{PersonId, ScimGroupId, ScimTokenId};

/// A provisioning client's token, without its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScimToken {
    pub id: ScimTokenId,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
}

/// A person as a SCIM user: the product's fields and what the client keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct ScimUser {
    pub id: PersonId,
    pub user_name: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub email: Option<String>,
    pub employee_number: String,
    pub external_id: Option<String>,
    /// The attributes the product does not model, as the client sent them.
    pub attributes: Value,
    pub active: bool,
    /// Deleted by the client: deactivated, and gone from SCIM (404).
    pub deleted: bool,
    pub version: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// A member of a group: the value the client wrote and, when it is a
/// person's id, the person (id and name). Only people's memberships grant
/// roles.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub value: String,
    pub person: Option<(PersonId, String)>,
}

/// A group a client keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct ScimGroup {
    pub id: ScimGroupId,
    pub display_name: String,
    pub external_id: Option<String>,
    pub members: Vec<Member>,
    pub version: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// A group as a change writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupDraft {
    pub id: ScimGroupId,
    pub display_name: String,
    pub external_id: Option<String>,
    /// Values as written, each with the person it names, if any.
    pub members: Vec<(String, Option<PersonId>)>,
}

/// A list's window: the 1-based index of the first and how many at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start_index: i64,
    pub count: i64,
}

/// A page of a SCIM list.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub total: i64,
    pub start_index: i64,
    pub resources: Vec<Value>,
}

/// What a client keeps: users (people) or groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScimKind {
    Users,
    Groups,
}

impl ScimKind {
    /// The word a missing one is named by.
    pub fn what(self) -> &'static str {
        match self {
            ScimKind::Users => "user",
            ScimKind::Groups => "group",
        }
    }

    /// The user or group of this kind with the id `id`.
    pub fn at(self, id: uuid::Uuid) -> ScimRef {
        match self {
            ScimKind::Users => ScimRef::User(id.into()),
            ScimKind::Groups => ScimRef::Group(id.into()),
        }
    }
}

/// One user or group, as a client names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScimRef {
    User(PersonId),
    Group(ScimGroupId),
}

/// How a client changes a user or group: replaces it with a document
/// (PUT) or applies patch operations to it (PATCH).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ScimChange<'a> {
    Replace(&'a Value),
    Patch(&'a Value),
}
