//! Who is in: each person's choice whether colleagues see them on site, and
//! a unit's people with it, on both engines.

use std::sync::Arc;

use distans_core::org::csv::parse_people_csv;
use distans_core::store::*;

use super::{core, fresh_dbs, username_person, CSV};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_persons_choice_is_kept_and_read_with_their_unit() {
    for t in fresh_dbs().await {
        let store = Arc::new(t.open().await);
        let c = core(&store);
        let label = t.label;
        c.ensure_defaults().await.unwrap();
        c.org
            .import(None, &parse_people_csv(CSV.as_bytes()).unwrap())
            .await
            .unwrap();
        let karin = store
            .actor(username_person(&store, "karin").await)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            store.share_choice(karin.person_id).await.unwrap(),
            None,
            "{label}"
        );
        let choice = c.presence.share_choice(&karin).await.unwrap();
        assert!(choice.shares(), "{label}: the default policy shares");

        for share in [Some(false), Some(true), None] {
            let got = c.presence.set_share_choice(&karin, share).await.unwrap();
            assert_eq!(got.chosen, share, "{label}");
            assert_eq!(
                store.share_choice(karin.person_id).await.unwrap(),
                share,
                "{label}"
            );
        }
        c.presence
            .set_share_choice(&karin, Some(false))
            .await
            .unwrap();
        let today = c.today();
        let people = store
            .share_choices_of_unit(karin.unit.id, today, 100)
            .await
            .unwrap();
        let me = people
            .iter()
            .find(|p| p.person.id == karin.person_id)
            .unwrap_or_else(|| panic!("{label}: karin is in her unit"));
        assert_eq!(me.chosen, Some(false), "{label}");
        assert!(
            people
                .iter()
                .filter(|p| p.person.id != karin.person_id)
                .all(|p| p.chosen.is_none()),
            "{label}: nobody else chose"
        );
        // More people than asked for: refused, never cut silently.
        if people.len() > 1 {
            assert!(
                store
                    .share_choices_of_unit(karin.unit.id, today, 1)
                    .await
                    .is_err(),
                "{label}"
            );
        }
        t.drop_db().await;
    }
}
