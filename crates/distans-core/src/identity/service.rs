//! Accounts, passwords and personal API tokens; who a request acts as.

use crate::kernel::ids::PersonId;
use crate::kernel::TokenId;
use std::sync::Arc;

use crate::access::{self, Action, Kind};
use crate::identity::memory::{SessionSeen, SignInMemory, TokenSeen};
use crate::identity::model::*;
use crate::identity::port::IdentityPort;
use crate::identity::rules::{external, password, token};
use crate::kernel::counters::{changing, Remembered};
use crate::kernel::Env;
use crate::kernel::Work;
use crate::kernel::{Actor, CoreError, CoreResult, Language, NewAuditEntry};
use time::OffsetDateTime;

/// Accounts, tokens, sign-in and sessions.
#[derive(Clone)]
pub struct IdentityService {
    port: Arc<dyn IdentityPort>,
    env: Env,
    /// Callers seen, while the database's sign-in counter stands still.
    memory: Arc<SignInMemory>,
    /// Sessions' data and expiry, while neither the sign-in counter nor
    /// the sessions counter moves.
    session_data: Arc<Remembered<String, SessionData>>,
}

/// A session's data and when it expires.
type SessionData = (Arc<[u8]>, OffsetDateTime);

/// Sessions whose data an app server remembers at most.
const REMEMBERED_SESSIONS: usize = 20_000;

/// How often a token's use is recorded at most (per app server).
const RECORD_USE_EVERY: time::Duration = time::Duration::minutes(1);

impl IdentityService {
    pub(crate) fn new(port: Arc<dyn IdentityPort>, env: Env) -> Self {
        IdentityService {
            port,
            env,
            memory: Arc::default(),
            session_data: Arc::new(Remembered::new(REMEMBERED_SESSIONS)),
        }
    }

    /// The sign-in counter as read after this call began.
    async fn epoch(&self) -> CoreResult<i64> {
        Ok(self.env.counters().await?.sign_in)
    }

    /// Who a person is to the policy; none once deactivated.
    #[tracing::instrument(skip_all)]
    pub async fn actor(&self, person: PersonId) -> CoreResult<Option<Actor>> {
        let epoch = self.epoch().await?;
        self.actor_at(epoch, person).await
    }

    /// The actor as of the counter `epoch` read before: remembered, or
    /// read and remembered.
    async fn actor_at(&self, epoch: i64, person: PersonId) -> CoreResult<Option<Actor>> {
        if let Some(a) = self.memory.actor(epoch, person) {
            return Ok(Some(a));
        }
        let actor = self.port.actor(person).await?;
        if let Some(a) = &actor {
            self.memory.put_actor(epoch, a);
        }
        Ok(actor)
    }

    /// Who a session cookie signs in: one read of the sign-in counter when
    /// the session and its person were seen since it last moved.
    #[tracing::instrument(skip_all)]
    pub async fn session_actor(&self, session_id: &str) -> CoreResult<SessionActor> {
        let epoch = self.epoch().await?;
        let now = self.env.now();
        let seen = match self.memory.session(epoch, session_id) {
            Some(s) if s.expires > now => Some(s),
            _ => match self.port.session_person(session_id, now).await? {
                Some((person, expires)) => {
                    let s = SessionSeen { person, expires };
                    self.memory.put_session(epoch, session_id, s);
                    Some(s)
                }
                None => None,
            },
        };
        match seen {
            None => Ok(SessionActor::Gone),
            Some(SessionSeen { person: None, .. }) => Ok(SessionActor::Unnamed),
            Some(SessionSeen {
                person: Some(p), ..
            }) => Ok(match self.actor_at(epoch, p).await? {
                Some(a) => SessionActor::SignedIn(a),
                None => SessionActor::Gone,
            }),
        }
    }

