//! Database errors become meaning here, in one place. Every query runs
//! inside [`on_db!`](crate::db::on_db), whose body returns a
//! [`StoreResult`]: `?` takes a database error or a domain error as it is,
//! and the body's error becomes a [`CoreError`] once, when it leaves the
//! store.

use distans_core::CoreError;
use sqlx::error::ErrorKind;

/// What can go wrong inside the store: the database refused or failed, or
/// the store itself found something wrong (a conflict, a stored value that
/// is not a valid domain value).
#[derive(Debug)]
pub(crate) enum StoreError {
    Db(sqlx::Error),
    Core(CoreError),
}

pub(crate) type StoreResult<T> = Result<T, StoreError>;

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Db(e)
    }
}

impl From<CoreError> for StoreError {
    fn from(e: CoreError) -> Self {
        StoreError::Core(e)
    }
}

impl From<StoreError> for CoreError {
    /// Unique and foreign-key violations are conflicts naming what
    /// collided; a CHECK violation is a value outside what the schema
    /// allows; anything else is internal (its text goes to the log only).
    fn from(e: StoreError) -> Self {
        let e = match e {
            StoreError::Core(e) => return e,
            StoreError::Db(e) => e,
        };
        if let sqlx::Error::Database(d) = &e {
            let name = constraint_name(d.as_ref());
            match kind(d.as_ref()) {
                ErrorKind::UniqueViolation => {
                    let what = name.unwrap_or_else(|| "a unique value".into());
                    return CoreError::Conflict(format!("already exists ({what})"));
                }
                ErrorKind::ForeignKeyViolation => {
                    return CoreError::Conflict("refers to something that does not exist".into());
                }
                ErrorKind::CheckViolation => {
                    let what = name.unwrap_or_else(|| "a rule of the schema".into());
                    tracing::warn!(constraint = %what, "the database refused a value");
                    return CoreError::Conflict(format!(
                        "a value is outside what may be stored ({what})"
                    ));
                }
                _ => {}
            }
        }
        if let Some(why) = unavailable(&e) {
            tracing::warn!(error = %e, "the database cannot take requests");
            return CoreError::Unavailable {
                why,
                retry_after_secs: 5,
            };
        }
        if let sqlx::Error::ColumnDecode { index, source } = &e {
            return CoreError::from(invalid_stored(
                &format!("column {index}"),
                source.to_string(),
            ));
        }
        CoreError::Internal(format!("database: {e}"))
    }
}

/// Why the database cannot take requests now, when that is what `e` says:
/// it cannot be reached (or the pool waited in vain for a connection), it
/// is read-only, or it is full. A passing state: 503, try again.
fn unavailable(e: &sqlx::Error) -> Option<&'static str> {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => Some("the database cannot be reached"),
        sqlx::Error::Database(d) => {
            let code = d.code().unwrap_or_default();
            match code.as_ref() {
                // SQLite's primary result codes (the low byte of the extended one).
                c if c.parse::<i32>().is_ok_and(|n| n & 0xff == 13) => Some("the database is full"),
                c if c.parse::<i32>().is_ok_and(|n| n & 0xff == 8) => {
                    Some("the database is read-only")
                }
                c if c.parse::<i32>().is_ok_and(|n| matches!(n & 0xff, 10 | 14)) => {
                    Some("the database cannot be reached")
                }
                // PostgreSQL: read-only transaction, disk full, out of
                // memory or connections, connection exceptions, shutting down.
                "25006" => Some("the database is read-only"),
                "53100" => Some("the database is full"),
                c if c.starts_with("53") || c.starts_with("08") || c.starts_with("57P") => {
                    Some("the database cannot be reached")
                }
                "3D000" => Some("the database cannot be reached"),
                _ => None,
            }
        }
        _ => None,
    }
}

/// What the database refused. On SQLite the CHECK constraints added to
/// existing tables are triggers raising what a CHECK raises ("CHECK
/// constraint failed: NAME"), which SQLite reports as a trigger's
/// constraint error: it is a CHECK violation all the same.
fn kind(d: &dyn sqlx::error::DatabaseError) -> ErrorKind {
    match d.kind() {
        ErrorKind::Other if d.message().starts_with("CHECK constraint failed: ") => {
            ErrorKind::CheckViolation
        }
        kind => kind,
    }
}

/// The violated constraint's name: PostgreSQL tells it; SQLite puts it in
/// its message ("CHECK constraint failed: requests_state_check",
/// "UNIQUE constraint failed: people.employee_number").
fn constraint_name(d: &dyn sqlx::error::DatabaseError) -> Option<String> {
    if let Some(c) = d.constraint() {
        return Some(c.to_string());
    }
    d.message()
        .split_once("constraint failed: ")
        .map(|(_, what)| what.trim().to_string())
        .filter(|what| !what.is_empty())
}

/// A conflict: the thing changed meanwhile, or its state forbids the change.
pub(crate) fn conflict(message: impl Into<String>) -> StoreError {
    StoreError::Core(CoreError::Conflict(message.into()))
}

/// A stored value that is not a valid domain value: an internal error
/// (logged, never shown) naming the table and column, never a default.
pub(crate) fn invalid_stored(column: &str, value: impl std::fmt::Debug) -> StoreError {
    let message = format!("stored {column} has an invalid value {value:?}");
    tracing::error!("{message}");
    StoreError::Core(CoreError::Internal(message))
}

/// Ends a store call: its error becomes a [`CoreError`].
pub(crate) async fn finish<T>(
    body: impl std::future::Future<Output = StoreResult<T>>,
) -> Result<T, CoreError> {
    body.await.map_err(CoreError::from)
}
