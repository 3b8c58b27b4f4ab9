//! The organisation as each role may see it, and importing it.

use uuid::Uuid;

use crate::access::{self, person_visibility, Action, Visibility};
use crate::kernel::csv::ImportError;
use crate::kernel::{Actor, CoreError, CoreResult, Page, Paging};
use crate::org::model::*;
use crate::Core;

impl Core {
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

    /// The numbers of the organisation, for the command line (no one signed in).
    pub async fn org_counts(&self) -> CoreResult<OrgCounts> {
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

    pub(crate) async fn person_record(&self, id: Uuid) -> CoreResult<PersonRecord> {
        self.store
            .person(id)
            .await?
            .ok_or(CoreError::NotFound("person"))
    }
}
