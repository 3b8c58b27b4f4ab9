//! What the identity slice needs of storage. One implementation (in
//! `distans-store`) runs it on SQLite and PostgreSQL; every method that
//! changes data is one transaction with its audit entry and notices.

use crate::kernel::ids::PersonId;
use crate::kernel::TokenId;
use async_trait::async_trait;
use time::OffsetDateTime;

use crate::identity::model::{ApiToken, PersonKey, SessionWrite, SignInCandidate, TokenHolder};
use crate::kernel::Actor;
use crate::kernel::CoreResult;
use crate::kernel::Work;

#[async_trait]
pub trait IdentityPort: Send + Sync {
    /// The person and password hash behind a username; none for a
    /// deactivated person.
    async fn credentials(&self, username: &str) -> CoreResult<Option<(PersonId, Option<String>)>>;
    async fn set_password(&self, username: &str, hash: &str, work: &Work) -> CoreResult<bool>;
    /// The people `key` may name (a few at most): by e-mail address without
    /// regard to case, or by employee number; deactivated ones marked so.
    async fn sign_in_candidates(&self, key: &PersonKey) -> CoreResult<Vec<SignInCandidate>>;
    /// Who a person is to the policy; none once they are deactivated, so
    /// every session and token of theirs stops at once.
    async fn actor(&self, person: PersonId) -> CoreResult<Option<Actor>>;
    async fn create_token(
        &self,
        person: PersonId,
        token: &ApiToken,
        token_hash: &str,
        work: &Work,
    ) -> CoreResult<()>;
    async fn tokens(&self, person: PersonId) -> CoreResult<Vec<ApiToken>>;
    async fn revoke_token(&self, person: PersonId, id: TokenId, work: &Work) -> CoreResult<bool>;
    /// The person a live token belongs to and when it ends; records its
    /// use (at most once a minute).
    async fn person_by_token(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> CoreResult<Option<TokenHolder>>;
    /// A live session's person (None when its column names none) and its
    /// expiry; None when there is no live session by that id.
    async fn session_person(
        &self,
        id: &str,
        now: OffsetDateTime,
    ) -> CoreResult<Option<(Option<PersonId>, OffsetDateTime)>>;
    /// A session's data and when it expires (expired or not).
    async fn session_load(&self, id: &str) -> CoreResult<Option<(Vec<u8>, OffsetDateTime)>>;
    /// Inserts a new session made (and used) at `now`; false when the id
    /// is taken.
    async fn session_create(&self, s: &SessionWrite<'_>, now: OffsetDateTime) -> CoreResult<bool>;
    /// Saves a session used at `now` (its making time is kept).
    async fn session_save(&self, s: &SessionWrite<'_>, now: OffsetDateTime) -> CoreResult<()>;
    async fn session_delete(&self, id: &str) -> CoreResult<()>;
    /// Removes expired sessions; how many.
    async fn sessions_purge(&self, now: OffsetDateTime) -> CoreResult<u64>;
    /// Sets the language the person reads notices and mail in (`sv`, `en`).
    async fn set_language(&self, person: PersonId, language: &str, work: &Work) -> CoreResult<()>;
}
