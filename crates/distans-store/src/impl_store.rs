//! `Store` for [`Db`]: every method written once, for both engines.

use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::QueryBuilder;
use time::OffsetDateTime;
use uuid::Uuid;

use distans_core::agreements::Agreement;
use distans_core::audit::AuditEntry;
use distans_core::audit::AuditFilter;
use distans_core::cases::{RemoteRequest, RequestEvent, RequestFilter};
use distans_core::identity::ApiToken;
use distans_core::kernel::csv::ImportError;
use distans_core::kernel::Work;
use distans_core::kernel::{Actor, ManagedUnit, Page, Paging, PersonRef, Role, UnitRef};
use distans_core::org::rules::resolve;
use distans_core::org::{ImportReport, OrgData, Snapshot};
use distans_core::org::{
    OrgCounts, PeopleFilter, PersonRecord, PersonSummary, UnitDetail, UnitSummary,
};
use distans_core::policy::{PolicyRules, PolicyVersion};
use distans_core::temporary::TemporaryDecision;
use distans_core::CoreError;
use distans_core::CoreResult;
use time::Date;

use crate::db::{Db, StoreConfig};
use crate::rows::*;
use crate::{db_err, on_db_old as on_db};

/// Rows per multi-row INSERT: well under both engines' parameter limits.
const BATCH: usize = 400;

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

fn like_escape(s: &str) -> String {
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

/// The upper end of a path range: every path below `p` is in `[p, p~)`.
fn path_end(p: &str) -> String {
    format!("{p}~")
}

/// Transactions that write: `BEGIN IMMEDIATE` on SQLite so that writers
/// queue at the start instead of failing at their first write.
pub(crate) trait BeginWrite {
    type Db: sqlx::Database;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>;
}

impl BeginWrite for sqlx::SqlitePool {
    type Db = sqlx::Sqlite;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl BeginWrite for sqlx::PgPool {
    type Db = sqlx::Postgres;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.begin().await
    }
}

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
            .await
            .map_err($crate::db_err)?;
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
                qb.build().execute(&mut *$tx).await.map_err($crate::db_err)?;
            }
            sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
                .bind(&prev)
                .execute(&mut *$tx)
                .await
                .map_err($crate::db_err)?;
        }
    }};
}
pub(crate) use append_audit_rows;

fn role_of(s: &str) -> Option<Role> {
    Role::parse_granted(s).ok()
}

#[async_trait]
impl distans_core::store::SystemPort for SqlStore {
    fn engine(&self) -> &'static str {
        self.db.engine()
    }

    async fn ping(&self) -> CoreResult<()> {
        on_db!(&self.db, p => sqlx::query("SELECT 1").execute(p).await.map(|_| ()).map_err(db_err))
    }

    async fn backup(&self, dest: &str) -> CoreResult<()> {
        if std::path::Path::new(dest).exists() {
            return Err(CoreError::invalid(
                "FILE",
                format!("{dest} already exists; choose a new file"),
            ));
        }
        match &self.db {
            Db::Sqlite(p) => {
                // VACUUM INTO writes a consistent snapshot while others keep working.
                sqlx::query("VACUUM INTO $1")
                    .bind(dest)
                    .execute(p)
                    .await
                    .map(|_| ())
                    .map_err(db_err)
            }
            Db::Postgres(_) => {
                let out = tokio::process::Command::new("pg_dump")
                    .arg("--format=custom")
                    .arg("--no-owner")
                    .arg("--file")
                    .arg(dest)
                    .arg("--dbname")
                    .arg(&self.url)
                    .output()
                    .await
                    .map_err(|e| CoreError::Internal(format!("cannot run pg_dump: {e}")))?;
                if out.status.success() {
                    Ok(())
                } else {
                    Err(CoreError::Internal(format!(
                        "pg_dump failed: {}",
                        String::from_utf8_lossy(&out.stderr).trim()
                    )))
                }
            }
        }
    }
}

#[async_trait]
impl distans_core::store::IdentityPort for SqlStore {
    async fn credentials(&self, username: &str) -> CoreResult<Option<(Uuid, Option<String>)>> {
        let username = username.trim().to_lowercase();
        on_db!(&self.db, p => {
            sqlx::query_as::<_, (Uuid, Option<String>)>(
                "SELECT person_id, password_hash FROM accounts WHERE username = $1",
            )
            .bind(username)
            .fetch_optional(p)
            .await
            .map_err(db_err)
        })
    }

