//! What the idempotency slice needs of storage: keys, claimed atomically
//! so that two servers never both go ahead with one key.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::idempotency::model::{KeptAnswer, KeyState, KeyedRequest};
use crate::kernel::CoreResult;

#[async_trait]
pub trait IdempotencyPort: Send + Sync {
    /// Claims the key for this request at `at` if it is free (or its
    /// answer older than `expired_before`), else says what it holds.
    async fn claim_key(
        &self,
        req: &KeyedRequest,
        at: OffsetDateTime,
        expired_before: OffsetDateTime,
    ) -> CoreResult<KeyState>;
    /// Keeps the answer given to the request that claimed the key.
    async fn keep_answer(&self, req: &KeyedRequest, answer: &KeptAnswer) -> CoreResult<()>;
    /// Frees the key (the request failed on our side: a retry may try again).
    async fn free_key(&self, req: &KeyedRequest) -> CoreResult<()>;
    /// Forgets keys claimed before `before`; how many.
    async fn forget_keys(&self, before: OffsetDateTime) -> CoreResult<u64>;
}
