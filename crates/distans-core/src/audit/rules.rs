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

/// The SHA-256 (hex) of `prefix`, a newline and the canonical JSON of
/// `body`: an entry chained to the hash before it, or a payload salted.
fn chained_hash(prefix: &str, body: &Value) -> String {
    let mut canon = String::new();
    canonical_json(body, &mut canon);
    let mut h = Sha256::new();
    h.update(prefix.as_bytes());
    h.update(b"\n");
    h.update(canon.as_bytes());
    hex::encode(h.finalize())
}

/// The fields every entry's hash covers, in their order: its number, time,
/// actor, action and entity.
fn entry_fields(seq: i64, at: OffsetDateTime, entry: &NewAuditEntry) -> Vec<Value> {
    let at = at.format(&Rfc3339).unwrap_or_default();
    vec![
        seq.into(),
        at.into(),
        entry.actor_id.map(|u| u.to_string()).into(),
        entry.actor.clone().into(),
        entry.action.clone().into(),
        entry.entity.clone().into(),
        entry.entity_id.clone().into(),
    ]
}

/// The hash of an entry, given the hash of the one before.
pub fn entry_hash(prev_hash: &str, seq: i64, at: OffsetDateTime, entry: &NewAuditEntry) -> String {
    let mut body = entry_fields(seq, at, entry);
    body.push(entry.before.clone().into());
    body.push(entry.after.clone().into());
    chained_hash(prev_hash, &Value::Array(body))
}

/// A fresh random salt for a payload (hex), so that its kept hash tells
/// nothing of the removed data.
pub fn new_salt() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// The hash of an entry's payload: its salt and its before and after.
pub fn payload_hash(salt: &str, before: &Option<Value>, after: &Option<Value>) -> String {
    chained_hash(salt, &serde_json::json!([before, after]))
}

/// The hash of an entry that keeps its payload apart, given the hash of
/// the one before: the entry's own fields and its payload's hash.
pub fn entry_hash_with_payload(
    prev_hash: &str,
    seq: i64,
    at: OffsetDateTime,
    entry: &NewAuditEntry,
    payload_hash: &str,
) -> String {
    let mut body = vec![Value::from("payload")];
    body.extend(entry_fields(seq, at, entry));
    body.push(payload_hash.into());
    chained_hash(prev_hash, &Value::Array(body))
}

impl AuditEntry {
    /// Recomputes this entry's hash from its content and `prev_hash`.
    pub fn recompute(&self) -> String {
        match &self.payload_hash {
            Some(ph) => {
                entry_hash_with_payload(&self.prev_hash, self.seq, self.at, &self.entry, ph)
            }
            // Written before payloads, sealed, and its payload disposed of:
            // the hash cannot be recomputed without the data; the seal
            // vouches for it (see `ChainVerifier`).
            None if self.sealed_hash.is_some() && self.payload_removed => self.hash.clone(),
            None => entry_hash(&self.prev_hash, self.seq, self.at, &self.entry),
        }
    }

    /// Whether the payload, while kept, is the one the entry was written
    /// with (true when it was removed, or is held inline).
    pub fn payload_fits(&self) -> bool {
        // A payload's hash is the entry's own, or the seal's for an entry
        // written before payloads.
        let Some(ph) = self.payload_hash.as_ref().or(self.sealed_hash.as_ref()) else {
            return true;
        };
        match &self.salt {
            Some(salt) if !self.payload_removed => {
                payload_hash(salt, &self.entry.before, &self.entry.after) == *ph
            }
            _ => self.payload_removed,
        }
    }
}

