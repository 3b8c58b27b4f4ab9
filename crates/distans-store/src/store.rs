//! The store itself: the database every slice's port runs on, and what
//! the slices share — a unit of work written in one transaction with its
//! notices and audit entries (a change guarded by its version, a new
//! version of a document, an import), the audit chain, names in Swedish
//! order, rows read back into domain values (people referred to by their
//! name columns), and the pieces of queries that lists repeat.

use distans_core::kernel::{Page, Paging, PersonRef};
use distans_core::CoreResult;

use crate::counters::{CountersReader, PgCountersReader};
use crate::db::{read_all, read_one, sqlite_path, Db, Row, StoreConfig};
use crate::error::{StoreError, StoreResult};

/// Rows per multi-row INSERT: well under both engines' parameter limits.
pub(crate) const BATCH: usize = 400;

/// The store: a database and how it was reached.
#[derive(Clone, Debug)]
pub struct SqlStore {
    db: Db,
    url: String,
    /// On an SQLite file, the connection the change counters are read on.
    counters: Option<CountersReader>,
    /// On PostgreSQL, the connection the change counters are read on.
    pg_counters: Option<PgCountersReader>,
}

impl SqlStore {
    /// Opens and migrates the database.
    pub async fn open(cfg: &StoreConfig) -> CoreResult<SqlStore> {
        let db = Db::connect(cfg).await?;
        db.migrate().await?;
        let (counters, pg_counters) = match &db {
            Db::Sqlite(_) => (CountersReader::open(sqlite_path(&cfg.url))?, None),
            Db::Postgres(pool) => (None, Some(PgCountersReader::new(pool))),
        };
        Ok(SqlStore {
            db,
            url: cfg.url.clone(),
            counters,
            pg_counters,
        })
    }

    pub(crate) fn counters_reader(&self) -> Option<&CountersReader> {
        self.counters.as_ref()
    }

    pub(crate) fn pg_counters_reader(&self) -> Option<&PgCountersReader> {
        self.pg_counters.as_ref()
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The URL the database was opened with (for `pg_dump`).
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// The thing the query `select` finds by `id` (a `R` row), with its
    /// trail: the entries the query `trail` finds by the same id (`E`
    /// rows), in its order, put in place by `set`.
    pub(crate) async fn with_trail<R: Row, E: Row, T, V>(
        &self,
        select: &str,
        trail: &str,
        id: uuid::Uuid,
        set: impl FnOnce(&mut T, Vec<V>) + Send,
    ) -> CoreResult<Option<T>>
    where
        T: TryFrom<R, Error = StoreError> + Send,
        V: TryFrom<E, Error = StoreError> + Send,
    {
        let Some(mut thing) = read_one!(self.db(), R, select, id)? else {
            return Ok(None);
        };
        set(&mut thing, read_all!(self.db(), E, trail, id)?);
        Ok(Some(thing))
    }
}

/// A lower-case key that sorts Swedish names in Swedish order (å, ä, ö last).
pub fn sort_key(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'å' => '{',
            'ä' | 'æ' => '|',
            'ö' | 'ø' => '}',
            'é' | 'è' => 'e',
            'ü' => 'y',
            c => c,
        })
        .collect()
}

/// `%s%` for `LIKE … ESCAPE '\'` on a sort key.
pub(crate) fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('%');
    for c in sort_key(s).chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// A person's display name.
pub(crate) fn name(given: &str, family: &str) -> String {
    format!("{given} {family}")
}

/// A person as referred to, from a joined row.
pub(crate) fn person(id: uuid::Uuid, given: &str, family: &str) -> PersonRef {
    PersonRef {
        id: id.into(),
        name: name(given, family),
    }
}

/// A person from an outer join: none when the row has none.
pub(crate) fn maybe_person(
    id: Option<uuid::Uuid>,
    given: Option<String>,
    family: Option<String>,
) -> Option<PersonRef> {
    match (id, given, family) {
        (Some(id), Some(g), Some(f)) => Some(person(id, &g, &f)),
        _ => None,
    }
}

/// A stored value read back as the domain's type: the same type, or one of
/// the domain's ids from the UUID the database holds.
pub(crate) trait FromStored<T> {
    fn read(self) -> T;
}

impl<T> FromStored<T> for T {
    fn read(self) -> T {
        self
    }
}

macro_rules! stored_ids {
    ($($id:ty),*) => {$(
        impl FromStored<$id> for uuid::Uuid {
            fn read(self) -> $id {
                self.into()
            }
        }

        impl FromStored<Option<$id>> for Option<uuid::Uuid> {
            fn read(self) -> Option<$id> {
                self.map(Into::into)
            }
        }
    )*};
}

