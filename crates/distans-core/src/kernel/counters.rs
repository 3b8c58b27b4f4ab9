//! The database's change counters, and what an app server may remember
//! while one stands still.
//!
//! Each counter is bumped by database triggers in the same transaction as
//! the change it stands for, whichever app server, command or import
//! makes it: the **sign-in counter** by every change to what a signed-in
//! caller is or may do (sessions deleted or given to another person,
//! tokens revoked, people deactivated, moved, renamed, given another
//! language or another choice of showing where they work, roles, units'
//! managers); the **policy counter** by every change to the policy's
//! versions; the **calendar counter** by every change to the closed days. A request reads them after it arrived (requests that arrive
//! together share one read, see [`FreshRead`]); what a server remembers
//! under an older value is forgotten. So a change is in force on every app
//! server from the very next request.
//!
//! Served inside [`serving`] (the web layer does so for every request),
//! a request reads them once and answers every later question of its own
//! with the same read — unless it changes something itself ([`changing`],
//! called by every unit of work and every session write): from then on
//! each question reads them again, so that it sees its own change.

use std::borrow::Borrow;
use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;

use crate::kernel::{CoreResult, FreshRead};

/// What the request being served has read of the counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    Nothing,
    /// Read once, answering this ticket.
    Read(u64),
    /// It changes something: every question reads again.
    Changing,
}

tokio::task_local! {
    static REQUEST: Cell<Seen>;
}

/// Serves `f` as one request (see the module's documentation).
pub async fn serving<F: Future>(f: F) -> F::Output {
    REQUEST.scope(Cell::new(Seen::Nothing), f).await
}

/// The request being served changes something: its later questions read
/// the counters again. Outside a request, nothing to do.
pub(crate) fn changing() {
    let _ = REQUEST.try_with(|seen| seen.set(Seen::Changing));
}

/// The counters as read in one go.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    pub sign_in: i64,
    pub policy: i64,
    pub calendar: i64,
    /// Bumped by every change to what a plan is made of (and to most else
    /// the organisation holds): people, units, sites, agreements, absences,
    /// rotations, coverage rules, closed days.
    pub plan: i64,
    /// Bumped by every change to a session's data or expiry (a session
    /// ended is the sign-in counter's).
    pub sessions: i64,
}

/// What the counters need of storage.
#[async_trait]
pub trait CountersPort: Send + Sync {
    /// Every counter, in one read.
    async fn counters(&self) -> CoreResult<Counters>;
}

/// The counters of one app server: fresh for every request, shared by
/// requests that arrive together.
#[derive(Clone)]
pub struct ChangeCounters {
    port: Arc<dyn CountersPort>,
    fresh: Arc<FreshRead<Counters>>,
}

impl fmt::Debug for ChangeCounters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChangeCounters")
    }
}

impl ChangeCounters {
    pub fn new(port: Arc<dyn CountersPort>) -> Self {
        ChangeCounters {
            port,
            fresh: Arc::default(),
        }
    }

    /// The counters as read after this call began, or after the request
    /// being served began (see the module's documentation).
    pub async fn read(&self) -> CoreResult<Counters> {
        let seen = REQUEST.try_with(Cell::get).ok();
        let held = match seen {
            Some(Seen::Read(ticket)) => Some(ticket),
            _ => None,
        };
        let (counters, ticket) = self.fresh.get_since(held, || self.port.counters()).await?;
        if seen == Some(Seen::Nothing) {
            let _ = REQUEST.try_with(|s| s.set(Seen::Read(ticket)));
        }
        Ok(counters)
    }
}

/// Values remembered while one counter stands still, at most `max` of
/// them (beyond it they are all forgotten and read again).
pub struct Remembered<K, V> {
    inner: Mutex<(i64, HashMap<K, V>)>,
    max: usize,
}

impl<K: Hash + Eq, V: Clone> Remembered<K, V> {
    pub fn new(max: usize) -> Self {
        Remembered {
            inner: Mutex::new((i64::MIN, HashMap::new())),
            max,
        }
    }

