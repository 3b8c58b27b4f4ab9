//! Equipment lent home (product.md part 12): the inventory HR keeps, and the
//! loans a manager or HR makes to a person, linked to the agreement they
//! are made under.
//!
//! The policy's equipment rule: basic IT equipment (laptop, phone with its
//! accessories) may always be used elsewhere; extra aids (screen, keyboard,
//! mouse, headset, docking station, laptop stand, anything else) may be
//! borrowed home only by people with an agreement of more than
//! `extra_aids_above_days` remote days a week. Furniture is the employee's
//! own and is never in the inventory.
//!
//! When an agreement ends, its open loans are what the manager has to
//! collect ("att hämta in").

use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::{self, Action};
use crate::agreement::{Agreement, AgreementState};
use crate::audit::NewAuditEntry;
use crate::error::{CoreError, CoreResult};
use crate::model::{Actor, Page, Paging, PersonRef, UnitRef};
use crate::request::Notice;
use crate::store::PersonRecord;
use crate::Core;

/// What an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
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
    fn settable(field: &str, s: &str) -> CoreResult<ItemState> {
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Item {
    pub id: Uuid,
    pub kind: ItemKind,
    /// From the kind: `basic` or `extra_aid`.
    pub category: Category,
    /// Serial or inventory number, unique.
    pub identifier: String,
    pub description: String,
    pub state: ItemState,
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

/// An item as a loan shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ItemRef {
    pub id: Uuid,
    pub kind: ItemKind,
    pub category: Category,
    pub identifier: String,
    pub description: String,
}

/// The agreement a loan was made under, as far as the loan needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LoanAgreement {
    pub id: Uuid,
    pub days_per_week: u8,
    /// As stored: `awaiting_signatures`, `active`, `ended`.
    pub state: AgreementState,
    /// Its last day, when it has one (an end date or a notice given).
    #[schema(value_type = Option<String>, format = Date)]
    pub last_day: Option<Date>,
}

/// A loan of an item to a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Loan {
    pub id: Uuid,
    pub item: ItemRef,
    pub person: PersonRef,
    /// The person's home unit.
    pub unit: UnitRef,
    pub agreement: Option<LoanAgreement>,
    pub lent_by: PersonRef,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub lent_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
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
    pub id: Uuid,
    pub item: Uuid,
    pub person: Uuid,
    pub agreement: Option<Uuid>,
    pub lent_by: Uuid,
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
    Person(Uuid),
    /// People whose home unit is at or below one of these paths.
    Under(Vec<String>),
    All,
}

/// The longest identifier and description.
const MAX_IDENTIFIER: usize = 100;
const MAX_DESCRIPTION: usize = 500;

/// Checks an identifier: trimmed, 1–100 characters.
fn identifier(s: &str) -> CoreResult<String> {
    let s = s.trim();
    if s.is_empty() {
        return Err(CoreError::invalid("identifier", "is required"));
    }
    if s.chars().count() > MAX_IDENTIFIER {
        return Err(CoreError::invalid(
            "identifier",
            format!("must be at most {MAX_IDENTIFIER} characters"),
        ));
    }
    Ok(s.to_string())
}

fn description(s: &str) -> CoreResult<String> {
    let s = s.trim();
    if s.chars().count() > MAX_DESCRIPTION {
        return Err(CoreError::invalid(
            "description",
            format!("must be at most {MAX_DESCRIPTION} characters"),
        ));
    }
    Ok(s.to_string())
}

/// Is an agreement one a loan may be made under on `today`: awaiting
/// signatures, or active and not past its last day?
pub fn agreement_is_live(g: &Agreement, today: Date) -> bool {
    matches!(
        g.state_on(today),
        AgreementState::Active | AgreementState::AwaitingSignatures
    )
}