distans_core::for_each_id!(stored_ids);

/// A row a query returns and how it reads back into its domain value
/// `$t`: the struct `$row` of its columns, and `TryFrom<$row> for $t`.
///
/// - The columns in the first braces are fields of `$t` as they are (an
///   id read as the domain's id type, see [`FromStored`]).
/// - The columns `with` are read into other fields by `|row| { … }`.
/// - `person { field: id, given, family; … }`: the three columns of a
///   joined person, read into the field as a [`PersonRef`];
///   `maybe_person` the same from an outer join (none when the row has
///   none).
/// - `|row| { … }` gives the remaining fields, each as `field: value` (or
///   the name of a `let` between `|row|` and the braces).
macro_rules! row {
    (
        $(#[$meta:meta])*
        $vis:vis struct $row:ident => $t:ident {
            $($field:ident: $ty:ty),* $(,)?
        }
        $(with {
            $($wfield:ident: $wty:ty),* $(,)?
        })?
        $(person {
            $($pfield:ident: $pid:ident, $pgiven:ident, $pfamily:ident);* $(;)?
        })?
        $(maybe_person {
            $($mfield:ident: $mid:ident, $mgiven:ident, $mfamily:ident);* $(;)?
        })?
        |$r:ident| $(let $x:ident = $e:expr;)* {
            $($out:ident $(: $value:expr)?),* $(,)?
        }
    ) => {
        #[derive(sqlx::FromRow)]
        $(#[$meta])*
        $vis struct $row {
            $($field: $ty,)*
            $($($pid: uuid::Uuid, $pgiven: String, $pfamily: String,)*)?
            $($($mid: Option<uuid::Uuid>, $mgiven: Option<String>, $mfamily: Option<String>,)*)?
            $($($wfield: $wty,)*)?
        }

        impl TryFrom<$row> for $t {
            type Error = $crate::error::StoreError;
            fn try_from($r: $row) -> $crate::error::StoreResult<$t> {
                $(let $x = $e;)*
                Ok($t {
                    $($out $(: $value)?,)*
                    $($($pfield: $crate::store::person($r.$pid, &$r.$pgiven, &$r.$pfamily),)*)?
                    $($($mfield: $crate::store::maybe_person($r.$mid, $r.$mgiven, $r.$mfamily),)*)?
                    $($field: $crate::store::FromStored::read($r.$field),)*
                })
            }
        }
    };
}
pub(crate) use row;

/// Rows read back into domain values; the first that is not valid fails.
pub(crate) fn each<R, T: TryFrom<R, Error = StoreError>>(rows: Vec<R>) -> StoreResult<Vec<T>> {
    rows.into_iter().map(T::try_from).collect()
}

/// A row, if any, read back into a domain value.
pub(crate) fn one<R, T: TryFrom<R, Error = StoreError>>(row: Option<R>) -> StoreResult<Option<T>> {
    row.map(T::try_from).transpose()
}

/// A page of rows read back into domain values.
pub(crate) fn page<R, T: TryFrom<R, Error = StoreError>>(
    rows: Vec<R>,
    total: i64,
    paging: Paging,
) -> StoreResult<Page<T>> {
    Ok(Page::new(each(rows)?, total, paging.offset))
}

/// What a list of rows reads: the rows it counts, `FROM count`; the
/// rows it reads, with `select`; in `order`.
pub(crate) struct List {
    pub count: &'static str,
    /// The column of the person the rows are about, when the list is
    /// scoped by the person and their unit: the count joins the person as
    /// `p` and their unit as `u`.
    pub about: Option<&'static str>,
    pub select: &'static str,
    pub order: &'static str,
}

impl List {
    /// The query counting the list's rows (its conditions to follow).
    pub(crate) fn count_query(&self) -> String {
        match self.about {
            Some(person) => format!(
                "SELECT COUNT(*) FROM {} JOIN people p ON p.id = {person} JOIN units u ON u.id = p.unit_id",
                self.count
            ),
            None => format!("SELECT COUNT(*) FROM {}", self.count),
        }
    }
}

/// Reads a page of the list `$list` (a `&List`) as `$row`s: counts its
/// rows and reads those of the page, both where the conditions hold that
/// `$filter` appends to `$q` (each as ` AND …`, after `WHERE 1 = 1`).
macro_rules! read_page {
    ($db:expr, $row:ty, $list:expr, $paging:expr, |$q:ident| $filter:expr $(,)?) => {
        $crate::db::on_db!($db, pool => {
            let list: &$crate::store::List = $list;
            let paging: distans_core::kernel::Paging = $paging;
            let filter = |$q: &mut sqlx::QueryBuilder<'_, _>| {
                $q.push(" WHERE 1 = 1");
                $filter;
            };
            let mut q = sqlx::QueryBuilder::new(list.count_query());
            filter(&mut q);
            let (total,): (i64,) = q.build_query_as().fetch_one(pool).await?;
            let mut q = sqlx::QueryBuilder::new(list.select);
            filter(&mut q);
            q.push(" ORDER BY ").push(list.order);
            q.push(" LIMIT ").push_bind(paging.limit);
            q.push(" OFFSET ").push_bind(paging.offset);
            let rows: Vec<$row> = q.build_query_as().fetch_all(pool).await?;
            $crate::store::page(rows, total, paging)
        })
    };
}
pub(crate) use read_page;

/// Appends entries to the audit chain inside the transaction `$tx`. The
/// `UPDATE … RETURNING` on the head row serialises appenders on both engines.
macro_rules! append_audit_rows {
    ($tx:expr, $at:expr, $entries:expr) => {{
        let entries: &[distans_core::kernel::NewAuditEntry] = $entries;
        // Whole seconds, as every timestamp is kept: the hash must survive the
        // round trip through either engine.
        let at: time::OffsetDateTime = distans_core::kernel::clock::whole_seconds($at);
        if !entries.is_empty() {
            let n = entries.len() as i64;
            let (last, mut prev): (i64, String) = sqlx::query_as(
                "UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash",
            )
            .bind(n)
            .fetch_one(&mut *$tx)
            .await?;
            let start = last - n;
            // Each entry's personal data (before, after) is a payload of
            // its own, salted; the chained hash covers the payload's hash,
            // so that disposal can remove the payload and keep the chain.
            let mut rows = Vec::with_capacity(entries.len());
            for (i, e) in entries.iter().enumerate() {
                let seq = start + 1 + i as i64;
                let salt = distans_core::audit::rules::new_salt();
                let ph = distans_core::audit::rules::payload_hash(&salt, &e.before, &e.after);
                let hash = distans_core::audit::rules::entry_hash_with_payload(&prev, seq, at, e, &ph);
                rows.push((seq, std::mem::replace(&mut prev, hash.clone()), hash, e, ph, salt));
            }
            for chunk in rows.chunks(200) {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO audit_log (seq, at, actor_id, actor, action, entity, entity_id, prev_hash, hash, payload_hash) ",
                );
                qb.push_values(chunk, |mut b, (seq, prev, hash, e, ph, _)| {
                    b.push_bind(*seq)
                        .push_bind(at)
                        .push_bind(e.actor_id.map(|i| i.uuid()))
                        .push_bind(e.actor.clone())
                        .push_bind(e.action.clone())
                        .push_bind(e.entity.clone())
                        .push_bind(e.entity_id.clone())
                        .push_bind(prev.clone())
                        .push_bind(hash.clone())
                        .push_bind(ph.clone());
                });
                qb.build().execute(&mut *$tx).await?;
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO audit_payloads (entry_seq, salt, before, after) ",
                );
                qb.push_values(chunk, |mut b, (seq, _, _, e, _, salt)| {
                    b.push_bind(*seq)
                        .push_bind(salt.clone())
                        .push_bind(e.before.clone().map(sqlx::types::Json))
                        .push_bind(e.after.clone().map(sqlx::types::Json));
                });
                qb.build().execute(&mut *$tx).await?;
            }
            sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
                .bind(&prev)
                .execute(&mut *$tx)
                .await?;
        }
    }};
}
pub(crate) use append_audit_rows;

