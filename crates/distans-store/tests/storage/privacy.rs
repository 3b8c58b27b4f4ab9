//! Personal data and public records: a person's export holds their data
//! and no one else's; disposal at a future date removes exactly what the
//! rules say and nothing on hold; the audit chain verifies after disposal
//! and still shows an edit.

use std::sync::Arc;

use distans_core::cases::{Decision, Verdict};
use distans_core::departures::{By, DepartureInput};
use distans_core::policy::RequestInput;
use distans_core::privacy::service::RunBy;
use distans_core::privacy::{DisposalAction, RecordType, Requester, RuleChange};
use distans_core::store::*;
use distans_core::CoreError;
use distans_store::{Db, SqlStore};
use time::Duration;

use super::{core, fresh_dbs, username_person};

fn request(start: time::Date) -> RequestInput {
    RequestInput {
        days_per_week: Some(1),
        weekdays: vec!["fri".into()],
        start: Some(start.to_string()),
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

async fn count(store: &SqlStore, sql: &str) -> i64 {
    let (n,): (i64,) = match store.db() {
        Db::Sqlite(p) => sqlx::query_as(sql).fetch_one(p).await.unwrap(),
        Db::Postgres(p) => sqlx::query_as(sql).fetch_one(p).await.unwrap(),
    };
    n
}

async fn exec(store: &SqlStore, sql: &str) {
    match store.db() {
        Db::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()).unwrap(),
        Db::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()).unwrap(),
    }
}

