//! The running system: which database it runs on, whether it answers, and a
//! consistent copy of it.

use crate::kernel::CoreResult;
use crate::Core;

impl Core {
    /// `sqlite` or `postgres`.
    pub fn engine(&self) -> &'static str {
        self.store.engine()
    }

    /// Whether the database answers.
    pub async fn health(&self) -> CoreResult<()> {
        self.store.ping().await
    }

    /// A consistent copy of the database at `dest`, taken while it runs
    /// (the administrator's command line).
    pub async fn backup(&self, dest: &str) -> CoreResult<()> {
        self.store.backup(dest).await
    }
}
