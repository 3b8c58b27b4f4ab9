//! Equipment (the inventory and loans) and the redeployment view.

use serde::Serialize;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use super::cases::AgreementState;
use super::plan::PlanDay;
use super::{PersonRef, UnitRef, Wire};

wire_enum! {
    /// What an item is.
    #[serde(rename_all = "snake_case")]
    pub enum ItemKind = distans_core::equipment::ItemKind {
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
}

wire_enum! {
    /// The policy's two kinds of equipment.
    #[serde(rename_all = "snake_case")]
    pub enum Category = distans_core::equipment::Category {
        /// Basic IT equipment: may always be used elsewhere.
        Basic,
        /// An extra aid: only above the policy's days a week.
        ExtraAid,
    }
}

wire_enum! {
    /// Where an item is.
    #[serde(rename_all = "snake_case")]
    pub enum ItemState = distans_core::equipment::ItemState {
        Available,
        OnLoan,
        InRepair,
        Retired,
    }
}

/// An item as a loan shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemRef {
    pub id: Uuid,
    pub kind: ItemKind,
    /// From the kind: `basic` or `extra_aid`.
    pub category: Category,
    /// Serial or inventory number, unique.
    pub identifier: String,
    pub description: String,
}
wire_struct!(distans_core::equipment::ItemRef => ItemRef {
    id, kind, category, identifier, description,
});

/// An item of the inventory.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Item {
    /// What a loan shows of the item.
    #[serde(flatten)]
    pub item: ItemRef,
    pub state: ItemState,
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<distans_core::equipment::Item> for Item {
    fn from(v: distans_core::equipment::Item) -> Self {
        Self {
            item: ItemRef {
                id: v.id.into(),
                kind: v.kind.into(),
                category: v.category.into(),
                identifier: v.identifier,
                description: v.description,
            },
            state: v.state.into(),
            version: v.version,
            created_at: v.created_at,
            updated_at: v.updated_at,
        }
    }
}

impl Wire<Item> for distans_core::equipment::Item {
    fn wire(self) -> Item {
        self.into()
    }
}

/// The agreement a loan was made under, as far as the loan needs it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LoanAgreement {
    pub id: Uuid,
    pub days_per_week: u8,
    /// As stored: `awaiting_signatures`, `active`, `ended`.
    pub state: AgreementState,
    /// Its last day, when it has one (an end date or a notice given).
    pub last_day: Option<Date>,
}
wire_struct!(distans_core::equipment::LoanAgreement => LoanAgreement {
    id, days_per_week, state, last_day,
});

/// A loan of an item to a person.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Loan {
    pub id: Uuid,
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
}
wire_struct!(distans_core::equipment::Loan => Loan {
    id, item, person, unit, agreement, lent_by, lent_at, returned_at, returned_by, return_state,
    version,
});

/// One person's row.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RedeployRow {
    pub person: PersonRef,
    pub unit: UnitRef,
    pub skills: Vec<String>,
    /// Workdays in the period.
    pub workdays: i64,
    /// Workdays not absent.
    pub available_days: i64,
    pub remote_days: i64,
    pub workplace_days: i64,
    /// At another place of work.
    pub other_days: i64,
    pub absent_days: i64,
    /// The plan, workday by workday.
    pub days: Vec<PlanDay>,
}
wire_struct!(distans_core::redeployment::RedeployRow => RedeployRow {
    person, unit, skills, workdays, available_days, remote_days, workplace_days, other_days,
    absent_days, days,
});

/// A page of the view.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RedeployPage {
    pub items: Vec<RedeployRow>,
    /// Pass as `after` for the next page, when there may be more.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<Uuid>,
}
wire_struct!(distans_core::redeployment::RedeployPage => RedeployPage { items, next });
