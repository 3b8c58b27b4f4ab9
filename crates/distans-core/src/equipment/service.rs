//! The inventory, lending and returning; when an agreement ends, its open
//! loans are what the manager has to collect ("att hämta in").

use crate::kernel::ids::PersonId;
use crate::kernel::{AgreementId, ItemId, LoanId};

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::json;
use uuid::Uuid;

use crate::access::{self, Action, Kind};
use crate::agreements::model::{Agreement, AgreementState};
use crate::agreements::service::AgreementEndingHook;
use crate::equipment::model::*;
use crate::equipment::port::EquipmentPort;
use crate::equipment::rules::*;
use crate::kernel::dates::plus_days_clamped;
use crate::kernel::Env;
use crate::kernel::Work;
use crate::kernel::{
    Actor, CoreError, CoreResult, Link, Message, MessageKey, NewAuditEntry, Notice, Page, Paging,
};
use crate::org::model::{notice, PersonRecord};
use crate::org::service::OrgService;
use crate::policy::service::PolicyService;

/// Equipment lent home and collected again.
#[derive(Clone)]
pub struct EquipmentService {
    port: Arc<dyn EquipmentPort>,
    env: Env,
    org: OrgService,
    policy: PolicyService,
}

impl EquipmentService {
    pub(crate) fn new(
        port: Arc<dyn EquipmentPort>,
        env: Env,
        org: OrgService,
        policy: PolicyService,
    ) -> Self {
        EquipmentService {
            port,
            env,
            org,
            policy,
        }
    }
}

impl EquipmentService {
    /// May the actor see the inventory (HR, administrators, managers)?
    pub fn may_list_equipment(&self, actor: &Actor) -> bool {
        access::authorize(actor, Action::Plain(Kind::ListEquipment)).is_ok()
    }

    /// May the actor add items and change their state (HR, administrators)?
    pub fn may_manage_equipment(&self, actor: &Actor) -> bool {
        access::authorize(actor, Action::Plain(Kind::ManageEquipment)).is_ok()
    }

