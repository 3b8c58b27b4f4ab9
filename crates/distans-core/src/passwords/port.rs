//! What password links need of storage.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::kernel::{CoreResult, Message, PersonId, Work};
use crate::passwords::model::{Account, NewLink};

#[async_trait]
pub trait PasswordsPort: Send + Sync {
    /// The active person with a local account whose username, or whose
    /// e-mail address, is `login` (none when no one, or several, match).
    async fn account_by_login(&self, login: &str) -> CoreResult<Option<Account>>;
    /// The active person's local account, if they have one.
    async fn account_of(&self, person: PersonId) -> CoreResult<Option<Account>>;
    /// Stores the link and queues `mail` (its message) to `to`, in the
    /// recipient's language — an e-mail only, never an in-app notice.
    async fn create_link(
        &self,
        link: &NewLink,
        to: &str,
        mail: &Message,
        work: &Work,
    ) -> CoreResult<()>;
    /// The account a link is for, while it is unused and unexpired.
    async fn link_account(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> CoreResult<Option<Account>>;
    /// Uses the link: sets the account's password hash and ends every link
    /// of the person; false when the link is used, expired or unknown.
    async fn use_link(
        &self,
        token_hash: &str,
        password_hash: &str,
        work: &Work,
    ) -> CoreResult<bool>;
}
