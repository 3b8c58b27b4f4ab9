//! What the presence slice needs of storage: each person's choice whether
//! colleagues see them on site, and a unit's people with their choice.

use async_trait::async_trait;
use time::Date;

use crate::kernel::ids::{PersonId, UnitId};
use crate::kernel::{CoreResult, Work};
use crate::presence::model::UnitPerson;

#[async_trait]
pub trait PresencePort: Send + Sync {
    /// The person's choice (`None`: never chose).
    async fn share_choice(&self, person: PersonId) -> CoreResult<Option<bool>>;
    /// Records the person's choice (`None`: follow the policy again).
    async fn set_share_choice(
        &self,
        person: PersonId,
        share: Option<bool>,
        work: &Work,
    ) -> CoreResult<()>;
    /// The active people whose home unit is `unit` and who had not left
    /// before `on`, in name order, at most `limit` (`Rule` error beyond).
    async fn share_choices_of_unit(
        &self,
        unit: UnitId,
        on: Date,
        limit: i64,
    ) -> CoreResult<Vec<UnitPerson>>;
}