    /// The inventory, filtered, in identifier order.
    #[tracing::instrument(skip_all)]
    pub async fn equipment(
        &self,
        actor: &Actor,
        filter: ItemFilter,
        paging: Paging,
    ) -> CoreResult<Page<Item>> {
        access::authorize(actor, Action::Plain(Kind::ListEquipment))?;
        if let Some(s) = &filter.search {
            if s.chars().count() > 100 {
                return Err(CoreError::invalid("q", "must be at most 100 characters"));
            }
        }
        self.port.equipment_items(&filter, paging).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn equipment_item(&self, actor: &Actor, id: ItemId) -> CoreResult<Item> {
        access::authorize(actor, Action::Plain(Kind::ListEquipment))?;
        self.port
            .equipment_item(id)
            .await?
            .ok_or(CoreError::NotFound("item"))
    }

    /// The item with this identifier (for forms that name items by their number).
    #[tracing::instrument(skip_all)]
    pub async fn equipment_item_by_identifier(
        &self,
        actor: &Actor,
        ident: &str,
    ) -> CoreResult<Item> {
        access::authorize(actor, Action::Plain(Kind::ListEquipment))?;
        let ident = identifier(ident)?;
        self.port
            .equipment_item_by_identifier(&ident)
            .await?
            .ok_or_else(|| {
                CoreError::invalid("item", format!("no item has the number \"{ident}\""))
            })
    }

    /// Adds an item to the inventory (available). 409 if the identifier is taken.
    #[tracing::instrument(skip_all)]
    pub async fn add_equipment(
        &self,
        actor: &Actor,
        kind: &str,
        ident: &str,
        desc: &str,
    ) -> CoreResult<Item> {
        access::authorize(actor, Action::Plain(Kind::ManageEquipment))?;
        let kind = ItemKind::parse(kind)?;
        let ident = identifier(ident)?;
        let desc = description(desc)?;
        let now = self.env.now();
        let item = Item {
            id: Uuid::now_v7().into(),
            kind,
            category: kind.category(),
            identifier: ident,
            description: desc,
            state: ItemState::Available,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let mut a = NewAuditEntry::by(actor, "equipment.create", "equipment", item.id);
        a.after = Some(
            json!({"kind": kind.as_str(), "identifier": item.identifier, "description": item.description, "state": "available"}),
        );
        self.port
            .insert_equipment_item(&item, &Work::new(self.env.now(), a))
            .await?;
        Ok(item)
    }

    /// Changes an item's state and/or description. Not while it is on loan
    /// (return it first), and never to `on_loan`. With `version`, 409 if it
    /// changed meanwhile.
    #[tracing::instrument(skip_all)]
    pub async fn update_equipment(
        &self,
        actor: &Actor,
        id: ItemId,
        state: Option<&str>,
        desc: Option<&str>,
        version: Option<i64>,
    ) -> CoreResult<Item> {
        access::authorize(actor, Action::Plain(Kind::ManageEquipment))?;
        let item = self
            .port
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
        next.updated_at = self.env.now();
        next.version = item.version + 1;
        let mut a = NewAuditEntry::by(actor, "equipment.update", "equipment", id);
        a.before = Some(json!({"state": item.state.as_str(), "description": item.description}));
        a.after = Some(json!({"state": next.state.as_str(), "description": next.description}));
        self.port
            .update_equipment_item(&next, item.version, &Work::new(self.env.now(), a))
            .await?;
        Ok(next)
    }

    /// The person's record, if the actor may lend to them (their managers,
    /// HR): 404 for someone who may not see the person, else 403.
    #[tracing::instrument(skip_all)]
    async fn lending_target(&self, actor: &Actor, person: PersonId) -> CoreResult<PersonRecord> {
        let rec = self.org.record(person).await?;
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
    #[tracing::instrument(skip_all)]
    pub(crate) async fn loan_agreement(
        &self,
        person: PersonId,
        given: Option<AgreementId>,
    ) -> CoreResult<Option<Agreement>> {
        let today = self.env.today();
        match given {
            Some(id) => {
                let g = self
                    .port
                    .agreement_for_loans(id)
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
                    .port
                    .agreements_for_loans(person)
                    .await?
                    .into_iter()
                    .filter(|g| agreement_is_live(g, today))
                    .collect();
                // In force today first, then the active before those awaiting
                // signatures, then the most days a week.
                live.sort_by_key(|g| {
                    (
                        g.terms.start() > today,
                        g.state != AgreementState::Active,
                        std::cmp::Reverse(g.terms.days_per_week()),
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
    #[tracing::instrument(skip_all)]
    pub async fn lend(
        &self,
        actor: &Actor,
        item: ItemId,
        person: PersonId,
        agreement: Option<AgreementId>,
    ) -> CoreResult<Loan> {
        let rec = self.lending_target(actor, person).await?;
        let it = self
            .port
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
        let rules = self.policy.in_force(self.env.today()).await?.rules;
        check_lending_rule(
            it.kind,
            g.as_ref().map(|g| g.terms.days_per_week()),
            rules.extra_aids_above_days,
        )?;
        let loan = NewLoan {
            id: Uuid::now_v7().into(),
            item,
            person,
            agreement: g.as_ref().map(|g| g.id),
            lent_by: actor.person_id,
            lent_at: self.env.now(),
        };
        let mut a = NewAuditEntry::by(actor, "loan.create", "loan", loan.id);
        a.after = Some(json!({
            "item": item, "identifier": it.identifier, "kind": it.kind.as_str(),
            "person": person, "person_name": rec.person.name(), "agreement": loan.agreement,
        }));
        self.port
            .insert_loan(&loan, &Work::new(self.env.now(), a))
            .await?;
        self.port
            .loan(loan.id)
            .await?
            .ok_or(CoreError::NotFound("loan"))
    }

    /// Records that a lent item came back, and the item's state after it
    /// (default available). 409 if it was returned already.
    #[tracing::instrument(skip_all)]
    pub async fn return_loan(
        &self,
        actor: &Actor,
        id: LoanId,
        state: Option<&str>,
    ) -> CoreResult<Loan> {
        let loan = self.visible_loan(actor, id).await?;
        let unit_path = &loan.unit_path;
        access::authorize(actor, Action::LendEquipment { unit_path })?;
        let state = match state.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => ItemState::settable("state", s)?,
            None => ItemState::Available,
        };
        if !loan.is_open() {
            return Err(CoreError::Conflict(
                "the item has been returned already".into(),
            ));
        }
        let mut a = NewAuditEntry::by(actor, "loan.return", "loan", id);
        a.after = Some(
            json!({"item": loan.item.id, "identifier": loan.item.identifier, "person": loan.person.id, "item_state": state.as_str()}),
        );
        self.port
            .return_loan(
                id,
                loan.version,
                actor.person_id,
                state,
                &Work::new(self.env.now(), a),
            )
            .await?;
        self.port.loan(id).await?.ok_or(CoreError::NotFound("loan"))
    }

    /// A loan, if the actor may see the person's loans (else 404).
    #[tracing::instrument(skip_all)]
    pub async fn visible_loan(&self, actor: &Actor, id: LoanId) -> CoreResult<Loan> {
        let loan = self
            .port
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
    #[tracing::instrument(skip_all)]
    pub async fn loans(
        &self,
        actor: &Actor,
        person: Option<PersonId>,
        open_only: bool,
        paging: Paging,
    ) -> CoreResult<Page<Loan>> {
        let scope = match person {
            Some(p) => {
                let rec = self.org.record(p).await?;
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
        self.port.loans(&scope, open_only, paging).await
    }

    /// Whose loans a list holds for the actor (the access policy's scope).
    fn loan_scope(actor: &Actor) -> LoanScope {
        match access::scope(actor, access::Listing::Loans) {
            access::Scope::All => LoanScope::All,
            access::Scope::Units(under) => LoanScope::Under(under),
            access::Scope::Own => LoanScope::Person(actor.person_id),
        }
    }

    /// What a person has on loan now, for those who may see it (else empty).
    #[tracing::instrument(skip_all)]
    pub async fn loans_of_person_if_visible(
        &self,
        actor: &Actor,
        person: PersonId,
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
        access::authorize(actor, Action::Plain(Kind::ReadLoansToCollect)).is_ok()
    }

    /// May the actor see the person's loans?
    #[tracing::instrument(skip_all)]
    pub async fn may_see_loans_of(&self, actor: &Actor, person: PersonId) -> bool {
        match self.org.find_record(person).await {
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
    #[tracing::instrument(skip_all)]
    pub async fn person_by_employee_number(
        &self,
        actor: &Actor,
        number: &str,
    ) -> CoreResult<PersonId> {
        let number = number.trim();
        if number.is_empty() {
            return Err(CoreError::invalid("employee_number", "is required"));
        }
        let found = self
            .org
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
    #[tracing::instrument(skip_all)]
    pub async fn may_lend_to(&self, actor: &Actor, person: PersonId) -> bool {
        self.lending_target(actor, person).await.is_ok()
    }

    /// Open loans under agreements that have ended or are ending (notice
    /// given, or a last day within 14 days): what to collect ("att hämta
    /// in"). Managers see their units', HR all.
    #[tracing::instrument(skip_all)]
    pub async fn loans_to_collect(&self, actor: &Actor, paging: Paging) -> CoreResult<Page<Loan>> {
        access::authorize(actor, Action::Plain(Kind::ReadLoansToCollect))?;
        let scope = if actor.has(crate::kernel::Role::Hr) {
            LoanScope::All
        } else {
            LoanScope::Under(actor.manages.iter().map(|m| m.path.clone()).collect())
        };
        let until = plus_days_clamped(self.env.today(), 14);
        self.port.loans_to_collect(&scope, until, paging).await
    }
}

/// For the demo, which fills an empty inventory.
impl EquipmentService {
    /// Whether the inventory has any item.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn has_items(&self) -> CoreResult<bool> {
        let page = self
            .port
            .equipment_items(&ItemFilter::default(), Paging::first(1))
            .await?;
        Ok(page.total > 0)
    }

    #[tracing::instrument(skip_all)]
    pub(crate) async fn insert_item(&self, item: &Item, audit: NewAuditEntry) -> CoreResult<()> {
        self.port
            .insert_equipment_item(item, &Work::new(self.env.now(), audit))
            .await
    }

    #[tracing::instrument(skip_all)]
    pub(crate) async fn insert_loan(&self, loan: &NewLoan, audit: NewAuditEntry) -> CoreResult<()> {
        self.port
            .insert_loan(loan, &Work::new(self.env.now(), audit))
            .await
    }
}

/// When an agreement ends, its open loans are what the employee's manager
/// has to collect: they are told, unless they end it themselves.
#[async_trait]
impl AgreementEndingHook for EquipmentService {
    /// The items on loan under the agreement, as "identifier (description)".
    #[tracing::instrument(skip_all)]
    async fn to_return(&self, g: &Agreement) -> CoreResult<Vec<String>> {
        let open = self.port.open_loans_of_agreement(g.id).await?;
        Ok(open.iter().map(described).collect())
    }

    /// The notice for the person's manager when an agreement with open
    /// loans ends (none when there are none, or nobody else to tell).
    #[tracing::instrument(skip_all)]
    async fn notices_on_ending(
        &self,
        actor: &Actor,
        g: &Agreement,
        employee: &PersonRecord,
        last: &str,
    ) -> CoreResult<Vec<Notice>> {
        let open = self.port.open_loans_of_agreement(g.id).await?;
        if open.is_empty() {
            return Ok(vec![]);
        }
        let Some(m) = &employee.manager else {
            return Ok(vec![]);
        };
        if m.id == actor.person_id || m.id == g.person_id {
            return Ok(vec![]);
        }
        let Some(manager) = self.org.find_record(m.id).await? else {
            return Ok(vec![]);
        };
        let items = open.iter().map(described).collect::<Vec<_>>().join(", ");
        Ok(vec![notice(
            &manager,
            "equipment_to_collect",
            Message::new(MessageKey::EquipmentToCollect, Link::EquipmentToCollect)
                .arg("person", &g.person_name)
                .arg("last", last)
                .arg("items", items),
        )])
    }
}

/// A loan's item as people read it: "identifier (description)".
fn described(l: &Loan) -> String {
    format!("{} ({})", l.item.identifier, l.item.description)
}
