//! Personal data and public records, continued: a person's web sessions
//! in their own data (and no one else's); commute data disposed of as a
//! record type of its own, except what a hold keeps.

use std::sync::Arc;

use distans_core::departures::{By, DepartureInput};
use distans_core::identity::{SessionMeta, SessionWrite};
use distans_core::privacy::service::RunBy;
use distans_core::privacy::{DisposalAction, RecordType};
use distans_core::store::*;
use distans_store::{Db, SqlStore};
use time::Duration;

use super::{core, fresh_dbs, username_person};

async fn count(store: &SqlStore, sql: &str) -> i64 {
    let (n,): (i64,) = match store.db() {
        Db::Sqlite(p) => sqlx::query_as(sql).fetch_one(p).await.unwrap(),
        Db::Postgres(p) => sqlx::query_as(sql).fetch_one(p).await.unwrap(),
    };
    n
}

pub(super) async fn exec(store: &SqlStore, sql: &str) {
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
async fn an_export_lists_the_persons_sessions_and_no_one_elses() {
    for t in fresh_dbs().await {
        let label = t.label;
        let store = Arc::new(t.open().await);
        let c = core(&store);
        c.demo.load_demo(30).await.unwrap();
        let anna = username_person(&store, "anna").await;
        let bo = username_person(&store, "bo").await;
        let later = c.now() + Duration::hours(8);
        let meta = |p, via: &str| SessionMeta {
            person: Some(p),
            signed_in_by: Some(via.to_string()),
        };
        // Anna in two browsers, Bo in one, and a session nobody signed in to.
        assert!(c
            .identity
            .session_create(&SessionWrite {
                id: "anna-secret-1",
                data: b"{}",
                expiry: later,
                meta: &meta(anna, "password")
            })
            .await
            .unwrap());
        assert!(c
            .identity
            .session_create(&SessionWrite {
                id: "anna-secret-2",
                data: b"{}",
                expiry: later,
                meta: &SessionMeta::default()
            })
            .await
            .unwrap());
        c.identity
            .session_save(&SessionWrite {
                id: "anna-secret-2",
                data: b"{}",
                expiry: later,
                meta: &meta(anna, "oidc"),
            })
            .await
            .unwrap();
        c.identity
            .session_create(&SessionWrite {
                id: "bo-secret",
                data: b"{}",
                expiry: later,
                meta: &meta(bo, "password"),
            })
            .await
            .unwrap();
        c.identity
            .session_create(&SessionWrite {
                id: "nobody",
                data: b"{}",
                expiry: later,
                meta: &SessionMeta::default(),
            })
            .await
            .unwrap();
        let actor = store.actor(anna).await.unwrap().unwrap();
        let data = c.privacy.export_own(&actor).await.unwrap();
        let sessions = data.section("sessions").expect("a section of sessions");
        assert_eq!(sessions.records.len(), 2, "{label}: {sessions:?}");
        let mut via: Vec<&str> = sessions
            .records
            .iter()
            .map(|r| r["signed_in_by"].as_str().unwrap())
            .collect();
        via.sort();
        assert_eq!(via, ["oidc", "password"], "{label}");
        for r in &sessions.records {
            assert!(r["created_at"].is_string(), "{label}: {r:?}");
            assert!(r["last_used_at"].is_string(), "{label}: {r:?}");
            assert!(r["expires_at"].is_string(), "{label}: {r:?}");
        }
        // Never a session's secret id, nor anyone else's session.
        let text = serde_json::to_string(&data).unwrap();
        for secret in ["anna-secret", "bo-secret", "nobody"] {
            assert!(!text.contains(secret), "{label}: {secret} in the export");
        }
        // Bo's own export holds his one session.
        let bo_actor = store.actor(bo).await.unwrap().unwrap();
        let his = c.privacy.export_own(&bo_actor).await.unwrap();
        assert_eq!(his.section("sessions").unwrap().records.len(), 1, "{label}");
        // Tokens' metadata is there beside them.
        assert!(data.section("tokens").is_some());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commute_data_goes_after_its_period_except_what_a_hold_keeps() {
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
        let hr = actor("hr").await;
        let anna = actor("anna").await;
        let bo = actor("bo").await;
        let chef = actor("bygg").await;
        // The default: 24 months after the last day, then deleted.
        let rule = c
            .privacy
            .disposal_rules(&hr)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.record_type == RecordType::Commute)
            .expect("a rule for commute data");
        assert_eq!(
            (rule.keep_months, rule.action),
            (24, DisposalAction::Delete)
        );
        exec(
            &store,
            "UPDATE people SET commute_km = 12.5, commute_mode = 'bus'",
        )
        .await;
        // Bo and Bygg leave; a hold is placed on Bygg.
        for p in [&bo, &chef] {
            c.departures
                .deactivate(By::Person(&hr), p.person_id, DepartureInput::default())
                .await
                .unwrap();
        }
        c.privacy
            .place_hold(&hr, Some(chef.person_id), None, "Tvist om reseersättning")
            .await
            .unwrap();
        let with_commute = "SELECT COUNT(*) FROM people WHERE commute_km IS NOT NULL";
        let before = count(&store, with_commute).await;
        let people = count(&store, "SELECT COUNT(*) FROM people").await;

        // Within the period nothing goes.
        let soon = c.today() + Duration::days(600);
        let run = c
            .privacy
            .run(RunBy::System("test"), Some(soon), false)
            .await
            .unwrap();
        let of = |run: &distans_core::privacy::DisposalRun| {
            run.counts
                .iter()
                .find(|c| c.record_type == RecordType::Commute)
                .unwrap()
                .clone()
        };
        assert_eq!((of(&run).count, of(&run).held), (0, 0), "{label}");

        // After it: a dry run counts Bo's and the held one, changing nothing.
        let later = c.today() + Duration::days(800);
        let dry = c
            .privacy
            .run(RunBy::System("test"), Some(later), true)
            .await
            .unwrap();
        assert_eq!((of(&dry).count, of(&dry).held), (1, 1), "{label}");
        assert_eq!(count(&store, with_commute).await, before);

        let run = c
            .privacy
            .run(RunBy::System("test"), Some(later), false)
            .await
            .unwrap();
        assert_eq!(of(&run), of(&dry), "{label}");
        // Exactly Bo's commute went: he is still there, and so is everyone.
        assert_eq!(count(&store, with_commute).await, before - 1, "{label}");
        assert_eq!(count(&store, "SELECT COUNT(*) FROM people").await, people);
        let commute_of = |id: uuid::Uuid| {
            format!(
                "SELECT COUNT(*) FROM people WHERE id = {} AND commute_km IS NULL AND commute_mode IS NULL",
                id_literal(&store, id)
            )
        };
        assert_eq!(count(&store, &commute_of(bo.person_id.uuid())).await, 1);
        assert_eq!(count(&store, &commute_of(chef.person_id.uuid())).await, 0);
        assert_eq!(count(&store, &commute_of(anna.person_id.uuid())).await, 0);
        assert_eq!(
            count(
                &store,
                &format!(
                    "SELECT COUNT(*) FROM people WHERE id = {} AND given_name = 'Bo'",
                    id_literal(&store, bo.person_id.uuid())
                )
            )
            .await,
            1,
            "{label}: the person is kept (their own rule says so)"
        );
        // The disposal record names the commute rule.
        let runs = c.privacy.runs(&hr).await.unwrap();
        assert_eq!(of(&runs[0]).count, 1, "{label}");
        assert_eq!(of(&runs[0]).decision_ref, rule.decision_ref);
    }
}

/// Writes `n` audit entries as the code before payloads wrote them: the
/// personal data inline, the chained hash over it. The `bare`th holds no
/// data. Their time is `at`.
async fn write_old_entries(store: &SqlStore, n: i64, bare: i64, at: time::OffsetDateTime) {
    use distans_core::audit::rules::entry_hash;
    use distans_core::kernel::NewAuditEntry;
    let (mut seq, mut prev): (i64, String) = store.audit_head().await.unwrap();
    for i in 1..=n {
        seq += 1;
        let entry = NewAuditEntry {
            actor_id: (i % 2 == 0).then(|| uuid::Uuid::from_u128(i as u128).into()),
            actor: "Karin Berg".into(),
            action: "person.update".into(),
            entity: "person".into(),
            entity_id: uuid::Uuid::from_u128(1000 + i as u128).to_string(),
            before: (i != bare).then(|| serde_json::json!({"email": format!("p{i}@kommun.se")})),
            after: (i != bare).then(|| serde_json::json!({"email": null, "title": "Handläggare"})),
        };
        let hash = entry_hash(&prev, seq, at, &entry);
        let sql = "INSERT INTO audit_log (seq, at, actor_id, actor, action, entity, entity_id, before, after, prev_hash, hash)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
        macro_rules! insert {
            ($p:expr) => {
                sqlx::query(sql)
                    .bind(seq)
                    .bind(at)
                    .bind(entry.actor_id.map(|p| p.uuid()))
                    .bind(&entry.actor)
                    .bind(&entry.action)
                    .bind(&entry.entity)
                    .bind(&entry.entity_id)
                    .bind(entry.before.clone().map(sqlx::types::Json))
                    .bind(entry.after.clone().map(sqlx::types::Json))
                    .bind(&prev)
                    .bind(&hash)
                    .execute($p)
                    .await
                    .map(|_| ())
                    .unwrap()
            };
        }
        match store.db() {
            Db::Sqlite(p) => insert!(p),
            Db::Postgres(p) => insert!(p),
        };
        prev = hash;
    }
    let head = format!("UPDATE audit_head SET seq = {seq}, hash = '{prev}' WHERE id = 1");
    exec(store, &head).await;
}

/// Lets a test change the log behind the triggers' back.
async fn allow_tampering(store: &SqlStore) {
    match store.db() {
        Db::Sqlite(_) => exec(store, "DROP TRIGGER audit_log_no_update").await,
        Db::Postgres(_) => {
            exec(
                store,
                "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update",
            )
            .await
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_audit_entries_are_sealed_and_their_data_disposed_of_with_the_chain_intact() {
    for t in fresh_dbs().await {
        let label = t.label;
        let store = Arc::new(t.open().await);
        let c = core(&store);
        let long_ago = distans_core::kernel::clock::whole_seconds(c.now() - Duration::days(400));
        write_old_entries(&store, 6, 3, long_ago).await;
        // New entries after them, in the payload format.
        c.ensure_defaults().await.unwrap();
        c.demo.load_demo(20).await.unwrap();
        assert!(c.audit.verify_audit(None).await.unwrap().ok, "{label}");
        // The database refuses to clear an entry's data that is not sealed.
        let clear = "UPDATE audit_log SET before = NULL, after = NULL WHERE seq = 1";
        let refused = match store.db() {
            Db::Sqlite(p) => sqlx::query(clear).execute(p).await.is_err(),
            Db::Postgres(p) => sqlx::query(clear).execute(p).await.is_err(),
        };
        assert!(refused, "{label}");

        // The upgrade seals the five that hold data; once.
        assert_eq!(c.audit.seal_inline_entries().await.unwrap(), 5, "{label}");
        assert_eq!(c.audit.seal_inline_entries().await.unwrap(), 0, "{label}");
        let inline = "SELECT COUNT(*) FROM audit_log WHERE seq <= 6 AND (before IS NOT NULL OR after IS NOT NULL)";
        assert_eq!(count(&store, inline).await, 0, "{label}");
        assert_eq!(count(&store, "SELECT COUNT(*) FROM audit_sealed").await, 5);
        let seals = "SELECT COUNT(*) FROM audit_log WHERE action = 'audit.seal'";
        assert_eq!(count(&store, seals).await, 1, "{label}");
        let report = c.audit.verify_audit(None).await.unwrap();
        assert!(report.ok, "{label}: {report:?}");
        // Their data reads as before, now from the payload.
        let first = store.audit_after(0, 1).await.unwrap().remove(0);
        assert_eq!(
            first.entry.before,
            Some(serde_json::json!({"email": "p1@kommun.se"})),
            "{label}"
        );

        // HR decides audit payloads go after a year: the old ones go.
        let hr = store
            .actor(username_person(&store, "hr").await)
            .await
            .unwrap()
            .unwrap();
        let rule = c
            .privacy
            .disposal_rules(&hr)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.record_type == RecordType::AuditPayloads)
            .unwrap();
        c.privacy
            .save_rule(
                &hr,
                RecordType::AuditPayloads,
                &distans_core::privacy::RuleChange {
                    keep_months: 12,
                    action: DisposalAction::Delete,
                    decision_ref: "KS 2026/112, 9.1".into(),
                    decision_date: c.today(),
                    version: rule.version,
                },
            )
            .await
            .unwrap();
        let run = c
            .privacy
            .run(RunBy::System("test"), None, false)
            .await
            .unwrap();
        let disposed = run
            .counts
            .iter()
            .find(|x| x.record_type == RecordType::AuditPayloads)
            .unwrap()
            .count;
        assert_eq!(disposed, 5, "{label}: exactly the old entries' payloads");
        let old_payloads = "SELECT COUNT(*) FROM audit_payloads WHERE entry_seq <= 6";
        assert_eq!(count(&store, old_payloads).await, 0, "{label}");
        let first = store.audit_after(0, 1).await.unwrap().remove(0);
        assert!(first.payload_removed && first.entry.before.is_none());
        let report = c.audit.verify_audit(None).await.unwrap();
        assert!(report.ok, "{label}: after disposal {report:?}");

        // An edit to what remains of an old entry is still found.
        allow_tampering(&store).await;
        exec(
            &store,
            "UPDATE audit_log SET actor = 'Någon annan' WHERE seq = 2",
        )
        .await;
        let report = c.audit.verify_audit(None).await.unwrap();
        assert!(!report.ok, "{label}: the edit went unseen");
        let seal = count(
            &store,
            "SELECT MAX(seq) FROM audit_log WHERE action = 'audit.seal'",
        )
        .await;
        assert_eq!(
            report.broken_at,
            Some(seal),
            "{label}: found at the seal {report:?}"
        );
        exec(
            &store,
            "UPDATE audit_log SET actor = 'Karin Berg' WHERE seq = 2",
        )
        .await;
        assert!(c.audit.verify_audit(None).await.unwrap().ok, "{label}");
        exec(&store, "UPDATE audit_log SET entity_id = 'x' WHERE seq = 4").await;
        assert!(!c.audit.verify_audit(None).await.unwrap().ok, "{label}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_old_chain_is_not_sealed() {
    for t in fresh_dbs().await {
        let label = t.label;
        let store = Arc::new(t.open().await);
        let c = core(&store);
        write_old_entries(
            &store,
            4,
            0,
            distans_core::kernel::clock::whole_seconds(c.now()),
        )
        .await;
        allow_tampering(&store).await;
        exec(
            &store,
            "UPDATE audit_log SET actor = 'Någon annan' WHERE seq = 3",
        )
        .await;
        let e = c.audit.seal_inline_entries().await;
        assert!(
            matches!(&e, Err(distans_core::CoreError::Conflict(m)) if m.contains("entry 3")),
            "{label}: {e:?}"
        );
        // Nothing was moved or sealed.
        assert_eq!(count(&store, "SELECT COUNT(*) FROM audit_sealed").await, 0);
        assert_eq!(
            count(
                &store,
                "SELECT COUNT(*) FROM audit_log WHERE before IS NOT NULL"
            )
            .await,
            4,
            "{label}"
        );
    }
}
