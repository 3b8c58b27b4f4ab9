//! Entities of the organisation and the validated newtypes they are made of.
//! A newtype can only be built through its `parse`, so everything past the
//! edge can trust it ("parse, don't validate").

use crate::kernel::ids::{PersonId, UnitId};
use crate::kernel::SiteId;
use serde::{Deserialize, Serialize};
use std::fmt;
use time::{Date, OffsetDateTime};

use crate::kernel::csv::RowError;
use crate::kernel::refs::{PersonRef, UnitRef};
use crate::kernel::text::short_text;
use crate::kernel::{Message, NewAuditEntry, Notice, Role};
use crate::string_newtype;

/// The level of a unit in the tree: kommun → förvaltning → avdelning → enhet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

string_newtype!(
    /// Anställningsnummer: the key that ties a person to the HR system (at
    /// most 64 characters: an identity provider's key, such as a GUID, fits).
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

impl EmployeeNumber {
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = short_text(s, 64)?;
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

/// En arbetsplats: a site with an address and a number of desks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Site {
    pub id: SiteId,
    pub name: String,
    pub address: String,
    pub desks: i64,
}

/// A unit of the organisation tree (kommun, förvaltning, avdelning, enhet).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub id: UnitId,
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<UnitId>,
    /// Ancestors and self as `/id/id/…/`; a unit is below another when its
    /// path starts with the other's.
    #[serde(skip)]
    pub path: String,
    pub depth: i64,
    pub manager_id: Option<PersonId>,
    pub site_id: Option<SiteId>,
}

/// A person as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    pub employee_number: String,
    pub given_name: String,
    pub family_name: String,
    pub email: Option<String>,
    pub title: Option<String>,
    pub unit_id: UnitId,
    pub site_id: Option<SiteId>,
    pub commute_km: Option<f64>,
    pub commute_mode: Option<CommuteMode>,
    pub skills: Vec<String>,
    /// Granted roles only (hr, admin, auditor).
    pub granted_roles: Vec<Role>,
    pub username: Option<String>,
    /// Set once the person is deactivated.
    pub departure: Option<Departure>,
    pub version: i64,
}

/// A person's departure: when they were deactivated, their last day, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Departure {
    #[serde(with = "time::serde::rfc3339")]
    pub deactivated_at: OffsetDateTime,
    /// The last day they work; from the day after they are out of plans,
    /// coverage and the planner.
    pub last_day: Date,
    pub reason: Option<String>,
}

impl Person {
    pub fn name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

/// A unit in a list or tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitSummary {
    pub id: UnitId,
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<UnitId>,
    pub depth: i64,
    pub manager: Option<PersonRef>,
    /// People whose home unit this is.
    pub people: i64,
    /// Units directly below.
    pub children: i64,
    /// The version to edit it at.
    pub version: i64,
}

/// A unit with what its page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitDetail {
    #[serde(flatten)]
    pub unit: UnitSummary,
    /// From the top of the tree down to the parent.
    pub ancestors: Vec<UnitRef>,
    pub children: Vec<UnitSummary>,
    pub site: Option<Site>,
    /// Stands in for the manager, with the manager's rights over the unit.
    pub deputy: Option<PersonRef>,
    /// Set when the unit was closed (it is then out of the tree).
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    #[serde(skip)]
    pub path: String,
}

/// A person in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonSummary {
    pub id: PersonId,
    pub name: String,
    pub employee_number: String,
    pub title: Option<String>,
    pub unit: UnitRef,
    pub manages: Vec<UnitId>,
}

/// A person with everything any caller may be shown; the service cuts it
/// down to what the caller may see.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonRecord {
    pub person: Person,
    pub unit: UnitRef,
    pub unit_path: String,
    pub manages: Vec<UnitRef>,
    pub manager: Option<PersonRef>,
    pub site: Option<Site>,
}

/// Numbers for start pages.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrgCounts {
    pub units: i64,
    pub people: i64,
    pub sites: i64,
    pub desks: i64,
    pub accounts: i64,
    pub audit_entries: i64,
}

