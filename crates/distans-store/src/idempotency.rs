//! Idempotency keys: claimed with one `INSERT … ON CONFLICT DO NOTHING`, so
//! that of two servers receiving the same key at once exactly one goes
//! ahead.

use async_trait::async_trait;
use time::OffsetDateTime;

use distans_core::idempotency::{KeptAnswer, KeyState, KeyedRequest};
use distans_core::store::IdempotencyPort;
use distans_core::CoreResult;

use crate::db::{execute, fetch};
use crate::SqlStore;

type KeyRow = (String, Option<i32>, Option<String>, Option<Vec<u8>>);

#[async_trait]
impl IdempotencyPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn claim_key(
        &self,
        req: &KeyedRequest,
        at: OffsetDateTime,
        expired_before: OffsetDateTime,
    ) -> CoreResult<KeyState> {
        let key = req.key.as_str();
        execute!(
            self.db(),
            "DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND claimed_at < $3",
            &req.scope,
            key,
            expired_before
        )?;
        // Twice at most: the key may be freed between our insert and read.
        for _ in 0..2 {
            let claimed = execute!(
                self.db(),
                "INSERT INTO idempotency_keys (scope, key, fingerprint, claimed_at)
                 VALUES ($1, $2, $3, $4) ON CONFLICT (scope, key) DO NOTHING",
                &req.scope,
                key,
                &req.fingerprint,
                at
            )?;
            if claimed == 1 {
                return Ok(KeyState::New);
            }
            let found: Option<KeyRow> = fetch!(
                self.db(),
                fetch_optional,
                "SELECT fingerprint, status, content_type, body FROM idempotency_keys
                 WHERE scope = $1 AND key = $2",
                &req.scope,
                key
            )?;
            match found {
                None => continue,
                Some((fingerprint, _, _, _)) if fingerprint != req.fingerprint => {
                    return Ok(KeyState::OtherRequest)
                }
                Some((_, Some(status), content_type, body)) => {
                    return Ok(KeyState::Answered(KeptAnswer {
                        status: u16::try_from(status).unwrap_or(500),
                        content_type: content_type.unwrap_or_default(),
                        body: body.unwrap_or_default(),
                    }))
                }
                Some(_) => return Ok(KeyState::InProgress),
            }
        }
        Ok(KeyState::InProgress)
    }

    #[tracing::instrument(skip_all)]
    async fn keep_answer(&self, req: &KeyedRequest, answer: &KeptAnswer) -> CoreResult<()> {
        execute!(
            self.db(),
            "UPDATE idempotency_keys SET status = $1, content_type = $2, body = $3
             WHERE scope = $4 AND key = $5",
            i32::from(answer.status),
            &answer.content_type,
            &answer.body,
            &req.scope,
            req.key.as_str()
        )?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn free_key(&self, req: &KeyedRequest) -> CoreResult<()> {
        execute!(
            self.db(),
            "DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status IS NULL",
            &req.scope,
            req.key.as_str()
        )?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn forget_keys(&self, before: OffsetDateTime) -> CoreResult<u64> {
        execute!(
            self.db(),
            "DELETE FROM idempotency_keys WHERE claimed_at < $1",
            before
        )
    }
}
