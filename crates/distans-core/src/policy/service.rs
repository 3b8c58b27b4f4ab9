//! The policy's use cases: the version in force, new versions, unit
//! overrides, the agreement template.

use time::Date;
use uuid::Uuid;

use crate::access::{self, Action};
use crate::agreements::rules as agreement;
use crate::kernel::{Actor, CoreError, CoreResult, NewAuditEntry};
use crate::org::model::unit_chain;
use crate::policy::model::*;
use crate::Core;

impl Core {
    pub async fn ensure_defaults(&self) -> CoreResult<()> {
        if self.store.policy_versions().await?.is_empty() {
            let mut a = NewAuditEntry::system("policy.create", "policy", 1);
            a.actor = "system (default policy)".into();
            self.store
                .add_policy_version(
                    &PolicyRules::default(),
                    time::macros::date!(2020 - 01 - 01),
                    "system",
                    self.now(),
                    a,
                )
                .await?;
        }
        if self.store.agreement_template().await?.is_none() {
            self.store
                .set_agreement_template(
                    agreement::DEFAULT_TEMPLATE,
                    0,
                    "system",
                    self.now(),
                    NewAuditEntry::system("template.update", "agreement_template", 1),
                )
                .await?;
        }
        // Follow-ups.
        self.ensure_checklist_defaults().await?;
        Ok(())
    }

    pub(crate) async fn policy_in_force(&self, day: Date) -> CoreResult<PolicyVersion> {
        self.store
            .policy_on(day)
            .await?
            .ok_or_else(|| CoreError::Internal("no policy version in force".into()))
    }

    // The policy.

    /// The policy in force on `on` (default today), as it applies in `unit`
    /// (default the caller's unit).
    pub async fn policy(
        &self,
        actor: &Actor,
        on: Option<Date>,
        unit: Option<Uuid>,
    ) -> CoreResult<PolicyView> {
        let policy = self
            .policy_in_force(on.unwrap_or_else(|| self.today()))
            .await?;
        let unit = unit.unwrap_or(actor.unit.id);
        let u = self
            .store
            .unit(unit)
            .await?
            .ok_or(CoreError::NotFound("unit"))?;
        let effective = policy.rules.for_unit(&unit_chain(&u.path));
        Ok(PolicyView { policy, effective })
    }

    pub async fn policy_versions(&self, _actor: &Actor) -> CoreResult<Vec<PolicyVersion>> {
        self.store.policy_versions().await
    }

    pub async fn add_policy_version(
        &self,
        actor: &Actor,
        rules: PolicyRules,
        valid_from: Date,
    ) -> CoreResult<PolicyVersion> {
        access::authorize(actor, Action::EditPolicy)?;
        rules.validate()?;
        if valid_from < self.today() {
            return Err(CoreError::invalid(
                "valid_from",
                "a new version cannot apply from a day that has passed",
            ));
        }
        for (i, o) in rules.unit_overrides.iter().enumerate() {
            if self.store.unit(o.unit_id).await?.is_none() {
                return Err(CoreError::invalid(
                    format!("unit_overrides[{i}].unit_id"),
                    "no such unit",
                ));
            }
        }
        self.store
            .add_policy_version(
                &rules,
                valid_from,
                &actor.name,
                self.now(),
                NewAuditEntry::by(actor, "policy.create", "policy", ""),
            )
            .await
    }

    /// Sets (or with `None` removes) a unit's own rules: a new policy version
    /// from today, with everything else as in the version in force.
    pub async fn set_unit_override(
        &self,
        actor: &Actor,
        unit: Uuid,
        o: Option<crate::policy::model::UnitOverride>,
    ) -> CoreResult<PolicyVersion> {
        access::authorize(actor, Action::EditPolicy)?;
        if self.store.unit(unit).await?.is_none() {
            return Err(CoreError::NotFound("unit"));
        }
        let current = self.policy_in_force(self.today()).await?;
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
        self.add_policy_version(actor, rules, self.today()).await
    }

    pub async fn agreement_template(&self, actor: &Actor) -> CoreResult<(i64, String)> {
        access::authorize(actor, Action::EditPolicy)?;
        Ok(self
            .store
            .agreement_template()
            .await?
            .unwrap_or((0, agreement::DEFAULT_TEMPLATE.to_string())))
    }

    pub async fn set_agreement_template(
        &self,
        actor: &Actor,
        text: &str,
        expected: i64,
    ) -> CoreResult<i64> {
        access::authorize(actor, Action::EditPolicy)?;
        let text = text.replace("\r\n", "\n");
        agreement::validate_template(&text)?;
        let mut a = NewAuditEntry::by(actor, "template.update", "agreement_template", "");
        a.after = Some(serde_json::json!({ "sha256": agreement::sha256_hex(&text) }));
        self.store
            .set_agreement_template(&text, expected, &actor.name, self.now(), a)
            .await
    }
}
