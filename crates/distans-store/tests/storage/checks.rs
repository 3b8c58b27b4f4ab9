//! The schema's CHECK constraints: both engines refuse a state, kind or
//! range the domain does not have, and name the check; through the store
//! the refusal is a conflict naming it. Rows there are that a check
//! refuses stop the migration, and nothing is dropped. A stored value the
//! domain cannot read (a document, or a state whose check was taken away)
//! is an internal error, never a default.

use std::sync::Arc;

use distans_core::cases::RequestFilter;
use distans_core::kernel::{Paging, PersonRef, Work};
use distans_core::store::*;
use distans_core::temporary::TemporaryDecision;
use distans_core::CoreError;
use distans_store::{Db, SqlStore, StoreConfig};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use super::{audit, core, fresh_dbs, temp_dir, username_person};

/// Runs one statement with its parameters on either engine: the rows it
/// changed, or the database's refusal.
macro_rules! exec {
    ($db:expr, $sql:expr $(, $p:expr)* $(,)?) => {
        match $db {
            Db::Sqlite(p) => sqlx::query($sql)$(.bind($p))*.execute(p).await.map(|r| r.rows_affected()),
            Db::Postgres(p) => sqlx::query($sql)$(.bind($p))*.execute(p).await.map(|r| r.rows_affected()),
        }
    };
}

/// Reads one row (a tuple `$t`) on either engine.
macro_rules! one {
    ($db:expr, $t:ty, $sql:expr $(, $p:expr)* $(,)?) => {
        match $db {
            Db::Sqlite(p) => sqlx::query_as::<_, $t>($sql)$(.bind($p))*.fetch_one(p).await.unwrap(),
            Db::Postgres(p) => sqlx::query_as::<_, $t>($sql)$(.bind($p))*.fetch_one(p).await.unwrap(),
        }
    };
}

/// The statement was refused by the check `check`, which the database
/// names: PostgreSQL as the violated constraint, SQLite (a CHECK or a
/// trigger raising as one) in its message.
#[track_caller]
fn refused(label: &str, r: Result<u64, sqlx::Error>, check: &str) {
    let e = r.expect_err(&format!("{label}: {check} let it through"));
    let d = e
        .as_database_error()
        .unwrap_or_else(|| panic!("{label}: {check}: not the database's refusal: {e}"));
    let named = match label {
        "postgres" => {
            d.kind() == sqlx::error::ErrorKind::CheckViolation && d.constraint() == Some(check)
        }
        _ => d.message() == format!("CHECK constraint failed: {check}"),
    };
    assert!(named, "{label}: expected {check}: {e}");
}

/// The store's refusal reached the core as a conflict naming `check`.
#[track_caller]
fn conflict(label: &str, r: Result<(), CoreError>, check: &str) {
    match r {
        Err(CoreError::Conflict(m)) if m.contains(check) => {}
        other => panic!("{label}: expected a conflict naming {check}: {other:?}"),
    }
}

/// The store read a value the domain does not have in `column`: an
/// internal error naming it.
#[track_caller]
fn unreadable<T>(label: &str, r: Result<T, CoreError>, column: &str) {
    match r {
        Err(CoreError::Internal(m)) if m.contains(column) => {}
        Err(e) => panic!("{label}: expected an internal error naming {column}: {e:?}"),
        Ok(_) => panic!("{label}: read a value from {column}"),
    }
}

