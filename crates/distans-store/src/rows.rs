//! Row types: what a query returns, before it becomes an entity.

use sqlx::types::Json;
use time::OffsetDateTime;
use uuid::Uuid;

use distans_core::audit::AuditEntry;
use distans_core::kernel::{PersonRef, Role, UnitRef};
use distans_core::org::UnitSummary;
use distans_core::org::{CommuteMode, Site, Unit, UnitKind};

#[derive(sqlx::FromRow)]
pub struct SiteRow {
    pub id: Uuid,
    pub name: String,
    pub address: String,
    pub desks: i64,
}

impl From<SiteRow> for Site {
    fn from(r: SiteRow) -> Site {
        Site {
            id: r.id,
            name: r.name,
            address: r.address,
            desks: r.desks,
        }
    }
}

pub fn unit_kind(s: &str) -> UnitKind {
    UnitKind::parse(s).unwrap_or(UnitKind::Enhet)
}

#[derive(sqlx::FromRow)]
pub struct UnitRow {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<Uuid>,
    pub path: String,
    pub depth: i64,
    pub manager_id: Option<Uuid>,
    pub site_id: Option<Uuid>,
}

impl From<UnitRow> for Unit {
    fn from(r: UnitRow) -> Unit {
        Unit {
            id: r.id,
            code: r.code,
            name: r.name,
            kind: unit_kind(&r.kind),
            parent_id: r.parent_id,
            path: r.path,
            depth: r.depth,
            manager_id: r.manager_id,
            site_id: r.site_id,
        }
    }
}

/// A unit with its manager's name and counts, for lists.
#[derive(sqlx::FromRow)]
pub struct UnitSummaryRow {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<Uuid>,
    pub depth: i64,
    pub path: String,
    pub manager_id: Option<Uuid>,
    pub manager_given: Option<String>,
    pub manager_family: Option<String>,
    pub site_id: Option<Uuid>,
    pub people: i64,
    pub children: i64,
}

pub const UNIT_SUMMARY_SELECT: &str =
    "SELECT u.id, u.code, u.name, u.kind, u.parent_id, u.depth, u.path, u.manager_id,
        m.given_name AS manager_given, m.family_name AS manager_family, u.site_id,
        (SELECT COUNT(*) FROM people p WHERE p.unit_id = u.id) AS people,
        (SELECT COUNT(*) FROM units c WHERE c.parent_id = u.id) AS children
    FROM units u LEFT JOIN people m ON m.id = u.manager_id";

impl From<UnitSummaryRow> for UnitSummary {
    fn from(r: UnitSummaryRow) -> UnitSummary {
        UnitSummary {
            id: r.id,
            code: r.code,
            name: r.name,
            kind: unit_kind(&r.kind),
            parent_id: r.parent_id,
            depth: r.depth,
            manager: match (r.manager_id, r.manager_given, r.manager_family) {
                (Some(id), Some(g), Some(f)) => Some(PersonRef {
                    id,
                    name: format!("{g} {f}"),
                }),
                _ => None,
            },
            people: r.people,
            children: r.children,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct PersonRow {
    pub id: Uuid,
    pub employee_number: String,
    pub given_name: String,
    pub family_name: String,
    pub email: Option<String>,
    pub title: Option<String>,
    pub unit_id: Uuid,
    pub site_id: Option<Uuid>,
    pub commute_km: Option<f64>,
    pub commute_mode: Option<String>,
    pub version: i64,
    pub username: Option<String>,
}

pub const PERSON_SELECT: &str =
    "SELECT p.id, p.employee_number, p.given_name, p.family_name, p.email, p.title,
        p.unit_id, p.site_id, p.commute_km, p.commute_mode, p.version, a.username
    FROM people p LEFT JOIN accounts a ON a.person_id = p.id";

impl PersonRow {
    pub fn into_person(self, skills: Vec<String>, roles: Vec<Role>) -> distans_core::org::Person {
        distans_core::org::Person {
            id: self.id,
            employee_number: self.employee_number,
            given_name: self.given_name,
            family_name: self.family_name,
            email: self.email,
            title: self.title,
            unit_id: self.unit_id,
            site_id: self.site_id,
            commute_km: self.commute_km,
            commute_mode: self
                .commute_mode
                .as_deref()
                .and_then(|m| CommuteMode::parse(m).ok()),
            skills,
            granted_roles: roles,
            username: self.username,
            version: self.version,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct PersonSummaryRow {
    pub id: Uuid,
    pub given_name: String,
    pub family_name: String,
    pub employee_number: String,
    pub title: Option<String>,
    pub unit_id: Uuid,
    pub unit_name: String,
}

#[derive(sqlx::FromRow)]
pub struct AuditRow {
    pub seq: i64,
    pub at: OffsetDateTime,
    pub actor_id: Option<Uuid>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<Json<serde_json::Value>>,
    pub after: Option<Json<serde_json::Value>>,
    pub prev_hash: String,
    pub hash: String,
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> AuditEntry {
        AuditEntry {
            seq: r.seq,
            at: r.at,
            actor_id: r.actor_id,
            actor: r.actor,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            before: r.before.map(|j| j.0),
            after: r.after.map(|j| j.0),
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct UnitRefRow {
    pub id: Uuid,
    pub name: String,
}

impl From<UnitRefRow> for UnitRef {
    fn from(r: UnitRefRow) -> UnitRef {
        UnitRef {
            id: r.id,
            name: r.name,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct TokenRow {
    pub id: Uuid,
    pub name: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub expires_at: Option<OffsetDateTime>,
}
