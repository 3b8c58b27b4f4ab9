//! Equipment lent home: the inventory of lendable items and their loans,
//! each loan under the agreement it was lent for; an item is on one open
//! loan at most.

use async_trait::async_trait;
use distans_core::kernel::PersonId;
use distans_core::kernel::{AgreementId, ItemId, LoanId};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use distans_core::agreements::{Agreement, AgreementState};
use distans_core::equipment::{
    Item, ItemFilter, ItemKind, ItemRef, ItemState, Loan, LoanAgreement, LoanScope, NewLoan,
};
use distans_core::kernel::{Page, Paging, UnitRef, Work};
use distans_core::store::{AgreementsPort, EquipmentPort};
use distans_core::{CoreError, CoreResult};

use crate::db::{read_all, read_one};
use crate::error::conflict;
use crate::plan::last_day;
use crate::sql::{push_below, Sql};
use crate::store::{must_change, read_page, row, write_work, List, SqlStore};
use crate::stored::{days, Stored};

row! {
    struct ItemRow => Item {
        id: Uuid,
        identifier: String,
        description: String,
        version: i64,
        created_at: OffsetDateTime,
        updated_at: OffsetDateTime,
    }
    with {
        kind: String,
        state: String,
    }
    |r| let kind = ItemKind::read("equipment_items.kind", &r.kind)?; {
        kind,
        category: kind.category(),
        state: ItemState::read("equipment_items.state", &r.state)?,
    }
}

const ITEM_SELECT: &str =
    "SELECT id, kind, identifier, description, state, version, created_at, updated_at FROM equipment_items";

row! {
    struct LoanRow => Loan {
        id: Uuid,
        unit_path: String,
        lent_at: OffsetDateTime,
        returned_at: Option<OffsetDateTime>,
        version: i64,
    }
    with {
        item_id: Uuid,
        item_kind: String,
        item_identifier: String,
        item_description: String,
        unit_id: Uuid,
        unit_name: String,
        agreement_id: Option<Uuid>,
        agreement_days: Option<i64>,
        agreement_state: Option<String>,
        agreement_end: Option<Date>,
        agreement_ends_on: Option<Date>,
        return_state: Option<String>,
    }
    person {
        person: person_id, person_given, person_family;
        lent_by: lent_by_id, lent_by_given, lent_by_family;
    }
    maybe_person {
        returned_by: returned_by_id, returned_by_given, returned_by_family;
    }
    |r| let kind = ItemKind::read("equipment_items.kind", &r.item_kind)?; {
        item: ItemRef {
            id: r.item_id.into(),
            kind,
            category: kind.category(),
            identifier: r.item_identifier,
            description: r.item_description,
        },
        unit: UnitRef { id: r.unit_id.into(), name: r.unit_name },
        agreement: match (r.agreement_id, r.agreement_days, r.agreement_state) {
            (Some(id), Some(d), Some(state)) => Some(LoanAgreement {
                id: id.into(),
                days_per_week: days("agreements.days_per_week", d)?,
                state: AgreementState::read("agreements.state", &state)?,
                last_day: last_day(r.agreement_end, r.agreement_ends_on),
            }),
            _ => None,
        },
        return_state: ItemState::read_opt("equipment_loans.return_state", r.return_state.as_deref())?,
    }
}

const LOAN_SELECT: &str = "SELECT l.id, i.id AS item_id, i.kind AS item_kind, i.identifier AS item_identifier,
        i.description AS item_description, p.id AS person_id, p.given_name AS person_given,
        p.family_name AS person_family, u.id AS unit_id, u.name AS unit_name, u.path AS unit_path,
        g.id AS agreement_id, CAST(g.days_per_week AS BIGINT) AS agreement_days, g.state AS agreement_state,
        g.end_date AS agreement_end, g.ends_on AS agreement_ends_on,
        lb.id AS lent_by_id, lb.given_name AS lent_by_given, lb.family_name AS lent_by_family,
        l.lent_at, l.returned_at, rb.id AS returned_by_id, rb.given_name AS returned_by_given,
        rb.family_name AS returned_by_family, l.return_state, l.version
    FROM equipment_loans l
    JOIN equipment_items i ON i.id = l.item_id
    JOIN people p ON p.id = l.person_id
    JOIN units u ON u.id = p.unit_id
    JOIN people lb ON lb.id = l.lent_by
    LEFT JOIN agreements g ON g.id = l.agreement_id
    LEFT JOIN people rb ON rb.id = l.returned_by";