/// Walks entries in order and checks each against the one before. Feed it
/// pages in sequence; `finish` compares with the stored head.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
    problem: Option<(i64, String)>,
    /// The entries sealed since the last seal (entries written before
    /// payloads), which the next seal entry must match.
    sealed: crate::audit::seal::SealDigest,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier {
            expected_seq: 1,
            prev_hash: GENESIS.to_string(),
            problem: None,
            sealed: Default::default(),
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
        if !e.payload_fits() {
            self.problem = Some((
                e.seq,
                format!(
                    "the personal data of entry {} was changed after it was written",
                    e.seq
                ),
            ));
            return;
        }
        if let Some(sh) = &e.sealed_hash {
            self.sealed.add(e.seq, &crate::audit::seal::leaf(e, sh));
        }
        if e.entry.action == crate::audit::seal::SEAL_ACTION && e.payload_hash.is_some() {
            if !self.sealed.matches(e.entry.after.as_ref()) {
                self.problem = Some((
                    e.seq,
                    format!(
                        "an entry that entry {} sealed was changed after it was sealed",
                        e.seq
                    ),
                ));
                return;
            }
            self.sealed = Default::default();
        }
        self.prev_hash = e.hash.clone();
        self.expected_seq += 1;
    }

    pub fn is_broken(&self) -> bool {
        self.problem.is_some()
    }

    /// The first entry that did not fit, and why.
    pub fn problem(&self) -> Option<(i64, &str)> {
        self.problem.as_ref().map(|(at, p)| (*at, p.as_str()))
    }

    /// `head` is the (seq, hash) the store recorded for its last append.
    pub fn finish(self, head: (i64, String)) -> ChainReport {
        let entries = self.expected_seq - 1;
        if self.problem.is_none() && self.sealed.entries > 0 {
            return ChainReport {
                ok: false,
                entries,
                broken_at: self.sealed.first,
                problem: Some(format!(
                    "entries {} to {} were sealed but the seal is missing",
                    self.sealed.first.unwrap_or_default(),
                    self.sealed.last.unwrap_or_default()
                )),
            };
        }
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
    use crate::kernel::PersonId;
    use serde_json::json;

    /// A chain of `n` entries made by `entry`; with `payloads` their data
    /// is kept apart as salted payloads, else inline (the old format).
    fn build(n: i64, payloads: bool, entry: impl Fn(i64) -> NewAuditEntry) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_string();
        let mut out = vec![];
        for seq in 1..=n {
            let new = entry(seq);
            let at = OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(seq);
            let (hash, payload_hash, salt) = if payloads {
                let salt = new_salt();
                let ph = payload_hash(&salt, &new.before, &new.after);
                let hash = entry_hash_with_payload(&prev, seq, at, &new, &ph);
                (hash, Some(ph), Some(salt))
            } else {
                (entry_hash(&prev, seq, at, &new), None, None)
            };
            out.push(AuditEntry {
                seq,
                at,
                entry: new,
                prev_hash: prev.clone(),
                hash: hash.clone(),
                payload_hash,
                salt,
                payload_removed: false,
                sealed_hash: None,
            });
            prev = hash;
        }
        out
    }

    fn chain(n: i64) -> Vec<AuditEntry> {
        build(n, false, |seq| NewAuditEntry {
            actor_id: None,
            actor: "system".into(),
            action: "person.update".into(),
            entity: "person".into(),
            entity_id: format!("p{seq}"),
            before: Some(json!({"b": 1, "a": [1, 2]})),
            after: Some(json!({"a": "å"})),
        })
    }

    /// A chain whose entries keep their data apart as payloads.
    fn payload_chain(n: i64) -> Vec<AuditEntry> {
        build(n, true, |seq| NewAuditEntry {
            actor_id: None,
            actor: "system".into(),
            action: "absence.create".into(),
            entity: "absence".into(),
            entity_id: format!("a{seq}"),
            before: None,
            after: Some(json!({"first_day": "2027-01-0{seq}"})),
        })
    }

    fn verify(entries: &[AuditEntry], head: (i64, String)) -> ChainReport {
        let mut v = ChainVerifier::default();
        for e in entries {
            v.feed(e);
        }
        v.finish(head)
    }

    #[test]
    fn a_removed_payload_keeps_the_chain_and_an_edit_is_still_found() {
        let c = payload_chain(4);
        let head = (4, c[3].hash.clone());
        assert!(verify(&c, head.clone()).ok);

        // Disposal: the payload (and its salt) go, the entry stays.
        let mut disposed = c.clone();
        disposed[1].entry.after = None;
        disposed[1].salt = None;
        disposed[1].payload_removed = true;
        assert!(verify(&disposed, head.clone()).ok);

        // A kept payload edited: found at that entry.
        let mut edited = c.clone();
        edited[2].entry.after = Some(json!({"first_day": "2027-02-01"}));
        assert_eq!(verify(&edited, head.clone()).broken_at, Some(3));

        // The entry's own fields edited, even after its payload went.
        let mut who = disposed.clone();
        who[1].entry.actor = "someone".into();
        assert_eq!(verify(&who, head.clone()).broken_at, Some(2));

        // A payload hash swapped for another one's.
        let mut swapped = disposed.clone();
        swapped[1].payload_hash = c[2].payload_hash.clone();
        assert_eq!(verify(&swapped, head.clone()).broken_at, Some(2));

        // A payload that vanished without being disposed of (its salt kept).
        let mut lost = c.clone();
        lost[0].salt = None;
        assert_eq!(verify(&lost, head.clone()).broken_at, Some(1));

        // Old entries (data inline) and new ones chain together.
        let mut mixed = chain(2);
        let mut prev = mixed[1].hash.clone();
        for (i, e) in payload_chain(2).into_iter().enumerate() {
            let mut e = e;
            e.seq = 3 + i as i64;
            e.prev_hash = prev.clone();
            e.hash = e.recompute();
            prev = e.hash.clone();
            mixed.push(e);
        }
        assert!(verify(&mixed, (4, prev)).ok);
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
        edited[2].entry.after = Some(json!({"a": "ä"}));
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
        rehashed[1].entry.actor = "someone else".into();
        rehashed[1].hash = rehashed[1].recompute();
        assert_eq!(verify(&rehashed, head).broken_at, Some(3));
    }

    #[test]
    fn a_log_longer_than_its_head_or_with_another_head_is_reported() {
        let c = chain(3);
        let r = verify(&c, (2, c[1].hash.clone()));
        assert_eq!(
            (r.ok, r.entries, r.broken_at),
            (false, 3, Some(4)),
            "an entry written after the recorded head"
        );
        let r = verify(&c, (3, "f".repeat(64)));
        assert!(!r.ok, "the head's hash is not the last entry's");
        assert_eq!(
            verify(&c, (3, c[2].hash.clone())),
            ChainReport {
                ok: true,
                entries: 3,
                broken_at: None,
                problem: None
            }
        );
        let r = verify(&[], (1, "x".into()));
        assert_eq!((r.ok, r.broken_at), (false, Some(1)), "every entry deleted");
    }

    #[test]
    fn the_first_problem_is_the_one_reported() {
        let mut c = chain(4);
        c[1].entry.action = "person.delete".into();
        c[3].entry.actor = "x".into();
        let r = verify(&c, (4, c[3].hash.clone()));
        assert_eq!(r.broken_at, Some(2));
        assert_eq!(
            r.problem.as_deref(),
            Some("entry 2 was changed after it was written")
        );
        let mut v = ChainVerifier::default();
        v.feed(&c[0]);
        assert!(!v.is_broken());
        v.feed(&c[2]);
        assert!(v.is_broken(), "entry 2 is missing");
    }

    mod props {
        use super::*;
        use proptest::prelude::*;
        use uuid::Uuid;

        fn json_value() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::from),
                any::<i64>().prop_map(Value::from),
                (-4_000_000i32..4_000_000).prop_map(|n| Value::from(f64::from(n) / 4.0)),
                "\\PC{0,6}".prop_map(Value::from),
            ];
            leaf.prop_recursive(3, 24, 4, |inner| {
                prop_oneof![
                    proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                    proptest::collection::btree_map("[a-zå\"\\\\ ]{0,4}", inner, 0..4)
                        .prop_map(|m| Value::Object(m.into_iter().collect())),
                ]
            })
        }

        prop_compose! {
            fn new_entry()(
                actor_id in proptest::option::of(any::<u128>().prop_map(Uuid::from_u128)),
                actor in "\\PC{0,8}",
                action in "[a-z.]{1,12}",
                entity in "[a-z]{1,8}",
                entity_id in "[0-9a-f-]{0,12}",
                before in proptest::option::of(json_value()),
                after in proptest::option::of(json_value()),
            ) -> NewAuditEntry {
                NewAuditEntry { actor_id: actor_id.map(Into::into), actor, action, entity, entity_id, before, after }
            }
        }

        fn written(entries: Vec<(NewAuditEntry, i64)>) -> Vec<AuditEntry> {
            let mut prev = GENESIS.to_string();
            let mut at = OffsetDateTime::UNIX_EPOCH;
            let mut out = vec![];
            for (i, (e, secs)) in entries.into_iter().enumerate() {
                let seq = i as i64 + 1;
                at += time::Duration::seconds(secs);
                let hash = entry_hash(&prev, seq, at, &e);
                out.push(AuditEntry {
                    seq,
                    at,
                    entry: e,
                    prev_hash: prev,
                    hash: hash.clone(),
                    payload_hash: None,
                    salt: None,
                    payload_removed: false,
                    sealed_hash: None,
                });
                prev = hash;
            }
            out
        }

        /// Another value of one field of an entry (`which` picks the
        /// field); never merely "no value" for a JSON null, which the hash
        /// does not tell apart.
        fn tamper(e: &mut AuditEntry, which: usize, v: &Value) {
            let other = |x: &Option<Value>| match x {
                Some(old) if old != v && !v.is_null() => Some(v.clone()),
                Some(old) => Some(serde_json::json!([old])),
                None => Some(serde_json::json!({"tampered": true})),
            };
            match which {
                0 => e.seq += 1,
                1 => e.at += time::Duration::seconds(1),
                2 => {
                    e.entry.actor_id = match e.entry.actor_id {
                        Some(id) => Some(PersonId::from_u128(id.uuid().as_u128() ^ 1)),
                        None => Some(Uuid::nil().into()),
                    }
                }
                3 => e.entry.actor.push('x'),
                4 => e.entry.action.push('x'),
                5 => e.entry.entity.push('x'),
                6 => e.entry.entity_id.push('x'),
                7 => e.entry.before = other(&e.entry.before),
                8 => e.entry.after = other(&e.entry.after),
                9 => e.prev_hash.replace_range(
                    0..1,
                    if e.prev_hash.starts_with('0') {
                        "1"
                    } else {
                        "0"
                    },
                ),
                _ => e
                    .hash
                    .replace_range(0..1, if e.hash.starts_with('0') { "1" } else { "0" }),
            }
        }

        proptest! {
            /// Canonical JSON is the same value, keys sorted, without
            /// whitespace: it reads back as what was written.
            #[test]
            fn canonical_json_reads_back_as_the_same_value(v in json_value()) {
                let mut s = String::new();
                canonical_json(&v, &mut s);
                prop_assert_eq!(serde_json::from_str::<Value>(&s).unwrap(), v.clone());
                prop_assert_eq!(s, serde_json::to_string(&v).unwrap());
            }

            /// An intact log verifies; changing any one field of any one
            /// entry is found, at that entry.
            #[test]
            fn any_single_field_change_is_found_at_its_entry(
                entries in proptest::collection::vec((new_entry(), 0i64..100_000), 1..6),
                pick in any::<proptest::sample::Index>(),
                which in 0usize..11,
                v in json_value(),
            ) {
                let log = written(entries);
                let head = (log.len() as i64, log[log.len() - 1].hash.clone());
                let mut v0 = ChainVerifier::default();
                log.iter().for_each(|e| v0.feed(e));
                prop_assert!(v0.finish(head.clone()).ok);

                let i = pick.index(log.len());
                let mut bad = log.clone();
                tamper(&mut bad[i], which, &v);
                prop_assert_ne!(&bad[i], &log[i]);
                let mut ver = ChainVerifier::default();
                bad.iter().for_each(|e| ver.feed(e));
                let r = ver.finish(head);
                prop_assert!(!r.ok);
                prop_assert_eq!(r.broken_at, Some(i as i64 + 1), "{:?}", r.problem);
            }

            /// Removing any one entry is found at its place.
            #[test]
            fn a_removed_entry_is_found(
                entries in proptest::collection::vec((new_entry(), 0i64..10), 1..6),
                pick in any::<proptest::sample::Index>(),
            ) {
                let log = written(entries);
                let head = (log.len() as i64, log[log.len() - 1].hash.clone());
                let i = pick.index(log.len());
                let mut gone = log.clone();
                gone.remove(i);
                let mut ver = ChainVerifier::default();
                gone.iter().for_each(|e| ver.feed(e));
                let r = ver.finish(head);
                prop_assert!(!r.ok);
                prop_assert_eq!(r.broken_at, Some(i as i64 + 1));
            }
        }
    }
}