    async fn set_password(&self, username: &str, hash: &str, work: &Work) -> CoreResult<bool> {
        let at = work.at;
        on_db!(&self.db, p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            let n = sqlx::query("UPDATE accounts SET password_hash = $1, updated_at = $2 WHERE username = $3")
                .bind(hash)
                .bind(at)
                .bind(username.trim().to_lowercase())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?
                .rows_affected();
            if n == 0 {
                return Ok(false);
            }
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)?;
            Ok(true)
        })
    }

    async fn actor(&self, person: Uuid) -> CoreResult<Option<Actor>> {
        on_db!(&self.db, p => {
            let row: Option<(Uuid, String, String, Uuid, String)> = sqlx::query_as(
                "SELECT p.id, p.given_name, p.family_name, u.id, u.name FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1",
            )
            .bind(person)
            .fetch_optional(p)
            .await
            .map_err(db_err)?;
            let Some((id, given, family, unit_id, unit_name)) = row else { return Ok(None) };
            let roles: Vec<(String,)> = sqlx::query_as("SELECT role FROM person_roles WHERE person_id = $1")
                .bind(person)
                .fetch_all(p)
                .await
                .map_err(db_err)?;
            let manages: Vec<(Uuid, String, String)> = sqlx::query_as(
                "SELECT id, name, path FROM units WHERE manager_id = $1 ORDER BY path",
            )
            .bind(person)
            .fetch_all(p)
            .await
            .map_err(db_err)?;
            let granted: Vec<Role> = roles.iter().filter_map(|r| role_of(&r.0)).collect();
            Ok(Some(Actor {
                person_id: id,
                name: format!("{given} {family}"),
                unit: UnitRef { id: unit_id, name: unit_name },
                roles: Actor::build_roles(&granted, !manages.is_empty()),
                manages: manages
                    .into_iter()
                    .map(|(id, name, path)| ManagedUnit { id, name, path })
                    .collect(),
            }))
        })
    }

    async fn create_token(
        &self,
        person: Uuid,
        t: &ApiToken,
        token_hash: &str,
        work: &Work,
    ) -> CoreResult<()> {
        on_db!(&self.db, p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            sqlx::query(
                "INSERT INTO api_tokens (id, person_id, name, token_hash, created_at, last_used_at, expires_at, revoked_at)
                 VALUES ($1, $2, $3, $4, $5, NULL, $6, NULL)",
            )
            .bind(t.id)
            .bind(person)
            .bind(&t.name)
            .bind(token_hash)
            .bind(t.created_at)
            .bind(t.expires_at)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            append_audit_rows!(tx, t.created_at, &work.audit);
            tx.commit().await.map_err(db_err)
        })
    }

    async fn tokens(&self, person: Uuid) -> CoreResult<Vec<ApiToken>> {
        let rows: Vec<TokenRow> = on_db!(&self.db, p => {
            sqlx::query_as(
                "SELECT id, name, created_at, last_used_at, expires_at FROM api_tokens
                 WHERE person_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 100",
            )
            .bind(person)
            .fetch_all(p)
            .await
            .map_err(db_err)?
        });
        Ok(rows
            .into_iter()
            .map(|r| ApiToken {
                id: r.id,
                name: r.name,
                created_at: r.created_at,
                last_used_at: r.last_used_at,
                expires_at: r.expires_at,
            })
            .collect())
    }

    async fn revoke_token(&self, person: Uuid, id: Uuid, work: &Work) -> CoreResult<bool> {
        let at = work.at;
        on_db!(&self.db, p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            let n = sqlx::query(
                "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND person_id = $3 AND revoked_at IS NULL",
            )
            .bind(at)
            .bind(id)
            .bind(person)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
            if n == 0 {
                return Ok(false);
            }
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)?;
            Ok(true)
        })
    }

    async fn person_by_token(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> CoreResult<Option<Uuid>> {
        on_db!(&self.db, p => {
            let row: Option<(Uuid, Uuid, Option<OffsetDateTime>, Option<OffsetDateTime>, Option<OffsetDateTime>)> =
                sqlx::query_as(
                    "SELECT id, person_id, expires_at, revoked_at, last_used_at FROM api_tokens WHERE token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(p)
                .await
                .map_err(db_err)?;
            let Some((id, person, expires, revoked, last_used)) = row else { return Ok(None) };
            if revoked.is_some() || expires.is_some_and(|e| e <= now) {
                return Ok(None);
            }
            // Record use at most once a minute, not on every request.
            if last_used.is_none_or(|l| now - l > time::Duration::minutes(1)) {
                sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(id)
                    .execute(p)
                    .await
                    .map_err(db_err)?;
            }
            Ok(Some(person))
        })
    }

    async fn session_load(&self, id: &str, now: OffsetDateTime) -> CoreResult<Option<Vec<u8>>> {
        let row: Option<(Vec<u8>, OffsetDateTime)> = on_db!(&self.db, p => {
            sqlx::query_as("SELECT data, expiry_date FROM sessions WHERE id = $1")
                .bind(id)
                .fetch_optional(p)
                .await
                .map_err(db_err)?
        });
        Ok(row.filter(|(_, exp)| *exp > now).map(|(d, _)| d))
    }

    async fn session_create(
        &self,
        id: &str,
        data: &[u8],
        expiry: OffsetDateTime,
    ) -> CoreResult<bool> {
        on_db!(&self.db, p => {
            let n = sqlx::query("INSERT INTO sessions (id, data, expiry_date) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING")
                .bind(id)
                .bind(data)
                .bind(expiry)
                .execute(p)
                .await
                .map_err(db_err)?
                .rows_affected();
            Ok(n == 1)
        })
    }

    async fn session_save(&self, id: &str, data: &[u8], expiry: OffsetDateTime) -> CoreResult<()> {
        on_db!(&self.db, p => {
            sqlx::query(
                "INSERT INTO sessions (id, data, expiry_date) VALUES ($1, $2, $3)
                 ON CONFLICT (id) DO UPDATE SET data = excluded.data, expiry_date = excluded.expiry_date",
            )
            .bind(id)
            .bind(data)
            .bind(expiry)
            .execute(p)
            .await
            .map(|_| ())
            .map_err(db_err)
        })
    }

    async fn session_delete(&self, id: &str) -> CoreResult<()> {
        on_db!(&self.db, p => {
            sqlx::query("DELETE FROM sessions WHERE id = $1").bind(id).execute(p).await.map(|_| ()).map_err(db_err)
        })
    }

    async fn sessions_purge(&self, now: OffsetDateTime) -> CoreResult<u64> {
        on_db!(&self.db, p => {
            sqlx::query("DELETE FROM sessions WHERE expiry_date < $1")
                .bind(now)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
                .map_err(db_err)
        })
    }
}

#[async_trait]
impl distans_core::store::OrgPort for SqlStore {
    async fn analyze(&self) -> CoreResult<()> {
        on_db!(&self.db, p => sqlx::query("ANALYZE").execute(p).await.map(|_| ()).map_err(db_err))
    }

    async fn units(
        &self,
        under: Option<Uuid>,
        max_depth: Option<i64>,
        paging: Paging,
    ) -> CoreResult<Page<UnitSummary>> {
        on_db!(&self.db, p => {
            let under_path: Option<String> = match under {
                Some(u) => sqlx::query_as::<_, (String,)>("SELECT path FROM units WHERE id = $1")
                    .bind(u)
                    .fetch_optional(p)
                    .await
                    .map_err(db_err)?
                    .map(|r| r.0),
                None => None,
            };
            let filter = |qb: &mut QueryBuilder<'_, _>| {
                qb.push(" WHERE 1 = 1");
                if let Some(path) = &under_path {
                    qb.push(" AND u.path >= ").push_bind(path.clone());
                    qb.push(" AND u.path < ").push_bind(path_end(path));
                }
                if let Some(d) = max_depth {
                    qb.push(" AND u.depth <= ").push_bind(d);
                }
            };
            let mut count = QueryBuilder::new("SELECT COUNT(*) FROM units u");
            filter(&mut count);
            let (total,): (i64,) = count.build_query_as().fetch_one(p).await.map_err(db_err)?;
            let mut q = QueryBuilder::new(UNIT_SUMMARY_SELECT);
            filter(&mut q);
            q.push(" ORDER BY u.path LIMIT ").push_bind(paging.limit);
            q.push(" OFFSET ").push_bind(paging.offset);
            let rows: Vec<UnitSummaryRow> = q.build_query_as().fetch_all(p).await.map_err(db_err)?;
            Ok(Page::new(rows.into_iter().map(UnitSummary::from).collect(), total, paging.offset))
        })
    }

    async fn unit(&self, id: Uuid) -> CoreResult<Option<UnitDetail>> {
        on_db!(&self.db, p => {
            let row: Option<UnitSummaryRow> = sqlx::query_as(&format!("{UNIT_SUMMARY_SELECT} WHERE u.id = $1"))
                .bind(id)
                .fetch_optional(p)
                .await
                .map_err(db_err)?;
            let Some(row) = row else { return Ok(None) };
            let path = row.path.clone();
            let site_id = row.site_id;
            let ancestor_ids: Vec<Uuid> = path
                .split('/')
                .filter_map(|s| Uuid::parse_str(s).ok())
                .filter(|a| *a != id)
                .collect();
            let mut ancestors: Vec<UnitRef> = vec![];
            if !ancestor_ids.is_empty() {
                let mut q = QueryBuilder::new("SELECT id, name FROM units WHERE id IN (");
                let mut sep = q.separated(", ");
                for a in &ancestor_ids {
                    sep.push_bind(*a);
                }
                q.push(") ORDER BY depth");
                let rows: Vec<UnitRefRow> = q.build_query_as().fetch_all(p).await.map_err(db_err)?;
                ancestors = rows.into_iter().map(UnitRef::from).collect();
            }
            let children: Vec<UnitSummaryRow> =
                sqlx::query_as(&format!("{UNIT_SUMMARY_SELECT} WHERE u.parent_id = $1 ORDER BY u.name LIMIT 1000"))
                    .bind(id)
                    .fetch_all(p)
                    .await
                    .map_err(db_err)?;
            let site: Option<SiteRow> = match site_id {
                Some(s) => sqlx::query_as("SELECT id, name, address, desks FROM sites WHERE id = $1")
                    .bind(s)
                    .fetch_optional(p)
                    .await
                    .map_err(db_err)?,
                None => None,
            };
            Ok(Some(UnitDetail {
                unit: UnitSummary::from(row),
                ancestors,
                children: children.into_iter().map(UnitSummary::from).collect(),
                site: site.map(Into::into),
                path,
            }))
        })
    }

    async fn people(
        &self,
        which: &PeopleFilter,
        search: Option<&str>,
        paging: Paging,
    ) -> CoreResult<Page<PersonSummary>> {
        on_db!(&self.db, p => {
            let filter = |qb: &mut QueryBuilder<'_, _>| {
                match which {
                    PeopleFilter::All => {
                        qb.push(" WHERE 1 = 1");
                    }
                    PeopleFilter::Unit(unit) => {
                        qb.push(" WHERE p.unit_id = ").push_bind(*unit);
                    }
                    PeopleFilter::Under(paths) => {
                        qb.push(" WHERE (1 = 0");
                        for path in paths {
                            qb.push(" OR (u.path >= ").push_bind(path.clone());
                            qb.push(" AND u.path < ").push_bind(path_end(path));
                            qb.push(")");
                        }
                        qb.push(")");
                    }
                }
                if let Some(s) = search {
                    qb.push(" AND (p.sort_name LIKE ").push_bind(like_escape(s));
                    qb.push(" ESCAPE '\\' OR p.employee_number = ").push_bind(s.to_string());
                    qb.push(")");
                }
            };
            let mut count = QueryBuilder::new("SELECT COUNT(*) FROM people p JOIN units u ON u.id = p.unit_id");
            filter(&mut count);
            let (total,): (i64,) = count.build_query_as().fetch_one(p).await.map_err(db_err)?;
            let mut q = QueryBuilder::new(
                "SELECT p.id, p.given_name, p.family_name, p.employee_number, p.title, p.unit_id, u.name AS unit_name
                 FROM people p JOIN units u ON u.id = p.unit_id",
            );
            filter(&mut q);
            q.push(" ORDER BY p.sort_name, p.id LIMIT ").push_bind(paging.limit);
            q.push(" OFFSET ").push_bind(paging.offset);
            let rows: Vec<PersonSummaryRow> = q.build_query_as().fetch_all(p).await.map_err(db_err)?;
            let mut manages: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
            if !rows.is_empty() {
                let mut q = QueryBuilder::new("SELECT manager_id, id FROM units WHERE manager_id IN (");
                let mut sep = q.separated(", ");
                for r in &rows {
                    sep.push_bind(r.id);
                }
                q.push(")");
                let m: Vec<(Uuid, Uuid)> = q.build_query_as().fetch_all(p).await.map_err(db_err)?;
                for (person, unit) in m {
                    manages.entry(person).or_default().push(unit);
                }
            }
            let items = rows
                .into_iter()
                .map(|r| PersonSummary {
                    manages: manages.remove(&r.id).unwrap_or_default(),
                    id: r.id,
                    name: format!("{} {}", r.given_name, r.family_name),
                    employee_number: r.employee_number,
                    title: r.title,
                    unit: UnitRef { id: r.unit_id, name: r.unit_name },
                })
                .collect();
            Ok(Page::new(items, total, paging.offset))
        })
    }

    async fn person(&self, id: Uuid) -> CoreResult<Option<PersonRecord>> {
        on_db!(&self.db, p => {
            let row: Option<PersonRow> = sqlx::query_as(&format!("{PERSON_SELECT} WHERE p.id = $1"))
                .bind(id)
                .fetch_optional(p)
                .await
                .map_err(db_err)?;
            let Some(row) = row else { return Ok(None) };
            let skills: Vec<(String,)> = sqlx::query_as("SELECT skill FROM person_skills WHERE person_id = $1 ORDER BY skill")
                .bind(id)
                .fetch_all(p)
                .await
                .map_err(db_err)?;
            let roles: Vec<(String,)> = sqlx::query_as("SELECT role FROM person_roles WHERE person_id = $1 ORDER BY role")
                .bind(id)
                .fetch_all(p)
                .await
                .map_err(db_err)?;
            let (unit_name, unit_path): (String, String) = sqlx::query_as("SELECT name, path FROM units WHERE id = $1")
                .bind(row.unit_id)
                .fetch_one(p)
                .await
                .map_err(db_err)?;
            let manages: Vec<UnitRefRow> = sqlx::query_as("SELECT id, name FROM units WHERE manager_id = $1 ORDER BY path")
                .bind(id)
                .fetch_all(p)
                .await
                .map_err(db_err)?;
            // The person's manager: the nearest unit upwards managed by someone else.
            let chain: Vec<Uuid> = unit_path.split('/').filter_map(|s| Uuid::parse_str(s).ok()).collect();
            let mut q = QueryBuilder::new(
                "SELECT u.depth, m.id, m.given_name, m.family_name FROM units u JOIN people m ON m.id = u.manager_id WHERE u.id IN (",
            );
            let mut sep = q.separated(", ");
            for c in &chain {
                sep.push_bind(*c);
            }
            q.push(") AND m.id <> ").push_bind(id);
            q.push(" ORDER BY u.depth DESC LIMIT 1");
            let manager: Option<(i64, Uuid, String, String)> = q.build_query_as().fetch_optional(p).await.map_err(db_err)?;
            let site: Option<SiteRow> = match row.site_id {
                Some(s) => sqlx::query_as("SELECT id, name, address, desks FROM sites WHERE id = $1")
                    .bind(s)
                    .fetch_optional(p)
                    .await
                    .map_err(db_err)?,
                None => None,
            };
            let unit_id = row.unit_id;
            let person = row.into_person(
                skills.into_iter().map(|s| s.0).collect(),
                roles.iter().filter_map(|r| role_of(&r.0)).collect(),
            );
            Ok(Some(PersonRecord {
                person,
                unit: UnitRef { id: unit_id, name: unit_name },
                unit_path,
                manages: manages.into_iter().map(UnitRef::from).collect(),
                manager: manager.map(|(_, id, g, f)| PersonRef { id, name: format!("{g} {f}") }),
                site: site.map(Into::into),
            }))
        })
    }

    async fn counts(&self) -> CoreResult<OrgCounts> {
        on_db!(&self.db, p => {
            let (units, people, sites, desks, accounts, audit_entries): (i64, i64, i64, i64, i64, i64) = sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM units), (SELECT COUNT(*) FROM people), (SELECT COUNT(*) FROM sites),
                        (SELECT CAST(COALESCE(SUM(desks), 0) AS BIGINT) FROM sites), (SELECT COUNT(*) FROM accounts),
                        (SELECT seq FROM audit_head WHERE id = 1)",
            )
            .fetch_one(p)
            .await
            .map_err(db_err)?;
            Ok(OrgCounts { units, people, sites, desks, accounts, audit_entries })
        })
    }

    async fn import_org(
        &self,
        data: &OrgData,
        actor_id: Option<Uuid>,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<ImportReport, ImportError> {
        on_db!(&self.db, p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            // What is stored now.
            let sites: Vec<SiteRow> = sqlx::query_as("SELECT id, name, address, desks FROM sites")
                .fetch_all(&mut *tx).await.map_err(db_err)?;
            let units: Vec<UnitRow> = sqlx::query_as(
                "SELECT id, code, name, kind, parent_id, path, depth, manager_id, site_id FROM units",
            )
            .fetch_all(&mut *tx).await.map_err(db_err)?;
            let people: Vec<PersonRow> = sqlx::query_as(PERSON_SELECT).fetch_all(&mut *tx).await.map_err(db_err)?;
            let skill_rows: Vec<(Uuid, String)> = sqlx::query_as("SELECT person_id, skill FROM person_skills ORDER BY skill")
                .fetch_all(&mut *tx).await.map_err(db_err)?;
            let role_rows: Vec<(Uuid, String)> = sqlx::query_as("SELECT person_id, role FROM person_roles")
                .fetch_all(&mut *tx).await.map_err(db_err)?;
            let mut skills: HashMap<Uuid, Vec<String>> = HashMap::new();
            for (pid, s) in skill_rows {
                skills.entry(pid).or_default().push(s);
            }
            let mut roles: HashMap<Uuid, Vec<Role>> = HashMap::new();
            for (pid, r) in role_rows {
                if let Some(r) = role_of(&r) {
                    roles.entry(pid).or_default().push(r);
                }
            }
            let snap = Snapshot {
                sites: sites.into_iter().map(Into::into).collect(),
                units: units.into_iter().map(Into::into).collect(),
                people: people
                    .into_iter()
                    .map(|r| {
                        let id = r.id;
                        let mut rs = roles.remove(&id).unwrap_or_default();
                        rs.sort();
                        r.into_person(skills.remove(&id).unwrap_or_default(), rs)
                    })
                    .collect(),
            };
            let ch = resolve(&snap, data, actor_id, actor, &mut Uuid::now_v7).map_err(ImportError::Rows)?;

            for chunk in ch.sites.chunks(BATCH) {
                let mut q = QueryBuilder::new("INSERT INTO sites (id, name, address, desks) ");
                q.push_values(chunk, |mut b, s| {
                    b.push_bind(s.id).push_bind(s.name.clone()).push_bind(s.address.clone()).push_bind(s.desks);
                });
                q.push(" ON CONFLICT (id) DO UPDATE SET name = excluded.name, address = excluded.address, desks = excluded.desks, version = sites.version + 1");
                q.build().execute(&mut *tx).await.map_err(db_err)?;
            }
            for chunk in ch.units.chunks(BATCH) {
                let mut q = QueryBuilder::new("INSERT INTO units (id, code, name, kind, parent_id, path, depth, site_id) ");
                q.push_values(chunk, |mut b, u| {
                    b.push_bind(u.id)
                        .push_bind(u.code.clone())
                        .push_bind(u.name.clone())
                        .push_bind(u.kind.as_str())
                        .push_bind(u.parent_id)
                        .push_bind(u.path.clone())
                        .push_bind(u.depth)
                        .push_bind(u.site_id);
                });
                q.push(" ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name, kind = excluded.kind,
                    parent_id = excluded.parent_id, path = excluded.path, depth = excluded.depth, site_id = excluded.site_id,
                    version = units.version + 1");
                q.build().execute(&mut *tx).await.map_err(db_err)?;
            }
            for chunk in ch.people.chunks(BATCH / 2) {
                let mut q = QueryBuilder::new(
                    "INSERT INTO people (id, employee_number, given_name, family_name, email, title, unit_id, site_id,
                     commute_km, commute_mode, sort_name, version, created_at, updated_at) ",
                );
                q.push_values(chunk, |mut b, x| {
                    b.push_bind(x.id)
                        .push_bind(x.employee_number.clone())
                        .push_bind(x.given_name.clone())
                        .push_bind(x.family_name.clone())
                        .push_bind(x.email.clone())
                        .push_bind(x.title.clone())
                        .push_bind(x.unit_id)
                        .push_bind(x.site_id)
                        .push_bind(x.commute_km)
                        .push_bind(x.commute_mode.map(|m| m.as_str()))
                        .push_bind(sort_key(&format!("{} {}", x.family_name, x.given_name)))
                        .push_bind(x.version)
                        .push_bind(at)
                        .push_bind(at);
                });
                q.push(" ON CONFLICT (id) DO UPDATE SET given_name = excluded.given_name, family_name = excluded.family_name,
                    email = excluded.email, title = excluded.title, unit_id = excluded.unit_id, site_id = excluded.site_id,
                    commute_km = excluded.commute_km, commute_mode = excluded.commute_mode, sort_name = excluded.sort_name,
                    version = excluded.version, updated_at = excluded.updated_at");
                q.build().execute(&mut *tx).await.map_err(db_err)?;

                // Skills and roles: replace those of the people in this chunk.
                for table in ["person_skills", "person_roles"] {
                    let mut q = QueryBuilder::new(format!("DELETE FROM {table} WHERE person_id IN ("));
                    let mut sep = q.separated(", ");
                    for x in chunk {
                        sep.push_bind(x.id);
                    }
                    q.push(")");
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
                let skills: Vec<(Uuid, &str)> = chunk
                    .iter()
                    .flat_map(|x| x.skills.iter().map(move |s| (x.id, s.as_str())))
                    .collect();
                for sc in skills.chunks(BATCH) {
                    let mut q = QueryBuilder::new("INSERT INTO person_skills (person_id, skill) ");
                    q.push_values(sc, |mut b, (id, s)| {
                        b.push_bind(*id).push_bind(s.to_string());
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
                let roles: Vec<(Uuid, &str)> = chunk
                    .iter()
                    .flat_map(|x| x.granted_roles.iter().map(move |r| (x.id, r.as_str())))
                    .collect();
                if !roles.is_empty() {
                    let mut q = QueryBuilder::new("INSERT INTO person_roles (person_id, role) ");
                    q.push_values(&roles, |mut b, (id, r)| {
                        b.push_bind(*id).push_bind(r.to_string());
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
                let accounts: Vec<(Uuid, &str)> = chunk
                    .iter()
                    .filter_map(|x| x.username.as_deref().map(|u| (x.id, u)))
                    .collect();
                if !accounts.is_empty() {
                    let mut q = QueryBuilder::new("INSERT INTO accounts (person_id, username, password_hash, updated_at) ");
                    q.push_values(&accounts, |mut b, (id, u)| {
                        b.push_bind(*id).push_bind(u.to_string()).push_bind(None::<String>).push_bind(at);
                    });
                    q.push(" ON CONFLICT (person_id) DO UPDATE SET username = excluded.username, updated_at = excluded.updated_at");
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
            }
            for (unit, manager) in &ch.managers {
                sqlx::query("UPDATE units SET manager_id = $1, version = version + 1 WHERE id = $2")
                    .bind(*manager)
                    .bind(*unit)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
            append_audit_rows!(tx, at, &ch.audit);
            tx.commit().await.map_err(db_err)?;
            Ok(ch.report)
        })
    }

    async fn sites(&self) -> CoreResult<Vec<distans_core::org::Site>> {
        self.sites_impl().await
    }

    async fn people_with_role(&self, role: &str) -> CoreResult<Vec<(PersonRef, Option<String>)>> {
        self.people_with_role_impl(role).await
    }

    async fn known_skills(&self, limit: i64) -> CoreResult<Vec<String>> {
        self.known_skills_impl(limit).await
    }

    async fn employee_ids(&self) -> CoreResult<Vec<(String, Uuid)>> {
        self.employee_ids_impl().await
    }
}

#[async_trait]
impl distans_core::store::AuditPort for SqlStore {
    async fn audit(&self, filter: &AuditFilter, paging: Paging) -> CoreResult<Page<AuditEntry>> {
        on_db!(&self.db, p => {
            let apply = |qb: &mut QueryBuilder<'_, _>| {
                qb.push(" WHERE 1 = 1");
                if let Some(e) = &filter.entity {
                    qb.push(" AND entity = ").push_bind(e.clone());
                }
                if let Some(e) = &filter.entity_id {
                    qb.push(" AND entity_id = ").push_bind(e.clone());
                }
                if let Some(f) = filter.from {
                    qb.push(" AND at >= ").push_bind(f);
                }
            };
            let mut count = QueryBuilder::new("SELECT COUNT(*) FROM audit_log");
            apply(&mut count);
            let (total,): (i64,) = count.build_query_as().fetch_one(p).await.map_err(db_err)?;
            let mut q = QueryBuilder::new(
                "SELECT seq, at, actor_id, actor, action, entity, entity_id, before, after, prev_hash, hash FROM audit_log",
            );
            apply(&mut q);
            q.push(" ORDER BY seq DESC LIMIT ").push_bind(paging.limit);
            q.push(" OFFSET ").push_bind(paging.offset);
            let rows: Vec<AuditRow> = q.build_query_as().fetch_all(p).await.map_err(db_err)?;
            Ok(Page::new(rows.into_iter().map(AuditEntry::from).collect(), total, paging.offset))
        })
    }

    async fn audit_after(&self, after: i64, limit: i64) -> CoreResult<Vec<AuditEntry>> {
        let rows: Vec<AuditRow> = on_db!(&self.db, p => {
            sqlx::query_as(
                "SELECT seq, at, actor_id, actor, action, entity, entity_id, before, after, prev_hash, hash
                 FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(after)
            .bind(limit)
            .fetch_all(p)
            .await
            .map_err(db_err)?
        });
        Ok(rows.into_iter().map(AuditEntry::from).collect())
    }

    async fn audit_head(&self) -> CoreResult<(i64, String)> {
        on_db!(&self.db, p => {
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_one(p)
                .await
                .map_err(db_err)
        })
    }

    async fn append_audit(&self, work: &Work) -> CoreResult<()> {
        self.append_audit_impl(work).await
    }
}

#[async_trait]
impl distans_core::store::PolicyPort for SqlStore {
    async fn policy_versions(&self) -> CoreResult<Vec<PolicyVersion>> {
        self.policy_versions_impl().await
    }

    async fn policy_on(&self, day: Date) -> CoreResult<Option<PolicyVersion>> {
        self.policy_on_impl(day).await
    }

    async fn add_policy_version(
        &self,
        rules: &PolicyRules,
        valid_from: Date,
        created_by: &str,
        work: &Work,
    ) -> CoreResult<PolicyVersion> {
        self.add_policy_version_impl(rules, valid_from, created_by, work)
            .await
    }
}

#[async_trait]
impl distans_core::store::CasesPort for SqlStore {
    async fn busy_periods(
        &self,
        person: Uuid,
        today: Date,
        skip: Option<Uuid>,
    ) -> CoreResult<Vec<(Date, Option<Date>)>> {
        self.busy_periods_impl(person, today, skip).await
    }

    async fn insert_request(&self, r: &RemoteRequest, work: &Work) -> CoreResult<()> {
        self.insert_request_impl(r, work).await
    }

    async fn request(&self, id: Uuid) -> CoreResult<Option<RemoteRequest>> {
        self.request_impl(id).await
    }

    async fn requests(
        &self,
        filter: &RequestFilter,
        paging: Paging,
    ) -> CoreResult<Page<RemoteRequest>> {
        self.requests_impl(filter, paging).await
    }

    async fn update_request(
        &self,
        r: &RemoteRequest,
        expected: i64,
        event: &RequestEvent,
        agreement: Option<&Agreement>,
        work: &Work,
    ) -> CoreResult<()> {
        self.update_request_impl(r, expected, event, agreement, work)
            .await
    }
}

#[async_trait]
impl distans_core::store::AgreementsPort for SqlStore {
    async fn agreement_template(&self) -> CoreResult<Option<(i64, String)>> {
        self.agreement_template_impl().await
    }

    async fn set_agreement_template(
        &self,
        text: &str,
        expected: i64,
        created_by: &str,
        work: &Work,
    ) -> CoreResult<i64> {
        self.set_agreement_template_impl(text, expected, created_by, work)
            .await
    }

    async fn agreement(&self, id: Uuid) -> CoreResult<Option<Agreement>> {
        self.agreement_impl(id).await
    }

    async fn agreements_of(&self, person: Uuid) -> CoreResult<Vec<Agreement>> {
        self.agreements_of_impl(person).await
    }

    async fn agreements_drafted_by(&self, person: Uuid) -> CoreResult<Vec<Agreement>> {
        self.agreements_drafted_by_impl(person).await
    }

    async fn agreements_to_sign_as_decider(&self, person: Uuid) -> CoreResult<Vec<Agreement>> {
        self.agreements_to_sign_impl(person).await
    }

    async fn update_agreement(&self, a: &Agreement, expected: i64, work: &Work) -> CoreResult<()> {
        self.update_agreement_impl(a, expected, work).await
    }

    async fn agreements_ending(&self, until: Date, limit: i64) -> CoreResult<Vec<Agreement>> {
        self.agreements_ending_impl(until, limit).await
    }

    async fn mark_agreement_ending_notified(&self, id: Uuid, work: &Work) -> CoreResult<bool> {
        self.mark_agreement_ending_notified_impl(id, work).await
    }

    async fn update_agreement_scheduling(
        &self,
        a: &Agreement,
        expected: i64,
        schedule: &distans_core::followup::FollowUpSchedule,
        work: &Work,
    ) -> CoreResult<()> {
        self.update_agreement_scheduling_impl(a, expected, work, schedule)
            .await
    }
}

#[async_trait]
impl distans_core::store::TemporaryPort for SqlStore {
    async fn insert_temporary_decision(
        &self,
        d: &TemporaryDecision,
        work: &Work,
    ) -> CoreResult<()> {
        self.insert_temporary_decision_impl(d, work).await
    }

    async fn temporary_decisions(
        &self,
        on: Option<Date>,
        paging: Paging,
    ) -> CoreResult<Page<TemporaryDecision>> {
        self.temporary_decisions_impl(on, paging).await
    }
}

#[async_trait]
impl distans_core::store::OccasionalPort for SqlStore {
    async fn set_occasional(
        &self,
        person: Uuid,
        day: Date,
        value: Option<distans_core::plan::Occasional>,
        by: Uuid,
        work: &Work,
    ) -> CoreResult<()> {
        self.set_occasional_impl(person, day, value, by, work).await
    }
}

#[async_trait]
impl distans_core::store::PlanPort for SqlStore {
    async fn plan_rules(
        &self,
        people: &[Uuid],
        from: Date,
        to: Date,
    ) -> CoreResult<HashMap<Uuid, distans_core::plan::PersonRules>> {
        self.plan_rules_impl(people, from, to).await
    }

    async fn site_plan_rules(
        &self,
        site: Option<Uuid>,
        from: Date,
        to: Date,
    ) -> CoreResult<distans_core::plan::SitePeople> {
        self.site_plan_rules_impl(site, from, to).await
    }
}

#[async_trait]
impl distans_core::store::WorkdaysPort for SqlStore {
    async fn closed_days(&self, from: Date, to: Date) -> CoreResult<Vec<Date>> {
        self.closed_days_impl(from, to).await
    }

    async fn closed_days_named(&self, from: Date, to: Date) -> CoreResult<Vec<(Date, String)>> {
        self.closed_days_named_impl(from, to).await
    }

    async fn insert_closed_day(&self, day: Date, name: &str, work: &Work) -> CoreResult<()> {
        self.insert_closed_day_impl(day, name, work).await
    }

    async fn delete_closed_day(&self, day: Date, work: &Work) -> CoreResult<bool> {
        self.delete_closed_day_impl(day, work).await
    }
}

#[async_trait]
impl distans_core::store::CoveragePort for SqlStore {
    async fn coverage_rules(
        &self,
        units: &[Uuid],
    ) -> CoreResult<Vec<distans_core::coverage::CoverageRule>> {
        self.coverage_rules_impl(units).await
    }

    async fn coverage_rule(
        &self,
        id: Uuid,
    ) -> CoreResult<Option<distans_core::coverage::CoverageRule>> {
        self.coverage_rule_impl(id).await
    }

    async fn save_coverage_rule(
        &self,
        rule: &distans_core::coverage::CoverageRule,
        expected_version: Option<i64>,
        work: &Work,
    ) -> CoreResult<()> {
        self.save_coverage_rule_impl(rule, expected_version, work)
            .await
    }

    async fn insert_coverage_rules(
        &self,
        rules: &[distans_core::coverage::CoverageRule],
        work: &Work,
    ) -> CoreResult<()> {
        self.insert_coverage_rules_impl(rules, work).await
    }

    async fn delete_coverage_rule(
        &self,
        id: Uuid,
        expected_version: Option<i64>,
        work: &Work,
    ) -> CoreResult<()> {
        self.delete_coverage_rule_impl(id, expected_version, work)
            .await
    }

    async fn members_under(
        &self,
        unit_path: &str,
        limit: i64,
    ) -> CoreResult<Vec<distans_core::coverage::Member>> {
        self.members_under_impl(unit_path, limit).await
    }
}

#[async_trait]
impl distans_core::store::RotationPort for SqlStore {
    async fn publish_rotation(
        &self,
        id: Uuid,
        unit: Uuid,
        first: Date,
        last: Date,
        cost: i64,
        days: &[(Uuid, Date, distans_core::plan::DayState)],
        by: Uuid,
        work: &Work,
    ) -> CoreResult<()> {
        self.publish_rotation_impl(id, unit, first, last, cost, days, by, work)
            .await
    }

    async fn insert_planner_job(
        &self,
        job: &distans_core::rotation::PlannerJobRow,
        max_running: i64,
        fresh_after: OffsetDateTime,
        purge_before: OffsetDateTime,
    ) -> CoreResult<()> {
        self.insert_planner_job_impl(job, max_running, fresh_after, purge_before)
            .await
    }

    async fn planner_job(
        &self,
        id: Uuid,
    ) -> CoreResult<Option<distans_core::rotation::PlannerJobRow>> {
        self.planner_job_impl(id).await
    }

    async fn planner_job_progress(
        &self,
        id: Uuid,
        done: i64,
        total: i64,
        best_cost: Option<i64>,
        at: OffsetDateTime,
    ) -> CoreResult<bool> {
        self.planner_job_progress_impl(id, done, total, best_cost, at)
            .await
    }

    async fn planner_job_finish(
        &self,
        id: Uuid,
        result: &str,
        elapsed_ms: i64,
        at: OffsetDateTime,
    ) -> CoreResult<()> {
        self.planner_job_finish_impl(id, result, elapsed_ms, at)
            .await
    }

    async fn planner_job_cancel(&self, id: Uuid) -> CoreResult<()> {
        self.planner_job_cancel_impl(id).await
    }

    async fn planner_job_published(&self, id: Uuid, rotation: Uuid) -> CoreResult<()> {
        self.planner_job_published_impl(id, rotation).await
    }
}

#[async_trait]
impl distans_core::store::AbsencesPort for SqlStore {
    async fn absences(
        &self,
        person: Uuid,
        from: Date,
        to: Date,
    ) -> CoreResult<Vec<distans_core::absences::Absence>> {
        self.absences_impl(person, from, to).await
    }

    async fn absence(&self, id: Uuid) -> CoreResult<Option<distans_core::absences::Absence>> {
        self.absence_impl(id).await
    }

    async fn insert_absence(
        &self,
        a: &distans_core::absences::Absence,
        by: Option<Uuid>,
        work: &Work,
    ) -> CoreResult<()> {
        self.insert_absence_impl(a, by, work).await
    }

    async fn delete_absence(&self, id: Uuid, work: &Work) -> CoreResult<bool> {
        self.delete_absence_impl(id, work).await
    }

    async fn import_absences(
        &self,
        rows: &[distans_core::absences::AbsenceRow],
        actor_id: Option<Uuid>,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<distans_core::absences::AbsenceImportReport, ImportError> {
        self.import_absences_impl(rows, actor_id, actor, at).await
    }
}

#[async_trait]
impl distans_core::store::FeedPort for SqlStore {
    async fn calendar_feed_secret(&self, person: Uuid) -> CoreResult<Option<String>> {
        self.calendar_feed_secret_impl(person).await
    }

    async fn create_calendar_feed(
        &self,
        person: Uuid,
        secret: &str,
        work: &Work,
    ) -> CoreResult<String> {
        self.create_calendar_feed_impl(person, secret, work).await
    }

    async fn replace_calendar_feed(
        &self,
        person: Uuid,
        secret: &str,
        work: &Work,
    ) -> CoreResult<()> {
        self.replace_calendar_feed_impl(person, secret, work).await
    }

    async fn delete_calendar_feed(&self, person: Uuid, work: &Work) -> CoreResult<bool> {
        self.delete_calendar_feed_impl(person, work).await
    }

    async fn person_by_calendar_secret(&self, secret: &str) -> CoreResult<Option<Uuid>> {
        self.person_by_calendar_secret_impl(secret).await
    }
}

#[async_trait]
impl distans_core::store::DemoPort for SqlStore {
    async fn insert_demo_plan(
        &self,
        plan: &distans_core::demo::DemoPlan,
        work: &Work,
    ) -> CoreResult<bool> {
        self.insert_demo_plan_impl(plan, work).await
    }

    async fn agreements_without_followups(&self, limit: i64) -> CoreResult<Vec<Agreement>> {
        self.agreements_without_followups_impl(limit).await
    }
}

#[async_trait]
impl distans_core::store::EquipmentPort for SqlStore {
    async fn agreement_for_loans(&self, id: Uuid) -> CoreResult<Option<Agreement>> {
        distans_core::store::AgreementsPort::agreement(self, id).await
    }

    async fn agreements_for_loans(&self, person: Uuid) -> CoreResult<Vec<Agreement>> {
        distans_core::store::AgreementsPort::agreements_of(self, person).await
    }

    // Equipment and redeployment.
    async fn equipment_items(
        &self,
        filter: &distans_core::equipment::ItemFilter,
        paging: Paging,
    ) -> CoreResult<Page<distans_core::equipment::Item>> {
        self.equipment_items_impl(filter, paging).await
    }

    async fn equipment_item(&self, id: Uuid) -> CoreResult<Option<distans_core::equipment::Item>> {
        self.equipment_item_impl(id).await
    }

    async fn equipment_item_by_identifier(
        &self,
        identifier: &str,
    ) -> CoreResult<Option<distans_core::equipment::Item>> {
        self.equipment_item_by_identifier_impl(identifier).await
    }

    async fn insert_equipment_item(
        &self,
        item: &distans_core::equipment::Item,
        work: &Work,
    ) -> CoreResult<()> {
        self.insert_equipment_item_impl(item, work).await
    }

    async fn update_equipment_item(
        &self,
        item: &distans_core::equipment::Item,
        expected_version: i64,
        work: &Work,
    ) -> CoreResult<()> {
        self.update_equipment_item_impl(item, expected_version, work)
            .await
    }

    async fn insert_loan(
        &self,
        loan: &distans_core::equipment::NewLoan,
        work: &Work,
    ) -> CoreResult<()> {
        self.insert_loan_impl(loan, work).await
    }

    async fn loan(&self, id: Uuid) -> CoreResult<Option<distans_core::equipment::Loan>> {
        self.loan_impl(id).await
    }

    async fn return_loan(
        &self,
        id: Uuid,
        expected_version: i64,
        by: Uuid,
        item_state: distans_core::equipment::ItemState,
        work: &Work,
    ) -> CoreResult<()> {
        self.return_loan_impl(id, expected_version, by, item_state, work)
            .await
    }

    async fn loans(
        &self,
        scope: &distans_core::equipment::LoanScope,
        open_only: bool,
        paging: Paging,
    ) -> CoreResult<Page<distans_core::equipment::Loan>> {
        self.loans_impl(scope, open_only, paging).await
    }

    async fn loans_to_collect(
        &self,
        scope: &distans_core::equipment::LoanScope,
        until: time::Date,
        paging: Paging,
    ) -> CoreResult<Page<distans_core::equipment::Loan>> {
        self.loans_to_collect_impl(scope, until, paging).await
    }

    async fn open_loans_of_agreement(
        &self,
        agreement: Uuid,
    ) -> CoreResult<Vec<distans_core::equipment::Loan>> {
        self.open_loans_of_agreement_impl(agreement).await
    }
}

#[async_trait]
impl distans_core::store::RedeploymentPort for SqlStore {
    async fn redeployment_people(
        &self,
        filter: &distans_core::redeployment::RedeployFilter,
        after: Option<Uuid>,
        limit: i64,
    ) -> CoreResult<Vec<distans_core::redeployment::RedeployPerson>> {
        self.redeployment_people_impl(filter, after, limit).await
    }
}

#[async_trait]
impl distans_core::store::DeviationsPort for SqlStore {
    // Deviations.
    async fn insert_deviation(
        &self,
        d: &distans_core::deviations::Deviation,
        work: &Work,
    ) -> CoreResult<()> {
        self.insert_deviation_impl(d, work).await
    }

    async fn deviation(&self, id: Uuid) -> CoreResult<Option<distans_core::deviations::Deviation>> {
        self.deviation_impl(id).await
    }

    async fn deviations(
        &self,
        filter: &distans_core::deviations::DeviationFilter,
        paging: Paging,
    ) -> CoreResult<Page<distans_core::deviations::Deviation>> {
        self.deviations_impl(filter, paging).await
    }

    async fn update_deviation(
        &self,
        d: &distans_core::deviations::Deviation,
        expected: i64,
        events: &[distans_core::deviations::DeviationEvent],
        work: &Work,
    ) -> CoreResult<()> {
        self.update_deviation_impl(d, expected, events, work).await
    }
}

#[async_trait]
impl distans_core::store::FollowUpPort for SqlStore {
    // Follow-ups.
    async fn checklists(
        &self,
    ) -> CoreResult<Vec<distans_core::followup::checklist::ChecklistTemplate>> {
        self.checklists_impl().await
    }

    async fn checklist(
        &self,
        key: &str,
        version: Option<i64>,
    ) -> CoreResult<Option<distans_core::followup::checklist::ChecklistTemplate>> {
        self.checklist_impl(key, version).await
    }

    async fn checklist_versions(
        &self,
        key: &str,
    ) -> CoreResult<Vec<distans_core::followup::checklist::ChecklistTemplate>> {
        self.checklist_versions_impl(key).await
    }

    async fn save_checklist(
        &self,
        t: &distans_core::followup::checklist::ChecklistTemplate,
        expected: i64,
        work: &Work,
    ) -> CoreResult<distans_core::followup::checklist::ChecklistTemplate> {
        self.save_checklist_impl(t, expected, work).await
    }

    async fn insert_followups(
        &self,
        items: &[distans_core::followup::FollowUp],
        work: &Work,
    ) -> CoreResult<()> {
        self.insert_followups_impl(items, work).await
    }

    async fn followups(
        &self,
        filter: &distans_core::followup::FollowUpFilter,
        paging: Paging,
    ) -> CoreResult<Page<distans_core::followup::FollowUp>> {
        self.followups_impl(filter, paging).await
    }

    async fn followup(&self, id: Uuid) -> CoreResult<Option<distans_core::followup::FollowUp>> {
        self.followup_impl(id).await
    }

    async fn save_followup(
        &self,
        f: &distans_core::followup::FollowUp,
        expected: i64,
        actions: &[distans_core::followup::FollowUpAction],
        work: &Work,
    ) -> CoreResult<()> {
        self.save_followup_impl(f, expected, actions, work).await
    }

    async fn followup_actions(
        &self,
        filter: &distans_core::followup::ActionFilter,
        paging: Paging,
    ) -> CoreResult<Page<distans_core::followup::FollowUpAction>> {
        self.followup_actions_impl(filter, paging).await
    }

    async fn followup_action(
        &self,
        id: Uuid,
    ) -> CoreResult<Option<distans_core::followup::FollowUpAction>> {
        self.followup_action_impl(id).await
    }

    async fn update_followup_action(
        &self,
        a: &distans_core::followup::FollowUpAction,
        expected: i64,
        work: &Work,
    ) -> CoreResult<()> {
        self.update_followup_action_impl(a, expected, work).await
    }

    async fn followups_to_remind(
        &self,
        today: Date,
        until: Date,
        limit: i64,
    ) -> CoreResult<Vec<distans_core::followup::FollowUp>> {
        self.followups_to_remind_impl(today, until, limit).await
    }

    async fn mark_followup_reminded(
        &self,
        id: Uuid,
        overdue: bool,
        work: &Work,
    ) -> CoreResult<bool> {
        self.mark_followup_reminded_impl(id, overdue, work).await
    }

    async fn actions_to_remind(
        &self,
        today: Date,
        limit: i64,
    ) -> CoreResult<Vec<distans_core::followup::FollowUpAction>> {
        self.actions_to_remind_impl(today, limit).await
    }

    async fn mark_action_reminded(&self, id: Uuid, work: &Work) -> CoreResult<bool> {
        self.mark_action_reminded_impl(id, work).await
    }
}
