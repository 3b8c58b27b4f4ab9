//! Provisioning's use cases: clients' tokens (from the command line), and
//! people and groups as a client keeps them. People are written through the
//! organisation's own use cases; deactivation through the departures'.

use std::sync::Arc;

use serde_json::Value;

use crate::access::{self, Action, Kind};
use crate::departures::model::{By, DepartureInput};
use crate::departures::service::DeparturesService;
use crate::identity::rules::token;
use crate::kernel::{
    Actor, CoreError, CoreResult, Env, NewAuditEntry, PersonId, ScimGroupId, ScimTokenId, UnitRef,
    Work,
};
use crate::org::edit::{draft_of, PersonDraft, PersonUpdate, Provisioned};
use crate::org::service::OrgService;
use crate::scim::filter::{self, Filter};
use crate::scim::model::*;
use crate::scim::patch;
use crate::scim::port::ScimPort;
use crate::scim::rules::{self, group_json, user_input, user_json, UserInput};

/// The secret's prefix of a provisioning client's token.
pub const PREFIX: &str = "dscim_";
/// The most resources a filtered list looks through.
const SCAN: i64 = 50_000;
/// The most resources one page holds.
pub const MAX_COUNT: i64 = 200;

#[derive(Clone)]
pub struct ScimService {
    port: Arc<dyn ScimPort>,
    env: Env,
    org: OrgService,
    departures: DeparturesService,
}

fn cli(action: &str, entity: &str, id: impl ToString) -> NewAuditEntry {
    let mut a = NewAuditEntry::system(action, entity, id);
    a.actor = "kommandoraden".into();
    a
}

impl ScimService {
    pub(crate) fn new(
        port: Arc<dyn ScimPort>,
        env: Env,
        org: OrgService,
        departures: DeparturesService,
    ) -> Self {
        ScimService {
            port,
            env,
            org,
            departures,
        }
    }

    // Tokens, from the command line.

