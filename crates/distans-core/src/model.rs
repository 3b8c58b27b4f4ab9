//! Entities of the organisation and the validated newtypes they are made of.
//! A newtype can only be built through its `parse`, so everything past the
//! edge can trust it ("parse, don't validate").

use serde::{Deserialize, Serialize};
use std::fmt;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::CoreError;

/// A role a person holds. `employee` is everyone; `manager` follows from
/// managing a unit; the others are granted.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Medarbetare.
    Employee,
    /// Personalansvarig chef.
    Manager,
    /// HR-funktionen.
    Hr,
    /// Systemförvaltare / IT.
    Admin,
    /// Revisor eller facklig företrädare: läsbehörighet.
    Auditor,
    /// Kommundirektör / förvaltningschef: may issue temporary decisions.
    Director,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Employee => "employee",
            Role::Manager => "manager",
            Role::Hr => "hr",
            Role::Admin => "admin",
            Role::Auditor => "auditor",
            Role::Director => "director",
        }
    }

    /// Roles that are granted (stored), as opposed to implied.
    pub fn parse_granted(s: &str) -> Result<Role, String> {
        match s.trim().to_lowercase().as_str() {
            "hr" => Ok(Role::Hr),
            "admin" => Ok(Role::Admin),
            "auditor" | "revisor" => Ok(Role::Auditor),
            "director" | "direktör" | "direktor" => Ok(Role::Director),
            other => Err(format!(
                "unknown role \"{other}\" (expected hr, admin, auditor or director)"
            )),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The level of a unit in the tree: kommun → förvaltning → avdelning → enhet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum UnitKind {
    Kommun,
    Forvaltning,
    Avdelning,
    Enhet,
}

impl UnitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Kommun => "kommun",
            UnitKind::Forvaltning => "forvaltning",
            UnitKind::Avdelning => "avdelning",
            UnitKind::Enhet => "enhet",
        }
    }
    pub fn from_depth(depth: usize) -> UnitKind {
        match depth {
            0 => UnitKind::Kommun,
            1 => UnitKind::Forvaltning,
            2 => UnitKind::Avdelning,
            _ => UnitKind::Enhet,
        }
    }
    pub fn parse(s: &str) -> Result<UnitKind, String> {
        match s.trim().to_lowercase().as_str() {
            "kommun" | "region" | "organisation" => Ok(UnitKind::Kommun),
            "forvaltning" | "förvaltning" | "sektor" => Ok(UnitKind::Forvaltning),
            "avdelning" => Ok(UnitKind::Avdelning),
            "enhet" => Ok(UnitKind::Enhet),
            other => Err(format!(
                "unknown unit kind \"{other}\" (expected kommun, förvaltning, avdelning or enhet)"
            )),
        }
    }
}

/// How a person travels to work, for the emission statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommuteMode {
    Car,
    PublicTransport,
    Bicycle,
    Walk,
    CarPool,
}

impl CommuteMode {
    pub fn as_str(self) -> &'static str {
        match self {
            CommuteMode::Car => "car",
            CommuteMode::PublicTransport => "public_transport",
            CommuteMode::Bicycle => "bicycle",
            CommuteMode::Walk => "walk",
            CommuteMode::CarPool => "car_pool",
        }
    }
    /// Accepts the English codes and the Swedish words an HR export uses.
    pub fn parse(s: &str) -> Result<CommuteMode, String> {
        match s.trim().to_lowercase().as_str() {
            "car" | "bil" => Ok(CommuteMode::Car),
            "public_transport" | "kollektivtrafik" | "buss" | "tåg" | "tag" => {
                Ok(CommuteMode::PublicTransport)
            }
            "bicycle" | "cykel" => Ok(CommuteMode::Bicycle),
            "walk" | "gång" | "gang" | "till fots" => Ok(CommuteMode::Walk),
            "car_pool" | "samåkning" | "samakning" => Ok(CommuteMode::CarPool),
            other => Err(format!(
                "unknown commute mode \"{other}\" (expected car/bil, public_transport/kollektivtrafik, bicycle/cykel, walk/gång or car_pool/samåkning)"
            )),
        }
    }
}

