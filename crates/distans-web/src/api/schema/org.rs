//! Units and people, the signed-in person and their tokens, the audit log.

use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{PersonRef, Role, UnitRef, Wire};

wire_enum! {
    /// The level of a unit in the tree: kommun → förvaltning → avdelning → enhet.
    #[serde(rename_all = "lowercase")]
    pub enum UnitKind = distans_core::org::UnitKind {
        Kommun,
        Forvaltning,
        Avdelning,
        Enhet,
    }
}

wire_enum! {
    /// How a person travels to work, for the emission statistics.
    #[serde(rename_all = "snake_case")]
    pub enum CommuteMode = distans_core::org::CommuteMode {
        Car,
        PublicTransport,
        Bicycle,
        Walk,
        CarPool,
    }
}

/// En arbetsplats: a site with an address and a number of desks.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Site {
    pub id: Uuid,
    pub name: String,
    pub address: String,
    pub desks: i64,
}
wire_struct!(distans_core::org::Site => Site { id, name, address, desks });

/// What a unit is, in a list and on its own page.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitFacts {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<Uuid>,
    pub depth: i64,
    pub manager: Option<PersonRef>,
    /// People whose home unit this is.
    pub people: i64,
    /// The version to change it at (`PATCH /api/v1/units/{id}`).
    pub version: i64,
}
wire_struct!(distans_core::org::UnitSummary => UnitFacts {
    id, code, name, kind, parent_id, depth, manager, people, version,
});

/// A unit in a list or tree.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitSummary {
    #[serde(flatten)]
    pub unit: UnitFacts,
    /// How many units are directly below.
    pub children: i64,
}

impl From<distans_core::org::UnitSummary> for UnitSummary {
    fn from(u: distans_core::org::UnitSummary) -> Self {
        let children = u.children;
        UnitSummary {
            unit: u.into(),
            children,
        }
    }
}

impl Wire<UnitSummary> for distans_core::org::UnitSummary {
    fn wire(self) -> UnitSummary {
        self.into()
    }
}

/// A unit with what its page shows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitDetail {
    #[serde(flatten)]
    pub unit: UnitFacts,
    /// From the top of the tree down to the parent.
    pub ancestors: Vec<UnitRef>,
    pub children: Vec<UnitSummary>,
    pub site: Option<Site>,
    /// Stands in for the manager, with the manager's rights over the unit.
    pub deputy: Option<PersonRef>,
    /// Set when the unit was closed.
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
}
wire_struct!(distans_core::org::UnitDetail => UnitDetail {
    unit, ancestors, children, site, deputy, closed_at,
});

/// A person in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonSummary {
    pub id: Uuid,
    pub name: String,
    pub employee_number: String,
    pub title: Option<String>,
    pub unit: UnitRef,
    pub manages: Vec<Uuid>,
}
wire_struct!(distans_core::org::PersonSummary => PersonSummary {
    id, name, employee_number, title, unit, manages,
});

/// The signed-in person, as `GET /api/v1/me` shows them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeView {
    pub id: Uuid,
    pub name: String,
    pub roles: Vec<Role>,
    pub unit: UnitRef,
    /// Ids of the units this person manages.
    pub manages: Vec<Uuid>,
}
wire_struct!(distans_core::org::MeView => MeView { id, name, roles, unit, manages });

/// A person as the caller may see them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonView {
    /// What the person sees of themselves at `/me`.
    #[serde(flatten)]
    pub person: MeView,
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
    /// Set once the person is deactivated: they cannot sign in, and are
    /// out of plans and coverage after their last day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departure: Option<Departure>,
    /// `full` or `directory`: how much of the person the caller sees.
    pub visibility: String,
    /// The version to change them at (`PATCH /api/v1/people/{id}`).
    pub version: i64,
}

/// When a person was deactivated, their last day, and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Departure {
    #[serde(with = "time::serde::rfc3339")]
    pub deactivated_at: OffsetDateTime,
    pub last_day: time::Date,
    pub reason: Option<String>,
}
wire_struct!(distans_core::org::Departure => Departure { deactivated_at, last_day, reason });

impl From<distans_core::org::PersonView> for PersonView {
    fn from(v: distans_core::org::PersonView) -> Self {
        Self {
            person: MeView {
                id: v.id.into(),
                name: v.name,
                roles: v.roles.wire(),
                unit: v.unit.into(),
                manages: v.manages.wire(),
            },
            employee_number: v.employee_number,
            given_name: v.given_name,
            family_name: v.family_name,
            email: v.email,
            title: v.title,
            manager: v.manager.wire(),
            managed_units: v.managed_units.wire(),
            site: v.site.wire(),
            skills: v.skills,
            commute_km: v.commute_km,
            commute_mode: v.commute_mode.wire(),
            username: v.username,
            departure: v.departure.wire(),
            visibility: v.visibility,
            version: v.version,
        }
    }
}

impl Wire<PersonView> for distans_core::org::PersonView {
    fn wire(self) -> PersonView {
        self.into()
    }
}

/// A personal API token, without its secret.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
}
wire_struct!(distans_core::identity::ApiToken => ApiToken {
    id, name, created_at, last_used_at, expires_at,
});

/// A new token: the secret is shown this once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NewToken {
    #[serde(flatten)]
    pub token: ApiToken,
    pub secret: String,
}
wire_struct!(distans_core::identity::NewToken => NewToken { token, secret });

/// An entry as stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEntry {
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub actor_id: Option<Uuid>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    #[schema(value_type = Option<Object>)]
    pub before: Option<Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<Value>,
    pub prev_hash: String,
    pub hash: String,
}
impl From<distans_core::audit::AuditEntry> for AuditEntry {
    fn from(v: distans_core::audit::AuditEntry) -> Self {
        let e = v.entry;
        AuditEntry {
            seq: v.seq,
            at: v.at,
            actor_id: e.actor_id.map(|p| p.uuid()),
            actor: e.actor,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            before: e.before,
            after: e.after,
            prev_hash: v.prev_hash,
            hash: v.hash,
        }
    }
}

impl super::Wire<AuditEntry> for distans_core::audit::AuditEntry {
    fn wire(self) -> AuditEntry {
        AuditEntry::from(self)
    }
}

/// The result of checking the chain.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChainReport {
    pub ok: bool,
    pub entries: i64,
    /// The first entry that does not fit, if any.
    pub broken_at: Option<i64>,
    pub problem: Option<String>,
}
wire_struct!(distans_core::audit::ChainReport => ChainReport { ok, entries, broken_at, problem });
