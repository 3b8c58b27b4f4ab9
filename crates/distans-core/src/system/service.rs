//! The running system: which database it runs on, whether it answers, and a
//! consistent copy of it.

use crate::kernel::CoreResult;
use crate::kernel::Env;
use crate::system::port::SystemPort;
use std::sync::Arc;

/// The running system.
#[derive(Clone)]
pub struct SystemService {
    port: Arc<dyn SystemPort>,
    env: Env,
}

impl SystemService {
    pub(crate) fn new(port: Arc<dyn SystemPort>, env: Env) -> Self {
        SystemService { port, env }
    }
}

impl SystemService {
    /// `sqlite` or `postgres`.
    pub fn engine(&self) -> &'static str {
        self.port.engine()
    }

    /// Whether the database takes writes now (readiness): a small write is
    /// committed and removed. A read-only, full or lost database is not ready.
    #[tracing::instrument(skip_all)]
    pub async fn readiness(&self) -> CoreResult<()> {
        self.port.probe_write(self.env.now()).await
    }

    /// A consistent copy of the database at `dest`, taken while it runs
    /// (the administrator's command line).
    #[tracing::instrument(skip_all)]
    pub async fn backup(&self, dest: &str) -> CoreResult<()> {
        self.port.backup(dest).await
    }
}
