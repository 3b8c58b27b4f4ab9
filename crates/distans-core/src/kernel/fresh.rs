//! Shared fresh reads of one small value (the database's change counters):
//! every caller gets a value read *after* it asked, as if it had read it
//! itself, but callers who ask while a read is under way share the next
//! read instead of each making their own.
//!
//! A read that began before a caller asked may be older than a change the
//! caller already knows of (its own sign-out, say), so it never answers
//! that caller. Each caller takes a ticket; a read answers every ticket
//! handed out before it began. Under load, one read answers everyone who
//! arrived during the previous one; a lone caller reads for itself, as
//! before.

use std::future::Future;
use std::sync::{Mutex, MutexGuard};

use tokio::sync::Notify;

use crate::kernel::CoreResult;

#[derive(Debug, Default)]
struct State<T> {
    /// Tickets handed out.
    asked: u64,
    /// Every ticket up to this one has its answer in `value`.
    answered: u64,
    value: T,
    /// A read is under way.
    reading: bool,
}

/// See the module's documentation.
#[derive(Debug, Default)]
pub struct FreshRead<T> {
    state: Mutex<State<T>>,
    done: Notify,
}

/// Ends a read that its caller gave up (the request went away): the next
/// caller reads.
struct Reading<'a, T>(&'a FreshRead<T>);

impl<T> Drop for Reading<'_, T> {
    fn drop(&mut self) {
        self.0.lock().reading = false;
        self.0.done.notify_waiters();
    }
}

impl<T> FreshRead<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl<T: Copy> FreshRead<T> {
    /// The value as read by `read`, begun after this call.
    pub async fn get<F, Fut>(&self, read: F) -> CoreResult<T>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = CoreResult<T>>,
    {
        Ok(self.get_since(None, read).await?.0)
    }

    /// The value as read by `read`, begun after `ticket` was handed out
    /// (None: after this call), and the ticket it answers, for a caller
    /// that may be answered again by the same read.
    pub async fn get_since<F, Fut>(&self, mut ticket: Option<u64>, read: F) -> CoreResult<(T, u64)>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = CoreResult<T>>,
    {
        loop {
            let notified = self.done.notified();
            tokio::pin!(notified);
            let upto = {
                let mut s = self.lock();
                let ticket = *ticket.get_or_insert_with(|| {
                    s.asked += 1;
                    s.asked
                });
                if s.answered >= ticket {
                    return Ok((s.value, ticket));
                }
                if s.reading {
                    // Registered while the state is held, so that the end
                    // of the read (which takes it first) wakes this caller.
                    notified.as_mut().enable();
                    None
                } else {
                    s.reading = true;
                    Some(s.asked)
                }
            };
            let Some(upto) = upto else {
                notified.await;
                continue;
            };
            let guard = Reading(self);
            let result = read().await;
            if let Ok(v) = result {
                let mut s = self.lock();
                if upto > s.answered {
                    s.answered = upto;
                    s.value = v;
                }
            }
            drop(guard);
            return result.map(|v| (v, upto));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::CoreError;
    use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    #[tokio::test]
    async fn a_lone_caller_reads_every_time() {
        let fresh = FreshRead::<i64>::default();
        let n = AtomicI64::new(0);
        for want in 1..=3 {
            let got = fresh
                .get(|| async { Ok(n.fetch_add(1, Ordering::SeqCst) + 1) })
                .await
                .unwrap();
            assert_eq!(got, want);
        }
    }

    /// The counter moves while a read is under way: a caller who asked
    /// after that read began must not get its value.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_read_begun_before_a_caller_asked_does_not_answer_it() {
        let fresh = Arc::new(FreshRead::<i64>::default());
        let counter = Arc::new(AtomicI64::new(1));
        let reads = Arc::new(AtomicUsize::new(0));
        let read = {
            let (counter, reads) = (counter.clone(), reads.clone());
            move || {
                let (counter, reads) = (counter.clone(), reads.clone());
                async move {
                    reads.fetch_add(1, Ordering::SeqCst);
                    let v = counter.load(Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Ok(v)
                }
            }
        };
        let first = tokio::spawn({
            let (fresh, read) = (fresh.clone(), read.clone());
            async move { fresh.get(read).await.unwrap() }
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        // A change commits, then a caller asks, while the first read runs.
        counter.store(2, Ordering::SeqCst);
        let late: Vec<_> = (0..5)
            .map(|_| {
                let (fresh, read) = (fresh.clone(), read.clone());
                tokio::spawn(async move { fresh.get(read).await.unwrap() })
            })
            .collect();
        assert_eq!(first.await.unwrap(), 1);
        for l in late {
            assert_eq!(l.await.unwrap(), 2);
        }
        // The five who came during the first read shared one.
        assert_eq!(reads.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_or_abandoned_read_leaves_the_next_caller_to_read() {
        let fresh = Arc::new(FreshRead::<i64>::default());
        let err = fresh
            .get(|| async { Err(CoreError::Conflict("down".into())) })
            .await;
        assert!(err.is_err());
        assert_eq!(fresh.get(|| async { Ok(7) }).await.unwrap(), 7);
        // A caller that goes away in the middle of its read.
        let hung = tokio::spawn({
            let fresh = fresh.clone();
            async move {
                fresh
                    .get(|| async {
                        tokio::time::sleep(Duration::from_secs(60)).await;
                        Ok(0)
                    })
                    .await
            }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        hung.abort();
        let got = tokio::time::timeout(Duration::from_secs(5), fresh.get(|| async { Ok(8) }))
            .await
            .expect("the abandoned read no longer blocks");
        assert_eq!(got.unwrap(), 8);
    }
}
