//! Coverage rules: who is on site, and warnings before a gap.

use distans_core::kernel::PersonId;
use std::sync::Arc;

use distans_core::audit::AuditFilter;
use distans_core::kernel::Paging;
use distans_core::store::*;
use distans_core::CoreError;

use super::{core, fresh_dbs, username_person};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coverage_rules_count_who_is_on_site_and_warn_before_a_gap() {
    use distans_core::cases::{Decision, Verdict};
    use distans_core::coverage::NewCoverageRule;
    use distans_core::kernel::calendar::WorkCalendar;
    use distans_core::kernel::gap::RuleKind;
    use distans_core::plan::DayState;
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
        let (anna, chef, bo, hr) = (
            actor("anna").await,
            actor("chef").await,
            actor("bo").await,
            actor("hr").await,
        );
        let unit = chef.manages[0].id;
        let cal = WorkCalendar::default();
        let mut monday = c.today() + time::Duration::days(14);
        while monday.weekday() != time::Weekday::Monday
            || (0..5).any(|i| !cal.is_workday(monday + time::Duration::days(i)))
        {
            monday += time::Duration::days(1);
        }
        let day = |i: i64| monday + time::Duration::days(i);
        let min = |n: i64| NewCoverageRule::parse("min_onsite", None, Some(n), None).unwrap();

        // Only the unit's managers and HR write its rules.
        assert!(matches!(
            c.coverage.add_coverage_rule(&anna, unit, min(1)).await,
            Err(CoreError::Forbidden(_))
        ));
        assert!(matches!(
            c.coverage.add_coverage_rule(&bo, unit, min(1)).await,
            Err(CoreError::Forbidden(_))
        ));
        let rule = c
            .coverage
            .add_coverage_rule(&chef, unit, min(1))
            .await
            .unwrap();
        let demo_rules = c.coverage.coverage_rules(&bo, unit).await.unwrap();
        assert!(demo_rules.len() >= 2, "{label}: the demo's rules and ours");
        assert!(demo_rules.iter().any(|r| r.id == rule.id));
        let ours = |d: &distans_core::coverage::CoverageDay| {
            d.rules.iter().find(|r| r.rule == rule.id).cloned().unwrap()
        };

        // What the plan gives before any change.
        let before = c
            .coverage
            .coverage(&chef, unit, super::span(monday, day(4)))
            .await
            .unwrap();
        assert_eq!(before.len(), 5, "{label}");
        assert!(matches!(
            c.coverage
                .coverage(&bo, unit, super::span(monday, day(4)))
                .await,
            Err(CoreError::Forbidden(_))
        ));
        let on_day1: Vec<PersonId> = before[1].on_site.iter().map(|p| p.id).collect();
        assert!(on_day1.contains(&anna.person_id), "{label}");
        let n1 = ours(&before[1]).planned;
        assert_eq!(n1, on_day1.len() as i64);

        // The rule asks for all but one on day 1: Anna may go, the next may not.
        let rule = c
            .coverage
            .update_coverage_rule(&chef, rule.id, rule.version, min(n1 - 1))
            .await
            .unwrap();
        assert!(matches!(
            c.coverage
                .update_coverage_rule(&chef, rule.id, 1, min(2))
                .await,
            Err(CoreError::Conflict(_))
        ));
        c.occasional
            .set_occasional_day(
                &anna,
                anna.person_id,
                day(1),
                Some(DayState::Remote),
                None,
                false,
            )
            .await
            .unwrap();
        let x = *on_day1
            .iter()
            .find(|p| **p != anna.person_id && **p != chef.person_id)
            .unwrap();
        let xa = store.actor(x).await.unwrap().unwrap();
        let e = c
            .occasional
            .set_occasional_day(&chef, x, day(1), Some(DayState::Remote), None, false)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "coverage_gap", "{label}: {e}");
        let CoreError::CoverageGap { gaps, .. } = &e else {
            panic!("{e}")
        };
        assert_eq!(gaps.len(), 1, "{label}: {gaps:?}");
        assert_eq!((gaps[0].rule, gaps[0].date), (rule.id, day(1)));
        assert_eq!((gaps[0].required, gaps[0].planned), (n1 - 1, n1 - 2));
        assert!(e.to_string().contains(&chef.manages[0].name), "{e}");
        // The employee cannot accept the gap; the manager can, and it is recorded.
        assert!(matches!(
            c.occasional
                .set_occasional_day(&xa, x, day(1), Some(DayState::Remote), None, true)
                .await,
            Err(CoreError::Forbidden(_))
        ));
        c.occasional
            .set_occasional_day(&chef, x, day(1), Some(DayState::Remote), None, true)
            .await
            .unwrap();
        let log = c
            .audit
            .audit(
                &hr,
                &AuditFilter {
                    entity: Some("person".into()),
                    ..Default::default()
                },
                Paging {
                    limit: 5,
                    offset: 0,
                },
            )
            .await
            .unwrap();
        assert!(
            log.items.iter().any(|a| a
                .entry
                .after
                .as_ref()
                .is_some_and(|v| v.get("allowed_gaps").is_some())),
            "{label}: the accepted gap is in the audit log"
        );
        let after = c
            .coverage
            .coverage(&chef, unit, super::span(monday, day(4)))
            .await
            .unwrap();
        assert_eq!(ours(&after[1]).planned, n1 - 2, "{label}");
        assert_eq!(ours(&after[1]).gap, 1, "{label}");
        assert_eq!(ours(&after[0]).gap, ours(&before[0]).gap);
        // Going back on site never warns.
        c.occasional
            .set_occasional_day(&xa, x, day(1), None, None, false)
            .await
            .unwrap();

        // A rule for a skill on chosen weekdays counts only those.
        let skilled = store.person(x).await.unwrap().unwrap().person.skills;
        if let Some(skill) = skilled.first() {
            let r2 = c
                .coverage
                .add_coverage_rule(
                    &hr,
                    unit,
                    NewCoverageRule::parse(
                        "min_onsite",
                        Some(skill),
                        Some(1),
                        Some(&["wed".into()]),
                    )
                    .unwrap(),
                )
                .await
                .unwrap();
            let cov = c
                .coverage
                .coverage(&chef, unit, super::span(monday, day(4)))
                .await
                .unwrap();
            for (i, d) in cov.iter().enumerate() {
                let has = d.rules.iter().any(|r| r.rule == r2.id);
                assert_eq!(has, i == 2, "{label}: the skill rule is Wednesdays only");
            }
            c.coverage
                .delete_coverage_rule(&hr, r2.id, Some(r2.version))
                .await
                .unwrap();
        }

        // Approving fixed Fridays that leave too few on site warns too.
        let fridays: Vec<time::Date> = (0..4)
            .map(|w| {
                let mut f = c.today() + time::Duration::days(7 * w);
                while f.weekday() != time::Weekday::Friday {
                    f += time::Duration::days(1);
                }
                f
            })
            .filter(|f| cal.is_workday(*f) && *f <= c.today() + time::Duration::days(27))
            .collect();
        let mut everyone_fri: Option<Vec<PersonId>> = None;
        let mut least = i64::MAX;
        for f in &fridays {
            let cov = c
                .coverage
                .coverage(&chef, unit, super::span(*f, *f))
                .await
                .unwrap();
            let ids: Vec<PersonId> = cov[0].on_site.iter().map(|p| p.id).collect();
            least = least.min(ids.len() as i64);
            everyone_fri = Some(match everyone_fri {
                None => ids,
                Some(prev) => prev.into_iter().filter(|p| ids.contains(p)).collect(),
            });
        }
        c.coverage
            .update_coverage_rule(
                &chef,
                rule.id,
                rule.version,
                NewCoverageRule::parse("min_onsite", None, Some(least), Some(&["fri".into()]))
                    .unwrap(),
            )
            .await
            .unwrap();
        let mut applicant = None;
        for p in everyone_fri.unwrap_or_default() {
            let rec = store.person(p).await.unwrap().unwrap();
            if p != chef.person_id && !rec.person.skills.iter().any(|s| s == "sekretessklassad") {
                applicant = Some(store.actor(p).await.unwrap().unwrap());
                break;
            }
        }
        let y = applicant.expect("someone on site every Friday");
        let r = c
            .cases
            .submit_request(
                &y,
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
        let e = c
            .cases
            .decide(
                &chef,
                r.id,
                Verdict {
                    allow_gap: false,
                    ..Decision::Approve.into()
                },
            )
            .await
            .unwrap_err();
        assert_eq!(e.code(), "coverage_gap", "{label}: {e}");
        let approved = c
            .cases
            .decide(
                &chef,
                r.id,
                Verdict {
                    allow_gap: true,
                    ..Decision::Approve.into()
                },
            )
            .await
            .unwrap();
        assert!(approved.agreement_id.is_some(), "{label}");

        // Desks: a desk rule counts everyone at the unit's site, as occupancy does.
        let site = store.unit(unit).await.unwrap().unwrap().site.unwrap();
        let desks = c
            .coverage
            .add_coverage_rule(
                &chef,
                unit,
                NewCoverageRule::parse("max_desks", None, None, None).unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(desks.kind, RuleKind::MaxDesks);
        let cov = c
            .coverage
            .coverage(&chef, unit, super::span(monday, day(1)))
            .await
            .unwrap();
        let occ = c
            .coverage
            .occupancy(&chef, Some(site.id), super::span(monday, day(1)))
            .await
            .unwrap();
        for (cd, od) in cov.iter().zip(&occ[0].days) {
            let r = cd.rules.iter().find(|r| r.rule == desks.id).unwrap();
            assert_eq!(r.required, site.desks);
            assert_eq!(r.planned, od.on_site, "{label}");
            assert_eq!(r.gap, (od.on_site - site.desks).max(0));
        }
        // The whole organisation tomorrow: everyone sitting somewhere counted once.
        let all = c
            .coverage
            .occupancy(&hr, None, super::span(day(1), day(1)))
            .await
            .unwrap();
        let people: i64 = all.iter().map(|s| s.people).sum();
        assert_eq!(people, store.counts().await.unwrap().people, "{label}");
        for s in &all {
            let d = &s.days[0];
            assert_eq!(d.on_site + d.remote + d.other + d.absent, s.people);
        }
        assert!(matches!(
            c.coverage
                .occupancy(&anna, None, super::span(day(1), day(1)))
                .await,
            Err(CoreError::Forbidden(_))
        ));
        c.coverage
            .delete_coverage_rule(&chef, desks.id, None)
            .await
            .unwrap();
        assert!(matches!(
            c.coverage.delete_coverage_rule(&chef, desks.id, None).await,
            Err(CoreError::NotFound(_))
        ));
        assert!(c.audit.verify_audit(None).await.unwrap().ok);
        t.drop_db().await;
    }
}
