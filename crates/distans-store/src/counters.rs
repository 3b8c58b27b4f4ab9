//! The database's change counters (migrations 0034, 0037 and 0038): bumped by
//! triggers, read by every request in one statement.
//!
//! On SQLite the statement runs on a plain connection of its own, on the
//! request's thread: it reads two rows of a database in write-ahead-log
//! mode in a few microseconds and never waits for a writer, while sqlx
//! would hand it to a connection's worker thread and back — two thread
//! switches that cost far more than the read on a busy machine. On
//! PostgreSQL it is an ordinary query of the pool.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use distans_core::kernel::counters::{Counters, CountersPort};
use distans_core::{CoreError, CoreResult};

use crate::db::fetch;
use crate::error::StoreError;
use crate::store::SqlStore;

const READ: &str = "SELECT a.n, p.n, c.n, l.n, a.sessions
     FROM auth_epoch a CROSS JOIN policy_epoch p CROSS JOIN calendar_epoch c CROSS JOIN plan_epoch l
     WHERE a.id = 1 AND p.id = 1 AND c.id = 1 AND l.id = 1";

/// The connection the counters are read on (an SQLite file only).
#[derive(Clone)]
pub(crate) struct CountersReader(Arc<Mutex<rusqlite::Connection>>);

impl std::fmt::Debug for CountersReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CountersReader")
    }
}

fn reader_err(e: rusqlite::Error) -> CoreError {
    CoreError::Internal(format!("reading the change counters: {e}"))
}

impl CountersReader {
    /// A connection to the SQLite file at `path`; none for a database in
    /// memory, which no second connection can see.
    pub(crate) fn open(path: &str) -> CoreResult<Option<CountersReader>> {
        if path == ":memory:" {
            return Ok(None);
        }
        let conn = rusqlite::Connection::open(path).map_err(reader_err)?;
        // A reader waits for no writer in write-ahead-log mode; only
        // recovering the log after a crash holds it up, briefly.
        conn.busy_timeout(Duration::from_secs(1))
            .map_err(reader_err)?;
        Ok(Some(CountersReader(Arc::new(Mutex::new(conn)))))
    }

    fn read(&self) -> CoreResult<Counters> {
        let conn = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let mut stmt = conn.prepare_cached(READ).map_err(reader_err)?;
        stmt.query_row([], |r| {
            Ok(Counters {
                sign_in: r.get(0)?,
                policy: r.get(1)?,
                calendar: r.get(2)?,
                plan: r.get(3)?,
                sessions: r.get(4)?,
            })
        })
        .map_err(reader_err)
    }
}

/// The connection the counters are read on (PostgreSQL): one of its own,
/// outside the pool. The pool tests a connection with a round trip when
/// it hands it out and again when it takes it back, so a read through it
/// costs three round trips; on this connection it costs one. Reads never
/// overlap (the core shares one read among the requests that wait for it),
/// so one connection is enough. A connection that fails is dropped, and
/// the next read opens a new one.
#[derive(Clone)]
pub(crate) struct PgCountersReader {
    conn: Arc<tokio::sync::Mutex<Option<sqlx::PgConnection>>>,
    opts: sqlx::postgres::PgConnectOptions,
}

impl std::fmt::Debug for PgCountersReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PgCountersReader")
    }
}

impl PgCountersReader {
    pub(crate) fn new(pool: &sqlx::PgPool) -> PgCountersReader {
        PgCountersReader {
            conn: Arc::default(),
            opts: (*pool.connect_options()).clone(),
        }
    }

    async fn read(&self) -> CoreResult<Counters> {
        use sqlx::Connection;
        let mut held = self.conn.lock().await;
        let conn = match &mut *held {
            Some(conn) => conn,
            None => {
                // As the pool: a database that is gone is a 503 within a
                // second, not a request that hangs.
                let conn = tokio::time::timeout(
                    Duration::from_secs(1),
                    sqlx::PgConnection::connect_with(&self.opts),
                )
                .await
                .map_err(|_| CoreError::Unavailable {
                    why: "the database cannot be reached",
                    retry_after_secs: 5,
                })?
                .map_err(|e| CoreError::from(StoreError::from(e)))?;
                held.insert(conn)
            }
        };
        // A database that stops answering must not hold every request.
        let row = tokio::time::timeout(
            Duration::from_secs(5),
            sqlx::query_as::<_, (i64, i64, i64, i64, i64)>(READ).fetch_one(&mut *conn),
        )
        .await;
        match row {
            Ok(Ok((sign_in, policy, calendar, plan, sessions))) => Ok(Counters {
                sign_in,
                policy,
                calendar,
                plan,
                sessions,
            }),
            Ok(Err(e)) => {
                *held = None;
                Err(CoreError::from(StoreError::from(e)))
            }
            Err(_) => {
                *held = None;
                Err(CoreError::Unavailable {
                    why: "the database cannot be reached",
                    retry_after_secs: 5,
                })
            }
        }
    }
}

