//! The policy's use cases: the version in force, new versions, unit
//! overrides, the agreement template.

use crate::kernel::ids::UnitId;
use std::sync::Arc;
use time::Date;

use crate::access::{self, Action, Kind};
use crate::kernel::counters::Remembered;
use crate::kernel::Env;
use crate::kernel::Work;
use crate::kernel::{Actor, CoreError, CoreResult, NewAuditEntry};
use crate::org::model::unit_chain;
use crate::org::service::OrgService;
use crate::policy::model::*;
use crate::policy::port::PolicyPort;

/// The remote-work policy: its versions and unit overrides.
#[derive(Clone)]
pub struct PolicyService {
    pub(crate) port: Arc<dyn PolicyPort>,
    pub(crate) env: Env,
    pub(crate) org: OrgService,
    /// The version in force per day, while the policy counter stands still.
    pub(crate) in_force: Arc<Remembered<Date, Option<PolicyVersion>>>,
}

/// Days whose policy version an app server remembers at most.
pub(crate) const REMEMBERED_DAYS: usize = 4_000;

impl PolicyService {
    /// Makes sure a policy exists (first start).
    #[tracing::instrument(skip_all)]
    pub(crate) async fn ensure_default(&self) -> CoreResult<()> {
        if !self.port.policy_versions().await?.is_empty() {
            return Ok(());
        }
        let mut a = NewAuditEntry::system("policy.create", "policy", 1);
        a.actor = "system (default policy)".into();
        let first = NewPolicyVersion {
            rules: PolicyRules::default(),
            valid_from: time::macros::date!(2020 - 01 - 01),
            created_by: "system".into(),
            first: true,
        };
        match self
            .port
            .add_policy_version(&first, &Work::new(self.env.now(), a))
            .await
        {
            // Another server starting at the same time added it first.
            Ok(_) | Err(CoreError::Conflict(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The version in force on `day`.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn in_force(&self, day: Date) -> CoreResult<PolicyVersion> {
        self.in_force_at(self.env.counters().await?.policy, day)
            .await
    }

    /// The version in force on `day`, as of the policy counter `counter`
    /// read for this request.
    pub(crate) async fn in_force_at(&self, counter: i64, day: Date) -> CoreResult<PolicyVersion> {
        let version = match self.in_force.get(counter, &day) {
            Some(v) => v,
            None => {
                let v = self.port.policy_on(day).await?;
                self.in_force.put(counter, day, v.clone());
                v
            }
        };
        // Before the first version (a day long past) there is none.
        version.ok_or(CoreError::NotFound("policy in force on that day"))
    }

    // The policy.

    /// The policy in force on `on` (default today), as it applies in `unit`
    /// (default the caller's unit).
    #[tracing::instrument(skip_all)]
    pub async fn policy(
        &self,
        actor: &Actor,
        on: Option<Date>,
        unit: Option<UnitId>,
    ) -> CoreResult<PolicyView> {
        let policy = self
            .in_force(on.unwrap_or_else(|| self.env.today()))
            .await?;
        let unit = unit.unwrap_or(actor.unit.id);
        let u = self.org.unit_detail(unit).await?;
        let effective = policy.rules.for_unit(&unit_chain(&u.path));
        Ok(PolicyView { policy, effective })
    }

    #[tracing::instrument(skip_all)]
    pub async fn policy_versions(&self, _actor: &Actor) -> CoreResult<Vec<PolicyVersion>> {
        self.port.policy_versions().await
    }

    /// Every version, for the slices that look up the one a decision was made under.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn versions(&self) -> CoreResult<Vec<PolicyVersion>> {
        self.port.policy_versions().await
    }

    /// A new version of the policy, from `valid_from` on.
    #[tracing::instrument(skip_all)]
    pub async fn add_policy_version(
        &self,
        actor: &Actor,
        rules: PolicyRules,
        valid_from: Date,
    ) -> CoreResult<PolicyVersion> {
        access::authorize(actor, Action::Plain(Kind::EditPolicy))?;
        rules.validate()?;
        if valid_from < self.env.today() {
            return Err(CoreError::invalid(
                "valid_from",
                "a new version cannot apply from a day that has passed",
            ));
        }
        for (i, o) in rules.unit_overrides.iter().enumerate() {
            if self.org.find_unit(o.unit_id).await?.is_none() {
                return Err(CoreError::invalid(
                    format!("unit_overrides[{i}].unit_id"),
                    "no such unit",
                ));
            }
        }
        let new = NewPolicyVersion {
            rules,
            valid_from,
            created_by: actor.name.clone(),
            first: false,
        };
        let work = Work::new(
            self.env.now(),
            NewAuditEntry::by(actor, "policy.create", "policy", ""),
        );
        self.port.add_policy_version(&new, &work).await
    }

    /// Sets (or with `None` removes) a unit's own rules: a new policy version
    /// from today, with everything else as in the version in force.
    #[tracing::instrument(skip_all)]
    pub async fn set_unit_override(
        &self,
        actor: &Actor,
        unit: UnitId,
        o: Option<crate::policy::model::UnitOverride>,
    ) -> CoreResult<PolicyVersion> {
        access::authorize(actor, Action::Plain(Kind::EditPolicy))?;
        self.org.unit_detail(unit).await?;
        let current = self.in_force(self.env.today()).await?;
        let mut rules = current.rules.clone();
        rules.unit_overrides.retain(|x| x.unit_id != unit);
        if let Some(mut o) = o {
            o.unit_id = unit;
            o.presence_requirements = o.presence_requirements.filter(|p| !p.trim().is_empty());
            if o.manager_limit_days.is_some()
                || o.max_days_per_week.is_some()
                || o.presence_requirements.is_some()
            {
                rules.unit_overrides.push(o);
            }
        }
        self.add_policy_version(actor, rules, self.env.today())
            .await
    }
}
