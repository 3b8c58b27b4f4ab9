//! The organisation as each role may see it, and importing it.

use crate::kernel::ids::{PersonId, UnitId};

use std::sync::Arc;

use crate::access::{self, person_visibility, Action, Kind, Visibility};
use crate::kernel::csv::ImportError;
use crate::kernel::{Actor, CoreError, CoreResult, Env, Page, Paging, PersonRef};
use crate::org::model::*;
use crate::org::port::{OrgEditPort, OrgPort};
use crate::org::rules::{me_view, people_filter, person_view, search_text};

/// The organisation's use cases.
#[derive(Clone)]
pub struct OrgService {
    pub(super) port: Arc<dyn OrgPort>,
    /// Editing the organisation in the app.
    pub(super) edit: Arc<dyn OrgEditPort>,
    pub(super) env: Env,
}

impl OrgService {
    pub(crate) fn new(port: Arc<dyn OrgPort>, edit: Arc<dyn OrgEditPort>, env: Env) -> Self {
        OrgService { port, edit, env }
    }

    /// The signed-in person, as `GET /api/v1/me` shows them.
    pub fn me(&self, actor: &Actor) -> MeView {
        me_view(actor)
    }

    #[tracing::instrument(skip_all)]
    pub async fn units(
        &self,
        actor: &Actor,
        under: Option<UnitId>,
        max_depth: Option<i64>,
        paging: Paging,
    ) -> CoreResult<Page<UnitSummary>> {
        access::authorize(actor, Action::Plain(Kind::ReadUnits))?;
        if let Some(d) = max_depth {
            if !(0..=20).contains(&d) {
                return Err(CoreError::invalid("depth", "must be between 0 and 20"));
            }
        }
        if let Some(u) = under {
            self.unit_detail(u).await?;
        }
        self.port.units(under, max_depth, paging).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn unit(&self, actor: &Actor, id: UnitId) -> CoreResult<UnitDetail> {
        access::authorize(actor, Action::Plain(Kind::ReadUnits))?;
        self.unit_detail(id).await
    }

    /// Whether the actor may list the people of this unit (for showing links).
    pub fn may_list_people(&self, actor: &Actor, unit: &UnitDetail) -> bool {
        access::can(
            actor,
            Action::ListPeople {
                unit_path: &unit.path,
            },
        )
    }

    /// The people of `unit` (and below it, if `below`), or without a unit
    /// everyone the actor may list.
    #[tracing::instrument(skip_all)]
    pub async fn people(
        &self,
        actor: &Actor,
        unit: Option<UnitId>,
        below: bool,
        search: Option<&str>,
        paging: Paging,
    ) -> CoreResult<Page<PersonSummary>> {
        let unit = match unit {
            Some(u) => Some(self.unit_detail(u).await?),
            None => None,
        };
        let filter = people_filter(actor, unit.as_ref(), below)?;
        let search = search_text(search)?;
        self.port.people(&filter, search, paging).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn person(&self, actor: &Actor, id: PersonId) -> CoreResult<PersonView> {
        let rec = self.record(id).await?;
        match person_visibility(actor, id, &rec.unit_path) {
            Visibility::None => Err(CoreError::NotFound("person")),
            vis => Ok(person_view(rec, vis == Visibility::Full)),
        }
    }

    #[tracing::instrument(skip_all)]
    pub async fn counts(&self, _actor: &Actor) -> CoreResult<OrgCounts> {
        self.port.counts().await
    }

    /// The numbers of the organisation, for the command line (no one signed in).
    #[tracing::instrument(skip_all)]
    pub async fn org_counts(&self) -> CoreResult<OrgCounts> {
        self.port.counts().await
    }

    /// Imports the organisation on behalf of `actor` (None: the command line).
    #[tracing::instrument(skip_all)]
    pub async fn import(
        &self,
        actor: Option<&Actor>,
        data: &OrgData,
    ) -> Result<ImportReport, ImportError> {
        if let Some(a) = actor {
            access::authorize(a, Action::Plain(Kind::ImportOrganisation))?;
        }
        let (id, name) = match actor {
            Some(a) => (Some(a.person_id), a.name.clone()),
            None => (None, "kommandoraden (distans import)".to_string()),
        };
        self.import_as(data, id, &name).await
    }

    /// Imports as `name` (the command line, the demo), then refreshes the
    /// query planner's statistics.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn import_as(
        &self,
        data: &OrgData,
        actor_id: Option<PersonId>,
        name: &str,
    ) -> Result<ImportReport, ImportError> {
        let report = self
            .port
            .import_org(data, actor_id, name, self.env.now())
            .await?;
        self.port.analyze().await?;
        Ok(report)
    }

    // For the other slices: the organisation as they need to read it.

    /// A person with everything any caller may be shown (`NotFound` if none).
    #[tracing::instrument(skip_all)]
    pub(crate) async fn record(&self, id: PersonId) -> CoreResult<PersonRecord> {
        self.port
            .person(id)
            .await?
            .ok_or(CoreError::NotFound("person"))
    }

    /// A person, if there is one.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn find_record(&self, id: PersonId) -> CoreResult<Option<PersonRecord>> {
        self.port.person(id).await
    }

