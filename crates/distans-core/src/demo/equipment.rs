//! The demo's equipment: an inventory and a few loans.

use serde_json::json;
use uuid::Uuid;

use crate::demo::service::{demo_audit, DemoService};
use crate::equipment::model::*;
use crate::kernel::CoreResult;

/// The demo's inventory: (kind, identifier, description).
const DEMO_ITEMS: &[(ItemKind, &str, &str)] = &[
    (ItemKind::Laptop, "DL-1001", "Dell Latitude 5450, 14\""),
    (ItemKind::Laptop, "DL-1002", "Dell Latitude 5450, 14\""),
    (ItemKind::Laptop, "DL-1003", "Dell Latitude 5450, 14\""),
    (ItemKind::Laptop, "DL-1004", "Dell Latitude 7450, 14\""),
    (ItemKind::Laptop, "LN-2001", "Lenovo ThinkPad T14"),
    (ItemKind::Laptop, "LN-2002", "Lenovo ThinkPad T14"),
    (ItemKind::Phone, "TEL-3001", "iPhone 15 med laddare"),
    (ItemKind::Phone, "TEL-3002", "iPhone 15 med laddare"),
    (
        ItemKind::Phone,
        "TEL-3003",
        "Samsung Galaxy A55 med laddare",
    ),
    (ItemKind::Screen, "SKR-4001", "Skärm Dell 27\" USB-C"),
    (ItemKind::Screen, "SKR-4002", "Skärm Dell 27\" USB-C"),
    (ItemKind::Screen, "SKR-4003", "Skärm Dell 24\""),
    (
        ItemKind::Keyboard,
        "TB-5001",
        "Tangentbord Logitech, svensk layout",
    ),
    (
        ItemKind::Keyboard,
        "TB-5002",
        "Tangentbord Logitech, svensk layout",
    ),
    (ItemKind::Mouse, "MUS-6001", "Ergonomisk mus, vertikal"),
    (ItemKind::Mouse, "MUS-6002", "Mus Logitech M720"),
    (ItemKind::Headset, "HS-7001", "Headset Jabra Evolve2 55"),
    (ItemKind::Headset, "HS-7002", "Headset Jabra Evolve2 55"),
    (
        ItemKind::DockingStation,
        "DS-8001",
        "Dockningsstation Dell WD19",
    ),
    (
        ItemKind::LaptopStand,
        "ST-9001",
        "Laptopställ, höj- och sänkbart",
    ),
];

/// The demo's loans: (username of the borrower, identifier, username of the lender).
const DEMO_LOANS: &[(&str, &str, &str)] = &[
    ("anna", "DL-1001", "chef"),
    ("anna", "TEL-3001", "chef"),
    ("chef", "DL-1002", "hr"),
    ("bo", "LN-2001", "bygg"),
    ("bo", "TEL-3003", "bygg"),
];

impl DemoService {
    /// A small inventory and a few loans (basic equipment) to the demo's
    /// sign-ins; nothing if the inventory has items already.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn load_equipment(&self) -> CoreResult<()> {
        let equipment = &self.d.equipment;
        if equipment.has_items().await? {
            return Ok(());
        }
        let now = self.env.now();
        let mut ids = std::collections::HashMap::new();
        for (kind, ident, desc) in DEMO_ITEMS {
            let item = Item {
                id: Uuid::now_v7().into(),
                kind: *kind,
                category: kind.category(),
                identifier: (*ident).into(),
                description: (*desc).into(),
                state: ItemState::Available,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let a = demo_audit("equipment.create", "equipment", item.id).after(
                json!({"kind": kind.as_str(), "identifier": ident, "description": desc, "state": "available"}),
            );
            equipment.insert_item(&item, a).await?;
            ids.insert(*ident, item.id);
        }
        for (who, ident, by) in DEMO_LOANS {
            let (Some(person), Some(lender), Some(item)) = (
                self.d.identity.person_of_username(who).await?,
                self.d.identity.person_of_username(by).await?,
                ids.get(ident).copied(),
            ) else {
                continue;
            };
            let agreement = equipment.loan_agreement(person, None).await?.map(|g| g.id);
            let loan = NewLoan {
                id: Uuid::now_v7().into(),
                item,
                person,
                agreement,
                lent_by: lender,
                lent_at: now,
            };
            let a = demo_audit("loan.create", "loan", loan.id).after(
                json!({"item": item, "identifier": ident, "person": person, "agreement": agreement}),
            );
            equipment.insert_loan(&loan, a).await?;
        }
        Ok(())
    }
}
