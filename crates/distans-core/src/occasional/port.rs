//! What occasional days need of storage.

use async_trait::async_trait;
use uuid::Uuid;

use crate::kernel::CoreResult;
use crate::kernel::Work;

#[async_trait]
pub trait OccasionalPort: Send + Sync {
    /// Sets (or with `None` removes) an occasional day.
    async fn set_occasional(
        &self,
        person: Uuid,
        day: time::Date,
        value: Option<crate::plan::model::Occasional>,
        by: Uuid,
        work: &Work,
    ) -> CoreResult<()>;
}
