//! Password links on both engines: made for one account only, working
//! once, and not after they expire.

use std::sync::Arc;

use distans_core::kernel::clock::FixedClock;
use distans_core::store::*;
use distans_core::{Core, CoreError};
use time::OffsetDateTime;

use super::{fresh_dbs, username_person};

/// The secret of the newest link mailed (from the queued message).
async fn newest_secret(store: &distans_store::SqlStore) -> Option<String> {
    let mails = store
        .outbox_claim(
            distans_core::kernel::LeaseId::new(),
            (
                OffsetDateTime::now_utc() + time::Duration::days(30),
                OffsetDateTime::now_utc() + time::Duration::days(31),
            ),
            100,
        )
        .await
        .unwrap();
    mails.into_iter().rev().find_map(|m| match m.content {
        distans_core::notify::NoticeContent::Message(msg) => match msg.link {
            distans_core::kernel::Link::SetPassword(s) => Some(s),
            _ => None,
        },
        _ => None,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_link_works_once_and_expires() {
    for t in fresh_dbs().await {
        let label = t.label;
        let clock = FixedClock::new(OffsetDateTime::now_utc());
        let store = Arc::new(t.open().await);
        let c = Core::new(store.clone(), Arc::new(clock.clone()));
        c.demo.load_demo(60).await.unwrap();
        let anna = username_person(&store, "anna").await;

        c.passwords.forgot("inte-någon").await.unwrap();
        assert!(
            newest_secret(&store).await.is_none(),
            "{label}: nothing for nobody"
        );
        c.passwords.forgot(" ANNA ").await.unwrap();
        let secret = newest_secret(&store).await.expect("a link for anna");
        assert_eq!(
            c.passwords.link_account(&secret).await.unwrap().person,
            anna
        );
        c.passwords
            .set_password(&secret, "en lång mening")
            .await
            .unwrap();
        assert!(store
            .credentials("anna")
            .await
            .unwrap()
            .unwrap()
            .1
            .is_some());
        let again = c.passwords.set_password(&secret, "en annan mening").await;
        assert!(
            matches!(again, Err(CoreError::NotFound(_))),
            "{label}: {again:?}"
        );

        // A link an hour and a minute old no longer works.
        c.passwords.forgot("anna").await.unwrap();
        let secret = newest_secret(&store).await.expect("a second link");
        clock.advance(time::Duration::minutes(61));
        let late = c.passwords.set_password(&secret, "en tredje mening").await;
        assert!(
            matches!(late, Err(CoreError::NotFound(_))),
            "{label}: {late:?}"
        );
    }
}
