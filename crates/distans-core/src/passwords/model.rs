//! A one-time link to set a password.

use time::OffsetDateTime;

use crate::kernel::PersonId;

/// Why a link was made: its purpose sets how long it lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// "Glömt lösenord?": short-lived.
    Reset,
    /// Sent by an administrator, for a first password: lasts longer.
    Welcome,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Reset => "reset",
            LinkPurpose::Welcome => "welcome",
        }
    }
}

/// A local account as a link is made for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub person: PersonId,
    pub name: String,
    pub username: String,
    pub email: Option<String>,
}

/// A link to store: the secret's hash only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLink {
    pub person: PersonId,
    pub token_hash: String,
    pub purpose: LinkPurpose,
    pub expires_at: OffsetDateTime,
}
