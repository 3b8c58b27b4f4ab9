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

use time::OffsetDateTime;

use crate::kernel::counters::Remembered;

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

/// The memory; see the module's documentation.
pub(crate) struct SignInMemory {
    sessions: Remembered<String, SessionSeen>,
    tokens: Remembered<String, TokenSeen>,
    actors: Remembered<PersonId, Actor>,
}

impl Default for SignInMemory {
    fn default() -> Self {
        SignInMemory {
            sessions: Remembered::new(MAX_ENTRIES),
            tokens: Remembered::new(MAX_ENTRIES),
            actors: Remembered::new(MAX_ENTRIES),
        }
    }
}

impl SignInMemory {
    pub fn session(&self, epoch: i64, id: &str) -> Option<SessionSeen> {
        self.sessions.get(epoch, id)
    }

    pub fn put_session(&self, epoch: i64, id: &str, seen: SessionSeen) {
        self.sessions.put(epoch, id.to_string(), seen);
    }

    pub fn token(&self, epoch: i64, hash: &str) -> Option<TokenSeen> {
        self.tokens.get(epoch, hash)
    }

    pub fn put_token(&self, epoch: i64, hash: &str, seen: TokenSeen) {
        self.tokens.put(epoch, hash.to_string(), seen);
    }

    pub fn actor(&self, epoch: i64, person: PersonId) -> Option<Actor> {
        self.actors.get(epoch, &person)
    }

    pub fn put_actor(&self, epoch: i64, actor: &Actor) {
        self.actors.put(epoch, actor.person_id, actor.clone());
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
    fn the_memory_has_a_bound() {
        let m = SignInMemory::default();
        for i in 0..MAX_ENTRIES {
            m.put_session(1, &i.to_string(), seen(1));
        }
        assert!(m.session(1, "0").is_some());
        m.put_session(1, "one more", seen(1));
        assert!(m.session(1, "0").is_none());
        assert!(m.session(1, "one more").is_some());
    }
}
