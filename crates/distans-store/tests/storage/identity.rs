//! Identity: personal tokens, sessions and passwords.

use std::sync::Arc;

use distans_core::identity::SessionWrite;
use distans_core::org::csv::parse_people_csv;
use distans_core::store::*;
use time::OffsetDateTime;

use super::{core, fresh_dbs, username_person, CSV};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_sessions_and_passwords() {
    for t in fresh_dbs().await {
        let store = Arc::new(t.open().await);
        let c = core(&store);
        let label = t.label;
        c.org
            .import(None, &parse_people_csv(CSV.as_bytes()).unwrap())
            .await
            .unwrap();
        let karin = store
            .actor(username_person(&store, "karin").await)
            .await
            .unwrap()
            .unwrap();

        // Passwords.
        assert!(c
            .identity
            .set_password("karin", "hemligt-ord")
            .await
            .is_ok());
        assert!(c
            .identity
            .set_password("nobody", "hemligt-ord")
            .await
            .is_err());
        assert!(
            c.identity.set_password("karin", "x").await.is_err(),
            "too short"
        );

        // Tokens.
        let t1 = c
            .identity
            .create_token(&karin, "skript", Some(30))
            .await
            .unwrap();
        assert_eq!(
            c.identity
                .actor_by_token(&t1.secret)
                .await
                .unwrap()
                .map(|a| a.person_id),
            Some(karin.person_id),
            "{label}"
        );
        assert!(c
            .identity
            .actor_by_token("dst_wrong")
            .await
            .unwrap()
            .is_none());
        assert_eq!(c.identity.tokens(&karin).await.unwrap().len(), 1);
        assert!(c.identity.create_token(&karin, "", None).await.is_err());
        assert!(c
            .identity
            .create_token(&karin, "x", Some(1000))
            .await
            .is_err());
        c.identity.revoke_token(&karin, t1.token.id).await.unwrap();
        assert!(
            c.identity
                .actor_by_token(&t1.secret)
                .await
                .unwrap()
                .is_none(),
            "{label}: revoked"
        );
        assert!(c.identity.revoke_token(&karin, t1.token.id).await.is_err());
        // An expired token does not work.
        let t2 = c
            .identity
            .create_token(&karin, "kort", Some(1))
            .await
            .unwrap();
        let later = OffsetDateTime::now_utc() + time::Duration::days(2);
        assert!(store
            .person_by_token(
                &distans_core::identity::rules::token::hash(&t2.secret),
                later
            )
            .await
            .unwrap()
            .is_none());

        // Sessions.
        let now = distans_core::kernel::clock::whole_seconds(OffsetDateTime::now_utc());
        assert!(store
            .session_create(
                &SessionWrite {
                    id: "s1",
                    data: b"{\"a\":1}",
                    expiry: now + time::Duration::hours(1),
                    meta: &Default::default()
                },
                now,
            )
            .await
            .unwrap());
        assert!(
            !store
                .session_create(
                    &SessionWrite {
                        id: "s1",
                        data: b"{}",
                        expiry: now + time::Duration::hours(1),
                        meta: &Default::default()
                    },
                    now,
                )
                .await
                .unwrap(),
            "{label}: id taken"
        );
        assert_eq!(
            store.session_load("s1").await.unwrap(),
            Some((b"{\"a\":1}".to_vec(), now + time::Duration::hours(1)))
        );
        store
            .session_save(
                &SessionWrite {
                    id: "s1",
                    data: b"{\"a\":2}",
                    expiry: now + time::Duration::hours(1),
                    meta: &Default::default(),
                },
                now,
            )
            .await
            .unwrap();
        assert_eq!(
            store.session_load("s1").await.unwrap(),
            Some((b"{\"a\":2}".to_vec(), now + time::Duration::hours(1)))
        );
        store
            .session_save(
                &SessionWrite {
                    id: "s2",
                    data: b"{}",
                    expiry: now - time::Duration::seconds(1),
                    meta: &Default::default(),
                },
                now,
            )
            .await
            .unwrap();
        // An expired session is none, also once remembered.
        for _ in 0..2 {
            assert!(c.identity.session_load("s2").await.unwrap().is_none());
            assert_eq!(
                c.identity.session_load("s1").await.unwrap(),
                Some(b"{\"a\":2}".to_vec())
            );
        }
        assert_eq!(
            store.sessions_purge(now).await.unwrap(),
            1,
            "{label}: only the expired one"
        );
        store.session_delete("s1").await.unwrap();
        assert!(store.session_load("s1").await.unwrap().is_none());

        assert!(c.audit.verify_audit(None).await.unwrap().ok);

        t.drop_db().await;
    }
}

/// A sign-in through the identity provider finds the person the same way on
/// both engines: the e-mail address in any case, the employee number exactly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_person_a_providers_claim_names() {
    use distans_core::identity::ExternalMatch;
    for t in fresh_dbs().await {
        let store = Arc::new(t.open().await);
        let c = core(&store);
        let label = t.label;
        c.org
            .import(None, &parse_people_csv(CSV.as_bytes()).unwrap())
            .await
            .unwrap();
        let karin = ExternalMatch::Person(username_person(&store, "karin").await);
        let id = &c.identity;
        for (claim, value, want) in [
            ("email", "karin@k.se", karin),
            ("email", "KARIN@K.SE", karin),
            ("email", "karin@k.s", ExternalMatch::Unknown),
            ("email", "1", ExternalMatch::Unknown),
            ("sub", "1", karin),
            ("employee_number", "1", karin),
            ("employee_number", "karin@k.se", ExternalMatch::Unknown),
            ("employee_number", "11", ExternalMatch::Unknown),
        ] {
            assert_eq!(
                id.person_for_claim(claim, value).await.unwrap(),
                want,
                "{label}: {claim} {value}"
            );
        }
    }
}
