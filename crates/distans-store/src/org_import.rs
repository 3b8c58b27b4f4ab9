//! The import of the organisation from the HR system's file: what is
//! stored is read and compared with the file, and the difference written,
//! all or nothing, in one transaction.

use std::collections::HashMap;

use async_trait::async_trait;

use sqlx::QueryBuilder;
use time::OffsetDateTime;
use uuid::Uuid;

use distans_core::kernel::csv::ImportError;
use distans_core::kernel::{PersonId, Role};
use distans_core::org::{ImportReport, OrgData, Snapshot};
use distans_core::store::OrgImportPort;
use distans_core::CoreResult;

use crate::db::execute;
use crate::error::StoreResult;
use crate::org::{PersonRow, SiteRow, UnitRow, PERSON_SELECT, SITE_SELECT};
use crate::sql::{insert_rows, push_list};
use crate::store::{each, sort_key, write_import, SqlStore, BATCH};
use crate::stored::Stored;
use distans_core::org::rules::resolve;

#[async_trait]
impl OrgImportPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn import_org(
        &self,
        data: &OrgData,
        actor_id: Option<PersonId>,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<ImportReport, ImportError> {
        write_import!(
            self,
            at,
            |tx| {
                // What is stored now.
                let sites: Vec<SiteRow> = sqlx::query_as(SITE_SELECT).fetch_all(&mut *tx).await?;
                let units: Vec<UnitRow> = sqlx::query_as(
                    "SELECT id, code, name, kind, parent_id, path, depth, manager_id, site_id FROM units",
                )
                .fetch_all(&mut *tx)
                .await?;
                let people: Vec<PersonRow> =
                    sqlx::query_as(PERSON_SELECT).fetch_all(&mut *tx).await?;
                let skill_rows: Vec<(Uuid, String)> =
                    sqlx::query_as("SELECT person_id, skill FROM person_skills ORDER BY skill")
                        .fetch_all(&mut *tx)
                        .await?;
                let role_rows: Vec<(Uuid, String)> = sqlx::query_as(
                    "SELECT person_id, role FROM person_roles WHERE source = 'local'",
                )
                .fetch_all(&mut *tx)
                .await?;
                let snap = snapshot(sites, units, people, skill_rows, role_rows)?;
                resolve(&snap, data, actor_id, actor, &mut Uuid::now_v7)
            },
            |ch| {
                insert_rows!(
                    tx,
                    "INSERT INTO sites (id, name, address, desks) ",
                    ch.sites,
                    BATCH,
                    |b, s| b.push_bind(s.id.uuid())
                            .push_bind(s.name.clone())
                            .push_bind(s.address.clone())
                            .push_bind(s.desks),
                    " ON CONFLICT (id) DO UPDATE SET name = excluded.name, address = excluded.address,
                        desks = excluded.desks, version = sites.version + 1",
                );
                insert_rows!(
                    tx,
                    "INSERT INTO units (id, code, name, kind, parent_id, path, depth, site_id) ",
                    ch.units,
                    BATCH,
                    |b, u| b.push_bind(u.id.uuid())
                            .push_bind(u.code.clone())
                            .push_bind(u.name.clone())
                            .push_bind(u.kind.stored())
                            .push_bind(u.parent_id.map(|i| i.uuid()))
                            .push_bind(u.path.clone())
                            .push_bind(u.depth)
                            .push_bind(u.site_id.map(|i| i.uuid())),
                    " ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name, kind = excluded.kind,
                        parent_id = excluded.parent_id, path = excluded.path, depth = excluded.depth, site_id = excluded.site_id,
                        version = units.version + 1",
                );
                for chunk in ch.people.chunks(BATCH / 2) {
                    let mut q = QueryBuilder::new(
                        "INSERT INTO people (id, employee_number, given_name, family_name, email, title, unit_id, site_id,
                         commute_km, commute_mode, sort_name, version, created_at, updated_at) ",
                    );
                    q.push_values(chunk, |mut b, x| {
                        b.push_bind(x.id.uuid())
                            .push_bind(x.employee_number.clone())
                            .push_bind(x.given_name.clone())
                            .push_bind(x.family_name.clone())
                            .push_bind(x.email.clone())
                            .push_bind(x.title.clone())
                            .push_bind(x.unit_id.uuid())
                            .push_bind(x.site_id.map(|i| i.uuid()))
                            .push_bind(x.commute_km)
                            .push_bind(x.commute_mode.map(|m| m.stored()))
                            .push_bind(sort_key(&format!("{} {}", x.family_name, x.given_name)))
                            .push_bind(x.version)
                            .push_bind(at)
                            .push_bind(at);
                    });
                    q.push(" ON CONFLICT (id) DO UPDATE SET given_name = excluded.given_name, family_name = excluded.family_name,
                        email = excluded.email, title = excluded.title, unit_id = excluded.unit_id, site_id = excluded.site_id,
                        commute_km = excluded.commute_km, commute_mode = excluded.commute_mode, sort_name = excluded.sort_name,
                        version = excluded.version, updated_at = excluded.updated_at");
                    q.build().execute(&mut *tx).await?;

                    // Skills and roles: replace those of the people in this chunk.
                    // (Only the file's own roles: identity-provider groups grant theirs.)
                    for (table, only_local) in [
                        ("person_skills", ""),
                        ("person_roles", " AND source = 'local'"),
                    ] {
                        let mut q = QueryBuilder::new(format!(
                            "DELETE FROM {table} WHERE 1 = 1{only_local} AND person_id IN "
                        ));
                        push_list(&mut q, chunk.iter().map(|x| x.id.uuid()));
                        q.build().execute(&mut *tx).await?;
                    }
                    let skills: Vec<(Uuid, &str)> = chunk
                        .iter()
                        .flat_map(|x| x.skills.iter().map(move |s| (x.id.uuid(), s.as_str())))
                        .collect();
                    let roles: Vec<(Uuid, &str)> = chunk
                        .iter()
                        .flat_map(|x| {
                            x.granted_roles
                                .iter()
                                .map(move |r| (x.id.uuid(), r.stored()))
                        })
                        .collect();
                    for (table, column, rows) in [
                        ("person_skills", "skill", skills),
                        ("person_roles", "role", roles),
                    ] {
                        for part in rows.chunks(BATCH) {
                            let mut q = QueryBuilder::new(format!(
                                "INSERT INTO {table} (person_id, {column}) "
                            ));
                            q.push_values(part, |mut b, (id, v)| {
                                b.push_bind(*id).push_bind(v.to_string());
                            });
                            q.build().execute(&mut *tx).await?;
                        }
                    }
                    let accounts: Vec<(Uuid, &str)> = chunk
                        .iter()
                        .filter_map(|x| x.username.as_deref().map(|u| (x.id.uuid(), u)))
                        .collect();
                    if !accounts.is_empty() {
                        let mut q = QueryBuilder::new("INSERT INTO accounts (person_id, username, password_hash, updated_at) ");
                        q.push_values(&accounts, |mut b, (id, u)| {
                            b.push_bind(*id)
                                .push_bind(u.to_string())
                                .push_bind(None::<String>)
                                .push_bind(at);
                        });
                        q.push(" ON CONFLICT (person_id) DO UPDATE SET username = excluded.username, updated_at = excluded.updated_at");
                        q.build().execute(&mut *tx).await?;
                    }
                }
                for (unit, manager) in &ch.managers {
                    sqlx::query(
                        "UPDATE units SET manager_id = $1, version = version + 1 WHERE id = $2",
                    )
                    .bind((*manager).map(|i| i.uuid()))
                    .bind((*unit).uuid())
                    .execute(&mut *tx)
                    .await?;
                }
            }
        )
    }

    #[tracing::instrument(skip_all)]
    async fn analyze(&self) -> CoreResult<()> {
        execute!(self.db(), "ANALYZE")?;
        if matches!(self.db(), crate::Db::Sqlite(_)) {
            // Each SQLite connection reads the statistics when it loads the
            // schema, and keeps them: the pool's other connections would
            // plan with those of before the load (empty tables) until they
            // close. A change of the schema makes every connection load it
            // again, statistics included, before its next statement.
            execute!(
                self.db(),
                "CREATE TABLE IF NOT EXISTS statistics_reload (x INTEGER)"
            )?;
            execute!(self.db(), "DROP TABLE statistics_reload")?;
            // After a bulk load: its pages into the database file and the
            // write-ahead log back to nothing.
            execute!(self.db(), "PRAGMA wal_checkpoint(TRUNCATE)")?;
        }
        Ok(())
    }
}

/// The organisation as stored, for the import to compare its file with.
fn snapshot(
    sites: Vec<SiteRow>,
    units: Vec<UnitRow>,
    people: Vec<PersonRow>,
    skill_rows: Vec<(Uuid, String)>,
    role_rows: Vec<(Uuid, String)>,
) -> StoreResult<Snapshot> {
    let mut skills: HashMap<Uuid, Vec<String>> = HashMap::new();
    for (pid, s) in skill_rows {
        skills.entry(pid).or_default().push(s);
    }
    let mut roles: HashMap<Uuid, Vec<Role>> = HashMap::new();
    for (pid, r) in role_rows {
        roles
            .entry(pid)
            .or_default()
            .push(Role::read("person_roles.role", &r)?);
    }
    Ok(Snapshot {
        sites: each(sites)?,
        units: each(units)?,
        people: people
            .into_iter()
            .map(|r| {
                let id = r.id;
                let mut rs = roles.remove(&id).unwrap_or_default();
                rs.sort();
                r.into_person(skills.remove(&id).unwrap_or_default(), rs)
            })
            .collect::<StoreResult<_>>()?,
    })
}
