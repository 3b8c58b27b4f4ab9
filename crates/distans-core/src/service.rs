//! The use cases. Each one: check who may do it ([`crate::access`]),
//! validate, then one call to the store (one transaction).

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::{self, person_visibility, Action, Visibility};
use crate::audit::{ChainReport, ChainVerifier, NewAuditEntry};
use crate::clock::Clock;
use crate::error::{CoreError, CoreResult};
use crate::import::{ImportReport, OrgData};
use crate::model::{Actor, CommuteMode, Page, Paging, PersonRef, Role, Site, UnitRef};
use crate::store::{
    ApiToken, AuditFilter, ImportError, OrgCounts, PeopleFilter, PersonSummary, Store, UnitDetail,
    UnitSummary,
};
use crate::{demo, password, token};

/// The signed-in person, as `GET /api/v1/me` shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MeView {
    pub id: Uuid,
    pub name: String,
    pub roles: Vec<Role>,
    pub unit: UnitRef,
    /// Ids of the units this person manages.
    pub manages: Vec<Uuid>,
}

/// A person as the caller may see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PersonView {
    pub id: Uuid,
    pub name: String,
    pub roles: Vec<Role>,
    pub unit: UnitRef,
    pub manages: Vec<Uuid>,
    pub employee_number: String,
    pub given_name: String,
    pub family_name: String,
    pub email: Option<String>,
    pub title: Option<String>,
    pub manager: Option<PersonRef>,
    pub managed_units: Vec<UnitRef>,
    pub site: Option<Site>,
    /// Only for the person, their managers and HR.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skills: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commute_km: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commute_mode: Option<CommuteMode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// `full` or `directory`: how much of the person the caller sees.
    pub visibility: String,
}

/// A new token: the secret is shown this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewToken {
    #[serde(flatten)]
    pub token: ApiToken,
    pub secret: String,
}

#[derive(Debug, Clone, Default)]
pub struct CoreConfig {
    /// Longest life of a personal token, in days.
    pub token_max_days: i64,
    /// Days back that the plan may still be changed (0: from today on).
    pub plan_lock_days: i64,
}

pub struct Core {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub config: CoreConfig,
}

fn actor_audit(actor: &Actor, action: &str, entity: &str, id: String) -> NewAuditEntry {
    NewAuditEntry {
        actor_id: Some(actor.person_id),
        actor: actor.name.clone(),
        action: action.into(),
        entity: entity.into(),
        entity_id: id,
        before: None,
        after: None,
    }
}

