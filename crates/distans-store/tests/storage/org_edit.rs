//! The organisation edited in the app: units created, moved with what is
//! below them, given a deputy, closed when empty; sites added and changed.

use std::sync::Arc;

use distans_core::org::units::{NewUnit, SiteInput, UnitChange};
use distans_core::store::*;
use distans_core::CoreError;

use super::{core, fresh_dbs, username_person};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn units_are_created_moved_given_a_deputy_and_closed() {
    for t in fresh_dbs().await {
        let label = t.label;
        let store = Arc::new(t.open().await);
        let c = core(&store);
        c.demo.load_demo(60).await.unwrap();
        c.ensure_defaults().await.unwrap();
        let who = |u: &'static str| {
            let store = &store;
            async move {
                store
                    .actor(username_person(store, u).await)
                    .await
                    .unwrap()
                    .unwrap()
            }
        };
        let (hr, chef, anna) = (who("hr").await, who("chef").await, who("anna").await);
        let kc = chef.manages[0].id;
        let kc_unit = c.org.unit(&hr, kc).await.unwrap();
        let top = kc_unit.ancestors[0].id;

        // Only HR and administrators change the organisation.
        let new = NewUnit {
            name: " Digitalisering ".into(),
            parent: Some(top),
            ..NewUnit::default()
        };
        assert!(matches!(
            c.org.create_unit(&chef, &new).await,
            Err(CoreError::Forbidden(_))
        ));
        let dig = c.org.create_unit(&hr, &new).await.unwrap();
        assert_eq!(dig.unit.name, "Digitalisering", "{label}");
        assert_eq!(dig.unit.depth, 1);
        let team = c
            .org
            .create_unit(
                &hr,
                &NewUnit {
                    name: "Team A".into(),
                    parent: Some(dig.unit.id),
                    ..NewUnit::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(team.unit.depth, 2);

        // Moving Digitalisering under Kontaktcenter moves Team A with it;
        // moving Kontaktcenter below Team A would make a loop.
        let moved = c
            .org
            .change_unit(
                &hr,
                dig.unit.id,
                &UnitChange {
                    parent: Some(kc),
                    version: dig.unit.version,
                    ..UnitChange::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(moved.unit.parent_id, Some(kc), "{label}");
        let team = c.org.unit(&hr, team.unit.id).await.unwrap();
        assert_eq!(team.unit.depth, kc_unit.unit.depth + 2, "{label}");
        assert!(
            team.ancestors.iter().any(|a| a.id == kc),
            "{label}: {:?}",
            team.ancestors
        );
        let looped = c
            .org
            .change_unit(
                &hr,
                kc,
                &UnitChange {
                    parent: Some(team.unit.id),
                    version: kc_unit.unit.version,
                    ..UnitChange::default()
                },
            )
            .await;
        assert!(
            matches!(looped, Err(CoreError::Rule { .. })),
            "{label}: {looped:?}"
        );

        // A stale version is a conflict; nothing is lost.
        let stale = c
            .org
            .change_unit(
                &hr,
                dig.unit.id,
                &UnitChange {
                    name: Some("Gammalt namn".into()),
                    version: dig.unit.version,
                    ..UnitChange::default()
                },
            )
            .await;
        assert!(
            matches!(stale, Err(CoreError::Conflict(_))),
            "{label}: {stale:?}"
        );

        // A deputy stands in with the manager's rights.
        let deputised = c
            .org
            .change_unit(
                &hr,
                team.unit.id,
                &UnitChange {
                    deputy: Some(Some(anna.person_id)),
                    version: team.unit.version,
                    ..UnitChange::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            deputised.deputy.as_ref().map(|d| d.id),
            Some(anna.person_id)
        );
        let anna = store.actor(anna.person_id).await.unwrap().unwrap();
        assert!(anna.manages.iter().any(|m| m.id == team.unit.id), "{label}");

        // Kontaktcenter has people: it cannot close. Team A can, and is
        // then out of the tree; Digitalisering then has nothing below it.
        let refused = c.org.close_unit(&hr, kc, kc_unit.unit.version).await;
        assert!(
            matches!(refused, Err(CoreError::Rule { .. })),
            "{label}: {refused:?}"
        );
        c.org
            .close_unit(&hr, team.unit.id, deputised.unit.version)
            .await
            .unwrap();
        let dig = c.org.unit(&hr, dig.unit.id).await.unwrap();
        assert_eq!(dig.unit.children, 0, "{label}");
        assert!(c
            .org
            .unit(&hr, team.unit.id)
            .await
            .unwrap()
            .closed_at
            .is_some());
        let anna = store.actor(anna.person_id).await.unwrap().unwrap();
        assert!(
            anna.manages.is_empty(),
            "{label}: a closed unit has no deputy"
        );

        // Sites: added, changed at their version.
        let site = c
            .org
            .create_site(
                &hr,
                &SiteInput {
                    name: Some("Nya huset".into()),
                    address: Some("Ågatan 3".into()),
                    desks: Some(12),
                    version: None,
                },
            )
            .await
            .unwrap();
        let change = SiteInput {
            desks: Some(20),
            version: Some(1),
            ..SiteInput::default()
        };
        let (changed, version) = c.org.change_site(&hr, site.id, &change).await.unwrap();
        assert_eq!((changed.desks, version), (20, 2), "{label}");
        let again = c.org.change_site(&hr, site.id, &change).await;
        assert!(
            matches!(again, Err(CoreError::Conflict(_))),
            "{label}: {again:?}"
        );
        let dup = c
            .org
            .create_site(
                &hr,
                &SiteInput {
                    name: Some("Nya huset".into()),
                    address: Some("x".into()),
                    desks: Some(1),
                    version: None,
                },
            )
            .await;
        assert!(
            matches!(dup, Err(CoreError::Conflict(_))),
            "{label}: {dup:?}"
        );
    }
}