    /// A new token for the client `name`: the secret is shown this once.
    pub async fn create_token(&self, name: &str) -> CoreResult<(ScimToken, String)> {
        let name = name.trim();
        if name.is_empty()
            || name.chars().count() > 64
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(CoreError::invalid(
                "name",
                "must be 1 to 64 letters, digits, '-', '_' or '.'",
            ));
        }
        let (random, _) = token::generate();
        let secret = format!("{PREFIX}{}", random.trim_start_matches(token::PREFIX));
        let t = ScimToken {
            id: ScimTokenId::new(),
            name: name.into(),
            created_at: self.env.now(),
            last_used_at: None,
        };
        let audit = cli("scim_token.create", "scim_token", t.id)
            .after(serde_json::json!({ "name": t.name }));
        self.port
            .create_scim_token(&t, &token::hash(&secret), &Work::new(self.env.now(), audit))
            .await?;
        Ok((t, secret))
    }

    pub async fn revoke_token(&self, name: &str) -> CoreResult<()> {
        let audit = cli("scim_token.revoke", "scim_token", name);
        if self
            .port
            .revoke_scim_token(name.trim(), &Work::new(self.env.now(), audit))
            .await?
        {
            Ok(())
        } else {
            Err(CoreError::NotFound("token"))
        }
    }

    pub async fn tokens(&self) -> CoreResult<Vec<ScimToken>> {
        self.port.scim_tokens().await
    }

    /// The client a live token belongs to, as an actor.
    pub async fn client(&self, secret: &str) -> CoreResult<Option<Actor>> {
        if !secret.starts_with(PREFIX) || secret.len() > 200 {
            return Ok(None);
        }
        let Some(t) = self
            .port
            .scim_token_by_hash(&token::hash(secret), self.env.now())
            .await?
        else {
            return Ok(None);
        };
        let unit = match self.org.top_unit().await {
            Ok(u) => UnitRef {
                id: u.id,
                name: u.name,
            },
            Err(_) => UnitRef {
                id: Default::default(),
                name: String::new(),
            },
        };
        Ok(Some(Actor::client(&t.name, unit)))
    }

    // Users and groups.

    /// A user or group the client has not deleted, as SCIM JSON.
    pub async fn get(&self, actor: &Actor, r: ScimRef, base: &str) -> CoreResult<Value> {
        access::authorize(actor, Action::Plain(Kind::Provision))?;
        self.json(r, base).await
    }

    async fn json(&self, r: ScimRef, base: &str) -> CoreResult<Value> {
        Ok(match r {
            ScimRef::User(id) => user_json(&self.found(id).await?, base),
            ScimRef::Group(id) => group_json(&self.found_group(id).await?, base),
        })
    }

    /// A user the client has not deleted.
    async fn found(&self, id: PersonId) -> CoreResult<ScimUser> {
        self.port
            .scim_user(id)
            .await?
            .filter(|u| !u.deleted)
            .ok_or(CoreError::NotFound("user"))
    }

    async fn found_group(&self, id: ScimGroupId) -> CoreResult<ScimGroup> {
        self.port
            .scim_group(id)
            .await?
            .ok_or(CoreError::NotFound("group"))
    }

    /// The users (but those the client deleted) or the groups that match
    /// `filter`, in the window.
    pub async fn list(
        &self,
        actor: &Actor,
        kind: ScimKind,
        filter: Option<&str>,
        window: Window,
        base: &str,
    ) -> CoreResult<Listed> {
        access::authorize(actor, Action::Plain(Kind::Provision))?;
        let f = parsed(filter)?;
        let keys: &[&str] = match kind {
            ScimKind::Users => &["userName", "externalId", "emails.value"],
            ScimKind::Groups => &["displayName", "externalId"],
        };
        let narrow = f.as_ref().and_then(|f| filter::required_eq(f, keys));
        let narrow = narrow.as_ref().map(|(a, v)| (a.as_str(), v.as_str()));
        let all: Vec<Value> = match kind {
            ScimKind::Users => {
                let users = self.port.scim_users(narrow, SCAN).await?;
                let kept = users.iter().filter(|u| !u.deleted);
                kept.map(|u| user_json(u, base)).collect()
            }
            ScimKind::Groups => {
                let groups = self.port.scim_groups(narrow, SCAN).await?;
                groups.iter().map(|g| group_json(g, base)).collect()
            }
        };
        Ok(page(all.into_iter(), f.as_ref(), window))
    }

    /// POST: a new user (see `create_user`) or group, as SCIM JSON.
    pub async fn create(
        &self,
        actor: &Actor,
        kind: ScimKind,
        doc: &Value,
        base: &str,
    ) -> CoreResult<Value> {
        access::authorize(actor, Action::Plain(Kind::Provision))?;
        let r = match kind {
            ScimKind::Users => ScimRef::User(self.create_user(actor, doc).await?),
            ScimKind::Groups => {
                let id = ScimGroupId::new();
                self.save_group(actor, id, doc, None).await?;
                ScimRef::Group(id)
            }
        };
        self.json(r, base).await
    }

    /// PUT or PATCH: the user or group as `change` makes it, if it is
    /// still at the version `if_match` (when given); as SCIM JSON.
    pub async fn change(
        &self,
        actor: &Actor,
        r: ScimRef,
        change: ScimChange<'_>,
        if_match: Option<i64>,
        base: &str,
    ) -> CoreResult<Value> {
        access::authorize(actor, Action::Plain(Kind::Provision))?;
        match (r, change) {
            (ScimRef::User(id), ScimChange::Replace(doc)) => {
                let input = user_input(doc)?;
                let current = self.found(id).await?;
                self.write_user(actor, &current, input, if_match).await?;
            }
            (ScimRef::User(id), ScimChange::Patch(ops)) => {
                let current = self.found(id).await?;
                let mut doc = user_json(&current, base);
                patch::apply(&mut doc, ops)?;
                let input = user_input(&doc)?;
                self.write_user(actor, &current, input, if_match).await?;
            }
            (ScimRef::Group(id), change) => {
                let g = self.found_group(id).await?;
                let doc = match change {
                    ScimChange::Replace(doc) => doc.clone(),
                    ScimChange::Patch(ops) => {
                        let mut doc = group_json(&g, base);
                        patch::apply(&mut doc, ops)?;
                        doc
                    }
                };
                let version = Some(if_match.unwrap_or(g.version));
                self.save_group(actor, id, &doc, version).await?;
            }
        }
        self.json(r, base).await
    }

    /// DELETE: see `delete_user` and `delete_group`.
    pub async fn delete(&self, actor: &Actor, r: ScimRef) -> CoreResult<()> {
        access::authorize(actor, Action::Plain(Kind::Provision))?;
        match r {
            ScimRef::User(id) => self.delete_user(actor, id).await,
            ScimRef::Group(id) => self.delete_group(actor, id).await,
        }
    }

    /// POST: a new person; or, for the userName of a person the client
    /// deleted, that person again (reactivated unless `active` is false).
    async fn create_user(&self, actor: &Actor, doc: &Value) -> CoreResult<PersonId> {
        let input = user_input(doc)?;
        if let Some(p) = self
            .port
            .person_by_username(input.user_name.as_str())
            .await?
        {
            if let Some(gone) = self.port.scim_user(p).await?.filter(|u| u.deleted) {
                self.write_user(actor, &gone, input, None).await?;
                return Ok(p);
            }
        }
        self.unique_username(&input, None).await?;
        let id = PersonId::new();
        let draft = PersonDraft {
            employee_number: match &input.employee_number {
                Some(n) => n.clone(),
                None => rules::fallback_employee_number(&input, &id.to_string()),
            },
            given_name: input.given_name.clone(),
            family_name: input.family_name.clone(),
            email: input.email.clone(),
            title: None,
            unit_id: self.unit_for(input.department.as_deref(), None).await?,
            site_id: None,
            skills: vec![],
            roles: vec![],
            username: Some(input.user_name.clone()),
        };
        self.org
            .create_draft(actor, id, &draft, Some(&provisioned(&input)))
            .await?;
        if !input.active {
            self.set_active(actor, id, false, None).await?;
        }
        Ok(id)
    }

    /// DELETE: the person is deactivated (never removed: their history
    /// stays), and from then on is gone for the client: 404, and left out
    /// of lists, as Entra ID expects of a deleted user. Deactivated first
    /// and marked deleted after, so a failure between the two leaves a
    /// deactivated person that a second DELETE finishes.
    async fn delete_user(&self, actor: &Actor, id: PersonId) -> CoreResult<()> {
        let u = self.found(id).await?;
        if u.active {
            self.set_active(actor, id, false, None).await?;
        }
        let rec = self.org.record(id).await?;
        let mut attributes = u.attributes.clone();
        if let Some(o) = attributes.as_object_mut() {
            o.insert("deleted".into(), Value::Bool(true));
        }
        let kept = Provisioned {
            external_id: u.external_id.clone(),
            attributes: Some(attributes),
        };
        let update = self
            .org
            .prepare_update(
                actor,
                &rec,
                rec.person.version,
                &draft_of(&rec)?,
                Some(&kept),
            )
            .await?;
        self.org.write_update(update).await?;
        Ok(())
    }

    async fn write_user(
        &self,
        actor: &Actor,
        current: &ScimUser,
        input: UserInput,
        if_match: Option<i64>,
    ) -> CoreResult<()> {
        let id = current.id;
        let rec = self.org.record(id).await?;
        if let Some(v) = if_match {
            if v != rec.person.version {
                return Err(CoreError::Conflict("the user was changed meanwhile".into()));
            }
        }
        self.unique_username(&input, Some(id)).await?;
        let mut draft = draft_of(&rec)?;
        if let Some(n) = &input.employee_number {
            draft.employee_number = n.clone();
        }
        draft.given_name.clone_from(&input.given_name);
        draft.family_name.clone_from(&input.family_name);
        draft.email.clone_from(&input.email);
        draft.username = Some(input.user_name.clone());
        draft.unit_id = self
            .unit_for(input.department.as_deref(), Some(draft.unit_id))
            .await?;
        let kept = provisioned(&input);
        let update = self
            .org
            .prepare_update(actor, &rec, rec.person.version, &draft, Some(&kept))
            .await?;
        if input.active == current.active {
            self.org.write_update(update).await?;
            return Ok(());
        }
        // The attributes and the (de)activation in one transaction: a
        // failure leaves the user as they were.
        self.set_active(actor, id, input.active, Some(update)).await
    }

    /// Deactivates (last day today) or reactivates through the departures'
    /// use cases, as the client (whose right to was checked already),
    /// writing `also` in the same transaction.
    async fn set_active(
        &self,
        actor: &Actor,
        id: PersonId,
        active: bool,
        also: Option<(PersonUpdate, NewAuditEntry)>,
    ) -> CoreResult<()> {
        let by = By::System(&actor.name);
        if active {
            self.departures.reactivate_with(by, id, also).await?;
        } else {
            self.departures
                .deactivate_with(by, id, DepartureInput::default(), also)
                .await?;
        }
        Ok(())
    }

    async fn unique_username(&self, input: &UserInput, me: Option<PersonId>) -> CoreResult<()> {
        match self
            .port
            .person_by_username(input.user_name.as_str())
            .await?
        {
            Some(p) if Some(p) != me => Err(CoreError::Conflict(format!(
                "userName \"{}\" is taken",
                input.user_name
            ))),
            _ => Ok(()),
        }
    }

    /// The unit a department names (by name, any case); an unknown or no
    /// department keeps the person where they are, and puts a new person
    /// in the organisation's top unit.
    async fn unit_for(
        &self,
        department: Option<&str>,
        current: Option<crate::kernel::UnitId>,
    ) -> CoreResult<crate::kernel::UnitId> {
        if let Some(d) = department {
            let want = d.trim().to_lowercase();
            let mut paging = crate::kernel::Paging::first(crate::kernel::Paging::MAX_LIMIT);
            // Every unit of the tree, a page at a time (bounded).
            for _ in 0..200 {
                let page = self.org.units_below(None, None, paging).await?;
                if let Some(u) = page.items.iter().find(|u| u.name.to_lowercase() == want) {
                    return Ok(u.id);
                }
                match page.next {
                    Some(next) => paging.offset = next,
                    None => break,
                }
            }
        }
        match current {
            Some(c) => Ok(c),
            None => Ok(self.org.top_unit().await?.id),
        }
    }

    /// DELETE: the group is removed.
    async fn delete_group(&self, actor: &Actor, id: ScimGroupId) -> CoreResult<()> {
        let audit = NewAuditEntry::by(actor, "scim_group.delete", "scim_group", id);
        if self
            .port
            .delete_scim_group(
                id,
                &self.env.config().scim_groups,
                &Work::new(self.env.now(), audit),
            )
            .await?
        {
            Ok(())
        } else {
            Err(CoreError::NotFound("group"))
        }
    }

    async fn save_group(
        &self,
        actor: &Actor,
        id: ScimGroupId,
        doc: &Value,
        version: Option<i64>,
    ) -> CoreResult<()> {
        let (display_name, external_id, values) = rules::group_input(doc)?;
        // A member that is a person's id is that person; any other value
        // is kept as written and grants nothing.
        let mut members: Vec<(String, Option<PersonId>)> = vec![];
        for v in values {
            if members.iter().any(|(m, _)| *m == v) {
                continue;
            }
            let person = match v.parse::<uuid::Uuid>() {
                Ok(u) => self
                    .port
                    .scim_user(u.into())
                    .await?
                    .filter(|p| !p.deleted)
                    .map(|p| p.id),
                Err(_) => None,
            };
            members.push((v, person));
        }
        let draft = GroupDraft {
            id,
            display_name,
            external_id,
            members,
        };
        let action = if version.is_some() {
            "scim_group.update"
        } else {
            "scim_group.create"
        };
        let audit = NewAuditEntry::by(actor, action, "scim_group", id).after(serde_json::json!({
            "display_name": draft.display_name,
            "external_id": draft.external_id,
            "members": draft.members.iter().map(|(v, _)| v).collect::<Vec<_>>(),
        }));
        self.port
            .save_scim_group(
                &draft,
                version,
                &self.env.config().scim_groups,
                &Work::new(self.env.now(), audit),
            )
            .await?;
        Ok(())
    }
}

fn provisioned(input: &UserInput) -> Provisioned {
    Provisioned {
        external_id: input.external_id.clone(),
        attributes: Some(input.attributes.clone()),
    }
}

fn parsed(filter: Option<&str>) -> CoreResult<Option<Filter>> {
    match filter.map(str::trim) {
        None | Some("") => Ok(None),
        Some(f) => filter::parse(f)
            .map(Some)
            .map_err(|e| CoreError::invalid("filter", e)),
    }
}

/// The window of the resources matching the filter.
fn page(all: impl Iterator<Item = Value>, f: Option<&Filter>, w: Window) -> Listed {
    let matching: Vec<Value> = all
        .filter(|d| f.is_none_or(|f| filter::matches(f, d)))
        .collect();
    let total = matching.len() as i64;
    let skip = usize::try_from(w.start_index - 1).unwrap_or(0);
    let take = usize::try_from(w.count).unwrap_or(0);
    Listed {
        total,
        start_index: w.start_index,
        resources: matching.into_iter().skip(skip).take(take).collect(),
    }
}
