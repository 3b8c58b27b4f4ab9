//! Connecting, migrating and the engine dispatch.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{PgPool, SqlitePool};

use distans_core::CoreError;

/// Runs `$body` once per engine with `$pool` bound to that engine's pool.
/// The SQL inside is written once; sqlx checks types at run time. The body
/// is an async block returning a [`StoreResult`](crate::error::StoreResult):
/// `?` takes database errors as they are, and they become meaning once,
/// when the call returns (see [`crate::error`]).
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => $crate::error::finish(async { $body }).await,
            $crate::Db::Postgres($pool) => $crate::error::finish(async { $body }).await,
        }
    };
}
pub(crate) use on_db;

/// Runs one statement with its parameters; the number of rows it changed.
macro_rules! execute {
    ($db:expr, $sql:expr $(, $param:expr)* $(,)?) => {
        $crate::db::on_db!($db, p => {
            Ok(sqlx::query($sql)$(.bind($param))*.execute(p).await?.rows_affected())
        })
    };
}
pub(crate) use execute;

/// Runs one query with its parameters and reads what it returns with
/// `$how` (`fetch_one`, `fetch_optional` or `fetch_all`), as the rows the
/// caller expects.
macro_rules! fetch {
    ($db:expr, $how:ident, $sql:expr $(, $param:expr)* $(,)?) => {
        $crate::db::on_db!($db, p => Ok(sqlx::query_as($sql)$(.bind($param))*.$how(p).await?))
    };
}
pub(crate) use fetch;

/// Runs one query with its parameters and reads the row it finds, if any,
/// as a `$row` back into its domain value.
macro_rules! read_one {
    ($db:expr, $row:ty, $sql:expr $(, $param:expr)* $(,)?) => {
        $crate::db::on_db!($db, p => {
            let row: Option<$row> = sqlx::query_as($sql)$(.bind($param))*.fetch_optional(p).await?;
            $crate::store::one(row)
        })
    };
}
pub(crate) use read_one;

/// Runs one query with its parameters and reads every row it returns as a
/// `$row` back into its domain value.
macro_rules! read_all {
    ($db:expr, $row:ty, $sql:expr $(, $param:expr)* $(,)?) => {
        $crate::db::on_db!($db, p => {
            let rows: Vec<$row> = sqlx::query_as($sql)$(.bind($param))*.fetch_all(p).await?;
            $crate::store::each(rows)
        })
    };
}
pub(crate) use read_all;

/// A row both engines can read (a `sqlx::FromRow` struct or tuple).
pub(crate) trait Row:
    for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin
{
}

impl<T> Row for T where
    T: for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin
{
}

/// Transactions that write: `BEGIN IMMEDIATE` on SQLite so that writers
/// queue at the start instead of failing at their first write.
pub(crate) trait BeginWrite {
    type Db: sqlx::Database;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>;
}

impl BeginWrite for SqlitePool {
    type Db = sqlx::Sqlite;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl BeginWrite for PgPool {
    type Db = sqlx::Postgres;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.begin().await
    }
}

/// The database: an embedded SQLite file or a PostgreSQL server.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[derive(Clone, Debug)]
pub struct StoreConfig {
    /// `sqlite://path` / a plain file path, or `postgres://…`.
    pub url: String,
    pub max_connections: u32,
}

