//! Sealing the entries written before payloads existed, so that their
//! personal data can be disposed of without breaking the chain.
//!
//! Such an entry's chained hash covers its data (before and after), so
//! once the data is gone the hash can no longer be recomputed. The
//! upgrade therefore first checks the old chain, then moves each entry's
//! data to a salted payload like a new entry's, and writes one chained
//! entry, the seal (`audit.seal`), holding a digest over every sealed
//! entry's remaining fields, both its hashes and its payload's hash. From
//! then on an entry whose payload is kept is checked as before (its hash
//! recomputed from the data, the payload against its sealed hash); one
//! whose payload was disposed of is vouched for by the seal: a change to
//! any of its remaining fields changes the digest.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;

use crate::audit::model::AuditEntry;
use crate::audit::rules::{canonical_json, new_salt, payload_hash, GENESIS};
use crate::kernel::NewAuditEntry;

/// The action of the entry that seals the old entries.
pub const SEAL_ACTION: &str = "audit.seal";

/// What the seal of one old entry covers: its place, time, who, what and
/// which record, both its hashes and its payload's hash.
pub fn leaf(e: &AuditEntry, sealed_payload_hash: &str) -> String {
    let at = e.at.format(&Rfc3339).unwrap_or_default();
    let body = json!([
        e.seq,
        at,
        e.entry.actor_id.map(|u| u.to_string()),
        e.entry.actor,
        e.entry.action,
        e.entry.entity,
        e.entry.entity_id,
        e.prev_hash,
        e.hash,
        sealed_payload_hash,
    ]);
    let mut canon = String::new();
    canonical_json(&body, &mut canon);
    hex::encode(Sha256::digest(canon.as_bytes()))
}

/// A running digest over the leaves of sealed entries, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealDigest {
    pub digest: String,
    pub entries: i64,
    /// The first and last entry sealed.
    pub first: Option<i64>,
    pub last: Option<i64>,
}

impl Default for SealDigest {
    fn default() -> Self {
        SealDigest {
            digest: GENESIS.to_string(),
            entries: 0,
            first: None,
            last: None,
        }
    }
}

impl SealDigest {
    pub fn add(&mut self, seq: i64, leaf: &str) {
        let mut h = Sha256::new();
        h.update(self.digest.as_bytes());
        h.update(b"\n");
        h.update(leaf.as_bytes());
        self.digest = hex::encode(h.finalize());
        self.entries += 1;
        self.first.get_or_insert(seq);
        self.last = Some(seq);
    }

    /// What the seal entry records.
    pub fn record(&self) -> Value {
        json!({
            "first": self.first,
            "last": self.last,
            "entries": self.entries,
            "digest": self.digest,
        })
    }

    /// Whether a seal entry's record is this digest.
    pub fn matches(&self, recorded: Option<&Value>) -> bool {
        recorded.is_some_and(|r| {
            r.get("digest").and_then(Value::as_str) == Some(self.digest.as_str())
                && r.get("entries").and_then(Value::as_i64) == Some(self.entries)
        })
    }
}

/// An old entry's data as a payload: the salt and the payload's hash.
#[derive(Debug, Clone, PartialEq)]
pub struct SealedPayload {
    pub seq: i64,
    pub salt: String,
    pub payload_hash: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Whether an entry still holds its personal data inline (written before
/// payloads, not yet sealed).
pub fn holds_inline(e: &AuditEntry) -> bool {
    e.payload_hash.is_none()
        && e.sealed_hash.is_none()
        && (e.entry.before.is_some() || e.entry.after.is_some())
}

/// The upgrade's plan: the payloads for the entries that hold their data
/// inline, and the seal entry (by `actor`) that covers them; `None` when
/// there are none.
pub fn plan(entries: &[AuditEntry], actor: &str) -> Option<(Vec<SealedPayload>, NewAuditEntry)> {
    let mut digest = SealDigest::default();
    let mut payloads = vec![];
    for e in entries.iter().filter(|e| holds_inline(e)) {
        let salt = new_salt();
        let ph = payload_hash(&salt, &e.entry.before, &e.entry.after);
        digest.add(e.seq, &leaf(e, &ph));
        payloads.push(SealedPayload {
            seq: e.seq,
            salt,
            payload_hash: ph,
            before: e.entry.before.clone(),
            after: e.entry.after.clone(),
        });
    }
    if payloads.is_empty() {
        return None;
    }
    let range = format!(
        "{}-{}",
        digest.first.unwrap_or_default(),
        digest.last.unwrap_or_default()
    );
    let seal = NewAuditEntry {
        actor_id: None,
        actor: actor.to_string(),
        action: SEAL_ACTION.to_string(),
        entity: "audit_log".to_string(),
        entity_id: range,
        before: None,
        after: Some(digest.record()),
    };
    Some((payloads, seal))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::rules::{entry_hash, ChainVerifier};
    use time::OffsetDateTime;

    /// A chain as the code before payloads wrote it: data inline.
    fn old_chain(n: i64) -> Vec<AuditEntry> {
        let at = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let entry = NewAuditEntry {
                    actor_id: None,
                    actor: "hr".into(),
                    action: "person.update".into(),
                    entity: "person".into(),
                    entity_id: seq.to_string(),
                    before: Some(json!({"email": format!("p{seq}@k.se")})),
                    after: (seq % 2 == 0).then(|| json!({"email": null})),
                };
                let hash = entry_hash(&prev, seq, at, &entry);
                AuditEntry {
                    seq,
                    at,
                    entry,
                    prev_hash: std::mem::replace(&mut prev, hash.clone()),
                    hash,
                    payload_hash: None,
                    salt: None,
                    payload_removed: false,
                    sealed_hash: None,
                }
            })
            .collect()
    }

