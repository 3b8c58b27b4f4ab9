//! The organisation as each role may see it, and importing it.

use crate::kernel::ids::{PersonId, UnitId};

use std::sync::Arc;

use crate::access::{self, person_visibility, Action, Kind, Visibility};
use crate::kernel::csv::ImportError;
use crate::kernel::{
    Actor, CoreError, CoreResult, Env, NewAuditEntry, Page, Paging, PersonRef, Work,
};
use crate::org::edit::{
    audit_json, draft_of, NewPerson, PersonChange, PersonDraft, PersonUpdate, Provisioned,
};
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

    /// The path of a unit: what decides who may see what of it.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn unit_path(&self, unit: UnitId) -> CoreResult<String> {
        self.port
            .unit_path(unit)
            .await?
            .ok_or(CoreError::NotFound("unit"))
    }

    /// The ids of a unit's people (at most `limit`), without asking who
    /// wants them: for callers that have decided that.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn people_ids_of(
        &self,
        unit: UnitId,
        limit: i64,
    ) -> CoreResult<Vec<PersonId>> {
        self.port.people_ids(&PeopleFilter::Unit(unit), limit).await
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

    /// Adds a person (`POST /api/v1/people`): HR and administrators.
    #[tracing::instrument(skip_all)]
    pub async fn create_person(&self, actor: &Actor, new: &NewPerson) -> CoreResult<PersonView> {
        access::authorize(actor, Action::Plain(Kind::EditPeople))?;
        let id = PersonId::new();
        self.create_draft(actor, id, &new.draft()?, None).await?;
        self.person(actor, id).await
    }

    /// Changes a person (`PATCH /api/v1/people/{id}`) as they were at
    /// `version`: a stale version is a conflict and changes nothing.
    #[tracing::instrument(skip_all)]
    pub async fn update_person(
        &self,
        actor: &Actor,
        id: PersonId,
        version: i64,
        change: &PersonChange,
    ) -> CoreResult<PersonView> {
        access::authorize(actor, Action::Plain(Kind::EditPeople))?;
        let rec = self.record(id).await?;
        let draft = change.apply(draft_of(&rec)?)?;
        let update = self
            .prepare_update(actor, &rec, version, &draft, None)
            .await?;
        self.write_update(update).await?;
        self.person(actor, id).await
    }

    /// Adds the person of `draft` as `id`. The unit and site must exist.
    pub(crate) async fn create_draft(
        &self,
        actor: &Actor,
        id: PersonId,
        draft: &PersonDraft,
        provisioned: Option<&Provisioned>,
    ) -> CoreResult<()> {
        access::authorize(actor, Action::Plain(Kind::EditPeople))?;
        self.check_places(draft).await?;
        let audit = NewAuditEntry::by(actor, "person.create", "person", id)
            .after(with_provisioned(audit_json(draft), provisioned));
        self.port
            .create_person(id, draft, provisioned, &Work::new(self.env.now(), audit))
            .await
    }

    /// Writes an update `prepare_update` checked, with its audit entry;
    /// the new version.
    pub(crate) async fn write_update(
        &self,
        (update, audit): (PersonUpdate, NewAuditEntry),
    ) -> CoreResult<i64> {
        self.port
            .update_person(
                update.person,
                update.version,
                &update.draft,
                update.provisioned.as_ref(),
                &Work::new(self.env.now(), audit),
            )
            .await
    }

    /// The checked update of the person of `rec` to `draft` (still at
    /// `version`), and its audit entry: for a caller that writes it in a
    /// transaction of its own.
    pub(crate) async fn prepare_update(
        &self,
        actor: &Actor,
        rec: &PersonRecord,
        version: i64,
        draft: &PersonDraft,
        provisioned: Option<&Provisioned>,
    ) -> CoreResult<(PersonUpdate, NewAuditEntry)> {
        access::authorize(actor, Action::Plain(Kind::EditPeople))?;
        if version != rec.person.version {
            return Err(CoreError::Conflict(format!(
                "the person was changed meanwhile (version {}, you edited {version})",
                rec.person.version
            )));
        }
        self.check_places(draft).await?;
        let before = draft_of(rec)?;
        let audit = NewAuditEntry::by(actor, "person.update", "person", rec.person.id)
            .before(audit_json(&before))
            .after(with_provisioned(audit_json(draft), provisioned));
        let update = PersonUpdate {
            person: rec.person.id,
            version,
            draft: draft.clone(),
            provisioned: provisioned.cloned(),
        };
        Ok((update, audit))
    }

    /// The draft's unit and site exist.
    async fn check_places(&self, draft: &PersonDraft) -> CoreResult<()> {
        if self.find_unit(draft.unit_id).await?.is_none() {
            return Err(CoreError::invalid("unit_id", "no such unit"));
        }
        if let Some(site) = draft.site_id {
            if !self.sites().await?.iter().any(|s| s.id == site) {
                return Err(CoreError::invalid("site_id", "no such site"));
            }
        }
        Ok(())
    }

    /// The top unit of the organisation (a provisioned person without a
    /// known department is placed there).
    pub(crate) async fn top_unit(&self) -> CoreResult<UnitSummary> {
        let top = self.port.units(None, Some(0), Paging::first(1)).await?;
        top.items
            .into_iter()
            .next()
            .ok_or_else(|| CoreError::Conflict("the organisation has no units yet".into()))
    }

    // For the other slices: the organisation as they need to read it.

    /// The path of a person's unit (`NotFound` if there is no such person).
    #[tracing::instrument(skip_all)]
    pub(crate) async fn person_unit_path(&self, id: PersonId) -> CoreResult<String> {
        self.port
            .person_unit_path(id)
            .await?
            .ok_or(CoreError::NotFound("person"))
    }

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

/// An audit entry's `after`, with what a provisioning client keeps.
fn with_provisioned(mut v: serde_json::Value, p: Option<&Provisioned>) -> serde_json::Value {
    if let (Some(p), Some(o)) = (p, v.as_object_mut()) {
        o.insert("external_id".into(), p.external_id.clone().into());
    }
    v
}