/// The policy's equipment rule (pure): an extra aid needs an agreement of
/// more than `above_days` days a week; basic IT equipment needs nothing.
pub fn check_lending_rule(
    kind: ItemKind,
    agreement_days: Option<u8>,
    above_days: u8,
) -> CoreResult<()> {
    if kind.category() == Category::Basic {
        return Ok(());
    }
    match agreement_days {
        Some(d) if d > above_days => Ok(()),
        Some(d) => Err(CoreError::Rule {
            field: Some("item".into()),
            message: format!(
                "extra aids ({}) may only be borrowed home with an agreement of more than {above_days} remote days a week (the policy's extra_aids_above_days); this agreement has {d}",
                kind.as_str()
            ),
        }),
        None => Err(CoreError::Rule {
            field: Some("item".into()),
            message: format!(
                "extra aids ({}) may only be borrowed home with an agreement of more than {above_days} remote days a week (the policy's extra_aids_above_days); the person has no current agreement",
                kind.as_str()
            ),
        }),
    }
}

fn audit(actor: &Actor, action: &str, entity: &str, id: Uuid) -> NewAuditEntry {
    NewAuditEntry {
        actor_id: Some(actor.person_id),
        actor: actor.name.clone(),
        action: action.into(),
        entity: entity.into(),
        entity_id: id.to_string(),
        before: None,
        after: None,
    }
}

impl Core {
    /// May the actor see the inventory (HR, administrators, managers)?
    pub fn may_list_equipment(&self, actor: &Actor) -> bool {
        access::authorize(actor, Action::ListEquipment).is_ok()
    }

    /// May the actor add items and change their state (HR, administrators)?
    pub fn may_manage_equipment(&self, actor: &Actor) -> bool {
        access::authorize(actor, Action::ManageEquipment).is_ok()
    }

    /// The inventory, filtered, in identifier order.
    pub async fn equipment(
        &self,
        actor: &Actor,
        filter: ItemFilter,
        paging: Paging,
    ) -> CoreResult<Page<Item>> {
        access::authorize(actor, Action::ListEquipment)?;
        if let Some(s) = &filter.search {
            if s.chars().count() > 100 {
                return Err(CoreError::invalid("q", "must be at most 100 characters"));
            }
        }
        self.store.equipment_items(&filter, paging).await
    }

    pub async fn equipment_item(&self, actor: &Actor, id: Uuid) -> CoreResult<Item> {
        access::authorize(actor, Action::ListEquipment)?;
        self.store
            .equipment_item(id)
            .await?
            .ok_or(CoreError::NotFound("item"))
    }

    /// The item with this identifier (for forms that name items by their number).
    pub async fn equipment_item_by_identifier(
        &self,
        actor: &Actor,
        ident: &str,
    ) -> CoreResult<Item> {
        access::authorize(actor, Action::ListEquipment)?;
        let ident = identifier(ident)?;
        self.store
            .equipment_item_by_identifier(&ident)
            .await?
            .ok_or_else(|| {
                CoreError::invalid("item", format!("no item has the number \"{ident}\""))
            })
    }

