//! The organisation edited in the app: units created, renamed, moved,
//! given a manager and deputy, and closed; sites added and changed. Each
//! change is one transaction with its audit entry, at the version the
//! editor saw (else a conflict). The rules are pure and tested here.

use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::access::{self, Action, Kind};
use crate::kernel::text::short_text;
use crate::kernel::{Actor, CoreError, CoreResult, NewAuditEntry, PersonId, SiteId, UnitId, Work};
use crate::org::model::{Site, Unit, UnitDetail, UnitKind};
use crate::org::service::OrgService;

/// A new unit, as HR asks for it.
#[derive(Debug, Clone, Default)]
pub struct NewUnit {
    pub name: String,
    pub parent: Option<UnitId>,
    /// Default: one level below the parent's kind.
    pub kind: Option<String>,
    /// The code the HR system knows it by; default made from its id.
    pub code: Option<String>,
}

/// What changes about a unit; `None` keeps it. For the people, `Some(None)`
/// removes them.
#[derive(Debug, Clone, Default)]
pub struct UnitChange {
    pub name: Option<String>,
    pub parent: Option<UnitId>,
    pub manager: Option<Option<PersonId>>,
    pub deputy: Option<Option<PersonId>>,
    pub site: Option<Option<SiteId>>,
    /// The version the editor saw.
    pub version: i64,
}

/// A unit as it is to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitWrite {
    pub id: UnitId,
    pub name: String,
    pub manager: Option<PersonId>,
    pub deputy: Option<PersonId>,
    pub site: Option<SiteId>,
    /// When it moves: its parent, and its path and depth before and after
    /// (the units below move with it).
    pub moved: Option<Move>,
}

/// A unit moving in the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub parent: UnitId,
    pub old_path: String,
    pub new_path: String,
    /// How much deeper (or, negative, higher) the unit and those below it go.
    pub depth_change: i64,
}

/// A site as HR gives it: for a new one every field; for a change, the
/// fields that change and the version seen.
#[derive(Debug, Clone, Default)]
pub struct SiteInput {
    pub name: Option<String>,
    pub address: Option<String>,
    pub desks: Option<i64>,
    pub version: Option<i64>,
}

/// The most desks one site may have.
pub const MAX_DESKS: i64 = 100_000;

fn field(name: &str, r: Result<String, String>) -> CoreResult<String> {
    r.map_err(|m| CoreError::invalid(name, m))
}

/// A unit's name: trimmed, 1–200 characters.
pub fn unit_name(s: &str) -> CoreResult<String> {
    field("name", short_text(s, 200))
}

/// A unit's code: trimmed, 1–50 characters, no spaces.
pub fn unit_code(s: &str) -> CoreResult<String> {
    let c = field("code", short_text(s, 50))?;
    if c.chars().any(char::is_whitespace) {
        return Err(CoreError::invalid("code", "must not contain spaces"));
    }
    Ok(c)
}

/// The kind a unit below `parent` gets unless told otherwise.
pub fn kind_below(parent: UnitKind) -> UnitKind {
    match parent {
        UnitKind::Kommun => UnitKind::Forvaltning,
        UnitKind::Forvaltning => UnitKind::Avdelning,
        UnitKind::Avdelning | UnitKind::Enhet => UnitKind::Enhet,
    }
}

/// Where a unit goes when it moves below `parent`: refused when the parent
/// is the unit itself or below it (the tree would have a loop).
pub fn moved(unit: &UnitDetail, parent: &UnitDetail) -> CoreResult<Move> {
    if parent.path.starts_with(&unit.path) {
        return Err(CoreError::Rule {
            field: Some("parent_id".into()),
            message: format!(
                "{} cannot be moved below itself or a unit below it",
                unit.unit.name
            ),
        });
    }
    Ok(Move {
        parent: parent.unit.id,
        old_path: unit.path.clone(),
        new_path: format!("{}{}/", parent.path, unit.unit.id),
        depth_change: parent.unit.depth + 1 - unit.unit.depth,
    })
}

