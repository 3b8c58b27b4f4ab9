//! Who is acting, and the roles a person can hold. Every use case starts
//! from an [`Actor`]; the access policy decides from its roles and the units
//! it manages.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

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
