//! Follow-ups: scheduled, answered together, risks become actions, and
//! reminders.

use std::sync::Arc;

use distans_core::audit::AuditFilter;
use distans_core::kernel::Paging;
use distans_core::store::*;
use distans_core::{Core, CoreError};
use distans_store::SqlStore;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{core, fresh_dbs, username_person};

/// Anna applies for `days` a week from `start` to `end`, chef approves and
/// both sign: the agreement's id.
async fn active_agreement(
    c: &Core,
    anna: &distans_core::kernel::Actor,
    chef: &distans_core::kernel::Actor,
    start: time::Date,
    end: Option<time::Date>,
) -> Uuid {
    use distans_core::cases::Decision;
    use distans_core::policy::RequestInput;
    let input = RequestInput {
        days_per_week: Some(1),
        start: Some(start.to_string()),
        end: end.map(|e| e.to_string()),
        reason: "Pendling".into(),
        confirmations: vec![
            "wifi".into(),
            "it-security".into(),
            "vpn".into(),
            "home-insurance".into(),
        ],
        ..Default::default()
    };
    let r = c.cases.submit_request(anna, &input).await.unwrap();
    let gid = c
        .cases
        .decide(chef, r.id, Decision::Approve.into())
        .await
        .unwrap()
        .agreement_id
        .unwrap();
    if c.agreements.agreement(chef, gid).await.unwrap().state
        == distans_core::agreements::AgreementState::Draft
    {
        c.agreements.send_agreement(chef, gid, None).await.unwrap();
    }
    c.agreements.sign_agreement(anna, gid).await.unwrap();
    c.agreements.sign_agreement(chef, gid).await.unwrap();
    gid.into()
}

