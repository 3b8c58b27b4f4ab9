//! Retried requests answered once: the web layer asks here before a
//! creating request with an `Idempotency-Key` goes ahead, and tells the
//! answer after.

use std::sync::Arc;

use time::Duration;

use crate::idempotency::model::*;
use crate::idempotency::port::IdempotencyPort;
use crate::idempotency::rules::{KEEP_HOURS, MAX_KEPT_BYTES};
use crate::kernel::{CoreResult, Env};

#[derive(Clone)]
pub struct IdempotencyService {
    pub(crate) port: Arc<dyn IdempotencyPort>,
    pub(crate) env: Env,
}

impl IdempotencyService {
    /// What the key of `req` says now; a new key is claimed for it.
    #[tracing::instrument(skip_all)]
    pub async fn begin(&self, req: &KeyedRequest) -> CoreResult<KeyState> {
        let now = self.env.now();
        self.port
            .claim_key(req, now, now - Duration::hours(KEEP_HOURS))
            .await
    }

    /// The request that claimed the key was answered: an answer the client
    /// may rely on (anything but a server error) is kept for retries; for
    /// a server error, or an answer too large to keep, the key is freed.
    #[tracing::instrument(skip_all)]
    pub async fn finish(&self, req: &KeyedRequest, answer: &KeptAnswer) -> CoreResult<()> {
        if answer.status >= 500 || answer.body.len() > MAX_KEPT_BYTES {
            return self.port.free_key(req).await;
        }
        self.port.keep_answer(req, answer).await
    }

    /// Forgets answers older than they are kept; how many.
    #[tracing::instrument(skip_all)]
    pub async fn forget_old(&self) -> CoreResult<u64> {
        self.port
            .forget_keys(self.env.now() - Duration::hours(KEEP_HOURS))
            .await
    }
}
