//! One-time links to set a local password, and their e-mails.

use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

use distans_core::kernel::{Message, PersonId, Work};
use distans_core::passwords::{Account, NewLink};
use distans_core::store::PasswordsPort;
use distans_core::CoreResult;

use crate::db::fetch;
use crate::store::{name, write_work, SqlStore};

/// person, given name, family name, username, e-mail
type AccountRow = (Uuid, String, String, String, Option<String>);

const ACCOUNT_SELECT: &str = "SELECT p.id, p.given_name, p.family_name, a.username, p.email
    FROM accounts a JOIN people p ON p.id = a.person_id WHERE p.deactivated_at IS NULL";

fn account((id, given, family, username, email): AccountRow) -> Account {
    Account {
        person: id.into(),
        name: name(&given, &family),
        username,
        email,
    }
}

#[async_trait]
impl PasswordsPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn account_by_login(&self, login: &str) -> CoreResult<Option<Account>> {
        let rows: Vec<AccountRow> = fetch!(
            self.db(),
            fetch_all,
            &format!("{ACCOUNT_SELECT} AND (a.username = $1 OR LOWER(p.email) = $1) LIMIT 2"),
            login
        )?;
        Ok(match <[AccountRow; 1]>::try_from(rows) {
            Ok([one]) => Some(account(one)),
            Err(_) => None,
        })
    }

    #[tracing::instrument(skip_all)]
    async fn account_of(&self, person: PersonId) -> CoreResult<Option<Account>> {
        let row: Option<AccountRow> = fetch!(
            self.db(),
            fetch_optional,
            &format!("{ACCOUNT_SELECT} AND p.id = $1"),
            person.uuid()
        )?;
        Ok(row.map(account))
    }

    #[tracing::instrument(skip_all)]
    async fn create_link(
        &self,
        link: &NewLink,
        to: &str,
        mail: &Message,
        work: &Work,
    ) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            sqlx::query(
                "INSERT INTO password_links (id, person_id, token_hash, purpose, created_at, expires_at, used_at)
                 VALUES ($1, $2, $3, $4, $5, $6, NULL)",
            )
            .bind(Uuid::now_v7())
            .bind(link.person.uuid())
            .bind(&link.token_hash)
            .bind(link.purpose.as_str())
            .bind(work.at)
            .bind(link.expires_at)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO outbox (id, recipient, subject, body, message, language, created_at, attempts, next_attempt_at, locked_until, sent_at, last_error)
                 VALUES ($1, $2, '', '', $3, COALESCE((SELECT language FROM people WHERE id = $4), 'sv'), $5, 0, $5, NULL, NULL, NULL)",
            )
            .bind(Uuid::now_v7())
            .bind(to)
            .bind(sqlx::types::Json(mail))
            .bind(link.person.uuid())
            .bind(work.at)
            .execute(&mut *tx)
            .await?;
        })
    }

    #[tracing::instrument(skip_all)]
    async fn link_account(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> CoreResult<Option<Account>> {
        let row: Option<AccountRow> = fetch!(
            self.db(),
            fetch_optional,
            &format!(
                "{ACCOUNT_SELECT} AND p.id = (SELECT l.person_id FROM password_links l
                   WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2)"
            ),
            token_hash,
            now
        )?;
        Ok(row.map(account))
    }

    #[tracing::instrument(skip_all)]
    async fn use_link(
        &self,
        token_hash: &str,
        password_hash: &str,
        work: &Work,
    ) -> CoreResult<bool> {
        write_work!(self, work, |tx| {
            let person: Option<(Uuid,)> = sqlx::query_as(
                "UPDATE password_links SET used_at = $1
                 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1
                 RETURNING person_id",
            )
            .bind(work.at)
            .bind(token_hash)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((person,)) = person else {
                return Ok(false);
            };
            sqlx::query(
                "UPDATE accounts SET password_hash = $1, updated_at = $2 WHERE person_id = $3",
            )
            .bind(password_hash)
            .bind(work.at)
            .bind(person)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE password_links SET used_at = $1 WHERE person_id = $2 AND used_at IS NULL",
            )
            .bind(work.at)
            .bind(person)
            .execute(&mut *tx)
            .await?;
            true
        })
    }
}
