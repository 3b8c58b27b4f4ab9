//! Filling an empty database with the demo municipality.

use uuid::Uuid;

use crate::demo::model::{DEMO_ACCOUNTS, DEMO_PASSWORD};
use crate::demo::rules as demo;
use crate::identity::rules::password;
use crate::kernel::csv::ImportError;
use crate::kernel::{CoreError, CoreResult, NewAuditEntry};
use crate::org::model::*;
use crate::Core;

impl Core {
    /// Fills an empty database with the demo organisation, sets the demo
    /// sign-ins' password and adds a year of plan data (agreements,
    /// occasional days, absences) unless there is plan data already.
    pub async fn load_demo(&self, size: usize) -> CoreResult<ImportReport> {
        let report = self.load_demo_org(size).await?;
        self.load_demo_plan(size).await?;
        // Equipment.
        self.load_demo_equipment().await?;
        // Follow-ups.
        self.load_demo_followups().await?;
        // Fresh statistics, so the query planners pick the per-person indexes.
        self.store.analyze().await?;
        Ok(report)
    }

    /// The demo's plan data; false when there was plan data already.
    pub async fn load_demo_plan(&self, size: usize) -> CoreResult<bool> {
        self.ensure_defaults().await?;
        let data = demo::generate(size);
        let today = self.today();
        let policy = self
            .store
            .policy_on(today)
            .await?
            .ok_or_else(|| CoreError::Internal("no policy".into()))?;
        let (_, template) = self
            .store
            .agreement_template()
            .await?
            .ok_or_else(|| CoreError::Internal("no agreement template".into()))?;
        let ids: std::collections::HashMap<String, Uuid> =
            self.store.employee_ids().await?.into_iter().collect();
        let plan = demo::generate_plan(&data, &ids, &policy, &template, today, self.now());
        let audit = NewAuditEntry {
            actor_id: None,
            actor: "demo".into(),
            action: "demo.plan".into(),
            entity: "organisation".into(),
            entity_id: String::new(),
            before: None,
            after: Some(serde_json::json!({
                "agreements": plan.agreements.len(),
                "occasional_days": plan.occasional.len(),
                "absences": plan.absences.len(),
            })),
        };
        self.store.insert_demo_plan(&plan, self.now(), audit).await
    }

    async fn load_demo_org(&self, size: usize) -> CoreResult<ImportReport> {
        let data = demo::generate(size);
        let report = match self.org.import_as(&data, None, "demo").await {
            Ok(r) => r,
            Err(ImportError::Core(e)) => return Err(e),
            Err(ImportError::Rows(rows)) => {
                return Err(CoreError::Internal(format!(
                    "the demo organisation did not import: {}",
                    rows.iter()
                        .map(|r| r.to_string())
                        .collect::<Vec<_>>()
                        .join("; ")
                )))
            }
        };
        let hash = password::hash(DEMO_PASSWORD)?;
        for (username, _) in DEMO_ACCOUNTS {
            self.identity
                .set_password_hash(
                    username,
                    &hash,
                    NewAuditEntry {
                        actor_id: None,
                        actor: "demo".into(),
                        action: "account.password".into(),
                        entity: "account".into(),
                        entity_id: (*username).into(),
                        before: None,
                        after: None,
                    },
                )
                .await?;
        }
        self.coverage.demo_coverage_rules(&data).await?;
        Ok(report)
    }
}