#[async_trait]
impl CountersPort for SqlStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn counters(&self) -> CoreResult<Counters> {
        if let Some(reader) = self.counters_reader() {
            return reader.read();
        }
        if let Some(reader) = self.pg_counters_reader() {
            return reader.read().await;
        }
        let (sign_in, policy, calendar, plan, sessions): (i64, i64, i64, i64, i64) =
            fetch!(self.db(), fetch_one, READ)?;
        Ok(Counters {
            sign_in,
            policy,
            calendar,
            plan,
            sessions,
        })
    }
}

/// The tables whose changes do not move the plan counter, and why: the
/// bookkeeping no plan, coverage or overview reads, much of it written on
/// its own all day. Every other table has the counter's triggers (migration
/// 0038); the storage tests fail on a table that is in neither.
pub const NOT_PLAN_INPUTS: &[(&str, &str)] = &[
    ("accounts", "sign-in: passwords and failed attempts"),
    ("api_tokens", "sign-in: tokens and when they were last used"),
    ("sessions", "sign-in"),
    ("password_links", "sign-in: links to set a password"),
    ("scim_tokens", "sign-in of the identity provider"),
    ("calendar_feeds", "the secret addresses of calendar feeds"),
    ("audit_head", "the audit trail, written with every change"),
    ("audit_log", "the audit trail"),
    ("audit_payloads", "the audit trail"),
    ("audit_sealed", "the audit trail"),
    ("idempotency_keys", "answers kept for retried requests"),
    ("outbox", "messages on their way"),
    ("notifications", "messages to people"),
    ("readiness_probe", "written by every readiness check"),
    ("planner_jobs", "the planner's runs and their progress"),
    ("stats_days", "statistics, rebuilt by a job"),
    ("stats_day_counts", "statistics, rebuilt by a job"),
    (
        "stats_exception_days",
        "a view: its tables are changed, not it",
    ),
    ("disposal_runs", "the record of disposal runs"),
    ("auth_epoch", "a counter"),
    ("policy_epoch", "a counter"),
    ("calendar_epoch", "a counter"),
    ("plan_epoch", "the plan counter itself"),
];

impl crate::db::Db {
    /// Each table with a trigger that moves the plan counter, with the
    /// changes that do: "INSERT", "UPDATE", "DELETE". On PostgreSQL only
    /// triggers deferred to the commit count.
    pub async fn plan_counter_triggers(&self) -> CoreResult<Vec<(String, String)>> {
        let mut out = vec![];
        match self {
            crate::db::Db::Sqlite(_) => {
                let rows: Vec<(String, String)> = fetch!(
                    self,
                    fetch_all,
                    "SELECT tbl_name, sql FROM sqlite_master
                     WHERE type = 'trigger' AND sql LIKE '%UPDATE plan_epoch SET n = n + 1%'"
                )?;
                for (table, sql) in rows {
                    for event in ["INSERT", "UPDATE", "DELETE"] {
                        if sql.contains(&format!("AFTER {event} ON {table}\n")) {
                            out.push((table.clone(), event.to_string()));
                        }
                    }
                }
            }
            crate::db::Db::Postgres(_) => {
                let rows: Vec<(String, i16)> = fetch!(
                    self,
                    fetch_all,
                    "SELECT c.relname::text, t.tgtype FROM pg_trigger t
                     JOIN pg_class c ON c.oid = t.tgrelid
                     JOIN pg_proc p ON p.oid = t.tgfoid
                     WHERE p.proname = 'plan_epoch_bump' AND t.tgdeferrable AND t.tginitdeferred
                       AND NOT t.tgisinternal AND t.tgenabled <> 'D'"
                )?;
                for (table, kind) in rows {
                    // pg_trigger.tgtype: 4 insert, 8 delete, 16 update.
                    for (bit, event) in [(4, "INSERT"), (16, "UPDATE"), (8, "DELETE")] {
                        if kind & bit != 0 {
                            out.push((table.clone(), event.to_string()));
                        }
                    }
                }
            }
        }
        out.sort();
        Ok(out)
    }
}