    /// Adds an item to the inventory (available). 409 if the identifier is taken.
    pub async fn add_equipment(
        &self,
        actor: &Actor,
        kind: &str,
        ident: &str,
        desc: &str,
    ) -> CoreResult<Item> {
        access::authorize(actor, Action::ManageEquipment)?;
        let kind = ItemKind::parse(kind)?;
        let ident = identifier(ident)?;
        let desc = description(desc)?;
        let now = self.now();
        let item = Item {
            id: Uuid::now_v7(),
            kind,
            category: kind.category(),
            identifier: ident,
            description: desc,
            state: ItemState::Available,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let mut a = audit(actor, "equipment.create", "equipment", item.id);
        a.after = Some(
            json!({"kind": kind.as_str(), "identifier": item.identifier, "description": item.description, "state": "available"}),
        );
        self.store.insert_equipment_item(&item, a).await?;
        Ok(item)
    }

    /// Changes an item's state and/or description. Not while it is on loan
    /// (return it first), and never to `on_loan`. With `version`, 409 if it
    /// changed meanwhile.
    pub async fn update_equipment(
        &self,
        actor: &Actor,
        id: Uuid,
        state: Option<&str>,
        desc: Option<&str>,
        version: Option<i64>,
    ) -> CoreResult<Item> {
        access::authorize(actor, Action::ManageEquipment)?;
        let item = self
            .store
            .equipment_item(id)
            .await?
            .ok_or(CoreError::NotFound("item"))?;
        if let Some(v) = version {
            if v != item.version {
                return Err(CoreError::Conflict(
                    "the item was changed meanwhile; reload it and try again".into(),
                ));
            }
        }
        let mut next = item.clone();
        if let Some(s) = state {
            next.state = ItemState::settable("state", s)?;
        }
        if let Some(d) = desc {
            next.description = description(d)?;
        }
        if item.state == ItemState::OnLoan {
            return Err(CoreError::Conflict(
                "the item is on loan: return it first".into(),
            ));
        }
        next.updated_at = self.now();
        next.version = item.version + 1;
        let mut a = audit(actor, "equipment.update", "equipment", id);
        a.before = Some(json!({"state": item.state.as_str(), "description": item.description}));
        a.after = Some(json!({"state": next.state.as_str(), "description": next.description}));
        self.store
            .update_equipment_item(&next, item.version, a)
            .await?;
        Ok(next)
    }

    /// The person's record, if the actor may lend to them (their managers,
    /// HR): 404 for someone who may not see the person, else 403.
    async fn lending_target(&self, actor: &Actor, person: Uuid) -> CoreResult<PersonRecord> {
        let rec = self
            .store
            .person(person)
            .await?
            .ok_or(CoreError::NotFound("person"))?;
        if let Err(e) = access::authorize(
            actor,
            Action::LendEquipment {
                unit_path: &rec.unit_path,
            },
        ) {
            if access::authorize(
                actor,
                Action::ReadLoans {
                    person_id: person,
                    unit_path: &rec.unit_path,
                },
            )
            .is_err()
            {
                return Err(CoreError::NotFound("person"));
            }
            return Err(e);
        }
        Ok(rec)
    }

    /// The agreement a loan to `person` is made under: the one given (which
    /// must be theirs and live), else their current one, if any.
    async fn loan_agreement(
        &self,
        person: Uuid,
        given: Option<Uuid>,
    ) -> CoreResult<Option<Agreement>> {
        let today = self.today();
        match given {
            Some(id) => {
                let g = self
                    .store
                    .agreement(id)
                    .await?
                    .filter(|g| g.person_id == person)
                    .ok_or_else(|| {
                        CoreError::invalid("agreement", "is not an agreement of this person")
                    })?;
                if !agreement_is_live(&g, today) {
                    return Err(CoreError::Conflict(format!(
                        "the agreement is {}: lend under a current agreement",
                        g.state_on(today).as_str()
                    )));
                }
                Ok(Some(g))
            }
            None => {
                let mut live: Vec<Agreement> = self
                    .store
                    .agreements_of(person)
                    .await?
                    .into_iter()
                    .filter(|g| agreement_is_live(g, today))
                    .collect();
                // In force today first, then the active before those awaiting
                // signatures, then the most days a week.
                live.sort_by_key(|g| {
                    (
                        g.start > today,
                        g.state != AgreementState::Active,
                        std::cmp::Reverse(g.days_per_week),
                    )
                });
                Ok(live.into_iter().next())
            }
        }
    }

    /// Lends an item to a person (a manager of the person's unit, or HR):
    /// under the given agreement, else the person's current one. An extra
    /// aid needs an agreement above the policy's days a week (422); an item
    /// that is not available (or lent by someone else at the same moment) is 409.
    pub async fn lend(
        &self,
        actor: &Actor,
        item: Uuid,
        person: Uuid,
        agreement: Option<Uuid>,
    ) -> CoreResult<Loan> {
        let rec = self.lending_target(actor, person).await?;
        let it = self
            .store
            .equipment_item(item)
            .await?
            .ok_or_else(|| CoreError::invalid("item", "no such item"))?;
        if it.state != ItemState::Available {
            return Err(CoreError::Conflict(format!(
                "{} is not available (it is {})",
                it.identifier,
                it.state.as_str()
            )));
        }
        let g = self.loan_agreement(person, agreement).await?;
        let rules = self
            .store
            .policy_on(self.today())
            .await?
            .ok_or_else(|| CoreError::Internal("no policy in force".into()))?
            .rules;
        check_lending_rule(
            it.kind,
            g.as_ref().map(|g| g.days_per_week),
            rules.extra_aids_above_days,
        )?;
        let loan = NewLoan {
            id: Uuid::now_v7(),
            item,
            person,
            agreement: g.as_ref().map(|g| g.id),
            lent_by: actor.person_id,
            lent_at: self.now(),
        };
        let mut a = audit(actor, "loan.create", "loan", loan.id);
        a.after = Some(json!({
            "item": item, "identifier": it.identifier, "kind": it.kind.as_str(),
            "person": person, "person_name": rec.person.name(), "agreement": loan.agreement,
        }));
        self.store.insert_loan(&loan, a).await?;
        self.store
            .loan(loan.id)
            .await?
            .ok_or(CoreError::NotFound("loan"))
    }

    /// Records that a lent item came back, and the item's state after it
    /// (default available). 409 if it was returned already.
    pub async fn return_loan(
        &self,
        actor: &Actor,
        id: Uuid,
        state: Option<&str>,
    ) -> CoreResult<Loan> {
        let loan = self.visible_loan(actor, id).await?;
        access::authorize(
            actor,
            Action::LendEquipment {
                unit_path: &loan.unit_path,
            },
        )?;
        let state = match state.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => ItemState::settable("state", s)?,
            None => ItemState::Available,
        };
        if !loan.is_open() {
            return Err(CoreError::Conflict(
                "the item has been returned already".into(),
            ));
        }
        let mut a = audit(actor, "loan.return", "loan", id);
        a.after = Some(
            json!({"item": loan.item.id, "identifier": loan.item.identifier, "person": loan.person.id, "item_state": state.as_str()}),
        );
        self.store
            .return_loan(id, loan.version, actor.person_id, self.now(), state, a)
            .await?;
        self.store
            .loan(id)
            .await?
            .ok_or(CoreError::NotFound("loan"))
    }

