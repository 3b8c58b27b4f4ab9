//! What every part of the API shares: pages of lists, references to units
//! and people, roles and weekdays.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::Wire;

/// A page of a list, as the API returns it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    /// The offset of the next page, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<i64>,
}

impl<A: Wire<B>, B> From<distans_core::kernel::Page<A>> for Page<B> {
    fn from(p: distans_core::kernel::Page<A>) -> Self {
        Page {
            items: p.items.wire(),
            total: p.total,
            next: p.next,
        }
    }
}

/// A short reference to a unit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitRef {
    pub id: Uuid,
    pub name: String,
}
wire_struct!(distans_core::kernel::refs::UnitRef => UnitRef { id, name });

/// A short reference to a person.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonRef {
    pub id: Uuid,
    pub name: String,
}
wire_struct!(distans_core::kernel::refs::PersonRef => PersonRef { id, name });

wire_enum! {
    /// A role a person holds. `employee` is everyone; `manager` follows from
    /// managing a unit; the others are granted.
    #[serde(rename_all = "lowercase")]
    pub enum Role = distans_core::kernel::actor::Role {
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
        /// Arkivansvarig (records officer): the disposal rules, legal holds
        /// and disposal runs.
        Records,
        /// A provisioning client (SCIM), never a person.
        Provisioning,
    }
}

wire_enum! {
    /// Monday to Friday.
    #[serde(rename_all = "lowercase")]
    pub enum Weekday = distans_core::kernel::dates::Weekday {
        Mon,
        Tue,
        Wed,
        Thu,
        Fri,
    }
}

wire_enum! {
    /// The language a person reads the product in: pages, notices, e-mails.
    #[serde(rename_all = "lowercase")]
    pub enum Language = distans_core::kernel::Language {
        /// Swedish (the default).
        Sv,
        En,
    }
}
