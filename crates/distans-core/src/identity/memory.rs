//! What an app server remembers of signed-in callers between requests:
//! sessions' and tokens' holders and the actors they are, valid only as
//! long as the database's sign-in counter (the `auth_epoch` of the
//! storage) has not moved. Every change that could change what a caller
//! may do — signing out, a session or token ended, a person deactivated,
//! moved or renamed, a role granted or taken, a unit's managers — bumps
//! the counter in its own transaction, on whichever app server made it;
//! each request reads the counter first, and a server that sees a newer
//! one forgets everything and reads again. So a change is in force on
//! every server from the very next request.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use time::OffsetDateTime;

use crate::kernel::ids::PersonId;
use crate::kernel::Actor;

/// Entries kept at most per kind; beyond it that kind is forgotten.
const MAX_ENTRIES: usize = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SessionSeen {
    /// None: the session names no person in its column.
    pub person: Option<PersonId>,
    pub expires: OffsetDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TokenSeen {
    pub person: PersonId,
    pub expires: Option<OffsetDateTime>,
    /// When its use was last recorded in the database.
    pub recorded: OffsetDateTime,
}

#[derive(Default)]
struct Inner {
    epoch: i64,
    sessions: HashMap<String, SessionSeen>,
    tokens: HashMap<String, TokenSeen>,
    actors: HashMap<PersonId, Actor>,
}

/// The memory; see the module's documentation.
#[derive(Default)]
pub(crate) struct SignInMemory {
    inner: Mutex<Inner>,
}

fn put<K: std::hash::Hash + Eq, V>(map: &mut HashMap<K, V>, k: K, v: V) {
    if map.len() >= MAX_ENTRIES && !map.contains_key(&k) {
        map.clear();
    }
    map.insert(k, v);
}

impl SignInMemory {
    /// The memory as of `epoch`, the counter read for this request: None
    /// when the memory already holds a newer one (this request's reads
    /// may be older than what it holds; it neither reads nor adds).
    fn at(&self, epoch: i64) -> Option<MutexGuard<'_, Inner>> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if epoch > inner.epoch {
            *inner = Inner {
                epoch,
                ..Inner::default()
            };
        }
        (inner.epoch == epoch).then_some(inner)
    }

    pub fn session(&self, epoch: i64, id: &str) -> Option<SessionSeen> {
        self.at(epoch)?.sessions.get(id).copied()
    }

    pub fn put_session(&self, epoch: i64, id: &str, seen: SessionSeen) {
        if let Some(mut m) = self.at(epoch) {
            put(&mut m.sessions, id.to_string(), seen);
        }
    }

    pub fn token(&self, epoch: i64, hash: &str) -> Option<TokenSeen> {
        self.at(epoch)?.tokens.get(hash).copied()
    }

    pub fn put_token(&self, epoch: i64, hash: &str, seen: TokenSeen) {
        if let Some(mut m) = self.at(epoch) {
            put(&mut m.tokens, hash.to_string(), seen);
        }
    }

    pub fn actor(&self, epoch: i64, person: PersonId) -> Option<Actor> {
        self.at(epoch)?.actors.get(&person).cloned()
    }

    pub fn put_actor(&self, epoch: i64, actor: &Actor) {
        if let Some(mut m) = self.at(epoch) {
            put(&mut m.actors, actor.person_id, actor.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn seen(n: u128) -> SessionSeen {
        SessionSeen {
            person: Some(PersonId::from(uuid::Uuid::from_u128(n))),
            expires: datetime!(2026-12-05 12:00 UTC),
        }
    }

    #[test]
    fn a_newer_counter_forgets_everything() {
        let m = SignInMemory::default();
        m.put_session(1, "a", seen(1));
        assert_eq!(m.session(1, "a"), Some(seen(1)));
        assert_eq!(m.session(2, "a"), None);
        // What was read under the old counter is not taken in any more.
        m.put_session(1, "a", seen(1));
        assert_eq!(m.session(2, "a"), None);
        m.put_session(2, "a", seen(2));
        assert_eq!(m.session(2, "a"), Some(seen(2)));
    }

    #[test]
    fn an_older_counter_neither_reads_nor_adds() {
        let m = SignInMemory::default();
        m.put_session(5, "a", seen(1));
        // A request that read the counter before another saw the newer one.
        assert_eq!(m.session(4, "a"), None);
        m.put_session(4, "b", seen(2));
        assert_eq!(m.session(5, "b"), None);
        assert_eq!(m.session(5, "a"), Some(seen(1)));
    }

    #[test]
    fn the_memory_has_a_bound() {
        let m = SignInMemory::default();
        for i in 0..MAX_ENTRIES {
            m.put_session(1, &i.to_string(), seen(1));
        }
        assert!(m.session(1, "0").is_some());
        m.put_session(1, "one more", seen(1));
        assert!(m.session(1, "0").is_none());
        assert!(m.session(1, "one more").is_some());
        let inner = m.inner.lock().unwrap();
        assert_eq!(inner.sessions.len(), 1);
    }
}