    /// A loan, if the actor may see the person's loans (else 404).
    pub async fn visible_loan(&self, actor: &Actor, id: Uuid) -> CoreResult<Loan> {
        let loan = self
            .store
            .loan(id)
            .await?
            .ok_or(CoreError::NotFound("loan"))?;
        access::authorize(
            actor,
            Action::ReadLoans {
                person_id: loan.person.id,
                unit_path: &loan.unit_path,
            },
        )
        .map_err(|_| CoreError::NotFound("loan"))?;
        Ok(loan)
    }

    /// Loans, newest first: of a person (themselves, their managers, HR),
    /// or without one, everything the actor may see (an employee their own,
    /// a manager their units', HR all).
    pub async fn loans(
        &self,
        actor: &Actor,
        person: Option<Uuid>,
        open_only: bool,
        paging: Paging,
    ) -> CoreResult<Page<Loan>> {
        let scope = match person {
            Some(p) => {
                let rec = self
                    .store
                    .person(p)
                    .await?
                    .ok_or(CoreError::NotFound("person"))?;
                access::authorize(
                    actor,
                    Action::ReadLoans {
                        person_id: p,
                        unit_path: &rec.unit_path,
                    },
                )
                .map_err(|_| CoreError::NotFound("person"))?;
                LoanScope::Person(p)
            }
            None => Self::loan_scope(actor),
        };
        self.store.loans(&scope, open_only, paging).await
    }

