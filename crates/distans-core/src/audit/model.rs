//! The audit log's entries, and the answer of checking its chain.

use crate::kernel::NewAuditEntry;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Who did what to which record.
    #[serde(flatten)]
    pub entry: NewAuditEntry,
    pub prev_hash: String,
    pub hash: String,
    /// For entries that keep their personal data (before and after) apart
    /// as a payload: its hash, which the chained hash covers. `None` for
    /// entries written before payloads existed, which hold it inline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_hash: Option<String>,
    /// The payload's salt while the payload is kept (never shown).
    #[serde(skip)]
    pub salt: Option<String>,
    /// The payload was removed by disposal: before and after are gone, the
    /// entry and its hashes stay.
    #[serde(default)]
    pub payload_removed: bool,
    /// For an entry written before payloads and sealed since (see
    /// [`crate::audit::seal`]): the hash of the payload its data was moved
    /// to, as the seal recorded it.
    #[serde(skip)]
    pub sealed_hash: Option<String>,
}

/// The result of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainReport {
    pub ok: bool,
    pub entries: i64,
    /// The first entry that does not fit, if any.
    pub broken_at: Option<i64>,
    pub problem: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    /// From this moment on.
    pub from: Option<OffsetDateTime>,
    /// Before this moment.
    pub to: Option<OffsetDateTime>,
    /// Only what these people did (none: no entry).
    pub actors: Option<Vec<crate::kernel::PersonId>>,
}
