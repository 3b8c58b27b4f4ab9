//! The plan: absences, occasional days and agreements.

use std::sync::Arc;

use distans_core::kernel::Paging;
use distans_core::org::PeopleFilter;
use distans_core::store::*;
use distans_core::CoreError;

use super::{core, fresh_dbs, username_person};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plan_follows_absences_occasional_days_and_agreements() {
    use distans_core::cases::Decision;
    use distans_core::kernel::calendar::WorkCalendar;
    use distans_core::plan::{DayState, Part, Source};
    use distans_core::policy::RequestInput;
    for t in fresh_dbs().await {
        let label = t.label;
        let store = Arc::new(t.open().await);
        let c = core(&store);
        c.demo.load_demo(300).await.unwrap();
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
        let (anna, chef, bo) = (actor("anna").await, actor("chef").await, actor("bo").await);
        // A whole working week at least two weeks ahead.
        let cal = WorkCalendar::default();
        let mut monday = c.today() + time::Duration::days(14);
        while monday.weekday() != time::Weekday::Monday
            || (0..5).any(|i| !cal.is_workday(monday + time::Duration::days(i)))
        {
            monday += time::Duration::days(1);
        }
        let day = |i: i64| monday + time::Duration::days(i);

        // Anna's agreement: Fridays remote.
        let r = c
            .cases
            .submit_request(
                &anna,
                &RequestInput {
                    days_per_week: Some(1),
                    weekdays: vec!["fri".into()],
                    start: Some(c.today().to_string()),
                    reason: "Pendling".into(),
                    confirmations: vec![
                        "wifi".into(),
                        "it-security".into(),
                        "vpn".into(),
                        "home-insurance".into(),
                    ],
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let gid = c
            .cases
            .decide(&chef, r.id, Decision::Approve.into())
            .await
            .unwrap()
            .agreement_id
            .unwrap();
        c.agreements.send_agreement(&chef, gid, None).await.unwrap();
        c.agreements.sign_agreement(&anna, gid).await.unwrap();
        c.agreements.sign_agreement(&chef, gid).await.unwrap();

        // Occasional days within the policy's two a week.
        assert_eq!(
            c.occasional
                .set_occasional_day(
                    &anna,
                    anna.person_id,
                    day(1),
                    Some(DayState::Remote),
                    None,
                    false
                )
                .await
                .unwrap()
                .source,
            Source::Occasional
        );
        c.occasional
            .set_occasional_day(
                &anna,
                anna.person_id,
                day(2),
                Some(DayState::Remote),
                Some(Part::Am),
                false,
            )
            .await
            .unwrap();
        c.occasional
            .set_occasional_day(
                &anna,
                anna.person_id,
                day(2),
                Some(DayState::Remote),
                None,
                false,
            )
            .await
            .unwrap();
        let e = c
            .occasional
            .set_occasional_day(
                &anna,
                anna.person_id,
                day(3),
                Some(DayState::Remote),
                Some(Part::Pm),
                false,
            )
            .await
            .unwrap_err();
        assert_eq!(
            e.field(),
            Some("state"),
            "{label}: a third remote day breaks the limit: {e}"
        );
        c.occasional
            .set_occasional_day(
                &anna,
                anna.person_id,
                day(3),
                Some(DayState::Other),
                None,
                false,
            )
            .await
            .unwrap();
        // Her manager may set her days; bo may not even see them.
        c.occasional
            .set_occasional_day(
                &chef,
                anna.person_id,
                day(0),
                Some(DayState::Workplace),
                None,
                false,
            )
            .await
            .unwrap();
        assert!(matches!(
            c.occasional
                .set_occasional_day(
                    &bo,
                    anna.person_id,
                    day(0),
                    Some(DayState::Remote),
                    None,
                    false
                )
                .await,
            Err(CoreError::NotFound(_))
        ));
        // Not a weekend, not the past.
        assert_eq!(
            c.occasional
                .set_occasional_day(
                    &anna,
                    anna.person_id,
                    day(5),
                    Some(DayState::Remote),
                    None,
                    false
                )
                .await
                .unwrap_err()
                .field(),
            Some("date")
        );
        assert_eq!(
            c.occasional
                .set_occasional_day(
                    &anna,
                    anna.person_id,
                    c.today() - time::Duration::days(3),
                    Some(DayState::Remote),
                    None,
                    false
                )
                .await
                .unwrap_err()
                .field(),
            Some("date")
        );

        let plan = c
            .plan
            .plan(&anna, None, None, super::span(monday, day(6)))
            .await
            .unwrap();
        let got: Vec<(DayState, Source)> =
            plan.iter().map(|d| (d.day.state, d.day.source)).collect();
        assert_eq!(
            got,
            vec![
                (DayState::Workplace, Source::Occasional),
                (DayState::Remote, Source::Occasional),
                (DayState::Remote, Source::Occasional),
                (DayState::Other, Source::Occasional),
                (DayState::Remote, Source::Agreement),
            ],
            "{label}"
        );
        // Removing an occasional day gives the rule back; the unit's plan has everyone.
        c.occasional
            .set_occasional_day(&anna, anna.person_id, day(1), None, None, false)
            .await
            .unwrap();
        assert_eq!(
            c.plan
                .plan(
                    &chef,
                    Some(anna.person_id),
                    None,
                    super::span(day(1), day(1))
                )
                .await
                .unwrap()[0]
                .day
                .source,
            Source::Default
        );
        let unit = c
            .plan
            .plan(
                &chef,
                None,
                Some(chef.manages[0].id),
                super::span(monday, day(4)),
            )
            .await
            .unwrap();
        assert!(unit.len() >= 5 * 10, "{label}: {} days", unit.len());
        assert!(c
            .plan
            .plan(&bo, Some(anna.person_id), None, super::span(monday, day(4)))
            .await
            .is_err());
        assert_eq!(
            c.plan
                .plan(
                    &anna,
                    None,
                    None,
                    super::span(monday, monday + time::Duration::days(200))
                )
                .await
                .unwrap_err()
                .field(),
            Some("to")
        );

        // A secrecy-classified task is done on site.
        let secret = store
            .people(
                &PeopleFilter::All,
                None,
                Paging {
                    limit: 500,
                    offset: 0,
                },
            )
            .await
            .unwrap();
        let mut found = false;
        for p in secret.items {
            let rec = store.person(p.id).await.unwrap().unwrap();
            if rec.person.skills.iter().any(|s| s == "sekretessklassad") {
                let hr = actor("hr").await;
                let e = c
                    .occasional
                    .set_occasional_day(&hr, p.id, day(1), Some(DayState::Remote), None, false)
                    .await
                    .unwrap_err();
                assert!(e.to_string().contains("sekretessklassad"), "{label}: {e}");
                found = true;
                break;
            }
        }
        assert!(found, "{label}: the demo has secrecy-classified tasks");
        assert!(c.audit.verify_audit(None).await.unwrap().ok);
        t.drop_db().await;
    }
}