/// A unit may close once nobody has it as home unit and no open unit is
/// below it.
pub fn may_close(unit: &UnitDetail) -> CoreResult<()> {
    if unit.unit.people > 0 {
        return Err(CoreError::Rule {
            field: Some("unit".into()),
            message: format!(
                "{} still has {} people: move them to another unit first",
                unit.unit.name, unit.unit.people
            ),
        });
    }
    if unit.unit.children > 0 {
        return Err(CoreError::Rule {
            field: Some("unit".into()),
            message: format!(
                "{} has units below it: move or close them first",
                unit.unit.name
            ),
        });
    }
    Ok(())
}

/// A new site from its input: every field given and valid.
pub fn new_site(id: SiteId, input: &SiteInput) -> CoreResult<Site> {
    let name = field("name", short_text(input.name.as_deref().unwrap_or(""), 200))?;
    let address = field(
        "address",
        short_text(input.address.as_deref().unwrap_or(""), 300),
    )?;
    let desks = desks(input.desks.unwrap_or(0))?;
    Ok(Site {
        id,
        name,
        address,
        desks,
    })
}

/// A site with the input's changes.
pub fn changed_site(site: &Site, input: &SiteInput) -> CoreResult<Site> {
    let mut next = site.clone();
    if let Some(n) = &input.name {
        next.name = field("name", short_text(n, 200))?;
    }
    if let Some(a) = &input.address {
        next.address = field("address", short_text(a, 300))?;
    }
    if let Some(d) = input.desks {
        next.desks = desks(d)?;
    }
    Ok(next)
}

fn desks(d: i64) -> CoreResult<i64> {
    if (0..=MAX_DESKS).contains(&d) {
        Ok(d)
    } else {
        Err(CoreError::invalid(
            "desks",
            format!("must be between 0 and {MAX_DESKS}"),
        ))
    }
}

fn audit(actor: &Actor, action: &str, entity: &str, id: impl ToString) -> NewAuditEntry {
    NewAuditEntry::by(actor, action, entity, id)
}

impl OrgService {
    fn may_edit(&self, actor: &Actor) -> CoreResult<()> {
        access::authorize(actor, Action::Plain(Kind::EditOrganisation))
    }

    /// Creates a unit below another.
    #[tracing::instrument(skip_all)]
    pub async fn create_unit(&self, actor: &Actor, input: &NewUnit) -> CoreResult<UnitDetail> {
        self.may_edit(actor)?;
        let name = unit_name(&input.name)?;
        let parent_id = input
            .parent
            .ok_or_else(|| CoreError::invalid("parent_id", "choose the unit it belongs under"))?;
        let parent = self.unit_detail_or(parent_id, "parent_id").await?;
        let kind = match input
            .kind
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
        {
            Some(k) => UnitKind::parse(k).map_err(|m| CoreError::invalid("kind", m))?,
            None => kind_below(parent.unit.kind),
        };
        let id: UnitId = Uuid::now_v7().into();
        let code = match &input.code {
            Some(c) if !c.trim().is_empty() => unit_code(c)?,
            _ => format!("U-{}", &id.uuid().simple().to_string()[24..]).to_uppercase(),
        };
        let unit = Unit {
            id,
            code,
            name,
            kind,
            parent_id: Some(parent_id),
            path: format!("{}{}/", parent.path, id),
            depth: parent.unit.depth + 1,
            manager_id: None,
            site_id: None,
        };
        let a = audit(actor, "unit.create", "unit", id).after(json!({
            "name": unit.name, "code": unit.code, "kind": unit.kind.as_str(), "parent_id": parent_id,
        }));
        self.edit
            .insert_unit(&unit, &Work::new(self.env.now(), a))
            .await?;
        self.unit_detail(id).await
    }