/// Runs `$body` in a write transaction `$tx` and writes the unit of work
/// `$work` with it, its notices and audit entries, before committing: a
/// change is never stored without its trail. The body's value is the
/// call's; a `return` from the body leaves without committing anything.
/// `audit:` may give other entries once the body's value is known (the
/// new version a save made).
macro_rules! write_work {
    ($store:expr, $work:expr, |$tx:ident| $body:expr) => {
        $crate::store::write_work!($store, $work, |$tx| $body, audit: |_| None)
    };
    ($store:expr, $work:expr, |$tx:ident| $body:expr, audit: $audit:expr) => {
        $crate::db::on_db!($store.db(), pool => {
            let work: &distans_core::kernel::Work = $work;
            let mut $tx = $crate::db::BeginWrite::begin_write(pool).await?;
            let value = $body;
            let audit: Option<Vec<distans_core::kernel::NewAuditEntry>> = ($audit)(&value);
            $crate::notify::write_notices!($tx, work.at, &work.notices);
            $crate::notify::write_broadcasts!($tx, work.at, &work.broadcasts);
            $crate::store::append_audit_rows!($tx, work.at, audit.as_deref().unwrap_or(&work.audit));
            $tx.commit().await?;
            Ok(value)
        })
    };
}
pub(crate) use write_work;