    #[tracing::instrument(skip_all)]
    pub async fn actor_by_token(&self, secret: &str) -> CoreResult<Option<Actor>> {
        if !secret.starts_with(token::PREFIX) || secret.len() > 200 {
            return Ok(None);
        }
        let hash = token::hash(secret);
        let epoch = self.epoch().await?;
        let now = self.env.now();
        let person = match self.memory.token(epoch, &hash) {
            Some(t) if t.expires.is_none_or(|e| e > now) && now - t.recorded < RECORD_USE_EVERY => {
                t.person
            }
            _ => match self.port.person_by_token(&hash, now).await? {
                Some(h) => {
                    let seen = TokenSeen {
                        person: h.person,
                        expires: h.expires_at,
                        recorded: now,
                    };
                    self.memory.put_token(epoch, &hash, seen);
                    h.person
                }
                None => return Ok(None),
            },
        };
        self.actor_at(epoch, person).await
    }

    /// Sets the password of the demo's sign-ins.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn set_password_hash(
        &self,
        username: &str,
        hash: &str,
        audit: NewAuditEntry,
    ) -> CoreResult<bool> {
        self.port
            .set_password(username, hash, &Work::new(self.env.now(), audit))
            .await
    }

    /// The person behind a username, if any.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn person_of_username(&self, username: &str) -> CoreResult<Option<PersonId>> {
        Ok(self.port.credentials(username).await?.map(|c| c.0))
    }

    /// Sets the language the actor reads notices and mail in: `sv` or `en`.
    #[tracing::instrument(skip_all)]
    pub async fn set_language(&self, actor: &Actor, language: &str) -> CoreResult<Language> {
        let language = Language::parse(language).map_err(|e| CoreError::invalid("language", e))?;
        let audit = NewAuditEntry::by(actor, "person.language", "person", actor.person_id)
            .after(serde_json::json!({ "language": language.code() }));
        let work = Work::new(self.env.now(), audit);
        self.port
            .set_language(actor.person_id, language.code(), &work)
            .await?;
        Ok(language)
    }

    /// Sets a password from the command line (administrator's tool).
    #[tracing::instrument(skip_all)]
    pub async fn set_password(&self, username: &str, new_password: &str) -> CoreResult<()> {
        password::check_new(new_password)?;
        let hash = password::hash(new_password)?;
        let mut audit = NewAuditEntry::system("account.password", "account", username);
        audit.actor = "kommandoraden".into();
        if self
            .port
            .set_password(username, &hash, &Work::new(self.env.now(), audit))
            .await?
        {
            Ok(())
        } else {
            Err(CoreError::NotFound("account"))
        }
    }

    // Tokens.

    #[tracing::instrument(skip_all)]
    pub async fn create_token(
        &self,
        actor: &Actor,
        name: &str,
        days: Option<i64>,
    ) -> CoreResult<NewToken> {
        access::authorize(actor, Action::Plain(Kind::ManageOwnTokens))?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(CoreError::invalid("name", "must be 1 to 100 characters"));
        }
        let days = days.unwrap_or(90);
        if !(1..=self.env.config().token_max_days).contains(&days) {
            return Err(CoreError::invalid(
                "days",
                format!("must be between 1 and {}", self.env.config().token_max_days),
            ));
        }
        let (secret, hash) = token::generate();
        let now = self.env.now();
        let t = ApiToken {
            id: TokenId::new(),
            name: name.into(),
            created_at: now,
            last_used_at: None,
            // `days` is between 1 and the configured maximum (checked above).
            expires_at: Some(now.checked_add(time::Duration::days(days)).ok_or_else(|| {
                CoreError::invalid("days", "ends past the last date that can be kept")
            })?),
        };
        let mut audit = NewAuditEntry::by(actor, "token.create", "token", t.id.to_string());
        audit.after = Some(
            serde_json::json!({"name": t.name, "expires_at": t.expires_at.map(|e| e.unix_timestamp())}),
        );
        self.port
            .create_token(
                actor.person_id,
                &t,
                &hash,
                &Work::new(self.env.now(), audit),
            )
            .await?;
        Ok(NewToken { token: t, secret })
    }

    #[tracing::instrument(skip_all)]
    pub async fn tokens(&self, actor: &Actor) -> CoreResult<Vec<ApiToken>> {
        access::authorize(actor, Action::Plain(Kind::ManageOwnTokens))?;
        self.port.tokens(actor.person_id).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn revoke_token(&self, actor: &Actor, id: TokenId) -> CoreResult<()> {
        access::authorize(actor, Action::Plain(Kind::ManageOwnTokens))?;
        let audit = NewAuditEntry::by(actor, "token.revoke", "token", id.to_string());
        if self
            .port
            .revoke_token(actor.person_id, id, &Work::new(self.env.now(), audit))
            .await?
        {
            Ok(())
        } else {
            Err(CoreError::NotFound("token"))
        }
    }
}