    /// Renames, moves, or sets the manager, deputy or site of a unit.
    #[tracing::instrument(skip_all)]
    pub async fn change_unit(
        &self,
        actor: &Actor,
        id: UnitId,
        change: &UnitChange,
    ) -> CoreResult<UnitDetail> {
        self.may_edit(actor)?;
        let unit = self.unit_detail(id).await?;
        let (manager, deputy) = self.edit.unit_people(id).await?;
        let moved = match change.parent {
            Some(p) if Some(p) != unit.unit.parent_id => {
                let parent = self.unit_detail_or(p, "parent_id").await?;
                Some(moved(&unit, &parent)?)
            }
            Some(_) => None,
            None => None,
        };
        for who in [change.manager, change.deputy]
            .into_iter()
            .flatten()
            .flatten()
        {
            self.find_record(who)
                .await?
                .filter(|r| r.person.departure.is_none())
                .ok_or_else(|| {
                    CoreError::invalid("manager", "choose someone in the organisation")
                })?;
        }
        if let Some(Some(site)) = change.site {
            if !self.port.sites().await?.iter().any(|s| s.id == site) {
                return Err(CoreError::invalid("site_id", "choose one of the sites"));
            }
        }
        let write = UnitWrite {
            id,
            name: match &change.name {
                Some(n) => unit_name(n)?,
                None => unit.unit.name.clone(),
            },
            manager: change.manager.unwrap_or(manager),
            deputy: change.deputy.unwrap_or(deputy),
            site: change.site.unwrap_or(unit.site.as_ref().map(|s| s.id)),
            moved,
        };
        let a = audit(actor, "unit.update", "unit", id)
            .before(json!({
                "name": unit.unit.name, "parent_id": unit.unit.parent_id,
                "manager_id": manager, "deputy_id": deputy, "site_id": unit.site.as_ref().map(|s| s.id),
            }))
            .after(json!({
                "name": write.name, "parent_id": write.moved.as_ref().map(|m| m.parent).or(unit.unit.parent_id),
                "manager_id": write.manager, "deputy_id": write.deputy, "site_id": write.site,
            }));
        self.edit
            .update_unit(&write, change.version, &Work::new(self.env.now(), a))
            .await?;
        self.unit_detail(id).await
    }

    /// Closes a unit nobody belongs to any more.
    #[tracing::instrument(skip_all)]
    pub async fn close_unit(&self, actor: &Actor, id: UnitId, version: i64) -> CoreResult<()> {
        self.may_edit(actor)?;
        let unit = self.unit_detail(id).await?;
        may_close(&unit)?;
        if unit.unit.parent_id.is_none() {
            return Err(CoreError::Rule {
                field: Some("unit".into()),
                message: "the organisation's top unit cannot be closed".into(),
            });
        }
        let a = audit(actor, "unit.close", "unit", id).before(json!({"name": unit.unit.name}));
        self.edit
            .close_unit(id, version, &Work::new(self.env.now(), a))
            .await
    }

    /// Adds a site.
    #[tracing::instrument(skip_all)]
    pub async fn create_site(&self, actor: &Actor, input: &SiteInput) -> CoreResult<Site> {
        self.may_edit(actor)?;
        let site = new_site(Uuid::now_v7().into(), input)?;
        let a = audit(actor, "site.create", "site", site.id)
            .after(json!({"name": site.name, "address": site.address, "desks": site.desks}));
        self.edit
            .insert_site(&site, &Work::new(self.env.now(), a))
            .await?;
        Ok(site)
    }

    /// Changes a site's name, address or desks.
    #[tracing::instrument(skip_all)]
    pub async fn change_site(
        &self,
        actor: &Actor,
        id: SiteId,
        input: &SiteInput,
    ) -> CoreResult<(Site, i64)> {
        self.may_edit(actor)?;
        let (site, version) = self
            .edit
            .site_version(id)
            .await?
            .ok_or(CoreError::NotFound("site"))?;
        let next = changed_site(&site, input)?;
        let expected = input.version.unwrap_or(version);
        let a = audit(actor, "site.update", "site", id)
            .before(json!({"name": site.name, "address": site.address, "desks": site.desks}))
            .after(json!({"name": next.name, "address": next.address, "desks": next.desks}));
        self.edit
            .update_site(&next, expected, &Work::new(self.env.now(), a))
            .await?;
        Ok((next, expected + 1))
    }

