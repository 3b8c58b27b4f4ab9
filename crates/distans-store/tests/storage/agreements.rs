//! Cases: requests, decisions, agreements and temporary decisions; the e-mail
//! outbox; reminders before an agreement ends.

use distans_core::kernel::{LeaseId, MailId};
use std::sync::Arc;

use distans_core::agreements::AgreementState;
use distans_core::audit::AuditFilter;
use distans_core::cases::{Decision, RequestState, Verdict};
use distans_core::kernel::{Page, Paging};
use distans_core::policy::{Decider, PolicyRules, RequestInput};
use distans_core::store::*;
use distans_core::temporary::TemporaryDecisionInput;
use distans_core::{Core, CoreError};
use time::OffsetDateTime;

use super::{core, fresh_dbs, username_person};

fn input(days: i64, start: time::Date, end: Option<time::Date>) -> RequestInput {
    RequestInput {
        days_per_week: Some(days),
        weekdays: vec!["mon".into()],
        start: Some(start.to_string()),
        end: end.map(|e| e.to_string()),
        place: Some("home".into()),
        place_address: None,
        reason: "Kortare pendling, mer fokus".into(),
        confirmations: vec![
            "wifi".into(),
            "it-security".into(),
            "vpn".into(),
            "home-insurance".into(),
        ],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn request_decision_agreement_and_temporary_decision() {
    for t in fresh_dbs().await {
        let label = t.label;
        let store = Arc::new(t.open().await);
        let c = Arc::new(core(&store));
        c.demo.load_demo(60).await.unwrap();
        c.ensure_defaults().await.unwrap();
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
        let (anna, chef, hr, bygg, bo) = (
            actor("anna").await,
            actor("chef").await,
            actor("hr").await,
            actor("bygg").await,
            actor("bo").await,
        );
        let today = c.today();
        let d = |days: i64| today + time::Duration::days(days);

        // The policy: version 1 by default; HR adds version 2 from today.
        let p = c.policy.policy(&anna, None, None).await.unwrap();
        assert_eq!(
            (p.policy.version, p.policy.rules.manager_limit_days),
            (1, 2),
            "{label}"
        );
        assert!(
            c.policy
                .add_policy_version(&chef, PolicyRules::default(), today)
                .await
                .is_err(),
            "{label}: only HR"
        );
        let rules = PolicyRules {
            notice_period_days: 14,
            ..PolicyRules::default()
        };
        assert_eq!(
            c.policy
                .add_policy_version(&hr, rules.clone(), today)
                .await
                .unwrap()
                .version,
            2
        );
        assert!(
            c.policy
                .add_policy_version(&hr, rules, d(-1))
                .await
                .is_err(),
            "{label}: not in the past"
        );
        assert_eq!(
            c.policy
                .policy(&anna, None, None)
                .await
                .unwrap()
                .policy
                .version,
            2
        );

        // 2 days: the manager decides. 3 days: HR.
        let r1 = c
            .cases
            .submit_request(&anna, &input(2, d(7), Some(d(180))))
            .await
            .unwrap();
        assert_eq!(
            (r1.decider, r1.state, r1.policy_version),
            (Decider::Manager, RequestState::Submitted, 2),
            "{label}"
        );
        assert_eq!(r1.assigned_to.as_ref().map(|m| m.id), Some(chef.person_id));
        let r2 = c
            .cases
            .submit_request(&anna, &input(3, d(200), None))
            .await
            .unwrap();
        assert_eq!(r2.decider, Decider::Hr);
        let overlap = c
            .cases
            .submit_request(&anna, &input(1, d(100), Some(d(120))))
            .await
            .err()
            .unwrap();
        assert_eq!(overlap.field(), Some("start"), "{label}: {overlap}");
        // The manager was told, in the app and by e-mail.
        assert_eq!(
            c.notify
                .notifications(&chef, Paging::default())
                .await
                .unwrap()
                .items[0]
                .kind,
            "request_received"
        );
        assert!(store.outbox_pending().await.unwrap() >= 2);

        // A manager may not decide an HR-level request, nor another unit's.
        let e = c
            .cases
            .decide(&chef, r2.id, Decision::Approve.into())
            .await
            .err()
            .unwrap();
        assert!(matches!(e, CoreError::Forbidden(_)), "{label}: {e:?}");
        assert!(c
            .cases
            .decide(&bygg, r1.id, Decision::Approve.into())
            .await
            .is_err());
        assert!(
            c.cases.request(&bo, r1.id).await.is_err(),
            "{label}: bo cannot even see it"
        );
        assert_eq!(
            c.cases
                .decide(&chef, r1.id, Decision::Decline.into())
                .await
                .err()
                .unwrap()
                .field(),
            Some("reason")
        );

        // Two deciders at once: one wins, the other gets a conflict.
        let (a, b) = tokio::join!(
            c.cases.decide(
                &chef,
                r1.id,
                Verdict {
                    expected: Some(r1.version),
                    ..Decision::Approve.into()
                }
            ),
            c.cases.decide(
                &hr,
                r1.id,
                Verdict {
                    reason: Some("Ange veckodagar"),
                    expected: Some(r1.version),
                    ..Decision::Changes.into()
                }
            )
        );
        assert!(
            a.is_ok() != b.is_ok(),
            "{label}: exactly one wins: {a:?} {b:?}"
        );
        let loser = if a.is_ok() { b.err() } else { a.err() }.unwrap();
        assert!(
            matches!(loser, CoreError::Conflict(_)),
            "{label}: {loser:?}"
        );
        let r1 = c.cases.request(&anna, r1.id).await.unwrap();
        if r1.state == RequestState::ChangesRequested {
            // HR was faster: Anna changes the request and the manager approves it.
            let r = c
                .cases
                .resubmit_request(&anna, r1.id, &input(2, d(7), Some(d(180))), None)
                .await
                .unwrap();
            assert_eq!(r.state, RequestState::Submitted);
            c.cases
                .decide(&chef, r1.id, Decision::Approve.into())
                .await
                .unwrap();
        }
        let r1 = c.cases.request(&anna, r1.id).await.unwrap();
        assert_eq!(r1.state, RequestState::Approved, "{label}");
        assert!(r1.history.len() >= 2);
        let gid = r1.agreement_id.unwrap();

        // Both sign; the text is frozen.
        // A draft from the template: the decider adjusts it and sends it.
        let g = c.agreements.agreement(&anna, gid).await.unwrap();
        assert_eq!(g.state, AgreementState::Draft, "{label}");
        assert!(
            matches!(
                c.agreements.sign_agreement(&anna, gid).await,
                Err(CoreError::Conflict(_))
            ),
            "{label}: not before it is sent"
        );
        assert!(
            c.agreements.send_agreement(&anna, gid, None).await.is_err(),
            "{label}: the employee does not send it"
        );
        let chef_decided = store.actor(g.decider_id).await.unwrap().unwrap();
        let text = format!(
            "{}\n\n## 13. Särskilda villkor\nMåndagar kl 9–10 nås medarbetaren på telefon.",
            g.text
        );
        let g = c
            .agreements
            .send_agreement(&chef_decided, gid, Some(&text))
            .await
            .unwrap();
        assert_eq!(g.state, AgreementState::AwaitingSignatures);
        assert!(g.text.contains("Särskilda villkor"));
        assert!(matches!(
            c.agreements.send_agreement(&chef_decided, gid, None).await,
            Err(CoreError::Conflict(_))
        ));
        assert!(
            g.text.contains("Anna Lindqvist") && g.text.contains("14 dagars uppsägningstid"),
            "{label}"
        );
        assert!(c.agreements.sign_agreement(&bo, gid).await.is_err());
        let g = c.agreements.sign_agreement(&anna, gid).await.unwrap();
        assert_eq!(g.state, AgreementState::AwaitingSignatures);
        assert!(matches!(
            c.agreements.sign_agreement(&anna, gid).await,
            Err(CoreError::Conflict(_))
        ));
        let signer = store.actor(g.decider_id).await.unwrap().unwrap();
        let g = c.agreements.sign_agreement(&signer, gid).await.unwrap();
        assert_eq!(g.state, AgreementState::Active, "{label}");
        assert_eq!(
            g.text_sha256.as_deref(),
            Some(distans_core::agreements::rules::sha256_hex(&g.text).as_str())
        );

        // Either party ends it with notice.
        let g = c
            .agreements
            .end_agreement(&anna, gid, Some("Flyttar närmare"))
            .await
            .unwrap();
        assert_eq!(g.ends_on, Some(d(14).min(d(180))), "{label}");
        assert_eq!(
            g.state,
            AgreementState::Active,
            "still in force during the notice period"
        );

        // HR decides the 3-day request.
        let r2 = c
            .cases
            .decide(
                &hr,
                r2.id,
                Verdict {
                    reason: Some("Verksamheten kräver närvaro"),
                    ..Decision::Decline.into()
                },
            )
            .await
            .unwrap();
        assert_eq!(r2.state, RequestState::Declined);

        // A temporary decision for chef's unit: anna sees it, bo does not.
        let kc = chef.manages[0].id;
        let td = TemporaryDecisionInput {
            title: "Hemarbete under pandemin".into(),
            start: today.to_string(),
            end: d(14).to_string(),
            units: vec![kc.to_string()],
            max_remote_days: Some(5),
            without_agreement: true,
            tasks_must_allow: true,
            delegates: vec![chef.person_id.to_string()],
            ..Default::default()
        };
        assert!(
            c.temporary
                .issue_temporary_decision(&chef, &td)
                .await
                .is_err(),
            "{label}: only HR"
        );
        let issued = c
            .temporary
            .issue_temporary_decision(&hr, &td)
            .await
            .unwrap();
        let told = c
            .notify
            .notifications(&chef, Paging::default())
            .await
            .unwrap();
        assert!(
            told.items
                .iter()
                .any(|n| n.kind == "temporary_decision_delegated"),
            "{label}: the delegate is told"
        );
        let direktor = store
            .actor(username_person(&store, "direktor").await)
            .await
            .unwrap()
            .unwrap();
        let mut by_director = td.clone();
        by_director.title = "Beslut om hemarbete".into();
        assert!(
            c.temporary
                .issue_temporary_decision(&direktor, &by_director)
                .await
                .is_ok(),
            "{label}: a director may issue"
        );
        assert_eq!(
            issued.checklist.len(),
            distans_core::temporary::DEFAULT_CRISIS_CHECKLIST.len()
        );
        let mut bad = td.clone();
        bad.end = d(-1).to_string();
        assert_eq!(
            c.temporary
                .issue_temporary_decision(&hr, &bad)
                .await
                .err()
                .unwrap()
                .field(),
            Some("end")
        );
        assert_eq!(
            c.temporary
                .temporary_decisions_for_person(anna.person_id)
                .await
                .unwrap()
                .len(),
            2,
            "{label}"
        );
        assert!(c
            .temporary
            .temporary_decisions_for_person(bo.person_id)
            .await
            .unwrap()
            .is_empty());
        assert_eq!(
            c.temporary
                .temporary_decisions(&anna, Paging::default())
                .await
                .unwrap()
                .total,
            2
        );
        assert_eq!(
            c.temporary
                .temporary_decisions(&bo, Paging::default())
                .await
                .unwrap()
                .total,
            0
        );

        // A decision for a later period is shown and told the day it is
        // issued, to everyone it covers: not to bo, and not a second time
        // to its delegate.
        let mut later = td.clone();
        later.title = "Beslut inför vintern".into();
        later.start = d(30).to_string();
        later.end = d(60).to_string();
        c.temporary
            .issue_temporary_decision(&hr, &later)
            .await
            .unwrap();
        let told_of = |n: &Page<distans_core::notify::Notification>, title: &str| {
            n.items.iter().any(|n| {
                n.kind == "temporary_decision_issued"
                    && matches!(&n.content, distans_core::notify::NoticeContent::Message(m) if m.args["title"] == title)
            })
        };
        let inbox = |who| c.notify.notifications(who, Paging::default());
        assert!(
            told_of(&inbox(&anna).await.unwrap(), "Beslut inför vintern"),
            "{label}"
        );
        assert!(
            !told_of(&inbox(&bo).await.unwrap(), "Beslut inför vintern"),
            "{label}"
        );
        assert!(
            !told_of(&inbox(&chef).await.unwrap(), "Beslut inför vintern"),
            "{label}: the delegate is told once"
        );
        assert!(
            !told_of(&inbox(&hr).await.unwrap(), "Beslut inför vintern"),
            "{label}: not the issuer"
        );
        let shown = c
            .temporary
            .temporary_decisions_shown_to(&anna)
            .await
            .unwrap();
        let (_, how) = shown
            .iter()
            .find(|(d, _)| d.title == "Beslut inför vintern")
            .expect("shown before its first day");
        assert!(
            matches!(how, distans_core::temporary::Reach::OwnUnit { .. }),
            "{label}: {how:?}"
        );
        assert!(c
            .temporary
            .temporary_decisions_shown_to(&bo)
            .await
            .unwrap()
            .iter()
            .all(|(d, _)| d.title != "Beslut inför vintern"));
        assert_eq!(
            c.temporary
                .temporary_decisions(&anna, Paging::default())
                .await
                .unwrap()
                .total,
            3,
            "{label}: the coming one too"
        );

        // Every step is in the chain, with the policy version.
        let log = store
            .audit(
                &AuditFilter {
                    entity: Some("request".into()),
                    entity_id: Some(r1.id.to_string()),
                    from: None,
                    ..Default::default()
                },
                Paging::default(),
            )
            .await
            .unwrap();
        assert!(log
            .items
            .iter()
            .any(|e| e.entry.action == "request.approved"
                && e.entry.after.as_ref().unwrap()["policy_version"] == 2));
        assert!(c.audit.verify_audit(None).await.unwrap().ok, "{label}");
        t.drop_db().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_outbox_hands_each_mail_to_one_worker() {
    for t in fresh_dbs().await {
        let label = t.label;
        let store = Arc::new(t.open().await);
        let c = Arc::new(core(&store));
        c.demo.load_demo(60).await.unwrap();
        c.ensure_defaults().await.unwrap();
        let anna = store
            .actor(username_person(&store, "anna").await)
            .await
            .unwrap()
            .unwrap();
        for i in 0..5 {
            let start = c.today() + time::Duration::days(10 + i * 40);
            c.cases
                .submit_request(
                    &anna,
                    &input(1, start, Some(start + time::Duration::days(30))),
                )
                .await
                .unwrap();
        }
        let now = OffsetDateTime::now_utc() + time::Duration::seconds(1);
        let pending = store.outbox_pending().await.unwrap();
        assert_eq!(pending, 5, "{label}");
        let minute = time::Duration::seconds(60);
        let (la, lb, lc) = (LeaseId::new(), LeaseId::new(), LeaseId::new());
        let (a, b) = tokio::join!(
            store.outbox_claim(la, (now, now + minute), 3),
            store.outbox_claim(lb, (now, now + minute), 3)
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        // A worker that lost the race for some rows gets fewer (on PostgreSQL
        // it re-checks the rows the other locked); whatever is left comes next.
        let rest = store
            .outbox_claim(lc, (now, now + minute), 10)
            .await
            .unwrap();
        let claimed: Vec<(LeaseId, MailId)> = a
            .iter()
            .map(|m| (la, m.id))
            .chain(b.iter().map(|m| (lb, m.id)))
            .chain(rest.iter().map(|m| (lc, m.id)))
            .collect();
        let mut ids: Vec<MailId> = claimed.iter().map(|m| m.1).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(
            ids.len(),
            claimed.len(),
            "{label}: a mail was claimed twice"
        );
        assert_eq!(claimed.len(), 5, "{label}");
        // Leased: nothing more to claim until the lease ends.
        let other = LeaseId::new();
        assert!(store
            .outbox_claim(other, (now, now + minute), 10)
            .await
            .unwrap()
            .is_empty());
        // Only the holder renews, marks sent or marks failed.
        let (held_by, sent) = claimed[0];
        assert!(
            !store.outbox_renew(other, sent, now + minute).await.unwrap(),
            "{label}"
        );
        assert!(
            !store.outbox_sent(other, sent, now).await.unwrap(),
            "{label}"
        );
        assert!(
            !store.outbox_failed(other, sent, "x", now).await.unwrap(),
            "{label}"
        );
        assert!(
            store
                .outbox_renew(held_by, sent, now + minute)
                .await
                .unwrap(),
            "{label}"
        );
        assert!(
            store.outbox_sent(held_by, sent, now).await.unwrap(),
            "{label}"
        );
        assert!(
            !store.outbox_sent(held_by, sent, now).await.unwrap(),
            "{label}: sent once"
        );
        let (held_by, failing) = claimed[1];
        assert!(store
            .outbox_failed(held_by, failing, "421 try later", now)
            .await
            .unwrap());
        let again = store
            .outbox_claim(other, (now + time::Duration::seconds(1), now + minute), 10)
            .await
            .unwrap();
        assert_eq!(again.len(), 1, "{label}: only the failed one is due again");
        assert_eq!(again[0].attempts, 2);
        // A renewed hold outlasts the first: the mail stays with its holder.
        let (held_by, renewed) = claimed[2];
        assert!(store
            .outbox_renew(held_by, renewed, now + 3 * minute)
            .await
            .unwrap());
        let later_at = now + 2 * minute;
        let later = store
            .outbox_claim(other, (later_at, later_at + minute), 10)
            .await
            .unwrap();
        assert_eq!(
            later.len(),
            3,
            "{label}: the failed one and two whose leases ran out; not the renewed one, never the sent one"
        );
        assert!(later.iter().all(|m| m.id != renewed && m.id != sent));
        // The first holder of a mail taken over can no longer mark it.
        let (lost_by, taken) = claimed[3];
        assert!(later.iter().any(|m| m.id == taken));
        assert!(!store
            .outbox_renew(lost_by, taken, later_at + minute)
            .await
            .unwrap());
        assert!(!store.outbox_sent(lost_by, taken, later_at).await.unwrap());
        assert!(store.outbox_sent(other, taken, later_at).await.unwrap());
        t.drop_db().await;
    }
}

/// An agreement of one remote day a week from tomorrow for `days` more
/// days, applied for by `employee`, approved and signed by `manager`.
pub(crate) async fn signed_agreement(
    c: &Core,
    employee: &distans_core::kernel::Actor,
    manager: &distans_core::kernel::Actor,
    days: i64,
) -> distans_core::kernel::AgreementId {
    let start = c.today() + time::Duration::days(1);
    let input = RequestInput {
        days_per_week: Some(1),
        weekdays: vec![],
        place: None,
        end: Some((start + time::Duration::days(days)).to_string()),
        ..input(1, start, None)
    };
    let r = c.cases.submit_request(employee, &input).await.unwrap();
    let gid = c
        .cases
        .decide(manager, r.id, Decision::Approve.into())
        .await
        .unwrap()
        .agreement_id
        .unwrap();
    c.agreements
        .send_agreement(manager, gid, None)
        .await
        .unwrap();
    c.agreements.sign_agreement(employee, gid).await.unwrap();
    c.agreements.sign_agreement(manager, gid).await.unwrap();
    gid
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parties_are_told_once_when_an_agreement_ends_soon() {
    use distans_core::kernel::clock::FixedClock;
    for t in fresh_dbs().await {
        let label = t.label;
        let clock = FixedClock::new(OffsetDateTime::now_utc());
        let store = Arc::new(t.open().await);
        let c = Core::new(store.clone(), Arc::new(clock.clone()));
        c.demo.load_demo(60).await.unwrap();
        c.ensure_defaults().await.unwrap();
        let anna = store
            .actor(username_person(&store, "anna").await)
            .await
            .unwrap()
            .unwrap();
        let chef = store
            .actor(username_person(&store, "chef").await)
            .await
            .unwrap()
            .unwrap();
        let gid = signed_agreement(&c, &anna, &chef, 40).await;
        let before = c
            .notify
            .notifications(&anna, Paging::default())
            .await
            .unwrap()
            .total;

        assert_eq!(
            c.agreements.remind_ending_agreements(14).await.unwrap(),
            0,
            "{label}: 41 days left"
        );
        clock.advance(time::Duration::days(30));
        assert_eq!(
            c.agreements.remind_ending_agreements(14).await.unwrap(),
            1,
            "{label}: 11 days left"
        );
        assert_eq!(
            c.agreements.remind_ending_agreements(14).await.unwrap(),
            0,
            "{label}: only once"
        );
        let notes = c
            .notify
            .notifications(&anna, Paging::default())
            .await
            .unwrap();
        assert_eq!(notes.total, before + 1);
        assert_eq!(notes.items[0].kind, "agreement_ending");
        // After its last day it has expired by itself.
        clock.advance(time::Duration::days(15));
        assert_eq!(
            c.agreements.agreement(&anna, gid).await.unwrap().state,
            distans_core::agreements::AgreementState::Expired,
            "{label}"
        );
        t.drop_db().await;
    }
}