/// Which people a list covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeopleFilter {
    /// Everyone.
    All,
    /// Those whose home unit is this one.
    Unit(UnitId),
    /// Those whose home unit is at or below any of these unit paths.
    Under(Vec<String>),
}

/// The signed-in person, as `GET /api/v1/me` shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeView {
    pub id: PersonId,
    pub name: String,
    pub roles: Vec<Role>,
    pub unit: UnitRef,
    /// Ids of the units this person manages.
    pub manages: Vec<UnitId>,
}

/// A person as the caller may see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonView {
    pub id: PersonId,
    pub name: String,
    pub roles: Vec<Role>,
    pub unit: UnitRef,
    pub manages: Vec<UnitId>,
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
    /// Set once the person is deactivated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departure: Option<Departure>,
    /// `full` or `directory`: how much of the person the caller sees.
    pub visibility: String,
    /// The version to change them at (`PATCH /api/v1/people/{id}`).
    pub version: i64,
}

/// The organisation as an import file describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteRow {
    pub name: String,
    pub address: String,
    pub desks: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnitRow {
    pub line: u64,
    pub code: UnitCode,
    pub name: String,
    pub kind: Option<UnitKind>,
    pub parent_code: Option<UnitCode>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PersonRow {
    pub line: u64,
    pub employee_number: EmployeeNumber,
    pub given_name: String,
    pub family_name: String,
    pub email: Option<Email>,
    pub title: Option<String>,
    pub unit_code: UnitCode,
    pub site_name: Option<String>,
    pub skills: Vec<Skill>,
    pub commute_km: Option<f64>,
    pub commute_mode: Option<CommuteMode>,
    /// `None` when the file has no roles column: roles are left as they are.
    pub roles: Option<Vec<Role>>,
    pub username: Option<Username>,
    pub manages: Vec<UnitCode>,
}

/// The organisation as a file describes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrgData {
    pub sites: Vec<SiteRow>,
    pub units: Vec<UnitRow>,
    pub people: Vec<PersonRow>,
    /// The file's column names, in its order (to name an error's column).
    pub header: Vec<String>,
    /// What was wrong with rows of the file (those rows are left out
    /// above); the import reports them with what it finds itself, in one go.
    pub problems: Vec<RowError>,
}

/// What is stored now, as far as an import needs to know it.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub sites: Vec<Site>,
    pub units: Vec<Unit>,
    pub people: Vec<Person>,
}

/// What an import will write.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub sites: Vec<Site>,
    /// New and changed units, parents before children. `manager_id` is set
    /// afterwards by `managers` (people may be new).
    pub units: Vec<Unit>,
    pub people: Vec<Person>,
    /// (unit, manager) for every unit whose manager changes.
    pub managers: Vec<(UnitId, Option<PersonId>)>,
    pub audit: Vec<NewAuditEntry>,
    pub report: ImportReport,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub sites_created: u64,
    pub sites_updated: u64,
    pub units_created: u64,
    pub units_updated: u64,
    pub people_created: u64,
    pub people_updated: u64,
    pub people_unchanged: u64,
}

/// The ids of the units on a unit path (`/id/id/…/`), from the top down.
pub fn unit_chain(path: &str) -> Vec<UnitId> {
    path.split('/').filter_map(|s| s.parse().ok()).collect()
}

/// The path of `unit` within a path that passes through it.
pub fn path_to(path: &str, unit: UnitId) -> Option<String> {
    let key = format!("/{unit}/");
    path.find(&key).map(|i| path[..i + key.len()].to_string())
}

/// A notice to the person of `to`, at their e-mail address if they have one.
pub fn notice(to: &PersonRecord, kind: &str, message: Message) -> Notice {
    Notice {
        person_id: to.person.id,
        email: to.person.email.clone(),
        kind: kind.into(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn paths() {
        let a = UnitId::from_u128(1);
        let b = UnitId::from_u128(2);
        let p = format!("/{a}/{b}/");
        assert_eq!(unit_chain(&p), vec![a, b]);
        assert_eq!(path_to(&p, a), Some(format!("/{a}/")));
        assert_eq!(path_to(&p, b), Some(p.clone()));
        assert_eq!(path_to(&p, Uuid::from_u128(3).into()), None);
    }

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
}
