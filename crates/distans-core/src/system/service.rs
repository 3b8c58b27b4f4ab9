//! The running system: which database it runs on, whether it answers, and a
//! consistent copy of it.

use crate::kernel::CoreResult;
use crate::system::port::SystemPort;
use std::sync::Arc;

/// The running system.
#[derive(Clone)]
pub struct SystemService {
    port: Arc<dyn SystemPort>,
}

impl SystemService {
    pub(crate) fn new(port: Arc<dyn SystemPort>) -> Self {
        SystemService { port }
    }
}

impl SystemService {
    /// `sqlite` or `postgres`.
    pub fn engine(&self) -> &'static str {
        self.port.engine()
    }

    /// Whether the database answers.
    #[tracing::instrument(skip_all)]
    pub async fn health(&self) -> CoreResult<()> {
        self.port.ping().await
    }

    /// A consistent copy of the database at `dest`, taken while it runs
    /// (the administrator's command line).
    #[tracing::instrument(skip_all)]
    pub async fn backup(&self, dest: &str) -> CoreResult<()> {
        self.port.backup(dest).await
    }
}
