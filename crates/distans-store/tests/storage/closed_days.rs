//! Closed days: kept by HR, and gone from the plan.

use std::sync::Arc;

use distans_core::audit::AuditFilter;
use distans_core::kernel::Paging;
use distans_core::store::*;
use distans_core::CoreError;

use super::{core, fresh_dbs, username_person};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_days_are_kept_by_hr_and_leave_the_plan() {
    use distans_core::kernel::calendar::WorkCalendar;
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
        let (hr, admin, anna) = (actor("hr").await, actor("admin").await, actor("anna").await);
        let cal = WorkCalendar::default();
        let mut day = c.today() + time::Duration::days(30);
        while !cal.is_workday(day) {
            day += time::Duration::days(1);
        }
        let year = day.year();
        assert!(matches!(
            c.workdays.add_closed_day(&anna, day, "Klämdag").await,
            Err(CoreError::Forbidden(_))
        ));
        c.workdays
            .add_closed_day(&hr, day, " Klämdag ")
            .await
            .unwrap();
        assert!(
            matches!(
                c.workdays.add_closed_day(&admin, day, "Igen").await,
                Err(CoreError::Conflict(_))
            ),
            "{label}"
        );
        let christmas = time::Date::from_calendar_date(year, time::Month::December, 25).unwrap();
        assert_eq!(
            c.workdays
                .add_closed_day(&hr, christmas, "Jul")
                .await
                .unwrap_err()
                .field(),
            Some("date")
        );
        let mut saturday = day;
        while saturday.weekday() != time::Weekday::Saturday {
            saturday += time::Duration::days(1);
        }
        assert!(matches!(
            c.workdays.add_closed_day(&hr, saturday, "Lördag").await,
            Err(CoreError::Rule { .. })
        ));
        assert_eq!(
            c.workdays
                .add_closed_day(&hr, day + time::Duration::days(1), "")
                .await
                .unwrap_err()
                .field(),
            Some("name")
        );
        let list = c.workdays.closed_days(&anna, year).await.unwrap();
        assert_eq!(list.len(), 1, "{label}");
        assert_eq!(list[0].name, "Klämdag");
        assert_eq!(
            c.workdays
                .closed_days(&anna, 1800)
                .await
                .unwrap_err()
                .field(),
            Some("year")
        );
        let off = c.workdays.days_off(&anna, year).await.unwrap();
        assert!(off.holidays.iter().any(|h| h.name == "Juldagen"));

        // The plan has no such day; opening it again brings it back.
        let plan = c
            .plan
            .plan(&anna, None, None, super::span(day, day))
            .await
            .unwrap();
        assert!(plan.is_empty(), "{label}: {plan:?}");
        assert!(matches!(
            c.workdays.delete_closed_day(&anna, day).await,
            Err(CoreError::Forbidden(_))
        ));
        c.workdays.delete_closed_day(&admin, day).await.unwrap();
        assert!(matches!(
            c.workdays.delete_closed_day(&admin, day).await,
            Err(CoreError::NotFound(_))
        ));
        assert_eq!(
            c.plan
                .plan(&anna, None, None, super::span(day, day))
                .await
                .unwrap()
                .len(),
            1
        );
        let log = store
            .audit(
                &AuditFilter {
                    entity: Some("closed_day".into()),
                    entity_id: None,
                    from: None,
                    ..Default::default()
                },
                Paging::default(),
            )
            .await
            .unwrap();
        let actions: Vec<&str> = log.items.iter().map(|e| e.entry.action.as_str()).collect();
        assert_eq!(actions, vec!["closed_day.delete", "closed_day.create"]);
        assert!(c.audit.verify_audit(None).await.unwrap().ok);
        t.drop_db().await;
    }
}