macro_rules! string_newtype {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn into_inner(self) -> String {
                self.0
            }
            /// For values this crate generates and knows to be valid.
            #[allow(dead_code)]
            pub(crate) fn trusted(s: String) -> Self {
                $name(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

string_newtype!(
    /// Anställningsnummer: the key that ties a person to the HR system.
    EmployeeNumber
);
string_newtype!(
    /// A sign-in name: lower case, no spaces.
    Username
);
string_newtype!(
    /// An e-mail address, checked for shape only.
    Email
);
string_newtype!(
    /// A skill or task (reception, myndighetsutövning, it-support, lön…), normalised to lower case.
    Skill
);
string_newtype!(
    /// A unit's code in the HR system (kostnadsställe / enhetskod).
    UnitCode
);

fn short_text(s: &str, max: usize) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("must not be empty".into());
    }
    if t.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if t.chars().any(|c| c.is_control()) {
        return Err("must not contain control characters".into());
    }
    Ok(t.to_string())
}

impl EmployeeNumber {
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = short_text(s, 32)?;
        if !t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        {
            return Err(format!(
                "\"{t}\" may only contain letters A–Z, digits, '-', '_' and '.'"
            ));
        }
        Ok(EmployeeNumber(t))
    }
}

impl UnitCode {
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = short_text(s, 64)?;
        if t.chars().any(|c| c.is_whitespace() || c == '|' || c == '/') {
            return Err(format!("\"{t}\" must not contain spaces, '|' or '/'"));
        }
        Ok(UnitCode(t))
    }
}

impl Username {
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim().to_lowercase();
        if t.len() < 2 || t.len() > 64 {
            return Err("must be 2 to 64 characters".into());
        }
        if !t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
        {
            return Err(format!(
                "\"{t}\" may only contain a–z, digits, '.', '_', '-' and '@'"
            ));
        }
        Ok(Username(t))
    }
}

impl Email {
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let ok = t.len() <= 254
            && !t.chars().any(|c| c.is_whitespace() || c.is_control())
            && match t.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                        && !domain.contains('@')
                }
                None => false,
            };
        if ok {
            Ok(Email(t.to_string()))
        } else {
            Err(format!("\"{t}\" is not an e-mail address"))
        }
    }
}

impl Skill {
    pub fn parse(s: &str) -> Result<Self, String> {
        let t: String = s
            .trim()
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("-");
        if t.is_empty() {
            return Err("a skill must not be empty".into());
        }
        if t.chars().count() > 48 {
            return Err(format!("skill \"{t}\" is longer than 48 characters"));
        }
        if !t
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        {
            return Err(format!(
                "skill \"{t}\" may only contain letters, digits and '-'"
            ));
        }
        Ok(Skill(t))
    }
}

/// A name as people write it: trimmed, 1–200 characters.
pub fn parse_name(s: &str) -> Result<String, String> {
    short_text(s, 200)
}

/// En arbetsplats: a site with an address and a number of desks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Site {
    pub id: Uuid,
    pub name: String,
    pub address: String,
    pub desks: i64,
}

/// A unit of the organisation tree (kommun, förvaltning, avdelning, enhet).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Unit {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<Uuid>,
    /// Ancestors and self as `/id/id/…/`; a unit is below another when its
    /// path starts with the other's.
    #[serde(skip)]
    pub path: String,
    pub depth: i64,
    pub manager_id: Option<Uuid>,
    pub site_id: Option<Uuid>,
}

/// A short reference to a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UnitRef {
    pub id: Uuid,
    pub name: String,
}

/// A short reference to a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PersonRef {
    pub id: Uuid,
    pub name: String,
}

/// A person as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Person {
    pub id: Uuid,
    pub employee_number: String,
    pub given_name: String,
    pub family_name: String,
    pub email: Option<String>,
    pub title: Option<String>,
    pub unit_id: Uuid,
    pub site_id: Option<Uuid>,
    pub commute_km: Option<f64>,
    pub commute_mode: Option<CommuteMode>,
    pub skills: Vec<String>,
    /// Granted roles only (hr, admin, auditor).
    pub granted_roles: Vec<Role>,
    pub username: Option<String>,
    pub version: i64,
}

