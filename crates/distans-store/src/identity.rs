//! Signing in: accounts and their password hashes, API tokens (kept as
//! hashes), the sessions of the web UI, and the actor a signed-in person
//! is (roles granted and units managed).

use async_trait::async_trait;
use distans_core::kernel::PersonId;
use distans_core::kernel::TokenId;
use time::OffsetDateTime;
use uuid::Uuid;

use distans_core::identity::{ApiToken, PersonKey, SessionWrite, SignInCandidate, TokenHolder};
use distans_core::kernel::clock::whole_seconds;
use distans_core::kernel::{Actor, Language, ManagedUnit, UnitRef, Work};
use distans_core::store::IdentityPort;
use distans_core::CoreResult;

use crate::db::{execute, fetch, on_db};
use crate::error::invalid_stored;
use crate::org::granted_roles;
use crate::store::{name, write_if_changed, write_work, SqlStore};

/// id, name, created, last used, expires
type TokenRow = (
    Uuid,
    String,
    OffsetDateTime,
    Option<OffsetDateTime>,
    Option<OffsetDateTime>,
);

/// id, person, expires, revoked, last used
type TokenUse = (
    Uuid,
    Uuid,
    Option<OffsetDateTime>,
    Option<OffsetDateTime>,
    Option<OffsetDateTime>,
);