    /// Every site, with the version to edit it at.
    #[tracing::instrument(skip_all)]
    pub async fn sites_with_versions(&self, _actor: &Actor) -> CoreResult<Vec<(Site, i64)>> {
        self.edit.sites_with_versions().await
    }

    async fn unit_detail_or(&self, id: UnitId, field: &str) -> CoreResult<UnitDetail> {
        self.find_unit(id)
            .await?
            .filter(|u| u.closed_at.is_none())
            .ok_or_else(|| CoreError::invalid(field, "choose an open unit"))
    }
}

/// When a unit was closed, for those reading it.
pub fn closed_on(at: Option<OffsetDateTime>) -> Option<time::Date> {
    at.map(|t| t.date())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::model::UnitSummary;

    fn unit(id: u128, path: &str, depth: i64) -> UnitDetail {
        UnitDetail {
            unit: UnitSummary {
                id: Uuid::from_u128(id).into(),
                code: format!("U{id}"),
                name: format!("Enhet {id}"),
                kind: UnitKind::Enhet,
                parent_id: None,
                depth,
                manager: None,
                people: 0,
                children: 0,
                version: 1,
            },
            ancestors: vec![],
            children: vec![],
            site: None,
            deputy: None,
            closed_at: None,
            path: path.into(),
        }
    }

    #[test]
    fn a_unit_moves_with_its_subtree_and_never_below_itself() {
        let a = unit(1, "/1/", 0);
        let b = unit(2, "/1/2/", 1);
        let c = unit(3, "/1/2/3/", 2);
        let d = unit(4, "/1/4/", 1);
        let m = moved(&c, &d).unwrap();
        assert_eq!(m.new_path, format!("/1/4/{}/", Uuid::from_u128(3)));
        assert_eq!(m.old_path, "/1/2/3/");
        assert_eq!(m.depth_change, 0);
        let up = moved(&c, &a).unwrap();
        assert_eq!(up.depth_change, -1);
        assert!(
            matches!(moved(&b, &c), Err(CoreError::Rule { .. })),
            "below itself"
        );
        assert!(
            matches!(moved(&b, &b), Err(CoreError::Rule { .. })),
            "under itself"
        );
    }

    #[test]
    fn a_unit_closes_only_when_empty() {
        let mut u = unit(1, "/1/", 0);
        assert!(may_close(&u).is_ok());
        u.unit.people = 3;
        let e = may_close(&u).unwrap_err().to_string();
        assert!(e.contains("3 people"), "{e}");
        u.unit.people = 0;
        u.unit.children = 1;
        assert!(may_close(&u).is_err());
    }

    #[test]
    fn names_codes_kinds_and_sites_are_checked() {
        assert_eq!(unit_name("  Kontaktcenter ").unwrap(), "Kontaktcenter");
        assert!(unit_name(" ").is_err());
        assert!(unit_code("A B").is_err());
        assert_eq!(kind_below(UnitKind::Kommun), UnitKind::Forvaltning);
        assert_eq!(kind_below(UnitKind::Enhet), UnitKind::Enhet);
        let s = new_site(
            Uuid::nil().into(),
            &SiteInput {
                name: Some("Stadshuset".into()),
                address: Some("Storgatan 1".into()),
                desks: Some(40),
                version: None,
            },
        )
        .unwrap();
        assert_eq!(s.desks, 40);
        let e = changed_site(
            &s,
            &SiteInput {
                desks: Some(-1),
                ..Default::default()
            },
        );
        assert!(matches!(e, Err(CoreError::Invalid { field, .. }) if field == "desks"));
        let e = new_site(Uuid::nil().into(), &SiteInput::default());
        assert!(matches!(e, Err(CoreError::Invalid { field, .. }) if field == "name"));
    }
}
