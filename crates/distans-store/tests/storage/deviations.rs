//! Deviations: they reach the manager at once and are handled to closure.

use std::sync::Arc;

use distans_core::audit::AuditFilter;
use distans_core::kernel::{LeaseId, Paging};
use distans_core::store::*;
use distans_core::CoreError;
use uuid::Uuid;

use distans_core::kernel::Link;

use super::{core, fresh_dbs, message_of, username_person};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn deviations_reach_the_manager_at_once_and_are_handled_to_closure() {
    use distans_core::deviations::{DeviationInput, DeviationState, StateFilter};
    use distans_core::policy::PolicyRules;
    for t in fresh_dbs().await {
        let label = t.label;
        let store = Arc::new(t.open().await);
        let c = Arc::new(core(&store));
        c.demo.load_demo(300).await.unwrap();
        c.ensure_defaults().await.unwrap();
        let actor = |u: &'static str| {
            let store = store.clone();
            async move {
                store
                    .actor(username_person(&store, u).await)
                    .await
                    .unwrap()
                    .unwrap()
            }
        };
        let (anna, chef, bygg, hr, admin, revisor) = (
            actor("anna").await,
            actor("chef").await,
            actor("bygg").await,
            actor("hr").await,
            actor("admin").await,
            actor("revisor").await,
        );
        let today = c.today();
        let input = |kind: &str, description: &str| DeviationInput {
            kind: kind.into(),
            description: description.into(),
            date: today.to_string(),
            ..Default::default()
        };
        let kinds = |a: &distans_core::kernel::Actor| {
            let c = c.clone();
            let a = a.clone();
            async move {
                c.notify
                    .notifications(&a, Paging::default())
                    .await
                    .unwrap()
                    .items
                    .into_iter()
                    .map(|n| (n.kind.clone(), message_of(&n.content).clone()))
                    .collect::<Vec<_>>()
            }
        };

        // Anna reports: it goes at once to her personnel manager, in the app and by e-mail.
        let d = c
            .deviations
            .report_deviation(&anna, &input("work_environment", "Trasig kontorsstol"))
            .await
            .unwrap();
        assert_eq!(d.state, DeviationState::Reported, "{label}");
        assert_eq!(d.responsible.as_ref().map(|r| r.id), Some(chef.person_id));
        let told = kinds(&chef).await;
        assert_eq!(told[0].0, "deviation_reported", "{label}");
        assert_eq!(told[0].1.link, Link::Deviation(d.id));
        assert!(
            told[0].1.args["reporter"].contains("Anna"),
            "{label}: named when not anonymous"
        );
        let now = c.now();
        let mails = store
            .outbox_claim(
                LeaseId::new(),
                (now, now + time::Duration::seconds(60)),
                500,
            )
            .await
            .unwrap();
        assert!(
            mails.iter().any(|m| m.recipient == "chef@sjovik.se"
                && message_of(&m.content).link == Link::Deviation(d.id)),
            "{label}: {mails:?}"
        );
        // Who sees it: the reporter, her manager, HR; not another unit's manager, the administrator or the auditor.
        for a in [&anna, &chef, &hr] {
            assert_eq!(
                c.deviations.deviation(a, d.id).await.unwrap().id,
                d.id,
                "{label}"
            );
        }
        for a in [&bygg, &admin, &revisor] {
            assert!(
                matches!(
                    c.deviations.deviation(a, d.id).await,
                    Err(CoreError::NotFound(_))
                ),
                "{label}: {}",
                a.name
            );
        }

        // Bad input names the field.
        let field = |i: DeviationInput| {
            let c = c.clone();
            let anna = anna.clone();
            async move {
                c.deviations
                    .report_deviation(&anna, &i)
                    .await
                    .unwrap_err()
                    .field()
                    .map(String::from)
            }
        };
        assert_eq!(field(input("fire", "x")).await.as_deref(), Some("kind"));
        assert_eq!(
            field(input("other", " ")).await.as_deref(),
            Some("description")
        );
        let mut i = input("other", "x");
        i.date = (today + time::Duration::days(1)).to_string();
        assert_eq!(field(i).await.as_deref(), Some("date"));
        let mut i = input("other", "x");
        i.date = "31/12".into();
        assert_eq!(field(i).await.as_deref(), Some("date"));
        let mut i = input("other", "x");
        i.person = Some(Uuid::now_v7().to_string());
        assert_eq!(field(i).await.as_deref(), Some("person"));
        let mut i = input("other", "x");
        i.person = Some(username_person(&store, "bo").await.to_string());
        assert_eq!(
            field(i).await.as_deref(),
            Some("person"),
            "{label}: an employee cannot report about someone they cannot see"
        );

        // Anonymous to the unit: the manager sees "anonym rapportör", HR and the reporter see who.
        let mut i = input("presence", "Ingen kom till arbetsplatsträffen");
        i.anonymous = true;
        let a = c.deviations.report_deviation(&anna, &i).await.unwrap();
        let m = c.deviations.deviation(&chef, a.id).await.unwrap();
        assert!(m.reporter.is_none() && m.person.is_none(), "{label}");
        assert!(m.events[0].actor.is_none());
        let json = serde_json::to_string(&m).unwrap();
        assert!(
            !json.contains(&anna.person_id.to_string()) && !json.contains("Anna"),
            "{label}: {json}"
        );
        let told = kinds(&chef).await;
        let stored = serde_json::to_string(&told[0].1).unwrap();
        assert_eq!(told[0].1.args["anonymous"], "yes", "{label}");
        assert!(!stored.contains("Anna"), "{label}: {stored}");
        assert_eq!(
            c.deviations
                .deviation(&hr, a.id)
                .await
                .unwrap()
                .reporter
                .map(|r| r.id),
            Some(anna.person_id)
        );
        assert_eq!(
            c.deviations
                .deviation(&anna, a.id)
                .await
                .unwrap()
                .reporter
                .map(|r| r.id),
            Some(anna.person_id)
        );
        let listed = c
            .deviations
            .deviations(&chef, None, Paging::default())
            .await
            .unwrap();
        assert!(listed
            .items
            .iter()
            .any(|x| x.id == a.id && x.reporter.is_none()));
        // The system keeps who reported (the audit log is system-level).
        let log = store
            .audit(
                &AuditFilter {
                    entity: Some("deviation".into()),
                    entity_id: Some(a.id.to_string()),
                    from: None,
                    ..Default::default()
                },
                Paging::default(),
            )
            .await
            .unwrap();
        assert_eq!(log.items[0].entry.actor_id, Some(anna.person_id), "{label}");

        // Serious information security: also every holder of the policy's roles (default: admin).
        let mut i = input("information_security", "Lånedator borttappad på bussen");
        i.serious = true;
        let s = c.deviations.report_deviation(&anna, &i).await.unwrap();
        assert!(kinds(&admin)
            .await
            .iter()
            .any(|k| k.0 == "deviation_security" && k.1.link == Link::Deviation(s.id)));
        assert_eq!(c.deviations.deviation(&admin, s.id).await.unwrap().id, s.id);
        assert!(c.deviations.deviation(&revisor, s.id).await.is_err());
        // HR changes the roles and forbids anonymity.
        let rules = PolicyRules {
            security_deviation_roles: vec!["auditor".into()],
            deviation_reporter_anonymity: false,
            ..PolicyRules::default()
        };
        c.policy
            .add_policy_version(&hr, rules, today)
            .await
            .unwrap();
        let mut i = input("information_security", "Lösenord på en lapp");
        i.serious = true;
        let s2 = c.deviations.report_deviation(&anna, &i).await.unwrap();
        assert!(kinds(&revisor)
            .await
            .iter()
            .any(|k| k.0 == "deviation_security" && k.1.link == Link::Deviation(s2.id)));
        assert!(!kinds(&admin)
            .await
            .iter()
            .any(|k| k.1.link == Link::Deviation(s2.id)));
        let mut i = input("other", "x");
        i.anonymous = true;
        let e = c.deviations.report_deviation(&anna, &i).await.unwrap_err();
        assert!(
            matches!(&e, CoreError::Rule { field: Some(f), .. } if f == "anonymous"),
            "{label}: {e:?}"
        );

        // Acknowledge: only the responsible manager (or above, or HR); the reporter is told.
        assert!(matches!(
            c.deviations.acknowledge_deviation(&anna, d.id, None).await,
            Err(CoreError::Forbidden(_))
        ));
        assert!(matches!(
            c.deviations.acknowledge_deviation(&bygg, d.id, None).await,
            Err(CoreError::NotFound(_))
        ));
        assert!(matches!(
            c.deviations
                .acknowledge_deviation(&chef, d.id, Some(99))
                .await,
            Err(CoreError::Conflict(_))
        ));
        let ack = c
            .deviations
            .acknowledge_deviation(&chef, d.id, Some(1))
            .await
            .unwrap();
        assert_eq!((ack.state, ack.version), (DeviationState::Acknowledged, 2));
        assert_eq!(kinds(&anna).await[0].0, "deviation_acknowledged", "{label}");
        assert!(matches!(
            c.deviations.acknowledge_deviation(&chef, d.id, None).await,
            Err(CoreError::Conflict(_))
        ));
        // Close with the action taken.
        assert_eq!(
            c.deviations
                .close_deviation(&chef, d.id, "  ", None)
                .await
                .unwrap_err()
                .field(),
            Some("action")
        );
        let closed = c
            .deviations
            .close_deviation(&chef, d.id, "Ny stol beställd", Some(2))
            .await
            .unwrap();
        assert_eq!(closed.state, DeviationState::Closed);
        let stored = c.deviations.deviation(&anna, d.id).await.unwrap();
        assert_eq!(
            stored.action.as_deref(),
            Some("Ny stol beställd"),
            "{label}"
        );
        let trail: Vec<&str> = stored.events.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(trail, ["reported", "acknowledged", "closed"], "{label}");
        let n = kinds(&anna).await;
        assert_eq!(n[0].0, "deviation_closed");
        assert!(n[0].1.args["action"].contains("Ny stol beställd"));
        assert!(matches!(
            c.deviations
                .close_deviation(&chef, d.id, "igen", None)
                .await,
            Err(CoreError::Conflict(_))
        ));

        // Two at once close the same deviation: one wins, the other gets a conflict;
        // closing an unacknowledged one acknowledges it in the trail.
        let (x, y) = tokio::join!(
            c.deviations
                .close_deviation(&chef, a.id, "Påminnelse om APT", Some(1)),
            c.deviations
                .close_deviation(&hr, a.id, "Samtal med enheten", Some(1)),
        );
        assert!(
            x.is_ok() != y.is_ok(),
            "{label}: exactly one wins: {x:?} {y:?}"
        );
        assert!(matches!(x.err().or(y.err()), Some(CoreError::Conflict(_))));
        let trail: Vec<String> = c
            .deviations
            .deviation(&hr, a.id)
            .await
            .unwrap()
            .events
            .iter()
            .map(|e| format!("{}:{}", e.kind, e.text.clone().unwrap_or_default()))
            .collect();
        assert_eq!(trail.len(), 3, "{label}: {trail:?}");
        assert_eq!(trail[1], "acknowledged:vid avslut");

        // A manager's own report about an employee goes to the manager above (or HR).
        let mut i = input("presence", "Kom inte till mötet");
        i.person = Some(anna.person_id.to_string());
        let own = c.deviations.report_deviation(&chef, &i).await.unwrap();
        assert_ne!(
            own.responsible.as_ref().map(|r| r.id),
            Some(chef.person_id),
            "{label}"
        );
        assert!(matches!(
            c.deviations
                .acknowledge_deviation(&chef, own.id, None)
                .await,
            Err(CoreError::Forbidden(_))
        ));
        c.deviations
            .acknowledge_deviation(&hr, own.id, None)
            .await
            .unwrap();

        // Lists: the reporter's own, the manager's to handle, HR's open ones.
        let mine = c
            .deviations
            .my_deviation_reports(&anna, None, Paging::default())
            .await
            .unwrap();
        assert_eq!(mine.total, 4, "{label}");
        let open = Some(StateFilter::Open);
        let to_handle = c
            .deviations
            .deviations_to_handle(&chef, open, Paging::default())
            .await
            .unwrap();
        assert_eq!(
            to_handle.items.iter().map(|x| x.id).collect::<Vec<_>>(),
            vec![s2.id, s.id],
            "{label}: the open ones of chef's unit, not their own report"
        );
        assert_eq!(c.deviations.deviations_awaiting(&chef).await.unwrap(), 2);
        assert_eq!(c.deviations.deviations_awaiting(&anna).await.unwrap(), 0);
        assert_eq!(c.deviations.deviations_awaiting(&bygg).await.unwrap(), 0);
        assert_eq!(
            c.deviations
                .deviations(&hr, open, Paging::default())
                .await
                .unwrap()
                .total,
            3,
            "{label}: HR sees every open deviation"
        );
        assert_eq!(
            c.deviations
                .deviations(&bygg, None, Paging::default())
                .await
                .unwrap()
                .total,
            0
        );
        let closed = Some(StateFilter::Only(DeviationState::Closed));
        assert_eq!(
            c.deviations
                .deviations(&anna, closed, Paging::default())
                .await
                .unwrap()
                .total,
            2
        );
        t.drop_db().await;
    }
}