    /// A unit with its ancestors, children and site (`NotFound` if none).
    #[tracing::instrument(skip_all)]
    pub(crate) async fn unit_detail(&self, id: UnitId) -> CoreResult<UnitDetail> {
        self.port.unit(id).await?.ok_or(CoreError::NotFound("unit"))
    }

    /// A unit that `actor` may act on as `action` says (given the unit's
    /// path): `NotFound` if there is none, the policy's refusal if not.
    pub(crate) async fn unit_to(
        &self,
        actor: &Actor,
        id: UnitId,
        action: fn(&str) -> Action<'_>,
    ) -> CoreResult<UnitDetail> {
        let unit = self.unit_detail(id).await?;
        access::authorize(actor, action(&unit.path))?;
        Ok(unit)
    }

    /// A unit, if there is one.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn find_unit(&self, id: UnitId) -> CoreResult<Option<UnitDetail>> {
        self.port.unit(id).await
    }

    /// Units in tree order below `under` (or all), no deeper than `max_depth`.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn units_below(
        &self,
        under: Option<UnitId>,
        max_depth: Option<i64>,
        paging: Paging,
    ) -> CoreResult<Page<UnitSummary>> {
        self.port.units(under, max_depth, paging).await
    }

    /// The organisation's own name: the unit at the top of the tree.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn organisation_name(&self) -> CoreResult<String> {
        let top = self.port.units(None, Some(0), Paging::first(1)).await?;
        Ok(top
            .items
            .first()
            .map(|u| u.name.clone())
            .unwrap_or_default())
    }

    /// Holders of a granted role (at most 100), with e-mail.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn people_with_role(
        &self,
        role: &str,
    ) -> CoreResult<Vec<(PersonRef, Option<String>)>> {
        self.port.people_with_role(role).await
    }

    #[tracing::instrument(skip_all)]
    pub(crate) async fn sites(&self) -> CoreResult<Vec<Site>> {
        self.port.sites().await
    }

    /// The distinct skills people have, in order (at most `limit`).
    #[tracing::instrument(skip_all)]
    pub(crate) async fn known_skills(&self, limit: i64) -> CoreResult<Vec<String>> {
        self.port.known_skills(limit).await
    }

    /// Every person's employee number and id.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn employee_ids(&self) -> CoreResult<Vec<(String, PersonId)>> {
        self.port.employee_ids().await
    }

    /// Refreshes the query planner's statistics (after a bulk load).
    #[tracing::instrument(skip_all)]
    pub(crate) async fn refresh_statistics(&self) -> CoreResult<()> {
        self.port.analyze().await
    }
}