/// Appends the scope's condition (after a WHERE).
fn push_scope(q: &mut impl Sql, scope: &LoanScope) {
    match scope {
        LoanScope::Person(p) => {
            q.push(" AND l.person_id = ").push_bind((*p).uuid());
        }
        LoanScope::Under(paths) => {
            q.push(" AND ");
            push_below(q, "u.path", paths);
        }
        LoanScope::All => {}
    }
}

/// Appends the item filter's conditions (after a WHERE).
fn push_item_filter(q: &mut impl Sql, f: &ItemFilter) {
    if let Some(s) = f.state {
        q.push(" AND state = ").push_bind(s.stored().to_string());
    }
    if let Some(k) = f.kind {
        q.push(" AND kind = ").push_bind(k.stored().to_string());
    }
    if let Some(s) = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let like = format!(
            "{}%",
            s.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        q.push(" AND (identifier LIKE ").push_bind(like.clone());
        q.push(" ESCAPE '\\' OR LOWER(description) LIKE ")
            .push_bind(format!("%{}", like.to_lowercase()));
        q.push(" ESCAPE '\\')");
    }
}

#[async_trait]
impl EquipmentPort for SqlStore {
    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn agreement_for_loans(&self, id: AgreementId) -> CoreResult<Option<Agreement>> {
        self.agreement(id).await
    }

    #[tracing::instrument(skip_all)]
    async fn agreements_for_loans(&self, person: PersonId) -> CoreResult<Vec<Agreement>> {
        self.agreements_of(person).await
    }

