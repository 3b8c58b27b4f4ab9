//! The organisation edited in the app: units added, changed, moved (with
//! the units below them) and closed; sites added and changed. Each at the
//! version the editor saw.

use async_trait::async_trait;
use uuid::Uuid;

use distans_core::kernel::{PersonId, SiteId, UnitId, Work};
use distans_core::org::units::UnitWrite;
use distans_core::org::{Site, Unit};
use distans_core::store::OrgEditPort;
use distans_core::CoreResult;

use crate::db::fetch;
use crate::store::{must_change, write_work, SqlStore};
use crate::stored::{json, Stored};

const CHANGED: &str = "the unit was changed by someone else meanwhile; reload it";

/// A site with its version.
type SiteVersionRow = (Uuid, String, String, i64, i64);

fn site_of((id, name, address, desks, version): SiteVersionRow) -> (Site, i64) {
    (
        Site {
            id: id.into(),
            name,
            address,
            desks,
        },
        version,
    )
}

#[async_trait]
impl OrgEditPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn insert_unit(&self, unit: &Unit, work: &Work) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            sqlx::query(
                "INSERT INTO units (id, code, name, kind, parent_id, path, depth, manager_id, site_id, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)",
            )
            .bind(unit.id.uuid())
            .bind(&unit.code)
            .bind(&unit.name)
            .bind(unit.kind.stored())
            .bind(unit.parent_id.map(|p| p.uuid()))
            .bind(&unit.path)
            .bind(unit.depth)
            .bind(unit.manager_id.map(|p| p.uuid()))
            .bind(unit.site_id.map(|s| s.uuid()))
            .execute(&mut *tx)
            .await?;
        })
    }

    #[tracing::instrument(skip_all)]
    async fn unit_people(&self, id: UnitId) -> CoreResult<(Option<PersonId>, Option<PersonId>)> {
        let row: Option<(Option<Uuid>, Option<Uuid>)> = fetch!(
            self.db(),
            fetch_optional,
            "SELECT manager_id, deputy_id FROM units WHERE id = $1",
            id.uuid()
        )?;
        let (m, d) = row.unwrap_or((None, None));
        Ok((m.map(Into::into), d.map(Into::into)))
    }

    #[tracing::instrument(skip_all, fields(id = %unit.id))]
    async fn update_unit(&self, unit: &UnitWrite, expected: i64, work: &Work) -> CoreResult<()> {
        let temporary = match &unit.moved {
            Some(m) => self.temporary_paths_under(&m.old_path).await?,
            None => vec![],
        };
        write_work!(self, work, |tx| {
            must_change!(
                tx,
                CHANGED,
                at_version(unit.id.uuid(), expected),
                sqlx::query(
                    "UPDATE units SET name = $1, manager_id = $2, deputy_id = $3, site_id = $4,
                        version = version + 1
                     WHERE closed_at IS NULL AND id = $5 AND version = $6",
                )
                .bind(&unit.name)
                .bind(unit.manager.map(|p| p.uuid()))
                .bind(unit.deputy.map(|p| p.uuid()))
                .bind(unit.site.map(|s| s.uuid()))
            );
            if let Some(m) = &unit.moved {
                sqlx::query("UPDATE units SET parent_id = $1 WHERE id = $2")
                    .bind(m.parent.uuid())
                    .bind(unit.id.uuid())
                    .execute(&mut *tx)
                    .await?;
                // The unit and everything below it take the new path.
                let keep_from = i32::try_from(m.old_path.chars().count() + 1).map_err(|_| {
                    distans_core::CoreError::Internal("a unit path too long".into())
                })?;
                sqlx::query(
                    "UPDATE units SET path = $1 || substr(path, $2), depth = depth + $3
                     WHERE path LIKE $4",
                )
                .bind(&m.new_path)
                .bind(keep_from)
                .bind(m.depth_change)
                .bind(format!("{}%", m.old_path))
                .execute(&mut *tx)
                .await?;
                // Temporary decisions name the units they cover by path.
                for (id, paths) in &temporary {
                    let moved: Vec<String> = paths
                        .iter()
                        .map(|p| match p.strip_prefix(&m.old_path) {
                            Some(rest) => format!("{}{rest}", m.new_path),
                            None => p.clone(),
                        })
                        .collect();
                    sqlx::query("UPDATE temporary_decisions SET unit_paths = $1 WHERE id = $2")
                        .bind(sqlx::types::Json(&moved))
                        .bind(*id)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        })
    }

    #[tracing::instrument(skip_all)]
    async fn close_unit(&self, id: UnitId, expected: i64, work: &Work) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            must_change!(
                tx,
                "the unit has people or units below it, or was changed meanwhile; reload it",
                at_version(id.uuid(), expected),
                sqlx::query(
                    "UPDATE units SET closed_at = $1, manager_id = NULL, deputy_id = NULL, version = version + 1
                     WHERE closed_at IS NULL
                       AND NOT EXISTS (SELECT 1 FROM people p WHERE p.unit_id = units.id AND p.deactivated_at IS NULL)
                       AND NOT EXISTS (SELECT 1 FROM units c WHERE c.parent_id = units.id AND c.closed_at IS NULL)
                       AND id = $2 AND version = $3",
                )
                .bind(work.at)
            );
        })
    }

    #[tracing::instrument(skip_all)]
    async fn insert_site(&self, site: &Site, work: &Work) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            sqlx::query(
                "INSERT INTO sites (id, name, address, desks, version) VALUES ($1, $2, $3, $4, 1)",
            )
            .bind(site.id.uuid())
            .bind(&site.name)
            .bind(&site.address)
            .bind(site.desks)
            .execute(&mut *tx)
            .await?;
        })
    }

    #[tracing::instrument(skip_all)]
    async fn site_version(&self, id: SiteId) -> CoreResult<Option<(Site, i64)>> {
        let row: Option<SiteVersionRow> = fetch!(
            self.db(),
            fetch_optional,
            "SELECT id, name, address, desks, version FROM sites WHERE id = $1",
            id.uuid()
        )?;
        Ok(row.map(site_of))
    }

    #[tracing::instrument(skip_all)]
    async fn sites_with_versions(&self) -> CoreResult<Vec<(Site, i64)>> {
        let rows: Vec<SiteVersionRow> = fetch!(
            self.db(),
            fetch_all,
            "SELECT id, name, address, desks, version FROM sites ORDER BY name LIMIT 1000"
        )?;
        Ok(rows.into_iter().map(site_of).collect())
    }

    #[tracing::instrument(skip_all)]
    async fn update_site(&self, site: &Site, expected: i64, work: &Work) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            must_change!(
                tx,
                "the site was changed by someone else meanwhile; reload it",
                at_version(site.id.uuid(), expected),
                sqlx::query(
                    "UPDATE sites SET name = $1, address = $2, desks = $3, version = version + 1
                     WHERE id = $4 AND version = $5",
                )
                .bind(&site.name)
                .bind(&site.address)
                .bind(site.desks)
            );
        })
    }
}

impl SqlStore {
    /// Temporary decisions covering units at or below `path`, with the
    /// paths they name.
    async fn temporary_paths_under(&self, path: &str) -> CoreResult<Vec<(Uuid, Vec<String>)>> {
        let rows: Vec<(Uuid, String)> = fetch!(
            self.db(),
            fetch_all,
            "SELECT id, CAST(unit_paths AS TEXT) FROM temporary_decisions WHERE CAST(unit_paths AS TEXT) LIKE $1",
            format!("%{path}%")
        )?;
        rows.into_iter()
            .map(|(id, paths)| Ok((id, json("temporary_decisions.unit_paths", &paths)?)))
            .collect()
    }
}