impl Core {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Core {
            store,
            clock,
            config: CoreConfig {
                token_max_days: 365,
                plan_lock_days: 0,
            },
        }
    }

    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    pub async fn actor(&self, person: Uuid) -> CoreResult<Option<Actor>> {
        self.store.actor(person).await
    }

    pub async fn actor_by_token(&self, secret: &str) -> CoreResult<Option<Actor>> {
        if !secret.starts_with(token::PREFIX) || secret.len() > 200 {
            return Ok(None);
        }
        match self
            .store
            .person_by_token(&token::hash(secret), self.now())
            .await?
        {
            Some(p) => self.store.actor(p).await,
            None => Ok(None),
        }
    }

    pub fn me(&self, actor: &Actor) -> MeView {
        MeView {
            id: actor.person_id,
            name: actor.name.clone(),
            roles: actor.roles.clone(),
            unit: actor.unit.clone(),
            manages: actor.manages.iter().map(|m| m.id).collect(),
        }
    }

    // Organisation.

    pub async fn units(
        &self,
        actor: &Actor,
        under: Option<Uuid>,
        max_depth: Option<i64>,
        paging: Paging,
    ) -> CoreResult<Page<UnitSummary>> {
        access::authorize(actor, Action::ReadUnits)?;
        if let Some(d) = max_depth {
            if !(0..=20).contains(&d) {
                return Err(CoreError::invalid("depth", "must be between 0 and 20"));
            }
        }
        if let Some(u) = under {
            if self.store.unit(u).await?.is_none() {
                return Err(CoreError::NotFound("unit"));
            }
        }
        self.store.units(under, max_depth, paging).await
    }

    pub async fn unit(&self, actor: &Actor, id: Uuid) -> CoreResult<UnitDetail> {
        access::authorize(actor, Action::ReadUnits)?;
        self.store
            .unit(id)
            .await?
            .ok_or(CoreError::NotFound("unit"))
    }

    /// Whether the actor may list the people of this unit (for showing links).
    pub fn may_list_people(&self, actor: &Actor, unit: &UnitDetail) -> bool {
        access::authorize(
            actor,
            Action::ListPeople {
                unit_path: &unit.path,
            },
        )
        .is_ok()
    }

    /// The people of `unit` (and below it, if `below`), or without a unit
    /// everyone the actor may list.
    pub async fn people(
        &self,
        actor: &Actor,
        unit: Option<Uuid>,
        below: bool,
        search: Option<&str>,
        paging: Paging,
    ) -> CoreResult<Page<PersonSummary>> {
        let filter = match unit {
            Some(unit) => {
                let u = self
                    .store
                    .unit(unit)
                    .await?
                    .ok_or(CoreError::NotFound("unit"))?;
                access::authorize(actor, Action::ListPeople { unit_path: &u.path })?;
                if below {
                    PeopleFilter::Under(vec![u.path])
                } else {
                    PeopleFilter::Unit(unit)
                }
            }
            None if access::authorize(actor, Action::ListPeople { unit_path: "" }).is_ok() => {
                PeopleFilter::All
            }
            None if !actor.manages.is_empty() => {
                PeopleFilter::Under(actor.manages.iter().map(|m| m.path.clone()).collect())
            }
            None => {
                return Err(CoreError::forbidden(
                    "only managers, HR, administrators and auditors may list people",
                ))
            }
        };
        let search = search.map(str::trim).filter(|s| !s.is_empty());
        if let Some(s) = search {
            if s.chars().count() > 100 {
                return Err(CoreError::invalid("q", "must be at most 100 characters"));
            }
        }
        self.store.people(&filter, search, paging).await
    }

    pub async fn person(&self, actor: &Actor, id: Uuid) -> CoreResult<PersonView> {
        let rec = self
            .store
            .person(id)
            .await?
            .ok_or(CoreError::NotFound("person"))?;
        let vis = person_visibility(actor, id, &rec.unit_path);
        if vis == Visibility::None {
            return Err(CoreError::NotFound("person"));
        }
        let full = vis == Visibility::Full;
        let p = rec.person;
        Ok(PersonView {
            id: p.id,
            name: p.name(),
            roles: Actor::build_roles(&p.granted_roles, !rec.manages.is_empty()),
            unit: rec.unit,
            manages: rec.manages.iter().map(|u| u.id).collect(),
            employee_number: p.employee_number.clone(),
            given_name: p.given_name.clone(),
            family_name: p.family_name.clone(),
            email: p.email.clone(),
            title: p.title.clone(),
            manager: rec.manager,
            managed_units: rec.manages,
            site: rec.site,
            skills: full.then(|| p.skills.clone()),
            commute_km: if full { p.commute_km } else { None },
            commute_mode: if full { p.commute_mode } else { None },
            username: if full { p.username.clone() } else { None },
            visibility: if full { "full" } else { "directory" }.into(),
        })
    }

    pub async fn counts(&self, _actor: &Actor) -> CoreResult<OrgCounts> {
        self.store.counts().await
    }

    // Import.

    /// Imports the organisation on behalf of `actor` (None: the command line).
    pub async fn import_org(
        &self,
        actor: Option<&Actor>,
        data: &OrgData,
    ) -> Result<ImportReport, ImportError> {
        if let Some(a) = actor {
            access::authorize(a, Action::ImportOrganisation)?;
        }
        let (id, name) = match actor {
            Some(a) => (Some(a.person_id), a.name.clone()),
            None => (None, "kommandoraden (distans import)".to_string()),
        };
        let report = self.store.import_org(data, id, &name).await?;
        self.store.analyze().await?;
        Ok(report)
    }

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
        let report = match self.store.import_org(&data, None, "demo").await {
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
        let hash = password::hash(demo::DEMO_PASSWORD)?;
        for (username, _) in demo::DEMO_ACCOUNTS {
            self.store
                .set_password(
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
        self.demo_coverage_rules(&data).await?;
        Ok(report)
    }

    /// Sets a password from the command line (administrator's tool).
    pub async fn set_password(&self, username: &str, new_password: &str) -> CoreResult<()> {
        password::check_new(new_password)?;
        let hash = password::hash(new_password)?;
        let audit = NewAuditEntry {
            actor_id: None,
            actor: "kommandoraden".into(),
            action: "account.password".into(),
            entity: "account".into(),
            entity_id: username.into(),
            before: None,
            after: None,
        };
        if self.store.set_password(username, &hash, audit).await? {
            Ok(())
        } else {
            Err(CoreError::NotFound("account"))
        }
    }

    // Tokens.

    pub async fn create_token(
        &self,
        actor: &Actor,
        name: &str,
        days: Option<i64>,
    ) -> CoreResult<NewToken> {
        access::authorize(actor, Action::ManageOwnTokens)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(CoreError::invalid("name", "must be 1 to 100 characters"));
        }
        let days = days.unwrap_or(90);
        if !(1..=self.config.token_max_days).contains(&days) {
            return Err(CoreError::invalid(
                "days",
                format!("must be between 1 and {}", self.config.token_max_days),
            ));
        }
        let (secret, hash) = token::generate();
        let now = self.now();
        let t = ApiToken {
            id: Uuid::now_v7(),
            name: name.into(),
            created_at: now,
            last_used_at: None,
            expires_at: Some(now + time::Duration::days(days)),
        };
        let mut audit = actor_audit(actor, "token.create", "token", t.id.to_string());
        audit.after = Some(
            serde_json::json!({"name": t.name, "expires_at": t.expires_at.map(|e| e.unix_timestamp())}),
        );
        self.store
            .create_token(actor.person_id, &t, &hash, audit)
            .await?;
        Ok(NewToken { token: t, secret })
    }

    pub async fn tokens(&self, actor: &Actor) -> CoreResult<Vec<ApiToken>> {
        access::authorize(actor, Action::ManageOwnTokens)?;
        self.store.tokens(actor.person_id).await
    }

    pub async fn revoke_token(&self, actor: &Actor, id: Uuid) -> CoreResult<()> {
        access::authorize(actor, Action::ManageOwnTokens)?;
        let audit = actor_audit(actor, "token.revoke", "token", id.to_string());
        if self
            .store
            .revoke_token(actor.person_id, id, self.now(), audit)
            .await?
        {
            Ok(())
        } else {
            Err(CoreError::NotFound("token"))
        }
    }

    // Audit.

    pub async fn audit(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        paging: Paging,
    ) -> CoreResult<Page<crate::audit::AuditEntry>> {
        access::authorize(actor, Action::ReadAudit)?;
        self.store.audit(filter, paging).await
    }

    /// Walks the whole chain, a page at a time.
    pub async fn verify_audit(&self, actor: Option<&Actor>) -> CoreResult<ChainReport> {
        if let Some(a) = actor {
            access::authorize(a, Action::ReadAudit)?;
        }
        let head = self.store.audit_head().await?;
        let mut v = ChainVerifier::default();
        let mut after = 0;
        loop {
            let page = self.store.audit_after(after, 2000).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for e in &page {
                v.feed(e);
            }
            if v.is_broken() {
                break;
            }
        }
        Ok(v.finish(head))
    }
}
