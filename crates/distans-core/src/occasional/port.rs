//! What occasional days need of storage.

use crate::kernel::ids::PersonId;
use async_trait::async_trait;

use crate::kernel::CoreResult;
use crate::kernel::Work;

#[async_trait]
pub trait OccasionalPort: Send + Sync {
    /// Sets (or with `None` removes) an occasional day.
    async fn set_occasional(
        &self,
        person: PersonId,
        day: time::Date,
        value: Option<crate::plan::model::Occasional>,
        by: PersonId,
        work: &Work,
    ) -> CoreResult<()>;
}
