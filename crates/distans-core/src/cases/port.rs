//! What the cases slice needs of storage. One implementation (in
//! `distans-store`) runs it on SQLite and PostgreSQL; every method that
//! changes data is one transaction with its audit entry and notices.

use crate::kernel::ids::PersonId;
use crate::kernel::RequestId;
use async_trait::async_trait;

use crate::agreements::model::Agreement;
use crate::cases::model::{RemoteRequest, RequestEvent, RequestFilter};
use crate::kernel::CoreResult;
use crate::kernel::Work;
use crate::kernel::{Page, Paging};

#[async_trait]
pub trait CasesPort: Send + Sync {
    /// Periods of the person's open requests and live agreements, except `skip`.
    async fn busy_periods(
        &self,
        person: PersonId,
        today: time::Date,
        skip: Option<RequestId>,
    ) -> CoreResult<Vec<(time::Date, Option<time::Date>)>>;
    async fn insert_request(&self, r: &RemoteRequest, work: &Work) -> CoreResult<()>;
    async fn request(&self, id: RequestId) -> CoreResult<Option<RemoteRequest>>;
    async fn requests(
        &self,
        filter: &RequestFilter,
        paging: Paging,
    ) -> CoreResult<Page<RemoteRequest>>;
    /// Writes `r` (state, decision, arrangement) if its stored version is
    /// still `expected`, with the new event and, on approval, the agreement;
    /// `Conflict` when someone else changed it first.
    async fn update_request(
        &self,
        r: &RemoteRequest,
        expected: i64,
        event: &RequestEvent,
        agreement: Option<&Agreement>,
        work: &Work,
    ) -> CoreResult<()>;
}
