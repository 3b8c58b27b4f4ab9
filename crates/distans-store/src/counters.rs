//! The database's change counters (migrations 0034 and 0037): bumped by
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
use crate::store::SqlStore;

const READ: &str =
    "SELECT a.n, p.n, c.n FROM auth_epoch a CROSS JOIN policy_epoch p CROSS JOIN calendar_epoch c
     WHERE a.id = 1 AND p.id = 1 AND c.id = 1";

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
            })
        })
        .map_err(reader_err)
    }
}

#[async_trait]
impl CountersPort for SqlStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn counters(&self) -> CoreResult<Counters> {
        if let Some(reader) = self.counters_reader() {
            return reader.read();
        }
        let (sign_in, policy, calendar): (i64, i64, i64) = fetch!(self.db(), fetch_one, READ)?;
        Ok(Counters {
            sign_in,
            policy,
            calendar,
        })
    }
}
