//! Reading the audit log and checking its chain.

use crate::access::{self, Action, Kind};
use crate::audit::model::*;
use crate::audit::port::AuditPort;
use crate::audit::rules::ChainVerifier;
use crate::kernel::{Actor, CoreResult, Page, Paging};
use std::sync::Arc;

/// Reading the audit log and checking its chain.
#[derive(Clone)]
pub struct AuditService {
    port: Arc<dyn AuditPort>,
}

impl AuditService {
    pub(crate) fn new(port: Arc<dyn AuditPort>) -> Self {
        AuditService { port }
    }
}

impl AuditService {
    // Audit.

    #[tracing::instrument(skip_all)]
    pub async fn audit(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        paging: Paging,
    ) -> CoreResult<Page<crate::audit::model::AuditEntry>> {
        access::authorize(actor, Action::Plain(Kind::ReadAudit))?;
        self.port.audit(filter, paging).await
    }

    /// Walks the whole chain, a page at a time.
    #[tracing::instrument(skip_all)]
    pub async fn verify_audit(&self, actor: Option<&Actor>) -> CoreResult<ChainReport> {
        if let Some(a) = actor {
            access::authorize(a, Action::Plain(Kind::ReadAudit))?;
        }
        let head = self.port.audit_head().await?;
        let mut v = ChainVerifier::default();
        let mut after = 0;
        loop {
            let page = self.port.audit_after(after, 2000).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for e in &page {
                v.feed(e);
            }
            if v.is_broken() {
                break;
            }
        }
        Ok(v.finish(head))
    }
}
