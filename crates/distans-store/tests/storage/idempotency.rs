//! Idempotency keys on both engines: one claim wins, answers are kept and
//! given again, another request with the key is told apart, old keys go.

use std::sync::Arc;

use distans_core::idempotency::rules::{fingerprint, parse_key};
use distans_core::idempotency::{KeptAnswer, KeyState, KeyedRequest};
use distans_core::store::*;
use time::{Duration, OffsetDateTime};

use super::fresh_dbs;

fn keyed(scope: &str, key: &str, body: &str) -> KeyedRequest {
    KeyedRequest {
        scope: scope.into(),
        key: parse_key(key).unwrap(),
        fingerprint: fingerprint(&[b"POST", b"/api/v1/x", body.as_bytes()]),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_claim_of_a_key_goes_ahead_and_its_answer_is_kept() {
    for t in fresh_dbs().await {
        let label = t.label;
        let store = Arc::new(t.open().await);
        let now = OffsetDateTime::now_utc();
        let old = now - Duration::hours(24);
        let req = keyed("client-a", "k1", "{}");
        // Two servers at once: exactly one goes ahead.
        let (a, b) = tokio::join!(
            store.claim_key(&req, now, old),
            store.claim_key(&req, now, old)
        );
        let mut states = vec![a.unwrap(), b.unwrap()];
        states.sort_by_key(|s| format!("{s:?}"));
        assert_eq!(states, vec![KeyState::InProgress, KeyState::New], "{label}");
        let answer = KeptAnswer {
            status: 201,
            content_type: "application/json".into(),
            body: br#"{"id":"x"}"#.to_vec(),
        };
        store.keep_answer(&req, &answer).await.unwrap();
        assert_eq!(
            store.claim_key(&req, now, old).await.unwrap(),
            KeyState::Answered(answer.clone()),
            "{label}"
        );
        // The same key for another body, or from another client.
        assert_eq!(
            store
                .claim_key(&keyed("client-a", "k1", "{\"x\":1}"), now, old)
                .await
                .unwrap(),
            KeyState::OtherRequest,
            "{label}"
        );
        assert_eq!(
            store
                .claim_key(&keyed("client-b", "k1", "{}"), now, old)
                .await
                .unwrap(),
            KeyState::New,
            "{label}"
        );
        // A freed key (the first request failed on our side) may go again;
        // a kept answer is not freed.
        let failing = keyed("client-a", "k2", "{}");
        assert_eq!(
            store.claim_key(&failing, now, old).await.unwrap(),
            KeyState::New
        );
        store.free_key(&failing).await.unwrap();
        assert_eq!(
            store.claim_key(&failing, now, old).await.unwrap(),
            KeyState::New
        );
        store.free_key(&req).await.unwrap();
        assert!(matches!(
            store.claim_key(&req, now, old).await.unwrap(),
            KeyState::Answered(_)
        ));
        // After a day the key is forgotten.
        let later = now + Duration::hours(25);
        assert_eq!(
            store
                .forget_keys(later - Duration::hours(24))
                .await
                .unwrap(),
            3,
            "{label}"
        );
        assert_eq!(
            store
                .claim_key(&req, later, later - Duration::hours(24))
                .await
                .unwrap(),
            KeyState::New,
            "{label}"
        );
        drop(store);
        t.drop_db().await;
    }
}
