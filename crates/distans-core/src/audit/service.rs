//! Reading the audit log and checking its chain.

use crate::access::{self, Action};
use crate::audit::model::*;
use crate::audit::rules::ChainVerifier;
use crate::kernel::{Actor, CoreResult, Page, Paging};
use crate::Core;

impl Core {
    // Audit.

    pub async fn audit(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        paging: Paging,
    ) -> CoreResult<Page<crate::audit::model::AuditEntry>> {
        access::authorize(actor, Action::ReadAudit)?;
        self.store.audit(filter, paging).await
    }

    /// Walks the whole chain, a page at a time.
    pub async fn verify_audit(&self, actor: Option<&Actor>) -> CoreResult<ChainReport> {
        if let Some(a) = actor {
            access::authorize(a, Action::ReadAudit)?;
        }
        let head = self.store.audit_head().await?;
        let mut v = ChainVerifier::default();
        let mut after = 0;
        loop {
            let page = self.store.audit_after(after, 2000).await?;
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