/// The unit of work's entries, about the thing with the id known only once
/// it is written (a new version), and what it is after, if given.
pub(crate) fn about(
    entries: &[distans_core::kernel::NewAuditEntry],
    id: i64,
    after: Option<serde_json::Value>,
) -> Vec<distans_core::kernel::NewAuditEntry> {
    entries
        .iter()
        .map(|e| {
            let mut e = e.clone();
            e.entity_id = id.to_string();
            if after.is_some() {
                e.after.clone_from(&after);
            }
            e
        })
        .collect()
}

/// Runs the statement `$query` in the transaction `$tx` of a
/// `write_work!` body; when it changed no row (the thing was changed
/// meanwhile, or its state forbids the change), leaves with the conflict
/// `$conflict` and nothing written. With `at_version(id, expected)`, the
/// statement's last two parameters (`WHERE id = … AND version = …`) are
/// the thing's id and the version the change was made to.
macro_rules! must_change {
    ($tx:expr, $conflict:expr, at_version($id:expr, $expected:expr), $query:expr $(,)?) => {
        $crate::store::must_change!($tx, $conflict, $query.bind($id).bind($expected))
    };
    ($tx:expr, $conflict:expr, $query:expr $(,)?) => {
        if $query.execute(&mut *$tx).await?.rows_affected() == 0 {
            return Err($crate::error::conflict($conflict));
        }
    };
}
pub(crate) use must_change;

/// The next version of a document kept in versions in `$table` (those
/// of the document `key` when given), in the write transaction `$tx`: one
/// after the greatest stored when that is the version `$expected` the
/// change was made to; else `$what` was changed meanwhile, a conflict.
macro_rules! next_version {
    ($tx:expr, $expected:expr, $what:expr, $table:literal $(, key: $key:expr)?) => {{
        let mut max = sqlx::QueryBuilder::new(concat!("SELECT MAX(version) FROM ", $table));
        $(max.push(" WHERE key = ").push_bind($key);)?
        let (max,): (Option<i64>,) = max.build_query_as().fetch_one(&mut *$tx).await?;
        let current = max.unwrap_or(0);
        let expected: i64 = $expected;
        if current != expected {
            return Err($crate::error::conflict(format!(
                "{} was changed meanwhile (version {current}, you edited {expected})",
                $what
            )));
        }
        current + 1
    }};
}
pub(crate) use next_version;

/// Imports a file, all or nothing, in one write transaction `$tx`: the
/// changes `$resolve` tells from the file and what is stored (read in
/// `$tx`) are written by `$write` (`$ch` the changes), with their audit
/// entries at `$at`, and their report is the call's; or, when the file
/// has rows in error, those are, and nothing is written.
macro_rules! write_import {
    ($store:expr, $at:expr, |$tx:ident| $resolve:expr, |$ch:ident| $write:expr $(,)?) => {{
        let done = $crate::db::on_db!($store.db(), pool => {
            let mut $tx = $crate::db::BeginWrite::begin_write(pool).await?;
            let $ch = match $resolve {
                Ok(changes) => changes,
                Err(rows) => return Ok(Err(rows)),
            };
            $write;
            $crate::store::append_audit_rows!($tx, $at, &$ch.audit);
            $tx.commit().await?;
            Ok(Ok($ch.report))
        })?;
        done.map_err(distans_core::kernel::csv::ImportError::Rows)
    }};
}
pub(crate) use write_import;

/// Runs one statement with its parameters in a write transaction with the
/// unit of work `$work`: `true`, and the work written, when it changed a
/// row; `false`, and nothing written, when it found none (gone, or another
/// worker got there first).
macro_rules! write_if_changed {
    ($store:expr, $work:expr, $sql:expr $(, $param:expr)* $(,)?) => {
        $crate::store::write_work!($store, $work, |tx| {
            let n = sqlx::query($sql)$(.bind($param))*.execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                return Ok(false);
            }
            true
        })
    };
}
pub(crate) use write_if_changed;
