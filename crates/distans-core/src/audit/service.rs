//! Reading the audit log and checking its chain.

use crate::access::{self, Action, Kind};
use crate::audit::model::*;
use crate::audit::port::AuditPort;
use crate::audit::rules::ChainVerifier;
use crate::audit::seal;
use crate::kernel::{Actor, CoreError, CoreResult, Env, Page, Paging, Work};
use std::sync::Arc;

/// Reading the audit log and checking its chain.
#[derive(Clone)]
pub struct AuditService {
    port: Arc<dyn AuditPort>,
    env: Env,
}

impl AuditService {
    pub(crate) fn new(port: Arc<dyn AuditPort>, env: Env) -> Self {
        AuditService { port, env }
    }

    /// The upgrade of entries written before payloads (for `migrate` and
    /// the server's start, which are trusted): checks their chain, then
    /// moves their data to payloads and seals them (see
    /// [`crate::audit::seal`]), so that disposal can remove it. How many
    /// were sealed (0: none left). A broken chain is not sealed: a
    /// conflict naming the entry.
    #[tracing::instrument(skip_all)]
    pub async fn seal_inline_entries(&self) -> CoreResult<u64> {
        let Some(last) = self.port.last_inline_entry().await? else {
            return Ok(0);
        };
        let mut v = ChainVerifier::default();
        let mut inline = vec![];
        let mut after = 0;
        while after < last {
            let page = self.port.audit_after(after, 2000).await?;
            let Some(l) = page.last() else { break };
            after = l.seq;
            for e in page.into_iter().take_while(|e| e.seq <= last) {
                v.feed(&e);
                if let Some((at, why)) = v.problem() {
                    return Err(CoreError::Conflict(format!(
                        "the audit log's chain is broken at entry {at} ({why}); \
                         the entries written before payloads were not sealed"
                    )));
                }
                if seal::holds_inline(&e) {
                    inline.push(e);
                }
            }
        }
        let Some((payloads, entry)) = seal::plan(&inline, "upgrade") else {
            return Ok(0);
        };
        let n = payloads.len() as u64;
        let sealed = self
            .port
            .seal_inline_entries(&payloads, &Work::new(self.env.now(), entry))
            .await?;
        Ok(if sealed { n } else { 0 })
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