    fn loan_scope(actor: &Actor) -> LoanScope {
        if actor.has(crate::model::Role::Hr) {
            LoanScope::All
        } else if !actor.manages.is_empty() {
            LoanScope::Under(actor.manages.iter().map(|m| m.path.clone()).collect())
        } else {
            LoanScope::Person(actor.person_id)
        }
    }

    /// What a person has on loan now, for those who may see it (else empty).
    pub async fn loans_of_person_if_visible(
        &self,
        actor: &Actor,
        person: Uuid,
    ) -> CoreResult<Vec<Loan>> {
        match self
            .loans(
                actor,
                Some(person),
                true,
                Paging {
                    limit: 200,
                    offset: 0,
                },
            )
            .await
        {
            Ok(p) => Ok(p.items),
            Err(CoreError::NotFound(_) | CoreError::Forbidden(_)) => Ok(vec![]),
            Err(e) => Err(e),
        }
    }

    /// May the actor lend to anyone (a manager, HR)?
    pub fn may_lend_anyone(&self, actor: &Actor) -> bool {
        access::authorize(actor, Action::ReadLoansToCollect).is_ok()
    }

    /// May the actor see the person's loans?
    pub async fn may_see_loans_of(&self, actor: &Actor, person: Uuid) -> bool {
        match self.store.person(person).await {
            Ok(Some(rec)) => access::authorize(
                actor,
                Action::ReadLoans {
                    person_id: person,
                    unit_path: &rec.unit_path,
                },
            )
            .is_ok(),
            _ => false,
        }
    }

    /// The person with this employee number, among those the actor may list
    /// (for forms that name people by their number).
    pub async fn person_by_employee_number(&self, actor: &Actor, number: &str) -> CoreResult<Uuid> {
        let number = number.trim();
        if number.is_empty() {
            return Err(CoreError::invalid("employee_number", "is required"));
        }
        let found = self
            .people(
                actor,
                None,
                false,
                Some(number),
                Paging {
                    limit: 20,
                    offset: 0,
                },
            )
            .await?;
        found
            .items
            .into_iter()
            .find(|p| p.employee_number == number)
            .map(|p| p.id)
            .ok_or_else(|| {
                CoreError::invalid(
                    "employee_number",
                    format!("nobody you may lend to has the employee number {number}"),
                )
            })
    }

    /// May the actor lend to (and take back from) this person?
    pub async fn may_lend_to(&self, actor: &Actor, person: Uuid) -> bool {
        self.lending_target(actor, person).await.is_ok()
    }

    /// Open loans under agreements that have ended or are ending (notice
    /// given, or a last day within 14 days): what to collect ("att hämta
    /// in"). Managers see their units', HR all.
    pub async fn loans_to_collect(&self, actor: &Actor, paging: Paging) -> CoreResult<Page<Loan>> {
        access::authorize(actor, Action::ReadLoansToCollect)?;
        let scope = if actor.has(crate::model::Role::Hr) {
            LoanScope::All
        } else {
            LoanScope::Under(actor.manages.iter().map(|m| m.path.clone()).collect())
        };
        let until = self.today() + time::Duration::days(14);
        self.store.loans_to_collect(&scope, until, paging).await
    }

    /// The notice for the person's manager when an agreement with open
    /// loans ends (none when there are none, or nobody else to tell).
    pub(crate) async fn loan_collect_notices(
        &self,
        actor: &Actor,
        g: &Agreement,
        employee: &PersonRecord,
        last: &str,
    ) -> CoreResult<Vec<Notice>> {
        let open = self.store.open_loans_of_agreement(g.id).await?;
        if open.is_empty() {
            return Ok(vec![]);
        }
        let Some(m) = &employee.manager else {
            return Ok(vec![]);
        };
        if m.id == actor.person_id || m.id == g.person_id {
            return Ok(vec![]);
        }
        let Some(manager) = self.store.person(m.id).await? else {
            return Ok(vec![]);
        };
        let items = open
            .iter()
            .map(|l| format!("{} ({})", l.item.identifier, l.item.description))
            .collect::<Vec<_>>()
            .join(", ");
        Ok(vec![Notice {
            person_id: manager.person.id,
            email: manager.person.email.clone(),
            kind: "equipment_to_collect".into(),
            subject: "Utrustning att hämta in".into(),
            body: format!(
                "Överenskommelsen för {} upphör (sista dag: {last}). Utlånad utrustning att hämta in: {items}. /utrustning#hamta-in",
                g.person_name
            ),
            link: "/utrustning#hamta-in".into(),
        }])
    }
}

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

