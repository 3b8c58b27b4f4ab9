//! Calendar feeds: made once, renewed and revoked.

use std::sync::Arc;

use distans_core::audit::AuditFilter;
use distans_core::kernel::Paging;
use distans_core::store::*;

use super::{core, fresh_dbs, username_person};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calendar_feeds_are_made_once_renewed_and_revoked() {
    for t in fresh_dbs().await {
        let label = t.label;
        let store = Arc::new(t.open().await);
        let c = core(&store);
        c.demo.load_demo(300).await.unwrap();
        c.ensure_defaults().await.unwrap();
        let anna = store
            .actor(username_person(&store, "anna").await)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            c.feed.my_calendar_secret(&anna).await.unwrap(),
            None,
            "{label}"
        );
        let s1 = c.feed.calendar_secret(&anna).await.unwrap();
        assert_eq!(s1.len(), 43);
        assert_eq!(
            c.feed.calendar_secret(&anna).await.unwrap(),
            s1,
            "{label}: kept"
        );
        let feed = c.feed.calendar_feed(&s1).await.unwrap().unwrap();
        assert_eq!(feed.person, anna.person_id);
        assert_eq!(feed.name, "Anna Lindqvist");
        // Four weeks back to 13 ahead: some 80 workdays, all of them workdays.
        assert!(
            (75..=86).contains(&feed.days.len()),
            "{label}: {}",
            feed.days.len()
        );
        assert!(feed
            .days
            .iter()
            .all(|d| d.date.weekday() != time::Weekday::Saturday
                && d.date.weekday() != time::Weekday::Sunday));

        let s2 = c.feed.reset_calendar_secret(&anna).await.unwrap();
        assert_ne!(s1, s2);
        assert!(
            c.feed.calendar_feed(&s1).await.unwrap().is_none(),
            "{label}"
        );
        assert!(c.feed.calendar_feed(&s2).await.unwrap().is_some());
        assert!(c.feed.revoke_calendar_secret(&anna).await.unwrap());
        assert!(
            !c.feed.revoke_calendar_secret(&anna).await.unwrap(),
            "nothing left"
        );
        assert!(c.feed.calendar_feed(&s2).await.unwrap().is_none());
        assert!(c
            .feed
            .calendar_feed("not a secret")
            .await
            .unwrap()
            .is_none());

        let log = store
            .audit(
                &AuditFilter {
                    entity: Some("person".into()),
                    entity_id: Some(anna.person_id.to_string()),
                    from: None,
                    ..Default::default()
                },
                Paging::default(),
            )
            .await
            .unwrap();
        let actions: Vec<&str> = log
            .items
            .iter()
            .map(|e| e.entry.action.as_str())
            .filter(|a| a.starts_with("calendar."))
            .collect();
        assert_eq!(
            actions,
            vec!["calendar.revoke", "calendar.reset", "calendar.create"],
            "{label}"
        );
        assert!(c.audit.verify_audit(None).await.unwrap().ok);
        t.drop_db().await;
    }
}