    /// The chain after the upgrade, and with the payloads of `removed`
    /// disposed of: the seal appended as a new entry would be.
    fn sealed(n: i64, removed: &[i64]) -> Vec<AuditEntry> {
        let old = old_chain(n);
        let (payloads, seal) = plan(&old, "upgrade").unwrap();
        let mut out: Vec<AuditEntry> = old
            .into_iter()
            .zip(&payloads)
            .map(|(mut e, p)| {
                e.sealed_hash = Some(p.payload_hash.clone());
                e.salt = Some(p.salt.clone());
                if removed.contains(&e.seq) {
                    e.entry.before = None;
                    e.entry.after = None;
                    e.salt = None;
                    e.payload_removed = true;
                }
                e
            })
            .collect();
        let last = out.last().unwrap();
        let (seq, prev, at) = (last.seq + 1, last.hash.clone(), last.at);
        let salt = new_salt();
        let ph = payload_hash(&salt, &seal.before, &seal.after);
        let hash = crate::audit::rules::entry_hash_with_payload(&prev, seq, at, &seal, &ph);
        out.push(AuditEntry {
            seq,
            at,
            entry: seal,
            prev_hash: prev,
            hash,
            payload_hash: Some(ph),
            salt: Some(salt),
            payload_removed: false,
            sealed_hash: None,
        });
        out
    }

    fn verify(entries: &[AuditEntry]) -> crate::audit::model::ChainReport {
        let mut v = ChainVerifier::default();
        for e in entries {
            v.feed(e);
        }
        let last = entries.last().unwrap();
        v.finish((last.seq, last.hash.clone()))
    }

    #[test]
    fn a_sealed_chain_verifies_with_payloads_kept_or_removed() {
        assert!(verify(&old_chain(5)).ok);
        assert!(verify(&sealed(5, &[])).ok);
        let r = verify(&sealed(5, &[1, 2, 4]));
        assert!(r.ok, "{r:?}");
    }

    #[test]
    fn an_edit_to_a_sealed_entry_is_found_after_its_payload_went() {
        let mut c = sealed(5, &[2, 3]);
        c[2].entry.actor = "someone else".into();
        let r = verify(&c);
        assert!(!r.ok);
        assert_eq!(r.broken_at, Some(6), "the seal no longer fits: {r:?}");
        // An edit to a kept one is found at the entry itself.
        let mut c = sealed(5, &[2, 3]);
        c[3].entry.after = Some(json!({"email": "x"}));
        assert_eq!(verify(&c).broken_at, Some(4));
        // A removed payload whose seal record is gone reads as an edit.
        let mut c = sealed(5, &[2]);
        c[1].sealed_hash = None;
        assert_eq!(verify(&c).broken_at, Some(2));
        // Entries sealed with no seal after them.
        let mut c = sealed(5, &[2]);
        c.pop();
        assert!(!verify(&c).ok);
    }

    #[test]
    fn nothing_to_seal_when_no_entry_holds_data_inline() {
        let sealed = sealed(3, &[]);
        assert!(plan(&sealed, "upgrade").is_none());
        let mut bare = old_chain(1);
        bare[0].entry.before = None;
        bare[0].entry.after = None;
        assert!(plan(&bare, "upgrade").is_none());
    }
}
