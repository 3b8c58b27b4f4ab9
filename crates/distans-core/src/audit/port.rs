//! What the audit slice needs of storage. One implementation (in
//! `distans-store`) runs it on SQLite and PostgreSQL; every method that
//! changes data is one transaction with its audit entry and notices.

use async_trait::async_trait;

use crate::audit::model::{AuditEntry, AuditFilter};
use crate::kernel::CoreResult;
use crate::kernel::Work;
use crate::kernel::{Page, Paging};

#[async_trait]
pub trait AuditPort: Send + Sync {
    async fn audit(&self, filter: &AuditFilter, paging: Paging) -> CoreResult<Page<AuditEntry>>;
    /// Entries with `seq > after`, in order, at most `limit`.
    async fn audit_after(&self, after: i64, limit: i64) -> CoreResult<Vec<AuditEntry>>;
    /// The sequence number and hash of the last entry written.
    async fn audit_head(&self) -> CoreResult<(i64, String)>;
    /// Records an audit entry on its own (a decision that needs no other write).
    async fn append_audit(&self, work: &Work) -> CoreResult<()>;
    /// The last entry that still holds personal data inline (written
    /// before payloads and not sealed), if any.
    async fn last_inline_entry(&self) -> CoreResult<Option<i64>>;
    /// Seals entries written before payloads in one transaction: their
    /// data becomes the payloads given, their inline data is cleared, and
    /// the seal entry of `work` is appended. `false` (and nothing written)
    /// when another server sealed them meanwhile.
    async fn seal_inline_entries(
        &self,
        payloads: &[crate::audit::seal::SealedPayload],
        work: &Work,
    ) -> CoreResult<bool>;
}