fn work(action: &str) -> Work {
    Work::new(OffsetDateTime::now_utc(), audit(action))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_outside_the_domain_are_refused_on_both_engines() {
    for t in fresh_dbs().await {
        let label = t.label;
        let store = Arc::new(t.open().await);
        let c = core(&store);
        c.demo.load_demo(300).await.unwrap();
        c.ensure_defaults().await.unwrap();
        let db = store.db();
        let anna = username_person(&store, "anna").await;
        let hr = username_person(&store, "hr").await;

        // A request: its state, days a week and period.
        let (request,): (Uuid,) = one!(db, (Uuid,), "SELECT id FROM requests ORDER BY id LIMIT 1");
        refused(
            label,
            exec!(
                db,
                "UPDATE requests SET state = 'bogus' WHERE id = $1",
                request
            ),
            "requests_state_check",
        );
        refused(
            label,
            exec!(
                db,
                "UPDATE requests SET decider = 'mayor' WHERE id = $1",
                request
            ),
            "requests_decider_check",
        );
        for days in [0i64, 6, 7] {
            refused(
                label,
                exec!(
                    db,
                    "UPDATE requests SET days_per_week = $1 WHERE id = $2",
                    days,
                    request
                ),
                "requests_days_per_week_check",
            );
        }
        let before = store.request(request.into()).await.unwrap().unwrap();
        assert!(
            (1..=5).contains(&before.arrangement.terms.days_per_week()),
            "{label}: {before:?}"
        );

        // An agreement whose end is before its start; ending on the day it
        // starts, or never, is allowed.
        let (agreement, start): (Uuid, Date) = one!(
            db,
            (Uuid, Date),
            "SELECT id, start_date FROM agreements ORDER BY id LIMIT 1"
        );
        refused(
            label,
            exec!(
                db,
                "UPDATE agreements SET end_date = $1 WHERE id = $2",
                start - Duration::days(1),
                agreement
            ),
            "agreements_end_date_check",
        );
        refused(
            label,
            exec!(
                db,
                "UPDATE agreements SET state = 'signed' WHERE id = $1",
                agreement
            ),
            "agreements_state_check",
        );
        refused(
            label,
            exec!(
                db,
                "UPDATE agreements SET notice_days = -1 WHERE id = $1",
                agreement
            ),
            "agreements_notice_days_check",
        );
        assert_eq!(
            exec!(
                db,
                "UPDATE agreements SET end_date = start_date WHERE id = $1",
                agreement
            )
            .unwrap(),
            1,
            "{label}"
        );
        assert_eq!(
            exec!(
                db,
                "UPDATE agreements SET end_date = NULL WHERE id = $1",
                agreement
            )
            .unwrap(),
            1,
            "{label}"
        );

        // A day of the plan: its state and part; no part is allowed.
        let day = Date::from_calendar_date(2099, time::Month::January, 5).unwrap();
        let insert_day = "INSERT INTO occasional_days (person_id, day, state, part, set_by, set_at)
                          VALUES ($1, $2, $3, $4, $1, $5)";
        let at = OffsetDateTime::now_utc();
        refused(
            label,
            exec!(db, insert_day, anna.uuid(), day, "moon", None::<String>, at),
            "occasional_days_state_check",
        );
        refused(
            label,
            exec!(db, insert_day, anna.uuid(), day, "remote", Some("noon"), at),
            "occasional_days_part_check",
        );
        assert_eq!(
            exec!(
                db,
                insert_day,
                anna.uuid(),
                day,
                "remote",
                None::<String>,
                at
            )
            .unwrap(),
            1,
            "{label}"
        );
        refused(
            label,
            exec!(
                db,
                "UPDATE occasional_days SET state = 'moon' WHERE person_id = $1 AND day = $2",
                anna.uuid(),
                day
            ),
            "occasional_days_state_check",
        );

        // A person's language; a role nobody is granted; an item's state.
        refused(
            label,
            exec!(
                db,
                "UPDATE people SET language = 'de' WHERE id = $1",
                anna.uuid()
            ),
            "people_language_check",
        );
        refused(
            label,
            exec!(
                db,
                "UPDATE people SET commute_mode = 'rocket' WHERE id = $1",
                anna.uuid()
            ),
            "people_commute_mode_check",
        );
        refused(
            label,
            exec!(
                db,
                "INSERT INTO person_roles (person_id, role) VALUES ($1, 'employee')",
                anna.uuid()
            ),
            "person_roles_role_check",
        );
        refused(
            label,
            exec!(
                db,
                "INSERT INTO equipment_items (id, kind, identifier, description, state, created_at, updated_at)
                 VALUES ($1, 'laptop', 'X-1', '', 'lost', $2, $2)",
                Uuid::now_v7(),
                at
            ),
            "equipment_items_state_check",
        );

        // Through the store, the refusal is a conflict naming the check,
        // and nothing of the change is written.
        conflict(
            label,
            store
                .set_language(anna, "de", &work("person.language"))
                .await,
            "people_language_check",
        );
        let (language,): (String,) = one!(
            db,
            (String,),
            "SELECT language FROM people WHERE id = $1",
            anna.uuid()
        );
        assert_eq!(language, "sv", "{label}");

        // Terms the domain cannot build are refused by the schema too.
        refused(
            label,
            exec!(
                db,
                "UPDATE requests SET end_date = '1999-12-31' WHERE id = $1",
                request
            ),
            "requests_end_date_check",
        );
        // Terms the schema cannot see do not hold together are not read
        // back: five fixed weekdays on a two-day arrangement.
        exec!(
            db,
            "UPDATE requests SET days_per_week = 2, weekdays = '[\"mon\",\"tue\",\"wed\",\"thu\",\"fri\"]' WHERE id = $1",
            request
        )
        .unwrap();
        unreadable(
            label,
            store.request(request.into()).await,
            "requests.weekdays",
        );
        exec!(
            db,
            "UPDATE requests SET days_per_week = 5 WHERE id = $1",
            request
        )
        .unwrap();
        assert!(
            store.request(request.into()).await.unwrap().is_some(),
            "{label}"
        );

        let today = c.today();
        let decision = |max_remote_days: u8, end: Date| TemporaryDecision {
            id: Uuid::now_v7().into(),
            title: "Kris".into(),
            description: String::new(),
            start: today,
            end,
            units: vec![],
            unit_paths: vec![],
            max_remote_days,
            without_agreement: true,
            tasks_must_allow: true,
            delegates: vec![],
            checklist: vec![],
            issued_by: PersonRef {
                id: hr,
                name: "HR".into(),
            },
            created_at: OffsetDateTime::now_utc(),
        };
        let decisions = || {
            store.temporary_decisions(distans_core::temporary::DecisionsOn::Any, Paging::default())
        };
        let earlier = decisions().await.unwrap().total;
        conflict(
            label,
            store
                .insert_temporary_decision(&decision(7, today), &work("temporary.create"))
                .await,
            "temporary_decisions_max_remote_days_check",
        );
        conflict(
            label,
            store
                .insert_temporary_decision(
                    &decision(5, today - Duration::days(1)),
                    &work("temporary.create"),
                )
                .await,
            "temporary_decisions_end_date_check",
        );
        store
            .insert_temporary_decision(&decision(5, today), &work("temporary.create"))
            .await
            .unwrap();
        assert_eq!(decisions().await.unwrap().total, earlier + 1, "{label}");

        assert!(c.audit.verify_audit(None).await.unwrap().ok, "{label}");
        store.db().close().await;
        t.drop_db().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_values_the_domain_cannot_read_are_errors_not_defaults() {
    for t in fresh_dbs().await {
        let label = t.label;
        let store = Arc::new(t.open().await);
        let c = core(&store);
        c.demo.load_demo(300).await.unwrap();
        c.ensure_defaults().await.unwrap();
        let db = store.db();
        let anna = username_person(&store, "anna").await;

        // A policy version's rules that are no rules.
        assert!(
            !store.policy_versions().await.unwrap().is_empty(),
            "{label}"
        );
        exec!(db, "UPDATE policy_versions SET rules = '\"garbage\"'").unwrap();
        unreadable(
            label,
            store.policy_versions().await,
            "policy_versions.rules",
        );
        unreadable(
            label,
            store.policy_on(c.today()).await,
            "policy_versions.rules",
        );

        // A notice whose message is no message of the catalogue; on SQLite
        // also one that is no JSON at all (PostgreSQL refuses to keep it).
        exec!(
            db,
            "INSERT INTO notifications (id, person_id, kind, subject, body, link, message, created_at, read_at)
             VALUES ($1, $2, 'x', '', '', '', '{\"key\": \"moon\", \"link\": \"/\"}', $3, NULL)",
            Uuid::now_v7(),
            anna.uuid(),
            OffsetDateTime::now_utc()
        )
        .unwrap();
        unreadable(
            label,
            store.notifications(anna, Paging::default()).await,
            "notifications.message",
        );
        let not_json = exec!(
            db,
            "UPDATE notifications SET message = 'garbage' WHERE person_id = $1 AND kind = 'x'",
            anna.uuid()
        );
        match db {
            Db::Sqlite(_) => {
                assert_eq!(not_json.unwrap(), 1);
                let r = store.notifications(anna, Paging::default()).await;
                assert!(matches!(r, Err(CoreError::Internal(_))), "{label}: {r:?}");
            }
            Db::Postgres(_) => assert!(not_json.is_err()),
        }

        // A request's weekdays that are no weekdays.
        let (first,): (Uuid,) = one!(db, (Uuid,), "SELECT id FROM requests ORDER BY id LIMIT 1");
        let (second,): (Uuid,) = one!(
            db,
            (Uuid,),
            "SELECT id FROM requests ORDER BY id DESC LIMIT 1"
        );
        assert_ne!(first, second);
        exec!(
            db,
            "UPDATE requests SET weekdays = '[\"sun\"]' WHERE id = $1",
            first
        )
        .unwrap();
        unreadable(
            label,
            store.request(first.into()).await,
            "requests.weekdays",
        );

        // A state whose check someone took away is still no state.
        match db {
            Db::Sqlite(p) => {
                sqlx::query("DROP TRIGGER requests_check_update")
                    .execute(p)
                    .await
                    .unwrap();
            }
            Db::Postgres(p) => {
                sqlx::query("ALTER TABLE requests DROP CONSTRAINT requests_state_check")
                    .execute(p)
                    .await
                    .unwrap();
            }
        }
        exec!(
            db,
            "UPDATE requests SET state = 'bogus' WHERE id = $1",
            second
        )
        .unwrap();
        unreadable(label, store.request(second.into()).await, "requests.state");
        let (person,): (Uuid,) = one!(
            db,
            (Uuid,),
            "SELECT person_id FROM requests WHERE id = $1",
            second
        );
        let theirs = RequestFilter {
            person: Some(person.into()),
            ..RequestFilter::default()
        };
        unreadable(
            label,
            store.requests(&theirs, Paging::default()).await,
            "requests.state",
        );
        store.db().close().await;
        t.drop_db().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_a_check_refuses_stop_the_migration_and_are_kept() {
    for t in fresh_dbs().await {
        let label = t.label;
        let cfg = StoreConfig {
            url: t.url.clone(),
            max_connections: 2,
        };

        // The schema as it was before the checks, with rows they refuse.
        let before = temp_dir();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(label);
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name.as_str() < "0011" {
                std::fs::copy(&path, before.0.join(&name)).unwrap();
            }
        }
        let db = Db::connect(&cfg).await.unwrap();
        let old = sqlx::migrate::Migrator::new(before.0.as_path())
            .await
            .unwrap();
        match &db {
            Db::Sqlite(p) => old.run(p).await.unwrap(),
            Db::Postgres(p) => old.run(p).await.unwrap(),
        }
        let (unit, item) = (Uuid::now_v7(), Uuid::now_v7());
        exec!(
            &db,
            "INSERT INTO units (id, code, name, kind, path, depth) VALUES ($1, 'K', 'Kommunen', 'moon', $2, 0)",
            unit,
            format!("/{unit}/")
        )
        .unwrap();
        exec!(
            &db,
            "INSERT INTO equipment_items (id, kind, identifier, description, state, created_at, updated_at)
             VALUES ($1, 'laptop', 'X-1', '', 'lost', $2, $2)",
            item,
            OffsetDateTime::now_utc()
        )
        .unwrap();

        // Each refused row stops the migration, naming its check; the row
        // is still there, as it was.
        let fails = |check: &'static str| {
            let cfg = cfg.clone();
            async move {
                match SqlStore::open(&cfg).await {
                    Err(CoreError::Internal(m)) => {
                        assert!(m.contains(check), "{label}: expected {check}: {m}")
                    }
                    Err(e) => panic!("{label}: {e:?}"),
                    Ok(_) => panic!("{label}: migrated over a row {check} refuses"),
                }
            }
        };
        fails("units_kind_check").await;
        let (kind,): (String,) = one!(&db, (String,), "SELECT kind FROM units WHERE id = $1", unit);
        assert_eq!(kind, "moon", "{label}");
        exec!(&db, "UPDATE units SET kind = 'kommun' WHERE id = $1", unit).unwrap();
        fails("equipment_items_state_check").await;
        let (state,): (String,) = one!(
            &db,
            (String,),
            "SELECT state FROM equipment_items WHERE id = $1",
            item
        );
        assert_eq!(state, "lost", "{label}");
        exec!(
            &db,
            "UPDATE equipment_items SET state = 'retired' WHERE id = $1",
            item
        )
        .unwrap();

        // Set right, the rows are kept and the checks are in place.
        let store = SqlStore::open(&cfg).await.unwrap();
        let (n,): (i64,) = one!(
            store.db(),
            (i64,),
            "SELECT (SELECT COUNT(*) FROM units) + (SELECT COUNT(*) FROM equipment_items)"
        );
        assert_eq!(n, 2, "{label}");
        refused(
            label,
            exec!(
                store.db(),
                "UPDATE units SET kind = 'moon' WHERE id = $1",
                unit
            ),
            "units_kind_check",
        );
        store.db().close().await;
        db.close().await;
        t.drop_db().await;
    }
}
