//! People who leave: deactivated at once, their matters wound up in one
//! transaction, and out of plans and coverage from the day after.

use std::sync::Arc;

use distans_core::cases::{Decision, RequestState};
use distans_core::departures::{By, DepartureInput};
use distans_core::kernel::dates::DateRange;
use distans_core::kernel::{MessageKey, Paging};
use distans_core::plan::DayState;
use distans_core::policy::RequestInput;
use distans_core::store::*;
use distans_core::CoreError;

use super::{core, fresh_dbs, message_of, username_person};

fn request() -> RequestInput {
    RequestInput {
        days_per_week: Some(1),
        weekdays: vec!["fri".into()],
        start: None,
        end: None,
        place: Some("home".into()),
        place_address: None,
        reason: "Pendling".into(),
        confirmations: vec![
            "wifi".into(),
            "it-security".into(),
            "vpn".into(),
            "home-insurance".into(),
        ],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_departure_stops_access_and_winds_up_open_matters() {
    for t in fresh_dbs().await {
        let label = t.label;
        let store = Arc::new(t.open().await);
        let c = core(&store);
        c.demo.load_demo(60).await.unwrap();
        c.ensure_defaults().await.unwrap();
        let anna_id = username_person(&store, "anna").await;
        let anna = store.actor(anna_id).await.unwrap().unwrap();
        let hr = store
            .actor(username_person(&store, "hr").await)
            .await
            .unwrap()
            .unwrap();
        let chef = store
            .actor(username_person(&store, "chef").await)
            .await
            .unwrap()
            .unwrap();
        let today = c.today();
        let last_day = today + time::Duration::days(14);

        // Anna has a token, a calendar feed, equipment, and asks for more.
        let token = c.identity.create_token(&anna, "mobil", None).await.unwrap();
        let feed = c.feed.calendar_secret(&anna).await.unwrap();
        let ask = |days: i64| {
            let mut input = request();
            input.start = Some((today + time::Duration::days(days)).to_string());
            input
        };
        // One request approved (its agreement drafted), one still open.
        let mut first = ask(30);
        first.end = Some((today + time::Duration::days(90)).to_string());
        let approved = c.cases.submit_request(&anna, &first).await.unwrap();
        c.cases
            .decide(&chef, approved.id, Decision::Approve.into())
            .await
            .unwrap();
        let open = c.cases.submit_request(&anna, &ask(400)).await.unwrap();

        // Only HR and administrators deactivate.
        let refused = c
            .departures
            .deactivate(By::Person(&chef), anna_id, DepartureInput::default())
            .await;
        assert!(
            matches!(refused, Err(CoreError::Forbidden(_))),
            "{label}: {refused:?}"
        );

        let report = c
            .departures
            .deactivate(
                By::Person(&hr),
                anna_id,
                DepartureInput {
                    last_day: Some(last_day),
                    reason: Some(" Slutar sin anställning ".into()),
                },
            )
            .await
            .unwrap();
        assert_eq!(report.last_day, last_day);
        assert_eq!(
            report.loans_to_collect, 2,
            "{label}: the demo lends her two items"
        );

        // No sign-in, no session, no token, no feed — at once.
        assert!(
            store.credentials("anna").await.unwrap().is_none(),
            "{label}"
        );
        assert!(store.actor(anna_id).await.unwrap().is_none(), "{label}");
        assert!(
            c.identity
                .actor_by_token(&token.secret)
                .await
                .unwrap()
                .is_none(),
            "{label}"
        );
        assert!(
            c.feed.calendar_feed(&feed).await.unwrap().is_none(),
            "{label}"
        );

        // The open request is withdrawn; the drafted agreement ends now.
        let r = c.cases.request(&hr, open.id).await.unwrap();
        assert_eq!(r.state, RequestState::Withdrawn, "{label}");
        assert_eq!(report.requests_withdrawn, 1, "{label}");
        assert_eq!(report.agreements_ended, 1, "{label}");
        let agreements = c.agreements.agreements_of(&hr, anna_id).await.unwrap();
        assert!(!agreements.is_empty());
        for g in agreements {
            assert!(
                g.last_day().is_some_and(|l| l <= last_day.max(today)),
                "{label}: {g:?}"
            );
            assert_eq!(g.end_reason.as_deref(), Some("Slutar sin anställning"));
        }

        // Her manager is told what to collect, and it is on the list.
        let notes = c
            .notify
            .notifications(&chef, Paging::default())
            .await
            .unwrap();
        let told = notes.items.iter().find(|n| {
            let m = message_of(&n.content);
            m.key == MessageKey::DepartureEquipment && m.args["items"].contains("DL-1001")
        });
        assert!(told.is_some(), "{label}: {notes:?}");
        let collect = c
            .equipment
            .loans_to_collect(&chef, Paging::default())
            .await
            .unwrap();
        assert!(
            collect
                .items
                .iter()
                .filter(|l| l.person.id == anna_id)
                .count()
                == 2,
            "{label}: {collect:?}"
        );

        // In the plan she works to her last day and is away after it.
        let period =
            DateRange::new(("from", "to"), today, today + time::Duration::days(27)).unwrap();
        let days = c
            .plan
            .plan(&hr, Some(anna_id), None, period)
            .await
            .unwrap()
            .to_vec();
        assert!(!days.is_empty());
        for d in &days {
            assert_eq!(
                d.day.state == DayState::Absent,
                d.day.date > last_day,
                "{label}: {d:?}"
            );
        }

        // Twice is a conflict; the audit log has it; she can come back.
        let again = c
            .departures
            .deactivate(By::Person(&hr), anna_id, DepartureInput::default())
            .await;
        assert!(
            matches!(again, Err(CoreError::Conflict(_))),
            "{label}: {again:?}"
        );
        assert!(c
            .departures
            .reactivate(By::System("SCIM (test)"), anna_id)
            .await
            .unwrap());
        assert!(store.actor(anna_id).await.unwrap().is_some(), "{label}");
        assert!(c.departures.departure(anna_id).await.unwrap().is_none());
        let log = c
            .audit
            .audit(
                &hr,
                &distans_core::audit::AuditFilter::default(),
                Paging::default(),
            )
            .await
            .unwrap();
        let actions: Vec<(&str, &str)> = log
            .items
            .iter()
            .map(|e| (e.entry.action.as_str(), e.entry.actor.as_str()))
            .collect();
        assert!(
            actions.contains(&("person.deactivate", hr.name.as_str())),
            "{label}: {actions:?}"
        );
        assert!(
            actions.contains(&("person.reactivate", "SCIM (test)")),
            "{label}: {actions:?}"
        );
    }
}

/// An import with `--deactivate-missing` deactivates the people the file
/// leaves out, but never one a provisioning client (SCIM) keeps: their
/// identity provider says when they leave.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_kept_by_scim_are_not_deactivated_by_an_import() {
    use distans_core::kernel::{NewAuditEntry, PersonId, Work};
    use distans_core::org::edit::{NewPerson, Provisioned};
    for t in fresh_dbs().await {
        let label = t.label;
        let store = Arc::new(t.open().await);
        let c = core(&store);
        c.demo.load_demo(60).await.unwrap();
        let anna = username_person(&store, "anna").await;
        let unit = store.actor(anna).await.unwrap().unwrap().unit.id;
        let new = |n: &str| NewPerson {
            employee_number: n.into(),
            given_name: "Ny".into(),
            family_name: n.into(),
            unit_id: Some(unit),
            ..NewPerson::default()
        };
        let (kept, plain) = (PersonId::new(), PersonId::new());
        let work = || {
            Work::new(
                c.now(),
                NewAuditEntry::system("person.create", "person", "x"),
            )
        };
        let provisioned = Provisioned {
            external_id: Some("entra-123".into()),
            attributes: None,
        };
        store
            .create_person(
                kept,
                &new("SCIM-1").draft().unwrap(),
                Some(&provisioned),
                &work(),
            )
            .await
            .unwrap();
        store
            .create_person(plain, &new("CSV-1").draft().unwrap(), None, &work())
            .await
            .unwrap();
        // The file has everyone but these two.
        let everyone = store.active_people().await.unwrap();
        let in_file: Vec<&str> = everyone
            .iter()
            .map(|(n, _)| n.as_str())
            .filter(|n| *n != "CSV-1")
            .collect();
        assert!(
            !in_file.contains(&"SCIM-1"),
            "{label}: not among those an import keeps"
        );
        let done = c
            .departures
            .deactivate_missing(
                By::System("test"),
                &in_file,
                false,
                DepartureInput::default(),
            )
            .await
            .unwrap();
        let gone: Vec<PersonId> = done.iter().map(|r| r.person).collect();
        assert_eq!(gone, vec![plain], "{label}");
        assert!(
            c.departures.departure(kept).await.unwrap().is_none(),
            "{label}"
        );
        t.drop_db().await;
    }
}
