//! What the departures slice needs of storage. One implementation (in
//! `distans-store`) runs it on SQLite and PostgreSQL; a departure is one
//! transaction with its audit entry and notices.

use async_trait::async_trait;

use crate::departures::model::{Departure, DepartureChange, OpenMatters};
use crate::kernel::{CoreResult, PersonId, Work};
use crate::org::edit::PersonUpdate;

#[async_trait]
pub trait DeparturesPort: Send + Sync {
    /// The person's departure, if they are deactivated.
    async fn departure(&self, person: PersonId) -> CoreResult<Option<Departure>>;
    /// The employee number and id of everyone not deactivated whom no
    /// provisioning client (SCIM) keeps: those leave when their identity
    /// provider says so.
    async fn active_people(&self) -> CoreResult<Vec<(String, PersonId)>>;
    /// The person's open requests, live agreements and open loans.
    async fn open_matters(&self, person: PersonId) -> CoreResult<OpenMatters>;
    /// Deactivates the person and winds up their matters: tokens revoked,
    /// calendar feed removed, requests withdrawn, agreements ended, open
    /// follow-ups closed (how many); `also` written first, in the same
    /// transaction. `Conflict` when the person is already deactivated or
    /// anything changed meanwhile.
    async fn depart(
        &self,
        change: &DepartureChange,
        also: Option<&PersonUpdate>,
        work: &Work,
    ) -> CoreResult<u64>;
    /// Makes a deactivated person active again, with `also` in the same
    /// transaction; false if they were not deactivated (then nothing is
    /// written).
    async fn reactivate(
        &self,
        person: PersonId,
        also: Option<&PersonUpdate>,
        work: &Work,
    ) -> CoreResult<bool>;
}
