//! What the feed slice needs of storage. One implementation (in
//! `distans-store`) runs it on SQLite and PostgreSQL; every method that
//! changes data is one transaction with its audit entry and notices.

use crate::kernel::ids::PersonId;
use async_trait::async_trait;

use crate::kernel::CoreResult;
use crate::kernel::Work;

#[async_trait]
pub trait FeedPort: Send + Sync {
    /// The person's feed secret, if any.
    async fn calendar_feed_secret(&self, person: PersonId) -> CoreResult<Option<String>>;
    /// Gives the person this secret unless they have one already; returns
    /// the one they have (an audit entry only when it was created).
    async fn create_calendar_feed(
        &self,
        person: PersonId,
        secret: &str,
        work: &Work,
    ) -> CoreResult<String>;
    /// Gives the person this secret, replacing any they had.
    async fn replace_calendar_feed(
        &self,
        person: PersonId,
        secret: &str,
        work: &Work,
    ) -> CoreResult<()>;
    /// Removes the person's feed; false if there was none (then nothing is audited).
    async fn delete_calendar_feed(&self, person: PersonId, work: &Work) -> CoreResult<bool>;
    /// The person a feed secret belongs to.
    async fn person_by_calendar_secret(&self, secret: &str) -> CoreResult<Option<PersonId>>;
}