/// The file (or `:memory:`) of an SQLite URL.
pub(crate) fn sqlite_path(url: &str) -> &str {
    let url = url.trim();
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

fn connect_err(e: sqlx::Error) -> CoreError {
    CoreError::Internal(format!("cannot open the database: {e}"))
}

impl Db {
    /// Opens the database the URL names (without migrating it).
    pub async fn connect(cfg: &StoreConfig) -> Result<Db, CoreError> {
        let url = cfg.url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url).map_err(connect_err)?;
            let pool = PgPoolOptions::new()
                .max_connections(cfg.max_connections)
                .test_before_acquire(false)
                .before_acquire(|conn, meta| Box::pin(usable(conn, meta)))
                // A database that is gone is a 503 within a second, not
                // a request that hangs.
                .acquire_timeout(Duration::from_secs(1))
                .connect_with(opts)
                .await
                .map_err(connect_err)?;
            Ok(Db::Postgres(pool))
        } else {
            let path = sqlite_path(url);
            let opts = if path == ":memory:" {
                SqliteConnectOptions::from_str("sqlite::memory:").map_err(connect_err)?
            } else {
                SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
            }
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // A checkpoint that reaches the end of the write-ahead log
            // starts it again from the front; this cuts the file back to
            // 16 MiB then, instead of keeping the size of the largest
            // transaction ever written (the demo's or an import's, over
            // 100 MB at 50,000 people).
            .pragma("journal_size_limit", "16777216");
            // No memory map of the file (SQLite's default): each connection
            // would map it on its own, and the pages each mapping touched
            // count again in the server's resident memory — 130 MB of a
            // 230 MB database after a load that read far less. Reads go
            // through the operating system's file cache by system calls.
            let pool = SqlitePoolOptions::new()
                .test_before_acquire(false)
                .before_acquire(|conn, meta| Box::pin(usable(conn, meta)))
                .max_connections(if path == ":memory:" {
                    1
                } else {
                    cfg.max_connections
                })
                .connect_with(opts)
                .await
                .map_err(connect_err)?;
            Ok(Db::Sqlite(pool))
        }
    }

    /// Brings the schema up to date.
    pub async fn migrate(&self) -> Result<(), CoreError> {
        let r = match self {
            Db::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await,
            Db::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await,
        };
        r.map_err(|e| CoreError::Internal(format!("migration failed: {e}")))
    }

    pub fn engine(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(p) => p.close().await,
            Db::Postgres(p) => p.close().await,
        }
    }

    /// Tables and views and their columns with nullability, to check that both
    /// engines' schemas agree.
    pub async fn schema(&self) -> Result<Vec<(String, String, bool)>, CoreError> {
        let mut cols: Vec<(String, String, bool)> = match self {
            Db::Sqlite(_) => {
                let tables: Vec<(String,)> = fetch!(
                    self,
                    fetch_all,
                    "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'"
                )?;
                let mut out = vec![];
                for (t,) in tables {
                    let rows: Vec<(String, i64, i64)> = fetch!(
                        self,
                        fetch_all,
                        "SELECT name, \"notnull\", pk FROM pragma_table_info($1)",
                        &t
                    )?;
                    for (c, notnull, pk) in rows {
                        out.push((t.clone(), c, notnull == 0 && pk == 0));
                    }
                }
                out
            }
            Db::Postgres(_) => {
                let rows: Vec<(String, String, String)> = fetch!(
                    self,
                    fetch_all,
                    "SELECT table_name::text, column_name::text, is_nullable::text FROM information_schema.columns
                     WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%'"
                )?;
                rows.into_iter()
                    .map(|(t, c, n)| (t, c, n == "YES"))
                    .collect()
            }
        };
        cols.sort();
        Ok(cols)
    }
}

/// A connection idle for longer than this is tested with a round trip
/// before it is handed out; one used since is known to work. (sqlx would
/// test every one, each time: a round trip more per query.)
const TEST_IF_IDLE_FOR: Duration = Duration::from_secs(10);

/// Whether a pooled connection may be handed out: one idle for a while
/// must still answer, and none may be inside a transaction.
async fn usable<C: sqlx::Connection>(
    conn: &mut C,
    meta: sqlx::pool::PoolConnectionMetadata,
) -> Result<bool, sqlx::Error> {
    if meta.idle_for > TEST_IF_IDLE_FOR {
        conn.ping().await?;
    }
    out_of_transaction(conn).await
}

/// Whether a pooled connection may be handed out: not while it is still
/// inside a transaction. A dropped transaction is rolled back by a command
/// queued on the connection; a ping waits for it. If the connection is
/// still inside one after that, its rollback failed — as when a commit
/// failed because the disk was full and the database had already rolled
/// back — and it would refuse every later transaction: it is closed, and
/// the pool opens a fresh one.
async fn out_of_transaction<C: sqlx::Connection>(conn: &mut C) -> Result<bool, sqlx::Error> {
    if !conn.is_in_transaction() {
        return Ok(true);
    }
    conn.ping().await?;
    if conn.is_in_transaction() {
        tracing::warn!("a connection was left inside a failed transaction; it is replaced");
        return Ok(false);
    }
    Ok(true)
}
