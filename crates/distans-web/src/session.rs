//! Server-side sessions kept in the database through the core's store, so
//! that they survive a restart and are shared by every app server on the
//! same database. The cookie holds only a random id.

use std::sync::Arc;

use async_trait::async_trait;
use distans_core::identity::{SessionMeta, SessionWrite};
use distans_core::Core;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::AppState;

pub const COOKIE: &str = "distans_session";

#[derive(Clone)]
pub struct DbSessionStore(pub Arc<Core>);

impl std::fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbSessionStore")
    }
}

fn backend(e: distans_core::CoreError) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

/// Whom a session is of and how they signed in, read from its data.
fn meta(record: &Record) -> SessionMeta {
    SessionMeta {
        person: record
            .data
            .get(crate::auth::SESSION_PERSON)
            .and_then(|v| serde_json::from_value::<uuid::Uuid>(v.clone()).ok())
            .map(Into::into),
        signed_in_by: record
            .data
            .get(crate::auth::SESSION_VIA)
            .and_then(|v| v.as_str())
            .map(str::to_string),
    }
}

/// A record as the store keeps it: its id, its data encoded, when it
/// expires, and whom it is of.
struct Kept {
    id: String,
    data: Vec<u8>,
    expiry: time::OffsetDateTime,
    meta: SessionMeta,
}

impl Kept {
    fn of(record: &Record) -> session_store::Result<Kept> {
        let data = serde_json::to_vec(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        Ok(Kept {
            id: record.id.to_string(),
            data,
            expiry: record.expiry_date,
            meta: meta(record),
        })
    }

    fn write(&self) -> SessionWrite<'_> {
        SessionWrite {
            id: &self.id,
            data: &self.data,
            expiry: self.expiry,
            meta: &self.meta,
        }
    }
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A collision of 128-bit random ids is all but impossible; retry anyway.
        for _ in 0..8 {
            let kept = Kept::of(record)?;
            let identity = &self.0.identity;
            if identity
                .session_create(&kept.write())
                .await
                .map_err(backend)?
            {
                return Ok(());
            }
            record.id = Id::default();
        }
        Err(session_store::Error::Backend(
            "could not allocate a session id".into(),
        ))
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let kept = Kept::of(record)?;
        self.0
            .identity
            .session_save(&kept.write())
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let now = self.0.now();
        let Some(bytes) = self
            .0
            .identity
            .session_load(&id.to_string())
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_slice(&bytes)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            // The manager recomputes the expiry on save.
            expiry_date: now + time::Duration::minutes(5),
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.0
            .identity
            .session_delete(&id.to_string())
            .await
            .map_err(backend)
    }
}

pub fn layer(state: &AppState) -> SessionManagerLayer<DbSessionStore> {
    SessionManagerLayer::new(DbSessionStore(state.core.clone()))
        .with_name(COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(
            state.config.session_idle_minutes,
        )))
}
