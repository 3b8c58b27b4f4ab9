//! The storage suite: every scenario runs on SQLite and on PostgreSQL
//! (`DISTANS_TEST_POSTGRES=postgres://…/postgres`; required when `CI` is set).
//! This file holds the databases and helpers the features share; each
//! feature's scenarios are in their own module.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use distans_core::kernel::PersonId;
use std::sync::Arc;

use distans_core::kernel::clock::SystemClock;
use distans_core::kernel::NewAuditEntry;
use distans_core::store::*;
use distans_core::Core;
use distans_store::{SqlStore, StoreConfig};
use rand::Rng;
use uuid::Uuid;

struct TestDb {
    label: &'static str,
    url: String,
    cleanup: Option<(String, String)>, // (admin url, database name)
    _dir: Option<TempDir>,
}

struct TempDir(std::path::PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir() -> TempDir {
    let p = std::env::temp_dir().join(format!("distans-test-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&p).unwrap();
    TempDir(p)
}

/// The PostgreSQL server for tests, if configured (and required in CI).
pub fn postgres_base() -> Option<String> {
    match std::env::var("DISTANS_TEST_POSTGRES") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            if std::env::var("CI").is_ok() {
                panic!("DISTANS_TEST_POSTGRES must be set in CI: the PostgreSQL suite may not be skipped");
            }
            eprintln!("NOTE: DISTANS_TEST_POSTGRES is not set; running the SQLite half only");
            None
        }
    }
}

async fn fresh_postgres(base: &str) -> TestDb {
    let name = format!("distans_t_{}", rand::thread_rng().gen::<u64>());
    let admin = sqlx::PgPool::connect(base)
        .await
        .expect("connect to DISTANS_TEST_POSTGRES");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let (prefix, _) = base.rsplit_once('/').unwrap();
    TestDb {
        label: "postgres",
        url: format!("{prefix}/{name}"),
        cleanup: Some((base.to_string(), name)),
        _dir: None,
    }
}

async fn fresh_dbs() -> Vec<TestDb> {
    let dir = temp_dir();
    let mut v = vec![TestDb {
        label: "sqlite",
        url: dir.0.join("t.db").to_string_lossy().to_string(),
        cleanup: None,
        _dir: Some(dir),
    }];
    if let Some(base) = postgres_base() {
        v.push(fresh_postgres(&base).await);
    }
    v
}

impl TestDb {
    async fn open(&self) -> SqlStore {
        SqlStore::open(&StoreConfig {
            url: self.url.clone(),
            max_connections: 5,
        })
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", self.label))
    }
    async fn drop_db(self) {
        if let Some((admin, name)) = &self.cleanup {
            if let Ok(p) = sqlx::PgPool::connect(admin).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&p)
                    .await;
            }
        }
    }
}

/// A Core with the system clock on this store. The tests keep the store's
/// handle beside the Core and read storage through it.
fn core(store: &Arc<SqlStore>) -> Core {
    Core::new(store.clone(), Arc::new(SystemClock))
}

async fn username_person(store: &SqlStore, u: &str) -> PersonId {
    store.credentials(u).await.unwrap().unwrap().0
}

fn audit(action: &str) -> NewAuditEntry {
    NewAuditEntry {
        actor_id: None,
        actor: "test".into(),
        action: action.into(),
        entity: "test".into(),
        entity_id: String::new(),
        before: None,
        after: None,
    }
}

/// The message a notice was stored as (every notice is one now).
/// The period `from`–`to`, which the test knows the product accepts.
fn span(from: time::Date, to: time::Date) -> distans_core::kernel::dates::DateRange {
    distans_core::kernel::dates::DateRange::new(("from", "to"), from, to).unwrap()
}

fn message_of(c: &distans_core::notify::NoticeContent) -> &distans_core::kernel::Message {
    match c {
        distans_core::notify::NoticeContent::Message(m) => m,
        other => panic!("a notice written as text: {other:?}"),
    }
}

/// A small organisation as a file of people to import.
const CSV: &str = "employee_number,given_name,family_name,email,unit_code,unit_name,parent_unit_code,manages,skills,roles,username\n\
    1,Karin,Berg,karin@k.se,K,Kommunen,,K,,hr,karin\n\
    2,Anna,Lind,anna@k.se,KC,Kontaktcenter,K,,reception,,\n\
    3,Chef,Holm,,KC,Kontaktcenter,K,KC,reception|lön,,\n";

mod absences;
mod agreements;
mod audit_log;
mod backup;
mod calendar_feed;
mod checks;
mod closed_days;
mod coverage;
mod defaults;
mod departures;
mod deviations;
mod equipment;
mod followups;
mod idempotency;
mod identity;
mod moves;
mod org;
mod org_edit;
mod passwords;
mod plan;
mod planner_runs;
mod presence;
mod privacy;
mod records;
mod redeployment;
mod rotation;
mod schema;
mod stats;
mod stats_coverage;
