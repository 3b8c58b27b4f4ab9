//! Accounts and personal API tokens.

use crate::kernel::ids::PersonId;
use crate::kernel::TokenId;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A personal API token, without its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: TokenId,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
}

/// What a web session says of itself, kept beside its data so that a
/// person's own data can list their sessions (never the session's id).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionMeta {
    /// Who is signed in, once someone is.
    pub person: Option<PersonId>,
    /// How they signed in: `password` or `oidc`.
    pub signed_in_by: Option<String>,
}

/// A web session as the session store writes it: its id, its data as
/// stored, when it expires, and whom it is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionWrite<'a> {
    pub id: &'a str,
    pub data: &'a [u8],
    pub expiry: OffsetDateTime,
    pub meta: &'a SessionMeta,
}

/// A new token: the secret is shown this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewToken {
    #[serde(flatten)]
    pub token: ApiToken,
    pub secret: String,
}

/// What a sign-in through the organisation's identity provider (OpenID
/// Connect) names a person by: the e-mail address, or the employee number
/// (for any other claim: `sub`, an employee-number claim).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonKey {
    /// Compared without regard to case.
    Email(String),
    EmployeeNumber(String),
}

/// A provisioned person that a [`PersonKey`] may name, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInCandidate {
    pub id: PersonId,
    pub email: Option<String>,
    pub employee_number: String,
    /// The person has left: no sign-in.
    pub deactivated: bool,
}

/// Whom a provider's sign-in is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternalMatch {
    /// Exactly one active person.
    Person(PersonId),
    /// No one (or more than one, which names no one): no session.
    Unknown,
    /// The one person it names has been deactivated: no session.
    Deactivated,
}

/// Who a session cookie signs in.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionActor {
    /// A live session of this (active) person.
    SignedIn(crate::kernel::Actor),
    /// A live session that names no person in its own column (not signed
    /// in, or kept from before the column): its data says.
    Unnamed,
    /// No live session by that id, or its person is deactivated.
    Gone,
}

/// A live token's holder and when the token ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenHolder {
    pub person: PersonId,
    pub expires_at: Option<OffsetDateTime>,
}
