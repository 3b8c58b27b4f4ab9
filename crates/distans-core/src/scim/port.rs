//! What provisioning needs of storage. Every method that changes data is
//! one transaction with its audit entry.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::kernel::{CoreResult, PersonId, Role, ScimGroupId, Work};
use crate::scim::model::{GroupDraft, ScimGroup, ScimToken, ScimUser};

#[async_trait]
pub trait ScimPort: Send + Sync {
    async fn create_scim_token(&self, t: &ScimToken, hash: &str, work: &Work) -> CoreResult<()>;
    /// Revokes the live token of this name; false if there is none.
    async fn revoke_scim_token(&self, name: &str, work: &Work) -> CoreResult<bool>;
    async fn scim_tokens(&self) -> CoreResult<Vec<ScimToken>>;
    /// The live token with this hash; records its use.
    async fn scim_token_by_hash(
        &self,
        hash: &str,
        now: OffsetDateTime,
    ) -> CoreResult<Option<ScimToken>>;
    async fn scim_user(&self, id: PersonId) -> CoreResult<Option<ScimUser>>;
    /// Users, at most `limit`, narrowed to those whose `attr` (userName,
    /// externalId or emails.value) is `value` (any case) when given.
    async fn scim_users(
        &self,
        narrow: Option<(&str, &str)>,
        limit: i64,
    ) -> CoreResult<Vec<ScimUser>>;
    /// The person whose account has this username.
    async fn person_by_username(&self, username: &str) -> CoreResult<Option<PersonId>>;
    async fn scim_group(&self, id: ScimGroupId) -> CoreResult<Option<ScimGroup>>;
    /// Groups, at most `limit`, narrowed by displayName or externalId.
    async fn scim_groups(
        &self,
        narrow: Option<(&str, &str)>,
        limit: i64,
    ) -> CoreResult<Vec<ScimGroup>>;
    /// Writes a group (new when `version` is None, else if still at
    /// `version`) with its members, and in the same transaction grants and
    /// revokes the roles `mapping` ties to groups, for everyone whose groups
    /// changed. The new version.
    async fn save_scim_group(
        &self,
        g: &GroupDraft,
        version: Option<i64>,
        mapping: &[(String, Role)],
        work: &Work,
    ) -> CoreResult<i64>;
    /// Deletes a group, revoking the roles it granted; false if none.
    async fn delete_scim_group(
        &self,
        id: ScimGroupId,
        mapping: &[(String, Role)],
        work: &Work,
    ) -> CoreResult<bool>;
}
