//! Filling an empty database with the demo municipality: the organisation
//! and its sign-ins, coverage rules, a year of plan data, equipment and
//! follow-ups. Every part is written by the slice it belongs to.

use crate::kernel::PersonId;
use std::collections::HashMap;
use std::sync::Arc;

use serde_json::json;

use crate::agreements::service::AgreementsService;
use crate::coverage::service::CoverageService;
use crate::demo::model::{DEMO_ACCOUNTS, DEMO_PASSWORD};
use crate::demo::port::DemoPort;
use crate::demo::rules as demo;
use crate::equipment::service::EquipmentService;
use crate::followup::service::FollowUpService;
use crate::identity::rules::password;
use crate::identity::service::IdentityService;
use crate::kernel::csv::ImportError;
use crate::kernel::Work;
use crate::kernel::{CoreError, CoreResult, Env, NewAuditEntry, Paging};
use crate::org::model::*;
use crate::org::service::OrgService;
use crate::policy::service::PolicyService;

/// The slices the demo fills.
pub(crate) struct DemoDeps {
    pub org: OrgService,
    pub identity: IdentityService,
    pub policy: PolicyService,
    pub coverage: CoverageService,
    pub agreements: AgreementsService,
    pub equipment: EquipmentService,
    pub followup: FollowUpService,
}

/// The demo municipality.
#[derive(Clone)]
pub struct DemoService {
    pub(super) port: Arc<dyn DemoPort>,
    pub(super) env: Env,
    pub(super) d: Arc<DemoDeps>,
}

/// An audit entry of the demo's own.
pub(crate) fn demo_audit(action: &str, entity: &str, id: impl ToString) -> NewAuditEntry {
    let mut a = NewAuditEntry::system(action, entity, id);
    a.actor = "demo".into();
    a
}

impl DemoService {
    pub(crate) fn new(port: Arc<dyn DemoPort>, env: Env, d: DemoDeps) -> Self {
        DemoService {
            port,
            env,
            d: Arc::new(d),
        }
    }

    /// Fills an empty database with the demo organisation, sets the demo
    /// sign-ins' password and adds a year of plan data (agreements,
    /// occasional days, absences) unless there is plan data already.
    #[tracing::instrument(skip_all)]
    pub async fn load_demo(&self, size: usize) -> CoreResult<ImportReport> {
        self.d.policy.ensure_default().await?;
        self.d.agreements.ensure_template().await?;
        self.d.followup.ensure_checklist_defaults().await?;
        let report = self.load_org(size).await?;
        self.load_plan(size).await?;
        self.load_equipment().await?;
        self.load_followups().await?;
        // Fresh statistics, so the query planners pick the per-person indexes.
        self.d.org.refresh_statistics().await?;
        Ok(report)
    }

    /// The demo's plan data; false when there was plan data already.
    #[tracing::instrument(skip_all)]
    pub async fn load_plan(&self, size: usize) -> CoreResult<bool> {
        let data = demo::generate(size);
        let today = self.env.today();
        let policy = self.d.policy.in_force(today).await?;
        let (_, template) = self.d.agreements.template().await?;
        let ids: HashMap<String, PersonId> = self.d.org.employee_ids().await?.into_iter().collect();
        let plan = demo::generate_plan(&data, &ids, &policy, &template, today, self.env.now());
        let audit = demo_audit("demo.plan", "organisation", "").after(json!({
            "agreements": plan.agreements.len(),
            "occasional_days": plan.occasional.len(),
            "absences": plan.absences.len(),
        }));
        self.port
            .insert_demo_plan(&plan, &Work::new(self.env.now(), audit))
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn load_org(&self, size: usize) -> CoreResult<ImportReport> {
        let data = demo::generate(size);
        let report = match self.d.org.import_as(&data, None, "demo").await {
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
            let a = demo_audit("account.password", "account", username);
            self.d
                .identity
                .set_password_hash(username, &hash, a)
                .await?;
        }
        self.load_coverage_rules(&data).await?;
        Ok(report)
    }

    #[tracing::instrument(skip_all)]
    async fn load_coverage_rules(&self, data: &OrgData) -> CoreResult<usize> {
        let mut units = vec![];
        loop {
            let paging = Paging {
                limit: 500,
                offset: units.len() as i64,
            };
            let page = self.d.org.units_below(None, None, paging).await?;
            let done =
                page.items.is_empty() || units.len() as i64 + page.items.len() as i64 >= page.total;
            units.extend(page.items);
            if done {
                break;
            }
        }
        let rules = demo::coverage_rules(data, &units);
        let audit = demo_audit("coverage.rule.demo", "organisation", "")
            .after(json!({"rules": rules.len()}));
        self.d.coverage.insert_many(&rules, audit).await?;
        Ok(rules.len())
    }
}
