//! What search needs of storage: each kind's matches within a reach,
//! `limit` rows from `offset`, in name order, read with bounded queries.

use async_trait::async_trait;

use crate::kernel::CoreResult;
use crate::search::model::*;

#[async_trait]
pub trait SearchPort: Send + Sync {
    /// People (active ones) whose name matches `text` or whose employee
    /// number is `text`.
    async fn search_people(
        &self,
        text: &str,
        reach: &Reach,
        limit: i64,
        offset: i64,
    ) -> CoreResult<Vec<PersonHit>>;
    /// Open units whose name matches (everyone may see the organisation).
    async fn search_units(&self, text: &str, limit: i64, offset: i64) -> CoreResult<Vec<UnitHit>>;
    /// Agreements of the people whose name matches, newest first per person.
    async fn search_agreements(
        &self,
        text: &str,
        reach: &Reach,
        limit: i64,
        offset: i64,
    ) -> CoreResult<Vec<AgreementHit>>;
    /// Requests of the people whose name matches, newest first per person.
    async fn search_requests(
        &self,
        text: &str,
        reach: &Reach,
        limit: i64,
        offset: i64,
    ) -> CoreResult<Vec<RequestHit>>;
}
