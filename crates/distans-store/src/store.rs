//! The store itself: the database every slice's port runs on, and what
//! the slices share — a unit of work written in one transaction with its
//! notices and audit entries, the audit chain, names in Swedish order, and
//! the pieces of queries that lists repeat.

use sqlx::QueryBuilder;

use distans_core::kernel::{Page, Paging, PersonRef};
use distans_core::CoreResult;

use crate::db::{Db, StoreConfig};
use crate::error::{StoreError, StoreResult};

/// Rows per multi-row INSERT: well under both engines' parameter limits.
pub(crate) const BATCH: usize = 400;

/// The store: a database and how it was reached.
#[derive(Clone, Debug)]
pub struct SqlStore {
    db: Db,
    url: String,
}

impl SqlStore {
    /// Opens and migrates the database.
    pub async fn open(cfg: &StoreConfig) -> CoreResult<SqlStore> {
        let db = Db::connect(cfg).await?;
        db.migrate().await?;
        Ok(SqlStore {
            db,
            url: cfg.url.clone(),
        })
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The URL the database was opened with (for `pg_dump`).
    pub(crate) fn url(&self) -> &str {
        &self.url
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
        id,
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

/// Appends `(column below one of the paths)`, false for no paths: a unit
/// is below another when its path starts with the other's, that is when it
/// lies in `[path, path~)`.
pub(crate) fn push_below<'a, DB>(q: &mut QueryBuilder<'a, DB>, column: &str, paths: &[String])
where
    DB: sqlx::Database,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    q.push("(1 = 0");
    for path in paths {
        q.push(format!(" OR ({column} >= ")).push_bind(path.clone());
        q.push(format!(" AND {column} < "))
            .push_bind(format!("{path}~"));
        q.push(")");
    }
    q.push(")");
}

/// Appends `(a, b, …)` of the values, for `IN`.
pub(crate) fn push_list<'a, DB, T>(
    q: &mut QueryBuilder<'a, DB>,
    values: impl IntoIterator<Item = T>,
) where
    DB: sqlx::Database,
    T: 'a + sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    q.push("(");
    let mut sep = q.separated(", ");
    for v in values {
        sep.push_bind(v);
    }
    sep.push_unseparated(")");
}

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

/// Reads a page of a list inside an `on_db!` body: counts the rows of
/// `$count` and reads `$row`s with `$select`, both followed by what
/// `$filter` appends, in the order `$order`.
macro_rules! read_page {
    ($pool:expr, $row:ty, $count:expr, $select:expr, $filter:expr, $order:expr, $paging:expr) => {{
        let filter = $filter;
        let paging: distans_core::kernel::Paging = $paging;
        let mut q = sqlx::QueryBuilder::new($count);
        filter(&mut q);
        let (total,): (i64,) = q.build_query_as().fetch_one($pool).await?;
        let mut q = sqlx::QueryBuilder::new($select);
        filter(&mut q);
        q.push(" ORDER BY ").push($order);
        q.push(" LIMIT ").push_bind(paging.limit);
        q.push(" OFFSET ").push_bind(paging.offset);
        let rows: Vec<$row> = q.build_query_as().fetch_all($pool).await?;
        $crate::store::page(rows, total, paging)
    }};
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
            let mut rows = Vec::with_capacity(entries.len());
            for (i, e) in entries.iter().enumerate() {
                let seq = start + 1 + i as i64;
                let hash = distans_core::audit::rules::entry_hash(&prev, seq, at, e);
                rows.push((seq, std::mem::replace(&mut prev, hash.clone()), hash, e));
            }
            for chunk in rows.chunks(200) {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO audit_log (seq, at, actor_id, actor, action, entity, entity_id, before, after, prev_hash, hash) ",
                );
                qb.push_values(chunk, |mut b, (seq, prev, hash, e)| {
                    b.push_bind(*seq)
                        .push_bind(at)
                        .push_bind(e.actor_id)
                        .push_bind(e.actor.clone())
                        .push_bind(e.action.clone())
                        .push_bind(e.entity.clone())
                        .push_bind(e.entity_id.clone())
                        .push_bind(e.before.clone().map(sqlx::types::Json))
                        .push_bind(e.after.clone().map(sqlx::types::Json))
                        .push_bind(prev.clone())
                        .push_bind(hash.clone());
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