async fn actor_of(store: &SqlStore, u: &str) -> distans_core::kernel::Actor {
    store
        .actor(username_person(store, u).await)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn followups_are_scheduled_answered_together_and_risks_become_actions() {
    use distans_core::followup::checklist::{self, ChecklistInput};
    use distans_core::followup::{
        ActionState, AnswersInput, FollowUpKind, FollowUpQuery, FollowUpState, StateFilter,
    };
    use serde_json::json;
    for t in fresh_dbs().await {
        let label = t.label;
        let store = Arc::new(t.open().await);
        let c = core(&store);
        c.demo.load_demo(60).await.unwrap();
        c.ensure_defaults().await.unwrap();
        let (anna, chef, bygg, hr) = (
            actor_of(&store, "anna").await,
            actor_of(&store, "chef").await,
            actor_of(&store, "bygg").await,
            actor_of(&store, "hr").await,
        );

        // Templates: both defaults at version 1; HR's save is version 2 and 1 is kept.
        let lists = c.followup.checklists(&anna).await.unwrap();
        assert_eq!(
            lists
                .iter()
                .map(|t| (t.key.as_str(), t.version))
                .collect::<Vec<_>>(),
            [("riskbedomning", 1), ("uppfoljning", 1)],
            "{label}"
        );
        let v1 = c
            .followup
            .checklist(&anna, "uppfoljning", None)
            .await
            .unwrap();
        let mut questions = v1.questions.clone();
        questions.reverse();
        questions.pop();
        let edit = ChecklistInput {
            title: "Uppföljning 2".into(),
            questions: questions.clone(),
            version: Some(1),
        };
        assert!(matches!(
            c.followup.save_checklist(&chef, "uppfoljning", &edit).await,
            Err(CoreError::Forbidden(_))
        ));
        let v2 = c
            .followup
            .save_checklist(&hr, "uppfoljning", &edit)
            .await
            .unwrap();
        assert_eq!(v2.version, 2);
        assert!(
            matches!(
                c.followup.save_checklist(&hr, "uppfoljning", &edit).await,
                Err(CoreError::Conflict(_))
            ),
            "{label}: version 1 was edited, 2 is the newest"
        );
        let versions = c
            .followup
            .checklist_versions(&hr, "uppfoljning")
            .await
            .unwrap();
        assert_eq!(versions.len(), 2);
        assert_eq!(
            versions[1], v1,
            "{label}: the old version is kept as it was"
        );
        assert_eq!(
            c.followup
                .checklist(&hr, "uppfoljning", None)
                .await
                .unwrap()
                .questions,
            questions
        );

        // Activation schedules a risk assessment at the start and follow-ups
        // every 6 months (the default policy) up to the end.
        let start = c.today() + time::Duration::days(3);
        let end = distans_core::followup::rules::add_months(start, 13).unwrap();
        let gid = active_agreement(&c, &anna, &chef, start, Some(end)).await;
        let q = FollowUpQuery {
            agreement: Some(gid.into()),
            ..Default::default()
        };
        let mine = c
            .followup
            .followups(&anna, &q, Paging::default())
            .await
            .unwrap();
        assert_eq!(
            mine.items
                .iter()
                .map(|f| (f.kind, f.due))
                .collect::<Vec<_>>(),
            [
                (FollowUpKind::RiskAssessment, start),
                (
                    FollowUpKind::FollowUp,
                    distans_core::followup::rules::add_months(start, 6).unwrap()
                ),
                (
                    FollowUpKind::FollowUp,
                    distans_core::followup::rules::add_months(start, 12).unwrap()
                ),
            ],
            "{label}"
        );
        assert!(mine.items.iter().all(|f| f.state == FollowUpState::Due));
        let audit = store
            .audit(
                &AuditFilter {
                    entity: Some("agreement".into()),
                    entity_id: Some(gid.to_string()),
                    from: None,
                    ..Default::default()
                },
                Paging::default(),
            )
            .await
            .unwrap();
        assert!(
            audit
                .items
                .iter()
                .any(|e| e.entry.action == "agreement.sign"
                    && e.entry.after.as_ref().unwrap()["followups"]
                        .as_array()
                        .unwrap()
                        .len()
                        == 3),
            "{label}: the activation's audit entry lists the follow-ups"
        );

        // Visibility: the employee sees their own, a manager their units', HR all.
        let before = FollowUpQuery {
            due_before: Some(start),
            ..Default::default()
        };
        let all = |a: &distans_core::kernel::Actor| {
            let q = FollowUpQuery::default();
            let c = &c;
            let a = a.clone();
            async move {
                c.followup
                    .followups(
                        &a,
                        &q,
                        Paging {
                            limit: 500,
                            offset: 0,
                        },
                    )
                    .await
                    .unwrap()
            }
        };
        let (a_all, chef_all, bygg_all, hr_all) = (
            all(&anna).await,
            all(&chef).await,
            all(&bygg).await,
            all(&hr).await,
        );
        assert_eq!(a_all.total, 3, "{label}: anna sees her own only");
        assert!(chef_all.items.iter().any(|f| f.person.id == anna.person_id));
        for f in &chef_all.items {
            let rec = store.person(f.person.id).await.unwrap().unwrap();
            assert!(
                chef.manages_path(&rec.unit_path),
                "{label}: chef sees {}",
                f.person.name
            );
        }
        assert!(!bygg_all.items.iter().any(|f| f.person.id == anna.person_id));
        assert!(
            hr_all.total > chef_all.total && hr_all.total > bygg_all.total,
            "{label}"
        );
        let due_soon = c
            .followup
            .followups(&anna, &before, Paging::default())
            .await
            .unwrap();
        assert_eq!(due_soon.total, 1, "{label}: due_before includes the day");
        let risk = due_soon.items[0].clone();
        assert!(matches!(
            c.followup.followup(&bygg, risk.id).await,
            Err(CoreError::NotFound(_))
        ));

        // Answers refer to the version answered, even after HR changes it.
        let mut answers: std::collections::BTreeMap<String, serde_json::Value> =
            checklist::default_template("riskbedomning")
                .unwrap()
                .1
                .iter()
                .filter(|q| q.kind != checklist::QuestionType::Text)
                .map(|q| {
                    let v = match q.kind {
                        checklist::QuestionType::Scale => json!(4),
                        _ => json!("yes"),
                    };
                    (q.id.clone(), v)
                })
                .collect();
        answers.insert("skrivbord".into(), json!("no"));
        let mut input = AnswersInput {
            answers: answers.clone(),
            comments: [(
                "skrivbord".to_string(),
                "Köksbordet är för högt".to_string(),
            )]
            .into(),
            complete: false,
            version: None,
        };
        let saved = c
            .followup
            .answer_followup(&anna, risk.id, &input)
            .await
            .unwrap();
        assert_eq!(saved.template_version, Some(1));
        let risk_edit = c
            .followup
            .checklist(&hr, "riskbedomning", None)
            .await
            .unwrap();
        c.followup
            .save_checklist(
                &hr,
                "riskbedomning",
                &ChecklistInput {
                    title: risk_edit.title.clone(),
                    questions: risk_edit.questions[1..].to_vec(),
                    version: None,
                },
            )
            .await
            .unwrap();
        let detail = c.followup.followup(&chef, risk.id).await.unwrap();
        assert_eq!(detail.template.version, 1, "{label}");
        assert_eq!(detail.template.questions.len(), risk_edit.questions.len());
        assert_eq!(detail.party.as_deref(), Some("manager"));

        // Completing needs every required answer; a stale version is 409.
        let mut missing = input.clone();
        missing.answers.remove("stol");
        missing.complete = true;
        let e = c
            .followup
            .answer_followup(&anna, risk.id, &missing)
            .await
            .unwrap_err();
        assert_eq!(e.field(), Some("answers.stol"), "{label}");
        let mut stale = input.clone();
        stale.version = Some(saved.version - 1);
        assert!(matches!(
            c.followup.answer_followup(&anna, risk.id, &stale).await,
            Err(CoreError::Conflict(_))
        ));
        assert!(matches!(
            c.followup.answer_followup(&bygg, risk.id, &input).await,
            Err(CoreError::NotFound(_))
        ));

        // Anna confirms; chef changes an answer and confirms, which clears
        // Anna's confirmation; Anna confirms the same answers: done.
        input.complete = true;
        let f = c
            .followup
            .answer_followup(&anna, risk.id, &input)
            .await
            .unwrap();
        assert!(f.employee_confirmed.is_some() && f.manager_confirmed.is_none());
        input.answers.insert("stol".into(), json!("no"));
        input.version = Some(f.version);
        let f = c
            .followup
            .answer_followup(&chef, risk.id, &input)
            .await
            .unwrap();
        assert!(
            f.employee_confirmed.is_none(),
            "{label}: a change clears the other's confirmation"
        );
        assert!(f.manager_confirmed.is_some());
        assert!(f.state.is_open());
        input.version = Some(f.version);
        let f = c
            .followup
            .answer_followup(&anna, risk.id, &input)
            .await
            .unwrap();
        assert_eq!(f.state, FollowUpState::Done, "{label}");
        assert_eq!(f.open_actions, 2);
        assert!(matches!(
            c.followup.answer_followup(&anna, risk.id, &input).await,
            Err(CoreError::Conflict(_))
        ));

        // The risks became actions owned by chef, due in 30 days.
        let detail = c.followup.followup(&anna, risk.id).await.unwrap();
        assert_eq!(detail.actions.len(), 2);
        let desk = detail
            .actions
            .iter()
            .find(|x| x.question_id == "skrivbord")
            .unwrap()
            .clone();
        assert!(
            desk.description.contains("Köksbordet"),
            "{}",
            desk.description
        );
        assert_eq!(desk.owner.id, chef.person_id);
        assert_eq!(desk.due, c.today() + time::Duration::days(30));
        let open = c
            .followup
            .actions(&chef, Some(ActionState::Open), Paging::default())
            .await
            .unwrap();
        assert!(open.items.iter().any(|x| x.id == desk.id));
        assert_eq!(
            c.followup
                .actions(&bygg, Some(ActionState::Open), Paging::default())
                .await
                .unwrap()
                .total,
            0
        );
        let notes = c
            .notify
            .notifications(&chef, Paging::default())
            .await
            .unwrap();
        assert!(
            notes.items.iter().any(|n| n.kind == "followup_action"),
            "{label}"
        );

        // Closing: not by the employee; by the owner with a note, once.
        assert!(matches!(
            c.followup.close_action(&anna, desk.id, "Klart").await,
            Err(CoreError::Forbidden(_))
        ));
        assert!(c.followup.close_action(&chef, desk.id, "  ").await.is_err());
        let closed = c
            .followup
            .close_action(&chef, desk.id, "Höj- och sänkbart skrivbord levererat")
            .await
            .unwrap();
        assert_eq!(closed.state, ActionState::Closed);
        assert_eq!(closed.closed_by.unwrap().id, chef.person_id);
        assert!(matches!(
            c.followup.close_action(&chef, desk.id, "igen").await,
            Err(CoreError::Conflict(_))
        ));
        assert_eq!(
            c.followup
                .followup(&anna, risk.id)
                .await
                .unwrap()
                .followup
                .open_actions,
            1
        );

        // A development talk, set by the manager.
        let talk_day = c.today() + time::Duration::days(20);
        assert!(c
            .agreements
            .schedule_development_talk(&anna, gid.into(), talk_day)
            .await
            .is_err());
        let talk = c
            .agreements
            .schedule_development_talk(&chef, gid.into(), talk_day)
            .await
            .unwrap();
        assert_eq!(talk.kind, FollowUpKind::DevelopmentTalk);
        assert_eq!(talk.template_key, "uppfoljning");

        // Ending early cancels the follow-ups after the last day.
        let g = c
            .agreements
            .end_agreement(&chef, gid.into(), Some("Omorganisation"))
            .await
            .unwrap();
        let last = g.ends_on.unwrap();
        let cancelled = c
            .followup
            .followups(
                &anna,
                &FollowUpQuery {
                    agreement: Some(gid.into()),
                    state: Some(StateFilter::Cancelled),
                    ..Default::default()
                },
                Paging::default(),
            )
            .await
            .unwrap();
        assert_eq!(cancelled.total, 2, "{label}: both follow-ups after {last}");
        assert!(cancelled.items.iter().all(|f| f.due > last));
        let open = c
            .followup
            .followups(
                &anna,
                &FollowUpQuery {
                    agreement: Some(gid.into()),
                    state: Some(StateFilter::Open),
                    ..Default::default()
                },
                Paging::default(),
            )
            .await
            .unwrap();
        assert_eq!(
            open.items.len(),
            1,
            "{label}: the talk before the end stays"
        );
        assert_eq!(open.items[0].id, talk.id);
        t.drop_db().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn followup_reminders_are_sent_once_and_once_more_when_overdue() {
    use distans_core::kernel::clock::FixedClock;
    for t in fresh_dbs().await {
        let label = t.label;
        let clock = FixedClock::new(OffsetDateTime::now_utc());
        let store = Arc::new(t.open().await);
        let c = Core::new(store.clone(), Arc::new(clock.clone()));
        c.demo.load_demo(60).await.unwrap();
        c.ensure_defaults().await.unwrap();
        let (anna, chef) = (
            actor_of(&store, "anna").await,
            actor_of(&store, "chef").await,
        );
        let start = c.today() + time::Duration::days(10);
        active_agreement(&c, &anna, &chef, start, None).await;
        let kinds = |who: distans_core::kernel::Actor| {
            let c = &c;
            async move {
                let n = c
                    .notify
                    .notifications(
                        &who,
                        Paging {
                            limit: 500,
                            offset: 0,
                        },
                    )
                    .await
                    .unwrap();
                let count = |k: &str| n.items.iter().filter(|x| x.kind == k).count();
                (count("followup_due"), count("followup_overdue"))
            }
        };
        // The demo's own follow-ups are reminded first; Anna's is 10 days away.
        for _ in 0..20 {
            if c.followup.remind_followups().await.unwrap() == 0 {
                break;
            }
        }
        assert_eq!(kinds(anna.clone()).await, (0, 0), "{label}");
        // Within 7 days: Anna and her manager are told, once.
        clock.advance(time::Duration::days(4));
        assert!(c.followup.remind_followups().await.unwrap() >= 1);
        assert_eq!(kinds(anna.clone()).await, (1, 0), "{label}");
        assert_eq!(kinds(chef.clone()).await.0, 1, "{label}: and chef");
        c.followup.remind_followups().await.unwrap();
        assert_eq!(kinds(anna.clone()).await, (1, 0), "{label}: not twice");
        // Overdue: once more.
        clock.advance(time::Duration::days(7));
        c.followup.remind_followups().await.unwrap();
        c.followup.remind_followups().await.unwrap();
        assert_eq!(kinds(anna.clone()).await, (1, 1), "{label}");
        clock.advance(time::Duration::days(1));
        c.followup.remind_followups().await.unwrap();
        assert_eq!(kinds(anna.clone()).await, (1, 1), "{label}: never again");
        t.drop_db().await;
    }
}
