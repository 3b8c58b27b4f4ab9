//! The remote-work policy: every saved version of its rules (a JSON
//! document), each valid from a day; the version in force on a day.

use async_trait::async_trait;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use distans_core::kernel::Work;
use distans_core::policy::{PolicyRules, PolicyVersion};
use distans_core::store::PolicyPort;
use distans_core::CoreResult;

use crate::db::fetch;
use crate::error::{StoreError, StoreResult};
use crate::store::{about, each, one, write_work, SqlStore};
use crate::stored::json;

const POLICY_SELECT: &str =
    "SELECT id, version, valid_from, CAST(rules AS TEXT) AS rules, created_by FROM policy_versions";

#[derive(sqlx::FromRow)]
struct PolicyRow {
    id: Uuid,
    version: i64,
    valid_from: Date,
    rules: String,
    created_by: String,
}

impl TryFrom<PolicyRow> for PolicyVersion {
    type Error = StoreError;
    fn try_from(r: PolicyRow) -> StoreResult<PolicyVersion> {
        Ok(PolicyVersion {
            rules: json("policy_versions.rules", &r.rules)?,
            id: r.id,
            version: r.version,
            valid_from: r.valid_from,
            created_by: r.created_by,
        })
    }
}

#[async_trait]
impl PolicyPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn policy_versions(&self) -> CoreResult<Vec<PolicyVersion>> {
        let rows: Vec<PolicyRow> = fetch!(
            self.db(),
            fetch_all,
            &format!("{POLICY_SELECT} ORDER BY version DESC LIMIT 500")
        )?;
        Ok(each(rows)?)
    }

    #[tracing::instrument(skip_all)]
    async fn policy_on(&self, day: Date) -> CoreResult<Option<PolicyVersion>> {
        let row: Option<PolicyRow> = fetch!(
            self.db(),
            fetch_optional,
            &format!("{POLICY_SELECT} WHERE valid_from <= $1 ORDER BY valid_from DESC, version DESC LIMIT 1"),
            day
        )?;
        Ok(one(row)?)
    }

    #[tracing::instrument(skip_all)]
    async fn add_policy_version(
        &self,
        rules: &PolicyRules,
        valid_from: Date,
        created_by: &str,
        work: &Work,
    ) -> CoreResult<PolicyVersion> {
        let at: OffsetDateTime = work.at;
        write_work!(self, work, |tx| {
            let (max,): (Option<i64>,) = sqlx::query_as("SELECT MAX(version) FROM policy_versions")
                .fetch_one(&mut *tx)
                .await?;
            let v = PolicyVersion {
                id: Uuid::now_v7(),
                version: max.unwrap_or(0) + 1,
                valid_from,
                rules: rules.clone(),
                created_by: created_by.to_string(),
            };
            sqlx::query(
                "INSERT INTO policy_versions (id, version, valid_from, rules, created_at, created_by)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(v.id)
            .bind(v.version)
            .bind(v.valid_from)
            .bind(sqlx::types::Json(&v.rules))
            .bind(at)
            .bind(created_by)
            .execute(&mut *tx)
            .await?;
            v
        }, audit: |v: &PolicyVersion| Some(about(&work.audit, v.version, serde_json::to_value(v).ok())))
    }
}
