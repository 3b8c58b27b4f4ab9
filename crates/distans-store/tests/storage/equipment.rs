//! Equipment: lent under agreements, returned and collected.

use std::sync::Arc;

use distans_core::audit::AuditFilter;
use distans_core::kernel::Paging;
use distans_core::store::*;
use distans_core::{Core, CoreError};
use time::OffsetDateTime;

use super::{fresh_dbs, message_of, username_person};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn equipment_is_lent_under_agreements_returned_and_collected() {
    use distans_core::cases::Decision;
    use distans_core::equipment::{ItemFilter, ItemKind, ItemState};
    use distans_core::kernel::clock::FixedClock;
    use distans_core::policy::RequestInput;
    for t in fresh_dbs().await {
        let label = t.label;
        let clock = FixedClock::new(OffsetDateTime::now_utc());
        let store = Arc::new(t.open().await);
        let c = Core::new(store.clone(), Arc::new(clock.clone()));
        c.demo.load_demo(60).await.unwrap();
        c.ensure_defaults().await.unwrap();
        let actor = |u: &'static str| {
            let store = &store;
            async move {
                store
                    .actor(username_person(store, u).await)
                    .await
                    .unwrap()
                    .unwrap()
            }
        };
        let (anna, bo, chef, bygg, hr, admin) = (
            actor("anna").await,
            actor("bo").await,
            actor("chef").await,
            actor("bygg").await,
            actor("hr").await,
            actor("admin").await,
        );

        // The inventory: HR and administrators add, others may not.
        let laptop = c
            .equipment
            .add_equipment(&hr, "laptop", " T-LAP-1 ", "Dell Latitude 5450")
            .await
            .unwrap();
        assert_eq!(laptop.identifier, "T-LAP-1");
        assert_eq!(laptop.state, ItemState::Available);
        let laptop2 = c
            .equipment
            .add_equipment(&admin, "laptop", "T-LAP-2", "Lenovo T14")
            .await
            .unwrap();
        let screen = c
            .equipment
            .add_equipment(&hr, "screen", "T-SCR-1", "Skärm 27\"")
            .await
            .unwrap();
        assert!(
            matches!(
                c.equipment
                    .add_equipment(&hr, "screen", "T-SCR-1", "igen")
                    .await,
                Err(CoreError::Conflict(_))
            ),
            "{label}: the identifier is unique"
        );
        assert!(matches!(
            c.equipment.add_equipment(&hr, "desk", "T-DESK", "").await,
            Err(CoreError::Invalid { .. })
        ));
        assert!(matches!(
            c.equipment.add_equipment(&chef, "mouse", "T-M", "").await,
            Err(CoreError::Forbidden(_))
        ));
        let screens = c
            .equipment
            .equipment(
                &chef,
                ItemFilter {
                    kind: Some(ItemKind::Screen),
                    search: Some("T-".into()),
                    ..Default::default()
                },
                Paging::default(),
            )
            .await
            .unwrap();
        assert_eq!(screens.total, 1, "{label}");
        assert!(c
            .equipment
            .equipment(&anna, ItemFilter::default(), Paging::default())
            .await
            .is_err());

        // Anna has an agreement of 2 days a week (chef) and one of 3 (HR, not yet signed).
        let request = |days: i64, start: time::Date| RequestInput {
            days_per_week: Some(days),
            start: Some(start.to_string()),
            end: Some((start + time::Duration::days(60)).to_string()),
            reason: "Pendling".into(),
            confirmations: vec![
                "wifi".into(),
                "it-security".into(),
                "vpn".into(),
                "home-insurance".into(),
            ],
            ..Default::default()
        };
        let start = c.today() + time::Duration::days(1);
        let r = c
            .cases
            .submit_request(&anna, &request(2, start))
            .await
            .unwrap();
        let g2 = c
            .cases
            .decide(&chef, r.id, Decision::Approve.into())
            .await
            .unwrap()
            .agreement_id
            .unwrap();
        c.agreements.send_agreement(&chef, g2, None).await.unwrap();
        c.agreements.sign_agreement(&anna, g2).await.unwrap();
        c.agreements.sign_agreement(&chef, g2).await.unwrap();
        let r = c
            .cases
            .submit_request(&anna, &request(3, start + time::Duration::days(90)))
            .await
            .unwrap();
        let g3 = c
            .cases
            .decide(&hr, r.id, Decision::Approve.into())
            .await
            .unwrap()
            .agreement_id
            .unwrap();
        c.agreements.send_agreement(&hr, g3, None).await.unwrap();

        // Basic equipment: lent under the current agreement.
        let loan = c
            .equipment
            .lend(&chef, laptop.id, anna.person_id, None)
            .await
            .unwrap();
        assert_eq!(loan.agreement.as_ref().unwrap().id, g2, "{label}");
        assert_eq!(loan.person.id, anna.person_id);
        assert_eq!(
            store
                .equipment_item(laptop.id)
                .await
                .unwrap()
                .unwrap()
                .state,
            ItemState::OnLoan
        );
        // An extra aid is refused with 2 days a week, allowed with 3.
        match c
            .equipment
            .lend(&chef, screen.id, anna.person_id, None)
            .await
        {
            Err(e @ CoreError::Rule { .. }) => {
                assert!(e.to_string().contains("extra_aids_above_days"), "{e}")
            }
            other => panic!("{label}: {other:?}"),
        }
        let screen_loan = c
            .equipment
            .lend(&hr, screen.id, anna.person_id, Some(g3))
            .await
            .unwrap();
        assert_eq!(screen_loan.agreement.as_ref().unwrap().days_per_week, 3);
        // Who may lend: not the employee, not another unit's manager.
        assert!(matches!(
            c.equipment
                .lend(&anna, laptop2.id, anna.person_id, None)
                .await,
            Err(CoreError::Forbidden(_))
        ));
        assert!(matches!(
            c.equipment
                .lend(&bygg, laptop2.id, anna.person_id, None)
                .await,
            Err(CoreError::NotFound(_))
        ));
        // Another person's agreement is not this one's.
        assert!(matches!(
            c.equipment
                .lend(&hr, laptop2.id, bo.person_id, Some(g2))
                .await,
            Err(CoreError::Invalid { .. })
        ));
        // A lent item cannot be lent again; two lenders at once: one wins.
        assert!(matches!(
            c.equipment.lend(&hr, laptop.id, bo.person_id, None).await,
            Err(CoreError::Conflict(_))
        ));
        let (a, b) = tokio::join!(
            c.equipment.lend(&chef, laptop2.id, anna.person_id, None),
            c.equipment.lend(&hr, laptop2.id, bo.person_id, None)
        );
        assert!(
            a.is_ok() != b.is_ok(),
            "{label}: exactly one wins: {a:?} {b:?}"
        );
        assert!(matches!(
            a.as_ref().err().or(b.as_ref().err()),
            Some(CoreError::Conflict(_))
        ));
        let second = a.or(b).unwrap();
        let open = store
            .loans(
                &distans_core::equipment::LoanScope::All,
                true,
                Paging::default(),
            )
            .await
            .unwrap();
        assert_eq!(
            open.items
                .iter()
                .filter(|l| l.item.id == laptop2.id)
                .count(),
            1,
            "{label}: one open loan of the item"
        );
        // An item on loan cannot be put in repair by hand.
        assert!(matches!(
            c.equipment
                .update_equipment(&hr, laptop.id, Some("in_repair"), None, None)
                .await,
            Err(CoreError::Conflict(_))
        ));

        // The person's loans: themselves, their managers, HR.
        let mine = c
            .equipment
            .loans(&anna, Some(anna.person_id), true, Paging::default())
            .await
            .unwrap();
        assert!(mine.items.iter().any(|l| l.id == loan.id));
        assert!(mine.items.iter().any(|l| l.id == screen_loan.id));
        assert!(c
            .equipment
            .loans(&chef, Some(anna.person_id), true, Paging::default())
            .await
            .is_ok());
        assert!(matches!(
            c.equipment
                .loans(&bo, Some(anna.person_id), true, Paging::default())
                .await,
            Err(CoreError::NotFound(_))
        ));
        assert!(matches!(
            c.equipment
                .loans(&bygg, Some(anna.person_id), true, Paging::default())
                .await,
            Err(CoreError::NotFound(_))
        ));
        // Without a person: an employee sees their own only.
        let bos = c
            .equipment
            .loans(&bo, None, false, Paging::default())
            .await
            .unwrap();
        assert!(bos.items.iter().all(|l| l.person.id == bo.person_id));

        // Returned, into repair; not twice; an item in repair is not lent.
        let back = c
            .equipment
            .return_loan(&chef, loan.id, Some("in_repair"))
            .await
            .unwrap();
        assert!(back.returned_at.is_some());
        assert_eq!(back.return_state, Some(ItemState::InRepair));
        assert_eq!(
            store
                .equipment_item(laptop.id)
                .await
                .unwrap()
                .unwrap()
                .state,
            ItemState::InRepair
        );
        assert!(matches!(
            c.equipment.return_loan(&chef, loan.id, None).await,
            Err(CoreError::Conflict(_))
        ));
        assert!(matches!(
            c.equipment.return_loan(&anna, screen_loan.id, None).await,
            Err(CoreError::Forbidden(_))
        ));
        assert!(matches!(
            c.equipment
                .lend(&chef, laptop.id, anna.person_id, None)
                .await,
            Err(CoreError::Conflict(_))
        ));
        let fixed = c
            .equipment
            .update_equipment(&hr, laptop.id, Some("available"), None, Some(3))
            .await
            .unwrap();
        assert_eq!(fixed.state, ItemState::Available);
        assert!(
            matches!(
                c.equipment
                    .update_equipment(&hr, laptop.id, Some("retired"), None, Some(3))
                    .await,
                Err(CoreError::Conflict(_))
            ),
            "{label}: a stale version"
        );

        // Nothing to collect yet (the agreements run for 60 days).
        let collect = c
            .equipment
            .loans_to_collect(&chef, Paging::default())
            .await
            .unwrap();
        assert!(collect.items.iter().all(|l| l.person.id != anna.person_id));
        // Anna ends the 2-day agreement: its open loan is to collect, and chef is told.
        let lent_under_g2 = c
            .equipment
            .lend(&chef, laptop.id, anna.person_id, Some(g2))
            .await
            .unwrap();
        c.agreements
            .end_agreement(&anna, g2, Some("Flyttar"))
            .await
            .unwrap();
        let collect = c
            .equipment
            .loans_to_collect(&chef, Paging::default())
            .await
            .unwrap();
        assert!(
            collect.items.iter().any(|l| l.id == lent_under_g2.id),
            "{label}: {collect:?}"
        );
        assert!(collect.items.iter().all(|l| l.id != screen_loan.id));
        let hr_collect = c
            .equipment
            .loans_to_collect(&hr, Paging::default())
            .await
            .unwrap();
        assert!(hr_collect.items.iter().any(|l| l.id == lent_under_g2.id));
        let bygg_collect = c
            .equipment
            .loans_to_collect(&bygg, Paging::default())
            .await
            .unwrap();
        assert!(bygg_collect.items.iter().all(|l| l.id != lent_under_g2.id));
        assert!(matches!(
            c.equipment.loans_to_collect(&anna, Paging::default()).await,
            Err(CoreError::Forbidden(_))
        ));
        let notes = c
            .notify
            .notifications(&chef, Paging::default())
            .await
            .unwrap();
        assert!(
            notes.items.iter().any(|n| n.kind == "equipment_to_collect"
                && message_of(&n.content).args["items"].contains("T-LAP-1")),
            "{label}: {:?}",
            notes.items
        );
        // Every change is in the audit log.
        let log = store
            .audit(
                &AuditFilter::default(),
                Paging {
                    limit: 500,
                    offset: 0,
                },
            )
            .await
            .unwrap();
        for action in [
            "equipment.create",
            "equipment.update",
            "loan.create",
            "loan.return",
        ] {
            assert!(
                log.items.iter().any(|e| e.entry.action == action),
                "{label}: {action} audited"
            );
        }
        let _ = second;
        t.drop_db().await;
    }
}