impl Core {
    /// A small inventory and a few loans (basic equipment) to the demo's
    /// sign-ins; nothing if the inventory has items already.
    pub async fn load_demo_equipment(&self) -> CoreResult<()> {
        let any = self
            .store
            .equipment_items(
                &ItemFilter::default(),
                Paging {
                    limit: 1,
                    offset: 0,
                },
            )
            .await?;
        if any.total > 0 {
            return Ok(());
        }
        let now = self.now();
        let demo_audit = |action: &str, entity: &str, id: Uuid, after| NewAuditEntry {
            actor_id: None,
            actor: "demo".into(),
            action: action.into(),
            entity: entity.into(),
            entity_id: id.to_string(),
            before: None,
            after: Some(after),
        };
        let mut ids = std::collections::HashMap::new();
        for (kind, ident, desc) in DEMO_ITEMS {
            let item = Item {
                id: Uuid::now_v7(),
                kind: *kind,
                category: kind.category(),
                identifier: (*ident).into(),
                description: (*desc).into(),
                state: ItemState::Available,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let a = demo_audit(
                "equipment.create",
                "equipment",
                item.id,
                json!({"kind": kind.as_str(), "identifier": ident, "description": desc, "state": "available"}),
            );
            self.store.insert_equipment_item(&item, a).await?;
            ids.insert(*ident, item.id);
        }
        for (who, ident, by) in DEMO_LOANS {
            let (Some(person), Some(lender), Some(item)) = (
                self.store.credentials(who).await?.map(|c| c.0),
                self.store.credentials(by).await?.map(|c| c.0),
                ids.get(ident).copied(),
            ) else {
                continue;
            };
            let agreement = self.loan_agreement(person, None).await?.map(|g| g.id);
            let loan = NewLoan {
                id: Uuid::now_v7(),
                item,
                person,
                agreement,
                lent_by: lender,
                lent_at: now,
            };
            let a = demo_audit(
                "loan.create",
                "loan",
                loan.id,
                json!({"item": item, "identifier": ident, "person": person, "agreement": agreement}),
            );
            self.store.insert_loan(&loan, a).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_and_the_rule() {
        assert_eq!(ItemKind::Laptop.category(), Category::Basic);
        assert_eq!(ItemKind::Phone.category(), Category::Basic);
        assert_eq!(ItemKind::Screen.category(), Category::ExtraAid);
        assert_eq!(
            ItemKind::parse("docking_station").unwrap(),
            ItemKind::DockingStation
        );
        assert_eq!(ItemKind::parse("desk").unwrap_err().field(), Some("kind"));
        assert!(check_lending_rule(ItemKind::Laptop, None, 2).is_ok());
        assert!(check_lending_rule(ItemKind::Screen, Some(3), 2).is_ok());
        let e = check_lending_rule(ItemKind::Screen, Some(2), 2).unwrap_err();
        assert!(matches!(e, CoreError::Rule { .. }));
        assert!(e.to_string().contains("extra_aids_above_days"), "{e}");
        assert!(check_lending_rule(ItemKind::Mouse, None, 2).is_err());
        assert!(ItemState::settable("state", "on_loan").is_err());
        assert_eq!(
            ItemState::settable("state", "in_repair").unwrap(),
            ItemState::InRepair
        );
    }
}
