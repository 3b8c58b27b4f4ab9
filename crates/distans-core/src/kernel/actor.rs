//! Who is acting, and the roles a person can hold. Every use case starts
//! from an [`Actor`]; the access policy decides from its roles and the units
//! it manages.

use crate::kernel::ids::{PersonId, UnitId};
use serde::{Deserialize, Serialize};
use std::fmt;

use crate::kernel::refs::UnitRef;

/// A role a person holds. `employee` is everyone; `manager` follows from
/// managing a unit; the others are granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
    /// Arkivansvarig (records officer): keeps the disposal rules and legal
    /// holds, runs disposal and reads its record; else an employee.
    Records,
    /// A provisioning client (SCIM), never a person: it keeps people and
    /// groups as the identity provider says. Never granted to anyone.
    Provisioning,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Employee,
        Role::Manager,
        Role::Hr,
        Role::Admin,
        Role::Auditor,
        Role::Director,
        Role::Records,
        Role::Provisioning,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Employee => "employee",
            Role::Manager => "manager",
            Role::Hr => "hr",
            Role::Admin => "admin",
            Role::Auditor => "auditor",
            Role::Director => "director",
            Role::Records => "records",
            Role::Provisioning => "provisioning",
        }
    }

    /// Roles that are granted (stored), as opposed to implied.
    pub fn parse_granted(s: &str) -> Result<Role, String> {
        match s.trim().to_lowercase().as_str() {
            "hr" => Ok(Role::Hr),
            "admin" => Ok(Role::Admin),
            "auditor" | "revisor" => Ok(Role::Auditor),
            "director" | "direktör" | "direktor" => Ok(Role::Director),
            "records" | "arkivansvarig" => Ok(Role::Records),
            other => Err(format!(
                "unknown role \"{other}\" (expected hr, admin, auditor, director or records)"
            )),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The language a person reads the product in: its pages, notices and
/// e-mails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Swedish, the default.
    #[default]
    Sv,
    En,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::Sv, Language::En];

    /// The language's code as stored and sent: `sv` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Language::Sv => "sv",
            Language::En => "en",
        }
    }

    /// A language from its code, or what is wrong with it.
    pub fn parse(code: &str) -> Result<Language, String> {
        Language::ALL
            .into_iter()
            .find(|l| l.code() == code.trim())
            .ok_or_else(|| format!("\"{}\" is not a language here: sv or en", code.trim()))
    }
}

/// Who is acting: the signed-in person with the roles and the units they
/// manage. Built once per request from the store.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub person_id: PersonId,
    pub name: String,
    pub unit: UnitRef,
    pub roles: Vec<Role>,
    pub manages: Vec<ManagedUnit>,
    /// The language the person chose (Swedish unless they chose another).
    pub language: Language,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedUnit {
    pub id: UnitId,
    pub name: String,
    pub path: String,
}

impl Actor {
    /// A provisioning client as an actor: no person, only the
    /// `Provisioning` role, named as the audit log shows it ("SCIM (entra)").
    pub fn client(name: &str, unit: UnitRef) -> Actor {
        Actor {
            person_id: PersonId::from_u128(0),
            name: format!("SCIM ({name})"),
            unit,
            roles: vec![Role::Provisioning],
            manages: vec![],
            language: Language::default(),
        }
    }

    /// Is this a provisioning client rather than a person?
    pub fn is_client(&self) -> bool {
        self.has(Role::Provisioning)
    }

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

/// An actor for tests: the person `id` (Karin, of the unit U) with
/// `roles`, managing the units at `paths` (each named M).
#[cfg(test)]
pub(crate) fn test_actor(id: u128, roles: Vec<Role>, paths: &[&str]) -> Actor {
    use uuid::Uuid;
    Actor {
        language: Default::default(),
        person_id: PersonId::from_u128(id),
        name: "Karin".into(),
        unit: UnitRef {
            id: Uuid::from_u128(2).into(),
            name: "U".into(),
        },
        roles,
        manages: paths
            .iter()
            .map(|p| ManagedUnit {
                id: Uuid::from_u128(3).into(),
                name: "M".into(),
                path: p.to_string(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn manager_of(paths: &[&str]) -> Actor {
        test_actor(1, vec![Role::Employee, Role::Manager], paths)
    }

    #[test]
    fn granted_roles_in_english_and_swedish_never_the_implied_ones() {
        assert_eq!(Role::parse_granted(" HR "), Ok(Role::Hr));
        assert_eq!(Role::parse_granted("Revisor"), Ok(Role::Auditor));
        assert_eq!(Role::parse_granted("direktör"), Ok(Role::Director));
        assert_eq!(Role::parse_granted("admin"), Ok(Role::Admin));
        for implied in ["employee", "manager", "chef", "", "provisioning"] {
            assert!(Role::parse_granted(implied).is_err(), "{implied}");
        }
        assert_eq!(Role::Auditor.to_string(), "auditor");
    }

    #[test]
    fn a_manager_manages_their_units_and_everything_below() {
        let m = manager_of(&["/k/s/", "/k/t/u/"]);
        assert!(m.manages_path("/k/s/"));
        assert!(m.manages_path("/k/s/x/y/"));
        assert!(m.manages_path("/k/t/u/v/"));
        assert!(!m.manages_path("/k/"));
        assert!(!m.manages_path("/k/t/"));
        assert!(!m.manages_path("/k/ss/"));
        assert!(!manager_of(&[]).manages_path("/k/"));
        assert!(m.has(Role::Manager) && !m.has(Role::Hr));
    }

    fn role() -> impl Strategy<Value = Role> {
        prop_oneof![
            Just(Role::Employee),
            Just(Role::Manager),
            Just(Role::Hr),
            Just(Role::Admin),
            Just(Role::Auditor),
            Just(Role::Director),
        ]
    }

    proptest! {
        /// Everyone is an employee, a manager exactly when managing, and has
        /// every granted role once, in a stable order.
        #[test]
        fn built_roles_are_complete_sorted_and_unique(
            granted in proptest::collection::vec(role(), 0..8),
            manages in any::<bool>(),
        ) {
            let roles = Actor::build_roles(&granted, manages);
            prop_assert!(roles.contains(&Role::Employee));
            prop_assert!(roles.windows(2).all(|w| w[0] < w[1]), "{roles:?}");
            prop_assert!(granted.iter().all(|g| roles.contains(g)));
            prop_assert_eq!(
                roles.contains(&Role::Manager),
                manages || granted.contains(&Role::Manager)
            );
            prop_assert!(roles.iter().all(|r| *r == Role::Employee || *r == Role::Manager || granted.contains(r)));
        }
    }
}
