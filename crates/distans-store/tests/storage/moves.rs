//! A person who moves to another unit keeps their agreement only when a
//! manager of the new unit confirms it; until then it is that manager's
//! task, and the manager may end it instead.

use std::sync::Arc;

use distans_core::kernel::{Actor, Paging};
use distans_core::org::edit::PersonChange;
use distans_core::store::*;
use distans_core::CoreError;

use super::agreements::signed_agreement;
use super::{core, fresh_dbs, username_person};

async fn actor(store: &distans_store::SqlStore, name: &str) -> Actor {
    store
        .actor(username_person(store, name).await)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moved_agreement_waits_for_the_new_manager() {
    for t in fresh_dbs().await {
        let label = t.label;
        let store = Arc::new(t.open().await);
        let c = core(&store);
        c.demo.load_demo(60).await.unwrap();
        c.ensure_defaults().await.unwrap();
        let (anna, chef, bygg, hr) = (
            actor(&store, "anna").await,
            actor(&store, "chef").await,
            actor(&store, "bygg").await,
            actor(&store, "hr").await,
        );
        let gid = signed_agreement(&c, &anna, &chef, 200).await;
        let c = Arc::new(c);
        let listed = |a: Actor| {
            let c = c.clone();
            async move {
                c.agreements
                    .agreements_to_confirm(&a, Paging::first(500))
                    .await
                    .unwrap()
                    .items
                    .iter()
                    .any(|g| g.id == gid)
            }
        };
        assert!(!listed(hr.clone()).await, "{label}: nobody moved yet");
        assert_eq!(c.agreements.tell_of_moved_agreements().await.unwrap(), 0);

        // HR moves Anna to the unit Bygg manages.
        let person = c.org.person(&hr, anna.person_id).await.unwrap();
        let to = bygg.manages[0].id;
        let change = PersonChange {
            unit_id: Some(to),
            ..PersonChange::default()
        };
        c.org
            .update_person(&hr, anna.person_id, person.version, &change)
            .await
            .unwrap();
        let g = c.agreements.agreement(&bygg, gid).await.unwrap();
        assert_eq!(g.moved_to, Some(to), "{label}");
        assert!(
            listed(bygg.clone()).await,
            "{label}: the new manager's task"
        );
        assert!(listed(hr.clone()).await, "{label}: HR sees every one");
        assert!(
            !listed(chef.clone()).await,
            "{label}: not the old manager's"
        );
        assert!(!listed(anna.clone()).await, "{label}: nor the employee's");

        // The new manager is told once.
        assert_eq!(c.agreements.tell_of_moved_agreements().await.unwrap(), 1);
        assert_eq!(c.agreements.tell_of_moved_agreements().await.unwrap(), 0);
        let told = c
            .notify
            .notifications(&bygg, Paging::default())
            .await
            .unwrap();
        assert_eq!(told.items[0].kind, "agreement_to_confirm", "{label}");

        // Only the new unit's managers (or HR) decide; not with a stale version.
        let refused = c.agreements.confirm_after_move(&chef, gid, g.version).await;
        assert!(
            matches!(refused, Err(CoreError::Forbidden(_))),
            "{label}: {refused:?}"
        );
        let own = c.agreements.confirm_after_move(&anna, gid, g.version).await;
        assert!(
            matches!(own, Err(CoreError::Forbidden(_))),
            "{label}: {own:?}"
        );
        let stale = c
            .agreements
            .confirm_after_move(&bygg, gid, g.version - 1)
            .await;
        assert!(
            matches!(stale, Err(CoreError::Conflict(_))),
            "{label}: {stale:?}"
        );

        let kept = c
            .agreements
            .confirm_after_move(&bygg, gid, g.version)
            .await
            .unwrap();
        assert_eq!(kept.moved_to, None, "{label}");
        assert_eq!(
            kept.decider_id, bygg.person_id,
            "{label}: signs for the employer now"
        );
        assert_eq!(kept.ends_on, None, "{label}: it continues");
        assert!(!listed(bygg.clone()).await, "{label}: the task is done");
        let again = c
            .agreements
            .confirm_after_move(&bygg, gid, kept.version)
            .await;
        assert!(matches!(again, Err(CoreError::Conflict(_))), "{label}");
        let anna_told = c
            .notify
            .notifications(&anna, Paging::default())
            .await
            .unwrap();
        assert_eq!(anna_told.items[0].kind, "agreement_kept", "{label}");

        // Back to Chef's unit: this time the new manager ends it, with notice.
        let person = c.org.person(&hr, anna.person_id).await.unwrap();
        let back = PersonChange {
            unit_id: Some(anna.unit.id),
            ..PersonChange::default()
        };
        c.org
            .update_person(&hr, anna.person_id, person.version, &back)
            .await
            .unwrap();
        assert!(listed(chef.clone()).await, "{label}");
        let ended = c
            .agreements
            .end_agreement(&chef, gid, Some("Tjänsten kräver närvaro"))
            .await
            .unwrap();
        assert!(ended.ends_on.is_some(), "{label}");
        let reason = ended.end_reason.unwrap_or_default();
        assert!(
            reason.contains("Tjänsten kräver närvaro"),
            "{label}: {reason}"
        );
        // Notice is given once; the task is done.
        assert!(c.agreements.end_agreement(&chef, gid, None).await.is_err());
        assert!(!listed(chef.clone()).await, "{label}");
        let audit = store
            .audit(
                &distans_core::audit::AuditFilter {
                    entity: Some("agreement".into()),
                    entity_id: Some(gid.to_string()),
                    from: None,
                    ..Default::default()
                },
                Paging::first(50),
            )
            .await
            .unwrap();
        let actions: Vec<_> = audit
            .items
            .iter()
            .map(|e| e.entry.action.as_str())
            .collect();
        for a in [
            "agreement.confirm_move",
            "agreement.move_told",
            "agreement.end_after_move",
        ] {
            assert!(actions.contains(&a), "{label}: {actions:?}");
        }
        assert!(c.audit.verify_audit(None).await.unwrap().ok, "{label}");
        t.drop_db().await;
    }
}
