//! Equipment lent home: the inventory HR keeps, and the loans a manager or
//! HR makes to a person, linked to the agreement they are made under.

use crate::kernel::ids::PersonId;
use crate::kernel::{AgreementId, ItemId, LoanId};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::agreements::model::AgreementState;
use crate::kernel::{CoreError, CoreResult};
use crate::kernel::{PersonRef, UnitRef};

/// What an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Laptop,
    Phone,
    Screen,
    Keyboard,
    Mouse,
    Headset,
    DockingStation,
    LaptopStand,
    Other,
}

/// The policy's two kinds of equipment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Basic IT equipment: may always be used elsewhere.
    Basic,
    /// An extra aid: only above the policy's days a week.
    ExtraAid,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Basic => "basic",
            Category::ExtraAid => "extra_aid",
        }
    }
}

impl ItemKind {
    pub const ALL: [ItemKind; 9] = [
        ItemKind::Laptop,
        ItemKind::Phone,
        ItemKind::Screen,
        ItemKind::Keyboard,
        ItemKind::Mouse,
        ItemKind::Headset,
        ItemKind::DockingStation,
        ItemKind::LaptopStand,
        ItemKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Laptop => "laptop",
            ItemKind::Phone => "phone",
            ItemKind::Screen => "screen",
            ItemKind::Keyboard => "keyboard",
            ItemKind::Mouse => "mouse",
            ItemKind::Headset => "headset",
            ItemKind::DockingStation => "docking_station",
            ItemKind::LaptopStand => "laptop_stand",
            ItemKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> CoreResult<ItemKind> {
        ItemKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                CoreError::invalid(
                    "kind",
                    format!(
                        "\"{s}\" is not a kind of item (expected one of: {})",
                        ItemKind::ALL.map(|k| k.as_str()).join(", ")
                    ),
                )
            })
    }

    /// Laptops and phones are basic IT equipment; everything else lent
    /// home is an extra aid.
    pub fn category(self) -> Category {
        match self {
            ItemKind::Laptop | ItemKind::Phone => Category::Basic,
            _ => Category::ExtraAid,
        }
    }
}

/// Where an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    Available,
    OnLoan,
    InRepair,
    Retired,
}

impl ItemState {
    pub const ALL: [ItemState; 4] = [
        ItemState::Available,
        ItemState::OnLoan,
        ItemState::InRepair,
        ItemState::Retired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Available => "available",
            ItemState::OnLoan => "on_loan",
            ItemState::InRepair => "in_repair",
            ItemState::Retired => "retired",
        }
    }

    pub fn parse(field: &str, s: &str) -> CoreResult<ItemState> {
        ItemState::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                CoreError::invalid(
                    field,
                    format!(
                        "\"{s}\" is not a state (expected available, on_loan, in_repair or retired)"
                    ),
                )
            })
    }

    /// A state an item may be put in by hand or on return (not on loan:
    /// only a loan does that).
    pub(crate) fn settable(field: &str, s: &str) -> CoreResult<ItemState> {
        match ItemState::parse(field, s)? {
            ItemState::OnLoan => Err(CoreError::invalid(
                field,
                "an item is put on loan by lending it (POST /api/v1/loans)",
            )),
            st => Ok(st),
        }
    }
}

/// An item of the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub id: ItemId,
    pub kind: ItemKind,
    /// From the kind: `basic` or `extra_aid`.
    pub category: Category,
    /// Serial or inventory number, unique.
    pub identifier: String,
    pub description: String,
    pub state: ItemState,
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// An item as a loan shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRef {
    pub id: ItemId,
    pub kind: ItemKind,
    pub category: Category,
    pub identifier: String,
    pub description: String,
}

/// The agreement a loan was made under, as far as the loan needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoanAgreement {
    pub id: AgreementId,
    pub days_per_week: u8,
    /// As stored: `awaiting_signatures`, `active`, `ended`.
    pub state: AgreementState,
    /// Its last day, when it has one (an end date or a notice given).
    pub last_day: Option<Date>,
}

/// A loan of an item to a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Loan {
    pub id: LoanId,
    pub item: ItemRef,
    pub person: PersonRef,
    /// The person's home unit.
    pub unit: UnitRef,
    pub agreement: Option<LoanAgreement>,
    pub lent_by: PersonRef,
    #[serde(with = "time::serde::rfc3339")]
    pub lent_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub returned_at: Option<OffsetDateTime>,
    pub returned_by: Option<PersonRef>,
    /// The item's state after the return.
    pub return_state: Option<ItemState>,
    pub version: i64,
    #[serde(skip)]
    pub unit_path: String,
}

impl Loan {
    pub fn is_open(&self) -> bool {
        self.returned_at.is_none()
    }
}

/// A loan to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLoan {
    pub id: LoanId,
    pub item: ItemId,
    pub person: PersonId,
    pub agreement: Option<AgreementId>,
    pub lent_by: PersonId,
    pub lent_at: OffsetDateTime,
}

/// Filters of the inventory list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemFilter {
    pub state: Option<ItemState>,
    pub kind: Option<ItemKind>,
    /// The start of an identifier, or words of the description.
    pub search: Option<String>,
}

/// Whose loans a list covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoanScope {
    Person(PersonId),
    /// People whose home unit is at or below one of these paths.
    Under(Vec<String>),
    All,
}