/// The id as the engine holds it, for a literal in a test query.
fn id_literal(store: &SqlStore, id: uuid::Uuid) -> String {
    match store.db() {
        Db::Sqlite(_) => format!("X'{}'", id.simple()),
        Db::Postgres(_) => format!("'{id}'"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_holds_the_persons_data_and_no_one_elses() {
    for t in fresh_dbs().await {
        let label = t.label;
        let store = Arc::new(t.open().await);
        let c = core(&store);
        c.demo.load_demo(60).await.unwrap();
        c.ensure_defaults().await.unwrap();
        let actor = |u: &'static str| {
            let store = store.clone();
            async move {
                let id = username_person(&store, u).await;
                store.actor(id).await.unwrap().unwrap()
            }
        };
        let anna = actor("anna").await;
        let bo = actor("bo").await;
        let chef = actor("chef").await;
        let hr = actor("hr").await;
        let today = c.today();

        // Anna asks twice: her manager approves once (an agreement is
        // drafted) and declines once; she is absent a week; a token.
        let mut first = request(today + Duration::days(30));
        first.end = Some((today + Duration::days(90)).to_string());
        let approved = c.cases.submit_request(&anna, &first).await.unwrap();
        c.cases
            .decide(&chef, approved.id, Decision::Approve.into())
            .await
            .unwrap();
        let asked = c
            .cases
            .submit_request(&anna, &request(today + Duration::days(400)))
            .await
            .unwrap();
        c.cases
            .decide(
                &chef,
                asked.id,
                Verdict {
                    decision: Decision::Decline,
                    reason: Some("Verksamheten kräver närvaro"),
                    expected: None,
                    allow_gap: false,
                },
            )
            .await
            .unwrap();
        c.absences
            .add_absence(&anna, anna.person_id, today, today + Duration::days(4))
            .await
            .unwrap();
        c.identity.create_token(&anna, "mobil", None).await.unwrap();
        // Bo has data of his own that must not show.
        c.absences
            .add_absence(&bo, bo.person_id, today, today)
            .await
            .unwrap();

        let data = c.privacy.export_own(&anna).await.unwrap();
        assert_eq!(data.requested, Requester::Own);
        let profile = &data.section("profile").unwrap().records[0];
        assert_eq!(profile["given_name"], "Anna", "{label}");
        let requests = &data.section("requests").unwrap().records;
        let declined = requests
            .iter()
            .find(|r| r["id"] == asked.id.to_string())
            .unwrap();
        assert_eq!(declined["state"], "declined", "{label}");
        // The manager who declined appears as their role.
        assert_eq!(declined["decided_by"], "manager", "{label}");
        assert!(!data.section("absences").unwrap().records.is_empty());
        assert!(
            !data.section("agreements").unwrap().records.is_empty(),
            "{label}"
        );
        assert!(data.section("agreements").unwrap().records[0]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty()));
        let tokens = &data.section("tokens").unwrap().records;
        assert_eq!(tokens[0]["name"], "mobil");
        assert!(!tokens[0].contains_key("token_hash"));
        assert!(!data.section("audit_entries").unwrap().records.is_empty());
        assert!(
            !data.section("equipment_loans").unwrap().records.is_empty(),
            "{label}"
        );

        // Nobody else's name or id, anywhere but in the signed text (which
        // names the employer's representative, a party to it).
        let mut json = serde_json::to_value(&data).unwrap();
        for a in json["agreements"].as_array_mut().unwrap() {
            a.as_object_mut().unwrap().remove("text");
        }
        let text = json.to_string();
        for other in [&bo, &chef, &hr] {
            assert!(!text.contains(&other.name), "{label}: {} leaks", other.name);
            assert!(
                !text.contains(&other.person_id.to_string()),
                "{label}: an id leaks"
            );
        }
        assert!(
            !text.contains("password_hash") && !text.contains("secret"),
            "{label}"
        );

        // HR produces the same for a registered request, and it is audited;
        // nobody else may.
        let for_hr = c
            .privacy
            .export_for(&hr, anna.person_id, "HR 2026/17")
            .await
            .unwrap();
        assert_eq!(
            for_hr.section("requests").unwrap().records.len(),
            requests.len()
        );
        let refused = c.privacy.export_for(&chef, anna.person_id, "x").await;
        assert!(matches!(refused, Err(CoreError::Forbidden(_))), "{label}");
        let no_ref = c.privacy.export_for(&hr, anna.person_id, " ").await;
        assert!(
            matches!(&no_ref, Err(CoreError::Invalid { field, .. }) if field == "reference"),
            "{label}"
        );
        let again = c.privacy.export_own(&anna).await.unwrap();
        let logged = again
            .section("audit_entries")
            .unwrap()
            .records
            .iter()
            .any(|e| e["action"] == "privacy.export" && e["by"] == "staff");
        assert!(logged, "{label}: the export is in her audit entries");
        store.db().close().await;
        t.drop_db().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disposal_at_a_future_date_removes_what_the_rules_say_and_nothing_on_hold() {
    for t in fresh_dbs().await {
        let label = t.label;
        let store = Arc::new(t.open().await);
        let c = core(&store);
        c.demo.load_demo(60).await.unwrap();
        c.ensure_defaults().await.unwrap();
        let anna = store
            .actor(username_person(&store, "anna").await)
            .await
            .unwrap()
            .unwrap();
        let bo = store
            .actor(username_person(&store, "bo").await)
            .await
            .unwrap()
            .unwrap();
        let hr = store
            .actor(username_person(&store, "hr").await)
            .await
            .unwrap()
            .unwrap();
        let today = c.today();
        c.absences
            .add_absence(&anna, anna.person_id, today, today + Duration::days(2))
            .await
            .unwrap();
        let bo_absence = c
            .absences
            .add_absence(&bo, bo.person_id, today, today)
            .await
            .unwrap();
        c.absences
            .add_absence(
                &bo,
                bo.person_id,
                today + Duration::days(7),
                today + Duration::days(7),
            )
            .await
            .unwrap();
        // Bo leaves; HR decides people who left are anonymised after two
        // years and audit payloads removed after one.
        c.departures
            .deactivate(By::Person(&hr), bo.person_id, DepartureInput::default())
            .await
            .unwrap();
        let rules = c.privacy.disposal_rules(&hr).await.unwrap();
        let version = |t: RecordType| rules.iter().find(|r| r.record_type == t).unwrap().version;
        let decided = time::macros::date!(2026 - 11 - 30);
        for (ty, months, action) in [
            (RecordType::DeactivatedPeople, 24, DisposalAction::Anonymise),
            (RecordType::AuditPayloads, 12, DisposalAction::Delete),
        ] {
            c.privacy
                .save_rule(
                    &hr,
                    ty,
                    &RuleChange {
                        keep_months: months,
                        action,
                        decision_ref: "KS 2026/112, dokumenthanteringsplan 4.3".into(),
                        decision_date: decided,
                        version: version(ty),
                    },
                )
                .await
                .unwrap();
        }
        // A stale version is refused.
        let stale = c
            .privacy
            .save_rule(
                &hr,
                RecordType::Absences,
                &RuleChange {
                    keep_months: 1,
                    action: DisposalAction::Delete,
                    decision_ref: "x".into(),
                    decision_date: decided,
                    version: 99,
                },
            )
            .await;
        assert!(matches!(stale, Err(CoreError::Conflict(_))), "{label}");

        // Holds: on Anna, and on one of Bo's absences.
        let on_anna = c
            .privacy
            .place_hold(&hr, Some(anna.person_id), None, "Tvist om arbetstid")
            .await
            .unwrap();
        c.privacy
            .place_hold(
                &hr,
                None,
                Some(&format!("absence:{}", bo_absence.id)),
                "Inspektion",
            )
            .await
            .unwrap();
        let bad = c
            .privacy
            .place_hold(&hr, None, Some("absence:nope"), "x")
            .await;
        assert!(matches!(&bad, Err(CoreError::Invalid { field, .. }) if field == "record"));
        let no_reason = c
            .privacy
            .place_hold(&hr, Some(anna.person_id), None, "")
            .await;
        assert!(matches!(&no_reason, Err(CoreError::Invalid { field, .. }) if field == "reason"));

        let anna_lit = id_literal(&store, anna.person_id.uuid());
        let absences = count(&store, "SELECT COUNT(*) FROM absences").await;
        let annas = count(
            &store,
            &format!("SELECT COUNT(*) FROM absences WHERE person_id = {anna_lit}"),
        )
        .await;
        assert!(
            absences > annas + 1,
            "{label}: the demo has absences of others"
        );
        let payloads = count(&store, "SELECT COUNT(*) FROM audit_payloads").await;

        // Ten years on: a dry run counts and changes nothing.
        let later = today + Duration::days(3650);
        let dry = c
            .privacy
            .run(RunBy::System("test"), Some(later), true)
            .await
            .unwrap();
        let of = |run: &distans_core::privacy::DisposalRun, t: RecordType| {
            run.counts
                .iter()
                .find(|c| c.record_type == t)
                .unwrap()
                .clone()
        };
        assert_eq!(
            of(&dry, RecordType::Absences).count as i64,
            absences - annas - 1,
            "{label}"
        );
        assert_eq!(
            of(&dry, RecordType::Absences).held as i64,
            annas + 1,
            "{label}"
        );
        assert_eq!(
            count(&store, "SELECT COUNT(*) FROM absences").await,
            absences
        );
        assert_eq!(count(&store, "SELECT COUNT(*) FROM disposal_runs").await, 0);
        assert!(c.privacy.runs(&hr).await.unwrap().is_empty());

        let run = c
            .privacy
            .run(RunBy::System("test"), Some(later), false)
            .await
            .unwrap();
        assert_eq!(
            of(&run, RecordType::Absences),
            of(&dry, RecordType::Absences)
        );
        // Exactly Anna's and the held one are left.
        assert_eq!(
            count(&store, "SELECT COUNT(*) FROM absences").await,
            annas + 1,
            "{label}"
        );
        let bo_lit = id_literal(&store, bo_absence.id.uuid());
        assert_eq!(
            count(
                &store,
                &format!("SELECT COUNT(*) FROM absences WHERE id = {bo_lit}")
            )
            .await,
            1
        );
        // Kept for good by default: agreements and follow-ups are all there.
        assert_eq!(of(&run, RecordType::EndedAgreement).count, 0);
        // Bo is anonymised; what he did stays.
        let bo_lit_p = id_literal(&store, bo.person_id.uuid());
        assert_eq!(
            count(&store, &format!("SELECT COUNT(*) FROM people WHERE id = {bo_lit_p} AND given_name = 'Anonymiserad' AND email IS NULL")).await,
            1,
            "{label}"
        );
        assert!(store.credentials("bo").await.unwrap().is_none());
        // Audit payloads are gone but those about Anna and the held absence.
        let left = count(&store, "SELECT COUNT(*) FROM audit_payloads").await;
        assert!(left > 0 && left < payloads, "{label}: {left} of {payloads}");
        let not_held = count(&store, &format!(
            "SELECT COUNT(*) FROM audit_payloads p JOIN audit_log l ON l.seq = p.entry_seq
             WHERE NOT ((l.entity = 'person' AND l.entity_id = '{}') OR (l.entity = 'absence' AND l.entity_id = '{}'))
               AND l.action <> 'retention.run'",
            anna.person_id, bo_absence.id
        )).await;
        assert_eq!(
            not_held, 0,
            "{label}: only held payloads (and the run's own) are left"
        );
        // The run is kept, and in the audit log.
        let runs = c.privacy.runs(&hr).await.unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].as_of, later);
        assert_eq!(
            of(&runs[0], RecordType::Absences).count,
            of(&run, RecordType::Absences).count
        );

        // The chain still verifies, payloads removed and all.
        let report = c.audit.verify_audit(None).await.unwrap();
        assert!(report.ok, "{label}: {report:?}");

        // Lifting the hold lets the next run dispose of Anna's absences.
        c.privacy.lift_hold(&hr, on_anna.id).await.unwrap();
        assert!(matches!(
            c.privacy.lift_hold(&hr, on_anna.id).await,
            Err(CoreError::NotFound(_))
        ));
        c.privacy
            .run(RunBy::System("test"), Some(later), false)
            .await
            .unwrap();
        assert_eq!(
            count(&store, "SELECT COUNT(*) FROM absences").await,
            1,
            "{label}"
        );
        assert!(c.audit.verify_audit(None).await.unwrap().ok, "{label}");

        // An edited entry is still found, its payload gone.
        let seq = count(&store, "SELECT MIN(l.seq) FROM audit_log l LEFT JOIN audit_payloads p ON p.entry_seq = l.seq WHERE p.entry_seq IS NULL AND l.payload_hash IS NOT NULL").await;
        match store.db() {
            Db::Sqlite(_) => {
                exec(&store, "DROP TRIGGER audit_log_no_update").await;
                exec(&store, "DROP TRIGGER audit_payloads_no_update").await;
            }
            Db::Postgres(_) => {
                exec(
                    &store,
                    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update",
                )
                .await;
                exec(
                    &store,
                    "ALTER TABLE audit_payloads DISABLE TRIGGER audit_payloads_no_update",
                )
                .await;
            }
        }
        exec(
            &store,
            &format!("UPDATE audit_log SET action = 'something.else' WHERE seq = {seq}"),
        )
        .await;
        let report = c.audit.verify_audit(None).await.unwrap();
        assert_eq!(report.broken_at, Some(seq), "{label}: {report:?}");
        store.db().close().await;
        t.drop_db().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_payload_is_found() {
    for t in fresh_dbs().await {
        let label = t.label;
        let store = Arc::new(t.open().await);
        let c = core(&store);
        c.demo.load_demo(20).await.unwrap();
        assert!(c.audit.verify_audit(None).await.unwrap().ok, "{label}");
        let seq = count(
            &store,
            "SELECT MAX(entry_seq) FROM audit_payloads WHERE after IS NOT NULL",
        )
        .await;
        // The database refuses to change a payload…
        let edit = format!("UPDATE audit_payloads SET after = NULL WHERE entry_seq = {seq}");
        let refused = match store.db() {
            Db::Sqlite(p) => sqlx::query(&edit).execute(p).await.is_err(),
            Db::Postgres(p) => sqlx::query(&edit).execute(p).await.is_err(),
        };
        assert!(refused, "{label}");
        // …someone goes around it, and the chain shows it.
        match store.db() {
            Db::Sqlite(_) => exec(&store, "DROP TRIGGER audit_payloads_no_update").await,
            Db::Postgres(_) => {
                exec(
                    &store,
                    "ALTER TABLE audit_payloads DISABLE TRIGGER audit_payloads_no_update",
                )
                .await
            }
        }
        exec(&store, &edit).await;
        let report = c.audit.verify_audit(None).await.unwrap();
        assert_eq!(report.broken_at, Some(seq), "{label}: {report:?}");
        store.db().close().await;
        t.drop_db().await;
    }
}
