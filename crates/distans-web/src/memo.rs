//! The JSON of answers the core remembers, kept for as long as the core
//! keeps the answer itself.
//!
//! A plan the core remembers (see "What each app server remembers" in
//! `docs/design.md`) is one shared, unchanging value; its JSON is the same
//! every time. Writing 600 days as JSON costs more than everything else
//! the request does, so the web layer keeps the bytes beside a weak
//! reference to the value they were made from. They are used only while
//! that value is still alive: once the core has let go of it — its counter
//! moved, or it was crowded out — and no request holds it, its bytes are
//! never served again. Nothing here can be staler than the core's answer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use axum::body::Bytes;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

/// The answers whose JSON the web layer keeps.
pub struct Answers {
    /// `GET /api/v1/plan`.
    pub plans: JsonMemo<Vec<distans_core::plan::PersonDay>>,
    /// `GET /api/v1/coverage`.
    pub coverage: JsonMemo<distans_core::coverage::UnitPlan>,
}

impl Default for Answers {
    fn default() -> Self {
        // As many as the core remembers of each.
        Answers {
            plans: JsonMemo::new(2_000),
            coverage: JsonMemo::new(500),
        }
    }
}

/// The JSON of up to `max` remembered answers of type `T`.
pub struct JsonMemo<T> {
    // Keyed by the value's address. The weak reference keeps the address
    // from being reused by another value while the entry exists.
    inner: Mutex<HashMap<usize, (Weak<T>, Bytes)>>,
    max: usize,
}

impl<T> JsonMemo<T> {
    pub fn new(max: usize) -> Self {
        JsonMemo {
            inner: Mutex::new(HashMap::new()),
            max,
        }
    }

    /// The JSON answer made of `value`: the bytes made before for this very
    /// value, or `make`'s, kept for the next request.
    pub fn answer<E>(
        &self,
        value: &Arc<T>,
        make: impl FnOnce(&T) -> Result<Vec<u8>, E>,
    ) -> Result<Response, E> {
        let key = Arc::as_ptr(value) as usize;
        let known = {
            let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            inner
                .get(&key)
                .filter(|(w, _)| w.strong_count() > 0)
                .map(|(_, b)| b.clone())
        };
        let bytes = match known {
            Some(b) => b,
            None => {
                let b = Bytes::from(make(value)?);
                let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
                if inner.len() >= self.max {
                    inner.retain(|_, (w, _)| w.strong_count() > 0);
                    if inner.len() >= self.max {
                        inner.clear();
                    }
                }
                inner.insert(key, (Arc::downgrade(value), b.clone()));
                b
            }
        };
        Ok((
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            bytes,
        )
            .into_response())
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.inner.lock().unwrap().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::convert::Infallible;

    fn body(m: &JsonMemo<String>, v: &Arc<String>, made: &mut usize) -> Response {
        m.answer(v, |s| {
            *made += 1;
            Ok::<_, Infallible>(s.as_bytes().to_vec())
        })
        .unwrap()
    }

    #[test]
    fn the_same_value_is_written_once() {
        let m = JsonMemo::new(10);
        let v = Arc::new("\"a\"".to_string());
        let mut made = 0;
        body(&m, &v, &mut made);
        body(&m, &v, &mut made);
        assert_eq!(made, 1);
        let w = Arc::new("\"b\"".to_string());
        body(&m, &w, &mut made);
        assert_eq!(made, 2);
    }

    #[test]
    fn when_full_it_forgets_the_values_let_go_of_first() {
        let m = JsonMemo::new(3);
        let mut made = 0;
        let (v1, v2) = (Arc::new("1".to_string()), Arc::new("2".to_string()));
        body(&m, &v1, &mut made);
        body(&m, &v2, &mut made);
        let v3 = Arc::new("3".to_string());
        body(&m, &v3, &mut made);
        drop(v3);
        let v4 = Arc::new("4".to_string());
        body(&m, &v4, &mut made);
        assert_eq!((made, m.len()), (4, 3));
        // The living ones are still known.
        body(&m, &v1, &mut made);
        body(&m, &v4, &mut made);
        assert_eq!(made, 4);
    }

    #[test]
    fn the_memo_has_a_bound() {
        let m = JsonMemo::new(3);
        let mut made = 0;
        let kept: Vec<Arc<String>> = (0..10).map(|i| Arc::new(i.to_string())).collect();
        for v in &kept {
            body(&m, v, &mut made);
        }
        assert!(m.len() <= 3);
        assert_eq!(made, 10);
    }
}
