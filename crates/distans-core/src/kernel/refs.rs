//! Short references to a unit or a person: an id with the name people read.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A short reference to a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRef {
    pub id: Uuid,
    pub name: String,
}

/// A short reference to a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRef {
    pub id: Uuid,
    pub name: String,
}