impl Person {
    pub fn name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

/// Who is acting: the signed-in person with the roles and the units they
/// manage. Built once per request from the store.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub person_id: Uuid,
    pub name: String,
    pub unit: UnitRef,
    pub roles: Vec<Role>,
    pub manages: Vec<ManagedUnit>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedUnit {
    pub id: Uuid,
    pub name: String,
    pub path: String,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Does this actor manage `unit_path` or a unit above it?
    pub fn manages_path(&self, unit_path: &str) -> bool {
        self.manages.iter().any(|m| unit_path.starts_with(&m.path))
    }

    /// The roles as shown to clients: employee always, manager when managing.
    pub fn build_roles(granted: &[Role], manages_any: bool) -> Vec<Role> {
        let mut roles = vec![Role::Employee];
        if manages_any {
            roles.push(Role::Manager);
        }
        for r in granted {
            if !roles.contains(r) {
                roles.push(*r);
            }
        }
        roles.sort();
        roles
    }
}

/// A page of a list, as the API returns it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    /// The offset of the next page, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<i64>,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, total: i64, offset: i64) -> Self {
        let end = offset + items.len() as i64;
        let next = if end < total { Some(end) } else { None };
        Page { items, total, next }
    }
}

/// Limit and offset of a list request, bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub limit: i64,
    pub offset: i64,
}

impl Paging {
    pub const MAX_LIMIT: i64 = 500;
    pub const DEFAULT_LIMIT: i64 = 50;

    pub fn parse(limit: Option<i64>, offset: Option<i64>) -> Result<Paging, CoreError> {
        let limit = limit.unwrap_or(Self::DEFAULT_LIMIT);
        let offset = offset.unwrap_or(0);
        if !(1..=Self::MAX_LIMIT).contains(&limit) {
            return Err(CoreError::invalid(
                "limit",
                format!("must be between 1 and {}", Self::MAX_LIMIT),
            ));
        }
        if offset < 0 {
            return Err(CoreError::invalid("offset", "must not be negative"));
        }
        Ok(Paging { limit, offset })
    }
}

impl Default for Paging {
    fn default() -> Self {
        Paging {
            limit: Self::DEFAULT_LIMIT,
            offset: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newtypes_parse_and_refuse() {
        assert!(EmployeeNumber::parse(" 10023 ").is_ok());
        assert!(EmployeeNumber::parse("").is_err());
        assert!(EmployeeNumber::parse("a b").is_err());
        assert_eq!(
            Username::parse("Anna").map(|u| u.into_inner()),
            Ok("anna".into())
        );
        assert!(Username::parse("a").is_err());
        assert!(Username::parse("anna lind").is_err());
        assert!(Email::parse("anna@kommun.se").is_ok());
        assert!(Email::parse("anna@kommun").is_err());
        assert!(Email::parse("@kommun.se").is_err());
        assert_eq!(
            Skill::parse(" Myndighetsutövning ").map(|s| s.into_inner()),
            Ok("myndighetsutövning".into())
        );
        assert_eq!(
            Skill::parse("IT support").map(|s| s.into_inner()),
            Ok("it-support".into())
        );
        assert!(Skill::parse("a;b").is_err());
        assert!(UnitCode::parse("K 1").is_err());
        assert_eq!(
            CommuteMode::parse("Kollektivtrafik"),
            Ok(CommuteMode::PublicTransport)
        );
        assert!(CommuteMode::parse("raket").is_err());
        assert_eq!(UnitKind::parse("Förvaltning"), Ok(UnitKind::Forvaltning));
    }

    #[test]
    fn paging_is_bounded() {
        assert!(Paging::parse(Some(0), None).is_err());
        assert!(Paging::parse(Some(501), None).is_err());
        assert!(Paging::parse(None, Some(-1)).is_err());
        assert_eq!(Paging::parse(None, None).ok(), Some(Paging::default()));
        let p: Page<i32> = Page::new(vec![1, 2], 5, 0);
        assert_eq!(p.next, Some(2));
        let p: Page<i32> = Page::new(vec![1], 3, 2);
        assert_eq!(p.next, None);
    }
}
