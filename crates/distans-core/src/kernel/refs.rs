//! Short references to a unit or a person: an id with the name people read.

use crate::kernel::ids::{PersonId, UnitId};
use serde::{Deserialize, Serialize};

/// A short reference to a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRef {
    pub id: UnitId,
    pub name: String,
}

/// A short reference to a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRef {
    pub id: PersonId,
    pub name: String,
}