/// Sign-in and the server-side sessions the web layer keeps.
impl IdentityService {
    /// The person behind a username and password. Unknown users are checked
    /// against a dummy hash, so the time taken does not tell which usernames
    /// exist; the hash is checked on a blocking thread. `limit` is asked
    /// first, with the username (the web layer's rate limit).
    #[tracing::instrument(skip_all)]
    pub async fn sign_in(
        &self,
        username: &str,
        pw: &str,
        limit: impl FnOnce(&str) -> CoreResult<()>,
    ) -> CoreResult<PersonId> {
        let username = username.trim();
        if username.is_empty() || username.len() > 200 {
            return Err(CoreError::invalid("username", "enter your username"));
        }
        if pw.is_empty() || pw.len() > 1024 {
            return Err(CoreError::invalid("password", "enter your password"));
        }
        limit(username)?;
        let (person, hash) = match self.port.credentials(username).await? {
            Some((p, Some(h))) => (Some(p), h),
            // Unknown user or no local password: spend the same time anyway.
            _ => (None, password::dummy_hash().to_string()),
        };
        let pw = pw.to_string();
        let ok = tokio::task::spawn_blocking(move || password::verify(&hash, &pw))
            .await
            .map_err(CoreError::internal)?;
        match (ok, person) {
            (true, Some(p)) => Ok(p),
            _ => Err(CoreError::BadCredentials),
        }
    }

    /// Whom a sign-in through the identity provider is for: the value of
    /// the configured claim (`email`, or one naming the employee number),
    /// matched to a provisioned person ([`external`]); never makes one.
    #[tracing::instrument(skip_all)]
    pub async fn person_for_claim(&self, claim: &str, value: &str) -> CoreResult<ExternalMatch> {
        let Some(key) = external::key(claim, value) else {
            return Ok(ExternalMatch::Unknown);
        };
        let found = self.port.sign_in_candidates(&key).await?;
        Ok(external::decide(&key, &found))
    }

    /// A session's data, unless it has expired.
    #[tracing::instrument(skip_all)]
    pub async fn session_load(&self, id: &str) -> CoreResult<Option<Vec<u8>>> {
        let c = self.env.counters().await?;
        // Both counters only grow: their sum moves when either does.
        let counter = c.sign_in + c.sessions;
        let found = match self.session_data.get(counter, id) {
            Some(known) => Some(known),
            None => {
                let found = self.port.session_load(id).await?;
                let found = found.map(|(data, expires)| (Arc::<[u8]>::from(data), expires));
                if let Some(f) = &found {
                    self.session_data.put(counter, id.to_string(), f.clone());
                }
                found
            }
        };
        let now = self.env.now();
        Ok(found
            .filter(|(_, expires)| *expires > now)
            .map(|(data, _)| data.to_vec()))
    }

    /// Stores a new session; false when the id is taken.
    #[tracing::instrument(skip_all)]
    pub async fn session_create(&self, s: &SessionWrite<'_>) -> CoreResult<bool> {
        changing();
        self.port.session_create(s, self.env.now()).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn session_save(&self, s: &SessionWrite<'_>) -> CoreResult<()> {
        changing();
        self.port.session_save(s, self.env.now()).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn session_delete(&self, id: &str) -> CoreResult<()> {
        changing();
        self.port.session_delete(id).await
    }

    /// Removes expired sessions; how many.
    #[tracing::instrument(skip_all)]
    pub async fn purge_sessions(&self) -> CoreResult<u64> {
        self.port.sessions_purge(self.env.now()).await
    }
}
