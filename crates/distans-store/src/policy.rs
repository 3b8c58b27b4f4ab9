//! The remote-work policy: every saved version of its rules (a JSON
//! document), each valid from a day; the version in force on a day.

use async_trait::async_trait;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use distans_core::kernel::Work;
use distans_core::policy::{PolicyRules, PolicyVersion};
use distans_core::store::PolicyPort;
use distans_core::CoreResult;

use crate::db::{read_all, read_one};
use crate::store::{about, row, write_work, SqlStore};
use crate::stored::json;

const POLICY_SELECT: &str =
    "SELECT id, version, valid_from, CAST(rules AS TEXT) AS rules, created_by FROM policy_versions";

row! {
    struct PolicyRow => PolicyVersion {
        id: Uuid,
        version: i64,
        valid_from: Date,
        created_by: String,
    }
    with {
        rules: String,
    }
    |r| {
        rules: json("policy_versions.rules", &r.rules)?,
    }
}

#[async_trait]
impl PolicyPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn policy_versions(&self) -> CoreResult<Vec<PolicyVersion>> {
        read_all!(
            self.db(),
            PolicyRow,
            &format!("{POLICY_SELECT} ORDER BY version DESC LIMIT 500")
        )
    }

    #[tracing::instrument(skip_all)]
    async fn policy_on(&self, day: Date) -> CoreResult<Option<PolicyVersion>> {
        read_one!(
            self.db(),
            PolicyRow,
            &format!("{POLICY_SELECT} WHERE valid_from <= $1 ORDER BY valid_from DESC, version DESC LIMIT 1"),
            day
        )
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
                id: (Uuid::now_v7()).into(),
                version: max.unwrap_or(0) + 1,
                valid_from,
                rules: rules.clone(),
                created_by: created_by.to_string(),
            };
            sqlx::query(
                "INSERT INTO policy_versions (id, version, valid_from, rules, created_at, created_by)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(v.id.uuid())
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