    /// The memory as of `counter`, the value read for this request: None
    /// when it already holds a newer one (this request's reads may be
    /// older than what it holds; it neither reads nor adds).
    fn at(&self, counter: i64) -> Option<MutexGuard<'_, (i64, HashMap<K, V>)>> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if counter > inner.0 {
            *inner = (counter, HashMap::new());
        }
        (inner.0 == counter).then_some(inner)
    }

    pub fn get<Q>(&self, counter: i64, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.at(counter)?.1.get(key).cloned()
    }

    pub fn put(&self, counter: i64, key: K, value: V) {
        if let Some(mut m) = self.at(counter) {
            if m.1.len() >= self.max && !m.1.contains_key(&key) {
                m.1.clear();
            }
            m.1.insert(key, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicI64, Ordering};

    /// Counters that move on every read, counting the reads.
    #[derive(Default)]
    struct Moving(AtomicI64);

    #[async_trait]
    impl CountersPort for Moving {
        async fn counters(&self) -> CoreResult<Counters> {
            let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(Counters {
                sign_in: n,
                policy: n,
                calendar: n,
                plan: n,
                sessions: n,
            })
        }
    }

    #[tokio::test]
    async fn a_request_reads_once_until_it_changes_something() {
        let port = Arc::new(Moving::default());
        let counters = ChangeCounters::new(port.clone());
        // Outside a request every question reads.
        assert_eq!(counters.read().await.unwrap().sign_in, 1);
        assert_eq!(counters.read().await.unwrap().sign_in, 2);
        serving(async {
            assert_eq!(counters.read().await.unwrap().sign_in, 3);
            assert_eq!(counters.read().await.unwrap().sign_in, 3);
            changing();
            assert_eq!(counters.read().await.unwrap().sign_in, 4);
            assert_eq!(counters.read().await.unwrap().sign_in, 5);
        })
        .await;
        // The next request reads afresh.
        serving(async {
            assert_eq!(counters.read().await.unwrap().sign_in, 6);
            assert_eq!(counters.read().await.unwrap().sign_in, 6);
        })
        .await;
        assert_eq!(port.0.load(Ordering::SeqCst), 6);
    }

    /// A unit of work is a change: whoever makes one reads again.
    #[tokio::test]
    async fn a_unit_of_work_is_a_change() {
        let counters = ChangeCounters::new(Arc::new(Moving::default()));
        serving(async {
            assert_eq!(counters.read().await.unwrap().policy, 1);
            let _ = crate::kernel::Work::new(
                time::OffsetDateTime::UNIX_EPOCH,
                crate::kernel::NewAuditEntry::system("test", "test", 1),
            );
            assert_eq!(counters.read().await.unwrap().policy, 2);
        })
        .await;
    }

    #[test]
    fn a_newer_counter_forgets_everything() {
        let m = Remembered::new(10);
        m.put(1, "a", 1);
        assert_eq!(m.get(1, &"a"), Some(1));
        assert_eq!(m.get(2, &"a"), None);
        // What was read under the old counter is not taken in any more.
        m.put(1, "a", 1);
        assert_eq!(m.get(2, &"a"), None);
        m.put(2, "a", 2);
        assert_eq!(m.get(2, &"a"), Some(2));
    }

    #[test]
    fn an_older_counter_neither_reads_nor_adds() {
        let m = Remembered::new(10);
        m.put(5, "a", 1);
        assert_eq!(m.get(4, &"a"), None);
        m.put(4, "b", 2);
        assert_eq!(m.get(5, &"b"), None);
        assert_eq!(m.get(5, &"a"), Some(1));
    }

    #[test]
    fn the_memory_has_a_bound() {
        let m = Remembered::new(3);
        for k in 0..3 {
            m.put(1, k, k);
        }
        assert_eq!(m.get(1, &0), Some(0));
        m.put(1, 3, 3);
        assert_eq!(m.get(1, &0), None);
        assert_eq!(m.get(1, &3), Some(3));
    }
}