    #[tracing::instrument(skip_all)]
    async fn equipment_items(&self, f: &ItemFilter, paging: Paging) -> CoreResult<Page<Item>> {
        // The inventory, by number.
        const ITEMS: List = List {
            count: "equipment_items",
            about: None,
            select: ITEM_SELECT,
            order: "identifier",
        };
        read_page!(self.db(), ItemRow, &ITEMS, paging, |q| push_item_filter(
            q, f
        ))
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn equipment_item(&self, id: ItemId) -> CoreResult<Option<Item>> {
        read_one!(
            self.db(),
            ItemRow,
            &format!("{ITEM_SELECT} WHERE id = $1"),
            id.uuid()
        )
    }

    #[tracing::instrument(skip_all)]
    async fn equipment_item_by_identifier(&self, identifier: &str) -> CoreResult<Option<Item>> {
        read_one!(
            self.db(),
            ItemRow,
            &format!("{ITEM_SELECT} WHERE identifier = $1"),
            identifier
        )
    }

    #[tracing::instrument(skip_all, fields(id = %it.id))]
    async fn insert_equipment_item(&self, it: &Item, work: &Work) -> CoreResult<()> {
        let done = write_work!(self, work, |tx| {
            sqlx::query(
                "INSERT INTO equipment_items (id, kind, identifier, description, state, version, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(it.id.uuid())
            .bind(it.kind.stored())
            .bind(&it.identifier)
            .bind(&it.description)
            .bind(it.state.stored())
            .bind(it.version)
            .bind(it.created_at)
            .bind(it.updated_at)
            .execute(&mut *tx)
            .await?;
        });
        match done {
            Err(CoreError::Conflict(_)) => Err(CoreError::Conflict(format!(
                "an item with the number {} is in the inventory already",
                it.identifier
            ))),
            done => done,
        }
    }

    #[tracing::instrument(skip_all, fields(id = %it.id))]
    async fn update_equipment_item(&self, it: &Item, expected: i64, work: &Work) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            must_change!(
                tx,
                "the item was changed or lent meanwhile; reload it and try again",
                at_version(it.id.uuid(), expected),
                sqlx::query(
                    "UPDATE equipment_items SET state = $1, description = $2, version = version + 1, updated_at = $3
                     WHERE id = $4 AND version = $5 AND state <> 'on_loan'",
                )
                .bind(it.state.stored())
                .bind(&it.description)
                .bind(it.updated_at)
            );
        })
    }

    #[tracing::instrument(skip_all, fields(id = %l.id))]
    async fn insert_loan(&self, l: &NewLoan, work: &Work) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            // The item changes state only if it is still available: of two
            // lenders at once, one update matches and the other gets 409.
            must_change!(
                tx,
                "the item is not available (lent, in repair or retired meanwhile)",
                sqlx::query(
                    "UPDATE equipment_items SET state = 'on_loan', version = version + 1, updated_at = $1
                     WHERE id = $2 AND state = 'available'",
                )
                .bind(l.lent_at)
                .bind(l.item.uuid())
            );
            sqlx::query(
                "INSERT INTO equipment_loans (id, item_id, person_id, agreement_id, lent_by, lent_at, version)
                 VALUES ($1, $2, $3, $4, $5, $6, 1)",
            )
            .bind(l.id.uuid())
            .bind(l.item.uuid())
            .bind(l.person.uuid())
            .bind(l.agreement.map(|i| i.uuid()))
            .bind(l.lent_by.uuid())
            .bind(l.lent_at)
            .execute(&mut *tx)
            .await?;
        })
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn loan(&self, id: LoanId) -> CoreResult<Option<Loan>> {
        read_one!(
            self.db(),
            LoanRow,
            &format!("{LOAN_SELECT} WHERE l.id = $1"),
            id.uuid()
        )
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn return_loan(
        &self,
        id: LoanId,
        expected: i64,
        by: PersonId,
        state: ItemState,
        work: &Work,
    ) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            let item: Option<(Uuid,)> = sqlx::query_as(
                "UPDATE equipment_loans SET returned_at = $1, returned_by = $2, return_state = $3, version = version + 1
                 WHERE id = $4 AND version = $5 AND returned_at IS NULL RETURNING item_id",
            )
            .bind(work.at)
            .bind(by.uuid())
            .bind(state.stored())
            .bind(id.uuid())
            .bind(expected)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((item,)) = item else {
                return Err(conflict("the loan was returned or changed meanwhile"));
            };
            sqlx::query("UPDATE equipment_items SET state = $1, version = version + 1, updated_at = $2 WHERE id = $3")
                .bind(state.stored())
                .bind(work.at)
                .bind(item)
                .execute(&mut *tx)
                .await?;
        })
    }

    #[tracing::instrument(skip_all)]
    async fn loans(
        &self,
        scope: &LoanScope,
        open_only: bool,
        paging: Paging,
    ) -> CoreResult<Page<Loan>> {
        // Loans, the latest lent first.
        const LOANS: List = List {
            count: "equipment_loans l",
            about: Some("l.person_id"),
            select: LOAN_SELECT,
            order: "l.lent_at DESC, l.id DESC",
        };
        read_page!(self.db(), LoanRow, &LOANS, paging, |q| {
            push_scope(q, scope);
            if open_only {
                q.push(" AND l.returned_at IS NULL");
            }
        })
    }

    #[tracing::instrument(skip_all)]
    async fn loans_to_collect(
        &self,
        scope: &LoanScope,
        until: Date,
        paging: Paging,
    ) -> CoreResult<Page<Loan>> {
        // Open loans of ended or ending agreements, and of people who have
        // left, the soonest ending first.
        const LOANS_TO_COLLECT: List = List {
            count: "equipment_loans l LEFT JOIN agreements g ON g.id = l.agreement_id",
            about: Some("l.person_id"),
            select: LOAN_SELECT,
            order: "COALESCE(p.last_day, g.ends_on, g.end_date), p.sort_name, l.id",
        };
        read_page!(self.db(), LoanRow, &LOANS_TO_COLLECT, paging, |q| {
            q.push(" AND l.returned_at IS NULL");
            push_scope(q, scope);
            q.push(" AND (p.last_day IS NOT NULL OR g.state = 'ended' OR g.ends_on IS NOT NULL OR g.end_date <= ")
                .push_bind(until);
            q.push(")");
        })
    }

    #[tracing::instrument(skip_all)]
    async fn open_loans_of_agreement(&self, agreement: AgreementId) -> CoreResult<Vec<Loan>> {
        read_all!(
            self.db(),
            LoanRow,
            &format!("{LOAN_SELECT} WHERE l.agreement_id = $1 AND l.returned_at IS NULL ORDER BY l.lent_at LIMIT 200"),
            agreement.uuid()
        )
    }
}