#[async_trait]
impl IdentityPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn credentials(&self, username: &str) -> CoreResult<Option<(PersonId, Option<String>)>> {
        let row: Option<(Uuid, Option<String>)> = fetch!(
            self.db(),
            fetch_optional,
            "SELECT a.person_id, a.password_hash FROM accounts a JOIN people p ON p.id = a.person_id
             WHERE a.username = $1 AND p.deactivated_at IS NULL",
            username.trim().to_lowercase()
        )?;
        Ok(row.map(|(id, hash)| (id.into(), hash)))
    }

    #[tracing::instrument(skip_all)]
    async fn sign_in_candidates(&self, key: &PersonKey) -> CoreResult<Vec<SignInCandidate>> {
        let rows: Vec<(Uuid, Option<String>, String, bool)> = match key {
            PersonKey::Email(e) => fetch!(
                self.db(),
                fetch_all,
                "SELECT id, email, employee_number, deactivated_at IS NOT NULL FROM people
                 WHERE lower(email) = $1 LIMIT 5",
                e
            )?,
            PersonKey::EmployeeNumber(n) => fetch!(
                self.db(),
                fetch_all,
                "SELECT id, email, employee_number, deactivated_at IS NOT NULL FROM people
                 WHERE employee_number = $1 LIMIT 5",
                n
            )?,
        };
        Ok(rows
            .into_iter()
            .map(
                |(id, email, employee_number, deactivated)| SignInCandidate {
                    id: id.into(),
                    email,
                    employee_number,
                    deactivated,
                },
            )
            .collect())
    }

    #[tracing::instrument(skip_all)]
    async fn set_language(&self, person: PersonId, language: &str, work: &Work) -> CoreResult<()> {
        write_if_changed!(
            self,
            work,
            "UPDATE people SET language = $1, updated_at = $2 WHERE id = $3",
            language,
            work.at,
            person.uuid()
        )?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn set_password(&self, username: &str, hash: &str, work: &Work) -> CoreResult<bool> {
        write_if_changed!(
            self,
            work,
            "UPDATE accounts SET password_hash = $1, updated_at = $2 WHERE username = $3",
            hash,
            work.at,
            username.trim().to_lowercase()
        )
    }

    #[tracing::instrument(skip_all)]
    async fn actor(&self, person: PersonId) -> CoreResult<Option<Actor>> {
        let row: Option<(Uuid, String, String, Uuid, String, String)> = fetch!(
            self.db(),
            fetch_optional,
            "SELECT p.id, p.given_name, p.family_name, u.id, u.name, p.language FROM people p
             JOIN units u ON u.id = p.unit_id WHERE p.id = $1 AND p.deactivated_at IS NULL",
            person.uuid()
        )?;
        let Some((id, given, family, unit_id, unit_name, language)) = row else {
            return Ok(None);
        };
        let (roles, manages): (Vec<(String,)>, Vec<(Uuid, String, String)>) = on_db!(self.db(), p => {
            let roles = sqlx::query_as("SELECT DISTINCT role FROM person_roles WHERE person_id = $1")
                .bind(person.uuid())
                .fetch_all(p)
                .await?;
            let manages = sqlx::query_as(
                "SELECT id, name, path FROM units WHERE (manager_id = $1 OR deputy_id = $1) AND closed_at IS NULL ORDER BY path",
            )
                .bind(person.uuid())
                .fetch_all(p)
                .await?;
            Ok((roles, manages))
        })?;
        let granted = granted_roles(roles)?;
        Ok(Some(Actor {
            language: Language::parse(&language)
                .map_err(|_| invalid_stored("people.language", &language))?,
            person_id: id.into(),
            name: name(&given, &family),
            unit: UnitRef {
                id: unit_id.into(),
                name: unit_name,
            },
            roles: Actor::build_roles(&granted, !manages.is_empty()),
            manages: manages
                .into_iter()
                .map(|(id, name, path)| ManagedUnit {
                    id: id.into(),
                    name,
                    path,
                })
                .collect(),
        }))
    }

    #[tracing::instrument(skip_all, fields(id = %t.id))]
    async fn create_token(
        &self,
        person: PersonId,
        t: &ApiToken,
        token_hash: &str,
        work: &Work,
    ) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            sqlx::query(
                "INSERT INTO api_tokens (id, person_id, name, token_hash, created_at, last_used_at, expires_at, revoked_at)
                 VALUES ($1, $2, $3, $4, $5, NULL, $6, NULL)",
            )
            .bind(t.id.uuid())
            .bind(person.uuid())
            .bind(&t.name)
            .bind(token_hash)
            .bind(t.created_at)
            .bind(t.expires_at)
            .execute(&mut *tx)
            .await?;
        })
    }

    #[tracing::instrument(skip_all)]
    async fn tokens(&self, person: PersonId) -> CoreResult<Vec<ApiToken>> {
        let rows: Vec<TokenRow> = fetch!(
            self.db(),
            fetch_all,
            "SELECT id, name, created_at, last_used_at, expires_at FROM api_tokens
             WHERE person_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 100",
            person.uuid()
        )?;
        Ok(rows
            .into_iter()
            .map(
                |(id, name, created_at, last_used_at, expires_at)| ApiToken {
                    id: id.into(),
                    name,
                    created_at,
                    last_used_at,
                    expires_at,
                },
            )
            .collect())
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn revoke_token(&self, person: PersonId, id: TokenId, work: &Work) -> CoreResult<bool> {
        write_if_changed!(
            self,
            work,
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND person_id = $3 AND revoked_at IS NULL",
            work.at,
            id.uuid(),
            person.uuid()
        )
    }

    #[tracing::instrument(skip_all)]
    async fn person_by_token(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> CoreResult<Option<TokenHolder>> {
        let row: Option<TokenUse> = fetch!(
            self.db(),
            fetch_optional,
            "SELECT id, person_id, expires_at, revoked_at, last_used_at FROM api_tokens WHERE token_hash = $1",
            token_hash
        )?;
        let Some((id, person, expires, revoked, last_used)) = row else {
            return Ok(None);
        };
        if revoked.is_some() || expires.is_some_and(|e| e <= now) {
            return Ok(None);
        }
        // Record use at most once a minute, not on every request.
        if last_used.is_none_or(|l| now - l > time::Duration::minutes(1)) {
            execute!(
                self.db(),
                "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2",
                now,
                id
            )?;
        }
        Ok(Some(TokenHolder {
            person: person.into(),
            expires_at: expires,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn session_person(
        &self,
        id: &str,
        now: OffsetDateTime,
    ) -> CoreResult<Option<(Option<PersonId>, OffsetDateTime)>> {
        let row: Option<(Option<Uuid>, OffsetDateTime)> = fetch!(
            self.db(),
            fetch_optional,
            "SELECT person_id, expiry_date FROM sessions WHERE id = $1",
            id
        )?;
        Ok(row
            .filter(|(_, exp)| *exp > now)
            .map(|(p, exp)| (p.map(Into::into), exp)))
    }

    #[tracing::instrument(skip_all)]
    async fn session_load(&self, id: &str) -> CoreResult<Option<(Vec<u8>, OffsetDateTime)>> {
        Ok(fetch!(
            self.db(),
            fetch_optional,
            "SELECT data, expiry_date FROM sessions WHERE id = $1",
            id
        )?)
    }

    #[tracing::instrument(skip_all)]
    async fn session_create(&self, s: &SessionWrite<'_>, now: OffsetDateTime) -> CoreResult<bool> {
        let n = insert_session(self, s, now, "ON CONFLICT (id) DO NOTHING").await?;
        Ok(n == 1)
    }

    #[tracing::instrument(skip_all)]
    async fn session_save(&self, s: &SessionWrite<'_>, now: OffsetDateTime) -> CoreResult<()> {
        insert_session(
            self,
            s,
            now,
            "ON CONFLICT (id) DO UPDATE SET data = excluded.data, expiry_date = excluded.expiry_date,
                 person_id = excluded.person_id, signed_in_by = excluded.signed_in_by,
                 last_used_at = excluded.last_used_at",
        )
        .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn session_delete(&self, id: &str) -> CoreResult<()> {
        execute!(self.db(), "DELETE FROM sessions WHERE id = $1", id)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn sessions_purge(&self, now: OffsetDateTime) -> CoreResult<u64> {
        execute!(
            self.db(),
            "DELETE FROM sessions WHERE expiry_date < $1",
            now
        )
    }
}

/// Inserts the session `s`, made and used at `now`; `on_conflict` says
/// what becomes of a session already kept under its id. The rows written.
async fn insert_session(
    store: &SqlStore,
    s: &SessionWrite<'_>,
    now: OffsetDateTime,
    on_conflict: &str,
) -> CoreResult<u64> {
    let sql = format!(
        "INSERT INTO sessions (id, data, expiry_date, person_id, signed_in_by, created_at, last_used_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) {on_conflict}"
    );
    execute!(
        store.db(),
        &sql,
        s.id,
        s.data,
        s.expiry,
        s.meta.person.map(|p| p.uuid()),
        s.meta.signed_in_by.as_deref(),
        whole_seconds(now)
    )
}
