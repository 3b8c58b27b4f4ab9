//! The audit log: append-only, every entry chained to the one before by a
//! SHA-256 hash, so that editing or deleting an old entry is detectable.
//!
//! The hash covers a canonical JSON form of the entry (object keys sorted,
//! no whitespace) so that it survives a round trip through PostgreSQL's
//! JSONB, which reorders keys.

use serde_json::Value;
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::audit::model::*;
use crate::kernel::NewAuditEntry;

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Writes `v` as canonical JSON: keys sorted, no whitespace.
pub fn canonical_json(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push(':');
                if let Some(inner) = map.get(*k) {
                    canonical_json(inner, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_json(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The hash of an entry, given the hash of the one before.
#[allow(clippy::too_many_arguments)]
pub fn entry_hash(prev_hash: &str, seq: i64, at: OffsetDateTime, entry: &NewAuditEntry) -> String {
    let at = at.format(&Rfc3339).unwrap_or_default();
    let body = serde_json::json!([
        seq,
        at,
        entry.actor_id.map(|u| u.to_string()),
        entry.actor,
        entry.action,
        entry.entity,
        entry.entity_id,
        entry.before,
        entry.after,
    ]);
    let mut canon = String::new();
    canonical_json(&body, &mut canon);
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(canon.as_bytes());
    hex::encode(h.finalize())
}

impl AuditEntry {
    fn as_new(&self) -> NewAuditEntry {
        NewAuditEntry {
            actor_id: self.actor_id,
            actor: self.actor.clone(),
            action: self.action.clone(),
            entity: self.entity.clone(),
            entity_id: self.entity_id.clone(),
            before: self.before.clone(),
            after: self.after.clone(),
        }
    }

    /// Recomputes this entry's hash from its content and `prev_hash`.
    pub fn recompute(&self) -> String {
        entry_hash(&self.prev_hash, self.seq, self.at, &self.as_new())
    }
}

/// Walks entries in order and checks each against the one before. Feed it
/// pages in sequence; `finish` compares with the stored head.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
    problem: Option<(i64, String)>,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier {
            expected_seq: 1,
            prev_hash: GENESIS.to_string(),
            problem: None,
        }
    }
}

impl ChainVerifier {
    pub fn feed(&mut self, e: &AuditEntry) {
        if self.problem.is_some() {
            return;
        }
        if e.seq != self.expected_seq {
            self.problem = Some((
                self.expected_seq,
                format!(
                    "entry {} is missing (found {} next)",
                    self.expected_seq, e.seq
                ),
            ));
            return;
        }
        if e.prev_hash != self.prev_hash {
            self.problem = Some((
                e.seq,
                format!("entry {} does not follow the one before it", e.seq),
            ));
            return;
        }
        if e.recompute() != e.hash {
            self.problem = Some((
                e.seq,
                format!("entry {} was changed after it was written", e.seq),
            ));
            return;
        }
        self.prev_hash = e.hash.clone();
        self.expected_seq += 1;
    }

    pub fn is_broken(&self) -> bool {
        self.problem.is_some()
    }

    /// `head` is the (seq, hash) the store recorded for its last append.
    pub fn finish(self, head: (i64, String)) -> ChainReport {
        let entries = self.expected_seq - 1;
        if let Some((at, p)) = self.problem {
            return ChainReport {
                ok: false,
                entries,
                broken_at: Some(at),
                problem: Some(p),
            };
        }
        if head.0 != entries || (entries > 0 && head.1 != self.prev_hash) {
            return ChainReport {
                ok: false,
                entries,
                broken_at: Some(entries + 1),
                problem: Some(format!(
                    "the log ends at entry {entries} but {} were written",
                    head.0
                )),
            };
        }
        ChainReport {
            ok: true,
            entries,
            broken_at: None,
            problem: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_string();
        let mut out = vec![];
        for seq in 1..=n {
            let new = NewAuditEntry {
                actor_id: None,
                actor: "system".into(),
                action: "person.update".into(),
                entity: "person".into(),
                entity_id: format!("p{seq}"),
                before: Some(json!({"b": 1, "a": [1, 2]})),
                after: Some(json!({"a": "å"})),
            };
            let at = OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(seq);
            let hash = entry_hash(&prev, seq, at, &new);
            out.push(AuditEntry {
                seq,
                at,
                actor_id: None,
                actor: new.actor,
                action: new.action,
                entity: new.entity,
                entity_id: new.entity_id,
                before: new.before,
                after: new.after,
                prev_hash: prev.clone(),
                hash: hash.clone(),
            });
            prev = hash;
        }
        out
    }

    fn verify(entries: &[AuditEntry], head: (i64, String)) -> ChainReport {
        let mut v = ChainVerifier::default();
        for e in entries {
            v.feed(e);
        }
        v.finish(head)
    }

    #[test]
    fn canonical_json_sorts_keys() {
        let mut s = String::new();
        canonical_json(&json!({"b": {"d": 1, "c": 2}, "a": "x"}), &mut s);
        assert_eq!(s, r#"{"a":"x","b":{"c":2,"d":1}}"#);
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        let head = (5, c[4].hash.clone());
        assert!(verify(&c, head).ok);
        assert!(verify(&[], (0, GENESIS.into())).ok);
    }

    #[test]
    fn edits_and_deletions_are_found() {
        let c = chain(5);
        let head = (5, c[4].hash.clone());

        let mut edited = c.clone();
        edited[2].after = Some(json!({"a": "ä"}));
        let r = verify(&edited, head.clone());
        assert_eq!(r.broken_at, Some(3));

        let mut deleted = c.clone();
        deleted.remove(1);
        assert_eq!(verify(&deleted, head.clone()).broken_at, Some(2));

        let mut last_gone = c.clone();
        last_gone.pop();
        assert!(!verify(&last_gone, head.clone()).ok);

        // Rewriting an entry and its own hash breaks the next link.
        let mut rehashed = c.clone();
        rehashed[1].actor = "someone else".into();
        rehashed[1].hash = rehashed[1].recompute();
        assert_eq!(verify(&rehashed, head).broken_at, Some(3));
    }
}
