//! The remote-work policy: every saved version of its rules (a JSON
//! document), each valid from a day; the version in force on a day.

use async_trait::async_trait;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use distans_core::kernel::Work;
use distans_core::policy::{NewPolicyVersion, PolicyVersion};
use distans_core::store::PolicyPort;
use distans_core::CoreResult;

use crate::db::{read_all, read_one};
use crate::store::{about, next_version, row, write_work, SqlStore};
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
        new: &NewPolicyVersion,
        work: &Work,
    ) -> CoreResult<PolicyVersion> {
        let at: OffsetDateTime = work.at;
        write_work!(self, work, |tx| {
            let version = if new.first {
                next_version!(tx, 0, "the policy", "policy_versions")
            } else {
                let (max,): (Option<i64>,) =
                    sqlx::query_as("SELECT MAX(version) FROM policy_versions")
                        .fetch_one(&mut *tx)
                        .await?;
                max.unwrap_or(0) + 1
            };
            // The unique version makes two simultaneous additions collide.
            let v = PolicyVersion {
                id: (Uuid::now_v7()).into(),
                version,
                valid_from: new.valid_from,
                rules: new.rules.clone(),
                created_by: new.created_by.clone(),
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
            .bind(&new.created_by)
            .execute(&mut *tx)
            .await?;
            v
        }, audit: |v: &PolicyVersion| Some(about(&work.audit, v.version, serde_json::to_value(v).ok())))
    }
}
