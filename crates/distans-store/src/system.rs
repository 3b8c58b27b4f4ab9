//! The system itself: which engine runs, whether the database answers, and
//! backups while others keep working (SQLite's `VACUUM INTO`, PostgreSQL's
//! `pg_dump`).

use async_trait::async_trait;

use distans_core::store::SystemPort;
use distans_core::{CoreError, CoreResult};
use time::OffsetDateTime;

use crate::db::{execute, Db};
use crate::store::SqlStore;

#[async_trait]
impl SystemPort for SqlStore {
    fn engine(&self) -> &'static str {
        self.db().engine()
    }

    #[tracing::instrument(skip_all)]
    async fn probe_write(&self, at: OffsetDateTime) -> CoreResult<()> {
        // Two pages' worth, so that a database that cannot grow says so.
        let filler = vec![0u8; 8192];
        execute!(
            self.db(),
            "INSERT INTO readiness_probe (at, filler) VALUES ($1, $2)",
            at,
            filler
        )?;
        execute!(self.db(), "DELETE FROM readiness_probe")?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn backup(&self, dest: &str) -> CoreResult<()> {
        if std::path::Path::new(dest).exists() {
            return Err(CoreError::invalid(
                "FILE",
                format!("{dest} already exists; choose a new file"),
            ));
        }
        if let Db::Sqlite(_) = self.db() {
            // VACUUM INTO writes a consistent snapshot while others keep working.
            execute!(self.db(), "VACUUM INTO $1", dest)?;
            return Ok(());
        }
        let out = tokio::process::Command::new("pg_dump")
            .arg("--format=custom")
            .arg("--no-owner")
            .arg("--file")
            .arg(dest)
            .arg("--dbname")
            .arg(self.url())
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
