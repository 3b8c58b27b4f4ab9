//! What the equipment slice needs of storage. One implementation (in
//! `distans-store`) runs it on SQLite and PostgreSQL; every method that
//! changes data is one transaction with its audit entry and notices.

use crate::kernel::ids::PersonId;
use crate::kernel::{AgreementId, ItemId, LoanId};
use async_trait::async_trait;

use crate::agreements::model::Agreement;
use crate::kernel::CoreResult;
use crate::kernel::Work;
use crate::kernel::{Page, Paging};

#[async_trait]
pub trait EquipmentPort: Send + Sync {
    /// The inventory, filtered, in identifier order.
    async fn equipment_items(
        &self,
        filter: &crate::equipment::model::ItemFilter,
        paging: Paging,
    ) -> CoreResult<Page<crate::equipment::model::Item>>;
    async fn equipment_item(&self, id: ItemId)
        -> CoreResult<Option<crate::equipment::model::Item>>;
    async fn equipment_item_by_identifier(
        &self,
        identifier: &str,
    ) -> CoreResult<Option<crate::equipment::model::Item>>;
    /// Adds an item; `Conflict` if its identifier is taken.
    async fn insert_equipment_item(
        &self,
        item: &crate::equipment::model::Item,
        work: &Work,
    ) -> CoreResult<()>;
    /// Stores an item's new state and description if it still has
    /// `expected_version` and is not on loan (else `Conflict`).
    async fn update_equipment_item(
        &self,
        item: &crate::equipment::model::Item,
        expected_version: i64,
        work: &Work,
    ) -> CoreResult<()>;
    /// Stores a loan and puts the item on loan, in one transaction, only if
    /// the item is still available (else `Conflict`).
    async fn insert_loan(
        &self,
        loan: &crate::equipment::model::NewLoan,
        work: &Work,
    ) -> CoreResult<()>;
    async fn loan(&self, id: LoanId) -> CoreResult<Option<crate::equipment::model::Loan>>;
    /// Ends an open loan that still has `expected_version` and sets the
    /// item's state (else `Conflict`).
    async fn return_loan(
        &self,
        id: LoanId,
        expected_version: i64,
        by: PersonId,
        item_state: crate::equipment::model::ItemState,
        work: &Work,
    ) -> CoreResult<()>;
    /// Loans in a scope, newest first.
    async fn loans(
        &self,
        scope: &crate::equipment::model::LoanScope,
        open_only: bool,
        paging: Paging,
    ) -> CoreResult<Page<crate::equipment::model::Loan>>;
    /// Open loans of people who have left, and those whose agreement has
    /// ended, has notice given, or whose last day is at most `until`; by
    /// that last day.
    async fn loans_to_collect(
        &self,
        scope: &crate::equipment::model::LoanScope,
        until: time::Date,
        paging: Paging,
    ) -> CoreResult<Page<crate::equipment::model::Loan>>;
    /// The open loans made under an agreement.
    async fn open_loans_of_agreement(
        &self,
        agreement: AgreementId,
    ) -> CoreResult<Vec<crate::equipment::model::Loan>>;
    /// An agreement, for lending under it.
    async fn agreement_for_loans(&self, id: AgreementId) -> CoreResult<Option<Agreement>>;
    /// A person's agreements, for lending under one of them.
    async fn agreements_for_loans(&self, person: PersonId) -> CoreResult<Vec<Agreement>>;
}
